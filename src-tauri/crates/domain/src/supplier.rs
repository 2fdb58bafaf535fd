use serde::{Deserialize, Serialize};

use crate::Provenance;

/// A supplier as the AP or ERP system knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supplier {
    pub provenance: Provenance,
    pub name: String,
    pub country: String,
    /// Masked IBAN or account number, as the source shows it.
    pub bank_account: Option<String>,
    pub on_hold: bool,
}
