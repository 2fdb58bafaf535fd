//! Reconciliation in the app, on real SQLite files: bank file and ledger imports, matching runs,
//! a person's decisions, the account reconciliation sheet, certification and locks,
//! intercompany, and the demo data.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use domain::Money;
use store::bank_statements::BalanceCheck;
use store::recon_lines::{LineSort, LinesFilter, LinesRequest, StateFilter};
use store::recon_matches::MatchKind;
use store::Store;
use sync::reconcile::{self as rc, IcIssue, OpenItemKind, Period, ReconError};

const IBAN: &str = "DE89370400440532013000";

async fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("recon.db")).await.unwrap();
    (dir, store)
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../../shared/fixtures")
        .join(rel)
}

fn eur(s: &str) -> Money {
    Money::parse(s, "EUR").unwrap()
}

/// One camt.053 entry: signed amount, booking date, bank reference, end-to-end id, counterparty,
/// remittance.
struct E(
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

fn balance(code: &str, amount: &str, date: &str) -> String {
    let (ind, abs) = match amount.strip_prefix('-') {
        Some(a) => ("DBIT", a),
        None => ("CRDT", amount),
    };
    format!(
        "<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">{abs}</Amt>\
         <CdtDbtInd>{ind}</CdtDbtInd><Dt><Dt>{date}</Dt></Dt></Bal>"
    )
}

/// A camt.053.001.02 statement of `IBAN` in EUR.
fn camt(id: &str, opening: &str, closing: &str, from: &str, to: &str, entries: &[E]) -> Vec<u8> {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt>\
         <GrpHdr><MsgId>{id}</MsgId><CreDtTm>{to}T20:00:00</CreDtTm></GrpHdr>\
         <Stmt><Id>{id}</Id><CreDtTm>{to}T20:00:00</CreDtTm>\
         <Acct><Id><IBAN>{IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>{}{}",
        balance("OPBD", opening, from),
        balance("CLBD", closing, to)
    );
    for E(amount, date, acct_ref, e2e, name, remittance) in entries {
        let (ind, abs, party) = match amount.strip_prefix('-') {
            Some(a) => ("DBIT", a, "Cdtr"),
            None => ("CRDT", *amount, "Dbtr"),
        };
        let e2e = if e2e.is_empty() { "NOTPROVIDED" } else { e2e };
        xml.push_str(&format!(
            "<Ntry><Amt Ccy=\"EUR\">{abs}</Amt><CdtDbtInd>{ind}</CdtDbtInd><Sts>BOOK</Sts>\
             <BookgDt><Dt>{date}</Dt></BookgDt><ValDt><Dt>{date}</Dt></ValDt><AcctSvcrRef>{acct_ref}</AcctSvcrRef>\
             <NtryDtls><TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs>\
             <RltdPties><{party}><Nm>{name}</Nm></{party}></RltdPties>\
             <RmtInf><Ustrd>{remittance}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
        ));
    }
    xml.push_str("</Stmt></BkToCstmrStmt></Document>");
    xml.into_bytes()
}

/// October 2026 on one account: an exact reference, an invoice number in the remittance, a weak
/// candidate (suggestion), a bank fee, a payment in transit, and a receipt booked with another
/// amount. Opening 1,000.00, closing 836.50.
fn october() -> (Vec<u8>, Vec<u8>) {
    let camt = camt(
        "STMT-2026-10",
        "1000.00",
        "836.50",
        "2026-10-01",
        "2026-10-31",
        &[
            E("-1000.00", "2026-10-05", "B1", "E2E-1", "Alpha GmbH", "Invoice 88"),
            E("250.00", "2026-10-06", "B2", "", "Beta AG", "Rechnung 4711"),
            E("99.00", "2026-10-07", "B3", "", "Gamma SAS", "Zahlung"),
            E("-12.50", "2026-10-30", "B4", "", "", "Kontofuehrung"),
            E("500.00", "2026-10-08", "B5", "", "Epsilon SA", "Transfer"),
        ],
    );
    let ledger = format!(
        "id,account_iban,booking_date,amount,currency,reference,counterparty,description\n\
         L1,{IBAN},2026-10-05,-1000.00,EUR,E2E-1,Alpha GmbH,Payment\n\
         L2,{IBAN},2026-10-06,250.00,EUR,INV-4711,Beta AG,Receipt\n\
         L3,{IBAN},2026-10-07,99.00,EUR,,,Cash\n\
         L4,{IBAN},2026-10-30,-400.00,EUR,CHQ-1,Delta Ltd,Cheque\n\
         L5,{IBAN},2026-10-08,480.00,EUR,,Epsilon SA,Receipt\n"
    );
    (camt, ledger.into_bytes())
}

async fn october_store() -> (tempfile::TempDir, Store) {
    let (dir, store) = open().await;
    let (camt, ledger) = october();
    rc::import_bank_file(&store, "U010", "october.xml", &camt)
        .await
        .unwrap();
    rc::import_ledger_csv(&store, "U010", "LEDGER.csv", &ledger)
        .await
        .unwrap();
    (dir, store)
}

fn oct() -> Period {
    "2026-10".parse().unwrap()
}

async fn bank_id(store: &Store, key: &str) -> i64 {
    store::bank_statements::booked(store.reader())
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.entry_key == key)
        .map(|e| e.id)
        .unwrap()
}

