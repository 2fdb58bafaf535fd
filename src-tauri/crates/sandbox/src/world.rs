//! The ERP and treasury side of the demo estate, generated from the AP system's data so the three
//! agree the way real systems do: an approved AP invoice becomes an ERP document with the AP id as
//! its reference, a payment instruction's end-to-end id names the invoice it pays, the bank's
//! statement carries the settled payments.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use domain::close_plan::period_day;
use domain::erp::*;
use domain::treasury::*;
use domain::{BusinessCalendar, Currency, Document};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

use crate::generate::{Generated, Size};
use crate::wire::Invoice;

/// Which ERP instance runs which entities: the group's own ERP, and the acquired US entity's.
pub const ERP_INSTANCES: &[(&str, &[&str])] = &[("erp-a", &["DE01", "FR01"]), ("erp-b", &["US01"])];

pub struct ErpData {
    pub name: &'static str,
    pub documents: Vec<Document>,
    /// Documents the ERP refused to post, ready to post when a person resubmits them.
    pub parked: Vec<PostedInvoice>,
}

/// One line of a bank statement as the bank books it.
#[derive(Debug, Clone)]
pub struct StatementLine {
    pub amount: Decimal,
    pub booking_date: NaiveDate,
    pub acct_svcr_ref: String,
    pub end_to_end_id: Option<String>,
    pub counterparty: String,
    pub counterparty_iban: Option<String>,
    pub remittance: String,
}

#[derive(Debug, Clone)]
pub struct StatementBody {
    pub account: HouseAccount,
    pub date: NaiveDate,
    pub opening: Decimal,
    pub lines: Vec<StatementLine>,
}

impl StatementBody {
    pub fn closing(&self) -> Decimal {
        self.opening + self.lines.iter().map(|l| l.amount).sum::<Decimal>()
    }
}

pub struct TreasuryData {
    pub documents: Vec<Document>,
    pub statements: BTreeMap<String, StatementBody>,
}

pub struct World {
    pub erps: Vec<ErpData>,
    pub treasury: TreasuryData,
}

/// A valid IBAN (ISO 13616 mod-97 check digits) for `country` and a basic bank account number.
pub fn iban(country: &str, bban: &str) -> String {
    let rearranged = format!("{bban}{country}00");
    let mut rem: u32 = 0;
    for c in rearranged.chars() {
        let digits = if c.is_ascii_digit() {
            c.to_string()
        } else {
            (c.to_ascii_uppercase() as u32 - 'A' as u32 + 10).to_string()
        };
        for d in digits.chars() {
            rem = (rem * 10 + d.to_digit(10).unwrap_or(0)) % 97;
        }
    }
    format!("{country}{:02}{bban}", 98 - rem)
}

fn bban(country: &str, rng: &mut impl Rng) -> String {
    let digits = |n: usize, rng: &mut dyn rand::RngCore| {
        (0..n)
            .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
            .collect::<String>()
    };
    match country {
        "DE" => digits(18, rng),
        "FR" => format!("{}{}", digits(21, rng), "00"),
        _ => format!("NWBK{}", digits(14, rng)),
    }
}

pub fn supplier_iban(country: &str, rng: &mut impl Rng) -> String {
    let c = if matches!(country, "DE" | "FR") { country } else { "GB" };
    iban(c, &bban(c, rng))
}

/// Banks and the group book on weekdays; holidays are each entity's own (its calendar).
fn bank_calendar() -> BusinessCalendar {
    BusinessCalendar::new(vec![Weekday::Sat, Weekday::Sun], [])
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap_or_default()
}

fn at(d: NaiveDate, hour: u32) -> DateTime<Utc> {
    d.and_hms_opt(hour, 0, 0).map(|t| t.and_utc()).unwrap_or_default()
}

/// Close task templates: (key, name, category, BD offset, duration, dependencies, signal).
type Template = (
    &'static str,
    &'static str,
    &'static str,
    i32,
    i32,
    &'static [&'static str],
    Option<&'static str>,
);
/// A task to generate: (key, name, category, BD offset, duration, dependencies, signal).
type Planned<'a> = (String, &'a str, &'a str, i32, i32, Vec<String>, Option<&'a str>);

