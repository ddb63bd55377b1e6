//! Contract tests: the engine's helpdesk requests, performed over real HTTP by an in-process host,
//! against fake vendors on loopback that check method, path, headers (the Authorization header
//! built from the "environment", Intercom-Version, Idempotency-Key) and body (the JSON Schemas in
//! `tests/contracts/`, each citing its source), and answer like the vendor, rate limits included.
//! Each flow goes create -> assignment -> close, with one 429 on the way.

use std::collections::BTreeMap;

use handoff_conformance::vendors::host::Host;
use handoff_conformance::vendors::{schema_problems, FakeVendor, Recorded, Vendor, CONTRACTS};
use handoff_core::Config;
use serde_json::{json, Value};

fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn config(integration: Value) -> Config {
    let value = json!({"handoff": {
        "agents": [{"id": "agent_1", "name": "Asha"}],
        "integrations": [integration]
    }});
    Config::from_value(&value).unwrap_or_else(|e| panic!("{e}"))
}

/// Hand off (nobody online: queued), an agent accepts, the agent closes; then let every retry
/// fall due. Returns the host for inspection.
fn walk(host: &mut Host, customer: Value) {
    host.send(
        json!({"type": "customer_message", "conversation_id": "conv_1",
        "text": "Where is my order ORD-12345? I want to talk to a human",
        "customer": customer,
        "signals": {"sentiment": -0.65, "summary": "Customer asks where order ORD-12345 is."}}),
    )
    .unwrap();
    host.settle(20).unwrap();
    host.send(json!({"type": "agent_update", "agent": {"id": "agent_1", "name": "Asha", "status": "online"}}))
        .unwrap();
    host.send(json!({"type": "agent_accept", "conversation_id": "conv_1", "agent_id": "agent_1"}))
        .unwrap();
    host.settle(20).unwrap();
    host.send(json!({"type": "conversation_closed", "conversation_id": "conv_1", "by": "agent"}))
        .unwrap();
    host.settle(20).unwrap();
}

fn routes(requests: &[Recorded]) -> Vec<String> {
    requests
        .iter()
        .map(|r| format!("{} {}", r.status, r.route))
        .collect()
}

fn assert_clean(vendor: &FakeVendor, host: &Host) {
    assert!(
        vendor.violations().is_empty(),
        "contract violations: {:#?}",
        vendor.violations()
    );
    let state = host.engine().state();
    assert!(state.outbox.is_empty(), "undelivered: {:#?}", state.outbox);
    assert!(
        state.dead_letters.is_empty(),
        "dead letters: {:#?}",
        state.dead_letters
    );
    assert!(
        state.integration_chains.is_empty(),
        "chains left: {:#?}",
        state.integration_chains
    );
}

#[test]
fn zendesk_ticket_is_created_updated_and_solved_through_a_429() {
    let zendesk = FakeVendor::start(Vendor::zendesk("bot@acme.com", "zd-token-123")).unwrap();
    zendesk.throttle_next(1);
    let mut host = Host::new(
        config(
            json!({"kind": "zendesk", "base_url": zendesk.base_url(), "email": "bot@acme.com",
                      "api_token_ref": "ZENDESK_API_TOKEN", "group_id": 360001, "agent_map": {"agent_1": 9001}}),
        ),
        env(&[("ZENDESK_API_TOKEN", "zd-token-123")]),
    );
    walk(
        &mut host,
        json!({"id": "cust_456", "name": "Priya Sharma", "email": "priya@example.com"}),
    );
    let requests = zendesk.requests();
    assert_eq!(
        routes(&requests),
        [
            "429 create_ticket",
            "201 create_ticket",
            "200 update_ticket",
            "200 update_ticket",
            "200 update_ticket"
        ]
    );
    // The retry carried the same Idempotency-Key.
    assert_eq!(
        requests[0].headers["idempotency-key"],
        requests[1].headers["idempotency-key"]
    );
    assert!(requests[0].headers["idempotency-key"].starts_with("msg_"));
    let id = requests[2].path.rsplit('/').next().unwrap().to_string();
    assert_eq!(requests[2].path, format!("/api/v2/tickets/{id}"));
    let ticket = zendesk.record(&id).unwrap();
    assert_eq!(ticket["status"], "solved");
    assert_eq!(ticket["assignee_id"], 9001);
    assert_eq!(ticket["priority"], "high");
    assert_eq!(ticket["comments"].as_array().unwrap().len(), 3);
    // The engine waited for Retry-After before trying again.
    let retry = host
        .log
        .iter()
        .find(|o| o["type"] == "delivery_retry")
        .unwrap();
    assert!(retry["error"].as_str().unwrap().contains("429"));
    assert_clean(&zendesk, &host);
}

