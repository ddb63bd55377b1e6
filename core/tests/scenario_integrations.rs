//! Scenarios for the helpdesk integrations ("Zendesk - Create tickets on handoff; Freshdesk -
//! Route to Freshdesk agents; Intercom - Seamless Intercom handoff; Custom - Webhook to your own
//! system"): the exact requests each vendor receives, priority mapping, follow-ups that wait for
//! the id the create returned, order, dead letters and redrive, rate limits, and configuration
//! errors with their paths.
#![cfg(feature = "integrations")]

mod support;

use handoff_core::Config;
use serde_json::{json, Value};
use support::{has, of_type, one, Sim};

const ZENDESK_TOKEN_REF: &str = "ZENDESK_API_TOKEN";

fn zendesk_config() -> Value {
    json!({"handoff": {
        "agents": [{"id": "agent_1", "name": "Asha"}],
        "integrations": [{
            "kind": "zendesk",
            "subdomain": "acme",
            "email": "bot@acme.com",
            "api_token_ref": ZENDESK_TOKEN_REF,
            "group_id": 360001,
            "tags": ["AI Handoff"],
            "agent_map": {"agent_1": 9001}
        }]
    }})
}

/// The spec's frustrated customer: sentiment -0.65 hands off at once with priority `high`.
fn frustrated(sim: &mut Sim, conv: &str) -> Vec<Value> {
    sim.send(json!({
        "type": "customer_message", "conversation_id": conv,
        "text": "Where is my order ORD-12345? This is taking far too long",
        "customer": {"id": "cust_456", "name": "Priya Sharma", "email": "priya@example.com"},
        "signals": {"sentiment": -0.65, "intent": "order_status",
                    "summary": "Customer frustrated about delayed order ORD-12345.",
                    "suggested_actions": ["Check logistics system for actual ETA"]}
    }))
}

fn deliveries(out: &[Value]) -> Vec<&Value> {
    of_type(out, "delivery")
}

fn body(delivery: &Value) -> Value {
    serde_json::from_str(delivery["body"].as_str().expect("body is text")).expect("body is JSON")
}

fn id_of(delivery: &Value) -> String {
    delivery["delivery_id"]
        .as_str()
        .expect("delivery id")
        .to_string()
}

fn report(sim: &mut Sim, delivery: &Value, status: u16, response: Value) -> Vec<Value> {
    sim.send(
        json!({"type": "delivery_result", "delivery_id": id_of(delivery),
                    "status": status, "body": response.to_string()}),
    )
}

const EXPECTED_COMMENT: &str = "Handed off by the AI assistant.

Summary: Customer frustrated about delayed order ORD-12345.

Suggested actions:
- Check logistics system for actual ETA

Conversation: conv_1
Customer: Priya Sharma <priya@example.com> (id cust_456)
Trigger: sentiment_threshold
Priority: high
Intent: order_status
Sentiment: -0.65 (steady)

Transcript:
[2026-01-12T10:30:00Z] Customer: Where is my order ORD-12345? This is taking far too long
";

#[test]
fn zendesk_handoff_creates_one_ticket_with_the_exact_request() {
    let mut sim = Sim::new(zendesk_config());
    let out = frustrated(&mut sim, "conv_1");
    let ds = deliveries(&out);
    assert_eq!(ds.len(), 1, "{out:#?}");
    let d = ds[0];
    assert_eq!(d["method"], "POST");
    assert_eq!(d["url"], "https://acme.zendesk.com/api/v2/tickets");
    assert_eq!(d["webhook_id"], "zendesk");
    assert_eq!(d["operation"], "zendesk.create_ticket");
    assert_eq!(d["event"], "conversation.handoff_requested");
    assert_eq!(
        d["headers"],
        json!({"accept": "application/json", "content-type": "application/json",
               "idempotency-key": d["delivery_id"], "user-agent": format!("handoff/{}", env!("CARGO_PKG_VERSION"))})
    );
    assert_eq!(
        d["auth"],
        json!({"scheme": "basic", "username": "bot@acme.com/token", "password_ref": ZENDESK_TOKEN_REF})
    );
    assert_eq!(
        body(d),
        json!({"ticket": {
            "subject": "Chat handoff: Customer frustrated about delayed order ORD-12345.",
            "comment": {"body": EXPECTED_COMMENT, "public": false},
            "requester": {"name": "Priya Sharma", "email": "priya@example.com"},
            "priority": "high",
            "tags": ["ai_handoff", "handoff", "sentiment_threshold"],
            "external_id": "conv_1",
            "group_id": 360001
        }})
    );
    // The body's keys come in the documented order, byte for byte on every host.
    assert!(d["body"]
        .as_str()
        .unwrap()
        .starts_with("{\"ticket\":{\"subject\":"));
}

