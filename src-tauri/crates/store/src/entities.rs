use chrono::{DateTime, Utc};
use domain::{BusinessCalendar, Currency, LegalEntity, Provenance};
use serde::Serialize;
use sqlx::SqliteConnection;

use crate::{format_ts, parse_ts, Result, Store, StoreError};

#[derive(Serialize)]
struct Row<'a> {
    c: &'a str,
    id: &'a str,
    code: &'a str,
    name: &'a str,
    cur: String,
    tz: &'a str,
    cal: String,
    today: i64,
    v: i64,
    up: String,
    f: String,
}

/// Inserts or updates a batch of legal entities, skipping every entity whose stored version is the
/// same or newer. `now` sets each entity's local "today" for ages.
pub async fn upsert_batch(tx: &mut SqliteConnection, batch: &[LegalEntity], now: DateTime<Utc>) -> Result<u64> {
    if batch.is_empty() {
        return Ok(0);
    }
    let rows = batch
        .iter()
        .map(|e| {
            let p = &e.provenance;
            Ok(Row {
                c: &p.connection_id,
                id: &p.external_id,
                code: &e.code,
                name: &e.name,
                cur: e.currency.to_string(),
                tz: e.time_zone.name(),
                cal: serde_json::to_string(&e.calendar)
                    .map_err(|err| StoreError::corrupt("legal_entities", "calendar", err))?,
                today: e.calendar.ordinal(e.today(now)),
                v: p.source_version,
                up: format_ts(p.source_updated_at),
                f: format_ts(p.fetched_at),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let json = serde_json::to_string(&rows).map_err(|e| StoreError::corrupt("legal_entities", "batch", e))?;
    let done = sqlx::query!(
        "INSERT INTO legal_entities (connection_id, external_id, code, name, currency, time_zone, calendar, today_ordinal,
             source_version, source_updated_at, fetched_at)
         SELECT j.value ->> 'c', j.value ->> 'id', j.value ->> 'code', j.value ->> 'name', j.value ->> 'cur',
                j.value ->> 'tz', j.value ->> 'cal', j.value ->> 'today', j.value ->> 'v', j.value ->> 'up',
                j.value ->> 'f'
         FROM json_each(?1) j WHERE true
         ON CONFLICT(connection_id, external_id) DO UPDATE SET
             code = excluded.code, name = excluded.name, currency = excluded.currency, time_zone = excluded.time_zone,
             calendar = excluded.calendar, today_ordinal = excluded.today_ordinal,
             source_version = excluded.source_version, source_updated_at = excluded.source_updated_at,
             fetched_at = excluded.fetched_at
         WHERE excluded.source_version > legal_entities.source_version",
        json
    )
    .execute(tx)
    .await?;
    Ok(done.rows_affected())
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
