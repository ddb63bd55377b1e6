//! Scenarios for the specification's "Context Transfer" (what the human agent receives) and
//! "Webhook Integration" (the `conversation.handoff_requested` payload, byte for byte, and the other
//! events, delivered to a configured webhook).

mod support;

use serde_json::{json, Value};
use support::{event, event_names, example, example_json, of_type, one, Sim};

const PRIYA_SUMMARY: &str =
    "Customer frustrated about delayed order ORD-12345. AI unable to provide updated delivery date.";

fn spec_with_webhook() -> Value {
    let mut config = example_json("handoff-settings.json");
    config["handoff"]["webhooks"] =
        json!([{"url": "https://hooks.example.com/x", "secret_ref": "SECRET_ENV"}]);
    config
}

/// The specification's example: Priya, frustrated about a delayed order, at 2026-01-12T10:30:00Z.
fn priya(sim: &mut Sim) -> Vec<Value> {
    sim.at("2026-01-12T10:30:00Z");
    sim.send(json!({
        "type": "customer_message",
        "conversation_id": "conv_xyz789",
        "text": "Where is my order ORD-12345? It was supposed to arrive last week.",
        "customer": {"id": "cust_456", "name": "Priya Sharma", "email": "priya@example.com"},
        "signals": {
            "sentiment": -0.65,
            "summary": PRIYA_SUMMARY,
            "suggested_actions": [
                "Check logistics system for actual ETA",
                "Consider offering compensation"
            ]
        }
    }))
}

fn compact(text: &str) -> String {
    let value: Value = serde_json::from_str(text).unwrap();
    serde_json::to_string(&value).unwrap()
}

// ----- Webhook Integration -----------------------------------------------------------------------

#[test]
fn the_handoff_event_is_the_specifications_payload_byte_for_byte() {
    let mut sim = Sim::new(example_json("handoff-settings.json"));
    let out = priya(&mut sim);
    let ev = event(&out, "conversation.handoff_requested");
    assert_eq!(
        serde_json::to_string(ev).unwrap(),
        compact(&example("webhook-payload.json"))
    );
}

#[test]
fn a_configured_webhook_receives_exactly_that_body_to_sign_with_its_secret() {
    let mut sim = Sim::new(spec_with_webhook());
    let out = priya(&mut sim);
    let deliveries: Vec<&Value> = of_type(&out, "delivery")
        .into_iter()
        .filter(|d| d["event"] == "conversation.handoff_requested")
        .collect();
    assert_eq!(deliveries.len(), 1, "{out:#?}");
    let d = deliveries[0];
    assert_eq!(d["body"], compact(&example("webhook-payload.json")));
    assert_eq!(
        d["auth"],
        json!({"scheme": "standard_webhooks", "secret_ref": "SECRET_ENV"})
    );
    assert_eq!(d["method"], "POST");
    assert_eq!(d["url"], "https://hooks.example.com/x");
    assert_eq!(d["conversation_id"], "conv_xyz789");
    assert_eq!(d["attempt"], 1);
    assert_eq!(d["headers"]["content-type"], "application/json");
    assert!(d["delivery_id"].as_str().unwrap().starts_with("msg_"));
}

#[test]
fn the_host_can_sign_a_delivery_and_the_receiver_verify_it() {
    use handoff_core::signing;
    let mut sim = Sim::new(spec_with_webhook());
    let out = priya(&mut sim);
    let d = of_type(&out, "delivery")[0];
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let id = d["delivery_id"].as_str().unwrap();
    let ts = sim.now / 1000;
    let body = d["body"].as_str().unwrap().as_bytes();
    let signature = signing::sign(secret, id, ts, body).unwrap();
    signing::verify(secret, id, ts, body, &signature).unwrap();
}

#[test]
fn a_webhook_without_a_secret_ref_is_sent_unsigned() {
    let mut sim =
        Sim::new(json!({"handoff": {"webhooks": [{"url": "https://hooks.example.com/x"}]}}));
    let out = sim.button("conv_1");
    assert_eq!(
        of_type(&out, "delivery")[0]["auth"],
        json!({"scheme": "none"})
    );
}

#[test]
fn the_event_precedes_its_delivery() {
    let mut sim = Sim::new(spec_with_webhook());
    let out = priya(&mut sim);
    let kinds = support::types(&out);
    let ev = kinds.iter().position(|t| t == "event").unwrap();
    assert_eq!(kinds[ev + 1], "delivery", "{kinds:?}");
}