#[test]
fn zendesk_sunshine_pass_control_uses_its_own_key() {
    let zendesk = FakeVendor::start(Vendor::Zendesk {
        email: "bot@acme.com".into(),
        api_token: "zd-token".into(),
        sunshine: Some(("app_5e4b".into(), "sunco-secret".into())),
    })
    .unwrap();
    let mut host = Host::new(
        config(
            json!({"kind": "zendesk", "base_url": zendesk.base_url(), "email": "bot@acme.com",
                      "api_token_ref": "ZD", "close_status": "solved",
                      "sunshine": {"app_id": "5e4af71a81966cfff3ef6550", "key_id": "app_5e4b", "key_secret_ref": "SUNCO"}}),
        ),
        env(&[("ZD", "zd-token"), ("SUNCO", "sunco-secret")]),
    );
    walk(
        &mut host,
        json!({"name": "Ravi", "attributes": {"sunshine_conversation_id": "c9f1e0b2d3a4"}}),
    );
    assert_eq!(
        routes(&zendesk.requests())[..2],
        [
            "201 create_ticket".to_string(),
            "200 pass_control".to_string()
        ]
    );
    assert_clean(&zendesk, &host);
}

#[test]
fn sunshine_pass_control_metadata_fits_in_4_kb_whatever_the_summary() {
    // 3,000 four-byte characters of summary and a 255-byte conversation id: cut by characters
    // (the old 1,000), the metadata was over 4 KB and Sunshine Conversations refused it.
    let zendesk = FakeVendor::start(Vendor::Zendesk {
        email: "bot@acme.com".into(),
        api_token: "zd-token".into(),
        sunshine: Some(("app_5e4b".into(), "sunco-secret".into())),
    })
    .unwrap();
    let mut host = Host::new(
        config(
            json!({"kind": "zendesk", "base_url": zendesk.base_url(), "email": "bot@acme.com",
                      "api_token_ref": "ZD",
                      "sunshine": {"app_id": "5e4af71a81966cfff3ef6550", "key_id": "app_5e4b", "key_secret_ref": "SUNCO"}}),
        ),
        env(&[("ZD", "zd-token"), ("SUNCO", "sunco-secret")]),
    );
    let conversation = format!("conv_{}", "x".repeat(250));
    let summary = "😀".repeat(3000);
    host.send(
        json!({"type": "customer_message", "conversation_id": conversation,
        "text": "I want to talk to a human",
        "customer": {"name": "Ravi", "attributes": {"sunshine_conversation_id": "c9f1e0b2d3a4"}},
        "signals": {"summary": summary}}),
    )
    .unwrap();
    host.settle(20).unwrap();
    let requests = zendesk.requests();
    assert_eq!(
        routes(&requests)[..2],
        [
            "201 create_ticket".to_string(),
            "200 pass_control".to_string()
        ],
        "{:#?}",
        zendesk.violations()
    );
    let body: Value = serde_json::from_str(&requests[1].body).unwrap();
    let metadata = &body["metadata"];
    assert!(
        metadata.to_string().len() <= 4000,
        "{} bytes",
        metadata.to_string().len()
    );
    assert_eq!(metadata["handoff_conversation_id"], conversation.as_str());
    let sent = metadata["handoff_summary"].as_str().unwrap();
    let cut = sent.strip_suffix('…').unwrap();
    assert!(
        summary.starts_with(cut) && cut.len() > 3000,
        "{}",
        cut.len()
    );
    assert!(
        zendesk.violations().is_empty(),
        "{:#?}",
        zendesk.violations()
    );
}