const CLOSE_TEMPLATE: &[Template] = &[
    (
        "CUTOFF",
        "Cut-off reminder to budget holders",
        "pre-close",
        -3,
        1,
        &[],
        None,
    ),
    ("OPENPO", "Review open purchase orders", "pre-close", -2, 1, &[], None),
    (
        "ICCONF",
        "Confirm intercompany balances with partners",
        "intercompany",
        -2,
        2,
        &[],
        None,
    ),
    (
        "APCLOSE",
        "Close AP subledger",
        "payables",
        -1,
        1,
        &["OPENPO"],
        Some("ap_subledger_closed"),
    ),
    (
        "GRNI",
        "Accrue goods received not invoiced",
        "payables",
        1,
        1,
        &["APCLOSE"],
        None,
    ),
    (
        "BANKREC",
        "Bank reconciliation",
        "cash",
        1,
        1,
        &[],
        Some("bank_rec_certified"),
    ),
    ("DEPR", "Fixed asset depreciation run", "assets", 1, 1, &[], None),
    ("PREPAID", "Prepaid expense amortisation", "accruals", 1, 1, &[], None),
    ("PAYROLL", "Payroll accrual", "accruals", 1, 1, &["CUTOFF"], None),
    (
        "ICREC",
        "Intercompany reconciliation",
        "intercompany",
        2,
        1,
        &["ICCONF"],
        None,
    ),
    ("FXREV", "FX revaluation", "cash", 2, 1, &["BANKREC"], None),
    ("REVCUT", "Revenue cut-off review", "revenue", 2, 1, &["CUTOFF"], None),
    ("INVVAL", "Inventory valuation", "inventory", 2, 1, &[], None),
    (
        "ICELIM",
        "Intercompany elimination",
        "intercompany",
        3,
        1,
        &["ICREC"],
        None,
    ),
    ("TAX", "Tax provision", "tax", 4, 1, &["FXREV", "REVCUT"], None),
    (
        "BSREC",
        "Balance sheet reconciliations",
        "review",
        4,
        2,
        &["GRNI", "BANKREC", "ICREC"],
        None,
    ),
    (
        "TBREV",
        "Trial balance review",
        "review",
        5,
        1,
        &["TAX", "BSREC", "ICELIM", "DEPR", "PREPAID", "PAYROLL", "INVVAL"],
        None,
    ),
    ("MGMT", "Management reporting pack", "reporting", 6, 1, &["TBREV"], None),
    (
        "GLCLOSE",
        "Close general ledger period",
        "review",
        6,
        1,
        &["MGMT"],
        Some("gl_closed"),
    ),
];

const POSTING_ERRORS: &[(&str, &str)] = &[
    (
        "F5-702",
        "Balance in transaction currency: the document does not balance after tax",
    ),
    ("M8-082", "Tax code missing on an invoice line"),
    ("F5-201", "Posting period is closed for the posting date"),
    ("M8-321", "Supplier is blocked for posting"),
    ("KI-235", "Cost center is locked for primary postings"),
];

const REJECTIONS: &[&str] = &["AC01", "AC04", "AM04", "MS03", "RC01", "AC01"];

struct Ctx<'a> {
    g: &'a Generated,
    now: DateTime<Utc>,
    today: NaiveDate,
}

