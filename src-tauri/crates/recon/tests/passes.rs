//! Each pass with the default rules, table-driven: what it must match, and the traps it must not
//! fall into (decoys, wrong subsets, placeholders, other accounts and currencies).

mod common;

use common::{bank, check, eur, ledger, Case};
use domain::Money;
use recon::MatchStatus::{Auto, Suggested};
use recon::{BankLine, LedgerEntry};

const ACME_IBAN: &str = "DE89370400440532013000";

fn with_e2e(mut b: BankLine, e2e: &str) -> BankLine {
    b.end_to_end_id = e2e.into();
    b
}

fn with_ref(mut l: LedgerEntry, reference: &str) -> LedgerEntry {
    l.reference = reference.into();
    l
}

fn from(mut b: BankLine, name: &str, iban: &str) -> BankLine {
    b.counterparty_name = name.into();
    b.counterparty_iban = iban.into();
    b
}

fn of(mut l: LedgerEntry, counterparty: &str) -> LedgerEntry {
    l.counterparty = counterparty.into();
    l
}

fn saying(mut b: BankLine, remittance: &str) -> BankLine {
    b.remittance = remittance.into();
    b
}

#[test]
fn exact_reference() {
    check(vec![
        Case {
            name: "end-to-end id equals the ledger reference, written differently",
            bank: vec![with_e2e(bank("B1", "2024-03-01", "-100.00"), "E2E-2024-0001")],
            ledger: vec![with_ref(ledger("L1", "2024-02-29", "-100.00"), "e2e 2024 0001")],
            expect: vec![(vec!["B1"], vec!["L1"], "exact_reference", Auto)],
        },
        Case {
            name: "the payment reference field counts too",
            bank: vec![BankLine {
                reference: "PAYREF-77".into(),
                ..bank("B1", "2024-03-01", "50.00")
            }],
            ledger: vec![with_ref(ledger("L1", "2024-03-01", "50.00"), "PAYREF-77")],
            expect: vec![(vec!["B1"], vec!["L1"], "exact_reference", Auto)],
        },
        Case {
            name: "same reference, other amount: not this pass",
            bank: vec![with_e2e(bank("B1", "2024-03-01", "-100.00"), "E2E-1")],
            ledger: vec![with_ref(ledger("L1", "2024-03-01", "-99.00"), "E2E-1")],
            expect: vec![],
        },
        Case {
            name: "NOTPROVIDED on both sides is no reference",
            bank: vec![with_e2e(bank("B1", "2024-03-01", "-100.00"), "NOTPROVIDED")],
            ledger: vec![with_ref(ledger("L1", "2024-03-01", "-100.00"), "NOTPROVIDED")],
            // Only the amount agrees (no counterparties): a suggestion from the amount pass.
            expect: vec![(vec!["B1"], vec!["L1"], "amount_date_counterparty", Suggested)],
        },
        Case {
            name: "another account never matches",
            bank: vec![with_e2e(bank("B1", "2024-03-01", "-100.00"), "E2E-1")],
            ledger: vec![LedgerEntry {
                account_iban: "DE75512108001245126199".into(),
                ..with_ref(ledger("L1", "2024-03-01", "-100.00"), "E2E-1")
            }],
            expect: vec![],
        },
        Case {
            name: "another currency never matches",
            bank: vec![with_e2e(bank("B1", "2024-03-01", "-100.00"), "E2E-1")],
            ledger: vec![LedgerEntry {
                amount: Money::parse("-100.00", "USD").unwrap(),
                ..with_ref(ledger("L1", "2024-03-01", "-100.00"), "E2E-1")
            }],
            expect: vec![],
        },
        Case {
            name: "two ledger entries with the same reference and amount: a suggestion, not a guess",
            bank: vec![with_e2e(bank("B1", "2024-03-01", "-100.00"), "E2E-1")],
            ledger: vec![
                with_ref(ledger("L1", "2024-03-01", "-100.00"), "E2E-1"),
                with_ref(ledger("L2", "2024-03-01", "-100.00"), "E2E-1"),
            ],
            expect: vec![(vec!["B1"], vec!["L1"], "exact_reference", Suggested)],
        },
        Case {
            name: "a return with the same id pairs by sign",
            bank: vec![
                with_e2e(bank("B1", "2024-03-01", "-100.00"), "E2E-9"),
                BankLine {
                    reversal: true,
                    ..with_e2e(bank("B2", "2024-03-06", "100.00"), "E2E-9")
                },
            ],
            ledger: vec![
                with_ref(ledger("L1", "2024-03-01", "-100.00"), "E2E-9"),
                with_ref(ledger("L2", "2024-03-07", "100.00"), "E2E-9"),
            ],
            expect: vec![
                (vec!["B1"], vec!["L1"], "exact_reference", Auto),
                (vec!["B2"], vec!["L2"], "exact_reference", Auto),
            ],
        },
    ]);
}

