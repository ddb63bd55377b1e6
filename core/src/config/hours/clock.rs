//! Times of day (`"09:00"`, `"24:00"`) and dates (`"2026-12-25"`) of `handoff.business_hours`.

use chrono::{NaiveDate, NaiveTime};
use serde_json::Value;

use crate::config::read::{type_name, Errors};
use crate::wire::error::ErrorKind;

pub(super) enum Clock {
    Time(NaiveTime),
    EndOfDay,
}

const TIME_FORMAT: &str =
    "expected a time \"HH:MM\" on the 24-hour clock, e.g. \"09:00\" or \"18:30\"";

pub(super) fn parse_clock(v: &Value, path: &str, errors: &mut Errors) -> Option<Clock> {
    let Some(s) = v.as_str() else {
        errors.value(
            ErrorKind::WrongType,
            path,
            format!("{TIME_FORMAT} (a string), got {}", type_name(v)),
            v,
        );
        return None;
    };
    let fail = |errors: &mut Errors, msg: &str| {
        errors.value(ErrorKind::Invalid, path, msg, v);
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

pub(super) fn parse_date(v: &Value, path: &str, errors: &mut Errors) -> Option<NaiveDate> {
    let Some(s) = v.as_str() else {
        errors.value(
            ErrorKind::WrongType,
            path,
            format!(
                "expected a date \"YYYY-MM-DD\" (a string), got {}",
                type_name(v)
            ),
            v,
        );
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
        errors.value(
            ErrorKind::Invalid,
            path,
            "expected a date \"YYYY-MM-DD\", e.g. \"2026-12-25\"",
            v,
        );
        return None;
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    let date = i32::try_from(n(0..4))
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, n(5..7), n(8..10)));
    if date.is_none() {
        errors.value(
            ErrorKind::Invalid,
            path,
            "not a valid calendar date; expected \"YYYY-MM-DD\"",
            v,
        );
    }
    date
}
