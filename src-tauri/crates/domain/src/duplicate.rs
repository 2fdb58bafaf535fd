//! Suspected duplicate invoices across entities and both ERPs.
//!
//! The same bill entered twice rarely looks identical: the number is retyped ("INV-000123" vs
//! "123"), booked in another entity, or a digit is swapped. Pairs are scored on those signals, and
//! only candidates sharing a block are compared, so a million invoices stay far from n².

use std::cmp::Reverse;
use std::collections::HashMap;
use std::hash::Hash;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::{Currency, Money};

/// One invoice to compare, from either ERP or the AP system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// Globally unique, e.g. "erp-a:5100000012".
    pub key: String,
    pub entity: String,
    /// Supplier name or id, normalized as the caller chooses; empty means unknown (never "same").
    pub supplier: String,
    pub invoice_number: String,
    pub invoice_date: NaiveDate,
    pub currency: Currency,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DuplicateRules {
    /// Invoice dates at most this many days apart count as close.
    pub date_window_days: i64,
    /// Pairs scoring below this (of 100) are not reported.
    pub min_score: u32,
}

impl Default for DuplicateRules {
    fn default() -> Self {
        DuplicateRules {
            date_window_days: 7,
            min_score: 70,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suspect {
    /// Candidate keys, `first < second`.
    pub first: String,
    pub second: String,
    /// 100 only for exact duplicates; fuzzy matches are capped at 99.
    pub score: u32,
    pub exact: bool,
    /// Human-readable, e.g. "same normalized number INV-00123 = inv00123", "dates 3 days apart".
    pub reasons: Vec<String>,
}

const SAME_NUMBER: u32 = 50;
const ONE_EDIT: u32 = 35;
const SAME_SUPPLIER: u32 = 25;
const IN_WINDOW: u32 = 15;
const SAME_DATE: u32 = 5;
const SAME_AMOUNT: u32 = 10;
const FUZZY_CAP: u32 = 99;
/// Normalized numbers shorter than this differ by one edit too easily ("12" vs "13").
const MIN_EDIT_LEN: usize = 4;

/// Words invoice numbers start with: invoice, Rechnung, factura/facture, number.
const PREFIXES: [&str; 7] = ["FACT", "FAC", "INV", "RE", "RG", "NO", "NR"];

/// Uppercase alphanumerics only, without leading number words or leading zeros:
/// "INV-000123", "123" and "inv 123" all give "123"; "Inv.No. 00123/A" gives "123A".
/// A prefix is stripped only as a whole word ("RE-7" → "7", "RENAULT-7" stays "RENAULT7").
/// Empty when nothing but prefixes and zeros is left; an empty number never matches.
pub fn normalize_number(s: &str) -> String {
    let upper = s.to_uppercase();
    let mut rest = upper.as_str();
    loop {
        let word = rest.trim_start_matches(|c: char| !c.is_alphanumeric());
        let len = word.find(|c: char| !c.is_alphabetic()).unwrap_or(word.len());
        if len == 0 || !all_prefixes(&word[..len]) {
            break;
        }
        rest = &word[len..];
    }
    let compact: String = rest.chars().filter(|c| c.is_alphanumeric()).collect();
    compact.trim_start_matches('0').to_string()
}

/// Whether a word is made only of prefixes, such as "INV" or "RGNR".
fn all_prefixes(word: &str) -> bool {
    word.is_empty() || PREFIXES.iter().any(|p| word.strip_prefix(p).is_some_and(all_prefixes))
}

/// Damerau distance exactly 1: one substitution, insertion, deletion or adjacent transposition.
fn one_edit_apart<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let i = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    match long.len() - short.len() {
        0 if i < short.len() => {
            short[i + 1..] == long[i + 1..]
                || (i + 1 < short.len()
                    && short[i] == long[i + 1]
                    && short[i + 1] == long[i]
                    && short[i + 2..] == long[i + 2..])
        }
        1 => short[i..] == long[i + 1..],
        _ => false,
    }
}

/// A candidate with what the comparisons need computed once.
struct Prepared<'a> {
    c: &'a Candidate,
    norm: String,
    /// Raw number, trimmed and lowercased: the exact-duplicate test.
    raw: String,
    /// Amount rounded to the currency: the amount block.
    rounded: Decimal,
}

enum NumberMatch {
    Same,
    OneEdit,
    Different,
}

impl Prepared<'_> {
    fn number_match(&self, other: &Prepared<'_>) -> NumberMatch {
        let (a, b) = (&self.norm, &other.norm);
        if a.is_empty() || b.is_empty() {
            return NumberMatch::Different;
        } else if a == b {
            return NumberMatch::Same;
        }
        let one_edit = if a.is_ascii() && b.is_ascii() {
            // Nearly always: compare bytes without allocating.
            a.len().min(b.len()) >= MIN_EDIT_LEN && one_edit_apart(a.as_bytes(), b.as_bytes())
        } else {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            a.len().min(b.len()) >= MIN_EDIT_LEN && one_edit_apart(&a, &b)
        };
        if one_edit {
            NumberMatch::OneEdit
        } else {
            NumberMatch::Different
        }
    }

