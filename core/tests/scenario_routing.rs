//! Scenarios for the specification's "Routing Methods" (round robin, skill-based, load-based),
//! with agent presence and the offer / accept / decline / timeout cycle.

mod support;

use handoff_core::{Config, Engine};
use serde_json::{json, Value};
use support::{config, has, ms, of_type, offered_to, offers, one, types, Sim, SPEC_NOW};

fn round_robin() -> Value {
    json!({"handoff": {"routing": {
        "method": "round_robin",
        "agent_pool": ["agent_1", "agent_2", "agent_3"]
    }}})
}

fn skill_based(extra: Value) -> Value {
    let mut routing = json!({
        "method": "skill_based",
        "skills": {
            "billing": ["agent_1", "agent_2"],
            "technical": ["agent_3", "agent_4"],
            "sales": ["agent_5"]
        }
    });
    if let (Some(r), Value::Object(extra)) = (routing.as_object_mut(), extra) {
        r.extend(extra);
    }
    json!({"handoff": {"routing": routing}})
}

fn load_based(max: u32) -> Value {
    json!({"handoff": {"routing": {"method": "load_based", "max_concurrent_per_agent": max}}})
}

/// Hands off `conv` with the button and returns the agent it went to, if any.
fn hand_off(sim: &mut Sim, conv: &str) -> Option<String> {
    let out = sim.button(conv);
    offered_to(&out, conv)
}

// ----- Round Robin: "Distribute conversations evenly across available agents" --------------------

#[test]
fn round_robin_takes_the_agents_in_turn() {
    let mut sim = Sim::new(round_robin());
    sim.all_online(&["agent_1", "agent_2", "agent_3"]);
    let got: Vec<String> = (1..=6)
        .map(|i| hand_off(&mut sim, &format!("conv_{i}")).unwrap())
        .collect();
    assert_eq!(
        got,
        ["agent_1", "agent_2", "agent_3", "agent_1", "agent_2", "agent_3"]
    );
}

#[test]
fn round_robin_skips_an_offline_agent() {
    let mut sim = Sim::new(round_robin());
    sim.all_online(&["agent_1", "agent_3"]);
    let got: Vec<String> = (1..=4)
        .map(|i| hand_off(&mut sim, &format!("conv_{i}")).unwrap())
        .collect();
    assert_eq!(got, ["agent_1", "agent_3", "agent_1", "agent_3"]);
}

#[test]
fn round_robin_skips_a_full_agent() {
    let mut sim = Sim::new(json!({"handoff": {"routing": {
        "method": "round_robin",
        "agent_pool": ["agent_1", "agent_2", "agent_3"],
        "max_concurrent_per_agent": 1
    }}}));
    sim.all_online(&["agent_1", "agent_2", "agent_3"]);
    assert_eq!(hand_off(&mut sim, "conv_1").as_deref(), Some("agent_1"));
    assert_eq!(hand_off(&mut sim, "conv_2").as_deref(), Some("agent_2"));
    sim.close("conv_1", "agent");
    // agent_3 is next in turn and free; agent_2 is full.
    assert_eq!(hand_off(&mut sim, "conv_3").as_deref(), Some("agent_3"));
    // agent_1 is free again; agent_2 and agent_3 are full.
    assert_eq!(hand_off(&mut sim, "conv_4").as_deref(), Some("agent_1"));
    // Everyone is full: the customer waits.
    let out = sim.button("conv_5");
    assert!(!has(&out, "offered"), "{out:#?}");
    assert_eq!(one(&out, "queued")["position"], 1);
}

#[test]
fn round_robin_ignores_agents_outside_the_pool() {
    let mut sim = Sim::new(round_robin());
    sim.all_online(&["agent_9", "agent_2"]);
    assert_eq!(hand_off(&mut sim, "conv_1").as_deref(), Some("agent_2"));
    assert_eq!(hand_off(&mut sim, "conv_2").as_deref(), Some("agent_2"));
}

