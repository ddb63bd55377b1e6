//! Scenarios for the queue (`routing.fallback: "queue"`): customers are told their position and told
//! again when it changes, higher priority goes first, a full queue offers a callback, and priority
//! is boosted on negative sentiment (`priority_boost_on_sentiment`). Also the other fallbacks.

mod support;

use serde_json::json;
use support::{event, has, offered_to, offers, one, positions, texts_for, Sim};

fn spec() -> Sim {
    Sim::with_config(
        handoff_core::Config::from_json_str(&support::example("handoff-settings.json")).unwrap(),
    )
}

#[test]
fn with_nobody_free_the_customer_waits_and_is_told_the_position() {
    let mut sim = spec();
    let out = sim.button("conv_1");
    let queued = one(&out, "queued");
    assert_eq!(queued["position"], 1);
    assert_eq!(queued["queue_length"], 1);
    assert_eq!(
        texts_for(&out, "conv_1"),
        [
            "I'm connecting you with a team member who can help further.",
            "Please hold while I find an available agent. You're 1 in queue."
        ]
    );

    let out = sim.button("conv_2");
    assert_eq!(
        texts_for(&out, "conv_2")[1],
        "Please hold while I find an available agent. You're 2 in queue."
    );
    // The first customer's position did not change: nothing more is said to them.
    assert!(texts_for(&out, "conv_1").is_empty());
}

#[test]
fn customers_are_told_when_they_move_up_after_someone_leaves() {
    let mut sim = spec();
    for conv in ["conv_1", "conv_2", "conv_3"] {
        sim.button(conv);
    }
    let out = sim.close("conv_1", "customer");
    assert_eq!(positions(&out, "conv_2"), [1]);
    assert_eq!(positions(&out, "conv_3"), [2]);
    assert_eq!(texts_for(&out, "conv_2"), ["You're now 1 in queue."]);
    assert_eq!(texts_for(&out, "conv_3"), ["You're now 2 in queue."]);
    assert_eq!(
        sim.engine.queue().collect::<Vec<_>>(),
        [("conv_2", 1), ("conv_3", 2)]
    );
}

#[test]
fn customers_are_told_when_they_move_up_because_an_agent_took_the_first() {
    let mut sim = spec();
    sim.button("conv_1");
    sim.button("conv_2");
    let out = sim.send(json!({"type": "agent_update", "agent":
        {"id": "agent_1", "name": "Asha", "status": "online", "max_concurrent": 1}}));
    assert_eq!(offered_to(&out, "conv_1").as_deref(), Some("agent_1"));
    assert_eq!(offered_to(&out, "conv_2"), None);
    assert_eq!(texts_for(&out, "conv_2"), ["You're now 1 in queue."]);
}

#[test]
fn when_an_agent_finishes_a_conversation_the_next_customer_is_offered() {
    let mut sim = Sim::new(json!({"handoff": {"routing": {"max_concurrent_per_agent": 1}}}));
    sim.online("agent_1", "Asha");
    sim.button("conv_1");
    sim.accept("conv_1", "agent_1");
    sim.button("conv_2");
    sim.button("conv_3");
    let out = sim.close("conv_1", "agent");
    assert_eq!(one(&out, "closed")["agent_id"], "agent_1");
    assert_eq!(offered_to(&out, "conv_2").as_deref(), Some("agent_1"));
    assert_eq!(texts_for(&out, "conv_3"), ["You're now 1 in queue."]);
}

#[test]
fn a_customer_asking_again_while_waiting_is_reminded_of_the_position() {
    let mut sim = spec();
    sim.button("conv_1");
    sim.button("conv_2");
    let out = sim.customer("conv_2", "Hello? Can I talk to a human please?");
    assert!(!has(&out, "handoff"));
    assert_eq!(positions(&out, "conv_2"), [2]);
    assert_eq!(texts_for(&out, "conv_2").len(), 1, "{out:#?}");
    assert!(texts_for(&out, "conv_2")[0].contains('2'), "{out:#?}");
}

#[test]
fn a_high_priority_customer_goes_ahead_of_normal_ones() {
    let mut sim = Sim::new(json!({"handoff": {"routing": {"max_concurrent_per_agent": 1}}}));
    sim.button("conv_1");
    sim.button("conv_2");
    let out = sim.angry_handoff("conv_3", -0.65);
    assert_eq!(one(&out, "handoff")["priority"], "high");
    assert_eq!(positions(&out, "conv_3"), [1]);
    assert_eq!(positions(&out, "conv_1"), [2]);
    assert_eq!(positions(&out, "conv_2"), [3]);
    assert_eq!(texts_for(&out, "conv_1"), ["You're now 2 in queue."]);

    // The first free agent takes the high-priority conversation.
    let out = sim.online("agent_1", "Asha");
    assert_eq!(
        offers(&out),
        [("conv_3".to_string(), "agent_1".to_string())]
    );
}

