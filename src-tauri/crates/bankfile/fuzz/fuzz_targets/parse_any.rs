//! Any bytes through format detection and every parser: an error or a value, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = bankfile::parse(data) {
        // What parses must also survive being used.
        for s in &file.statements {
            let _ = s.balances_add_up().to_string();
            for e in &s.entries {
                assert!(!e.entry_key().is_empty());
            }
        }
        for r in &file.status_reports {
            let _ = r.transaction_count();
        }
    }
});
