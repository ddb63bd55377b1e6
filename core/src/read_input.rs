//! Reading inputs from JSON: errors that name the path (`input.signals.sentiment`), "did you
//! mean" for an unknown type, and text with half a UTF-16 pair repaired.
//!
//! Parse JSON with [`Input::from_json_str`] / [`Input::from_value`];
//! [`Engine::handle`](crate::Engine::handle) then checks values (ranges, known conversations) and
//! also answers with a path.
//!
//! # Example
//! ```
//! use handoff_core::wire::input::Input;
//!
//! let input = Input::from_json_str(r#"{"type":"handoff_request","conversation_id":"conv_1"}"#)?;
//! assert!(matches!(input, Input::HandoffRequest(_)));
//!
//! let err = Input::from_json_str(r#"{"type":"customer_message","conversation_id":"c","text":1}"#)
//!     .unwrap_err();
//! assert_eq!(err.path, "input.text");
//! # Ok::<(), handoff_core::InputError>(())
//! ```

use serde_json::Value;

use crate::wire::error::{ErrorKind, InputError};
use crate::wire::input::{Input, INPUT_TYPES};

/// `text` with every `\uXXXX` escape of an unpaired UTF-16 surrogate replaced by `\ufffd` (the
/// replacement character), or `None` when it has none. JavaScript strings may hold such halves
/// (a string cut between the two halves of an emoji) and `JSON.stringify` writes them as
/// escapes, which are not Unicode text.
fn repair_lone_surrogates(text: &str) -> Option<String> {
    fn surrogate_at(bytes: &[u8], i: usize) -> Option<u16> {
        // `\u` and four hex digits starting at `i`.
        let digits = bytes.get(i + 2..i + 6)?;
        if bytes.get(i..i + 2)? != b"\\u" {
            return None;
        }
        let digits = std::str::from_utf8(digits).ok()?;
        let unit = u16::from_str_radix(digits, 16).ok()?;
        (0xD800..=0xDFFF).contains(&unit).then_some(unit)
    }
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0; // bytes of `text` already in `out`
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        match surrogate_at(bytes, i) {
            Some(0xD800..=0xDBFF)
                if surrogate_at(bytes, i + 6).is_some_and(|low| low >= 0xDC00) =>
            {
                i += 12; // a proper pair
            }
            Some(_) => {
                let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
                out.push_str(&text[copied..i]);
                out.push_str("\\ufffd");
                i += 6;
                copied = i;
            }
            None => i += 2, // any other escape: skip the escaped character
        }
    }
    out.map(|mut out| {
        out.push_str(&text[copied..]);
        out
    })
}

