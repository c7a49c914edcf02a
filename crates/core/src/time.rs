//! Time as the programme counts it: civil dates in Viet Nam (UTC+7, no
//! daylight saving since 1975) and instants in UTC, stored as RFC 3339 with
//! whole seconds. [`Timestamp::now`] is the one place that reads the clock;
//! the entry points (requests, jobs, commands) call it and pass the time
//! down, so every rule below them can be tested at any hour.

use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::Date;

/// Viet Nam's offset from UTC, in hours.
pub const VIETNAM_UTC_OFFSET_HOURS: i64 = 7;

/// The date in Viet Nam at `at`: from 17:00 UTC it is already tomorrow.
pub fn vietnam_date(at: DateTime<Utc>) -> Date {
    (at + chrono::Duration::hours(VIETNAM_UTC_OFFSET_HOURS)).date_naive()
}

/// An instant, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    /// Now, by the system clock.
    pub fn now() -> Timestamp {
        Timestamp(Utc::now())
    }

    pub fn from_utc(at: DateTime<Utc>) -> Timestamp {
        Timestamp(at)
    }

    pub fn utc(self) -> DateTime<Utc> {
        self.0
    }

    /// The date in Viet Nam at this instant.
    pub fn vietnam_date(self) -> Date {
        vietnam_date(self.0)
    }

    /// As stored in the database: `2026-07-01T00:00:00Z`.
    pub fn stored(self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::Secs, true)
    }

    /// To the millisecond, where order within a second decides (contest
    /// attempts): `2026-07-01T00:00:00.250Z`.
    pub fn stored_millis(self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::Millis, true)
    }

    /// Reads a stored instant (any RFC 3339 offset).
    pub fn parse_stored(s: &str) -> Result<Timestamp, chrono::ParseError> {
        DateTime::parse_from_rfc3339(s).map(|t| Timestamp(t.with_timezone(&Utc)))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.stored())
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(at: DateTime<Utc>) -> Self {
        Timestamp(at)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use proptest::prelude::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_vietnam_date_turns_at_17_utc() {
        assert_eq!(vietnam_date(at("2025-06-30T16:59:59Z")).to_string(), "2025-06-30");
        assert_eq!(vietnam_date(at("2025-06-30T17:00:00Z")).to_string(), "2025-07-01");
        // 01:00 in Viet Nam on the day the 2025 reorganisation took effect.
        assert_eq!(vietnam_date(at("2025-07-01T01:00:00+07:00")).to_string(), "2025-07-01");
    }

    #[test]
    fn a_timestamp_is_stored_in_utc_with_seconds() {
        let t = Timestamp::parse_stored("2025-07-01T01:00:00.750+07:00").unwrap();
        assert_eq!(t.stored(), "2025-06-30T18:00:00Z");
        assert_eq!(t.vietnam_date().to_string(), "2025-07-01");
        assert!(Timestamp::parse_stored("01/07/2025").is_err());
    }

    proptest! {
        /// Storing and reading back keeps the instant to the second.
        #[test]
        fn stored_timestamps_read_back(secs in 0i64..4_102_444_800) {
            let t = Timestamp::from_utc(DateTime::from_timestamp(secs, 0).unwrap());
            prop_assert_eq!(Timestamp::parse_stored(&t.stored()).unwrap(), t);
        }
    }
}