#[test]
fn follow_ups_wait_for_the_ticket_id_and_go_out_in_order() {
    let mut sim = Sim::new(zendesk_config());
    // Nobody online: the conversation queues. Only the create goes out.
    let out = frustrated(&mut sim, "conv_1");
    assert!(has(&out, "queued"));
    let ds = deliveries(&out);
    assert_eq!(ds.len(), 1);
    let create = ds[0].clone();

    // An agent takes it while the create is still in flight: nothing new goes out yet.
    sim.online("agent_1", "Asha");
    let out = sim.accept("conv_1", "agent_1");
    assert!(has(&out, "assigned"));
    assert!(deliveries(&out).is_empty(), "{out:#?}");
    let state = sim.state_json();
    assert!(
        state.contains("zendesk.update_ticket"),
        "follow-ups are kept in the state"
    );

    // 201 with the ticket: the queued comment goes out with the id in its URL.
    let out = report(
        &mut sim,
        &create,
        201,
        json!({"ticket": {"id": 35436, "subject": "x", "status": "new"}}),
    );
    assert_eq!(one(&out, "delivered")["delivery_id"], create["delivery_id"]);
    let ds = deliveries(&out);
    assert_eq!(ds.len(), 1, "one at a time: {out:#?}");
    let queued = ds[0].clone();
    assert_eq!(queued["method"], "PUT");
    assert_eq!(
        queued["url"],
        "https://acme.zendesk.com/api/v2/tickets/35436"
    );
    assert_eq!(queued["event"], "conversation.queued");
    assert!(queued["headers"].get("idempotency-key").is_none());
    assert_eq!(
        body(&queued),
        json!({"ticket": {"comment": {"body": "Waiting for an agent: position 1 of 1 in the queue.", "public": false}}})
    );

    // Then the assignment: status open and the mapped Zendesk user.
    let out = report(&mut sim, &queued, 200, json!({"ticket": {"id": 35436}}));
    let assigned = deliveries(&out)[0].clone();
    assert_eq!(assigned["event"], "conversation.assigned");
    assert_eq!(
        body(&assigned),
        json!({"ticket": {"comment": {"body": "Assigned to Asha (agent_1) after 0 s.", "public": false},
                          "status": "open", "assignee_id": 9001}})
    );

    // Closing while the assignment is in flight: the close waits, then solves the ticket.
    let out = sim.close("conv_1", "agent");
    assert!(deliveries(&out).is_empty());
    let out = report(&mut sim, &assigned, 200, json!({}));
    let closed = deliveries(&out)[0].clone();
    assert_eq!(
        body(&closed),
        json!({"ticket": {"comment": {"body": "Conversation closed by agent.", "public": false},
                          "status": "solved"}})
    );
    let out = report(&mut sim, &closed, 200, json!({}));
    assert!(deliveries(&out).is_empty());
    // Drained and closed: nothing about this conversation is left.
    assert!(sim.engine.state().integration_chains.is_empty());
    assert!(sim.engine.state().outbox.is_empty());
    assert_eq!(sim.engine.next_wakeup(), None);
}

#[test]
fn a_dead_lettered_create_holds_the_follow_ups_until_a_redrive_succeeds() {
    let mut sim = Sim::new(zendesk_config());
    let create = deliveries(&frustrated(&mut sim, "conv_1"))[0].clone();
    let out = report(
        &mut sim,
        &create,
        422,
        json!({"error": "RecordInvalid", "description": "Record validation errors"}),
    );
    let failed = one(&out, "delivery_failed");
    assert!(
        failed["reason"].as_str().unwrap().contains("422"),
        "{failed}"
    );

    // Assignment and close happen meanwhile: held, not lost, not sent.
    sim.online("agent_1", "Asha");
    let out = sim.accept("conv_1", "agent_1");
    assert!(deliveries(&out).is_empty());
    let out = sim.close("conv_1", "agent");
    assert!(deliveries(&out).is_empty());
    assert_eq!(
        sim.engine.next_wakeup(),
        None,
        "nothing is retried on its own"
    );

    // The admin fixes the account and redrives: the same request, the same idempotency key.
    let out = sim.send(json!({"type": "redrive_delivery", "delivery_id": id_of(&create)}));
    let again = deliveries(&out)[0].clone();
    assert_eq!(again["delivery_id"], create["delivery_id"]);
    assert_eq!(
        again["headers"]["idempotency-key"],
        create["headers"]["idempotency-key"]
    );
    assert_eq!(again["body"], create["body"]);
    assert_eq!(again["attempt"], 1);

    // Success releases the follow-ups, in the order they happened.
    let mut events = Vec::new();
    let mut next = report(&mut sim, &again, 201, json!({"ticket": {"id": 7}}));
    while let Some(d) = deliveries(&next).first().map(|d| (*d).clone()) {
        assert_eq!(d["url"], "https://acme.zendesk.com/api/v2/tickets/7");
        events.push(d["event"].as_str().unwrap().to_string());
        next = report(&mut sim, &d, 200, json!({}));
    }
    assert_eq!(
        events,
        [
            "conversation.queued",
            "conversation.assigned",
            "conversation.closed"
        ]
    );
    assert!(sim.engine.state().integration_chains.is_empty());
}

