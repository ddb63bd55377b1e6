//! Who sees which output ([`Audience`]) is decided once, in core: every output in every golden
//! vector has the audience its `type` says, and every output type the schema names has one.

use std::collections::BTreeSet;

use handoff_conformance::{vectors_dir, workspace_root};
use handoff_core::wire::output::{audience_of_type, Audience, Output, OUTPUT_AUDIENCES};
use serde_json::Value;

/// Every output object of every golden file.
fn golden_outputs() -> Vec<Value> {
    let mut outputs = Vec::new();
    for entry in std::fs::read_dir(vectors_dir()).expect("tests/vectors") {
        let path = entry.expect("an entry").path();
        if !path.to_string_lossy().ends_with(".outputs.jsonl") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a golden file");
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let step: Value = serde_json::from_str(line).expect("JSON");
            if let Some(Value::Array(list)) = step.get("outputs") {
                outputs.extend(list.iter().cloned());
            }
        }
    }
    outputs
}

#[test]
fn every_golden_output_has_the_audience_its_type_names() {
    let outputs = golden_outputs();
    assert!(outputs.len() > 500, "the golden outputs");
    let mut seen = BTreeSet::new();
    for value in outputs {
        let kind = value["type"].as_str().expect("a type").to_string();
        let output: Output = serde_json::from_value(value).expect("an output");
        assert_eq!(
            audience_of_type(&kind),
            Some(output.audience()),
            "{kind}: the table and Output::audience disagree"
        );
        seen.insert(kind);
    }
    for must in [
        "agent_note",
        "agent_message",
        "delivery",
        "handoff",
        "message",
    ] {
        assert!(seen.contains(must), "the vectors have a {must} output");
    }
}

#[test]
fn every_output_type_of_the_schema_has_an_audience() {
    let text = std::fs::read_to_string(workspace_root().join("schema/output.schema.json"))
        .expect("schema/output.schema.json");
    let schema: Value = serde_json::from_str(&text).expect("JSON");
    let branches = schema["oneOf"]
        .as_array()
        .expect("oneOf: one branch per output type");
    let types: BTreeSet<String> = branches
        .iter()
        .map(|b| {
            b["properties"]["type"]["const"]
                .as_str()
                .expect("each branch names its type")
                .to_string()
        })
        .collect();
    assert_eq!(types.len(), branches.len());
    let table: BTreeSet<String> = OUTPUT_AUDIENCES
        .iter()
        .map(|(t, _)| t.to_string())
        .collect();
    assert_eq!(types, table, "every output type has exactly one audience");
}

#[test]
fn the_customer_never_sees_notes_or_the_outbox() {
    for (kind, audience) in OUTPUT_AUDIENCES {
        let customer_sees = audience.visible_to(Audience::Customer);
        if [
            "agent_note",
            "returned_to_ai",
            "handoff",
            "event",
            "delivery",
        ]
        .contains(kind)
        {
            assert!(!customer_sees, "{kind} must not reach the customer");
        }
        assert!(
            audience.visible_to(Audience::Operators),
            "operators see {kind}"
        );
    }
    assert!(!Audience::Operators.visible_to(Audience::Agents));
    assert!(Audience::Customer.visible_to(Audience::Agents));
    assert!(Audience::Customer.visible_to(Audience::Customer));
}
