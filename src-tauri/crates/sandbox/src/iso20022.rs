//! The ISO 20022 documents the treasury platform hands out as its bank sent them: camt.053
//! statements (version 001.08) and pain.002 payment status reports (version 001.10).

use std::fmt::Write;

use chrono::{DateTime, Utc};
use domain::treasury::{PaymentInstruction, PaymentRun};
use rust_decimal::Decimal;

use crate::world::StatementBody;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn amt(d: Decimal) -> String {
    format!("{:.2}", d.abs())
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub(crate) fn camt053(id: &str, s: &StatementBody, created: DateTime<Utc>) -> String {
    let ccy = s.account.currency.code();
    let mut x = String::with_capacity(1024 + s.lines.len() * 900);
    let bal = |x: &mut String, code: &str, value: Decimal| {
        let _ = write!(
            x,
            "<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"{ccy}\">{}</Amt>\
             <CdtDbtInd>{}</CdtDbtInd><Dt><Dt>{}</Dt></Dt></Bal>",
            amt(value),
            if value < Decimal::ZERO { "DBIT" } else { "CRDT" },
            s.date
        );
    };
    let _ = write!(
        x,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt>\
         <GrpHdr><MsgId>{id}</MsgId><CreDtTm>{}</CreDtTm></GrpHdr>\
         <Stmt><Id>{id}</Id><ElctrncSeqNb>{}</ElctrncSeqNb><CreDtTm>{}</CreDtTm>\
         <Acct><Id><IBAN>{}</IBAN></Id><Ccy>{ccy}</Ccy><Svcr><FinInstnId><BICFI>{}</BICFI></FinInstnId></Svcr></Acct>",
        ts(created),
        s.date.format("%Y%m%d"),
        ts(created),
        s.account.iban,
        s.account.bic
    );
    bal(&mut x, "OPBD", s.opening);
    bal(&mut x, "CLBD", s.closing());
    for l in &s.lines {
        let debit = l.amount < Decimal::ZERO;
        let _ = write!(
            x,
            "<Ntry><Amt Ccy=\"{ccy}\">{}</Amt><CdtDbtInd>{}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>\
             <BookgDt><Dt>{}</Dt></BookgDt><ValDt><Dt>{}</Dt></ValDt><AcctSvcrRef>{}</AcctSvcrRef>\
             <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{}</Cd><SubFmlyCd>{}</SubFmlyCd></Fmly></Domn></BkTxCd>\
             <NtryDtls><TxDtls><Refs>",
            amt(l.amount),
            if debit { "DBIT" } else { "CRDT" },
            l.booking_date,
            l.booking_date,
            esc(&l.acct_svcr_ref),
            if debit { "ICDT" } else { "RCDT" },
            if debit { "ESCT" } else { "DMCT" },
        );
        let _ = write!(
            x,
            "<EndToEndId>{}</EndToEndId></Refs><Amt Ccy=\"{ccy}\">{}</Amt><CdtDbtInd>{}</CdtDbtInd>",
            esc(l.end_to_end_id.as_deref().unwrap_or("NOTPROVIDED")),
            amt(l.amount),
            if debit { "DBIT" } else { "CRDT" },
        );
        let (party, acct) = if debit {
            ("Cdtr", "CdtrAcct")
        } else {
            ("Dbtr", "DbtrAcct")
        };
        let _ = write!(
            x,
            "<RltdPties><{party}><Pty><Nm>{}</Nm></Pty></{party}>",
            esc(&l.counterparty)
        );
        if let Some(iban) = &l.counterparty_iban {
            let _ = write!(x, "<{acct}><Id><IBAN>{}</IBAN></Id></{acct}>", esc(iban));
        }
        let _ = write!(
            x,
            "</RltdPties><RmtInf><Ustrd>{}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>",
            esc(&l.remittance)
        );
    }
    x.push_str("</Stmt></BkToCstmrStmt></Document>\n");
    x
}

pub(crate) fn pain002(run: &PaymentRun, instructions: &[&PaymentInstruction], created: DateTime<Utc>) -> String {
    let group = if instructions.iter().all(|i| i.status == "RJCT") {
        "RJCT"
    } else if instructions.iter().any(|i| i.status == "RJCT") {
        "PART"
    } else {
        instructions
            .iter()
            .map(|i| i.status.as_str())
            .min_by_key(|s| ["PDNG", "ACTC", "ACCP", "ACSP", "ACSC"].iter().position(|k| k == s))
            .unwrap_or("PDNG")
    };
    let mut x = String::with_capacity(1024 + instructions.len() * 600);
    let _ = write!(
        x,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.10\"><CstmrPmtStsRpt>\
         <GrpHdr><MsgId>STS-{}-{}</MsgId><CreDtTm>{}</CreDtTm></GrpHdr>\
         <OrgnlGrpInfAndSts><OrgnlMsgId>{}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>\
         <OrgnlNbOfTxs>{}</OrgnlNbOfTxs><GrpSts>{group}</GrpSts></OrgnlGrpInfAndSts>\
         <OrgnlPmtInfAndSts><OrgnlPmtInfId>{}</OrgnlPmtInfId>",
        run.id,
        created.format("%Y%m%d%H%M%S"),
        ts(created),
        run.id,
        instructions.len(),
        run.id
    );
    for i in instructions {
        let _ = write!(
            x,
            "<TxInfAndSts><StsId>{}-{}</StsId><OrgnlInstrId>{}</OrgnlInstrId><OrgnlEndToEndId>{}</OrgnlEndToEndId>\
             <TxSts>{}</TxSts>",
            i.id,
            i.version,
            i.id,
            esc(&i.end_to_end_id),
            i.status
        );
        if let Some(reason) = &i.reason {
            let _ = write!(
                x,
                "<StsRsnInf><Rsn><Cd>{reason}</Cd></Rsn><AddtlInf>{}</AddtlInf></StsRsnInf>",
                esc(domain::treasury::remediation(reason))
            );
        }
        let _ = write!(
            x,
            "<OrgnlTxRef><Amt><InstdAmt Ccy=\"{}\">{}</InstdAmt></Amt><ReqdExctnDt><Dt>{}</Dt></ReqdExctnDt>\
             <Cdtr><Pty><Nm>{}</Nm></Pty></Cdtr><CdtrAcct><Id><IBAN>{}</IBAN></Id></CdtrAcct></OrgnlTxRef></TxInfAndSts>",
            i.currency.code(),
            amt(i.amount),
            run.value_date,
            esc(&i.creditor_name),
            esc(&i.creditor_iban)
        );
    }
    x.push_str("</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>\n");
    x
}