pub fn build(g: &Generated, seed: u64, size: Size, now: DateTime<Utc>) -> World {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xE4B);
    let cx = Ctx {
        g,
        now,
        today: now.date_naive(),
    };
    // Every ERP keeps its own copy of the vendor master, with the bank account payments go to.
    let mut ibans: HashMap<String, String> = HashMap::new();
    let mut masters = Vec::new();
    let mut changes = Vec::new();
    let changers: Vec<&str> = g.users.iter().map(|u| u.id.as_str()).collect();
    for s in &g.suppliers {
        let current = supplier_iban(&s.country, &mut rng);
        if rng.gen_ratio(1, 30) {
            let changed_at = at(cx.today - Duration::days(rng.gen_range(1..40)), rng.gen_range(8..18));
            changes.push(BankAccountChange {
                id: format!("BAC-{}", s.id),
                supplier_id: s.id.clone(),
                old_iban: supplier_iban(&s.country, &mut rng),
                new_iban: current.clone(),
                changed_by: changers[rng.gen_range(0..changers.len())].to_string(),
                changed_at,
                version: 1,
                modified_at: cx.now,
            });
        }
        ibans.insert(s.id.clone(), current.clone());
        masters.push(SupplierMaster {
            id: s.id.clone(),
            name: s.name.clone(),
            country: s.country.clone(),
            blocked: s.on_hold,
            iban: current,
            version: 1,
            modified_at: cx.now,
        });
    }

    let clerk_ids: Vec<&str> = g
        .users
        .iter()
        .filter(|u| u.roles.iter().any(|r| r == "ap_clerk"))
        .map(|u| u.id.as_str())
        .collect();
    let mut erps = Vec::new();
    let mut posted_all: Vec<PostedInvoice> = Vec::new();
    for (name, codes) in ERP_INSTANCES {
        let mut docs: Vec<Document> = Vec::new();
        for e in g.entities.iter().filter(|e| codes.contains(&e.code.as_str())) {
            docs.push(Document::CompanyCode(CompanyCode {
                id: e.code.clone(),
                name: e.name.clone(),
                currency: Currency::new(&e.currency).unwrap_or_else(|_| unreachable!("generated currencies are ISO")),
                time_zone: e.time_zone.clone(),
                country: e.code[..2].to_string(),
                version: 1,
                modified_at: cx.now,
            }));
            for (account, acc_name, kind) in [
                ("1000", "Bank main account", "cash"),
                ("1400", "Receivables from affiliates", "ic_receivable"),
                ("1600", "Trade receivables", "receivable"),
                ("3300", "Trade payables", "payable"),
                ("3400", "Payables to affiliates", "ic_payable"),
                ("3900", "Accrued liabilities", "accrual"),
                ("6000", "Materials and supplies", "expense"),
                ("6300", "Services", "expense"),
                ("6800", "IT and software", "expense"),
                ("8000", "Revenue", "revenue"),
            ] {
                docs.push(Document::GlAccount(GlAccount {
                    id: format!("{}-{account}", e.code),
                    company_code: e.code.clone(),
                    account: account.into(),
                    name: acc_name.into(),
                    kind: kind.into(),
                    version: 1,
                    modified_at: cx.now,
                }));
            }
            for (i, cc) in ["CC-100", "CC-200", "CC-300", "CC-400", "CC-500"].iter().enumerate() {
                docs.push(Document::CostCenter(CostCenter {
                    id: format!("{}-{cc}", e.code),
                    company_code: e.code.clone(),
                    code: cc.to_string(),
                    name: ["Operations", "Sales", "IT", "Finance", "Facilities"][i].into(),
                    owner: g.users[i % g.users.len()].id.clone(),
                    version: 1,
                    modified_at: cx.now,
                }));
            }
        }
        docs.extend(masters.iter().cloned().map(Document::SupplierMaster));
        docs.extend(changes.iter().cloned().map(Document::BankAccountChange));
        let mut posted_here = Vec::new();
        let mut parked = Vec::new();
        for inv in g.invoices.iter().filter(|i| codes.contains(&i.entity.as_str())) {
            procurement(&cx, inv, &clerk_ids, &mut rng, &mut docs);
            if inv.status == "approved" {
                if rng.gen_ratio(1, 20) {
                    let (code, message) = POSTING_ERRORS[rng.gen_range(0..POSTING_ERRORS.len())];
                    docs.push(Document::PostingError(PostingError {
                        id: format!("PE-{}", inv.id),
                        company_code: inv.entity.clone(),
                        ap_reference: inv.id.clone(),
                        code: code.into(),
                        message: message.into(),
                        occurred_at: cx.now - Duration::hours(rng.gen_range(1..200)),
                        status: "open".into(),
                        version: 1,
                        modified_at: cx.now,
                    }));
                    parked.push(posted(inv, cx.now));
                } else {
                    posted_here.push(posted(inv, cx.now));
                }
            }
        }
        for e in g.entities.iter().filter(|e| codes.contains(&e.code.as_str())) {
            let holidays = e.holidays.iter().filter_map(|h| h.parse().ok());
            let calendar = BusinessCalendar::new(vec![Weekday::Sat, Weekday::Sun], holidays);
            close_and_periods(&cx, &e.code, &calendar, size, &mut rng, &mut docs);
            journals(&cx, &e.code, &e.currency, size, &mut rng, &mut docs);
        }
        posted_all.extend(posted_here);
        erps.push(ErpData {
            name,
            documents: docs,
            parked,
        });
    }

    let (treasury, paid) = treasury(&cx, &posted_all, &ibans, &mut rng);
    let duplicates = double_bookings(&posted_all, &mut rng);
    // Paid invoices and their payments go back to the ERP that posted them.
    for erp in erps.iter_mut() {
        let codes = ERP_INSTANCES
            .iter()
            .find(|(n, _)| *n == erp.name)
            .map(|(_, c)| *c)
            .unwrap_or(&[]);
        for mut p in posted_all
            .iter()
            .filter(|p| codes.contains(&p.company_code.as_str()))
            .cloned()
        {
            if paid.settled.contains_key(&p.ap_reference) {
                p.status = "paid".into();
            }
            erp.documents.push(Document::PostedInvoice(p));
        }
        for d in duplicates.iter().filter(|d| codes.contains(&d.company_code.as_str())) {
            erp.documents.push(Document::PostedInvoice(d.clone()));
        }
        for pay in paid
            .payments
            .iter()
            .filter(|p| codes.contains(&p.company_code.as_str()))
        {
            erp.documents.push(Document::Payment(pay.clone()));
        }
    }
    World { erps, treasury }
}

