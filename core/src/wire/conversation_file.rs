//! Conversation files: a configuration and timed inputs, as text (`examples/conversations/*.jsonl`).
//!
//! The one reader of the format every host replays (`handoff replay`, the conformance tests, the
//! demo). Pure: it parses text and resolves delivery references; reading files and running an
//! engine is the host's part.
//!
//! ```text
//! {"config": "../handoff-settings.json"}
//! {"now": 1768213800000, "input": {"type": "agent_update", "agent": {"id": "agent_1", "status": "online"}}}
//! {"now": 1768213805000, "input": {"type": "conversation_closed", "conversation_id": "nope", "by": "ai"}, "expect_error": true}
//! {"now": 1768213806000, "input": {"type": "delivery_result", "delivery_id": "$last", "status": 200}}
//! ```
//!
//! - The first non-blank line is `{"config": "<path>"}` (relative to the file) or
//!   `{"config": {...}}` (inline). A file of input lines only is read with `config_first: false`.
//! - Every further non-blank line is `{"now": <epoch ms>, "input": {...}}`, optionally with
//!   `"expect_error": true` for an input the engine must refuse.
//! - A `delivery_id` of `"$last"` is the latest delivery id handed out in this replay, and
//!   `"$last:<event>"` the latest of that event ([`DeliveryLog::resolve`]).
//!
//! # Example
//! ```
//! use handoff_core::wire::conversation_file::{parse, ConfigSpec, DeliveryLog};
//!
//! let text = r#"{"config": {"handoff": {}}}
//! {"now": 5, "input": {"type": "delivery_result", "delivery_id": "$last", "status": 200}}"#;
//! let parsed = parse(text, true)?;
//! assert!(matches!(parsed.config, Some((1, ConfigSpec::Inline(_)))));
//!
//! let mut log = DeliveryLog::default();
//! log.record("conversation.handoff_requested", "dlv_1");
//! let mut input = parsed.lines[0].input.clone();
//! log.resolve(&mut input).map_err(|m| handoff_core::wire::conversation_file::ConversationError::new(None, m))?;
//! assert_eq!(input["delivery_id"], "dlv_1");
//! # Ok::<(), handoff_core::wire::conversation_file::ConversationError>(())
//! ```

use serde_json::Value;

/// A problem with the text of a conversation file (not an input the engine refused).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", line.map(|l| format!("{l}: ")).unwrap_or_default())]
pub struct ConversationError {
    /// The 1-based line number, when the problem is on one line.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl ConversationError {
    /// An error on `line` (or the whole file).
    pub fn new(line: Option<usize>, message: impl Into<String>) -> ConversationError {
        ConversationError {
            line,
            message: message.into(),
        }
    }
}

/// A problem with a conversation file, naming the file (and the line, when there is one): what
/// every replayer reports for a file it cannot read or parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// The file.
    pub file: std::path::PathBuf,
    /// The 1-based line number, when the problem is on one line.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl FileError {
    /// An error in `file` on `line` (or the whole file).
    pub fn new(
        file: &std::path::Path,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> FileError {
        FileError {
            file: file.to_path_buf(),
            line,
            message: message.into(),
        }
    }

    /// A [`ConversationError`] of the text of `file`.
    pub fn in_file(file: &std::path::Path, e: ConversationError) -> FileError {
        FileError::new(file, e.line, e.message)
    }
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file.display(), self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

impl std::error::Error for FileError {}

/// Where the configuration comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigSpec {
    /// A file, relative to the conversation file.
    Path(String),
    /// The configuration itself.
    Inline(Value),
}

/// One timed input line.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// 1-based line number in the file.
    pub number: usize,
    /// `now` (epoch ms).
    pub now: i64,
    /// The input as written (delivery references not yet resolved).
    pub input: Value,
    /// The line is deliberately bad: the engine must refuse it.
    pub expect_error: bool,
}

/// A parsed conversation text.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The configuration line (its number and what it names), when the text has one.
    pub config: Option<(usize, ConfigSpec)>,
    /// The input lines, in order.
    pub lines: Vec<Line>,
}

