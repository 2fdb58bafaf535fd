//! What an ERP holds that Control Tower mirrors: the records behind three-way match, postings,
//! payments, period status and the close. Amounts are decimal strings on the wire, never floats;
//! every amount travels with its currency.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::Currency;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompanyCode {
    pub id: String,
    pub name: String,
    pub currency: Currency,
    pub time_zone: String,
    pub country: String,
    pub version: i64,
    pub modified_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlAccount {
    pub id: String,
    pub company_code: String,
    pub account: String,
    pub name: String,
    /// expense, cash, payable, receivable, ic_receivable, ic_payable, revenue, accrual
    pub kind: String,
    pub version: i64,
    pub modified_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostCenter {
    pub id: String,
    pub company_code: String,
    pub code: String,
    pub name: String,
    pub owner: String,
    pub version: i64,
    pub modified_at: DateTime<Utc>,
}

/// The ERP's supplier master: the hold ("posting/payment block") and the bank account payments go to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupplierMaster {
    pub id: String,
    pub name: String,
    pub country: String,
    pub blocked: bool,
    pub iban: String,
    pub version: i64,
    pub modified_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BankAccountChange {
    pub id: String,
    pub supplier_id: String,
    pub old_iban: String,
    pub new_iban: String,
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
    pub version: i64,
    pub modified_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoLine {
    pub line_no: i64,
    pub description: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub quantity: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub unit_price: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PurchaseOrder {
    pub id: String,
    pub company_code: String,
    pub supplier_id: String,
    pub currency: Currency,
    pub order_date: NaiveDate,
    pub created_by: String,
    pub status: String,
    pub lines: Vec<PoLine>,
    pub version: i64,
    pub modified_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptLine {
    pub po_line_no: i64,
    #[serde(with = "rust_decimal::serde::str")]
    pub quantity: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoodsReceipt {
    pub id: String,
    pub company_code: String,
    pub purchase_order_id: String,
    pub received_date: NaiveDate,
    pub lines: Vec<ReceiptLine>,
    pub version: i64,
    pub modified_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostedLine {
    pub line_no: i64,
    pub po_line_no: Option<i64>,
    #[serde(with = "rust_decimal::serde::str")]
    pub quantity: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub unit_price: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    pub gl_account: String,
    pub cost_center: String,
}

/// A supplier invoice posted in the ERP; `ap_reference` is the AP system's id of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostedInvoice {
    pub id: String,
    pub company_code: String,
    pub ap_reference: String,
    pub supplier_id: String,
    pub invoice_number: String,
    pub invoice_date: NaiveDate,
    pub posting_date: NaiveDate,
    pub due_date: NaiveDate,
    pub currency: Currency,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// posted, paid
    pub status: String,
    pub purchase_order_id: Option<String>,
    pub lines: Vec<PostedLine>,
    pub version: i64,
    pub modified_at: DateTime<Utc>,
}

/// An AP invoice the ERP refused to post, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostingError {
    pub id: String,
    pub company_code: String,
    pub ap_reference: String,
    pub code: String,
    pub message: String,
    pub occurred_at: DateTime<Utc>,
    /// open, resubmitted, resolved
    pub status: String,
    pub version: i64,
    pub modified_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JournalLine {
    pub account: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub debit: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub credit: Decimal,
    /// The other entity of an intercompany line.
    pub partner: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Journal {
    pub id: String,
    pub company_code: String,
    pub period: String,
    pub posting_date: NaiveDate,
    pub description: String,
    pub currency: Currency,
    pub created_by: String,
    pub lines: Vec<JournalLine>,
    pub version: i64,
    pub modified_at: DateTime<Utc>,
}

/// A payment the ERP recorded against posted invoices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payment {
    pub id: String,
    pub company_code: String,
    pub supplier_id: String,
    pub currency: Currency,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    pub payment_date: NaiveDate,
    pub end_to_end_id: String,
    pub invoice_ids: Vec<String>,
    /// sent, cleared, returned
    pub status: String,
    pub version: i64,
    pub modified_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodStatus {
    pub id: String,
    pub company_code: String,
    /// YYYY-MM
    pub period: String,
    /// open, closed
    pub ap_subledger: String,
    /// open, soft_close, closed
    pub general_ledger: String,
    pub version: i64,
    pub modified_at: DateTime<Utc>,
}

/// A task of the month-end close as the ERP's close module holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseTask {
    pub id: String,
    pub company_code: String,
    pub period: String,
    pub name: String,
    pub category: String,
    pub owner: String,
    pub reviewer: String,
    /// Business-day offset from period end: -3 is BD-3, 1 is BD+1.
    pub day_offset: i32,
    pub duration_days: i32,
    pub depends_on: Vec<String>,
    /// not_started, in_progress, submitted, reviewed, sent_back
    pub status: String,
    /// A system signal that completes the task on its own, e.g. `ap_subledger_closed`.
    pub signal: Option<String>,
    pub submitted_by: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
    pub version: i64,
    pub modified_at: DateTime<Utc>,
}
