//! Scenarios for the specification's "Handoff Triggers": customer request, negative sentiment,
//! conversation length, low AI confidence and sensitive topics, and which one is primary when
//! several fire at once.

mod support;

use serde_json::{json, Value};
use support::{has, of_type, one, trigger_names, Sim};

const WAITING_1: &str = "Please hold while I find an available agent. You're 1 in queue.";
const INITIATED: &str = "I'm connecting you with a team member who can help further.";

fn default_sim() -> Sim {
    Sim::new(json!({"handoff": {}}))
}

fn spec_topics_sim() -> Sim {
    Sim::new(json!({"handoff": {"triggers": {
        "topics": ["billing_dispute", "legal", "complaint"]
    }}}))
}

fn handoff_of(outputs: &[Value]) -> &Value {
    one(outputs, "handoff")
}

// ----- Customer Request: "Customer explicitly asks to speak with a human" -------------------------

#[test]
fn an_english_request_for_a_person_hands_the_conversation_off() {
    let mut sim = default_sim();
    let out = sim.customer("conv_1", "Can I talk to a real person?");

    let handoff = handoff_of(&out);
    assert_eq!(handoff["primary"], "customer_request");
    assert_eq!(handoff["triggers"][0]["source"], "text");
    assert_eq!(handoff["triggers"][0]["language"], "en");
    assert_eq!(
        handoff["triggers"][0]["phrase"],
        "Can I talk to a real person"
    );
    assert_eq!(sim.texts_for("conv_1"), [INITIATED, WAITING_1]);
}

#[test]
fn a_hinglish_request_is_understood() {
    let mut sim = default_sim();
    let out = sim.customer("conv_1", "mujhe insaan se baat karni hai");

    let handoff = handoff_of(&out);
    assert_eq!(handoff["primary"], "customer_request");
    assert_eq!(handoff["triggers"][0]["language"], "hi-Latn");
    assert_eq!(
        handoff["triggers"][0]["phrase"],
        "mujhe insaan se baat karni hai"
    );
}

#[test]
fn a_spanish_request_is_understood() {
    let mut sim = default_sim();
    let out = sim.customer("conv_1", "Hola, quiero hablar con una persona");

    let handoff = handoff_of(&out);
    assert_eq!(handoff["primary"], "customer_request");
    assert_eq!(handoff["triggers"][0]["language"], "es");
}

#[test]
fn a_customer_who_says_they_do_not_want_a_human_stays_with_the_ai() {
    let mut sim = default_sim();
    let out = sim.customer(
        "conv_1",
        "I don't want a human, just tell me the opening hours",
    );

    assert!(!has(&out, "handoff"), "{out:#?}");
    assert!(sim.texts_for("conv_1").is_empty());
}

#[test]
fn negation_is_understood_in_hinglish_and_spanish() {
    let mut sim = default_sim();
    for text in [
        "mujhe insaan se baat nahi karni",
        "no quiero hablar con una persona",
    ] {
        let out = sim.customer("conv_1", text);
        assert!(!has(&out, "handoff"), "{text}: {out:#?}");
    }
}

#[test]
fn telling_a_story_about_an_agent_is_not_a_request() {
    let mut sim = default_sim();
    let out = sim.customer("conv_1", "I spoke to an agent yesterday about this");
    assert!(!has(&out, "handoff"), "{out:#?}");
}

#[test]
fn short_and_polite_requests_are_understood_in_every_language() {
    for (text, language) in [
        ("representative", "en"),
        ("agent se baat karwao", "hi-Latn"),
        ("¿Puedo hablar con un agente, por favor?", "es"),
    ] {
        let mut sim = default_sim();
        let out = sim.customer("conv_1", text);
        let handoff = handoff_of(&out);
        assert_eq!(handoff["primary"], "customer_request", "{text}");
        assert_eq!(handoff["triggers"][0]["language"], language, "{text}");
    }
}

#[test]
fn wanting_a_human_rather_than_a_bot_is_still_a_request() {
    let mut sim = default_sim();
    let out = sim.customer("conv_1", "I don't want a bot, I want a human");
    assert_eq!(handoff_of(&out)["primary"], "customer_request");
}

