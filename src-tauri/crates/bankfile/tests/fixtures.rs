//! Every real bank file under shared/fixtures: parsed to the figures the source projects
//! expect (genkgo's `.json`, wolph's `.yml`), or, for the deliberately broken ones, refused
//! with the line or element and the reason.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use bankfile::{BalanceCheck, EntryStatus, Statement};
use rust_decimal::Decimal;
use serde_json::Value;
use yaml_rust2::{Yaml, YamlLoader};

const FORMAT_DIRS: &[&str] = &["camt052", "camt053", "camt054", "pain002", "mt940", "bai2"];

/// Files that must be refused, with what the error must say.
const REFUSED: &[(&str, &[&str])] = &[
    ("bai2/moov-io/sample-parseError.bai2", &["line 1", "record code 00"]),
    (
        "camt053/genkgo/camt053.v2.wrong.xml",
        &["BkToCstmrStmt (line 3)", "no Stmt"],
    ),
    (
        "mt940/wolph/betterplace/empty_entry_date.sta",
        &["line 1", ":61: entry has no currency"],
    ),
    (
        "mt940/wolph/betterplace/sepa_snippet_broken.sta",
        &["line 6", "second account identification"],
    ),
    (
        "mt940/wolph/cmxl/available_balance.sta",
        &["line 1", "nothing to import"],
    ),
    ("mt940/wolph/cmxl/mt940.sta", &["line 4", "\"DEM\" is not a currency"]),
    (
        "mt940/wolph/cmxl/statement_details.sta",
        &["line 1", ":61: entry has no currency"],
    ),
    (
        "mt940/wolph/cmxl/statement_line.sta",
        &["line 1", ":61: entry has no currency"],
    ),
    (
        "mt940/wolph/self-provided/empty_non_swift.sta",
        &["line 1", "nothing to import"],
    ),
    (
        "mt940/wolph/self-provided/invalid_statement.sta",
        &["not a bank file", "starts with \"1\""],
    ),
    (
        "mt940/wolph/self-provided/multiline.sta",
        &["line 38", "belongs to no statement"],
    ),
    (
        "mt940/wolph/self-provided/raphaelm.sta",
        &["line 13", "\"DEM\" is not a currency"],
    ),
    (
        "mt940/wolph/self-provided/sparkassen.sta",
        &["line 1", ":61: entry has no currency"],
    ),
];

/// Statements whose own figures do not add up (checked by hand: the sample's author edited
/// amounts or balances). They must be flagged; every other checkable statement must add up.
const MISMATCHED: &[&str] = &[
    "bai2/moov-io/sample4-continuations-newline-delimited.bai2",
    "bai2/moov-io/sample5-issue113.bai2",
    "camt053/genkgo/camt053.v2.all-balance-types.xml",
    "camt053/genkgo/camt053.v2.five.decimals.xml",
    "camt053/moov-io/camt.053_P_CH2909000000250094239_1110092698_0_2020112503071366.xml",
    "camt053/viafintech/valid_example_with_batch.xml",
    "camt053/viafintech/valid_example_with_debit.xml",
    "camt053/viafintech/valid_example_with_instdamt.xml",
    "mt940/wolph/betterplace/sepa_snippet.sta",
    "mt940/wolph/jejik/abnamro.sta",
    "mt940/wolph/jejik/ing.sta",
    "mt940/wolph/jejik/knab.sta",
    "mt940/wolph/jejik/postfinance.sta",
    "mt940/wolph/jejik/rabobank.sta",
    "mt940/wolph/jejik/triodos.sta",
    "mt940/wolph/mBank/with_newline_in_tnr.sta",
    "mt940/wolph/self-provided/details_60-63.sta",
    "mt940/wolph/self-provided/malformed_details.sta",
    "mt940/wolph/self-provided/overly_long_details.sta",
    "mt940/wolph/self-provided/raiffeisen-cmi.sta",
    "mt940/wolph/self-provided/whitespace.sta",
];

