//! `Input::from_json_str` parses straight to the typed input and falls back to the
//! path-reporting parse (`Input::from_value`) only when that fails. The two must agree on every
//! input: the same value when accepted, the same error when refused. Held here on every input of
//! the example conversations, and on variants of each with a field removed, retyped or added.

use handoff_core::wire::input::Input;
use serde_json::{json, Value};

fn example_inputs() -> Vec<Value> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/conversations");
    let mut inputs = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: Value = serde_json::from_str(line).unwrap();
            if let Some(input) = v.get("input") {
                inputs.push(input.clone());
            }
        }
    }
    assert!(inputs.len() > 50, "only {} example inputs", inputs.len());
    inputs
}

/// The input itself, then one variant per field: removed, set to null / a number / a string /
/// an object, and one with an unknown field added.
fn variants(input: &Value) -> Vec<Value> {
    let mut out = vec![input.clone()];
    let Some(map) = input.as_object() else {
        return out;
    };
    for key in map.keys() {
        let mut removed = map.clone();
        removed.remove(key);
        out.push(Value::Object(removed));
        for replacement in [json!(null), json!(7), json!("x"), json!({}), json!(-0.5)] {
            let mut changed = map.clone();
            changed.insert(key.clone(), replacement);
            out.push(Value::Object(changed));
        }
    }
    let mut extra = map.clone();
    extra.insert("surprise".into(), json!(1));
    out.push(Value::Object(extra));
    let mut duplicated = serde_json::to_string(input).unwrap();
    if duplicated.ends_with('}') && duplicated.len() > 2 {
        duplicated.pop();
        duplicated.push_str(r#","type":"tick"}"#);
    }
    if let Ok(v) = serde_json::from_str::<Value>(&duplicated) {
        out.push(v);
    }
    out
}

#[test]
fn the_fast_path_agrees_with_the_path_reporting_parse() {
    let mut accepted = 0;
    let mut refused = 0;
    for input in example_inputs() {
        for variant in variants(&input) {
            let text = serde_json::to_string(&variant).unwrap();
            let fast = Input::from_json_str(&text);
            let slow = Input::from_value(variant.clone());
            match (&fast, &slow) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a, b, "{text}");
                    accepted += 1;
                }
                (Err(a), Err(b)) => {
                    assert_eq!(a.to_string(), b.to_string(), "{text}");
                    refused += 1;
                }
                _ => panic!("{text}: from_json_str gave {fast:?}, from_value {slow:?}"),
            }
        }
    }
    assert!(
        accepted > 50 && refused > 200,
        "{accepted} accepted, {refused} refused"
    );
}

#[test]
fn field_less_inputs_still_refuse_fields() {
    for text in [
        r#"{"type": "tick", "at": 5}"#,
        r#"{"type": "host_restarted", "why": "deploy"}"#,
    ] {
        let e = Input::from_json_str(text).unwrap_err();
        assert!(e.to_string().contains("unknown field"), "{e}");
    }
    assert_eq!(
        Input::from_json_str(r#"{"type": "tick"}"#).unwrap(),
        Input::Tick
    );
}
