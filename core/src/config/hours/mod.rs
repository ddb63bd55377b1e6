//! `handoff.business_hours`: the reader of the business-hours configuration, and its JSON form.
//! Evaluation (open or closed, next changes, DST) is [`crate::hours`].
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
//!
//! The tables below ([`BUSINESS_HOURS`], [`SCHEDULE`], [`WINDOW`], [`HOLIDAY`]) describe these
//! keys once, for the reader's known keys, the JSON Schema and the README.

use chrono::{NaiveDate, NaiveTime, Timelike};
use chrono_tz::Tz;
use serde_json::{Map, Value};

use crate::config::read::{index, join, suggest_among, type_name, unknown_keys, Errors, Known};
use crate::wire::error::{ConfigError, ErrorKind};

mod clock;
mod fields;
use clock::{parse_clock, parse_date, Clock};
pub(crate) use fields::{BUSINESS_HOURS, HOLIDAY, SCHEDULE, WINDOW};

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

/// When people are on duty: `handoff.business_hours`, whose keys README's configuration reference
/// describes (`timezone`, `schedule` of weekday windows, `holidays` and `closed_dates`).
#[derive(Debug, Clone, PartialEq)]
pub struct BusinessHours {
    /// IANA time zone.
    pub timezone: Tz,
    /// Windows per weekday, Monday first. An empty list is a closed day.
    pub schedule: [Vec<Window>; 7],
    /// Closed dates (from `holidays` and `closed_dates`, in that order).
    pub holidays: Vec<Holiday>,
}

impl BusinessHours {
    /// Parses the `business_hours` object at `path` (e.g. `handoff.business_hours`), pushing every
    /// problem to `errors`. Returns `None` if any problem was found in this object.
    pub fn from_json(
        value: &Value,
        path: &str,
        errors: &mut Vec<ConfigError>,
    ) -> Option<BusinessHours> {
        let mut reader = Errors {
            list: std::mem::take(errors),
        };
        let hours = read(value, path, &mut reader);
        *errors = reader.list;
        hours
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
}

/// Reads the `business_hours` object at `path`; `None` if any problem was found in it.
fn read(value: &Value, path: &str, errors: &mut Errors) -> Option<BusinessHours> {
    let before = errors.len();
    let Some(obj) = value.as_object() else {
        errors.value(
            ErrorKind::WrongType,
            path,
            format!(
                "expected an object with keys {}, got {}",
                BUSINESS_HOURS.keys().join(", "),
                type_name(value)
            ),
            value,
        );
        return None;
    };
    unknown_keys(obj, path, Known::Fields(&BUSINESS_HOURS), false, errors);

    let timezone = match obj.get("timezone") {
        None => {
            errors.at(
                ErrorKind::Missing,
                &join(path, "timezone"),
                "missing required key: an IANA time zone name such as \"Asia/Kolkata\"",
            );
            None
        }
        Some(v) => parse_timezone(v, &join(path, "timezone"), errors),
    };

    let schedule = match obj.get("schedule") {
        None => {
            errors.at(ErrorKind::Missing, &join(path, "schedule"), "missing required key: an object of weekday -> window(s), e.g. \
                 {\"monday\": {\"start\": \"09:00\", \"end\": \"18:00\"}}; days left out are closed");
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

fn fmt_time(t: NaiveTime) -> String {
    if t.second() == 0 {
        t.format("%H:%M").to_string()
    } else {
        t.format("%H:%M:%S").to_string()
    }
}

fn parse_timezone(v: &Value, path: &str, errors: &mut Errors) -> Option<Tz> {
    let Some(name) = v.as_str() else {
        errors.value(
            ErrorKind::WrongType,
            path,
            format!(
                "expected a string (an IANA time zone name such as \"Asia/Kolkata\"), got {}",
                type_name(v)
            ),
            v,
        );
        return None;
    };
    if let Ok(tz) = name.parse::<Tz>() {
        return Some(tz);
    }
    let hint = match suggest_among(name, chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())) {
        Some(s) => format!(" (did you mean \"{s}\"?)"),
        None => String::new(),
    };
    errors.value(
        ErrorKind::Invalid,
        path,
        format!(
            "unknown time zone{hint}; expected an IANA time zone name such as \"Asia/Kolkata\", \
             \"Europe/London\" or \"UTC\"{}",
            filtered_build_note()
        ),
        v,
    );
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

fn parse_schedule(v: &Value, path: &str, errors: &mut Errors) -> Option<[Vec<Window>; 7]> {
    let Some(obj) = v.as_object() else {
        errors.value(
            ErrorKind::WrongType,
            path,
            format!(
                "expected an object of weekday -> window(s) with keys {}, got {}",
                WEEKDAYS.join(", "),
                type_name(v)
            ),
            v,
        );
        return None;
    };
    let before = errors.len();
    unknown_keys(obj, path, Known::Fields(&SCHEDULE), false, errors);
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
                    errors.at(
                        ErrorKind::Invalid,
                        v_path,
                        format!(
                            "window {} starts before the overnight window {} at {} ends on {}; \
                             windows must not overlap",
                            v.describe(),
                            w.describe(),
                            w_path,
                            WEEKDAYS[next]
                        ),
                    );
                }
            }
        }
    }
    if errors.len() > before {
        return None;
    }
    let mut schedule = <[Vec<Window>; 7]>::default();
    for (slot, day) in schedule.iter_mut().zip(days) {
        *slot = day?.into_iter().map(|(w, _)| w).collect();
    }
    Some(schedule)
}

