//! When a throttled request may be tried again, from the response headers a host reported.
//!
//! - `retry-after`: seconds, or an HTTP date (RFC 9110 §10.2.3), as Zendesk, Freshdesk and
//!   Standard Webhooks receivers send it. A decimal number of seconds (`1.5`, which RFC 9110 does
//!   not allow but some receivers send) is read as what it says, rounded up to the millisecond:
//!   the receiver's wish is clear, and every host then waits the same.
//!
//! Hosts report the response headers named in [`REPORTED_HEADERS`] as they came, and parse
//! none of them: the engine decides when to try again.
//! - `x-ratelimit-reset`: unix seconds at which the window resets, as Intercom sends it with its
//!   429 (<https://developers.intercom.com/docs/references/rest-api/errors/rate-limiting>).
//!
//! A `retry_after_ms` in the `delivery_result` wins over both.

use std::collections::BTreeMap;

use crate::wire::input::DeliveryResult;

/// The response headers a host reports in `delivery_result.headers` (by lower-case name, when
/// present): the ones the engine reads. Every host reports these and no others.
pub const REPORTED_HEADERS: [&str; 2] = ["retry-after", "x-ratelimit-reset"];

/// The earliest retry the receiver asked for, in ms from `now`: `retry_after_ms`, else
/// `retry-after`, else `x-ratelimit-reset`. Header names are matched without regard to case.
pub fn retry_after_ms(result: &DeliveryResult, now: i64) -> Option<u64> {
    if result.retry_after_ms.is_some() {
        return result.retry_after_ms;
    }
    let headers = result.headers.as_ref()?;
    header(headers, "retry-after")
        .and_then(|v| retry_after(v, now))
        .or_else(|| header(headers, "x-ratelimit-reset").and_then(|v| reset(v, now)))
}

fn header<'a>(headers: &'a BTreeMap<String, String>, name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
}

/// A `Retry-After` value in ms from `now` (epoch ms), as the engine reads it: whole seconds
/// (`120`), decimal seconds rounded up to the millisecond (`1.5`), or an HTTP date: `Wed, 21 Oct
/// 2015 07:28:00 GMT` (IMF-fixdate), or the two obsolete forms recipients must still accept (RFC
/// 9110 §5.6.7), `Wednesday, 21-Oct-15 07:28:00 GMT` (RFC 850) and `Wed Oct 21 07:28:00 2015`
/// (asctime). A date in the past is `0`; anything else (`-5`, `soon`, empty) is `None`. Spaces
/// around the value are ignored.
///
/// For code that performs requests itself (a widget forwarding outputs to its backend); hosts
/// report the header in `delivery_result.headers` instead and the engine reads it.
///
/// ```
/// use handoff_core::prepare::retry_after;
///
/// let now = 1_768_213_800_000; // 2026-01-12T10:30:00Z
/// assert_eq!(retry_after(" 120 ", now), Some(120_000));
/// assert_eq!(retry_after("1.5", now), Some(1_500));
/// assert_eq!(retry_after("Mon, 12 Jan 2026 10:31:00 GMT", now), Some(60_000));
/// assert_eq!(retry_after("-5", now), None);
/// ```
pub fn retry_after(value: &str, now: i64) -> Option<u64> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(seconds.saturating_mul(1000));
    }
    if let Some(ms) = decimal_seconds_ms(value) {
        return Some(ms);
    }
    let at = http_date(value)?;
    Some(u64::try_from(at.saturating_sub(now)).unwrap_or(0))
}

/// `1.5` (decimal seconds) as milliseconds, rounded up: `1500`. Read digit by digit, without a
/// float parser (which would add about 15 KB of tables to the browsers' wasm).
fn decimal_seconds_ms(value: &str) -> Option<u64> {
    let (whole, fraction) = value.split_once('.')?;
    if whole.is_empty() || fraction.is_empty() {
        return None;
    }
    if !whole
        .bytes()
        .chain(fraction.bytes())
        .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let seconds = whole.parse::<u64>().ok()?;
    let mut ms = 0u64;
    for (i, digit) in fraction.bytes().enumerate() {
        let d = u64::from(digit - b'0');
        match i {
            0 => ms += d * 100,
            1 => ms += d * 10,
            2 => ms += d,
            // Any further digit that is not 0 rounds up to the next millisecond.
            _ if d > 0 => {
                ms += 1;
                break;
            }
            _ => {}
        }
    }
    Some(seconds.saturating_mul(1000).saturating_add(ms))
}