#[test]
fn round_robin_stays_fair_across_a_restart() {
    let inputs = |sim: &mut Sim, from: usize, to: usize| -> Vec<String> {
        (from..=to)
            .map(|i| hand_off(sim, &format!("conv_{i}")).unwrap())
            .collect()
    };
    // Uninterrupted.
    let mut straight = Sim::new(round_robin());
    straight.all_online(&["agent_1", "agent_2", "agent_3"]);
    let mut all = inputs(&mut straight, 1, 2);
    all.extend(inputs(&mut straight, 3, 5));

    // Persisted after two conversations and restored.
    let mut first = Sim::new(round_robin());
    first.all_online(&["agent_1", "agent_2", "agent_3"]);
    let before = inputs(&mut first, 1, 2);
    let snapshot = first.state_json();
    let mut second = Sim::with_config(config(round_robin()));
    second.engine = Engine::restore_json(config(round_robin()), &snapshot).unwrap();
    second.now = first.now;
    let after = inputs(&mut second, 3, 5);

    assert_eq!(before, ["agent_1", "agent_2"]);
    assert_eq!(after, ["agent_3", "agent_1", "agent_2"]);
    assert_eq!([before, after].concat(), all);
}

// ----- Skill-Based: "Route to agents based on expertise matching the conversation topic" ---------

#[test]
fn billing_conversations_go_only_to_billing_agents() {
    let mut sim = Sim::new(skill_based(json!({})));
    sim.all_online(&["agent_1", "agent_2", "agent_3", "agent_4", "agent_5"]);
    for i in 1..=4 {
        let conv = format!("conv_{i}");
        let out = sim.handoff_with_topic(&conv, "billing");
        let agent = offered_to(&out, &conv).expect("offered");
        assert!(
            agent == "agent_1" || agent == "agent_2",
            "{conv} went to {agent}"
        );
    }
}

#[test]
fn billing_conversations_are_shared_between_the_billing_agents() {
    let mut sim = Sim::new(skill_based(json!({})));
    sim.all_online(&["agent_1", "agent_2", "agent_3", "agent_4", "agent_5"]);
    let got: Vec<String> = (1..=4)
        .map(|i| {
            let conv = format!("conv_{i}");
            let out = sim.handoff_with_topic(&conv, "billing");
            offered_to(&out, &conv).unwrap()
        })
        .collect();
    assert_eq!(got, ["agent_1", "agent_2", "agent_1", "agent_2"]);
}

#[test]
fn a_topic_named_after_a_skill_word_finds_the_skill() {
    let mut sim = Sim::new(skill_based(json!({})));
    sim.all_online(&["agent_5", "agent_1"]);
    let out = sim.handoff_with_topic("conv_1", "billing_dispute");
    assert_eq!(offered_to(&out, "conv_1").as_deref(), Some("agent_1"));
}

#[test]
fn a_technical_question_waits_for_a_technical_agent() {
    let mut sim = Sim::new(skill_based(json!({"skill_wait_seconds": 60})));
    sim.all_online(&["agent_1", "agent_2"]);
    let out = sim.handoff_with_topic("conv_1", "technical");
    assert!(!has(&out, "offered"), "{out:#?}");
    assert_eq!(one(&out, "queued")["position"], 1);

    // 30 s later a technical agent comes online and gets it.
    assert!(!has(&sim.advance_secs(30), "offered"));
    let out = sim.online("agent_3", "Ravi");
    assert_eq!(offered_to(&out, "conv_1").as_deref(), Some("agent_3"));
}

#[test]
fn after_skill_wait_seconds_any_agent_will_do() {
    let mut sim = Sim::new(skill_based(json!({"skill_wait_seconds": 60})));
    sim.all_online(&["agent_1", "agent_2"]);
    sim.handoff_with_topic("conv_1", "technical");

    assert!(!has(&sim.advance_secs(59), "offered"));
    let out = sim.advance_secs(1);
    let agent = offered_to(&out, "conv_1").expect("offered after the wait");
    assert!(agent == "agent_1" || agent == "agent_2", "{agent}");
}

#[test]
fn the_wait_deadline_is_a_wakeup_for_the_host() {
    let mut sim = Sim::new(skill_based(json!({"skill_wait_seconds": 60})));
    sim.all_online(&["agent_1"]);
    sim.handoff_with_topic("conv_1", "technical");
    assert_eq!(sim.engine.next_wakeup(), Some(ms(SPEC_NOW) + 60_000));
}

