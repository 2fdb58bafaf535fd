//! The seeded generator: consistent users, entities, suppliers, invoices and approval chains,
//! with assignment dates spread over weeks so every aging bucket has work in it.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::names::{LINE_ITEMS, PEOPLE, SUPPLIER_STEMS, SUPPLIER_TRADES};
use crate::wire::{ApprovalStep, Entity, Invoice, InvoiceLine, Supplier, User};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Size {
    Demo,
    L,
    /// A given number of invoices, for tests and benchmarks between the two.
    Invoices(usize),
}

impl Size {
    fn invoices(self) -> usize {
        match self {
            Size::Demo => 600,
            Size::L => 1_000_000,
            Size::Invoices(n) => n,
        }
    }

    fn suppliers(self) -> usize {
        match self {
            Size::Demo => 80,
            Size::L => 10_000,
            Size::Invoices(n) => (n / 100).clamp(80, 10_000),
        }
    }
}

impl std::str::FromStr for Size {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "demo" => Ok(Size::Demo),
            "l" => Ok(Size::L),
            other => other
                .parse::<usize>()
                .map(Size::Invoices)
                .map_err(|_| format!("unknown size {other:?}; expected demo, L or a number of invoices")),
        }
    }
}

pub struct Generated {
    pub users: Vec<User>,
    pub entities: Vec<Entity>,
    pub suppliers: Vec<Supplier>,
    pub invoices: Vec<Invoice>,
    pub approvals: Vec<ApprovalStep>,
}

pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

struct EntitySpec {
    code: &'static str,
    name: &'static str,
    currency: &'static str,
    tz: &'static str,
    holidays: &'static [&'static str],
}

const ENTITIES: &[EntitySpec] = &[
    EntitySpec {
        code: "DE01",
        name: "Nordwind Handels GmbH",
        currency: "EUR",
        tz: "Europe/Berlin",
        holidays: &[
            "2026-10-03",
            "2026-12-24",
            "2026-12-25",
            "2026-12-26",
            "2026-12-31",
            "2027-01-01",
        ],
    },
    EntitySpec {
        code: "FR01",
        name: "Lumière Distribution SAS",
        currency: "EUR",
        tz: "Europe/Paris",
        holidays: &["2026-11-01", "2026-11-11", "2026-12-25", "2027-01-01"],
    },
    EntitySpec {
        code: "US01",
        name: "Harbor Supply Inc.",
        currency: "USD",
        tz: "America/New_York",
        holidays: &[
            "2026-10-12",
            "2026-11-11",
            "2026-11-26",
            "2026-11-27",
            "2026-12-25",
            "2027-01-01",
        ],
    },
];

/// Walks back `n` weekdays (holidays ignored: the source assigns on its own clock).
fn weekdays_back(from: NaiveDate, n: i64) -> NaiveDate {
    let mut d = from;
    let mut left = n;
    while left > 0 {
        d -= Duration::days(1);
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    d
}

fn money(minor: i64) -> String {
    Decimal::new(minor, 2).to_string()
}

/// What an invoice is generated from.
pub(crate) struct Cast<'a> {
    pub entities: &'a [Entity],
    pub suppliers: &'a [Supplier],
    pub approvers: &'a [&'a User],
    pub clerks: &'a [&'a User],
}

