//! Resolve and reopen (issue 19): the agent resolves with an outcome; a later customer message
//! reopens it to the AI, the last agent or the queue (`resolution.reopen_to`); the wrap-up keeps
//! the agent's slot until `wrap_up_done` or its time; the satisfaction question and `csat`,
//! counted in the state. Every refusal names its path and kind and leaves the serialised state
//! exactly as it was (`Sim::refused`).

mod support;

use handoff_core::error::ErrorKind;
use handoff_core::{Config, Engine};
use serde_json::{json, Value};
use support::{event, event_names, one, texts_for, types, Sim};

/// Two agents online (Asha, Ravi) under `load_based` with `resolution`.
fn team(resolution: Value, routing: Value) -> Sim {
    let mut sim = Sim::new(json!({"handoff": {"routing": routing, "resolution": resolution}}));
    sim.online("agent_1", "Asha");
    sim.online("agent_2", "Ravi");
    sim
}

fn ask(sim: &mut Sim, conv: &str) -> Vec<Value> {
    sim.send(json!({"type": "customer_message", "conversation_id": conv, "text": "I want to talk to a human"}))
}

/// `c1` held by agent_1.
fn held(resolution: Value) -> Sim {
    let mut sim = team(resolution, json!({"method": "load_based"}));
    ask(&mut sim, "c1");
    sim.accept("c1", "agent_1");
    sim
}

fn resolve(sim: &mut Sim, conv: &str, agent: &str, outcome: &str) -> Vec<Value> {
    sim.send(
        json!({"type": "resolve", "conversation_id": conv, "agent_id": agent, "outcome": outcome}),
    )
}

fn active(sim: &Sim, agent: &str) -> Vec<String> {
    sim.engine.state().agents[agent]
        .active
        .iter()
        .cloned()
        .collect()
}

fn holder(sim: &Sim, conv: &str) -> Value {
    serde_json::from_str(
        &sim.engine
            .query_json(&format!(
                r#"{{"query":"holder","conversation_id":"{conv}"}}"#
            ))
            .unwrap(),
    )
    .unwrap()
}

fn kind(sim: &mut Sim, input: Value, path: &str, kind: ErrorKind) -> String {
    let e = sim.refused(input, path);
    assert_eq!(e.kind, kind, "{e}");
    e.message.clone()
}

#[test]
fn resolving_frees_the_agent_tells_everyone_and_keeps_the_conversation_for_the_window() {
    let mut sim = held(json!({}));
    let out = sim.send(
        json!({"type": "resolve", "conversation_id": "c1", "agent_id": "agent_1",
                              "outcome": "solved", "note": "refund issued"}),
    );
    assert_eq!(types(&out), ["resolved", "message", "event"]);
    let resolved = one(&out, "resolved");
    assert_eq!(resolved["agent_id"], "agent_1");
    assert_eq!(resolved["by"], "agent");
    assert_eq!(resolved["outcome"], "solved");
    assert_eq!(resolved["note"], "refund issued");
    assert_eq!(resolved["reopen_until"], sim.now + 1440 * 60_000);
    assert_eq!(
        texts_for(&out, "c1"),
        ["Asha has marked this conversation as resolved. Write again any time if you need more help."]
    );
    assert_eq!(
        event(&out, "conversation.resolved")["data"],
        json!({"conversation_id": "c1", "agent_id": "agent_1", "resolved_by": "agent",
               "outcome": "solved", "note": "refund issued", "reopen_until": "2026-01-13T10:30:00Z"})
    );
    assert!(active(&sim, "agent_1").is_empty(), "the slot is free");
    assert_eq!(
        holder(&sim, "c1"),
        json!({"status": "resolved", "agent_id": null})
    );
    // Nobody answers it now: the agent's lines are refused.
    kind(
        &mut sim,
        json!({"type": "agent_message", "conversation_id": "c1", "agent_id": "agent_1", "text": "x"}),
        "input.agent_id",
        ErrorKind::NotHeldBy,
    );
    // The window ends: forgotten, closed by the system, the event for webhooks and helpdesks.
    assert_eq!(sim.engine.next_wakeup(), Some(sim.now + 1440 * 60_000));
    let out = sim.advance_secs(1440 * 60);
    assert_eq!(types(&out), ["closed", "event"]);
    assert_eq!(
        out[0],
        json!({"type": "closed", "conversation_id": "c1", "by": "system", "agent_id": "agent_1"})
    );
    assert_eq!(event_names(&out), ["conversation.closed"]);
    assert!(sim.engine.state().conversations.is_empty());
    assert_eq!(sim.engine.next_wakeup(), None);
}

