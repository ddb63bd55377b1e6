//! Local wall-clock times to instants across DST changes: in a fold, the earlier or the later
//! instant; in a gap, the first instant after it.

use chrono::{Duration, MappedLocalTime, NaiveDateTime, TimeZone, Timelike};
use chrono_tz::Tz;

#[derive(Clone, Copy)]
pub(super) enum Pick {
    Earlier,
    Later,
}

/// The instant (epoch ms) of local wall time `local` in `tz`: in a fold, the earlier or later
/// instant as picked; in a gap, the first instant after the gap.
pub(super) fn resolve(tz: Tz, local: NaiveDateTime, pick: Pick) -> Option<i64> {
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
pub(super) fn after_gap(tz: Tz, local: NaiveDateTime) -> Option<i64> {
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

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

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
