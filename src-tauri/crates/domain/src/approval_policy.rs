//! Approval policy as configuration (`approvals.json` in the workspace): the matrix that names
//! the approver chain by entity, document type, cost center and amount band in entity currency;
//! personal approval limits; out-of-office delegation with dates; escalation after the SLA; when
//! bulk approval is allowed; and the segregation-of-duties window for bank-detail changes.
//! Pure: the sync engine asks it before anything is queued, so the rules hold whatever the UI shows.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::erp::BankAccountChange;
use crate::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentType {
    Invoice,
    Journal,
    PaymentRun,
}

/// One line of the matrix. `None` matches anything; the first matching line wins, so specific
/// lines go first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatrixRule {
    pub entity: Option<String>,
    pub document: DocumentType,
    pub cost_center: Option<String>,
    /// Inclusive lower bound, entity currency.
    #[serde(with = "rust_decimal::serde::str")]
    pub from: Decimal,
    /// Exclusive upper bound; `None` is no upper bound.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub below: Option<Decimal>,
    /// Step names in order (Budget owner, Controller, CFO …).
    pub chain: Vec<String>,
}

/// A person's limit: the largest amount they may approve, per currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limit {
    pub user: String,
    pub currency: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub max: Decimal,
}

/// While `from` is away (inclusive dates), `to` decides their steps on their behalf.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delegation {
    pub from: String,
    pub to: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApprovalPolicy {
    pub matrix: Vec<MatrixRule>,
    pub limits: Vec<Limit>,
    pub delegations: Vec<Delegation>,
    /// A pending step older than this many business days escalates.
    pub sla_business_days: i64,
    /// Who an overdue step escalates to (a user id), if anyone.
    pub escalate_to: Option<String>,
    /// Bulk approval only for items at or below this amount per currency; none listed, no bulk.
    pub bulk_max: BTreeMap<String, String>,
    /// Nobody who changed a supplier's bank details approves a payment to it within this many days.
    pub bank_change_days: i64,
}

impl Default for ApprovalPolicy {
    fn default() -> Self {
        let rule = |from: i64, below: Option<i64>, chain: &[&str]| MatrixRule {
            entity: None,
            document: DocumentType::Invoice,
            cost_center: None,
            from: Decimal::from(from),
            below: below.map(Decimal::from),
            chain: chain.iter().map(|s| s.to_string()).collect(),
        };
        ApprovalPolicy {
            matrix: vec![
                rule(0, Some(5_000), &["Budget owner"]),
                rule(5_000, Some(25_000), &["Budget owner", "Controller"]),
                rule(25_000, None, &["Budget owner", "Controller", "CFO"]),
                MatrixRule {
                    document: DocumentType::PaymentRun,
                    ..rule(0, None, &["Treasury approver"])
                },
                MatrixRule {
                    document: DocumentType::Journal,
                    ..rule(0, None, &["Controller"])
                },
            ],
            limits: vec![],
            delegations: vec![],
            sla_business_days: 3,
            escalate_to: None,
            bulk_max: [("EUR", "5000.00"), ("USD", "5000.00")]
                .into_iter()
                .map(|(c, a)| (c.to_string(), a.to_string()))
                .collect(),
            bank_change_days: 30,
        }
    }
}

/// Why the policy refuses a decision; each says what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyRefusal {
    #[error("{amount} is over your approval limit of {limit}; it needs someone with a higher limit")]
    OverLimit { amount: String, limit: String },
    #[error(
        "segregation of duties: you changed {supplier}'s bank details on {on}, within {days} days of this payment"
    )]
    ChangedBankDetails { supplier: String, on: NaiveDate, days: i64 },
    #[error("{amount} is over the bulk approval limit of {limit}; open it and approve it on its own")]
    NotBulk { amount: String, limit: String },
    #[error("bulk approval is not allowed for {0}")]
    NoBulkFor(String),
}

impl ApprovalPolicy {
    /// Reads `approvals.json`; an unknown key or a malformed amount is an error naming it.
    pub fn from_json(text: &str) -> Result<ApprovalPolicy, crate::DomainError> {
        let p: ApprovalPolicy = serde_json::from_str(text).map_err(crate::DomainError::policy_json)?;
        for (c, a) in &p.bulk_max {
            a.parse::<Decimal>().map_err(|e| crate::DomainError::Policy {
                at: format!("bulk_max.{c}"),
                reason: format!("{a:?} is not a decimal amount ({e})"),
            })?;
        }
        if let Some(d) = p.delegations.iter().find(|d| d.end < d.start) {
            return Err(crate::DomainError::Policy {
                at: format!("delegations ({} → {})", d.from, d.to),
                reason: "ends before it starts".into(),
            });
        }
        Ok(p)
    }

