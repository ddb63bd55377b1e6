//! Helpdesks, the other way: an agent who answers inside Zendesk, Intercom, Sunshine
//! Conversations or Freshdesk is heard in the customer's chat. A `helpdesk_event` finds its
//! conversation by the vendor's ticket, goes the way of the agent's own input, is not written
//! back to the helpdesk it came from, is applied once (by the vendor's event id), and what the
//! engine wrote itself is ignored; an unknown ticket is refused by name, state unchanged.
#![cfg(feature = "integrations")]

mod support;

use std::collections::BTreeMap;

use handoff_core::inbound::{read, WebhookRequest};
use handoff_core::{ErrorKind, Input};
use serde_json::{json, Value};
use support::{event_names, has, of_type, one, Sim};

fn zendesk_config() -> Value {
    json!({"handoff": {"agents": [{"id": "agent_1", "name": "Asha"}],
        "routing": {"auto_accept": true},
        "integrations": [{"kind": "zendesk", "subdomain": "acme", "email": "bot@acme.com",
            "api_token_ref": "ZD", "agent_map": {"agent_1": 381001},
            "webhook_secret_ref": "ZD_HOOK",
            "sunshine": {"app_id": "5e4a", "key_id": "app_1", "key_secret_ref": "SC",
                         "bot_integration": "handoff-bot", "webhook_secret_ref": "SC_HOOK"}}]}})
}

/// A handoff to agent_1 whose Zendesk ticket 35436 exists (requester 20978392, API user 1200),
/// every request done.
fn handed_off() -> Sim {
    handed_off_to(true)
}

/// A handoff with its ticket created: assigned to agent_1 (`auto_accept`), or queued without
/// an agent online.
fn handed_off_to(agent_online: bool) -> Sim {
    let mut sim = Sim::new(zendesk_config());
    if agent_online {
        sim.online("agent_1", "Asha");
    }
    let out = sim.send(
        json!({"type": "handoff_request", "conversation_id": "conv_1",
        "customer": {"name": "Priya", "email": "priya@example.com",
                     "attributes": {"sunshine_conversation_id": "c9f3"}}}),
    );
    let mut next: Vec<Value> = of_type(&out, "delivery").into_iter().cloned().collect();
    let mut body = json!({"ticket": {"id": 35436, "requester_id": 20978392, "submitter_id": 1200}});
    while let Some(d) = next.first().cloned() {
        let out = sim.send(
            json!({"type": "delivery_result", "delivery_id": d["delivery_id"],
            "status": 200, "body": body.to_string()}),
        );
        body = json!({});
        next = of_type(&out, "delivery").into_iter().cloned().collect();
    }
    sim
}

fn zendesk_event(event_id: &str, kind: &str, author: &str, text: &str) -> Value {
    json!({"type": "helpdesk_event", "integration_id": "zendesk", "event_id": event_id,
        "vendor_ref": "ticket_id", "vendor_id": "35436", "kind": kind,
        "author": {"id": author, "name": "Zendesk Person"}, "text": text})
}

#[test]
fn an_agents_reply_in_zendesk_reaches_the_customer_and_is_not_written_back() {
    let mut sim = handed_off();
    let out = sim.send(zendesk_event(
        "ev1",
        "message",
        "381001",
        "Refund sent today.",
    ));
    let m = one(&out, "agent_message");
    assert_eq!(m["conversation_id"], "conv_1");
    assert_eq!(
        (m["agent_id"].as_str(), m["agent_name"].as_str()),
        (Some("agent_1"), Some("Asha"))
    );
    assert_eq!(m["text"], "Refund sent today.");
    assert_eq!(event_names(&out), ["conversation.message"]);
    assert!(
        of_type(&out, "delivery").is_empty(),
        "written back: {out:#?}"
    );
    let state = sim.engine.state();
    assert_eq!(
        state.conversations["conv_1"].history.last().unwrap().text,
        "Refund sent today."
    );
}

#[test]
fn the_same_vendor_event_twice_is_applied_once() {
    let mut sim = handed_off();
    sim.send(zendesk_event("ev1", "message", "381001", "Hello"));
    let before = sim.state_json();
    let out = sim.send(zendesk_event("ev1", "message", "381001", "Hello"));
    assert!(out.is_empty(), "{out:#?}");
    assert_eq!(sim.state_json(), before);
}

