//! `cargo xtask vectors [--bless]`: replays every conversation of `examples/conversations/`
//! natively (the `handoff-conformance` replay library, as `tests/tests/conformance.rs` does) and
//! compares each with its golden file `tests/vectors/<name>.outputs.jsonl`.
//!
//! - Without `--bless`: reports which golden files differ, each differing step (its number, input
//!   line, input type and `now`) with a readable diff (the JSON paths that differ, outputs aligned so
//!   that one output more or less shows as that, and the bytes around the first difference); golden
//!   files that are missing, golden files whose conversation is gone, conversations that do not
//!   replay and inputs refused (or accepted) against their `expect_error`. Fails when there is any.
//! - With `--bless`: prints the same diff of each golden file that changes, then writes it (new
//!   files too) and deletes golden files whose conversation is gone. A conversation that does not
//!   replay, or whose inputs are refused against their `expect_error`, is not written: fix it first.
//!
//! `UPDATE_GOLDEN=1 cargo test -p handoff-conformance` still rewrites the files too, without diffs.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use handoff_conformance::{conversation_files, golden, load, replay_conversation, Step};
use handoff_core::wire::limits::from_engine_json;
use serde_json::Value;

use crate::Failure;

/// What `cargo xtask vectors` does.
#[derive(Debug, Clone)]
pub struct Options {
    /// Rewrite the golden files (after printing their diffs).
    pub bless: bool,
    /// Where the conversations are (`examples/conversations/`).
    pub conversations: PathBuf,
    /// Where the golden files are (`tests/vectors/`).
    pub vectors: PathBuf,
}

impl Options {
    /// The repository's folders.
    pub fn new(bless: bool) -> Options {
        Options {
            bless,
            conversations: handoff_conformance::conversations_dir(),
            vectors: handoff_conformance::vectors_dir(),
        }
    }
}

/// How many differences of one step are listed, and how many steps of one file are shown.
const PATHS_SHOWN: usize = 20;
const STEPS_SHOWN: usize = 10;
/// Characters of a value or line shown before it is cut.
const SHOWN: usize = 160;

/// What became of the conversations and golden files.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Golden files equal to the replay.
    pub same: usize,
    /// Golden files that differ (rewritten with `--bless`).
    pub differ: Vec<String>,
    /// Conversations without a golden file (written with `--bless`).
    pub new: Vec<String>,
    /// Golden files without a conversation (deleted with `--bless`).
    pub stale: Vec<String>,
    /// Conversations that do not replay, or refuse inputs against their `expect_error`.
    pub broken: Vec<String>,
}

/// `cargo xtask vectors [--bless]`: prints the report; fails when a golden file differs (without
/// `--bless`) or a conversation is broken.
pub fn run(options: &Options) -> Result<(), Failure> {
    let summary = check(options, &mut |text| println!("{text}"))?;
    let total = summary.same + summary.differ.len() + summary.new.len() + summary.broken.len();
    let mut counts = vec![format!("{} of {total} golden files match", summary.same)];
    let verb = |done: &'static str, not: &'static str| if options.bless { done } else { not };
    for (list, done, not) in [
        (&summary.differ, "rewritten", "differ"),
        (&summary.new, "written", "missing"),
        (
            &summary.stale,
            "deleted (no conversation)",
            "stale (no conversation)",
        ),
        (&summary.broken, "broken (not written)", "broken"),
    ] {
        if !list.is_empty() {
            counts.push(format!("{} {}", list.len(), verb(done, not)));
        }
    }
    println!("vectors: {}", counts.join(", "));
    if !summary.broken.is_empty() {
        return Err(Failure::new(format!(
            "{} conversation(s) do not replay as their lines say: {} (see above)",
            summary.broken.len(),
            summary.broken.join(", ")
        )));
    }
    if !options.bless
        && (!summary.differ.is_empty() || !summary.new.is_empty() || !summary.stale.is_empty())
    {
        return Err(Failure::new(
            "the golden vectors differ from the native replay (see above); if the change is \
             intended, accept it with `cargo xtask vectors --bless` and review the diff of tests/vectors/",
        ));
    }
    Ok(())
}

