//! The demo workspace's reconciliation data: one bank account per demo legal entity (DE01 and FR01
//! in EUR, US01 in USD, as in the AP sandbox), a statement for the current period so far and the
//! ledger's cash entries, with the traps real statements have — references, invoice numbers in
//! noisy remittance, names spelled differently, a payment run paid in one debit, partial payments,
//! a return, a bank reversal, fees, payments in transit, same-amount decoys, intercompany
//! transfers that disagree, and one statement whose balances do not add up. Seeded, so the same
//! seed and day give the same data; then one matching run, so the workspace opens alive.

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use domain::{Currency, Money};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use serde_json::json;
use store::audit::{self, NewEvent};
use store::bank_accounts::{self, BankAccount};
use store::bank_statements::{BalanceCheck, EntryStatus, NewBankEntry, NewStatement};
use store::ledger_entries::NewLedgerEntry;
use store::{fx_rates, Store};

use super::import::{store_ledger, store_statement, Converted};
use super::locks::Locks;
use super::matching::{run_matching, RunOutcome};
use super::{Period, ReconError};

pub const DEMO_ACTOR: &str = "system:demo";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSeed {
    pub period: Period,
    pub accounts: usize,
    pub bank_lines: u64,
    pub ledger_entries: u64,
    /// `None` when the mirror already held reconciliation data and nothing was seeded.
    pub run: Option<RunOutcome>,
}

struct Entity {
    code: &'static str,
    /// As the AP sandbox names it: intercompany counterparties are recognised by it.
    name: &'static str,
    iban: &'static str,
    currency: &'static str,
    bank: &'static str,
    opening_minor: i64,
}

const ENTITIES: [Entity; 3] = [
    Entity {
        code: "DE01",
        name: "Nordwind Handels GmbH",
        iban: "DE89370400440532013000",
        currency: "EUR",
        bank: "Deutsche Bank",
        opening_minor: 125_000_000,
    },
    Entity {
        code: "FR01",
        name: "Lumière Distribution SAS",
        iban: "FR7630006000011234567890189",
        currency: "EUR",
        bank: "BNP Paribas",
        opening_minor: 48_000_000,
    },
    Entity {
        code: "US01",
        name: "Harbor Supply Inc.",
        iban: "US021000021-4455667788",
        currency: "USD",
        bank: "JPMorgan Chase",
        opening_minor: 210_000_000,
    },
];

const SUPPLIERS: &[&str] = &[
    "Rheinland Logistik GmbH",
    "Alpen Papier AG",
    "Schäfer Metallbau GmbH & Co. KG",
    "Atelier Moreau SARL",
    "Brightline Office Supplies Inc.",
    "Nordic Cloud Services AB",
    "Verdi Imballaggi S.r.l.",
    "Hansen & Töchter Verpackung GmbH",
    "Pacific Freight Forwarding LLC",
    "Clermont Énergie SAS",
];

const CUSTOMERS: &[&str] = &[
    "Müller Bau GmbH",
    "Kaufhaus Südstern AG",
    "Boulangerie Lefèvre SAS",
    "Great Lakes Retail Inc.",
    "Öko Garten Handel GmbH",
    "Duval & Fils SA",
    "Summit Medical Supplies LLC",
    "Weißenfels Elektro GmbH",
];

/// Period rates into the group currency (EUR) the intercompany view converts at.
const RATES: &[(&str, &str)] = &[("USD", "0.92"), ("GBP", "1.1650"), ("CHF", "1.0480")];

