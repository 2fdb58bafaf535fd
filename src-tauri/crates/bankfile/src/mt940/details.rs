//! The `:86:` information to account owner. Its layout is each bank's own; two structured
//! layouts are common enough to read: the German `?20`-subfield layout (with SEPA keywords
//! `EREF+`, `SVWZ+`, …) and the `/EREF/…/REMI/…` keyword layout. Anything else is kept as
//! unstructured lines. The raw text is always kept on the entry as well.

use std::collections::BTreeMap;

use super::is_iban;
use crate::statement::{meaningful_ref, Party, Remittance};

#[derive(Debug, Default, PartialEq)]
pub(crate) struct Details {
    pub end_to_end_id: Option<String>,
    pub mandate_id: Option<String>,
    pub counterparty: Party,
    pub remittance: Remittance,
}

pub(crate) fn details(text: &str) -> Details {
    // Structured layouts wrap at a fixed width, mid-word: join the lines without a separator.
    let joined: String = text.lines().map(str::trim_end).collect();
    let b = joined.as_bytes();
    if b.len() >= 4 && b[..3].iter().all(u8::is_ascii_digit) && b[3] == b'?' {
        return german(&joined[3..]);
    }
    if joined.starts_with('/') && KEYWORDS.iter().any(|k| joined.contains(&format!("/{k}/"))) {
        return keyword(&joined);
    }
    Details {
        remittance: Remittance {
            unstructured: text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            creditor_reference: None,
        },
        ..Details::default()
    }
}

/// `?00posting text?20remittance…?30BIC?31IBAN?32name?33name…`
fn german(text: &str) -> Details {
    let mut subfields: Vec<(u8, String)> = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('?') {
        let code = rest
            .get(at + 1..at + 3)
            .filter(|c| c.bytes().all(|b| b.is_ascii_digit()));
        match code {
            Some(code) => {
                let value_start = at + 3;
                let value_end = rest[value_start..]
                    .match_indices('?')
                    .find(|(i, _)| {
                        rest.get(value_start + i + 1..value_start + i + 3)
                            .is_some_and(|c| c.bytes().all(|b| b.is_ascii_digit()))
                    })
                    .map(|(i, _)| value_start + i)
                    .unwrap_or(rest.len());
                subfields.push((code.parse().unwrap_or(0), rest[value_start..value_end].to_string()));
                rest = &rest[value_end..];
            }
            None => rest = &rest[at + 1..],
        }
    }
    let get = |codes: &[u8]| -> Vec<&str> {
        subfields
            .iter()
            .filter(|(c, _)| codes.contains(c))
            .map(|(_, v)| v.as_str())
            .collect()
    };
    let purpose: Vec<&str> = get(&[20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 60, 61, 62, 63]);
    let purpose_text: String = purpose.concat();
    let sepa = sepa_keywords(&purpose_text);
    let name = get(&[32, 33]).concat();
    let account = get(&[31, 38]).into_iter().map(str::trim).find(|a| !a.is_empty());
    let bic = get(&[30]).into_iter().map(str::trim).find(|b| is_bic(b));
    let mut d = Details {
        end_to_end_id: meaningful_ref(sepa.get("EREF").map(|s| s.to_string())),
        mandate_id: meaningful_ref(sepa.get("MREF").map(|s| s.to_string())),
        counterparty: Party {
            name: Some(name.trim().to_string()).filter(|n| !n.is_empty()),
            iban: account.filter(|a| is_iban(a)).map(str::to_string),
            account: account.filter(|a| !is_iban(a)).map(str::to_string),
            bic: bic.map(str::to_string),
        },
        remittance: Remittance::default(),
    };
    d.remittance.unstructured = match sepa.get("SVWZ") {
        Some(svwz) => vec![svwz.to_string()],
        None if sepa.is_empty() => purpose
            .iter()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect(),
        None => Vec::new(),
    };
    d
}

const SEPA_KEYS: &[&str] = &[
    "EREF", "KREF", "MREF", "CRED", "DEBT", "SVWZ", "ABWA", "ABWE", "IBAN", "BIC", "COAM", "OAMT",
];

/// `EREF+abc MREF+def SVWZ+text` → key → value.
fn sepa_keywords(text: &str) -> BTreeMap<&'static str, String> {
    split_at_keys(text, SEPA_KEYS, |k| format!("{k}+"))
        .into_iter()
        .map(|(k, v)| (k, v.trim().to_string()))
        .collect()
}

