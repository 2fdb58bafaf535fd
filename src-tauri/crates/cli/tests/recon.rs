//! `ctower recon match`: bank files and a ledger CSV in, MATCHES.csv out; a malformed input exits
//! non-zero naming file and position, and writes nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

const STATEMENT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>MSG-1</MsgId><CreDtTm>2024-03-05T10:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>STMT-1</Id>
      <CreDtTm>2024-03-05T10:00:00</CreDtTm>
      <Acct><Id><IBAN>DE02120300000000202051</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-02-29</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">892.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-03-04</Dt></Dt></Bal>
      <Ntry>
        <Amt Ccy="EUR">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2024-03-01</Dt></BookgDt><ValDt><Dt>2024-03-01</Dt></ValDt>
        <AcctSvcrRef>BANKREF-1</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>E2E-1001</EndToEndId></Refs>
          <RltdPties><Dbtr><Nm>Foo Trading Ltd</Nm></Dbtr></RltdPties>
        </TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="EUR">250.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2024-03-02</Dt></BookgDt><ValDt><Dt>2024-03-02</Dt></ValDt>
        <AcctSvcrRef>BANKREF-2</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
          <RltdPties><Cdtr><Nm>ACME G.m.b.H.</Nm></Cdtr><CdtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></CdtrAcct></RltdPties>
          <RmtInf><Ustrd>Miete Maerz</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="EUR">42.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2024-03-04</Dt></BookgDt><ValDt><Dt>2024-03-04</Dt></ValDt>
        <AcctSvcrRef>BANKREF-3</AcctSvcrRef>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
"#;

const LEDGER: &str = r#"id,account_iban,booking_date,amount,currency,reference,counterparty,description
GL-1,DE02 1203 0000 0000 2020 51,2024-02-29,100.00,EUR,e2e 1001,Foo Trading,Customer receipt
GL-2,DE02120300000000202051,2024-03-01,-250.00,EUR,,Acme GmbH,Rent March
GL-3,DE02120300000000202051,2024-03-03,-250.00,EUR,,Other Corp,"Same amount, another counterparty"
"#;

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Dir {
        Dir(tempfile::tempdir().unwrap())
    }
    fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
}

fn recon_match(bank: &[&Path], ledger: &Path, out: &Path, unmatched: &Path) -> (bool, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ctower"));
    cmd.args(["recon", "match"]);
    for b in bank {
        cmd.arg("--bank").arg(b);
    }
    let out = cmd
        .arg("--ledger")
        .arg(ledger)
        .arg("--out")
        .arg(out)
        .arg("--unmatched")
        .arg(unmatched)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn writes_matches_and_the_unmatched() {
    let d = Dir::new();
    let stmt = d.file("stmt.xml", STATEMENT);
    // The same statement twice: read once.
    let again = d.file("again.xml", STATEMENT);
    let ledger = d.file("ledger.csv", LEDGER);
    let (out, unmatched) = (d.path("matches.csv"), d.path("unmatched.csv"));
    let (ok, stdout, stderr) = recon_match(&[&stmt, &again], &ledger, &out, &unmatched);
    assert!(ok, "{stdout}{stderr}");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "match_id,bank_entry,ledger_id,rule,confidence\n\
         M0000001,BANKREF-1,GL-1,exact_reference,0.9990\n\
         M0000002,BANKREF-2,GL-2,amount_date_counterparty,0.9550\n"
    );
    let unmatched = std::fs::read_to_string(&unmatched).unwrap();
    assert!(unmatched.contains("\nbank,BANKREF-3,"), "{unmatched}");
    assert!(unmatched.contains("\nledger,GL-3,"), "{unmatched}");
    assert!(stdout.contains("2 matches"), "{stdout}");
    assert!(stderr.contains("read once"), "{stderr}");
}

#[test]
fn a_malformed_ledger_fails_naming_file_line_and_field_and_writes_nothing() {
    let d = Dir::new();
    let stmt = d.file("stmt.xml", STATEMENT);
    let ledger = d.file("ledger.csv", &LEDGER.replace("-250.00,EUR,,Acme", "-250.0O,EUR,,Acme"));
    let (out, unmatched) = (d.path("matches.csv"), d.path("unmatched.csv"));
    std::fs::write(&out, "previous run\n").unwrap();
    let (ok, _, stderr) = recon_match(&[&stmt], &ledger, &out, &unmatched);
    assert!(!ok);
    assert!(stderr.contains("ledger.csv: line 3: amount:"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "previous run\n",
        "the old output stays"
    );
    assert!(!unmatched.exists());
    assert_eq!(
        std::fs::read_dir(d.0.path()).unwrap().count(),
        3,
        "no temp files left behind"
    );
}

#[test]
fn a_malformed_bank_file_fails_naming_file_and_position_and_writes_nothing() {
    let d = Dir::new();
    let stmt = d.file(
        "stmt.xml",
        &STATEMENT.replace("<Amt Ccy=\"EUR\">42.00</Amt>", "<Amt Ccy=\"EUR\">4x2</Amt>"),
    );
    let ledger = d.file("ledger.csv", LEDGER);
    let (out, unmatched) = (d.path("matches.csv"), d.path("unmatched.csv"));
    let (ok, _, stderr) = recon_match(&[&stmt], &ledger, &out, &unmatched);
    assert!(!ok);
    assert!(stderr.contains("stmt.xml: ") && stderr.contains("Ntry[3]"), "{stderr}");
    assert!(!out.exists() && !unmatched.exists());
}
