//! `handoff.deliveries`: how deliveries are retried.

use serde_json::Value;

use crate::config::read::{
    index, number_kind, type_name, Default, Errors, Field, Kind, Obj, Section,
};
use crate::wire::error::ErrorKind;
use crate::wire::limits::{DEFAULT_SCHEDULE_MS, MAX_ATTEMPTS};

/// `handoff.deliveries`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deliveries {
    /// Delay after each failed attempt, in ms (from `retry_schedule_seconds`; the last one
    /// repeats). Default: the Standard Webhooks schedule, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
    /// 14 h, 20 h, 24 h ([`crate::wire::limits::DEFAULT_SCHEDULE_MS`]).
    pub retry_schedule_ms: Vec<i64>,
}

impl std::default::Default for Deliveries {
    fn default() -> Self {
        Deliveries {
            retry_schedule_ms: DEFAULT_SCHEDULE_MS.to_vec(),
        }
    }
}

/// The longest delay between two attempts (s): a day, as in the default schedule.
const MAX_RETRY_DELAY_SECONDS: u64 = 86_400;

const RETRY_SCHEDULE_SECONDS: Field = Field::new(
    "retry_schedule_seconds",
    Kind::Custom {
        what: doc!("array of 1 to 9 whole numbers, 1 to 86,400 each"),
        shape: shape!({
            "type": "array",
            "minItems": 1,
            "maxItems": (MAX_ATTEMPTS - 1),
            "items": {"type": "integer", "minimum": 1, "maximum": MAX_RETRY_DELAY_SECONDS}
        }),
    },
    Default::Millis(&DEFAULT_SCHEDULE_MS),
    doc!(
        "seconds to wait after the 1st, 2nd, … failed attempt (the last repeats), e.g. `[5, 30, \
         60, 300]` so a short receiver outage delays events by a minute, not five"
    ),
);

/// `handoff.deliveries`, described once.
pub(crate) static DELIVERIES: Section = Section {
    name: "DeliveriesConfig",
    path: "handoff.deliveries",
    fields: &[RETRY_SCHEDULE_SECONDS],
    doc: doc!("How deliveries (webhook events and helpdesk requests) are retried."),
    notes: doc!(""),
};

/// Reads `handoff.deliveries` (absent: the default schedule).
pub(super) fn parse_deliveries(
    value: Option<&Value>,
    path: &str,
    errors: &mut Errors,
) -> Deliveries {
    let mut deliveries = Deliveries::default();
    let Some(value) = value else {
        return deliveries;
    };
    let Some(obj) = Obj::new(value, path, &DELIVERIES, errors) else {
        return deliveries;
    };
    let Some(schedule) = obj.get(RETRY_SCHEDULE_SECONDS.key) else {
        return deliveries;
    };
    let schedule_path = obj.path_of(RETRY_SCHEDULE_SECONDS.key);
    let most = MAX_ATTEMPTS as usize - 1;
    match schedule {
        Value::Array(items) if !items.is_empty() && items.len() <= most => {
            let mut delays = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                match item.as_u64() {
                    Some(n) if (1..=MAX_RETRY_DELAY_SECONDS).contains(&n) => {
                        delays.push(n as i64 * 1000)
                    }
                    _ => errors.value(
                        number_kind(item),
                        &index(&schedule_path, i),
                        format!(
                            "expected a whole number of seconds from 1 to {MAX_RETRY_DELAY_SECONDS}"
                        ),
                        item,
                    ),
                }
            }
            if delays.len() == items.len() {
                deliveries.retry_schedule_ms = delays;
            }
        }
        other => errors.value(
            match other {
                Value::Array(_) => ErrorKind::OutOfRange,
                _ => ErrorKind::WrongType,
            },
            &schedule_path,
            format!(
                "expected an array of 1 to {most} delays in seconds (after the 1st, 2nd, ... failed \
                 attempt; the last one repeats), found {}",
                type_name(other)
            ),
            other,
        ),
    }
    deliveries
}
