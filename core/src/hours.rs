//! Business hours: when people are on duty to take a handed-off chat.
//!
//! The configuration is the `business_hours` object of the handoff config:
//!
//! ```json
//! "business_hours": {
//!   "timezone": "Asia/Kolkata",
//!   "schedule": {
//!     "monday": { "start": "09:00", "end": "18:00" },
//!     "tuesday": { "start": "09:00", "end": "18:00" },
//!     "wednesday": { "start": "09:00", "end": "18:00" },
//!     "thursday": { "start": "09:00", "end": "18:00" },
//!     "friday": [
//!       { "start": "09:00", "end": "13:00" },
//!       { "start": "14:00", "end": "18:00" },
//!       { "start": "22:00", "end": "06:00", "overnight": true }
//!     ],
//!     "saturday": { "start": "10:00", "end": "14:00" },
//!     "sunday": null
//!   },
//!   "holidays": ["2026-01-26", { "date": "2026-12-25", "name": "Christmas" }],
//!   "closed_dates": ["2026-08-15"]
//! }
//! ```
//!
//! # Keys
//!
//! - `timezone` (required): an IANA time zone name (`"Asia/Kolkata"`, `"America/New_York"`,
//!   `"UTC"`, `"EST5EDT"`...). All times in the schedule are local wall-clock times there, and
//!   the weekday is the local weekday.
//! - `schedule` (required): an object whose keys are lowercase weekday names (`monday` ...
//!   `sunday`). A day left out, `null` or `[]` is closed. A day is either one window
//!   `{"start": "09:00", "end": "18:00"}` or a list of windows (split shifts). Windows on one day
//!   must not overlap, and an overnight window must not overlap the next day's windows.
//! - A window is `[start, end)`: open exactly at `start`, closed exactly at `end`.
//!   Times are `"HH:MM"`, `"H:MM"` or `"HH:MM:SS"` on the 24-hour clock. `"24:00"` is accepted
//!   as an `end` and means midnight at the end of the day.
//! - `"overnight": true` on a window lets `end` be at or before `start`: the window ends on the
//!   next day (`friday 22:00 -> 06:00` is open until Saturday 06:00; `sunday 22:00 -> 02:00` runs
//!   into Monday). `end == start` with `overnight` is a 24-hour window. Without `overnight`,
//!   `end` must be after `start`; with it, `end` must not be after `start`.
//! - `holidays` and its alias `closed_dates` (both optional, both may be given, they are merged):
//!   lists whose items are `"YYYY-MM-DD"` or `{"date": "YYYY-MM-DD", "name": "..."}`.
//!
//! `null` is accepted for the optional keys (`holidays`, `closed_dates`, `overnight`, `name`)
//! and means "not given". Unknown keys anywhere are errors (with a "did you mean" hint when one
//! is close), as are wrong types and time zones that do not exist. [`BusinessHours::from_json`]
//! reports every problem it finds, not just the first.
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

use chrono::{
    DateTime, Datelike, Duration, MappedLocalTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone,
    Timelike,
};
use chrono_tz::{OffsetName, Tz};
use serde_json::{Map, Value};

use crate::json::{index, join, type_name};
use crate::wire::error::{ConfigError, ErrorKind};

/// How far ahead [`BusinessHours::status`] looks for the next opening or closing, in days.
pub const HORIZON_DAYS: i64 = 400;

/// Lowercase weekday names as used for `schedule` keys, Monday first (the index of
/// [`BusinessHours::schedule`]).
pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

const TOP_KEYS: [&str; 4] = ["timezone", "schedule", "holidays", "closed_dates"];
const WINDOW_KEYS: [&str; 3] = ["start", "end", "overnight"];
const HOLIDAY_KEYS: [&str; 2] = ["date", "name"];
const DAY_MS: i64 = 86_400_000;
const DAY_SECS: u32 = 86_400;

/// One opening window on a weekday, in local time. `end <= start` only when `overnight`.
///
/// A configured end of `"24:00"` is stored as `end` 00:00 with `overnight` set (midnight at the
/// end of the day is 00:00 of the next day).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// Local opening time.
    pub start: NaiveTime,
    /// Local closing time (on the next day when `overnight`).
    pub end: NaiveTime,
    /// The window runs past midnight into the next day.
    pub overnight: bool,
}

impl Window {
    /// Start and end as seconds from the start of the window's day (`end` may exceed 86 400 for
    /// overnight windows).
    fn span_secs(&self) -> (u32, u32) {
        let start = self.start.num_seconds_from_midnight();
        let end = self.end.num_seconds_from_midnight();
        if self.overnight {
            (start, end + DAY_SECS)
        } else {
            (start, end)
        }
    }

    fn describe(&self) -> String {
        format!("{}-{}", fmt_time(self.start), self.end_text())
    }

    fn end_text(&self) -> String {
        if self.overnight && self.end == NaiveTime::MIN {
            "24:00".to_string()
        } else {
            fmt_time(self.end)
        }
    }

    fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("start".into(), Value::String(fmt_time(self.start)));
        m.insert("end".into(), Value::String(self.end_text()));
        if self.overnight && self.end != NaiveTime::MIN {
            m.insert("overnight".into(), Value::Bool(true));
        }
        Value::Object(m)
    }
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
    /// Closed dates (from `holidays` and `closed_dates`, in that order).
    pub holidays: Vec<Holiday>,
}

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
    /// Parses the `business_hours` object at `path` (e.g. `handoff.business_hours`), pushing every
    /// problem to `errors`. Returns `None` if any problem was found in this object.
    pub fn from_json(
        value: &Value,
        path: &str,
        errors: &mut Vec<ConfigError>,
    ) -> Option<BusinessHours> {
        let before = errors.len();
        let Some(obj) = value.as_object() else {
            errors.push(ConfigError::with_value(
                ErrorKind::WrongType,
                path,
                format!(
                    "expected an object with keys {}, got {}",
                    TOP_KEYS.join(", "),
                    type_name(value)
                ),
                value,
            ));
            return None;
        };
        check_keys(obj, path, &TOP_KEYS, errors);

        let timezone = match obj.get("timezone") {
            None => {
                errors.push(ConfigError::new(
                    ErrorKind::Missing,
                    join(path, "timezone"),
                    "missing required key: an IANA time zone name such as \"Asia/Kolkata\"",
                ));
                None
            }
            Some(v) => parse_timezone(v, &join(path, "timezone"), errors),
        };

        let schedule = match obj.get("schedule") {
            None => {
                errors.push(ConfigError::new(
                    ErrorKind::Missing,
                    join(path, "schedule"),
                    "missing required key: an object of weekday -> window(s), e.g. \
                     {\"monday\": {\"start\": \"09:00\", \"end\": \"18:00\"}}; days left out are closed",
                ));
                None
            }
            Some(v) => parse_schedule(v, &join(path, "schedule"), errors),
        };

        let mut holidays = Vec::new();
        for key in ["holidays", "closed_dates"] {
            if let Some(v) = obj.get(key) {
                parse_holidays(v, &join(path, key), errors, &mut holidays);
            }
        }

        if errors.len() > before {
            return None;
        }
        Some(BusinessHours {
            timezone: timezone?,
            schedule: schedule?,
            holidays,
        })
    }

    /// The effective configuration as JSON, in the form [`from_json`](Self::from_json) accepts
    /// (closed days are left out, a day with one window is an object, `closed_dates` are merged
    /// into `holidays`).
    #[must_use]
    pub fn to_json(&self) -> Value {
        let mut schedule = Map::new();
        for (day, windows) in WEEKDAYS.iter().zip(self.schedule.iter()) {
            match windows.as_slice() {
                [] => {}
                [one] => {
                    schedule.insert((*day).into(), one.to_json());
                }
                many => {
                    schedule.insert(
                        (*day).into(),
                        Value::Array(many.iter().map(Window::to_json).collect()),
                    );
                }
            }
        }
        let mut out = Map::new();
        out.insert(
            "timezone".into(),
            Value::String(self.timezone.name().into()),
        );
        out.insert("schedule".into(), Value::Object(schedule));
        if !self.holidays.is_empty() {
            let list = self
                .holidays
                .iter()
                .map(|h| {
                    let date = Value::String(h.date.format("%Y-%m-%d").to_string());
                    match &h.name {
                        None => date,
                        Some(name) => {
                            let mut m = Map::new();
                            m.insert("date".into(), date);
                            m.insert("name".into(), Value::String(name.clone()));
                            Value::Object(m)
                        }
                    }
                })
                .collect();
            out.insert("holidays".into(), Value::Array(list));
        }
        Value::Object(out)
    }

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

#[derive(Clone, Copy)]
enum Pick {
    Earlier,
    Later,
}

fn add_days(day: NaiveDate, n: i64) -> Option<NaiveDate> {
    // Stay clear of chrono's limits so that offsets and next-day ends cannot overflow.
    let d = day.checked_add_signed(Duration::try_days(n)?)?;
    let lo = NaiveDate::MIN.checked_add_signed(Duration::try_days(3)?)?;
    let hi = NaiveDate::MAX.checked_sub_signed(Duration::try_days(3)?)?;
    (lo <= d && d <= hi).then_some(d)
}

/// The instant (epoch ms) of local wall time `local` in `tz`: in a fold, the earlier or later
/// instant as picked; in a gap, the first instant after the gap.
fn resolve(tz: Tz, local: NaiveDateTime, pick: Pick) -> Option<i64> {
    match tz.from_local_datetime(&local) {
        MappedLocalTime::Single(t) => Some(t.timestamp_millis()),
        MappedLocalTime::Ambiguous(a, b) => {
            let (a, b) = (a.timestamp_millis(), b.timestamp_millis());
            Some(match pick {
                Pick::Earlier => a.min(b),
                Pick::Later => a.max(b),
            })
        }
        MappedLocalTime::None => after_gap(tz, local),
    }
}

/// First instant whose local time is after `local`, which falls in a gap: walk local time forward
/// a minute at a time to the first time that exists, then back second by second to the transition.
fn after_gap(tz: Tz, local: NaiveDateTime) -> Option<i64> {
    let base = local.with_second(0)?.with_nanosecond(0)?;
    let mut found = None;
    // Gaps are at most a day long (Pacific/Apia skipped 2011-12-30).
    for minutes in 1..=(48 * 60) {
        let probe = base.checked_add_signed(Duration::try_minutes(minutes)?)?;
        match tz.from_local_datetime(&probe) {
            MappedLocalTime::Single(t) => {
                found = Some(t.naive_utc());
                break;
            }
            MappedLocalTime::Ambiguous(a, b) => {
                found = Some(a.naive_utc().min(b.naive_utc()));
                break;
            }
            MappedLocalTime::None => {}
        }
    }
    let mut utc = found?;
    for _ in 0..60 {
        let prev = utc.checked_sub_signed(Duration::try_seconds(1)?)?;
        let prev_local =
            prev.checked_add_offset(chrono::Offset::fix(&tz.offset_from_utc_datetime(&prev)))?;
        if prev_local > local {
            utc = prev;
        } else {
            break;
        }
    }
    Some(utc.and_utc().timestamp_millis())
}

// ---------------------------------------------------------------------------------------------
// Parsing helpers
// ---------------------------------------------------------------------------------------------

fn fmt_time(t: NaiveTime) -> String {
    if t.second() == 0 {
        t.format("%H:%M").to_string()
    } else {
        t.format("%H:%M:%S").to_string()
    }
}

/// The closest candidate, for "did you mean" hints.
fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    crate::text::suggest(word, candidates)
}