#[test]
fn what_the_engine_wrote_itself_is_ignored() {
    let mut sim = handed_off();
    let before = sim.state_json();
    // The requester (the customer's comments) and the API user (notes) are the engine's own.
    for author in ["20978392", "1200"] {
        let out = sim.send(zendesk_event(
            &format!("own-{author}"),
            "message",
            author,
            "x",
        ));
        assert!(out.is_empty(), "{author}: {out:#?}");
    }
    assert_eq!(sim.state_json(), before);
}

#[test]
fn an_unknown_ticket_is_refused_by_name_and_changes_nothing() {
    let mut sim = handed_off();
    let mut e = zendesk_event("ev9", "message", "381001", "Hi");
    e["vendor_id"] = json!("99999");
    let err = sim.refused(e, "input.vendor_id");
    assert_eq!(err.kind, ErrorKind::UnknownConversation);
    let mut e = zendesk_event("ev9", "message", "381001", "Hi");
    e["integration_id"] = json!("freshdesk");
    assert_eq!(
        sim.refused(e, "input.integration_id").kind,
        ErrorKind::UnknownDelivery
    );
    let e = zendesk_event("ev9", "message", "381001", "  ");
    assert_eq!(sim.refused(e, "input.text").kind, ErrorKind::Missing);
}

#[test]
fn a_note_stays_with_the_agents() {
    let mut sim = handed_off();
    let out = sim.send(zendesk_event("n1", "note", "381001", "VIP"));
    assert!(has(&out, "agent_note"));
    assert!(!has(&out, "agent_message"));
    assert!(of_type(&out, "delivery").is_empty());
}

#[test]
fn a_solve_of_a_queued_conversation_closes_it_as_the_agent() {
    let mut sim = handed_off_to(false);
    let out = sim.send(zendesk_event("c1", "close", "381001", ""));
    assert_eq!(one(&out, "closed")["conversation_id"], "conv_1");
    let closed = support::event(&out, "conversation.closed");
    assert_eq!(closed["data"]["closed_by"], "agent");
    // Not written back: the ticket is solved already.
    assert!(of_type(&out, "delivery").is_empty(), "{out:#?}");
}

#[test]
fn a_solve_of_an_assigned_conversation_resolves_it_and_the_customer_can_reopen_it() {
    let mut sim = handed_off();
    let out = sim.send(zendesk_event("s1", "close", "381001", ""));
    let resolved = one(&out, "resolved");
    assert_eq!(resolved["outcome"], "solved");
    assert_eq!(resolved["agent_id"], "agent_1");
    let event = support::event(&out, "conversation.resolved");
    assert_eq!(event["data"]["resolved_by"], "admin");
    assert!(!has(&out, "closed"));
    // Not written back: the ticket is solved already.
    assert!(of_type(&out, "delivery").is_empty(), "{out:#?}");
    // The agent is free again; a second solve changes nothing.
    assert!(sim.engine.state().agents["agent_1"].active.is_empty());
    let out = sim.send(zendesk_event("s2", "close", "381001", ""));
    assert!(!has(&out, "resolved") && !has(&out, "closed"), "{out:#?}");
    // The customer writes again: reopened to the agent who had it (the default `last_agent`),
    // assigned at once (`auto_accept`).
    let out = sim.send(json!({"type": "customer_message", "conversation_id": "conv_1", "text": "One more question"}));
    assert_eq!(one(&out, "reopened")["to"], "last_agent");
    assert_eq!(one(&out, "assigned")["agent_id"], "agent_1");
}

#[test]
fn a_helpdesk_user_who_is_not_our_agent_speaks_under_their_own_name() {
    let mut sim = handed_off();
    let out = sim.send(zendesk_event("ev1", "message", "555", "Supervisor here."));
    let m = one(&out, "agent_message");
    assert_eq!(
        (m["agent_id"].as_str(), m["agent_name"].as_str()),
        (Some("zendesk:555"), Some("Zendesk Person"))
    );
}

