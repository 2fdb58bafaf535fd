//! Seeded test data with known truth: bank lines and ledger entries built with the traps real
//! statements have — payment-run batches, collective payments beside an open entry of the same
//! supplier, partial payments, reversals and returns, same-amount decoys, bank fees, noisy names
//! and remittance, missing references, unmatched items on both sides — and the true groups.
//!
//! Generation runs in parallel chunks, each with its own seeded RNG, so the output depends only on
//! the size and the seed.

use std::collections::HashSet;

use chrono::{Days, NaiveDate};
use domain::{Currency, Money};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::input::{BankLine, LedgerEntry};
use crate::match_set::MatchRef;
use crate::normalize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenConfig {
    /// Bank lines to generate (a scenario in progress may add a few more).
    pub bank_lines: usize,
    pub seed: u64,
}

/// The kind of situation a true group comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scenario {
    /// End-to-end id on the bank line, known to the ledger.
    Reference,
    /// No usable reference: amount, date and counterparty.
    Counterparty,
    /// Invoice number in noisy remittance text.
    Invoice,
    /// One debit for the payments sharing its batch reference (sometimes minus rejected ones).
    PaymentRun,
    /// One transfer settling several invoices of one supplier.
    CollectivePayment,
    /// Several partial payments of one invoice.
    Partial,
    /// A returned payment the ledger booked too.
    ReturnBooked,
    /// A payment returned by the bank, not yet booked in the ledger: only the payment matches.
    ReturnNotBooked,
    /// The bank reversed its own entry; nothing in the ledger.
    BankReversal,
}

/// Items that truly belong together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TruthGroup {
    pub scenario: Scenario,
    pub bank: Vec<String>,
    pub ledger: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Generated {
    pub bank: Vec<BankLine>,
    pub ledger: Vec<LedgerEntry>,
    pub truth: Vec<TruthGroup>,
}

/// Bank lines per chunk: large enough to amortize, small enough to spread over the cores.
const CHUNK_LINES: usize = 16_384;

pub fn generate(cfg: &GenConfig) -> Generated {
    let world = World::new(cfg.seed, cfg.bank_lines);
    let chunks = cfg.bank_lines.div_ceil(CHUNK_LINES);
    let parts: Vec<Generated> = (0..chunks)
        .into_par_iter()
        .map(|c| {
            let target = CHUNK_LINES.min(cfg.bank_lines - c * CHUNK_LINES);
            Chunk::new(&world, cfg.seed, c).run(target)
        })
        .collect();
    let mut out = Generated::default();
    for p in parts {
        out.bank.extend(p.bank);
        out.ledger.extend(p.ledger);
        out.truth.extend(p.truth);
    }
    out
}

/// Pair counts against the truth: every (bank, ledger) pair of a group, or every pair of bank lines
/// of a bank-only group (a reversal with its original).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Quality {
    pub truth_pairs: u64,
    pub proposed_pairs: u64,
    pub correct_pairs: u64,
}

impl Quality {
    /// Correct among proposed, in basis points (10000 when nothing was proposed).
    pub fn precision_bp(&self) -> u64 {
        ratio_bp(self.correct_pairs, self.proposed_pairs)
    }
    /// Found among true, in basis points.
    pub fn recall_bp(&self) -> u64 {
        ratio_bp(self.correct_pairs, self.truth_pairs)
    }
}

fn ratio_bp(num: u64, den: u64) -> u64 {
    (num * 10_000).checked_div(den).unwrap_or(10_000)
}

/// `"99.71"` from 9971 basis points.
pub fn percent(bp: u64) -> String {
    format!("{}.{:02}", bp / 100, bp % 100)
}

pub fn pair_quality<'r>(truth: &[TruthGroup], matches: impl IntoIterator<Item = MatchRef<'r>>) -> Quality {
    let truth_pairs: HashSet<(u64, u64)> = truth.iter().flat_map(|g| pairs(&g.bank, &g.ledger)).collect();
    let proposed: HashSet<(u64, u64)> = matches
        .into_iter()
        .flat_map(|m| pairs(&m.bank_ids(), &m.ledger_ids()))
        .collect();
    Quality {
        truth_pairs: truth_pairs.len() as u64,
        proposed_pairs: proposed.len() as u64,
        correct_pairs: proposed.intersection(&truth_pairs).count() as u64,
    }
}