#[test]
fn the_widget_button_hands_off_without_any_words() {
    let mut sim = default_sim();
    sim.customer("conv_1", "Where is my order?");
    let out = sim.button("conv_1");

    let handoff = handoff_of(&out);
    assert_eq!(handoff["primary"], "customer_request");
    assert_eq!(handoff["triggers"][0]["source"], "button");
    assert_eq!(sim.texts_for("conv_1"), [INITIATED, WAITING_1]);
}

#[test]
fn the_button_source_named_by_the_host_is_kept_as_evidence() {
    let mut sim = default_sim();
    let out = sim.send(
        json!({"type": "handoff_request", "conversation_id": "conv_1", "source": "widget_button"}),
    );
    assert_eq!(handoff_of(&out)["triggers"][0]["source"], "widget_button");
}

#[test]
fn the_callers_own_detector_can_say_the_customer_asked_for_a_human() {
    let mut sim = default_sim();
    let out = sim.customer_signals(
        "conv_1",
        "ugh can u just get me someone who knows stuff",
        json!({"human_requested": true}),
    );

    let handoff = handoff_of(&out);
    assert_eq!(handoff["primary"], "customer_request");
    assert_eq!(handoff["triggers"][0]["source"], "caller");
}

#[test]
fn the_callers_detector_wins_when_it_says_no_request_was_made() {
    let mut sim = default_sim();
    let out = sim.customer_signals(
        "conv_1",
        "My friend said I should talk to a human",
        json!({"human_requested": false}),
    );
    assert!(!has(&out, "handoff"), "{out:#?}");
}

#[test]
fn customer_request_false_ignores_requests_in_text() {
    let mut sim = Sim::new(json!({"handoff": {"triggers": {"customer_request": false}}}));
    let out = sim.customer("conv_1", "Can I talk to a real person?");
    assert!(!has(&out, "handoff"), "{out:#?}");
}

// ----- Negative Sentiment: "Customer shows frustration or anger" ---------------------------------

#[test]
fn a_caller_score_below_the_threshold_hands_off_on_sentiment() {
    let mut sim = default_sim();
    let out = sim.customer_signals(
        "conv_1",
        "My order is a week late",
        json!({"sentiment": -0.65}),
    );

    let handoff = handoff_of(&out);
    assert_eq!(handoff["primary"], "sentiment_threshold");
    let hit = &handoff["triggers"][0];
    assert_eq!(hit["trigger"], "sentiment_threshold");
    assert_eq!(hit["score"], -0.65);
    assert_eq!(hit["threshold"], -0.5);
    assert_eq!(hit["source"], "caller");
}

#[test]
fn a_caller_score_above_the_threshold_does_not_hand_off() {
    let mut sim = default_sim();
    let out = sim.customer_signals(
        "conv_1",
        "My order is a little late",
        json!({"sentiment": -0.3}),
    );
    assert!(!has(&out, "handoff"), "{out:#?}");
}

#[test]
fn an_angry_message_is_scored_by_the_engine_when_the_caller_gives_no_score() {
    let mut sim = default_sim();
    sim.customer("conv_1", "Where is my order?");
    sim.ai("conv_1", "Let me check that for you.");
    let out = sim.customer("conv_1", "This is the WORST service ever, I am furious!!");

    let handoff = handoff_of(&out);
    assert_eq!(handoff["primary"], "sentiment_threshold");
    let hit = &handoff["triggers"][0];
    assert_eq!(hit["source"], "lexicon");
    assert!(hit["score"].as_f64().unwrap() < -0.5, "{hit}");
    assert_eq!(hit["trend"], "worsening");
}

#[test]
fn a_score_exactly_at_the_threshold_hands_off() {
    let mut sim = default_sim();
    let out = sim.customer_signals("conv_1", "Not great", json!({"sentiment": -0.5}));
    assert_eq!(handoff_of(&out)["primary"], "sentiment_threshold");
}

#[test]
fn the_callers_score_wins_over_the_engines_own() {
    let mut sim = default_sim();
    let out = sim.customer_signals(
        "conv_1",
        "This is the WORST service ever, I am furious!!",
        json!({"sentiment": 0.1}),
    );
    assert!(!has(&out, "handoff"), "{out:#?}");
}

