//! Items sorted by (integer key, booking day). Two ways in:
//! - `join`: a batch of lookups sorted the same way and merged against the entries — sequential
//!   memory, no hash table; the one-to-one passes use it for a million lookups at a time;
//! - `window` after `with_lookup`: a hash lookup of the key's run, for passes that gather several
//!   keys per item. Either way a binary search finds the date window inside the run, so a hot key
//!   (a common fee amount) costs only the items inside the window.

use rayon::prelude::*;

use crate::normalize::KeyMap;

/// (key, day, item)
pub(crate) type Entry = (u64, i32, u32);

pub(crate) struct Index {
    entries: Vec<Entry>,
    runs: KeyMap<(u32, u32)>,
}

/// Lookups merged per chunk: large enough to amortize the chunk's starting binary search.
const JOIN_CHUNK: usize = 4096;

impl Index {
    /// `rows`: (key, day, item); duplicates are dropped.
    pub fn build(mut rows: Vec<Entry>) -> Index {
        rows.par_sort_unstable();
        rows.dedup();
        Index {
            entries: rows,
            runs: KeyMap::default(),
        }
    }

    /// Adds the hash table `window` needs.
    pub fn with_lookup(mut self) -> Index {
        let mut runs = KeyMap::default();
        let mut start = 0;
        while start < self.entries.len() {
            let key = self.entries[start].0;
            let end = start + self.entries[start..].partition_point(|r| r.0 == key);
            runs.insert(key, (start as u32, end as u32));
            start = end;
        }
        self.runs = runs;
        self
    }

    /// Items under `key` booked on days `from..=to` (needs `with_lookup`).
    pub fn window(&self, key: u64, from: i32, to: i32) -> &[Entry] {
        match self.runs.get(&key) {
            Some(&(start, end)) => days(&self.entries[start as usize..end as usize], from, to),
            None => &[],
        }
    }

    /// For every query, `f(query, run)` with the entries under the query's key (all days); the
    /// outputs in no particular order.
    pub fn join<'s, Q, C, I, F>(&'s self, mut queries: Vec<(u64, Q)>, f: F) -> Vec<C>
    where
        Q: Send + Sync,
        C: Send,
        I: IntoIterator<Item = C>,
        F: Fn(&Q, &'s [Entry]) -> I + Sync,
    {
        queries.par_sort_unstable_by_key(|q| q.0);
        let entries = &self.entries;
        queries
            .par_chunks(JOIN_CHUNK)
            .flat_map_iter(|chunk| {
                let mut pos = chunk.first().map_or(0, |q| entries.partition_point(|e| e.0 < q.0));
                let mut run: &'s [Entry] = &[];
                let mut out = Vec::new();
                for (key, q) in chunk {
                    if run.first().is_none_or(|e| e.0 != *key) {
                        while pos < entries.len() && entries[pos].0 < *key {
                            pos += 1;
                        }
                        let end = pos + entries[pos..].partition_point(|e| e.0 == *key);
                        run = &entries[pos..end];
                        pos = end;
                    }
                    if !run.is_empty() {
                        out.extend(f(q, run));
                    }
                }
                out
            })
            .collect()
    }
}

/// The part of a run (one key, sorted by day) booked on days `from..=to`.
pub(crate) fn days(run: &[Entry], from: i32, to: i32) -> &[Entry] {
    let lo = run.partition_point(|e| e.1 < from);
    let hi = run.partition_point(|e| e.1 <= to);
    &run[lo..hi.max(lo)]
}
