//! Three-way match: a posted invoice against its purchase order and the goods receipts.
//!
//! Pure and per invoice: the caller looks up the PO and its receipts in the mirror and passes them
//! in, so the same rule serves the sync engine, the store's queues and the CLI.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::erp::{GoodsReceipt, PostedInvoice, PostedLine, PurchaseOrder};
use crate::money::{Currency, Money};

/// A variance is an exception only when it exceeds BOTH the absolute and the percent tolerance
/// (common ERP practice: a small absolute difference on a big line and a small percent on a
/// small line both pass). Zero tolerance means exact. Exactly at the edge is not an exception.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tolerance {
    /// Per unit, in the document currency.
    #[serde(with = "rust_decimal::serde::str")]
    pub price_abs: Decimal,
    /// Percent of the PO unit price: 2 means 2 %.
    #[serde(with = "rust_decimal::serde::str")]
    pub price_pct: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub qty_abs: Decimal,
    /// Percent of the received quantity.
    #[serde(with = "rust_decimal::serde::str")]
    pub qty_pct: Decimal,
}

impl Default for Tolerance {
    /// Price 0.50 / 2 %, quantity exact.
    fn default() -> Self {
        Tolerance {
            price_abs: Decimal::new(50, 2),
            price_pct: Decimal::TWO,
            qty_abs: Decimal::ZERO,
            qty_pct: Decimal::ZERO,
        }
    }
}

/// A default tolerance with per-entity (company code) overrides.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tolerances {
    pub default: Tolerance,
    #[serde(default)]
    pub per_entity: BTreeMap<String, Tolerance>,
}

impl Tolerances {
    /// The entity's own tolerance, or the default when it has none.
    pub fn for_entity(&self, entity: &str) -> &Tolerance {
        self.per_entity.get(entity).unwrap_or(&self.default)
    }
}

/// One reason an invoice should not be paid as posted. Decimals serialize as strings
/// (rust_decimal's default; a test pins it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finding {
    /// `po_id` None: lines reference PO lines but the invoice names no PO. Some: the PO (or the
    /// referenced PO line) is not in the mirror.
    MissingPo { invoice_id: String, po_id: Option<String> },
    MissingReceipt {
        invoice_id: String,
        po_id: String,
        po_line_no: i64,
        invoiced_qty: Decimal,
        /// The invoice line's amount, rounded to the currency.
        amount_at_risk: Decimal,
    },
    PriceVariance {
        invoice_id: String,
        po_id: String,
        /// The invoice line.
        line_no: i64,
        po_line_no: i64,
        po_price: Decimal,
        invoiced_price: Decimal,
        /// Per unit, invoiced minus PO: negative when the supplier undercharges.
        difference: Decimal,
        /// Of the PO price, 2 dp; ±100 when the PO price is zero.
        percent: Decimal,
        /// difference × invoiced quantity, rounded to the currency.
        amount_at_risk: Decimal,
    },
    QuantityVariance {
        invoice_id: String,
        po_id: String,
        line_no: i64,
        po_line_no: i64,
        ordered: Decimal,
        received: Decimal,
        invoiced: Decimal,
        /// invoiced − received.
        over: Decimal,
        /// over × invoiced unit price, rounded to the currency.
        amount_at_risk: Decimal,
    },
    CurrencyMismatch {
        invoice_id: String,
        po_id: String,
        po_currency: Currency,
        invoice_currency: Currency,
    },
}

impl Finding {
    pub fn invoice_id(&self) -> &str {
        match self {
            Finding::MissingPo { invoice_id, .. }
            | Finding::MissingReceipt { invoice_id, .. }
            | Finding::PriceVariance { invoice_id, .. }
            | Finding::QuantityVariance { invoice_id, .. }
            | Finding::CurrencyMismatch { invoice_id, .. } => invoice_id,
        }
    }

