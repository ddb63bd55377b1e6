//! The generated contract (`schema/*.schema.json`, written by `cargo xtask schema` from
//! handoff-core's wire types) against what the engine really reads and writes: every input of
//! every conversation (the schema accepts exactly those the engine parses), every golden output,
//! every webhook event (in `event` outputs and in webhook delivery bodies), every state after
//! every step, and the README's and examples' snippets. And the schemas refuse what they must,
//! so these tests can fail. (`xtask`'s own test fails when the files are stale.)

use std::path::Path;

use handoff_conformance::{conversation_files, conversations_dir, load, workspace_root, Replayer};
use handoff_core::wire::input::INPUT_TYPES;
use handoff_core::Input;
use jsonschema::Validator;
use serde_json::{json, Value};

/// The validator of `schema/<name>.schema.json`.
fn validator(name: &str) -> Validator {
    let path = workspace_root().join(format!("schema/{name}.schema.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run `cargo xtask schema` to write it)",
            path.display()
        )
    });
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    assert_eq!(
        schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
        "{name}: draft 2020-12"
    );
    jsonschema::draft202012::new(&schema)
        .unwrap_or_else(|e| panic!("{name}.schema.json is not a valid schema: {e}"))
}

/// `schema` where every object with declared properties also refuses undeclared ones
/// (`unevaluatedProperties: false`), for checking that the schema names every field the engine
/// writes. Left open: definitions used as the base of an object that adds properties beside its
/// `$ref` (the tagged `delivery` output), and the branches of a flattened union (their object adds
/// the other properties); the object around them is closed instead, and sees what they evaluate.
fn closed(mut schema: Value) -> Value {
    fn bases(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let (Some(Value::String(r)), true) =
                    (map.get("$ref"), map.contains_key("properties"))
                {
                    out.push(r.trim_start_matches("#/$defs/").to_string());
                }
                map.values().for_each(|v| bases(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| bases(v, out)),
            _ => {}
        }
    }
    fn close(value: &mut Value, open: bool) {
        match value {
            Value::Object(map) => {
                let flattened = map.contains_key("properties")
                    && (map.contains_key("oneOf") || map.contains_key("anyOf"));
                if map.contains_key("properties")
                    && !open
                    && !map.contains_key("additionalProperties")
                {
                    map.insert("unevaluatedProperties".into(), Value::Bool(false));
                }
                for (key, child) in map.iter_mut() {
                    let branch = key == "oneOf" || key == "anyOf";
                    close(child, branch && flattened);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| close(v, open)),
            _ => {}
        }
    }
    let mut open = Vec::new();
    bases(&schema, &mut open);
    if let Some(Value::Object(defs)) = schema.get_mut("$defs") {
        for (name, def) in defs.iter_mut() {
            close(def, open.contains(name));
        }
    }
    let defs = schema.as_object_mut().and_then(|m| m.remove("$defs"));
    close(&mut schema, false);
    if let (Some(defs), Some(map)) = (defs, schema.as_object_mut()) {
        map.insert("$defs".into(), defs);
    }
    schema
}

/// The validator of `schema/<name>.schema.json`, [`closed`].
fn closed_validator(name: &str) -> Validator {
    let path = workspace_root().join(format!("schema/{name}.schema.json"));
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the schema")).expect("JSON");
    jsonschema::draft202012::new(&closed(schema)).expect("a valid schema")
}

/// Why `instance` does not fit, one line per error, for assertion messages.
fn errors(validator: &Validator, instance: &Value) -> String {
    validator
        .iter_errors(instance)
        .map(|e| format!("  at {}: {e}", e.instance_path()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every golden file's lines, with the file's name.
fn golden_lines() -> Vec<(String, usize, Value)> {
    let dir = handoff_conformance::vectors_dir();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/vectors")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".outputs.jsonl"))
        .collect();
    files.sort();
    let mut lines = Vec::new();
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&file).expect("a golden file");
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let value: Value = serde_json::from_str(line).expect("a golden line is JSON");
            lines.push((name.clone(), i + 1, value));
        }
    }
    assert!(lines.len() > 500, "the golden files ({})", dir.display());
    lines
}

fn conversations() -> Vec<std::path::PathBuf> {
    let files = conversation_files(&conversations_dir()).expect("examples/conversations");
    assert!(files.len() >= 60, "the conversations");
    files
}

#[test]
fn the_input_schema_accepts_exactly_the_inputs_the_engine_reads() {
    let schema = validator("input");
    let (mut accepted, mut refused) = (0, 0);
    for path in conversations() {
        let conversation = load(&path).expect("a conversation file");
        for line in &conversation.lines {
            let reads = Input::from_value(line.input.clone());
            let fits = schema.is_valid(&line.input);
            assert_eq!(
                fits,
                reads.is_ok(),
                "{}:{}: the schema {} {} but the engine {}\n{}",
                path.display(),
                line.number,
                if fits { "accepts" } else { "refuses" },
                line.input,
                match &reads {
                    Ok(_) => "reads it".to_string(),
                    Err(e) => format!("refuses it: {e}"),
                },
                errors(&schema, &line.input)
            );
            if fits {
                accepted += 1;
            } else {
                refused += 1;
            }
        }
    }
    assert!(accepted > 700, "inputs accepted: {accepted}");
    assert!(refused >= 5, "malformed inputs refused: {refused}");
}

/// Checks an `event` output's event or a webhook delivery's body against the event schema.
fn check_event(events: &Validator, event: &Value, at: &str) {
    assert!(
        events.is_valid(event),
        "{at}: the webhook event does not fit schema/event.schema.json:\n{}\n{event}",
        errors(events, event)
    );
}

#[test]
fn every_golden_output_and_webhook_event_fits_its_schema() {
    // Closed: a field the engine writes and the schema does not name fails too.
    let outputs = closed_validator("output");
    let events = closed_validator("event");
    let refusals = closed_validator("error");
    let (mut checked, mut in_outputs, mut in_bodies, mut in_errors) = (0, 0, 0, 0);
    for (file, number, line) in golden_lines() {
        let at = format!("tests/vectors/{file}:{number}");
        let Some(list) = line.get("outputs").and_then(Value::as_array) else {
            let error = line
                .get("error")
                .unwrap_or_else(|| panic!("{at}: outputs or an error"));
            assert!(
                refusals.is_valid(error),
                "{at}: the error does not fit schema/error.schema.json:\n{}\n{error}",
                errors(&refusals, error)
            );
            in_errors += 1;
            continue;
        };
        for output in list {
            assert!(
                outputs.is_valid(output),
                "{at}: the output does not fit schema/output.schema.json:\n{}\n{output}",
                errors(&outputs, output)
            );
            checked += 1;
            match output["type"].as_str() {
                Some("event") => {
                    check_event(&events, &output["event"], &at);
                    in_outputs += 1;
                }
                // A webhook's body is the event; a helpdesk request (`operation`) is the vendor's.
                Some("delivery") if output.get("operation").is_none() => {
                    let body: Value = serde_json::from_str(output["body"].as_str().unwrap())
                        .unwrap_or_else(|e| panic!("{at}: a webhook body is JSON: {e}"));
                    check_event(&events, &body, &at);
                    in_bodies += 1;
                }
                _ => {}
            }
        }
    }
    assert!(checked > 1000, "outputs checked: {checked}");
    assert!(in_outputs > 100, "events checked: {in_outputs}");
    assert!(in_bodies > 20, "webhook bodies checked: {in_bodies}");
    assert!(in_errors > 50, "errors checked: {in_errors}");
}

#[test]
fn every_state_after_every_step_fits_the_state_schema() {
    let schema = closed_validator("state");
    let mut checked = 0;
    for path in conversations() {
        let conversation = load(&path).expect("a conversation file");
        let mut replayer = Replayer::new(conversation.config.clone());
        for line in &conversation.lines {
            replayer.step(&path, line).expect("the replay");
            let state = serde_json::to_value(replayer.engine.state()).expect("a state serialises");
            assert!(
                schema.is_valid(&state),
                "{}:{}: the state does not fit schema/state.schema.json:\n{}",
                path.display(),
                line.number,
                errors(&schema, &state)
            );
            checked += 1;
        }
    }
    assert!(checked > 800, "states checked: {checked}");
}

/// Every JSON value in `text` that starts with `prefix` (a snippet in prose or code).
fn snippets(text: &str, prefix: &str) -> Vec<Value> {
    text.match_indices(prefix)
        .filter_map(|(i, _)| {
            serde_json::Deserializer::from_str(&text[i..])
                .into_iter::<Value>()
                .next()
                .and_then(Result::ok)
        })
        .collect()
}

#[test]
fn the_readme_and_example_snippets_fit() {
    let root = workspace_root();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let (inputs, events) = (validator("input"), validator("event"));
    let mut checked = 0;
    for snippet in snippets(&readme, "{\"type\":") {
        if INPUT_TYPES.contains(&snippet["type"].as_str().unwrap_or_default()) {
            assert!(
                inputs.is_valid(&snippet),
                "README.md: the input {snippet} does not fit:\n{}",
                errors(&inputs, &snippet)
            );
            checked += 1;
        }
    }
    for snippet in snippets(&readme, "{\"event\":\"conversation.") {
        check_event(&events, &snippet, "README.md");
        checked += 1;
    }
    let payload = Path::new("examples/webhook-payload.json");
    let payload: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join(payload)).expect("the payload"))
            .expect("JSON");
    check_event(&events, &payload, "examples/webhook-payload.json");
    assert!(checked >= 3, "README snippets checked: {checked}");
}

