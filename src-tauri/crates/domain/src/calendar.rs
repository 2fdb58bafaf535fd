//! Business-day arithmetic on an entity's calendar (weekend days and public holidays).

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// Which days an entity works. Holidays come from the entity's configuration or source system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessCalendar {
    weekend: Vec<Weekday>,
    holidays: BTreeSet<NaiveDate>,
}

impl Default for BusinessCalendar {
    fn default() -> Self {
        BusinessCalendar {
            weekend: vec![Weekday::Sat, Weekday::Sun],
            holidays: BTreeSet::new(),
        }
    }
}

/// Monday 2000-01-03: the day business-day ordinals count from.
fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 3).expect("valid date")
}

impl BusinessCalendar {
    pub fn new(weekend: Vec<Weekday>, holidays: impl IntoIterator<Item = NaiveDate>) -> Self {
        BusinessCalendar {
            weekend,
            holidays: holidays.into_iter().collect(),
        }
    }

    pub fn holidays(&self) -> impl Iterator<Item = &NaiveDate> {
        self.holidays.iter()
    }

    pub fn is_business_day(&self, d: NaiveDate) -> bool {
        !self.weekend.contains(&d.weekday()) && !self.holidays.contains(&d)
    }

    /// Business days in the half-open range `(from, to]`: how many working days have passed
    /// since `from`. Zero when `to` is not after `from`.
    pub fn business_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        (self.ordinal(to) - self.ordinal(from)).max(0)
    }

    /// The count of business days in `(epoch, d]` (negative before the epoch). Differences of
    /// ordinals are business-day ages, which lets the store compute ages in SQL.
    pub fn ordinal(&self, d: NaiveDate) -> i64 {
        let days = (d - epoch()).num_days();
        let weeks = days.div_euclid(7);
        let rest = days.rem_euclid(7);
        let workdays_per_week = 7 - self.weekend.len() as i64;
        // The epoch is a Monday, so day `i` of the partial week is weekday `i % 7` from Monday.
        let partial = (1..=rest)
            .filter(|i| !self.weekend.contains(&weekday_from((*i % 7) as u32)))
            .count() as i64;
        let regular = weeks * workdays_per_week + partial;
        let holidays = if d >= epoch() {
            self.holidays
                .range(epoch().succ_opt().unwrap_or(epoch())..=d)
                .filter(|h| !self.weekend.contains(&h.weekday()))
                .count() as i64
        } else {
            -(self
                .holidays
                .range(d.succ_opt().unwrap_or(d)..=epoch())
                .filter(|h| !self.weekend.contains(&h.weekday()))
                .count() as i64)
        };
        regular - holidays
    }

    /// Moves `n` business days from `d` (negative goes back). With `n == 0`, rolls forward to
    /// the next business day if `d` is not one.
    pub fn add_business_days(&self, d: NaiveDate, n: i64) -> NaiveDate {
        let mut day = d;
        if n == 0 {
            while !self.is_business_day(day) {
                day = day + Days::new(1);
            }
            return day;
        }
        let mut left = n.abs();
        while left > 0 {
            day = if n > 0 { day + Days::new(1) } else { day - Days::new(1) };
            if self.is_business_day(day) {
                left -= 1;
            }
        }
        day
    }
}

fn weekday_from(n_from_monday: u32) -> Weekday {
    match n_from_monday {
        0 => Weekday::Mon,
        1 => Weekday::Tue,
        2 => Weekday::Wed,
        3 => Weekday::Thu,
        4 => Weekday::Fri,
        5 => Weekday::Sat,
        _ => Weekday::Sun,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn naive_count(cal: &BusinessCalendar, from: NaiveDate, to: NaiveDate) -> i64 {
        let mut n = 0;
        let mut day = from;
        while day < to {
            day = day + Days::new(1);
            if cal.is_business_day(day) {
                n += 1;
            }
        }
        n
    }

    #[test]
    fn a_weekend_does_not_age() {
        let cal = BusinessCalendar::default();
        // Friday to Monday is one business day.
        assert_eq!(cal.business_days_between(d("2026-11-20"), d("2026-11-23")), 1);
        // Saturday to Sunday is none.
        assert_eq!(cal.business_days_between(d("2026-11-21"), d("2026-11-22")), 0);
        assert_eq!(cal.business_days_between(d("2026-11-23"), d("2026-11-20")), 0);
    }

    #[test]
    fn a_holiday_does_not_age() {
        // 2026-12-25 is a Friday, 2026-12-28 the Monday after.
        let cal = BusinessCalendar::new(vec![Weekday::Sat, Weekday::Sun], [d("2026-12-25")]);
        assert_eq!(cal.business_days_between(d("2026-12-24"), d("2026-12-28")), 1);
        assert_eq!(
            BusinessCalendar::default().business_days_between(d("2026-12-24"), d("2026-12-28")),
            2
        );
    }

    #[test]
    fn a_friday_saturday_weekend_is_configuration() {
        let cal = BusinessCalendar::new(vec![Weekday::Fri, Weekday::Sat], []);
        // Thursday to Sunday: only Sunday counts.
        assert_eq!(cal.business_days_between(d("2026-11-19"), d("2026-11-22")), 1);
    }

    #[test]
    fn ordinals_agree_with_counting_day_by_day() {
        let cals = [
            BusinessCalendar::default(),
            BusinessCalendar::new(vec![Weekday::Fri, Weekday::Sat], [d("2026-01-01"), d("2026-05-01")]),
            BusinessCalendar::new(vec![Weekday::Sun], [d("1999-12-31"), d("2026-04-03")]),
        ];
        for cal in &cals {
            let start = d("1999-12-20");
            for offset in 0..(365 * 27 + 40) {
                let to = start + Days::new(offset);
                if offset % 97 == 0 || to.year() == 2026 {
                    assert_eq!(
                        cal.business_days_between(start, to),
                        naive_count(cal, start, to),
                        "{start}..{to}"
                    );
                }
            }
        }
    }

    #[test]
    fn adding_business_days_skips_weekends_and_holidays() {
        let cal = BusinessCalendar::new(vec![Weekday::Sat, Weekday::Sun], [d("2026-12-25"), d("2026-12-28")]);
        assert_eq!(cal.add_business_days(d("2026-12-24"), 1), d("2026-12-29"));
        assert_eq!(cal.add_business_days(d("2026-12-29"), -1), d("2026-12-24"));
        assert_eq!(cal.add_business_days(d("2026-12-26"), 0), d("2026-12-29"));
        assert_eq!(cal.add_business_days(d("2026-11-30"), -3), d("2026-11-25"));
    }
}
