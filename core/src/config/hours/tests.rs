//! The `business_hours` reader: every accepted form, every error with its path.

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
