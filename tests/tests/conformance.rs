//! The golden vectors: every conversation in `examples/conversations/` replayed natively must give
//! exactly the outputs kept in `tests/vectors/<name>.outputs.jsonl`, byte for byte.
//!
//! After an intended change of the engine's outputs, accept the new vectors with
//! `UPDATE_GOLDEN=1 cargo test -p handoff-conformance` and review the diff.

use std::fmt::Write as _;
use std::path::PathBuf;

use handoff_conformance::{
    changes_path, conversation_files, conversations_dir, golden, golden_path, load, replay_changes,
    replay_conversation, rows_of_changes, vectors_dir, workspace_root, Conversation, Step,
};
use handoff_core::Engine;
use serde_json::Value;

const UPDATE_HINT: &str =
    "If the change is intended, accept it with:\n    UPDATE_GOLDEN=1 cargo test -p handoff-conformance\nand review the diff of tests/vectors/.";

fn conversations() -> Vec<Conversation> {
    let files = conversation_files(&conversations_dir()).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !files.is_empty(),
        "no conversation files in {}",
        conversations_dir().display()
    );
    files
        .iter()
        .map(|f| load(f).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

fn replay(conv: &Conversation) -> Vec<Step> {
    replay_conversation(conv).unwrap_or_else(|e| panic!("{e}"))
}

fn updating() -> bool {
    std::env::var("UPDATE_GOLDEN").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Up to `width` characters of `s` on each side of byte `at`.
fn around(s: &str, at: usize, width: usize) -> String {
    let mut start = at.saturating_sub(width).min(s.len());
    while !s.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (at + width).min(s.len());
    while !s.is_char_boundary(end) {
        end += 1;
    }
    let pre = if start > 0 { "…" } else { "" };
    let post = if end < s.len() { "…" } else { "" };
    format!("{pre}{}{post}", &s[start..end])
}

/// Describes the first line where `expected` and `actual` differ.
fn first_difference(conv: &Conversation, steps: &[Step], expected: &str, actual: &str) -> String {
    let path = golden_path(&conv.name());
    let exp: Vec<&str> = expected.lines().collect();
    let act: Vec<&str> = actual.lines().collect();
    let i = exp
        .iter()
        .zip(&act)
        .position(|(e, a)| e != a)
        .unwrap_or(exp.len().min(act.len()));
    let mut out = String::new();
    let source = steps
        .get(i)
        .map(|s| format!("{}:{}", conv.path.display(), s.line))
        .unwrap_or_else(|| "past the last input".into());
    let _ = writeln!(
        out,
        "{} differs from the replay at line {} (input at {source}):",
        path.display(),
        i + 1
    );
    match (exp.get(i), act.get(i)) {
        (Some(e), Some(a)) => {
            let at = e
                .bytes()
                .zip(a.bytes())
                .position(|(x, y)| x != y)
                .unwrap_or(e.len().min(a.len()));
            let _ = writeln!(out, "  first difference at byte {at} of the line");
            let _ = writeln!(out, "  golden: {}", around(e, at, 160));
            let _ = write!(out, "  replay: {}", around(a, at, 160));
        }
        (Some(_), None) => {
            let _ = write!(
                out,
                "  the golden file has {} lines, the replay only {}",
                exp.len(),
                act.len()
            );
        }
        (None, _) => {
            let _ = write!(
                out,
                "  the replay has {} lines, the golden file only {}",
                act.len(),
                exp.len()
            );
        }
    }
    out
}

#[test]
fn replays_match_the_golden_vectors() {
    let mut failures = Vec::new();
    let mut names = Vec::new();
    for conv in conversations() {
        let steps = replay(&conv);
        let actual = golden(&steps);
        let path = golden_path(&conv.name());
        names.push(path.clone());
        if updating() {
            std::fs::create_dir_all(vectors_dir()).expect("create tests/vectors");
            std::fs::write(&path, &actual)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
            eprintln!("updated {}", path.display());
            continue;
        }
        match std::fs::read_to_string(&path) {
            Err(e) => failures.push(format!(
                "{}: no golden vectors for {} ({e})",
                path.display(),
                conv.path.display()
            )),
            Ok(expected) if expected == actual => {}
            Ok(expected) => failures.push(first_difference(&conv, &steps, &expected, &actual)),
        }
    }
    // A golden file whose conversation is gone is stale.
    let stale: Vec<PathBuf> = std::fs::read_dir(vectors_dir())
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.to_string_lossy().ends_with(".outputs.jsonl"))
                .filter(|p| !names.contains(p))
                .collect()
        })
        .unwrap_or_default();
    for p in stale {
        failures.push(format!(
            "{}: golden vectors for a conversation that no longer exists in {}; delete it",
            p.display(),
            conversations_dir().display()
        ));
    }
    assert!(
        failures.is_empty(),
        "\n{}\n\n{UPDATE_HINT}\n",
        failures.join("\n\n")
    );
}