fn pairs<S: AsRef<str>>(bank: &[S], ledger: &[S]) -> Vec<(u64, u64)> {
    let h = |s: &S, side: u64| normalize::mix(normalize::hash_bytes(s.as_ref().as_bytes()), side);
    if ledger.is_empty() {
        let mut b: Vec<u64> = bank.iter().map(|x| h(x, 1)).collect();
        b.sort_unstable();
        let mut out = Vec::new();
        for i in 0..b.len() {
            for j in i + 1..b.len() {
                out.push((b[i], b[j]));
            }
        }
        out
    } else {
        bank.iter()
            .flat_map(|b| ledger.iter().map(move |l| (h(b, 1), h(l, 2))))
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// The world every chunk shares: own accounts and counterparties.

struct Account {
    iban: String,
    currency: Currency,
    bank_name: &'static str,
}

struct Counterparty {
    /// "Veltara Logistik"
    base: String,
    /// "GmbH"
    legal: &'static str,
    iban: String,
}

struct World {
    accounts: Vec<Account>,
    counterparties: Vec<Counterparty>,
    start: NaiveDate,
}

const WORDS: &[&str] = &[
    "Nord",
    "Süd",
    "Müller",
    "Schäfer",
    "Alpen",
    "Rhein",
    "Blue",
    "River",
    "Stone",
    "Tech",
    "Logistik",
    "Bau",
    "Handel",
    "Systems",
    "Foods",
    "Consulting",
    "Industries",
    "Trading",
    "Services",
    "Medical",
    "Energie",
    "Werke",
    "Partners",
    "Digital",
    "Solutions",
    "Metall",
    "Papier",
    "Chemie",
    "Textil",
    "Garten",
    "Office",
    "Print",
    "Auto",
    "Solar",
    "Data",
    "Cloud",
    "Pharma",
    "Agrar",
    "Marine",
    "Holz",
    "International",
    "Holding",
    "Gruppe",
    "Nordic",
];
const LEGAL: &[&str] = &[
    "GmbH",
    "AG",
    "GmbH & Co. KG",
    "Ltd",
    "Ltd.",
    "Inc.",
    "SAS",
    "S.A.",
    "B.V.",
    "SE",
    "LLC",
    "S.r.l.",
    "Oy",
    "AB",
];
const BANKS: &[&str] = &[
    "Deutsche Bank AG",
    "Commerzbank AG",
    "BNP Paribas SA",
    "HSBC UK Bank plc",
    "UBS AG",
];

impl World {
    fn new(seed: u64, lines: usize) -> World {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x57_4F_52_4C_44);
        let currencies = [
            "EUR", "EUR", "EUR", "EUR", "EUR", "EUR", "EUR", "EUR", "USD", "USD", "GBP", "CHF",
        ];
        let accounts = currencies
            .iter()
            .enumerate()
            .filter_map(|(i, code)| {
                Some(Account {
                    iban: iban(&mut rng),
                    currency: Currency::new(code).ok()?,
                    bank_name: BANKS[i % BANKS.len()],
                })
            })
            .collect();
        let n = (lines / 40).max(500);
        let counterparties = (0..n)
            .map(|_| {
                let words = rng.gen_range(1..=3);
                let mut base = pseudo_word(&mut rng);
                for _ in 0..words {
                    base.push(' ');
                    base.push_str(WORDS.choose(&mut rng).copied().unwrap_or("Handel"));
                }
                Counterparty {
                    base,
                    legal: LEGAL.choose(&mut rng).copied().unwrap_or("GmbH"),
                    iban: iban(&mut rng),
                }
            })
            .collect();
        World {
            accounts,
            counterparties,
            start: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default(),
        }
    }
}

fn pseudo_word(rng: &mut ChaCha8Rng) -> String {
    const C: &[u8] = b"bcdfghklmnprstvwz";
    const V: &[u8] = b"aeiou";
    let mut w = String::new();
    for i in 0..rng.gen_range(2..=4) {
        let c = C[rng.gen_range(0..C.len())] as char;
        w.push(if i == 0 { c.to_ascii_uppercase() } else { c });
        w.push(V[rng.gen_range(0..V.len())] as char);
    }
    w
}

/// A German IBAN with valid check digits.
fn iban(rng: &mut ChaCha8Rng) -> String {
    let bban: String = (0..18).map(|_| char::from(b'0' + rng.gen_range(0..10u8))).collect();
    // Check digits: 98 - (BBAN + "DE00" as digits) mod 97; D = 13, E = 14.
    let rem = format!("{bban}131400")
        .bytes()
        .fold(0u32, |r, d| (r * 10 + u32::from(d - b'0')) % 97);
    format!("DE{:02}{bban}", 98 - rem)
}

// ---------------------------------------------------------------------------------------------
// One chunk of scenarios.

struct Chunk<'w> {
    w: &'w World,
    rng: ChaCha8Rng,
    c: usize,
    seq: usize,
    out: Generated,
    /// Ledger entries of one-to-one groups, to build same-amount decoys from.
    singles: Vec<usize>,
}

