//! Conversation files played through a [`Host`]: what `handoff replay` does.
//!
//! The format is the conformance format of `examples/conversations/*.jsonl` (the
//! `handoff-conformance` crate, `tests/src/lib.rs`), so the golden vectors in `tests/vectors/`
//! hold for this host too:
//!
//! ```text
//! {"config": "../handoff-settings.json"}
//! {"now": 1768213800000, "input": {"type": "agent_update", "agent": {"id": "agent_1", "status": "online"}}}
//! {"now": 1768213805000, "input": {"type": "conversation_closed", "conversation_id": "nope", "by": "ai"}, "expect_error": true}
//! ```
//!
//! - The first non-blank line is `{"config": "<path>"}` (relative to the file) or
//!   `{"config": {...}}` (inline). [`load_plain`] reads a file without it, the configuration
//!   given separately (`handoff replay --config CONFIG FILE`).
//! - Every further non-blank line is `{"now": <epoch ms>, "input": {...}}`, optionally with
//!   `"expect_error": true`.
//! - A `delivery_id` of `"$last"` is the latest delivery id handed out in this replay, and
//!   `"$last:<event>"` the latest of that event.
//!
//! # Example
//! ```no_run
//! use handoff_native::{replay, Runtime};
//!
//! let runtime = Runtime::locate(None)?;
//! let conversation = replay::load("examples/conversations/webhook-retries.jsonl")?;
//! let steps = replay::replay(&runtime, &conversation)?;
//! print!("{}", replay::golden(&steps)); // one {"now":…,"outputs":[…]} line per input
//! assert!(steps.iter().all(|s| !s.is_unexpected()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::{Path, PathBuf};

use handoff_core::wire::conversation_file::{self, ConfigSpec, DeliveryLog};
use serde_json::{Map, Value};

use crate::{Host, HostError, Runtime};

pub use handoff_core::wire::conversation_file::Line;

/// A problem with a conversation file itself (not an input the engine refused).
pub use handoff_core::wire::conversation_file::FileError as ReplayError;

/// A parsed conversation file: the configuration text and the input lines.
#[derive(Debug, Clone)]
pub struct Conversation {
    /// Where it was read from.
    pub path: PathBuf,
    /// The configuration as JSON text (a file's text as it is, or the inline object).
    pub config_json: String,
    /// The configuration file, or `None` when inline.
    pub config_path: Option<PathBuf>,
    /// The line that gave the configuration (`None` with [`load_plain`]).
    pub config_line: Option<usize>,
    /// The input lines, in order.
    pub lines: Vec<Line>,
}

/// Reads a conversation file whose first line gives the configuration.
///
/// # Errors
/// A [`ReplayError`] naming the file and line when it cannot be read or a line is malformed.
pub fn load(path: impl AsRef<Path>) -> Result<Conversation, ReplayError> {
    let path = path.as_ref();
    parse(path, &read(path)?)
}

/// Reads a file of input lines only; the configuration is the file `config`.
///
/// # Errors
/// As [`load`], and when the file starts with a `{"config": ...}` line.
pub fn load_plain(
    path: impl AsRef<Path>,
    config: impl AsRef<Path>,
) -> Result<Conversation, ReplayError> {
    let path = path.as_ref();
    let config = config.as_ref();
    let config_json = std::fs::read_to_string(config)
        .map_err(|e| ReplayError::new(config, None, format!("cannot read config: {e}")))?;
    let text = read(path)?;
    let lines = conversation_file::parse(&text, false)
        .map_err(|e| ReplayError::in_file(path, e))?
        .lines;
    Ok(Conversation {
        path: path.to_path_buf(),
        config_json,
        config_path: Some(config.to_path_buf()),
        config_line: None,
        lines,
    })
}

fn read(path: &Path) -> Result<String, ReplayError> {
    std::fs::read_to_string(path)
        .map_err(|e| ReplayError::new(path, None, format!("cannot read: {e}")))
}

