//! The queries behind the Reconciliation screen: bank lines and ledger entries with their match
//! state (filters, sorts, keyset pages like the approval queue), the open suggestions, and the
//! per-account summary.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::{SqliteConnection, SqliteExecutor};

use crate::approval_queue::like_pattern;
use crate::bank_statements::{self, BankEntry, EntryRow};
use crate::ledger_entries::{self, LedgerEntry};
use crate::recon_matches::{self, MatchKind, StoredMatch};
use crate::recon_rows::{decode_cursor, money, next_cursor, After};
use crate::{Result, StoreError};

/// Where an item stands: in no active match, in a suggestion, or settled (auto or manual match).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineState {
    Unmatched,
    Suggested,
    Matched,
}

impl LineState {
    fn parse(s: &str) -> Result<Self> {
        match s {
            "unmatched" => Ok(LineState::Unmatched),
            "suggested" => Ok(LineState::Suggested),
            "matched" => Ok(LineState::Matched),
            other => Err(StoreError::corrupt("recon_matches", "state", other)),
        }
    }
}

/// The state filter: one state, or "open" = not settled (unmatched or suggested).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StateFilter {
    Open,
    Unmatched,
    Suggested,
    Matched,
}

impl StateFilter {
    fn as_str(self) -> &'static str {
        match self {
            StateFilter::Open => "open",
            StateFilter::Unmatched => "unmatched",
            StateFilter::Suggested => "suggested",
            StateFilter::Matched => "matched",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineSort {
    BookingDate,
    Amount,
    Counterparty,
}

impl LineSort {
    fn as_str(self) -> &'static str {
        match self {
            LineSort::BookingDate => "booking_date",
            LineSort::Amount => "amount",
            LineSort::Counterparty => "counterparty",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinesFilter {
    pub account_iban: Option<String>,
    /// Booked on or after.
    pub from: Option<NaiveDate>,
    /// Booked on or before.
    pub to: Option<NaiveDate>,
    pub state: Option<StateFilter>,
    /// Counterparty, references, remittance / description, id.
    pub search: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinesRequest {
    pub filter: LinesFilter,
    pub sort: LineSort,
    pub descending: bool,
    pub after: Option<String>,
    pub limit: i64,
}

/// The match an item is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineMatch {
    pub match_id: i64,
    pub kind: MatchKind,
    pub rule: String,
    pub confidence_bp: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line<T> {
    pub item: T,
    pub state: LineState,
    pub matched: Option<LineMatch>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub next_cursor: Option<String>,
    pub total: i64,
}

fn line_match(
    id: Option<i64>,
    kind: Option<String>,
    rule: Option<String>,
    confidence: Option<i64>,
) -> Result<Option<LineMatch>> {
    match (id, kind) {
        (Some(match_id), Some(kind)) => Ok(Some(LineMatch {
            match_id,
            kind: MatchKind::parse(&kind)?,
            rule: rule.unwrap_or_default(),
            confidence_bp: confidence.unwrap_or(0),
        })),
        _ => Ok(None),
    }
}

struct BankRaw {
    id: i64,
    account_iban: String,
    entry_key: String,
    statement_id: i64,
    sequence: i64,
    booking_date: String,
    value_date: Option<String>,
    amount_minor: i64,
    currency: String,
    status: String,
    reversal: bool,
    end_to_end_id: String,
    reference: String,
    counterparty_name: String,
    counterparty_iban: String,
    remittance: String,
    bank_tx_code: Option<String>,
    open_since: Option<String>,
    match_id: Option<i64>,
    match_kind: Option<String>,
    match_rule: Option<String>,
    match_confidence: Option<i64>,
    state: String,
    sort_int: i64,
    sort_text: String,
    row_key: String,
}

// One SELECT for both directions; `$cmp`/`$dir` are literal tokens, so the query stays checked.
macro_rules! bank_query {
    ($cmp:tt, $dir:tt, $a:expr) => {
        sqlx::query_as!(
            BankRaw,
            r#"WITH q AS (
                 SELECT e.id, e.account_iban, e.entry_key, e.statement_id, e.sequence, e.booking_date, e.value_date,
                        e.amount_minor, e.currency, e.status, e.reversal, e.end_to_end_id, e.reference,
                        e.counterparty_name, e.counterparty_iban, e.remittance, e.bank_tx_code, e.open_since,
                        m.id AS match_id, m.kind AS match_kind, m.rule AS match_rule, m.confidence_bp AS match_confidence,
                        CASE WHEN m.id IS NULL THEN 'unmatched' WHEN m.kind = 'suggested' THEN 'suggested'
                             ELSE 'matched' END AS state,
                        CASE ?1 WHEN 'amount' THEN e.amount_minor ELSE 0 END AS sort_int,
                        CASE ?1 WHEN 'booking_date' THEN e.booking_date
                                WHEN 'counterparty' THEN lower(e.counterparty_name) ELSE '' END AS sort_text,
                        printf('%012d', e.id) AS row_key
                 FROM bank_entries e
                 LEFT JOIN recon_match_items i ON i.bank_entry_id = e.id AND i.active = 1
                 LEFT JOIN recon_matches m ON m.id = i.match_id
                 WHERE e.status = 'booked'
                   AND (?2 IS NULL OR e.account_iban = ?2)
                   AND (?3 IS NULL OR e.booking_date >= ?3) AND (?4 IS NULL OR e.booking_date <= ?4)
                   AND (?6 IS NULL OR e.counterparty_name LIKE ?6 ESCAPE '\' OR e.remittance LIKE ?6 ESCAPE '\'
                        OR e.reference LIKE ?6 ESCAPE '\' OR e.end_to_end_id LIKE ?6 ESCAPE '\'
                        OR e.entry_key LIKE ?6 ESCAPE '\')
               )
               SELECT id AS "id!: i64", account_iban AS "account_iban!: String", entry_key AS "entry_key!: String",
                      statement_id AS "statement_id!: i64", sequence AS "sequence!: i64",
                      booking_date AS "booking_date!: String", value_date AS "value_date?: String",
                      amount_minor AS "amount_minor!: i64", currency AS "currency!: String", status AS "status!: String",
                      reversal AS "reversal!: bool", end_to_end_id AS "end_to_end_id!: String",
                      reference AS "reference!: String", counterparty_name AS "counterparty_name!: String",
                      counterparty_iban AS "counterparty_iban!: String", remittance AS "remittance!: String",
                      bank_tx_code AS "bank_tx_code?: String", open_since AS "open_since?: String",
                      match_id AS "match_id?: i64", match_kind AS "match_kind?: String",
                      match_rule AS "match_rule?: String", match_confidence AS "match_confidence?: i64",
                      state AS "state!: String", sort_int AS "sort_int!: i64", sort_text AS "sort_text!: String",
                      row_key AS "row_key!: String"
               FROM q
               WHERE (?5 IS NULL OR state = ?5 OR (?5 = 'open' AND state <> 'matched'))
                 AND (?7 IS NULL OR (sort_int, sort_text, row_key) "# + $cmp + r#" (?7, ?8, ?9))
               ORDER BY sort_int "# + $dir + ", sort_text " + $dir + ", row_key " + $dir + r#"
               LIMIT ?10"#,
            $a.sort, $a.account, $a.from, $a.to, $a.state, $a.search, $a.after.0, $a.after.1, $a.after.2, $a.limit
        )
    };
}

/// The bound parameters both line queries share.
struct Args<'r> {
    sort: &'static str,
    account: &'r Option<String>,
    from: Option<String>,
    to: Option<String>,
    state: Option<&'static str>,
    search: Option<String>,
    after: After,
    limit: i64,
}

fn args(req: &LinesRequest) -> Result<Args<'_>> {
    let f = &req.filter;
    Ok(Args {
        sort: req.sort.as_str(),
        account: &f.account_iban,
        from: f.from.map(|d| d.to_string()),
        to: f.to.map(|d| d.to_string()),
        state: f.state.map(StateFilter::as_str),
        search: like_pattern(&f.search),
        after: decode_cursor(req.after.as_deref())?,
        limit: req.limit.clamp(1, 500),
    })
}

/// A page from its raw rows: the next cursor from the last one, each mapped to a line.
fn page<R, T>(
    table: &'static str,
    rows: Vec<R>,
    a: &Args,
    total: i64,
    key: impl Fn(&R) -> (i64, &str, &str),
    line: impl Fn(R) -> Result<Line<T>>,
) -> Result<Page<Line<T>>> {
    let next_cursor = next_cursor(table, rows.len(), a.limit, rows.last().map(key))?;
    Ok(Page {
        rows: rows.into_iter().map(line).collect::<Result<Vec<_>>>()?,
        next_cursor,
        total,
    })
}

/// A page of booked bank lines.
pub async fn bank_page<'e>(ex: impl SqliteExecutor<'e> + Copy, req: &LinesRequest) -> Result<Page<Line<BankEntry>>> {
    let a = args(req)?;
    let rows = if req.descending {
        bank_query!("<", "DESC", a).fetch_all(ex).await?
    } else {
        bank_query!(">", "ASC", a).fetch_all(ex).await?
    };
    let total = sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "n!: i64"
           FROM bank_entries e
           LEFT JOIN recon_match_items i ON i.bank_entry_id = e.id AND i.active = 1
           LEFT JOIN recon_matches m ON m.id = i.match_id
           WHERE e.status = 'booked'
             AND (?1 IS NULL OR e.account_iban = ?1)
             AND (?2 IS NULL OR e.booking_date >= ?2) AND (?3 IS NULL OR e.booking_date <= ?3)
             AND (?5 IS NULL OR e.counterparty_name LIKE ?5 ESCAPE '\' OR e.remittance LIKE ?5 ESCAPE '\'
                  OR e.reference LIKE ?5 ESCAPE '\' OR e.end_to_end_id LIKE ?5 ESCAPE '\'
                  OR e.entry_key LIKE ?5 ESCAPE '\')
             AND (?4 IS NULL
                  OR (?4 = 'unmatched' AND m.id IS NULL)
                  OR (?4 = 'suggested' AND m.kind = 'suggested')
                  OR (?4 = 'matched' AND m.kind IN ('auto', 'manual'))
                  OR (?4 = 'open' AND (m.id IS NULL OR m.kind = 'suggested')))"#,
        a.account,
        a.from,
        a.to,
        a.state,
        a.search
    )
    .fetch_one(ex)
    .await?;
    page(
        "bank_entries",
        rows,
        &a,
        total,
        |r| (r.sort_int, r.sort_text.as_str(), r.row_key.as_str()),
        |r| {
            Ok(Line {
                state: LineState::parse(&r.state)?,
                matched: line_match(r.match_id, r.match_kind, r.match_rule, r.match_confidence)?,
                item: BankEntry::try_from(EntryRow {
                    id: r.id,
                    account_iban: r.account_iban,
                    entry_key: r.entry_key,
                    statement_id: r.statement_id,
                    sequence: r.sequence,
                    booking_date: r.booking_date,
                    value_date: r.value_date,
                    amount_minor: r.amount_minor,
                    currency: r.currency,
                    status: r.status,
                    reversal: r.reversal,
                    end_to_end_id: r.end_to_end_id,
                    reference: r.reference,
                    counterparty_name: r.counterparty_name,
                    counterparty_iban: r.counterparty_iban,
                    remittance: r.remittance,
                    bank_tx_code: r.bank_tx_code,
                    open_since: r.open_since,
                })?,
            })
        },
    )
}

struct LedgerRaw {
    id: String,
    account_iban: String,
    booking_date: String,
    amount_minor: i64,
    currency: String,
    reference: String,
    counterparty: String,
    description: String,
    source: String,
    open_since: Option<String>,
    match_id: Option<i64>,
    match_kind: Option<String>,
    match_rule: Option<String>,
    match_confidence: Option<i64>,
    state: String,
    sort_int: i64,
    sort_text: String,
    row_key: String,
}

macro_rules! ledger_query {
    ($cmp:tt, $dir:tt, $a:expr) => {
        sqlx::query_as!(
            LedgerRaw,
            r#"WITH q AS (
                 SELECT l.id, l.account_iban, l.booking_date, l.amount_minor, l.currency, l.reference, l.counterparty,
                        l.description, l.source, l.open_since,
                        m.id AS match_id, m.kind AS match_kind, m.rule AS match_rule, m.confidence_bp AS match_confidence,
                        CASE WHEN m.id IS NULL THEN 'unmatched' WHEN m.kind = 'suggested' THEN 'suggested'
                             ELSE 'matched' END AS state,
                        CASE ?1 WHEN 'amount' THEN l.amount_minor ELSE 0 END AS sort_int,
                        CASE ?1 WHEN 'booking_date' THEN l.booking_date
                                WHEN 'counterparty' THEN lower(l.counterparty) ELSE '' END AS sort_text,
                        l.id AS row_key
                 FROM ledger_entries l
                 LEFT JOIN recon_match_items i ON i.ledger_entry_id = l.id AND i.active = 1
                 LEFT JOIN recon_matches m ON m.id = i.match_id
                 WHERE (?2 IS NULL OR l.account_iban = ?2)
                   AND (?3 IS NULL OR l.booking_date >= ?3) AND (?4 IS NULL OR l.booking_date <= ?4)
                   AND (?6 IS NULL OR l.counterparty LIKE ?6 ESCAPE '\' OR l.reference LIKE ?6 ESCAPE '\'
                        OR l.description LIKE ?6 ESCAPE '\' OR l.id LIKE ?6 ESCAPE '\')
               )
               SELECT id AS "id!: String", account_iban AS "account_iban!: String",
                      booking_date AS "booking_date!: String", amount_minor AS "amount_minor!: i64",
                      currency AS "currency!: String", reference AS "reference!: String",
                      counterparty AS "counterparty!: String", description AS "description!: String",
                      source AS "source!: String", open_since AS "open_since?: String",
                      match_id AS "match_id?: i64", match_kind AS "match_kind?: String",
                      match_rule AS "match_rule?: String", match_confidence AS "match_confidence?: i64",
                      state AS "state!: String", sort_int AS "sort_int!: i64", sort_text AS "sort_text!: String",
                      row_key AS "row_key!: String"
               FROM q
               WHERE (?5 IS NULL OR state = ?5 OR (?5 = 'open' AND state <> 'matched'))
                 AND (?7 IS NULL OR (sort_int, sort_text, row_key) "# + $cmp + r#" (?7, ?8, ?9))
               ORDER BY sort_int "# + $dir + ", sort_text " + $dir + ", row_key " + $dir + r#"
               LIMIT ?10"#,
            $a.sort, $a.account, $a.from, $a.to, $a.state, $a.search, $a.after.0, $a.after.1, $a.after.2, $a.limit
        )
    };
}

/// A page of ledger entries.
pub async fn ledger_page<'e>(
    ex: impl SqliteExecutor<'e> + Copy,
    req: &LinesRequest,
) -> Result<Page<Line<LedgerEntry>>> {
    let a = args(req)?;
    let rows = if req.descending {
        ledger_query!("<", "DESC", a).fetch_all(ex).await?
    } else {
        ledger_query!(">", "ASC", a).fetch_all(ex).await?
    };
    let total = sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "n!: i64"
           FROM ledger_entries l
           LEFT JOIN recon_match_items i ON i.ledger_entry_id = l.id AND i.active = 1
           LEFT JOIN recon_matches m ON m.id = i.match_id
           WHERE (?1 IS NULL OR l.account_iban = ?1)
             AND (?2 IS NULL OR l.booking_date >= ?2) AND (?3 IS NULL OR l.booking_date <= ?3)
             AND (?5 IS NULL OR l.counterparty LIKE ?5 ESCAPE '\' OR l.reference LIKE ?5 ESCAPE '\'
                  OR l.description LIKE ?5 ESCAPE '\' OR l.id LIKE ?5 ESCAPE '\')
             AND (?4 IS NULL
                  OR (?4 = 'unmatched' AND m.id IS NULL)
                  OR (?4 = 'suggested' AND m.kind = 'suggested')
                  OR (?4 = 'matched' AND m.kind IN ('auto', 'manual'))
                  OR (?4 = 'open' AND (m.id IS NULL OR m.kind = 'suggested')))"#,
        a.account,
        a.from,
        a.to,
        a.state,
        a.search
    )
    .fetch_one(ex)
    .await?;
    page(
        "ledger_entries",
        rows,
        &a,
        total,
        |r| (r.sort_int, r.sort_text.as_str(), r.row_key.as_str()),
        |r| {
            Ok(Line {
                state: LineState::parse(&r.state)?,
                matched: line_match(r.match_id, r.match_kind, r.match_rule, r.match_confidence)?,
                item: LedgerEntry::try_from(ledger_entries::Row {
                    id: r.id,
                    account_iban: r.account_iban,
                    booking_date: r.booking_date,
                    amount_minor: r.amount_minor,
                    currency: r.currency,
                    reference: r.reference,
                    counterparty: r.counterparty,
                    description: r.description,
                    source: r.source,
                    open_since: r.open_since,
                })?,
            })
        },
    )
}

/// A match with the items it joins, for showing both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchWithItems {
    pub m: StoredMatch,
    pub bank: Vec<BankEntry>,
    pub ledger: Vec<LedgerEntry>,
}