/// Compares (and with `bless`, rewrites) every golden file, printing through `say`.
pub fn check(options: &Options, say: &mut dyn FnMut(&str)) -> Result<Summary, Failure> {
    let root = handoff_conformance::workspace_root();
    let shown = |p: &Path| p.strip_prefix(&root).unwrap_or(p).display().to_string();
    let files =
        conversation_files(&options.conversations).map_err(|e| Failure::new(e.to_string()))?;
    if files.is_empty() {
        return Err(Failure::new(format!(
            "no conversations (*.jsonl) in {}",
            options.conversations.display()
        )));
    }
    say(&format!(
        "replaying {} conversations of {} natively; golden files in {}",
        files.len(),
        shown(&options.conversations),
        shown(&options.vectors)
    ));
    let mut summary = Summary::default();
    let mut golden_files = Vec::new();
    for file in &files {
        let name = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let path = options.vectors.join(format!("{name}.outputs.jsonl"));
        golden_files.push(path.clone());
        golden_files.push(options.vectors.join(format!("{name}.changes.jsonl")));
        let replayed = load(file).and_then(|conv| replay_conversation(&conv));
        let steps = match replayed {
            Ok(steps) => steps,
            Err(e) => {
                say(&format!("{name}: does not replay: {e}"));
                summary.broken.push(name);
                continue;
            }
        };
        let unexpected = unexpected_steps(&shown(file), &steps);
        if !unexpected.is_empty() {
            say(&format!(
                "{name}: inputs refused or accepted against their \"expect_error\":\n{}",
                unexpected.join("\n")
            ));
        }
        let actual = golden(&steps);
        let expected = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                say(&format!("{name}: cannot read {}: {e}", shown(&path)));
                summary.broken.push(name);
                continue;
            }
        };
        match &expected {
            Some(text) if *text == actual => {
                if unexpected.is_empty() {
                    summary.same += 1;
                } else {
                    summary.broken.push(name);
                }
                continue;
            }
            Some(text) => {
                say(&diff_report(&name, &shown(&path), &steps, text, &actual));
            }
            None => {
                let mut text = format!(
                    "{name}: no golden file {} ({} lines from the replay)",
                    shown(&path),
                    steps.len()
                );
                for (j, line) in actual.lines().enumerate() {
                    let _ = write!(text, "\n  + {}: {}", step_name(&steps, j), cut(line, SHOWN));
                }
                say(&text);
            }
        }
        if !unexpected.is_empty() {
            summary.broken.push(name);
            continue;
        }
        if options.bless {
            std::fs::create_dir_all(&options.vectors)
                .and_then(|()| std::fs::write(&path, &actual))
                .map_err(|e| Failure::new(format!("cannot write {}: {e}", path.display())))?;
            say(&format!("  wrote {}", shown(&path)));
        }
        if expected.is_some() {
            summary.differ.push(name);
        } else {
            summary.new.push(name);
        }
    }
    // Golden files whose conversation is gone.
    let mut stale: Vec<PathBuf> = std::fs::read_dir(&options.vectors)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    let name = p.to_string_lossy();
                    name.ends_with(".outputs.jsonl") || name.ends_with(".changes.jsonl")
                })
                .filter(|p| !golden_files.contains(p))
                .collect()
        })
        .unwrap_or_default();
    changes(options, &files, say, &mut summary)?;
    stale.sort();
    for path in stale {
        say(&format!(
            "{}: no conversation in {} for this golden file",
            shown(&path),
            shown(&options.conversations)
        ));
        if options.bless {
            std::fs::remove_file(&path)
                .map_err(|e| Failure::new(format!("cannot delete {}: {e}", path.display())))?;
            say(&format!("  deleted {}", shown(&path)));
        }
        summary.stale.push(shown(&path));
    }
    Ok(summary)
}

