//! # handoff-conformance: conversation files, replay and golden vectors
//!
//! A *conversation file* (`examples/conversations/*.jsonl`, the format of the future
//! `handoff replay` command) is a configuration and a list of timed inputs:
//!
//! ```text
//! {"config": "../handoff-settings.json"}
//! {"now": 1768213800000, "input": {"type": "agent_update", "agent": {"id": "agent_1", "status": "online"}}}
//! {"now": 1768213805000, "input": {"type": "customer_message", "conversation_id": "conv_1", "text": "Hi"}}
//! ```
//!
//! - The first non-blank line is `{"config": "<path>"}` (relative to the conversation file) or
//!   `{"config": {...}}` (the configuration inline, `{"handoff": {...}}` or the bare object).
//! - Every further non-blank line is `{"now": <epoch ms>, "input": {...}}`, optionally with
//!   `"expect_error": true` for an input that is deliberately bad: the engine must refuse it, and
//!   the replay reports the refusal as expected (an `expect_error` line that is accepted is
//!   unexpected, and so is an error on any other line).
//! - **Delivery references.** Delivery ids are derived by the engine, so a `delivery_result` or
//!   `redrive_delivery` line may write its `delivery_id` as a reference that the replay resolves
//!   before handing the input to the engine:
//!   - `"$last"`: the most recent delivery id handed out in this replay (the last `delivery`
//!     output, a retry included);
//!   - `"$last:<event>"`, e.g. `"$last:conversation.handoff_requested"`: the most recent delivery
//!     of that event.
//!
//! [`replay`] plays a file through [`handoff_core::Engine`] and returns one [`Step`] per input
//! line; [`golden`] renders steps as the golden vector text kept in `tests/vectors/`.
//!
//! # Example
//! ```
//! let path = handoff_conformance::conversations_dir().join("webhook-retries.jsonl");
//! let steps = handoff_conformance::replay(&path)?;
//! assert!(steps.iter().all(|s| !s.is_unexpected()));
//! # Ok::<(), handoff_conformance::ReplayError>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::path::{Path, PathBuf};

pub mod vendors;

use handoff_core::wire::changes::{apply_changes, changes_from_json, changes_to_json, RecordKind};
use handoff_core::wire::conversation_file::{self, ConfigSpec, DeliveryLog};
use handoff_core::{Config, Engine, Input};
use serde_json::{Map, Value};

/// A problem with a conversation file itself (not an input the engine refused).
pub use handoff_core::wire::conversation_file::FileError as ReplayError;

pub use handoff_core::wire::conversation_file::Line;

/// A parsed conversation file.
#[derive(Debug, Clone)]
pub struct Conversation {
    /// Where it was read from.
    pub path: PathBuf,
    /// The configuration.
    pub config: Config,
    /// Where the configuration came from: the file it names, or `None` when inline.
    pub config_path: Option<PathBuf>,
    /// The input lines, in order.
    pub lines: Vec<Line>,
}

impl Conversation {
    /// The file name without `.jsonl` (`spec-walkthrough`).
    pub fn name(&self) -> String {
        self.path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// What one input line gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// 1-based line number in the conversation file.
    pub line: usize,
    /// `now` (epoch ms).
    pub now: i64,
    /// The input with delivery references resolved.
    pub input: Value,
    /// The outputs as JSON values, or the engine's error (`{"path", "message", "value"?}`).
    pub result: Result<Vec<Value>, Value>,
    /// The line said `"expect_error": true`.
    pub expect_error: bool,
}

impl Step {
    /// An error where none was expected, or no error where one was.
    pub fn is_unexpected(&self) -> bool {
        self.result.is_err() != self.expect_error
    }

    /// The golden vector line: `{"now":…,"outputs":[…]}` or `{"now":…,"error":{…}}`.
    pub fn golden_line(&self) -> String {
        let mut map = Map::new();
        map.insert("now".into(), Value::from(self.now));
        match &self.result {
            Ok(outputs) => map.insert("outputs".into(), Value::Array(outputs.clone())),
            Err(error) => map.insert("error".into(), error.clone()),
        };
        Value::Object(map).to_string()
    }
}

/// The golden vector text of `steps`: one [`Step::golden_line`] per line, each ending in `\n`.
pub fn golden(steps: &[Step]) -> String {
    steps
        .iter()
        .map(|s| s.golden_line() + "\n")
        .collect::<String>()
}

/// Reads and parses a conversation file.
///
/// # Errors
/// A [`ReplayError`] naming the file and line when it cannot be read, a line is not JSON or not
/// shaped as described in the crate documentation, or the configuration is invalid.
pub fn load(path: impl AsRef<Path>) -> Result<Conversation, ReplayError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ReplayError::new(path, None, format!("cannot read: {e}")))?;
    parse(path, &text)
}

