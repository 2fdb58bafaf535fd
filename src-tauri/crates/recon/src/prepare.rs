//! The engine's compact view of its inputs: every text field reduced once, in parallel, to integer
//! keys (accounts, references, counterparties, invoice numbers), amounts to exact minor units and
//! dates to day numbers. The passes then work on integers only.

use chrono::Datelike;
use domain::Money;
use rayon::prelude::*;

use crate::input::{BankLine, LedgerEntry};
use crate::normalize::{self, Scratch};

/// Invoice-number keys kept per item; remittance text rarely names more invoices than this.
const MAX_INVOICE_KEYS: usize = 16;

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Item {
    /// Account and currency together: only items on the same account in the same currency meet.
    pub acct: u64,
    pub minor: i64,
    /// Normalized references (bank: end-to-end id, reference; ledger: reference, 0). 0 = absent.
    pub refs: [u64; 2],
    pub iban: u64,
    /// Full normalized counterparty name.
    pub name: u64,
    /// Its first `NAME_PREFIX_LEN` bytes: groups a truncated name with the full one.
    pub name16: u64,
    pub date: i32,
    pub inv_start: u32,
    pub inv_len: u8,
    pub reversal: bool,
    /// Amount representable in minor units and an account present; others never match.
    pub valid: bool,
}

impl Item {
    /// Keys grouping an item with its counterparty's other items: the IBAN and the name's first
    /// bytes (so a truncated name meets the full one).
    pub fn counterparty_keys(&self) -> impl Iterator<Item = u64> {
        [self.iban, self.name16].into_iter().filter(|&k| k != 0)
    }
}

/// An invoice-number key: the digits' hash with their count in the low 5 bits (passes differ in the
/// shortest number they accept), so a key is one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InvoiceKey(u64);

impl InvoiceKey {
    pub fn new(digits: &[u8]) -> InvoiceKey {
        let len = digits.len().min(31) as u64;
        InvoiceKey((normalize::hash_bytes(digits) << 5) | len)
    }
    pub fn key(self) -> u64 {
        self.0
    }
    pub fn digits(self) -> u8 {
        (self.0 & 31) as u8
    }
}

pub(crate) struct Prepared {
    pub items: Vec<Item>,
    /// Invoice keys per chunk of `CHUNK` items; `Item::inv_start` is relative to its chunk.
    invoice_keys: Vec<Vec<InvoiceKey>>,
}

impl Prepared {
    /// The keys of item `i`'s invoice numbers with at least `min_digits` digits.
    pub fn invoice_keys(&self, i: usize, min_digits: u8) -> impl Iterator<Item = u64> + '_ {
        self.invoices(i)
            .iter()
            .filter(move |k| k.digits() >= min_digits)
            .map(|k| k.key())
    }

    pub fn invoices(&self, i: usize) -> &[InvoiceKey] {
        let it = &self.items[i];
        let start = it.inv_start as usize;
        self.invoice_keys
            .get(i / CHUNK)
            .and_then(|keys| keys.get(start..start + usize::from(it.inv_len)))
            .unwrap_or(&[])
    }
}

const CHUNK: usize = 8192;

pub(crate) fn bank(lines: &[BankLine], min_digits: usize) -> Prepared {
    prepare(lines, |line, s, keys| {
        let mut item = base(&line.account_iban, &line.amount, line.booking_date, s);
        item.refs = [
            normalize::reference_key(&line.end_to_end_id, s),
            normalize::reference_key(&line.reference, s),
        ];
        item.iban = normalize::account_key(&line.counterparty_iban, s);
        (item.name, item.name16) = normalize::name_keys(&line.counterparty_name, s);
        item.reversal = line.reversal;
        invoice_keys(&[&line.remittance, &line.reference], min_digits, keys);
        item
    })
}

pub(crate) fn ledger(entries: &[LedgerEntry], min_digits: usize) -> Prepared {
    prepare(entries, |e, s, keys| {
        let mut item = base(&e.account_iban, &e.amount, e.booking_date, s);
        item.refs = [normalize::reference_key(&e.reference, s), 0];
        item.iban = normalize::iban_key(&e.counterparty, s);
        if item.iban == 0 {
            (item.name, item.name16) = normalize::name_keys(&e.counterparty, s);
        }
        invoice_keys(&[&e.reference, &e.description], min_digits, keys);
        item
    })
}

/// Accounts remembered per thread; beyond this the oldest half is forgotten.
const ACCOUNT_CACHE: usize = 64;

fn base(account: &str, amount: &Money, date: chrono::NaiveDate, s: &mut Scratch) -> Item {
    let currency = amount.currency();
    let code: [u8; 3] = currency.code().as_bytes().try_into().unwrap_or([0; 3]);
    let cached = s
        .accounts
        .iter()
        .find(|(a, c, _)| a == account && *c == code)
        .map(|e| e.2);
    let acct = match cached {
        Some(key) => key,
        None => {
            let key = match normalize::account_key(account, s) {
                0 => 0,
                k => normalize::mix(k, normalize::hash_bytes(&code)),
            };
            if s.accounts.len() == ACCOUNT_CACHE {
                s.accounts.drain(..ACCOUNT_CACHE / 2);
            }
            s.accounts.push((account.to_string(), code, key));
            key
        }
    };
    let minor = minor_units(amount);
    Item {
        acct,
        minor: minor.unwrap_or(0),
        date: date.num_days_from_ce(),
        valid: acct != 0 && minor.is_some(),
        ..Item::default()
    }
}

/// Exact integer minor units, like `Money::to_minor` but straight from the decimal's mantissa and
/// scale: this runs for every item. `None` when the amount has more decimals than the currency.
pub(crate) fn minor_units(m: &Money) -> Option<i64> {
    let d = m.amount();
    let (mantissa, scale, exp) = (d.mantissa(), d.scale(), m.currency().exponent());
    let minor = if scale <= exp {
        mantissa.checked_mul(10i128.checked_pow(exp - scale)?)?
    } else {
        let div = 10i128.checked_pow(scale - exp)?;
        if mantissa % div != 0 {
            return None;
        }
        mantissa / div
    };
    i64::try_from(minor).ok()
}

fn invoice_keys(texts: &[&str], min_digits: usize, keys: &mut Vec<InvoiceKey>) {
    let start = keys.len();
    for text in texts {
        normalize::for_each_invoice_number(text, min_digits, |digits| {
            let key = InvoiceKey::new(digits);
            let mine = &keys[start..];
            if mine.len() < MAX_INVOICE_KEYS && !mine.contains(&key) {
                keys.push(key);
            }
        });
    }
}

/// Prepares chunks in parallel, each with its own scratch buffers, writing items in place.
fn prepare<T: Sync>(input: &[T], one: impl Fn(&T, &mut Scratch, &mut Vec<InvoiceKey>) -> Item + Sync) -> Prepared {
    let mut items = vec![Item::default(); input.len()];
    let invoice_keys: Vec<Vec<InvoiceKey>> = items
        .par_chunks_mut(CHUNK)
        .zip(input.par_chunks(CHUNK))
        .map_init(Scratch::default, |scratch, (out, chunk)| {
            let mut keys = Vec::new();
            for (slot, x) in out.iter_mut().zip(chunk) {
                let start = keys.len();
                let mut item = one(x, scratch, &mut keys);
                item.inv_start = start as u32;
                item.inv_len = (keys.len() - start) as u8;
                *slot = item;
            }
            keys.shrink_to_fit();
            keys
        })
        .collect();
    Prepared { items, invoice_keys }
}
