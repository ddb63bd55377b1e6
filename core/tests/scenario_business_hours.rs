//! Scenarios for the specification's "Business Hours": the spec's Asia/Kolkata schedule, the
//! outside-hours message and callback collection, the callback request at the next opening, and
//! callback details that are refused without changing anything.

mod support;

use serde_json::{json, Value};
use support::{event, has, ms, offered_to, one, texts_for, types, Sim};

const OFFLINE: &str = "Our team is currently offline. Can I collect your details for a callback?";
/// Sunday 2026-01-11 12:00 in Asia/Kolkata.
const SUNDAY_NOON_IST: &str = "2026-01-11T12:00:00+05:30";
/// The next opening after the weekend: Monday 2026-01-12 09:00 in Asia/Kolkata.
const MONDAY_0900_IST: &str = "2026-01-12T09:00:00+05:30";

fn spec_hours() -> Value {
    support::example_json("business-hours.json")
}

fn with_outside_hours(outside: Value) -> Value {
    let mut config = spec_hours();
    config["handoff"]["outside_hours"] = outside;
    config
}

fn sim_at(config: Value, at: &str) -> Sim {
    let mut sim = Sim::new(config);
    sim.at(at);
    sim
}

fn callback(conv: &str, details: Value) -> Value {
    let mut input = json!({"type": "callback_details", "conversation_id": conv});
    if let (Some(i), Value::Object(d)) = (input.as_object_mut(), details) {
        i.extend(d);
    }
    input
}