    /// The same string as the serialized `kind` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            Finding::MissingPo { .. } => "missing_po",
            Finding::MissingReceipt { .. } => "missing_receipt",
            Finding::PriceVariance { .. } => "price_variance",
            Finding::QuantityVariance { .. } => "quantity_variance",
            Finding::CurrencyMismatch { .. } => "currency_mismatch",
        }
    }

    /// None where no amount can be attributed (missing PO, currency mismatch).
    pub fn amount_at_risk(&self) -> Option<Decimal> {
        match self {
            Finding::MissingReceipt { amount_at_risk, .. }
            | Finding::PriceVariance { amount_at_risk, .. }
            | Finding::QuantityVariance { amount_at_risk, .. } => Some(*amount_at_risk),
            Finding::MissingPo { .. } | Finding::CurrencyMismatch { .. } => None,
        }
    }
}

/// Beyond tolerance: |diff| > abs AND |diff| / |base| × 100 > pct. Cross-multiplied, so nothing
/// rounds, and a zero base makes any difference count on the percent side.
fn beyond(diff: Decimal, base: Decimal, abs: Decimal, pct: Decimal) -> bool {
    let diff = diff.abs();
    diff > abs && diff.saturating_mul(Decimal::ONE_HUNDRED) > pct.saturating_mul(base.abs())
}

/// Commercial rounding to the currency's minor unit, as `Money::round` does, shown with exactly
/// the minor digits ("20.00 EUR", "3 JPY").
fn round(amount: Decimal, currency: Currency) -> Decimal {
    let mut rounded = Money::new(amount, currency).round().amount();
    rounded.rescale(currency.exponent());
    rounded
}

