use chrono::{DateTime, Utc};
use domain::{BusinessCalendar, Currency, LegalEntity, Provenance};
use sqlx::SqliteConnection;

use crate::{format_ts, parse_ts, Result, Store, StoreError};

pub async fn upsert(tx: &mut SqliteConnection, e: &LegalEntity, now: DateTime<Utc>) -> Result<bool> {
    let p = &e.provenance;
    let calendar =
        serde_json::to_string(&e.calendar).map_err(|err| StoreError::corrupt("legal_entities", "calendar", err))?;
    let (currency, tz) = (e.currency.to_string(), e.time_zone.name().to_string());
    let today = e.calendar.ordinal(e.today(now));
    let (updated, fetched) = (format_ts(p.source_updated_at), format_ts(p.fetched_at));
    let done = sqlx::query!(
        "INSERT INTO legal_entities (connection_id, external_id, code, name, currency, time_zone, calendar, today_ordinal,
             source_version, source_updated_at, fetched_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(connection_id, external_id) DO UPDATE SET
             code = excluded.code, name = excluded.name, currency = excluded.currency, time_zone = excluded.time_zone,
             calendar = excluded.calendar, today_ordinal = excluded.today_ordinal,
             source_version = excluded.source_version, source_updated_at = excluded.source_updated_at,
             fetched_at = excluded.fetched_at
         WHERE excluded.source_version > legal_entities.source_version",
        p.connection_id,
        p.external_id,
        e.code,
        e.name,
        currency,
        tz,
        calendar,
        today,
        p.source_version,
        updated,
        fetched
    )
    .execute(tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn list(store: &Store) -> Result<Vec<LegalEntity>> {
    let rows = sqlx::query!(
        "SELECT connection_id, external_id, code, name, currency, time_zone, calendar, source_version,
                source_updated_at, fetched_at
         FROM legal_entities ORDER BY code"
    )
    .fetch_all(store.reader())
    .await?;
    rows.into_iter()
        .map(|r| {
            let calendar: BusinessCalendar =
                serde_json::from_str(&r.calendar).map_err(|e| StoreError::corrupt("legal_entities", "calendar", e))?;
            Ok(LegalEntity {
                provenance: Provenance {
                    connection_id: r.connection_id,
                    external_id: r.external_id,
                    source_version: r.source_version,
                    source_updated_at: parse_ts(&r.source_updated_at)
                        .map_err(|e| StoreError::corrupt("legal_entities", "source_updated_at", e))?,
                    fetched_at: parse_ts(&r.fetched_at)
                        .map_err(|e| StoreError::corrupt("legal_entities", "fetched_at", e))?,
                },
                code: r.code,
                name: r.name,
                currency: Currency::new(&r.currency)?,
                time_zone: r
                    .time_zone
                    .parse()
                    .map_err(|e| StoreError::corrupt("legal_entities", "time_zone", e))?,
                calendar,
            })
        })
        .collect()
}

/// Moves every entity's "today" to its local date at `now`, so ages roll over at the entity's
/// midnight, not the machine's.
pub async fn refresh_today(store: &Store, now: DateTime<Utc>) -> Result<()> {
    let entities = list(store).await?;
    let mut tx = store.begin().await?;
    for e in &entities {
        let today = e.calendar.ordinal(e.today(now));
        sqlx::query!(
            "UPDATE legal_entities SET today_ordinal = ? WHERE connection_id = ? AND external_id = ?",
            today,
            e.provenance.connection_id,
            e.provenance.external_id
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
