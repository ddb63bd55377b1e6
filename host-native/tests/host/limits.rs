//! Deep customer attributes through wasmtime: refused with a path at the limit, and a state an
//! older engine wrote (attributes 124 levels deep, past serde_json's 128 in all) restores in a
//! `Host`, answers queries, and its outputs parse.

use handoff_core::query::Query;
use handoff_native::{Host, HostError};
use serde_json::{json, Value};

use crate::common::runtime;

const NOW: i64 = 1_768_213_800_000;
const CONFIG: &str = r#"{"handoff": {"routing": {"auto_accept": true}}}"#;

fn nested(levels: usize) -> Value {
    let mut v = json!(1);
    for _ in 0..levels {
        v = json!({ "a": v });
    }
    v
}

fn message(conversation: &str, text: &str, attributes: Value) -> String {
    json!({"type": "customer_message", "conversation_id": conversation, "text": text,
           "customer": {"name": "Priya", "attributes": attributes}})
    .to_string()
}

#[test]
fn attributes_around_the_depth_limit_through_wasmtime() {
    let mut host = Host::new(runtime(), CONFIG).expect("host");
    host.handle_json(&message("c1", "hello", json!({"d": nested(16)})), NOW)
        .expect("16 levels are accepted");
    let before = host.state_json().expect("state");
    for levels in [17, 123, 124] {
        match host.handle_json(&message("c1", "hello", json!({"d": nested(levels)})), NOW) {
            Err(HostError::Input(e)) => {
                assert!(
                    e.path.starts_with("input.customer.attributes.d.a"),
                    "{levels}: {e}"
                );
                assert_eq!(e.kind, handoff_core::ErrorKind::TooLarge)
            }
            other => panic!("{levels}: {other:?}"),
        }
    }
    assert_eq!(
        host.state_json().expect("state"),
        before,
        "refusals change nothing"
    );
    // The state restores in a new instance and answers reads.
    let mut again = Host::restore(runtime(), CONFIG, &before).expect("restores");
    let conversation: Value = again
        .query(&Query::Conversation {
            conversation_id: "c1".into(),
            audience: handoff_core::wire::output::Audience::Operators,
        })
        .expect("conversation");
    assert_eq!(conversation["customer"]["attributes"]["d"], nested(16));
    let gauges: handoff_core::query::Gauges = again.query(&Query::Gauges {}).expect("gauges");
    assert_eq!(gauges.conversations, 1);
}

#[test]
fn a_state_older_engines_could_write_restores_and_its_outputs_parse_through_wasmtime() {
    let mut host = Host::new(runtime(), CONFIG).expect("host");
    host.handle_json(
        r#"{"type":"agent_update","agent":{"id":"a1","name":"Asha","status":"online"}}"#,
        NOW,
    )
    .expect("agent");
    host.handle_json(&message("c1", "hello", json!({})), NOW)
        .expect("message");
    let mut state: Value = serde_json::from_str(&host.state_json().expect("state")).expect("json");
    state["conversations"]["c1"]["customer"]["attributes"] = json!({ "deep": nested(124) });
    let deep = state.to_string();
    let mut restored = Host::restore(runtime(), CONFIG, &deep).expect("an old state restores");
    let outputs = restored
        .handle(
            &message("c1", "I want to talk to a human", json!({})),
            NOW + 1000,
        )
        .expect("typed outputs parse at their depth");
    assert!(outputs
        .iter()
        .any(|o| matches!(o, handoff_core::Output::Assigned { .. })));
    let typed = restored.state().expect("the typed state parses");
    assert!(typed.conversations.contains_key("c1"));
    let holder = restored
        .query_json(r#"{"query":"holder","conversation_id":"c1"}"#)
        .expect("holder");
    assert_eq!(holder, r#"{"status":"assigned","agent_id":"a1"}"#);
    match restored.query_json(r#"{"query":"queue","limit":0}"#) {
        Err(HostError::Input(e)) => assert_eq!(e.path, "query.limit"),
        other => panic!("{other:?}"),
    }
}
