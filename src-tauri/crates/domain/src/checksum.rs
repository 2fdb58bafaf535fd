//! Per-table fingerprints to compare a mirror with its source: the record count and a SHA-256
//! over the sorted `id:version` lines. Two systems holding the same versions of the same records
//! agree; a lost, duplicated or stale record changes the fingerprint.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableChecksum {
    pub count: usize,
    pub sha256: String,
}

impl TableChecksum {
    pub fn of<'a>(pairs: impl IntoIterator<Item = (&'a str, i64)>) -> TableChecksum {
        let mut lines: Vec<String> = pairs.into_iter().map(|(id, v)| format!("{id}:{v}\n")).collect();
        lines.sort();
        let mut h = Sha256::new();
        for l in &lines {
            h.update(l.as_bytes());
        }
        TableChecksum {
            count: lines.len(),
            sha256: hex::encode(h.finalize()),
        }
    }
}

/// SHA-256 of `bytes` in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checksums {
    pub tables: BTreeMap<String, TableChecksum>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_does_not_matter_but_versions_and_ids_do() {
        let a = TableChecksum::of([("A", 1), ("B", 2)]);
        assert_eq!(a, TableChecksum::of([("B", 2), ("A", 1)]));
        assert_ne!(a, TableChecksum::of([("A", 1), ("B", 3)]));
        assert_ne!(a, TableChecksum::of([("A", 1)]));
        assert_ne!(a, TableChecksum::of([("A", 1), ("B", 2), ("B", 2)]));
    }
}