#[test]
fn the_lifecycle_is_told_queued_assigned_closed() {
    let mut sim = Sim::new(spec_with_webhook());
    let out = priya(&mut sim);
    assert_eq!(
        event_names(&out),
        ["conversation.handoff_requested", "conversation.queued"]
    );
    let queued = event(&out, "conversation.queued");
    assert_eq!(
        queued["data"],
        json!({"conversation_id": "conv_xyz789", "position": 1, "queue_length": 1, "priority": "high"})
    );
    assert_eq!(of_type(&out, "delivery").len(), 2);

    sim.advance_secs(30);
    let out = sim.online("agent_1", "Asha");
    assert!(
        event_names(&out).is_empty(),
        "an offer is not an assignment"
    );
    sim.advance_secs(15);
    let out = sim.accept("conv_xyz789", "agent_1");
    let assigned = event(&out, "conversation.assigned");
    assert_eq!(assigned["timestamp"], "2026-01-12T10:30:45Z");
    assert_eq!(
        assigned["data"],
        json!({"conversation_id": "conv_xyz789", "agent_id": "agent_1", "agent_name": "Asha",
               "wait_seconds": 45, "priority": "high"})
    );
    assert_eq!(one(&out, "delivery")["event"], "conversation.assigned");

    let out = sim.close("conv_xyz789", "agent");
    let closed = event(&out, "conversation.closed");
    assert_eq!(
        closed["data"],
        json!({"conversation_id": "conv_xyz789", "closed_by": "agent", "agent_id": "agent_1"})
    );
    assert_eq!(one(&out, "closed")["agent_id"], "agent_1");
}