/// An HTTP date in any of its three forms, as epoch ms.
fn http_date(value: &str) -> Option<i64> {
    if let Ok(at) = chrono::DateTime::parse_from_rfc2822(value) {
        return Some(at.timestamp_millis());
    }
    // (chrono's `%y` reads RFC 850's two-digit years as 1969..2068.)
    let collapsed = value.split_whitespace().collect::<Vec<_>>().join(" ");
    ["%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"]
        .into_iter()
        .find_map(|format| chrono::NaiveDateTime::parse_from_str(&collapsed, format).ok())
        .map(|at| at.and_utc().timestamp_millis())
}

/// `X-RateLimit-Reset: 1768213860` (unix seconds).
fn reset(value: &str, now: i64) -> Option<u64> {
    let seconds = value.parse::<i64>().ok()?;
    let at = seconds.checked_mul(1000)?;
    Some(u64::try_from(at.saturating_sub(now)).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(headers: &[(&str, &str)], ms: Option<u64>) -> DeliveryResult {
        DeliveryResult {
            delivery_id: "d".into(),
            status: Some(429),
            retry_after_ms: ms,
            body: None,
            error: None,
            headers: Some(
                headers
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
        }
    }

    const NOW: i64 = 1_768_213_800_000; // 2026-01-12T10:30:00Z

    #[test]
    fn seconds_dates_and_resets_are_read() {
        assert_eq!(
            retry_after_ms(&result(&[("retry-after", "7")], None), NOW),
            Some(7_000)
        );
        assert_eq!(
            retry_after_ms(
                &result(&[("retry-after", "Mon, 12 Jan 2026 10:31:00 GMT")], None),
                NOW
            ),
            Some(60_000)
        );
        assert_eq!(
            retry_after_ms(&result(&[("X-RateLimit-Reset", "1768213830")], None), NOW),
            Some(30_000)
        );
        // The obsolete forms (RFC 850, asctime), as RFC 9110 asks recipients to accept.
        assert_eq!(
            retry_after_ms(
                &result(&[("retry-after", "Monday, 12-Jan-26 10:31:00 GMT")], None),
                NOW
            ),
            Some(60_000)
        );
        assert_eq!(
            retry_after_ms(
                &result(&[("retry-after", "Mon Jan 12 10:32:00 2026")], None),
                NOW
            ),
            Some(120_000)
        );
        assert_eq!(
            retry_after_ms(
                &result(&[("retry-after", "Mon Jan  5 10:30:00 2026")], None),
                NOW
            ),
            Some(0)
        );
        // A date in the past means "now".
        assert_eq!(
            retry_after_ms(
                &result(&[("retry-after", "Mon, 12 Jan 2026 10:00:00 GMT")], None),
                NOW
            ),
            Some(0)
        );
    }

    #[test]
    fn retry_after_ms_wins_and_garbage_is_ignored() {
        assert_eq!(
            retry_after_ms(&result(&[("retry-after", "7")], Some(1)), NOW),
            Some(1)
        );
        assert_eq!(
            retry_after_ms(&result(&[("retry-after", "soon")], None), NOW),
            None
        );
        for garbage in ["-1", "1.5.2", ".", "1e3", "inf", "NaN", ""] {
            assert_eq!(
                retry_after_ms(&result(&[("retry-after", garbage)], None), NOW),
                None,
                "{garbage}"
            );
        }
    }

    /// The native service used to parse `Retry-After` itself and honour `1.5`, while the Node
    /// host let the engine fall back to its schedule: the engine reads it now, for every host.
    #[test]
    fn decimal_seconds_are_read_and_rounded_up() {
        for (value, ms) in [
            ("1.5", 1_500),
            (" 0.0004 ", 1),
            ("2.0", 2_000),
            ("0", 0),
            ("0.999", 999),
            ("0.9991", 1_000),
            ("12.250000", 12_250),
        ] {
            assert_eq!(
                retry_after_ms(&result(&[("retry-after", value)], None), NOW),
                Some(ms),
                "{value}"
            );
        }
    }
}
