//! Records by id with a change sequence: what every sandbox system lists and pages through.

use std::collections::{BTreeMap, HashMap};

use crate::wire::{ApprovalStep, Entity, Invoice, Supplier, User};

/// A record the API lists by change sequence.
pub(crate) trait Versioned: Clone {
    fn id(&self) -> &str;
    fn bump(&mut self, at: &str);
}

macro_rules! versioned {
    ($($t:ty),*) => {$(
        impl Versioned for $t {
            fn id(&self) -> &str { &self.id }
            fn bump(&mut self, at: &str) {
                self.version += 1;
                self.updated_at = at.to_string();
            }
        }
    )*};
}
versioned!(User, Entity, Supplier, Invoice, ApprovalStep);

/// Records by id, and their ids by the sequence number of their last change, so a delta cursor
/// is simply "the last sequence number seen".
pub(crate) struct Table<T> {
    pub(crate) rows: HashMap<String, (u64, T)>,
    by_seq: BTreeMap<u64, String>,
}

impl<T: Versioned> Table<T> {
    pub(crate) fn new() -> Self {
        Table {
            rows: HashMap::new(),
            by_seq: BTreeMap::new(),
        }
    }

    pub(crate) fn put(&mut self, seq: u64, row: T) {
        let id = row.id().to_string();
        if let Some((old, _)) = self.rows.insert(id.clone(), (seq, row)) {
            self.by_seq.remove(&old);
        }
        self.by_seq.insert(seq, id);
    }

    pub(crate) fn get(&self, id: &str) -> Option<&T> {
        self.rows.get(id).map(|(_, r)| r)
    }

    pub(crate) fn page(&self, after: u64, limit: usize) -> (Vec<&T>, u64, bool) {
        let mut out = Vec::with_capacity(limit);
        let mut last = after;
        let mut iter = self.by_seq.range(after + 1..);
        for (seq, id) in iter.by_ref().take(limit) {
            out.push(&self.rows[id].1);
            last = *seq;
        }
        let has_more = iter.next().is_some();
        (out, last, has_more)
    }

    pub(crate) fn all(&self) -> Vec<T> {
        let mut v: Vec<T> = self.rows.values().map(|(_, r)| r.clone()).collect();
        v.sort_by(|a, b| a.id().cmp(b.id()));
        v
    }
}

impl Versioned for domain::Document {
    fn id(&self) -> &str {
        domain::Document::id(self)
    }
    fn bump(&mut self, at: &str) {
        let at = at.parse().unwrap_or_else(|_| chrono::Utc::now());
        domain::Document::bump(self, at);
    }
}

impl<T: Versioned> Table<T> {
    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        self.rows.get_mut(id).map(|(_, r)| r)
    }

    pub(crate) fn values(&self) -> impl Iterator<Item = &T> {
        self.rows.values().map(|(_, r)| r)
    }

    /// Like `page`, keeping only the records `keep` accepts; the cursor still moves past the
    /// records it skipped.
    pub(crate) fn scan(&self, after: u64, limit: usize, keep: impl Fn(&T) -> bool) -> (Vec<&T>, u64, bool) {
        let mut out = Vec::with_capacity(limit.min(1024));
        let mut last = after;
        let mut iter = self.by_seq.range(after + 1..).peekable();
        while out.len() < limit {
            let Some((seq, id)) = iter.next() else { break };
            last = *seq;
            let row = &self.rows[id].1;
            if keep(row) {
                out.push(row);
            }
        }
        (out, last, iter.peek().is_some())
    }

    /// Moves a changed record to the end of the change sequence.
    pub(crate) fn touch(&mut self, id: &str, seq: u64) -> bool {
        let Some((old, _)) = self.rows.get(id).map(|(s, r)| (*s, r)) else {
            return false;
        };
        self.by_seq.remove(&old);
        self.by_seq.insert(seq, id.to_string());
        if let Some(row) = self.rows.get_mut(id) {
            row.0 = seq;
        }
        true
    }
}