#[test]
fn an_admin_resolves_any_assigned_conversation_and_outcomes_come_from_the_configuration() {
    let mut sim = held(json!({"outcomes": ["fixed", "refunded"]}));
    let message = kind(
        &mut sim,
        json!({"type": "resolve", "conversation_id": "c1", "agent_id": "agent_1", "outcome": "solved"}),
        "input.outcome",
        ErrorKind::UnknownVariant,
    );
    assert!(message.contains("fixed, refunded"), "{message}");
    let message = kind(
        &mut sim,
        json!({"type": "resolve", "conversation_id": "c1", "by": "admin", "outcome": "refundd"}),
        "input.outcome",
        ErrorKind::UnknownVariant,
    );
    assert!(message.contains("did you mean \"refunded\""), "{message}");
    let out = sim.send(
        json!({"type": "resolve", "conversation_id": "c1", "by": "admin", "outcome": "refunded"}),
    );
    assert_eq!(one(&out, "resolved")["by"], "admin");
    assert_eq!(one(&out, "resolved")["agent_id"], "agent_1");
    assert_eq!(
        event(&out, "conversation.resolved")["data"]["resolved_by"],
        "admin"
    );
}

#[test]
fn resolve_is_refused_unless_the_agent_holds_it_with_the_field_named() {
    let mut sim = team(json!({}), json!({"method": "load_based"}));
    let r = |agent: Option<&str>, by: &str| {
        let mut input =
            json!({"type": "resolve", "conversation_id": "c1", "by": by, "outcome": "solved"});
        if let Some(a) = agent {
            input["agent_id"] = json!(a);
        }
        input
    };
    // Unknown conversation.
    kind(
        &mut sim,
        r(Some("agent_1"), "agent"),
        "input.conversation_id",
        ErrorKind::UnknownConversation,
    );
    ask(&mut sim, "c1");
    // Offered, not held.
    kind(
        &mut sim,
        r(Some("agent_1"), "agent"),
        "input.conversation_id",
        ErrorKind::WrongState,
    );
    sim.accept("c1", "agent_1");
    kind(
        &mut sim,
        r(Some("agent_2"), "agent"),
        "input.agent_id",
        ErrorKind::NotHeldBy,
    );
    kind(
        &mut sim,
        r(None, "agent"),
        "input.agent_id",
        ErrorKind::Missing,
    );
    kind(
        &mut sim,
        r(Some("agent_1"), "admin"),
        "input.agent_id",
        ErrorKind::Invalid,
    );
    kind(
        &mut sim,
        json!({"type": "resolve", "conversation_id": "c1", "agent_id": "agent_1"}),
        "input.outcome",
        ErrorKind::Missing,
    );
    // A warm transfer waiting for its answer.
    sim.send(
        json!({"type": "transfer", "conversation_id": "c1", "agent_id": "agent_1",
                    "to": {"agent": "agent_2"}, "mode": "warm"}),
    );
    kind(
        &mut sim,
        r(Some("agent_1"), "agent"),
        "input.conversation_id",
        ErrorKind::WrongState,
    );
    sim.decline("c1", "agent_2");
    resolve(&mut sim, "c1", "agent_1", "solved");
    // Twice.
    kind(
        &mut sim,
        r(Some("agent_1"), "agent"),
        "input.conversation_id",
        ErrorKind::WrongState,
    );
}

