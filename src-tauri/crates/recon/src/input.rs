//! What the engine matches: bank statement lines and ledger cash entries. These are the engine's own
//! types, independent of any file format; callers convert parsed statements and ledger rows into them.
//!
//! Optional text is an empty string when absent, so a million lines carry no `Option` boxes.

use chrono::NaiveDate;
use domain::Money;
use serde::{Deserialize, Serialize};

/// One bank statement entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankLine {
    /// Unique key of the entry (AcctSvcrRef, or statement id + sequence where the bank sent none).
    pub id: String,
    /// The IBAN of the bank account the statement is for.
    pub account_iban: String,
    pub booking_date: NaiveDate,
    /// Signed: positive = money into the account.
    pub amount: Money,
    /// End-to-end id as sent by the payer ("NOTPROVIDED" is treated as absent).
    pub end_to_end_id: String,
    /// Any other payment reference the bank reports: instruction id, batch (payment information) id,
    /// structured creditor reference.
    pub reference: String,
    pub counterparty_name: String,
    pub counterparty_iban: String,
    /// Remittance information as one text (lines joined the way the format intends).
    pub remittance: String,
    /// The bank marked the entry as a reversal or return of an earlier one.
    pub reversal: bool,
}

/// One ledger cash entry (payment, receipt, bank charge) on a bank GL account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub id: String,
    pub account_iban: String,
    pub booking_date: NaiveDate,
    /// Signed: positive = money into the bank account.
    pub amount: Money,
    /// Payment reference the ledger knows: the end-to-end id it sent, a batch id, an invoice number.
    pub reference: String,
    /// Counterparty name, or its IBAN (recognised by its check digits).
    pub counterparty: String,
    pub description: String,
}