#[test]
fn among_equal_priority_the_longest_waiting_goes_first() {
    let mut sim = Sim::new(json!({"handoff": {"routing": {"max_concurrent_per_agent": 1}}}));
    sim.angry_handoff("conv_1", -0.7);
    sim.advance_secs(5);
    sim.angry_handoff("conv_2", -0.9);
    sim.advance_secs(5);
    sim.button("conv_3");
    assert_eq!(
        sim.engine.queue().collect::<Vec<_>>(),
        [("conv_1", 1), ("conv_2", 2), ("conv_3", 3)]
    );
}

#[test]
fn an_urgent_topic_goes_ahead_of_high_priority() {
    let mut sim = Sim::new(json!({"handoff": {"triggers": {"topics": [
        {"name": "legal", "keywords": ["lawyer"], "priority": "urgent"}
    ]}}}));
    sim.angry_handoff("conv_1", -0.8);
    let out = sim.customer("conv_2", "My lawyer will contact you");
    assert_eq!(one(&out, "handoff")["priority"], "urgent");
    assert_eq!(
        sim.engine.queue().collect::<Vec<_>>(),
        [("conv_2", 1), ("conv_1", 2)]
    );
}

#[test]
fn the_queued_event_tells_the_position_and_priority() {
    let mut sim = spec();
    sim.button("conv_1");
    let out = sim.angry_handoff("conv_2", -0.65);
    let queued = event(&out, "conversation.queued");
    assert_eq!(queued["data"]["conversation_id"], "conv_2");
    assert_eq!(queued["data"]["position"], 1);
    assert_eq!(queued["data"]["queue_length"], 2);
    assert_eq!(queued["data"]["priority"], "high");
}

#[test]
fn a_full_queue_offers_a_callback_instead() {
    let mut sim = Sim::new(json!({"handoff": {"routing": {"max_queue_length": 2}}}));
    sim.button("conv_1");
    sim.button("conv_2");
    let out = sim.button("conv_3");
    assert!(!has(&out, "queued"), "{out:#?}");
    assert_eq!(
        texts_for(&out, "conv_3"),
        [
            "I'm connecting you with a team member who can help further.",
            "Our queue is full right now. Can I collect your details for a callback?"
        ]
    );
    let form = one(&out, "collect_callback");
    assert_eq!(form["reason"], "queue_full");
    assert_eq!(
        form["fields"],
        json!(["name", "phone", "email", "preferred_time"])
    );
    assert_eq!(sim.engine.queue().count(), 2);
}

#[test]
fn a_callback_after_a_full_queue_is_requested_at_once() {
    let mut sim = Sim::new(json!({"handoff": {"routing": {"max_queue_length": 1}}}));
    sim.button("conv_1");
    sim.button("conv_2");
    let out = sim.send(
        json!({"type": "callback_details", "conversation_id": "conv_2",
        "name": "Priya Sharma", "phone": "+91 98765 43210"}),
    );
    assert_eq!(one(&out, "callback_scheduled")["at"], sim.now);
    let requested = one(&out, "callback_requested");
    assert_eq!(requested["callback"]["phone"], "+91 98765 43210");
    event(&out, "conversation.callback_requested");
}

/// The team is open, only busy: the confirmation must not say it will call "when we open".
#[test]
fn a_callback_confirmation_while_open_does_not_say_the_team_is_closed() {
    let mut sim = Sim::new(json!({"handoff": {"routing": {"max_queue_length": 1}}}));
    sim.button("conv_1");
    sim.button("conv_2");
    let out = sim.send(
        json!({"type": "callback_details", "conversation_id": "conv_2",
        "name": "Priya Sharma", "phone": "+91 98765 43210"}),
    );
    let texts = texts_for(&out, "conv_2");
    assert_eq!(texts.len(), 1, "{out:#?}");
    assert!(
        !texts[0].contains("when we open"),
        "the team is open, yet the customer reads: {:?}",
        texts[0]
    );
}

#[test]
fn the_callback_fallback_collects_details_when_nobody_is_free() {
    let mut sim = Sim::new(json!({"handoff": {"routing": {"fallback": "callback"}}}));
    let out = sim.button("conv_1");
    assert!(!has(&out, "queued"));
    assert_eq!(
        one(&out, "collect_callback")["reason"],
        "no_agent_available"
    );
    let texts = texts_for(&out, "conv_1");
    assert_eq!(texts.len(), 2, "{out:#?}");
    // The text before the callback form must not promise that the AI keeps helping.
    assert!(
        !texts[1].contains("keep helping you here"),
        "shown right before a callback form: {:?}",
        texts[1]
    );
}