/// One posted bill in forty booked a second time, as happens when a supplier sends a reminder
/// copy: the number keyed differently, a day or two apart, sometimes by the other ERP's entity.
fn double_bookings(posted: &[PostedInvoice], rng: &mut impl Rng) -> Vec<PostedInvoice> {
    let all_codes: Vec<&str> = ERP_INSTANCES.iter().flat_map(|(_, c)| c.iter().copied()).collect();
    let mut out = Vec::new();
    for p in posted {
        if !rng.gen_ratio(1, 40) {
            continue;
        }
        let mut d = p.clone();
        d.id = format!("59{}", &p.id[2..]);
        d.invoice_number = match rng.gen_range(0..3) {
            0 => p.invoice_number.replace('-', ""),
            1 => format!("INV {}", p.invoice_number.to_lowercase()),
            _ => p.invoice_number.replace('-', "/"),
        };
        d.invoice_date = p.invoice_date + Duration::days(rng.gen_range(0..3));
        d.posting_date = d.posting_date.max(d.invoice_date);
        if rng.gen_ratio(1, 2) {
            d.company_code = all_codes[rng.gen_range(0..all_codes.len())].to_string();
        }
        d.purchase_order_id = None;
        for l in &mut d.lines {
            l.po_line_no = None;
        }
        d.status = "posted".into();
        out.push(d);
    }
    out
}

/// The PO and goods receipt behind an invoice that quotes a PO, with the variances real
/// purchasing has: a price agreed lower than invoiced, a short delivery, no receipt yet.
fn procurement(cx: &Ctx, inv: &Invoice, clerks: &[&str], rng: &mut impl Rng, docs: &mut Vec<Document>) {
    let Some(po_id) = &inv.po_number else { return };
    let Ok(currency) = Currency::new(&inv.currency) else {
        return;
    };
    let price_variance = rng.gen_ratio(1, 25);
    let short_delivery = rng.gen_ratio(1, 25);
    let no_receipt = rng.gen_ratio(1, 30);
    let order_date = inv.invoice_date.parse::<NaiveDate>().unwrap_or(cx.today) - Duration::days(rng.gen_range(7..30));
    let lines: Vec<PoLine> = inv
        .lines
        .iter()
        .map(|l| {
            let mut unit = dec(&l.unit_price);
            if price_variance && l.line_no == 1 {
                unit = (unit * Decimal::new(100 - rng.gen_range(2..12), 2)).round_dp(2);
            }
            let qty = dec(&l.quantity);
            PoLine {
                line_no: l.line_no,
                description: l.description.clone(),
                quantity: qty,
                unit_price: unit,
                amount: (qty * unit).round_dp(2),
            }
        })
        .collect();
    if !no_receipt {
        docs.push(Document::GoodsReceipt(GoodsReceipt {
            id: format!("GR-{}", &po_id[3..]),
            company_code: inv.entity.clone(),
            purchase_order_id: po_id.clone(),
            received_date: order_date + Duration::days(rng.gen_range(2..10)),
            lines: lines
                .iter()
                .map(|l| ReceiptLine {
                    po_line_no: l.line_no,
                    quantity: if short_delivery && l.line_no == 1 && l.quantity > Decimal::ONE {
                        l.quantity - Decimal::ONE
                    } else {
                        l.quantity
                    },
                })
                .collect(),
            version: 1,
            modified_at: cx.now,
        }));
    }
    docs.push(Document::PurchaseOrder(PurchaseOrder {
        id: po_id.clone(),
        company_code: inv.entity.clone(),
        supplier_id: inv.supplier_id.clone(),
        currency,
        order_date,
        created_by: clerks[rng.gen_range(0..clerks.len())].to_string(),
        status: "open".into(),
        lines,
        version: 1,
        modified_at: cx.now,
    }));
}