/// Seeds the demo's accounts, statements, ledger entries and period rates, then runs matching
/// once. Does nothing when reconciliation data is already there.
#[tracing::instrument(name = "recon.seed_demo", skip_all, fields(seed = seed))]
pub async fn seed_demo(store: &Store, seed: u64, now: DateTime<Utc>) -> Result<DemoSeed, ReconError> {
    let today = now.date_naive();
    let period = Period::of(today);
    // Seeded once: its own accounts there means it ran (the treasury's accounts may be there too).
    let existing = bank_accounts::list(store.reader()).await?;
    if existing.iter().any(|a| ENTITIES.iter().any(|e| e.iban == a.iban)) {
        return Ok(DemoSeed {
            period,
            accounts: 0,
            bank_lines: 0,
            ledger_entries: 0,
            run: None,
        });
    }
    let days = business_days(period.first_day(), today);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0052_4543_4F4E);
    let mut books: Vec<Book> = ENTITIES
        .iter()
        .map(|e| Book::new(e, &period, &days))
        .collect::<Result<_, _>>()?;
    for b in books.iter_mut() {
        b.everyday(&mut rng);
    }
    intercompany(&mut books, &period)?;

    let mut tx = store.begin().await?;
    let locks = Locks::load(&mut tx).await?;
    let (mut bank_lines, mut ledger_entries) = (0, 0);
    for b in books {
        let opening = Money::from_minor(b.entity.opening_minor, b.currency);
        bank_accounts::save(
            &mut tx,
            &BankAccount {
                iban: b.entity.iban.to_string(),
                entity_code: Some(b.entity.code.to_string()),
                currency: b.currency,
                name: format!("{} · {} {}", b.entity.name, b.entity.bank, b.currency),
                ledger_opening: Some((opening, period.first_day())),
            },
            now,
        )
        .await?;
        let ledger = b.ledger.clone();
        let statement = b.statement(today)?;
        bank_lines += store_statement(&mut tx, DEMO_ACTOR, &locks, statement, now)
            .await?
            .new_entries;
        ledger_entries += store_ledger(&mut tx, DEMO_ACTOR, &locks, "demo", ledger, now)
            .await?
            .new_entries;
    }
    let group = Currency::new(super::GROUP_CURRENCY)?;
    for (code, rate) in RATES {
        let rate: Decimal = rate
            .parse()
            .map_err(|e| ReconError::Invalid(format!("demo rate {rate}: {e}")))?;
        fx_rates::set(&mut tx, &period.to_string(), Currency::new(code)?, group, rate).await?;
    }
    let event = NewEvent {
        actor_id: DEMO_ACTOR,
        action: "recon.demo_seeded",
        object_type: "recon_demo",
        object_id: &period.to_string(),
        before: None,
        after: Some(json!({ "seed": seed, "bank_lines": bank_lines, "ledger_entries": ledger_entries })),
    };
    audit::append(&mut tx, &event, now).await?;
    tx.commit().await?;
    let run = run_matching(store, DEMO_ACTOR, &recon::RuleSet::default()).await?;
    Ok(DemoSeed {
        period,
        accounts: ENTITIES.len(),
        bank_lines,
        ledger_entries,
        run: Some(run),
    })
}

/// Weekdays from `from` to `to`; every day when none is a weekday (a weekend at the month start).
fn business_days(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let all: Vec<NaiveDate> = from.iter_days().take_while(|d| *d <= to).collect();
    let weekdays: Vec<NaiveDate> = all
        .iter()
        .copied()
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .collect();
    if weekdays.is_empty() {
        all
    } else {
        weekdays
    }
}

/// How a bank writes a name: upper case, transliterated, cut to 27 characters (SEPA-style).
fn bank_name(name: &str) -> String {
    let upper: String = name
        .chars()
        .flat_map(|c| match c {
            'ä' | 'Ä' => "AE".chars().collect::<Vec<_>>(),
            'ö' | 'Ö' => "OE".chars().collect(),
            'ü' | 'Ü' => "UE".chars().collect(),
            'ß' => "SS".chars().collect(),
            'é' | 'è' | 'É' | 'È' => vec!['E'],
            c => c.to_uppercase().collect(),
        })
        .collect();
    upper.chars().take(27).collect()
}

