//! Business hours: when people are on duty to take a handed-off chat.
//!
//! [`BusinessHours`] is read from `handoff.business_hours` by the configuration (its keys are in
//! README's configuration reference; [`BusinessHours::from_json`] and
//! [`BusinessHours::to_json`] read and write them); this module evaluates it: open
//! or closed at an instant, the next opening and closing, and local times for messages.
//!
//! # Semantics
//!
//! - **Holidays** close the whole local date: no window *starting* on that date opens. A window
//!   belongs to the date it starts on, so an overnight window that started the evening before a
//!   holiday still runs until its end on the holiday morning, and an overnight window that would
//!   start on the holiday evening does not open at all (not even the part after midnight).
//! - **DST gaps** (spring forward): a `start` or `end` at a local time that does not exist that day
//!   (America/New_York 2026-03-08 02:30) is moved to the first instant after the gap
//!   (03:00 EDT). A window lying entirely inside a gap does not open.
//! - **DST folds** (fall back): a local time that occurs twice (America/New_York 2026-11-01 01:30)
//!   opens at the *earlier* instant and closes at the *later* one, so a window is never shortened
//!   by the repeated hour.
//! - Windows that touch or overlap in real time (`monday 00:00-24:00` and `tuesday 00:00-12:00`,
//!   or two windows around a fold) are merged: closing and reopening at the same instant is not a
//!   closing.
//! - [`BusinessHours::status`] looks at most [`HORIZON_DAYS`] days ahead; an instant outside the
//!   range chrono can represent is reported as closed with no next opening or closing. Nothing here
//!   panics, whatever the input.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone};
use chrono_tz::OffsetName;

pub use crate::config::hours::{BusinessHours, Holiday, Window, WEEKDAYS};

mod dst;
use dst::{resolve, Pick};

/// How far ahead [`BusinessHours::status`] looks for the next opening or closing, in days.
pub const HORIZON_DAYS: i64 = 400;

const DAY_MS: i64 = 86_400_000;

/// Open or closed at an instant, with the next change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HoursStatus {
    /// Open at the instant asked about.
    pub open: bool,
    /// Start of the next opening strictly after the instant (epoch ms), if there is one within
    /// [`HORIZON_DAYS`] days. When open, this is the start of the next opening after the current
    /// one closes.
    pub next_opening: Option<i64>,
    /// The next closing strictly after the instant (epoch ms), if there is one within
    /// [`HORIZON_DAYS`] days. When closed, this is the end of the next opening.
    pub next_closing: Option<i64>,
}

impl HoursStatus {
    const CLOSED_FOREVER: HoursStatus = HoursStatus {
        open: false,
        next_opening: None,
        next_closing: None,
    };
}