#[test]
fn a_create_answered_without_an_id_is_a_dead_letter_not_a_silent_success() {
    let mut sim = Sim::new(zendesk_config());
    let create = deliveries(&frustrated(&mut sim, "conv_1"))[0].clone();
    let out =
        sim.send(json!({"type": "delivery_result", "delivery_id": id_of(&create), "status": 201}));
    assert!(!has(&out, "delivered"));
    let failed = one(&out, "delivery_failed");
    assert!(
        failed["reason"].as_str().unwrap().contains("/ticket/id"),
        "{failed}"
    );
}

#[test]
fn rate_limits_are_honoured_from_the_response_headers() {
    let mut sim = Sim::new(zendesk_config());
    let create = deliveries(&frustrated(&mut sim, "conv_1"))[0].clone();
    let now = sim.now;
    let out = sim.send(json!({"type": "delivery_result", "delivery_id": id_of(&create), "status": 429,
        "headers": {"retry-after": "120", "x-rate-limit-remaining": "0"}, "body": "Too Many Requests"}));
    let at = one(&out, "delivery_retry")["at"].as_i64().unwrap();
    assert!(
        at >= now + 120_000,
        "retry {} ms after the 429, asked for 120 s",
        at - now
    );
    assert!(
        at <= now + 120_000 + 1,
        "no later than needed: {}",
        at - now
    );
    assert!(!has(&sim.advance_to(at - 1), "delivery"));
    let out = sim.advance_to(at);
    let again = one(&out, "delivery");
    assert_eq!(again["attempt"], 2);
    assert_eq!(
        again["headers"]["idempotency-key"],
        create["headers"]["idempotency-key"]
    );

    // An HTTP date works too; retry_after_ms wins over headers when both are given.
    let now = sim.now;
    let date = chrono::DateTime::from_timestamp_millis(now + 600_000)
        .unwrap()
        .to_rfc2822();
    let out = sim.send(
        json!({"type": "delivery_result", "delivery_id": id_of(&create), "status": 503,
        "headers": {"retry-after": date}}),
    );
    let at = one(&out, "delivery_retry")["at"].as_i64().unwrap();
    assert!(
        at >= now + 600_000 && at <= now + 600_000 + 1000,
        "{}",
        at - now
    );
    let at2 = sim.advance_to(at);
    let again = one(&at2, "delivery").clone();
    let now = sim.now;
    let out = sim.send(
        json!({"type": "delivery_result", "delivery_id": id_of(&again), "status": 429,
        "retry_after_ms": 400_000, "headers": {"retry-after": "10"}}),
    );
    let at = one(&out, "delivery_retry")["at"].as_i64().unwrap();
    assert!(at >= now + 400_000, "{}", at - now);
}

#[test]
fn zendesk_priority_mapping_and_oauth_and_sunshine_pass_control() {
    let mut sim = Sim::new(json!({"handoff": {"integrations": [{
        "kind": "zendesk", "base_url": "http://127.0.0.1:9/zd", "oauth_token_ref": "ZD_OAUTH",
        "type": "incident", "priority_map": {"high": "urgent"}, "close_status": null,
        "sunshine": {"app_id": "5e4af71a81966cfff3ef6550", "key_id": "app_5e4b", "key_secret_ref": "SUNCO_SECRET"}
    }]}}));
    let out = sim.send(json!({"type": "customer_message", "conversation_id": "conv_2",
        "text": "This is useless, I am furious",
        "customer": {"name": "Ravi", "attributes": {"sunshine_conversation_id": "c9f1e0b2d3a4", "plan": "pro"}},
        "signals": {"sentiment": -0.9, "summary": "Angry about the app."}}));
    let ds = deliveries(&out);
    assert_eq!(ds.len(), 1, "the pass-control waits behind the ticket");
    let create = ds[0].clone();
    assert_eq!(create["url"], "http://127.0.0.1:9/zd/api/v2/tickets");
    assert_eq!(
        create["auth"],
        json!({"scheme": "bearer", "token_ref": "ZD_OAUTH"})
    );
    let b = body(&create);
    assert_eq!(b["ticket"]["priority"], "urgent", "high mapped to urgent");
    assert_eq!(b["ticket"]["type"], "incident");
    assert!(
        b["ticket"].get("requester").is_none(),
        "no email, no requester"
    );
    let comment = b["ticket"]["comment"]["body"].as_str().unwrap();
    assert!(comment.contains("Attribute: plan: pro"), "{comment}");
    assert!(
        !comment.contains("c9f1e0b2d3a4"),
        "vendor ids are not shown as attributes"
    );

    let out = report(&mut sim, &create, 201, json!({"ticket": {"id": 12}}));
    let pass = deliveries(&out)[0].clone();
    assert_eq!(pass["method"], "POST");
    assert_eq!(
        pass["url"],
        "http://127.0.0.1:9/zd/sc/v2/apps/5e4af71a81966cfff3ef6550/conversations/c9f1e0b2d3a4/passControl"
    );
    assert_eq!(
        pass["auth"],
        json!({"scheme": "basic", "username": "app_5e4b", "password_ref": "SUNCO_SECRET"})
    );
    assert_eq!(
        body(&pass),
        json!({"switchboardIntegration": "zd:agentWorkspace", "metadata": {
            "handoff_conversation_id": "conv_2", "handoff_trigger": "sentiment_threshold",
            "handoff_priority": "high", "handoff_summary": "Angry about the app."}})
    );
    // Then the queued comment, which happened after the handoff.
    let out = report(&mut sim, &pass, 200, json!({}));
    let queued = deliveries(&out)[0].clone();
    assert_eq!(queued["event"], "conversation.queued");
    assert_eq!(queued["url"], "http://127.0.0.1:9/zd/api/v2/tickets/12");
    assert_eq!(queued["auth"], create["auth"]);
    report(&mut sim, &queued, 200, json!({}));
    // close_status null: the close only comments.
    let out = sim.close("conv_2", "customer");
    let ds = deliveries(&out);
    assert_eq!(
        body(ds[0]),
        json!({"ticket": {"comment": {"body": "Conversation closed by customer.", "public": false}}})
    );
}