/// Scenario weights per hundred draws.
const WEIGHTS: &[(u32, Draw)] = &[
    (38, Draw::Reference),
    (20, Draw::Counterparty),
    (15, Draw::Invoice),
    (1, Draw::PaymentRun),
    (3, Draw::Collective),
    (2, Draw::Partial),
    (3, Draw::Return),
    (3, Draw::Fee),
    (3, Draw::UnmatchedBank),
];

#[derive(Clone, Copy)]
enum Draw {
    Reference,
    Counterparty,
    Invoice,
    PaymentRun,
    Collective,
    Partial,
    Return,
    Fee,
    UnmatchedBank,
}

impl<'w> Chunk<'w> {
    fn new(w: &'w World, seed: u64, c: usize) -> Self {
        Chunk {
            w,
            rng: ChaCha8Rng::seed_from_u64(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ c as u64),
            c,
            seq: 0,
            out: Generated::default(),
            singles: Vec::new(),
        }
    }

    fn run(mut self, target: usize) -> Generated {
        let total: u32 = WEIGHTS.iter().map(|w| w.0).sum();
        while self.out.bank.len() < target {
            let mut pick = self.rng.gen_range(0..total);
            let mut draw = Draw::Reference;
            for &(weight, d) in WEIGHTS {
                if pick < weight {
                    draw = d;
                    break;
                }
                pick -= weight;
            }
            match draw {
                Draw::Reference => self.reference(),
                Draw::Counterparty => self.counterparty(),
                Draw::Invoice => self.invoice(),
                Draw::PaymentRun => self.payment_run(),
                Draw::Collective => self.collective(),
                Draw::Partial => self.partial(),
                Draw::Return => self.returned(),
                Draw::Fee => self.fee(),
                Draw::UnmatchedBank => self.unmatched_bank(),
            }
        }
        // Open ledger items: outstanding payments and decoys, about 5 % of the bank lines.
        for _ in 0..target / 20 {
            self.unmatched_ledger();
        }
        self.out
    }

    fn next(&mut self) -> usize {
        self.seq += 1;
        self.seq
    }

    fn id(&mut self, prefix: &str) -> String {
        let n = self.next();
        format!("{prefix}{:03}{n:07}", self.c)
    }

    fn account(&mut self) -> usize {
        self.rng.gen_range(0..self.w.accounts.len())
    }

    fn cp(&mut self) -> usize {
        self.rng.gen_range(0..self.w.counterparties.len())
    }

    fn day(&mut self) -> i64 {
        self.rng.gen_range(0..365)
    }

    fn date(&self, day: i64) -> NaiveDate {
        let d = u64::try_from(day.max(0)).unwrap_or(0);
        self.w.start.checked_add_days(Days::new(d)).unwrap_or(self.w.start)
    }

    /// Minor units, spread over magnitudes from 1 to 100,000.
    fn amount(&mut self) -> i64 {
        let magnitude = 10i64.pow(self.rng.gen_range(2..7));
        self.rng.gen_range(magnitude..magnitude * 10)
    }

    /// Bank booking lag after the ledger: mostly 0–2 days.
    fn lag(&mut self) -> i64 {
        *[0, 0, 0, 1, 1, 1, 1, 2, 2, 3].choose(&mut self.rng).unwrap_or(&0)
    }

    fn money(&self, account: usize, minor: i64) -> Money {
        Money::from_minor(minor, self.w.accounts[account].currency)
    }

