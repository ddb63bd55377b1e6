//! Inputs: what a host tells the engine. JSON objects tagged by `"type"`, snake_case.
//!
//! Parse JSON with [`Input::from_json_str`] / [`Input::from_value`] to get errors that name the
//! path (`input.signals.sentiment`); [`Engine::handle`](crate::Engine::handle) then checks values
//! (ranges, known conversations) and also answers with a path.
//!
//! # Example
//! ```
//! use handoff_core::input::Input;
//!
//! let input = Input::from_json_str(r#"{"type":"handoff_request","conversation_id":"conv_1"}"#)?;
//! assert!(matches!(input, Input::HandoffRequest(_)));
//!
//! let err = Input::from_json_str(r#"{"type":"customer_message","conversation_id":"c","text":1}"#)
//!     .unwrap_err();
//! assert_eq!(err.path, "input.text");
//! # Ok::<(), handoff_core::InputError>(())
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::InputError;

/// Everything a host can tell the engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Input {
    /// The customer wrote something.
    CustomerMessage(CustomerMessage),
    /// The AI answered.
    AiReply(AiReply),
    /// The customer pressed "talk to a person" (a widget button).
    HandoffRequest(HandoffRequest),
    /// An agent's presence, skills or capacity changed.
    AgentUpdate(AgentUpdate),
    /// An agent accepted an offered conversation.
    AgentAccept(AgentAction),
    /// An agent declined an offered conversation.
    AgentDecline(AgentAction),
    /// An agent wrote to the customer.
    AgentMessage(AgentMessage),
    /// The customer gave callback details.
    CallbackDetails(CallbackDetails),
    /// The conversation ended.
    ConversationClosed(ConversationClosed),
    /// The result of performing a `delivery` output.
    DeliveryResult(DeliveryResult),
    /// An admin asks to try a dead-lettered delivery again.
    RedriveDelivery(RedriveDelivery),
    /// An admin asks to send a delivery that waits for its retry now, instead of at its time.
    RetryDelivery(RetryDelivery),
    /// An admin re-enables a webhook that answered 410 Gone.
    EnableWebhook(EnableWebhook),
    /// The host restarted: deliveries it had in flight were lost with it. Hands them out again at
    /// once (same `delivery_id`, next attempt) instead of waiting for their leases to lapse.
    HostRestarted,
    /// Time passed: the host calls this at `next_wakeup` (early or repeated ticks do nothing).
    Tick,
}

/// The type names of every input, as written in JSON.
pub const INPUT_TYPES: &[&str] = &[
    "customer_message",
    "ai_reply",
    "handoff_request",
    "agent_update",
    "agent_accept",
    "agent_decline",
    "agent_message",
    "callback_details",
    "conversation_closed",
    "delivery_result",
    "redrive_delivery",
    "retry_delivery",
    "enable_webhook",
    "host_restarted",
    "tick",
];

/// The customer, as the host knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    /// Customer id in the host's system.
    #[serde(default)]
    pub id: Option<String>,
    /// Full name.
    #[serde(default)]
    pub name: Option<String>,
    /// Email address.
    #[serde(default)]
    pub email: Option<String>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Anything else about the customer (plan, language, order count…), passed to the agent as is.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, Value>,
}

/// What the caller's AI already knows about a message; each field wins over the engine's own detection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Signals {
    /// Sentiment in [-1, 1].
    #[serde(default)]
    pub sentiment: Option<f64>,
    /// Confidence of the AI's answer in [0, 1].
    #[serde(default)]
    pub confidence: Option<f64>,
    /// Detected intent (`order_status`).
    #[serde(default)]
    pub intent: Option<String>,
    /// Detected topic (`billing_dispute`).
    #[serde(default)]
    pub topic: Option<String>,
    /// The AI's summary of the issue so far.
    #[serde(default)]
    pub summary: Option<String>,
    /// Suggested resolution steps for the human agent.
    #[serde(default)]
    pub suggested_actions: Option<Vec<String>>,
    /// The customer asked for a person (the caller's own detector).
    #[serde(default)]
    pub human_requested: Option<bool>,
}

/// `{"type":"customer_message", ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerMessage {
    /// Conversation id.
    pub conversation_id: String,
    /// What the customer wrote.
    pub text: String,
    /// The customer (kept from the first message that gives it; later ones update it).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "optional_object"
    )]
    pub customer: Option<Customer>,
    /// What the caller's AI knows.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "optional_object"
    )]
    pub signals: Option<Signals>,
}

/// `{"type":"ai_reply", ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AiReply {
    /// Conversation id.
    pub conversation_id: String,
    /// What the AI answered.
    pub text: String,
    /// The AI's confidence in [0, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// Actions the AI took for this answer ("looked up order ORD-12345").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    /// The customer's issue is resolved: the exchange count starts again.
    #[serde(default)]
    pub resolved: bool,
}

/// `{"type":"handoff_request", ...}`: an explicit request, e.g. from a widget button.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandoffRequest {
    /// Conversation id.
    pub conversation_id: String,
    /// The customer, if not known yet.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "optional_object"
    )]
    pub customer: Option<Customer>,
    /// Where the request came from (`"widget_button"`), for the agent's context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// `{"type":"agent_update","agent":{...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentUpdate {
    /// The agent's new details; absent fields stay as they were.
    #[serde(deserialize_with = "object")]
    pub agent: AgentInfo,
}

/// An agent's details in an `agent_update`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentInfo {
    /// Agent id.
    pub id: String,
    /// Name shown to customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `online`, `away` or `offline`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<crate::state::Presence>,
    /// Skills (replacing earlier presence skills; configured skills stay).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skills: Option<Vec<String>>,
    /// Capacity, overriding configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_concurrent: Option<u32>,
}