#[test]
fn the_spec_snippet_is_a_valid_configuration() {
    let config = handoff_core::Config::from_json_str(&support::example("business-hours.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    let hours = config.business_hours.expect("business hours");
    assert_eq!(hours.timezone.name(), "Asia/Kolkata");
}

#[test]
fn on_sunday_the_customer_is_told_the_team_is_offline_and_asked_for_callback_details() {
    let mut sim = sim_at(spec_hours(), SUNDAY_NOON_IST);
    sim.online("agent_1", "Asha");
    let out = sim.customer("conv_1", "I want to talk to a human");

    assert_eq!(one(&out, "handoff")["primary"], "customer_request");
    assert_eq!(texts_for(&out, "conv_1"), [OFFLINE]);
    let form = one(&out, "collect_callback");
    assert_eq!(form["reason"], "outside_hours");
    assert_eq!(form["next_opening"], ms(MONDAY_0900_IST));
    assert_eq!(
        form["fields"],
        json!(["name", "phone", "email", "preferred_time"])
    );
    // Nobody is offered the conversation outside business hours.
    assert!(!has(&out, "offered"), "{out:#?}");
    assert!(!has(&out, "queued"), "{out:#?}");
}

#[test]
fn callback_details_schedule_the_callback_for_the_next_opening() {
    let mut sim = sim_at(spec_hours(), SUNDAY_NOON_IST);
    sim.send(
        json!({"type": "customer_message", "conversation_id": "conv_1",
        "text": "I want to talk to a human",
        "customer": {"id": "cust_456", "name": "Priya Sharma", "email": "priya@example.com"}}),
    );
    let out = sim.send(callback(
        "conv_1",
        json!({"phone": "+91 98765 43210", "preferred_time": "after 10am"}),
    ));

    let scheduled = one(&out, "callback_scheduled");
    assert_eq!(scheduled["at"], ms(MONDAY_0900_IST));
    assert_eq!(
        scheduled["callback"],
        json!({"name": "Priya Sharma", "phone": "+91 98765 43210", "preferred_time": "after 10am"})
    );
    assert_eq!(
        texts_for(&out, "conv_1"),
        ["Thank you. Our team will call you back when we open (Monday 09:00 IST)."]
    );
    assert!(!has(&out, "callback_requested"));
    assert_eq!(sim.engine.next_wakeup(), Some(ms(MONDAY_0900_IST)));
}

#[test]
fn a_chosen_slot_in_business_hours_is_booked_and_requested_at_that_time() {
    // Monday 2026-01-12 11:00 in Asia/Kolkata: a slot the team is on duty.
    let monday_1100 = ms("2026-01-12T11:00:00+05:30");
    let mut sim = sim_at(spec_hours(), SUNDAY_NOON_IST);
    sim.customer("conv_1", "I want to talk to a human");

    // A time the team is off (Sunday evening) is refused with its path; nothing changes.
    let sunday_evening = ms("2026-01-11T19:00:00+05:30");
    let refused = sim.refused(
        callback(
            "conv_1",
            json!({"name": "Priya", "phone": "+91 98765 43210", "at": sunday_evening}),
        ),
        "input.at",
    );
    assert_eq!(refused.kind, handoff_core::ErrorKind::OutOfRange);
    assert!(
        refused.message.contains("not on duty"),
        "{}",
        refused.message
    );

    let out = sim.send(callback(
        "conv_1",
        json!({"name": "Priya", "phone": "+91 98765 43210", "at": monday_1100}),
    ));
    assert_eq!(one(&out, "callback_scheduled")["at"], monday_1100);
    assert_eq!(
        texts_for(&out, "conv_1"),
        ["Thank you. Our team will call you back at the time you chose (Monday 11:00 IST)."]
    );
    assert_eq!(sim.engine.next_wakeup(), Some(monday_1100));
    // Not at the opening: at the chosen time.
    assert!(sim.advance_to(ms(MONDAY_0900_IST)).is_empty());
    let out = sim.advance_to(monday_1100);
    assert_eq!(one(&out, "callback_requested")["callback"]["name"], "Priya");
}

#[test]
fn at_the_opening_a_tick_requests_the_callback() {
    let mut sim = sim_at(spec_hours(), SUNDAY_NOON_IST);
    sim.send(
        json!({"type": "customer_message", "conversation_id": "conv_1",
        "text": "My order never arrived, I want to talk to a human",
        "customer": {"id": "cust_456", "name": "Priya Sharma", "email": "priya@example.com"}}),
    );
    sim.send(callback(
        "conv_1",
        json!({"name": "Priya", "phone": "+91 98765 43210"}),
    ));

    // Nothing happens during the night.
    let night = sim.advance_to(ms(MONDAY_0900_IST) - 1);
    assert!(night.is_empty(), "{night:#?}");

    let out = sim.advance_to(ms(MONDAY_0900_IST));
    let requested = one(&out, "callback_requested");
    assert_eq!(requested["conversation_id"], "conv_1");
    assert_eq!(requested["customer"]["name"], "Priya Sharma");
    assert_eq!(requested["callback"]["name"], "Priya");
    assert_eq!(requested["callback"]["phone"], "+91 98765 43210");
    assert_eq!(requested["context"]["conversation_id"], "conv_1");

    let ev = event(&out, "conversation.callback_requested");
    assert_eq!(ev["timestamp"], "2026-01-12T03:30:00Z");
    assert_eq!(ev["data"]["conversation_id"], "conv_1");
    assert_eq!(ev["data"]["customer"]["email"], "priya@example.com");
    assert_eq!(ev["data"]["callback"]["phone"], "+91 98765 43210");
    assert_eq!(ev["data"]["callback"]["email"], Value::Null);

    // Requested once only.
    let again = sim.advance_secs(3600);
    assert!(!has(&again, "callback_requested"), "{again:#?}");
}

#[test]
fn the_callback_event_carries_the_summary_the_agent_will_need() {
    let mut sim = sim_at(spec_hours(), SUNDAY_NOON_IST);
    sim.customer(
        "conv_1",
        "My order ORD-12345 is late. Can I talk to a human?",
    );
    sim.send(callback(
        "conv_1",
        json!({"name": "Priya", "email": "priya@example.com"}),
    ));
    let out = sim.advance_to(ms(MONDAY_0900_IST));
    let ev = event(&out, "conversation.callback_requested");
    let summary = ev["data"]["summary"].as_str().unwrap_or_default();
    assert!(
        summary.contains("ORD-12345"),
        "the callback event should summarise the issue (as the context does), got {:?}",
        ev["data"]["summary"]
    );
}

/// On Sunday the customer did not fill in the callback form. On Monday morning, with the team on
/// duty, they come back to the same chat and ask again: they must reach a person.
#[test]
fn a_customer_who_skipped_the_callback_form_can_ask_again_when_the_team_is_open() {
    let mut sim = sim_at(spec_hours(), SUNDAY_NOON_IST);
    let out = sim.customer("conv_1", "I want to talk to a human");
    assert!(has(&out, "collect_callback"));

    sim.at("2026-01-12T10:00:00+05:30");
    sim.online("agent_1", "Asha");
    let mut out = sim.customer("conv_1", "Good morning, can I talk to a human now?");
    out.extend(sim.button("conv_1"));
    assert_eq!(
        offered_to(&out, "conv_1").as_deref(),
        Some("agent_1"),
        "Monday 10:00 IST, agent online, the customer asks twice and gets: {out:#?}"
    );
}

#[test]
fn saturday_noon_is_within_hours_and_routes_normally() {
    let mut sim = sim_at(spec_hours(), "2026-01-10T12:00:00+05:30");
    sim.online("agent_1", "Asha");
    let out = sim.customer("conv_1", "I want to talk to a human");
    assert_eq!(
        texts_for(&out, "conv_1"),
        ["I'm connecting you with a team member who can help further."]
    );
    assert_eq!(offered_to(&out, "conv_1").as_deref(), Some("agent_1"));
    assert!(!has(&out, "collect_callback"));
}

#[test]
fn saturday_afternoon_is_closed_until_monday() {
    let mut sim = sim_at(spec_hours(), "2026-01-10T14:00:00+05:30");
    let out = sim.button("conv_1");
    assert_eq!(texts_for(&out, "conv_1"), [OFFLINE]);
    assert_eq!(
        one(&out, "collect_callback")["next_opening"],
        ms(MONDAY_0900_IST)
    );
}

#[test]
fn friday_evening_after_six_waits_for_saturday_morning() {
    let mut sim = sim_at(spec_hours(), "2026-01-09T18:00:00+05:30");
    let out = sim.button("conv_1");
    assert_eq!(
        one(&out, "collect_callback")["next_opening"],
        ms("2026-01-10T10:00:00+05:30")
    );
}

#[test]
fn a_weekday_morning_before_nine_is_closed() {
    let mut sim = sim_at(spec_hours(), "2026-01-13T08:59:00+05:30");
    let out = sim.button("conv_1");
    assert_eq!(
        one(&out, "collect_callback")["next_opening"],
        ms("2026-01-13T09:00:00+05:30")
    );
}

#[test]
fn the_outside_hours_message_can_name_the_next_opening() {
    let config = with_outside_hours(json!({
        "action": "collect_callback",
        "message": "We're closed. We open again {{next_opening}}."
    }));
    let mut sim = sim_at(config, SUNDAY_NOON_IST);
    let out = sim.button("conv_1");
    assert_eq!(
        texts_for(&out, "conv_1"),
        ["We're closed. We open again Monday 09:00 IST."]
    );
}

#[test]
fn the_message_action_only_informs_and_the_ai_keeps_the_conversation() {
    let config = with_outside_hours(json!({"action": "message", "message": OFFLINE}));
    let mut sim = sim_at(config, SUNDAY_NOON_IST);
    let out = sim.button("conv_1");
    assert_eq!(types(&out), ["handoff", "event", "message"]);
    assert_eq!(texts_for(&out, "conv_1"), [OFFLINE]);
    // The AI keeps answering; an angry message does not start another handoff tonight.
    sim.ai("conv_1", "I can help with most questions meanwhile.");
    let out = sim.customer_signals("conv_1", "Useless.", json!({"sentiment": -0.9}));
    assert!(!has(&out, "handoff"), "{out:#?}");
}

#[test]
fn the_queue_action_queues_for_the_morning_shift() {
    let config = with_outside_hours(json!({"action": "queue", "message": OFFLINE}));
    let mut sim = sim_at(config, SUNDAY_NOON_IST);
    let out = sim.button("conv_1");
    assert_eq!(
        texts_for(&out, "conv_1"),
        [
            OFFLINE,
            "Please hold while I find an available agent. You're 1 in queue."
        ]
    );
    sim.at(MONDAY_0900_IST);
    let out = sim.online("agent_1", "Asha");
    assert_eq!(offered_to(&out, "conv_1").as_deref(), Some("agent_1"));
}

// ----- Callback details that are refused -----------------------------------------------------------

fn collecting() -> Sim {
    let mut sim = sim_at(spec_hours(), SUNDAY_NOON_IST);
    sim.button("conv_1");
    sim
}

#[test]
fn callback_details_without_a_phone_or_an_email_are_refused() {
    let mut sim = collecting();
    let err = sim.refused(
        callback(
            "conv_1",
            json!({"name": "Priya", "preferred_time": "morning"}),
        ),
        "input.phone",
    );
    assert!(err.message.contains("phone number or an email"), "{err}");
}

#[test]
fn a_malformed_email_is_refused() {
    let mut sim = collecting();
    sim.refused(
        callback("conv_1", json!({"name": "Priya", "email": "priya@example"})),
        "input.email",
    );
    sim.refused(
        callback("conv_1", json!({"name": "Priya", "email": "not an email"})),
        "input.email",
    );
}

#[test]
fn a_malformed_phone_is_refused() {
    let mut sim = collecting();
    sim.refused(
        callback("conv_1", json!({"name": "Priya", "phone": "call me"})),
        "input.phone",
    );
}

#[test]
fn a_name_is_needed_when_the_customer_is_not_known() {
    let mut sim = collecting();
    sim.refused(
        callback("conv_1", json!({"phone": "+91 98765 43210"})),
        "input.name",
    );
}

#[test]
fn after_a_refusal_valid_details_are_still_accepted() {
    let mut sim = collecting();
    sim.refused(callback("conv_1", json!({"name": "Priya"})), "input.phone");
    let out = sim.send(callback(
        "conv_1",
        json!({"name": "Priya", "email": "priya@example.com"}),
    ));
    assert_eq!(one(&out, "callback_scheduled")["at"], ms(MONDAY_0900_IST));
}

#[test]
fn callback_details_for_a_conversation_that_is_not_collecting_them_are_refused() {
    let mut sim = collecting();
    sim.customer("conv_2", "Hello");
    sim.refused(
        callback(
            "conv_2",
            json!({"name": "Ravi", "phone": "+91 98765 43210"}),
        ),
        "input.conversation_id",
    );
    sim.refused(
        callback(
            "conv_9",
            json!({"name": "Ravi", "phone": "+91 98765 43210"}),
        ),
        "input.conversation_id",
    );
}