/// The change sets' golden files (`<name>.changes.jsonl`: the records written or removed after
/// each input): compared (and with `bless`, rewritten) like the outputs, each difference shown
/// as the step and the paths that differ. Conversations that do not replay are already counted.
fn changes(
    options: &Options,
    files: &[PathBuf],
    say: &mut dyn FnMut(&str),
    summary: &mut Summary,
) -> Result<(), Failure> {
    let root = handoff_conformance::workspace_root();
    let shown = |p: &Path| p.strip_prefix(&root).unwrap_or(p).display().to_string();
    for file in files {
        let name = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Ok((steps, actual, _)) =
            load(file).and_then(|conv| handoff_conformance::replay_changes(&conv))
        else {
            continue;
        };
        if steps.iter().any(Step::is_unexpected) {
            continue; // broken: reported with the outputs, never written
        }
        let path = options.vectors.join(format!("{name}.changes.jsonl"));
        let label = format!("{name} (change sets)");
        let expected = std::fs::read_to_string(&path).ok();
        match &expected {
            Some(text) if *text == actual => {
                summary.same += 1;
                continue;
            }
            Some(text) => {
                let mut report = format!("{label}: differs from {}", shown(&path));
                for (j, (e, a)) in text.lines().zip(actual.lines()).enumerate() {
                    if e != a {
                        let _ = write!(report, "\n  {}:", step_name(&steps, j));
                        report.push('\n');
                        report.push_str(&line_diff(e, a));
                    }
                }
                let (e, a) = (text.lines().count(), actual.lines().count());
                if e != a {
                    let _ = write!(report, "\n  the replay has {a} lines, the golden file {e}");
                }
                say(&report);
            }
            None => say(&format!(
                "{label}: no golden file {} ({} lines from the replay)",
                shown(&path),
                steps.len()
            )),
        }
        if options.bless {
            std::fs::write(&path, &actual)
                .map_err(|e| Failure::new(format!("cannot write {}: {e}", path.display())))?;
            say(&format!("  wrote {}", shown(&path)));
        }
        if expected.is_some() {
            summary.differ.push(label);
        } else {
            summary.new.push(label);
        }
    }
    Ok(())
}

/// The steps whose refusal does not match their `expect_error`, one line each.
fn unexpected_steps(file: &str, steps: &[Step]) -> Vec<String> {
    steps
        .iter()
        .filter(|s| s.is_unexpected())
        .map(|s| {
            let what = match &s.result {
                Err(e) => format!("refused: {e}"),
                Ok(_) => "accepted, but the line says \"expect_error\": true".into(),
            };
            format!("  {file}:{}: {} {what}", s.line, input_type(s))
        })
        .collect()
}

fn input_type(step: &Step) -> String {
    match step.input.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(other) => other.to_string(),
        None => "(no type)".into(),
    }
}

/// `step 3 of 9 (input line 5, customer_message, now 1768213805000)`.
fn step_name(steps: &[Step], j: usize) -> String {
    match steps.get(j) {
        Some(s) => format!(
            "step {} of {} (input line {}, {}, now {})",
            j + 1,
            steps.len(),
            s.line,
            input_type(s),
            s.now
        ),
        None => format!("line {} (past the last input)", j + 1),
    }
}

/// A readable account of how the golden text `expected` and the replay's `actual` differ: each
/// differing step with the JSON paths that differ and the bytes around the first difference.
pub fn diff_report(
    name: &str,
    golden_file: &str,
    steps: &[Step],
    expected: &str,
    actual: &str,
) -> String {
    let exp: Vec<&str> = expected.lines().collect();
    let act: Vec<&str> = actual.lines().collect();
    let mut out = format!("{name}: differs from {golden_file}");
    if exp.len() != act.len() {
        let _ = write!(
            out,
            "\n  the replay has {} lines, the golden file {}",
            act.len(),
            exp.len()
        );
    }
    if expected.lines().eq(actual.lines()) {
        let _ = write!(
            out,
            "\n  the same lines; the line endings differ (each line ends in \\n, the last too)"
        );
        return out;
    }
    let step = |j: usize| step_name(steps, j);
    let mut shown = 0;
    'hunks: for hunk in hunks(&exp, &act, |l| (*l).to_string()) {
        for (i, j) in hunk.pairs {
            shown += 1;
            if shown > STEPS_SHOWN {
                break 'hunks;
            }
            let _ = write!(out, "\n  {}:\n{}", step(j), line_diff(exp[i], act[j]));
        }
        for i in hunk.removed {
            shown += 1;
            if shown > STEPS_SHOWN {
                break 'hunks;
            }
            let _ = write!(
                out,
                "\n  golden line {} is not in the replay: {}",
                i + 1,
                cut(exp[i], 300)
            );
        }
        for j in hunk.added {
            shown += 1;
            if shown > STEPS_SHOWN {
                break 'hunks;
            }
            let _ = write!(
                out,
                "\n  {} is not in the golden file: {}",
                step(j),
                cut(act[j], 300)
            );
        }
    }
    if shown > STEPS_SHOWN {
        let _ = write!(out, "\n  (more differing steps not shown)");
    }
    out
}

