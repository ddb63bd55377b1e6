//! `cargo xtask demo`: replays `examples/conversations/` through the engine (in-process, until
//! the native service exists) and prints every decision for people, or as JSON lines.

use std::collections::BTreeSet;
use std::fmt::Display;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use handoff_conformance::{Conversation, Replayer, Step};
use serde_json::{Map, Value};

use crate::render;
use crate::Failure;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    handoff_conformance::workspace_root()
}

/// Standard output that stops quietly when the reader goes away (`cargo xtask demo | head`).
struct Out {
    out: std::io::StdoutLock<'static>,
    closed: bool,
}

impl Out {
    fn new() -> Out {
        Out {
            out: std::io::stdout().lock(),
            closed: false,
        }
    }

    fn line(&mut self, text: impl Display) -> Result<(), Failure> {
        if self.closed {
            return Ok(());
        }
        match writeln!(self.out, "{text}") {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            Err(e) => Err(Failure::new(format!(
                "cannot write to standard output: {e}"
            ))),
        }
    }
}

/// Runs the demo over every conversation file, or only `only`.
pub fn run(only: Option<&str>, json: bool) -> Result<(), Failure> {
    let mut out = Out::new();
    let dir = handoff_conformance::conversations_dir();
    let files = handoff_conformance::conversation_files(&dir).map_err(fail)?;
    let files = select(&files, only)?;
    let mut unexpected = Vec::new();
    for (n, file) in files.iter().enumerate() {
        let conversation = handoff_conformance::load(file).map_err(fail)?;
        let name = file_name(file);
        if !json {
            if n > 0 {
                out.line("")?;
            }
            let config = match &conversation.config_path {
                Some(p) => relative(p),
                None => "inline".into(),
            };
            out.line(format!("=== {name} (config: {config}) ==="))?;
        }
        let steps = play(&conversation, json, &mut out)?;
        let bad = steps.iter().filter(|s| s.is_unexpected()).count();
        if bad > 0 {
            unexpected.push(format!("{name}: {bad}"));
        }
        if !json {
            out.line(format!("--- {}", summary(&name, &steps)))?;
        }
    }
    if unexpected.is_empty() {
        Ok(())
    } else {
        Err(Failure::new(format!(
            "unexpected results (errors on lines without \"expect_error\", or none where one was expected) in {}",
            unexpected.join(", ")
        )))
    }
}

