//! Normalizing the noisy text of statements and ledgers into comparable keys: references, IBANs,
//! company names and invoice numbers. The engine hashes the normalized bytes (`*_key` functions,
//! 0 = absent) so indexes hold integers; the `String` forms are for reasons and tests.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Placeholders banks put where a reference is missing.
const NO_REFERENCE: &[&str] = &["NOTPROVIDED", "NONREF", "NONE", "NOREF", "NOREFERENCE"];

/// Legal forms and filler words dropped from company names: "ACME GmbH & Co. KG" = "Acme".
fn is_legal_form(token: &str) -> bool {
    matches!(
        token,
        "GMBH"
            | "MBH"
            | "AG"
            | "KG"
            | "KGAA"
            | "OHG"
            | "GBR"
            | "UG"
            | "EV"
            | "CO"
            | "LTD"
            | "LIMITED"
            | "INC"
            | "INCORPORATED"
            | "CORP"
            | "CORPORATION"
            | "LLC"
            | "LLP"
            | "LP"
            | "PLC"
            | "SA"
            | "SAS"
            | "SARL"
            | "SRL"
            | "SPA"
            | "SL"
            | "BV"
            | "NV"
            | "OY"
            | "OYJ"
            | "AB"
            | "AS"
            | "ASA"
            | "APS"
            | "KFT"
            | "SE"
            | "SP"
            | "ZOO"
            | "OO"
            | "THE"
            | "AND"
            | "UND"
            | "ET"
            | "COMPANY"
    )
}

/// Invoice numbers longer than this are account numbers or IBAN digits, not invoices.
const MAX_INVOICE_DIGITS: usize = 16;

/// Reusable buffers, so normalizing a million lines allocates once per thread.
#[derive(Default)]
pub(crate) struct Scratch {
    token: String,
    name: String,
    dropped: String,
    bytes: Vec<u8>,
    /// Accounts seen lately (raw text, currency code, key): statements repeat a handful.
    pub accounts: Vec<(String, [u8; 3], u64)>,
}

/// A reference as compared: upper-case letters and digits only, `None` when empty, shorter than 3
/// characters or a "not provided" placeholder.
pub fn reference(s: &str) -> Option<String> {
    let mut out = String::new();
    normalize_reference(s, &mut out).then_some(out)
}

fn normalize_reference(s: &str, out: &mut String) -> bool {
    out.clear();
    if s.is_ascii() {
        out.extend(
            s.bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|c| char::from(c.to_ascii_uppercase())),
        );
    } else {
        for c in s.chars().filter(|c| c.is_alphanumeric()) {
            out.extend(c.to_uppercase());
        }
    }
    out.chars().count() >= 3 && !NO_REFERENCE.contains(&out.as_str())
}

pub(crate) fn reference_key(s: &str, scratch: &mut Scratch) -> u64 {
    if normalize_reference(s, &mut scratch.token) {
        hash_bytes(scratch.token.as_bytes())
    } else {
        0
    }
}

/// An account identifier as compared: upper-case alphanumerics, a leading "IBAN" dropped. Works for
/// IBANs and for the domestic account numbers some formats (BAI2) carry.
pub fn account(s: &str) -> Option<String> {
    let mut out = Vec::new();
    normalize_account(s, &mut out);
    (!out.is_empty()).then(|| String::from_utf8_lossy(&out).into_owned())
}

fn normalize_account(s: &str, out: &mut Vec<u8>) {
    out.clear();
    out.extend(
        s.bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase()),
    );
    if out.starts_with(b"IBAN") && out.len() > 4 {
        out.drain(..4);
    }
}

pub(crate) fn account_key(s: &str, scratch: &mut Scratch) -> u64 {
    normalize_account(s, &mut scratch.bytes);
    if scratch.bytes.is_empty() {
        0
    } else {
        hash_bytes(&scratch.bytes)
    }
}

/// Whether `s` is an IBAN with valid ISO 13616 check digits (mod 97 = 1).
pub fn is_valid_iban(s: &str) -> bool {
    iban_ok(s, &mut Vec::new())
}