/// How one golden line and the replay's line differ (indented lines of text).
pub fn line_diff(expected: &str, actual: &str) -> String {
    let mut out = Vec::new();
    let e = from_engine_json::<Value>(expected).ok();
    let a = match from_engine_json::<Value>(actual) {
        Ok(v) => Some(v),
        Err(err) => {
            out.push(format!("    the replay's line is not JSON ({err})"));
            None
        }
    };
    if let (Some(e), Some(a)) = (&e, &a) {
        let mut found = Vec::new();
        json_diff(e, a, "", &mut found);
        if found.is_empty() {
            out.push(
                "    the same JSON values, different bytes (number format, escaping or field order)"
                    .into(),
            );
        }
        out.extend(found.into_iter().map(|d| format!("    {d}")));
    }
    let (at, byte_e, byte_a) = first_difference(expected, actual);
    out.push(format!("    first different character: {at}"));
    out.push(format!("      golden: {}", around(expected, byte_e)));
    out.push(format!("      replay: {}", around(actual, byte_a)));
    out.join("\n")
}

/// The index (in characters) of the first character where `a` and `b` differ, and its byte offset
/// in each.
fn first_difference(a: &str, b: &str) -> (usize, usize, usize) {
    let mut ia = a.char_indices();
    let mut ib = b.char_indices();
    let mut n = 0;
    loop {
        match (ia.next(), ib.next()) {
            (Some((_, c)), Some((_, d))) if c == d => n += 1,
            (Some((x, _)), Some((y, _))) => return (n, x, y),
            (Some((x, _)), None) => return (n, x, b.len()),
            (None, Some((y, _))) => return (n, a.len(), y),
            (None, None) => return (n, a.len(), b.len()),
        }
    }
}

/// Up to 80 characters of `s` on each side of byte `at`.
fn around(s: &str, at: usize) -> String {
    let before: String = s[..at]
        .chars()
        .rev()
        .take(80)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let after: String = s[at..].chars().take(80).collect();
    let pre = if before.len() < at { "…" } else { "" };
    let post = if at + after.len() < s.len() {
        "…"
    } else {
        ""
    };
    format!("{pre}{before}{after}{post}")
}

/// `text` cut to about `max` characters.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max - 1).collect();
    s.push('…');
    s
}

/// A value as compact JSON, cut to about [`SHOWN`] characters.
fn brief(value: &Value) -> String {
    cut(&value.to_string(), SHOWN)
}

fn path_of(base: &str, key: &str) -> String {
    let plain = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    match (plain, base.is_empty()) {
        (true, true) => key.to_string(),
        (true, false) => format!("{base}.{key}"),
        (false, _) => format!("{base}[{}]", Value::from(key)),
    }
}

fn index_of(base: &str, i: usize) -> String {
    format!("{base}[{i}]")
}