fn freshdesk_config() -> Value {
    json!({"handoff": {"integrations": [{
        "kind": "freshdesk", "domain": "acme", "api_key_ref": "FRESHDESK_API_KEY",
        "group_id": 5000012345u64, "tags": ["ai"], "agent_map": {"agent_1": 77}
    }]}})
}

#[test]
fn freshdesk_handoff_creates_a_ticket_with_the_required_fields_and_codes() {
    let mut sim = Sim::new(freshdesk_config());
    let out = frustrated(&mut sim, "conv_1");
    let d = deliveries(&out)[0].clone();
    assert_eq!(d["method"], "POST");
    assert_eq!(d["url"], "https://acme.freshdesk.com/api/v2/tickets");
    assert_eq!(d["operation"], "freshdesk.create_ticket");
    assert_eq!(
        d["auth"],
        json!({"scheme": "basic", "username_ref": "FRESHDESK_API_KEY", "password": "X"})
    );
    assert!(d["headers"].get("idempotency-key").is_none());
    let b = body(&d);
    let description = b["description"].as_str().unwrap().to_string();
    assert_eq!(
        b,
        json!({
            "subject": "Chat handoff: Customer frustrated about delayed order ORD-12345.",
            "description": description,
            "name": "Priya Sharma", "email": "priya@example.com",
            "priority": 3, "status": 2, "source": 7,
            "tags": ["ai", "handoff", "sentiment_threshold"],
            "group_id": 5000012345u64
        })
    );
    assert!(description.starts_with("<p><b>Handed off by the AI assistant.</b></p>"));
    assert!(description.contains(
        "<li>[2026-01-12T10:30:00Z] <b>Customer:</b> Where is my order ORD-12345? This is taking far too long</li>"
    ));
    assert!(description
        .contains("<b>Customer:</b> Priya Sharma &lt;priya@example.com&gt; (id cust_456)"));

    // Follow-ups: a private note per event; the assignment also routes to the mapped agent.
    let out = report(
        &mut sim,
        &d,
        201,
        json!({"id": 1044, "subject": "x", "status": 2}),
    );
    let note = deliveries(&out)[0].clone();
    assert_eq!(
        note["url"],
        "https://acme.freshdesk.com/api/v2/tickets/1044/notes"
    );
    assert_eq!(
        body(&note),
        json!({"body": "<p>Waiting for an agent: position 1 of 1 in the queue.</p>", "private": true})
    );
    report(&mut sim, &note, 201, json!({"id": 1}));
    sim.online("agent_1", "Asha");
    let out = sim.accept("conv_1", "agent_1");
    let note = deliveries(&out)[0].clone();
    assert_eq!(
        body(&note)["body"],
        "<p>Assigned to Asha (agent_1) after 0 s.</p>"
    );
    let out = report(&mut sim, &note, 201, json!({"id": 2}));
    let route = deliveries(&out)[0].clone();
    assert_eq!(route["method"], "PUT");
    assert_eq!(
        route["url"],
        "https://acme.freshdesk.com/api/v2/tickets/1044"
    );
    assert_eq!(body(&route), json!({"responder_id": 77}));
    report(&mut sim, &route, 200, json!({"id": 1044}));
    let out = sim.close("conv_1", "agent");
    let note = deliveries(&out)[0].clone();
    let out = report(&mut sim, &note, 201, json!({"id": 3}));
    let resolve = deliveries(&out)[0].clone();
    assert_eq!(body(&resolve), json!({"status": 4}));
}

