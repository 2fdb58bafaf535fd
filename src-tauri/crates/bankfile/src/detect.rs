//! Telling the format from the content (never from the file name) and turning bytes into text.

use crate::mt940::is_tag_line;
use crate::statement::Format;

/// The ISO 20022 message elements, and the format each one is.
pub(crate) const XML_MESSAGES: &[(&str, Format)] = &[
    ("BkToCstmrStmt", Format::Camt053),
    ("BkToCstmrAcctRpt", Format::Camt052),
    ("BkToCstmrDbtCdtNtfctn", Format::Camt054),
    ("CstmrPmtStsRpt", Format::Pain002),
    // Version 001.01 named the message elements with a suffix.
    ("BkToCstmrStmtV01", Format::Camt053),
    ("BkToCstmrAcctRptV01", Format::Camt052),
    ("BkToCstmrDbtCdtNtfctnV01", Format::Camt054),
];

/// Which format `bytes` hold, from their content. MT942 is reported as MT940 here: the two
/// share a parser, which tells them apart per message.
pub fn detect(bytes: &[u8]) -> Option<Format> {
    let text = decode(bytes);
    let start = text.trim_start_matches(|c: char| c.is_whitespace() || c.is_control());
    if start.starts_with('<') {
        return XML_MESSAGES
            .iter()
            .filter_map(|(name, format)| find_element(start, name).map(|at| (at, *format)))
            .min_by_key(|(at, _)| *at)
            .map(|(_, format)| format);
    }
    let first_line = start.lines().next().unwrap_or("");
    let b = first_line.as_bytes();
    if b.len() >= 3 && b[0].is_ascii_digit() && b[1].is_ascii_digit() && b[2] == b',' {
        return Some(Format::Bai2);
    }
    if start.starts_with("{1:") || start.lines().any(is_tag_line) {
        return Some(Format::Mt940);
    }
    None
}

/// Byte offset of the start tag `<name` or `<prefix:name`.
pub(crate) fn find_element(text: &str, name: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find(name).map(|i| i + from) {
        let before = &text[..i];
        let after = text[i + name.len()..].chars().next();
        let tag_start = before.ends_with('<')
            || before
                .rfind(['<', '>', ' ', '\n'])
                .is_some_and(|j| before.as_bytes()[j] == b'<' && before[j + 1..].ends_with(':'));
        if tag_start && matches!(after, Some('>' | ' ' | '/' | '\n' | '\r' | '\t')) {
            return Some(i);
        }
        from = i + name.len();
    }
    None
}

/// Bytes to text: UTF-8 (BOM dropped), UTF-16 with a BOM, else Latin-1. Banks still send
/// ISO-8859-1 files; reading them as Latin-1 keeps every byte instead of refusing the file.
pub(crate) fn decode(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return decode(rest);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return Cow::Owned(utf16(rest, u16::from_le_bytes));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return Cow::Owned(utf16(rest, u16::from_be_bytes));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()),
    }
}

fn utf16(bytes: &[u8], word: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|c| word([c[0], c[1]]));
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_from_content() {
        assert_eq!(
            detect(b"\xEF\xBB\xBF<?xml version=\"1.0\"?><Document><BkToCstmrStmt>"),
            Some(Format::Camt053)
        );
        assert_eq!(detect(b"<ns2:Document><ns2:BkToCstmrAcctRpt>"), Some(Format::Camt052));
        assert_eq!(detect(b"<Document><CstmrPmtStsRpt>"), Some(Format::Pain002));
        assert_eq!(detect(b"<Document><Other/></Document>"), None);
        assert_eq!(
            detect(b"01,122099999,123456789,040621,0200,1,65,,2/"),
            Some(Format::Bai2)
        );
        assert_eq!(detect(b"\r\n:20:REF\r\n:25:NL00\r\n"), Some(Format::Mt940));
        assert_eq!(detect(b"1\n2\n3\n"), None);
        assert_eq!(detect(b""), None);
    }

    #[test]
    fn latin1_and_utf16_are_read() {
        assert_eq!(decode(b"M\xFCller"), "Müller");
        assert_eq!(decode(b"\xFF\xFE:\x002\x000\x00"), ":20");
    }
}
