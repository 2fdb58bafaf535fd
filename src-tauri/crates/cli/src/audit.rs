//! `ctower audit verify`: checks the audit trail's hash chain end to end.

use std::path::Path;

use anyhow::{bail, Context, Result};
use store::Store;

pub async fn verify(db: &Path) -> Result<()> {
    if !db.exists() {
        bail!("no mirror at {}", db.display());
    }
    let store = Store::open(db).await.context("opening the mirror")?;
    let (count, breaks) = store::audit::verify(&store).await?;
    if breaks.is_empty() {
        println!("audit trail intact: {count} events, hash chain verified from the first");
        return Ok(());
    }
    for b in &breaks {
        println!("BROKEN: {b}");
    }
    bail!(
        "audit trail of {} is broken in {} place(s) among {count} events",
        db.display(),
        breaks.len()
    )
}

/// `ctower audit export --out DIR`: the evidence pack. Written only from an intact chain, into a
/// new or empty folder, each file complete before the manifest that vouches for it.
pub async fn export(db: &Path, out: &Path) -> Result<()> {
    if !db.exists() {
        bail!("no mirror at {}", db.display());
    }
    if out.exists() && std::fs::read_dir(out)?.next().is_some() {
        bail!(
            "{} is not empty: an evidence pack goes into a new folder",
            out.display()
        );
    }
    let store = Store::open(db).await.context("opening the mirror")?;
    let (count, breaks) = store::audit::verify(&store).await?;
    if !breaks.is_empty() {
        for b in &breaks {
            println!("BROKEN: {b}");
        }
        bail!(
            "the audit trail is broken in {} place(s); no evidence pack written",
            breaks.len()
        );
    }
    let events = store::audit::all(&store).await?;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;

    let mut jsonl = String::new();
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record([
        "seq",
        "at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "before",
        "after",
        "prev_hash",
        "hash",
    ])?;
    for e in &events {
        let row = serde_json::json!({
            "seq": e.seq, "at": e.at, "actor": e.actor_id, "action": e.action,
            "object_type": e.object_type, "object_id": e.object_id,
            "before": e.before.as_deref().map(serde_json::from_str::<serde_json::Value>).transpose()?,
            "after": e.after.as_deref().map(serde_json::from_str::<serde_json::Value>).transpose()?,
            "prev_hash": e.prev_hash, "hash": e.hash,
        });
        jsonl.push_str(&row.to_string());
        jsonl.push('\n');
        csv.write_record([
            &e.seq.to_string(),
            &e.at,
            &e.actor_id,
            &e.action,
            &e.object_type,
            &e.object_id,
            e.before.as_deref().unwrap_or(""),
            e.after.as_deref().unwrap_or(""),
            &e.prev_hash,
            &e.hash,
        ])?;
    }
    let last = events.last();
    let verification = format!(
        "Audit trail of {}\n{count} events, hash chain verified from the first (seq {}) to the last (seq {}).\nLast hash: {}\nVerified at {}\n",
        db.display(),
        events.first().map_or(0, |e| e.seq),
        last.map_or(0, |e| e.seq),
        last.map_or(store::audit::GENESIS, |e| e.hash.as_str()),
        chrono::Utc::now().to_rfc3339(),
    );
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("events.jsonl", jsonl.into_bytes()),
        ("events.csv", csv.into_inner().context("writing the CSV")?),
        ("verification.txt", verification.into_bytes()),
    ];
    let mut manifest = serde_json::Map::new();
    for (name, bytes) in &files {
        std::fs::write(out.join(name), bytes).with_context(|| format!("writing {name}"))?;
        manifest.insert(
            name.to_string(),
            serde_json::json!({
                "bytes": bytes.len(),
                "sha256": domain::checksum::sha256_hex(bytes),
            }),
        );
    }
    let manifest = serde_json::json!({
        "events": count,
        "last_hash": last.map(|e| e.hash.clone()),
        "generated_at": chrono::Utc::now().to_rfc3339(),
        "files": manifest,
    });
    std::fs::write(out.join("manifest.json"), serde_json::to_vec_pretty(&manifest)?)?;
    println!("evidence pack: {count} events in {}", out.display());
    Ok(())
}
