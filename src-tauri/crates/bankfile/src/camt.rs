//! ISO 20022 camt.052 (account report), camt.053 (statement) and camt.054 (debit/credit
//! notification), versions 001.01 to 001.10: one mapping, since the three share the entry
//! structure; elements that moved between versions are looked up at each place they live.

use chrono::NaiveDate;
use domain::{Currency, Money};

use crate::amount;
use crate::error::Error;
use crate::statement::{
    assign_entry_keys, meaningful_ref, statement_currency, Account, Balance, Entry, EntryStatus, Party, References,
    Remittance, Statement, Transaction,
};
use crate::xml::{El, Message};

/// Collects the statements of one camt message as the XML reader hands over its blocks.
#[derive(Default)]
pub(crate) struct CamtReader {
    message_id: Option<String>,
    statements: Vec<Statement>,
}

/// The element holding one statement in each message type.
const STATEMENT_ELEMENTS: &[&str] = &["Stmt", "Rpt", "Ntfctn"];

impl CamtReader {
    pub fn block(&mut self, msg: &Message, el: El<'_>) -> Result<(), Error> {
        match el.name() {
            "GrpHdr" => {
                self.message_id = el.get("MsgId");
                Ok(())
            }
            name if STATEMENT_ELEMENTS.contains(&name) => {
                let index = self.statements.len() + 1;
                let statement = statement(msg, &el, self.message_id.as_deref(), index)?;
                self.statements.push(statement);
                Ok(())
            }
            // Supplementary data and the like carry nothing the product uses.
            _ => Ok(()),
        }
    }

    pub fn finish(self, msg: &Message) -> Result<Vec<Statement>, Error> {
        if self.statements.is_empty() {
            let what = match msg.format.name() {
                "camt.052" => "Rpt (report)",
                "camt.054" => "Ntfctn (notification)",
                _ => "Stmt (statement)",
            };
            return Err(Error::invalid(
                msg.format.name(),
                crate::error::Position::Element {
                    path: msg.element.to_string(),
                    line: msg.line,
                },
                format!("no {what} element: the message holds nothing to import"),
            ));
        }
        Ok(self.statements)
    }
}

fn statement(msg: &Message, el: &El<'_>, message_id: Option<&str>, index: usize) -> Result<Statement, Error> {
    let fmt = msg.format.name();
    let mut notes = Vec::new();
    let id = match el.get("Id") {
        Some(id) => id,
        None => {
            // Identity is needed for entry keys; the message id + position is stable per file.
            let id = format!("{}/{index}", message_id.unwrap_or("camt"));
            notes.push(format!("{}: no Id; using {id}", el.path));
            id
        }
    };
    let acct = el.child("Acct");
    let account = acct.as_ref().map(account).unwrap_or_default();
    let account_currency = match acct.as_ref().and_then(|a| a.child("Ccy")) {
        Some(c) => Some(
            c.text()
                .map(amount::currency)
                .transpose()
                .map_err(|e| c.error(fmt, e))?
                .ok_or_else(|| c.error(fmt, "empty currency"))?,
        ),
        None => None,
    };

    let mut opening: Option<(u8, Balance)> = None;
    let mut closing = None;
    for bal in el.children("Bal") {
        let code = bal
            .get_any(&["Tp/CdOrPrtry/Cd", "Tp/CdOrPrtry/Prtry", "Tp/Cd"])
            .unwrap_or_default();
        // OPBD is the opening booked balance; PRCD (previous closing) stands in when absent.
        let rank = match code.as_str() {
            "OPBD" => 1,
            "PRCD" => 2,
            "CLBD" => 0,
            _ => continue,
        };
        let balance = Balance {
            amount: signed_amount(&bal, fmt, account_currency)?,
            date: date(&bal, fmt, "Dt")?,
            code,
        };
        if rank == 0 {
            closing.get_or_insert(balance);
        } else if opening.as_ref().is_none_or(|(r, _)| rank < *r) {
            opening = Some((rank, balance));
        }
    }
    let opening = opening.map(|(_, b)| b);

    let entry_currency = account_currency.or(opening.as_ref().map(|b| b.amount.currency()));
    let mut entries = Vec::new();
    for (i, ntry) in el.children("Ntry").iter().enumerate() {
        let sequence = u32::try_from(i + 1).unwrap_or(u32::MAX);
        entries.push(entry(ntry, fmt, sequence, entry_currency, &mut notes)?);
    }
    assign_entry_keys(&id, &mut entries);

    Ok(Statement {
        format: msg.format,
        version: msg.version.clone(),
        number: el.get_any(&["ElctrncSeqNb", "LglSeqNb", "RptPgntn/PgNb", "StmtPgntn/PgNb"]),
        currency: statement_currency(account_currency, opening.as_ref(), closing.as_ref(), &entries),
        id,
        account,
        opening,
        closing,
        entries,
        additional_info: el.get_any(&["AddtlStmtInf", "AddtlRptInf", "AddtlNtfctnInf"]),
        notes,
    })
}