    fn same_supplier(&self, other: &Prepared<'_>) -> bool {
        !self.c.supplier.is_empty() && self.c.supplier == other.c.supplier
    }
}

/// |a − b| ≤ 0.5 % of the smaller magnitude (so 1,000 vs 1,005 is in, opposite signs never).
/// Monotone along a sorted list: once an amount falls outside, every later one does too, which
/// the block scans rely on.
fn within_half_percent(a: Decimal, b: Decimal) -> bool {
    let smaller = a.abs().min(b.abs());
    (a - b).abs().saturating_mul(Decimal::from(1000)) <= smaller.saturating_mul(Decimal::from(5))
}

fn days_apart(a: &Candidate, b: &Candidate) -> i64 {
    (a.invoice_date - b.invoice_date).num_days().abs()
}

/// The pair's score and exactness, or None when it is not a suspect under `rules`.
fn score(a: &Prepared<'_>, b: &Prepared<'_>, rules: &DuplicateRules) -> Option<(u32, bool)> {
    // Never across currencies, and never unless the amounts are equal or within 0.5 %.
    if a.c.currency != b.c.currency || a.c.key == b.c.key || !within_half_percent(a.c.amount, b.c.amount) {
        return None;
    }
    let same_amount = a.c.amount == b.c.amount;
    if same_amount && a.same_supplier(b) && !a.raw.is_empty() && a.raw == b.raw {
        return (100 >= rules.min_score).then_some((100, true));
    }
    let mut score = match a.number_match(b) {
        NumberMatch::Same => SAME_NUMBER,
        NumberMatch::OneEdit => ONE_EDIT,
        NumberMatch::Different => 0,
    };
    if a.same_supplier(b) {
        score += SAME_SUPPLIER;
    }
    let days = days_apart(a.c, b.c);
    if days <= rules.date_window_days {
        score += IN_WINDOW + if days == 0 { SAME_DATE } else { 0 };
    }
    if same_amount {
        score += SAME_AMOUNT;
    }
    let score = score.min(FUZZY_CAP);
    (score >= rules.min_score).then_some((score, false))
}

/// Marks a candidate that belongs to no block of a kind (empty number, unknown supplier).
const NO_BLOCK: u32 = u32::MAX;

/// Numbers each distinct block key densely, so sorting compares integers, not strings. No key,
/// or a key no other candidate shares, gives NO_BLOCK: nothing to compare within.
fn block_ids<K: Hash + Eq>(keys: impl Iterator<Item = Option<K>>) -> Vec<u32> {
    let mut seen: HashMap<K, u32> = HashMap::new();
    let mut ids: Vec<u32> = keys
        .map(|key| {
            key.map_or(NO_BLOCK, |key| {
                let next = seen.len() as u32;
                *seen.entry(key).or_insert(next)
            })
        })
        .collect();
    let mut sizes = vec![0u32; seen.len()];
    ids.iter()
        .filter(|&&b| b != NO_BLOCK)
        .for_each(|&b| sizes[b as usize] += 1);
    for b in ids.iter_mut().filter(|b| **b != NO_BLOCK && sizes[**b as usize] < 2) {
        *b = NO_BLOCK;
    }
    ids
}