impl BusinessHours {
    /// Open or closed at `at_ms` (epoch milliseconds), and when that next changes.
    ///
    /// ```
    /// use handoff_core::hours::BusinessHours;
    ///
    /// let config = serde_json::json!({
    ///     "timezone": "Asia/Kolkata",
    ///     "schedule": { "friday": { "start": "09:00", "end": "18:00" },
    ///                   "saturday": { "start": "10:00", "end": "14:00" } }
    /// });
    /// let mut errors = Vec::new();
    /// let hours = BusinessHours::from_json(&config, "handoff.business_hours", &mut errors).unwrap();
    /// let ms = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis();
    ///
    /// // Friday 2026-06-05 18:00 IST: just closed; opens again Saturday 10:00 IST.
    /// let status = hours.status(ms("2026-06-05T18:00:00+05:30"));
    /// assert!(!status.open);
    /// assert_eq!(status.next_opening, Some(ms("2026-06-06T10:00:00+05:30")));
    /// assert_eq!(status.next_closing, Some(ms("2026-06-06T14:00:00+05:30")));
    ///
    /// // Saturday 12:00 IST: open until 14:00, next opening the following Friday.
    /// let status = hours.status(ms("2026-06-06T12:00:00+05:30"));
    /// assert!(status.open);
    /// assert_eq!(status.next_closing, Some(ms("2026-06-06T14:00:00+05:30")));
    /// assert_eq!(status.next_opening, Some(ms("2026-06-12T09:00:00+05:30")));
    /// ```
    #[must_use]
    pub fn status(&self, at_ms: i64) -> HoursStatus {
        let Some(today) = self.local_date(at_ms) else {
            return HoursStatus::CLOSED_FOREVER;
        };
        let horizon = at_ms.saturating_add(HORIZON_DAYS * DAY_MS);
        let mut state = StatusState {
            at: at_ms,
            open: false,
            next_opening: None,
            next_closing: None,
        };
        let mut block: Option<(i64, i64)> = None;
        let mut buf = Vec::new();
        'days: for offset in -2..=HORIZON_DAYS + 2 {
            let Some(day) = add_days(today, offset) else {
                continue;
            };
            buf.clear();
            self.intervals_on(day, &mut buf);
            for &(s, e) in &buf {
                match block {
                    Some((bs, be)) if s <= be => block = Some((bs.min(s), be.max(e))),
                    _ => {
                        if let Some(done) = block.take() {
                            if state.consider(done) {
                                break 'days;
                            }
                        }
                        block = Some((s, e));
                    }
                }
            }
        }
        if let Some(done) = block {
            state.consider(done);
        }
        let within = |t: Option<i64>| t.filter(|&t| t > at_ms && t <= horizon);
        HoursStatus {
            open: state.open,
            next_opening: within(state.next_opening),
            next_closing: within(state.next_closing),
        }
    }

    /// Open at `at_ms` (epoch milliseconds)? Same as `status(at_ms).open`, but cheaper.
    #[must_use]
    pub fn is_open(&self, at_ms: i64) -> bool {
        let Some(today) = self.local_date(at_ms) else {
            return false;
        };
        let mut buf = Vec::new();
        for offset in -2..=0 {
            if let Some(day) = add_days(today, offset) {
                self.intervals_on(day, &mut buf);
            }
        }
        buf.iter().any(|&(s, e)| s <= at_ms && at_ms < e)
    }

    /// `at_ms` as local time for messages, e.g. `Monday 09:00 IST`: the full weekday name,
    /// 24-hour time and the zone abbreviation (a UTC offset such as `UTC+04:00` where the zone
    /// has no alphabetic abbreviation). An instant chrono cannot represent gives `"<ms> ms"`.
    #[must_use]
    pub fn format_local(&self, at_ms: i64) -> String {
        let Some(utc) = DateTime::from_timestamp_millis(at_ms).map(|d| d.naive_utc()) else {
            return format!("{at_ms} ms");
        };
        let offset = self.timezone.offset_from_utc_datetime(&utc);
        let fix = chrono::Offset::fix(&offset);
        let Some(local) = utc.checked_add_offset(fix) else {
            return format!("{at_ms} ms");
        };
        let zone = match offset.abbreviation() {
            Some(abbr) if abbr.chars().any(|c| c.is_ascii_alphabetic()) => abbr.to_string(),
            _ => {
                let secs = fix.local_minus_utc();
                if secs == 0 {
                    "UTC".to_string()
                } else {
                    let sign = if secs < 0 { '-' } else { '+' };
                    let secs = secs.unsigned_abs();
                    format!("UTC{sign}{:02}:{:02}", secs / 3600, secs % 3600 / 60)
                }
            }
        };
        format!("{} {}", local.format("%A %H:%M"), zone)
    }

    /// Whether `date` is a holiday / closed date.
    #[must_use]
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays.iter().any(|h| h.date == date)
    }

    /// The local date at `at_ms`, if chrono can represent it.
    fn local_date(&self, at_ms: i64) -> Option<NaiveDate> {
        let utc = DateTime::from_timestamp_millis(at_ms)?.naive_utc();
        let offset = self.timezone.offset_from_utc_datetime(&utc);
        Some(utc.checked_add_offset(chrono::Offset::fix(&offset))?.date())
    }

    /// Appends the real-time intervals `[open, close)` (epoch ms) of the windows starting on the
    /// local date `day`, sorted by opening.
    fn intervals_on(&self, day: NaiveDate, out: &mut Vec<(i64, i64)>) {
        if self.is_holiday(day) {
            return;
        }
        let first = out.len();
        let windows = &self.schedule[day.weekday().num_days_from_monday() as usize];
        for w in windows {
            let end_day = if w.overnight {
                match day.succ_opt() {
                    Some(d) => d,
                    None => continue,
                }
            } else {
                day
            };
            let open = resolve(self.timezone, day.and_time(w.start), Pick::Earlier);
            let close = resolve(self.timezone, end_day.and_time(w.end), Pick::Later);
            if let (Some(s), Some(e)) = (open, close) {
                if s < e {
                    out.push((s, e));
                }
            }
        }
        out[first..].sort_unstable();
    }
}

struct StatusState {
    at: i64,
    open: bool,
    next_opening: Option<i64>,
    next_closing: Option<i64>,
}

impl StatusState {
    /// Takes a finished merged block into account; true when nothing later matters.
    fn consider(&mut self, (start, end): (i64, i64)) -> bool {
        if end <= self.at {
            return false;
        }
        if start <= self.at {
            self.open = true;
            self.next_closing = Some(end);
            return false;
        }
        self.next_opening = Some(start);
        if !self.open {
            self.next_closing = Some(end);
        }
        true
    }
}

fn add_days(day: NaiveDate, n: i64) -> Option<NaiveDate> {
    // Stay clear of chrono's limits so that offsets and next-day ends cannot overflow.
    let d = day.checked_add_signed(Duration::try_days(n)?)?;
    let lo = NaiveDate::MIN.checked_add_signed(Duration::try_days(3)?)?;
    let hi = NaiveDate::MAX.checked_sub_signed(Duration::try_days(3)?)?;
    (lo <= d && d <= hi).then_some(d)
}
