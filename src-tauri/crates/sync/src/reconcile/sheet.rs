//! The account reconciliation sheet: statement closing balance against ledger balance at a period
//! end, and the open items that explain the difference — exactly, by construction:
//!
//! ```text
//! statement closing − ledger balance
//!   = (statement closing − (statement opening + bank entries))      statement discrepancy
//!   + (statement opening − ledger opening)                           opening difference
//!   + Σ open bank entries − Σ open ledger entries                    open items
//!   + Σ (bank − ledger) of each settled match                        match differences
//! ```
//!
//! The bank side is the statements that end by the period end; the ledger side is the entries
//! booked from the ledger opening to the period end. A match settles its items at the period end
//! only when all of them are on those sides; otherwise they are open (a payment in transit).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use domain::{Currency, Money};
use serde::Serialize;
use sqlx::SqliteConnection;
use store::account_recs::{self, AccountRec};
use store::bank_accounts::{self, BankAccount};
use store::bank_statements::{self, BalanceCheck};
use store::recon_matches::{self, MatchKind};
use store::{ledger_entries, Store};

use super::{Period, ReconError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OpenItemKind {
    /// On the statement, not (yet) in the ledger: fees, interest, unbooked receipts.
    BankNotInLedger,
    /// In the ledger, not (yet) on a statement: payments in transit, deposits not credited.
    LedgerNotInBank,
    /// A settled match whose bank and ledger amounts differ (a manual match can).
    MatchDifference,
    /// The statements' own balances do not add up (a flagged statement, a missing statement).
    StatementDiscrepancy,
    /// The statement opening balance differs from the ledger opening balance.
    OpeningDifference,
}

/// Where the ledger balance starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OpeningSource {
    /// The account's configured ledger opening balance.
    Account,
    /// None configured: the earliest statement's opening balance (the books agreed with the bank
    /// where the history starts).
    BankStatement,
    /// Neither: zero.
    Zero,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenItem {
    pub kind: OpenItemKind,
    pub bank_entry_id: Option<i64>,
    pub ledger_entry_id: Option<String>,
    pub match_id: Option<i64>,
    /// The bank's entry key, the ledger id, the match id or the statement id.
    pub reference: String,
    pub date: Option<NaiveDate>,
    pub description: String,
    /// Signed as booked (bank and ledger items), or the difference itself.
    pub amount: Money,
    /// What the item adds to statement closing − ledger balance.
    pub effect: Money,
    /// Open since this matching run (bank and ledger items).
    pub open_since: Option<String>,
    /// The suggestion holding the item, if any.
    pub suggestion: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecSheet {
    pub account: BankAccount,
    pub period: Period,
    pub as_of: NaiveDate,
    pub statement_closing: Option<Money>,
    pub statement_closing_date: Option<NaiveDate>,
    pub statement_ref: Option<String>,
    /// Statements ending in the period whose balances do not add up.
    pub flagged_statements: usize,
    pub ledger_opening: Money,
    pub ledger_opening_date: Option<NaiveDate>,
    pub opening_source: OpeningSource,
    pub ledger_balance: Money,
    /// Statement closing − ledger balance; `None` without a statement closing by the period end.
    pub difference: Option<Money>,
    /// The first `OPEN_ITEMS_LISTED` open items; count and total cover all.
    pub open_items: Vec<OpenItem>,
    pub open_item_count: usize,
    /// Σ effect of every open item: equals `difference` exactly.
    pub open_items_total: Money,
    pub certification: Option<AccountRec>,
}

impl RecSheet {
    pub fn locked(&self) -> bool {
        self.certification.as_ref().is_some_and(|c| c.locked)
    }

    /// The figures a certification records.
    pub(super) fn figures(&self) -> Option<account_recs::Figures> {
        Some(account_recs::Figures {
            statement_closing: self.statement_closing?,
            ledger_balance: self.ledger_balance,
            difference: self.difference?,
            open_items: self.open_items_total,
            open_item_count: i64::try_from(self.open_item_count).unwrap_or(i64::MAX),
        })
    }
}

pub const OPEN_ITEMS_LISTED: usize = 1000;

/// The sheet of one account and period.
#[tracing::instrument(name = "recon.account_rec", skip_all, fields(account = account_iban, period = %period))]
pub async fn account_rec(store: &Store, account_iban: &str, period: Period) -> Result<RecSheet, ReconError> {
    let mut conn = store.reader().acquire().await?;
    sheet(&mut conn, account_iban, period).await
}

struct Sums {
    currency: Currency,
}

impl Sums {
    fn zero(&self) -> Money {
        Money::zero(self.currency)
    }

    fn add(&self, a: Money, b: Money) -> Result<Money, ReconError> {
        Ok(a.checked_add(&b)?)
    }

    fn sub(&self, a: Money, b: Money) -> Result<Money, ReconError> {
        Ok(a.checked_sub(&b)?)
    }
}

/// The non-empty texts, joined for display.
fn describe(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|t| !t.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" · ")
}

pub(super) async fn sheet(
    conn: &mut SqliteConnection,
    account_iban: &str,
    period: Period,
) -> Result<RecSheet, ReconError> {
    let account = bank_accounts::get(&mut *conn, account_iban)
        .await?
        .ok_or_else(|| ReconError::NotFound(format!("bank account {account_iban}")))?;
    let m = Sums {
        currency: account.currency,
    };
    let as_of = period.last_day();
    let statements: Vec<_> = bank_statements::list(&mut *conn, Some(account_iban))
        .await?
        .into_iter()
        .filter(|s| s.end_date <= as_of)
        .collect();
    let closing = statements.iter().rev().find(|s| s.closing.is_some());
    let bank_opening = statements
        .iter()
        .find_map(|s| s.opening.map(|o| (o, s.opening_date.unwrap_or(s.end_date))));
    let (ledger_opening, opening_date, opening_source) = match (&account.ledger_opening, bank_opening) {
        (Some((amount, date)), _) => (*amount, Some(*date), OpeningSource::Account),
        (None, Some((amount, date))) => (amount, Some(date), OpeningSource::BankStatement),
        (None, None) => (m.zero(), None, OpeningSource::Zero),
    };
    let bank = bank_statements::booked_through(&mut *conn, account_iban, as_of).await?;
    let ledger = ledger_entries::between(
        &mut *conn,
        Some(account_iban),
        opening_date.unwrap_or(NaiveDate::MIN),
        as_of,
    )
    .await?;
    let matches = recon_matches::active_for_account(conn, account_iban).await?;
    let certification = account_recs::get(&mut *conn, account_iban, &period.to_string()).await?;

    let bank_by_id: HashMap<i64, &Money> = bank.iter().map(|b| (b.id, &b.amount)).collect();
    let ledger_by_id: HashMap<&str, &Money> = ledger.iter().map(|l| (l.id.as_str(), &l.amount)).collect();
    let mut settled_bank = HashSet::new();
    let mut settled_ledger = HashSet::new();
    let mut suggested_bank: HashMap<i64, i64> = HashMap::new();
    let mut suggested_ledger: HashMap<&str, i64> = HashMap::new();
    let mut differences = Vec::new();
    for mt in &matches {
        if mt.kind == MatchKind::Suggested {
            suggested_bank.extend(mt.bank.iter().map(|b| (*b, mt.id)));
            suggested_ledger.extend(mt.ledger.iter().map(|l| (l.as_str(), mt.id)));
            continue;
        }
        let all_in = mt.bank.iter().all(|b| bank_by_id.contains_key(b))
            && mt.ledger.iter().all(|l| ledger_by_id.contains_key(l.as_str()));
        if !all_in {
            continue;
        }
        settled_bank.extend(mt.bank.iter().copied());
        settled_ledger.extend(mt.ledger.iter().map(String::as_str));
        let mut residual = m.zero();
        for b in &mt.bank {
            residual = m.add(residual, *bank_by_id[b])?;
        }
        for l in &mt.ledger {
            residual = m.sub(residual, *ledger_by_id[l.as_str()])?;
        }
        if !residual.amount().is_zero() {
            differences.push(OpenItem {
                kind: OpenItemKind::MatchDifference,
                bank_entry_id: None,
                ledger_entry_id: None,
                match_id: Some(mt.id),
                reference: format!("match {}", mt.id),
                date: None,
                description: format!("{} match: bank and ledger amounts differ", mt.rule),
                amount: residual,
                effect: residual,
                open_since: None,
                suggestion: None,
            });
        }
    }

    let mut items = Vec::new();
    let mut bank_sum = m.zero();
    for b in &bank {
        bank_sum = m.add(bank_sum, b.amount)?;
        if settled_bank.contains(&b.id) {
            continue;
        }
        items.push(OpenItem {
            kind: OpenItemKind::BankNotInLedger,
            bank_entry_id: Some(b.id),
            ledger_entry_id: None,
            match_id: None,
            reference: b.entry_key.clone(),
            date: Some(b.booking_date),
            description: describe(&[&b.counterparty_name, &b.remittance, &b.reference]),
            amount: b.amount,
            effect: b.amount,
            open_since: b.open_since.clone(),
            suggestion: suggested_bank.get(&b.id).copied(),
        });
    }
    let mut ledger_sum = m.zero();
    for l in &ledger {
        ledger_sum = m.add(ledger_sum, l.amount)?;
        if settled_ledger.contains(l.id.as_str()) {
            continue;
        }
        items.push(OpenItem {
            kind: OpenItemKind::LedgerNotInBank,
            bank_entry_id: None,
            ledger_entry_id: Some(l.id.clone()),
            match_id: None,
            reference: l.id.clone(),
            date: Some(l.booking_date),
            description: describe(&[&l.counterparty, &l.description, &l.reference]),
            amount: l.amount,
            effect: m.sub(m.zero(), l.amount)?,
            open_since: l.open_since.clone(),
            suggestion: suggested_ledger.get(l.id.as_str()).copied(),
        });
    }
    items.extend(differences);

    let ledger_balance = m.add(ledger_opening, ledger_sum)?;
    let statement_opening = bank_opening.map_or(ledger_opening, |(o, _)| o);
    let mut adjustments = Vec::new();
    if opening_source == OpeningSource::Account {
        if let Some((o, date)) = bank_opening {
            let diff = m.sub(o, ledger_opening)?;
            if !diff.amount().is_zero() {
                adjustments.push(OpenItem {
                    kind: OpenItemKind::OpeningDifference,
                    bank_entry_id: None,
                    ledger_entry_id: None,
                    match_id: None,
                    reference: "opening".into(),
                    date: Some(date),
                    description: format!("statement opening {o} vs ledger opening {ledger_opening}"),
                    amount: diff,
                    effect: diff,
                    open_since: None,
                    suggestion: None,
                });
            }
        }
    }
    let statement_closing = closing.and_then(|s| s.closing);
    if let (Some(c), Some(s)) = (statement_closing, closing) {
        let computed = m.add(statement_opening, bank_sum)?;
        let diff = m.sub(c, computed)?;
        if !diff.amount().is_zero() {
            let flagged = statements
                .iter()
                .filter(|s| s.balance_check == BalanceCheck::Mismatch)
                .map(|s| format!("{} ({})", s.statement_ref, s.balance_note.as_deref().unwrap_or("")))
                .collect::<Vec<_>>();
            let why = if flagged.is_empty() {
                "statements do not chain (a statement missing or overlapping)".to_string()
            } else {
                format!("balances do not add up: {}", flagged.join("; "))
            };
            adjustments.push(OpenItem {
                kind: OpenItemKind::StatementDiscrepancy,
                bank_entry_id: None,
                ledger_entry_id: None,
                match_id: None,
                reference: s.statement_ref.clone(),
                date: Some(s.end_date),
                description: format!("closing {c} vs opening + entries {computed}: {why}"),
                amount: diff,
                effect: diff,
                open_since: None,
                suggestion: None,
            });
        }
    }
    adjustments.extend(items);
    let items = adjustments;
    let mut total = m.zero();
    for i in &items {
        total = m.add(total, i.effect)?;
    }
    let difference = statement_closing.map(|c| m.sub(c, ledger_balance)).transpose()?;
    let flagged_statements = statements
        .iter()
        .filter(|s| period.contains(s.end_date) && s.balance_check == BalanceCheck::Mismatch)
        .count();
    let open_item_count = items.len();
    Ok(RecSheet {
        period,
        as_of,
        statement_closing,
        statement_closing_date: closing.map(|s| s.closing_date.unwrap_or(s.end_date)),
        statement_ref: closing.map(|s| s.statement_ref.clone()),
        flagged_statements,
        ledger_opening,
        ledger_opening_date: opening_date,
        opening_source,
        ledger_balance,
        difference,
        open_items: items.into_iter().take(OPEN_ITEMS_LISTED).collect(),
        open_item_count,
        open_items_total: total,
        certification,
        account,
    })
}
