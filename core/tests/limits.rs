//! Free-form values are bounded where they come in, and the engine's own JSON is read at any depth
//! it can write: an accepted input always leaves a state that serialises, restores and answers
//! queries (the review's "one request bricks the service": attributes nested 123 levels deep were
//! accepted, then the state no longer parsed).

use handoff_core::query::{Holding, Query};
use handoff_core::wire::limits::{
    from_engine_json, MAX_ATTRIBUTES_BYTES, MAX_ENGINE_JSON_DEPTH, MAX_VALUE_DEPTH, MIN_TIME,
};
use handoff_core::{Config, Engine, ErrorKind, Input, Output};
use serde_json::{json, Value};

const NOW: i64 = 1_768_213_800_000;

fn engine() -> Engine {
    let config = Config::from_json_str(
        r#"{"handoff": {"routing": {"auto_accept": true}, "webhooks": [{"id": "crm", "url": "https://crm.example.test/h"}]}}"#,
    )
    .unwrap();
    let mut engine = Engine::new(config);
    engine
        .handle_json(
            r#"{"type":"agent_update","agent":{"id":"a1","name":"Asha","status":"online"}}"#,
            NOW,
        )
        .unwrap();
    engine
}

/// `{"a":{"a":...1}}`, `levels` levels of objects.
fn nested(levels: usize) -> Value {
    let mut v = json!(1);
    for _ in 0..levels {
        v = json!({ "a": v });
    }
    v
}

fn message_with(attributes: Value) -> String {
    json!({"type": "customer_message", "conversation_id": "c1", "text": "I want to talk to a human",
           "customer": {"name": "Priya", "attributes": attributes}})
    .to_string()
}

/// Serialises, restores, compares and queries: what every host does with a state.
fn assert_restorable_and_readable(engine: &Engine) {
    let json = serde_json::to_string(engine.state()).expect("the state serialises");
    let restored =
        Engine::restore_json(engine.config().clone(), &json).expect("the state restores");
    assert_eq!(restored.state(), engine.state());
    for id in engine.state().conversations.keys() {
        for q in [
            Query::Conversation {
                conversation_id: id.clone(),
                audience: handoff_core::wire::output::Audience::Operators,
            },
            Query::Holder {
                conversation_id: id.clone(),
            },
        ] {
            let answer = restored.query(&q);
            from_engine_json::<Value>(&answer).expect("the answer parses");
        }
    }
    for q in [
        r#"{"query":"queue"}"#,
        r#"{"query":"agents"}"#,
        r#"{"query":"gauges"}"#,
        r#"{"query":"dead_letters"}"#,
        r#"{"query":"resolutions"}"#,
    ] {
        let answer = restored.query_json(q).expect("a known query");
        from_engine_json::<Value>(&answer).expect("the answer parses");
    }
}

#[test]
fn attributes_at_the_depth_limit_are_accepted_and_one_deeper_refused_with_the_path() {
    let mut engine = engine();
    let outputs = engine
        .handle_json(&message_with(json!({"deep": nested(MAX_VALUE_DEPTH)})), NOW)
        .expect("16 levels are accepted");
    assert!(outputs.iter().any(|o| matches!(o, Output::Assigned { .. })));
    assert_restorable_and_readable(&engine);
    // Outputs carry the attributes inside the context package: they parse too.
    let text = serde_json::to_string(&outputs).unwrap();
    from_engine_json::<Value>(&text).unwrap();

    let mut engine = self::engine();
    let before = engine.state().clone();
    let e = engine
        .handle_json(
            &message_with(json!({"deep": nested(MAX_VALUE_DEPTH + 1)})),
            NOW,
        )
        .unwrap_err();
    assert_eq!(
        e.path,
        format!(
            "input.customer.attributes.deep{}",
            ".a".repeat(MAX_VALUE_DEPTH)
        )
    );
    assert!(e.message.contains("nested too deeply"), "{e}");
    assert_eq!(engine.state(), &before, "a refused input changes nothing");
}

#[test]
fn the_reviews_attack_is_refused_at_every_depth_up_to_serde_s_limit() {
    // The review's request: attributes nested 123-124 levels (inside the 64 KiB body limit).
    for levels in [MAX_VALUE_DEPTH + 1, 64, 122, 123, 124] {
        let mut engine = engine();
        let before = engine.state().clone();
        let e = engine
            .handle_json(&message_with(json!({"x": nested(levels)})), NOW)
            .unwrap_err();
        assert!(
            e.path.starts_with("input.customer.attributes.x"),
            "{levels}: {e}"
        );
        assert_eq!(engine.state(), &before);
        assert_restorable_and_readable(&engine);
    }
    // Past serde_json's own limit the input is not JSON the engine reads at all.
    let mut engine = engine();
    let e = engine
        .handle_json(&message_with(json!({"x": nested(200)})), NOW)
        .unwrap_err();
    assert_eq!(e.path, "input");
    // handoff_request takes a customer too.
    let request = json!({"type": "handoff_request", "conversation_id": "c9",
                         "customer": {"attributes": {"y": [nested(MAX_VALUE_DEPTH)]}}});
    let e = engine.handle_json(&request.to_string(), NOW).unwrap_err();
    assert!(e.path.starts_with("input.customer.attributes.y[0]"), "{e}");
}

