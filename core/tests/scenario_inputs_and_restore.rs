//! Scenarios for inputs the engine refuses (each names its JSON path and changes nothing) and for
//! restarting a host from a persisted state: refused when newer or corrupt, and otherwise continuing
//! exactly as an uninterrupted run would.

mod support;

use handoff_core::wire::state::STATE_VERSION;
use handoff_core::{Engine, ErrorKind, Input, RestoreError};
use serde_json::{json, Value};
use support::{config, has, offered_to, Sim};

fn spec_config() -> Value {
    let mut config = support::example_json("handoff-settings.json");
    config["handoff"]["webhooks"] =
        json!([{"url": "https://hooks.example.com/x", "secret_ref": "SECRET_ENV"}]);
    config
}

/// One agent online, conv_1 offered to agent_1, conv_2 waiting.
fn busy() -> Sim {
    let mut sim = Sim::new(json!({"handoff": {"routing": {"max_concurrent_per_agent": 1}}}));
    sim.all_online(&["agent_1", "agent_2"]);
    sim.button("conv_1");
    sim.button("conv_2");
    sim
}

// ----- Refused inputs ----------------------------------------------------------------------------

/// An agent closes only what it holds: a close that names its agent is refused for another
/// agent's conversation, for an offer not yet accepted, and without `by: "agent"`.
#[test]
fn an_agent_closes_only_what_it_holds() {
    let mut sim = busy();
    sim.send(json!({"type": "agent_accept", "conversation_id": "conv_1", "agent_id": "agent_1"}));
    let close = |agent: &str| json!({"type": "conversation_closed", "conversation_id": "conv_1", "by": "agent", "agent_id": agent});
    let err = sim.refused(close("agent_2"), "input.agent_id");
    assert_eq!(err.kind, ErrorKind::NotHeldBy);
    let err = sim.refused(
        json!({"type": "conversation_closed", "conversation_id": "conv_1", "by": "customer", "agent_id": "agent_1"}),
        "input.agent_id",
    );
    assert_eq!(err.kind, ErrorKind::Invalid);
    // conv_2 is offered to agent_2, not yet accepted: not held.
    let err = sim.refused(
        json!({"type": "conversation_closed", "conversation_id": "conv_2", "by": "agent", "agent_id": "agent_2"}),
        "input.agent_id",
    );
    assert_eq!(err.kind, ErrorKind::NotHeldBy);
    let out = sim.send(close("agent_1"));
    assert!(
        out.iter()
            .any(|o| o["type"] == "event" && o["event"]["event"] == "conversation.closed"),
        "{out:?}"
    );
}

#[test]
fn accepting_an_unknown_conversation_is_refused() {
    let mut sim = busy();
    let err = sim.refused(
        json!({"type": "agent_accept", "conversation_id": "conv_404", "agent_id": "agent_1"}),
        "input.conversation_id",
    );
    assert_eq!(err.value.as_deref(), Some("\"conv_404\""));
}

#[test]
fn an_agent_accepting_someone_elses_offer_is_refused() {
    let mut sim = busy();
    // conv_1 is offered to agent_1, conv_2 to agent_2.
    sim.refused(
        json!({"type": "agent_accept", "conversation_id": "conv_1", "agent_id": "agent_2"}),
        "input.agent_id",
    );
    sim.refused(
        json!({"type": "agent_decline", "conversation_id": "conv_1", "agent_id": "agent_2"}),
        "input.agent_id",
    );
    // The right agent still can.
    let out = sim.accept("conv_1", "agent_1");
    assert!(has(&out, "assigned"));
}

#[test]
fn accepting_a_conversation_that_is_not_offered_is_refused() {
    let mut sim = Sim::new(json!({"handoff": {}}));
    sim.customer("conv_1", "Hello");
    sim.refused(
        json!({"type": "agent_accept", "conversation_id": "conv_1", "agent_id": "agent_1"}),
        "input.conversation_id",
    );
}

#[test]
fn a_message_from_an_agent_who_does_not_hold_the_conversation_is_refused() {
    let mut sim = busy();
    sim.accept("conv_1", "agent_1");
    sim.refused(
        json!({"type": "agent_message", "conversation_id": "conv_1", "agent_id": "agent_2",
               "text": "Hi, I'm Ravi"}),
        "input.agent_id",
    );
    // An offered (not yet accepted) conversation cannot be written to either.
    sim.refused(
        json!({"type": "agent_message", "conversation_id": "conv_2", "agent_id": "agent_2",
               "text": "Hi"}),
        "input.agent_id",
    );
    let out = sim.send(json!({"type": "agent_message", "conversation_id": "conv_1",
        "agent_id": "agent_1", "text": "Hi, I'm Asha"}));
    // The customer sees it (and webhooks hear `conversation.message`).
    assert_eq!(out[0]["type"], "agent_message", "{out:#?}");
    assert_eq!(out[0]["text"], "Hi, I'm Asha");
}

