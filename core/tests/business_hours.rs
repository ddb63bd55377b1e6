//! Behaviour of `handoff_core::hours::BusinessHours`: open/closed, next changes, DST, holidays.

use handoff_core::hours::{BusinessHours, HoursStatus};
use serde_json::{json, Value};

/// Epoch ms of an RFC 3339 instant with an explicit offset.
fn ms(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s)
        .unwrap()
        .timestamp_millis()
}

fn hours(v: Value) -> BusinessHours {
    let mut errors = Vec::new();
    let parsed = BusinessHours::from_json(&v, "handoff.business_hours", &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    parsed.unwrap()
}

fn zone(tz: &str, schedule: Value) -> BusinessHours {
    hours(json!({ "timezone": tz, "schedule": schedule }))
}

fn spec() -> BusinessHours {
    hours(json!({
      "timezone": "Asia/Kolkata",
      "schedule": {
        "monday": { "start": "09:00", "end": "18:00" },
        "tuesday": { "start": "09:00", "end": "18:00" },
        "wednesday": { "start": "09:00", "end": "18:00" },
        "thursday": { "start": "09:00", "end": "18:00" },
        "friday": { "start": "09:00", "end": "18:00" },
        "saturday": { "start": "10:00", "end": "14:00" }
      }
    }))
}

fn open(next_closing: &str, next_opening: &str) -> HoursStatus {
    HoursStatus {
        open: true,
        next_opening: Some(ms(next_opening)),
        next_closing: Some(ms(next_closing)),
    }
}

fn closed(next_opening: &str, next_closing: &str) -> HoursStatus {
    HoursStatus {
        open: false,
        next_opening: Some(ms(next_opening)),
        next_closing: Some(ms(next_closing)),
    }
}

/// `status` at `at`, checked against `is_open` for consistency.
fn status(h: &BusinessHours, at: &str) -> HoursStatus {
    let at = ms(at);
    let s = h.status(at);
    assert_eq!(
        s.open,
        h.is_open(at),
        "is_open disagrees with status at {at}"
    );
    s
}

// --- The spec's schedule (Asia/Kolkata, no DST) ---------------------------------------------------

#[test]
fn spec_saturday_noon_is_open() {
    // 2026-06-06 is a Saturday.
    assert_eq!(
        status(&spec(), "2026-06-06T12:00:00+05:30"),
        open("2026-06-06T14:00:00+05:30", "2026-06-08T09:00:00+05:30")
    );
    // The same instant written in UTC.
    assert!(spec().is_open(ms("2026-06-06T06:30:00Z")));
}

#[test]
fn spec_sunday_is_closed() {
    let h = spec();
    for at in [
        "2026-06-07T00:00:00+05:30",
        "2026-06-07T12:00:00+05:30",
        "2026-06-07T23:59:59.999+05:30",
    ] {
        assert_eq!(
            status(&h, at),
            closed("2026-06-08T09:00:00+05:30", "2026-06-08T18:00:00+05:30"),
            "{at}"
        );
    }
}

#[test]
fn spec_friday_evening_next_opening_is_saturday_morning() {
    let h = spec();
    assert_eq!(
        status(&h, "2026-06-05T18:00:00+05:30"),
        closed("2026-06-06T10:00:00+05:30", "2026-06-06T14:00:00+05:30")
    );
    // One millisecond earlier it is still open.
    assert_eq!(
        status(&h, "2026-06-05T17:59:59.999+05:30"),
        open("2026-06-05T18:00:00+05:30", "2026-06-06T10:00:00+05:30")
    );
    // Friday 18:00 IST is 12:30 UTC.
    assert!(!h.is_open(ms("2026-06-05T12:30:00Z")));
}

#[test]
fn spec_boundaries_start_open_end_closed() {
    let h = spec();
    assert_eq!(
        status(&h, "2026-06-08T09:00:00+05:30"),
        open("2026-06-08T18:00:00+05:30", "2026-06-09T09:00:00+05:30")
    );
    assert_eq!(
        status(&h, "2026-06-08T08:59:59.999+05:30"),
        closed("2026-06-08T09:00:00+05:30", "2026-06-08T18:00:00+05:30")
    );
    assert_eq!(
        status(&h, "2026-06-06T14:00:00+05:30"),
        closed("2026-06-08T09:00:00+05:30", "2026-06-08T18:00:00+05:30")
    );
}

#[test]
fn format_local_uses_weekday_time_and_abbreviation() {
    let h = spec();
    assert_eq!(
        h.format_local(ms("2026-06-08T09:00:00+05:30")),
        "Monday 09:00 IST"
    );
    assert_eq!(
        h.format_local(ms("2026-06-06T04:30:00Z")),
        "Saturday 10:00 IST"
    );
    let ny = zone("America/New_York", json!({}));
    assert_eq!(
        ny.format_local(ms("2026-01-05T14:05:00Z")),
        "Monday 09:05 EST"
    );
    assert_eq!(
        ny.format_local(ms("2026-07-06T13:00:00Z")),
        "Monday 09:00 EDT"
    );
    let london = zone("Europe/London", json!({}));
    assert_eq!(
        london.format_local(ms("2026-06-05T17:00:00Z")),
        "Friday 18:00 BST"
    );
    // Zones whose abbreviation is numeric in the tz database get a UTC offset.
    let dubai = zone("Asia/Dubai", json!({}));
    assert_eq!(
        dubai.format_local(ms("2026-06-05T14:00:00Z")),
        "Friday 18:00 UTC+04:00"
    );
    let lord_howe = zone("Australia/Lord_Howe", json!({}));
    assert_eq!(
        lord_howe.format_local(ms("2026-06-05T07:30:00Z")),
        "Friday 18:00 UTC+10:30"
    );
}

// --- Split shifts and overnight windows -----------------------------------------------------------

#[test]
fn split_shift() {
    let h = zone(
        "Asia/Kolkata",
        json!({ "monday": [{ "start": "13:00", "end": "18:00" }, { "start": "09:00", "end": "12:00" }] }),
    );
    assert_eq!(
        status(&h, "2026-06-08T11:00:00+05:30"),
        open("2026-06-08T12:00:00+05:30", "2026-06-08T13:00:00+05:30")
    );
    assert_eq!(
        status(&h, "2026-06-08T12:00:00+05:30"),
        closed("2026-06-08T13:00:00+05:30", "2026-06-08T18:00:00+05:30")
    );
    assert_eq!(
        status(&h, "2026-06-08T13:00:00+05:30"),
        open("2026-06-08T18:00:00+05:30", "2026-06-15T09:00:00+05:30")
    );
}

#[test]
fn overnight_across_midnight() {
    let h = zone(
        "Asia/Kolkata",
        json!({ "friday": { "start": "22:00", "end": "06:00", "overnight": true } }),
    );
    assert_eq!(
        status(&h, "2026-06-05T21:59:00+05:30"),
        closed("2026-06-05T22:00:00+05:30", "2026-06-06T06:00:00+05:30")
    );
    assert_eq!(
        status(&h, "2026-06-05T23:00:00+05:30"),
        open("2026-06-06T06:00:00+05:30", "2026-06-12T22:00:00+05:30")
    );
    assert_eq!(
        status(&h, "2026-06-06T05:59:59.999+05:30"),
        open("2026-06-06T06:00:00+05:30", "2026-06-12T22:00:00+05:30")
    );
    assert_eq!(
        status(&h, "2026-06-06T06:00:00+05:30"),
        closed("2026-06-12T22:00:00+05:30", "2026-06-13T06:00:00+05:30")
    );
}

#[test]
fn overnight_across_week_boundary() {
    // Sunday 22:00 -> Monday 02:00; 2026-06-07 is a Sunday.
    let h = zone(
        "Asia/Kolkata",
        json!({ "sunday": { "start": "22:00", "end": "02:00", "overnight": true } }),
    );
    assert_eq!(
        status(&h, "2026-06-08T01:00:00+05:30"),
        open("2026-06-08T02:00:00+05:30", "2026-06-14T22:00:00+05:30")
    );
    assert_eq!(
        status(&h, "2026-06-08T02:00:00+05:30"),
        closed("2026-06-14T22:00:00+05:30", "2026-06-15T02:00:00+05:30")
    );
    assert_eq!(
        status(&h, "2026-06-07T21:59:59.999+05:30"),
        closed("2026-06-07T22:00:00+05:30", "2026-06-08T02:00:00+05:30")
    );
    assert!(h.is_open(ms("2026-06-07T22:00:00+05:30")));
    // Across a year boundary too: 2026-12-27 is a Sunday.
    assert_eq!(
        status(&h, "2026-12-28T00:30:00+05:30"),
        open("2026-12-28T02:00:00+05:30", "2027-01-03T22:00:00+05:30")
    );
}

#[test]
fn end_of_day_and_touching_windows_merge() {
    let h = zone(
        "Asia/Kolkata",
        json!({
            "monday": { "start": "09:00", "end": "24:00" },
            "tuesday": { "start": "00:00", "end": "12:00" }
        }),
    );
    assert_eq!(
        status(&h, "2026-06-08T23:00:00+05:30"),
        open("2026-06-09T12:00:00+05:30", "2026-06-15T09:00:00+05:30")
    );
    assert!(h.is_open(ms("2026-06-09T00:00:00+05:30")));
}

#[test]
fn always_open_has_no_changes() {
    let day = json!({ "start": "00:00", "end": "24:00" });
    let schedule: serde_json::Map<String, Value> = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
    .iter()
    .map(|d| (d.to_string(), day.clone()))
    .collect();
    let h = zone("America/New_York", Value::Object(schedule));
    assert_eq!(
        status(&h, "2026-03-08T02:30:00-05:00"),
        HoursStatus {
            open: true,
            next_opening: None,
            next_closing: None
        }
    );
}

#[test]
fn all_closed_has_no_changes() {
    for schedule in [json!({}), json!({ "monday": null, "tuesday": [] })] {
        let h = zone("Asia/Kolkata", schedule);
        assert_eq!(
            status(&h, "2026-06-08T12:00:00+05:30"),
            HoursStatus {
                open: false,
                next_opening: None,
                next_closing: None
            }
        );
    }
}

// --- Holidays --------------------------------------------------------------------------------------

#[test]
fn holiday_closes_the_day_and_is_skipped() {
    let mut config = json!({
      "timezone": "Asia/Kolkata",
      "schedule": {
        "monday": { "start": "09:00", "end": "18:00" },
        "tuesday": { "start": "09:00", "end": "18:00" },
        "wednesday": { "start": "09:00", "end": "18:00" },
        "thursday": { "start": "09:00", "end": "18:00" },
        "friday": { "start": "09:00", "end": "18:00" },
        "saturday": { "start": "10:00", "end": "14:00" }
      }
    });
    config["holidays"] = json!([{ "date": "2026-12-25", "name": "Christmas" }]);
    let h = hours(config.clone());
    // 2026-12-25 is a Friday.
    assert_eq!(
        status(&h, "2026-12-25T12:00:00+05:30"),
        closed("2026-12-26T10:00:00+05:30", "2026-12-26T14:00:00+05:30")
    );
    assert_eq!(
        status(&h, "2026-12-24T17:00:00+05:30"),
        open("2026-12-24T18:00:00+05:30", "2026-12-26T10:00:00+05:30")
    );
    // The same date a week earlier is a normal Friday.
    assert!(h.is_open(ms("2026-12-18T12:00:00+05:30")));

    // closed_dates is an alias; both lists are merged.
    config["closed_dates"] = json!(["2026-12-26", "2026-12-28"]);
    let h = hours(config);
    assert_eq!(h.holidays.len(), 3);
    assert_eq!(
        status(&h, "2026-12-24T18:00:00+05:30"),
        closed("2026-12-29T09:00:00+05:30", "2026-12-29T18:00:00+05:30")
    );
}

#[test]
fn overnight_window_runs_into_a_holiday_but_does_not_start_on_one() {
    let schedule = json!({ "friday": { "start": "22:00", "end": "06:00", "overnight": true } });
    // Holiday on Saturday 2026-06-06: Friday's window still runs until Saturday 06:00.
    let h = hours(
        json!({ "timezone": "Asia/Kolkata", "schedule": schedule, "holidays": ["2026-06-06"] }),
    );
    assert_eq!(
        status(&h, "2026-06-06T03:00:00+05:30"),
        open("2026-06-06T06:00:00+05:30", "2026-06-12T22:00:00+05:30")
    );
    // Holiday on Friday 2026-06-05: the window starting that evening does not open at all.
    let h = hours(
        json!({ "timezone": "Asia/Kolkata", "schedule": schedule, "holidays": ["2026-06-05"] }),
    );
    assert!(!h.is_open(ms("2026-06-05T23:00:00+05:30")));
    assert_eq!(
        status(&h, "2026-06-06T03:00:00+05:30"),
        closed("2026-06-12T22:00:00+05:30", "2026-06-13T06:00:00+05:30")
    );
}

#[test]
fn nothing_within_400_days_gives_none() {
    // Open Mondays only; 2026-06-08 is a Monday.
    let start = chrono::NaiveDate::from_ymd_opt(2026, 6, 8).unwrap();
    let mondays = |n: u64| -> Vec<String> {
        (0..n)
            .map(|i| (start + chrono::Days::new(7 * i)).to_string())
            .collect()
    };
    let config = |n| {
        json!({
            "timezone": "UTC",
            "schedule": { "monday": { "start": "09:00", "end": "17:00" } },
            "holidays": mondays(n)
        })
    };
    let at = ms("2026-06-08T00:00:00Z");
    // 56 Mondays closed: the next opening is 392 days away, still found.
    let s = hours(config(56)).status(at);
    assert_eq!(s.next_opening, Some(ms("2027-07-05T09:00:00Z")));
    assert_eq!(s.next_closing, Some(ms("2027-07-05T17:00:00Z")));
    // 60 Mondays closed: 420 days away, beyond the horizon.
    assert_eq!(
        hours(config(60)).status(at),
        HoursStatus {
            open: false,
            next_opening: None,
            next_closing: None
        }
    );
}

// --- DST -----------------------------------------------------------------------------------------

#[test]
fn new_york_spring_forward_gap() {
    // 2026-03-08: 02:00 EST -> 03:00 EDT; 02:30 does not exist.
    let h = zone(
        "America/New_York",
        json!({ "sunday": { "start": "02:30", "end": "05:00" } }),
    );
    assert_eq!(
        status(&h, "2026-03-08T01:59:00-05:00"),
        closed("2026-03-08T03:00:00-04:00", "2026-03-08T05:00:00-04:00")
    );
    assert!(h.is_open(ms("2026-03-08T07:00:00Z")));
    assert!(!h.is_open(ms("2026-03-08T06:59:59.999Z")));
    // A normal Sunday the week before: 02:30 EST.
    assert_eq!(
        status(&h, "2026-03-01T00:00:00-05:00"),
        closed("2026-03-01T02:30:00-05:00", "2026-03-01T05:00:00-05:00")
    );
    // A closing inside the gap closes at the first instant after it.
    let h = zone(
        "America/New_York",
        json!({ "sunday": { "start": "00:00", "end": "02:30" } }),
    );
    assert_eq!(
        status(&h, "2026-03-08T01:30:00-05:00"),
        open("2026-03-08T03:00:00-04:00", "2026-03-15T00:00:00-04:00")
    );
    // A window lying entirely inside the gap does not open.
    let h = zone(
        "America/New_York",
        json!({ "sunday": { "start": "02:10", "end": "02:50" } }),
    );
    assert_eq!(
        status(&h, "2026-03-08T00:00:00-05:00"),
        closed("2026-03-15T02:10:00-04:00", "2026-03-15T02:50:00-04:00")
    );
}

#[test]
fn new_york_fall_back_fold() {
    // 2026-11-01: 02:00 EDT -> 01:00 EST; 01:00-02:00 happens twice.
    // An opening in the fold uses the earlier 01:30 (EDT).
    let h = zone(
        "America/New_York",
        json!({ "sunday": { "start": "01:30", "end": "03:00" } }),
    );
    assert_eq!(
        status(&h, "2026-11-01T00:00:00-04:00"),
        closed("2026-11-01T01:30:00-04:00", "2026-11-01T03:00:00-05:00")
    );
    assert!(
        h.is_open(ms("2026-11-01T01:10:00-05:00")),
        "second 01:10 is inside the window"
    );
    // A closing in the fold uses the later 01:30 (EST).
    let h = zone(
        "America/New_York",
        json!({ "sunday": { "start": "00:00", "end": "01:30" } }),
    );
    assert_eq!(
        status(&h, "2026-11-01T01:45:00-04:00"),
        open("2026-11-01T01:30:00-05:00", "2026-11-08T00:00:00-05:00")
    );
    // Split shift touching at 01:30: the earlier opening is before the later closing, so the two
    // windows merge into one opening 00:00 EDT -> 03:00 EST.
    let h = zone(
        "America/New_York",
        json!({ "sunday": [{ "start": "00:00", "end": "01:30" }, { "start": "01:30", "end": "03:00" }] }),
    );
    assert_eq!(
        status(&h, "2026-11-01T01:00:00-04:00"),
        open("2026-11-01T03:00:00-05:00", "2026-11-08T00:00:00-05:00")
    );
    // A normal 09:00-17:00 Sunday that day is 8 hours of real time, 14:00Z-22:00Z.
    let h = zone(
        "America/New_York",
        json!({ "sunday": { "start": "09:00", "end": "17:00" } }),
    );
    assert_eq!(
        status(&h, "2026-11-01T00:00:00-04:00"),
        closed("2026-11-01T14:00:00Z", "2026-11-01T22:00:00Z")
    );
}

#[test]
fn new_york_overnight_over_transitions() {
    // Saturday 22:00 -> Sunday 06:00 is 7 real hours in spring and 9 in autumn.
    let h = zone(
        "America/New_York",
        json!({ "saturday": { "start": "22:00", "end": "06:00", "overnight": true } }),
    );
    assert_eq!(
        status(&h, "2026-03-07T23:00:00-05:00"),
        open("2026-03-08T06:00:00-04:00", "2026-03-14T22:00:00-04:00")
    );
    assert_eq!(
        status(&h, "2026-10-31T23:00:00-04:00"),
        open("2026-11-01T06:00:00-05:00", "2026-11-07T22:00:00-05:00")
    );
}

#[test]
fn london_gap_and_fold() {
    // 2026-03-29: 01:00 GMT -> 02:00 BST.
    let h = zone(
        "Europe/London",
        json!({ "sunday": { "start": "01:30", "end": "03:00" } }),
    );
    assert_eq!(
        status(&h, "2026-03-29T00:30:00Z"),
        closed("2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z")
    );
    assert_eq!(
        h.format_local(ms("2026-03-29T01:00:00Z")),
        "Sunday 02:00 BST"
    );
    // 2026-10-25: 02:00 BST -> 01:00 GMT; 01:30 occurs at 00:30Z and 01:30Z.
    let h = zone(
        "Europe/London",
        json!({ "sunday": { "start": "01:30", "end": "02:30" } }),
    );
    assert_eq!(
        status(&h, "2026-10-25T00:00:00Z"),
        closed("2026-10-25T00:30:00Z", "2026-10-25T02:30:00Z")
    );
    let h = zone(
        "Europe/London",
        json!({ "sunday": { "start": "00:00", "end": "01:15" } }),
    );
    assert_eq!(
        status(&h, "2026-10-24T23:30:00Z"),
        open("2026-10-25T01:15:00Z", "2026-11-01T00:00:00Z")
    );
}

#[test]
fn lord_howe_half_hour_shifts() {
    // 2026-04-05: 02:00 +11:00 -> 01:30 +10:30; 01:30-02:00 happens twice.
    let h = zone(
        "Australia/Lord_Howe",
        json!({ "sunday": { "start": "01:45", "end": "03:00" } }),
    );
    assert_eq!(
        status(&h, "2026-04-05T00:00:00+11:00"),
        closed("2026-04-05T01:45:00+11:00", "2026-04-05T03:00:00+10:30")
    );
    let h = zone(
        "Australia/Lord_Howe",
        json!({ "sunday": { "start": "00:00", "end": "01:45" } }),
    );
    assert_eq!(
        status(&h, "2026-04-05T01:50:00+11:00"),
        open("2026-04-05T01:45:00+10:30", "2026-04-12T00:00:00+10:30")
    );
    // 2026-10-04: 02:00 +10:30 -> 02:30 +11:00; 02:00-02:30 does not exist.
    let h = zone(
        "Australia/Lord_Howe",
        json!({ "sunday": { "start": "02:15", "end": "04:00" } }),
    );
    assert_eq!(
        status(&h, "2026-10-04T00:00:00+10:30"),
        closed("2026-10-04T02:30:00+11:00", "2026-10-04T04:00:00+11:00")
    );
    let h = zone(
        "Australia/Lord_Howe",
        json!({ "sunday": { "start": "00:00", "end": "02:10" } }),
    );
    assert_eq!(
        status(&h, "2026-10-04T01:59:00+10:30"),
        open("2026-10-04T02:30:00+11:00", "2026-10-11T00:00:00+11:00")
    );
    assert_eq!(
        h.format_local(ms("2026-10-03T15:30:00Z")),
        "Sunday 02:30 UTC+11:00"
    );
}

#[test]
fn kolkata_has_no_transitions() {
    let h = zone(
        "Asia/Kolkata",
        json!({ "sunday": { "start": "02:30", "end": "05:00" } }),
    );
    for date in ["2026-03-08", "2026-03-29", "2026-10-25", "2026-11-01"] {
        let at = format!("{date}T00:00:00+05:30");
        assert_eq!(
            status(&h, &at),
            closed(
                &format!("{date}T02:30:00+05:30"),
                &format!("{date}T05:00:00+05:30")
            )
        );
    }
}

// --- Robustness ------------------------------------------------------------------------------------

fn busy() -> BusinessHours {
    hours(json!({
        "timezone": "America/New_York",
        "schedule": {
            "monday": [{ "start": "01:30", "end": "02:30" }, { "start": "09:00", "end": "17:00" }],
            "saturday": { "start": "22:00", "end": "02:30", "overnight": true },
            "tuesday": { "start": "12:00", "end": "12:00", "overnight": true },
            "sunday": { "start": "23:00", "end": "01:30", "overnight": true }
        },
        "holidays": ["2026-12-25"]
    }))
}

#[test]
fn extreme_instants_do_not_panic() {
    let min = chrono::DateTime::<chrono::Utc>::MIN_UTC.timestamp_millis();
    let max = chrono::DateTime::<chrono::Utc>::MAX_UTC.timestamp_millis();
    for h in [
        busy(),
        spec(),
        zone(
            "Pacific/Apia",
            json!({ "friday": { "start": "00:00", "end": "24:00" } }),
        ),
    ] {
        for at in [
            i64::MIN,
            i64::MIN + 1,
            min - 1,
            min,
            min + 1,
            -1,
            0,
            1,
            max - 1,
            max,
            max + 1,
            i64::MAX,
        ] {
            let s = h.status(at);
            assert_eq!(s.open, h.is_open(at));
            let _ = h.format_local(at);
            for t in [s.next_opening, s.next_closing].into_iter().flatten() {
                assert!(t > at);
            }
        }
        assert_eq!(
            h.status(i64::MAX),
            HoursStatus {
                open: false,
                next_opening: None,
                next_closing: None
            }
        );
        assert_eq!(h.format_local(i64::MIN), format!("{} ms", i64::MIN));
    }
}

#[test]
fn samoa_skipped_day() {
    // Pacific/Apia skipped Friday 2011-12-30 entirely; Thursday 29th 23:59:59 -> Saturday 31st.
    let h = zone(
        "Pacific/Apia",
        json!({ "friday": { "start": "09:00", "end": "17:00" } }),
    );
    let s = h.status(ms("2011-12-29T12:00:00-10:00"));
    assert!(!s.open);
    assert_eq!(s.next_opening, Some(ms("2012-01-06T09:00:00+14:00")));
}

/// Checks the invariants of `status` at `at` against `is_open`.
fn check_invariants(h: &BusinessHours, at: i64) {
    let s = h.status(at);
    assert_eq!(s.open, h.is_open(at), "at {at}");
    if let Some(o) = s.next_opening {
        assert!(o > at);
        assert!(h.is_open(o), "open at next_opening {o} (at {at})");
        assert!(
            !h.is_open(o - 1),
            "closed just before next_opening {o} (at {at})"
        );
    }
    if let Some(c) = s.next_closing {
        assert!(c > at);
        assert!(!h.is_open(c), "closed at next_closing {c} (at {at})");
        assert!(
            h.is_open(c - 1),
            "open just before next_closing {c} (at {at})"
        );
    }
    if s.open {
        assert!(s.next_closing.is_some());
        if let Some(o) = s.next_opening {
            assert!(o > s.next_closing.unwrap());
        }
    } else if let (Some(o), Some(c)) = (s.next_opening, s.next_closing) {
        assert!(o < c);
    }
}

#[test]
fn invariants_around_transitions() {
    let h = busy();
    // Every 10 minutes over the weeks around both 2026 New York transitions.
    for start in [
        ms("2026-03-01T00:00:00Z"),
        ms("2026-10-25T00:00:00Z"),
        ms("2026-12-20T00:00:00Z"),
    ] {
        for step in 0..(21 * 24 * 6) {
            check_invariants(&h, start + step * 600_000);
        }
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn never_panics(at in any::<i64>()) {
            let h = busy();
            let s = h.status(at);
            prop_assert_eq!(s.open, h.is_open(at));
            let _ = h.format_local(at);
        }

        #[test]
        fn invariants_hold(at in -2_208_988_800_000i64..4_102_444_800_000i64) {
            check_invariants(&busy(), at);
            check_invariants(&spec(), at);
        }
    }
}