#[test]
fn freshdesk_priorities_map_to_codes_and_requesters_fall_back_to_phone_or_external_id() {
    let cases = [
        (json!({}), "normal", 2),
        (json!({"urgent": 4}), "urgent", 4),
        (json!({"normal": 1}), "normal", 1),
    ];
    for (map, topic_priority, code) in cases {
        let mut sim = Sim::new(json!({"handoff": {
            "triggers": {"topics": [{"name": "outage", "keywords": ["outage"], "priority": topic_priority}]},
            "integrations": [{"kind": "freshdesk", "domain": "acme.freshdesk.com", "api_key_ref": "K",
                              "priority_map": map, "source": 2}]}}));
        let out = sim.send(json!({"type": "customer_message", "conversation_id": "c",
            "text": "there is an outage", "customer": {"id": "u1", "phone": "+91 98765 43210"}}));
        let b = body(deliveries(&out)[0]);
        assert_eq!(b["priority"], code, "{topic_priority} with {b}");
        assert_eq!(b["source"], 2);
        assert_eq!(b["phone"], "+91 98765 43210");
        assert_eq!(
            b["name"], "+91 98765 43210",
            "name is required with a phone"
        );
        assert!(b.get("email").is_none());
    }
    let mut sim = Sim::new(
        json!({"handoff": {"integrations": [{"kind": "freshdesk", "domain": "acme", "api_key_ref": "K"}]}}),
    );
    let out = sim.send(json!({"type": "handoff_request", "conversation_id": "c9", "customer": {"id": "u9", "name": "Mo"}}));
    let b = body(deliveries(&out)[0]);
    assert_eq!(b["unique_external_id"], "u9");
    assert_eq!(b["name"], "Mo");
}

fn intercom_config() -> Value {
    json!({"handoff": {"integrations": [{
        "kind": "intercom", "access_token_ref": "INTERCOM_TOKEN", "admin_id": "814860",
        "team_id": 5017691, "agent_map": {"agent_1": "991"}
    }]}})
}

#[test]
fn intercom_hands_the_given_conversation_to_the_team_with_a_note() {
    let mut sim = Sim::new(intercom_config());
    let out = sim.send(
        json!({"type": "handoff_request", "conversation_id": "conv_7",
        "customer": {"id": "cust_1", "email": "a@example.com",
                     "attributes": {"intercom_conversation_id": "147"}}}),
    );
    let ds = deliveries(&out);
    assert_eq!(ds.len(), 1);
    let note = ds[0].clone();
    assert_eq!(note["method"], "POST");
    assert_eq!(
        note["url"],
        "https://api.intercom.io/conversations/147/reply"
    );
    assert_eq!(note["operation"], "intercom.note");
    assert_eq!(
        note["auth"],
        json!({"scheme": "bearer", "token_ref": "INTERCOM_TOKEN"})
    );
    assert_eq!(note["headers"]["intercom-version"], "2.14");
    assert_eq!(note["headers"]["accept"], "application/json");
    let b = body(&note);
    assert_eq!(b["message_type"], "note");
    assert_eq!(b["type"], "admin");
    assert_eq!(b["admin_id"], "814860");
    assert!(b["body"]
        .as_str()
        .unwrap()
        .contains("<b>Trigger:</b> customer_request"));

    let out = report(
        &mut sim,
        &note,
        200,
        json!({"type": "conversation", "id": "147"}),
    );
    let assign = deliveries(&out)[0].clone();
    assert_eq!(
        assign["url"],
        "https://api.intercom.io/conversations/147/parts"
    );
    assert_eq!(
        body(&assign),
        json!({"message_type": "assignment", "type": "team", "admin_id": "814860", "assignee_id": "5017691"})
    );
    report(
        &mut sim,
        &assign,
        200,
        json!({"type": "conversation", "id": "147"}),
    );

    // Our agent takes it: a note, then the conversation goes to the mapped admin.
    sim.online("agent_1", "Asha");
    let out = sim.accept("conv_7", "agent_1");
    let note = deliveries(&out)[0].clone();
    let out = report(&mut sim, &note, 200, json!({}));
    let to_admin = deliveries(&out)[0].clone();
    assert_eq!(
        body(&to_admin),
        json!({"message_type": "assignment", "type": "admin", "admin_id": "814860", "assignee_id": "991"})
    );
    report(&mut sim, &to_admin, 200, json!({}));
    // The close: who closed it in a note for the teammates, then a close without a `body`
    // (Intercom shows a close's body to the customer).
    let out = sim.close("conv_7", "agent");
    let note = deliveries(&out)[0].clone();
    assert_eq!(
        body(&note),
        json!({"message_type": "note", "type": "admin", "admin_id": "814860",
               "body": "<p>Conversation closed by agent.</p>"})
    );
    let out = report(&mut sim, &note, 200, json!({}));
    let close = deliveries(&out)[0].clone();
    assert_eq!(
        close["url"],
        "https://api.intercom.io/conversations/147/parts"
    );
    assert_eq!(close["operation"], "intercom.close");
    assert_eq!(
        body(&close),
        json!({"message_type": "close", "type": "admin", "admin_id": "814860"})
    );
}