#[test]
fn reopened_to_the_last_agent_when_online_and_free() {
    let mut sim = held(json!({}));
    resolve(&mut sim, "c1", "agent_1", "solved");
    sim.advance_secs(60);
    let out = sim.send(
        json!({"type": "customer_message", "conversation_id": "c1", "text": "It broke again"}),
    );
    assert_eq!(
        types(&out),
        ["reopened", "event", "offered", "customer_message", "event"]
    );
    let reopened = one(&out, "reopened");
    assert_eq!(reopened["to"], "last_agent");
    assert_eq!(reopened["agent_id"], "agent_1");
    assert_eq!(reopened["from_agent_id"], "agent_1");
    let history = reopened["context"]["history"].as_array().unwrap();
    assert_eq!(history.last().unwrap()["text"], "It broke again");
    assert_eq!(
        event(&out, "conversation.reopened")["data"],
        json!({"conversation_id": "c1", "reopened_to": "last_agent", "from_agent_id": "agent_1", "outcome": "solved"})
    );
    assert_eq!(one(&out, "offered")["agent_id"], "agent_1");
    assert_eq!(one(&out, "customer_message")["agent_id"], "agent_1");
    let out = sim.accept("c1", "agent_1");
    // The wait counts from the reopening.
    assert_eq!(one(&out, "assigned")["wait_ms"], 0);
    assert_eq!(active(&sim, "agent_1"), ["c1"]);
}

#[test]
fn reopened_for_the_last_agent_goes_through_routing_when_they_are_away_or_full() {
    let mut sim = team(
        json!({}),
        json!({"method": "load_based", "max_concurrent_per_agent": 1}),
    );
    ask(&mut sim, "c1");
    sim.accept("c1", "agent_1");
    resolve(&mut sim, "c1", "agent_1", "solved");
    // agent_1 takes another conversation (full), agent_2 is free.
    sim.offline("agent_2");
    ask(&mut sim, "c2");
    sim.accept("c2", "agent_1");
    sim.online("agent_2", "Ravi");
    let out = sim.customer("c1", "Hello again");
    let reopened = one(&out, "reopened");
    assert_eq!(reopened["to"], "queue");
    assert_eq!(reopened["agent_id"], Value::Null);
    assert_eq!(one(&out, "offered")["agent_id"], "agent_2");
    // Both full now: the next reopening waits in the queue.
    sim.accept("c1", "agent_2");
    resolve(&mut sim, "c1", "agent_2", "solved");
    ask(&mut sim, "c3");
    sim.accept("c3", "agent_2");
    let out = sim.customer("c1", "Still broken");
    assert_eq!(one(&out, "reopened")["to"], "queue");
    assert_eq!(one(&out, "queued")["position"], 1);
    assert_eq!(one(&out, "customer_message")["agent_id"], Value::Null);
    assert_eq!(
        holder(&sim, "c1"),
        json!({"status": "queued", "agent_id": null})
    );
    // A slot frees: the queue is served.
    let out = resolve(&mut sim, "c3", "agent_2", "solved");
    assert_eq!(one(&out, "offered")["conversation_id"], "c1");
}

#[test]
fn reopened_to_the_ai_restarts_the_counters_and_a_later_handoff_goes_to_that_agent_first() {
    let mut sim = team(json!({"reopen_to": "ai"}), json!({"method": "round_robin"}));
    ask(&mut sim, "c1");
    sim.accept("c1", "agent_1");
    resolve(&mut sim, "c1", "agent_1", "solved");
    let out = sim.customer("c1", "One more question about my order");
    assert_eq!(types(&out), ["reopened", "event"]);
    assert_eq!(
        one(&out, "reopened"),
        &json!({"type": "reopened", "conversation_id": "c1", "to": "ai", "from_agent_id": "agent_1", "agent_id": null})
    );
    let conv = &sim.engine.state().conversations["c1"];
    assert_eq!(conv.exchanges, 0);
    assert!(conv.awaiting_ai);
    // The AI may answer again.
    sim.ai("c1", "Here is your order status.");
    // Round robin would pick agent_2 next; the agent who resolved it comes first.
    let out = ask(&mut sim, "c1");
    assert_eq!(one(&out, "offered")["agent_id"], "agent_1");
}

#[test]
fn a_reopening_message_that_asks_for_a_person_with_the_ai_hands_off_at_once() {
    let mut sim = held(json!({"reopen_to": "ai"}));
    resolve(&mut sim, "c1", "agent_1", "not_solved");
    let out = ask(&mut sim, "c1");
    assert_eq!(one(&out, "reopened")["to"], "ai");
    assert!(types(&out).contains(&"handoff".to_string()), "{out:#?}");
    assert_eq!(one(&out, "offered")["agent_id"], "agent_1");
}