    fn e2e(&mut self) -> String {
        let n = self.next();
        match self.rng.gen_range(0..3) {
            0 => format!("E2E-{:03}-{n:07}", self.c),
            1 => format!("PAY{:03}{n:07}", self.c),
            _ => format!("ZV{:03}/{n:07}", self.c),
        }
    }

    fn invoice_number(&mut self) -> u64 {
        let n = self.next() as u64;
        (self.c as u64 + 1) * 10_000_000 + n
    }

    /// The invoice number the way payers type it.
    fn noisy_invoice(&mut self, inv: u64) -> String {
        let s = inv.to_string();
        let (head, tail) = s.split_at(s.len() / 2);
        match self.rng.gen_range(0..8) {
            0 => format!("Rechnung Nr. {inv:010}"),
            1 => format!("RE{inv}"),
            2 => format!("INV-{inv}"),
            3 => format!("inv {head} {tail}"),
            4 => format!("Invoice #{head}-{tail} thank you"),
            5 => format!("Rg.{inv:09} vom 12.03.2024"),
            6 => format!("FACTURE {inv}"),
            _ => format!("/INV/{inv}/"),
        }
    }

    /// The counterparty's name as a bank statement shows it.
    fn bank_name(&mut self, cp: usize) -> String {
        let p = &self.w.counterparties[cp];
        let full = format!("{} {}", p.base, p.legal);
        match self.rng.gen_range(0..10) {
            0 | 1 => full.to_uppercase(),
            2 => p.base.to_uppercase(),
            3 => umlauts(&full).to_uppercase(),
            4 => full.chars().take(27).collect(),
            5 => full.replace(' ', "-").replace("GmbH", "G.m.b.H."),
            6 => format!("{},", p.base.to_lowercase()),
            _ => full,
        }
    }