#[test]
fn intercom_creates_the_contact_and_conversation_when_the_input_has_none() {
    let mut sim = Sim::new(json!({"handoff": {"integrations": [{
        "kind": "intercom", "region": "eu", "access_token_ref": "T", "admin_id": "1", "assignee_id": "2",
        "version": "2.11"
    }]}}));
    let out = frustrated(&mut sim, "conv_1");
    let contact = deliveries(&out)[0].clone();
    assert_eq!(contact["url"], "https://api.eu.intercom.io/contacts");
    assert_eq!(contact["headers"]["intercom-version"], "2.11");
    assert_eq!(
        body(&contact),
        json!({"role": "user", "external_id": "cust_456", "email": "priya@example.com", "name": "Priya Sharma"})
    );
    let out = report(
        &mut sim,
        &contact,
        200,
        json!({"type": "contact", "id": "6762f0dd1bb69f9f2193bb83", "role": "user"}),
    );
    let conversation = deliveries(&out)[0].clone();
    assert_eq!(
        conversation["url"],
        "https://api.eu.intercom.io/conversations"
    );
    assert_eq!(
        body(&conversation),
        json!({"from": {"type": "user", "id": "6762f0dd1bb69f9f2193bb83"},
               "body": "Customer frustrated about delayed order ORD-12345."})
    );
    let out = report(
        &mut sim,
        &conversation,
        200,
        json!({"type": "user_message", "id": "403918330", "created_at": 1734537460, "body": "x",
               "message_type": "inapp", "conversation_id": "363"}),
    );
    let note = deliveries(&out)[0].clone();
    assert_eq!(
        note["url"],
        "https://api.eu.intercom.io/conversations/363/reply"
    );
    let out = report(&mut sim, &note, 200, json!({}));
    let assign = deliveries(&out)[0].clone();
    assert_eq!(
        assign["url"],
        "https://api.eu.intercom.io/conversations/363/parts"
    );
    assert_eq!(body(&assign)["type"], "admin");
    assert_eq!(body(&assign)["assignee_id"], "2");
    // The whole responses are not kept: only the ids.
    let state = sim.state_json();
    assert!(state.contains("6762f0dd1bb69f9f2193bb83") && state.contains("\"363\""));
    assert!(
        !state.contains("403918330") && !state.contains("inapp"),
        "{state}"
    );
}

