//! The live conversation in the helpdesks ("Helpdesks, both ways", outbound): the customer's
//! follow-ups, the agents' replies and private notes, and the hand-back to the AI become
//! Zendesk comments, Freshdesk notes and Intercom replies, through the same ordered chains as
//! the ticket itself; with Sunshine Conversations, control goes back to the bot.
#![cfg(feature = "integrations")]

mod support;

use serde_json::{json, Value};
use support::{of_type, Sim};

fn deliveries(out: &[Value]) -> Vec<Value> {
    of_type(out, "delivery").into_iter().cloned().collect()
}

fn body(delivery: &Value) -> Value {
    serde_json::from_str(delivery["body"].as_str().expect("body is text")).expect("body is JSON")
}

/// Reports `delivery` done with `response` as its body; returns what goes out next.
fn ok(sim: &mut Sim, delivery: &Value, response: Value) -> Vec<Value> {
    deliveries(&sim.send(json!({"type": "delivery_result",
        "delivery_id": delivery["delivery_id"], "status": 200, "body": response.to_string()})))
}

fn zendesk(sunshine: bool) -> Value {
    let mut integration = json!({
        "kind": "zendesk", "subdomain": "acme", "email": "bot@acme.com",
        "api_token_ref": "ZENDESK_API_TOKEN", "agent_map": {"agent_1": 9001}
    });
    if sunshine {
        integration["sunshine"] = json!({"app_id": "5f1a", "key_id": "app_5f1a",
            "key_secret_ref": "SUNSHINE_SECRET", "bot_integration": "handoff-bot"});
    }
    json!({"handoff": {"agents": [{"id": "agent_1", "name": "Asha"}],
        "routing": {"auto_accept": true}, "integrations": [integration]}})
}

/// A handoff to agent_1 with the customer's attributes; returns the first request.
fn handoff(sim: &mut Sim, attributes: Value) -> Vec<Value> {
    sim.online("agent_1", "Asha");
    deliveries(&sim.send(
        json!({"type": "handoff_request", "conversation_id": "conv_1",
        "customer": {"id": "cust_1", "name": "Priya", "email": "priya@example.com",
                     "attributes": attributes}}),
    ))
}

fn agent_message(sim: &mut Sim, text: &str) -> Vec<Value> {
    deliveries(
        &sim.send(json!({"type": "agent_message", "conversation_id": "conv_1",
        "agent_id": "agent_1", "text": text})),
    )
}

fn agent_note(sim: &mut Sim, text: &str) -> Vec<Value> {
    deliveries(
        &sim.send(json!({"type": "agent_note", "conversation_id": "conv_1",
        "agent_id": "agent_1", "text": text})),
    )
}

#[test]
fn zendesk_gets_the_customer_as_requester_agents_publicly_and_notes_internally() {
    let mut sim = Sim::new(zendesk(false));
    let ds = handoff(&mut sim, json!({}));
    assert_eq!(ds[0]["operation"], "zendesk.create_ticket");
    // The assignment's update waits behind the create; the create answers with the ids.
    let ds = ok(
        &mut sim,
        &ds[0],
        json!({"ticket": {"id": 35436, "requester_id": 20978392, "submitter_id": 1200}}),
    );
    assert_eq!(ds[0]["operation"], "zendesk.update_ticket");
    assert!(ok(&mut sim, &ds[0], json!({})).is_empty());

    let ds = deliveries(&sim.customer("conv_1", "Still waiting for my refund"));
    assert_eq!(ds.len(), 1, "{ds:#?}");
    assert_eq!(ds[0]["operation"], "zendesk.customer_comment");
    assert_eq!(ds[0]["method"], "PUT");
    assert_eq!(
        ds[0]["url"],
        "https://acme.zendesk.com/api/v2/tickets/35436"
    );
    assert_eq!(ds[0]["event"], "conversation.message");
    assert_eq!(
        body(&ds[0]),
        json!({"ticket": {"comment": {
        "body": "Still waiting for my refund", "public": true, "author_id": 20978392}}})
    );
    assert!(ok(&mut sim, &ds[0], json!({})).is_empty());

    let ds = agent_message(&mut sim, "Refund sent today.");
    assert_eq!(ds[0]["operation"], "zendesk.comment");
    assert_eq!(
        body(&ds[0]),
        json!({"ticket": {"comment": {"body": "Refund sent today.", "public": true}}})
    );
    assert!(ok(&mut sim, &ds[0], json!({})).is_empty());

    let ds = agent_note(&mut sim, "VIP customer");
    assert_eq!(
        body(&ds[0]),
        json!({"ticket": {"comment": {
        "body": "Note from agent_1: VIP customer", "public": false}}})
    );
}

