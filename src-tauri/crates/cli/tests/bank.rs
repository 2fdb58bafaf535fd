//! `ctower bank inspect`: one line per statement or report, exit status by whether every file parsed.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../../shared/fixtures")
        .join(rel)
}

fn inspect(files: &[PathBuf]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ctower"))
        .args(["bank", "inspect"])
        .args(files)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn prints_one_line_per_statement_and_report() {
    let (ok, stdout, _) = inspect(&[
        fixture("camt053/genkgo/camt053.v2.multi.statement.xml"),
        fixture("pain002/corporate-js/pain.002.001.03-04-accepted-and-rejected-payments.xml"),
    ]);
    assert!(ok);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(lines[0].contains("camt.053.001.02  id=253EURNL26VAYB8060476890  account=NL26VAYB8060476890  currency=EUR  opening=18.15 EUR  closing=27.00 EUR  entries=1  balances=yes"), "{}", lines[0]);
    assert!(lines[2].contains("pain.002.001.03  original=MsgId_110610  group=PART  payment-infos=4  transactions=4  statuses=ACCP:2,RJCT:2"), "{}", lines[2]);
}

#[test]
fn a_bad_file_fails_the_run_but_the_good_ones_are_still_shown() {
    let wrong = fixture("camt053/genkgo/camt053.v2.wrong.xml");
    let (ok, stdout, stderr) = inspect(&[wrong.clone(), fixture("mt940/wolph/jejik/generic.sta")]);
    assert!(!ok);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(
        stderr.contains(&format!(
            "{}: camt.053 at BkToCstmrStmt (line 3): no Stmt",
            wrong.display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("1 of 2 files could not be read"), "{stderr}");
}
