//! Errors: every one names the JSON path it is about and, where there is one, the offending value.

use std::fmt;

/// One problem found in a configuration.
///
/// `path` is a JSON path in dotted form (`handoff.routing.method`, `handoff.routing.agent_pool[2]`);
/// `message` says what was expected; `value` is the offending value as compact JSON, if there is one.
/// Secrets are never put in `value`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConfigError {
    /// Where in the configuration, e.g. `handoff.triggers.sentiment_threshold`.
    pub path: String,
    /// What was wrong and what was expected.
    pub message: String,
    /// The offending value as compact JSON, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl ConfigError {
    /// A problem at `path` with no particular value (a missing field, say).
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError {
            path: path.into(),
            message: message.into(),
            value: None,
        }
    }

    /// A problem at `path` caused by `value`.
    pub fn with_value(
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
        ConfigError {
            path: path.into(),
            message: message.into(),
            value: Some(shown),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(v) => write!(f, "{}: {} (got {})", self.path, self.message, v),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// A bad input: what [`Engine::handle`](crate::Engine::handle) answers instead of outputs. The
/// state is unchanged when this is returned.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InputError {
    /// Where in the input, e.g. `input.signals.sentiment` or `input.conversation_id`.
    pub path: String,
    /// What was wrong and what was expected.
    pub message: String,
    /// The offending value as compact JSON, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl InputError {
    /// A problem at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        InputError {
            path: path.into(),
            message: message.into(),
            value: None,
        }
    }

    /// A problem at `path` caused by `value`.
    pub fn with_value(
        path: impl Into<String>,
        message: impl Into<String>,
        value: &serde_json::Value,
    ) -> Self {
        let shown = ConfigError::with_value("", "", value).value;
        InputError {
            path: path.into(),
            message: message.into(),
            value: shown,
        }
    }
}

impl InputError {
    /// The error of reading `root`'s fields with `serde_path_to_error`: `path` is what it says
    /// (`.` for the object itself), below `root`. serde names a missing field in its message at
    /// the path of the object that lacks it; the error points at the field itself
    /// (`input.text: missing field`).
    pub(crate) fn from_serde(root: &str, path: &str, message: String) -> InputError {
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
        InputError::new(path, message)
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
                root,
                format!("expected an object with a \"{tag}\""),
                &value,
            ));
        };
        match fields.remove(tag) {
            Some(serde_json::Value::String(kind)) => Ok((kind, fields)),
            Some(other) => Err(InputError::with_value(
                format!("{root}.{tag}"),
                "expected a string",
                &other,
            )),
            None => Err(InputError::new(
                format!("{root}.{tag}"),
                format!(
                    "missing field \"{tag}\", expected one of: {}",
                    kinds.join(", ")
                ),
            )),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(v) => write!(f, "{}: {} (got {})", self.path, self.message, v),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

impl std::error::Error for InputError {}

/// Why a snapshot could not be restored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RestoreError {
    /// The snapshot is not valid JSON or does not have the state's shape.
    #[error("{path}: {message}")]
    Malformed {
        /// Where in the snapshot (`state.conversations.conv_1.status`).
        path: String,
        /// What was wrong.
        message: String,
    },
    /// The snapshot was written by a newer engine.
    #[error("state.version: snapshot version {found} is newer than this engine supports ({supported}); upgrade the engine")]
    NewerVersion {
        /// The snapshot's version.
        found: u32,
        /// The newest version this engine reads.
        supported: u32,
    },
    /// The snapshot's parts contradict each other (a queue entry for a missing conversation, say).
    #[error("{path}: snapshot is inconsistent: {message}")]
    Inconsistent {
        /// Where the contradiction is.
        path: String,
        /// What contradicts what.
        message: String,
    },
}