#[test]
fn amount_date_counterparty() {
    check(vec![
        Case {
            name: "same amount, counterparty IBAN equal",
            bank: vec![from(bank("B1", "2024-03-02", "-250.00"), "whatever", ACME_IBAN)],
            ledger: vec![of(ledger("L1", "2024-03-01", "-250.00"), ACME_IBAN)],
            expect: vec![(vec!["B1"], vec!["L1"], "amount_date_counterparty", Auto)],
        },
        Case {
            name: "names equal once case, punctuation and legal form are gone",
            bank: vec![from(bank("B1", "2024-03-02", "-250.00"), "ACME G.m.b.H.", "")],
            ledger: vec![of(ledger("L1", "2024-03-01", "-250.00"), "Acme GmbH & Co. KG")],
            expect: vec![(vec!["B1"], vec!["L1"], "amount_date_counterparty", Auto)],
        },
        Case {
            name: "umlauts as SEPA writes them",
            bank: vec![from(bank("B1", "2024-03-02", "-80.00"), "MUELLER-BAU AG", "")],
            ledger: vec![of(ledger("L1", "2024-03-02", "-80.00"), "Müller Bau AG")],
            expect: vec![(vec!["B1"], vec!["L1"], "amount_date_counterparty", Auto)],
        },
        Case {
            name: "a name the bank cut short",
            bank: vec![from(
                bank("B1", "2024-03-02", "-80.00"),
                "NORDWIND LOGISTIK INTERNAT",
                "",
            )],
            ledger: vec![of(
                ledger("L1", "2024-03-02", "-80.00"),
                "Nordwind Logistik International GmbH",
            )],
            expect: vec![(vec!["B1"], vec!["L1"], "amount_date_counterparty", Auto)],
        },
        Case {
            name: "same-amount decoy of another counterparty on the same day stays open",
            bank: vec![from(bank("B1", "2024-03-02", "-250.00"), "ACME GmbH", "")],
            ledger: vec![
                of(ledger("L1", "2024-03-02", "-250.00"), "Globex Corp"),
                of(ledger("L2", "2024-03-01", "-250.00"), "Acme"),
            ],
            expect: vec![(vec!["B1"], vec!["L2"], "amount_date_counterparty", Auto)],
        },
        Case {
            name: "only a decoy of another counterparty: nothing",
            bank: vec![from(bank("B1", "2024-03-02", "-250.00"), "ACME GmbH", "")],
            ledger: vec![of(ledger("L1", "2024-03-02", "-250.00"), "Globex Corp")],
            expect: vec![],
        },
        Case {
            name: "same counterparty and amount a month later: outside the window",
            bank: vec![from(bank("B1", "2024-03-02", "-250.00"), "ACME GmbH", "")],
            ledger: vec![of(ledger("L1", "2024-04-01", "-250.00"), "Acme")],
            expect: vec![],
        },
        Case {
            name: "no counterparty on the bank line: only a suggestion",
            bank: vec![bank("B1", "2024-03-02", "-2.50")],
            ledger: vec![of(ledger("L1", "2024-03-02", "-2.50"), "Deutsche Bank AG")],
            expect: vec![(vec!["B1"], vec!["L1"], "amount_date_counterparty", Suggested)],
        },
        Case {
            name: "two entries of the counterparty a day apart: a person decides",
            bank: vec![from(bank("B1", "2024-03-02", "-250.00"), "ACME GmbH", "")],
            ledger: vec![
                of(ledger("L1", "2024-03-02", "-250.00"), "Acme"),
                of(ledger("L2", "2024-03-03", "-250.00"), "Acme"),
            ],
            expect: vec![(vec!["B1"], vec!["L1"], "amount_date_counterparty", Suggested)],
        },
        Case {
            name: "monthly rent: each month to its own entry",
            bank: vec![
                from(bank("B1", "2024-03-01", "-1200.00"), "Immo KG", ""),
                from(bank("B2", "2024-04-02", "-1200.00"), "Immo KG", ""),
            ],
            ledger: vec![
                of(ledger("L1", "2024-03-01", "-1200.00"), "Immo"),
                of(ledger("L2", "2024-04-01", "-1200.00"), "Immo"),
            ],
            expect: vec![
                (vec!["B1"], vec!["L1"], "amount_date_counterparty", Auto),
                (vec!["B2"], vec!["L2"], "amount_date_counterparty", Auto),
            ],
        },
    ]);
}

