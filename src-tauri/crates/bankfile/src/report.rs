//! The canonical payment status report (pain.002): what the bank says about each payment.

use domain::Money;
use serde::Serialize;

/// A pain.002 customer payment status report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusReport {
    /// Exact message version where the file says it (`pain.002.001.03`).
    pub version: String,
    pub message_id: Option<String>,
    pub created_at: Option<String>,
    /// The `MsgId` of the payment order (pain.001/008) this report answers.
    pub original_message_id: String,
    pub original_message_type: Option<String>,
    /// Group status (`ACTC`, `ACCP`, `PART`, `RJCT`, …) when the bank gave one.
    pub group_status: Option<String>,
    pub group_reasons: Vec<StatusReason>,
    pub payments: Vec<PaymentStatus>,
}

/// Status of one payment information block (`OrgnlPmtInfAndSts`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PaymentStatus {
    /// `None` for transactions a pre-2009 report lists outside any payment information block.
    pub original_payment_info_id: Option<String>,
    pub status: Option<String>,
    pub reasons: Vec<StatusReason>,
    pub transactions: Vec<TransactionStatus>,
}

/// Status of one transaction (`TxInfAndSts`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TransactionStatus {
    pub status_id: Option<String>,
    pub original_instruction_id: Option<String>,
    pub original_end_to_end_id: Option<String>,
    pub status: Option<String>,
    pub reasons: Vec<StatusReason>,
    /// The instructed amount of the original transaction, when the bank echoes it.
    pub amount: Option<Money>,
}

/// A status reason: ISO code (`AC01`, `AM04`, `NARR`, …) or proprietary code, plus free text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StatusReason {
    pub code: Option<String>,
    pub proprietary: Option<String>,
    pub additional_info: Vec<String>,
}

impl StatusReport {
    pub fn transaction_count(&self) -> usize {
        self.payments.iter().map(|p| p.transactions.len()).sum()
    }
}

impl PaymentStatus {
    /// A transaction's status where it has its own, else its block's, else the group's: banks
    /// often report a whole block or group with one status.
    pub fn effective_status<'a>(&'a self, tx: &'a TransactionStatus, report: &'a StatusReport) -> Option<&'a str> {
        tx.status
            .as_deref()
            .or(self.status.as_deref())
            .or(report.group_status.as_deref())
    }
}