fn lines(state: StateFilter, sort: LineSort, descending: bool, after: Option<String>, limit: i64) -> LinesRequest {
    LinesRequest {
        filter: LinesFilter {
            state: Some(state),
            ..LinesFilter::default()
        },
        sort,
        descending,
        after,
        limit,
    }
}

async fn suggestions(store: &Store) -> Vec<store::recon_lines::MatchWithItems> {
    let mut conn = store.reader().acquire().await.unwrap();
    store::recon_lines::suggestions(&mut conn, None, None, 100)
        .await
        .unwrap()
        .rows
}

async fn audit_actions(store: &Store) -> Vec<String> {
    let events = store::audit::all(store).await.unwrap();
    let (_, breaks) = store::audit::verify(store).await.unwrap();
    assert!(breaks.is_empty(), "{breaks:?}");
    events.into_iter().map(|e| e.action).collect()
}

#[tokio::test]
async fn a_fixture_file_imports_and_importing_it_again_adds_nothing() {
    let (_d, store) = open().await;
    let path = fixture("camt053/viafintech/valid_example.xml");
    let first = rc::import_bank_path(&store, "U010", &path).await.unwrap();
    assert_eq!(first.format, "camt.053");
    let s = &first.statements[0];
    assert!(s.refused.is_none(), "{s:?}");
    assert!(first.new_entries() > 0);
    assert_eq!(s.balance_check, BalanceCheck::AddsUp);
    let stored = store::bank_statements::booked(store.reader()).await.unwrap().len() as u64;
    assert_eq!(stored, first.new_entries());

    let again = rc::import_bank_path(&store, "U010", &path).await.unwrap();
    assert_eq!(again.new_entries(), 0);
    assert_eq!(again.duplicates(), first.new_entries());
    assert!(again.statements[0].already_imported);
    assert_eq!(
        store::bank_statements::booked(store.reader()).await.unwrap().len() as u64,
        stored
    );
    assert_eq!(
        store::bank_statements::list(store.reader(), None).await.unwrap().len(),
        1
    );
    let actions = audit_actions(&store).await;
    assert_eq!(actions.iter().filter(|a| *a == "recon.bank_file_imported").count(), 2);
}

#[tokio::test]
async fn a_statement_whose_balances_do_not_add_up_is_kept_and_flagged() {
    let (_d, store) = open().await;
    let path = fixture("camt053/viafintech/valid_example_with_debit.xml");
    let import = rc::import_bank_path(&store, "U010", &path).await.unwrap();
    assert_eq!(import.flagged(), 1, "{import:?}");
    let s = &import.statements[0];
    assert_eq!(s.balance_check, BalanceCheck::Mismatch);
    assert!(s.balance_note.as_deref().unwrap_or("").contains("closing"), "{s:?}");
    assert!(s.new_entries > 0);
    let stored = store::bank_statements::list(store.reader(), None).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].balance_check, BalanceCheck::Mismatch);
}