fn check_keys(
    obj: &Map<String, Value>,
    path: &str,
    expected: &[&str],
    errors: &mut Vec<ConfigError>,
) {
    for key in obj.keys() {
        if expected.contains(&key.as_str()) {
            continue;
        }
        let hint = match suggest(key, expected.iter().copied()) {
            Some(s) => format!(" (did you mean \"{s}\"?)"),
            None => String::new(),
        };
        errors.push(ConfigError::new(
            ErrorKind::UnknownField,
            join(path, key),
            format!(
                "unknown field \"{key}\"{hint}, expected one of: {}",
                expected.join(", ")
            ),
        ));
    }
}

fn parse_timezone(v: &Value, path: &str, errors: &mut Vec<ConfigError>) -> Option<Tz> {
    let Some(name) = v.as_str() else {
        errors.push(ConfigError::with_value(
            ErrorKind::WrongType,
            path,
            format!(
                "expected a string (an IANA time zone name such as \"Asia/Kolkata\"), got {}",
                type_name(v)
            ),
            v,
        ));
        return None;
    };
    if let Ok(tz) = name.parse::<Tz>() {
        return Some(tz);
    }
    let hint = match suggest(name, chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())) {
        Some(s) => format!(" (did you mean \"{s}\"?)"),
        None => String::new(),
    };
    errors.push(ConfigError::with_value(
        ErrorKind::Invalid,
        path,
        format!(
            "unknown time zone{hint}; expected an IANA time zone name such as \"Asia/Kolkata\", \
             \"Europe/London\" or \"UTC\"{}",
            filtered_build_note()
        ),
        v,
    ));
    None
}

/// In a build with only some zones (`zone-filter`), which ones it has and how to get another.
#[cfg(feature = "zone-filter")]
fn filtered_build_note() -> String {
    let names: Vec<&str> = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect();
    format!(
        " (this engine was built with only these time zones: {}; rebuild it with \
         `cargo xtask wasm --zones ...` naming the zone, or use the full build)",
        names.join(", ")
    )
}

#[cfg(not(feature = "zone-filter"))]
fn filtered_build_note() -> String {
    String::new()
}

fn parse_schedule(
    v: &Value,
    path: &str,
    errors: &mut Vec<ConfigError>,
) -> Option<[Vec<Window>; 7]> {
    let Some(obj) = v.as_object() else {
        errors.push(ConfigError::with_value(
            ErrorKind::WrongType,
            path,
            format!(
                "expected an object of weekday -> window(s) with keys {}, got {}",
                WEEKDAYS.join(", "),
                type_name(v)
            ),
            v,
        ));
        return None;
    };
    let before = errors.len();
    check_keys(obj, path, &WEEKDAYS, errors);
    // Windows with their paths, per day; None when the day itself had an error.
    let mut days: Vec<Option<Vec<(Window, String)>>> = Vec::with_capacity(7);
    for day in WEEKDAYS {
        let day_path = join(path, day);
        let parsed = match obj.get(day) {
            None | Some(Value::Null) => Some(Vec::new()),
            Some(value) => parse_day(value, &day_path, errors),
        };
        days.push(parsed);
    }
    // An overnight window must not overlap the next day's windows.
    for d in 0..7 {
        let next = (d + 1) % 7;
        let (Some(today), Some(tomorrow)) = (&days[d], &days[next]) else {
            continue;
        };
        for (w, w_path) in today.iter().filter(|(w, _)| w.overnight) {
            let end = w.end.num_seconds_from_midnight();
            for (v, v_path) in tomorrow {
                if v.start.num_seconds_from_midnight() < end {
                    errors.push(ConfigError::new(
                        ErrorKind::Invalid,
                        v_path.clone(),
                        format!(
                            "window {} starts before the overnight window {} at {} ends on {}; \
                             windows must not overlap",
                            v.describe(),
                            w.describe(),
                            w_path,
                            WEEKDAYS[next]
                        ),
                    ));
                }
            }
        }
    }
    if errors.len() > before {
        return None;
    }
    let mut schedule: [Vec<Window>; 7] = Default::default();
    for (slot, day) in schedule.iter_mut().zip(days) {
        *slot = day?.into_iter().map(|(w, _)| w).collect();
    }
    Some(schedule)
}

fn parse_day(
    v: &Value,
    path: &str,
    errors: &mut Vec<ConfigError>,
) -> Option<Vec<(Window, String)>> {
    let before = errors.len();
    let mut windows = Vec::new();
    match v {
        Value::Object(_) => {
            if let Some(w) = parse_window(v, path, errors) {
                windows.push((w, path.to_string()));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let item_path = index(path, i);
                if let Some(w) = parse_window(item, &item_path, errors) {
                    windows.push((w, item_path));
                }
            }
        }
        _ => {
            errors.push(ConfigError::with_value(
                ErrorKind::WrongType,
                path,
                format!(
                    "expected a window object {{\"start\": \"HH:MM\", \"end\": \"HH:MM\"}}, an array \
                     of windows, or null (closed), got {}",
                    type_name(v)
                ),
                v,
            ));
            return None;
        }
    }
    for j in 1..windows.len() {
        let (b_start, b_end) = windows[j].0.span_secs();
        for i in 0..j {
            let (a_start, a_end) = windows[i].0.span_secs();
            if a_start < b_end && b_start < a_end {
                errors.push(ConfigError::new(
                    ErrorKind::Invalid,
                    windows[j].1.clone(),
                    format!(
                        "window {} overlaps {} ({}); windows on the same day must not overlap",
                        windows[j].0.describe(),
                        windows[i].1,
                        windows[i].0.describe()
                    ),
                ));
            }
        }
    }
    (errors.len() == before).then_some(windows)
}

enum Clock {
    Time(NaiveTime),
    EndOfDay,
}