/// One entity's bank statement and ledger, built scenario by scenario.
struct Book<'a> {
    entity: &'a Entity,
    currency: Currency,
    days: &'a [NaiveDate],
    tag: String,
    bank: Vec<NewBankEntry>,
    ledger: Vec<NewLedgerEntry>,
    /// A bank error: the reported closing balance differs from opening + entries by this much.
    closing_error_minor: i64,
}

/// A bank line's text fields.
#[derive(Default)]
struct Text<'t> {
    e2e: &'t str,
    reference: &'t str,
    counterparty: &'t str,
    remittance: &'t str,
}

impl<'a> Book<'a> {
    fn new(entity: &'a Entity, period: &Period, days: &'a [NaiveDate]) -> Result<Book<'a>, ReconError> {
        Ok(Book {
            entity,
            currency: Currency::new(entity.currency)?,
            days,
            // "2611" for November 2026: short enough for references.
            tag: period.first_day().format("%y%m").to_string(),
            bank: Vec::new(),
            ledger: Vec::new(),
            closing_error_minor: 0,
        })
    }

    fn money(&self, minor: i64) -> Money {
        Money::from_minor(minor, self.currency)
    }

    fn day(&self, rng: &mut ChaCha8Rng) -> usize {
        rng.gen_range(0..self.days.len())
    }

    /// The business day `lag` after day `i`, within the period so far.
    fn date(&self, i: usize, lag: usize) -> NaiveDate {
        let last = self.days.len().saturating_sub(1);
        self.days.get((i + lag).min(last)).copied().unwrap_or(NaiveDate::MIN)
    }

    fn bank_line(&mut self, date: NaiveDate, minor: i64, t: Text, reversal: bool) {
        let n = self.bank.len() + 1;
        self.bank.push(NewBankEntry {
            entry_key: format!("{}-{}-{n:04}", self.entity.code, self.tag),
            sequence: n as i64,
            booking_date: date,
            value_date: Some(date),
            amount: self.money(minor),
            status: EntryStatus::Booked,
            reversal,
            end_to_end_id: t.e2e.to_string(),
            reference: t.reference.to_string(),
            counterparty_name: t.counterparty.to_string(),
            counterparty_iban: String::new(),
            remittance: t.remittance.to_string(),
            bank_tx_code: Some(if minor < 0 { "PMNT/ICDT/ESCT" } else { "PMNT/RCDT/ESCT" }.to_string()),
        });
    }

    fn ledger_entry(&mut self, date: NaiveDate, minor: i64, reference: &str, counterparty: &str, description: &str) {
        let n = self.ledger.len() + 1;
        self.ledger.push(NewLedgerEntry {
            id: format!("{}-GL-{}-{n:04}", self.entity.code, self.tag),
            account_iban: self.entity.iban.to_string(),
            booking_date: date,
            amount: self.money(minor),
            reference: reference.to_string(),
            counterparty: counterparty.to_string(),
            description: description.to_string(),
        });
    }

    /// The day-to-day traffic of a bank account, with its traps.
    fn everyday(&mut self, rng: &mut ChaCha8Rng) {
        let code = self.entity.code;
        let us = self.entity.currency == "USD";
        let scale = if us { 3 } else { 4 };
        // Supplier payments carrying our end-to-end id: exact reference.
        for i in 0..scale * 3 {
            let supplier = *SUPPLIERS.choose(rng).unwrap_or(&SUPPLIERS[0]);
            let minor = -rng.gen_range(25_000..4_800_000);
            let (d, lag) = (self.day(rng), rng.gen_range(0..=2));
            let e2e = format!("{code}-P{}-{i:03}", self.tag);
            let invoice = format!("{}-{:05}", rng.gen_range(100..999), rng.gen_range(1..99_999));
            self.ledger_entry(
                self.date(d, 0),
                minor,
                &e2e,
                supplier,
                &format!("Payment invoice {invoice}"),
            );
            self.bank_line(
                self.date(d, lag),
                minor,
                Text {
                    e2e: &e2e,
                    counterparty: &bank_name(supplier),
                    remittance: &format!("INVOICE {invoice}"),
                    ..Text::default()
                },
                false,
            );
        }
        // Customer receipts quoting the invoice number in noisy forms: invoice in remittance.
        for _ in 0..scale * 2 {
            let customer = *CUSTOMERS.choose(rng).unwrap_or(&CUSTOMERS[0]);
            let minor = rng.gen_range(50_000..2_500_000);
            let (d, lag) = (self.day(rng), rng.gen_range(0..=2));
            let inv: u32 = rng.gen_range(1000..99_999);
            let year = self.date(0, 0).year();
            let reference = format!("INV-{year}-{inv:06}");
            let remittance = match rng.gen_range(0..4) {
                0 => format!("RE {year}-{inv:06} DANKE"),
                1 => format!("Rechnung Nr. {inv}"),
                2 => format!("INV {year} {inv:06}"),
                _ => format!("Invoice{year}{inv:06} payment"),
            };
            self.ledger_entry(
                self.date(d, 0),
                minor,
                &reference,
                customer,
                &format!("Receipt {reference}"),
            );
            self.bank_line(
                self.date(d, lag),
                minor,
                Text {
                    e2e: "NOTPROVIDED",
                    counterparty: &bank_name(customer),
                    remittance: &remittance,
                    ..Text::default()
                },
                false,
            );
        }
        // Receipts with no reference at all: amount, date and the name as the bank spells it.
        for _ in 0..scale {
            let customer = *CUSTOMERS.choose(rng).unwrap_or(&CUSTOMERS[0]);
            let minor = rng.gen_range(10_000..900_000);
            let (d, lag) = (self.day(rng), rng.gen_range(0..=1));
            self.ledger_entry(self.date(d, 0), minor, "", customer, "Customer receipt");
            self.bank_line(
                self.date(d, lag),
                minor,
                Text {
                    counterparty: &bank_name(customer),
                    remittance: "Zahlung",
                    ..Text::default()
                },
                false,
            );
        }
        // A payment run: five ledger payments, one bank debit for their sum.
        let run_ref = format!("PR-{code}-{}", self.tag);
        let d = self.day(rng);
        let mut total = 0;
        for supplier in SUPPLIERS.choose_multiple(rng, 5) {
            let minor = -rng.gen_range(10_000..1_500_000);
            total += minor;
            self.ledger_entry(self.date(d, 0), minor, &run_ref, supplier, "Payment run");
        }
        self.bank_line(
            self.date(d, 1),
            total,
            Text {
                reference: &run_ref,
                remittance: "SEPA collective order 5 items",
                ..Text::default()
            },
            false,
        );
        // One invoice paid in two parts.
        let customer = CUSTOMERS[(d + 3) % CUSTOMERS.len()];
        let inv: u32 = rng.gen_range(10_000..99_999);
        let d = self.day(rng);
        self.ledger_entry(
            self.date(d, 0),
            1_000_000,
            &format!("INV-{inv}"),
            customer,
            &format!("Receipt INV-{inv}"),
        );
        for (part, minor) in [(1, 600_000), (2, 400_000)] {
            self.bank_line(
                self.date(d, part),
                minor,
                Text {
                    counterparty: &bank_name(customer),
                    remittance: &format!("Partial payment {part}/2 invoice {inv}"),
                    ..Text::default()
                },
                false,
            );
        }
        // Bank fees nobody booked yet.
        for (minor, text) in [
            (-3_500, "Account maintenance fee"),
            (-1_250, "SEPA transaction charges"),
        ] {
            let d = self.days.len().saturating_sub(1);
            self.bank_line(
                self.date(d, 0),
                minor,
                Text {
                    remittance: text,
                    ..Text::default()
                },
                false,
            );
        }
        // Payments in transit: booked in the ledger on the last days, not on the statement yet.
        for i in 0..2 {
            let supplier = SUPPLIERS[(i * 3 + 1) % SUPPLIERS.len()];
            let minor = -rng.gen_range(50_000..700_000);
            let last = self.days.len().saturating_sub(1);
            self.ledger_entry(
                self.date(last, 0),
                minor,
                &format!("{code}-P{}-9{i:02}", self.tag),
                supplier,
                "Payment sent, not yet debited",
            );
        }
        // Two open receipts of one customer with the same amount, one bank credit: a person decides.
        let customer = CUSTOMERS[(d + 1) % CUSTOMERS.len()];
        let minor = rng.gen_range(100_000..300_000);
        let d = self.day(rng).min(self.days.len().saturating_sub(3));
        self.ledger_entry(self.date(d, 0), minor, "", customer, "Customer receipt");
        self.ledger_entry(self.date(d, 2), minor, "", customer, "Customer receipt");
        self.bank_line(
            self.date(d, 1),
            minor,
            Text {
                counterparty: &bank_name(customer),
                ..Text::default()
            },
            false,
        );
        // A cash deposit with no counterparty on either side: only the amount agrees.
        let minor = rng.gen_range(20_000..90_000);
        let d = self.day(rng);
        self.ledger_entry(self.date(d, 0), minor, "", "", "Cash deposit");
        self.bank_line(
            self.date(d, 0),
            minor,
            Text {
                remittance: "Cash deposit branch 0412",
                ..Text::default()
            },
            false,
        );
        if code == "DE01" {
            // A payment the beneficiary's bank returned: the payment matches, the return is open.
            let e2e = format!("{code}-P{}-R01", self.tag);
            let d = self.day(rng).min(self.days.len().saturating_sub(2));
            self.ledger_entry(
                self.date(d, 0),
                -148_000,
                &e2e,
                SUPPLIERS[5],
                "Payment invoice 552-10493",
            );
            let text = Text {
                e2e: &e2e,
                counterparty: &bank_name(SUPPLIERS[5]),
                remittance: "INVOICE 552-10493",
                ..Text::default()
            };
            self.bank_line(self.date(d, 0), -148_000, text, false);
            let text = Text {
                e2e: &e2e,
                counterparty: &bank_name(SUPPLIERS[5]),
                remittance: "RETURN AC04 CLOSED ACCOUNT",
                ..Text::default()
            };
            self.bank_line(self.date(d, 1), 148_000, text, true);
            // The bank charged a fee twice and reversed one itself: the two cancel.
            let fee_ref = format!("FEE-{}-07", self.tag);
            let text = Text {
                reference: &fee_ref,
                remittance: "Foreign payment fee",
                ..Text::default()
            };
            self.bank_line(self.date(d, 0), -2_500, text, false);
            let text = Text {
                reference: &fee_ref,
                remittance: "Reversal foreign payment fee",
                ..Text::default()
            };
            self.bank_line(self.date(d, 1), 2_500, text, true);
        }
        if code == "FR01" {
            // The bank's statement is off: its closing balance is 100.00 short of its own entries.
            self.closing_error_minor = -10_000;
        }
    }

    /// The statement of the period so far, as the bank would send it.
    fn statement(&self, today: NaiveDate) -> Result<Converted, ReconError> {
        let opening = self.money(self.entity.opening_minor);
        let mut closing = opening;
        for e in &self.bank {
            closing = closing.checked_add(&e.amount)?;
        }
        let computed = closing;
        closing = closing.checked_add(&self.money(self.closing_error_minor))?;
        let first = self.days.first().copied().unwrap_or(today);
        let (check, note) = if self.closing_error_minor == 0 {
            (BalanceCheck::AddsUp, None)
        } else {
            (
                BalanceCheck::Mismatch,
                Some(format!("opening + entries = {computed}, closing = {closing}")),
            )
        };
        let statement_ref = format!("{}-STMT-{}", self.entity.code, self.tag);
        Ok(Converted {
            statement: NewStatement {
                account_iban: self.entity.iban.to_string(),
                statement_key: format!("demo|{statement_ref}|{first}|{today}"),
                statement_ref,
                format: "camt.053".into(),
                version: "camt.053.001.08".into(),
                currency: self.currency,
                opening: Some((opening, Some(first))),
                closing: Some((closing, Some(today))),
                end_date: today,
                balance_check: check,
                balance_note: note,
                entry_count: self.bank.len() as i64,
                parser_notes: Vec::new(),
                source_file: "demo".into(),
            },
            account_name: None,
            entries: self.bank.clone(),
            undated: 0,
        })
    }
}