/// The differences between two JSON values, each `path: golden X, replay Y` (at most
/// [`PATHS_SHOWN`]). Arrays are aligned: equal elements first, then elements of the same kind (an
/// output's `type`, `conversation_id`, `event`, `id`), so one output more or less shows as that.
pub fn json_diff(expected: &Value, actual: &Value, path: &str, found: &mut Vec<String>) {
    if found.len() >= PATHS_SHOWN || same(expected, actual) {
        return;
    }
    let at = || {
        if path.is_empty() {
            "(top)".to_string()
        } else {
            path.to_string()
        }
    };
    match (expected, actual) {
        (Value::Array(e), Value::Array(a)) => {
            for hunk in hunks(e, a, Value::to_string) {
                let mut removed: Vec<usize> = hunk.removed.clone();
                removed.extend(hunk.pairs.iter().map(|(i, _)| *i));
                removed.sort_unstable();
                let mut added: Vec<usize> = hunk.added.clone();
                added.extend(hunk.pairs.iter().map(|(_, j)| *j));
                added.sort_unstable();
                let kinds_e: Vec<String> = removed.iter().map(|&i| kind(&e[i])).collect();
                let kinds_a: Vec<String> = added.iter().map(|&j| kind(&a[j])).collect();
                for op in edit_script(&kinds_e, &kinds_a) {
                    if found.len() >= PATHS_SHOWN {
                        return;
                    }
                    match op {
                        Op::Same(i, j) => json_diff(
                            &e[removed[i]],
                            &a[added[j]],
                            &index_of(path, added[j]),
                            found,
                        ),
                        Op::Removed(i) => found.push(format!(
                            "{}: missing; the golden file has {}",
                            index_of(path, removed[i]),
                            brief(&e[removed[i]])
                        )),
                        Op::Added(j) => found.push(format!(
                            "{}: extra {}, not in the golden file",
                            index_of(path, added[j]),
                            brief(&a[added[j]])
                        )),
                    }
                }
            }
        }
        (Value::Object(e), Value::Object(a)) => {
            let before = found.len();
            for (key, ev) in e {
                match a.get(key) {
                    None => {
                        if found.len() < PATHS_SHOWN {
                            found.push(format!(
                                "{}: missing; the golden file has {}",
                                path_of(path, key),
                                brief(ev)
                            ));
                        }
                    }
                    Some(av) => json_diff(ev, av, &path_of(path, key), found),
                }
            }
            for (key, av) in a {
                if !e.contains_key(key) && found.len() < PATHS_SHOWN {
                    found.push(format!(
                        "{}: extra {}, not in the golden file",
                        path_of(path, key),
                        brief(av)
                    ));
                }
            }
            if found.len() == before && !e.keys().eq(a.keys()) {
                let keys = |m: &serde_json::Map<String, Value>| {
                    brief(&Value::from(m.keys().cloned().collect::<Vec<_>>()))
                };
                found.push(format!(
                    "{}: the same fields in another order: golden {}, replay {}",
                    at(),
                    keys(e),
                    keys(a)
                ));
            }
        }
        _ => found.push(format!(
            "{}: golden {}, replay {}",
            at(),
            brief(expected),
            brief(actual)
        )),
    }
}

/// Equal, with object fields in the same order (serde_json's maps compare regardless of order).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((k, v), (l, w))| k == l && same(v, w))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w))
        }
        _ => a == b,
    }
}

/// What array elements are aligned by when they are not equal.
fn kind(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            // Scalars only: an event output's `event` is its whole body.
            let field = |k: &str| match m.get(k) {
                Some(v @ (Value::String(_) | Value::Number(_) | Value::Bool(_))) => v.clone(),
                _ => Value::Null,
            };
            Value::from(vec![
                field("type"),
                field("conversation_id"),
                field("event"),
                field("id"),
            ])
            .to_string()
        }
        Value::Array(_) => "array".into(),
        Value::String(_) => "string".into(),
        Value::Number(_) => "number".into(),
        Value::Bool(_) => "bool".into(),
        Value::Null => "null".into(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Same(usize, usize),
    Removed(usize),
    Added(usize),
}

/// The longest common subsequence of `a` and `b`, as edit operations.
fn edit_script<T: PartialEq>(a: &[T], b: &[T]) -> Vec<Op> {
    let (n, m) = (a.len(), b.len());
    let mut table = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i][j] = if a[i] == b[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let mut ops = Vec::with_capacity(n.max(m));
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push(Op::Same(i, j));
            i += 1;
            j += 1;
        } else if j < m && (i == n || table[i][j + 1] >= table[i + 1][j]) {
            ops.push(Op::Added(j));
            j += 1;
        } else {
            ops.push(Op::Removed(i));
            i += 1;
        }
    }
    ops
}

/// A run of differences: removed and added elements at the same place paired, the rest left over.
#[derive(Debug, Default)]
struct Hunk {
    pairs: Vec<(usize, usize)>,
    removed: Vec<usize>,
    added: Vec<usize>,
}