#[test]
fn a_follow_up_waits_for_the_ticket_and_leaves_out_an_unknown_requester() {
    let mut sim = Sim::new(zendesk(false));
    let create = handoff(&mut sim, json!({}))[0].clone();
    // The customer writes while the create is still out: nothing more goes out yet.
    assert!(deliveries(&sim.customer("conv_1", "Hello?")).is_empty());
    // The create's answer has no requester: the comment goes as the API user.
    let ds = ok(&mut sim, &create, json!({"ticket": {"id": 7}}));
    assert_eq!(ds[0]["operation"], "zendesk.update_ticket");
    let ds = ok(&mut sim, &ds[0], json!({}));
    assert_eq!(ds[0]["url"], "https://acme.zendesk.com/api/v2/tickets/7");
    assert_eq!(
        body(&ds[0]),
        json!({"ticket": {"comment": {"body": "Hello?", "public": true}}})
    );
}

#[test]
fn return_to_ai_notes_it_and_gives_sunshine_control_back_to_the_bot() {
    let mut sim = Sim::new(zendesk(true));
    let ds = handoff(&mut sim, json!({"sunshine_conversation_id": "c9f3"}));
    let ds = ok(&mut sim, &ds[0], json!({"ticket": {"id": 35436}}));
    assert_eq!(ds[0]["operation"], "zendesk.pass_control");
    let ds = ok(&mut sim, &ds[0], json!({}));
    assert_eq!(ds[0]["operation"], "zendesk.update_ticket");
    assert!(ok(&mut sim, &ds[0], json!({})).is_empty());

    let out = sim.send(json!({"type": "return_to_ai", "conversation_id": "conv_1",
        "agent_id": "agent_1", "note": "Only needed the address"}));
    let ds = deliveries(&out);
    assert_eq!(
        body(&ds[0]),
        json!({"ticket": {"comment": {
        "body": "Returned to the AI by agent_1. Note: Only needed the address", "public": false}}})
    );
    let ds = ok(&mut sim, &ds[0], json!({}));
    assert_eq!(ds[0]["operation"], "zendesk.take_back_control");
    assert_eq!(
        ds[0]["url"],
        "https://acme.zendesk.com/sc/v2/apps/5f1a/conversations/c9f3/passControl"
    );
    assert_eq!(
        body(&ds[0]),
        json!({"switchboardIntegration": "handoff-bot", "metadata": {
        "handoff_conversation_id": "conv_1", "handoff_returned_by": "agent_1",
        "handoff_note": "Only needed the address"}})
    );
}