    /// The counterparty as the ledger names it: the master-data name, now and then its IBAN.
    fn ledger_name(&mut self, cp: usize) -> String {
        let p = &self.w.counterparties[cp];
        match self.rng.gen_range(0..20) {
            0 => p.iban.clone(),
            1 => p.base.clone(),
            _ => format!("{} {}", p.base, p.legal),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn bank_line(
        &mut self,
        account: usize,
        day: i64,
        minor: i64,
        e2e: String,
        reference: String,
        cp: Option<usize>,
        remittance: String,
        reversal: bool,
    ) -> String {
        let id = self.id("BK");
        let (name, iban) = match cp {
            Some(cp) => {
                let name = self.bank_name(cp);
                let iban = if self.rng.gen_bool(0.9) {
                    self.w.counterparties[cp].iban.clone()
                } else {
                    String::new()
                };
                (name, iban)
            }
            None => (String::new(), String::new()),
        };
        let line = BankLine {
            id: id.clone(),
            account_iban: self.w.accounts[account].iban.clone(),
            booking_date: self.date(day),
            amount: self.money(account, minor),
            end_to_end_id: e2e,
            reference,
            counterparty_name: name,
            counterparty_iban: iban,
            remittance,
            reversal,
        };
        self.out.bank.push(line);
        id
    }

    fn ledger_entry(
        &mut self,
        account: usize,
        day: i64,
        minor: i64,
        reference: String,
        counterparty: String,
        description: String,
    ) -> String {
        let id = self.id("GL");
        let entry = LedgerEntry {
            id: id.clone(),
            account_iban: self.w.accounts[account].iban.clone(),
            booking_date: self.date(day),
            amount: self.money(account, minor),
            reference,
            counterparty,
            description,
        };
        self.out.ledger.push(entry);
        id
    }

    fn truth(&mut self, scenario: Scenario, bank: Vec<String>, ledger: Vec<String>) {
        self.out.truth.push(TruthGroup { scenario, bank, ledger });
    }

    fn signed(&mut self, minor: i64) -> i64 {
        if self.rng.gen_bool(0.5) {
            minor
        } else {
            -minor
        }
    }

    fn reference(&mut self) {
        let (a, cp, day, lag) = (self.account(), self.cp(), self.day(), self.lag());
        let minor = self.amount();
        let minor = self.signed(minor);
        let e2e = self.e2e();
        // Missing references: the bank drops the id, or the ledger never stored it.
        let bank_e2e = if self.rng.gen_bool(0.04) {
            "NOTPROVIDED".to_string()
        } else {
            e2e.clone()
        };
        let ledger_ref = match self.rng.gen_range(0..100) {
            0..=5 => String::new(),
            6..=15 => e2e.to_lowercase(),
            16..=20 => e2e.replace(['-', '/'], " "),
            _ => e2e,
        };
        let inv = self.invoice_number();
        let remittance = self.noisy_invoice(inv);
        let b = self.bank_line(
            a,
            day + lag,
            minor,
            bank_e2e,
            String::new(),
            Some(cp),
            remittance,
            false,
        );
        let name = self.ledger_name(cp);
        let l = self.ledger_entry(a, day, minor, ledger_ref, name, format!("Invoice {inv}"));
        self.singles.push(self.out.ledger.len() - 1);
        self.truth(Scenario::Reference, vec![b], vec![l]);
    }

    fn counterparty(&mut self) {
        let (a, cp, day) = (self.account(), self.cp(), self.day());
        let minor = self.amount();
        let minor = self.signed(minor);
        // Recurring payments: same counterparty, same amount, a month apart.
        let months = if self.rng.gen_bool(0.2) { 3 } else { 1 };
        const TEXTS: &[&str] = &[
            "Miete",
            "Abschlag Strom",
            "Lastschrift",
            "Monatsbeitrag",
            "Leasingrate",
            "Rent",
        ];
        for m in 0..months {
            let day = day + 30 * m;
            let lag = self.lag();
            let text = TEXTS.choose(&mut self.rng).copied().unwrap_or("Rent");
            let e2e = if self.rng.gen_bool(0.5) { "NOTPROVIDED" } else { "" };
            let b = self.bank_line(
                a,
                day + lag,
                minor,
                e2e.into(),
                String::new(),
                Some(cp),
                text.into(),
                false,
            );
            let doc = self.id("DOC-");
            let name = self.ledger_name(cp);
            let l = self.ledger_entry(a, day, minor, doc, name, format!("{text} {m}"));
            self.singles.push(self.out.ledger.len() - 1);
            self.truth(Scenario::Counterparty, vec![b], vec![l]);
        }
    }

    fn invoice(&mut self) {
        let (a, cp, day) = (self.account(), self.cp(), self.day());
        let minor = self.amount();
        let minor = if self.rng.gen_bool(0.8) { minor } else { -minor };
        let inv = self.invoice_number();
        let lag = self.rng.gen_range(-3..15);
        // A parent company or factor pays now and then; some payers send no name at all.
        let payer = match self.rng.gen_range(0..20) {
            0 => Some(self.cp()),
            1 => None,
            _ => Some(cp),
        };
        let e2e = if self.rng.gen_bool(0.3) {
            self.e2e()
        } else {
            "NOTPROVIDED".into()
        };
        let remittance = self.noisy_invoice(inv);
        let b = self.bank_line(a, day + lag, minor, e2e, String::new(), payer, remittance, false);
        let (reference, description) = if self.rng.gen_bool(0.5) {
            (format!("INV-{inv}"), "Customer payment".to_string())
        } else {
            (String::new(), format!("Invoice {inv}"))
        };
        let name = self.ledger_name(cp);
        let l = self.ledger_entry(a, day, minor, reference, name, description);
        self.singles.push(self.out.ledger.len() - 1);
        self.truth(Scenario::Invoice, vec![b], vec![l]);
    }

    fn payment_run(&mut self) {
        let (a, day) = (self.account(), self.day());
        let n = if self.rng.gen_bool(0.8) {
            self.rng.gen_range(3..15)
        } else {
            self.rng.gen_range(15..40)
        };
        let run_no = self.next();
        let batch = format!("PMTRUN-{:03}-{run_no:05}", self.c);
        let mut ledger = Vec::new();
        let mut sum = 0i64;
        // Now and then one payment is rejected before execution: the debit lacks it.
        let rejected = if self.rng.gen_bool(0.15) {
            Some(self.rng.gen_range(0..n))
        } else {
            None
        };
        for i in 0..n {
            let cp = self.cp();
            let minor = self.amount();
            let reference = if self.rng.gen_bool(0.8) {
                batch.clone()
            } else {
                batch.to_lowercase().replace('-', " ")
            };
            let name = self.ledger_name(cp);
            let inv = self.invoice_number();
            let l = self.ledger_entry(a, day, -minor, reference, name, format!("Payment run, invoice {inv}"));
            if rejected == Some(i) {
                continue;
            }
            sum += minor;
            ledger.push(l);
        }
        let lag = self.rng.gen_range(0..2);
        let text = format!("SAMMLER {} POSTEN", ledger.len());
        let b = self.bank_line(a, day + lag, -sum, String::new(), batch, None, text, false);
        self.truth(Scenario::PaymentRun, vec![b], ledger);
    }

    fn collective(&mut self) {
        let (a, cp, day) = (self.account(), self.cp(), self.day());
        let k = self.rng.gen_range(2..=5);
        let mut ledger = Vec::new();
        let mut invoices = Vec::new();
        let mut sum = 0i64;
        for _ in 0..k {
            let minor = self.amount();
            let inv = self.invoice_number();
            let d = day - self.rng.gen_range(0..3);
            let name = self.ledger_name(cp);
            ledger.push(self.ledger_entry(a, d, -minor, format!("INV-{inv}"), name, "Supplier payment".into()));
            invoices.push(inv.to_string());
            sum += minor;
        }
        // The exact-subset trap: another open entry of the same supplier inside the window.
        if self.rng.gen_bool(0.5) {
            let minor = self.amount();
            let inv = self.invoice_number();
            let name = self.ledger_name(cp);
            self.ledger_entry(a, day, -minor, format!("INV-{inv}"), name, "Supplier payment".into());
        }
        let e2e = if self.rng.gen_bool(0.5) {
            self.e2e()
        } else {
            "NOTPROVIDED".into()
        };
        let remittance = format!("INV {}", invoices.join(", "));
        let lag = self.lag();
        let b = self.bank_line(a, day + lag, -sum, e2e, String::new(), Some(cp), remittance, false);
        self.truth(Scenario::CollectivePayment, vec![b], ledger);
    }

    fn partial(&mut self) {
        let (a, cp, day) = (self.account(), self.cp(), self.day());
        let k = self.rng.gen_range(2..=3);
        let inv = self.invoice_number();
        let mut parts = Vec::new();
        let mut total = 0i64;
        for _ in 0..k {
            let minor = self.amount();
            parts.push(minor);
            total += minor;
        }
        let name = self.ledger_name(cp);
        let l = self.ledger_entry(a, day, total, format!("INV-{inv}"), name, "Customer invoice".into());
        let mut bank = Vec::new();
        for (i, minor) in parts.into_iter().enumerate() {
            let noisy = self.noisy_invoice(inv);
            let text = match self.rng.gen_range(0..3) {
                0 => format!("Teilzahlung {noisy}"),
                1 => format!("partial payment {}/{k} {noisy}", i + 1),
                _ => format!("Anzahlung {noisy}"),
            };
            let d = day + self.rng.gen_range(0..25);
            bank.push(self.bank_line(a, d, minor, "NOTPROVIDED".into(), String::new(), Some(cp), text, false));
        }
        self.truth(Scenario::Partial, bank, vec![l]);
    }

    fn returned(&mut self) {
        let (a, cp, day) = (self.account(), self.cp(), self.day());
        let minor = self.amount();
        let e2e = self.e2e();
        let back = day + self.rng.gen_range(2..10);
        let reason = ["RETOURE AC04 Konto erloschen", "RETURN MS03", "Rücküberweisung AM04"]
            .choose(&mut self.rng)
            .copied()
            .unwrap_or("RETURN");
        match self.rng.gen_range(0..10) {
            // The bank reversed its own entry; the ledger never saw either.
            0..=2 => {
                let signed = self.signed(minor);
                let e = if self.rng.gen_bool(0.7) { e2e } else { String::new() };
                let o = self.bank_line(
                    a,
                    day,
                    signed,
                    e.clone(),
                    String::new(),
                    Some(cp),
                    "Gutschrift".into(),
                    false,
                );
                let r = self.bank_line(a, back, -signed, e, String::new(), Some(cp), "STORNO".into(), true);
                self.truth(Scenario::BankReversal, vec![o, r], vec![]);
            }
            n => {
                let name = self.ledger_name(cp);
                let l = self.ledger_entry(a, day, -minor, e2e.clone(), name, "Supplier payment".into());
                let lag = self.lag();
                let o = self.bank_line(
                    a,
                    day + lag,
                    -minor,
                    e2e.clone(),
                    String::new(),
                    Some(cp),
                    "Zahlung".into(),
                    false,
                );
                let r = self.bank_line(
                    a,
                    back,
                    minor,
                    e2e.clone(),
                    String::new(),
                    Some(cp),
                    reason.into(),
                    true,
                );
                self.truth(Scenario::ReturnNotBooked, vec![o.clone()], vec![l.clone()]);
                if n >= 6 {
                    // The ledger booked the return, by the same id or its own text.
                    let reference = if self.rng.gen_bool(0.5) {
                        e2e
                    } else {
                        format!("RETURN {e2e}")
                    };
                    let name = self.ledger_name(cp);
                    let lag = self.lag();
                    let l2 = self.ledger_entry(a, back + lag, minor, reference, name, "Returned payment".into());
                    if let Some(last) = self.out.truth.last_mut() {
                        last.scenario = Scenario::ReturnBooked;
                    }
                    self.truth(Scenario::ReturnBooked, vec![r], vec![l2]);
                }
            }
        }
    }

    fn fee(&mut self) {
        let (a, day) = (self.account(), self.day());
        let minor = *[35, 150, 250, 500, 790, 1200, 1500]
            .choose(&mut self.rng)
            .unwrap_or(&250);
        let text = ["Entgelt Kontoführung", "SEPA charges", "Account maintenance fee"]
            .choose(&mut self.rng)
            .copied()
            .unwrap_or("fee");
        self.bank_line(a, day, -minor, String::new(), String::new(), None, text.into(), false);
        // The ledger accrues charges of the same amounts on other days: decoys, not matches.
        if self.rng.gen_bool(0.3) {
            let bank = self.w.accounts[a].bank_name.to_string();
            let d = day + self.rng.gen_range(-30..30);
            self.ledger_entry(a, d, -minor, String::new(), bank, "Bank charges accrual".into());
        }
    }

    fn unmatched_bank(&mut self) {
        let (a, cp, day) = (self.account(), self.cp(), self.day());
        let minor = self.amount();
        let e2e = self.e2e();
        let inv = self.invoice_number();
        let text = self.noisy_invoice(inv);
        self.bank_line(a, day, minor, e2e, String::new(), Some(cp), text, false);
    }

    fn unmatched_ledger(&mut self) {
        let kind = self.rng.gen_range(0..10);
        let template = self.singles.choose(&mut self.rng).map(|&i| self.out.ledger[i].clone());
        match (kind, template) {
            // Same account, amount and day as a real pair, another counterparty.
            (0..=2, Some(t)) => {
                let cp = self.cp();
                let name = self.ledger_name(cp);
                let a = self.account_of(&t.account_iban);
                let minor = t.amount.to_minor().unwrap_or(0);
                let day = (t.booking_date - self.w.start).num_days() + self.rng.gen_range(-1..=1);
                self.ledger_entry(a, day, minor, String::new(), name, "Open item".into());
            }
            // Same counterparty and amount, next month: not yet paid.
            (3..=5, Some(t)) => {
                let a = self.account_of(&t.account_iban);
                let minor = t.amount.to_minor().unwrap_or(0);
                let day = (t.booking_date - self.w.start).num_days() + self.rng.gen_range(20..40);
                self.ledger_entry(a, day, minor, String::new(), t.counterparty, "Open item".into());
            }
            _ => {
                let (a, cp, day) = (self.account(), self.cp(), self.day());
                let minor = self.amount();
                let minor = self.signed(minor);
                let e2e = self.e2e();
                let name = self.ledger_name(cp);
                self.ledger_entry(a, day, minor, e2e, name, "Outstanding payment".into());
            }
        }
    }

    fn account_of(&self, iban: &str) -> usize {
        self.w.accounts.iter().position(|x| x.iban == iban).unwrap_or(0)
    }
}

fn umlauts(s: &str) -> String {
    s.replace('ü', "ue")
        .replace('ä', "ae")
        .replace('ö', "oe")
        .replace('Ü', "Ue")
}
