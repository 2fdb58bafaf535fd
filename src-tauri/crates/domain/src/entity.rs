use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::{BusinessCalendar, Currency, Provenance};

/// A legal entity: its functional currency, its time zone and its business calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LegalEntity {
    pub provenance: Provenance,
    pub code: String,
    pub name: String,
    pub currency: Currency,
    pub time_zone: Tz,
    pub calendar: BusinessCalendar,
}

impl LegalEntity {
    /// The entity's local date at `now`: aging and deadlines run on the entity's own day.
    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.time_zone).date_naive()
    }

    /// The business-day age of something that arrived at `since`, seen at `now`.
    pub fn business_age(&self, since: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
        self.calendar.business_days_between(self.today(since), self.today(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_is_the_entitys_own() {
        let entity = LegalEntity {
            provenance: Provenance {
                connection_id: "ap".into(),
                external_id: "E1".into(),
                source_version: 1,
                source_updated_at: Utc::now(),
                fetched_at: Utc::now(),
            },
            code: "SG01".into(),
            name: "Acme Singapore Pte Ltd".into(),
            currency: Currency::new("SGD").unwrap(),
            time_zone: chrono_tz::Asia::Singapore,
            calendar: BusinessCalendar::default(),
        };
        // 20:00 UTC on Friday is already Saturday in Singapore.
        let now: DateTime<Utc> = "2026-11-20T20:00:00Z".parse().unwrap();
        assert_eq!(entity.today(now).to_string(), "2026-11-21");
        let since: DateTime<Utc> = "2026-11-19T10:00:00Z".parse().unwrap();
        assert_eq!(entity.business_age(since, now), 1);
    }
}