#[test]
fn the_closed_schemas_refuse_fields_they_do_not_name() {
    let outputs = closed_validator("output");
    let delivery = json!({"type": "delivery", "delivery_id": "d", "webhook_id": "w",
        "conversation_id": "c", "event": "conversation.closed", "method": "POST", "url": "https://x",
        "headers": {}, "body": "{}", "attempt": 1, "auth": {"scheme": "none"}});
    assert!(
        outputs.is_valid(&delivery),
        "{}",
        errors(&outputs, &delivery)
    );
    let mut extra = delivery.clone();
    extra["colour"] = json!("red");
    assert!(
        !outputs.is_valid(&extra),
        "an undeclared field of a delivery"
    );
    let queued =
        json!({"type": "queued", "conversation_id": "c", "position": 1, "queue_length": 1});
    assert!(outputs.is_valid(&queued));
    let mut extra = queued.clone();
    extra["eta"] = json!(3);
    assert!(
        !outputs.is_valid(&extra),
        "an undeclared field of an output"
    );
    assert!(
        validator("output").is_valid(&extra),
        "the published schema stays open"
    );
    let states = closed_validator("state");
    let mut state = serde_json::to_value(handoff_core::State::default()).unwrap();
    state["conversations"]["c"] =
        serde_json::to_value(handoff_core::wire::state::Conversation::new("c")).unwrap();
    assert!(states.is_valid(&state), "{}", errors(&states, &state));
    state["conversations"]["c"]["mood"] = json!("calm");
    assert!(
        !states.is_valid(&state),
        "an undeclared field beside a flattened status"
    );
}