    /// The approver chain for a document, from the first matching matrix line.
    pub fn chain(
        &self,
        entity: &str,
        document: DocumentType,
        cost_center: Option<&str>,
        amount: Decimal,
    ) -> Option<&[String]> {
        self.matrix
            .iter()
            .find(|r| {
                r.document == document
                    && r.entity.as_deref().is_none_or(|e| e == entity)
                    && r.cost_center.as_deref().is_none_or(|c| Some(c) == cost_center)
                    && amount >= r.from
                    && r.below.is_none_or(|b| amount < b)
            })
            .map(|r| r.chain.as_slice())
    }

    /// The people `user` stands in for on `day` (out-of-office delegations).
    pub fn covering_for(&self, user: &str, day: NaiveDate) -> Vec<&str> {
        self.delegations
            .iter()
            .filter(|d| d.to == user && d.start <= day && day <= d.end)
            .map(|d| d.from.as_str())
            .collect()
    }

    /// Whether `user` may decide a step assigned to `approver` on `day`: their own, or as the
    /// approver's delegate.
    pub fn may_act_for(&self, user: &str, approver: &str, day: NaiveDate) -> bool {
        user == approver || self.covering_for(user, day).contains(&approver)
    }

    /// A personal limit under `amount` refuses; no limit listed for the currency is no limit.
    pub fn check_limit(&self, user: &str, amount: &Money) -> Result<(), PolicyRefusal> {
        let code = amount.currency().to_string();
        match self.limits.iter().find(|l| l.user == user && l.currency == code) {
            Some(l) if amount.amount() > l.max => Err(PolicyRefusal::OverLimit {
                amount: amount.to_string(),
                limit: Money::new(l.max, amount.currency()).to_string(),
            }),
            _ => Ok(()),
        }
    }

    /// Bulk approval is for small, routine items only.
    pub fn check_bulk(&self, amount: &Money) -> Result<(), PolicyRefusal> {
        let code = amount.currency().to_string();
        let Some(max) = self.bulk_max.get(&code).and_then(|m| m.parse::<Decimal>().ok()) else {
            return Err(PolicyRefusal::NoBulkFor(code));
        };
        if amount.amount() > max {
            return Err(PolicyRefusal::NotBulk {
                amount: amount.to_string(),
                limit: Money::new(max, amount.currency()).to_string(),
            });
        }
        Ok(())
    }

    /// Nobody approves a payment to a supplier whose bank details they changed shortly before.
    pub fn check_bank_changes(
        &self,
        user: &str,
        supplier: &str,
        changes: &[&BankAccountChange],
        now: DateTime<Utc>,
    ) -> Result<(), PolicyRefusal> {
        let window = chrono::Duration::days(self.bank_change_days);
        match changes
            .iter()
            .find(|c| c.supplier_id == supplier && c.changed_by == user && now - c.changed_at <= window)
        {
            Some(c) => Err(PolicyRefusal::ChangedBankDetails {
                supplier: supplier.to_string(),
                on: c.changed_at.date_naive(),
                days: self.bank_change_days,
            }),
            None => Ok(()),
        }
    }

    /// Who an overdue step goes to, once it is older than the SLA.
    pub fn escalation(&self, age_business_days: i64) -> Option<&str> {
        (age_business_days > self.sla_business_days)
            .then_some(self.escalate_to.as_deref())
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn eur(a: &str) -> Money {
        Money::parse(a, "EUR").unwrap()
    }

    fn policy() -> ApprovalPolicy {
        ApprovalPolicy::from_json(
            r#"{
              "matrix": [
                {"entity": "US01", "document": "invoice", "cost_center": null, "from": "0", "below": "10000", "chain": ["Budget owner"]},
                {"entity": null, "document": "invoice", "cost_center": "CC-300", "from": "0", "below": null, "chain": ["IT lead", "Controller"]},
                {"entity": null, "document": "invoice", "cost_center": null, "from": "0", "below": "5000", "chain": ["Budget owner"]},
                {"entity": null, "document": "invoice", "cost_center": null, "from": "5000", "below": null, "chain": ["Budget owner", "Controller"]},
                {"entity": null, "document": "payment_run", "cost_center": null, "from": "0", "below": null, "chain": ["Treasury approver"]}
              ],
              "limits": [{"user": "U001", "currency": "EUR", "max": "10000.00"}],
              "delegations": [{"from": "U001", "to": "U002", "start": "2026-11-20", "end": "2026-11-27", "reason": "leave"}],
              "sla_business_days": 3,
              "escalate_to": "U009",
              "bulk_max": {"EUR": "2500.00"},
              "bank_change_days": 30
            }"#,
        )
        .unwrap()
    }

