//! The UI's TypeScript bindings are generated from the Rust commands and types. This fails when
//! `ui/src/bindings.ts` drifts from them; `UPDATE_BINDINGS=1 cargo test -p control-tower --test
//! bindings` rewrites it.

#[test]
fn typescript_bindings_are_current() {
    let generated = control_tower_lib::typescript_bindings().expect("bindings export");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &generated).expect("write bindings");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "ui/src/bindings.ts is out of date with the Rust commands; run `make bindings` and commit it"
    );
}
