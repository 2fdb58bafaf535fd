//! Human-readable reasons, rendered from a proposal's evidence and the items' own text once a match
//! is accepted (the passes carry only small evidence codes).

use std::fmt::Write;

use crate::input::{BankLine, LedgerEntry};
use crate::normalize;
use crate::passes::reversal::ref_text;
use crate::passes::{Cp, Evidence, Link, Proposal};
use crate::prepare::InvoiceKey;

/// The inputs a reason reads.
struct Ctx<'a> {
    bank: &'a [BankLine],
    ledger: &'a [LedgerEntry],
}

pub(crate) fn render(bank_lines: &[BankLine], ledger_entries: &[LedgerEntry], p: &Proposal) -> String {
    let ctx = &Ctx {
        bank: bank_lines,
        ledger: ledger_entries,
    };
    // Positions come from the engine over these same inputs; out of range would be a bug, and
    // then the reason is empty rather than a panic.
    let in_range = p.bank.as_slice().iter().all(|&i| (i as usize) < bank_lines.len())
        && p.ledger.as_slice().iter().all(|&i| (i as usize) < ledger_entries.len());
    if !in_range {
        return String::new();
    }
    let bank = p.bank.as_slice();
    let ledger = p.ledger.as_slice();
    let mut s = String::with_capacity(128);
    // Writing to a String cannot fail.
    let _ = match p.evidence {
        Evidence::Reference { field } => {
            let (b, l) = (first(bank), first(ledger));
            let line = &ctx.bank[b];
            let what = if field == 0 {
                "end-to-end id"
            } else {
                "payment reference"
            };
            write!(
                s,
                "{what} {:?} equals ledger reference {:?}; amount {} on both; {}",
                ref_text(line, usize::from(field)),
                ctx.ledger[l].reference,
                line.amount,
                days(ctx, b, l)
            )
        }
        Evidence::Counterparty { cp } => {
            let (b, l) = (first(bank), first(ledger));
            write!(
                s,
                "amount {} on both; {}; {}",
                ctx.bank[b].amount,
                counterparty(ctx, b, l, cp),
                days(ctx, b, l)
            )
        }
        Evidence::Invoice { key, cp } => {
            let (b, l) = (first(bank), first(ledger));
            let line = &ctx.bank[b];
            write!(
                s,
                "invoice number {} in the remittance {:?} is in ledger {:?}; amount {} on both; {}; {}",
                invoice_digits(&[&line.remittance, &line.reference], key),
                clip(&line.remittance),
                clip(&format!("{} {}", ctx.ledger[l].reference, ctx.ledger[l].description)),
                line.amount,
                counterparty(ctx, b, l, cp),
                days(ctx, b, l)
            )
        }
        Evidence::Batch { link, whole, of } => {
            let b = first(bank);
            let line = &ctx.bank[b];
            let n = ledger.len();
            let group = match link {
                Link::Reference(f) => format!("with reference {:?}", ref_text(line, usize::from(f))),
                Link::Invoices | Link::Invoice(_) => "whose invoice numbers the remittance names".to_string(),
                Link::Counterparty => format!("of counterparty {:?} in the date window", line.counterparty_name),
            };
            let which = if whole {
                format!("all {n}")
            } else {
                format!("{n} of the {of}")
            };
            let only = if whole { "" } else { " (the only subset that does)" };
            write!(
                s,
                "bank amount {} equals the sum of {which} ledger entries {group}{only}",
                line.amount
            )
        }
        Evidence::Partial { link, of } => {
            let l = first(ledger);
            let entry = &ctx.ledger[l];
            let group = match link {
                Link::Invoice(key) => format!(
                    "quoting invoice {}",
                    invoice_digits(&[&entry.reference, &entry.description], key)
                ),
                _ => format!("from counterparty {:?}", entry.counterparty),
            };
            write!(
                s,
                "{} bank payments {group} sum to the ledger amount {} (the only subset of the {of} candidates that does)",
                bank.len(),
                entry.amount
            )
        }
        Evidence::Reversal { link, cp } => {
            let (o, r) = (first(bank), bank.get(1).map_or(0, |&r| r as usize));
            let (orig, rev) = (&ctx.bank[o], &ctx.bank[r]);
            let why = match link {
                Link::Reference(f) => format!("same {} {:?}", ref_field(f), ref_text(rev, usize::from(f))),
                _ if cp.agrees() => format!("same counterparty {:?}", orig.counterparty_name),
                _ => "no reference or counterparty to compare".to_string(),
            };
            write!(
                s,
                "reversal {} cancels {}: amount {} against {}; {why}",
                rev.id, orig.id, rev.amount, orig.amount
            )
        }
    };
    if p.ambiguous {
        s.push_str("; another candidate was exactly as good");
    }
    s
}

fn first(ids: &[u32]) -> usize {
    ids.first().map_or(0, |&i| i as usize)
}

fn ref_field(f: u8) -> &'static str {
    if f == 0 {
        "end-to-end id"
    } else {
        "payment reference"
    }
}

fn days(ctx: &Ctx, b: usize, l: usize) -> String {
    let d = (ctx.bank[b].booking_date - ctx.ledger[l].booking_date)
        .num_days()
        .unsigned_abs();
    match d {
        0 => "booked the same day".into(),
        1 => "booked 1 day apart".into(),
        d => format!("booked {d} days apart"),
    }
}

fn counterparty(ctx: &Ctx, b: usize, l: usize, cp: Cp) -> String {
    let (line, entry) = (&ctx.bank[b], &ctx.ledger[l]);
    match cp {
        Cp::Iban => format!("counterparty IBAN {} on both", line.counterparty_iban),
        Cp::Name => format!(
            "counterparty {:?} equals {:?} (normalized)",
            line.counterparty_name, entry.counterparty
        ),
        Cp::NamePrefix => format!(
            "counterparty {:?} and {:?}: one is the other cut short",
            line.counterparty_name, entry.counterparty
        ),
        Cp::Differs => format!(
            "counterparties differ ({:?} vs {:?})",
            line.counterparty_name, entry.counterparty
        ),
        Cp::Absent => "no counterparty to compare".into(),
    }
}

/// The digits behind an invoice key, found again in the texts it came from.
fn invoice_digits(texts: &[&str], key: u64) -> String {
    let mut found = None;
    for text in texts {
        normalize::for_each_invoice_number(text, 1, |d| {
            if found.is_none() && InvoiceKey::new(d).key() == key {
                found = Some(String::from_utf8_lossy(d).into_owned());
            }
        });
    }
    found.unwrap_or_default()
}

fn clip(s: &str) -> String {
    let t = s.trim();
    match t.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &t[..i]),
        None => t.to_string(),
    }
}