#[test]
fn reopened_to_the_queue_routes_like_a_new_handoff() {
    let mut sim = team(
        json!({"reopen_to": "queue"}),
        json!({"method": "round_robin"}),
    );
    ask(&mut sim, "c1");
    sim.accept("c1", "agent_1");
    resolve(&mut sim, "c1", "agent_1", "solved");
    let out = sim.customer("c1", "Hi again");
    assert_eq!(one(&out, "reopened")["to"], "queue");
    // Round robin's next agent, not the last one.
    assert_eq!(one(&out, "offered")["agent_id"], "agent_2");
    // A widget button on a resolved conversation reopens it the same way.
    sim.accept("c1", "agent_2");
    resolve(&mut sim, "c1", "agent_2", "solved");
    let out = sim.button("c1");
    assert_eq!(one(&out, "reopened")["to"], "queue");
    assert_eq!(types(&out).iter().filter(|t| *t == "offered").count(), 1);
}

#[test]
fn outside_business_hours_a_reopening_goes_to_the_ai() {
    let mut sim = Sim::new(json!({"handoff": {
        "business_hours": {"timezone": "UTC", "schedule": {"monday": {"start": "09:00", "end": "18:00"}}},
        "resolution": {"reopen_to": "last_agent"}
    }}));
    sim.online("agent_1", "Asha");
    ask(&mut sim, "c1");
    sim.accept("c1", "agent_1");
    resolve(&mut sim, "c1", "agent_1", "solved");
    sim.advance_secs(9 * 3600); // 19:30, closed
    let out = sim.customer("c1", "thanks for the help earlier");
    assert_eq!(one(&out, "reopened")["to"], "ai");
}

#[test]
fn wrap_up_holds_the_slot_until_wrap_up_done() {
    let mut sim = team(
        json!({"wrap_up_seconds": 120}),
        json!({"method": "load_based", "max_concurrent_per_agent": 1}),
    );
    sim.offline("agent_2");
    ask(&mut sim, "c1");
    sim.accept("c1", "agent_1");
    let out = resolve(&mut sim, "c1", "agent_1", "solved");
    assert_eq!(
        types(&out),
        ["resolved", "wrap_up_started", "message", "event"]
    );
    assert_eq!(one(&out, "wrap_up_started")["until"], sim.now + 120_000);
    assert_eq!(active(&sim, "agent_1"), ["c1"], "the slot stays taken");
    // A new customer waits: the only agent is in wrap-up.
    let out = ask(&mut sim, "c2");
    assert_eq!(one(&out, "queued")["position"], 1);
    assert_eq!(sim.engine.next_wakeup(), Some(sim.now + 120_000));
    // Someone else cannot end it.
    kind(
        &mut sim,
        json!({"type": "wrap_up_done", "conversation_id": "c1", "agent_id": "agent_2"}),
        "input.agent_id",
        ErrorKind::NotHeldBy,
    );
    let out =
        sim.send(json!({"type": "wrap_up_done", "conversation_id": "c1", "agent_id": "agent_1"}));
    assert_eq!(
        out[0],
        json!({"type": "wrap_up_ended", "conversation_id": "c1", "agent_id": "agent_1", "reason": "done"})
    );
    assert_eq!(one(&out, "offered")["conversation_id"], "c2");
    // Twice: the wrap-up is over.
    kind(
        &mut sim,
        json!({"type": "wrap_up_done", "conversation_id": "c1", "agent_id": "agent_1"}),
        "input.conversation_id",
        ErrorKind::WrongState,
    );
    // The timer now is the offer's, then the reopen window's.
    let window_end = sim.engine.state().conversations["c1"].status.clone();
    assert!(format!("{window_end:?}").contains("Resolved"));
}

#[test]
fn wrap_up_ends_by_itself_at_its_time() {
    let mut sim = team(
        json!({"wrap_up_seconds": 120}),
        json!({"method": "load_based", "max_concurrent_per_agent": 1}),
    );
    sim.offline("agent_2");
    ask(&mut sim, "c1");
    sim.accept("c1", "agent_1");
    resolve(&mut sim, "c1", "agent_1", "solved");
    ask(&mut sim, "c2");
    let out = sim.advance_secs(119);
    assert!(out.is_empty(), "{out:#?}");
    let out = sim.advance_secs(1);
    assert_eq!(out[0]["type"], "wrap_up_ended");
    assert_eq!(out[0]["reason"], "expired");
    assert_eq!(one(&out, "offered")["conversation_id"], "c2");
    assert_eq!(active(&sim, "agent_1"), ["c2"]);
    // The reopen window still runs after the wrap-up.
    assert_eq!(sim.engine.state().conversations["c1"].wrap_up_agent(), None);
    assert!(sim.engine.next_wakeup().is_some());
}

