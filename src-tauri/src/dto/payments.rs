//! Shapes of the Payments screen and the invoice trace.

use serde::{Deserialize, Serialize};
use specta::Type;

use super::Money;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRunRow {
    pub id: String,
    pub entity: String,
    pub account_id: String,
    pub value_date: String,
    pub status: String,
    pub created_by: String,
    pub total: Money,
    pub instructions: u32,
    pub settled: u32,
    pub rejected: u32,
    pub in_flight: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StatusStep {
    /// ISO 20022 ExternalPaymentTransactionStatus1Code
    pub status: String,
    pub label: String,
    pub reason: Option<String>,
    pub at: String,
}

/// One page of instructions and where the next one starts (none after the last).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct InstructionPage {
    pub rows: Vec<InstructionRow>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct InstructionRow {
    pub id: String,
    pub run_id: String,
    pub entity: String,
    pub creditor_name: String,
    pub creditor_iban: String,
    pub amount: Money,
    pub end_to_end_id: String,
    pub invoice_ids: Vec<String>,
    pub status: String,
    pub status_label: String,
    pub reason: Option<String>,
    /// What the reason code asks of people, for a rejection.
    pub remediation: Option<String>,
    pub history: Vec<StatusStep>,
    /// Created this long ago without the bank's final answer, past the SLA.
    pub unconfirmed_hours: Option<i64>,
    /// The exception the rejection or delay raised, if any, and where it stands.
    pub exception_id: Option<String>,
    pub exception_status: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum InstructionFilter {
    All,
    Rejected,
    InFlight,
    Unconfirmed,
    Settled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CashPoint {
    pub date: String,
    pub balance: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CashSeries {
    pub account_id: String,
    pub entity: String,
    pub bank_name: String,
    pub iban: String,
    pub currency: String,
    pub latest: Option<Money>,
    pub points: Vec<CashPoint>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CashTotal {
    pub currency: String,
    pub total: Money,
    pub accounts: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CashPosition {
    pub series: Vec<CashSeries>,
    pub totals: Vec<CashTotal>,
}

/// One stage of an invoice's way from capture to the bank statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TraceStage {
    /// capture, approval, posting, payment_run, bank_status, statement
    pub stage: String,
    pub label: String,
    /// done, current, stuck, waiting, failed
    pub state: String,
    pub at: Option<String>,
    pub system: String,
    pub reference: Option<String>,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceTrace {
    pub invoice_id: String,
    pub number: String,
    pub supplier: String,
    pub entity: String,
    pub amount: Money,
    pub stages: Vec<TraceStage>,
    /// Where it is stuck and since when, in words; `None` once the statement shows it paid.
    pub stuck: Option<String>,
    pub stuck_since: Option<String>,
    pub exceptions: Vec<super::exceptions::ExceptionRow>,
}

/// A draft payment run in the approver's inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RunApproval {
    pub id: String,
    pub entity: String,
    pub value_date: String,
    pub created_by: String,
    pub total: Money,
    pub instructions: u32,
    /// Why the signed-in user may not approve it; empty when they may.
    pub refusals: Vec<String>,
    /// An approval already on its way (queued, delivering, refused).
    pub pending: Option<String>,
}