const TIME_FORMAT: &str =
    "expected a time \"HH:MM\" on the 24-hour clock, e.g. \"09:00\" or \"18:30\"";

fn parse_clock(v: &Value, path: &str, errors: &mut Vec<ConfigError>) -> Option<Clock> {
    let Some(s) = v.as_str() else {
        errors.push(ConfigError::with_value(
            ErrorKind::WrongType,
            path,
            format!("{TIME_FORMAT} (a string), got {}", type_name(v)),
            v,
        ));
        return None;
    };
    let fail = |errors: &mut Vec<ConfigError>, msg: &str| {
        errors.push(ConfigError::with_value(ErrorKind::Invalid, path, msg, v));
        None
    };
    let parts: Vec<&str> = s.split(':').collect();
    let digits =
        |p: &str, lens: &[usize]| lens.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    let shape_ok = matches!(parts.len(), 2 | 3)
        && digits(parts[0], &[1, 2])
        && parts[1..].iter().all(|p| digits(p, &[2]));
    if !shape_ok {
        return fail(errors, &format!("{TIME_FORMAT}, \"H:MM\" or \"HH:MM:SS\""));
    }
    let num = |p: &str| p.parse::<u32>().unwrap_or(u32::MAX);
    let (h, m) = (num(parts[0]), num(parts[1]));
    let sec = parts.get(2).map_or(0, |p| num(p));
    if h == 24 && m == 0 && sec == 0 {
        return Some(Clock::EndOfDay);
    }
    if h > 23 {
        return fail(
            errors,
            "hour must be 00-23 (\"24:00\" is allowed only as an end time, for midnight at the end \
             of the day)",
        );
    }
    if m > 59 {
        return fail(errors, "minutes must be 00-59");
    }
    if sec > 59 {
        return fail(errors, "seconds must be 00-59");
    }
    match NaiveTime::from_hms_opt(h, m, sec) {
        Some(t) => Some(Clock::Time(t)),
        None => fail(errors, TIME_FORMAT),
    }
}

fn parse_window(v: &Value, path: &str, errors: &mut Vec<ConfigError>) -> Option<Window> {
    let Some(obj) = v.as_object() else {
        errors.push(ConfigError::with_value(
            ErrorKind::WrongType,
            path,
            format!(
                "expected a window object {{\"start\": \"HH:MM\", \"end\": \"HH:MM\"}}, got {}",
                type_name(v)
            ),
            v,
        ));
        return None;
    };
    let before = errors.len();
    check_keys(obj, path, &WINDOW_KEYS, errors);
    let field = |key: &str, what: &str, errors: &mut Vec<ConfigError>| match obj.get(key) {
        None => {
            errors.push(ConfigError::new(
                ErrorKind::Missing,
                join(path, key),
                format!("missing required key: the {what} time \"HH:MM\""),
            ));
            None
        }
        Some(t) => parse_clock(t, &join(path, key), errors),
    };
    let start = field("start", "opening", errors);
    let end = field("end", "closing", errors);
    let overnight = match obj.get("overnight") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            errors.push(ConfigError::with_value(
                ErrorKind::WrongType,
                join(path, "overnight"),
                format!("expected true or false, got {}", type_name(other)),
                other,
            ));
            false
        }
    };
    let start = match start {
        Some(Clock::Time(t)) => Some(t),
        Some(Clock::EndOfDay) => {
            errors.push(ConfigError::with_value(
                ErrorKind::Invalid,
                join(path, "start"),
                "\"24:00\" is only allowed as an end time; use \"00:00\" for the start of the day",
                obj.get("start").unwrap_or(&Value::Null),
            ));
            None
        }
        None => None,
    };
    let window = match (start, end) {
        (Some(start), Some(Clock::EndOfDay)) => Some(Window {
            start,
            end: NaiveTime::MIN,
            overnight: true,
        }),
        (Some(start), Some(Clock::Time(end))) => {
            if !overnight && end <= start {
                errors.push(ConfigError::with_value(
                    ErrorKind::Invalid,
                    join(path, "end"),
                    format!(
                        "end {} is not after start {}; for a window that runs past midnight into \
                         the next day add \"overnight\": true",
                        fmt_time(end),
                        fmt_time(start)
                    ),
                    obj.get("end").unwrap_or(&Value::Null),
                ));
                None
            } else if overnight && end > start {
                errors.push(ConfigError::with_value(
                    ErrorKind::Invalid,
                    join(path, "overnight"),
                    format!(
                        "\"overnight\": true but end {} is after start {} on the same day; an \
                         overnight window ends on the next day at or before its start time, so \
                         remove \"overnight\" or fix the times",
                        fmt_time(end),
                        fmt_time(start)
                    ),
                    obj.get("overnight").unwrap_or(&Value::Null),
                ));
                None
            } else {
                Some(Window {
                    start,
                    end,
                    overnight,
                })
            }
        }
        _ => None,
    };
    if errors.len() > before {
        return None;
    }
    window
}

fn parse_date(v: &Value, path: &str, errors: &mut Vec<ConfigError>) -> Option<NaiveDate> {
    let Some(s) = v.as_str() else {
        errors.push(ConfigError::with_value(
            ErrorKind::WrongType,
            path,
            format!(
                "expected a date \"YYYY-MM-DD\" (a string), got {}",
                type_name(v)
            ),
            v,
        ));
        return None;
    };
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        errors.push(ConfigError::with_value(
            ErrorKind::Invalid,
            path,
            "expected a date \"YYYY-MM-DD\", e.g. \"2026-12-25\"",
            v,
        ));
        return None;
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    let date = i32::try_from(n(0..4))
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, n(5..7), n(8..10)));
    if date.is_none() {
        errors.push(ConfigError::with_value(
            ErrorKind::Invalid,
            path,
            "not a valid calendar date; expected \"YYYY-MM-DD\"",
            v,
        ));
    }
    date
}

