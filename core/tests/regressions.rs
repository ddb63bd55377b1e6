//! What the property tests (`tests/tests/properties.rs`) and the fuzz target `engine_ops`
//! found, kept as plain tests of the engine so that `cargo test -p handoff-core` checks them.

use handoff_core::wire::state::State;
use handoff_core::{Config, Engine, Input, Output};
use serde_json::{json, Value};

/// Monday 2026-01-12 10:30:00 UTC, where the property tests' clock starts.
const START: i64 = 1_768_213_800_000;

fn input(value: Value) -> Input {
    Input::from_value(value.clone())
        .unwrap_or_else(|e| panic!("test input {value} must parse: {e}"))
}

fn state_json(state: &State) -> String {
    serde_json::to_string(state).expect("the state serialises")
}

/// Found by `restore_continues_exactly`: a caller's confidence of `0.9205658460412001` is kept in
/// the state exactly, but `serde_json` (built without its `float_roundtrip` feature) parses the
/// persisted `0.9205658460412001` back as `0.9205658460412`, one ulp away, so the restored state
/// differs from the persisted one and so do later outputs (the agent's context shows the
/// confidence). The fix is `serde_json = { features = ["float_roundtrip"] }` in the workspace.
#[test]
fn restore_keeps_full_precision_floats() {
    let config = Config::from_json_str(r#"{"handoff": {}}"#).unwrap();
    let mut engine = Engine::new(config.clone());
    let message = input(json!({
        "type": "customer_message",
        "conversation_id": "conv_0",
        "text": "talk to a human",
        "signals": {"confidence": 0.920_565_846_041_200_1_f64},
    }));
    engine.handle(message, START).unwrap();
    let persisted = state_json(engine.state());
    let restored = Engine::restore_json(config, &persisted).unwrap();
    assert_eq!(state_json(restored.state()), persisted);
    assert_eq!(restored.state(), engine.state());
}

/// Found by `a_tick_when_nothing_is_due_does_nothing` (shrunk by hand from proptest's 12 steps).
/// A conversation needing a skill nobody online has waits `skill_wait_seconds`, and
/// `next_wakeup()` says when that wait ends. But when any other input arrives at (or after) that
/// instant, before the host's tick, `next_wakeup()` filters the deadline out (it only keeps
/// deadlines later than `now`) and nothing else routes the conversation: it stays queued
/// although an agent is free, until some unrelated tick, agent update or close. A host that
/// ticks only when told never hands it over.
#[test]
fn skill_wait_deadline_survives_an_input_at_the_deadline() {
    let config = Config::from_value(&json!({"handoff": {"routing": {
        "method": "skill_based",
        "skills": {"billing": ["agent_0"]},
        "skill_wait_seconds": 60,
    }}}))
    .unwrap();
    let mut engine = Engine::new(config);
    let send = |engine: &mut Engine, v: Value, now: i64| engine.handle(input(v), now).unwrap();
    send(
        &mut engine,
        json!({"type": "agent_update", "agent": {"id": "agent_1", "status": "online"}}),
        START,
    );
    let out = send(
        &mut engine,
        json!({"type": "customer_message", "conversation_id": "conv_1",
               "text": "I was charged twice, talk to a human", "signals": {"topic": "billing_dispute"}}),
        START,
    );
    assert!(
        out.iter().any(|o| matches!(o, Output::Queued { .. })),
        "waits for a billing agent: {out:?}"
    );
    assert_eq!(engine.next_wakeup(), Some(START + 60_000));
    // Another customer writes exactly when the wait ends, before the host's tick.
    send(
        &mut engine,
        json!({"type": "customer_message", "conversation_id": "conv_2", "text": "hello"}),
        START + 60_000,
    );
    let wake = engine.next_wakeup();
    let tick = engine.handle(Input::Tick, START + 60_000).unwrap();
    assert!(
        tick.is_empty() || wake.is_some_and(|w| w <= START + 60_000),
        "next_wakeup() is {wake:?}, yet a tick now outputs {tick:?}"
    );
}

/// Found by `a_tick_when_nothing_is_due_does_nothing` (proptest's minimal sequence, 6 steps): the
/// same flaw as `skill_wait_deadline_survives_an_input_at_the_deadline`, with the decline
/// cooldown. An agent who declined may be offered the conversation again after
/// `offer_timeout_seconds`, and `next_wakeup()` says when; but an input other than a tick arriving
/// at that instant drops the deadline (`next_wakeup()` keeps only deadlines later than `now`), so a
/// host that ticks when told never hands the conversation back to the only agent on duty.
#[test]
fn decline_cooldown_survives_an_input_at_its_end() {
    let config = Config::from_value(&json!({"handoff": {
        "routing": {"method": "round_robin", "offer_timeout_seconds": 5},
    }}))
    .unwrap();
    let mut engine = Engine::new(config);
    let send = |engine: &mut Engine, v: Value, now: i64| engine.handle(input(v), now).unwrap();
    send(
        &mut engine,
        json!({"type": "customer_message", "conversation_id": "conv_0", "text": "mujhe insaan se baat karni hai"}),
        START,
    );
    send(
        &mut engine,
        json!({"type": "agent_update", "agent": {"id": "agent_0", "status": "online"}}),
        START,
    );
    let out = send(
        &mut engine,
        json!({"type": "agent_decline", "conversation_id": "conv_0", "agent_id": "agent_0"}),
        START,
    );
    assert!(
        !out.iter().any(|o| matches!(o, Output::Offered { .. })),
        "{out:?}"
    );
    assert_eq!(engine.next_wakeup(), Some(START + 5_000));
    // Another customer writes exactly when the cooldown ends, before the host's tick.
    send(
        &mut engine,
        json!({"type": "customer_message", "conversation_id": "conv_9", "text": "hello"}),
        START + 5_000,
    );
    let wake = engine.next_wakeup();
    let tick = engine.handle(Input::Tick, START + 5_000).unwrap();
    assert!(
        tick.is_empty() || wake.is_some_and(|w| w <= START + 5_000),
        "next_wakeup() is {wake:?}, yet a tick now outputs {tick:?}"
    );
}
