//! Limits on what the engine accepts, and the reading of the engine's own JSON.
//!
//! Free-form values (a customer's `attributes`) are passed to agents as they came, so the engine
//! bounds them where they come in: each attribute value nests objects and arrays at most
//! [`MAX_VALUE_DEPTH`] levels, and a customer's attributes (those already known merged with the
//! new ones) take at most [`MAX_ATTRIBUTES_BYTES`] bytes as JSON. A value past either limit is
//! refused with its path, and the state stays as it was.
//!
//! The engine's own JSON (a snapshot, the outputs of an input) nests those values a few levels
//! deeper than they came in. [`from_engine_json`] reads it without `serde_json`'s fixed nesting
//! limit of 128 (it checks its own [`MAX_ENGINE_JSON_DEPTH`] first, without recursion), so a
//! state always restores and outputs always parse, including a state written by an older engine
//! that did not bound attributes.
//!
//! # Example
//! ```
//! use handoff_core::wire::limits::{from_engine_json, json_depth};
//!
//! let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
//! assert_eq!(json_depth(&deep), 200);
//! assert!(serde_json::from_str::<serde_json::Value>(&deep).is_err()); // serde_json stops at 128
//! let value: serde_json::Value = from_engine_json(&deep)?;
//! assert!(value.is_array());
//! # Ok::<(), handoff_core::wire::limits::EngineJsonError>(())
//! ```

use serde::de::DeserializeOwned;
use serde_json::Value;

/// The latest instant the engine accepts (epoch ms): 9999-12-31T23:59:59.999Z. Every time in the
/// state lies in `0..=MAX_TIME`, so sums of a time and a timeout never overflow.
pub const MAX_TIME: i64 = 253_402_300_799_999;

/// Largest text accepted in one input field (bytes).
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// The longest header value a `delivery_result` may report (bytes): a longer one is refused with
/// its path, so hosts leave such a header out (`handoff_core::prepare::ResponseRules::standard`).
pub const MAX_HEADER_VALUE_BYTES: usize = 8 * 1024;

/// Most attempts of one delivery before it becomes a dead letter.
pub const MAX_ATTEMPTS: u32 = 10;

/// How long a delivery may be in flight without a result before it counts as timed out (ms).
pub const LEASE_MS: i64 = 60_000;

/// The Standard Webhooks retry schedule: delay after failed attempt `n` (1-based), before jitter
/// (ms). `handoff.deliveries.retry_schedule_seconds` replaces it.
pub const DEFAULT_SCHEDULE_MS: [i64; 9] = [
    5_000,
    5 * 60_000,
    30 * 60_000,
    2 * 3_600_000,
    5 * 3_600_000,
    10 * 3_600_000,
    14 * 3_600_000,
    20 * 3_600_000,
    24 * 3_600_000,
];

/// An id safe to put in a URL path or a JSON string as is: 1 to 128 letters, digits, `_`, `-`, `.`.
pub fn is_safe_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s != "."
        && s != ".."
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
}

/// The customer attributes that carry vendor ids from the host (see README, "Integrations").
pub const ID_ATTRIBUTES: &[&str] = &[
    "intercom_conversation_id",
    "intercom_contact_id",
    "sunshine_conversation_id",
];

/// How many levels of objects and arrays one free-form value (a customer attribute) may nest:
/// `"gold"` is 0 levels, `{"tier": "gold"}` 1, `{"orders": [{"id": 1}]}` 2.
pub const MAX_VALUE_DEPTH: usize = 16;

/// The most bytes a customer's attributes take as compact JSON (`{"plan":"pro",...}`), counting
/// those already known and the new ones together.
pub const MAX_ATTRIBUTES_BYTES: usize = 16 * 1024;

/// The deepest JSON the engine reads back as its own (a snapshot, outputs). Free-form values nest
/// at most [`MAX_VALUE_DEPTH`] levels now, about 30 levels in a state; engines before that limit
/// could write about 130. Anything deeper is not the engine's own.
pub const MAX_ENGINE_JSON_DEPTH: usize = 512;

/// The earliest `now` the engine accepts (epoch ms): 2000-01-01T00:00:00Z. An earlier time is
/// almost always a clock in seconds (`Date.now() / 1000`), which would put every conversation
/// in 1970.
pub const MIN_TIME: i64 = 946_684_800_000;

/// How deeply `text` nests objects and arrays (`1` is 0, `[1]` is 1), read without recursion and
/// without parsing; brackets inside strings do not count. Text that is not JSON gets some number.
pub fn json_depth(text: &str) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in text.as_bytes() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Why the engine's own JSON could not be read.
#[derive(Debug, thiserror::Error)]
pub enum EngineJsonError {
    /// It nests deeper than [`MAX_ENGINE_JSON_DEPTH`].
    #[error(
        "nested {found} levels deep; the engine's own JSON nests at most {MAX_ENGINE_JSON_DEPTH}"
    )]
    TooDeep {
        /// How deep it nests.
        found: usize,
    },
    /// It is not JSON, or not of the expected shape.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