#[test]
fn a_reopening_during_wrap_up_ends_it_and_the_same_agent_takes_it_back() {
    let mut sim = team(
        json!({"wrap_up_seconds": 300}),
        json!({"method": "load_based", "max_concurrent_per_agent": 1}),
    );
    ask(&mut sim, "c1");
    sim.accept("c1", "agent_1");
    resolve(&mut sim, "c1", "agent_1", "solved");
    let out = sim.customer("c1", "wait, one more thing");
    assert_eq!(types(&out)[..3], ["wrap_up_ended", "reopened", "event"]);
    assert_eq!(out[0]["reason"], "reopened");
    assert_eq!(one(&out, "reopened")["to"], "last_agent");
    assert_eq!(one(&out, "offered")["agent_id"], "agent_1");
    assert_eq!(active(&sim, "agent_1"), ["c1"]);
}

#[test]
fn closing_a_resolved_conversation_in_wrap_up_frees_the_agent() {
    let mut sim = held(json!({"wrap_up_seconds": 300}));
    resolve(&mut sim, "c1", "agent_1", "solved");
    // The agent who resolved it may close it; another may not.
    kind(
        &mut sim,
        json!({"type": "conversation_closed", "conversation_id": "c1", "by": "agent", "agent_id": "agent_2"}),
        "input.agent_id",
        ErrorKind::NotHeldBy,
    );
    let out = sim.send(json!({"type": "conversation_closed", "conversation_id": "c1", "by": "agent", "agent_id": "agent_1"}));
    assert_eq!(types(&out), ["wrap_up_ended", "closed", "event"]);
    assert_eq!(out[0]["reason"], "closed");
    assert_eq!(out[1]["agent_id"], "agent_1");
    assert!(active(&sim, "agent_1").is_empty());
    assert_eq!(sim.engine.next_wakeup(), None);
}

