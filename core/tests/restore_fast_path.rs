//! `Engine::restore_json` parses a snapshot of the current version straight into the state and
//! falls back to the path-reporting parse through a JSON tree (`Engine::restore_value`) only when
//! that fails (feature `direct-restore`, on by default). The two must agree on every snapshot: the
//! same state when accepted, the same error when refused. Held here on a lived-in state and on
//! variants of it with a field removed, retyped or added, at the top and inside a conversation.

mod support;

use handoff_core::Engine;
use serde_json::{json, Map, Value};
use support::{example_json, Sim};

/// A state with agents, conversations in several statuses, a queue and pending deliveries.
fn lived_in_state() -> (handoff_core::Config, Value) {
    let mut sim = Sim::new(example_json("handoff-settings.json"));
    sim.all_online(&["agent_1", "agent_2"]);
    for (i, text) in [
        "I want to talk to a human",
        "this is useless, get me a person NOW",
        "where is my order?",
        "refund me, you charged me twice",
    ]
    .iter()
    .enumerate()
    {
        sim.customer(&format!("conv_{i}"), text);
    }
    let config = sim.engine.config().clone();
    let state: Value = serde_json::from_str(&sim.state_json()).unwrap();
    (config, state)
}

fn variants_of(map: &Map<String, Value>) -> Vec<Map<String, Value>> {
    let mut out = Vec::new();
    for key in map.keys() {
        let mut removed = map.clone();
        removed.remove(key);
        out.push(removed);
        for replacement in [
            json!(null),
            json!(7),
            json!("x"),
            json!({}),
            json!([]),
            json!(-1.5),
        ] {
            let mut changed = map.clone();
            changed.insert(key.clone(), replacement);
            out.push(changed);
        }
    }
    let mut extra = map.clone();
    extra.insert("surprise".into(), json!(1));
    out.push(extra);
    out
}

fn variants(state: &Value) -> Vec<Value> {
    let top = state.as_object().unwrap();
    let mut out = vec![state.clone()];
    out.extend(variants_of(top).into_iter().map(Value::Object));
    // Inside the first conversation.
    let conversations = top["conversations"].as_object().unwrap();
    let (id, conv) = conversations.iter().next().unwrap();
    for changed in variants_of(conv.as_object().unwrap()) {
        let mut s = top.clone();
        s["conversations"][id] = Value::Object(changed);
        out.push(Value::Object(s));
    }
    for version in [json!(0), json!(1), json!(99), json!("1"), json!(-1)] {
        let mut s = top.clone();
        s.insert("version".into(), version);
        out.push(Value::Object(s));
    }
    out
}

#[test]
fn the_direct_parse_agrees_with_the_path_reporting_one() {
    let (config, state) = lived_in_state();
    let (mut accepted, mut refused) = (0, 0);
    for variant in variants(&state) {
        let text = serde_json::to_string(&variant).unwrap();
        let direct = Engine::restore_json(config.clone(), &text);
        let checked = Engine::restore_value(config.clone(), variant);
        match (&direct, &checked) {
            (Ok(a), Ok(b)) => {
                assert_eq!(
                    serde_json::to_string(a.state()).unwrap(),
                    serde_json::to_string(b.state()).unwrap(),
                    "{text}"
                );
                accepted += 1;
            }
            (Err(a), Err(b)) => {
                assert_eq!(a.to_string(), b.to_string(), "{text}");
                refused += 1;
            }
            _ => panic!(
                "{text}: restore_json gave {:?}, restore_value {:?}",
                direct.as_ref().map(|_| ()),
                checked.as_ref().map(|_| ())
            ),
        }
    }
    assert!(
        accepted >= 5 && refused > 50,
        "{accepted} accepted, {refused} refused"
    );
}

#[test]
fn text_that_is_not_a_state_is_refused_as_before() {
    let (config, _) = lived_in_state();
    for text in ["", "[]", "5", "{", r#"{"version": 1"#, "null"] {
        let e = Engine::restore_json(config.clone(), text)
            .err()
            .unwrap_or_else(|| panic!("{text:?} was accepted"));
        assert!(e.to_string().contains("state"), "{text:?}: {e}");
    }
}