    #[test]
    fn the_matrix_picks_the_first_matching_line_by_entity_cost_center_and_band() {
        let p = policy();
        // (entity, document, cost center, amount, expected chain)
        type Case<'a> = (&'a str, DocumentType, Option<&'a str>, &'a str, &'a [&'a str]);
        let cases: &[Case] = &[
            ("US01", DocumentType::Invoice, None, "9999.99", &["Budget owner"]),
            (
                "DE01",
                DocumentType::Invoice,
                Some("CC-300"),
                "100",
                &["IT lead", "Controller"],
            ),
            ("DE01", DocumentType::Invoice, None, "4999.99", &["Budget owner"]),
            // The band's lower bound is inclusive, its upper bound exclusive.
            (
                "DE01",
                DocumentType::Invoice,
                None,
                "5000.00",
                &["Budget owner", "Controller"],
            ),
            (
                "US01",
                DocumentType::Invoice,
                None,
                "10000",
                &["Budget owner", "Controller"],
            ),
            (
                "FR01",
                DocumentType::PaymentRun,
                None,
                "1000000",
                &["Treasury approver"],
            ),
        ];
        for (entity, doc, cc, amount, chain) in cases {
            let got = p.chain(entity, *doc, *cc, amount.parse().unwrap()).unwrap();
            assert_eq!(got, *chain, "{entity} {doc:?} {cc:?} {amount}");
        }
        assert_eq!(p.chain("DE01", DocumentType::Journal, None, Decimal::ONE), None);
    }

    #[test]
    fn limits_delegation_bulk_and_escalation() {
        let p = policy();
        assert!(p.check_limit("U001", &eur("10000.00")).is_ok());
        assert!(matches!(
            p.check_limit("U001", &eur("10000.01")),
            Err(PolicyRefusal::OverLimit { .. })
        ));
        // No limit in USD listed: none applies.
        assert!(p.check_limit("U001", &Money::parse("99999", "USD").unwrap()).is_ok());
        assert!(p.check_limit("U002", &eur("99999")).is_ok());

        assert!(p.may_act_for("U002", "U001", d("2026-11-20")));
        assert!(p.may_act_for("U002", "U001", d("2026-11-27")));
        assert!(!p.may_act_for("U002", "U001", d("2026-11-28")));
        assert!(
            !p.may_act_for("U001", "U002", d("2026-11-22")),
            "delegation runs one way"
        );
        assert!(p.may_act_for("U003", "U003", d("2026-01-01")));

        assert!(p.check_bulk(&eur("2500.00")).is_ok());
        assert!(matches!(
            p.check_bulk(&eur("2500.01")),
            Err(PolicyRefusal::NotBulk { .. })
        ));
        assert!(matches!(
            p.check_bulk(&Money::parse("1", "USD").unwrap()),
            Err(PolicyRefusal::NoBulkFor(_))
        ));

        assert_eq!(p.escalation(3), None);
        assert_eq!(p.escalation(4), Some("U009"));
    }

    #[test]
    fn who_changed_bank_details_does_not_approve_the_payment_within_the_window() {
        let p = policy();
        let change = BankAccountChange {
            id: "BAC-1".into(),
            supplier_id: "SUP-1".into(),
            old_iban: "A".into(),
            new_iban: "B".into(),
            changed_by: "U005".into(),
            changed_at: "2026-11-01T10:00:00Z".parse().unwrap(),
            version: 1,
            modified_at: "2026-11-01T10:00:00Z".parse().unwrap(),
        };
        let within = "2026-12-01T10:00:00Z".parse().unwrap();
        let after = "2026-12-01T10:00:01Z".parse().unwrap();
        assert!(matches!(
            p.check_bank_changes("U005", "SUP-1", &[&change], within),
            Err(PolicyRefusal::ChangedBankDetails { .. })
        ));
        assert!(p.check_bank_changes("U005", "SUP-1", &[&change], after).is_ok());
        assert!(p.check_bank_changes("U006", "SUP-1", &[&change], within).is_ok());
        assert!(p.check_bank_changes("U005", "SUP-2", &[&change], within).is_ok());
    }

    #[test]
    fn a_bad_policy_file_names_what_is_wrong() {
        let unknown = ApprovalPolicy::from_json(r#"{"limitz": []}"#).unwrap_err().to_string();
        assert!(unknown.contains("limitz"), "{unknown}");
        let amount = ApprovalPolicy::from_json(r#"{"bulk_max": {"EUR": "lots"}}"#)
            .unwrap_err()
            .to_string();
        assert!(amount.contains("bulk_max.EUR"), "{amount}");
        let dates = ApprovalPolicy::from_json(
            r#"{"delegations": [{"from": "a", "to": "b", "start": "2026-11-02", "end": "2026-11-01"}]}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(dates.contains("ends before it starts"), "{dates}");
        assert_eq!(ApprovalPolicy::from_json("{}").unwrap(), ApprovalPolicy::default());
    }
}
