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
