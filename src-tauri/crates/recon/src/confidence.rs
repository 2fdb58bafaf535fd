//! Confidence as integer basis points (0..=10000), so every run gives bit-identical results
//! and a threshold comparison never depends on float rounding.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A match confidence in basis points: 10000 = 100 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Confidence(u16);

impl Confidence {
    pub const MAX: Confidence = Confidence(10_000);
    pub const ZERO: Confidence = Confidence(0);

    /// `None` above 10000 bp.
    pub const fn new(basis_points: u16) -> Option<Confidence> {
        if basis_points <= 10_000 {
            Some(Confidence(basis_points))
        } else {
            None
        }
    }

    /// Clamps to 0..=10000; for values computed from configured ones.
    pub(crate) fn clamped(basis_points: i64) -> Confidence {
        Confidence(basis_points.clamp(0, 10_000) as u16)
    }

    pub const fn basis_points(self) -> u16 {
        self.0
    }

    /// `"0.9750"`: the fraction with four exact decimals, as MATCHES.csv carries it.
    pub fn fraction_string(self) -> String {
        format!("{}.{:04}", self.0 / 10_000, self.0 % 10_000)
    }
}

impl fmt::Display for Confidence {
    /// `"97.50 %"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02} %", self.0 / 100, self.0 % 100)
    }
}

impl Serialize for Confidence {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u16(self.0)
    }
}

impl<'de> Deserialize<'de> for Confidence {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let bp = u16::deserialize(d)?;
        Confidence::new(bp)
            .ok_or_else(|| serde::de::Error::custom(format!("confidence {bp} is above 10000 basis points")))
    }
}