#[test]
fn freshdesk_ticket_is_created_routed_and_resolved_through_a_429() {
    let freshdesk = FakeVendor::start(Vendor::freshdesk("fd-key-456")).unwrap();
    let mut host = Host::new(
        config(
            json!({"kind": "freshdesk", "base_url": freshdesk.base_url(), "api_key_ref": "FRESHDESK_API_KEY",
                      "group_id": 5000012345u64, "agent_map": {"agent_1": 77}}),
        ),
        env(&[("FRESHDESK_API_KEY", "fd-key-456")]),
    );
    // This time the throttled request is a follow-up: the note of the assignment.
    walk_throttling_the_assignment(&mut host, &freshdesk);
    let requests = freshdesk.requests();
    assert_eq!(
        routes(&requests),
        [
            "201 create_ticket",
            "201 add_note",
            "429 add_note",
            "201 add_note",
            "200 update_ticket",
            "201 add_note",
            "200 update_ticket"
        ]
    );
    // The throttled note and its retry are the same request.
    assert_eq!(requests[2].body, requests[3].body);
    let id = requests[1].path.split('/').nth(4).unwrap().to_string();
    let ticket = freshdesk.record(&id).unwrap();
    assert_eq!(ticket["status"], 4);
    assert_eq!(ticket["responder_id"], 77);
    assert_eq!(ticket["group_id"], 5000012345u64);
    assert_eq!(ticket["priority"], 3);
    assert_eq!(ticket["source"], 7);
    assert_eq!(ticket["notes"].as_array().unwrap().len(), 3);
    assert_clean(&freshdesk, &host);
}

/// Like [`walk`], with the vendor throttling the first request after the agent accepts.
fn walk_throttling_the_assignment(host: &mut Host, vendor: &FakeVendor) {
    host.send(
        json!({"type": "customer_message", "conversation_id": "conv_1",
        "text": "Where is my order ORD-12345? I want to talk to a human",
        "customer": {"id": "cust_456", "name": "Priya Sharma", "email": "priya@example.com"},
        "signals": {"sentiment": -0.65, "summary": "Customer asks where order ORD-12345 is."}}),
    )
    .unwrap();
    host.settle(20).unwrap();
    host.send(json!({"type": "agent_update", "agent": {"id": "agent_1", "name": "Asha", "status": "online"}}))
        .unwrap();
    vendor.throttle_next(1);
    host.send(json!({"type": "agent_accept", "conversation_id": "conv_1", "agent_id": "agent_1"}))
        .unwrap();
    host.settle(20).unwrap();
    host.send(json!({"type": "conversation_closed", "conversation_id": "conv_1", "by": "agent"}))
        .unwrap();
    host.settle(20).unwrap();
}

#[test]
fn intercom_contact_conversation_note_assignment_and_close_through_a_429() {
    let intercom = FakeVendor::start(Vendor::intercom("ic-token-789")).unwrap();
    intercom.throttle_next(1);
    let mut host = Host::new(
        config(
            json!({"kind": "intercom", "base_url": intercom.base_url(), "access_token_ref": "INTERCOM_TOKEN",
                      "admin_id": "814860", "team_id": "5017691", "agent_map": {"agent_1": "991"}}),
        ),
        env(&[("INTERCOM_TOKEN", "ic-token-789")]),
    );
    walk(
        &mut host,
        json!({"id": "cust_456", "name": "Priya Sharma", "email": "priya@example.com"}),
    );
    let requests = intercom.requests();
    assert_eq!(
        routes(&requests),
        [
            "429 create_contact",
            "200 create_contact",
            "200 create_conversation",
            "200 reply",
            "200 parts",
            "200 reply",
            "200 parts",
            "200 reply",
            "200 parts"
        ]
    );
    // The retry waited until X-RateLimit-Reset (unix seconds), as the host reported it.
    let retry = host
        .log
        .iter()
        .find(|o| o["type"] == "delivery_retry")
        .unwrap();
    let reported = host.results.iter().find(|r| r["status"] == 429).unwrap();
    let reset: i64 = reported["headers"]["x-ratelimit-reset"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        retry["at"].as_i64().unwrap() >= reset * 1000,
        "{retry} before reset {reset}"
    );
    let conversation = requests[3].path.split('/').nth(2).unwrap().to_string();
    let record = intercom.record(&conversation).unwrap();
    assert_eq!(record["state"], "closed");
    assert_eq!(record["team_assignee_id"], "5017691");
    assert_eq!(record["admin_assignee_id"], "991");
    // Closed without a message to the customer; who closed it is in a note for the teammates.
    assert_eq!(record.get("shown_to_customer"), None, "{record:#}");
    let close: Value = serde_json::from_str(&requests[8].body).unwrap();
    assert_eq!(
        close,
        json!({"message_type": "close", "type": "admin", "admin_id": "814860"})
    );
    let note: Value = serde_json::from_str(&requests[7].body).unwrap();
    assert_eq!(note["message_type"], "note");
    assert_eq!(note["body"], "<p>Conversation closed by agent.</p>");
    for r in &requests {
        assert_eq!(r.headers["intercom-version"], "2.14");
    }
    assert_clean(&intercom, &host);
}