/// Parses a conversation text. With `config_first`, the first non-blank line must give the
/// configuration; without, no line may (the configuration is given separately).
///
/// # Errors
/// A [`ConversationError`] naming the line that is not JSON or not shaped as described above.
///
/// # Example
/// ```
/// use handoff_core::wire::conversation_file::parse;
///
/// let text = "{\"config\": \"settings.json\"}\n{\"now\": 5, \"input\": {\"type\": \"tick\"}}\n";
/// let parsed = parse(text, true)?;
/// assert_eq!(parsed.lines.len(), 1);
///
/// let refused = parse("{\"now\": 5}", false).unwrap_err();
/// assert_eq!(refused.line, Some(1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse(text: &str, config_first: bool) -> Result<Parsed, ConversationError> {
    let mut config = None;
    let mut lines = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let number = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let err = |message: String| ConversationError::new(Some(number), message);
        let value: Value =
            serde_json::from_str(raw).map_err(|e| err(format!("not valid JSON: {e}")))?;
        let Value::Object(mut map) = value else {
            return Err(err("expected a JSON object".into()));
        };
        if config_first && config.is_none() {
            let Some(spec) = map.remove("config") else {
                return Err(err(
                    "the first line must be {\"config\": \"<path>\"} or {\"config\": {...}}".into(),
                ));
            };
            if let Some(key) = map.keys().next() {
                return Err(err(format!(
                    "unknown key \"{key}\" on the config line (only \"config\")"
                )));
            }
            let spec = match spec {
                Value::String(path) => ConfigSpec::Path(path),
                spec @ Value::Object(_) => ConfigSpec::Inline(spec),
                other => {
                    return Err(err(format!(
                        "\"config\" must be a path or an object, found {other}"
                    )))
                }
            };
            config = Some((number, spec));
            continue;
        }
        if map.contains_key("config") {
            return Err(err(if config_first {
                "a second {\"config\": ...} line: a file has one configuration, on its first line"
                    .into()
            } else {
                "this file names its configuration: replay it without --config".into()
            }));
        }
        let now = match map.remove("now") {
            Some(v) => v
                .as_i64()
                .ok_or_else(|| err(format!("\"now\" must be epoch milliseconds, found {v}")))?,
            None => return Err(err("missing \"now\" (epoch milliseconds)".into())),
        };
        let input = map
            .remove("input")
            .ok_or_else(|| err("missing \"input\"".into()))?;
        let expect_error = match map.remove("expect_error") {
            None => false,
            Some(Value::Bool(b)) => b,
            Some(v) => {
                return Err(err(format!(
                    "\"expect_error\" must be true or false, found {v}"
                )))
            }
        };
        if let Some(key) = map.keys().next() {
            return Err(err(format!(
                "unknown key \"{key}\" (expected \"now\", \"input\" and optionally \"expect_error\")"
            )));
        }
        lines.push(Line {
            number,
            now,
            input,
            expect_error,
        });
    }
    if config_first && config.is_none() {
        return Err(ConversationError::new(
            None,
            "empty: expected a {\"config\": ...} line first",
        ));
    }
    Ok(Parsed { config, lines })
}

/// The deliveries handed out so far in a replay, to resolve `"$last"` references.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryLog {
    /// Every delivery handed out, oldest first: `(event, delivery_id)`.
    pub deliveries: Vec<(String, String)>,
}

impl DeliveryLog {
    /// Notes a `delivery` output.
    pub fn record(&mut self, event: &str, delivery_id: &str) {
        self.deliveries
            .push((event.to_string(), delivery_id.to_string()));
    }

    /// Notes every `delivery` among `outputs` (JSON values as the engine writes them).
    pub fn record_outputs(&mut self, outputs: &[Value]) {
        for v in outputs {
            if v.get("type").and_then(Value::as_str) == Some("delivery") {
                let field = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default();
                self.record(field("event"), field("delivery_id"));
            }
        }
    }

