//! The canonical statement every statement format maps to (camt.052/053/054, MT940/942, BAI2).

use std::fmt;

use chrono::NaiveDate;
use domain::{Currency, Money};
use serde::Serialize;

/// The file formats this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Format {
    Camt052,
    Camt053,
    Camt054,
    Pain002,
    Mt940,
    Mt942,
    Bai2,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Camt052 => "camt.052",
            Format::Camt053 => "camt.053",
            Format::Camt054 => "camt.054",
            Format::Pain002 => "pain.002",
            Format::Mt940 => "MT940",
            Format::Mt942 => "MT942",
            Format::Bai2 => "BAI2",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One account statement, report or notification: an account, its balances and its entries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    pub format: Format,
    /// Exact message version where the file says it (`camt.053.001.08`), else the format name.
    pub version: String,
    /// The bank's statement id (camt `Stmt/Id`, MT940 `:20:` + `:28C:`, BAI2 file/account).
    pub id: String,
    /// Sequence or page number as the bank gives it (camt `ElctrncSeqNb`, MT940 `:28C:`).
    pub number: Option<String>,
    pub account: Account,
    /// The account currency: the account's own, else the balances', else the entries'.
    pub currency: Option<Currency>,
    /// Opening booked balance (camt OPBD/PRCD, MT940 :60F:/:60M:, BAI2 010), signed.
    pub opening: Option<Balance>,
    /// Closing booked balance (camt CLBD, MT940 :62F:/:62M:, BAI2 015), signed.
    pub closing: Option<Balance>,
    pub entries: Vec<Entry>,
    /// Statement-level free text (camt `AddtlStmtInf`, MT940 `:86:` outside an entry).
    pub additional_info: Option<String>,
    /// What the parser noticed but did not refuse: control totals that disagree, fixes applied
    /// to sloppy input. Shown to a person, never silently dropped.
    pub notes: Vec<String>,
}

/// The account a statement is about.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Account {
    pub iban: Option<String>,
    /// Any other identification (BBAN, bank code/number, BAI2 account number).
    pub other_id: Option<String>,
    pub name: Option<String>,
    pub owner: Option<String>,
    pub servicer_bic: Option<String>,
}

impl Account {
    /// The identification to show: the IBAN, else the other id.
    pub fn display_id(&self) -> Option<&str> {
        self.iban.as_deref().or(self.other_id.as_deref())
    }
}

/// A balance with its credit/debit sign applied (debit balances are negative).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Balance {
    /// The code the bank used (`OPBD`, `PRCD`, `CLBD`, `60F`, `62M`, `010`, …).
    pub code: String,
    pub amount: Money,
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EntryStatus {
    Booked,
    Pending,
    /// Information only; not part of the booked balance.
    Info,
}

/// One statement line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// 1-based position in the statement.
    pub sequence: u32,
    pub(crate) key: String,
    /// The bank's reference for this entry (camt `AcctSvcrRef`, MT940 `//` reference, BAI2 bank ref).
    pub acct_svcr_ref: Option<String>,
    pub booking_date: Option<NaiveDate>,
    pub value_date: Option<NaiveDate>,
    /// Signed: credit (money in) positive, debit negative.
    pub amount: Money,
    pub reversal: bool,
    pub status: EntryStatus,
    /// `DOMAIN/FAMILY/SUBFAMILY` or the proprietary code (camt), the transaction type (MT940
    /// `NTRF`), the type code (BAI2 `409`).
    pub bank_tx_code: Option<String>,
    /// References, counterparty and remittance of the entry. For a camt entry with exactly one
    /// `TxDtls` these are that transaction's; for a batch they are the batch's own (if any) and
    /// the details are in `transactions`.
    pub references: References,
    pub counterparty: Party,
    pub remittance: Remittance,
    pub additional_info: Option<String>,
    /// Every camt `TxDtls` of the entry (a batch booking has several). Empty for formats
    /// without transaction details.
    pub transactions: Vec<Transaction>,
}

impl Entry {
    /// The reference a ledger most likely carries for this entry: a batch's own payment
    /// information id (what a payment run posts), else the instruction or customer reference.
    pub fn matching_reference(&self) -> String {
        let r = &self.references;
        [&r.payment_info_id, &r.instruction_id, &r.customer_ref]
            .into_iter()
            .flatten()
            .next()
            .cloned()
            .unwrap_or_default()
    }

    /// Unstructured remittance lines and the structured creditor reference, as one text.
    pub fn remittance_text(&self) -> String {
        let mut text = self.remittance.unstructured.join(" ");
        if let Some(creditor_ref) = &self.remittance.creditor_reference {
            text.push(' ');
            text.push_str(creditor_ref);
        }
        text
    }

    /// The counterparty's IBAN, else its other account id.
    pub fn counterparty_account(&self) -> String {
        self.counterparty
            .iban
            .clone()
            .or_else(|| self.counterparty.account.clone())
            .unwrap_or_default()
    }

    /// A stable identity for deduplication: the bank's reference when it sent one that is
    /// unique within the statement, else `statement id/sequence`. The same file always yields
    /// the same keys.
    pub fn entry_key(&self) -> &str {
        &self.key
    }
}

