//! `ctower bench`: the figures of DESIGN.md §5 that exist so far, measured on a generated
//! sandbox over 127.0.0.1 and a real SQLite file. Prints `name: value unit` lines and writes the
//! same figures as JSON.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use connect::{ConnectError, SecretStore};
use domain::AgingBucket;
use sandbox::{Sandbox, SandboxConfig, Size};
use store::approval_queue::{self as queue, QueueFilter, QueueRequest, SortKey};
use store::connections::Connection;
use store::Store;
use sync::Engine;

/// The bench's own sandbox key, held in memory: the bench measures sync, not the keyring.
struct BenchSecret(String);

impl SecretStore for BenchSecret {
    fn get(&self, _: &str) -> Result<String, ConnectError> {
        Ok(self.0.clone())
    }
    fn set(&self, _: &str, _: &str) -> Result<(), ConnectError> {
        Ok(())
    }
    fn delete(&self, _: &str) -> Result<(), ConnectError> {
        Ok(())
    }
}

struct Figures(Vec<(String, f64, &'static str)>);

impl Figures {
    fn add(&mut self, name: &str, value: f64, unit: &'static str) {
        println!("{name}: {} {unit}", fmt(value));
        self.0.push((name.into(), value, unit));
    }

    fn json(&self, size: Size) -> serde_json::Value {
        let figures: serde_json::Map<String, serde_json::Value> = self
            .0
            .iter()
            .map(|(n, v, u)| (n.clone(), serde_json::json!({ "value": v, "unit": u })))
            .collect();
        serde_json::json!({ "size": format!("{size:?}"), "figures": figures })
    }
}

// Figures are measurements for people to read, not money: rounding them is fine.
fn fmt(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

pub(crate) fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub(crate) fn p95(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    let idx = ((samples.len() as f64) * 0.95).ceil() as usize;
    millis(samples[idx.saturating_sub(1).min(samples.len() - 1)])
}

pub(crate) fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

/// Bank vs ledger auto-match on generated data with known truth (DESIGN.md §5); run by
/// `ctower bench-recon` in a process of its own.
pub fn recon_only(lines: usize) -> Result<()> {
    recon_figures(&mut Figures(Vec::new()), lines)
}

fn recon_figures(figures: &mut Figures, lines: usize) -> Result<()> {
    use recon::generate::{generate, pair_quality, percent, GenConfig};
    let t = Instant::now();
    let data = generate(&GenConfig {
        bank_lines: lines,
        seed: 42,
    });
    figures.add("recon_generate_s", t.elapsed().as_secs_f64(), "s");
    figures.add("recon_bank_lines", data.bank.len() as f64, "lines");
    figures.add("recon_ledger_entries", data.ledger.len() as f64, "entries");
    let t = Instant::now();
    let run = recon::run(&data.bank, &data.ledger, &recon::RuleSet::default())?;
    figures.add(
        if lines == 1_000_000 {
            "recon_match_1m_s"
        } else {
            "recon_match_s"
        },
        t.elapsed().as_secs_f64(),
        "s",
    );
    figures.add("recon_peak_rss_mb", peak_rss_mb(), "MB");
    let auto = run.iter().filter(|m| m.status() == recon::MatchStatus::Auto);
    let q = pair_quality(&data.truth, auto);
    // percent() renders basis points exactly ("99.71"); figures are shown, not computed with.
    let pct = |bp: u64| percent(bp).parse::<f64>().unwrap_or(0.0);
    figures.add("recon_pair_precision_pct", pct(q.precision_bp()), "%");
    figures.add("recon_pair_recall_pct", pct(q.recall_bp()), "%");
    Ok(())
}

/// The peer: dlt (Python) loading the same invoice pages from the same sandbox into SQLite.
async fn dlt_figures(figures: &mut Figures, python: &Path, base_url: &str, key: &str, ours_per_s: f64) -> Result<()> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../bench/dlt_peer.py");
    let dir = tempfile::tempdir()?;
    let out = tokio::process::Command::new(python)
        .arg(&script)
        .args([
            "--url",
            base_url,
            "--key",
            key,
            "--resource",
            "invoices",
            "--max-records",
            "200000",
        ])
        .arg("--db")
        .arg(dir.path().join("dlt.db"))
        .output()
        .await
        .with_context(|| format!("running {}", python.display()))?;
    if !out.status.success() {
        anyhow::bail!("the dlt peer failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).context("reading the dlt peer's figures")?;
    let records = result["records"].as_f64().unwrap_or(0.0);
    let seconds = result["seconds"].as_f64().unwrap_or(f64::MAX);
    let peer = records / seconds;
    figures.add("dlt_records", records, "rec");
    figures.add("dlt_records_per_s", peer, "rec/s");
    figures.add("sync_vs_dlt_ratio", ours_per_s / peer, "x");
    Ok(())
}

/// Runs `ctower ARGS…` and adds every `name: value unit` line it prints.
async fn child_figures(figures: &mut Figures, args: &[&str]) -> Result<()> {
    let child = tokio::process::Command::new(std::env::current_exe()?)
        .args(args)
        .output()
        .await?;
    if !child.status.success() {
        anyhow::bail!(
            "the {} benchmark failed: {}",
            args[0],
            String::from_utf8_lossy(&child.stderr)
        );
    }
    for line in String::from_utf8_lossy(&child.stdout).lines() {
        let parsed = line.split_once(": ").and_then(|(name, rest)| {
            let (value, unit) = rest.split_once(' ')?;
            Some((name, value.parse::<f64>().ok()?, unit))
        });
        if let Some((name, value, unit)) = parsed {
            let unit = match unit {
                "s" => "s",
                "ms" => "ms",
                "MB" => "MB",
                "%" => "%",
                "lines" => "lines",
                "rec" => "rec",
                "exceptions" => "exceptions",
                _ => "entries",
            };
            figures.add(name, value, unit);
        }
    }
    Ok(())
}

/// The approver with the most pending steps.
fn busiest_approver<'a>(steps: impl Iterator<Item = (&'a str, &'a str)>) -> Result<String> {
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for (approver, _) in steps.filter(|(_, status)| *status == "pending") {
        *counts.entry(approver).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(u, _)| u.to_string())
        .context("no pending approvals")
}

/// The Approvals screen's figures: the queue's first page under every filter, sort and
/// direction, and the aging summary, for the approver with the most pending work (as the app
/// signs in).
async fn approval_figures(figures: &mut Figures, store: &Store) -> Result<()> {
    let pending = store::approvals::pending(store).await?;
    let approver = busiest_approver(pending.iter().map(|a| (a.approver_id.as_str(), a.status.as_str())))?;
    drop(pending);
    // Every filter the screen offers: none, an entity, each aging bucket, a supplier's name and
    // an invoice number's digits.
    let mut filters = vec![
        ("none".to_string(), QueueFilter::default()),
        (
            "entity".to_string(),
            QueueFilter {
                entity: Some("DE01".into()),
                ..Default::default()
            },
        ),
    ];
    for bucket in AgingBucket::ALL {
        filters.push((
            format!("{bucket:?}"),
            QueueFilter {
                bucket: Some(bucket),
                ..Default::default()
            },
        ));
    }
    for (label, text) in [("search", "gran"), ("number", "0027")] {
        filters.push((
            label.to_string(),
            QueueFilter {
                search: Some(text.into()),
                ..Default::default()
            },
        ));
    }
    // Pages walk an index and stop, so every size affords the same repetitions. The first of each
    // reads its pages from disk (or the OS's cache); those are also reported on their own.
    let reps = 10;
    let sorts = [
        SortKey::DueDate,
        SortKey::Amount,
        SortKey::Age,
        SortKey::Supplier,
        SortKey::InvoiceNumber,
    ];
    let mut samples = Vec::new();
    let mut first = Vec::new();
    let mut by_filter = Vec::new();
    let mut slowest = (Duration::ZERO, String::new());
    for (label, filter) in &filters {
        let mut these = Vec::new();
        for sort in sorts {
            for descending in [false, true] {
                for rep in 0..reps {
                    let req = QueueRequest {
                        approvers: vec![approver.clone()],
                        filter: filter.clone(),
                        sort,
                        descending,
                        after: None,
                        limit: 50,
                    };
                    let t = Instant::now();
                    queue::page(store, &req).await?;
                    let took = t.elapsed();
                    these.push(took);
                    if rep == 0 {
                        first.push(took);
                    }
                    if took > slowest.0 {
                        slowest = (took, format!("{label} {sort:?} desc {descending}"));
                    }
                }
            }
        }
        by_filter.push(format!("{label} {}", fmt(p95(these.clone()))));
        samples.extend(these);
    }
    figures.add("approval_queue_first_page_p95_ms", p95(samples), "ms");
    // Read by people, not parsed as figures.
    println!(
        "  (p95 ms by filter: {}; first of each filter, sort and direction: p95 {} ms; slowest page {} ms: {})",
        by_filter.join(", "),
        fmt(p95(first)),
        fmt(millis(slowest.0)),
        slowest.1
    );

    let summary = |filter: QueueFilter| {
        let approver = approver.clone();
        async move {
            let mut samples = Vec::new();
            for _ in 0..50 {
                let t = Instant::now();
                queue::aging_summary(store, std::slice::from_ref(&approver), &filter).await?;
                samples.push(t.elapsed());
            }
            anyhow::Ok(p95(samples))
        }
    };
    figures.add("aging_summary_p95_ms", summary(QueueFilter::default()).await?, "ms");
    let searched = summary(filters[3].1.clone()).await?;
    println!("  (aging summary p95 with the search: {} ms)", fmt(searched));
    Ok(())
}

/// A generated estate of `size` served over 127.0.0.1, and the key it takes.
async fn start_sandbox(figures: &mut Figures, size: Size) -> Result<(Sandbox, String)> {
    let key = format!("sk-bench-{}", std::process::id());
    let generated = Instant::now();
    let sandbox = Sandbox::start(
        SandboxConfig {
            seed: 42,
            size,
            api_key: key.clone(),
            now: chrono::Utc::now(),
        },
        ([127, 0, 0, 1], 0).into(),
    )
    .await?;
    figures.add("sandbox_generate_s", generated.elapsed().as_secs_f64(), "s");
    Ok((sandbox, key))
}

/// A new mirror at `path` synced from `sandbox`, with the sync's figures: the first sync, then a
/// delta where a thousand invoices' due dates moved at the source. Returns the store, the engine
/// and the first sync's records per second.
async fn synced_mirror(
    figures: &mut Figures,
    sandbox: &Sandbox,
    key: &str,
    path: &Path,
) -> Result<(Store, Engine, f64)> {
    let store = Store::open(path).await?;
    store::connections::save(
        &store,
        &Connection {
            id: "ap".into(),
            kind: "ap".into(),
            name: "bench".into(),
            base_url: sandbox.base_url(),
            secret_ref: "bench".into(),
            ..Default::default()
        },
    )
    .await?;
    let engine = Engine::new(store.clone(), Arc::new(BenchSecret(key.to_string()))).with_page_size(1000);

    let t = Instant::now();
    let reports = engine.sync_all().await?;
    let initial = t.elapsed();
    let records: i64 = reports.iter().map(|r| r.outcome.records).sum();
    figures.add("sync_initial_records", records as f64, "rec");
    figures.add("sync_initial_s", initial.as_secs_f64(), "s");
    let ours_per_s = records as f64 / initial.as_secs_f64();
    figures.add("sync_initial_records_per_s", ours_per_s, "rec/s");
    figures.add("sync_peak_rss_mb", peak_rss_mb(), "MB");
    // The approval queue's keys, derived from the synced records in bulk.
    let t = Instant::now();
    engine.build_approval_keys().await?;
    figures.add("approval_keys_build_s", t.elapsed().as_secs_f64(), "s");

    for id in sandbox.invoice_ids(1000) {
        sandbox.touch_invoice(&id, 1);
    }
    let t = Instant::now();
    let delta = engine.sync_all().await?;
    let delta_records: i64 = delta.iter().map(|r| r.outcome.changed).sum();
    figures.add("delta_sync_1000_ms", millis(t.elapsed()), "ms");
    figures.add("delta_sync_changed_records", delta_records as f64, "rec");
    Ok((store, engine, ours_per_s))
}

/// The approval queue's part of `bench` alone (`ctower bench-approvals`): syncs a generated
/// estate of `size` into `keep` (a temporary file without it) unless `keep` already holds a
/// synced mirror, then measures the queue there. A kept mirror made by an older build is migrated
/// on opening, as the app would, and the migration's time printed.
pub async fn approvals_only(size: Size, keep: Option<&Path>) -> Result<()> {
    let mut figures = Figures(Vec::new());
    let dir = tempfile::tempdir()?;
    let path = keep
        .map(Path::to_path_buf)
        .unwrap_or_else(|| dir.path().join("bench.db"));
    // A new mirror is synced and measured as `bench` does, the sandbox still serving.
    let (store, _sandbox) = if path.exists() {
        let t = Instant::now();
        let store = Store::open(&path).await?;
        figures.add("open_and_migrate_s", t.elapsed().as_secs_f64(), "s");
        (store, None)
    } else {
        let (sandbox, key) = start_sandbox(&mut figures, size).await?;
        let (store, ..) = synced_mirror(&mut figures, &sandbox, &key, &path).await?;
        (store, Some(sandbox))
    };
    approval_figures(&mut figures, &store).await?;
    store.close().await;
    Ok(())
}

pub async fn run(size: Size, out: &Path, dlt_python: Option<&Path>) -> Result<()> {
    let mut figures = Figures(Vec::new());
    let (sandbox, key) = start_sandbox(&mut figures, size).await?;
    let dir = tempfile::tempdir()?;
    let (store, engine, ours_per_s) = synced_mirror(&mut figures, &sandbox, &key, &dir.path().join("bench.db")).await?;
    approval_figures(&mut figures, &store).await?;
    match dlt_python {
        Some(python) => dlt_figures(&mut figures, python, &sandbox.base_url(), &key, ours_per_s).await?,
        None => println!("(dlt peer skipped: pass --dlt-python, as `make bench` does)"),
    }
    drop(sandbox);
    drop(engine);
    store.close().await;
    // Matching and the workspaces run in processes of their own, so each peak memory is its own.
    let lines = if matches!(size, Size::L) { 1_000_000 } else { 20_000 };
    child_figures(&mut figures, &["bench-recon", "--lines", &lines.to_string()]).await?;
    let size_arg = if matches!(size, Size::L) { "l" } else { "demo" };
    child_figures(&mut figures, &["bench-workspaces", "--size", size_arg]).await?;

    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(out, serde_json::to_string_pretty(&figures.json(size))?)?;
    println!("results written to {}", out.display());
    Ok(())
}