#[test]
fn a_sentiment_out_of_range_is_refused() {
    let mut sim = Sim::new(json!({"handoff": {}}));
    let err = sim.refused(
        json!({"type": "customer_message", "conversation_id": "conv_1", "text": "hi",
               "signals": {"sentiment": -1.5}}),
        "input.signals.sentiment",
    );
    assert_eq!(err.value.as_deref(), Some("-1.5"));
    sim.refused(
        json!({"type": "ai_reply", "conversation_id": "conv_1", "text": "hi", "confidence": 2.0}),
        "input.confidence",
    );
}

#[test]
fn an_unknown_signal_is_refused_at_parse_time_with_its_path() {
    let err = Input::from_value(json!({"type": "customer_message", "conversation_id": "c",
        "text": "x", "signals": {"sentimnt": -0.5}}))
    .unwrap_err();
    assert!(err.path.starts_with("input.signals"), "{err}");
    assert!(err.message.contains("sentimnt"), "{err}");
}

#[test]
fn a_misspelt_input_type_gets_a_suggestion() {
    let err = Input::from_value(json!({"type": "custmer_message"})).unwrap_err();
    assert_eq!(err.path, "input.type");
    assert!(err.message.contains("customer_message"), "{err}");
}

#[test]
fn closing_an_unknown_conversation_is_refused() {
    let mut sim = busy();
    sim.refused(
        json!({"type": "conversation_closed", "conversation_id": "conv_9", "by": "agent"}),
        "input.conversation_id",
    );
}

#[test]
fn an_empty_conversation_id_is_refused() {
    let mut sim = Sim::new(json!({"handoff": {}}));
    sim.refused(
        json!({"type": "customer_message", "conversation_id": " ", "text": "hi"}),
        "input.conversation_id",
    );
}

#[test]
fn a_bad_customer_email_is_refused() {
    let mut sim = Sim::new(json!({"handoff": {}}));
    sim.refused(
        json!({"type": "customer_message", "conversation_id": "conv_1", "text": "hi",
               "customer": {"email": "priya.example.com"}}),
        "input.customer.email",
    );
}

// ----- Restore -------------------------------------------------------------------------------------

#[test]
fn a_snapshot_from_a_newer_engine_is_refused() {
    let sim = busy();
    let mut snapshot: Value = serde_json::from_str(&sim.state_json()).unwrap();
    snapshot["version"] = json!(STATE_VERSION + 1);
    let err =
        Engine::restore_json(config(json!({"handoff": {}})), &snapshot.to_string()).unwrap_err();
    assert_eq!(
        err,
        RestoreError::newer_version(STATE_VERSION + 1, STATE_VERSION)
    );
    assert_eq!(err.kind, ErrorKind::NewerVersion);
    assert_eq!(err.path, "state.version");
    assert!(err.to_string().contains("upgrade"), "{err}");
}