#[test]
fn the_satisfaction_question_and_one_rating_per_resolution_counted_in_the_state() {
    let mut sim = held(json!({"csat": true}));
    let out = resolve(&mut sim, "c1", "agent_1", "solved");
    assert_eq!(types(&out), ["resolved", "message", "message", "event"]);
    assert_eq!(out[2]["template"], "csat_question");
    let rate = |score: Value| json!({"type": "csat", "conversation_id": "c1", "score": score, "comment": "quick"});
    for bad in [json!(0), json!(6)] {
        let message = kind(&mut sim, rate(bad), "input.score", ErrorKind::OutOfRange);
        assert!(message.contains("1") && message.contains("5"), "{message}");
    }
    for bad in [json!(4.5), json!("5"), json!(-1)] {
        let e = sim.refused(rate(bad.clone()), "input.score");
        assert_ne!(e.kind, ErrorKind::UnknownField, "{bad}: {e}");
    }
    let out = sim.send(rate(json!(4)));
    assert_eq!(
        out[0],
        json!({"type": "csat_recorded", "conversation_id": "c1", "score": 4, "comment": "quick",
               "agent_id": "agent_1", "outcome": "solved"})
    );
    assert_eq!(
        event(&out, "conversation.csat")["data"],
        json!({"conversation_id": "c1", "score": 4, "comment": "quick", "agent_id": "agent_1", "outcome": "solved"})
    );
    let e = sim.refused(rate(json!(5)), "input.conversation_id");
    assert_eq!(e.kind, ErrorKind::Duplicate);
    let stats: Value =
        serde_json::from_str(&sim.engine.query_json(r#"{"query":"resolutions"}"#).unwrap())
            .unwrap();
    assert_eq!(
        stats,
        json!({"by_outcome": {"solved": 1}, "csat_responses": 1, "csat_score_sum": 4, "csat_by_score": {"4": 1}})
    );
    // The counts survive a restart, from the snapshot and from the records.
    let config = sim.engine.config().clone();
    let restored = Engine::restore_json(config.clone(), &sim.state_json()).unwrap();
    assert_eq!(
        restored.query_json(r#"{"query":"resolutions"}"#).unwrap(),
        serde_json::to_string(&stats).unwrap()
    );
    let records = sim.engine.records();
    let rows = records
        .iter()
        .map(|c| (c.kind, c.id.clone(), c.value.clone().unwrap()));
    let from_records = Engine::restore_records(config, rows).unwrap();
    assert_eq!(from_records.state(), sim.engine.state());
    // Reopened and resolved again: a new rating is welcome.
    sim.customer("c1", "again");
    sim.accept("c1", "agent_1");
    resolve(&mut sim, "c1", "agent_1", "duplicate");
    sim.send(rate(json!(2)));
    let stats: Value =
        serde_json::from_str(&sim.engine.query_json(r#"{"query":"resolutions"}"#).unwrap())
            .unwrap();
    assert_eq!(
        stats,
        json!({"by_outcome": {"duplicate": 1, "solved": 1}, "csat_responses": 2, "csat_score_sum": 6,
               "csat_by_score": {"2": 1, "4": 1}})
    );
}

#[test]
fn csat_needs_a_resolved_conversation() {
    let mut sim = held(json!({}));
    let rate = |conv: &str| json!({"type": "csat", "conversation_id": conv, "score": 5});
    kind(
        &mut sim,
        rate("nope"),
        "input.conversation_id",
        ErrorKind::UnknownConversation,
    );
    kind(
        &mut sim,
        rate("c1"),
        "input.conversation_id",
        ErrorKind::WrongState,
    );
    kind(
        &mut sim,
        json!({"type": "csat", "conversation_id": "c1", "score": 5, "stars": 5}),
        "input.stars",
        ErrorKind::UnknownField,
    );
    kind(
        &mut sim,
        json!({"type": "csat", "conversation_id": "c1"}),
        "input.score",
        ErrorKind::Missing,
    );
    // After the window it is forgotten: a rating is for an unknown conversation.
    resolve(&mut sim, "c1", "agent_1", "solved");
    sim.advance_secs(1440 * 60);
    kind(
        &mut sim,
        rate("c1"),
        "input.conversation_id",
        ErrorKind::UnknownConversation,
    );
}

#[test]
fn a_state_without_resolutions_serialises_as_before() {
    // No resolution field and no resolved status: an older engine of the same version reads it.
    let sim = held(json!({}));
    let state: Value = serde_json::from_str(&sim.state_json()).unwrap();
    assert!(state.get("resolutions").is_none(), "{state}");
    let records = sim.engine.records();
    assert!(!records[0].value.as_deref().unwrap().contains("resolutions"));
    let _ = Config::from_json_str("{}").unwrap();
}

#[test]
fn a_long_window_at_the_end_of_time_still_restores() {
    let mut sim = held(json!({"reopen_window_minutes": 43_200, "wrap_up_seconds": 3600}));
    sim.now = handoff_core::wire::limits::MAX_TIME - 1000;
    let out = resolve(&mut sim, "c1", "agent_1", "solved");
    assert_eq!(
        one(&out, "resolved")["reopen_until"],
        handoff_core::wire::limits::MAX_TIME
    );
    let config = sim.engine.config().clone();
    let restored = Engine::restore_json(config, &sim.state_json()).unwrap();
    assert_eq!(restored.state(), sim.engine.state());
}

#[test]
fn a_reopening_with_nobody_free_and_no_queue_says_so_once() {
    for (fallback, said) in [
        ("none", "no_agent_available"),
        ("callback", "no_agent_available"),
    ] {
        let mut sim = Sim::new(json!({"handoff": {
            "routing": {"fallback": fallback, "max_concurrent_per_agent": 1},
            "resolution": {"reopen_to": "queue"}
        }}));
        sim.online("agent_1", "Asha");
        ask(&mut sim, "c1");
        sim.accept("c1", "agent_1");
        resolve(&mut sim, "c1", "agent_1", "solved");
        ask(&mut sim, "c2");
        sim.accept("c2", "agent_1");
        // The reopening message asks for a person: routed once, not handed off again.
        let out = ask(&mut sim, "c1");
        assert_eq!(one(&out, "reopened")["to"], "queue");
        let templates: Vec<&Value> = out
            .iter()
            .filter(|o| o["type"] == "message")
            .map(|o| &o["template"])
            .collect();
        assert_eq!(templates, [&json!(said)], "{fallback}: {out:#?}");
        assert!(!types(&out).contains(&"handoff".to_string()), "{out:#?}");
    }
}