/// The change sets after every input (`tests/vectors/<name>.changes.jsonl`) are the golden
/// ones byte for byte, and the rows they add up to restore the state the replay ended in.
#[test]
fn change_sets_match_the_golden_vectors_and_their_rows_restore_the_state() {
    let mut failures = Vec::new();
    let mut names = Vec::new();
    for conv in conversations() {
        let (steps, actual, engine) = replay_changes(&conv).unwrap_or_else(|e| panic!("{e}"));
        let path = changes_path(&conv.name());
        names.push(path.clone());
        let rows = rows_of_changes(&actual).unwrap_or_else(|e| panic!("{}: {e}", conv.name()));
        match Engine::restore_records(conv.config.clone(), rows) {
            Ok(restored) => assert_eq!(
                serde_json::to_string(restored.state()).unwrap(),
                serde_json::to_string(engine.state()).unwrap(),
                "{}: the rows restore another state",
                conv.name()
            ),
            Err(e) => failures.push(format!("{}: the rows do not restore: {e}", conv.name())),
        }
        if updating() {
            std::fs::write(&path, &actual)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
            continue;
        }
        match std::fs::read_to_string(&path) {
            Err(e) => failures.push(format!("{}: no golden change sets ({e})", path.display())),
            Ok(expected) if expected == actual => {}
            Ok(expected) => {
                let i = expected
                    .lines()
                    .zip(actual.lines())
                    .position(|(e, a)| e != a)
                    .unwrap_or(expected.lines().count().min(actual.lines().count()));
                let line = steps.get(i).map_or(0, |s| s.line);
                failures.push(format!(
                    "{} differs from the replay at line {} (input at {}:{line}):\n  golden: {}\n  replay: {}",
                    path.display(),
                    i + 1,
                    conv.path.display(),
                    around(expected.lines().nth(i).unwrap_or(""), 0, 300),
                    around(actual.lines().nth(i).unwrap_or(""), 0, 300),
                ));
            }
        }
    }
    let stale: Vec<PathBuf> = std::fs::read_dir(vectors_dir())
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.to_string_lossy().ends_with(".changes.jsonl"))
                .filter(|p| !names.contains(p))
                .collect()
        })
        .unwrap_or_default();
    for p in stale {
        failures.push(format!(
            "{}: golden change sets for a conversation that no longer exists; delete it",
            p.display()
        ));
    }
    assert!(
        failures.is_empty(),
        "\n{}\n\n{UPDATE_HINT}\n",
        failures.join("\n\n")
    );
}

#[test]
fn every_conversation_replays_without_unexpected_errors() {
    let mut bad = Vec::new();
    for conv in conversations() {
        for step in replay(&conv) {
            if !step.is_unexpected() {
                continue;
            }
            let what = match &step.result {
                Err(e) => format!("refused: {e}"),
                Ok(_) => "accepted, but the line says \"expect_error\": true".into(),
            };
            bad.push(format!(
                "{}:{}: {} {what}",
                conv.path.display(),
                step.line,
                step.input.get("type").unwrap_or(&Value::Null)
            ));
        }
    }
    assert!(bad.is_empty(), "\n{}\n", bad.join("\n"));
}

#[test]
fn the_spec_walkthrough_sends_the_spec_webhook_payload() {
    let conv =
        load(conversations_dir().join("spec-walkthrough.jsonl")).unwrap_or_else(|e| panic!("{e}"));
    let first_event = replay(&conv)
        .into_iter()
        .filter_map(|s| s.result.ok())
        .flatten()
        .find(|o| o["type"] == "event")
        .expect("the walkthrough has an event output");
    let payload_path = workspace_root()
        .join("examples")
        .join("webhook-payload.json");
    let payload: Value = serde_json::from_str(
        &std::fs::read_to_string(&payload_path)
            .unwrap_or_else(|e| panic!("{}: {e}", payload_path.display())),
    )
    .expect("webhook-payload.json is JSON");
    assert_eq!(
        first_event["event"].to_string(),
        payload.to_string(),
        "the first event of spec-walkthrough.jsonl must be examples/webhook-payload.json"
    );
}

#[test]
fn the_spec_walkthrough_hands_off_queues_and_assigns() {
    let conv =
        load(conversations_dir().join("spec-walkthrough.jsonl")).unwrap_or_else(|e| panic!("{e}"));
    let outputs: Vec<Value> = replay(&conv)
        .into_iter()
        .filter_map(|s| s.result.ok())
        .flatten()
        .collect();
    let count = |ty: &str| outputs.iter().filter(|o| o["type"] == ty).count();
    let reason = |r: &str| {
        outputs
            .iter()
            .any(|o| o["type"] == "offer_withdrawn" && o["reason"] == r)
    };
    assert!(count("handoff") >= 4, "handoffs");
    assert!(count("queued") >= 2, "queued");
    assert_eq!(
        count("handoff"),
        count("assigned"),
        "everyone handed off is assigned"
    );
    assert!(
        reason("declined") && reason("expired"),
        "a decline and a lapsed offer"
    );
}
