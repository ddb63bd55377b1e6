//! Errors: one value for the whole workspace. Every error names the JSON path it is about, says
//! what kind of problem it is, what was expected, and (where there is one, and it is not a secret)
//! the offending value.
//!
//! - A configuration answers every problem it has: [`ConfigErrors`](crate::config::ConfigErrors),
//!   a list of [`PathError`].
//! - An input answers one: [`InputError`] wraps a [`PathError`].
//! - A snapshot answers one: [`RestoreError`] wraps a [`PathError`].
//!
//! Every host hands the caller the same `{path, kind, message, value?}` object, so code can match
//! on [`ErrorKind`] rather than on message text.
//!
//! ```
//! use handoff_core::{Config, ErrorKind};
//!
//! let errors = Config::from_json_str(r#"{"handoff": {"routing": {"methd": "load_based"}}}"#)
//!     .unwrap_err();
//! assert_eq!(errors.0[0].path, "handoff.routing.methd");
//! assert_eq!(errors.0[0].kind, ErrorKind::UnknownField);
//! ```

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Serialize};

/// What kind of problem a [`PathError`] is. Serialised in `snake_case` (`"unknown_field"`).
///
/// New kinds may be added in a minor version; match with a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// A key that is not among the known ones (the message names them, with a "did you mean").
    UnknownField,
    /// A required field is absent.
    Missing,
    /// A value of the wrong JSON type (a string where a number belongs, say).
    WrongType,
    /// A string that is not among the allowed values (the message lists them).
    UnknownVariant,
    /// A number, a length or a time outside its bounds (the message gives them).
    OutOfRange,
    /// Beyond a size or nesting limit (text bytes, attribute bytes, nesting depth).
    TooLarge,
    /// A value that breaks a rule of its own: an id, an email address, a time zone, a URL, a
    /// template placeholder, two settings that contradict each other.
    Invalid,
    /// The same id given twice.
    Duplicate,
    /// The text is not JSON at all.
    NotJson,
    /// No open conversation with this id.
    UnknownConversation,
    /// No delivery, dead letter, webhook or integration with this id (in the state it needs).
    UnknownDelivery,
    /// The conversation is offered to another agent, or not offered at all.
    NotOfferedTo,
    /// The agent does not hold the conversation.
    NotHeldBy,
    /// No agent with this id is known (from the configuration or a presence update).
    UnknownAgent,
    /// The agent is known but cannot take the conversation now (not online, or at capacity).
    AgentUnavailable,
    /// The input does not fit the conversation's or the delivery's state now (not collecting
    /// callback details, being performed now, a disabled webhook…).
    WrongState,
    /// A snapshot written by a newer engine.
    NewerVersion,
    /// A snapshot whose parts contradict each other.
    Inconsistent,
    /// A helpdesk webhook whose signature, shared secret or timestamp does not verify (bad,
    /// missing, or outside the accepted window): hosts answer 401 and change nothing. The
    /// message never holds the secret or the expected signature.
    BadSignature,
    /// A kind this build does not know (read from a newer engine's answer).
    #[serde(other)]
    Other,
}