impl Input {
    /// Parses an input from JSON text.
    ///
    /// # Errors
    /// An [`InputError`] naming the path (`input.signals.sentiment`) when the text is not JSON or
    /// not a known input.
    ///
    /// # Example
    /// ```
    /// use handoff_core::{ErrorKind, Input};
    ///
    /// let input = Input::from_json_str(r#"{"type":"customer_message","conversation_id":"c1","text":"hi"}"#)?;
    /// assert!(matches!(input, Input::CustomerMessage(_)));
    ///
    /// let refused = Input::from_json_str(
    ///     r#"{"type":"ai_reply","conversation_id":"c1","text":"ok","confidence":"high"}"#).unwrap_err();
    /// assert_eq!((refused.path.as_str(), refused.kind), ("input.confidence", ErrorKind::WrongType));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_json_str(text: &str) -> Result<Input, InputError> {
        // Fast path: straight to the typed input. Anything it refuses (and the field-less inputs,
        // whose extra fields only the path below refuses) goes the way that names the path. Native
        // only: in wasm this second set of deserializers would add about 100 KB to the module for
        // about 0.5 µs per input (`tests/input_fast_path.rs` holds both paths to the same answers).
        #[cfg(not(target_family = "wasm"))]
        if let Ok(input) = serde_json::from_str::<Input>(text) {
            if !matches!(input, Input::Tick | Input::HostRestarted) {
                return Ok(input);
            }
        }
        let value: Value = match serde_json::from_str(text) {
            Ok(value) => value,
            Err(e) => match repair_lone_surrogates(text) {
                // Half of a UTF-16 pair, as JavaScript may send: U+FFFD in its place.
                Some(repaired) => serde_json::from_str(&repaired),
                None => Err(e),
            }
            .map_err(|e| {
                InputError::new(ErrorKind::NotJson, "input", format!("not valid JSON: {e}"))
            })?,
        };
        Input::from_value(value)
    }

    /// Parses an input from a JSON value.
    ///
    /// # Errors
    /// An [`InputError`] naming the path when the value is not a known input.
    ///
    /// # Example
    /// ```
    /// use handoff_core::{ErrorKind, Input};
    ///
    /// let input = Input::from_value(serde_json::json!({"type": "tick"}))?;
    /// assert!(matches!(input, Input::Tick));
    ///
    /// let refused = Input::from_value(serde_json::json!({"type": "tick", "when": 5})).unwrap_err();
    /// assert_eq!(refused.kind, ErrorKind::UnknownField);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_value(value: Value) -> Result<Input, InputError> {
        let (kind, map) = InputError::take_tag(value, "input", "type", INPUT_TYPES)?;
        let rest = Value::Object(map);
        fn parse<T: serde::de::DeserializeOwned>(rest: Value) -> Result<T, InputError> {
            serde_path_to_error::deserialize::<_, T>(rest).map_err(|e| {
                let path = e.path().to_string();
                InputError::from_serde("input", &path, e.into_inner().to_string())
            })
        }
        Ok(match kind.as_str() {
            "customer_message" => Input::CustomerMessage(parse(rest)?),
            "ai_reply" => Input::AiReply(parse(rest)?),
            "handoff_request" => Input::HandoffRequest(parse(rest)?),
            "agent_update" => Input::AgentUpdate(parse(rest)?),
            "agent_accept" => Input::AgentAccept(parse(rest)?),
            "agent_decline" => Input::AgentDecline(parse(rest)?),
            "agent_message" => Input::AgentMessage(parse(rest)?),
            "agent_note" => Input::AgentNote(parse(rest)?),
            "return_to_ai" => Input::ReturnToAi(parse(rest)?),
            "transfer" => Input::Transfer(parse(rest)?),
            "callback_details" => Input::CallbackDetails(parse(rest)?),
            "conversation_closed" => Input::ConversationClosed(parse(rest)?),
            "delivery_result" => Input::DeliveryResult(parse(rest)?),
            "redrive_delivery" => Input::RedriveDelivery(parse(rest)?),
            "retry_delivery" => Input::RetryDelivery(parse(rest)?),
            "enable_webhook" => Input::EnableWebhook(parse(rest)?),
            "resolve" => Input::Resolve(parse(rest)?),
            "wrap_up_done" => Input::WrapUpDone(parse(rest)?),
            "csat" => Input::Csat(parse(rest)?),
            "helpdesk_event" => Input::HelpdeskEvent(parse(rest)?),
            "tick" => {
                if let Value::Object(m) = &rest {
                    if let Some(k) = m.keys().next() {
                        return Err(InputError::new(
                            ErrorKind::UnknownField,
                            format!("input.{k}"),
                            "unknown field: a tick has no fields (time is passed beside the input)",
                        ));
                    }
                }
                Input::Tick
            }
            "host_restarted" => {
                if let Value::Object(m) = &rest {
                    if let Some(k) = m.keys().next() {
                        return Err(InputError::new(
                            ErrorKind::UnknownField,
                            format!("input.{k}"),
                            "unknown field: host_restarted has no fields",
                        ));
                    }
                }
                Input::HostRestarted
            }
            other => {
                let hint = crate::text::suggest(other, INPUT_TYPES.iter().copied())
                    .map(|s| format!(" (did you mean \"{s}\"?)"))
                    .unwrap_or_default();
                return Err(InputError::new(
                    ErrorKind::UnknownVariant,
                    "input.type",
                    format!(
                        "unknown input type \"{other}\"{hint}, expected one of: {}",
                        INPUT_TYPES.join(", ")
                    ),
                ));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_design_example_parses() {
        let lines = [
            r#"{"type":"customer_message","conversation_id":"conv_1","text":"...","customer":{"id":"cust_456","name":"Priya Sharma","email":"priya@example.com"},"signals":{"sentiment":-0.65,"confidence":0.2,"intent":"order_status","topic":"billing_dispute","summary":"...","suggested_actions":["..."]}}"#,
            r#"{"type":"ai_reply","conversation_id":"conv_1","text":"...","confidence":0.25,"actions":["looked up order"],"resolved":false}"#,
            r#"{"type":"handoff_request","conversation_id":"conv_1"}"#,
            r#"{"type":"agent_update","agent":{"id":"agent_1","name":"Asha","status":"online","skills":["billing"],"max_concurrent":5}}"#,
            r#"{"type":"agent_accept","conversation_id":"conv_1","agent_id":"agent_1"}"#,
            r#"{"type":"agent_decline","conversation_id":"conv_1","agent_id":"agent_1"}"#,
            r#"{"type":"agent_message","conversation_id":"conv_1","agent_id":"agent_1","text":"..."}"#,
            r#"{"type":"agent_note","conversation_id":"conv_1","agent_id":"agent_1","text":"..."}"#,
            r#"{"type":"return_to_ai","conversation_id":"conv_1","agent_id":"agent_1","note":"..."}"#,
            r#"{"type":"transfer","conversation_id":"conv_1","agent_id":"agent_1","to":{"agent":"agent_2"},"mode":"warm","note":"..."}"#,
            r#"{"type":"transfer","conversation_id":"conv_1","by":"admin","to":{"queue":true}}"#,
            r#"{"type":"transfer","conversation_id":"conv_1","agent_id":"agent_1","to":{"skill":"billing"}}"#,
            r#"{"type":"callback_details","conversation_id":"conv_1","name":"...","phone":"...","email":"...","preferred_time":"..."}"#,
            r#"{"type":"conversation_closed","conversation_id":"conv_1","by":"agent"}"#,
            r#"{"type":"delivery_result","delivery_id":"...","status":503,"retry_after_ms":30000,"body":"..."}"#,
            r#"{"type":"tick"}"#,
            r#"{"type":"resolve","conversation_id":"conv_1","agent_id":"agent_1","outcome":"solved","note":"..."}"#,
            r#"{"type":"resolve","conversation_id":"conv_1","by":"admin","outcome":"spam"}"#,
            r#"{"type":"wrap_up_done","conversation_id":"conv_1","agent_id":"agent_1"}"#,
            r#"{"type":"csat","conversation_id":"conv_1","score":5,"comment":"..."}"#,
        ];
        for line in lines {
            let input = Input::from_json_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            // The serde form round-trips to the same input.
            let back: Input =
                serde_json::from_value(serde_json::to_value(&input).unwrap()).unwrap();
            assert_eq!(back, input);
        }
    }

    #[test]
    fn structs_are_read_only_from_objects() {
        for (line, path) in [
            (
                r#"{"type":"customer_message","conversation_id":"c","text":"x","customer":[]}"#,
                "input.customer",
            ),
            (
                r#"{"type":"customer_message","conversation_id":"c","text":"x","signals":[0.5]}"#,
                "input.signals",
            ),
            (
                r#"{"type":"handoff_request","conversation_id":"c","customer":["a","b"]}"#,
                "input.customer",
            ),
            (r#"{"type":"agent_update","agent":["a"]}"#, "input.agent"),
        ] {
            let e = Input::from_json_str(line).unwrap_err();
            assert_eq!(e.path, path, "{line}");
            assert!(e.message.contains("expected an object"), "{line}: {e}");
        }
        let ok = r#"{"type":"customer_message","conversation_id":"c","text":"x","customer":{"name":"P"},"signals":null}"#;
        let Input::CustomerMessage(m) = Input::from_json_str(ok).unwrap() else {
            panic!("a customer message")
        };
        assert_eq!(m.customer.unwrap().name.as_deref(), Some("P"));
        assert_eq!(m.signals, None);
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        let text = |line: &str| match Input::from_json_str(line) {
            Ok(Input::CustomerMessage(m)) => m.text,
            other => panic!("{line}: {other:?}"),
        };
        let line = |t: &str| {
            format!(r#"{{"type":"customer_message","conversation_id":"c","text":"{t}"}}"#)
        };
        assert_eq!(text(&line(r"hi \ud83d")), "hi \u{fffd}");
        assert_eq!(text(&line(r"\udc00x\ud83dy")), "\u{fffd}x\u{fffd}y");
        // A proper pair, and an escaped backslash before a `u`, stay as they are.
        assert_eq!(text(&line(r"\ud83d\ude00 \\ud800")), "\u{1F600} \\ud800");
        assert_eq!(text(&line(r"\ud83d\ud83d\ude00")), "\u{fffd}\u{1F600}");
        assert_eq!(repair_lone_surrogates(r#"{"a":"\u00e9"}"#), None);
    }

    #[test]
    fn errors_name_the_path() {
        let e = Input::from_value(json!({"type":"customer_message","conversation_id":"c","text":"x","signals":{"sentimnt":1}}))
            .unwrap_err();
        assert_eq!(e.path, "input.signals.sentimnt");
        assert!(e.message.contains("unknown field `sentimnt`"), "{e}");
        let e =
            Input::from_value(json!({"type":"agent_update","agent":{"id":"a","status":"busy"}}))
                .unwrap_err();
        assert_eq!(e.path, "input.agent.status");
        let e = Input::from_value(json!({"type":"custmer_message"})).unwrap_err();
        assert!(e.message.contains("did you mean \"customer_message\""));
        let e = Input::from_value(json!({"type":"tick","now":5})).unwrap_err();
        assert_eq!(e.path, "input.now");
    }
}