/// The ERP document for an AP invoice posted at `now`.
pub fn posted(inv: &Invoice, now: DateTime<Utc>) -> PostedInvoice {
    let today = now.date_naive();
    let n: u64 = inv.id.trim_start_matches("INV-").parse().unwrap_or(0);
    let invoice_date = inv.invoice_date.parse().unwrap_or(today);
    PostedInvoice {
        id: format!("51{n:08}"),
        company_code: inv.entity.clone(),
        ap_reference: inv.id.clone(),
        supplier_id: inv.supplier_id.clone(),
        invoice_number: inv.number.clone(),
        invoice_date,
        posting_date: (invoice_date + Duration::days(3)).min(today),
        due_date: inv.due_date.parse().unwrap_or(today),
        currency: Currency::new(&inv.currency).unwrap_or_else(|_| unreachable!("generated currencies are ISO")),
        amount: dec(&inv.total),
        status: "posted".into(),
        purchase_order_id: inv.po_number.clone(),
        lines: inv
            .lines
            .iter()
            .map(|l| PostedLine {
                line_no: l.line_no,
                po_line_no: inv.po_number.as_ref().map(|_| l.line_no),
                quantity: dec(&l.quantity),
                unit_price: dec(&l.unit_price),
                amount: dec(&l.amount),
                gl_account: l.gl_account.clone(),
                cost_center: l.cost_center.clone(),
            })
            .collect(),
        version: 1,
        modified_at: now,
    }
}

fn month_start(d: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.year(), d.month(), 1).unwrap_or(d)
}

fn prev_month(d: NaiveDate) -> NaiveDate {
    month_start(month_start(d) - Duration::days(1))
}

/// Period status and close tasks: the periods before last are closed and reviewed; last
/// month's close is nearly done (a few tasks late or sent back); this month's starts at BD-3.
fn close_and_periods(
    cx: &Ctx,
    code: &str,
    calendar: &BusinessCalendar,
    size: Size,
    rng: &mut impl Rng,
    docs: &mut Vec<Document>,
) {
    let current = month_start(cx.today);
    let periods: usize = if size == Size::L { 12 } else { 3 };
    let mut period = current;
    let mut list = Vec::new();
    for _ in 0..periods {
        list.push(period);
        period = prev_month(period);
    }
    list.reverse();
    let controllers: Vec<&str> =
        cx.g.users
            .iter()
            .filter(|u| u.roles.iter().any(|r| r == "controller"))
            .map(|u| u.id.as_str())
            .collect();
    let owners: Vec<&str> =
        cx.g.users
            .iter()
            .filter(|u| !u.roles.iter().any(|r| r == "controller"))
            .map(|u| u.id.as_str())
            .collect();
    // At L, 2,000 tasks per period over the group: the template plus per-account reconciliations.
    let extra_recs = if size == Size::L {
        2_000 / 3 - CLOSE_TEMPLATE.len()
    } else {
        0
    };
    for p in list {
        let pname = format!("{:04}-{:02}", p.year(), p.month());
        let is_current = p == current;
        let is_last = p == prev_month(current);
        docs.push(Document::PeriodStatus(PeriodStatus {
            id: format!("{code}-{pname}"),
            company_code: code.into(),
            period: pname.clone(),
            ap_subledger: if is_current { "open" } else { "closed" }.into(),
            general_ledger: if is_current {
                "open"
            } else if is_last {
                "soft_close"
            } else {
                "closed"
            }
            .into(),
            version: 1,
            modified_at: cx.now,
        }));
        let mut tasks: Vec<Planned> = CLOSE_TEMPLATE
            .iter()
            .map(|(k, n, c, o, d, deps, s)| {
                (
                    k.to_string(),
                    *n,
                    *c,
                    *o,
                    *d,
                    deps.iter().map(|d| d.to_string()).collect(),
                    *s,
                )
            })
            .collect();
        for i in 0..extra_recs {
            tasks.push((
                format!("REC{i:04}"),
                "Account reconciliation",
                "reconciliation",
                3,
                1,
                vec!["GRNI".into()],
                None,
            ));
        }
        for (i, (key, name, category, offset, duration, deps, signal)) in tasks.iter().enumerate() {
            let due = period_day(calendar, p, *offset);
            let owner = owners[(i + code.len()) % owners.len()];
            let reviewer = controllers[i % controllers.len().max(1)];
            let (status, submitted, reviewed) = if is_current {
                if due < cx.today {
                    ("submitted", true, false)
                } else if due <= cx.today + Duration::days(3) && rng.gen_ratio(1, 2) {
                    ("in_progress", false, false)
                } else {
                    ("not_started", false, false)
                }
            } else if is_last && matches!(key.as_str(), "ICREC" | "ICELIM" | "TBREV" | "MGMT" | "GLCLOSE") {
                // Last month's close is stuck on intercompany, as it so often is.
                match key.as_str() {
                    "ICREC" if code == "FR01" => ("sent_back", true, false),
                    "ICREC" => ("submitted", true, false),
                    _ => ("not_started", false, false),
                }
            } else {
                ("reviewed", true, true)
            };
            let name = if key.starts_with("REC") {
                format!("{name} {}", 1000 + i)
            } else {
                name.to_string()
            };
            docs.push(Document::CloseTask(CloseTask {
                id: format!("CT-{code}-{pname}-{key}"),
                company_code: code.into(),
                period: pname.clone(),
                name,
                category: category.to_string(),
                owner: owner.into(),
                reviewer: reviewer.into(),
                day_offset: *offset,
                duration_days: *duration,
                depends_on: deps.iter().map(|d| format!("CT-{code}-{pname}-{d}")).collect(),
                status: status.into(),
                signal: signal.map(str::to_string),
                submitted_by: submitted.then(|| owner.to_string()),
                submitted_at: submitted.then(|| at(due, 15)),
                reviewed_by: reviewed.then(|| reviewer.to_string()),
                reviewed_at: reviewed.then(|| at(due, 17)),
                note: (status == "sent_back")
                    .then(|| "Difference with DE01 on the service recharge not explained".to_string()),
                version: 1,
                modified_at: cx.now,
            }));
        }
    }
}