#[test]
fn attributes_are_bounded_in_size_together_with_those_already_known() {
    let mut engine = engine();
    let half = "x".repeat(MAX_ATTRIBUTES_BYTES / 2);
    engine
        .handle_json(&message_with(json!({"first": half})), NOW)
        .expect("half the limit");
    // A second message adding another half goes past the limit with what is known.
    let before = engine.state().clone();
    let e = engine
        .handle_json(&message_with(json!({"second": half})), NOW)
        .unwrap_err();
    assert_eq!(e.path, "input.customer.attributes");
    assert!(e.message.contains("too large"), "{e}");
    assert_eq!(engine.state(), &before);
    // Replacing the same attribute is fine: the merged size stays under the limit.
    engine
        .handle_json(&message_with(json!({"first": half})), NOW)
        .expect("the same attribute again");
    // A single message over the limit on its own.
    let mut fresh = self::engine();
    let e = fresh
        .handle_json(
            &message_with(json!({"big": "y".repeat(MAX_ATTRIBUTES_BYTES)})),
            NOW,
        )
        .unwrap_err();
    assert_eq!(e.path, "input.customer.attributes");
    // The size is counted as JSON: a key of quotes takes twice its length once escaped.
    let mut fresh = self::engine();
    let quotes = "\"".repeat(4000);
    let filler = "y".repeat(MAX_ATTRIBUTES_BYTES - 4000 - 20);
    let e = fresh
        .handle_json(&message_with(json!({ quotes: filler })), NOW)
        .unwrap_err();
    assert_eq!(e.path, "input.customer.attributes");
}

/// A state an older engine could write: attributes 124 levels deep (about 130 levels in all),
/// past serde_json's limit of 128. It restores, answers, and a handoff of that conversation
/// produces outputs that parse, natively and through the value path.
#[test]
fn a_state_from_before_the_limit_restores_and_its_outputs_parse() {
    let mut engine = engine();
    engine
        .handle_json(
            r#"{"type":"customer_message","conversation_id":"c1","text":"hello","customer":{"name":"Priya"}}"#,
            NOW,
        )
        .unwrap();
    let mut state: Value = serde_json::to_value(engine.state()).unwrap();
    state["conversations"]["c1"]["customer"]["attributes"] = json!({ "deep": nested(124) });
    let text = state.to_string();
    assert!(
        serde_json::from_str::<Value>(&text).is_err(),
        "deeper than serde_json's limit"
    );
    let mut restored =
        Engine::restore_json(engine.config().clone(), &text).expect("an old state restores");
    let outputs = restored
        .handle_json(
            r#"{"type":"customer_message","conversation_id":"c1","text":"I want to talk to a human"}"#,
            NOW + 1000,
        )
        .expect("the conversation goes on");
    assert!(outputs.iter().any(|o| matches!(o, Output::Handoff { .. })));
    let json = serde_json::to_string(&outputs).unwrap();
    assert!(serde_json::from_str::<Value>(&json).is_err());
    let parsed: Vec<Output> = from_engine_json(&json).expect("outputs parse at their depth");
    assert_eq!(parsed.len(), outputs.len());
    assert_restorable_and_readable(&restored);
    assert_eq!(
        restored.may_act("a1", "c1", Holding::Assigned),
        Ok(()),
        "{:?}",
        restored.query_json(r#"{"query":"holder","conversation_id":"c1"}"#)
    );
    // Through the checked value path (the browsers' build has no direct restore).
    let value: Value = from_engine_json(&text).unwrap();
    Engine::restore_value(engine.config().clone(), value).expect("value path");
}

#[test]
fn a_snapshot_deeper_than_the_engine_writes_is_refused_with_a_path() {
    let deep = format!(
        "{{\"version\":1,\"x\":{}}}",
        nested(MAX_ENGINE_JSON_DEPTH + 10)
    );
    let config = Config::from_json_str(r#"{"handoff": {}}"#).unwrap();
    match Engine::restore_json(config, &deep) {
        Err(e) => {
            assert_eq!(e.path, "state");
            assert_eq!(e.kind, ErrorKind::TooLarge);
            assert!(e.message.contains("levels deep"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_clock_in_seconds_is_refused() {
    let mut engine = engine();
    let before = engine.state().clone();
    let e = engine
        .handle(Input::Tick, NOW / 1000)
        .expect_err("seconds, not milliseconds");
    assert_eq!(e.path, "now");
    assert!(e.message.contains("in seconds"), "{e}");
    assert!(engine.handle(Input::Tick, MIN_TIME - 1).is_err());
    assert!(engine.handle(Input::Tick, MIN_TIME).is_ok());
    assert_eq!(engine.state().conversations, before.conversations);
}

#[test]
fn max_concurrent_zero_is_refused_in_inputs_and_configuration() {
    let mut engine = engine();
    let e = engine
        .handle_json(
            r#"{"type":"agent_update","agent":{"id":"a1","max_concurrent":0}}"#,
            NOW,
        )
        .unwrap_err();
    assert_eq!(e.path, "input.agent.max_concurrent");
    let errors =
        Config::from_json_str(r#"{"handoff": {"agents": [{"id": "a", "max_concurrent": 0}]}}"#)
            .unwrap_err();
    assert_eq!(errors.0[0].path, "handoff.agents[0].max_concurrent");
}