#[test]
fn a_polite_question_is_not_negative() {
    let mut sim = default_sim();
    let out = sim.customer(
        "conv_1",
        "Thanks, that was really helpful! Where is my order?",
    );
    assert!(!has(&out, "handoff"), "{out:#?}");
}

#[test]
fn a_single_moderately_negative_message_does_not_hand_off() {
    let mut sim = default_sim();
    let out = sim.customer_signals("conv_1", "This is frustrating", json!({"sentiment": -0.45}));
    assert!(!has(&out, "handoff"), "{out:#?}");
}

/// Frustration that builds up: every message a little negative (none below the threshold on its
/// own) for a whole `sentiment_window`, getting worse. The README promises a handoff when "the
/// average of the last `sentiment_window` messages is at or below" the threshold, and the spec's
/// "Customer shows frustration" covers sustained frustration, not only one outburst.
#[test]
fn sustained_moderately_negative_messages_hand_off() {
    let mut sim = default_sim();
    let messages = [
        ("This is frustrating", -0.44),
        ("I am disappointed", -0.48),
        ("still waiting, this is annoying", -0.49),
    ];
    let mut handoffs = Vec::new();
    for (text, score) in messages {
        let out = sim.customer_signals("conv_1", text, json!({"sentiment": score}));
        handoffs.extend(of_type(&out, "handoff").into_iter().cloned());
        if !handoffs.is_empty() {
            break;
        }
        sim.ai("conv_1", "I understand, let me look into it.");
    }
    assert_eq!(
        handoffs.len(),
        1,
        "three moderately negative messages in a row (scores -0.44, -0.48, -0.49; average -0.47) did not hand off"
    );
    assert_eq!(handoffs[0]["primary"], "sentiment_threshold");
}

#[test]
fn the_sentiment_trend_is_evidence_in_the_trigger() {
    let mut sim = default_sim();
    sim.customer_signals(
        "conv_1",
        "Hi, a question about my order",
        json!({"sentiment": 0.2}),
    );
    sim.ai("conv_1", "Sure, what is the order number?");
    sim.customer_signals("conv_1", "ORD-1, it is late", json!({"sentiment": -0.2}));
    sim.ai("conv_1", "It is on its way.");
    let out = sim.customer_signals(
        "conv_1",
        "That is what you said last week!",
        json!({"sentiment": -0.8}),
    );

    let hit = &handoff_of(&out)["triggers"][0];
    assert_eq!(hit["trend"], "worsening");
    assert_eq!(hit["average"], -0.2667);
    assert_eq!(hit["score"], -0.8);
}

#[test]
fn with_handoff_disabled_nothing_ever_hands_off() {
    let mut sim = Sim::new(json!({"handoff": {"enabled": false, "triggers": {
        "max_exchanges": 1, "topics": ["billing_dispute"]
    }}}));
    sim.online("agent_1", "Asha");
    let mut all = Vec::new();
    all.extend(sim.customer("conv_1", "This is the WORST service ever, I am furious!!"));
    all.extend(sim.customer("conv_1", "Can I talk to a real person?"));
    all.extend(sim.customer_signals(
        "conv_1",
        "I want a refund",
        json!({"sentiment": -0.9, "topic": "billing_dispute", "human_requested": true}),
    ));
    all.extend(sim.ai_confidence("conv_1", "I am not sure.", 0.05));
    all.extend(sim.button("conv_1"));

    for kind in [
        "handoff", "message", "queued", "offered", "assigned", "event",
    ] {
        assert!(!has(&all, kind), "{kind} with handoff disabled: {all:#?}");
    }
}

#[test]
fn a_null_sentiment_threshold_turns_the_sentiment_trigger_off() {
    let mut sim = Sim::new(json!({"handoff": {"triggers": {"sentiment_threshold": null}}}));
    let out = sim.customer_signals("conv_1", "Terrible!", json!({"sentiment": -1.0}));
    assert!(!has(&out, "handoff"), "{out:#?}");
}

// ----- Conversation Length: "Issue not resolved after N exchanges" -------------------------------

fn exchange(sim: &mut Sim, n: usize) -> Vec<Value> {
    sim.customer("conv_1", &format!("Question number {n} about my order"));
    sim.ai("conv_1", &format!("Answer number {n}"))
}