/// Compares each candidate with the later ones of its block while they stay within the window:
/// each block is sorted ascending by `window_key`, so `in_window` may stop at the first miss.
fn scan<W: Ord>(
    ids: &[u32],
    window_key: impl Fn(usize) -> W,
    in_window: impl Fn(usize, usize) -> bool,
    visit: &mut impl FnMut(usize, usize),
) {
    let mut keyed: Vec<(u32, W, usize)> = (0..ids.len())
        .filter(|&i| ids[i] != NO_BLOCK)
        .map(|i| (ids[i], window_key(i), i))
        .collect();
    keyed.sort_unstable();
    for (n, &(block, _, i)) in keyed.iter().enumerate() {
        for &(other, _, j) in &keyed[n + 1..] {
            if other != block || !in_window(i, j) {
                break;
            }
            visit(i, j);
        }
    }
}

/// Whether `rules` compare invoices that share only their rounded amount (block 3 of [`find`]):
/// such a pair scores at most 65, so a higher `min_score` never reports one.
pub fn blocks_by_amount(rules: &DuplicateRules) -> bool {
    rules.min_score <= ONE_EDIT + IN_WINDOW + SAME_DATE + SAME_AMOUNT
}

/// Suspected duplicate pairs, by score descending then keys.
///
/// Blocks (each compared only within itself, pairs deduplicated):
/// 1. currency + normalized number, by amount: renumbered and cross-entity copies;
/// 2. currency + supplier, by amount (equal amounts included): exact copies and typo'd numbers
///    from the same supplier, even when the amount moved by a few cents;
/// 3. currency + amount rounded to the currency, by date: the only pairs it adds have other
///    suppliers and other numbers, worth at most one-edit + same date + same amount (65), so it
///    is skipped when `min_score` is above that and limited to the date window when the score
///    needs the date (above 45).
///
/// Each scan stops at the 0.5 % (or date) window, so the work is three sorts plus the block
/// neighbourhoods, not n². Only thousands of near-equal amounts in one block (or a `min_score`
/// of 45 or less) make it grow quadratically, and then so does the answer.
pub fn find(candidates: &[Candidate], rules: &DuplicateRules) -> Vec<Suspect> {
    let p: Vec<Prepared<'_>> = candidates
        .iter()
        .map(|c| Prepared {
            c,
            norm: normalize_number(&c.invoice_number),
            raw: c.invoice_number.trim().to_lowercase(),
            rounded: Money::new(c.amount, c.currency).round().amount(),
        })
        .collect();
    let mut hits: Vec<(usize, usize, u32, bool)> = Vec::new();
    let mut visit = |i: usize, j: usize| {
        if let Some((score, exact)) = score(&p[i], &p[j], rules) {
            let (lo, hi) = if p[i].c.key < p[j].c.key { (i, j) } else { (j, i) };
            hits.push((lo, hi, score, exact));
        }
    };
    let amount = |i: usize| p[i].c.amount;
    let amounts_close = |i: usize, j: usize| within_half_percent(p[i].c.amount, p[j].c.amount);

    let by_number = block_ids(
        p.iter()
            .map(|x| (!x.norm.is_empty()).then_some((x.c.currency, x.norm.as_str()))),
    );
    scan(&by_number, amount, amounts_close, &mut visit);
    let by_supplier = block_ids(
        p.iter()
            .map(|x| (!x.c.supplier.is_empty()).then_some((x.c.currency, x.c.supplier.as_str()))),
    );
    scan(&by_supplier, amount, amounts_close, &mut visit);
    if blocks_by_amount(rules) {
        let needs_date = rules.min_score > ONE_EDIT + SAME_AMOUNT;
        let by_amount = block_ids(p.iter().map(|x| Some((x.c.currency, x.rounded))));
        let dates_close = |i: usize, j: usize| !needs_date || days_apart(p[i].c, p[j].c) <= rules.date_window_days;
        scan(&by_amount, |i| p[i].c.invoice_date, dates_close, &mut visit);
    }

    // A pair found in several blocks scores the same each time; keep one.
    hits.sort_unstable_by_key(|&(lo, hi, _, _)| (lo, hi));
    hits.dedup_by_key(|&mut (lo, hi, _, _)| (lo, hi));
    let mut out: Vec<Suspect> = hits
        .into_iter()
        .map(|(lo, hi, score, exact)| Suspect {
            first: p[lo].c.key.clone(),
            second: p[hi].c.key.clone(),
            score,
            exact,
            reasons: reasons(&p[lo], &p[hi], rules),
        })
        .collect();
    out.sort_by(|a, b| (Reverse(a.score), &a.first, &a.second).cmp(&(Reverse(b.score), &b.first, &b.second)));
    out
}

