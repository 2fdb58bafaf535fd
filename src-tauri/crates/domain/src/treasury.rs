//! What a treasury / bank platform holds that Control Tower mirrors: house bank accounts and
//! their balances, payment runs, every instruction with its ISO 20022 status history, and the
//! statements the bank sent.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::Currency;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HouseAccount {
    pub id: String,
    pub entity: String,
    pub iban: String,
    pub bic: String,
    pub bank_name: String,
    pub currency: Currency,
    pub version: i64,
    pub modified_at: DateTime<Utc>,
}

/// An account's end-of-day booked balance as the bank reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Balance {
    pub id: String,
    pub account_id: String,
    pub date: NaiveDate,
    pub currency: Currency,
    #[serde(with = "rust_decimal::serde::str")]
    pub closing_booked: Decimal,
    pub version: i64,
    pub modified_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentRun {
    pub id: String,
    pub entity: String,
    pub account_id: String,
    pub currency: Currency,
    pub value_date: NaiveDate,
    pub created_by: String,
    /// draft, approved, sent, acknowledged, completed, partially_rejected, rejected
    pub status: String,
    pub instruction_count: i64,
    #[serde(with = "rust_decimal::serde::str")]
    pub total: Decimal,
    pub version: i64,
    pub modified_at: DateTime<Utc>,
}

/// One status the bank reported for an instruction (pain.002), in order of arrival.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusEvent {
    /// ISO 20022 ExternalPaymentTransactionStatus1Code: PDNG, ACTC, ACCP, ACSP, ACSC, RJCT …
    pub status: String,
    /// ISO 20022 ExternalStatusReason1Code on a rejection: AC01, AC04, AM04, MS03 …
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentInstruction {
    pub id: String,
    pub run_id: String,
    pub entity: String,
    pub supplier_id: String,
    pub creditor_name: String,
    pub creditor_iban: String,
    pub currency: Currency,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    pub end_to_end_id: String,
    /// The AP invoice ids this instruction pays.
    pub invoice_ids: Vec<String>,
    pub status: String,
    pub reason: Option<String>,
    pub history: Vec<StatusEvent>,
    pub version: i64,
    pub modified_at: DateTime<Utc>,
}

/// A statement the bank delivered; its camt.053 document is fetched separately.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementNotice {
    pub id: String,
    pub account_id: String,
    pub date: NaiveDate,
    pub entries: i64,
    pub version: i64,
    pub modified_at: DateTime<Utc>,
}

/// ISO 20022 ExternalPaymentTransactionStatus1Code in words.
pub fn status_label(code: &str) -> &'static str {
    match code {
        "PDNG" => "Pending at the bank",
        "ACTC" => "Accepted: technical validation",
        "ACCP" => "Accepted: customer profile",
        "ACSP" => "Accepted: settlement in process",
        "ACSC" => "Settled",
        "ACWC" => "Accepted with change",
        "RJCT" => "Rejected",
        _ => "Unknown status",
    }
}

/// The bank's answer is final: settled or rejected.
pub fn is_final(code: &str) -> bool {
    matches!(code, "ACSC" | "RJCT")
}

/// What an ISO 20022 status reason code means for the person who has to act on it.
pub fn remediation(reason: &str) -> &'static str {
    match reason {
        "AC01" => "Incorrect account number: correct the supplier's bank details in the ERP and re-send.",
        "AC04" => "Account closed: obtain the supplier's new bank details, verify them by call-back, re-send.",
        "AC06" => "Account blocked: contact the supplier; hold the invoice until they confirm.",
        "AM04" => "Insufficient funds: fund the account or move the payment to a later run.",
        "AM05" => "Duplicate payment: check whether it was already paid before re-sending.",
        "BE05" => "Unrecognised initiating party: check the run's ordering party with the bank.",
        "MS03" => "Reason not specified by the bank: call the bank before re-sending.",
        "RC01" => "Bank identifier incorrect: correct the BIC in the supplier's bank details and re-send.",
        _ => "Look up the bank's reason and decide whether to correct and re-send.",
    }
}