#[test]
fn invoice_numbers_in_remittance() {
    let inv = |id: &str, remittance: &str, reference: &str, description: &str| Case {
        name: "",
        bank: vec![saying(bank(id, "2024-03-10", "1190.00"), remittance)],
        ledger: vec![LedgerEntry {
            description: description.into(),
            ..with_ref(ledger("L1", "2024-03-01", "1190.00"), reference)
        }],
        expect: vec![],
    };
    let cases = [
        ("Rechnung Nr. 0012345 vom 01.03.2024", "INV-12345", ""),
        ("RE12345", "", "Invoice 12345"),
        ("INV 2024 00123 thanks", "2024-00123", ""),
        ("payment for inv.2024/00123", "", "Invoice 2024-00123 Acme"),
        ("FACTURE 000777123", "777123", ""),
    ];
    check(
        cases
            .iter()
            .map(|(remittance, reference, description)| Case {
                name: remittance,
                expect: vec![(vec!["B1"], vec!["L1"], "invoice_in_remittance", Auto)],
                ..inv("B1", remittance, reference, description)
            })
            .collect(),
    );
    check(vec![
        Case {
            name: "invoice number equal, amount not: no invoice match",
            expect: vec![],
            ..Case {
                ledger: vec![with_ref(ledger("L1", "2024-03-01", "1000.00"), "INV-12345")],
                ..inv("B1", "RE 12345", "", "")
            }
        },
        Case {
            name: "other invoice number, same amount, no counterparty: suggestion at most",
            expect: vec![(vec!["B1"], vec!["L1"], "amount_date_counterparty", Suggested)],
            ..Case {
                bank: vec![saying(bank("B1", "2024-03-02", "1190.00"), "RE 54321")],
                ledger: vec![with_ref(ledger("L1", "2024-03-01", "1190.00"), "INV-12345")],
                ..inv("B1", "", "", "")
            }
        },
    ]);
}