/// Matches one invoice. `po` is the PO the invoice names (a different PO counts as missing);
/// receipts of other POs are ignored. Findings come in invoice line order; within a line,
/// receipt/quantity before price.
pub fn check(
    invoice: &PostedInvoice,
    po: Option<&PurchaseOrder>,
    receipts: &[&GoodsReceipt],
    tol: &Tolerance,
) -> Vec<Finding> {
    let invoice_id = invoice.id.clone();
    let mut lines: Vec<&PostedLine> = invoice.lines.iter().collect();
    lines.sort_by_key(|l| l.line_no);

    let Some(po_id) = invoice.purchase_order_id.as_deref() else {
        // A non-PO invoice is fine unless its lines claim PO lines it never names.
        return if lines.iter().any(|l| l.po_line_no.is_some()) {
            vec![Finding::MissingPo {
                invoice_id,
                po_id: None,
            }]
        } else {
            Vec::new()
        };
    };
    let missing_po = || Finding::MissingPo {
        invoice_id: invoice.id.clone(),
        po_id: Some(po_id.to_string()),
    };
    let Some(po) = po.filter(|p| p.id == po_id) else {
        return vec![missing_po()];
    };
    if po.currency != invoice.currency {
        // Prices and amounts are not comparable across currencies, so nothing else is said.
        return vec![Finding::CurrencyMismatch {
            invoice_id,
            po_id: po.id.clone(),
            po_currency: po.currency,
            invoice_currency: invoice.currency,
        }];
    }

    let currency = invoice.currency;
    let mut findings = Vec::new();
    let mut missing_po_reported = false;
    for line in lines {
        // Lines without a PO line (freight, surcharges) have nothing to match against.
        let Some(po_line_no) = line.po_line_no else { continue };
        let Some(po_line) = po.lines.iter().find(|l| l.line_no == po_line_no) else {
            // The PO in the mirror lacks the line: the invoice matches a PO we do not have.
            if !missing_po_reported {
                findings.push(missing_po());
                missing_po_reported = true;
            }
            continue;
        };
        let received: Decimal = receipts
            .iter()
            .filter(|r| r.purchase_order_id == po.id)
            .flat_map(|r| &r.lines)
            .filter(|r| r.po_line_no == po_line_no)
            .map(|r| r.quantity)
            .sum();

        if received <= Decimal::ZERO {
            // Nothing received (or all returned): the whole line is at risk, and a quantity
            // variance against zero would only repeat that.
            findings.push(Finding::MissingReceipt {
                invoice_id: invoice_id.clone(),
                po_id: po.id.clone(),
                po_line_no,
                invoiced_qty: line.quantity,
                amount_at_risk: round(line.amount, currency),
            });
        } else {
            // Invoicing less than received is a partial invoice, not a variance.
            let over = line.quantity - received;
            if over > Decimal::ZERO && beyond(over, received, tol.qty_abs, tol.qty_pct) {
                findings.push(Finding::QuantityVariance {
                    invoice_id: invoice_id.clone(),
                    po_id: po.id.clone(),
                    line_no: line.line_no,
                    po_line_no,
                    ordered: po_line.quantity,
                    received,
                    invoiced: line.quantity,
                    over,
                    amount_at_risk: round(over.saturating_mul(line.unit_price), currency),
                });
            }
        }

        let difference = line.unit_price - po_line.unit_price;
        if beyond(difference, po_line.unit_price, tol.price_abs, tol.price_pct) {
            let mut percent = (difference.saturating_mul(Decimal::ONE_HUNDRED))
                .checked_div(po_line.unit_price.abs())
                .unwrap_or(if difference.is_sign_negative() {
                    -Decimal::ONE_HUNDRED
                } else {
                    Decimal::ONE_HUNDRED
                })
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            percent.rescale(2);
            findings.push(Finding::PriceVariance {
                invoice_id: invoice_id.clone(),
                po_id: po.id.clone(),
                line_no: line.line_no,
                po_line_no,
                po_price: po_line.unit_price,
                invoiced_price: line.unit_price,
                difference,
                percent,
                amount_at_risk: round(difference.saturating_mul(line.quantity), currency),
            });
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::erp::{PoLine, ReceiptLine};
    use chrono::{DateTime, NaiveDate};
    use rust_decimal_macros::dec;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 3, 31).unwrap()
    }

    /// PO "PO-1" with (line_no, quantity, unit_price) lines.
    fn po(currency: &str, lines: &[(i64, &str, &str)]) -> PurchaseOrder {
        let lines = lines.iter().map(|&(line_no, qty, price)| PoLine {
            line_no,
            description: "item".into(),
            quantity: d(qty),
            unit_price: d(price),
            amount: d(qty) * d(price),
        });
        PurchaseOrder {
            id: "PO-1".into(),
            company_code: "DE01".into(),
            supplier_id: "S1".into(),
            currency: Currency::new(currency).unwrap(),
            order_date: day(),
            created_by: "buyer".into(),
            status: "open".into(),
            lines: lines.collect(),
            version: 1,
            modified_at: DateTime::UNIX_EPOCH,
        }
    }

    /// Invoice "INV-1" with (line_no, po_line_no, quantity, unit_price) lines.
    fn invoice(currency: &str, po_id: Option<&str>, lines: &[(i64, Option<i64>, &str, &str)]) -> PostedInvoice {
        let lines: Vec<PostedLine> = lines
            .iter()
            .map(|&(line_no, po_line_no, qty, price)| PostedLine {
                line_no,
                po_line_no,
                quantity: d(qty),
                unit_price: d(price),
                amount: d(qty) * d(price),
                gl_account: "400000".into(),
                cost_center: "CC1".into(),
            })
            .collect();
        PostedInvoice {
            id: "INV-1".into(),
            company_code: "DE01".into(),
            ap_reference: "AP-1".into(),
            supplier_id: "S1".into(),
            invoice_number: "R-1".into(),
            invoice_date: day(),
            posting_date: day(),
            due_date: day(),
            currency: Currency::new(currency).unwrap(),
            amount: lines.iter().map(|l| l.amount).sum(),
            status: "posted".into(),
            purchase_order_id: po_id.map(String::from),
            lines,
            version: 1,
            modified_at: DateTime::UNIX_EPOCH,
        }
    }

    /// Checks with one goods receipt per (po_id, po_line_no, quantity).
    fn run(
        inv: &PostedInvoice,
        po: Option<&PurchaseOrder>,
        receipts: &[(&str, i64, &str)],
        tol: &Tolerance,
    ) -> Vec<Finding> {
        let receipts: Vec<GoodsReceipt> = receipts
            .iter()
            .map(|&(po_id, po_line_no, qty)| GoodsReceipt {
                id: format!("GR-{po_id}-{po_line_no}-{qty}"),
                company_code: "DE01".into(),
                purchase_order_id: po_id.into(),
                received_date: day(),
                lines: vec![ReceiptLine {
                    po_line_no,
                    quantity: d(qty),
                }],
                version: 1,
                modified_at: DateTime::UNIX_EPOCH,
            })
            .collect();
        check(inv, po, &receipts.iter().collect::<Vec<_>>(), tol)
    }

    /// The findings in brief, with the numbers that matter printed at their scale.
    fn brief(findings: &[Finding]) -> Vec<String> {
        let line = |f: &Finding| {
            let what = match f {
                Finding::MissingPo { po_id, .. } => format!("missing_po {po_id:?}"),
                Finding::MissingReceipt { po_line_no, .. } => format!("receipt P{po_line_no}"),
                Finding::QuantityVariance {
                    line_no,
                    received,
                    over,
                    ..
                } => {
                    format!("qty L{line_no} received {received} over {over}")
                }
                Finding::PriceVariance {
                    line_no,
                    difference,
                    percent,
                    ..
                } => {
                    format!("price L{line_no} {difference} {percent}%")
                }
                Finding::CurrencyMismatch {
                    po_currency,
                    invoice_currency,
                    ..
                } => {
                    format!("currency {po_currency}/{invoice_currency}")
                }
            };
            f.amount_at_risk().map_or(what.clone(), |r| format!("{what} risk {r}"))
        };
        findings.iter().map(line).collect()
    }

    /// Line 1 of PO-1 (ordered 100) at `prices` (PO, invoiced), `received` and `invoiced` quantities.
    fn one_line(currency: &str, prices: (&str, &str), received: &str, invoiced: &str, tol: &Tolerance) -> Vec<String> {
        let order = po(currency, &[(1, "100", prices.0)]);
        let inv = invoice(currency, Some("PO-1"), &[(1, Some(1), invoiced, prices.1)]);
        brief(&run(&inv, Some(&order), &[("PO-1", 1, received)], tol))
    }

    const EXACT: Tolerance = Tolerance {
        price_abs: Decimal::ZERO,
        price_pct: Decimal::ZERO,
        qty_abs: Decimal::ZERO,
        qty_pct: Decimal::ZERO,
    };

    #[test]
    fn tolerance_edges() {
        // Price 0.50 / 2 %, quantity 1 / 10 %. Rows: (PO, invoiced) price, received, invoiced, expected.
        let tol = Tolerance {
            qty_abs: dec!(1),
            qty_pct: dec!(10),
            ..Tolerance::default()
        };
        let cases = [
            (("25.00", "25.50"), "10", "10", ""),                              // at both edges
            (("25.00", "25.51"), "10", "10", "price L1 0.51 2.04% risk 5.10"), // a cent over both
            (("25.00", "24.49"), "10", "10", "price L1 -0.51 -2.04% risk -5.10"), // undercharge
            (("100.00", "100.60"), "10", "10", ""),                            // over abs, under pct
            (("10.00", "10.50"), "10", "10", ""),                              // at abs, over pct
            (("100.00", "102.00"), "10", "10", ""),                            // over abs, at pct
            (("1.00", "1.40"), "10", "10", ""),                                // over pct, under abs
            (("0", "0.60"), "10", "10", "price L1 0.60 100.00% risk 6.00"),    // PO price 0: any diff
            (("5", "5"), "10", "11", ""),                                      // qty at both edges
            (("5", "5"), "10", "11.01", "qty L1 received 10 over 1.01 risk 5.05"), // qty over both
            (("5", "5"), "100", "105", ""),                                    // qty over abs, under pct
            (("5", "5"), "5", "6", ""),                                        // qty at abs, over pct
            (("5", "5"), "10", "3", ""),                                       // under-invoiced: partial
        ];
        for (n, (prices, received, invoiced, expected)) in cases.into_iter().enumerate() {
            assert_eq!(
                one_line("EUR", prices, received, invoiced, &tol).join(";"),
                expected,
                "row {n}"
            );
        }
        // Zero tolerance is exact: any difference at all is an exception, none is not.
        assert_eq!(one_line("EUR", ("25", "25.0001"), "10", "10.001", &EXACT).len(), 2);
        assert!(one_line("EUR", ("25", "25.000"), "10", "10.0", &EXACT).is_empty());
    }

    #[test]
    fn price_and_quantity_variance_on_one_line() {
        let order = po("EUR", &[(1, "100", "10.00")]);
        let inv = invoice("EUR", Some("PO-1"), &[(1, Some(1), "10", "11.00")]);
        let found = run(&inv, Some(&order), &[("PO-1", 1, "8")], &Tolerance::default());
        let (invoice_id, po_id) = (String::from("INV-1"), String::from("PO-1"));
        let expected = [
            Finding::QuantityVariance {
                invoice_id: invoice_id.clone(),
                po_id: po_id.clone(),
                line_no: 1,
                po_line_no: 1,
                ordered: dec!(100),
                received: dec!(8),
                invoiced: dec!(10),
                over: dec!(2),
                amount_at_risk: dec!(22.00),
            },
            Finding::PriceVariance {
                invoice_id,
                po_id,
                line_no: 1,
                po_line_no: 1,
                po_price: dec!(10.00),
                invoiced_price: dec!(11.00),
                difference: dec!(1.00),
                percent: dec!(10.00),
                amount_at_risk: dec!(10.00),
            },
        ];
        assert_eq!(found, expected);
        let risks: Vec<_> = found.iter().map(Finding::amount_at_risk).collect();
        assert_eq!(risks, [Some(dec!(22)), Some(dec!(10))]);
        assert!(found.iter().all(|f| f.invoice_id() == "INV-1"));
    }

    #[test]
    fn missing_receipt_puts_the_line_at_risk_and_skips_quantity() {
        let order = po("EUR", &[(1, "5", "20"), (2, "5", "3")]);
        // Lines out of order on purpose: findings follow line numbers. Line 1 was never received
        // and is also overpriced; line 2 was received but is overpriced.
        let inv = invoice("EUR", Some("PO-1"), &[(2, Some(2), "5", "4"), (1, Some(1), "5", "21")]);
        let found = run(&inv, Some(&order), &[("PO-1", 2, "5")], &Tolerance::default());
        let expected = [
            "receipt P1 risk 105.00",
            "price L1 1 5.00% risk 5.00",
            "price L2 1 33.33% risk 5.00",
        ];
        assert_eq!(brief(&found), expected);
    }

    #[test]
    fn partial_receipts_are_summed_and_other_pos_ignored() {
        let order = po("EUR", &[(1, "10", "7")]);
        // 4 + 6 received; PO-2's receipt must not count towards PO-1.
        let receipts = [("PO-1", 1, "4"), ("PO-1", 1, "6"), ("PO-2", 1, "50")];
        let full = invoice("EUR", Some("PO-1"), &[(1, Some(1), "10", "7")]);
        assert!(run(&full, Some(&order), &receipts, &Tolerance::default()).is_empty());
        let over = invoice("EUR", Some("PO-1"), &[(1, Some(1), "11", "7")]);
        let found = run(&over, Some(&order), &receipts, &Tolerance::default());
        assert_eq!(brief(&found), ["qty L1 received 10 over 1 risk 7.00"]);
    }

    #[test]
    fn missing_po_cases() {
        let order = po("EUR", &[(1, "1", "1")]);
        let names_po_9 = invoice("EUR", Some("PO-9"), &[(1, Some(1), "1", "1")]);
        let names_none = invoice("EUR", None, &[(1, None, "1", "1"), (2, Some(1), "1", "1")]);
        let bad_lines = invoice("EUR", Some("PO-1"), &[(1, Some(7), "1", "1"), (2, Some(8), "1", "1")]);
        let cases = [
            (&names_po_9, None, r#"missing_po Some("PO-9")"#), // referenced, not in the mirror
            (&names_po_9, Some(&order), r#"missing_po Some("PO-9")"#), // another PO handed in
            (&names_none, None, "missing_po None"),            // lines claim a PO, invoice names none
            (&bad_lines, Some(&order), r#"missing_po Some("PO-1")"#), // PO lacks the lines: once
        ];
        for (n, (inv, po, expected)) in cases.into_iter().enumerate() {
            assert_eq!(brief(&run(inv, po, &[], &Tolerance::default())), [expected], "row {n}");
        }
    }

    #[test]
    fn non_po_invoice_is_clean() {
        let inv = invoice("EUR", None, &[(1, None, "3", "99"), (2, None, "1", "5")]);
        assert!(run(&inv, None, &[], &Tolerance::default()).is_empty());
    }

    #[test]
    fn currency_mismatch_stops_line_comparison() {
        // In one currency this line shows a missing receipt and a price variance.
        assert_eq!(one_line("EUR", ("10", "50"), "0", "10", &Tolerance::default()).len(), 2);
        let order = po("EUR", &[(1, "10", "10")]);
        let inv = invoice("USD", Some("PO-1"), &[(1, Some(1), "10", "50")]);
        let found = run(&inv, Some(&order), &[], &Tolerance::default());
        assert_eq!(brief(&found), ["currency EUR/USD"]);
        assert_eq!(
            (found[0].kind(), found[0].amount_at_risk()),
            ("currency_mismatch", None)
        );
    }

    #[test]
    fn amount_at_risk_rounds_to_the_currency() {
        // Half away from zero: 0.5 × 5 = 2.5 JPY → 3 (banker's would say 2); 1 × 1000.5 → 1001.
        let jpy = one_line("JPY", ("1000", "1000.5"), "4", "5", &EXACT);
        assert_eq!(jpy, ["qty L1 received 4 over 1 risk 1001", "price L1 0.5 0.05% risk 3"]);
        // 0.015 × 3 = 0.045 EUR → 0.05; 0.5 × 10.015 = 5.0075 → 5.01.
        let eur = one_line("EUR", ("10.00", "10.015"), "2.5", "3", &EXACT);
        assert_eq!(
            eur,
            [
                "qty L1 received 2.5 over 0.5 risk 5.01",
                "price L1 0.015 0.15% risk 0.05"
            ]
        );
    }

    #[test]
    fn kind_matches_the_serialized_tag_and_amounts_are_strings() {
        let order = po("EUR", &[(1, "10", "10")]);
        let inv = invoice("EUR", Some("PO-1"), &[(1, Some(1), "10", "12")]);
        let found = run(&inv, Some(&order), &[], &Tolerance::default());
        for f in &found {
            let json = serde_json::to_value(f).unwrap();
            assert_eq!(json["kind"], f.kind());
            assert!(json["amount_at_risk"].is_string(), "{json}");
        }
        assert_eq!(serde_json::to_value(&found[1]).unwrap()["percent"], "20.00");
    }

    #[test]
    fn tolerances_fall_back_to_the_default() {
        let mut tols = Tolerances::default();
        assert_eq!((tols.default.price_abs, tols.default.price_pct), (dec!(0.50), dec!(2)));
        tols.per_entity.insert("US01".into(), EXACT);
        assert_eq!(tols.for_entity("US01"), &EXACT);
        assert_eq!(tols.for_entity("DE01"), &Tolerance::default());
        let json = r#"{"default":{"price_abs":"1","price_pct":"5","qty_abs":"0","qty_pct":"0"}}"#;
        assert_eq!(
            serde_json::from_str::<Tolerances>(json)
                .unwrap()
                .for_entity("X")
                .price_pct,
            dec!(5)
        );
    }
}