/// Parses a conversation file's text; `path` names it in errors and anchors a relative config
/// path.
///
/// # Errors
/// As [`load`].
pub fn parse(path: &Path, text: &str) -> Result<Conversation, ReplayError> {
    let parsed = conversation_file::parse(text, true).map_err(|e| ReplayError::in_file(path, e))?;
    let Some((number, spec)) = parsed.config else {
        return Err(ReplayError::new(
            path,
            None,
            "empty: expected a {\"config\": ...} line first",
        ));
    };
    let (config_json, config_path) = match spec {
        ConfigSpec::Path(relative) => {
            let file = config_dir(path).join(relative);
            let text = std::fs::read_to_string(&file).map_err(|e| {
                ReplayError::new(
                    path,
                    Some(number),
                    format!("cannot read config {}: {e}", file.display()),
                )
            })?;
            (text, Some(file))
        }
        ConfigSpec::Inline(spec) => (spec.to_string(), None),
    };
    Ok(Conversation {
        path: path.to_path_buf(),
        config_json,
        config_path,
        config_line: Some(number),
        lines: parsed.lines,
    })
}

fn config_dir(path: &Path) -> &Path {
    path.parent().unwrap_or_else(|| Path::new("."))
}

/// Why a line gave no outputs.
#[derive(Debug, Clone, PartialEq)]
pub enum StepError {
    /// The engine refused the input: its error as JSON text (`{"path","message","value"?}`).
    Engine(String),
    /// The guest trapped; the host went back to the state before this line.
    Trap(String),
}

/// What one input line gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// 1-based line number in the file.
    pub line: usize,
    /// `now` (epoch ms).
    pub now: i64,
    /// The input with delivery references resolved.
    pub input: Value,
    /// The outputs as the exact JSON text the engine wrote (an array), or why there are none.
    pub result: Result<String, StepError>,
    /// The line said `"expect_error": true`.
    pub expect_error: bool,
}

impl Step {
    /// An error where none was expected, no error where one was, or any trap.
    pub fn is_unexpected(&self) -> bool {
        match &self.result {
            Ok(_) => self.expect_error,
            Err(StepError::Engine(_)) => !self.expect_error,
            Err(StepError::Trap(_)) => true,
        }
    }

    /// The golden vector line: `{"now":…,"outputs":[…]}` or `{"now":…,"error":{…}}` (for a trap,
    /// `{"now":…,"error":{"trap":"…"}}`), with the engine's bytes as they are.
    pub fn golden_line(&self) -> String {
        match &self.result {
            Ok(outputs) => format!("{{\"now\":{},\"outputs\":{outputs}}}", self.now),
            Err(StepError::Engine(error)) => format!("{{\"now\":{},\"error\":{error}}}", self.now),
            Err(StepError::Trap(message)) => format!(
                "{{\"now\":{},\"error\":{{\"trap\":{}}}}}",
                self.now,
                Value::from(message.as_str())
            ),
        }
    }

    /// The outputs as JSON values (empty for an error).
    pub fn outputs(&self) -> Vec<Value> {
        match &self.result {
            Ok(text) => serde_json::from_str(text).unwrap_or_default(),
            Err(_) => Vec::new(),
        }
    }

    /// The error as a JSON value, if any.
    pub fn error(&self) -> Option<Value> {
        match &self.result {
            Ok(_) => None,
            Err(StepError::Engine(text)) => serde_json::from_str(text).ok(),
            Err(StepError::Trap(message)) => {
                let mut map = Map::new();
                map.insert("trap".into(), Value::from(message.as_str()));
                Some(Value::Object(map))
            }
        }
    }
}

/// The golden vector text of `steps`: one [`Step::golden_line`] per line, each ending in `\n`.
pub fn golden(steps: &[Step]) -> String {
    steps.iter().map(|s| s.golden_line() + "\n").collect()
}

/// Plays inputs through a [`Host`], resolving delivery references.
#[derive(Debug)]
pub struct Replayer {
    /// The engine.
    pub host: Host,
    /// Every delivery handed out so far (for `"$last"` references).
    pub deliveries: DeliveryLog,
}

impl Replayer {
    /// A replayer with a new engine for `conversation`'s configuration.
    ///
    /// # Errors
    /// A [`ReplayError`] at the config line listing every configuration error, or saying why the
    /// module could not run.
    pub fn new(runtime: &Runtime, conversation: &Conversation) -> Result<Replayer, ReplayError> {
        let host = Host::new(runtime, &conversation.config_json).map_err(|e| {
            let (file, line) = match (&conversation.config_path, conversation.config_line) {
                (Some(config), _) => (config.clone(), None),
                (None, line) => (conversation.path.clone(), line),
            };
            let message = match (&e, &conversation.config_path) {
                (HostError::Config { .. }, None) => format!("inline {e}"),
                _ => e.to_string(),
            };
            ReplayError {
                file,
                line,
                message,
            }
        })?;
        Ok(Replayer {
            host,
            deliveries: DeliveryLog::default(),
        })
    }