/// One invoice and its approval chain. `fresh` makes one that just arrived (first step pending,
/// assigned today), as the demo clock adds them.
pub(crate) fn invoice(
    w: &Cast,
    n: usize,
    fresh: bool,
    rng: &mut impl Rng,
    now: DateTime<Utc>,
) -> (Invoice, Vec<ApprovalStep>) {
    let today = now.date_naive();
    let mut steps_out = Vec::new();
    let entity = &w.entities[rng.gen_range(0..w.entities.len())];
    let supplier = &w.suppliers[rng.gen_range(0..w.suppliers.len())];
    // Ages up to ~30 business days; skewed young, as real queues are.
    let age: i64 = match fresh {
        true => 0,
        false if rng.gen_ratio(1, 3) => rng.gen_range(0..4),
        false => rng.gen_range(0..32),
    };
    let received = weekdays_back(today, age);
    let invoice_date = received - Duration::days(rng.gen_range(1..6));
    let due_date = invoice_date + Duration::days([14, 30, 30, 45, 60][rng.gen_range(0..5)]);
    let line_count = rng.gen_range(1..=4);
    let mut lines = Vec::with_capacity(line_count);
    let mut total = 0i64;
    for l in 0..line_count {
        let (desc, account, cc) = LINE_ITEMS[rng.gen_range(0..LINE_ITEMS.len())];
        let quantity = rng.gen_range(1..=40i64);
        let unit_minor = rng.gen_range(500..250_000i64) / if rng.gen_ratio(1, 3) { 10 } else { 1 };
        let amount = quantity * unit_minor;
        total += amount;
        lines.push(InvoiceLine {
            line_no: l as i64 + 1,
            description: desc.into(),
            quantity: quantity.to_string(),
            unit_price: money(unit_minor),
            amount: money(amount),
            gl_account: account.into(),
            cost_center: cc.into(),
        });
    }
    let invoice_id = format!("INV-{:07}", n + 1);
    let mut created_by = w.clerks[rng.gen_range(0..w.clerks.len())].id.clone();
    let coded_by = w.clerks[rng.gen_range(0..w.clerks.len())].id.clone();
    let steps: &[&str] = match total {
        t if t < 500_000 => &["Budget owner"],
        t if t < 2_500_000 => &["Budget owner", "Controller"],
        _ => &["Budget owner", "Controller", "CFO"],
    };
    // Most invoices wait at their first step; some have moved on; about one in five is done
    // (and goes on to the ERP, a payment run and the bank in the estate's world).
    let done_extra = usize::from(rng.gen_ratio(1, 2));
    let current = if fresh {
        0
    } else {
        rng.gen_range(0..steps.len() + done_extra)
    };
    let assigned_at = received
        .and_hms_opt(rng.gen_range(7..17), rng.gen_range(0..60), 0)
        .map(|t| t.and_utc())
        .unwrap_or(now);
    let mut chain_approvers = Vec::new();
    for (s, step_name) in steps.iter().enumerate() {
        // Routing never sends an invoice to the person who keyed or coded it …
        let mut pick = n + s * 3 + rng.gen_range(0..2);
        while [&created_by, &coded_by].contains(&&w.approvers[pick % w.approvers.len()].id) {
            pick += 1;
        }
        let approver = w.approvers[pick % w.approvers.len()];
        chain_approvers.push(approver.id.clone());
        let (status, decided_at, decided_by) = match s.cmp(&current) {
            std::cmp::Ordering::Less => (
                "approved",
                Some(ts(assigned_at - Duration::days(1))),
                Some(approver.id.clone()),
            ),
            std::cmp::Ordering::Equal => ("pending", None, None),
            std::cmp::Ordering::Greater => ("waiting", None, None),
        };
        steps_out.push(ApprovalStep {
            id: format!("APR-{:07}-{}", n + 1, s + 1),
            invoice_id: invoice_id.clone(),
            entity: entity.code.clone(),
            step: s as i64 + 1,
            step_count: steps.len() as i64,
            step_name: (*step_name).into(),
            approver_id: approver.id.clone(),
            status: status.into(),
            assigned_at: ts(if s <= current { assigned_at } else { now }),
            decided_at,
            decided_by,
            comment: None,
            version: 1,
            updated_at: ts(now),
        });
    }
    // … except one in 25, keyed by the very person it now waits on, which SoD must catch.
    if current < steps.len() && rng.gen_ratio(1, 25) {
        created_by = chain_approvers[current].clone();
    }
    let status = if current >= steps.len() {
        "approved"
    } else {
        "pending_approval"
    };
    let invoice = Invoice {
        id: invoice_id,
        entity: entity.code.clone(),
        supplier_id: supplier.id.clone(),
        number: format!(
            "{}-{}",
            &supplier.name[..2].to_uppercase(),
            10_000 + rng.gen_range(0..90_000)
        ),
        invoice_date: invoice_date.to_string(),
        due_date: due_date.to_string(),
        currency: entity.currency.clone(),
        total: money(total),
        status: status.into(),
        // One PO per invoice that quotes one; the draw stays so seeds keep their data.
        po_number: rng.gen_ratio(2, 3).then(|| {
            let _ = rng.gen_range(0..100_000);
            format!("PO-{}", 4_000_000 + n)
        }),
        created_by: Some(created_by),
        coded_by: Some(coded_by),
        lines,
        version: 1,
        updated_at: ts(now),
    };
    (invoice, steps_out)
}

