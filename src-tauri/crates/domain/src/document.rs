//! A record from the ERP or the treasury system in its canonical form, told apart by the source
//! resource it came from. Parsing is where a malformed record is caught: a missing field, a
//! float where an amount must be an exact decimal, an unknown currency.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::erp::*;
use crate::treasury::*;

macro_rules! documents {
    ($($variant:ident($ty:ty) = $resource:literal),* $(,)?) => {
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Document { $($variant($ty)),* }

        impl Document {
            /// Every resource name a document can come from, in the order a sync pulls them.
            pub const RESOURCES: &'static [&'static str] = &[$($resource),*];

            /// Parses a canonical (snake_case) record of `resource`.
            pub fn parse(resource: &str, value: serde_json::Value) -> Result<Document, String> {
                match resource {
                    $($resource => parse::<$ty>(value).map(Document::$variant),)*
                    other => Err(format!("unknown resource {other:?}")),
                }
            }

            /// Parses the stored JSON text of a record of `resource` straight into its type
            /// (no intermediate value tree: what every read of the mirror goes through).
            pub fn from_json(resource: &str, json: &str) -> Result<Document, String> {
                match resource {
                    $($resource => serde_json::from_str::<$ty>(json).map(Document::$variant).map_err(|e| e.to_string()),)*
                    other => Err(format!("unknown resource {other:?}")),
                }
            }

            pub fn resource(&self) -> &'static str {
                match self { $(Document::$variant(_) => $resource),* }
            }

            pub fn id(&self) -> &str {
                match self { $(Document::$variant(d) => &d.id),* }
            }

            pub fn version(&self) -> i64 {
                match self { $(Document::$variant(d) => d.version),* }
            }

            /// A change at the source: the next version, stamped `at`.
            pub fn bump(&mut self, at: chrono::DateTime<chrono::Utc>) {
                match self { $(Document::$variant(d) => { d.version += 1; d.modified_at = at; }),* }
            }

            /// The canonical JSON kept in the mirror.
            pub fn to_json(&self) -> String {
                match self { $(Document::$variant(d) => to_json(d)),* }
            }

            /// The canonical JSON as a value, for callers that reshape it.
            pub fn to_value(&self) -> serde_json::Value {
                match self { $(Document::$variant(d) => to_value(d)),* }
            }
        }
    };
}

documents! {
    CompanyCode(CompanyCode) = "company_codes",
    GlAccount(GlAccount) = "gl_accounts",
    CostCenter(CostCenter) = "cost_centers",
    SupplierMaster(SupplierMaster) = "supplier_masters",
    BankAccountChange(BankAccountChange) = "bank_account_changes",
    PurchaseOrder(PurchaseOrder) = "purchase_orders",
    GoodsReceipt(GoodsReceipt) = "goods_receipts",
    PostedInvoice(PostedInvoice) = "posted_invoices",
    PostingError(PostingError) = "posting_errors",
    Journal(Journal) = "journals",
    Payment(Payment) = "payments",
    PeriodStatus(PeriodStatus) = "period_status",
    CloseTask(CloseTask) = "close_tasks",
    HouseAccount(HouseAccount) = "house_accounts",
    Balance(Balance) = "balances",
    PaymentRun(PaymentRun) = "payment_runs",
    PaymentInstruction(PaymentInstruction) = "payment_instructions",
    StatementNotice(StatementNotice) = "statements",
}

fn parse<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| e.to_string())
}

fn to_json<T: Serialize>(d: &T) -> String {
    // Plain structs of strings, decimals and dates always serialize.
    serde_json::to_string(d).unwrap_or_else(|e| unreachable!("canonical documents serialize: {e}"))
}

fn to_value<T: Serialize>(d: &T) -> serde_json::Value {
    serde_json::to_value(d).unwrap_or_else(|e| unreachable!("canonical documents serialize: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn task() -> serde_json::Value {
        json!({"id":"CT-1","company_code":"DE01","period":"2026-11","name":"Bank rec","category":"cash",
               "owner":"U001","reviewer":"U002","day_offset":1,"duration_days":1,"depends_on":[],
               "status":"not_started","signal":null,"submitted_by":null,"submitted_at":null,
               "reviewed_by":null,"reviewed_at":null,"note":null,"version":3,
               "modified_at":"2026-11-20T10:00:00Z"})
    }

    #[test]
    fn a_record_round_trips_through_its_canonical_json() {
        let d = Document::parse("close_tasks", task()).unwrap();
        assert_eq!((d.id(), d.version(), d.resource()), ("CT-1", 3, "close_tasks"));
        let back = Document::parse("close_tasks", serde_json::from_str(&d.to_json()).unwrap()).unwrap();
        assert_eq!(back, d);
    }

    #[test]
    fn malformed_records_are_refused_with_the_field() {
        let mut t = task();
        t["version"] = json!("seven");
        assert!(Document::parse("close_tasks", t).unwrap_err().contains("invalid type"));
        let po = json!({"id":"PO-1","company_code":"DE01","supplier_id":"S1","currency":"EUR",
            "order_date":"2026-11-01","created_by":"U1","status":"open","version":1,
            "modified_at":"2026-11-20T10:00:00Z",
            "lines":[{"line_no":1,"description":"x","quantity":"2","unit_price":10.5,"amount":"21"}]});
        // A float where an exact amount belongs is refused, never rounded.
        assert!(Document::parse("purchase_orders", po).is_err());
        assert!(Document::parse("nonsense", json!({}))
            .unwrap_err()
            .contains("unknown resource"));
    }
}
