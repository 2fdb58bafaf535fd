//! LEDGER.csv: what is read, and every malformed input refused with file, line and field.

use recon::ledger_csv::{read_ledger, LedgerCsvError};

const HEADER: &str = "id,account_iban,booking_date,amount,currency,reference,counterparty,description\n";

fn read(body: &str) -> Result<Vec<recon::LedgerEntry>, LedgerCsvError> {
    read_ledger("ledger.csv", format!("{HEADER}{body}").as_bytes())
}

#[test]
fn reads_entries() {
    let entries = read(concat!(
        "GL-1,DE02 1203 0000 0000 2020 51,2024-03-01,-1234.50,EUR,E2E-1,\"Acme, Inc.\",\"Rent \"\"March\"\"\"\n",
        "GL-2,DE02120300000000202051,2024-03-02,99,JPY,,,\n",
    ))
    .unwrap();
    assert_eq!(entries.len(), 2);
    let e = &entries[0];
    assert_eq!(e.id, "GL-1");
    assert_eq!(e.amount.to_string(), "-1234.50 EUR");
    assert_eq!(e.booking_date.to_string(), "2024-03-01");
    assert_eq!(e.counterparty, "Acme, Inc.");
    assert_eq!(e.description, "Rent \"March\"");
    assert_eq!(entries[1].amount.to_string(), "99 JPY");
    assert_eq!(entries[1].reference, "");
}

#[test]
fn accepts_a_byte_order_mark_and_crlf() {
    let text = format!(
        "\u{feff}{}GL-1,DE02120300000000202051,2024-03-01,1.00,EUR,,,\r\n",
        HEADER.replace('\n', "\r\n")
    );
    assert_eq!(read_ledger("x.csv", text.as_bytes()).unwrap().len(), 1);
}

#[test]
fn refuses_malformed_input_naming_file_line_and_field() {
    let ok = "GL-1,DE02120300000000202051,2024-03-01,1.00,EUR,,,\n";
    let cases: &[(&str, &str, u64, &str, &str)] = &[
        (
            "bad amount",
            "GL-2,DE02120300000000202051,2024-03-01,12a.5,EUR,,,\n",
            3,
            "amount",
            "12a.5",
        ),
        (
            "amount with a comma",
            "GL-2,DE02120300000000202051,2024-03-01,\"1,00\",EUR,,,\n",
            3,
            "amount",
            "plain decimal",
        ),
        (
            "empty amount",
            "GL-2,DE02120300000000202051,2024-03-01,,EUR,,,\n",
            3,
            "amount",
            "empty",
        ),
        (
            "more decimals than the currency",
            "GL-2,DE02120300000000202051,2024-03-01,1.001,EUR,,,\n",
            3,
            "amount",
            "decimal places",
        ),
        (
            "unknown currency",
            "GL-2,DE02120300000000202051,2024-03-01,1.00,EUX,,,\n",
            3,
            "currency",
            "EUX",
        ),
        (
            "bad date",
            "GL-2,DE02120300000000202051,01.03.2024,1.00,EUR,,,\n",
            3,
            "booking_date",
            "01.03.2024",
        ),
        (
            "impossible date",
            "GL-2,DE02120300000000202051,2024-02-30,1.00,EUR,,,\n",
            3,
            "booking_date",
            "",
        ),
        (
            "short date",
            "GL-2,DE02120300000000202051,2024-3-1,1.00,EUR,,,\n",
            3,
            "booking_date",
            "",
        ),
        ("no account", "GL-2,,2024-03-01,1.00,EUR,,,\n", 3, "account_iban", ""),
        (
            "no id",
            " ,DE02120300000000202051,2024-03-01,1.00,EUR,,,\n",
            3,
            "id",
            "empty",
        ),
        (
            "repeated id",
            "GL-1,DE02120300000000202051,2024-03-02,2.00,EUR,,,\n",
            3,
            "id",
            "line 2",
        ),
        (
            "missing field",
            "GL-2,DE02120300000000202051,2024-03-01,1.00,EUR,,\n",
            3,
            "row",
            "7 fields, expected 8",
        ),
    ];
    for (what, row, line, field, says) in cases {
        let e = read(&format!("{ok}{row}")).expect_err(what);
        assert_eq!(
            (e.file.as_str(), e.line, e.field.as_str()),
            ("ledger.csv", *line, *field),
            "{what}: {e}"
        );
        assert!(e.message.contains(says), "{what}: {e}");
        assert!(
            e.to_string()
                .starts_with(&format!("ledger.csv: line {line}: {field}: ")),
            "{e}"
        );
    }
}

#[test]
fn refuses_a_wrong_header_or_an_empty_file() {
    let e = read_ledger(
        "l.csv",
        "id,account,date,amount,currency,reference,counterparty,description\n".as_bytes(),
    )
    .unwrap_err();
    assert_eq!((e.line, e.field.as_str()), (1, "header"));
    let e = read_ledger("l.csv", "".as_bytes()).unwrap_err();
    assert_eq!((e.line, e.field.as_str()), (1, "header"));
    let e = read_ledger("l.csv", b"id,account_iban\xff\n".as_slice()).unwrap_err();
    assert_eq!(e.line, 1);
}

#[test]
fn refuses_invalid_utf8_in_a_field() {
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(b"GL-1,DE02120300000000202051,2024-03-01,1.00,EUR,,Caf\xe9,\n");
    let e = read_ledger("l.csv", bytes.as_slice()).unwrap_err();
    assert_eq!((e.line, e.field.as_str()), (2, "counterparty"), "{e}");
}
