//! `handoff explain`: why the engine would (or would not) hand off, line by line, as JSON or a
//! table. The explanation is the engine's (`handoff_explain` in the wasm module); this reads the
//! lines and prints.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use handoff_core::wire::conversation_file;
use handoff_core::wire::explain::{Explanation, LineExplanation};
use handoff_native::replay;
use serde_json::{json, Value};

use crate::{Failure, Format, Module, Out};

pub const ABOUT: &str = "Why the engine would (or would not) hand off, line by line.

FILE (or standard input, without FILE or with -) holds either customer lines, one per line, each \
explained as the first message of its own conversation; or a conversation file \
(examples/conversations/*.jsonl: a {\"config\": ...} first line, then {\"now\", \"input\"} lines; \
with --config, the input lines only), explained in order through one engine.

For every customer message and AI reply: the sentiment and the words that moved it (their \
lexicon value and what they added after negation, boosters, \"but\" and sarcasm), the request \
for a person (the phrase, its language, or why it does not count: a negation seen, past \
narrative), the topic and its keyword, and each trigger's verdict: fires, close (and why not, \
e.g. \"sentiment -0.41 is above the threshold -0.5\"), no, or off. Customer lines without \
--config are explained under the default configuration.";

/// Where the lines come from and the configuration they run under.
struct Loaded {
    /// The configuration's JSON text.
    config: String,
    /// Where the configuration came from, for the table's heading.
    config_name: String,
    /// The request for the engine.
    request: Value,
    /// The file's line number of each request line or input.
    numbers: Vec<usize>,
}

/// `handoff explain [--config CONFIG] [FILE]`.
pub fn run(
    module: &Module,
    file: Option<&Path>,
    config: Option<&Path>,
    format: Format,
    out: &mut Out,
) -> Result<ExitCode, Failure> {
    let (path, text) = match file {
        Some(path) if path != Path::new("-") => (path.to_path_buf(), crate::read(path)?),
        _ => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Failure(format!("cannot read standard input: {e}")))?;
            (PathBuf::from("-"), text)
        }
    };
    let loaded = load(&path, &text, config)?;
    let runtime = module.runtime()?;
    if crate::config_errors(&runtime, Path::new(&loaded.config_name), &loaded.config)? {
        return Ok(ExitCode::FAILURE);
    }
    let answer = runtime
        .explain(&loaded.config, &loaded.request.to_string())
        .map_err(|e| Failure(format!("{}: {e}", path.display())))?;
    match format {
        Format::Json => out.line(&answer)?,
        Format::Table => {
            let explanation: Explanation = serde_json::from_str(&answer)
                .map_err(|e| Failure(format!("the engine's explanation is not readable: {e}")))?;
            out.line(format!("configuration: {}", loaded.config_name))?;
            for line in &explanation.lines {
                let number = loaded.numbers.get(line.index).copied().unwrap_or(0);
                for row in rows(number, line) {
                    out.line(row)?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads `text` as customer lines or a conversation file.
fn load(path: &Path, text: &str, config: Option<&Path>) -> Result<Loaded, Failure> {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let first: Option<Value> = serde_json::from_str(first).ok();
    let keyed = |key: &str| first.as_ref().is_some_and(|v| v.get(key).is_some());
    if keyed("config") {
        if config.is_some() {
            return Err(Failure(format!(
                "{}: this file names its configuration: explain it without --config",
                path.display()
            )));
        }
        let conversation = replay::parse(path, text)?;
        let config_name = conversation
            .config_path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| format!("{} (inline)", path.display()));
        return Ok(inputs(
            conversation.config_json,
            config_name,
            &conversation.lines,
        ));
    }
    let (config_json, config_name) = match config {
        Some(config) => (crate::read(config)?, config.display().to_string()),
        None => (
            r#"{"handoff": {}}"#.to_string(),
            "the defaults ({\"handoff\": {}})".to_string(),
        ),
    };
    if keyed("now") && keyed("input") {
        let lines = conversation_file::parse(text, false)
            .map_err(|e| Failure(format!("{}: {e}", path.display())))?
            .lines;
        return Ok(inputs(config_json, config_name, &lines));
    }
    let mut lines = Vec::new();
    let mut numbers = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if !line.trim().is_empty() {
            lines.push(line.trim());
            numbers.push(i + 1);
        }
    }
    Ok(Loaded {
        config: config_json,
        config_name,
        request: json!({ "lines": lines }),
        numbers,
    })
}

fn inputs(config: String, config_name: String, lines: &[replay::Line]) -> Loaded {
    let inputs: Vec<Value> = lines
        .iter()
        .map(|l| json!({"now": l.now, "input": l.input, "expect_error": l.expect_error}))
        .collect();
    Loaded {
        config,
        config_name,
        request: json!({ "inputs": inputs }),
        numbers: lines.iter().map(|l| l.number).collect(),
    }
}

/// The table rows of one explained line.
pub fn rows(number: usize, line: &LineExplanation) -> Vec<String> {
    let mut rows = vec![format!(
        "line {number}  {}  {}: {}",
        line.conversation_id,
        line.role,
        quoted(&line.text, 70)
    )];
    if let Some(s) = &line.sentiment {
        let mut words: Vec<String> = s
            .words
            .iter()
            .map(|w| {
                if w.valence == w.lexicon {
                    format!("{} {:+}", w.word, w.valence)
                } else {
                    format!("{} {:+} (lexicon {:+})", w.word, w.valence, w.lexicon)
                }
            })
            .collect();
        if s.emphasis != 0.0 {
            words.push(format!("!/? {:+}", s.emphasis));
        }
        let moved = if s.source == "caller" {
            "given by the caller".to_string()
        } else if words.is_empty() {
            "no sentiment words".to_string()
        } else {
            words.join(", ")
        };
        rows.push(format!("  sentiment  {:+.4}  {moved}", s.score));
    }
    if let Some(r) = &line.request {
        let what = match (&r.phrase, r.requested, &r.declined) {
            (Some(p), true, _) => format!(
                "asked: {} ({})",
                quoted(p, 60),
                r.language.as_deref().unwrap_or("en")
            ),
            (Some(p), false, Some(why)) => format!(
                "not a request: {} ({}), {why}",
                quoted(p, 60),
                r.language.as_deref().unwrap_or("en")
            ),
            (None, true, _) => format!("asked ({})", r.source),
            _ if r.source == "caller" => "the caller says no".into(),
            _ => "none".into(),
        };
        rows.push(format!("  request    {what}"));
    }
    if let Some(t) = &line.topic {
        let keyword = t
            .keyword
            .as_ref()
            .map(|k| format!(" (keyword \"{k}\")"))
            .unwrap_or_default();
        let rule = if t.rule {
            "a rule hands it off"
        } else {
            "no rule"
        };
        rows.push(format!("  topic      {}{keyword}, {rule}", t.topic));
    }
    if line.checks.is_empty() {
        rows.push(format!("  triggers   not checked ({})", line.checked));
    }
    for (i, check) in line.checks.iter().enumerate() {
        let label = if i == 0 {
            "  triggers   "
        } else {
            "             "
        };
        rows.push(format!(
            "{label}{:<25} {:<6} {}",
            check.trigger,
            check.outcome.to_uppercase(),
            check.reason
        ));
    }
    let verdict = match (line.handoff, line.fires.first(), line.deferred_until) {
        (true, Some(primary), _) => format!("=> handoff (primary {})", primary.name()),
        (true, None, _) => format!("=> handoff ({})", line.checked),
        (false, Some(_), Some(until)) => format!(
            "=> held back until {}",
            crate::rfc3339(Some(until)).as_str().unwrap_or("?")
        ),
        (false, Some(_), None) => format!("=> no handoff ({})", line.checked),
        (false, None, _) => "=> no handoff".to_string(),
    };
    rows.push(format!("  {verdict}"));
    rows
}

/// `text` in quotes, cut to `max` characters.
fn quoted(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() <= max {
        format!("\"{flat}\"")
    } else {
        let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
        format!("\"{cut}…\"")
    }
}
