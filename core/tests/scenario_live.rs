//! After the handoff (issue 19): the conversation both ways, private notes, the AI silent while a
//! person answers, hand-back to the AI, cold and warm transfers. Every refusal names its path and
//! kind and leaves the serialised state exactly as it was (`Sim::refused`).

mod support;

use handoff_core::error::ErrorKind;
use handoff_core::Engine;
use serde_json::{json, Value};
use support::{config, types, Sim};

fn two_agents(routing: Value) -> Sim {
    let mut sim = Sim::new(json!({"handoff": {"routing": routing}}));
    sim.online("agent_1", "Asha");
    sim.online("agent_2", "Ravi");
    sim
}

fn ask(sim: &mut Sim, conv: &str) -> Vec<Value> {
    sim.send(json!({"type": "customer_message", "conversation_id": conv, "text": "I want to talk to a human"}))
}

fn held(routing: Value) -> Sim {
    let mut sim = two_agents(routing);
    ask(&mut sim, "c1");
    sim.accept("c1", "agent_1");
    sim
}

fn kind(sim: &mut Sim, input: Value, path: &str, kind: ErrorKind) {
    let e = sim.refused(input, path);
    assert_eq!(e.kind, kind, "{e}");
}

#[test]
fn both_sides_reach_each_other_and_notes_stay_with_agents() {
    let mut sim = held(json!({"method": "load_based"}));
    let out = sim.send(json!({"type": "agent_message", "conversation_id": "c1", "agent_id": "agent_1", "text": "Hi"}));
    assert_eq!(types(&out), ["agent_message", "event"]);
    assert_eq!(out[0]["agent_name"], "Asha");
    assert_eq!(
        out[1]["event"]["data"],
        json!({"conversation_id": "c1", "from": "agent", "agent_id": "agent_1", "text": "Hi"})
    );
    let out =
        sim.send(json!({"type": "customer_message", "conversation_id": "c1", "text": "Thanks"}));
    assert_eq!(
        out[0],
        json!({"type": "customer_message", "conversation_id": "c1", "agent_id": "agent_1", "text": "Thanks"})
    );
    let out = sim.send(json!({"type": "agent_note", "conversation_id": "c1", "agent_id": "agent_1", "text": "VIP"}));
    assert_eq!(types(&out), ["agent_note", "event"]);
    assert!(out
        .iter()
        .all(|o| o["type"] != "message" && o["type"] != "agent_message"));
    let history = &sim.engine.state().conversations["c1"].history;
    let roles: Vec<Value> = history
        .iter()
        .map(|h| serde_json::to_value(h.role).unwrap())
        .collect();
    assert_eq!(
        roles,
        [
            json!("customer"),
            json!("agent"),
            json!("customer"),
            json!("agent_note")
        ]
    );
    // The customer's side reads the conversation without the note; agents read it whole.
    let read = |sim: &Sim, audience: &str| -> Value {
        let q = json!({"query": "conversation", "conversation_id": "c1", "audience": audience});
        serde_json::from_str(&sim.engine.query_json(&q.to_string()).unwrap()).unwrap()
    };
    let lines = |v: &Value| v["history"].as_array().map_or(0, Vec::len);
    assert_eq!(lines(&read(&sim, "customer")), 3);
    assert!(!read(&sim, "customer").to_string().contains("VIP"));
    assert_eq!(lines(&read(&sim, "agents")), 4);
    let e = sim
        .engine
        .query_json(r#"{"query":"conversation","conversation_id":"c1","audience":"everyone"}"#)
        .unwrap_err();
    assert_eq!(e.path, "query.audience");
}

#[test]
fn the_ai_is_silent_while_a_person_is_offered_or_holds_it_but_may_talk_while_queued() {
    let mut sim = two_agents(json!({"method": "load_based", "max_concurrent_per_agent": 1}));
    ask(&mut sim, "c1");
    let reply = |c: &str| json!({"type": "ai_reply", "conversation_id": c, "text": "Hello"});
    kind(
        &mut sim,
        reply("c1"),
        "input.conversation_id",
        ErrorKind::WrongState,
    );
    sim.accept("c1", "agent_1");
    kind(
        &mut sim,
        reply("c1"),
        "input.conversation_id",
        ErrorKind::WrongState,
    );
    ask(&mut sim, "c2");
    sim.accept("c2", "agent_2");
    let out = ask(&mut sim, "c3");
    assert!(types(&out).contains(&"queued".to_string()), "{out:#?}");
    sim.send(reply("c3"));
    let out =
        sim.send(json!({"type": "customer_message", "conversation_id": "c3", "text": "hello?"}));
    assert_eq!(out[0]["agent_id"], Value::Null);
}

#[test]
fn agent_lines_and_hand_backs_need_the_holder() {
    let mut sim = two_agents(json!({"method": "load_based"}));
    ask(&mut sim, "c1");
    let back = |a: &str| json!({"type": "return_to_ai", "conversation_id": "c1", "agent_id": a});
    // Offered, not held: nobody holds it.
    kind(
        &mut sim,
        back("agent_1"),
        "input.conversation_id",
        ErrorKind::WrongState,
    );
    kind(
        &mut sim,
        json!({"type": "agent_note", "conversation_id": "c1", "agent_id": "agent_1", "text": "x"}),
        "input.agent_id",
        ErrorKind::NotHeldBy,
    );
    sim.accept("c1", "agent_1");
    kind(
        &mut sim,
        back("agent_2"),
        "input.agent_id",
        ErrorKind::NotHeldBy,
    );
    kind(
        &mut sim,
        json!({"type": "return_to_ai", "conversation_id": "nope", "agent_id": "agent_1"}),
        "input.conversation_id",
        ErrorKind::UnknownConversation,
    );
}

#[test]
fn a_hand_back_frees_the_agent_restarts_the_counters_and_a_later_handoff_goes_to_them_first() {
    let mut sim = held(json!({"method": "load_based", "max_concurrent_per_agent": 1}));
    ask(&mut sim, "c2");
    sim.accept("c2", "agent_2");
    ask(&mut sim, "c3"); // queued
    let out = sim.send(json!({"type": "return_to_ai", "conversation_id": "c1", "agent_id": "agent_1", "note": "done"}));
    assert_eq!(types(&out)[..3], ["returned_to_ai", "message", "event"]);
    assert_eq!(out[0]["note"], "done");
    assert_eq!(out[1]["template"], "returned_to_ai");
    assert_eq!(
        out[1]["text"],
        "Asha has handed you back to our assistant. You can ask for a person again at any time."
    );
    // The freed agent takes the queue head.
    assert!(out.iter().any(|o| o["type"] == "offered"
        && o["conversation_id"] == "c3"
        && o["agent_id"] == "agent_1"));
    let c1 = &sim.engine.state().conversations["c1"];
    assert_eq!((c1.exchanges, c1.low_confidence_streak), (0, 0));
    assert_eq!(c1.last_agent.as_deref(), Some("agent_1"));
    sim.send(json!({"type": "ai_reply", "conversation_id": "c1", "text": "Anything else?"}));
    // Both free again; agent_2 idle longer, but the last agent comes first.
    sim.accept("c3", "agent_1");
    sim.send(json!({"type": "conversation_closed", "conversation_id": "c3"}));
    sim.send(json!({"type": "conversation_closed", "conversation_id": "c2"}));
    let out = ask(&mut sim, "c1");
    assert!(
        out.iter()
            .any(|o| o["type"] == "offered" && o["agent_id"] == "agent_1"),
        "{out:#?}"
    );
}

#[test]
fn bad_transfers_are_refused_with_their_path_and_kind() {
    let mut sim = held(json!({"method": "load_based", "max_concurrent_per_agent": 1}));
    let t = |extra: Value| {
        let mut v = json!({"type": "transfer", "conversation_id": "c1", "agent_id": "agent_1", "to": {"agent": "agent_2"}});
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        v
    };
    kind(
        &mut sim,
        t(json!({"to": {"agent": "agent_9"}})),
        "input.to.agent",
        ErrorKind::UnknownAgent,
    );
    kind(
        &mut sim,
        t(json!({"to": {"agent": "agent_1"}})),
        "input.to.agent",
        ErrorKind::Invalid,
    );
    kind(
        &mut sim,
        t(json!({"agent_id": "agent_2"})),
        "input.agent_id",
        ErrorKind::NotHeldBy,
    );
    kind(
        &mut sim,
        t(json!({"by": "admin"})),
        "input.agent_id",
        ErrorKind::Invalid,
    );
    kind(
        &mut sim,
        t(json!({"to": {"skill": "billing"}})),
        "input.to.skill",
        ErrorKind::Invalid,
    );
    kind(
        &mut sim,
        t(json!({"to": {"queue": true}, "mode": "warm"})),
        "input.mode",
        ErrorKind::Invalid,
    );
    kind(
        &mut sim,
        t(json!({"conversation_id": "c9"})),
        "input.conversation_id",
        ErrorKind::UnknownConversation,
    );
    ask(&mut sim, "c2");
    sim.accept("c2", "agent_2");
    kind(
        &mut sim,
        t(json!({})),
        "input.to.agent",
        ErrorKind::AgentUnavailable,
    );
    ask(&mut sim, "c3"); // queued: nobody holds it
    kind(
        &mut sim,
        t(json!({"conversation_id": "c3"})),
        "input.conversation_id",
        ErrorKind::WrongState,
    );
}

#[test]
fn a_warm_transfer_keeps_the_first_agent_until_the_target_answers() {
    let mut sim = held(json!({"method": "load_based", "offer_timeout_seconds": 30}));
    let warm = json!({"type": "transfer", "conversation_id": "c1", "agent_id": "agent_1", "to": {"agent": "agent_2"}, "mode": "warm", "note": "n"});
    let out = sim.send(warm.clone());
    assert_eq!(out[0]["type"], "offered");
    assert_eq!(out[0]["transfer"]["from_agent_id"], "agent_1");
    assert_eq!(out[0]["transfer"]["note"], "n");
    assert_eq!(out[0]["transfer"]["context"]["conversation_id"], "c1");
    assert_eq!(sim.engine.state().agents["agent_2"].active.len(), 1);
    // The target goes offline: the first agent keeps it.
    let out =
        sim.send(json!({"type": "agent_update", "agent": {"id": "agent_2", "status": "offline"}}));
    assert_eq!(out[0]["reason"], "agent_unavailable");
    assert_eq!(out[1]["event"]["event"], "conversation.transfer_failed");
    assert_eq!(out[1]["event"]["data"]["fallback"], "first_agent");
    assert!(sim.engine.state().agents["agent_2"].active.is_empty());
    sim.online("agent_2", "Ravi");
    sim.send(warm);
    // The customer writes while the target reads along: both agents get it.
    let out = sim
        .send(json!({"type": "customer_message", "conversation_id": "c1", "text": "Still there?"}));
    let to: Vec<&Value> = out
        .iter()
        .filter(|o| o["type"] == "customer_message")
        .map(|o| &o["agent_id"])
        .collect();
    assert_eq!(to, [&json!("agent_1"), &json!("agent_2")]);
    let out = sim.accept("c1", "agent_2");
    assert_eq!(types(&out)[..2], ["agent_left", "assigned"]);
    assert!(sim.engine.state().agents["agent_1"].active.is_empty());
    assert!(out
        .iter()
        .any(|o| o["event"]["event"] == "conversation.transferred"));
}

#[test]
fn a_warm_transfer_with_auto_accept_swaps_at_once_and_a_close_withdraws_a_pending_one() {
    let mut sim = two_agents(json!({"method": "load_based", "auto_accept": true}));
    ask(&mut sim, "c1"); // assigned to agent_1 at once
    let out = sim.send(json!({"type": "transfer", "conversation_id": "c1", "agent_id": "agent_1", "to": {"agent": "agent_2"}, "mode": "warm"}));
    assert_eq!(
        types(&out)[..3],
        ["agent_left", "transfer_received", "assigned"]
    );
    assert_eq!(out[1]["transfer"]["from_agent_id"], "agent_1");
    assert_eq!(out[1]["agent_id"], "agent_2");
    assert!(
        out[2].get("transfer").is_none(),
        "assigned is the customer's too: no note in it"
    );
    let mut sim = held(json!({"method": "load_based"}));
    sim.send(json!({"type": "transfer", "conversation_id": "c1", "agent_id": "agent_1", "to": {"agent": "agent_2"}, "mode": "warm"}));
    let out = sim.send(json!({"type": "conversation_closed", "conversation_id": "c1"}));
    assert_eq!(out[0]["type"], "offer_withdrawn");
    assert!(sim
        .engine
        .state()
        .agents
        .values()
        .all(|a| a.active.is_empty()));
}

#[test]
fn a_cold_transfer_that_lapses_falls_back_to_routing_and_the_first_agent_only_after_its_cooldown() {
    let mut sim = held(json!({"method": "load_based", "offer_timeout_seconds": 30}));
    let out = sim.send(json!({"type": "transfer", "conversation_id": "c1", "agent_id": "agent_1", "to": {"agent": "agent_2"}}));
    assert_eq!(types(&out), ["agent_left", "offered"]);
    // The customer writes while the target is offered it: the target gets it, not the first agent.
    let out =
        sim.send(json!({"type": "customer_message", "conversation_id": "c1", "text": "Hello?"}));
    assert_eq!(types(&out), ["customer_message", "event"]);
    assert_eq!(out[0]["agent_id"], "agent_2");
    assert_eq!(out[1]["event"]["data"]["from"], "customer");
    // Not offered back to the first agent straight away.
    let out = sim.advance_secs(10);
    assert!(out.is_empty(), "{out:#?}");
    let out = sim.advance_secs(21);
    assert!(
        out.iter()
            .any(|o| o["event"]["event"] == "conversation.transfer_failed"
                && o["event"]["data"]["fallback"] == "routing"),
        "{out:#?}"
    );
    // The first agent's cooldown (offer_timeout_seconds from the transfer) is over by now.
    assert!(
        matches!(&sim.engine.state().conversations["c1"].status,
            handoff_core::wire::state::Status::Offered { agent_id, .. } if agent_id == "agent_1"),
        "{out:#?}"
    );
}

#[test]
fn a_version_1_snapshot_restores_and_continues() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/state-v1.json"
    ))
    .unwrap();
    let cfg = config(
        json!({"handoff": {"routing": {"method": "load_based", "max_concurrent_per_agent": 1}}}),
    );
    let mut engine = Engine::restore_json(cfg, &text).expect("a version 1 snapshot restores");
    assert_eq!(engine.state().conversations["c1"].last_agent, None);
    let now = engine.state().now + 1000;
    let out = engine
        .handle_json(
            r#"{"type":"return_to_ai","conversation_id":"c1","agent_id":"agent_1"}"#,
            now,
        )
        .expect("continues");
    assert!(!out.is_empty());
    assert_eq!(
        engine.state().version,
        handoff_core::wire::state::STATE_VERSION
    );
}