#[test]
fn the_none_fallback_leaves_the_customer_with_the_ai() {
    let mut sim = Sim::new(json!({"handoff": {"routing": {"fallback": "none"}}}));
    let out = sim.button("conv_1");
    assert!(!has(&out, "queued"));
    assert!(!has(&out, "collect_callback"));
    let busy = support::of_type(&out, "message")[1];
    assert_eq!(busy["template"], "no_agent_available");
    assert!(
        busy["text"]
            .as_str()
            .unwrap()
            .starts_with("All our team members are busy right now"),
        "{busy}"
    );
    // A frustrated message right after does not start another handoff...
    let out = sim.customer_signals("conv_1", "Ugh.", json!({"sentiment": -0.9}));
    assert!(!has(&out, "handoff"), "{out:#?}");
    // ...but asking again does, and now an agent is there.
    sim.online("agent_1", "Asha");
    let out = sim.customer("conv_1", "Please, I need to talk to a human");
    assert_eq!(one(&out, "handoff")["primary"], "customer_request");
    assert_eq!(offered_to(&out, "conv_1").as_deref(), Some("agent_1"));
}

/// One agent on duty lets an offer lapse (on a call, say): the engine sets them `away` (a missed
/// offer usually means they stepped away) and the customer waits at position 1 until the agent says
/// they are back, when the conversation is offered to them again.
#[test]
fn an_agent_who_misses_an_offer_is_set_away_until_they_are_back() {
    let mut sim = spec();
    sim.online("agent_1", "Asha");
    sim.button("conv_1");
    let out = sim.advance_secs(60);
    assert_eq!(one(&out, "offer_withdrawn")["reason"], "expired");
    let status = one(&out, "agent_status");
    assert_eq!(
        (status["agent_id"].as_str(), status["status"].as_str()),
        (Some("agent_1"), Some("away"))
    );
    assert_eq!(status["reason"], "missed_offer");
    assert_eq!(positions(&out, "conv_1"), [1]);
    assert_eq!(offered_to(&sim.advance_secs(600), "conv_1"), None);

    let back = sim.online("agent_1", "Asha");
    assert_eq!(offered_to(&back, "conv_1").as_deref(), Some("agent_1"));
}

/// With `away_after_missed_offer: false`, the one agent on duty stays online after missing an offer
/// and is offered the conversation again once `offer_timeout_seconds` have passed: the customer is
/// never stranded at position 1 while that agent is online and free.
#[test]
fn a_customer_is_not_stranded_when_the_only_agent_let_an_offer_lapse() {
    let mut sim = Sim::new(json!({"handoff": {"routing": {"away_after_missed_offer": false}}}));
    sim.online("agent_1", "Asha");
    sim.button("conv_1");
    let out = sim.advance_secs(60);
    assert_eq!(one(&out, "offer_withdrawn")["reason"], "expired");
    assert!(!has(&out, "agent_status"));
    assert_eq!(positions(&out, "conv_1"), [1]);

    let later = sim.advance_secs(600);
    assert_eq!(
        offered_to(&later, "conv_1").as_deref(),
        Some("agent_1"),
        "conv_1 still waits in the queue with agent_1 online and free; next wakeup: {:?}",
        sim.engine.next_wakeup()
    );
}

/// The queue was full, the customer did not leave details, and later asks again when there is
/// room: they must be queued (or offered), not ignored.
#[test]
fn a_customer_turned_away_by_a_full_queue_can_ask_again_later() {
    let mut sim = Sim::new(json!({"handoff": {"routing": {"max_queue_length": 1}}}));
    sim.button("conv_1");
    let out = sim.button("conv_2");
    assert_eq!(one(&out, "collect_callback")["reason"], "queue_full");
    sim.close("conv_1", "customer");

    let out = sim.customer("conv_2", "Is there room now? I want to talk to a human");
    assert_eq!(
        positions(&out, "conv_2"),
        [1],
        "the customer asked again with an empty queue and got: {out:#?}"
    );
}

/// conv_1 was handed off first; its offer is declined while conv_4 (handed off much later) waits.
/// Queue order is "priority, then waiting time", so conv_1 must wait ahead of conv_4.
#[test]
fn a_declined_customer_keeps_their_place_by_waiting_time() {
    let mut sim = Sim::new(json!({"handoff": {"routing": {"max_concurrent_per_agent": 1}}}));
    sim.all_online(&["agent_1", "agent_2"]);
    sim.button("conv_1"); // offered to agent_1
    sim.advance_secs(10);
    sim.button("conv_2"); // offered to agent_2
    sim.advance_secs(10);
    sim.button("conv_3"); // waits, 1st
    sim.advance_secs(10);
    sim.button("conv_4"); // waits, 2nd
    sim.advance_secs(10);
    let out = sim.decline("conv_1", "agent_1");
    // agent_1 takes the next in line; conv_1 waits for agent_2.
    assert_eq!(offered_to(&out, "conv_3").as_deref(), Some("agent_1"));
    assert_eq!(
        sim.engine.queue().collect::<Vec<_>>(),
        [("conv_1", 1), ("conv_4", 2)],
        "conv_1 has waited 40 s, conv_4 10 s"
    );
}