    /// Plays one line.
    ///
    /// # Errors
    /// A [`ReplayError`] when a delivery reference cannot be resolved or the module misbehaves
    /// (breaks the ABI); an input the engine refuses, or a trap, is a [`Step`] whose `result` is
    /// `Err`.
    pub fn step(&mut self, file: &Path, line: &Line) -> Result<Step, ReplayError> {
        let mut input = line.input.clone();
        self.deliveries
            .resolve(&mut input)
            .map_err(|m| ReplayError::new(file, Some(line.number), m))?;
        let result = match self.host.handle_json(&input, line.now) {
            Ok(outputs) => {
                let values: Vec<Value> = serde_json::from_str(&outputs).map_err(|e| {
                    ReplayError::new(
                        file,
                        Some(line.number),
                        format!("the engine's outputs do not parse: {e}"),
                    )
                })?;
                self.deliveries.record_outputs(&values);
                Ok(outputs)
            }
            Err(HostError::Trap(trap)) => Err(StepError::Trap(trap.to_string())),
            Err(e) => match e.engine_error_json() {
                Some(json) => Err(StepError::Engine(json.to_string())),
                None => {
                    return Err(ReplayError::new(file, Some(line.number), e.to_string()));
                }
            },
        };
        Ok(Step {
            line: line.number,
            now: line.now,
            input,
            result,
            expect_error: line.expect_error,
        })
    }
}

/// Plays every line of `conversation` from a new engine: one [`Step`] per input line.
///
/// # Errors
/// As [`Replayer::new`] and [`Replayer::step`].
pub fn replay(runtime: &Runtime, conversation: &Conversation) -> Result<Vec<Step>, ReplayError> {
    let mut replayer = Replayer::new(runtime, conversation)?;
    conversation
        .lines
        .iter()
        .map(|line| replayer.step(&conversation.path, line))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Conversation, ReplayError> {
        parse(Path::new("x.jsonl"), text)
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = parse_str("{\"config\": {}}\n\n{\"now\": 1}\n").unwrap_err();
        assert_eq!(e.to_string(), "x.jsonl:3: missing \"input\"");
        let e = parse_str("{\"now\": 1, \"input\": {}}").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("x.jsonl:1: the first line must be"),
            "{e}"
        );
        let e =
            parse_str("{\"config\": {}}\n{\"now\": 1, \"input\": {}, \"note\": 1}").unwrap_err();
        assert!(e.to_string().contains("unknown key \"note\""), "{e}");
        let e = parse_str("{\"config\": \"missing.json\"}").unwrap_err();
        assert!(e.to_string().contains("cannot read config"), "{e}");
        let e = parse_str("").unwrap_err();
        assert!(e.to_string().contains("empty"), "{e}");
    }

    #[test]
    fn inline_config_is_kept_as_json() {
        let c = parse_str("{\"config\": {\"handoff\": {}}}\n{\"now\": 5, \"input\": {\"type\": \"tick\"}, \"expect_error\": true}\n").unwrap();
        assert_eq!(c.config_json, r#"{"handoff":{}}"#);
        assert_eq!(c.config_line, Some(1));
        assert_eq!(c.lines.len(), 1);
        assert!(c.lines[0].expect_error);
    }

    #[test]
    fn golden_lines_keep_the_engine_bytes() {
        let mut step = Step {
            line: 2,
            now: 7,
            input: Value::Null,
            result: Ok("[{\"type\":\"x\"}]".into()),
            expect_error: false,
        };
        assert_eq!(step.golden_line(), r#"{"now":7,"outputs":[{"type":"x"}]}"#);
        step.result = Err(StepError::Engine(
            r#"{"path":"input","message":"m"}"#.into(),
        ));
        assert_eq!(
            step.golden_line(),
            r#"{"now":7,"error":{"path":"input","message":"m"}}"#
        );
        assert!(step.is_unexpected());
        step.result = Err(StepError::Trap("boom \"x\"".into()));
        assert_eq!(
            step.golden_line(),
            r#"{"now":7,"error":{"trap":"boom \"x\""}}"#
        );
    }
}