/// Parses a conversation file's text; `path` names it in errors and anchors a relative config path.
///
/// # Errors
/// As [`load`].
pub fn parse(path: &Path, text: &str) -> Result<Conversation, ReplayError> {
    let parsed = conversation_file::parse(text, true)
        .map_err(|e| ReplayError::new(path, e.line, e.message))?;
    let Some((number, spec)) = parsed.config else {
        return Err(ReplayError::new(
            path,
            None,
            "empty: expected a {\"config\": ...} line first",
        ));
    };
    let config_path = match &spec {
        ConfigSpec::Path(relative) => Some(config_dir(path).join(relative)),
        ConfigSpec::Inline(_) => None,
    };
    let config = load_config(path, number, &spec)?;
    Ok(Conversation {
        path: path.to_path_buf(),
        config,
        config_path,
        lines: parsed.lines,
    })
}

fn config_dir(path: &Path) -> &Path {
    path.parent().unwrap_or_else(|| Path::new("."))
}

fn load_config(path: &Path, line: usize, spec: &ConfigSpec) -> Result<Config, ReplayError> {
    let err = |message: String| ReplayError::new(path, Some(line), message);
    match spec {
        ConfigSpec::Path(relative) => {
            let file = config_dir(path).join(relative);
            let text = std::fs::read_to_string(&file)
                .map_err(|e| err(format!("cannot read config {}: {e}", file.display())))?;
            Config::from_json_str(&text).map_err(|e| err(format!("{}: {e}", file.display())))
        }
        ConfigSpec::Inline(spec) => {
            Config::from_value(spec).map_err(|e| err(format!("inline {e}")))
        }
    }
}

/// Plays inputs through an engine, resolving delivery references.
#[derive(Debug, Clone)]
pub struct Replayer {
    /// The engine (replace it to restart from a snapshot; the delivery log stays).
    pub engine: Engine,
    /// Every delivery handed out so far (for `"$last"` references).
    pub deliveries: DeliveryLog,
}

impl Replayer {
    /// A replayer with a fresh engine.
    pub fn new(config: Config) -> Replayer {
        Replayer {
            engine: Engine::new(config),
            deliveries: DeliveryLog::default(),
        }
    }

