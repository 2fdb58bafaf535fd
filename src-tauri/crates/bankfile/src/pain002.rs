//! ISO 20022 pain.002 customer payment status reports: group, payment-information and
//! transaction statuses with their reason codes.

use crate::amount;
use crate::error::{Error, Position};
use crate::report::{PaymentStatus, StatusReason, StatusReport, TransactionStatus};
use crate::xml::{El, Message};

const FMT: &str = "pain.002";

/// Builds the report as the XML reader hands over the message's blocks.
#[derive(Default)]
pub(crate) struct Pain002Reader {
    message_id: Option<String>,
    created_at: Option<String>,
    group: Option<Group>,
    payments: Vec<PaymentStatus>,
    /// Pre-2009 reports list transactions directly under the message.
    loose_transactions: Vec<TransactionStatus>,
}

struct Group {
    original_message_id: String,
    original_message_type: Option<String>,
    status: Option<String>,
    reasons: Vec<StatusReason>,
}

impl Pain002Reader {
    pub fn block(&mut self, el: El<'_>) -> Result<(), Error> {
        match el.name() {
            "GrpHdr" => {
                self.message_id = el.get("MsgId");
                self.created_at = el.get("CreDtTm");
            }
            "OrgnlGrpInfAndSts" => {
                let original_message_id = el.get("OrgnlMsgId").ok_or_else(|| el.missing(FMT, "OrgnlMsgId"))?;
                self.group = Some(Group {
                    original_message_id,
                    original_message_type: el.get("OrgnlMsgNmId"),
                    status: el.get("GrpSts"),
                    reasons: reasons(&el),
                });
            }
            "OrgnlPmtInfAndSts" => {
                let transactions = el
                    .children("TxInfAndSts")
                    .iter()
                    .map(transaction)
                    .collect::<Result<_, _>>()?;
                self.payments.push(PaymentStatus {
                    original_payment_info_id: el.get("OrgnlPmtInfId"),
                    status: el.get("PmtInfSts"),
                    reasons: reasons(&el),
                    transactions,
                });
            }
            "TxInfAndSts" => self.loose_transactions.push(transaction(&el)?),
            _ => {}
        }
        Ok(())
    }

    pub fn finish(mut self, msg: &Message) -> Result<StatusReport, Error> {
        let group = self.group.ok_or_else(|| {
            Error::invalid(
                FMT,
                Position::Element {
                    path: msg.element.to_string(),
                    line: msg.line,
                },
                "no OrgnlGrpInfAndSts: the report does not say which payment order it answers",
            )
        })?;
        if !self.loose_transactions.is_empty() {
            self.payments.push(PaymentStatus {
                transactions: self.loose_transactions,
                ..PaymentStatus::default()
            });
        }
        Ok(StatusReport {
            version: msg.version.clone(),
            message_id: self.message_id,
            created_at: self.created_at,
            original_message_id: group.original_message_id,
            original_message_type: group.original_message_type,
            group_status: group.status,
            group_reasons: group.reasons,
            payments: self.payments,
        })
    }
}

fn transaction(tx: &El<'_>) -> Result<TransactionStatus, Error> {
    let amount = match tx.find("OrgnlTxRef/Amt/InstdAmt") {
        Some(a) => {
            let ccy = a.attr("Ccy").ok_or_else(|| a.error(FMT, "no Ccy attribute"))?;
            let ccy = amount::currency(ccy).map_err(|e| a.error(FMT, e))?;
            let text = a.text().ok_or_else(|| a.error(FMT, "empty amount"))?;
            Some(amount::iso(text, ccy).map_err(|e| a.error(FMT, e))?)
        }
        None => None,
    };
    Ok(TransactionStatus {
        status_id: tx.get("StsId"),
        // `OrgnlInstrdId` is a misspelling some Finnish banks send.
        original_instruction_id: tx.get_any(&["OrgnlInstrId", "OrgnlInstrdId"]),
        original_end_to_end_id: tx.get("OrgnlEndToEndId"),
        status: tx.get("TxSts"),
        reasons: reasons(tx),
        amount,
    })
}

fn reasons(el: &El<'_>) -> Vec<StatusReason> {
    el.children("StsRsnInf")
        .iter()
        .map(|r| StatusReason {
            code: r.get("Rsn/Cd"),
            proprietary: r.get("Rsn/Prtry"),
            additional_info: r.texts("AddtlInf"),
        })
        .collect()
}