#[test]
fn with_a_null_skill_wait_the_conversation_waits_for_the_skill() {
    let mut sim = Sim::new(skill_based(json!({"skill_wait_seconds": null})));
    sim.all_online(&["agent_1", "agent_2"]);
    sim.handoff_with_topic("conv_1", "technical");
    let out = sim.advance_secs(3600);
    assert!(!has(&out, "offered"), "{out:#?}");
    let out = sim.online("agent_4", "Meera");
    assert_eq!(offered_to(&out, "conv_1").as_deref(), Some("agent_4"));
}

#[test]
fn the_more_proficient_agent_is_chosen() {
    let mut sim = Sim::new(json!({"handoff": {
        "agents": [
            {"id": "agent_1", "name": "Asha", "skills": {"billing": 2}},
            {"id": "agent_2", "name": "Ravi", "skills": {"billing": 5}}
        ],
        "routing": {"method": "skill_based"}
    }}));
    sim.all_online(&["agent_1", "agent_2"]);
    let out = sim.handoff_with_topic("conv_1", "billing");
    assert_eq!(offered_to(&out, "conv_1").as_deref(), Some("agent_2"));
}

#[test]
fn an_agent_can_announce_skills_with_their_presence() {
    let mut sim = Sim::new(skill_based(json!({"skill_wait_seconds": null})));
    sim.all_online(&["agent_1"]);
    sim.handoff_with_topic("conv_1", "technical");
    let out = sim.send(json!({"type": "agent_update", "agent":
        {"id": "agent_9", "name": "Kiran", "status": "online", "skills": ["technical"]}}));
    assert_eq!(offered_to(&out, "conv_1").as_deref(), Some("agent_9"));
}

#[test]
fn a_conversation_without_a_topic_goes_to_any_agent() {
    let mut sim = Sim::new(skill_based(json!({})));
    sim.all_online(&["agent_5"]);
    let out = sim.button("conv_1");
    assert_eq!(offered_to(&out, "conv_1").as_deref(), Some("agent_5"));
}

// ----- Load-Based: "Route to the agent with the fewest active conversations" ---------------------

#[test]
fn the_agent_with_the_fewest_active_conversations_wins() {
    let mut sim = Sim::new(load_based(5));
    sim.all_online(&["agent_1", "agent_2", "agent_3"]);
    // One conversation each, accepted.
    for (conv, agent) in [
        ("conv_a", "agent_1"),
        ("conv_b", "agent_2"),
        ("conv_c", "agent_3"),
    ] {
        assert_eq!(hand_off(&mut sim, conv).as_deref(), Some(agent));
        sim.accept(conv, agent);
    }
    sim.close("conv_c", "agent");
    assert_eq!(hand_off(&mut sim, "conv_d").as_deref(), Some("agent_3"));
    sim.accept("conv_d", "agent_3");
    sim.close("conv_b", "agent");
    // agent_2 has none now, the others one each.
    assert_eq!(hand_off(&mut sim, "conv_e").as_deref(), Some("agent_2"));
}

#[test]
fn an_agent_never_holds_more_than_max_concurrent_per_agent() {
    let mut sim = Sim::new(load_based(2));
    sim.all_online(&["agent_1", "agent_2"]);
    let mut held = std::collections::BTreeMap::<String, u32>::new();
    for i in 1..=5 {
        let conv = format!("conv_{i}");
        if let Some(agent) = hand_off(&mut sim, &conv) {
            sim.accept(&conv, &agent);
            *held.entry(agent).or_default() += 1;
        }
    }
    assert_eq!(held.get("agent_1"), Some(&2));
    assert_eq!(held.get("agent_2"), Some(&2));
    assert_eq!(sim.engine.queue().collect::<Vec<_>>(), [("conv_5", 1)]);
}

#[test]
fn offers_count_towards_the_limit() {
    let mut sim = Sim::new(load_based(1));
    sim.all_online(&["agent_1"]);
    assert_eq!(hand_off(&mut sim, "conv_1").as_deref(), Some("agent_1"));
    // Not accepted yet, but agent_1 is already at the limit.
    let out = sim.button("conv_2");
    assert!(!has(&out, "offered"), "{out:#?}");
}

