//! Headless actions and checks: decide an approval, print the mirror's checksums.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use connect::KeyringSecrets;
use rust_decimal::Decimal;
use store::Store;
use sync::Engine;

/// Fault mode given as a fraction of requests ("0.05" = 5 %), in per mille for the sandbox.
pub fn fault_rate(rate: &str) -> Result<u32> {
    let r = Decimal::from_str(rate.trim()).with_context(|| format!("--faults {rate:?} is not a number like 0.05"))?;
    if r < Decimal::ZERO || r > Decimal::ONE {
        bail!("--faults must be between 0 and 1 (a fraction of requests), not {rate}");
    }
    let per_mille = (r * Decimal::from(1000)).round();
    u32::try_from(i64::try_from(per_mille).unwrap_or(0)).context("--faults out of range")
}

/// Queues a person's decision through the same controls and outbox as the app, then delivers it.
pub async fn decide(
    db: &Path,
    user: &str,
    connection: &str,
    approval: &str,
    decision: &str,
    reason: Option<&str>,
) -> Result<()> {
    let decision = domain::Decision::parse(decision)?;
    let store = Store::open(db).await.context("opening the mirror")?;
    let engine = Engine::new(store, Arc::new(KeyringSecrets));
    let action = engine.decide(user, connection, approval, decision, reason).await?;
    println!(
        "queued {} ({}), idempotency key {}",
        action.id, action.kind, action.idempotency_key
    );
    let report = engine.deliver_outbox().await?;
    println!(
        "outbox: {} delivered, {} refused, {} to retry",
        report.delivered, report.refused, report.retrying
    );
    Ok(())
}

/// Prints the mirror's per-table checksums of a connection as JSON.
pub async fn checksums(db: &Path, connection: &str) -> Result<()> {
    let store = Store::open(db).await.context("opening the mirror")?;
    let sums = store::sync_log::checksums(&store, connection).await?;
    println!("{}", serde_json::to_string_pretty(&sums)?);
    Ok(())
}

/// Places a supplier on hold or releases it, through the same controls and outbox as the app.
pub async fn hold(
    db: &Path,
    user: &str,
    connection: &str,
    supplier: &str,
    state: &str,
    reason: Option<&str>,
) -> Result<()> {
    let on_hold = match state {
        "on" => true,
        "off" => false,
        other => bail!("hold state must be on or off, not {other:?}"),
    };
    let store = Store::open(db).await.context("opening the mirror")?;
    let engine = Engine::new(store, Arc::new(KeyringSecrets));
    let action = engine
        .set_supplier_hold(user, connection, supplier, on_hold, reason)
        .await?;
    println!(
        "queued {} ({}), idempotency key {}",
        action.id, action.kind, action.idempotency_key
    );
    let report = engine.deliver_outbox().await?;
    println!(
        "outbox: {} delivered, {} refused, {} to retry",
        report.delivered, report.refused, report.retrying
    );
    Ok(())
}