fn account(acct: &El<'_>) -> Account {
    Account {
        iban: acct.get("Id/IBAN"),
        // 001.01 named the other identifications differently.
        other_id: acct.get_any(&["Id/Othr/Id", "Id/PrtryAcct/Id", "Id/BBAN", "Id/UPIC"]),
        name: acct.get("Nm"),
        owner: acct.get_any(&["Ownr/Nm", "Ownr/Pty/Nm"]),
        servicer_bic: acct.get_any(&["Svcr/FinInstnId/BIC", "Svcr/FinInstnId/BICFI"]),
    }
}

fn entry(
    ntry: &El<'_>,
    fmt: &'static str,
    sequence: u32,
    currency: Option<Currency>,
    notes: &mut Vec<String>,
) -> Result<Entry, Error> {
    let amount = signed_amount(ntry, fmt, currency)?;
    let debit = ntry.child("CdtDbtInd").is_some() && is_debit(ntry, fmt)?;
    let status = match ntry.get_any(&["Sts/Cd", "Sts/Prtry", "Sts"]).as_deref() {
        Some("BOOK") => EntryStatus::Booked,
        Some("PDNG") | Some("FUTR") => EntryStatus::Pending,
        Some("INFO") => EntryStatus::Info,
        Some(other) => return Err(ntry.error(fmt, format!("Sts {other:?} is not BOOK, PDNG, FUTR or INFO"))),
        None => {
            notes.push(format!("{}: no Sts; taken as booked", ntry.path));
            EntryStatus::Booked
        }
    };

    let mut references = References::default();
    let mut transactions = Vec::new();
    for details in ntry.children("NtryDtls") {
        if let Some(batch) = details.child("Btch") {
            references.message_id = batch.get("MsgId");
            references.payment_info_id = batch.get("PmtInfId");
        }
        for tx in details.children("TxDtls") {
            transactions.push(transaction(&tx, fmt, debit, notes)?);
        }
    }
    let (mut counterparty, mut remittance) = (Party::default(), Remittance::default());
    if let [only] = transactions.as_slice() {
        // The common case: one transaction per entry; lift its details so consumers need not dig.
        let batch = references;
        references = only.references.clone();
        references.message_id = references.message_id.or(batch.message_id);
        references.payment_info_id = references.payment_info_id.or(batch.payment_info_id);
        counterparty = only.counterparty.clone();
        remittance = only.remittance.clone();
    }

    Ok(Entry {
        sequence,
        key: String::new(),
        acct_svcr_ref: meaningful_ref(ntry.get("AcctSvcrRef")),
        booking_date: date(ntry, fmt, "BookgDt")?,
        value_date: date(ntry, fmt, "ValDt")?,
        amount,
        reversal: matches!(ntry.get("RvslInd").as_deref(), Some("true" | "1")),
        status,
        bank_tx_code: ntry.child("BkTxCd").and_then(|b| bank_tx_code(&b)),
        references,
        counterparty,
        remittance,
        additional_info: ntry.get("AddtlNtryInf"),
        transactions,
    })
}

