//! The exception rules' settings: tolerances, windows and SLAs. Configuration, not code, so a
//! region differs by its file (`exceptions.json` in the workspace), never by a build.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Kind;
use crate::duplicate::DuplicateRules;
use crate::three_way_match::Tolerances;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExceptionPolicy {
    pub tolerances: Tolerances,
    pub duplicates: DuplicateRules,
    /// A payment to a supplier whose bank details changed this many days before it is raised.
    pub bank_change_days: i64,
    /// An instruction the bank has not settled (ACSC) or rejected after this many hours.
    pub payment_confirm_hours: i64,
    /// Hours the owner has to resolve each kind, by kind name; the rest use `default_sla_hours`.
    pub sla_hours: BTreeMap<String, i64>,
    pub default_sla_hours: i64,
}

impl Default for ExceptionPolicy {
    fn default() -> Self {
        ExceptionPolicy {
            tolerances: Tolerances::default(),
            duplicates: DuplicateRules::default(),
            bank_change_days: 14,
            payment_confirm_hours: 48,
            sla_hours: [
                (Kind::BankRejection, 24),
                (Kind::BankDetailsChanged, 8),
                (Kind::PostingFailed, 24),
                (Kind::SuspectedDuplicate, 24),
                (Kind::PaymentUnconfirmed, 24),
            ]
            .into_iter()
            .map(|(k, h)| (k.as_str().to_string(), h))
            .collect(),
            default_sla_hours: 72,
        }
    }
}

impl ExceptionPolicy {
    pub fn sla_hours(&self, kind: Kind) -> i64 {
        self.sla_hours
            .get(kind.as_str())
            .copied()
            .unwrap_or(self.default_sla_hours)
    }

    /// Reads a policy file's JSON; an unknown key or a kind that does not exist is an error
    /// naming it, so a typo never silently falls back to the default.
    pub fn from_json(text: &str) -> Result<ExceptionPolicy, crate::DomainError> {
        let policy: ExceptionPolicy = serde_json::from_str(text).map_err(crate::DomainError::policy_json)?;
        if let Some(bad) = policy.sla_hours.keys().find(|k| Kind::parse(k).is_none()) {
            return Err(crate::DomainError::Policy {
                at: format!("sla_hours.{bad}"),
                reason: "not an exception kind".into(),
            });
        }
        Ok(policy)
    }
}