    /// Replaces a `"$last"` / `"$last:<event>"` `delivery_id` in `input` with the id it names.
    ///
    /// # Errors
    /// A message when the reference is malformed or names no delivery handed out yet.
    ///
    /// # Example
    /// ```
    /// use handoff_core::wire::conversation_file::DeliveryLog;
    ///
    /// let mut log = DeliveryLog::default();
    /// log.record("conversation.queued", "dlv_1");
    /// let mut input = serde_json::json!({"type": "delivery_result", "delivery_id": "$last", "status": 200});
    /// log.resolve(&mut input)?;
    /// assert_eq!(input["delivery_id"], "dlv_1");
    ///
    /// let mut unknown = serde_json::json!({"type": "delivery_result", "delivery_id": "$last:conversation.closed"});
    /// assert!(log.resolve(&mut unknown).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resolve(&self, input: &mut Value) -> Result<(), String> {
        let Some(Value::String(id)) = input.get_mut("delivery_id") else {
            return Ok(());
        };
        let Some(reference) = id.strip_prefix("$last") else {
            return Ok(());
        };
        let event = match reference {
            "" => None,
            r => match r.strip_prefix(':') {
                Some(event) => Some(event),
                None => {
                    return Err(format!(
                        "bad delivery reference \"{id}\": write \"$last\" or \"$last:<event>\""
                    ))
                }
            },
        };
        let found = self
            .deliveries
            .iter()
            .rev()
            .find(|(e, _)| event.is_none_or(|want| want == e))
            .map(|(_, d)| d.clone());
        *id = found.ok_or_else(|| match event {
            None => "\"$last\": no delivery has been handed out yet".to_string(),
            Some(e) => format!("\"$last:{e}\": no {e} delivery has been handed out yet"),
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn errors_name_the_line() {
        let e = parse("{\"config\": {}}\n\n{\"now\": 1}\n", true).unwrap_err();
        assert_eq!(e.to_string(), "3: missing \"input\"");
        let e = parse("{\"now\": 1, \"input\": {}}", true).unwrap_err();
        assert!(e.message.starts_with("the first line must be"), "{e}");
        let e = parse(
            "{\"config\": {}}\n{\"now\": 1, \"input\": {}, \"note\": 1}",
            true,
        )
        .unwrap_err();
        assert!(e.message.contains("unknown key \"note\""), "{e}");
        let e = parse("{\"config\": 3}", true).unwrap_err();
        assert!(e.message.contains("must be a path or an object"), "{e}");
        assert!(parse("", true).unwrap_err().message.contains("empty"));
        let e = parse("{\"config\": {}}", false).unwrap_err();
        assert!(e.message.contains("without --config"), "{e}");
        let e = parse("{\"now\": \"x\", \"input\": {}}", false).unwrap_err();
        assert!(e.message.contains("epoch milliseconds"), "{e}");
        let e = parse("{\"now\": 1, \"input\": {}, \"expect_error\": 1}", false).unwrap_err();
        assert!(e.message.contains("true or false"), "{e}");
    }

    #[test]
    fn lines_and_config() {
        let p = parse(
            "{\"config\": \"a.json\"}\n{\"now\": 5, \"input\": {\"type\": \"tick\"}, \"expect_error\": true}\n",
            true,
        )
        .unwrap();
        assert_eq!(p.config, Some((1, ConfigSpec::Path("a.json".into()))));
        assert_eq!(p.lines.len(), 1);
        assert_eq!(p.lines[0].number, 2);
        assert!(p.lines[0].expect_error);
        assert_eq!(parse("", false).unwrap().lines.len(), 0);
    }

    #[test]
    fn references_resolve_to_the_latest_delivery() {
        let mut log = DeliveryLog::default();
        let mut input = json!({"delivery_id": "$last"});
        assert!(log.resolve(&mut input).unwrap_err().contains("no delivery"));
        log.record_outputs(&[
            json!({"type": "delivery", "event": "a", "delivery_id": "d1"}),
            json!({"type": "message"}),
            json!({"type": "delivery", "event": "b", "delivery_id": "d2"}),
        ]);
        log.resolve(&mut input).unwrap();
        assert_eq!(input["delivery_id"], "d2");
        let mut input = json!({"delivery_id": "$last:a"});
        log.resolve(&mut input).unwrap();
        assert_eq!(input["delivery_id"], "d1");
        let mut input = json!({"delivery_id": "$lastx"});
        assert!(log
            .resolve(&mut input)
            .unwrap_err()
            .contains("bad delivery reference"));
        let mut input = json!({"delivery_id": "$last:c"});
        assert!(log
            .resolve(&mut input)
            .unwrap_err()
            .contains("no c delivery"));
        let mut input = json!({"delivery_id": "plain"});
        log.resolve(&mut input).unwrap();
        assert_eq!(input["delivery_id"], "plain");
    }
}