/// One intercompany transfer, in minor units: what each bank shows and what each side booked
/// (`None`: not booked).
struct Transfer {
    doc: &'static str,
    payer: usize,
    payee: usize,
    paid: i64,
    payer_booked: Option<i64>,
    received: i64,
    payee_booked: Option<i64>,
}

/// Transfers between the demo entities, booked by both sides (or, for the traps, not quite).
fn intercompany(books: &mut [Book], period: &Period) -> Result<(), ReconError> {
    let tag = period.first_day().format("%y%m").to_string();
    let find = |books: &[Book], code: &str| books.iter().position(|b| b.entity.code == code);
    let (Some(de), Some(fr), Some(us)) = (find(books, "DE01"), find(books, "FR01"), find(books, "US01")) else {
        return Err(ReconError::Invalid("the demo entities are missing".into()));
    };
    let t = |doc, payer, payee, paid, payer_booked, received, payee_booked| Transfer {
        doc,
        payer,
        payee,
        paid,
        payer_booked,
        received,
        payee_booked,
    };
    let transfers = [
        // Agreed.
        t("001", de, fr, 2_500_000, Some(2_500_000), 2_500_000, Some(2_500_000)),
        // FR01 booked 12,050.00 for a 12,500.00 transfer: amounts differ (and FR01's bank line is open).
        t("002", fr, de, 1_250_000, Some(1_205_000), 1_250_000, Some(1_250_000)),
        // FR01 has not booked the receipt yet.
        t("003", de, fr, 320_000, Some(320_000), 320_000, None),
        // USD 10,870.00 paid, EUR 10,000.00 received: 0.40 apart at the period rate of 0.92.
        t("004", us, de, 1_087_000, Some(1_087_000), 1_000_000, Some(1_000_000)),
        // USD 5,000.00 = EUR 4,600.00 at the period rate: agreed.
        t("005", us, de, 500_000, Some(500_000), 460_000, Some(460_000)),
    ];
    for (n, tr) in transfers.into_iter().enumerate() {
        let (payer, payee) = (tr.payer, tr.payee);
        let reference = format!("IC-{tag}-{}", tr.doc);
        let (payer_name, payee_name) = (books[payer].entity.name, books[payee].entity.name);
        let day = (n * 3 + 2).min(books[payer].days.len().saturating_sub(1));
        let date = books[payer].date(day, 0);
        if let Some(minor) = tr.payer_booked {
            books[payer].ledger_entry(date, -minor, &reference, payee_name, "Intercompany settlement");
        }
        if let Some(minor) = tr.payee_booked {
            books[payee].ledger_entry(date, minor, &reference, payer_name, "Intercompany settlement");
        }
        for (book, minor, other) in [(payer, -tr.paid, payee_name), (payee, tr.received, payer_name)] {
            let other = bank_name(other);
            let text = Text {
                e2e: &reference,
                counterparty: &other,
                remittance: "Intercompany settlement",
                ..Text::default()
            };
            books[book].bank_line(date, minor, text, false);
        }
    }
    Ok(())
}
