//! Aging buckets by business days on the entity's calendar.

use serde::{Deserialize, Serialize};

/// The aging buckets finance teams use for queues: 0-2, 3-5, 6-10, 11-20 and over 20 business days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgingBucket {
    D0_2,
    D3_5,
    D6_10,
    D11_20,
    Over20,
}

impl AgingBucket {
    pub const ALL: [AgingBucket; 5] = [
        AgingBucket::D0_2,
        AgingBucket::D3_5,
        AgingBucket::D6_10,
        AgingBucket::D11_20,
        AgingBucket::Over20,
    ];

    pub fn from_business_days(days: i64) -> AgingBucket {
        match days {
            i64::MIN..=2 => AgingBucket::D0_2,
            3..=5 => AgingBucket::D3_5,
            6..=10 => AgingBucket::D6_10,
            11..=20 => AgingBucket::D11_20,
            _ => AgingBucket::Over20,
        }
    }

    /// Inclusive business-day range of the bucket; the store filters on it.
    pub fn range(self) -> (i64, i64) {
        match self {
            AgingBucket::D0_2 => (i64::MIN, 2),
            AgingBucket::D3_5 => (3, 5),
            AgingBucket::D6_10 => (6, 10),
            AgingBucket::D11_20 => (11, 20),
            AgingBucket::Over20 => (21, i64::MAX),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AgingBucket::D0_2 => "0-2",
            AgingBucket::D3_5 => "3-5",
            AgingBucket::D6_10 => "6-10",
            AgingBucket::D11_20 => "11-20",
            AgingBucket::Over20 => ">20",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BusinessCalendar;
    use chrono::{NaiveDate, Weekday};

    #[test]
    fn bucket_edges() {
        let cases = [
            (0, AgingBucket::D0_2),
            (2, AgingBucket::D0_2),
            (3, AgingBucket::D3_5),
            (5, AgingBucket::D3_5),
            (6, AgingBucket::D6_10),
            (10, AgingBucket::D6_10),
            (11, AgingBucket::D11_20),
            (20, AgingBucket::D11_20),
            (21, AgingBucket::Over20),
            (400, AgingBucket::Over20),
        ];
        for (days, bucket) in cases {
            assert_eq!(AgingBucket::from_business_days(days), bucket, "{days} days");
            let (lo, hi) = bucket.range();
            assert!(lo <= days && days <= hi);
        }
    }

    #[test]
    fn buckets_across_a_weekend_and_a_holiday() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let cal = BusinessCalendar::new(vec![Weekday::Sat, Weekday::Sun], [d("2026-11-26")]);
        // Assigned Friday 20 Nov; on Wednesday 25 Nov three business days passed (Mon, Tue, Wed).
        let age = cal.business_days_between(d("2026-11-20"), d("2026-11-25"));
        assert_eq!(AgingBucket::from_business_days(age), AgingBucket::D3_5);
        // Calendar days say 5, but the weekend and the Thursday holiday keep it at 3 on Friday 27?
        // No: Mon, Tue, Wed, Fri = 4.
        let age = cal.business_days_between(d("2026-11-20"), d("2026-11-27"));
        assert_eq!(age, 4);
        // Assigned Tuesday 24 Nov; on Monday 30 Nov: Wed, Fri, Mon = 3 (Thursday is the holiday).
        let age = cal.business_days_between(d("2026-11-24"), d("2026-11-30"));
        assert_eq!(AgingBucket::from_business_days(age), AgingBucket::D3_5);
        // Without the holiday the same dates are 4 days.
        assert_eq!(
            BusinessCalendar::default().business_days_between(d("2026-11-24"), d("2026-11-30")),
            4
        );
        // Assigned Friday, seen Monday: one business day, first bucket.
        let age = cal.business_days_between(d("2026-11-20"), d("2026-11-23"));
        assert_eq!(AgingBucket::from_business_days(age), AgingBucket::D0_2);
    }
}