/// Accruals, recharges and intercompany charges; the group's entities charge each other and now
/// and then the two sides do not agree.
fn journals(cx: &Ctx, code: &str, currency: &str, size: Size, rng: &mut impl Rng, docs: &mut Vec<Document>) {
    let Ok(ccy) = Currency::new(currency) else { return };
    let count = if size == Size::L { 200_000 / 3 } else { 20 };
    let partners: Vec<&str> =
        cx.g.entities
            .iter()
            .map(|e| e.code.as_str())
            .filter(|c| *c != code)
            .collect();
    for n in 0..count {
        let date = bank_calendar().add_business_days(cx.today, -rng.gen_range(0..60));
        let amount = Decimal::new(rng.gen_range(10_000..5_000_000), 2);
        let ic = n % 4 == 0 && !partners.is_empty();
        let (desc, lines) = if ic {
            let partner = partners[rng.gen_range(0..partners.len())];
            (
                format!("Service recharge to {partner}"),
                vec![
                    JournalLine {
                        account: "1400".into(),
                        debit: amount,
                        credit: Decimal::ZERO,
                        partner: Some(partner.into()),
                    },
                    JournalLine {
                        account: "8000".into(),
                        debit: Decimal::ZERO,
                        credit: amount,
                        partner: None,
                    },
                ],
            )
        } else {
            (
                [
                    "Accrual for services received",
                    "Prepaid rent release",
                    "Depreciation",
                    "Payroll accrual",
                ][n % 4]
                    .to_string(),
                vec![
                    JournalLine {
                        account: "6300".into(),
                        debit: amount,
                        credit: Decimal::ZERO,
                        partner: None,
                    },
                    JournalLine {
                        account: "3900".into(),
                        debit: Decimal::ZERO,
                        credit: amount,
                        partner: None,
                    },
                ],
            )
        };
        docs.push(Document::Journal(Journal {
            id: format!("JE-{code}-{:07}", n + 1),
            company_code: code.into(),
            period: format!("{:04}-{:02}", date.year(), date.month()),
            posting_date: date,
            description: desc,
            currency: ccy,
            created_by: cx.g.users[rng.gen_range(0..cx.g.users.len())].id.clone(),
            lines,
            version: 1,
            modified_at: cx.now,
        }));
    }
}

struct Paid {
    /// AP invoice id → the payment's end-to-end id, for invoices the bank settled.
    settled: HashMap<String, String>,
    payments: Vec<Payment>,
}