#[test]
fn one_to_many() {
    let run_entry = |id: &str, amount: &str, cp: &str| of(with_ref(ledger(id, "2024-03-05", amount), "PMTRUN-42"), cp);
    check(vec![
        Case {
            name: "payment-run debit = all entries carrying its batch reference",
            bank: vec![BankLine {
                reference: "PMTRUN-42".into(),
                ..bank("B1", "2024-03-06", "-1234.56")
            }],
            ledger: vec![
                run_entry("L1", "-1000.00", "Acme"),
                run_entry("L2", "-200.00", "Globex"),
                run_entry("L3", "-34.56", "Initech"),
            ],
            expect: vec![(vec!["B1"], vec!["L1", "L2", "L3"], "one_to_many", Auto)],
        },
        Case {
            name: "a payment rejected before execution: the run without it",
            bank: vec![BankLine {
                reference: "PMTRUN-42".into(),
                ..bank("B1", "2024-03-06", "-1200.00")
            }],
            ledger: vec![
                run_entry("L1", "-1000.00", "Acme"),
                run_entry("L2", "-200.00", "Globex"),
                run_entry("L3", "-34.56", "Initech"),
            ],
            expect: vec![(vec!["B1"], vec!["L1", "L2"], "one_to_many", Auto)],
        },
        Case {
            name: "one transfer for several invoices of a supplier: exactly its subset",
            bank: vec![from(bank("B1", "2024-03-06", "-350.00"), "ACME GmbH", ACME_IBAN)],
            ledger: vec![
                of(ledger("L1", "2024-03-05", "-100.00"), "Acme"),
                of(ledger("L2", "2024-03-05", "-250.00"), "Acme"),
                // Open entries of the same supplier that are not part of it.
                of(ledger("L3", "2024-03-04", "-75.00"), "Acme"),
                of(ledger("L4", "2024-03-06", "-410.00"), "Acme"),
            ],
            expect: vec![(vec!["B1"], vec!["L1", "L2"], "one_to_many", Auto)],
        },
        Case {
            name: "the remittance names the invoices; one entry has only an IBAN",
            bank: vec![saying(
                from(bank("B1", "2024-03-06", "-350.00"), "ACME", ""),
                "INV 100123, 100124",
            )],
            ledger: vec![
                of(with_ref(ledger("L1", "2024-03-05", "-100.00"), "INV-100123"), ACME_IBAN),
                of(with_ref(ledger("L2", "2024-03-05", "-250.00"), "INV-100124"), "Acme"),
            ],
            expect: vec![(vec!["B1"], vec!["L1", "L2"], "one_to_many", Auto)],
        },
        Case {
            name: "two subsets give the sum: no guess",
            bank: vec![from(bank("B1", "2024-03-06", "-300.00"), "ACME GmbH", "")],
            ledger: vec![
                of(ledger("L1", "2024-03-05", "-100.00"), "Acme"),
                of(ledger("L2", "2024-03-05", "-200.00"), "Acme"),
                of(ledger("L3", "2024-03-05", "-100.00"), "Acme"),
            ],
            expect: vec![],
        },
        Case {
            name: "entries of another counterparty are never summed in",
            bank: vec![from(bank("B1", "2024-03-06", "-300.00"), "ACME GmbH", "")],
            ledger: vec![
                of(ledger("L1", "2024-03-05", "-100.00"), "Acme"),
                of(ledger("L2", "2024-03-05", "-200.00"), "Globex"),
            ],
            expect: vec![],
        },
    ]);
}

#[test]
fn many_to_one() {
    check(vec![
        Case {
            name: "partial payments quoting one invoice",
            bank: vec![
                saying(
                    from(bank("B1", "2024-03-02", "600.00"), "Kunde AG", ""),
                    "Teilzahlung RE 4711-2024",
                ),
                saying(
                    from(bank("B2", "2024-03-20", "400.00"), "Kunde AG", ""),
                    "Rest Rechnung 4711/2024",
                ),
            ],
            ledger: vec![of(
                with_ref(ledger("L1", "2024-03-01", "1000.00"), "INV-47112024"),
                "Kunde",
            )],
            expect: vec![(vec!["B1", "B2"], vec!["L1"], "many_to_one", Auto)],
        },
        Case {
            name: "partial payments of one customer, no invoice number",
            bank: vec![
                from(bank("B1", "2024-03-02", "300.00"), "Kunde AG", ""),
                from(bank("B2", "2024-03-09", "200.00"), "KUNDE AG", ""),
                from(bank("B3", "2024-03-10", "999.00"), "Kunde AG", ""),
            ],
            ledger: vec![of(ledger("L1", "2024-03-01", "500.00"), "Kunde")],
            expect: vec![(vec!["B1", "B2"], vec!["L1"], "many_to_one", Auto)],
        },
    ]);
}