impl ErrorKind {
    /// The kind as serialised: `"unknown_field"`, `"out_of_range"`, ….
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::UnknownField => "unknown_field",
            ErrorKind::Missing => "missing",
            ErrorKind::WrongType => "wrong_type",
            ErrorKind::UnknownVariant => "unknown_variant",
            ErrorKind::OutOfRange => "out_of_range",
            ErrorKind::TooLarge => "too_large",
            ErrorKind::Invalid => "invalid",
            ErrorKind::Duplicate => "duplicate",
            ErrorKind::NotJson => "not_json",
            ErrorKind::UnknownConversation => "unknown_conversation",
            ErrorKind::UnknownDelivery => "unknown_delivery",
            ErrorKind::NotOfferedTo => "not_offered_to",
            ErrorKind::NotHeldBy => "not_held_by",
            ErrorKind::UnknownAgent => "unknown_agent",
            ErrorKind::AgentUnavailable => "agent_unavailable",
            ErrorKind::WrongState => "wrong_state",
            ErrorKind::NewerVersion => "newer_version",
            ErrorKind::Inconsistent => "inconsistent",
            ErrorKind::BadSignature => "bad_signature",
            ErrorKind::Other => "other",
        }
    }

    /// The kind of one of serde's messages (`missing field`, `unknown variant`, `invalid type`…),
    /// for the errors of reading typed values with `serde_path_to_error`.
    pub(crate) fn of_serde_message(message: &str) -> ErrorKind {
        if message.starts_with("missing field") {
            ErrorKind::Missing
        } else if message.starts_with("unknown field") {
            ErrorKind::UnknownField
        } else if message.starts_with("unknown variant") {
            ErrorKind::UnknownVariant
        } else if message.starts_with("invalid type") {
            ErrorKind::WrongType
        } else if message.starts_with("invalid length") {
            ErrorKind::OutOfRange
        } else {
            ErrorKind::Invalid
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem, at one JSON path.
///
/// `path` is a JSON path in dotted form (`handoff.routing.method`, `handoff.routing.agent_pool[2]`,
/// `input.signals.sentiment`, `state.conversations.conv_1.status`); `kind` says what kind of
/// problem it is; `message` says what was expected; `value` is the offending value as compact JSON
/// (cut at 120 bytes), if there is one. Secrets are never put in `value` or `message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PathError {
    /// Where, e.g. `handoff.triggers.sentiment_threshold`.
    pub path: String,
    /// What kind of problem.
    pub kind: ErrorKind,
    /// What was wrong and what was expected.
    pub message: String,
    /// The offending value as compact JSON, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl PathError {
    /// A problem of `kind` at `path` with no particular value (a missing field, say).
    pub fn new(kind: ErrorKind, path: impl Into<String>, message: impl Into<String>) -> Self {
        PathError {
            path: path.into(),
            kind,
            message: message.into(),
            value: None,
        }
    }

    /// A problem of `kind` at `path` caused by `value`, shown as compact JSON cut at 120 bytes.
    pub fn with_value(
        kind: ErrorKind,
        path: impl Into<String>,
        message: impl Into<String>,
        value: &serde_json::Value,
    ) -> Self {
        let mut shown = value.to_string();
        if shown.len() > 120 {
            let mut cut = 117;
            while !shown.is_char_boundary(cut) {
                cut -= 1;
            }
            shown.truncate(cut);
            shown.push_str("...");
        }
        PathError {
            path: path.into(),
            kind,
            message: message.into(),
            value: Some(shown),
        }
    }

    /// The error of reading `root`'s fields with `serde_path_to_error`: `path` is what it says
    /// (`.` for the object itself), below `root`. serde names a missing field in its message at
    /// the path of the object that lacks it; the error points at the field itself
    /// (`input.text: missing field`).
    pub(crate) fn from_serde(root: &str, path: &str, message: String) -> PathError {
        let mut path = if path == "." || path.is_empty() {
            root.to_string()
        } else {
            format!("{root}.{path}")
        };
        if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
        {
            path = format!("{path}.{field}");
        }
        let message = in_words(message);
        PathError::new(ErrorKind::of_serde_message(&message), path, message)
    }
}

/// serde's message with what it expected said in words instead of Rust's type names
/// (`invalid type: string "3", expected u32` -> `…, expected a whole number from 0 to 4294967295`).
fn in_words(message: String) -> String {
    const WORDS: &[(&str, &str)] = &[
        ("expected f64", "expected a number"),
        ("expected f32", "expected a number"),
        ("expected u8", "expected a whole number from 0 to 255"),
        ("expected u16", "expected a whole number from 0 to 65535"),
        (
            "expected u32",
            "expected a whole number from 0 to 4294967295",
        ),
        ("expected u64", "expected a whole number from 0"),
        ("expected usize", "expected a whole number from 0"),
        ("expected i32", "expected a whole number"),
        ("expected i64", "expected a whole number"),
        ("expected a sequence", "expected an array"),
        ("expected a map", "expected an object"),
    ];
    for (rust, words) in WORDS {
        if let Some(head) = message.strip_suffix(rust) {
            return format!("{head}{words}");
        }
    }
    match message.rfind("expected struct ") {
        Some(at) if !message[at..].contains(',') => {
            format!("{}expected an object", &message[..at])
        }
        _ => message,
    }
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(v) => write!(f, "{}: {} (got {})", self.path, self.message, v),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

impl std::error::Error for PathError {}

/// One problem found in a configuration: a [`PathError`] (a configuration answers a list of them,
/// [`ConfigErrors`](crate::config::ConfigErrors)).
pub type ConfigError = PathError;

/// A bad input: what [`Engine::handle`](crate::Engine::handle) answers instead of outputs. The
/// state is unchanged when this is returned. It wraps one [`PathError`] (and derefs to it:
/// `error.path`, `error.kind`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct InputError(pub PathError);

impl InputError {
    /// A problem of `kind` at `path`.
    pub fn new(kind: ErrorKind, path: impl Into<String>, message: impl Into<String>) -> Self {
        InputError(PathError::new(kind, path, message))
    }

    /// A problem of `kind` at `path` caused by `value`.
    pub fn with_value(
        kind: ErrorKind,
        path: impl Into<String>,
        message: impl Into<String>,
        value: &serde_json::Value,
    ) -> Self {
        InputError(PathError::with_value(kind, path, message, value))
    }

    /// See [`PathError::from_serde`].
    pub(crate) fn from_serde(root: &str, path: &str, message: String) -> InputError {
        InputError(PathError::from_serde(root, path, message))
    }

    /// The error itself.
    pub fn into_inner(self) -> PathError {
        self.0
    }

    /// Takes the tag `tag` (`"type"`, `"query"`) out of `value`, which must be an object: the tag
    /// and the other fields; errors name `root` or `root.tag`, and list `kinds` when it is missing.
    pub(crate) fn take_tag(
        value: serde_json::Value,
        root: &str,
        tag: &str,
        kinds: &[&str],
    ) -> Result<(String, serde_json::Map<String, serde_json::Value>), InputError> {
        let serde_json::Value::Object(mut fields) = value else {
            return Err(InputError::with_value(
                ErrorKind::WrongType,
                root,
                format!("expected an object with a \"{tag}\""),
                &value,
            ));
        };
        match fields.remove(tag) {
            Some(serde_json::Value::String(kind)) => Ok((kind, fields)),
            Some(other) => Err(InputError::with_value(
                ErrorKind::WrongType,
                format!("{root}.{tag}"),
                "expected a string",
                &other,
            )),
            None => Err(InputError::new(
                ErrorKind::Missing,
                format!("{root}.{tag}"),
                format!(
                    "missing field \"{tag}\", expected one of: {}",
                    kinds.join(", ")
                ),
            )),
        }
    }
}

impl Deref for InputError {
    type Target = PathError;
    fn deref(&self) -> &PathError {
        &self.0
    }
}

impl From<PathError> for InputError {
    fn from(e: PathError) -> InputError {
        InputError(e)
    }
}

impl From<InputError> for PathError {
    fn from(e: InputError) -> PathError {
        e.0
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for InputError {}

/// Why a snapshot could not be restored. It wraps one [`PathError`] (and derefs to it), whose
/// kind says why: [`ErrorKind::NotJson`] or a shape error ([`ErrorKind::WrongType`],
/// [`ErrorKind::Missing`], …), [`ErrorKind::NewerVersion`] for a snapshot from a newer engine,
/// [`ErrorKind::Inconsistent`] when its parts contradict each other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RestoreError(pub PathError);

impl RestoreError {
    /// The snapshot is not valid JSON or does not have the state's shape.
    pub fn malformed(kind: ErrorKind, path: impl Into<String>, message: impl Into<String>) -> Self {
        RestoreError(PathError::new(kind, path, message))
    }

    /// The snapshot was written by a newer engine (version `found`; this one reads `supported`).
    pub fn newer_version(found: u32, supported: u32) -> Self {
        RestoreError(PathError::new(
            ErrorKind::NewerVersion,
            "state.version",
            format!(
                "snapshot version {found} is newer than this engine supports ({supported}); \
                 upgrade the engine"
            ),
        ))
    }

    /// The snapshot's parts contradict each other (a queue entry for a missing conversation, say).
    pub fn inconsistent(path: impl Into<String>, message: impl std::fmt::Display) -> Self {
        RestoreError(PathError::new(
            ErrorKind::Inconsistent,
            path,
            format!("snapshot is inconsistent: {message}"),
        ))
    }

    /// The error itself.
    pub fn into_inner(self) -> PathError {
        self.0
    }
}

impl Deref for RestoreError {
    type Target = PathError;
    fn deref(&self) -> &PathError {
        &self.0
    }
}

impl From<RestoreError> for PathError {
    fn from(e: RestoreError) -> PathError {
        e.0
    }
}

impl fmt::Display for RestoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for RestoreError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Errors read from serde say what was expected in words a person configuring a host knows.
    #[test]
    fn serde_s_rust_type_names_are_said_in_words() {
        let e = PathError::from_serde(
            "input",
            "agent.max_concurrent",
            "invalid type: string \"3\", expected u32".into(),
        );
        assert_eq!(
            e.message,
            "invalid type: string \"3\", expected a whole number from 0 to 4294967295"
        );
        assert_eq!(e.kind, ErrorKind::WrongType);
        let e = PathError::from_serde(
            "input",
            "x",
            "invalid type: string \"a\", expected f64".into(),
        );
        assert_eq!(e.message, "invalid type: string \"a\", expected a number");
        let e = PathError::from_serde(
            "input",
            "x",
            "invalid type: integer `1`, expected struct Customer".into(),
        );
        assert_eq!(e.message, "invalid type: integer `1`, expected an object");
        let e = PathError::from_serde(
            "input",
            "x",
            "invalid type: map, expected a sequence".into(),
        );
        assert_eq!(e.message, "invalid type: map, expected an array");
        // Other messages stay as serde wrote them.
        let e = PathError::from_serde("input", "x", "invalid type: map, expected a string".into());
        assert_eq!(e.message, "invalid type: map, expected a string");
    }

    /// `as_str` (what hosts write without serde) and serde's name of every kind agree, and a
    /// kind reads back from its name; an unknown name reads as `Other`.
    #[test]
    fn every_kind_is_written_and_read_by_one_name() {
        let all = [
            ErrorKind::UnknownField,
            ErrorKind::Missing,
            ErrorKind::WrongType,
            ErrorKind::UnknownVariant,
            ErrorKind::OutOfRange,
            ErrorKind::TooLarge,
            ErrorKind::Invalid,
            ErrorKind::Duplicate,
            ErrorKind::NotJson,
            ErrorKind::UnknownConversation,
            ErrorKind::UnknownDelivery,
            ErrorKind::NotOfferedTo,
            ErrorKind::NotHeldBy,
            ErrorKind::UnknownAgent,
            ErrorKind::AgentUnavailable,
            ErrorKind::WrongState,
            ErrorKind::NewerVersion,
            ErrorKind::Inconsistent,
            ErrorKind::Other,
        ];
        for kind in all {
            let written = serde_json::to_string(&kind).expect("a kind serialises");
            assert_eq!(written, format!("\"{}\"", kind.as_str()));
            let read: ErrorKind = serde_json::from_str(&written).expect("a kind reads back");
            assert_eq!(read, kind);
        }
        let newer: ErrorKind = serde_json::from_str("\"a_kind_from_a_newer_engine\"").unwrap();
        assert_eq!(newer, ErrorKind::Other);
    }
}
