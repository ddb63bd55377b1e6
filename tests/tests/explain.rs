//! `explain` agrees with the engine: on every conversation of `examples/conversations/`, the
//! triggers an explanation says fire on a line are exactly the triggers of the `handoff` the
//! engine made on that line in the golden vectors (`tests/vectors/*.outputs.jsonl`), and a line
//! without a handoff has no trigger firing unless the engine held the handoff back (deferred
//! outside hours, or the callback form, where only a request for a person hands off).

use handoff_conformance::{conversation_files, conversations_dir, golden_path, load};
use handoff_core::explain::explain;
use handoff_core::wire::explain::{ExplainRequest, LineExplanation, TimedInput};
use serde_json::Value;

/// The `handoff` outputs of each golden line (`None` for a line the engine refused).
fn golden_handoffs(name: &str) -> Vec<Vec<Value>> {
    let text = std::fs::read_to_string(golden_path(name)).expect("golden vector");
    text.lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).expect("golden line is JSON");
            v["outputs"]
                .as_array()
                .map(|outs| {
                    outs.iter()
                        .filter(|o| o["type"] == "handoff")
                        .cloned()
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn explained_triggers_are_the_engines_handoffs_on_every_vector() {
    let mut compared = 0usize;
    let mut quiet_lines = 0usize;
    let files = conversation_files(&conversations_dir()).expect("conversations");
    assert!(files.len() > 50, "expected the conformance conversations");
    for file in files {
        let conv = load(&file).unwrap_or_else(|e| panic!("{e}"));
        let name = conv.name();
        let request = ExplainRequest {
            inputs: conv
                .lines
                .iter()
                .map(|l| TimedInput {
                    now: l.now,
                    input: l.input.clone(),
                    expect_error: l.expect_error,
                })
                .collect(),
            ..ExplainRequest::default()
        };
        let explanation = explain(conv.config.clone(), &request)
            .unwrap_or_else(|e| panic!("{name}: explain refused: {e}"));
        let handoffs = golden_handoffs(&name);
        assert_eq!(handoffs.len(), conv.lines.len(), "{name}: golden lines");
        let mut by_index: Vec<Option<&LineExplanation>> = vec![None; conv.lines.len()];
        for line in &explanation.lines {
            by_index[line.index] = Some(line);
        }
        for (i, golden) in handoffs.iter().enumerate() {
            let at = format!("{name} line {}", conv.lines[i].number);
            let Some(line) = by_index[i] else {
                // Not a customer message or AI reply: only the host's button hands off there.
                if !golden.is_empty() {
                    assert_eq!(
                        conv.lines[i].input["type"], "handoff_request",
                        "{at}: a handoff on an input explain does not explain"
                    );
                }
                continue;
            };
            let fires = serde_json::to_value(&line.fires).expect("fires");
            match golden.as_slice() {
                [handoff] => {
                    assert!(
                        line.handoff,
                        "{at}: the engine handed off, explain says not"
                    );
                    if line.checked == "reopened" {
                        continue; // routed like a handoff by the reopening, not by a trigger
                    }
                    assert_eq!(
                        fires, handoff["triggers"],
                        "{at}: explain's firing triggers differ from the handoff's ({})",
                        line.checked
                    );
                    assert_eq!(
                        line.fires.first().map(|h| h.name()),
                        handoff["primary"].as_str(),
                        "{at}: primary"
                    );
                    compared += 1;
                }
                [] => {
                    assert!(
                        !line.handoff,
                        "{at}: explain says handoff, the engine made none"
                    );
                    let held_back = line.deferred_until.is_some()
                        || (line.checked == "callback_form"
                            && !line.fires.iter().any(|h| h.name() == "customer_request"));
                    assert!(
                        line.fires.is_empty() || held_back,
                        "{at}: explain says {fires} fire ({}) but the engine did not hand off",
                        line.checked
                    );
                    quiet_lines += 1;
                }
                more => panic!("{at}: {} handoffs on one line", more.len()),
            }
        }
    }
    assert!(compared >= 40, "only {compared} handoffs compared");
    assert!(
        quiet_lines >= 100,
        "only {quiet_lines} quiet lines compared"
    );
}

#[test]
fn a_refused_input_names_its_place_in_the_request() {
    let conv = load(conversations_dir().join("spec-walkthrough.jsonl")).expect("walkthrough");
    let request: ExplainRequest = serde_json::from_value(serde_json::json!({
        "inputs": [
            {"now": 1768213800000i64, "input": {"type": "customer_message", "conversation_id": "c1", "text": "hi"}},
            {"now": 1768213801000i64, "input": {"type": "agent_accept", "conversation_id": "c1", "agent_id": "nobody"}}
        ]
    }))
    .expect("request");
    let refused = explain(conv.config.clone(), &request).unwrap_err();
    assert!(
        refused.path.starts_with("request.inputs[1].input"),
        "{}",
        refused.path
    );
    let both: ExplainRequest =
        serde_json::from_value(serde_json::json!({"lines": ["a"], "inputs": request.inputs}))
            .expect("request");
    assert_eq!(explain(conv.config, &both).unwrap_err().path, "request");
}