    /// Plays one line of `conversation`.
    ///
    /// # Errors
    /// A [`ReplayError`] when a delivery reference cannot be resolved; an input the engine refuses
    /// is not an error here but a [`Step`] whose `result` is `Err`.
    pub fn step(&mut self, file: &Path, line: &Line) -> Result<Step, ReplayError> {
        let mut input = line.input.clone();
        self.deliveries
            .resolve(&mut input)
            .map_err(|m| ReplayError::new(file, Some(line.number), m))?;
        let result = Input::from_value(input.clone())
            .and_then(|parsed| self.engine.handle(parsed, line.now));
        let result = match result {
            Ok(outputs) => {
                let mut values = Vec::with_capacity(outputs.len());
                for output in &outputs {
                    if let handoff_core::Output::Delivery(d) = output {
                        self.deliveries.record(&d.event, &d.delivery_id);
                    }
                    values.push(to_value(file, line.number, output)?);
                }
                Ok(values)
            }
            Err(e) => Err(to_value(file, line.number, &e)?),
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

fn to_value<T: serde::Serialize>(file: &Path, line: usize, v: &T) -> Result<Value, ReplayError> {
    serde_json::to_value(v)
        .map_err(|e| ReplayError::new(file, Some(line), format!("cannot serialise: {e}")))
}

/// Plays every line of a parsed conversation from a fresh engine.
///
/// # Errors
/// As [`Replayer::step`].
pub fn replay_conversation(conversation: &Conversation) -> Result<Vec<Step>, ReplayError> {
    let mut replayer = Replayer::new(conversation.config.clone());
    conversation
        .lines
        .iter()
        .map(|line| replayer.step(&conversation.path, line))
        .collect()
}

/// Plays every line of a parsed conversation from a fresh engine, taking the engine's change set
/// ([`Engine::take_changes`]) after every line: the steps, and the change sets' golden text (one
/// line per input line, `changes_to_json`'s bytes; the first lists every record, a refused input
/// changes nothing: `[]`). Also returns the engine, to compare what the rows restore to.
///
/// # Errors
/// As [`Replayer::step`].
pub fn replay_changes(
    conversation: &Conversation,
) -> Result<(Vec<Step>, String, Engine), ReplayError> {
    let mut replayer = Replayer::new(conversation.config.clone());
    let mut steps = Vec::with_capacity(conversation.lines.len());
    let mut changes = String::new();
    for line in &conversation.lines {
        steps.push(replayer.step(&conversation.path, line)?);
        changes.push_str(&changes_to_json(&replayer.engine.take_changes()));
        changes.push('\n');
    }
    Ok((steps, changes, replayer.engine))
}

/// The rows an empty record store holds after applying every change set of `golden` (the text
/// of a `.changes.jsonl` file), as `(kind, id, JSON)` in key order: what
/// [`Engine::restore_records`] takes.
///
/// # Errors
/// The line and path of a change set that does not parse.
pub fn rows_of_changes(golden: &str) -> Result<Vec<(RecordKind, String, String)>, String> {
    let mut table = std::collections::BTreeMap::new();
    for (i, line) in golden.lines().enumerate() {
        let changes =
            changes_from_json(line, "changes").map_err(|e| format!("line {}: {e}", i + 1))?;
        apply_changes(&mut table, changes);
    }
    Ok(table
        .into_iter()
        .map(|((kind, id), value)| (kind, id, value))
        .collect())
}

/// Reads a conversation file and plays it from a fresh engine: one [`Step`] per input line.
///
/// # Errors
/// As [`load`] and [`Replayer::step`].
pub fn replay(path: impl AsRef<Path>) -> Result<Vec<Step>, ReplayError> {
    replay_conversation(&load(path)?)
}

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

/// `examples/conversations/` in the workspace.
pub fn conversations_dir() -> PathBuf {
    workspace_root().join("examples").join("conversations")
}

/// `tests/vectors/` in the workspace: the golden outputs.
pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

/// The golden vector file of a conversation named `name` (`spec-walkthrough`).
pub fn golden_path(name: &str) -> PathBuf {
    vectors_dir().join(format!("{name}.outputs.jsonl"))
}

/// The golden change sets of a conversation named `name`: `tests/vectors/<name>.changes.jsonl`,
/// one line per input line (see [`replay_changes`]).
pub fn changes_path(name: &str) -> PathBuf {
    vectors_dir().join(format!("{name}.changes.jsonl"))
}

/// Every `*.jsonl` file in `dir`, sorted by name.
///
/// # Errors
/// When the directory cannot be read.
pub fn conversation_files(dir: &Path) -> Result<Vec<PathBuf>, ReplayError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| ReplayError::new(dir, None, format!("cannot read directory: {e}")))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"{"config": {"handoff": {"routing": {"auto_accept": true}, "webhooks": [{"id": "crm", "url": "https://hooks.example.com/h"}]}}}"#;

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
        let e = parse_str("{\"config\": {\"handoff\": {\"routing\": {\"method\": \"x\"}}}}")
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("x.jsonl:1: inline 1 configuration error"),
            "{e}"
        );
        let e = parse_str("{\"config\": \"missing.json\"}").unwrap_err();
        assert!(e.to_string().contains("cannot read config"), "{e}");
    }

    #[test]
    fn last_resolves_to_the_latest_delivery() {
        let text = format!(
            "{CONFIG}\n{}\n{}\n{}\n",
            r#"{"now": 1768213800000, "input": {"type": "handoff_request", "conversation_id": "c1"}}"#,
            r#"{"now": 1768213801000, "input": {"type": "delivery_result", "delivery_id": "$last:conversation.handoff_requested", "status": 200}}"#,
            r#"{"now": 1768213802000, "input": {"type": "delivery_result", "delivery_id": "$last", "status": 200}}"#,
        );
        let conv = parse_str(&text).unwrap();
        let steps = replay_conversation(&conv).unwrap();
        assert!(steps.iter().all(|s| !s.is_unexpected()), "{steps:#?}");
        let first = steps[1].input["delivery_id"].as_str().unwrap();
        let last = steps[2].input["delivery_id"].as_str().unwrap();
        assert!(first.starts_with("msg_") && last.starts_with("msg_"));
        assert_ne!(first, last);
    }

    #[test]
    fn unresolvable_reference_is_a_replay_error() {
        let text = format!(
            "{CONFIG}\n{}\n",
            r#"{"now": 1768213800000, "input": {"type": "delivery_result", "delivery_id": "$last", "status": 200}}"#
        );
        let e = replay_conversation(&parse_str(&text).unwrap()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "x.jsonl:2: \"$last\": no delivery has been handed out yet"
        );
    }

    #[test]
    fn expected_errors() {
        let text = format!(
            "{CONFIG}\n{}\n{}\n",
            r#"{"now": 1768213800000, "input": {"type": "conversation_closed", "conversation_id": "nope"}, "expect_error": true}"#,
            r#"{"now": 1768213800000, "input": {"type": "tick"}, "expect_error": true}"#,
        );
        let steps = replay_conversation(&parse_str(&text).unwrap()).unwrap();
        assert!(!steps[0].is_unexpected());
        assert!(steps[0]
            .golden_line()
            .starts_with(r#"{"now":1768213800000,"error":{"path":"input.conversation_id","#));
        assert!(
            steps[1].is_unexpected(),
            "an accepted expect_error line is unexpected"
        );
        assert_eq!(
            steps[1].golden_line(),
            r#"{"now":1768213800000,"outputs":[]}"#
        );
    }
}
