//! Business hours. PLACEHOLDER: being written.

use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Tz;

use crate::error::ConfigError;

/// One opening window on a weekday, in local time. `end <= start` only when `overnight`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// Local opening time.
    pub start: NaiveTime,
    /// Local closing time (on the next day when `overnight`).
    pub end: NaiveTime,
    /// The window runs past midnight into the next day.
    pub overnight: bool,
}

/// A day the team is closed although the schedule says open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    /// Local date.
    pub date: NaiveDate,
    /// Optional name shown in docs and logs.
    pub name: Option<String>,
}

/// When people are on duty.
#[derive(Debug, Clone, PartialEq)]
pub struct BusinessHours {
    /// IANA time zone.
    pub timezone: Tz,
    /// Windows per weekday, Monday first. An empty list is a closed day.
    pub schedule: [Vec<Window>; 7],
    /// Closed dates.
    pub holidays: Vec<Holiday>,
}

/// Open or closed at an instant, with the next change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HoursStatus {
    /// Open at the instant asked about.
    pub open: bool,
    /// Start of the next opening strictly after the instant (epoch ms), if there is one within a year.
    pub next_opening: Option<i64>,
    /// The next closing strictly after the instant (epoch ms), if there is one within a year.
    pub next_closing: Option<i64>,
}

impl BusinessHours {
    /// Parses the `business_hours` object at `path`, pushing every problem to `errors`.
    pub fn from_json(
        _value: &serde_json::Value,
        _path: &str,
        _errors: &mut Vec<ConfigError>,
    ) -> Option<BusinessHours> {
        None
    }

    /// Open or closed at `at_ms`, and when that changes.
    pub fn status(&self, _at_ms: i64) -> HoursStatus {
        HoursStatus {
            open: true,
            next_opening: None,
            next_closing: None,
        }
    }

    /// `at_ms` as local time for messages, e.g. `Monday 09:00 IST`.
    pub fn format_local(&self, _at_ms: i64) -> String {
        String::new()
    }
}
