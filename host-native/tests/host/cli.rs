//! The `handoff` command, run as a process: `check`, `replay`, `hours`.

use std::path::Path;
use std::process::{Command, Output};

use handoff_conformance::{conversations_dir, golden_path};
use handoff_core::{Config, Engine};
use serde_json::{json, Value};

use crate::common::{example, read, runtime, temp_file};

/// Runs `handoff ARGS` from the workspace root (the module: `HANDOFF_WASM` as the tests see it,
/// or the embedded one).
fn handoff(args: &[&str]) -> Output {
    // Fail with the clear "no module" message here rather than in the child.
    let _ = runtime();
    Command::new(env!("CARGO_BIN_EXE_handoff"))
        .args(args)
        .current_dir(crate::common::root())
        .output()
        .expect("run handoff")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn show(o: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        stdout(o),
        stderr(o)
    )
}

#[test]
fn check_summarises_valid_configurations() {
    let o = handoff(&[
        "check",
        "examples/handoff-settings.json",
        "examples/business-hours.json",
    ]);
    assert!(o.status.success(), "{}", show(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines.iter().all(|l| l.starts_with("OK examples/")), "{out}");
    assert!(
        lines[0].contains("routing round_robin (fallback queue)")
            && lines[0].contains("triggers: customer_request, sentiment <= -0.5, max_exchanges 10")
            && lines[0].contains("topics [billing_dispute, legal, complaint]")
            && lines[0].contains("hours: always open"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("hours Asia/Kolkata (outside hours: collect_callback)"),
        "{}",
        lines[1]
    );

    // A skill-based configuration with agents and a webhook, inline.
    let config = temp_file(
        "skills.json",
        r#"{"handoff": {"routing": {"method": "skill_based", "skills": {"billing": ["agent_1"]}},
            "agents": [{"id": "agent_1", "name": "Asha"}],
            "webhooks": [{"id": "crm", "url": "https://hooks.example.com/h"}]}}"#,
    );
    let o = handoff(&["check", config.to_str().unwrap()]);
    assert!(o.status.success(), "{}", show(&o));
    let out = stdout(&o);
    assert!(
        out.contains("routing skill_based")
            && out.contains("; 1 agent;")
            && out.contains("; 1 webhook"),
        "{out}"
    );
}

#[test]
fn check_prints_every_error_with_its_path_and_exits_1() {
    let bad = temp_file(
        "bad.json",
        r#"{"handoff": {"routing": {"method": "telepathy", "max_concurrent_per_agent": 0},
            "triggers": {"sentiment_threshold": 5},
            "business_hours": {"timezone": "Mars/Olympus_Mons", "schedule": {}}}}"#,
    );
    let native = Config::from_json_str(&read(&bad)).unwrap_err().0;
    let o = handoff(&[
        "check",
        "examples/handoff-settings.json",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("OK examples/handoff-settings.json"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "INVALID {}: {} configuration errors",
            bad.display(),
            native.len()
        )),
        "{out}"
    );
    for e in &native {
        assert!(out.contains(&format!("  {e}\n")), "missing {e} in\n{out}");
    }
    for path in [
        "handoff.routing.method",
        "handoff.triggers.sentiment_threshold",
        "handoff.business_hours.timezone",
    ] {
        assert!(
            out.contains(&format!("  {path}: ")),
            "missing {path} in\n{out}"
        );
    }
}