#[test]
fn the_spec_limit_of_five_is_respected() {
    let mut sim = Sim::new(load_based(5));
    sim.all_online(&["agent_1"]);
    for i in 1..=5 {
        assert_eq!(
            hand_off(&mut sim, &format!("conv_{i}")).as_deref(),
            Some("agent_1")
        );
    }
    let out = sim.button("conv_6");
    assert!(!has(&out, "offered"), "{out:#?}");
    assert_eq!(one(&out, "queued")["position"], 1);
}

#[test]
fn a_tie_goes_to_the_agent_idle_the_longest() {
    let mut sim = Sim::new(load_based(2));
    sim.all_online(&["agent_1", "agent_2"]);
    assert_eq!(hand_off(&mut sim, "conv_1").as_deref(), Some("agent_1"));
    sim.advance_secs(10);
    assert_eq!(hand_off(&mut sim, "conv_2").as_deref(), Some("agent_2"));
    sim.close("conv_1", "customer");
    sim.close("conv_2", "customer");
    // Both free; agent_1 has waited longer since their last conversation.
    assert_eq!(hand_off(&mut sim, "conv_3").as_deref(), Some("agent_1"));
}

#[test]
fn ties_are_broken_the_same_way_every_time() {
    let run = || {
        let mut sim = Sim::new(load_based(2));
        sim.all_online(&["agent_c", "agent_a", "agent_b"]);
        (1..=6)
            .map(|i| hand_off(&mut sim, &format!("conv_{i}")).unwrap())
            .collect::<Vec<_>>()
    };
    let first = run();
    assert_eq!(first, run());
    // Every agent got two: the load is even.
    for agent in ["agent_a", "agent_b", "agent_c"] {
        assert_eq!(first.iter().filter(|a| *a == agent).count(), 2, "{first:?}");
    }
}

// ----- Presence ----------------------------------------------------------------------------------

#[test]
fn an_agent_going_offline_loses_a_pending_offer_to_another_agent() {
    let mut sim = Sim::new(round_robin());
    sim.all_online(&["agent_1", "agent_2"]);
    assert_eq!(hand_off(&mut sim, "conv_1").as_deref(), Some("agent_1"));

    let out = sim.offline("agent_1");
    let withdrawn = one(&out, "offer_withdrawn");
    assert_eq!(withdrawn["agent_id"], "agent_1");
    assert_eq!(withdrawn["reason"], "agent_unavailable");
    assert_eq!(offered_to(&out, "conv_1").as_deref(), Some("agent_2"));
}

#[test]
fn an_agent_going_away_with_nobody_else_sends_the_customer_to_the_queue() {
    let mut sim = Sim::new(round_robin());
    sim.online("agent_1", "Asha");
    hand_off(&mut sim, "conv_1");
    let out =
        sim.send(json!({"type": "agent_update", "agent": {"id": "agent_1", "status": "away"}}));
    assert_eq!(one(&out, "offer_withdrawn")["reason"], "agent_unavailable");
    assert_eq!(one(&out, "queued")["position"], 1);
    assert_eq!(
        support::texts_for(&out, "conv_1"),
        ["Please hold while I find an available agent. You're 1 in queue."]
    );

    // Back online: the offer comes back (going away is not declining).
    let out = sim.online("agent_1", "Asha");
    assert_eq!(offered_to(&out, "conv_1").as_deref(), Some("agent_1"));
}

#[test]
fn an_agent_coming_online_serves_the_queue_in_order() {
    let mut sim = Sim::new(json!({"handoff": {"routing": {"max_concurrent_per_agent": 2}}}));
    for conv in ["conv_1", "conv_2", "conv_3"] {
        sim.button(conv);
    }
    let out = sim.online("agent_1", "Asha");
    assert_eq!(
        offers(&out),
        [
            ("conv_1".to_string(), "agent_1".to_string()),
            ("conv_2".to_string(), "agent_1".to_string())
        ]
    );
    // The third customer moves up and is told.
    assert_eq!(support::positions(&out, "conv_3"), [1]);
    assert_eq!(
        support::texts_for(&out, "conv_3"),
        ["You're now 1 in queue."]
    );
}