fn root() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../../shared/fixtures");
    assert!(
        dir.is_dir(),
        "fixtures not found at {} (shared/ beside the repo)",
        dir.display()
    );
    dir
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Every bank file of the formats this crate reads (expectations, licences and PDFs left out).
fn bank_files() -> Vec<(String, PathBuf)> {
    let root = root();
    let mut files = Vec::new();
    for d in FORMAT_DIRS {
        walk(&root.join(d), &mut files);
    }
    files
        .into_iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            let ext = p
                .extension()
                .map(|e| e.to_string_lossy().to_string())
                .unwrap_or_default();
            !matches!(ext.as_str(), "json" | "yml" | "pdf") && !name.starts_with("LICENSE") && !name.starts_with('.')
        })
        .map(|p| (p.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/"), p))
        .collect()
}

fn parse(path: &Path) -> Result<bankfile::BankFile, bankfile::Error> {
    bankfile::parse(&std::fs::read(path).unwrap())
}

#[test]
fn every_fixture_is_parsed_or_refused_precisely() {
    let files = bank_files();
    assert!(files.len() > 100, "only {} fixture files found", files.len());
    let refused: BTreeMap<&str, &[&str]> = REFUSED.iter().copied().collect();
    let mut failures = Vec::new();
    for (name, path) in &files {
        match (parse(path), refused.get(name.as_str())) {
            (Ok(file), None) => {
                if file.statements.is_empty() && file.status_reports.is_empty() {
                    failures.push(format!("{name}: parsed to nothing"));
                }
            }
            (Ok(_), Some(_)) => failures.push(format!("{name}: must be refused, was parsed")),
            (Err(e), None) => failures.push(format!("{name}: refused: {e}")),
            (Err(e), Some(wanted)) => {
                let text = e.to_string();
                if !wanted.iter().all(|w| text.contains(w)) {
                    failures.push(format!("{name}: error {text:?} does not say {wanted:?}"));
                }
            }
        }
    }
    for name in refused.keys() {
        assert!(files.iter().any(|(n, _)| n == name), "{name} is not among the fixtures");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn balances_add_up_where_the_files_own_figures_do() {
    let flagged: HashSet<&str> = MISMATCHED.iter().copied().collect();
    let mut failures = Vec::new();
    for (name, path) in bank_files() {
        let Ok(file) = parse(&path) else { continue };
        let checks: Vec<BalanceCheck> = file.statements.iter().map(Statement::balances_add_up).collect();
        let any_mismatch = checks.iter().any(BalanceCheck::is_mismatch);
        if any_mismatch != flagged.contains(name.as_str()) {
            failures.push(format!(
                "{name}: {:?}",
                checks.iter().map(|c| c.to_string()).collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_same_file_read_twice_gives_the_same_distinct_entry_keys() {
    for (name, path) in bank_files() {
        let (Ok(a), Ok(b)) = (parse(&path), parse(&path)) else {
            continue;
        };
        let keys = |f: &bankfile::BankFile| -> Vec<String> {
            f.statements
                .iter()
                .flat_map(|s| s.entries.iter().map(|e| e.entry_key().to_string()))
                .collect()
        };
        assert_eq!(keys(&a), keys(&b), "{name}");
        // Keys identify an entry within its account: banks reuse references across accounts.
        let scoped: Vec<(Option<&str>, &str)> = a
            .statements
            .iter()
            .flat_map(|s| s.entries.iter().map(move |e| (s.account.display_id(), e.entry_key())))
            .collect();
        let distinct: HashSet<_> = scoped.iter().collect();
        assert_eq!(
            distinct.len(),
            scoped.len(),
            "{name}: entry keys repeat within an account"
        );
        assert_eq!(a, b, "{name}");
    }
}

// ---------------------------------------------------------------- genkgo camt .json

fn str_at<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a str> {
    keys.iter().try_fold(v, |v, k| v.get(k)).and_then(Value::as_str)
}

fn class(v: &Value) -> &str {
    v.get("__CLASS__").and_then(Value::as_str).unwrap_or("")
}

/// genkgo's dump repeats objects as `__RECURSIVITY__`; collect each record and entry the first
/// time it appears, entries keyed by (record id, index).
fn collect<'a>(
    v: &'a Value,
    record: Option<&'a str>,
    records: &mut BTreeMap<&'a str, &'a Value>,
    entries: &mut BTreeMap<(&'a str, u64), &'a Value>,
) {
    match v {
        Value::Object(map) => {
            let c = class(v);
            let mut record = record;
            if c.ends_with("\\Statement") || c.ends_with("\\Report") || c.ends_with("\\Notification") {
                if let Some(id) = str_at(v, &["getId"]) {
                    records.entry(id).or_insert(v);
                    record = Some(id);
                }
            }
            if c == "Genkgo\\Camt\\DTO\\Entry" {
                let rec = str_at(v, &["getRecord", "getId"]).or(record);
                if let (Some(rec), Some(i)) = (rec, v.get("getIndex").and_then(Value::as_u64)) {
                    entries.entry((rec, i)).or_insert(v);
                }
            }
            for value in map.values() {
                collect(value, record, records, entries);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect(i, record, records, entries)),
        _ => {}
    }
}

fn minor(m: &domain::Money) -> String {
    m.to_minor().unwrap().to_string()
}

#[test]
fn camt_files_match_genkgo_expectations() {
    let mut compared = (0, 0, 0);
    for (name, path) in bank_files() {
        let json_path = path.with_extension("json");
        if !name.contains("/genkgo/") || !json_path.exists() {
            continue;
        }
        let expected: Value = serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
        let file = parse(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (mut records, mut entries) = (BTreeMap::new(), BTreeMap::new());
        collect(&expected, None, &mut records, &mut entries);
        assert!(!records.is_empty(), "{name}: no record in the expectation");

        for (id, rec) in &records {
            let ours = file
                .statements
                .iter()
                .find(|s| s.id == *id)
                .unwrap_or_else(|| panic!("{name}: statement {id} missing"));
            if let Some(acct) = str_at(rec, &["getAccount", "getIdentification"]) {
                assert_eq!(ours.account.display_id(), Some(acct), "{name} {id}: account");
            }
            let balance = |kind: &str| {
                rec["getBalances"]
                    .as_array()
                    .and_then(|b| b.iter().find(|b| b["getType"] == kind))
                    .map(|b| {
                        (
                            b["getAmount"]["getAmount"].as_str().unwrap().to_string(),
                            b["getAmount"]["getCurrency"]["getCode"].as_str().unwrap().to_string(),
                        )
                    })
            };
            let mine =
                |b: &Option<bankfile::Balance>| b.as_ref().map(|b| (minor(&b.amount), b.amount.currency().to_string()));
            assert_eq!(mine(&ours.opening), balance("opening"), "{name} {id}: opening");
            assert_eq!(mine(&ours.closing), balance("closing"), "{name} {id}: closing");
            if let Some(list) = rec["getEntries"].as_array() {
                assert_eq!(ours.entries.len(), list.len(), "{name} {id}: entry count");
            }
            compared.0 += 1;
        }

        for ((rec, index), e) in &entries {
            let stmt = file.statements.iter().find(|s| s.id == *rec).unwrap();
            let ours = &stmt.entries[*index as usize];
            let at = format!("{name} {rec} entry {index}");
            assert_eq!(
                minor(&ours.amount),
                e["getAmount"]["getAmount"].as_str().unwrap(),
                "{at}: amount"
            );
            assert_eq!(
                ours.amount.currency().code(),
                e["getAmount"]["getCurrency"]["getCode"].as_str().unwrap(),
                "{at}"
            );
            assert_eq!(
                ours.acct_svcr_ref.as_deref(),
                e["getAccountServicerReference"].as_str(),
                "{at}: AcctSvcrRef"
            );
            assert_eq!(
                ours.reversal,
                e["getReversalIndicator"].as_bool().unwrap_or(false),
                "{at}: reversal"
            );
            let status = match ours.status {
                EntryStatus::Booked => "BOOK",
                EntryStatus::Pending => "PDNG",
                EntryStatus::Info => "INFO",
            };
            assert_eq!(Some(status), e["getStatus"].as_str(), "{at}: status");
            let details = e["getTransactionDetails"].as_array().unwrap();
            assert_eq!(ours.transactions.len(), details.len(), "{at}: TxDtls count");
            for (tx, d) in ours.transactions.iter().zip(details).filter(|(_, d)| d.is_object()) {
                if let Some(e2e) = str_at(d, &["getReference", "getEndToEndId"]).filter(|r| *r != "NOTPROVIDED") {
                    assert_eq!(tx.references.end_to_end_id.as_deref(), Some(e2e), "{at}: end-to-end id");
                }
                if let Some(r) = str_at(
                    d,
                    &["getRemittanceInformation", "getCreditorReferenceInformation", "getRef"],
                ) {
                    assert_eq!(
                        tx.remittance.creditor_reference.as_deref(),
                        Some(r),
                        "{at}: creditor reference"
                    );
                }
                let side = if ours.amount.is_negative() {
                    "\\Creditor"
                } else {
                    "\\Debtor"
                };
                let party = d["getRelatedParties"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|p| class(&p["getRelatedPartyType"]).ends_with(side));
                if let Some(p) = party {
                    if let Some(n) = str_at(p, &["getRelatedPartyType", "getName"]) {
                        assert_eq!(tx.counterparty.name.as_deref(), Some(n), "{at}: counterparty name");
                    }
                    if let Some(acct) = str_at(p, &["getAccount", "getIdentification"]) {
                        let got = tx.counterparty.iban.as_deref().or(tx.counterparty.account.as_deref());
                        assert_eq!(got, Some(acct), "{at}: counterparty account");
                    }
                }
                compared.2 += 1;
            }
            compared.1 += 1;
        }
    }
    assert!(
        compared.0 >= 25 && compared.1 >= 20,
        "compared too little: {compared:?}"
    );
}

// ---------------------------------------------------------------- wolph MT940 .yml

fn yaml_decimal(v: &Yaml) -> Option<Decimal> {
    // `!!python/object/apply:decimal.Decimal ['4370.79']`
    match v {
        Yaml::Array(a) => a.first().and_then(yaml_decimal),
        Yaml::String(s) | Yaml::Real(s) => Decimal::from_str(s).ok(),
        Yaml::Integer(i) => Some(Decimal::from(*i)),
        _ => None,
    }
}

fn yaml_balance(data: &Yaml, key: &str) -> Option<(Decimal, String)> {
    let b = &data[key];
    let amount = yaml_decimal(&b["amount"]["amount"])?;
    Some((amount, b["amount"]["currency"].as_str()?.to_string()))
}

#[test]
fn mt940_files_match_wolph_expectations() {
    let refused: HashSet<&str> = REFUSED.iter().map(|(n, _)| *n).collect();
    let mut compared = 0;
    for (name, path) in bank_files() {
        let yml = path.with_extension("yml");
        if !name.starts_with("mt940/") || !yml.exists() || refused.contains(name.as_str()) {
            continue;
        }
        let docs = YamlLoader::load_from_str(&std::fs::read_to_string(&yml).unwrap()).unwrap();
        let doc = &docs[0];
        let file = parse(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let entries: Vec<&bankfile::Entry> = file.statements.iter().flat_map(|s| &s.entries).collect();

        let expected = doc["transactions"].as_vec().cloned().unwrap_or_default();
        assert_eq!(entries.len(), expected.len(), "{name}: entry count");
        for (i, (ours, t)) in entries.iter().zip(&expected).enumerate() {
            let data = &t["data"];
            let amount = yaml_decimal(&data["amount"]["amount"]).unwrap_or_else(|| panic!("{name} #{i}: amount"));
            if ours.reversal {
                // wolph signs RC/RD by their second letter; SWIFT says RC (reversal of a credit)
                // is a debit, and the statements' own balances agree (checked below).
                assert_eq!(ours.amount.amount().abs(), amount.abs(), "{name} entry {i}: amount");
            } else {
                assert_eq!(ours.amount.amount(), amount, "{name} entry {i}: amount");
            }
            if let Some(r) = data["bank_reference"]
                .as_str()
                .map(str::trim)
                .filter(|r| !r.is_empty() && *r != "NONREF")
            {
                assert_eq!(
                    ours.acct_svcr_ref.as_deref(),
                    Some(r),
                    "{name} entry {i}: bank reference"
                );
            }
        }

        let data = &doc["data"];
        let last_with = |code: &str, opening: bool| {
            file.statements.iter().rev().find_map(|s| {
                let b = if opening { &s.opening } else { &s.closing };
                b.as_ref()
                    .filter(|b| b.code == code)
                    .map(|b| (b.amount.amount(), b.amount.currency().to_string()))
            })
        };
        assert_eq!(
            last_with("60F", true),
            yaml_balance(data, "final_opening_balance"),
            "{name}: :60F:"
        );
        assert_eq!(
            last_with("62F", false),
            yaml_balance(data, "final_closing_balance"),
            "{name}: :62F:"
        );
        assert_eq!(
            last_with("60M", true),
            yaml_balance(data, "intermediate_opening_balance"),
            "{name}: :60M:"
        );
        assert_eq!(
            last_with("62M", false),
            yaml_balance(data, "intermediate_closing_balance"),
            "{name}: :62M:"
        );
        if let Some(acct) = data["account_identification"].as_str() {
            let ours = file
                .statements
                .iter()
                .rev()
                .find_map(|s| s.account.other_id.as_deref().or(s.account.iban.as_deref()));
            assert_eq!(ours, Some(acct.trim()), "{name}: account");
        }
        compared += 1;
    }
    assert!(compared >= 40, "compared only {compared} .yml files");
}

// ---------------------------------------------------------------- pain.002

#[test]
fn status_reports_keep_every_level_and_reason() {
    let root = root();
    let report = |rel: &str| {
        let f = parse(&root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        f.status_reports.into_iter().next().unwrap()
    };

    let r = report("pain002/corporate-js/pain.002.001.03-04-accepted-and-rejected-payments.xml");
    assert_eq!(r.version, "pain.002.001.03");
    assert_eq!(r.original_message_id, "MsgId_110610");
    assert_eq!(r.group_status.as_deref(), Some("PART"));
    assert_eq!(r.payments.len(), 4);
    let p = &r.payments[0];
    assert_eq!(p.original_payment_info_id.as_deref(), Some("20140102-123456-01"));
    assert_eq!(p.status.as_deref(), Some("PART"));
    let tx = &p.transactions[0];
    assert_eq!(tx.original_end_to_end_id.as_deref(), Some("TEST PMT"));
    assert_eq!(tx.original_instruction_id.as_deref(), Some("201401115UTH00000154"));
    assert_eq!(tx.status.as_deref(), Some("RJCT"));
    assert_eq!(tx.reasons[0].code.as_deref(), Some("NARR"));
    assert_eq!(tx.reasons[0].additional_info, vec!["Viite virheellinen"]);
    assert_eq!(tx.amount.unwrap().to_string(), "22.11 EUR");
    let rejected = &r.payments[1];
    assert_eq!(rejected.status.as_deref(), Some("RJCT"));
    assert_eq!(rejected.reasons[0].code.as_deref(), Some("DT01"));
    // Without its own status a transaction takes its block's.
    assert_eq!(rejected.effective_status(&rejected.transactions[0], &r), Some("RJCT"));

    let r = report("pain002/moov-io/pain002-epo_p_0_0_0_2018032614401842.xml");
    assert_eq!(r.group_status.as_deref(), Some("RJCT"));
    assert_eq!(r.group_reasons[0].code.as_deref(), Some("AM10"));
    assert_eq!(r.group_reasons[0].additional_info, vec!["904114;ControlSum fehlerhaft"]);

    let r = report("pain002/moov-io/pain002-epo_p_ch2909000000250094239_1109800799_0_2018032612092784.xml");
    assert_eq!(r.group_status, None);
    let p = &r.payments[0];
    assert_eq!(
        (p.status.as_deref(), p.reasons[0].code.as_deref()),
        (Some("RJCT"), Some("NARR"))
    );
    let tx = &p.transactions[0];
    assert_eq!(tx.original_instruction_id.as_deref(), Some("InstrId-006-01-01"));
    assert_eq!(tx.original_end_to_end_id.as_deref(), Some("EndToEndId-006-01-01"));
    assert_eq!(tx.reasons[0].code.as_deref(), Some("AC01"));
    assert_eq!(tx.reasons[0].additional_info, vec!["1301813;Konto ungültig"]);

    let r = report("pain002/corporate-js/pain.002.001.03-02-rejected-technical-check.xml");
    assert_eq!(r.group_reasons[0].additional_info.len(), 3);
}

// ---------------------------------------------------------------- hand-checked figures

#[test]
fn batches_reversals_and_references_from_real_statements() {
    let root = root();
    let file = parse(&root.join("camt053/viafintech/valid_example_v4.xml")).unwrap();
    let s = &file.statements[0];
    assert_eq!(s.entries.len(), 13);
    assert_eq!(s.entries.iter().filter(|e| e.reversal).count(), 2);
    assert_eq!(s.entries.iter().map(|e| e.transactions.len()).sum::<usize>(), 32);
    assert!(matches!(s.balances_add_up(), BalanceCheck::AddsUp));
    // A batch keeps each transaction; their amounts add up to the entry's.
    for e in s.entries.iter().filter(|e| e.transactions.len() > 1) {
        let sum: Decimal = e.transactions.iter().filter_map(|t| t.amount).map(|a| a.amount()).sum();
        assert_eq!(sum, e.amount.amount(), "entry {}", e.sequence);
    }

    let file = parse(&root.join("camt053/moov-io/FI_camt_053_sample.xml.xml")).unwrap();
    let s = &file.statements[0];
    assert_eq!(s.account.iban.as_deref(), Some("FI7433010001222090"));
    assert_eq!(
        (
            s.opening.as_ref().unwrap().code.as_str(),
            s.closing.as_ref().unwrap().code.as_str()
        ),
        ("OPBD", "CLBD")
    );
    assert!(matches!(s.balances_add_up(), BalanceCheck::AddsUp));

    let file = parse(&root.join("mt940/wolph/betterplace/sepa_mt9401.sta")).unwrap();
    let reversal = &file.statements[0].entries[5];
    assert!(reversal.reversal && reversal.amount.is_negative(), "RC is a debit");
    assert!(matches!(file.statements[0].balances_add_up(), BalanceCheck::AddsUp));

    let file = parse(&root.join("mt940/wolph/betterplace/sepa_snippet.sta")).unwrap();
    let e = &file.statements[0].entries[0];
    assert_eq!(
        e.references.end_to_end_id.as_deref(),
        Some("EndToEndId TFNR 22 004 00001")
    );
    assert_eq!(e.counterparty.iban.as_deref(), Some("DE14508800500194785000"));

    let file = parse(&root.join("bai2/moov-io/sample3.bai2")).unwrap();
    assert_eq!(file.statements.len(), 15);
    assert!(
        file.statements.iter().all(|s| s.notes.is_empty()),
        "control totals of sample3 all agree"
    );
    assert!(file
        .statements
        .iter()
        .all(|s| matches!(s.balances_add_up(), BalanceCheck::AddsUp)));
}