#[test]
fn replay_prints_the_golden_vector_of_a_conversation_file() {
    let file = conversations_dir().join("outside-hours.jsonl");
    let o = handoff(&["replay", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", show(&o));
    assert_eq!(stdout(&o), read(&golden_path("outside-hours")));
}

#[test]
fn replay_as_a_table() {
    let o = handoff(&[
        "replay",
        "examples/conversations/webhook-retries.jsonl",
        "--format",
        "table",
    ]);
    assert!(o.status.success(), "{}", show(&o));
    let out = stdout(&o);
    let mut lines = out.lines();
    let header = lines.next().unwrap();
    assert!(header.contains("LINE") && header.contains("TIME (UTC)") && header.contains("OUTPUTS"));
    assert!(
        out.contains("delivery conversation.handoff_requested msg_"),
        "{out}"
    );
    assert!(out.contains("2026-01-12 14:00:00"), "{out}");
    assert!(out.contains("delivery_result msg_"), "{out}");
}

#[test]
fn replay_with_a_separate_config_and_unexpected_errors() {
    let inputs = temp_file(
        "inputs.jsonl",
        &[
            r#"{"now": 1768141800000, "input": {"type": "customer_message", "conversation_id": "c1", "text": "I want to talk to a human"}}"#,
            "",
            r#"{"now": 1768141801000, "input": {"type": "conversation_closed", "conversation_id": "nope", "by": "ai"}}"#,
            r#"{"now": 1768141802000, "input": {"type": "tick"}, "expect_error": true}"#,
        ]
        .join("\n"),
    );
    let config = example("business-hours.json");
    let o = handoff(&[
        "replay",
        "--config",
        config.to_str().unwrap(),
        inputs.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let out = stdout(&o);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{out}");
    // Sunday evening in Kolkata: outside hours, the callback form.
    assert_eq!(lines[0]["now"], 1_768_141_800_000_i64);
    assert!(
        lines[0]["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["type"] == "collect_callback" && o["reason"] == "outside_hours"),
        "{}",
        lines[0]
    );
    assert_eq!(lines[1]["error"]["path"], "input.conversation_id");
    assert_eq!(
        lines[2],
        json!({"now": 1_768_141_802_000_i64, "outputs": []})
    );
    assert!(
        stderr(&o).contains("unexpected result on lines 3, 4"),
        "{}",
        show(&o)
    );

    // A conversation file (with its own config line) given --config is refused.
    let both = handoff(&[
        "replay",
        "--config",
        config.to_str().unwrap(),
        "examples/conversations/outside-hours.jsonl",
    ]);
    assert_eq!(both.status.code(), Some(1));
    assert!(
        stderr(&both).contains("outside-hours.jsonl:1: this file names its configuration"),
        "{}",
        show(&both)
    );
}

#[test]
fn replay_reports_a_bad_file_with_its_line() {
    let bad = temp_file(
        "bad.jsonl",
        "{\"config\": {\"handoff\": {\"routing\": {\"method\": \"x\"}}}}\n{\"now\": 1, \"input\": {\"type\": \"tick\"}}\n",
    );
    let o = handoff(&["replay", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let err = stderr(&o);
    assert!(
        err.contains("bad.jsonl:1: inline 1 configuration error"),
        "{err}"
    );
    assert!(err.contains("handoff.routing.method"), "{err}");
    assert!(stdout(&o).is_empty());
}

fn hours_json(config: &Path, at: &str) -> Value {
    let o = handoff(&["hours", config.to_str().unwrap(), "--at", at]);
    assert!(o.status.success(), "{}", show(&o));
    serde_json::from_str(stdout(&o).trim()).unwrap()
}

#[test]
fn hours_at_an_instant() {
    let config = example("business-hours.json");
    // Sunday 2026-01-11 18:00 in Kolkata: closed until Monday 09:00 IST (03:30Z).
    let closed = hours_json(&config, "2026-01-11T18:00:00+05:30");
    assert_eq!(
        closed,
        json!({"open": false, "next_opening": "2026-01-12T03:30:00Z", "next_closing": "2026-01-12T12:30:00Z"})
    );
    let native = Engine::new(Config::from_json_str(&read(&config)).unwrap())
        .hours(1_768_134_600_000)
        .unwrap();
    assert_eq!(native.next_opening, Some(1_768_188_600_000));
    // Monday 12:00 IST: open until 18:00 IST.
    let open = hours_json(&config, "2026-01-12T06:30:00Z");
    assert_eq!(open["open"], true);
    assert_eq!(open["next_closing"], "2026-01-12T12:30:00Z");
    // No business hours: always open.
    assert_eq!(
        hours_json(&example("handoff-settings.json"), "2026-01-11T18:00:00Z"),
        json!({"open": true, "next_opening": null, "next_closing": null})
    );
}

#[test]
fn usage_errors_are_clear() {
    let o = handoff(&[
        "hours",
        "examples/business-hours.json",
        "--at",
        "next tuesday",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("--at next tuesday: not an RFC 3339 instant"),
        "{}",
        show(&o)
    );

    let o = handoff(&[
        "check",
        "examples/handoff-settings.json",
        "--wasm",
        "/nonexistent/x.wasm",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("cannot read the wasm module /nonexistent/x.wasm"),
        "{}",
        show(&o)
    );

    let o = handoff(&["check", "examples/no-such-config.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("cannot read examples/no-such-config.json"),
        "{}",
        show(&o)
    );

    let o = handoff(&["check"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
}