/// Why the pair looks alike (and where it does not), for the reviewer.
fn reasons(a: &Prepared<'_>, b: &Prepared<'_>, rules: &DuplicateRules) -> Vec<String> {
    let (na, nb) = (a.c.invoice_number.trim(), b.c.invoice_number.trim());
    let currency = a.c.currency;
    let number = if !a.raw.is_empty() && a.raw == b.raw {
        format!("same invoice number {na}")
    } else {
        match a.number_match(b) {
            NumberMatch::Same => format!("same normalized number {na} = {nb}"),
            NumberMatch::OneEdit => format!("invoice numbers one edit apart {na} / {nb}"),
            NumberMatch::Different => format!("different invoice numbers {na} / {nb}"),
        }
    };
    let supplier = if a.same_supplier(b) {
        format!("same supplier {}", a.c.supplier)
    } else {
        format!("different suppliers {} / {}", a.c.supplier, b.c.supplier)
    };
    let amount = if a.c.amount == b.c.amount {
        format!("same amount {} {currency}", group(a.c.amount, currency))
    } else {
        format!(
            "amounts within 0.5 % {} / {} {currency}",
            group(a.c.amount, currency),
            group(b.c.amount, currency)
        )
    };
    let dates = match days_apart(a.c, b.c) {
        0 => format!("same date {}", a.c.invoice_date),
        1 => "dates 1 day apart".to_string(),
        d if d <= rules.date_window_days => format!("dates {d} days apart"),
        d => format!(
            "dates {d} days apart, outside the {}-day window",
            rules.date_window_days
        ),
    };
    let entities = if a.c.entity == b.c.entity {
        format!("same entity {}", a.c.entity)
    } else {
        format!("different entities {} / {}", a.c.entity, b.c.entity)
    };
    vec![number, supplier, amount, dates, entities]
}