/// Reads JSON the engine wrote (a snapshot, outputs) into `T`, at any depth up to
/// [`MAX_ENGINE_JSON_DEPTH`] (`serde_json::from_str` stops at 128).
///
/// # Errors
/// [`EngineJsonError::TooDeep`] past [`MAX_ENGINE_JSON_DEPTH`] (checked before parsing, without
/// recursion), else serde_json's error for text that is not JSON or not a `T`.
///
/// # Example
/// ```
/// use handoff_core::wire::limits::{from_engine_json, EngineJsonError};
///
/// let deep = format!("{}{}", "[".repeat(200), "]".repeat(200)); // past serde_json's 128
/// let value: serde_json::Value = from_engine_json(&deep)?;
/// assert!(value.is_array());
///
/// let too_deep = format!("{}{}", "[".repeat(600), "]".repeat(600));
/// assert!(matches!(from_engine_json::<serde_json::Value>(&too_deep), Err(EngineJsonError::TooDeep { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn from_engine_json<T: DeserializeOwned>(text: &str) -> Result<T, EngineJsonError> {
    let found = json_depth(text);
    if found > MAX_ENGINE_JSON_DEPTH {
        return Err(EngineJsonError::TooDeep { found });
    }
    let mut de = serde_json::Deserializer::from_str(text);
    // Bounded by the check above: at most MAX_ENGINE_JSON_DEPTH levels of recursion.
    de.disable_recursion_limit();
    let value = T::deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// The path below `path` where `value` nests deeper than `limit` levels, if it does.
pub(crate) fn too_deep(value: &Value, path: &str, limit: usize) -> Option<String> {
    fn walk(value: &Value, path: &mut String, left: usize) -> Option<String> {
        let visit = |path: &mut String, segment: String, child: &Value| {
            if !matches!(child, Value::Array(_) | Value::Object(_)) {
                return None;
            }
            let len = path.len();
            path.push_str(&segment);
            let found = if left == 0 {
                Some(path.clone())
            } else {
                walk(child, path, left - 1)
            };
            path.truncate(len);
            found
        };
        match value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, child)| visit(path, format!("[{i}]"), child)),
            Value::Object(map) => map
                .iter()
                .find_map(|(k, child)| visit(path, format!(".{k}"), child)),
            _ => None,
        }
    }
    match value {
        Value::Array(_) | Value::Object(_) if limit == 0 => Some(path.to_string()),
        Value::Array(_) | Value::Object(_) => walk(value, &mut path.to_string(), limit - 1),
        _ => None,
    }
}

/// The bytes `value` takes as compact JSON.
pub(crate) fn json_len(value: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // Writing a `Value` into a counter cannot fail.
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn nested(levels: usize) -> Value {
        let mut v = json!(1);
        for _ in 0..levels {
            v = json!({ "a": v });
        }
        v
    }

    #[test]
    fn depth_counts_levels_and_ignores_brackets_in_strings() {
        assert_eq!(json_depth("1"), 0);
        assert_eq!(json_depth("[1]"), 1);
        assert_eq!(json_depth(r#"{"a":[{"b":"[[[\"]]]"}]}"#), 3);
        assert_eq!(json_depth(&nested(40).to_string()), 40);
    }

    #[test]
    fn too_deep_names_the_first_level_past_the_limit() {
        assert_eq!(too_deep(&nested(16), "x", 16), None);
        assert_eq!(
            too_deep(&nested(17), "x", 16).as_deref(),
            Some(format!("x{}", ".a".repeat(16)).as_str())
        );
        assert_eq!(too_deep(&json!([[1]]), "x", 1).as_deref(), Some("x[0]"));
        assert_eq!(too_deep(&json!("s"), "x", 0), None);
        assert_eq!(too_deep(&json!({}), "x", 0).as_deref(), Some("x"));
    }

    #[test]
    fn engine_json_reads_past_128_levels_and_refuses_past_its_own_limit() {
        let deep = nested(300).to_string();
        let back: Value = from_engine_json(&deep).expect("300 levels");
        assert_eq!(back, nested(300));
        let too = nested(MAX_ENGINE_JSON_DEPTH + 1).to_string();
        assert!(matches!(
            from_engine_json::<Value>(&too),
            Err(EngineJsonError::TooDeep { found }) if found == MAX_ENGINE_JSON_DEPTH + 1
        ));
        assert!(from_engine_json::<Value>("[1] x").is_err());
    }

    #[test]
    fn json_len_is_the_compact_length() {
        let v = json!({"plan": "pro", "n": [1, 2.5, null]});
        assert_eq!(json_len(&v), v.to_string().len());
    }
}