/// House accounts, payment runs on Tuesdays and Thursdays, every instruction's status history,
/// and ten business days of statements carrying the settled payments.
fn treasury(
    cx: &Ctx,
    posted: &[PostedInvoice],
    ibans: &HashMap<String, String>,
    rng: &mut impl Rng,
) -> (TreasuryData, Paid) {
    let mut docs = Vec::new();
    let mut accounts = BTreeMap::new();
    for e in &cx.g.entities {
        let country = &e.code[..2];
        let c = if matches!(country, "DE" | "FR") { country } else { "GB" };
        let account = HouseAccount {
            id: format!("ACC-{}-{}", e.code, e.currency),
            entity: e.code.clone(),
            iban: iban(c, &bban(c, rng)),
            bic: match country {
                "DE" => "COBADEFFXXX",
                "FR" => "BNPAFRPPXXX",
                _ => "CHASUS33XXX",
            }
            .into(),
            bank_name: match country {
                "DE" => "Commerzbank",
                "FR" => "BNP Paribas",
                _ => "JPMorgan Chase",
            }
            .into(),
            currency: Currency::new(&e.currency).unwrap_or_else(|_| unreachable!("generated currencies are ISO")),
            version: 1,
            modified_at: cx.now,
        };
        docs.push(Document::HouseAccount(account.clone()));
        accounts.insert(e.code.clone(), account);
    }
    let names: HashMap<&str, &str> =
        cx.g.suppliers
            .iter()
            .map(|s| (s.id.as_str(), s.name.as_str()))
            .collect();
    // Run dates: Tuesdays and Thursdays from six weeks back to a week ahead.
    let mut run_dates = Vec::new();
    let mut d = cx.today - Duration::days(42);
    while d <= cx.today + Duration::days(7) {
        if matches!(d.weekday(), Weekday::Tue | Weekday::Thu) {
            run_dates.push(d);
        }
        d += Duration::days(1);
    }
    // Each posted invoice goes into the first run on or after a week before it falls due.
    let mut runs: BTreeMap<(String, NaiveDate), BTreeMap<String, Vec<&PostedInvoice>>> = BTreeMap::new();
    for p in posted {
        let wanted = (p.due_date - Duration::days(7)).max(p.posting_date + Duration::days(1));
        let Some(date) = run_dates.iter().find(|d| **d >= wanted) else {
            continue;
        };
        runs.entry((p.company_code.clone(), *date))
            .or_default()
            .entry(p.supplier_id.clone())
            .or_default()
            .push(p);
    }
    let analyst =
        cx.g.users
            .iter()
            .find(|u| u.roles.iter().any(|r| r == "treasury_analyst"))
            .map(|u| u.id.clone())
            .unwrap_or_default();
    let mut paid = Paid {
        settled: HashMap::new(),
        payments: Vec::new(),
    };
    let mut settled_by_day: BTreeMap<(String, NaiveDate), Vec<StatementLine>> = BTreeMap::new();
    for (r, ((entity, date), by_supplier)) in runs.into_iter().enumerate() {
        let Some(account) = accounts.get(&entity) else { continue };
        let run_id = format!("PR-{entity}-{}", date.format("%Y%m%d"));
        let days_ago = (cx.today - date).num_days();
        let mut total = Decimal::ZERO;
        let mut rejected = 0;
        let count = by_supplier.len();
        for (i, (supplier, invoices)) in by_supplier.into_iter().enumerate() {
            let amount: Decimal = invoices.iter().map(|p| p.amount).sum();
            total += amount;
            let first = &invoices[0].ap_reference;
            let e2e = if invoices.len() == 1 {
                format!("E2E-{first}")
            } else {
                format!("E2E-{first}+{}", invoices.len() - 1)
            };
            let created = at(date - Duration::days(1), 9);
            let mut history = vec![StatusEvent {
                status: "PDNG".into(),
                reason: None,
                at: created,
            }];
            let steps: &[&str] = match days_ago {
                d if d < 0 => &[],
                0 => &["ACTC"],
                1 => &["ACTC", "ACCP"],
                2 => &["ACTC", "ACCP", "ACSP"],
                _ => &["ACTC", "ACCP", "ACSP", "ACSC"],
            };
            let reject = !steps.is_empty() && rng.gen_ratio(1, 22);
            let mut reason = None;
            for (k, s) in steps.iter().enumerate() {
                let when = at(date, 8 + 3 * k as u32);
                if reject && k == 1 {
                    let code = REJECTIONS[rng.gen_range(0..REJECTIONS.len())];
                    reason = Some(code.to_string());
                    history.push(StatusEvent {
                        status: "RJCT".into(),
                        reason: reason.clone(),
                        at: when,
                    });
                    break;
                }
                history.push(StatusEvent {
                    status: s.to_string(),
                    reason: None,
                    at: when.min(cx.now),
                });
            }
            let status = history.last().map(|h| h.status.clone()).unwrap_or_default();
            if status == "RJCT" {
                rejected += 1;
            }
            let creditor_iban = ibans.get(&supplier).cloned().unwrap_or_default();
            let creditor_name = names.get(supplier.as_str()).copied().unwrap_or("").to_string();
            let remittance = invoices
                .iter()
                .map(|p| p.invoice_number.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let id = format!("PI-{entity}-{}-{:04}", date.format("%Y%m%d"), i + 1);
            if status == "ACSC" || status == "ACSP" {
                paid.payments.push(Payment {
                    id: format!("PAY-{}", &id[3..]),
                    company_code: entity.clone(),
                    supplier_id: supplier.clone(),
                    currency: account.currency,
                    amount,
                    payment_date: date,
                    end_to_end_id: e2e.clone(),
                    invoice_ids: invoices.iter().map(|p| p.ap_reference.clone()).collect(),
                    status: if status == "ACSC" { "cleared" } else { "sent" }.into(),
                    version: 1,
                    modified_at: cx.now,
                });
            }
            if status == "ACSC" {
                for p in &invoices {
                    paid.settled.insert(p.ap_reference.clone(), e2e.clone());
                }
                settled_by_day
                    .entry((entity.clone(), date))
                    .or_default()
                    .push(StatementLine {
                        amount: -amount,
                        booking_date: date,
                        acct_svcr_ref: format!("{}{:06}", date.format("%y%m%d"), r * 1000 + i),
                        end_to_end_id: Some(e2e.clone()),
                        counterparty: creditor_name.clone(),
                        counterparty_iban: Some(creditor_iban.clone()),
                        remittance: remittance.clone(),
                    });
            }
            docs.push(Document::PaymentInstruction(PaymentInstruction {
                id,
                run_id: run_id.clone(),
                entity: entity.clone(),
                supplier_id: supplier,
                creditor_name,
                creditor_iban,
                currency: account.currency,
                amount,
                end_to_end_id: e2e,
                invoice_ids: invoices.iter().map(|p| p.ap_reference.clone()).collect(),
                status,
                reason,
                history,
                version: 1,
                modified_at: cx.now,
            }));
        }
        let status = match days_ago {
            d if d < -2 => "draft",
            d if d < 0 => "approved",
            0 => "sent",
            1 | 2 => "acknowledged",
            _ if rejected == count => "rejected",
            _ if rejected > 0 => "partially_rejected",
            _ => "completed",
        };
        docs.push(Document::PaymentRun(PaymentRun {
            id: run_id,
            entity: entity.clone(),
            account_id: account.id.clone(),
            currency: account.currency,
            value_date: date,
            created_by: analyst.clone(),
            status: status.into(),
            instruction_count: count as i64,
            total,
            version: 1,
            modified_at: cx.now,
        }));
    }
    // Statements: ten business days per account, settled payments out, customer receipts in.
    let mut statements = BTreeMap::new();
    for (code, account) in &accounts {
        let mut balance = Decimal::new(rng.gen_range(50_000_000..400_000_000), 2);
        let bank = bank_calendar();
        let mut day = bank.add_business_days(cx.today, -10);
        while day < cx.today {
            let mut lines = settled_by_day.remove(&(code.clone(), day)).unwrap_or_default();
            for k in 0..rng.gen_range(1..4) {
                let customer = &cx.g.suppliers[rng.gen_range(0..cx.g.suppliers.len())];
                lines.push(StatementLine {
                    amount: Decimal::new(rng.gen_range(100_000..9_000_000), 2),
                    booking_date: day,
                    acct_svcr_ref: format!("{}R{:05}", day.format("%y%m%d"), k),
                    end_to_end_id: None,
                    counterparty: format!("{} (customer)", customer.name),
                    counterparty_iban: None,
                    remittance: format!("Customer payment AR-{}", rng.gen_range(100_000..999_999)),
                });
            }
            lines.push(StatementLine {
                amount: -Decimal::new(rng.gen_range(500..5_000), 2),
                booking_date: day,
                acct_svcr_ref: format!("{}F00001", day.format("%y%m%d")),
                end_to_end_id: None,
                counterparty: account.bank_name.clone(),
                counterparty_iban: None,
                remittance: "Account maintenance and transfer fees".into(),
            });
            let body = StatementBody {
                account: account.clone(),
                date: day,
                opening: balance,
                lines,
            };
            balance = body.closing();
            let id = format!("STM-{}-{}", account.id, day.format("%Y%m%d"));
            docs.push(Document::StatementNotice(StatementNotice {
                id: id.clone(),
                account_id: account.id.clone(),
                date: day,
                entries: body.lines.len() as i64,
                version: 1,
                modified_at: cx.now,
            }));
            docs.push(Document::Balance(Balance {
                id: format!("BAL-{}-{}", account.id, day.format("%Y%m%d")),
                account_id: account.id.clone(),
                date: day,
                currency: account.currency,
                closing_booked: balance,
                version: 1,
                modified_at: cx.now,
            }));
            statements.insert(id, body);
            day = bank.add_business_days(day, 1);
        }
    }
    (
        TreasuryData {
            documents: docs,
            statements,
        },
        paid,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibans_carry_valid_check_digits() {
        // The textbook example of ISO 13616.
        assert_eq!(iban("GB", "WEST12345698765432"), "GB82WEST12345698765432");
        assert_eq!(iban("DE", "370400440532013000"), "DE89370400440532013000");
    }
}