#[test]
fn the_third_unresolved_exchange_hands_off_when_max_exchanges_is_3() {
    let mut sim = Sim::new(json!({"handoff": {"triggers": {"max_exchanges": 3}}}));
    assert!(!has(&exchange(&mut sim, 1), "handoff"));
    assert!(!has(&exchange(&mut sim, 2), "handoff"));
    let out = exchange(&mut sim, 3);

    let handoff = handoff_of(&out);
    assert_eq!(handoff["primary"], "max_exchanges");
    assert_eq!(handoff["triggers"][0]["exchanges"], 3);
    assert_eq!(handoff["triggers"][0]["max"], 3);
    assert_eq!(handoff["context"]["exchanges"], 3);
}

#[test]
fn the_spec_configuration_hands_off_after_ten_exchanges() {
    let mut sim = Sim::with_config(
        handoff_core::Config::from_json_str(&support::example("handoff-settings.json")).unwrap(),
    );
    for n in 1..=9 {
        assert!(!has(&exchange(&mut sim, n), "handoff"), "exchange {n}");
    }
    let out = exchange(&mut sim, 10);
    assert_eq!(handoff_of(&out)["primary"], "max_exchanges");
    assert_eq!(handoff_of(&out)["triggers"][0]["max"], 10);
}

#[test]
fn several_ai_replies_to_one_message_are_one_exchange() {
    let mut sim = Sim::new(json!({"handoff": {"triggers": {"max_exchanges": 2}}}));
    sim.customer("conv_1", "Where is my order?");
    sim.ai("conv_1", "Let me check.");
    let out = sim.ai("conv_1", "It ships tomorrow.");
    assert!(!has(&out, "handoff"), "{out:#?}");
}

#[test]
fn a_resolved_reply_starts_the_count_again() {
    let mut sim = Sim::new(json!({"handoff": {"triggers": {"max_exchanges": 3}}}));
    exchange(&mut sim, 1);
    exchange(&mut sim, 2);
    sim.customer("conv_1", "Thanks! And how do I change my address?");
    let out = sim.send(json!({"type": "ai_reply", "conversation_id": "conv_1",
        "text": "Done, the address is changed.", "resolved": true}));
    assert!(!has(&out, "handoff"), "{out:#?}");

    assert!(!has(&exchange(&mut sim, 4), "handoff"));
    assert!(!has(&exchange(&mut sim, 5), "handoff"));
    let out = exchange(&mut sim, 6);
    assert_eq!(handoff_of(&out)["primary"], "max_exchanges");
}

// ----- Low AI confidence ------------------------------------------------------------------------

#[test]
fn a_reply_below_the_confidence_threshold_hands_off() {
    let mut sim = default_sim();
    sim.customer("conv_1", "Can I use my voucher on a sale item?");
    let out = sim.ai_confidence("conv_1", "I think so, maybe.", 0.2);

    let handoff = handoff_of(&out);
    assert_eq!(handoff["primary"], "low_confidence_threshold");
    let hit = &handoff["triggers"][0];
    assert_eq!(hit["confidence"], 0.2);
    assert_eq!(hit["threshold"], 0.3);
    assert_eq!(hit["consecutive"], 1);
}

#[test]
fn a_confidence_exactly_at_the_threshold_is_not_low() {
    let mut sim = default_sim();
    sim.customer("conv_1", "Can I use my voucher on a sale item?");
    let out = sim.ai_confidence("conv_1", "I think so.", 0.3);
    assert!(!has(&out, "handoff"), "{out:#?}");
}

#[test]
fn a_confident_reply_does_not_hand_off() {
    let mut sim = default_sim();
    sim.customer("conv_1", "Can I use my voucher on a sale item?");
    let out = sim.ai_confidence("conv_1", "Yes, vouchers apply to sale items.", 0.9);
    assert!(!has(&out, "handoff"), "{out:#?}");
}