#[test]
fn an_assigned_conversation_stays_with_an_agent_who_goes_offline() {
    let mut sim = Sim::new(round_robin());
    sim.all_online(&["agent_1", "agent_2"]);
    hand_off(&mut sim, "conv_1");
    sim.accept("conv_1", "agent_1");
    let out = sim.offline("agent_1");
    assert!(!has(&out, "offer_withdrawn"), "{out:#?}");
    assert!(!has(&out, "offered"), "{out:#?}");
}

// ----- Offers ------------------------------------------------------------------------------------

#[test]
fn accepting_an_offer_connects_the_customer_with_the_agent() {
    let mut sim = Sim::new(round_robin());
    sim.online("agent_1", "Asha");
    let out = sim.button("conv_1");
    let offered = one(&out, "offered");
    assert_eq!(offered["expires_at"], ms(SPEC_NOW) + 60_000);

    sim.advance_secs(20);
    let out = sim.accept("conv_1", "agent_1");
    let assigned = one(&out, "assigned");
    assert_eq!(assigned["agent_id"], "agent_1");
    assert_eq!(assigned["agent_name"], "Asha");
    assert_eq!(assigned["wait_ms"], 20_000);
    assert_eq!(
        support::texts_for(&out, "conv_1"),
        ["You're now connected with Asha."]
    );
}

#[test]
fn a_declined_offer_goes_to_another_agent() {
    let mut sim = Sim::new(round_robin());
    sim.all_online(&["agent_1", "agent_2"]);
    assert_eq!(hand_off(&mut sim, "conv_1").as_deref(), Some("agent_1"));
    let out = sim.decline("conv_1", "agent_1");
    let withdrawn = one(&out, "offer_withdrawn");
    assert_eq!(withdrawn["reason"], "declined");
    assert_eq!(offered_to(&out, "conv_1").as_deref(), Some("agent_2"));
}

#[test]
fn a_declined_conversation_is_not_offered_to_the_same_agent_again() {
    let mut sim = Sim::new(round_robin());
    sim.online("agent_1", "Asha");
    hand_off(&mut sim, "conv_1");
    let out = sim.decline("conv_1", "agent_1");
    assert!(!has(&out, "offered"), "{out:#?}");
    assert_eq!(one(&out, "queued")["position"], 1);
    // Another agent takes it from the queue.
    let out = sim.online("agent_2", "Ravi");
    assert_eq!(offered_to(&out, "conv_1").as_deref(), Some("agent_2"));
}

#[test]
fn an_offer_that_is_not_accepted_in_time_goes_to_another_agent() {
    let mut sim = Sim::new(round_robin());
    sim.all_online(&["agent_1", "agent_2"]);
    hand_off(&mut sim, "conv_1");
    assert!(!has(&sim.advance_secs(59), "offer_withdrawn"));

    let out = sim.advance_secs(1);
    let withdrawn = one(&out, "offer_withdrawn");
    assert_eq!(withdrawn["agent_id"], "agent_1");
    assert_eq!(withdrawn["reason"], "expired");
    let offered = one(&out, "offered");
    assert_eq!(offered["agent_id"], "agent_2");
    assert_eq!(offered["expires_at"], ms(SPEC_NOW) + 120_000);
}

#[test]
fn the_offer_timeout_is_configurable() {
    let mut sim = Sim::new(json!({"handoff": {"routing": {"offer_timeout_seconds": 15}}}));
    sim.all_online(&["agent_1", "agent_2"]);
    hand_off(&mut sim, "conv_1");
    assert_eq!(sim.engine.next_wakeup(), Some(ms(SPEC_NOW) + 15_000));
    let out = sim.advance_secs(15);
    assert_eq!(one(&out, "offer_withdrawn")["reason"], "expired");
}

#[test]
fn a_late_accept_after_the_offer_lapsed_is_refused() {
    let mut sim = Sim::new(round_robin());
    sim.all_online(&["agent_1", "agent_2"]);
    hand_off(&mut sim, "conv_1");
    sim.advance_secs(60);
    sim.refused(
        json!({"type": "agent_accept", "conversation_id": "conv_1", "agent_id": "agent_1"}),
        "input.agent_id",
    );
}