fn parse_day(v: &Value, path: &str, errors: &mut Errors) -> Option<Vec<(Window, String)>> {
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
            errors.value(ErrorKind::WrongType, path, format!(
                    "expected a window object {{\"start\": \"HH:MM\", \"end\": \"HH:MM\"}}, an array \
                     of windows, or null (closed), got {}",
                    type_name(v)
                ), v);
            return None;
        }
    }
    for j in 1..windows.len() {
        let (b_start, b_end) = windows[j].0.span_secs();
        for i in 0..j {
            let (a_start, a_end) = windows[i].0.span_secs();
            if a_start < b_end && b_start < a_end {
                errors.at(
                    ErrorKind::Invalid,
                    &windows[j].1,
                    format!(
                        "window {} overlaps {} ({}); windows on the same day must not overlap",
                        windows[j].0.describe(),
                        windows[i].1,
                        windows[i].0.describe()
                    ),
                );
            }
        }
    }
    (errors.len() == before).then_some(windows)
}

fn parse_window(v: &Value, path: &str, errors: &mut Errors) -> Option<Window> {
    let Some(obj) = v.as_object() else {
        errors.value(
            ErrorKind::WrongType,
            path,
            format!(
                "expected a window object {{\"start\": \"HH:MM\", \"end\": \"HH:MM\"}}, got {}",
                type_name(v)
            ),
            v,
        );
        return None;
    };
    let before = errors.len();
    unknown_keys(obj, path, Known::Fields(&WINDOW), false, errors);
    let field = |key: &str, what: &str, errors: &mut Errors| match obj.get(key) {
        None => {
            errors.at(
                ErrorKind::Missing,
                &join(path, key),
                format!("missing required key: the {what} time \"HH:MM\""),
            );
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
            errors.value(
                ErrorKind::WrongType,
                &join(path, "overnight"),
                format!("expected true or false, got {}", type_name(other)),
                other,
            );
            false
        }
    };
    let start = match start {
        Some(Clock::Time(t)) => Some(t),
        Some(Clock::EndOfDay) => {
            errors.value(
                ErrorKind::Invalid,
                &join(path, "start"),
                "\"24:00\" is only allowed as an end time; use \"00:00\" for the start of the day",
                obj.get("start").unwrap_or(&Value::Null),
            );
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
                errors.value(
                    ErrorKind::Invalid,
                    &join(path, "end"),
                    format!(
                        "end {} is not after start {}; for a window that runs past midnight into \
                         the next day add \"overnight\": true",
                        fmt_time(end),
                        fmt_time(start)
                    ),
                    obj.get("end").unwrap_or(&Value::Null),
                );
                None
            } else if overnight && end > start {
                errors.value(
                    ErrorKind::Invalid,
                    &join(path, "overnight"),
                    format!(
                        "\"overnight\": true but end {} is after start {} on the same day; an \
                         overnight window ends on the next day at or before its start time, so \
                         remove \"overnight\" or fix the times",
                        fmt_time(end),
                        fmt_time(start)
                    ),
                    obj.get("overnight").unwrap_or(&Value::Null),
                );
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

fn parse_holidays(v: &Value, path: &str, errors: &mut Errors, out: &mut Vec<Holiday>) {
    let items = match v {
        Value::Null => return,
        Value::Array(items) => items,
        other => {
            errors.value(
                ErrorKind::WrongType,
                path,
                format!(
                    "expected an array of dates (\"YYYY-MM-DD\" or {{\"date\": \"YYYY-MM-DD\", \
                     \"name\": \"...\"}}), got {}",
                    type_name(other)
                ),
                other,
            );
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
                unknown_keys(obj, &item_path, Known::Fields(&HOLIDAY), false, errors);
                let date = match obj.get("date") {
                    None => {
                        errors.at(
                            ErrorKind::Missing,
                            &join(&item_path, "date"),
                            "missing required key: the date \"YYYY-MM-DD\"",
                        );
                        None
                    }
                    Some(d) => parse_date(d, &join(&item_path, "date"), errors),
                };
                let name = match obj.get("name") {
                    None | Some(Value::Null) => Some(None),
                    Some(Value::String(s)) => Some(Some(s.clone())),
                    Some(other) => {
                        errors.value(
                            ErrorKind::WrongType,
                            &join(&item_path, "name"),
                            format!("expected a string, got {}", type_name(other)),
                            other,
                        );
                        None
                    }
                };
                if let (Some(date), Some(name)) = (date, name) {
                    out.push(Holiday { date, name });
                }
            }
            other => errors.value(
                ErrorKind::WrongType,
                &item_path,
                format!(
                    "expected a date \"YYYY-MM-DD\" or an object {{\"date\": \"YYYY-MM-DD\", \
                     \"name\": \"...\"}}, got {}",
                    type_name(other)
                ),
                other,
            ),
        }
    }
}

/// Reads `handoff.business_hours` for [`Config`](crate::Config).
pub(super) fn parse_business_hours(
    value: &Value,
    path: &str,
    errors: &mut Errors,
) -> Option<BusinessHours> {
    read(value, path, errors)
}

#[cfg(test)]
mod tests;