#[test]
fn reversals() {
    let flagged = |b: BankLine| BankLine { reversal: true, ..b };
    check(vec![
        Case {
            name: "the bank reverses its own entry: the reversal pairs with the original",
            bank: vec![
                from(with_e2e(bank("B1", "2024-03-01", "500.00"), "E2E-5"), "Acme", ""),
                from(
                    with_e2e(flagged(bank("B2", "2024-03-04", "-500.00")), "E2E-5"),
                    "Acme",
                    "",
                ),
            ],
            ledger: vec![],
            expect: vec![(vec!["B1", "B2"], vec![], "reversal", Auto)],
        },
        Case {
            name: "a return the ledger booked goes to that entry, the payment to its own",
            bank: vec![
                from(
                    with_e2e(bank("B1", "2024-03-01", "-500.00"), "E2E-6"),
                    "Acme",
                    ACME_IBAN,
                ),
                from(
                    with_e2e(flagged(bank("B2", "2024-03-08", "500.00")), "E2E-6"),
                    "Acme",
                    ACME_IBAN,
                ),
            ],
            ledger: vec![
                of(with_ref(ledger("L1", "2024-03-01", "-500.00"), "E2E-6"), "Acme"),
                of(with_ref(ledger("L2", "2024-03-09", "500.00"), "RETURN E2E-6"), "Acme"),
            ],
            expect: vec![
                (vec!["B1"], vec!["L1"], "exact_reference", Auto),
                (vec!["B2"], vec!["L2"], "amount_date_counterparty", Auto),
            ],
        },
        Case {
            name: "a flagged line without an opposite original stays open",
            bank: vec![
                from(bank("B1", "2024-03-01", "500.00"), "Acme", ""),
                from(flagged(bank("B2", "2024-03-04", "-499.00")), "Acme", ""),
            ],
            ledger: vec![],
            expect: vec![],
        },
        Case {
            name: "a reversal never pairs with a later line",
            bank: vec![
                from(flagged(bank("B2", "2024-03-04", "-500.00")), "Acme", ""),
                from(bank("B1", "2024-03-09", "500.00"), "Acme", ""),
            ],
            ledger: vec![],
            expect: vec![],
        },
    ]);
}

#[test]
fn every_item_is_matched_at_most_once_across_passes() {
    // B1 could be an exact-reference match and part of a counterparty batch; B2 competes for L2.
    let bank_lines = vec![
        from(with_e2e(bank("B1", "2024-03-01", "-100.00"), "E2E-1"), "Acme", ""),
        from(bank("B2", "2024-03-01", "-300.00"), "Acme", ""),
        from(bank("B3", "2024-03-01", "-200.00"), "Acme", ""),
    ];
    let ledger_entries = vec![
        of(with_ref(ledger("L1", "2024-03-01", "-100.00"), "E2E-1"), "Acme"),
        of(ledger("L2", "2024-03-01", "-200.00"), "Acme"),
    ];
    let got = common::matches(&bank_lines, &ledger_entries);
    let mut seen = std::collections::HashSet::new();
    for m in &got {
        for id in m.bank.iter().chain(&m.ledger) {
            assert!(seen.insert(id.clone()), "{id} is in two matches: {got:?}");
        }
    }
    assert_eq!(
        common::summary(&got),
        common::expected(&[
            (vec!["B1"], vec!["L1"], "exact_reference", Auto),
            (vec!["B3"], vec!["L2"], "amount_date_counterparty", Auto),
        ])
    );
}

#[test]
fn reasons_say_why() {
    let got = common::matches(
        &[with_e2e(bank("B1", "2024-03-02", "-100.00"), "E2E-123")],
        &[with_ref(ledger("L1", "2024-03-01", "-100.00"), "E2E-123")],
    );
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].reason,
        "end-to-end id \"E2E-123\" equals ledger reference \"E2E-123\"; amount -100.00 EUR on both; booked 1 day apart"
    );
    assert_eq!(got[0].confidence.basis_points(), 9990);
    assert_eq!(eur("1").currency().code(), "EUR");
}