pub fn generate(seed: u64, size: Size, now: DateTime<Utc>) -> Generated {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let stamp = ts(now);
    let users: Vec<User> = PEOPLE
        .iter()
        .enumerate()
        .map(|(i, (first, last))| {
            // The first six approve; the rest capture and code invoices. Two approvers also
            // capture invoices now and then, which segregation of duties must catch.
            let roles = match i {
                0..=1 => vec!["approver", "controller"],
                2..=5 => vec!["approver"],
                6..=8 => vec!["ap_clerk"],
                9 => vec!["treasury_analyst"],
                _ => vec!["ap_clerk", "approver"],
            };
            User {
                id: format!("U{:03}", i + 1),
                name: format!("{first} {last}"),
                email: format!(
                    "{}.{}@example.com",
                    first.to_lowercase(),
                    last.to_lowercase().replace('í', "i")
                ),
                roles: roles.into_iter().map(String::from).collect(),
                version: 1,
                updated_at: stamp.clone(),
            }
        })
        .collect();
    let approvers: Vec<&User> = users
        .iter()
        .filter(|u| u.roles.iter().any(|r| r == "approver"))
        .collect();
    let clerks: Vec<&User> = users
        .iter()
        .filter(|u| u.roles.iter().any(|r| r == "ap_clerk"))
        .collect();

    let entities: Vec<Entity> = ENTITIES
        .iter()
        .enumerate()
        .map(|(i, e)| Entity {
            id: format!("LE{}", i + 1),
            code: e.code.into(),
            name: e.name.into(),
            currency: e.currency.into(),
            time_zone: e.tz.into(),
            weekend: vec!["sat".into(), "sun".into()],
            holidays: e.holidays.iter().map(|h| h.to_string()).collect(),
            version: 1,
            updated_at: stamp.clone(),
        })
        .collect();

    let suppliers: Vec<Supplier> = (0..size.suppliers())
        .map(|i| {
            let stem = SUPPLIER_STEMS[i % SUPPLIER_STEMS.len()];
            let trade = SUPPLIER_TRADES[(i / SUPPLIER_STEMS.len() + i) % SUPPLIER_TRADES.len()];
            let (suffix, country) = match i % 4 {
                0 => ("GmbH", "DE"),
                1 => ("SAS", "FR"),
                2 => ("Inc.", "US"),
                _ => ("Ltd", "GB"),
            };
            let name = if i < SUPPLIER_STEMS.len() * SUPPLIER_TRADES.len() {
                format!("{stem} {trade} {suffix}")
            } else {
                format!(
                    "{stem} {trade} {} {suffix}",
                    i / (SUPPLIER_STEMS.len() * SUPPLIER_TRADES.len()) + 1
                )
            };
            Supplier {
                id: format!("S{:05}", i + 1),
                name,
                country: country.into(),
                bank_account: Some(format!("{country}** **** **** {:04}", rng.gen_range(0..10_000))),
                on_hold: rng.gen_ratio(1, 40),
                version: 1,
                updated_at: stamp.clone(),
            }
        })
        .collect();

    let cast = Cast {
        entities: &entities,
        suppliers: &suppliers,
        approvers: &approvers,
        clerks: &clerks,
    };
    let mut invoices = Vec::with_capacity(size.invoices());
    let mut approvals = Vec::new();
    for n in 0..size.invoices() {
        let (invoice, steps) = invoice(&cast, n, false, &mut rng, now);
        invoices.push(invoice);
        approvals.extend(steps);
    }
    Generated {
        users,
        entities,
        suppliers,
        invoices,
        approvals,
    }
}