fn parse_holidays(v: &Value, path: &str, errors: &mut Vec<ConfigError>, out: &mut Vec<Holiday>) {
    let items = match v {
        Value::Null => return,
        Value::Array(items) => items,
        other => {
            errors.push(ConfigError::with_value(
                ErrorKind::WrongType,
                path,
                format!(
                    "expected an array of dates (\"YYYY-MM-DD\" or {{\"date\": \"YYYY-MM-DD\", \
                     \"name\": \"...\"}}), got {}",
                    type_name(other)
                ),
                other,
            ));
            return;
        }
    };
    for (i, item) in items.iter().enumerate() {
        let item_path = index(path, i);
        match item {
            Value::String(_) => {
                if let Some(date) = parse_date(item, &item_path, errors) {
                    out.push(Holiday { date, name: None });
                }
            }
            Value::Object(obj) => {
                check_keys(obj, &item_path, &HOLIDAY_KEYS, errors);
                let date = match obj.get("date") {
                    None => {
                        errors.push(ConfigError::new(
                            ErrorKind::Missing,
                            join(&item_path, "date"),
                            "missing required key: the date \"YYYY-MM-DD\"",
                        ));
                        None
                    }
                    Some(d) => parse_date(d, &join(&item_path, "date"), errors),
                };
                let name = match obj.get("name") {
                    None | Some(Value::Null) => Some(None),
                    Some(Value::String(s)) => Some(Some(s.clone())),
                    Some(other) => {
                        errors.push(ConfigError::with_value(
                            ErrorKind::WrongType,
                            join(&item_path, "name"),
                            format!("expected a string, got {}", type_name(other)),
                            other,
                        ));
                        None
                    }
                };
                if let (Some(date), Some(name)) = (date, name) {
                    out.push(Holiday { date, name });
                }
            }
            other => errors.push(ConfigError::with_value(
                ErrorKind::WrongType,
                item_path,
                format!(
                    "expected a date \"YYYY-MM-DD\" or an object {{\"date\": \"YYYY-MM-DD\", \
                     \"name\": \"...\"}}, got {}",
                    type_name(other)
                ),
                other,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const P: &str = "handoff.business_hours";

    fn parse(v: Value) -> (Option<BusinessHours>, Vec<ConfigError>) {
        let mut errors = Vec::new();
        let hours = BusinessHours::from_json(&v, P, &mut errors);
        (hours, errors)
    }

    fn ok(v: Value) -> BusinessHours {
        let (hours, errors) = parse(v);
        assert!(errors.is_empty(), "unexpected errors: {errors:?}");
        hours.expect("parsed")
    }

    /// Parses `v`, expecting failure, and returns the errors.
    fn bad(v: Value) -> Vec<ConfigError> {
        let (hours, errors) = parse(v);
        assert!(hours.is_none(), "expected failure");
        assert!(!errors.is_empty());
        errors
    }

    /// The only error for `v`.
    fn one(v: Value) -> ConfigError {
        let errors = bad(v);
        assert_eq!(errors.len(), 1, "expected exactly one error: {errors:?}");
        errors.into_iter().next().unwrap()
    }

    fn with_schedule(schedule: Value) -> Value {
        json!({ "timezone": "Asia/Kolkata", "schedule": schedule })
    }

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn w(start: NaiveTime, end: NaiveTime, overnight: bool) -> Window {
        Window {
            start,
            end,
            overnight,
        }
    }

    fn spec() -> Value {
        serde_json::from_str(
            r#"{
              "timezone": "Asia/Kolkata",
              "schedule": {
                "monday": { "start": "09:00", "end": "18:00" },
                "tuesday": { "start": "09:00", "end": "18:00" },
                "wednesday": { "start": "09:00", "end": "18:00" },
                "thursday": { "start": "09:00", "end": "18:00" },
                "friday": { "start": "09:00", "end": "18:00" },
                "saturday": { "start": "10:00", "end": "14:00" }
              }
            }"#,
        )
        .unwrap()
    }

    #[test]
    fn spec_snippet_parses() {
        let hours = ok(spec());
        assert_eq!(hours.timezone, chrono_tz::Asia::Kolkata);
        for day in 0..5 {
            assert_eq!(hours.schedule[day], vec![w(t(9, 0), t(18, 0), false)]);
        }
        assert_eq!(hours.schedule[5], vec![w(t(10, 0), t(14, 0), false)]);
        assert!(hours.schedule[6].is_empty(), "sunday is closed");
        assert!(hours.holidays.is_empty());
    }

    #[test]
    fn spec_snippet_round_trips() {
        let hours = ok(spec());
        assert_eq!(hours.to_json(), spec());
    }

    #[test]
    fn extensions_parse_and_round_trip() {
        let hours = ok(json!({
            "timezone": "America/New_York",
            "schedule": {
                "monday": [{ "start": "9:00", "end": "12:00" }, { "start": "13:00", "end": "18:00:30" }],
                "tuesday": null,
                "wednesday": [],
                "friday": { "start": "22:00", "end": "06:00", "overnight": true },
                "saturday": { "start": "10:00", "end": "24:00" },
                "sunday": { "start": "22:00", "end": "02:00", "overnight": true }
            },
            "holidays": ["2026-12-25", { "date": "2026-01-01", "name": "New Year" }],
            "closed_dates": [{ "date": "2026-07-04" }, "2026-11-26"]
        }));
        assert_eq!(
            hours.schedule[0],
            vec![
                w(t(9, 0), t(12, 0), false),
                w(t(13, 0), NaiveTime::from_hms_opt(18, 0, 30).unwrap(), false)
            ]
        );
        assert!(hours.schedule[1].is_empty() && hours.schedule[2].is_empty());
        assert!(hours.schedule[3].is_empty());
        assert_eq!(hours.schedule[4], vec![w(t(22, 0), t(6, 0), true)]);
        assert_eq!(hours.schedule[5], vec![w(t(10, 0), NaiveTime::MIN, true)]);
        assert_eq!(hours.schedule[6], vec![w(t(22, 0), t(2, 0), true)]);
        let dates: Vec<String> = hours.holidays.iter().map(|h| h.date.to_string()).collect();
        assert_eq!(
            dates,
            ["2026-12-25", "2026-01-01", "2026-07-04", "2026-11-26"]
        );
        assert_eq!(hours.holidays[1].name.as_deref(), Some("New Year"));
        assert_eq!(hours.holidays[2].name, None);

        let echoed = hours.to_json();
        assert_eq!(
            echoed["schedule"]["saturday"],
            json!({"start": "10:00", "end": "24:00"})
        );
        assert_eq!(
            echoed["schedule"]["friday"],
            json!({"start": "22:00", "end": "06:00", "overnight": true})
        );
        assert_eq!(echoed["schedule"]["monday"][1]["end"], json!("18:00:30"));
        assert!(echoed.get("closed_dates").is_none());
        assert_eq!(ok(echoed), hours);
    }

    #[test]
    fn accepted_time_zones() {
        for tz in [
            "Asia/Kolkata",
            "EST5EDT",
            "UTC",
            "Australia/Lord_Howe",
            "Asia/Calcutta",
        ] {
            let hours = ok(json!({ "timezone": tz, "schedule": {} }));
            assert_eq!(hours.timezone.name(), tz);
        }
    }

    #[test]
    fn not_an_object() {
        let e = one(json!(["09:00"]));
        assert_eq!(e.path, P);
        assert!(e.message.starts_with("expected an object"), "{}", e.message);
        assert!(e.message.contains("got an array"), "{}", e.message);
    }

    #[test]
    fn unknown_time_zone_with_hint() {
        let e = one(json!({ "timezone": "Asia/Kolkatta", "schedule": {} }));
        assert_eq!(e.path, "handoff.business_hours.timezone");
        assert_eq!(e.value.as_deref(), Some("\"Asia/Kolkatta\""));
        assert!(e.message.contains("unknown time zone"), "{}", e.message);
        assert!(
            e.message.contains("did you mean \"Asia/Kolkata\"?"),
            "{}",
            e.message
        );
        assert!(e.to_string().contains("Asia/Kolkatta"));

        let e = one(json!({ "timezone": "asia/kolkata", "schedule": {} }));
        assert!(
            e.message.contains("did you mean \"Asia/Kolkata\"?"),
            "{}",
            e.message
        );
    }

    #[test]
    fn unknown_time_zone_without_hint() {
        let e = one(json!({ "timezone": "Mars/Base", "schedule": {} }));
        assert_eq!(e.path, "handoff.business_hours.timezone");
        assert_eq!(e.value.as_deref(), Some("\"Mars/Base\""));
        assert!(!e.message.contains("did you mean"), "{}", e.message);
        assert!(e.message.contains("IANA"), "{}", e.message);
    }

    #[test]
    fn time_zone_wrong_type_and_missing() {
        let e = one(json!({ "timezone": 5.5, "schedule": {} }));
        assert_eq!(e.path, "handoff.business_hours.timezone");
        assert!(e.message.contains("expected a string"), "{}", e.message);
        assert!(e.message.contains("got a number"), "{}", e.message);

        let e = one(json!({ "schedule": {} }));
        assert_eq!(e.path, "handoff.business_hours.timezone");
        assert!(e.message.contains("missing required key"), "{}", e.message);
        assert_eq!(e.value, None);
    }

    #[test]
    fn schedule_missing_or_wrong_type() {
        let e = one(json!({ "timezone": "UTC" }));
        assert_eq!(e.path, "handoff.business_hours.schedule");
        assert!(e.message.contains("missing required key"), "{}", e.message);

        let e = one(json!({ "timezone": "UTC", "schedule": ["monday"] }));
        assert_eq!(e.path, "handoff.business_hours.schedule");
        assert!(
            e.message.contains("expected an object of weekday"),
            "{}",
            e.message
        );
    }

    #[test]
    fn unknown_keys_name_path_and_expected_keys() {
        let e = one(json!({ "timezone": "UTC", "timezon": "UTC", "schedule": {} }));
        assert_eq!(e.path, "handoff.business_hours.timezon");
        assert_eq!(
            e.message,
            "unknown field \"timezon\" (did you mean \"timezone\"?), expected one of: timezone, \
             schedule, holidays, closed_dates"
        );

        let e = one(with_schedule(
            json!({ "tuesdy": { "start": "09:00", "end": "18:00" } }),
        ));
        assert_eq!(e.path, "handoff.business_hours.schedule.tuesdy");
        assert!(
            e.message.contains("did you mean \"tuesday\"?"),
            "{}",
            e.message
        );
        assert!(
            e.message
                .contains("monday, tuesday, wednesday, thursday, friday, saturday, sunday"),
            "{}",
            e.message
        );

        let e = one(with_schedule(
            json!({ "Monday": { "start": "09:00", "end": "18:00" } }),
        ));
        assert!(
            e.message.contains("did you mean \"monday\"?"),
            "{}",
            e.message
        );

        let e = one(with_schedule(
            json!({ "monday": { "stat": "09:00", "start": "09:00", "end": "18:00" } }),
        ));
        assert_eq!(e.path, "handoff.business_hours.schedule.monday.stat");
        assert_eq!(
            e.message,
            "unknown field \"stat\" (did you mean \"start\"?), expected one of: start, end, overnight"
        );

        let e = one(
            json!({ "timezone": "UTC", "schedule": {}, "holidays": [{ "date": "2026-12-25", "nam": "x" }] }),
        );
        assert_eq!(e.path, "handoff.business_hours.holidays[0].nam");
        assert!(
            e.message.contains("expected one of: date, name"),
            "{}",
            e.message
        );

        let e = one(json!({ "timezone": "UTC", "schedule": {}, "weekends": true }));
        assert!(!e.message.contains("did you mean"), "{}", e.message);
    }

    #[test]
    fn bad_times() {
        let cases = [
            (json!("25:00"), "hour must be 00-23"),
            (json!("9am"), "expected a time \"HH:MM\""),
            (json!("09:60"), "minutes must be 00-59"),
            (json!("09:00:61"), "seconds must be 00-59"),
            (json!("0900"), "expected a time \"HH:MM\""),
            (json!("09:0"), "expected a time \"HH:MM\""),
            (json!(""), "expected a time \"HH:MM\""),
            (json!("24:30"), "hour must be 00-23"),
            (json!(" 09:00"), "expected a time \"HH:MM\""),
            (json!("٠٩:٠٠"), "expected a time \"HH:MM\""),
            (json!(9), "got a number"),
            (json!(null), "got null"),
        ];
        for (value, expected) in cases {
            let e = one(with_schedule(
                json!({ "monday": { "start": value, "end": "23:00" } }),
            ));
            assert_eq!(e.path, "handoff.business_hours.schedule.monday.start");
            assert!(e.message.contains(expected), "{value}: {}", e.message);
            assert_eq!(e.value.as_deref(), Some(value.to_string().as_str()));
        }
    }

    #[test]
    fn twenty_four_is_only_an_end() {
        let e = one(with_schedule(
            json!({ "monday": { "start": "24:00", "end": "23:00" } }),
        ));
        assert_eq!(e.path, "handoff.business_hours.schedule.monday.start");
        assert!(
            e.message.contains("only allowed as an end time"),
            "{}",
            e.message
        );

        let hours = ok(with_schedule(
            json!({ "monday": { "start": "00:00", "end": "24:00:00" } }),
        ));
        assert_eq!(
            hours.schedule[0],
            vec![w(NaiveTime::MIN, NaiveTime::MIN, true)]
        );
    }

    #[test]
    fn missing_start_and_end() {
        let errors = bad(with_schedule(json!({ "monday": {} })));
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "handoff.business_hours.schedule.monday.start",
                "handoff.business_hours.schedule.monday.end"
            ]
        );
        assert!(errors[0].message.contains("missing required key"));
    }

    #[test]
    fn end_not_after_start_suggests_overnight() {
        for end in ["06:00", "22:00"] {
            let e = one(with_schedule(
                json!({ "friday": { "start": "22:00", "end": end } }),
            ));
            assert_eq!(e.path, "handoff.business_hours.schedule.friday.end");
            assert!(e.message.contains("\"overnight\": true"), "{}", e.message);
            assert!(
                e.message.contains("is not after start 22:00"),
                "{}",
                e.message
            );
        }
        let hours = ok(with_schedule(
            json!({ "friday": { "start": "22:00", "end": "22:00", "overnight": true } }),
        ));
        assert_eq!(hours.schedule[4], vec![w(t(22, 0), t(22, 0), true)]);
    }

    #[test]
    fn overnight_must_cross_midnight_and_be_boolean() {
        let e = one(with_schedule(
            json!({ "monday": { "start": "09:00", "end": "18:00", "overnight": true } }),
        ));
        assert_eq!(e.path, "handoff.business_hours.schedule.monday.overnight");
        assert!(e.message.contains("remove \"overnight\""), "{}", e.message);

        let e = one(with_schedule(
            json!({ "monday": { "start": "09:00", "end": "18:00", "overnight": "yes" } }),
        ));
        assert_eq!(e.path, "handoff.business_hours.schedule.monday.overnight");
        assert_eq!(e.message, "expected true or false, got a string");

        let hours = ok(with_schedule(
            json!({ "monday": { "start": "09:00", "end": "18:00", "overnight": false } }),
        ));
        assert_eq!(hours.schedule[0], vec![w(t(9, 0), t(18, 0), false)]);
    }

    #[test]
    fn day_of_wrong_type() {
        let e = one(with_schedule(json!({ "sunday": "closed" })));
        assert_eq!(e.path, "handoff.business_hours.schedule.sunday");
        assert!(
            e.message.contains("an array of windows, or null"),
            "{}",
            e.message
        );
        assert!(e.message.contains("got a string"), "{}", e.message);

        let e = one(with_schedule(
            json!({ "sunday": [{ "start": "09:00", "end": "12:00" }, "13:00-18:00"] }),
        ));
        assert_eq!(e.path, "handoff.business_hours.schedule.sunday[1]");
        assert!(
            e.message.contains("expected a window object"),
            "{}",
            e.message
        );
    }

    #[test]
    fn split_shift_paths_are_indexed() {
        let e = one(with_schedule(json!({ "monday": [
            { "start": "09:00", "end": "12:00" },
            { "start": "13:00", "end": "1pm" }
        ] })));
        assert_eq!(e.path, "handoff.business_hours.schedule.monday[1].end");
    }

    #[test]
    fn overlapping_windows_on_one_day() {
        let e = one(with_schedule(json!({ "monday": [
            { "start": "09:00", "end": "12:00" },
            { "start": "11:30", "end": "18:00" }
        ] })));
        assert_eq!(e.path, "handoff.business_hours.schedule.monday[1]");
        assert_eq!(
            e.message,
            "window 11:30-18:00 overlaps handoff.business_hours.schedule.monday[0] (09:00-12:00); \
             windows on the same day must not overlap"
        );

        // Touching is fine; an overnight window overlapping a later one on the same day is not.
        ok(with_schedule(json!({ "monday": [
            { "start": "13:00", "end": "18:00" },
            { "start": "09:00", "end": "13:00" },
            { "start": "18:00", "end": "02:00", "overnight": true }
        ] })));
        let e = one(with_schedule(json!({ "monday": [
            { "start": "22:00", "end": "06:00", "overnight": true },
            { "start": "23:00", "end": "23:30" }
        ] })));
        assert_eq!(e.path, "handoff.business_hours.schedule.monday[1]");
    }

    #[test]
    fn overnight_overlapping_next_day() {
        let e = one(with_schedule(json!({
            "friday": { "start": "22:00", "end": "06:00", "overnight": true },
            "saturday": { "start": "05:00", "end": "10:00" }
        })));
        assert_eq!(e.path, "handoff.business_hours.schedule.saturday");
        assert!(
            e.message.contains("overnight window 22:00-06:00"),
            "{}",
            e.message
        );
        assert!(e.message.contains("schedule.friday"), "{}", e.message);

        // Sunday into Monday wraps around the week.
        let e = one(with_schedule(json!({
            "sunday": { "start": "22:00", "end": "02:00", "overnight": true },
            "monday": [{ "start": "08:00", "end": "09:00" }, { "start": "01:00", "end": "03:00" }]
        })));
        assert_eq!(e.path, "handoff.business_hours.schedule.monday[1]");

        // Touching is fine.
        ok(with_schedule(json!({
            "friday": { "start": "22:00", "end": "06:00", "overnight": true },
            "saturday": { "start": "06:00", "end": "24:00" },
            "sunday": { "start": "00:00", "end": "24:00" }
        })));
    }

    #[test]
    fn bad_holidays() {
        let errors = bad(json!({
            "timezone": "UTC",
            "schedule": {},
            "holidays": [
                "2026-12-25",
                "2026-13-01",
                "2026-02-30",
                "25/12/2026",
                20261225,
                { "name": "no date" },
                { "date": "2026-12-26", "name": 7 },
                { "date": "2026-1-1" }
            ],
            "closed_dates": "2026-12-31"
        }));
        let got: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.path.as_str(), e.message.as_str()))
            .collect();
        let h = "handoff.business_hours.holidays";
        assert_eq!(
            got,
            [
                (
                    &*format!("{h}[1]"),
                    "not a valid calendar date; expected \"YYYY-MM-DD\""
                ),
                (
                    &*format!("{h}[2]"),
                    "not a valid calendar date; expected \"YYYY-MM-DD\""
                ),
                (
                    &*format!("{h}[3]"),
                    "expected a date \"YYYY-MM-DD\", e.g. \"2026-12-25\""
                ),
                (
                    &*format!("{h}[4]"),
                    "expected a date \"YYYY-MM-DD\" or an object {\"date\": \"YYYY-MM-DD\", \
                     \"name\": \"...\"}, got a number"
                ),
                (
                    &*format!("{h}[5].date"),
                    "missing required key: the date \"YYYY-MM-DD\""
                ),
                (&*format!("{h}[6].name"), "expected a string, got a number"),
                (
                    &*format!("{h}[7].date"),
                    "expected a date \"YYYY-MM-DD\", e.g. \"2026-12-25\""
                ),
                (
                    "handoff.business_hours.closed_dates",
                    "expected an array of dates (\"YYYY-MM-DD\" or {\"date\": \"YYYY-MM-DD\", \
                     \"name\": \"...\"}), got a string"
                ),
            ]
        );
        assert_eq!(errors[0].value.as_deref(), Some("\"2026-13-01\""));
    }

    #[test]
    fn null_optional_keys_are_absent() {
        let hours = ok(json!({
            "timezone": "UTC",
            "schedule": { "monday": { "start": "09:00", "end": "17:00", "overnight": null } },
            "holidays": null,
            "closed_dates": [{ "date": "2026-12-25", "name": null }]
        }));
        assert_eq!(
            hours.holidays,
            vec![Holiday {
                date: NaiveDate::from_ymd_opt(2026, 12, 25).unwrap(),
                name: None
            }]
        );
    }

    #[test]
    fn reports_all_errors_at_once() {
        let errors = bad(json!({
            "timezone": "Asia/Kolkatta",
            "schedule": {
                "monday": { "start": "25:00", "end": "9am" },
                "tuesdy": { "start": "09:00", "end": "18:00" },
                "friday": { "start": "22:00", "end": "06:00" },
                "saturday": [{ "start": "10:00", "end": "14:00", "stat": 1 }, { "start": "13:00", "end": "15:00" }]
            },
            "holidays": ["2026-12-25", "christmas"],
            "closed_dates": [{ "date": "2026-02-29" }],
            "extra": 1
        }));
        let mut paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        paths.sort_unstable();
        let p = |s: &str| format!("handoff.business_hours{s}");
        let mut expected = vec![
            p(".extra"),
            p(".timezone"),
            p(".schedule.tuesdy"),
            p(".schedule.monday.start"),
            p(".schedule.monday.end"),
            p(".schedule.friday.end"),
            p(".schedule.saturday[0].stat"),
            p(".holidays[1]"),
            p(".closed_dates[0].date"),
        ];
        expected.sort_unstable();
        assert_eq!(paths, expected);
    }

    #[test]
    fn errors_append_to_existing_list() {
        let mut errors = vec![ConfigError::new(
            ErrorKind::Invalid,
            "elsewhere",
            "earlier problem",
        )];
        let hours = BusinessHours::from_json(&spec(), P, &mut errors);
        assert!(
            hours.is_some(),
            "errors from other objects do not fail this one"
        );
        assert_eq!(errors.len(), 1);
    }

    #[test]
    fn after_gap_finds_transition() {
        let tz = chrono_tz::America::New_York;
        let local = NaiveDate::from_ymd_opt(2026, 3, 8)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        let expected = chrono::DateTime::parse_from_rfc3339("2026-03-08T03:00:00-04:00").unwrap();
        assert_eq!(after_gap(tz, local), Some(expected.timestamp_millis()));
        assert_eq!(
            resolve(tz, local, Pick::Later),
            Some(expected.timestamp_millis())
        );
    }
}