#[test]
fn two_low_confidence_replies_in_a_row_are_needed_when_configured() {
    let mut sim = Sim::new(json!({"handoff": {"triggers": {"low_confidence_consecutive": 2}}}));
    sim.customer("conv_1", "Can I use my voucher on a sale item?");
    assert!(!has(&sim.ai_confidence("conv_1", "Maybe?", 0.2), "handoff"));
    sim.customer("conv_1", "Maybe? Are you sure?");
    let out = sim.ai_confidence("conv_1", "I believe so.", 0.25);

    let handoff = handoff_of(&out);
    assert_eq!(handoff["primary"], "low_confidence_threshold");
    assert_eq!(handoff["triggers"][0]["consecutive"], 2);
    assert_eq!(handoff["triggers"][0]["confidence"], 0.25);
}

/// A host that passes its AI's confidence both as a signal on the customer's message and on the AI
/// reply to it is describing one answer, not two: with `low_confidence_consecutive: 2` a single
/// unsure answer must not hand off.
#[test]
fn one_unsure_answer_reported_twice_is_one_low_confidence_reply() {
    let mut sim = Sim::new(json!({"handoff": {"triggers": {"low_confidence_consecutive": 2}}}));
    sim.customer_signals(
        "conv_1",
        "Can I use my voucher on a sale item?",
        json!({"confidence": 0.2, "intent": "voucher_question"}),
    );
    let out = sim.ai_confidence("conv_1", "Maybe?", 0.2);
    assert!(
        !has(&out, "handoff"),
        "handed off after one low-confidence answer: {:?}",
        of_type(&out, "handoff")
            .first()
            .map(|h| h["triggers"].clone())
    );
}

#[test]
fn a_confident_reply_in_between_breaks_the_run() {
    let mut sim = Sim::new(json!({"handoff": {"triggers": {"low_confidence_consecutive": 2}}}));
    sim.customer("conv_1", "Question one");
    sim.ai_confidence("conv_1", "Maybe?", 0.2);
    sim.customer("conv_1", "Question two");
    sim.ai_confidence("conv_1", "Certainly.", 0.95);
    sim.customer("conv_1", "Question three");
    let out = sim.ai_confidence("conv_1", "Perhaps?", 0.1);
    assert!(!has(&out, "handoff"), "{out:#?}");
}

// ----- Topic-Based: "Sensitive topics like billing disputes, complaints" -------------------------

#[test]
fn a_sensitive_topic_from_the_callers_classifier_hands_off() {
    let mut sim = spec_topics_sim();
    let out = sim.customer_signals(
        "conv_1",
        "About last month's invoice",
        json!({"topic": "billing_dispute"}),
    );

    let handoff = handoff_of(&out);
    assert_eq!(handoff["primary"], "topics");
    assert_eq!(handoff["triggers"][0]["topic"], "billing_dispute");
    assert_eq!(handoff["triggers"][0]["source"], "caller");
    assert_eq!(handoff["context"]["topic"], "billing_dispute");
}

#[test]
fn a_topic_that_is_not_sensitive_does_not_hand_off() {
    let mut sim = spec_topics_sim();
    let out = sim.customer_signals(
        "conv_1",
        "Do you ship to Pune?",
        json!({"topic": "shipping"}),
    );
    assert!(!has(&out, "handoff"), "{out:#?}");
}

#[test]
fn a_billing_dispute_is_detected_from_the_customers_words() {
    let mut sim = spec_topics_sim();
    let out = sim.customer("conv_1", "I was charged twice for the same order");

    let handoff = handoff_of(&out);
    assert_eq!(handoff["primary"], "topics");
    let hit = &handoff["triggers"][0];
    assert_eq!(hit["topic"], "billing_dispute");
    assert_eq!(hit["source"], "keywords");
    assert!(hit["keyword"].is_string(), "{hit}");
}

#[test]
fn the_callers_topic_wins_over_keywords() {
    let mut sim = spec_topics_sim();
    let out = sim.customer_signals(
        "conv_1",
        "Was I charged twice? Just checking, all good otherwise.",
        json!({"topic": "account_question"}),
    );
    assert!(!has(&out, "handoff"), "{out:#?}");
}