/// Loads the items of a match.
pub async fn with_items(conn: &mut SqliteConnection, m: StoredMatch) -> Result<MatchWithItems> {
    let bank = bank_statements::by_ids(&mut *conn, &m.bank).await?;
    let ids: Vec<&str> = m.ledger.iter().map(String::as_str).collect();
    let mut by_id = ledger_entries::by_ids(&mut *conn, &ids).await?;
    let ledger = m.ledger.iter().filter_map(|id| by_id.remove(id)).collect();
    Ok(MatchWithItems { m, bank, ledger })
}

/// Open suggestions, most confident first, of one account or all.
pub async fn suggestions(
    conn: &mut SqliteConnection,
    account_iban: Option<&str>,
    after: Option<&str>,
    limit: i64,
) -> Result<Page<MatchWithItems>> {
    let (a_conf, _, a_key) = decode_cursor(after)?;
    let a_id: Option<i64> = a_key
        .map(|k| k.parse())
        .transpose()
        .map_err(|e| StoreError::Conflict(format!("invalid page cursor: {e}")))?;
    let limit = limit.clamp(1, 500);
    let ids = sqlx::query!(
        r#"SELECT m.id AS "id!: i64", m.confidence_bp AS "confidence!: i64" FROM recon_matches m
           WHERE m.status = 'active' AND m.kind = 'suggested'
             AND (?1 IS NULL OR EXISTS (
                   SELECT 1 FROM recon_match_items i
                   LEFT JOIN bank_entries e ON e.id = i.bank_entry_id
                   LEFT JOIN ledger_entries l ON l.id = i.ledger_entry_id
                   WHERE i.match_id = m.id AND COALESCE(e.account_iban, l.account_iban) = ?1))
             AND (?2 IS NULL OR (-m.confidence_bp, m.id) > (-?2, ?3))
           ORDER BY m.confidence_bp DESC, m.id
           LIMIT ?4"#,
        account_iban,
        a_conf,
        a_id,
        limit
    )
    .fetch_all(&mut *conn)
    .await?;
    let total = sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "n!: i64" FROM recon_matches m
           WHERE m.status = 'active' AND m.kind = 'suggested'
             AND (?1 IS NULL OR EXISTS (
                   SELECT 1 FROM recon_match_items i
                   LEFT JOIN bank_entries e ON e.id = i.bank_entry_id
                   LEFT JOIN ledger_entries l ON l.id = i.ledger_entry_id
                   WHERE i.match_id = m.id AND COALESCE(e.account_iban, l.account_iban) = ?1))"#,
        account_iban
    )
    .fetch_one(&mut *conn)
    .await?;
    let last = ids.last().map(|r| (r.confidence, r.id.to_string()));
    let next_cursor = next_cursor(
        "recon_matches",
        ids.len(),
        limit,
        last.as_ref().map(|(c, id)| (*c, "", id.as_str())),
    )?;
    let mut rows = Vec::with_capacity(ids.len());
    for r in ids {
        if let Some(m) = recon_matches::get(&mut *conn, r.id).await? {
            rows.push(with_items(&mut *conn, m).await?);
        }
    }
    Ok(Page {
        rows,
        next_cursor,
        total,
    })
}