fn hunks<T>(a: &[T], b: &[T], key: impl Fn(&T) -> String) -> Vec<Hunk> {
    let ka: Vec<String> = a.iter().map(&key).collect();
    let kb: Vec<String> = b.iter().map(&key).collect();
    let mut out: Vec<Hunk> = Vec::new();
    let mut open = false;
    for op in edit_script(&ka, &kb) {
        match op {
            Op::Same(..) => open = false,
            Op::Removed(i) | Op::Added(i) => {
                if !open {
                    out.push(Hunk::default());
                    open = true;
                }
                let hunk = out.last_mut().expect("pushed above");
                if matches!(op, Op::Removed(_)) {
                    hunk.removed.push(i);
                } else {
                    hunk.added.push(i);
                }
            }
        }
    }
    for hunk in &mut out {
        let k = hunk.removed.len().min(hunk.added.len());
        hunk.pairs = hunk.removed.drain(..k).zip(hunk.added.drain(..k)).collect();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn diff(e: Value, a: Value) -> Vec<String> {
        let mut found = Vec::new();
        json_diff(&e, &a, "", &mut found);
        found
    }

    #[test]
    fn json_diffs_name_paths_and_align_outputs() {
        let golden = json!({"outputs": [
            {"type": "handoff", "priority": "high"},
            {"type": "message", "text": "a"},
            {"type": "queued", "position": 1}
        ]});
        let replay = json!({"outputs": [
            {"type": "handoff", "priority": "normal"},
            {"type": "queued", "position": 2}
        ], "extra": true});
        assert_eq!(
            diff(golden, replay),
            [
                "outputs[0].priority: golden \"high\", replay \"normal\"",
                "outputs[1]: missing; the golden file has {\"type\":\"message\",\"text\":\"a\"}",
                "outputs[1].position: golden 1, replay 2",
                "extra: extra true, not in the golden file",
            ]
        );
        assert_eq!(
            diff(json!({"a": 1, "b": 2}), json!({"b": 2, "a": 1})),
            ["(top): the same fields in another order: golden [\"a\",\"b\"], replay [\"b\",\"a\"]"]
        );
        assert_eq!(
            diff(json!({"odd key": [1]}), json!({"odd key": [1, 2]})),
            ["[\"odd key\"][1]: extra 2, not in the golden file"]
        );
        assert!(diff(json!([1, 2]), json!([1, 2])).is_empty());
    }

    #[test]
    fn line_diffs_show_the_bytes_around_the_first_difference() {
        let text = line_diff(
            r#"{"now":30,"outputs":[{"text":"You're 1 in queue."}]}"#,
            r#"{"now":30,"outputs":[{"text":"You're 2 in queue."}]}"#,
        );
        assert_eq!(
            text,
            [
                "    outputs[0].text: golden \"You're 1 in queue.\", replay \"You're 2 in queue.\"",
                "    first different character: 37",
                "      golden: {\"now\":30,\"outputs\":[{\"text\":\"You're 1 in queue.\"}]}",
                "      replay: {\"now\":30,\"outputs\":[{\"text\":\"You're 2 in queue.\"}]}",
            ]
            .join("\n")
        );
        assert!(line_diff(r#"{"now":1.0}"#, r#"{"now":1.00}"#)
            .contains("the same JSON values, different bytes"));
        assert!(
            line_diff(r#"{"t":"é1"}"#, r#"{"t":"é2"}"#).contains("first different character: 7")
        );
    }

    /// A folder of its own under the system's temporary folder.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-vectors-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("conversations")).unwrap();
        std::fs::create_dir_all(dir.join("vectors")).unwrap();
        dir
    }

    const CONVERSATION: &str = r#"{"config": {"handoff": {"routing": {"auto_accept": true}}}}
{"now": 1768213800000, "input": {"type": "agent_update", "agent": {"id": "agent_1", "name": "Asha", "status": "online"}}}
{"now": 1768213805000, "input": {"type": "customer_message", "conversation_id": "c1", "text": "I want to talk to a human"}}
{"now": 1768213806000, "input": {"type": "conversation_closed", "conversation_id": "nope", "by": "agent"}, "expect_error": true}
"#;

    #[test]
    fn check_reports_and_bless_rewrites() {
        let dir = scratch("bless");
        std::fs::write(dir.join("conversations/chat.jsonl"), CONVERSATION).unwrap();
        std::fs::write(dir.join("vectors/gone.outputs.jsonl"), "{}\n").unwrap();
        let options = |bless| Options {
            bless,
            conversations: dir.join("conversations"),
            vectors: dir.join("vectors"),
        };
        let mut said = Vec::new();

        // A missing golden file and a stale one: reported, nothing written.
        let summary = check(&options(false), &mut |t| said.push(t.to_string())).unwrap();
        assert_eq!(summary.new, ["chat", "chat (change sets)"]);
        assert_eq!(summary.stale.len(), 1);
        assert!(!dir.join("vectors/chat.outputs.jsonl").exists());
        assert!(run(&options(false)).is_err());

        // Blessed: written and the stale file deleted; then everything matches.
        let summary = check(&options(true), &mut |t| said.push(t.to_string())).unwrap();
        assert_eq!((summary.new.len(), summary.stale.len()), (2, 1));
        let changes = std::fs::read_to_string(dir.join("vectors/chat.changes.jsonl")).unwrap();
        assert_eq!(
            changes.lines().nth(2),
            Some("[]"),
            "a refused input changes nothing"
        );
        assert!(!dir.join("vectors/gone.outputs.jsonl").exists());
        let written = std::fs::read_to_string(dir.join("vectors/chat.outputs.jsonl")).unwrap();
        assert_eq!(written.lines().count(), 3);
        assert!(written.lines().nth(2).unwrap().contains("\"error\""));
        let summary = check(&options(false), &mut |t| said.push(t.to_string())).unwrap();
        assert_eq!(
            summary,
            Summary {
                same: 2,
                ..Summary::default()
            }
        );
        run(&options(false)).unwrap();

        // A changed golden line: the step, its input and the path that differs; --bless puts it back.
        let changed = written.replace("Asha", "Ashok");
        std::fs::write(dir.join("vectors/chat.outputs.jsonl"), &changed).unwrap();
        said.clear();
        let summary = check(&options(false), &mut |t| said.push(t.to_string())).unwrap();
        assert_eq!(summary.differ, ["chat"]);
        let report = said.join("\n");
        assert!(
            report.contains("step 2 of 3 (input line 3, customer_message, now 1768213805000):"),
            "{report}"
        );
        assert!(
            report.contains(".agent_name: golden \"Ashok\", replay \"Asha\""),
            "{report}"
        );
        check(&options(true), &mut |_| {}).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join("vectors/chat.outputs.jsonl")).unwrap(),
            written
        );
        std::fs::write(
            dir.join("vectors/chat.changes.jsonl"),
            changes.replace("Asha", "Ashok"),
        )
        .unwrap();
        said.clear();
        let summary = check(&options(false), &mut |t| said.push(t.to_string())).unwrap();
        assert_eq!(summary.differ, ["chat (change sets)"]);
        let report = said.join("\n");
        assert!(
            report.contains("[1].value.name: golden \"Ashok\", replay \"Asha\""),
            "{report}"
        );
        check(&options(true), &mut |_| {}).unwrap();

        // An input refused against its expect_error: broken, never written.
        std::fs::write(
            dir.join("conversations/chat.jsonl"),
            CONVERSATION.replace(", \"expect_error\": true", ""),
        )
        .unwrap();
        std::fs::write(dir.join("vectors/chat.outputs.jsonl"), "{}\n").unwrap();
        said.clear();
        let summary = check(&options(true), &mut |t| said.push(t.to_string())).unwrap();
        assert_eq!(summary.broken, ["chat"]);
        let report = said.join("\n");
        assert!(
            report.contains("chat.jsonl:4: conversation_closed refused: "),
            "{report}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("vectors/chat.outputs.jsonl")).unwrap(),
            "{}\n"
        );
        assert!(run(&options(true)).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_repository_vectors_are_found() {
        let files = conversation_files(&handoff_conformance::conversations_dir()).unwrap();
        assert!(!files.is_empty());
    }
}