// ----- Priority boost on sentiment ---------------------------------------------------------------

#[test]
fn negative_sentiment_raises_the_priority_to_high() {
    let mut sim = spec();
    let out = sim.angry_handoff("conv_1", -0.65);
    let handoff = one(&out, "handoff");
    assert_eq!(handoff["priority"], "high");
    assert_eq!(handoff["context"]["priority"], "high");
    assert_eq!(
        event(&out, "conversation.handoff_requested")["data"]["priority"],
        "high"
    );
}

#[test]
fn without_the_boost_negative_sentiment_keeps_normal_priority() {
    let mut sim = Sim::new(json!({"handoff": {"routing": {"priority_boost_on_sentiment": false}}}));
    let out = sim.angry_handoff("conv_1", -0.65);
    let handoff = one(&out, "handoff");
    assert_eq!(handoff["primary"], "sentiment_threshold");
    assert_eq!(handoff["priority"], "normal");
}

#[test]
fn a_calm_request_keeps_normal_priority() {
    let mut sim = spec();
    let out = sim.customer("conv_1", "Could I speak to an agent please?");
    assert_eq!(one(&out, "handoff")["priority"], "normal");
}

#[test]
fn an_angry_request_for_a_person_is_also_boosted() {
    let mut sim = spec();
    let out = sim.customer_signals("conv_1", "Get me a human now", json!({"sentiment": -0.7}));
    let handoff = one(&out, "handoff");
    assert_eq!(handoff["primary"], "customer_request");
    assert_eq!(handoff["priority"], "high");
}

/// `routing.announce_positions_up_to: 2` with five customers waiting: everyone hears their
/// position on joining; when the queue moves only the first two are told; a customer further back
/// who writes hears where they are now, and asking for a person again always answers.
#[test]
fn past_announce_positions_up_to_the_queue_moving_is_not_announced() {
    let mut sim = Sim::new(json!({"handoff": {"routing": {
        "max_concurrent_per_agent": 1,
        "announce_positions_up_to": 2,
    }}}));
    sim.online("agent_1", "Asha");
    sim.button("conv_0");
    sim.accept("conv_0", "agent_1");
    for (i, conv) in ["conv_1", "conv_2", "conv_3", "conv_4", "conv_5"]
        .into_iter()
        .enumerate()
    {
        // Joining is always told, whatever the position.
        assert_eq!(positions(&sim.button(conv), conv), [i as u64 + 1]);
    }

    let out = sim.close("conv_0", "agent");
    assert_eq!(offered_to(&out, "conv_1").as_deref(), Some("agent_1"));
    assert_eq!(positions(&out, "conv_2"), [1]);
    assert_eq!(positions(&out, "conv_3"), [2]);
    assert_eq!(texts_for(&out, "conv_3"), ["You're now 2 in queue."]);
    // conv_4 (now 3rd) and conv_5 (now 4th) are not told.
    assert!(texts_for(&out, "conv_4").is_empty());
    assert!(texts_for(&out, "conv_5").is_empty());
    assert_eq!(sim.engine.queue().count(), 4);

    // conv_5 writes: told where they are now.
    let out = sim.customer("conv_5", "any news?");
    assert_eq!(positions(&out, "conv_5"), [4]);
    assert_eq!(texts_for(&out, "conv_5"), ["You're now 4 in queue."]);
    // Writing again with nothing changed says nothing more.
    assert!(positions(&sim.customer("conv_5", "ok"), "conv_5").is_empty());
    // Asking for a person again always answers with the position.
    let out = sim.button("conv_4");
    assert_eq!(positions(&out, "conv_4"), [3]);
}

/// `announce_positions_up_to: 0`: positions are told on joining and on asking, never as the
/// queue moves.
#[test]
fn announce_positions_up_to_zero_tells_only_joiners_and_askers() {
    let mut sim = Sim::new(json!({"handoff": {"routing": {
        "max_concurrent_per_agent": 1,
        "announce_positions_up_to": 0,
    }}}));
    sim.online("agent_1", "Asha");
    sim.button("conv_0");
    sim.accept("conv_0", "agent_1");
    assert_eq!(positions(&sim.button("conv_1"), "conv_1"), [1]);
    assert_eq!(positions(&sim.button("conv_2"), "conv_2"), [2]);
    let out = sim.close("conv_0", "agent");
    assert_eq!(offered_to(&out, "conv_1").as_deref(), Some("agent_1"));
    assert!(positions(&out, "conv_2").is_empty());
    assert_eq!(positions(&sim.button("conv_2"), "conv_2"), [1]);
}