#[tokio::test]
async fn every_camt053_fixture_imports_or_is_refused_with_its_reason() {
    let (_d, store) = open().await;
    let dir = fixture("camt053");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .map(|f| f.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    assert!(files.len() > 10);
    let mut imported = 0;
    for path in &files {
        match rc::import_bank_path(&store, "U010", path).await {
            Ok(import) => {
                imported += 1;
                for s in import.statements.iter().filter(|s| s.refused.is_some()) {
                    assert!(!s.refused.as_deref().unwrap_or("").is_empty());
                }
            }
            Err(ReconError::BadFile { file, message }) => {
                assert!(path.ends_with(&file) && !message.is_empty(), "{file}: {message}");
            }
            Err(e) => panic!("{}: {e}", path.display()),
        }
    }
    assert!(imported > 10, "only {imported} of {} imported", files.len());
    // An amount finer than the currency cannot be stored in cents: the statement is refused with
    // the reason, never rounded; the rest of the file would be kept.
    let fine = camt(
        "STMT-F",
        "0.00",
        "10.005",
        "2026-10-01",
        "2026-10-31",
        &[E("10.005", "2026-10-02", "F1", "", "Zeta", "")],
    );
    let import = rc::import_bank_file(&store, "U010", "fine.xml", &fine).await.unwrap();
    let why = import.statements[0].refused.as_deref().unwrap_or("");
    assert!(why.contains("balance") || why.contains("entry 1"), "{import:?}");
}

#[tokio::test]
async fn a_ledger_imported_twice_adds_nothing_and_a_changed_row_is_reported() {
    let (_d, store) = open().await;
    let (_, ledger) = october();
    let first = rc::import_ledger_csv(&store, "U010", "LEDGER.csv", &ledger)
        .await
        .unwrap();
    assert_eq!(first.new_entries, 5);
    let again = rc::import_ledger_csv(&store, "U010", "LEDGER.csv", &ledger)
        .await
        .unwrap();
    assert_eq!((again.new_entries, again.duplicates), (0, 5));
    let changed = String::from_utf8(ledger).unwrap().replace("-400.00", "-401.00");
    let third = rc::import_ledger_csv(&store, "U010", "LEDGER.csv", changed.as_bytes())
        .await
        .unwrap();
    assert_eq!(third.conflicts, vec!["L4".to_string()]);
    let bad = rc::import_ledger_csv(&store, "U010", "BAD.csv", b"id,amount\n1,2\n").await;
    assert!(
        matches!(bad, Err(ReconError::BadFile { ref file, .. }) if file == "BAD.csv"),
        "{bad:?}"
    );
}

#[tokio::test]
async fn matching_persists_and_a_rerun_keeps_manual_matches_and_rejections() {
    let (_d, store) = october_store().await;
    let rules = recon::RuleSet::default();
    let run = rc::run_matching(&store, "U001", &rules).await.unwrap();
    assert_eq!((run.counts.automatic, run.counts.suggested), (2, 1), "{run:?}");
    assert_eq!(run.counts.breaks_new, run.counts.open_bank + run.counts.open_ledger);

    // B5 (500.00) and L5 (480.00) by hand: kept by every run.
    let b5 = bank_id(&store, "B5").await;
    let manual = rc::match_manual(&store, "U001", &[b5], &["L5".to_string()], Some("short-paid"))
        .await
        .unwrap();
    assert_eq!(manual.m.kind, MatchKind::Manual);
    let again = rc::run_matching(&store, "U001", &rules).await.unwrap();
    assert_eq!(again.counts.manual, 1);
    assert_eq!(
        (again.counts.added, again.counts.removed, again.counts.unchanged),
        (0, 0, 3)
    );
    assert_eq!(again.counts.breaks_resolved, 2, "B5 and L5 are no longer open");
    let kept = rc::match_detail(&store, manual.m.id).await.unwrap();
    assert_eq!(kept.m.kind, MatchKind::Manual);

    // A matched item cannot be matched again.
    let b1 = bank_id(&store, "B1").await;
    let twice = rc::match_manual(&store, "U001", &[b1], &["L4".to_string()], None).await;
    assert!(matches!(twice, Err(ReconError::Conflict(_))), "{twice:?}");

    // A rejected suggestion is not proposed again.
    let s = suggestions(&store).await;
    assert_eq!(s.len(), 1);
    rc::reject(&store, "U001", s[0].m.id, Some("not the same deposit"))
        .await
        .unwrap();
    let third = rc::run_matching(&store, "U001", &rules).await.unwrap();
    assert_eq!(third.counts.suggested, 0);
    assert!(suggestions(&store).await.is_empty());

    // The screen's lists agree: B3 is open, B1 matched.
    let page = store::recon_lines::bank_page(
        store.reader(),
        &lines(StateFilter::Open, LineSort::Amount, true, None, 1),
    )
    .await
    .unwrap();
    assert_eq!(page.total, 2, "B3 and B4");
    assert_eq!(page.rows[0].item.entry_key, "B3");
    let next = store::recon_lines::bank_page(
        store.reader(),
        &lines(StateFilter::Open, LineSort::Amount, true, page.next_cursor.clone(), 1),
    )
    .await
    .unwrap();
    assert_eq!(next.rows[0].item.entry_key, "B4");

    let actions = audit_actions(&store).await;
    for a in ["recon.matching_run", "recon.match_manual", "recon.reject"] {
        assert!(actions.iter().any(|x| x == a), "{a} missing from {actions:?}");
    }
}

#[tokio::test]
async fn accepting_a_suggestion_makes_it_manual() {
    let (_d, store) = october_store().await;
    rc::run_matching(&store, "U001", &recon::RuleSet::default())
        .await
        .unwrap();
    let s = suggestions(&store).await;
    let accepted = rc::accept(&store, "U001", s[0].m.id).await.unwrap();
    assert_eq!(accepted.m.kind, MatchKind::Manual);
    assert_eq!(accepted.m.decided_by.as_deref(), Some("U001"));
    let run = rc::run_matching(&store, "U001", &recon::RuleSet::default())
        .await
        .unwrap();
    assert_eq!((run.counts.manual, run.counts.suggested), (1, 0));
}

#[tokio::test]
async fn the_difference_equals_the_sum_of_open_items_exactly() {
    let (_d, store) = october_store().await;
    rc::run_matching(&store, "U001", &recon::RuleSet::default())
        .await
        .unwrap();
    let sheet = rc::account_rec(&store, IBAN, oct()).await.unwrap();
    assert_eq!(sheet.statement_closing, Some(eur("836.50")));
    // Opening from the statement (no ledger opening configured): 1000 − 1000 + 250 + 99 − 400 + 480.
    assert_eq!(sheet.ledger_balance, eur("429.00"));
    assert_eq!(sheet.difference, Some(eur("407.50")));
    assert_eq!(Some(sheet.open_items_total), sheet.difference);
    assert_eq!(sheet.open_item_count, 6, "{:#?}", sheet.open_items);
    let suggested = sheet.open_items.iter().filter(|i| i.suggestion.is_some()).count();
    assert_eq!(suggested, 2, "B3 and L3 are in a suggestion");

    // A manual match with a difference: its items are settled, its difference is an open item.
    let b5 = bank_id(&store, "B5").await;
    rc::match_manual(&store, "U001", &[b5], &["L5".to_string()], None)
        .await
        .unwrap();
    let sheet = rc::account_rec(&store, IBAN, oct()).await.unwrap();
    assert_eq!(Some(sheet.open_items_total), sheet.difference);
    let diff = sheet
        .open_items
        .iter()
        .find(|i| i.kind == OpenItemKind::MatchDifference)
        .unwrap();
    assert_eq!(diff.effect, eur("20.00"));

    // A flagged statement's discrepancy is an open item too.
    let (_d2, flagged) = open().await;
    let (_, ledger) = october();
    let camt = camt(
        "STMT-X",
        "1000.00",
        "800.00",
        "2026-10-01",
        "2026-10-31",
        &[E("-1000.00", "2026-10-05", "B1", "E2E-1", "Alpha GmbH", "")],
    );
    let import = rc::import_bank_file(&flagged, "U010", "x.xml", &camt).await.unwrap();
    assert_eq!(import.flagged(), 1);
    rc::import_ledger_csv(&flagged, "U010", "LEDGER.csv", &ledger)
        .await
        .unwrap();
    rc::run_matching(&flagged, "U001", &recon::RuleSet::default())
        .await
        .unwrap();
    let sheet = rc::account_rec(&flagged, IBAN, oct()).await.unwrap();
    assert_eq!(Some(sheet.open_items_total), sheet.difference);
    let discrepancy = sheet
        .open_items
        .iter()
        .find(|i| i.kind == OpenItemKind::StatementDiscrepancy)
        .unwrap();
    assert_eq!(discrepancy.effect, eur("800.00"));
    assert_eq!(sheet.flagged_statements, 1);
}

#[tokio::test]
async fn certification_needs_two_people_and_locks_the_period() {
    let (_d, store) = october_store().await;
    rc::run_matching(&store, "U001", &recon::RuleSet::default())
        .await
        .unwrap();
    let prepared = rc::certify_prepare(&store, "U001", IBAN, oct()).await.unwrap();
    let c = prepared.certification.clone().unwrap();
    assert_eq!(c.prepared_by, "U001");
    assert_eq!(c.figures.difference, eur("407.50"));
    assert!(!prepared.locked());

    // The preparer may not review.
    let own = rc::certify_review(&store, "U001", IBAN, oct()).await;
    assert!(matches!(own, Err(ReconError::SegregationOfDuties(_))), "{own:?}");
    let reviewed = rc::certify_review(&store, "U002", IBAN, oct()).await.unwrap();
    assert!(reviewed.locked());
    assert_eq!(reviewed.certification.unwrap().reviewed_by.as_deref(), Some("U002"));

    // Locked: every change to the period is refused, and the refusal is in the audit trail.
    let b5 = bank_id(&store, "B5").await;
    let manual = rc::match_manual(&store, "U003", &[b5], &["L5".to_string()], None).await;
    assert!(matches!(manual, Err(ReconError::Locked { .. })), "{manual:?}");
    let auto = store::recon_lines::bank_page(
        store.reader(),
        &lines(StateFilter::Matched, LineSort::BookingDate, false, None, 10),
    )
    .await
    .unwrap();
    let matched = auto.rows[0].matched.clone().unwrap().match_id;
    let undo = rc::unmatch(&store, "U003", matched, None).await;
    assert!(matches!(undo, Err(ReconError::Locked { .. })), "{undo:?}");
    let s = suggestions(&store).await;
    assert!(matches!(
        rc::accept(&store, "U003", s[0].m.id).await,
        Err(ReconError::Locked { .. })
    ));
    assert!(matches!(
        rc::certify_prepare(&store, "U003", IBAN, oct()).await,
        Err(ReconError::Locked { .. })
    ));
    assert!(matches!(
        rc::certify_review(&store, "U004", IBAN, oct()).await,
        Err(ReconError::Locked { .. })
    ));
    // New entries into the locked period are refused too; a run leaves its matches alone.
    let late = format!(
        "id,account_iban,booking_date,amount,currency,reference,counterparty,description\n\
         L9,{IBAN},2026-10-15,-5.00,EUR,,,Late booking\n"
    );
    let import = rc::import_ledger_csv(&store, "U003", "late.csv", late.as_bytes())
        .await
        .unwrap();
    assert_eq!((import.new_entries, import.refused_locked), (0, 1));
    let run = rc::run_matching(&store, "U001", &recon::RuleSet::default())
        .await
        .unwrap();
    assert_eq!((run.counts.added, run.counts.removed, run.counts.changed), (0, 0, 0));
    let after = rc::account_rec(&store, IBAN, oct()).await.unwrap();
    assert_eq!(after.difference, Some(eur("407.50")));

    let actions = audit_actions(&store).await;
    for a in [
        "recon.account_rec.prepared",
        "recon.account_rec.review.refused",
        "recon.account_rec.reviewed",
        "recon.match_manual.refused",
        "recon.unmatch.refused",
        "recon.accept.refused",
        "recon.account_rec.prepare.refused",
        "recon.ledger_entries.refused",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} missing from {actions:?}");
    }
}

