//! The keys noisy text is compared by.

use recon::normalize::{account, invoice_numbers, is_valid_iban, name, reference};

#[test]
fn names() {
    let same = [
        ("ACME GmbH", "Acme"),
        ("Acme G.m.b.H.", "ACME"),
        ("Acme GmbH & Co. KG", "acme"),
        ("Müller-Bau AG", "MUELLER BAU"),
        ("Société Générale S.A.S.", "SOCIETE GENERALE"),
        ("O'Brien Ltd.", "OBRIEN LIMITED"),
        ("Globex, Inc.", "GLOBEX INCORPORATED"),
        ("Nordwind Logistik", "NORDWIND-LOGISTIK"),
    ];
    for (a, b) in same {
        assert_eq!(name(a), name(b), "{a} vs {b}");
    }
    assert_ne!(name("Acme"), name("Acme Industries"));
    // A name made only of legal words is kept rather than emptied.
    assert_eq!(name("AG"), "AG");
    assert_eq!(name(""), "");
}

#[test]
fn references_and_accounts() {
    assert_eq!(reference("e2e-2024/0001").as_deref(), Some("E2E20240001"));
    for absent in ["", "NOTPROVIDED", "NONREF", "  ", "ab"] {
        assert_eq!(reference(absent), None, "{absent:?}");
    }
    assert_eq!(
        account("IBAN DE02 1203 0000 0000 2020 51").as_deref(),
        Some("DE02120300000000202051")
    );
    assert!(is_valid_iban("DE02 1203 0000 0000 2020 51"));
    assert!(is_valid_iban("GB29NWBK60161331926819"));
    assert!(!is_valid_iban("DE03120300000000202051"));
    assert!(!is_valid_iban("Acme Industries"));
}

#[test]
fn invoice_numbers_in_noisy_text() {
    let cases: &[(&str, &str)] = &[
        ("Rechnung Nr. 0012345", "12345"),
        ("RE12345", "12345"),
        ("INV-000123", "123"),
        ("inv 2024 00123", "202400123"),
        ("Invoice #2024-00123", "202400123"),
        ("Rg. 2024/00123 vom 12.03.2024", "202400123"),
        ("FACTURE 777 123", "777123"),
    ];
    for (text, want) in cases {
        let found = invoice_numbers(text, 3);
        assert!(found.iter().any(|f| f == want), "{text:?}: {found:?}");
    }
    assert!(invoice_numbers("no numbers here", 3).is_empty());
    // IBAN digits are too long to be an invoice number.
    assert!(invoice_numbers("DE89370400440532013000", 3).is_empty());
}