pub(crate) fn iban_ok(s: &str, buf: &mut Vec<u8>) -> bool {
    // Most counterparty fields are names: refuse those before normalizing.
    let mut head = s.bytes().filter(|c| !c.is_ascii_whitespace());
    let looks_like = matches!(
        (head.next(), head.next(), head.next(), head.next()),
        (Some(a), Some(b), Some(c), Some(d))
            if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() && c.is_ascii_digit() && d.is_ascii_digit()
    ) || s.trim_start().starts_with("IBAN");
    if !looks_like {
        return false;
    }
    normalize_account(s, buf);
    let b = buf.as_slice();
    if !(15..=34).contains(&b.len())
        || !b[..2].iter().all(u8::is_ascii_uppercase)
        || !b[2..4].iter().all(u8::is_ascii_digit)
    {
        return false;
    }
    let mut rem: u32 = 0;
    for &c in b[4..].iter().chain(&b[..4]) {
        rem = if c.is_ascii_digit() {
            (rem * 10 + u32::from(c - b'0')) % 97
        } else {
            (rem * 100 + u32::from(c - b'A') + 10) % 97
        };
    }
    rem == 1
}

pub(crate) fn iban_key(s: &str, scratch: &mut Scratch) -> u64 {
    if iban_ok(s, &mut scratch.bytes) {
        hash_bytes(&scratch.bytes)
    } else {
        0
    }
}

/// A company or person name as compared: transliterated to upper-case ASCII, punctuation and
/// spaces removed, legal forms (GmbH, Ltd, Inc, SAS, …) dropped. "Müller-Bau G.m.b.H." and
/// "MUELLER BAU" both give "MUELLERBAU".
pub fn name(s: &str) -> String {
    let mut scratch = Scratch::default();
    normalize_name(s, &mut scratch);
    scratch.name
}

/// Leaves the normalized name in `scratch.name`.
fn normalize_name(s: &str, scratch: &mut Scratch) {
    let Scratch {
        token, name, dropped, ..
    } = scratch;
    name.clear();
    token.clear();
    dropped.clear();
    let mut kept_any = false;
    let mut flush = |token: &mut String, name: &mut String| {
        if token.is_empty() {
            return;
        }
        if is_legal_form(token) {
            dropped.push_str(token);
        } else {
            name.push_str(token);
            kept_any = true;
        }
        token.clear();
    };
    for c in s.chars() {
        match c {
            // "S.A.S." and "O'Brien" are one token each.
            '.' | '\'' | '\u{2019}' => {}
            c if c.is_ascii_alphanumeric() => token.push(c.to_ascii_uppercase()),
            c if c.is_alphanumeric() => match transliterate(c) {
                Some(t) => token.push_str(t),
                None => token.extend(c.to_uppercase()),
            },
            _ => flush(token, name),
        }
    }
    flush(token, name);
    // A name made only of legal words ("AG") is kept whole rather than emptied.
    if !kept_any {
        name.push_str(dropped);
    }
}

/// German umlauts the way SEPA transliteration writes them; other Latin letters to their base.
fn transliterate(c: char) -> Option<&'static str> {
    Some(match c {
        'ä' | 'Ä' | 'æ' | 'Æ' => "AE",
        'ö' | 'Ö' | 'œ' | 'Œ' => "OE",
        'ü' | 'Ü' => "UE",
        'ß' => "SS",
        'à' | 'á' | 'â' | 'ã' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Å' => "A",
        'ç' | 'Ç' => "C",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "E",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "I",
        'ñ' | 'Ñ' => "N",
        'ò' | 'ó' | 'ô' | 'õ' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ø' => "O",
        'ù' | 'ú' | 'û' | 'Ù' | 'Ú' | 'Û' => "U",
        'ý' | 'ÿ' | 'Ý' => "Y",
        _ => return None,
    })
}

/// Names shorter than this never count as a truncated form of a longer one.
pub(crate) const NAME_PREFIX_LEN: usize = 16;