#[test]
fn the_spec_topics_detect_complaints_and_legal_threats_from_words() {
    for (text, topic) in [
        ("I want to file a complaint about the delivery", "complaint"),
        ("You will hear from my lawyer", "legal"),
    ] {
        let mut sim = spec_topics_sim();
        let out = sim.customer("conv_1", text);
        let handoff = handoff_of(&out);
        assert_eq!(handoff["primary"], "topics", "{text}");
        assert_eq!(handoff["triggers"][0]["topic"], topic, "{text}");
    }
}

#[test]
fn a_configured_topic_with_keywords_and_priority_hands_off_urgently() {
    let mut sim = Sim::new(json!({"handoff": {"triggers": {"topics": [
        "billing_dispute",
        {"name": "legal", "keywords": ["lawyer"], "priority": "urgent"}
    ]}}}));
    let out = sim.customer("conv_1", "I am forwarding this to my lawyer");

    let handoff = handoff_of(&out);
    assert_eq!(handoff["primary"], "topics");
    let hit = &handoff["triggers"][0];
    assert_eq!(hit["topic"], "legal");
    assert_eq!(hit["source"], "keywords");
    assert_eq!(hit["keyword"], "lawyer");
    assert_eq!(handoff["priority"], "urgent");
}

#[test]
fn keywords_do_not_match_inside_other_words() {
    let mut sim = Sim::new(json!({"handoff": {"triggers": {"topics": [
        {"name": "legal", "keywords": ["sue"], "priority": "urgent"}
    ]}}}));
    let out = sim.customer("conv_1", "Is this issue pursued? My name is Suellen.");
    assert!(!has(&out, "handoff"), "{out:#?}");
}

// ----- Several triggers at once ------------------------------------------------------------------

#[test]
fn every_trigger_that_fired_is_listed_and_the_request_is_primary() {
    let mut sim = spec_topics_sim();
    let out = sim.customer_signals(
        "conv_1",
        "Let me talk to a human right now",
        json!({"sentiment": -0.8, "topic": "billing_dispute", "confidence": 0.1}),
    );

    let handoff = handoff_of(&out);
    assert_eq!(handoff["primary"], "customer_request");
    assert_eq!(
        trigger_names(handoff),
        [
            "customer_request",
            "topics",
            "sentiment_threshold",
            "low_confidence_threshold"
        ]
    );
    assert_eq!(handoff["context"]["triggers"], handoff["triggers"]);
}

#[test]
fn a_sensitive_topic_comes_before_sentiment() {
    let mut sim = spec_topics_sim();
    let out = sim.customer_signals(
        "conv_1",
        "You took my money twice",
        json!({"sentiment": -0.9, "topic": "billing_dispute"}),
    );
    let handoff = handoff_of(&out);
    assert_eq!(handoff["primary"], "topics");
    assert_eq!(trigger_names(handoff), ["topics", "sentiment_threshold"]);
}

#[test]
fn sentiment_comes_before_low_confidence() {
    let mut sim = default_sim();
    let out = sim.customer_signals(
        "conv_1",
        "Nothing works",
        json!({"sentiment": -0.7, "confidence": 0.1}),
    );
    let handoff = handoff_of(&out);
    assert_eq!(handoff["primary"], "sentiment_threshold");
    assert_eq!(
        trigger_names(handoff),
        ["sentiment_threshold", "low_confidence_threshold"]
    );
}

#[test]
fn low_confidence_comes_before_conversation_length() {
    let mut sim = Sim::new(json!({"handoff": {"triggers": {"max_exchanges": 1}}}));
    sim.customer("conv_1", "Can I pay in instalments?");
    let out = sim.ai_confidence("conv_1", "Possibly.", 0.1);
    let handoff = handoff_of(&out);
    assert_eq!(handoff["primary"], "low_confidence_threshold");
    assert_eq!(
        trigger_names(handoff),
        ["low_confidence_threshold", "max_exchanges"]
    );
}

#[test]
fn a_conversation_is_handed_off_once() {
    let mut sim = default_sim();
    sim.customer("conv_1", "Can I talk to a real person?");
    let mut later = Vec::new();
    later.extend(sim.customer("conv_1", "Hello?? I want a human!"));
    later.extend(sim.customer_signals("conv_1", "Terrible", json!({"sentiment": -1.0})));
    later.extend(sim.button("conv_1"));
    assert!(!has(&later, "handoff"), "{later:#?}");
}