/// One transaction inside an entry (camt `TxDtls`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Transaction {
    /// Signed like the entry; `None` when the bank gave no amount for the transaction.
    pub amount: Option<Money>,
    pub bank_tx_code: Option<String>,
    pub references: References,
    pub counterparty: Party,
    pub remittance: Remittance,
    /// ISO return reason (`RtrInf/Rsn`), for returns and reversals.
    pub return_reason: Option<String>,
    pub additional_info: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct References {
    pub end_to_end_id: Option<String>,
    pub instruction_id: Option<String>,
    pub payment_info_id: Option<String>,
    pub transaction_id: Option<String>,
    pub message_id: Option<String>,
    pub mandate_id: Option<String>,
    pub uetr: Option<String>,
    /// The account owner's reference (MT940 `:61:` customer reference, BAI2 customer reference).
    pub customer_ref: Option<String>,
}

/// The other side of an entry: the debtor of a credit, the creditor of a debit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Party {
    pub name: Option<String>,
    pub iban: Option<String>,
    /// Account id when not an IBAN.
    pub account: Option<String>,
    pub bic: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Remittance {
    /// Unstructured lines, in order.
    pub unstructured: Vec<String>,
    /// Structured creditor reference (ISO 11649 `RF…` or a national one).
    pub creditor_reference: Option<String>,
}

/// Whether opening + booked entries = closing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum BalanceCheck {
    AddsUp,
    /// Flagged: the statement is returned but must not be trusted blindly.
    Mismatch {
        /// Opening + booked entries.
        computed: Money,
        closing: Money,
    },
    /// Not checkable (no opening or closing balance, mixed currencies); says why.
    NotCheckable(String),
}

impl BalanceCheck {
    pub fn is_mismatch(&self) -> bool {
        matches!(self, BalanceCheck::Mismatch { .. })
    }
}

impl fmt::Display for BalanceCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BalanceCheck::AddsUp => f.write_str("yes"),
            BalanceCheck::Mismatch { computed, closing } => {
                write!(f, "NO (opening + entries = {computed}, closing = {closing})")
            }
            BalanceCheck::NotCheckable(why) => write!(f, "n/a ({why})"),
        }
    }
}

impl Statement {
    /// Checks opening + booked entries = closing, exactly. Pending and information entries do
    /// not move the booked balance and are left out.
    pub fn balances_add_up(&self) -> BalanceCheck {
        let (Some(opening), Some(closing)) = (&self.opening, &self.closing) else {
            let missing = match (&self.opening, &self.closing) {
                (None, None) => "no opening or closing balance",
                (None, _) => "no opening balance",
                _ => "no closing balance",
            };
            return BalanceCheck::NotCheckable(missing.into());
        };
        if opening.amount.currency() != closing.amount.currency() {
            return BalanceCheck::NotCheckable(format!(
                "opening balance in {}, closing in {}",
                opening.amount.currency(),
                closing.amount.currency()
            ));
        }
        let mut sum = opening.amount;
        for entry in self.entries.iter().filter(|e| e.status == EntryStatus::Booked) {
            sum = match sum.checked_add(&entry.amount) {
                Ok(s) => s,
                Err(e) => return BalanceCheck::NotCheckable(format!("entry {}: {e}", entry.sequence)),
            };
        }
        if sum.amount() == closing.amount.amount() {
            BalanceCheck::AddsUp
        } else {
            BalanceCheck::Mismatch {
                computed: sum,
                closing: closing.amount,
            }
        }
    }
}

/// Gives every entry its key: the bank reference when present and unique in the statement,
/// else `statement id/sequence`. Called once by each parser after the entries are known.
pub(crate) fn assign_entry_keys(statement_id: &str, entries: &mut [Entry]) {
    let mut counts = std::collections::HashMap::<&str, u32>::new();
    for e in entries.iter() {
        if let Some(r) = e.acct_svcr_ref.as_deref() {
            *counts.entry(r).or_default() += 1;
        }
    }
    let unique: std::collections::HashSet<String> = counts
        .into_iter()
        .filter(|(_, n)| *n == 1)
        .map(|(r, _)| r.to_string())
        .collect();
    for e in entries.iter_mut() {
        e.key = match &e.acct_svcr_ref {
            Some(r) if unique.contains(r) => r.clone(),
            _ => format!("{statement_id}/{}", e.sequence),
        };
    }
}

/// The currency of a statement: the account's, else the balances', else the first entry's.
pub(crate) fn statement_currency(
    account_currency: Option<Currency>,
    opening: Option<&Balance>,
    closing: Option<&Balance>,
    entries: &[Entry],
) -> Option<Currency> {
    account_currency
        .or(opening.map(|b| b.amount.currency()))
        .or(closing.map(|b| b.amount.currency()))
        .or(entries.first().map(|e| e.amount.currency()))
}

/// Bank references that mean "none".
pub(crate) fn meaningful_ref(value: Option<String>) -> Option<String> {
    value.filter(|v| {
        let t = v.trim();
        !t.is_empty() && !t.eq_ignore_ascii_case("NONREF") && !t.eq_ignore_ascii_case("NOTPROVIDED")
    })
}