#[tokio::test]
async fn a_review_of_figures_that_moved_since_preparation_is_refused() {
    let (_d, store) = october_store().await;
    rc::run_matching(&store, "U001", &recon::RuleSet::default())
        .await
        .unwrap();
    rc::certify_prepare(&store, "U001", IBAN, oct()).await.unwrap();
    let s = suggestions(&store).await;
    rc::accept(&store, "U001", s[0].m.id).await.unwrap();
    let review = rc::certify_review(&store, "U002", IBAN, oct()).await;
    assert!(matches!(review, Err(ReconError::Conflict(_))), "{review:?}");
}

async fn demo_store(now: &str) -> (tempfile::TempDir, Store, Period) {
    let (dir, store) = open().await;
    let now: DateTime<Utc> = now.parse().unwrap();
    // The AP sandbox's legal entities, as the app's first sync brings them.
    store::connections::save(
        &store,
        &store::connections::Connection {
            id: "ap".into(),
            kind: "ap".into(),
            name: "AP".into(),
            base_url: "http://127.0.0.1:1".into(),
            secret_ref: "none".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let entities: Vec<domain::LegalEntity> = [
        ("DE01", "Nordwind Handels GmbH", "EUR", "Europe/Berlin"),
        ("FR01", "Lumière Distribution SAS", "EUR", "Europe/Paris"),
        ("US01", "Harbor Supply Inc.", "USD", "America/New_York"),
    ]
    .iter()
    .map(|(code, name, currency, tz)| {
        serde_json::from_value(serde_json::json!({
            "provenance": { "connection_id": "ap", "external_id": code, "source_version": 1,
                            "source_updated_at": now, "fetched_at": now },
            "code": code, "name": name, "currency": currency, "time_zone": tz,
            "calendar": domain::BusinessCalendar::default(),
        }))
        .unwrap()
    })
    .collect();
    let mut tx = store.begin().await.unwrap();
    store::entities::upsert_batch(&mut tx, &entities, now).await.unwrap();
    tx.commit().await.unwrap();
    let seeded = rc::seed_demo(&store, 42, now).await.unwrap();
    (dir, store, seeded.period)
}

#[tokio::test]
async fn the_demo_is_alive_and_every_sheet_adds_up() {
    let (_d, store, period) = demo_store("2026-11-20T12:00:00Z").await;
    assert_eq!(period.to_string(), "2026-11");
    let overview = rc::overview(&store).await.unwrap();
    assert_eq!(overview.accounts.len(), 3);
    let run = overview.last_run.unwrap();
    assert!(run.counts.automatic > 50, "{run:?}");
    assert!(run.counts.suggested >= 3, "{run:?}");
    assert!(overview.accounts.iter().any(|a| a.flagged_statements == 1));
    for a in &overview.accounts {
        assert!(a.bank_open > 0 && a.ledger_open > 0, "{a:?}");
        let sheet = rc::account_rec(&store, &a.iban, period).await.unwrap();
        assert!(sheet.difference.is_some());
        assert_eq!(Some(sheet.open_items_total), sheet.difference, "{}", a.iban);
    }
    // Seeding again adds nothing.
    let again = rc::seed_demo(&store, 42, "2026-11-20T12:00:00Z".parse().unwrap())
        .await
        .unwrap();
    assert!(again.run.is_none());
    // Simulating the rules in force changes nothing; a stricter threshold turns matches into suggestions.
    let same = rc::simulate(&store, &rc::current_rules(&store).await.unwrap())
        .await
        .unwrap();
    assert_eq!((same.added_count, same.removed_count, same.changed_count), (0, 0, 0));
    let stricter = recon::RuleSet {
        auto_threshold: recon::Confidence::new(9_900).unwrap(),
        ..recon::RuleSet::default()
    };
    let sim = rc::simulate(&store, &stricter).await.unwrap();
    assert!(sim.changed_count > 0, "{sim:?}");
    assert!(sim.changed.iter().all(|(before, after)| before.kind == MatchKind::Auto
        && after.kind == MatchKind::Suggested
        && before.match_id.is_some()));
    // Nothing was applied.
    let after = rc::overview(&store).await.unwrap();
    assert_eq!(after.last_run.unwrap().run_id, run.run_id);
}

#[tokio::test]
async fn intercompany_lists_the_documents_the_entities_disagree_on() {
    let (_d, store, period) = demo_store("2026-11-20T12:00:00Z").await;
    let ic = rc::intercompany(&store, period).await.unwrap();
    assert!(ic.missing_rates.is_empty(), "{:?}", ic.missing_rates);
    let pair = |a: &str, b: &str| {
        ic.pairs
            .iter()
            .find(|p| p.entity_a == a && p.entity_b == b)
            .unwrap_or_else(|| panic!("no pair {a}/{b} in {:#?}", ic.pairs))
    };
    let de_fr = pair("DE01", "FR01");
    assert_eq!((de_fr.documents, de_fr.documents_agreeing), (3, 1));
    let issue = |p: &rc::IcPair, doc: &str| {
        p.mismatches
            .iter()
            .find(|d| d.reference.ends_with(doc))
            .map(|d| (d.issue, d.difference, d.group_difference))
    };
    assert_eq!(
        issue(de_fr, "-002"),
        Some((IcIssue::AmountDiffers, Some(eur("450.00")), Some(eur("450.00"))))
    );
    assert_eq!(issue(de_fr, "-003").map(|i| i.0), Some(IcIssue::MissingAtB));
    let de_us = pair("DE01", "US01");
    assert_eq!((de_us.documents, de_us.documents_agreeing), (2, 1));
    assert_eq!(
        issue(de_us, "-004"),
        Some((IcIssue::CurrencyDiffers, None, Some(eur("-0.40"))))
    );
    let usd = de_us.totals.iter().find(|t| t.currency == "USD").unwrap();
    assert_eq!(usd.b, Money::parse("-15870.00", "USD").unwrap());
}