/// `agent_accept` / `agent_decline`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentAction {
    /// Conversation id.
    pub conversation_id: String,
    /// The agent acting.
    pub agent_id: String,
    /// Why (declines), for logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `{"type":"agent_message", ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentMessage {
    /// Conversation id.
    pub conversation_id: String,
    /// The agent writing (must hold the conversation).
    pub agent_id: String,
    /// What they wrote.
    pub text: String,
}

/// `{"type":"callback_details", ...}`: name, and a phone or an email, and when to call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallbackDetails {
    /// Conversation id.
    pub conversation_id: String,
    /// Customer's name (falls back to the customer profile's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Preferred time, in the customer's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_time: Option<String>,
}

/// Who closed a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ClosedBy {
    /// The customer left or ended it.
    Customer,
    /// The human agent resolved it.
    Agent,
    /// The AI resolved it.
    Ai,
    /// The host closed it (timeout, admin).
    #[default]
    System,
}

/// `{"type":"conversation_closed", ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConversationClosed {
    /// Conversation id.
    pub conversation_id: String,
    /// Who closed it.
    #[serde(default)]
    pub by: ClosedBy,
}

/// `{"type":"delivery_result", ...}`: what happened when the host performed a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryResult {
    /// The delivery's id.
    pub delivery_id: String,
    /// HTTP status; absent for a network error or timeout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// `Retry-After` (or a vendor's reset header) converted to milliseconds by the host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
    /// Response body (hosts report up to 64 KiB of it). For a helpdesk request that creates
    /// something, the engine reads the new id from it (and keeps nothing else); a failure's body
    /// is clipped into the error text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Response headers the engine may use, by lower-case name: `retry-after` (seconds or an
    /// HTTP date) and `x-ratelimit-reset` (unix seconds, Intercom) set the earliest retry of a
    /// 408, 429 or 5xx; `retry_after_ms` wins when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<BTreeMap<String, String>>,
    /// Network error text, when there was no response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `{"type":"redrive_delivery","delivery_id":"..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedriveDelivery {
    /// The dead letter's delivery id.
    pub delivery_id: String,
}

/// `{"type":"retry_delivery","delivery_id":"..."}`: a delivery waiting for its retry goes out
/// now (its next attempt).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryDelivery {
    /// The waiting delivery's id.
    pub delivery_id: String,
}

/// `{"type":"enable_webhook","webhook_id":"..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnableWebhook {
    /// The webhook's id.
    pub webhook_id: String,
}

/// Reads a struct only from a JSON object: serde's derive would also take an array of the
/// struct's fields in order, so `"customer": []` would read as an empty customer.
fn object<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct ObjectOnly<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for ObjectOnly<T> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
        }
    }
    deserializer.deserialize_map(ObjectOnly(std::marker::PhantomData))
}

/// [`object`] for an optional field (`null` is absent).
fn optional_object<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Object<T>(T);
    impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            object(d).map(Object)
        }
    }
    Ok(Option::<Object<T>>::deserialize(deserializer)?.map(|o| o.0))
}

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
            .map_err(|e| InputError::new("input", format!("not valid JSON: {e}")))?,
        };
        Input::from_value(value)
    }

    /// Parses an input from a JSON value.
    ///
    /// # Errors
    /// An [`InputError`] naming the path when the value is not a known input.
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
            "callback_details" => Input::CallbackDetails(parse(rest)?),
            "conversation_closed" => Input::ConversationClosed(parse(rest)?),
            "delivery_result" => Input::DeliveryResult(parse(rest)?),
            "redrive_delivery" => Input::RedriveDelivery(parse(rest)?),
            "retry_delivery" => Input::RetryDelivery(parse(rest)?),
            "enable_webhook" => Input::EnableWebhook(parse(rest)?),
            "tick" => {
                if let Value::Object(m) = &rest {
                    if let Some(k) = m.keys().next() {
                        return Err(InputError::new(
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
                            format!("input.{k}"),
                            "unknown field: host_restarted has no fields",
                        ));
                    }
                }
                Input::HostRestarted
            }
            other => {
                let hint = crate::json::suggest(other, INPUT_TYPES)
                    .map(|s| format!(" (did you mean \"{s}\"?)"))
                    .unwrap_or_default();
                return Err(InputError::new(
                    "input.type",
                    format!(
                        "unknown input type \"{other}\"{hint}, expected one of: {}",
                        INPUT_TYPES.join(", ")
                    ),
                ));
            }
        })
    }

    /// The conversation this input is about, if any.
    pub fn conversation_id(&self) -> Option<&str> {
        match self {
            Input::CustomerMessage(m) => Some(&m.conversation_id),
            Input::AiReply(m) => Some(&m.conversation_id),
            Input::HandoffRequest(m) => Some(&m.conversation_id),
            Input::AgentAccept(m) | Input::AgentDecline(m) => Some(&m.conversation_id),
            Input::AgentMessage(m) => Some(&m.conversation_id),
            Input::CallbackDetails(m) => Some(&m.conversation_id),
            Input::ConversationClosed(m) => Some(&m.conversation_id),
            Input::AgentUpdate(_)
            | Input::DeliveryResult(_)
            | Input::RedriveDelivery(_)
            | Input::RetryDelivery(_)
            | Input::EnableWebhook(_)
            | Input::HostRestarted
            | Input::Tick => None,
        }
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
            r#"{"type":"callback_details","conversation_id":"conv_1","name":"...","phone":"...","email":"...","preferred_time":"..."}"#,
            r#"{"type":"conversation_closed","conversation_id":"conv_1","by":"agent"}"#,
            r#"{"type":"delivery_result","delivery_id":"...","status":503,"retry_after_ms":30000,"body":"..."}"#,
            r#"{"type":"tick"}"#,
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