/// "1,250.00": the currency's minor digits (or more if the amount has them) and thousands commas.
fn group(amount: Decimal, currency: Currency) -> String {
    let plain = Money::new(amount, currency).amount_string();
    let (sign, digits) = plain.strip_prefix('-').map_or(("", plain.as_str()), |d| ("-", d));
    let (int, frac) = digits.split_once('.').map_or((digits, None), |(i, f)| (i, Some(f)));
    let mut out = String::from(sign);
    for (k, ch) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(frac) = frac {
        out.push('.');
        out.push_str(frac);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An EUR candidate dated `day` days after 1 March 2025.
    fn cand(key: &str, entity: &str, supplier: &str, number: &str, day: u64, amount: &str) -> Candidate {
        Candidate {
            key: key.into(),
            entity: entity.into(),
            supplier: supplier.into(),
            invoice_number: number.into(),
            invoice_date: NaiveDate::from_ymd_opt(2025, 3, 1).unwrap() + chrono::Days::new(day),
            currency: Currency::new("EUR").unwrap(),
            amount: amount.parse().unwrap(),
        }
    }

    fn min(min_score: u32) -> DuplicateRules {
        DuplicateRules {
            min_score,
            ..DuplicateRules::default()
        }
    }

    fn scores(found: &[Suspect]) -> Vec<(&str, &str, u32, bool)> {
        found
            .iter()
            .map(|s| (s.first.as_str(), s.second.as_str(), s.score, s.exact))
            .collect()
    }

    /// The score of the only pair of `c` under the default rules, None when not reported.
    fn pair_score(c: &[Candidate]) -> Option<u32> {
        let found = find(c, &DuplicateRules::default());
        assert!(found.len() <= 1);
        found.first().map(|s| s.score)
    }

    #[test]
    fn normalize_number_cases() {
        let cases = [
            ("INV-000123", "123"),
            ("123", "123"),
            ("inv 123", "123"),
            ("Inv.No. 00123/A", "123A"),
            ("INV123", "123"),
            ("RE-2024-0042", "20240042"),
            ("Rg.Nr. 77", "77"),
            ("FACT/001", "1"),
            ("fac 9", "9"),
            ("INVNO-12", "12"),
            // A prefix inside a word is part of the number.
            ("RENAULT-7", "RENAULT7"),
            ("NOVA 12", "NOVA12"),
            ("  abc-12 ", "ABC12"),
            ("A0012", "A0012"),
            // Nothing left: an empty number, which never matches another.
            ("0000", ""),
            ("INV", ""),
            ("", ""),
        ];
        for (raw, expected) in cases {
            assert_eq!(normalize_number(raw), expected, "{raw:?}");
        }
    }

    #[test]
    fn exact_duplicate_scores_100_regardless_of_dates() {
        let c = [
            cand("erp-b:7", "DE01", "ACME", " inv-1001 ", 30, "1250.0"),
            cand("erp-a:1", "DE01", "ACME", "INV-1001", 0, "1250.00"),
        ];
        let found = find(&c, &DuplicateRules::default());
        assert_eq!(scores(&found), [("erp-a:1", "erp-b:7", 100, true)]);
        assert_eq!(found[0].reasons[0], "same invoice number INV-1001");
        assert_eq!(found[0].reasons[3], "dates 30 days apart, outside the 7-day window");
        // Another supplier with the same number and amount is a fuzzy match: 50 + 20 + 10.
        let other = [c[0].clone(), cand("erp-a:1", "DE01", "OTHER", "INV-1001", 30, "1250")];
        assert_eq!(
            scores(&find(&other, &DuplicateRules::default())),
            [("erp-a:1", "erp-b:7", 80, false)]
        );
    }

    #[test]
    fn fuzzy_across_entities_and_number_formats() {
        let c = [
            cand("erp-a:5100000012", "DE01", "ACME", "INV-000123", 0, "1250"),
            cand("erp-b:88", "US01", "ACME", "123", 3, "1250.00"),
        ];
        let found = find(&c, &DuplicateRules::default());
        // 50 number + 25 supplier + 15 window + 10 amount = 100, capped: only exact is 100.
        assert_eq!(scores(&found), [("erp-a:5100000012", "erp-b:88", 99, false)]);
        let reasons = [
            "same normalized number INV-000123 = 123",
            "same supplier ACME",
            "same amount 1,250.00 EUR",
            "dates 3 days apart",
            "different entities DE01 / US01",
        ];
        assert_eq!(found[0].reasons, reasons);
    }

    #[test]
    fn typo_d_numbers() {
        // Same supplier and date, amounts 0.08 % apart: 25 + 20, plus 35 only for one edit.
        let cases = [
            ("5100012354", Some(80)),    // transposition
            ("5100012346", Some(80)),    // substitution
            ("51000123455", Some(80)),   // insertion
            ("510001234", Some(80)),     // deletion
            ("5100012399", None),        // two edits
            ("RE 5100012345", Some(95)), // same normalized number: 50 + 25 + 20
        ];
        for (number, expected) in cases {
            let c = [
                cand("a", "DE01", "ACME", "5100012345", 0, "1250.00"),
                cand("b", "DE01", "ACME", number, 0, "1251.00"),
            ];
            assert_eq!(pair_score(&c), expected, "{number}");
        }
        // Too short for the one-edit signal: "123" and "124" are just different invoices.
        let c = [
            cand("a", "DE01", "ACME", "123", 0, "50"),
            cand("b", "DE01", "ACME", "124", 0, "50.10"),
        ];
        assert_eq!(scores(&find(&c, &min(1))), [("a", "b", 45, false)]);
        assert_eq!(find(&c, &min(1))[0].reasons[0], "different invoice numbers 123 / 124");
    }

    #[test]
    fn same_amount_in_another_currency_is_not_a_duplicate() {
        let eur = cand("a", "DE01", "ACME", "INV-1", 0, "1000");
        let usd = Candidate {
            key: "b".into(),
            currency: Currency::new("USD").unwrap(),
            ..eur.clone()
        };
        assert!(find(&[eur, usd], &min(0)).is_empty());
    }

    #[test]
    fn amounts_must_be_within_half_a_percent() {
        // Of the smaller amount, edge included; credit notes alike; opposite signs never.
        for (a, b, expected) in [
            ("1000.00", "1005.00", Some(95)),
            ("1000.00", "1005.01", None),
            ("-1000.00", "-1005.00", Some(95)),
            ("1000.00", "-1000.00", None),
        ] {
            let c = [
                cand("a", "DE01", "ACME", "INV-9", 0, a),
                cand("b", "DE01", "ACME", "9", 0, b),
            ];
            assert_eq!(pair_score(&c), expected, "{a} / {b}");
        }
    }

    #[test]
    fn dates_outside_the_window_drop_the_score() {
        // One edit + same supplier + amounts close but not equal: 60, plus the date signal.
        for (day, expected) in [(0, Some(80)), (7, Some(75)), (8, None), (40, None)] {
            let c = [
                cand("a", "DE01", "ACME", "INV-4711", 0, "999.00"),
                cand("b", "DE01", "ACME", "INV-4717", day, "1000.00"),
            ];
            assert_eq!(pair_score(&c), expected, "day {day}");
        }
    }

    #[test]
    fn large_amount_decoy_stays_below_min_score() {
        let c = [
            cand("a:1", "DE01", "ACME", "A-1000", 0, "2500000.00"),
            cand("b:1", "DE01", "GLOBEX", "77-9912", 0, "2500000.00"),
            cand("a:2", "DE01", "ACME", "INV-555", 2, "80.00"),
            cand("b:2", "FR01", "ACME", "555", 2, "80.00"),
        ];
        assert_eq!(
            scores(&find(&c, &DuplicateRules::default())),
            [("a:2", "b:2", 99, false)]
        );
        // The decoy is compared (in the amount block) and scores only date + amount.
        let all = find(&c, &min(0));
        let decoy = all
            .iter()
            .find(|s| (s.first.as_str(), s.second.as_str()) == ("a:1", "b:1"))
            .unwrap();
        assert_eq!(
            (decoy.score, decoy.reasons[2].as_str()),
            (30, "same amount 2,500,000.00 EUR")
        );
    }

    #[test]
    fn amount_block_finds_cross_supplier_typos_when_the_threshold_allows() {
        // Supplier ids differ between the ERPs: one edit + same date + same amount = 65.
        let c = [
            cand("a", "DE01", "S-100", "INV-20250", 0, "410.00"),
            cand("b", "US01", "V-9", "INV-20205", 0, "410.00"),
        ];
        assert!(find(&c, &DuplicateRules::default()).is_empty());
        assert_eq!(scores(&find(&c, &min(60))), [("a", "b", 65, false)]);
        // Without the date the pair is worth 45: found only by a threshold that low.
        let apart = [
            c[0].clone(),
            Candidate {
                invoice_date: c[0].invoice_date + chrono::Days::new(30),
                ..c[1].clone()
            },
        ];
        assert!(find(&apart, &min(46)).is_empty());
        assert_eq!(scores(&find(&apart, &min(45))), [("a", "b", 45, false)]);
    }

    #[test]
    fn empty_numbers_never_match_each_other() {
        // Same supplier, date and amount (55) but no usable number; as "same number" it would be 99.
        let c = [
            cand("a", "DE01", "ACME", "INV", 0, "10"),
            cand("b", "DE01", "ACME", "000", 0, "10"),
        ];
        assert_eq!(pair_score(&c), None);
    }

    #[test]
    fn pairs_are_deduplicated_and_sorted_by_score_then_keys() {
        let c = [
            cand("z", "DE01", "ACME", "INV-1", 0, "100"),
            cand("y", "DE01", "ACME", "INV-1", 0, "100"),
            cand("x", "US01", "ACME", "1", 9, "100"),
            cand("d", "DE01", "S2", "777", 0, "200"),
            cand("c", "DE01", "S3", "888", 0, "300"),
            cand("b", "DE01", "S3", "RE 888", 0, "300"),
            cand("a", "DE01", "S2", "INV-777", 0, "200"),
        ];
        // y/z is exact and sits in all three blocks, yet appears once; ties go by first key.
        let expected = [
            ("y", "z", 100, true),
            ("a", "d", 99, false),
            ("b", "c", 99, false),
            ("x", "y", 85, false),
            ("x", "z", 85, false),
        ];
        assert_eq!(scores(&find(&c, &DuplicateRules::default())), expected);
    }
}