#[test]
fn intercom_uses_the_customers_conversation_when_the_input_names_it() {
    let intercom = FakeVendor::start(Vendor::intercom("ic-secret-0042")).unwrap();
    let mut host = Host::new(
        config(
            json!({"kind": "intercom", "base_url": intercom.base_url(), "access_token_ref": "T",
                      "admin_id": "1", "assignee_id": "2"}),
        ),
        env(&[("T", "ic-secret-0042")]),
    );
    walk(
        &mut host,
        json!({"attributes": {"intercom_conversation_id": "147"}}),
    );
    let requests = intercom.requests();
    assert_eq!(
        routes(&requests),
        [
            "200 reply",
            "200 parts",
            "200 reply",
            "200 reply",
            "200 parts"
        ]
    );
    assert!(requests
        .iter()
        .all(|r| r.path.starts_with("/conversations/147/")));
    let record = intercom.record("147").unwrap();
    assert_eq!(record["state"], "closed");
    assert_eq!(record.get("shown_to_customer"), None, "{record:#}");
    assert_clean(&intercom, &host);
}

#[test]
fn a_signed_custom_webhook_gets_every_event_through_a_429() {
    let receiver =
        FakeVendor::start(Vendor::webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).unwrap();
    receiver.throttle_next(1);
    let mut host = Host::new(
        config(
            json!({"kind": "webhook", "id": "crm", "url": format!("{}/hooks/handoff", receiver.base_url()),
                      "secret_ref": "HANDOFF_WEBHOOK_SECRET"}),
        ),
        env(&[(
            "HANDOFF_WEBHOOK_SECRET",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        )]),
    );
    walk(
        &mut host,
        json!({"id": "cust_456", "name": "Priya Sharma", "email": "priya@example.com"}),
    );
    let requests = receiver.requests();
    let mut ok: Vec<String> = requests
        .iter()
        .filter(|r| r.status == 204)
        .map(|r| {
            serde_json::from_str::<Value>(&r.body).unwrap()["event"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    // Webhook deliveries are independent (receivers order by the event's timestamp and dedupe on
    // webhook-id): the throttled first event arrives after the queued one. Every event arrives once.
    assert_eq!(ok.first().map(String::as_str), Some("conversation.queued"));
    ok.sort();
    assert_eq!(
        ok,
        [
            "conversation.assigned",
            "conversation.closed",
            "conversation.handoff_requested",
            "conversation.queued"
        ]
    );
    assert_eq!(requests[0].status, 429);
    let retried = requests
        .iter()
        .rev()
        .find(|r| r.body == requests[0].body)
        .unwrap();
    assert_eq!(retried.status, 204);
    assert_eq!(
        requests[0].headers["webhook-id"], retried.headers["webhook-id"],
        "same id on the retry"
    );
    assert_clean(&receiver, &host);
}

#[test]
fn wrong_credentials_are_refused_by_the_fake_and_dead_lettered_by_the_engine() {
    let zendesk = FakeVendor::start(Vendor::zendesk("bot@acme.com", "right-token")).unwrap();
    let mut host = Host::new(
        config(
            json!({"kind": "zendesk", "base_url": zendesk.base_url(), "email": "bot@acme.com", "api_token_ref": "ZD"}),
        ),
        env(&[("ZD", "wrong-token")]),
    );
    host.send(json!({"type": "handoff_request", "conversation_id": "c1"}))
        .unwrap();
    assert_eq!(routes(&zendesk.requests()), ["401 create_ticket"]);
    assert_eq!(
        zendesk.violations(),
        ["POST /api/v2/tickets: wrong Authorization header"]
    );
    let failed = host
        .log
        .iter()
        .find(|o| o["type"] == "delivery_failed")
        .unwrap();
    assert!(
        failed["reason"].as_str().unwrap().contains("401"),
        "{failed}"
    );
    assert!(!failed["reason"].as_str().unwrap().contains("wrong-token"));
}

#[test]
fn a_missing_secret_is_a_network_style_failure_naming_the_reference() {
    let freshdesk = FakeVendor::start(Vendor::freshdesk("k")).unwrap();
    let mut host = Host::new(
        config(
            json!({"kind": "freshdesk", "base_url": freshdesk.base_url(), "api_key_ref": "FRESHDESK_API_KEY"}),
        ),
        env(&[]),
    );
    host.send(json!({"type": "handoff_request", "conversation_id": "c1"}))
        .unwrap();
    assert!(
        freshdesk.requests().is_empty(),
        "nothing is sent without credentials"
    );
    let retry = host
        .log
        .iter()
        .find(|o| o["type"] == "delivery_retry")
        .unwrap();
    assert!(
        retry["error"]
            .as_str()
            .unwrap()
            .contains("FRESHDESK_API_KEY"),
        "{retry}"
    );
}

#[test]
fn the_contracts_reject_what_the_vendors_reject() {
    // Each contract compiles, cites its source, and fails a body the vendor would refuse.
    for (name, text) in CONTRACTS {
        let schema: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let cited = schema["$comment"].as_str().unwrap_or_default();
        assert!(
            cited.contains("https://") || cited.contains("github.com/"),
            "{name} cites no source"
        );
        assert!(
            jsonschema::validator_for(&schema).is_ok(),
            "{name} is not a valid schema"
        );
    }
    let bad = [
        ("zendesk-create-ticket", json!({"ticket": {"subject": "x"}})), // no comment
        (
            "zendesk-create-ticket",
            json!({"ticket": {"comment": {"body": "x"}, "priority": "critical"}}),
        ),
        (
            "zendesk-update-ticket",
            json!({"ticket": {"status": "done"}}),
        ),
        (
            "freshdesk-create-ticket",
            json!({"subject": "x", "description": "y", "status": 2, "priority": 2, "source": 7}),
        ), // no requester
        (
            "freshdesk-create-ticket",
            json!({"subject": "x", "description": "y", "status": 2, "priority": 2, "source": 7, "phone": "123"}),
        ), // phone without name
        (
            "freshdesk-create-ticket",
            json!({"email": "a@b.co", "subject": "x", "description": "y", "status": 1, "priority": 2, "source": 7}),
        ),
        ("freshdesk-add-note", json!({"private": true})),
        (
            "intercom-assign",
            json!({"message_type": "assignment", "type": "team", "admin_id": 1, "assignee_id": "2"}),
        ), // integer id
        (
            "intercom-close",
            json!({"message_type": "close", "type": "admin"}),
        ),
        (
            "intercom-create-conversation",
            json!({"from": {"type": "user", "id": "short"}, "body": "x"}),
        ),
        ("intercom-create-contact", json!({"name": "x"})),
        (
            "sunshine-pass-control",
            json!({"metadata": {"nested": {"a": 1}}}),
        ),
        (
            "webhook-event",
            json!({"event": "conversation.handoff_requested", "timestamp": "2026-01-12T10:30:00Z", "data": {"conversation_id": "c"}}),
        ),
    ];
    for (name, body) in bad {
        assert!(
            !schema_problems(name, &body).is_empty(),
            "{name} accepted {body}"
        );
    }
}

/// Sends one raw request to a fake, as a buggy client would.
fn raw(method: &str, url: &str, headers: &[(&str, &str)], body: &str) -> (u16, Value) {
    let agent = ureq::Agent::new_with_config(
        ureq::config::Config::builder()
            .http_status_as_error(false)
            .build(),
    );
    let mut builder = ureq::http::Request::builder().method(method).uri(url);
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    let mut response = agent
        .run(builder.body(body.as_bytes().to_vec()).unwrap())
        .unwrap();
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[test]
fn the_fakes_answer_bad_requests_in_each_vendors_error_shape() {
    let zendesk = FakeVendor::start(Vendor::zendesk("a@b.co", "t1")).unwrap();
    let auth = handoff_core::wire::output::Auth::Basic {
        username: Some("a@b.co/token".into()),
        username_ref: None,
        password: None,
        password_ref: Some("T".into()),
    }
    .header(|_| Some("t1".into()))
    .unwrap()
    .unwrap();
    let json_headers = [
        ("content-type", "application/json"),
        ("authorization", auth.as_str()),
        ("idempotency-key", "k1"),
    ];
    let (status, body) = raw(
        "POST",
        &format!("{}/api/v2/tickets", zendesk.base_url()),
        &json_headers,
        r#"{"ticket": {"subject": "no comment"}}"#,
    );
    assert_eq!(status, 422);
    assert_eq!(body["error"], "RecordInvalid");
    let (status, _) = raw(
        "PUT",
        &format!("{}/api/v2/tickets/999", zendesk.base_url()),
        &json_headers,
        r#"{"ticket": {"status": "open"}}"#,
    );
    assert_eq!(status, 404);
    assert_eq!(zendesk.violations().len(), 2, "{:#?}", zendesk.violations());

    let freshdesk = FakeVendor::start(Vendor::freshdesk("k1")).unwrap();
    let auth = handoff_core::wire::output::Auth::Basic {
        username: None,
        username_ref: Some("K".into()),
        password: Some("X".into()),
        password_ref: None,
    }
    .header(|_| Some("k1".into()))
    .unwrap()
    .unwrap();
    let (status, body) = raw(
        "POST",
        &format!("{}/api/v2/tickets", freshdesk.base_url()),
        &[
            ("content-type", "application/json"),
            ("authorization", auth.as_str()),
        ],
        r#"{"subject": "s", "description": "d", "status": 2, "priority": 2, "source": 7}"#,
    );
    assert_eq!(status, 400);
    assert_eq!(body["description"], "Validation failed");
    assert_eq!(body["errors"][0]["code"], "invalid_value");

    let intercom = FakeVendor::start(Vendor::intercom("tok-1")).unwrap();
    let url = format!("{}/conversations/5/parts", intercom.base_url());
    let (status, body) = raw(
        "POST",
        &url,
        &[
            ("content-type", "application/json"),
            ("authorization", "Bearer tok-1"),
            ("accept", "application/json"),
        ],
        r#"{"message_type": "assignment", "type": "team", "admin_id": "1", "assignee_id": "2"}"#,
    );
    assert_eq!(status, 400, "no Intercom-Version");
    assert_eq!(body["type"], "error.list");
    let (status, body) = raw(
        "POST",
        &url,
        &[
            ("content-type", "application/json"),
            ("authorization", "Bearer tok-1"),
            ("accept", "application/json"),
            ("intercom-version", "2.14"),
        ],
        r#"{"message_type": "assignment", "type": "team", "admin_id": 1, "assignee_id": "2"}"#,
    );
    assert_eq!(status, 400, "integer admin_id");
    assert_eq!(body["errors"][0]["code"], "parameter_invalid");
    let (status, body) = raw(
        "POST",
        &url,
        &[
            ("content-type", "application/json"),
            ("authorization", "Bearer wrong"),
            ("intercom-version", "2.14"),
        ],
        "{}",
    );
    assert_eq!(status, 401);
    assert_eq!(body["errors"][0]["code"], "unauthorized");
}

/// Hand off, an agent accepts, then the live conversation: the customer writes, the agent
/// answers and writes a private note, and the agent closes.
fn walk_live(host: &mut Host, customer: Value) {
    host.send(json!({"type": "agent_update", "agent": {"id": "agent_1", "name": "Asha", "status": "online"}}))
        .unwrap();
    host.send(
        json!({"type": "handoff_request", "conversation_id": "conv_1", "customer": customer}),
    )
    .unwrap();
    host.send(json!({"type": "agent_accept", "conversation_id": "conv_1", "agent_id": "agent_1"}))
        .unwrap();
    for input in [
        json!({"type": "customer_message", "conversation_id": "conv_1", "text": "Any news?"}),
        json!({"type": "agent_message", "conversation_id": "conv_1", "agent_id": "agent_1", "text": "Shipped today."}),
        json!({"type": "agent_note", "conversation_id": "conv_1", "agent_id": "agent_1", "text": "VIP"}),
        json!({"type": "conversation_closed", "conversation_id": "conv_1", "by": "agent"}),
    ] {
        host.send(input).unwrap();
    }
    host.settle(20).unwrap();
}

#[test]
fn zendesk_live_conversation_is_written_as_comments_by_the_requester_and_the_api_user() {
    let zendesk = FakeVendor::start(Vendor::zendesk("bot@acme.com", "zd-token-123")).unwrap();
    let mut host = Host::new(
        config(
            json!({"kind": "zendesk", "base_url": zendesk.base_url(), "email": "bot@acme.com",
                      "api_token_ref": "ZENDESK_API_TOKEN"}),
        ),
        env(&[("ZENDESK_API_TOKEN", "zd-token-123")]),
    );
    walk_live(
        &mut host,
        json!({"name": "Priya", "email": "priya@example.com"}),
    );
    let requests = zendesk.requests();
    assert_eq!(routes(&requests).len(), 6, "{:#?}", routes(&requests));
    let id = requests[1].path.rsplit('/').next().unwrap().to_string();
    let comments = zendesk.record(&id).unwrap()["comments"].clone();
    assert_eq!(
        comments,
        json!([
            {"body": "Assigned to Asha (agent_1) after 0 s.", "public": false},
            {"body": "Any news?", "public": true, "author_id": 20978392},
            {"body": "Shipped today.", "public": true},
            {"body": "Note from agent_1: VIP", "public": false},
            {"body": "Conversation closed by agent.", "public": false}
        ])
    );
    assert_clean(&zendesk, &host);
}

#[test]
fn freshdesk_live_conversation_is_written_as_notes() {
    let freshdesk = FakeVendor::start(Vendor::freshdesk("fd-key")).unwrap();
    let mut host = Host::new(
        config(json!({"kind": "freshdesk", "base_url": freshdesk.base_url(), "api_key_ref": "FD"})),
        env(&[("FD", "fd-key")]),
    );
    walk_live(
        &mut host,
        json!({"name": "Priya", "email": "priya@example.com"}),
    );
    assert_eq!(
        routes(&freshdesk.requests()),
        [
            "201 create_ticket",
            "201 add_note",
            "201 add_note",
            "201 add_note",
            "201 add_note",
            "201 add_note",
            "200 update_ticket"
        ]
    );
    assert_clean(&freshdesk, &host);
}

#[test]
fn intercom_live_conversation_is_written_as_the_contact_and_the_admin() {
    let intercom = FakeVendor::start(Vendor::intercom("ic-token")).unwrap();
    let mut host = Host::new(
        config(
            json!({"kind": "intercom", "base_url": intercom.base_url(), "access_token_ref": "IC",
                      "admin_id": "814860", "team_id": "5017691"}),
        ),
        env(&[("IC", "ic-token")]),
    );
    walk_live(
        &mut host,
        json!({"id": "cust_1", "name": "Priya", "email": "priya@example.com"}),
    );
    let requests = intercom.requests();
    let conversation = requests
        .iter()
        .find(|r| r.route == "reply")
        .map(|r| r.path.split('/').nth(2).unwrap_or_default().to_string())
        .unwrap();
    let record = intercom.record(&conversation).unwrap();
    // The agent's answer is the one thing shown to the customer; their own words are theirs.
    assert_eq!(
        record["shown_to_customer"],
        json!(["<p>Shipped today.</p>"])
    );
    let kinds: Vec<(Value, Value)> = record["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["message_type"].clone(), p["type"].clone()))
        .collect();
    assert!(
        kinds.contains(&(json!("comment"), json!("user"))),
        "{kinds:?}"
    );
    assert_clean(&intercom, &host);
}
