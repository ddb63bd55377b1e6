//! `handoff explain`, run as a process: customer lines from standard input and a conversation
//! file, as a table and as JSON; what it prints is the engine's own explanation.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use handoff_core::wire::explain::Explanation;

use crate::common::{root, runtime, temp_file};

fn handoff(args: &[&str], stdin: &str) -> Output {
    let _ = runtime();
    let mut child = Command::new(env!("CARGO_BIN_EXE_handoff"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run handoff");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("handoff output")
}

fn show(o: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

const LINES: &str = "This is useless, I want to talk to a human!\n\nI don't want a human, thanks\nnot great, honestly\n";

#[test]
fn explain_tables_customer_lines_with_words_requests_and_verdicts() {
    let o = handoff(
        &["explain", "--config", "examples/handoff-settings.json"],
        LINES,
    );
    assert!(o.status.success(), "{}", show(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    // Line numbers are the input's (the blank line 2 is skipped).
    assert!(
        out.contains("line 1  line_1  customer: \"This is useless, I want to talk to a human!\""),
        "{out}"
    );
    assert!(out.contains("line 3  line_2  customer:"), "{out}");
    assert!(out.contains("line 4  line_3  customer:"), "{out}");
    assert!(out.contains("useless -"), "the word that moved it: {out}");
    assert!(
        out.contains("asked: \"I want to talk to a human\" (en)"),
        "{out}"
    );
    assert!(
        out.contains("=> handoff (primary customer_request)"),
        "{out}"
    );
    assert!(out.contains("negated"), "the declined request: {out}");
    assert!(
        out.contains("(lexicon +3.1)"),
        "\"great\" negated, with its lexicon value: {out}"
    );
    assert!(out.contains("threshold -0.5"), "{out}");
    assert!(
        out.contains("max_exchanges"),
        "every trigger is listed: {out}"
    );
}

#[test]
fn explain_prints_the_engines_json_for_a_conversation_file() {
    let o = handoff(
        &[
            "explain",
            "--format",
            "json",
            "examples/conversations/spec-walkthrough.jsonl",
        ],
        "",
    );
    assert!(o.status.success(), "{}", show(&o));
    let explanation: Explanation =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", show(&o)));
    assert!(explanation.lines.iter().any(|l| l.handoff));
    for line in explanation
        .lines
        .iter()
        .filter(|l| l.handoff && !l.fires.is_empty())
    {
        assert!(
            line.checks.iter().any(|c| c.outcome == "fires"),
            "a handoff line shows what fired: {line:?}"
        );
    }
    // The same as core's explain, natively.
    let conv =
        handoff_conformance::load(root().join("examples/conversations/spec-walkthrough.jsonl"))
            .expect("walkthrough");
    let request = handoff_core::wire::explain::ExplainRequest {
        inputs: conv
            .lines
            .iter()
            .map(|l| handoff_core::wire::explain::TimedInput {
                now: l.now,
                input: l.input.clone(),
                expect_error: l.expect_error,
            })
            .collect(),
        ..Default::default()
    };
    let native = handoff_core::explain::explain(conv.config, &request).expect("explains");
    assert_eq!(explanation, native);
}

#[test]
fn explain_refuses_a_bad_configuration_and_a_second_one() {
    let bad = temp_file(
        "bad.json",
        r#"{"handoff": {"triggers": {"sentiment_threshold": 3}}}"#,
    );
    let o = handoff(&["explain", "--config", bad.to_str().unwrap()], "hello\n");
    assert!(!o.status.success(), "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("handoff.triggers.sentiment_threshold"),
        "{}",
        show(&o)
    );
    let o = handoff(
        &[
            "explain",
            "--config",
            "examples/handoff-settings.json",
            "examples/conversations/spec-walkthrough.jsonl",
        ],
        "",
    );
    assert!(!o.status.success(), "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("names its configuration"),
        "{}",
        show(&o)
    );
}