/// Hash of the normalized name and of its first `NAME_PREFIX_LEN` bytes (the whole name when
/// shorter): the second groups a name the bank cut to 27 or 35 characters with the full one.
pub(crate) fn name_keys(s: &str, scratch: &mut Scratch) -> (u64, u64) {
    normalize_name(s, scratch);
    let n = scratch.name.as_bytes();
    if n.is_empty() {
        return (0, 0);
    }
    (hash_bytes(n), hash_bytes(&n[..n.len().min(NAME_PREFIX_LEN)]))
}

/// Invoice-number candidates in free text, as digit strings without leading zeros.
///
/// Digit groups joined by one space, dash, slash, dot or underscore are also tried together (up to
/// three groups), so "Rechnung Nr. 2024-00123", "INV 2024 00123" and "RE202400123" all yield
/// "202400123"; "INV-000123" and "Rechnung 123" both yield "123".
pub fn invoice_numbers(text: &str, min_digits: usize) -> Vec<String> {
    let mut out = Vec::new();
    for_each_invoice_number(text, min_digits, |d| {
        let s = String::from_utf8_lossy(d).into_owned();
        if !out.contains(&s) {
            out.push(s);
        }
    });
    out
}

pub(crate) fn for_each_invoice_number(text: &str, min_digits: usize, mut emit: impl FnMut(&[u8])) {
    let b = text.as_bytes();
    // The last three digit groups of the current run, newest last: every window of up to three
    // consecutive groups is emitted when its last group is read.
    let mut groups: [(usize, usize); 3] = [(0, 0); 3];
    let mut in_run = 0usize;
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        groups.rotate_left(1);
        groups[2] = (start, i);
        in_run = (in_run + 1).min(3);
        emit_windows(b, &groups[3 - in_run..], min_digits, &mut emit);
        // One joiner followed by a digit continues the run.
        let continues =
            i + 1 < b.len() && matches!(b[i], b' ' | b'-' | b'/' | b'.' | b'_') && b[i + 1].is_ascii_digit();
        if continues {
            i += 1;
        } else {
            in_run = 0;
        }
    }
}

/// Emits the concatenations of `run[k..]` for each k (the windows ending at the newest group).
fn emit_windows(b: &[u8], run: &[(usize, usize)], min_digits: usize, emit: &mut impl FnMut(&[u8])) {
    let mut buf = [0u8; 3 * MAX_INVOICE_DIGITS];
    for first in (0..run.len()).rev() {
        let mut len = 0;
        for &(s, e) in &run[first..] {
            let group = &b[s..e];
            let end = len + group.len();
            if end > buf.len() {
                return;
            }
            buf[len..end].copy_from_slice(group);
            len = end;
        }
        let digits = &buf[..len];
        let zeros = digits.iter().take_while(|&&d| d == b'0').count();
        let key = &digits[zeros..];
        if (min_digits.max(1)..=MAX_INVOICE_DIGITS).contains(&key.len()) {
            emit(key);
        }
    }
}

/// 64-bit hash of normalized bytes, never 0 (0 means "absent" in the engine's keys).
pub(crate) fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = 0x9E37_79B9_7F4A_7C15 ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = fmix(h ^ u64::from_le_bytes(w));
    }
    let mut w = [0u8; 8];
    w[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    nonzero(fmix(h ^ u64::from_le_bytes(w) ^ 0xA5))
}

/// Combines two keys into one (order matters), never 0.
pub(crate) fn mix(a: u64, b: u64) -> u64 {
    nonzero(fmix(a ^ fmix(b.wrapping_add(0x9E37_79B9_7F4A_7C15))))
}

fn nonzero(h: u64) -> u64 {
    if h == 0 {
        1
    } else {
        h
    }
}

/// MurmurHash3's 64-bit finalizer: a bijection that spreads every input bit.
fn fmix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// Keys are already well-mixed hashes; hashing them again would only cost time.
#[derive(Default, Clone, Copy)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub(crate) type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<KeyHasher>>;

/// Whether two references are equal once normalized, without allocating.
pub(crate) fn reference_eq(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_uppercase)
            .collect::<Vec<char>>()
    };
    // Most references are short ASCII: compare bytes directly, fall back for the rest.
    if a.is_ascii() && b.is_ascii() {
        let na = a
            .bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase());
        let nb = b
            .bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase());
        return na.eq(nb);
    }
    norm(a) == norm(b)
}