#[test]
fn sunshine_control_passed_back_to_the_bot_returns_the_conversation_to_the_ai() {
    let mut sim = handed_off();
    let out = sim.send(
        json!({"type": "helpdesk_event", "integration_id": "zendesk",
        "event_id": "sb1", "vendor_ref": "sunshine_conversation_id", "vendor_id": "c9f3",
        "kind": "return_to_ai", "author": {"id": "switchboard"}}),
    );
    assert_eq!(one(&out, "returned_to_ai")["agent_id"], "agent_1");
    assert_eq!(
        sim.engine.state().conversations["conv_1"].status,
        handoff_core::wire::state::Status::Ai
    );
}

/// Zendesk's webhook, as the vendor sends it: verified and read by `inbound::read`, then handled.
#[test]
fn a_signed_zendesk_webhook_goes_all_the_way_to_the_customer() {
    use base64::Engine as _;
    use hmac::Mac;
    let mut sim = handed_off();
    let body = json!({"id": "cbe4028c", "type": "zen:event-type:ticket.comment_added",
        "subject": "zen:ticket:35436",
        "detail": {"id": "35436", "requester_id": "20978392", "submitter_id": "1200"},
        "event": {"comment": {"id": "1", "body": "On its way!", "is_public": true,
                  "author": {"id": "381001", "is_staff": true, "name": "Asha K"}}}})
    .to_string();
    let ts = "2026-01-12T10:30:30Z";
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"zd-hook-secret").unwrap();
    mac.update(ts.as_bytes());
    mac.update(body.as_bytes());
    let sig = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    let headers: BTreeMap<String, String> = [
        ("x-zendesk-webhook-signature".to_string(), sig),
        (
            "x-zendesk-webhook-signature-timestamp".to_string(),
            ts.to_string(),
        ),
    ]
    .into();
    let request = WebhookRequest {
        headers: &headers,
        query: "",
        body: body.as_bytes(),
    };
    let resolve = |r: &str| (r == "ZD_HOOK").then(|| "zd-hook-secret".to_string());
    let inputs = read(sim.engine.config(), "zendesk", &request, sim.now, resolve).unwrap();
    assert_eq!(inputs.len(), 1);
    let input: Input = inputs.into_iter().next().unwrap();
    let out = sim.send(serde_json::to_value(&input).unwrap());
    assert_eq!(one(&out, "agent_message")["text"], "On its way!");
}

#[test]
fn a_reassignment_in_the_helpdesk_transfers_to_our_agent_or_does_nothing() {
    let mut config = zendesk_config();
    config["handoff"]["agents"] =
        json!([{"id": "agent_1", "name": "Asha"}, {"id": "agent_2", "name": "Ben"}]);
    config["handoff"]["integrations"][0]["agent_map"] =
        json!({"agent_1": 381001, "agent_2": 381002});
    let mut sim = Sim::new(config);
    sim.online("agent_1", "Asha");
    let out = sim.send(
        json!({"type": "handoff_request", "conversation_id": "conv_1",
        "customer": {"name": "Priya", "email": "priya@example.com"}}),
    );
    let create = of_type(&out, "delivery")[0].clone();
    sim.send(json!({"type": "delivery_result", "delivery_id": create["delivery_id"], "status": 201,
        "body": json!({"ticket": {"id": 35436, "requester_id": 20978392, "submitter_id": 1200}}).to_string()}));
    let transfer = |id: &str, to: &str| {
        json!({"type": "helpdesk_event", "integration_id": "zendesk", "event_id": id,
            "vendor_ref": "ticket_id", "vendor_id": "35436", "kind": "transfer",
            "author": {"id": "381001"}, "assignee": to})
    };
    // Ben is offline: the transfer is refused as an admin's would be, and nothing changes.
    let err = sim.refused(transfer("t1", "381002"), "input.to.agent");
    assert_eq!(err.kind, ErrorKind::AgentUnavailable);
    sim.online("agent_2", "Ben");
    // To the holder, or to someone who is not our agent: nothing.
    assert!(sim.send(transfer("t2", "381001")).is_empty());
    assert!(sim.send(transfer("t3", "555")).is_empty());
    let out = sim.send(transfer("t4", "381002"));
    assert!(
        event_names(&out).contains(&"conversation.transferred".to_string()),
        "{out:#?}"
    );
    let state = sim.engine.state();
    assert_eq!(state.conversations["conv_1"].agent(), Some("agent_2"));
}