#[test]
fn auto_accept_assigns_without_an_offer() {
    let mut sim = Sim::new(json!({"handoff": {"routing": {"auto_accept": true}}}));
    sim.online("agent_1", "Asha");
    let out = sim.customer("conv_1", "I want to talk to a human");
    assert!(!has(&out, "offered"), "{out:#?}");
    let assigned = one(&out, "assigned");
    assert_eq!(assigned["agent_id"], "agent_1");
    assert_eq!(assigned["wait_ms"], 0);
    assert_eq!(
        support::texts_for(&out, "conv_1"),
        [
            "I'm connecting you with a team member who can help further.",
            "You're now connected with Asha."
        ]
    );
    assert_eq!(sim.engine.next_wakeup(), None);
}

#[test]
fn the_agents_name_comes_from_configuration_when_presence_gives_none() {
    let cfg: Config = config(json!({"handoff": {
        "agents": [{"id": "agent_1", "name": "Asha"}],
        "routing": {"auto_accept": true}
    }}));
    let mut sim = Sim::with_config(cfg);
    sim.all_online(&["agent_1"]);
    let out = sim.button("conv_1");
    assert_eq!(one(&out, "assigned")["agent_name"], "Asha");
}

#[test]
fn the_handoff_comes_before_the_offer_in_the_outputs() {
    let mut sim = Sim::new(round_robin());
    sim.online("agent_1", "Asha");
    let out = sim.button("conv_1");
    assert_eq!(types(&out), ["handoff", "event", "message", "offered"]);
    assert_eq!(of_type(&out, "message")[0]["template"], "handoff_initiated");
}

/// Found while writing the conformance vectors: a conversation declined by one agent went
/// through the queue straight to a second offer, and when the second agent declined too and it
/// really waited, webhooks never heard `conversation.queued`.
#[test]
fn a_conversation_that_waits_after_two_declines_is_announced_once() {
    let mut hooked = round_robin();
    hooked["handoff"]["webhooks"] = json!([{"id": "crm", "url": "https://crm.example.test/h",
                                            "events": ["conversation.queued"]}]);
    let mut sim = Sim::new(hooked);
    sim.all_online(&["agent_1", "agent_2"]);
    let first = hand_off(&mut sim, "conv_1").expect("offered");
    let out = sim.decline("conv_1", &first);
    let second = offered_to(&out, "conv_1").expect("offered to the other agent");
    assert_ne!(first, second);
    assert!(
        of_type(&out, "delivery").is_empty(),
        "it did not wait: {out:#?}"
    );
    let out = sim.decline("conv_1", &second);
    let queued = one(&out, "queued");
    assert_eq!(queued["position"], 1);
    let event: Value =
        serde_json::from_str(one(&out, "delivery")["body"].as_str().unwrap()).unwrap();
    assert_eq!(event["event"], "conversation.queued");
    assert_eq!(event["data"]["position"], 1);
    // Offered and declined again later: it is not announced a second time.
    sim.advance_secs(31);
    let announced = sim.log.iter().filter(|o| o["type"] == "delivery").count();
    assert_eq!(announced, 1, "{:#?}", sim.log);
}

/// Closing a conversation that is on offer withdraws the offer (the agent's console drops it)
/// and does not name that agent as the one who held it.
#[test]
fn closing_an_offered_conversation_withdraws_the_offer() {
    let mut sim = Sim::new(round_robin());
    sim.all_online(&["agent_1"]);
    assert_eq!(hand_off(&mut sim, "conv_1").as_deref(), Some("agent_1"));
    let out = sim.close("conv_1", "customer");
    let withdrawn = one(&out, "offer_withdrawn");
    assert_eq!(withdrawn["agent_id"], "agent_1");
    assert_eq!(withdrawn["reason"], "closed");
    let closed = one(&out, "closed");
    assert!(closed.get("agent_id").is_none(), "{closed}");
    // The agent is free again.
    assert_eq!(hand_off(&mut sim, "conv_2").as_deref(), Some("agent_1"));
}
