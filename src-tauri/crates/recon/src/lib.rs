//! Bank vs ledger matching: ordered, configurable passes (exact reference, invoice numbers in the
//! remittance, amount + date + counterparty, one-to-many, many-to-one, reversals) propose matches
//! with an exact confidence and a reason; above a threshold they are automatic, below suggestions.
//! Manual match/unmatch and "what would change" simulation are pure operations on the result.
//!
//! Pure: no I/O, no async. The CSV reader and writers take any `Read`/`Write`.

pub mod confidence;
pub mod engine;
pub mod generate;
mod index;
pub mod input;
pub mod ledger_csv;
pub mod match_set;
pub mod matches_csv;
pub mod normalize;
mod passes;
mod prepare;
mod reason;
pub mod rules;
pub mod simulate;
mod subset;

pub use confidence::Confidence;
pub use engine::{run, run_keeping, EngineError, EngineMatch, PassReport, Run, RunReport};
pub use input::{BankLine, LedgerEntry};
pub use match_set::{ManualOutcome, Match, MatchError, MatchId, MatchRef, MatchSet, MatchStatus, Side};
pub use rules::{DateWindow, Pass, RuleError, RuleSet};
pub use simulate::{simulate, Change, Diff, Simulation};