fn transaction(
    tx: &El<'_>,
    fmt: &'static str,
    entry_debit: bool,
    notes: &mut Vec<String>,
) -> Result<Transaction, Error> {
    let debit = match tx.child("CdtDbtInd") {
        Some(_) => is_debit(tx, fmt)?,
        None => entry_debit,
    };
    let amount_el = ["Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt"]
        .iter()
        .find_map(|p| tx.find(p));
    let amount = match amount_el {
        Some(a) => match a.attr("Ccy").map(amount::currency) {
            // The transaction amount only informs; an exotic currency must not sink the entry.
            Some(Err(why)) => {
                notes.push(format!("{}: {why}; amount left out", a.path));
                None
            }
            Some(Ok(ccy)) => Some(amount::signed(money(&a, fmt, ccy)?, debit)),
            None => None,
        },
        None => None,
    };

    let refs = tx.child("Refs");
    let get_ref = |name: &str| refs.as_ref().and_then(|r| r.get(name));
    let references = References {
        end_to_end_id: meaningful_ref(get_ref("EndToEndId")),
        instruction_id: meaningful_ref(get_ref("InstrId")),
        payment_info_id: meaningful_ref(get_ref("PmtInfId")),
        transaction_id: meaningful_ref(get_ref("TxId")),
        message_id: meaningful_ref(get_ref("MsgId")),
        mandate_id: meaningful_ref(get_ref("MndtId")),
        uetr: get_ref("UETR"),
        customer_ref: None,
    };

    // The counterparty of money in is the debtor; of money out, the creditor. The entry's
    // direction decides, since it is what moved the account (some banks mark every TxDtls
    // of a debit batch CRDT).
    let (party, agent) = if entry_debit {
        ("Cdtr", "CdtrAgt")
    } else {
        ("Dbtr", "DbtrAgt")
    };
    let counterparty = match tx.child("RltdPties") {
        Some(rp) => Party {
            name: rp.get_any(&[
                &format!("{party}/Nm"),
                &format!("{party}/Pty/Nm"),
                &format!("Ultmt{party}/Nm"),
                &format!("Ultmt{party}/Pty/Nm"),
            ]),
            iban: rp.get(&format!("{party}Acct/Id/IBAN")),
            account: rp.get(&format!("{party}Acct/Id/Othr/Id")),
            bic: tx.get_any(&[
                &format!("RltdAgts/{agent}/FinInstnId/BIC"),
                &format!("RltdAgts/{agent}/FinInstnId/BICFI"),
            ]),
        },
        None => Party::default(),
    };

    let remittance = match tx.child("RmtInf") {
        Some(rmt) => Remittance {
            unstructured: rmt.texts("Ustrd"),
            creditor_reference: rmt.children("Strd").iter().find_map(|s| s.get("CdtrRefInf/Ref")),
        },
        None => Remittance::default(),
    };

    Ok(Transaction {
        amount,
        bank_tx_code: tx.child("BkTxCd").and_then(|b| bank_tx_code(&b)),
        references,
        counterparty,
        remittance,
        return_reason: tx.get_any(&["RtrInf/Rsn/Cd", "RtrInf/Rsn/Prtry"]),
        additional_info: tx.get("AddtlTxInf"),
    })
}

/// `DOMAIN/FAMILY/SUBFAMILY` when the ISO code is given, else the proprietary code.
fn bank_tx_code(btc: &El<'_>) -> Option<String> {
    let iso = [
        btc.get("Domn/Cd"),
        btc.get("Domn/Fmly/Cd"),
        btc.get("Domn/Fmly/SubFmlyCd"),
    ];
    if let [Some(d), Some(f), Some(s)] = iso {
        return Some(format!("{d}/{f}/{s}"));
    }
    btc.get("Prtry/Cd")
}

/// `Amt` of `el` with the sign of its `CdtDbtInd`.
fn signed_amount(el: &El<'_>, fmt: &'static str, fallback: Option<Currency>) -> Result<Money, Error> {
    let amt = el.child("Amt").ok_or_else(|| el.missing(fmt, "Amt"))?;
    let ccy = match amt.attr("Ccy") {
        Some(code) => amount::currency(code).map_err(|e| amt.error(fmt, e))?,
        None => fallback.ok_or_else(|| amt.error(fmt, "no Ccy attribute and no account currency to fall back on"))?,
    };
    let value = money(&amt, fmt, ccy)?;
    // A zero needs no side; anything else must say credit or debit.
    if value.amount().is_zero() && el.child("CdtDbtInd").is_none() {
        return Ok(value);
    }
    Ok(amount::signed(value, is_debit(el, fmt)?))
}

fn money(amt: &El<'_>, fmt: &'static str, ccy: Currency) -> Result<Money, Error> {
    let text = amt.text().ok_or_else(|| amt.error(fmt, "empty amount"))?;
    amount::iso(text, ccy).map_err(|e| amt.error(fmt, e))
}

fn is_debit(el: &El<'_>, fmt: &'static str) -> Result<bool, Error> {
    let ind = el
        .child("CdtDbtInd")
        .ok_or_else(|| el.error(fmt, "no CdtDbtInd: cannot tell credit from debit"))?;
    match ind.text() {
        Some("CRDT") => Ok(false),
        Some("DBIT") => Ok(true),
        other => Err(ind.error(fmt, format!("{:?} is neither CRDT nor DBIT", other.unwrap_or("")))),
    }
}

/// The date of a date-or-datetime choice (`Dt` or `DtTm`) under `name`.
fn date(el: &El<'_>, fmt: &'static str, name: &str) -> Result<Option<NaiveDate>, Error> {
    let Some(holder) = el.child(name) else {
        return Ok(None);
    };
    // Some banks put the date straight in the element instead of in Dt/DtTm.
    let field = holder.child("Dt").or_else(|| holder.child("DtTm")).unwrap_or(holder);
    let Some(text) = field.text() else {
        return Ok(None);
    };
    text.get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map(Some)
        .ok_or_else(|| field.error(fmt, format!("{text:?} is not a date (YYYY-MM-DD)")))
}