#[test]
fn the_input_schema_refuses_malformed_inputs() {
    let schema = validator("input");
    for bad in [
        json!({"conversation_id": "c", "text": "hi"}),
        json!({"type": "custmer_message", "conversation_id": "c", "text": "hi"}),
        json!({"type": "customer_message", "conversation_id": "c", "text": 1}),
        json!({"type": "customer_message", "conversation_id": "c"}),
        json!({"type": "customer_message", "conversation_id": "c", "text": "hi", "mood": "sad"}),
        json!({"type": "customer_message", "conversation_id": "c", "text": "hi", "customer": []}),
        json!({"type": "customer_message", "conversation_id": "c", "text": "hi", "signals": {"sentiment": "bad"}}),
        json!({"type": "agent_update", "agent": {"id": "a", "status": "busy"}}),
        json!({"type": "delivery_result", "delivery_id": "d", "status": 70000}),
        json!({"type": "conversation_closed", "conversation_id": "c", "by": "robot"}),
        json!({"type": "tick", "now": 1}),
        json!({"type": 5}),
        json!("tick"),
    ] {
        assert!(!schema.is_valid(&bad), "the input schema accepts {bad}");
        assert!(
            Input::from_value(bad.clone()).is_err(),
            "the engine reads {bad}"
        );
    }
    for good in [
        json!({"type": "tick"}),
        json!({"type": "customer_message", "conversation_id": "c", "text": "hi", "customer": null, "signals": {"sentiment": null}}),
        json!({"type": "conversation_closed", "conversation_id": "c"}),
    ] {
        assert!(
            schema.is_valid(&good),
            "{good}:\n{}",
            errors(&schema, &good)
        );
        assert!(Input::from_value(good.clone()).is_ok(), "{good}");
    }
}

#[test]
fn the_output_event_and_state_schemas_refuse_what_the_engine_never_writes() {
    let outputs = validator("output");
    for bad in [
        json!({"type": "queued", "conversation_id": "c", "position": "1", "queue_length": 1}),
        json!({"type": "queued", "conversation_id": "c", "position": 1}),
        json!({"type": "teleported", "conversation_id": "c"}),
        json!({"type": "message", "conversation_id": "c", "template": "no_such_template", "text": "x"}),
        json!({"type": "event", "conversation_id": "c", "event": {"event": "conversation.closed"}}),
    ] {
        assert!(!outputs.is_valid(&bad), "the output schema accepts {bad}");
    }
    let events = validator("event");
    let closed = json!({"conversation_id": "c", "closed_by": "agent", "agent_id": null});
    let good = json!({"event": "conversation.closed", "timestamp": "2026-01-12T10:30:00Z", "data": closed});
    assert!(events.is_valid(&good), "{}", errors(&events, &good));
    for bad in [
        // The data of another event.
        json!({"event": "conversation.queued", "timestamp": "2026-01-12T10:30:00Z", "data": closed}),
        json!({"event": "conversation.closed", "data": closed}),
        json!({"event": "conversation.reopened", "timestamp": "2026-01-12T10:30:00Z", "data": closed}),
        // Receivers see every field, `null` when absent.
        json!({"event": "conversation.closed", "timestamp": "2026-01-12T10:30:00Z",
               "data": {"conversation_id": "c", "closed_by": "agent"}}),
    ] {
        assert!(!events.is_valid(&bad), "the event schema accepts {bad}");
    }
    let states = validator("state");
    let mut state = serde_json::to_value(handoff_core::State::default()).unwrap();
    assert!(states.is_valid(&state), "{}", errors(&states, &state));
    state["version"] = json!("1");
    assert!(!states.is_valid(&state), "a version as text");
    state["version"] = json!(1);
    state["conversations"]["c"] = json!({"id": "c", "status": "dreaming"});
    assert!(!states.is_valid(&state), "an unknown status");
}
