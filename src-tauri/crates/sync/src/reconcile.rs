//! Reconciliation in the app: bank files and LEDGER.csv into the mirror, matching runs persisted
//! (manual matches kept, a person's "no" remembered, break aging per run), manual match / unmatch /
//! accept / reject with the audit trail, "what would change" before a rule change, the account
//! reconciliation sheet with preparer and reviewer certification (segregation of duties, locked
//! after review), intercompany pairs, and the demo data of the app's workspace.
//!
//! The pure parts live in `bankfile` (parsers) and `recon` (matching); SQL lives in `store`. Every
//! function here is one unit of work with its own tracing span.

mod certify;
mod demo;
mod erp_ledger;
mod error;
mod import;
mod intercompany;
mod items;
mod locks;
mod manual;
mod matching;
mod overview;
mod period;
mod sheet;

pub use certify::{certify_prepare, certify_review};
pub use demo::{seed_demo, DemoSeed};
pub use erp_ledger::book_erp_payments;
pub use error::ReconError;
pub use import::{
    import_bank_file, import_bank_path, import_ledger_csv, import_ledger_path, BankImport, LedgerImport,
    StatementImport,
};
pub use intercompany::{intercompany, IcDocument, IcIssue, IcPair, IcSide, IcTotal, Intercompany, GROUP_CURRENCY};
pub use manual::{accept, match_detail, match_manual, reject, unmatch};
pub use matching::{
    current_rules, rules_from_json, rules_to_json, run_matching, simulate, PassCount, RunOutcome, SimulatedMatch,
    Simulation,
};
pub use overview::{overview, Overview};
pub use period::Period;
pub use recon::RuleSet;
pub use sheet::{account_rec, OpenItem, OpenItemKind, OpeningSource, RecSheet};