/// One account's standing for the screen's account list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSummary {
    pub iban: String,
    pub entity_code: Option<String>,
    pub currency: String,
    pub name: String,
    pub bank_lines: i64,
    pub bank_open: i64,
    pub ledger_entries: i64,
    pub ledger_open: i64,
    pub suggestions: i64,
    pub statements: i64,
    pub flagged_statements: i64,
    pub last_closing: Option<domain::Money>,
    pub last_closing_date: Option<String>,
}

pub async fn account_summaries<'e>(ex: impl SqliteExecutor<'e>) -> Result<Vec<AccountSummary>> {
    let rows = sqlx::query!(
        r#"SELECT a.iban AS "iban!: String", a.entity_code, a.currency AS "currency!: String", a.name AS "name!: String",
             (SELECT COUNT(*) FROM bank_entries e WHERE e.account_iban = a.iban AND e.status = 'booked') AS "bank_lines!: i64",
             (SELECT COUNT(*) FROM bank_entries e WHERE e.account_iban = a.iban AND e.status = 'booked'
                AND NOT EXISTS (SELECT 1 FROM recon_match_items i JOIN recon_matches m ON m.id = i.match_id
                                WHERE i.bank_entry_id = e.id AND i.active = 1 AND m.kind <> 'suggested')) AS "bank_open!: i64",
             (SELECT COUNT(*) FROM ledger_entries l WHERE l.account_iban = a.iban) AS "ledger_entries!: i64",
             (SELECT COUNT(*) FROM ledger_entries l WHERE l.account_iban = a.iban
                AND NOT EXISTS (SELECT 1 FROM recon_match_items i JOIN recon_matches m ON m.id = i.match_id
                                WHERE i.ledger_entry_id = l.id AND i.active = 1 AND m.kind <> 'suggested')) AS "ledger_open!: i64",
             (SELECT COUNT(*) FROM recon_matches m WHERE m.status = 'active' AND m.kind = 'suggested' AND EXISTS (
                SELECT 1 FROM recon_match_items i
                LEFT JOIN bank_entries e ON e.id = i.bank_entry_id
                LEFT JOIN ledger_entries l ON l.id = i.ledger_entry_id
                WHERE i.match_id = m.id AND COALESCE(e.account_iban, l.account_iban) = a.iban)) AS "suggestions!: i64",
             (SELECT COUNT(*) FROM bank_statements s WHERE s.account_iban = a.iban) AS "statements!: i64",
             (SELECT COUNT(*) FROM bank_statements s WHERE s.account_iban = a.iban AND s.balance_check = 'mismatch') AS "flagged!: i64",
             (SELECT s.closing_minor FROM bank_statements s WHERE s.account_iban = a.iban AND s.closing_minor IS NOT NULL
                ORDER BY s.end_date DESC, s.id DESC LIMIT 1) AS "closing_minor?: i64",
             (SELECT s.end_date FROM bank_statements s WHERE s.account_iban = a.iban AND s.closing_minor IS NOT NULL
                ORDER BY s.end_date DESC, s.id DESC LIMIT 1) AS "closing_date?: String"
           FROM bank_accounts a
           ORDER BY a.entity_code IS NULL, a.entity_code, a.iban"#
    )
    .fetch_all(ex)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(AccountSummary {
                last_closing: r.closing_minor.map(|m| money(m, &r.currency)).transpose()?,
                last_closing_date: r.closing_date,
                iban: r.iban,
                entity_code: r.entity_code,
                currency: r.currency,
                name: r.name,
                bank_lines: r.bank_lines,
                bank_open: r.bank_open,
                ledger_entries: r.ledger_entries,
                ledger_open: r.ledger_open,
                suggestions: r.suggestions,
                statements: r.statements,
                flagged_statements: r.flagged,
            })
        })
        .collect()
}

/// The periods (YYYY-MM) that hold bank or ledger entries, newest first.
pub async fn periods<'e>(ex: impl SqliteExecutor<'e>) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar!(
        r#"SELECT substr(booking_date, 1, 7) AS "period!: String" FROM bank_entries
           UNION SELECT substr(booking_date, 1, 7) FROM ledger_entries
           ORDER BY 1 DESC"#
    )
    .fetch_all(ex)
    .await?)
}