#[test]
fn a_callback_request_is_told_to_the_webhook() {
    let mut config = support::example_json("business-hours.json");
    config["handoff"]["webhooks"] = json!([{"url": "https://hooks.example.com/x",
        "events": ["conversation.callback_requested"]}]);
    let mut sim = Sim::new(config);
    sim.at("2026-01-11T12:00:00+05:30");
    let out = sim.button("conv_1");
    assert!(of_type(&out, "delivery").is_empty(), "not subscribed");
    sim.send(
        json!({"type": "callback_details", "conversation_id": "conv_1",
        "name": "Priya", "email": "priya@example.com"}),
    );
    let out = sim.advance_to(support::ms("2026-01-12T09:00:00+05:30"));
    let d = one(&out, "delivery");
    assert_eq!(d["event"], "conversation.callback_requested");
    let body: Value = serde_json::from_str(d["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["data"]["callback"]["email"], "priya@example.com");
}

#[test]
fn a_webhook_gets_only_the_events_it_subscribed_to() {
    let mut sim = Sim::new(json!({"handoff": {"webhooks": [
        {"id": "crm", "url": "https://crm.example.com/h", "events": ["conversation.handoff_requested"]},
        {"id": "all", "url": "https://all.example.com/h"}
    ]}}));
    let out = sim.button("conv_1");
    let to: Vec<(String, String)> = of_type(&out, "delivery")
        .iter()
        .map(|d| {
            (
                d["webhook_id"].as_str().unwrap().to_string(),
                d["event"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        to,
        [
            ("crm".into(), "conversation.handoff_requested".into()),
            ("all".into(), "conversation.handoff_requested".into()),
            ("all".into(), "conversation.queued".into()),
        ]
    );
}

// ----- Context Transfer --------------------------------------------------------------------------

fn a_long_conversation(sim: &mut Sim) -> Vec<Value> {
    sim.send(
        json!({"type": "customer_message", "conversation_id": "conv_1",
        "text": "Where is my order ORD-12345? It was due last week.",
        "customer": {"id": "cust_456", "name": "Priya Sharma", "email": "priya@example.com",
                     "phone": "+91 98765 43210", "attributes": {"plan": "gold", "orders": 12}},
        "signals": {"sentiment": -0.2, "intent": "order_status"}}),
    );
    sim.advance_secs(10);
    sim.send(
        json!({"type": "ai_reply", "conversation_id": "conv_1", "text": "Let me check.",
        "confidence": 0.8, "actions": ["looked up order ORD-12345"]}),
    );
    sim.advance_secs(10);
    sim.customer_signals("conv_1", "It's still not here.", json!({"sentiment": -0.4}));
    sim.advance_secs(10);
    sim.send(
        json!({"type": "ai_reply", "conversation_id": "conv_1", "text": "It is in transit.",
        "confidence": 0.6, "actions": ["checked tracking"]}),
    );
    sim.advance_secs(10);
    sim.customer_signals(
        "conv_1",
        "That's what you said yesterday. I want a refund.",
        json!({"sentiment": -0.7}),
    )
}

#[test]
fn the_agent_receives_the_complete_history() {
    let mut sim = Sim::new(json!({"handoff": {}}));
    let out = a_long_conversation(&mut sim);
    let ctx = &one(&out, "handoff")["context"];
    let lines: Vec<(&str, &str)> = ctx["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["role"].as_str().unwrap(), h["text"].as_str().unwrap()))
        .collect();
    assert_eq!(
        lines,
        [
            (
                "customer",
                "Where is my order ORD-12345? It was due last week."
            ),
            ("ai", "Let me check."),
            ("customer", "It's still not here."),
            ("ai", "It is in transit."),
            (
                "customer",
                "That's what you said yesterday. I want a refund."
            ),
        ]
    );
    assert_eq!(ctx["history"][1]["confidence"], 0.8);
    assert_eq!(ctx["history"][0]["sentiment"], -0.2);
    assert_eq!(
        ctx["history"][4]["at"],
        support::ms(support::SPEC_NOW) + 40_000
    );
}

#[test]
fn the_agent_receives_the_customer_profile_intent_and_sentiment_trend() {
    let mut sim = Sim::new(json!({"handoff": {}}));
    let out = a_long_conversation(&mut sim);
    let ctx = &one(&out, "handoff")["context"];
    assert_eq!(
        ctx["customer"],
        json!({"id": "cust_456", "name": "Priya Sharma", "email": "priya@example.com",
               "phone": "+91 98765 43210", "attributes": {"orders": 12, "plan": "gold"}})
    );
    assert_eq!(ctx["intent"], "order_status");
    assert_eq!(
        ctx["sentiment"],
        json!({"latest": -0.7, "average": -0.4333, "trend": "worsening", "history": [-0.2, -0.4, -0.7]})
    );
}

#[test]
fn the_agent_receives_the_actions_the_ai_attempted() {
    let mut sim = Sim::new(json!({"handoff": {}}));
    let out = a_long_conversation(&mut sim);
    let ctx = &one(&out, "handoff")["context"];
    assert_eq!(
        ctx["ai_actions"],
        json!(["looked up order ORD-12345", "checked tracking"])
    );
    assert_eq!(ctx["exchanges"], 2);
    assert_eq!(ctx["triggers"][0]["trigger"], "sentiment_threshold");
    assert_eq!(ctx["priority"], "high");
}

#[test]
fn without_an_ai_summary_the_agent_gets_one_built_from_the_customers_words() {
    let mut sim = Sim::new(json!({"handoff": {}}));
    let out = a_long_conversation(&mut sim);
    let ctx = &one(&out, "handoff")["context"];
    assert_eq!(ctx["summary_source"], "extractive");
    let summary = ctx["summary"].as_str().unwrap();
    assert!(
        summary.contains("Where is my order ORD-12345?"),
        "{summary}"
    );
    assert!(summary.contains("I want a refund."), "{summary}");
    assert!(summary.contains("ORD-12345"), "{summary}");
    assert!(summary.contains("checked tracking"), "{summary}");
    assert!(summary.chars().count() <= 400, "{summary}");
    // The webhook gets the same summary.
    assert_eq!(
        event(&out, "conversation.handoff_requested")["data"]["summary"],
        summary
    );
}

#[test]
fn the_ai_summary_and_suggested_steps_are_passed_on_as_given() {
    let mut sim = Sim::new(json!({"handoff": {}}));
    let out = priya(&mut sim);
    let ctx = &one(&out, "handoff")["context"];
    assert_eq!(ctx["summary_source"], "ai");
    assert_eq!(ctx["summary"], PRIYA_SUMMARY);
    assert_eq!(
        ctx["suggested_actions"],
        json!([
            "Check logistics system for actual ETA",
            "Consider offering compensation"
        ])
    );
    assert_eq!(ctx["customer"]["name"], "Priya Sharma");
}

#[test]
fn without_ai_suggestions_the_agent_gets_first_steps_for_the_trigger_and_topic() {
    let mut sim = Sim::new(json!({"handoff": {"triggers": {"topics": ["billing_dispute"]}}}));
    let out = sim.customer_signals(
        "conv_1",
        "You charged me twice!",
        json!({"topic": "billing_dispute", "sentiment": -0.8}),
    );
    let steps = one(&out, "handoff")["context"]["suggested_actions"]
        .as_array()
        .unwrap()
        .clone();
    assert!(!steps.is_empty());
    assert!(
        steps
            .iter()
            .any(|s| s.as_str().unwrap().contains("charges")),
        "{steps:?}"
    );
    assert!(
        steps
            .iter()
            .any(|s| s.as_str().unwrap().contains("frustration")),
        "{steps:?}"
    );
}

#[test]
fn the_agent_sees_a_button_request_with_the_conversation_so_far() {
    let mut sim = Sim::new(json!({"handoff": {}}));
    sim.customer("conv_1", "My parcel PKG-778 is damaged.");
    sim.send(json!({"type": "ai_reply", "conversation_id": "conv_1",
        "text": "Sorry to hear that. Could you send a photo?", "actions": ["opened damage claim"]}));
    let out = sim.send(
        json!({"type": "handoff_request", "conversation_id": "conv_1",
        "customer": {"name": "Ravi"}}),
    );
    let ctx = &one(&out, "handoff")["context"];
    assert_eq!(ctx["history"].as_array().unwrap().len(), 2);
    assert_eq!(ctx["customer"]["name"], "Ravi");
    assert_eq!(ctx["ai_actions"], json!(["opened damage claim"]));
    assert!(
        ctx["summary"].as_str().unwrap().contains("PKG-778"),
        "{ctx}"
    );
}