/// Cuts `text` at every marker of `keys` (`EREF+`, `/EREF/`): each key's text runs to the
/// next marker. A key that appears twice keeps its first value.
fn split_at_keys<'t>(
    text: &'t str,
    keys: &[&'static str],
    marker: impl Fn(&str) -> String,
) -> BTreeMap<&'static str, &'t str> {
    let mut marks: Vec<(usize, usize, &'static str)> = keys
        .iter()
        .flat_map(|k| {
            let m = marker(k);
            text.match_indices(&m)
                .map(|(i, _)| (i, m.len(), *k))
                .collect::<Vec<_>>()
        })
        .collect();
    marks.sort();
    let mut out = BTreeMap::new();
    for (n, (at, len, key)) in marks.iter().enumerate() {
        let start = at + len;
        let end = marks.get(n + 1).map(|(i, _, _)| *i).unwrap_or(text.len()).max(start);
        out.entry(*key).or_insert(&text[start..end]);
    }
    out
}

const KEYWORDS: &[&str] = &[
    "EREF", "REMI", "NAME", "IBAN", "CNTP", "ORDP", "BENM", "MARF", "CSID", "PREF", "RTRN", "ADDR", "BIC", "PURP",
    "ULTC", "ULTD", "ISDT", "TRCD", "OCMT", "CHGS",
];

/// `/EREF/abc//CNTP/NL..IBAN/BIC/NAME/CITY//REMI/USTD//text/`
fn keyword(text: &str) -> Details {
    let values = split_at_keys(text, KEYWORDS, |k| format!("/{k}/"));
    let value = |key: &str| values.get(key).map(|v| v.trim_matches('/').trim().to_string());
    let cntp: Vec<String> = value("CNTP")
        .map(|c| c.split('/').map(|s| s.trim().to_string()).collect())
        .unwrap_or_default();
    let part = |i: usize| cntp.get(i).filter(|s| !s.is_empty()).cloned();
    let iban = value("IBAN").or_else(|| part(0));
    let mut remittance = Remittance::default();
    if let Some(remi) = value("REMI") {
        if let Some(structured) = remi.strip_prefix("STRD/") {
            // STRD/CUR/reference: the creditor reference after the type.
            remittance.creditor_reference = structured.rsplit('/').next().map(str::to_string);
        } else {
            let text = remi.strip_prefix("USTD/").unwrap_or(&remi).trim_start_matches('/');
            remittance.unstructured = vec![text.trim().to_string()];
        }
    }
    Details {
        end_to_end_id: meaningful_ref(value("EREF")),
        mandate_id: meaningful_ref(value("MARF")),
        counterparty: Party {
            name: value("NAME").or_else(|| part(2)),
            iban: iban.clone().filter(|i| is_iban(i)),
            account: iban.filter(|i| !is_iban(i) && !i.is_empty()),
            bic: value("BIC").or_else(|| part(1)).filter(|b| is_bic(b)),
        },
        remittance,
    }
}

fn is_bic(s: &str) -> bool {
    let b = s.as_bytes();
    (b.len() == 8 || b.len() == 11)
        && b[..6].iter().all(u8::is_ascii_uppercase)
        && b.iter().all(u8::is_ascii_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_subfields_with_sepa_keywords() {
        let d = details(
            "166?00GUTSCHRIFT?100399?20EREF+EndToEndId TFNR 22 004?21 00001?22\nSVWZ+Verw CTSc-01 BC-PPP TF?23Nr 22 004?30DRESDEFF508?31DE1450880\n0500194785000?32KARL?33        KAUFMANN",
        );
        assert_eq!(d.end_to_end_id.as_deref(), Some("EndToEndId TFNR 22 004 00001"));
        assert_eq!(d.remittance.unstructured, vec!["Verw CTSc-01 BC-PPP TFNr 22 004"]);
        assert_eq!(d.counterparty.iban.as_deref(), Some("DE14508800500194785000"));
        assert_eq!(d.counterparty.bic.as_deref(), Some("DRESDEFF508"));
        assert_eq!(d.counterparty.name.as_deref(), Some("KARL        KAUFMANN"));
    }

    #[test]
    fn keyword_layout() {
        let d = details("/EREF/E1//CNTP/NL91ABNA0417164300/ABNANL2A/J DOE/AMSTERDAM//REMI/USTD//INV 7/");
        assert_eq!(d.end_to_end_id.as_deref(), Some("E1"));
        assert_eq!(d.counterparty.name.as_deref(), Some("J DOE"));
        assert_eq!(d.counterparty.iban.as_deref(), Some("NL91ABNA0417164300"));
        assert_eq!(d.counterparty.bic.as_deref(), Some("ABNANL2A"));
        assert_eq!(d.remittance.unstructured, vec!["INV 7"]);
    }

    #[test]
    fn free_text_is_kept_as_lines() {
        let d = details("0111111111 Hr S Marechal\nROSMALEN\n");
        assert_eq!(d.remittance.unstructured, vec!["0111111111 Hr S Marechal", "ROSMALEN"]);
    }
}