#[test]
fn intercom_rate_limit_waits_until_the_reset() {
    let mut sim = Sim::new(intercom_config());
    let out = sim.send(json!({"type": "handoff_request", "conversation_id": "c",
        "customer": {"attributes": {"intercom_conversation_id": "147"}}}));
    let note = deliveries(&out)[0].clone();
    let now = sim.now;
    let reset = now / 1000 + 45;
    let out = sim.send(json!({"type": "delivery_result", "delivery_id": id_of(&note), "status": 429,
        "headers": {"x-ratelimit-limit": "10000", "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset.to_string()},
        "body": "{\"type\":\"error.list\",\"errors\":[{\"code\":\"rate_limit_exceeded\"}]}"}));
    let at = one(&out, "delivery_retry")["at"].as_i64().unwrap();
    assert!(
        at >= reset * 1000,
        "retry {} ms before the reset",
        reset * 1000 - at
    );
}

#[test]
fn a_webhook_integration_is_the_same_as_a_webhook() {
    let hook = json!({"id": "crm", "url": "https://hooks.example.com/h", "secret_ref": "WH_SECRET",
                      "events": ["conversation.handoff_requested"]});
    let mut as_webhook = Sim::new(json!({"handoff": {"webhooks": [hook.clone()]}}));
    let mut integration = hook.clone();
    integration["kind"] = json!("webhook");
    let mut as_integration = Sim::new(json!({"handoff": {"integrations": [integration.clone()]}}));
    let a = frustrated(&mut as_webhook, "conv_1");
    let b = frustrated(&mut as_integration, "conv_1");
    assert_eq!(a, b);
    let d = one(&b, "delivery");
    assert_eq!(
        d["auth"],
        json!({"scheme": "standard_webhooks", "secret_ref": "WH_SECRET"})
    );
    assert!(d.get("operation").is_none());

    integration["enabled"] = json!(false);
    let mut disabled = Sim::new(json!({"handoff": {"integrations": [integration]}}));
    assert!(!has(&frustrated(&mut disabled, "conv_1"), "delivery"));
}

#[test]
fn a_disabled_helpdesk_sends_nothing_new() {
    let mut config = zendesk_config();
    config["handoff"]["integrations"][0]["enabled"] = json!(false);
    let mut sim = Sim::new(config);
    assert!(!has(&frustrated(&mut sim, "conv_1"), "delivery"));
    assert!(sim.engine.state().integration_chains.is_empty());
}

#[test]
fn every_integration_gets_its_own_requests_for_one_handoff() {
    let mut config = zendesk_config();
    let extra = freshdesk_config()["handoff"]["integrations"][0].clone();
    config["handoff"]["integrations"]
        .as_array_mut()
        .unwrap()
        .push(extra);
    config["handoff"]["webhooks"] = json!([{"url": "https://hooks.example.com/h"}]);
    let mut sim = Sim::new(config);
    let out = frustrated(&mut sim, "conv_1");
    let ops: Vec<String> = deliveries(&out)
        .iter()
        .map(|d| {
            let op = d["operation"].as_str().unwrap_or("webhook");
            format!("{} {op}", d["event"].as_str().unwrap())
        })
        .collect();
    // The helpdesks' queued comments wait for their tickets; the webhook hears of both events.
    assert_eq!(
        ops,
        [
            "conversation.handoff_requested webhook",
            "conversation.handoff_requested zendesk.create_ticket",
            "conversation.handoff_requested freshdesk.create_ticket",
            "conversation.queued webhook"
        ]
    );
    // The event comes before all of its deliveries.
    let first_event = out.iter().position(|o| o["type"] == "event").unwrap();
    let first_delivery = out.iter().position(|o| o["type"] == "delivery").unwrap();
    assert!(first_event < first_delivery);
    // Each was derived from the inputs: a replay gives the same ids.
    let mut again = Sim::new(sim_config_again());
    let out2 = frustrated(&mut again, "conv_1");
    assert_eq!(out, out2);
}

fn sim_config_again() -> Value {
    let mut config = zendesk_config();
    let extra = freshdesk_config()["handoff"]["integrations"][0].clone();
    config["handoff"]["integrations"]
        .as_array_mut()
        .unwrap()
        .push(extra);
    config["handoff"]["webhooks"] = json!([{"url": "https://hooks.example.com/h"}]);
    config
}

#[test]
fn vendor_ids_in_the_input_must_be_plain_ids() {
    let mut sim = Sim::new(intercom_config());
    sim.refused(
        json!({"type": "handoff_request", "conversation_id": "c",
               "customer": {"attributes": {"intercom_conversation_id": "../admins"}}}),
        "input.customer.attributes.intercom_conversation_id",
    );
    sim.refused(
        json!({"type": "customer_message", "conversation_id": "c", "text": "hi",
               "customer": {"attributes": {"sunshine_conversation_id": 5}}}),
        "input.customer.attributes.sunshine_conversation_id",
    );
}

fn errors(config: Value) -> Vec<(String, String)> {
    match Config::from_value(&config) {
        Ok(_) => Vec::new(),
        Err(e) => {
            e.0.into_iter()
                .map(|e| (e.path.clone(), e.to_string()))
                .collect()
        }
    }
}

#[test]
fn inline_secrets_are_refused_with_their_path_and_never_echoed() {
    let errs = errors(json!({"handoff": {"integrations": [
        {"kind": "zendesk", "subdomain": "acme", "email": "a@b.co", "api_token": "zd-TOPSECRET-1"},
        {"kind": "freshdesk", "domain": "acme", "api_key": "fd-TOPSECRET-2"},
        {"kind": "intercom", "access_token": "ic-TOPSECRET-3", "admin_id": "1", "team_id": "2"},
        {"kind": "webhook", "url": "https://x.test/h", "secret": "whsec_TOPSECRET4"},
        {"kind": "zendesk", "subdomain": "acme", "oauth_token_ref": "has spaces TOPSECRET5",
         "sunshine": {"app_id": "a1", "key_id": "k", "key_secret": "TOPSECRET6"}},
        {"kind": "webhook", "url": "https://x.test/h", "token": "TOPSECRET7"},
        {"kind": "freshdesk", "domain": "acme", "api_key_ref": "K", "apikey": "TOPSECRET8"}
    ]}}));
    let paths: Vec<&str> = errs.iter().map(|(p, _)| p.as_str()).collect();
    for expected in [
        "handoff.integrations[0].api_token",
        "handoff.integrations[1].api_key",
        "handoff.integrations[2].access_token",
        "handoff.integrations[3].secret",
        "handoff.integrations[4].oauth_token_ref",
        "handoff.integrations[4].sunshine.key_secret",
        "handoff.integrations[5].token",
        "handoff.integrations[6].apikey",
    ] {
        assert!(
            paths.contains(&expected),
            "{expected} missing from {paths:?}"
        );
    }
    for (_, text) in &errs {
        assert!(!text.contains("TOPSECRET"), "a secret was echoed: {text}");
    }
    let api_token = errs
        .iter()
        .find(|(p, _)| p == "handoff.integrations[0].api_token")
        .unwrap();
    assert!(api_token.1.contains("api_token_ref"), "{}", api_token.1);
}

#[test]
fn configuration_errors_name_their_paths() {
    let errs = errors(json!({"handoff": {
        "webhooks": [{"id": "zendesk", "url": "https://x.test/h"}],
        "integrations": [
            {"kind": "zendsk"},
            {"subdomain": "acme"},
            {"kind": "zendesk", "subdomain": "acme", "email": "a@b.co", "api_token_ref": "T"},
            {"kind": "zendesk", "id": "zd2", "subdomain": "ac me", "api_token_ref": "T",
             "priority_map": {"high": "critical", "extreme": "urgent"}, "group_id": "12"},
            {"kind": "freshdesk", "id": "fd", "domain": "acme", "base_url": "https://acme.freshdesk.com",
             "api_key_ref": "K", "priority_map": {"urgent": 9}, "source": 4, "close_status": 1},
            {"kind": "intercom", "id": "ic", "access_token_ref": "T", "region": "us"},
            {"kind": "intercom", "id": "ic2", "access_token_ref": "T", "admin_id": "1", "team_id": "2",
             "assignee_id": "3", "agent_map": {"agent_1": "no spaces allowed"}}
        ]
    }}));
    let paths: Vec<&str> = errs.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "handoff.integrations[0].kind",
            "handoff.integrations[1].kind",
            "handoff.integrations[2].id",
            "handoff.integrations[3].subdomain",
            "handoff.integrations[3].email",
            "handoff.integrations[3].priority_map.high",
            "handoff.integrations[3].priority_map.extreme",
            "handoff.integrations[3].group_id",
            "handoff.integrations[4].base_url",
            "handoff.integrations[4].priority_map.urgent",
            "handoff.integrations[4].source",
            "handoff.integrations[4].close_status",
            "handoff.integrations[5].admin_id",
            "handoff.integrations[5].team_id",
            "handoff.integrations[6].assignee_id",
            "handoff.integrations[6].agent_map.agent_1",
        ],
        "{errs:#?}"
    );
    assert!(
        errs[0].1.contains("did you mean \"zendesk\""),
        "{}",
        errs[0].1
    );
    assert!(errs[2].1.contains("already used"), "{}", errs[2].1);
}