fn fail(e: handoff_conformance::ReplayError) -> Failure {
    Failure::new(e.to_string())
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn relative(p: &Path) -> String {
    let root = workspace_root();
    let p = p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let root = root.canonicalize().unwrap_or(root);
    p.strip_prefix(&root).unwrap_or(&p).display().to_string()
}

fn select(files: &[PathBuf], only: Option<&str>) -> Result<Vec<PathBuf>, Failure> {
    let Some(want) = only else {
        if files.is_empty() {
            return Err(Failure::new(
                "no conversation files (*.jsonl) in examples/conversations/",
            ));
        }
        return Ok(files.to_vec());
    };
    let want = want.strip_suffix(".jsonl").unwrap_or(want);
    let found: Vec<PathBuf> = files
        .iter()
        .filter(|f| f.file_stem().is_some_and(|s| s == want))
        .cloned()
        .collect();
    if found.is_empty() {
        let names: Vec<String> = files
            .iter()
            .filter_map(|f| f.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .collect();
        return Err(Failure::new(format!(
            "no conversation named \"{want}\" in examples/conversations/; there are: {}",
            names.join(", ")
        )));
    }
    Ok(found)
}

/// Plays a conversation, printing each step as it goes.
fn play(conversation: &Conversation, json: bool, out: &mut Out) -> Result<Vec<Step>, Failure> {
    let name = file_name(&conversation.path);
    let mut replayer = Replayer::new(conversation.config.clone());
    let mut steps = Vec::new();
    let mut last_day = None;
    for line in &conversation.lines {
        let step = replayer.step(&conversation.path, line).map_err(fail)?;
        if json {
            out.line(json_line(&name, &step))?;
        } else {
            let day = render::day(step.now);
            if last_day.as_ref() != Some(&day) {
                out.line(format!("--- {day} (UTC)"))?;
                last_day = Some(day);
            }
            out.line(render::input(step.now, &step.input))?;
            let indent = " ".repeat(10);
            match &step.result {
                Ok(outputs) => {
                    for o in outputs {
                        for (k, text) in render::output(step.now, o).into_iter().enumerate() {
                            let arrow = if k == 0 { "→ " } else { "  " };
                            out.line(format!("{indent}{arrow}{text}"))?;
                        }
                    }
                    if step.expect_error {
                        out.line(format!("{indent}✗ expected an error, but the engine accepted this input  [UNEXPECTED]"))?;
                    }
                }
                Err(e) => out.line(format!("{indent}{}", render::error(e, step.expect_error)))?,
            }
        }
        steps.push(step);
    }
    Ok(steps)
}

fn json_line(file: &str, step: &Step) -> String {
    let mut map = Map::new();
    map.insert("file".into(), file.into());
    map.insert("line".into(), step.line.into());
    map.insert("now".into(), step.now.into());
    map.insert("input".into(), step.input.clone());
    match &step.result {
        Ok(outputs) => map.insert("outputs".into(), Value::Array(outputs.clone())),
        Err(e) => map.insert("error".into(), e.clone()),
    };
    if step.expect_error {
        map.insert("expect_error".into(), true.into());
    }
    Value::Object(map).to_string()
}

/// `spec-walkthrough.jsonl: 40 inputs → 6 handoffs, ...`.
fn summary(name: &str, steps: &[Step]) -> String {
    let outputs = || {
        steps
            .iter()
            .filter_map(|s| s.result.as_ref().ok())
            .flatten()
    };
    let count = |ty: &str| {
        outputs()
            .filter(|o| o.get("type").and_then(Value::as_str) == Some(ty))
            .count()
    };
    let withdrawn = |reason: &str| {
        outputs()
            .filter(|o| {
                o.get("type").and_then(Value::as_str) == Some("offer_withdrawn")
                    && o.get("reason").and_then(Value::as_str) == Some(reason)
            })
            .count()
    };
    let queued: BTreeSet<&str> = outputs()
        .filter(|o| o.get("type").and_then(Value::as_str) == Some("queued"))
        .filter_map(|o| o.get("conversation_id").and_then(Value::as_str))
        .collect();
    let first_deliveries = outputs()
        .filter(|o| {
            o.get("type").and_then(Value::as_str) == Some("delivery")
                && o.get("attempt").and_then(Value::as_u64) == Some(1)
        })
        .count();
    let errors = steps.iter().filter(|s| s.result.is_err()).count();
    let unexpected = steps.iter().filter(|s| s.is_unexpected()).count();
    let items = [
        (count("handoff"), "handoff(s)"),
        (queued.len(), "queued"),
        (count("offered"), "offer(s)"),
        (withdrawn("declined"), "declined"),
        (withdrawn("expired"), "expired"),
        (withdrawn("agent_unavailable"), "withdrawn (agent left)"),
        (count("assigned"), "assigned"),
        (count("collect_callback"), "callback form(s)"),
        (count("callback_requested"), "callback(s) requested"),
        (count("closed"), "closed"),
        (first_deliveries, "webhook(s)"),
        (count("delivery_retry"), "retr(ies)"),
        (count("delivered"), "delivered"),
        (count("delivery_failed"), "dead letter(s)"),
    ];
    let parts: Vec<String> = items
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
    let errors = match (errors, unexpected) {
        (0, 0) => "no errors".to_string(),
        (e, 0) => format!("{e} error(s), all expected"),
        (e, u) => format!("{e} error(s), {u} UNEXPECTED result(s)"),
    };
    format!(
        "{name}: {} inputs → {}; {errors}",
        steps.len(),
        parts.join(", ")
    )
}