#[test]
fn freshdesk_gets_the_customer_as_an_incoming_note_and_agents_as_public_notes() {
    let mut sim = Sim::new(
        json!({"handoff": {"agents": [{"id": "agent_1", "name": "Asha"}],
        "routing": {"auto_accept": true},
        "integrations": [{"kind": "freshdesk", "domain": "acme", "api_key_ref": "FD_KEY"}]}}),
    );
    let ds = handoff(&mut sim, json!({}));
    let ds = ok(&mut sim, &ds[0], json!({"id": 12, "requester_id": 129}));
    assert_eq!(ds[0]["operation"], "freshdesk.add_note"); // assigned
    assert!(ok(&mut sim, &ds[0], json!({})).is_empty());

    let ds = deliveries(&sim.customer("conv_1", "Any news?"));
    assert_eq!(ds[0]["operation"], "freshdesk.customer_note");
    assert_eq!(
        ds[0]["url"],
        "https://acme.freshdesk.com/api/v2/tickets/12/notes"
    );
    assert_eq!(
        body(&ds[0]),
        json!({"body": "<p>Any news?</p>", "private": false,
        "incoming": true, "user_id": 129})
    );
    assert!(ok(&mut sim, &ds[0], json!({})).is_empty());

    let ds = agent_message(&mut sim, "Yes: <shipped>");
    assert_eq!(
        body(&ds[0]),
        json!({"body": "<p>Yes: &lt;shipped&gt;</p>", "private": false})
    );
    assert!(ok(&mut sim, &ds[0], json!({})).is_empty());
    let ds = agent_note(&mut sim, "checked");
    assert_eq!(
        body(&ds[0]),
        json!({"body": "<p>Note from agent_1: checked</p>", "private": true})
    );
    assert!(ok(&mut sim, &ds[0], json!({})).is_empty());

    // Freshdesk's automation webhook cannot say who wrote a note: what the engine wrote comes
    // back as an echo and is ignored (the loop guard), while an agent's own reply there is not.
    let event = |id: &str, kind: &str, text: &str| {
        json!({"type": "helpdesk_event", "integration_id": "freshdesk", "event_id": id,
            "vendor_ref": "ticket_id", "vendor_id": "12", "kind": kind,
            "author": {"id": "77", "name": "Agent in Freshdesk"}, "text": text})
    };
    for (id, kind, text) in [
        ("e1", "message", "Any news?"),
        ("e2", "message", "Yes:   <shipped>"),
        ("e3", "note", "Note from agent_1: checked"),
    ] {
        let out = sim.send(event(id, kind, text));
        assert!(out.is_empty(), "{text}: {out:#?}");
    }
    let out = sim.send(event("e4", "message", "Your refund is on its way."));
    let shown = support::one(&out, "agent_message");
    assert_eq!(shown["text"], "Your refund is on its way.");
    assert!(deliveries(&out).is_empty(), "not written back to Freshdesk");
}

fn intercom() -> Value {
    json!({"handoff": {"agents": [{"id": "agent_1", "name": "Asha"}],
        "routing": {"auto_accept": true},
        "integrations": [{"kind": "intercom", "access_token_ref": "INTERCOM_TOKEN",
            "admin_id": "814860", "team_id": "5017691"}]}})
}

/// Drains a chain: reports every request done until none goes out.
fn drain(sim: &mut Sim, mut ds: Vec<Value>) {
    while let Some(d) = ds.first().cloned() {
        ds = ok(sim, &d, json!({}));
    }
}

#[test]
fn intercom_gets_the_customer_as_the_contact_and_agents_as_the_admin() {
    let mut sim = Sim::new(intercom());
    let ds = handoff(
        &mut sim,
        json!({"intercom_conversation_id": "147", "intercom_contact_id": "6650a1"}),
    );
    drain(&mut sim, ds);

    let ds = deliveries(&sim.customer("conv_1", "Hi again"));
    assert_eq!(ds[0]["operation"], "intercom.user_reply");
    assert_eq!(
        ds[0]["url"],
        "https://api.intercom.io/conversations/147/reply"
    );
    assert_eq!(
        body(&ds[0]),
        json!({"message_type": "comment", "type": "user",
        "intercom_user_id": "6650a1", "body": "Hi again"})
    );
    assert!(ok(&mut sim, &ds[0], json!({})).is_empty());

    let ds = agent_message(&mut sim, "On it");
    assert_eq!(
        body(&ds[0]),
        json!({"message_type": "comment", "type": "admin",
        "admin_id": "814860", "body": "<p>On it</p>"})
    );
    assert!(ok(&mut sim, &ds[0], json!({})).is_empty());
    let ds = agent_note(&mut sim, "refund > 100");
    assert_eq!(
        body(&ds[0]),
        json!({"message_type": "note", "type": "admin",
        "admin_id": "814860", "body": "<p>Note from agent_1: refund &gt; 100</p>"})
    );
}

#[test]
fn intercom_leaves_the_customer_in_their_own_messenger_conversation() {
    let mut sim = Sim::new(intercom());
    let ds = handoff(&mut sim, json!({"intercom_conversation_id": "147"}));
    drain(&mut sim, ds);
    assert!(deliveries(&sim.customer("conv_1", "Hi again")).is_empty());
}
