//! The tables of `handoff.business_hours`: its keys, described once.

#[cfg(feature = "schema")]
use serde_json::Value;

use crate::config::read::{Default, Field, Kind, Null, Section};

/// A time of day, as the schema says it (`"HH:MM"`, `"H:MM"`, `"HH:MM:SS"`, `"24:00"`).
#[cfg(feature = "schema")]
const TIME: fn() -> Value = || serde_json::json!({"type": "string", "pattern": "^([0-9]|[01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$|^24:00(:00)?$"});
/// A window, a list of windows, or `null`: one day of the schedule.
#[cfg(feature = "schema")]
const DAY: fn() -> Value = || {
    serde_json::json!({"anyOf": [
        {"$ref": "#/$defs/WindowConfig"},
        {"type": "array", "items": {"$ref": "#/$defs/WindowConfig"}},
        {"type": "null"}
    ]})
};
/// Closed dates: `"YYYY-MM-DD"` or `{"date", "name"}`.
#[cfg(feature = "schema")]
const DATES: fn() -> Value = || {
    serde_json::json!({"type": ["array", "null"], "items": {"anyOf": [
        {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
        {"$ref": "#/$defs/NamedHolidayConfig"}
    ]}})
};

const DATES_WHAT: crate::config::read::Doc =
    doc!("array of `\"YYYY-MM-DD\"` or [holiday objects](#handoffbusiness_hoursholidays)");

/// `handoff.business_hours`, described once.
pub(crate) static BUSINESS_HOURS: Section = Section {
    name: "BusinessHoursConfig",
    path: "handoff.business_hours",
    fields: &[
        Field::new(
            "timezone",
            Kind::Custom {
                what: doc!("string, an IANA time zone name"),
                shape: shape!({"type": "string"}),
            },
            Default::Absent(doc!("required")),
            doc!(
                "`\"Asia/Kolkata\"`, `\"America/New_York\"`, `\"UTC\"`…: the schedule's times are \
                 local wall-clock times there, and the weekday the local weekday"
            ),
        )
        .required()
        .null(Null::Refused),
        Field::new(
            "schedule",
            Kind::Object(&SCHEDULE),
            Default::Absent(doc!("required")),
            doc!("weekday → window(s); days left out are closed"),
        )
        .required()
        .null(Null::Refused),
        Field::new(
            "holidays",
            Kind::Custom {
                what: DATES_WHAT,
                shape: shape_of!(DATES),
            },
            Default::Absent(doc!("none")),
            doc!("whole local dates that are closed"),
        ),
        Field::new(
            "closed_dates",
            Kind::Custom {
                what: DATES_WHAT,
                shape: shape_of!(DATES),
            },
            Default::Absent(doc!("none")),
            doc!("an alias of `holidays`; both may be given, they are merged"),
        ),
    ],
    doc: doc!(concat!(
        "When people are on duty (absent: always open), and what happens outside those hours \
         ([`handoff.outside_hours`](#handoffoutside_hours)):\n",
        "```json\n",
        "{\"handoff\": {\n",
        "  \"business_hours\": {\n",
        "    \"timezone\": \"Asia/Kolkata\",\n",
        "    \"schedule\": {\n",
        "      \"monday\": { \"start\": \"09:00\", \"end\": \"18:00\" },\n",
        "      \"saturday\": [{ \"start\": \"10:00\", \"end\": \"12:00\" }, { \"start\": \"13:00\", \"end\": \"14:00\" }],\n",
        "      \"friday\": { \"start\": \"22:00\", \"end\": \"06:00\", \"overnight\": true }\n",
        "    },\n",
        "    \"holidays\": [\"2026-12-25\", { \"date\": \"2026-01-26\", \"name\": \"Republic Day\" }]\n",
        "  },\n",
        "  \"outside_hours\": { \"action\": \"collect_callback\", \"message\": \"Our team is currently offline. Can I collect your details for a callback?\" }\n",
        "}}\n",
        "```"
    )),
    notes: doc!(
        "A window is `[start, end)` in local time; an end at or before the start needs \
         `\"overnight\": true`; `\"24:00\"` ends at midnight. Windows on one day must not overlap, \
         and an overnight window must not overlap the next day's. Holidays close whole local \
         dates: no window starting on that date opens. On a DST gap an opening moves to the \
         first instant after the gap; on a fold the opening takes the earlier instant and the \
         closing the later one, so windows are never shortened."
    ),
};

/// One day of `schedule`.
macro_rules! day {
    ($name:literal) => {
        Field::new(
            $name,
            Kind::Custom {
                what: doc!("window, array of windows, or `null`"),
                shape: shape_of!(DAY),
            },
            Default::Absent(doc!("closed")),
            doc!("the windows starting on this local weekday"),
        )
    };
}

/// `handoff.business_hours.schedule`: one key per weekday, in [`WEEKDAYS`](super::WEEKDAYS) order.
pub(crate) static SCHEDULE: Section = Section {
    name: "ScheduleConfig",
    path: "handoff.business_hours.schedule",
    fields: &[
        day!("monday"),
        day!("tuesday"),
        day!("wednesday"),
        day!("thursday"),
        day!("friday"),
        day!("saturday"),
        day!("sunday"),
    ],
    doc: doc!(
        "Lowercase weekday names. A day is one window `{\"start\": \"09:00\", \"end\": \
         \"18:00\"}` or an array of windows (split shifts); left out, `null` or `[]` is closed."
    ),
    notes: doc!(""),
};

/// One opening window of a day.
pub(crate) static WINDOW: Section = Section {
    name: "WindowConfig",
    path: "handoff.business_hours.schedule.<day>",
    fields: &[
        Field::new(
            "start",
            Kind::Custom {
                what: doc!("string `\"HH:MM\"`"),
                shape: shape_of!(TIME),
            },
            Default::Absent(doc!("required")),
            doc!("local opening time (`\"09:00\"`, `\"9:00\"`, `\"09:00:30\"`)"),
        )
        .required()
        .null(Null::Refused),
        Field::new(
            "end",
            Kind::Custom {
                what: doc!("string `\"HH:MM\"`"),
                shape: shape_of!(TIME),
            },
            Default::Absent(doc!("required")),
            doc!("local closing time; `\"24:00\"` is midnight at the end of the day"),
        )
        .required()
        .null(Null::Refused),
        Field::new(
            "overnight",
            Kind::Bool,
            Default::Bool(false),
            doc!("the window ends on the next day, at or before its start time"),
        ),
    ],
    doc: doc!("A window of a day, e.g. `{\"start\": \"22:00\", \"end\": \"06:00\", \"overnight\": true}`."),
    notes: doc!(""),
};

/// A closed date written as an object.
pub(crate) static HOLIDAY: Section = Section {
    name: "NamedHolidayConfig",
    path: "handoff.business_hours.holidays[]",
    fields: &[
        Field::new(
            "date",
            Kind::Custom {
                what: doc!("string `\"YYYY-MM-DD\"`"),
                shape: shape!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}),
            },
            Default::Absent(doc!("required")),
            doc!("the local date"),
        )
        .required()
        .null(Null::Refused),
        Field::new(
            "name",
            Kind::Custom {
                what: doc!("string"),
                shape: shape!({"type": "string"}),
            },
            Default::Absent(doc!("none")),
            doc!("shown in docs and logs"),
        ),
    ],
    doc: doc!(
        "A closed date with a name, e.g. `{\"date\": \"2026-01-26\", \"name\": \"Republic Day\"}`."
    ),
    notes: doc!(""),
};