#[test]
fn every_integrations_example_parses_and_creates_what_the_readme_says() {
    let expected = [
        (
            "integrations-zendesk.json",
            "zendesk.create_ticket",
            "https://acme.zendesk.com/api/v2/tickets",
        ),
        (
            "integrations-freshdesk.json",
            "freshdesk.create_ticket",
            "https://acme.freshdesk.com/api/v2/tickets",
        ),
        (
            "integrations-intercom.json",
            "intercom.create_contact",
            "https://api.intercom.io/contacts",
        ),
        (
            "integrations-webhook.json",
            "",
            "https://hooks.example.com/handoff",
        ),
    ];
    for (file, operation, url) in expected {
        let mut sim = Sim::new(support::example_json(file));
        let out = frustrated(&mut sim, "conv_1");
        let d = deliveries(&out)[0];
        assert_eq!(d["operation"].as_str().unwrap_or(""), operation, "{file}");
        assert_eq!(d["url"], url, "{file}");
    }
}

/// The `json` blocks of README's "Integrations" section.
fn readme_integration_blocks() -> (Vec<String>, String) {
    let path = format!("{}/../README.md", env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let start = readme
        .find("\n## Integrations")
        .expect("README has an Integrations section");
    let section = &readme[start..];
    let end = section[1..].find("\n## ").map_or(section.len(), |i| i + 1);
    let section = section[..end].to_string();
    let blocks = section
        .split("```json\n")
        .skip(1)
        .filter_map(|b| b.split("\n```").next())
        .map(str::to_string)
        .collect();
    (blocks, section)
}

#[test]
fn the_readme_integration_examples_are_accepted_and_its_error_is_the_real_one() {
    let (blocks, section) = readme_integration_blocks();
    let configs: Vec<&String> = blocks
        .iter()
        .filter(|b| b.contains("\"kind\": \""))
        .collect();
    assert!(
        configs.len() >= 4,
        "expected a config per vendor, found {}",
        configs.len()
    );
    for block in configs.iter().filter(|b| !b.contains('|')) {
        let value: Value = serde_json::from_str(block).unwrap_or_else(|e| panic!("{e}\n{block}"));
        let mut sim = Sim::new(value);
        assert!(has(&frustrated(&mut sim, "conv_1"), "delivery"), "{block}");
    }
    let errs = errors(json!({"handoff": {"integrations": [
        {"kind": "zendesk", "subdomain": "acme", "email": "a@b.co", "api_token": "x"}]}}));
    assert!(
        section.contains(&errs[0].1),
        "README shows a different error than {}",
        errs[0].1
    );
}

#[test]
fn a_basic_auth_user_name_with_a_colon_is_refused_with_its_path() {
    // RFC 7617 §2: a user-id containing ':' is invalid (the receiver splits at the first colon).
    let errs = errors(json!({"handoff": {"integrations": [
        {"kind": "zendesk", "subdomain": "acme", "email": "a:b@example.com", "api_token_ref": "T"},
        {"kind": "zendesk", "id": "zd2", "subdomain": "acme", "oauth_token_ref": "O",
         "sunshine": {"app_id": "app1", "key_id": "app_1:x", "key_secret_ref": "S"}}
    ]}}));
    let paths: Vec<&str> = errs.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "handoff.integrations[0].email",
            "handoff.integrations[1].sunshine.key_id"
        ],
        "{errs:#?}"
    );
    assert!(errs[0].1.contains("RFC 7617"), "{}", errs[0].1);
}