#[test]
fn a_snapshot_that_is_not_json_is_refused() {
    let sim = busy();
    let snapshot = sim.state_json();
    let cut = &snapshot[..snapshot.len() / 2];
    match Engine::restore_json(config(json!({"handoff": {}})), cut) {
        Err(e) => {
            assert_eq!(e.path, "state");
            assert_eq!(e.kind, ErrorKind::NotJson);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_corrupt_snapshot_names_the_path() {
    let sim = busy();
    let mut snapshot: Value = serde_json::from_str(&sim.state_json()).unwrap();
    snapshot["conversations"]["conv_1"]["exchanges"] = json!("many");
    match Engine::restore_json(config(json!({"handoff": {}})), &snapshot.to_string()) {
        Err(e) => {
            assert!(e.path.starts_with("state.conversations.conv_1"), "{e}");
            assert_eq!(e.kind, ErrorKind::WrongType, "{e}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_contradictory_snapshot_is_refused() {
    let sim = busy();
    let mut snapshot: Value = serde_json::from_str(&sim.state_json()).unwrap();
    // conv_1 is offered to agent_1; make agent_1 forget it.
    snapshot["agents"]["agent_1"]["active"] = json!([]);
    match Engine::restore_json(config(json!({"handoff": {}})), &snapshot.to_string()) {
        Err(e) => {
            assert_eq!(e.path, "state.conversations.conv_1");
            assert_eq!(e.kind, ErrorKind::Inconsistent);
        }
        other => panic!("{other:?}"),
    }
}

/// A host that restarts after every input gives the same outputs, byte for byte, as one that never
/// stops.
#[test]
fn restoring_then_continuing_gives_the_same_outputs_as_an_uninterrupted_run() {
    let script: Vec<(i64, Value)> = vec![
        (
            0,
            json!({"type": "agent_update", "agent": {"id": "agent_1", "name": "Asha", "status": "online", "max_concurrent": 1}}),
        ),
        (
            0,
            json!({"type": "agent_update", "agent": {"id": "agent_2", "name": "Ravi", "status": "online", "max_concurrent": 1}}),
        ),
        (
            1,
            json!({"type": "customer_message", "conversation_id": "conv_1", "text": "Where is my order ORD-1?",
                   "customer": {"id": "cust_1", "name": "Priya Sharma", "email": "priya@example.com"}}),
        ),
        (
            2,
            json!({"type": "ai_reply", "conversation_id": "conv_1", "text": "Checking.", "actions": ["looked up order"]}),
        ),
        (
            3,
            json!({"type": "customer_message", "conversation_id": "conv_1", "text": "This is the WORST service ever, I am furious!!"}),
        ),
        (
            4,
            json!({"type": "customer_message", "conversation_id": "conv_2", "text": "Can I talk to a real person?"}),
        ),
        (
            5,
            json!({"type": "customer_message", "conversation_id": "conv_3", "text": "quiero hablar con una persona"}),
        ),
        (
            6,
            json!({"type": "agent_decline", "conversation_id": "conv_1", "agent_id": "agent_1"}),
        ),
        (70, json!({"type": "tick"})),
        (75, json!({"type": "tick"})),
        (130, json!({"type": "tick"})),
        (
            140,
            json!({"type": "conversation_closed", "conversation_id": "conv_2", "by": "customer"}),
        ),
        (200, json!({"type": "tick"})),
        (400, json!({"type": "tick"})),
    ];
    let cfg = || config(spec_config());
    let start = support::ms(support::SPEC_NOW);

    let mut straight = Engine::new(cfg());
    let mut expected = Vec::new();
    for (t, input) in &script {
        let out = straight
            .handle(Input::from_value(input.clone()).unwrap(), start + t * 1000)
            .unwrap();
        expected.push(serde_json::to_string(&out).unwrap());
    }

    let mut snapshot = serde_json::to_string(Engine::new(cfg()).state()).unwrap();
    let mut got = Vec::new();
    for (t, input) in &script {
        let mut engine = Engine::restore_json(cfg(), &snapshot).unwrap();
        let out = engine
            .handle(Input::from_value(input.clone()).unwrap(), start + t * 1000)
            .unwrap();
        got.push(serde_json::to_string(&out).unwrap());
        snapshot = serde_json::to_string(engine.state()).unwrap();
    }
    for (i, (a, b)) in expected.iter().zip(&got).enumerate() {
        assert_eq!(a, b, "outputs differ at input {i}: {}", script[i].1);
    }
    assert_eq!(snapshot, serde_json::to_string(straight.state()).unwrap());
    // The script did something worth comparing.
    assert!(expected.iter().any(|o| o.contains("\"offer_withdrawn\"")));
    assert!(expected.iter().any(|o| o.contains("\"delivery_retry\"")));
}

#[test]
fn an_offer_pending_at_a_restart_still_expires() {
    let mut sim = Sim::new(json!({"handoff": {}}));
    sim.all_online(&["agent_1", "agent_2"]);
    sim.button("conv_1");
    let snapshot = sim.state_json();
    let mut restored = Sim::new(json!({"handoff": {}}));
    restored.engine = Engine::restore_json(config(json!({"handoff": {}})), &snapshot).unwrap();
    restored.now = sim.now;
    assert_eq!(restored.engine.next_wakeup(), sim.engine.next_wakeup());
    let out = restored.advance_secs(60);
    assert_eq!(offered_to(&out, "conv_1").as_deref(), Some("agent_2"));
}

#[test]
fn an_early_tick_does_nothing() {
    let mut sim = Sim::new(json!({"handoff": {}}));
    sim.all_online(&["agent_1", "agent_2"]);
    sim.button("conv_1");
    sim.advance_secs(30);
    assert!(sim.tick().is_empty());
    assert!(sim.tick().is_empty());
}

#[test]
fn time_never_goes_backwards() {
    let mut sim = Sim::new(json!({"handoff": {}}));
    sim.online("agent_1", "Asha");
    sim.button("conv_1");
    sim.now -= 3_600_000;
    let out = sim.accept("conv_1", "agent_1");
    // The wait is measured from the handoff, never negative.
    assert_eq!(support::one(&out, "assigned")["wait_ms"], 0);
}
