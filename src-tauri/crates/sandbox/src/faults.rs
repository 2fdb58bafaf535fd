use serde::{Deserialize, Serialize};

/// Faults the sandbox injects into its next responses, set through `POST /_sandbox/faults`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// HTTP statuses to answer the next API requests with, in order (e.g. `[503, 503]`).
    pub fail_next: Vec<u16>,
    /// How many of the next list pages carry one malformed record.
    pub malformed_records: u32,
    /// How many of the next list pages are not valid JSON at all.
    pub broken_pages: u32,
    /// Seconds of `Retry-After` on injected 429 and 503 answers.
    pub retry_after_secs: Option<u64>,
    /// Fault mode: of every 1000 API requests, how many get a random fault (503, 429 with
    /// Retry-After, a malformed record, a cut-off page).
    pub per_mille: u32,
}

/// One injected fault drawn for a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Drawn {
    Unavailable,
    Throttled,
    MalformedRecord,
    BrokenPage,
}
