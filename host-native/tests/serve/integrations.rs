//! Helpdesk integrations through the real service: Zendesk (basic auth from an environment
//! variable, rate-limited once), Freshdesk (the API key as the basic user) and Intercom (bearer
//! token) against the loopback fake vendors of
//! `handoff-conformance`, which check every request against the vendors' published shapes
//! (`tests/contracts/*.schema.json`). The whole flow: ticket and note on handoff, updates on
//! assignment, solved on close.

use std::time::{Duration, Instant};

use handoff_conformance::vendors::{FakeVendor, Recorded, Vendor};
use serde_json::json;

use crate::support::{Setup, AGENT_A, PATIENCE, WIDGET};

const ZENDESK_TOKEN: &str = "zd-token-0123456789abcdef";
const INTERCOM_TOKEN: &str = "ic-token-0123456789abcdef";
const FRESHDESK_KEY: &str = "fd-key-0123456789abcdef";

fn routes(requests: &[Recorded]) -> Vec<String> {
    requests
        .iter()
        .map(|r| format!("{} {}", r.status, r.route))
        .collect()
}

/// Waits until `vendor` has answered `n` requests (the service performs them in the background).
async fn wait_for(vendor: &FakeVendor, n: usize, what: &str) -> Vec<Recorded> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let requests = vendor.requests();
        if requests.len() >= n {
            return requests;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: {} of {n} requests after {PATIENCE:?}: {:?}",
            requests.len(),
            routes(&requests)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zendesk_freshdesk_and_intercom_get_the_whole_flow_through_the_service() {
    let zendesk =
        FakeVendor::start(Vendor::zendesk("bot@acme.com", ZENDESK_TOKEN)).expect("fake zendesk");
    let intercom = FakeVendor::start(Vendor::intercom(INTERCOM_TOKEN)).expect("fake intercom");
    let freshdesk = FakeVendor::start(Vendor::freshdesk(FRESHDESK_KEY)).expect("fake freshdesk");
    zendesk.throttle_next(1);
    let config = json!({"handoff": {
        "agents": [{"id": "agent_a", "name": "Asha"}],
        "integrations": [
            {"kind": "zendesk", "base_url": zendesk.base_url(), "email": "bot@acme.com",
             "api_token_ref": "ZENDESK_API_TOKEN", "group_id": 360001, "agent_map": {"agent_a": 9001}},
            {"kind": "intercom", "base_url": intercom.base_url(), "access_token_ref": "INTERCOM_TOKEN",
             "admin_id": "814860", "team_id": "5017691", "agent_map": {"agent_a": "991"}},
            {"kind": "freshdesk", "base_url": freshdesk.base_url(), "api_key_ref": "FRESHDESK_API_KEY",
             "group_id": 5000012345u64, "agent_map": {"agent_a": 77}}
        ]
    }});
    let setup = Setup::new("integrations", &config)
        .env("ZENDESK_API_TOKEN", ZENDESK_TOKEN)
        .env("INTERCOM_TOKEN", INTERCOM_TOKEN)
        .env("FRESHDESK_API_KEY", FRESHDESK_KEY);
    let service = setup.start();

    // The customer asks for a person: nobody is online, so the conversation is queued; Zendesk
    // gets a ticket (after one 429) and Intercom a contact, a conversation and the context note.
    let out = service
        .ok(
            "/v1/conversations/conv_1/messages",
            WIDGET,
            json!({"text": "Where is my order ORD-12345? I want to talk to a human",
                   "customer": {"id": "cust_456", "name": "Priya Sharma", "email": "priya@example.com"},
                   "signals": {"sentiment": -0.65}}),
        )
        .await;
    assert!(out.iter().any(|o| o["type"] == "handoff"), "{out:?}");
    let created = wait_for(&zendesk, 2, "zendesk create").await;
    assert_eq!(
        routes(&created)[..2],
        [
            "429 create_ticket".to_string(),
            "201 create_ticket".to_string()
        ]
    );
    assert_eq!(
        created[0].headers["idempotency-key"], created[1].headers["idempotency-key"],
        "the retry is the same request"
    );
    wait_for(&intercom, 4, "intercom handoff").await;

    // Asha comes online, is offered the conversation and accepts: both vendors are told.
    service
        .put(
            "/v1/agents/agent_a",
            AGENT_A,
            json!({"name": "Asha", "status": "online"}),
        )
        .await;
    let out = service
        .ok("/v1/conversations/conv_1/accept", AGENT_A, json!({}))
        .await;
    assert!(out.iter().any(|o| o["type"] == "assigned"), "{out:?}");
    wait_for(&zendesk, 4, "zendesk assignment").await;

    // She closes it: the ticket is solved.
    service
        .ok(
            "/v1/conversations/conv_1/close",
            AGENT_A,
            json!({"by": "agent"}),
        )
        .await;
    let requests = wait_for(&zendesk, 5, "zendesk close").await;
    let ticket_id = requests[2]
        .path
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    assert_eq!(requests[2].path, format!("/api/v2/tickets/{ticket_id}"));
    let deadline = Instant::now() + PATIENCE;
    loop {
        let ticket = zendesk.record(&ticket_id).expect("the ticket exists");
        if ticket["status"] == "solved" {
            assert_eq!(ticket["assignee_id"], 9001);
            break;
        }
        assert!(Instant::now() < deadline, "never solved: {ticket}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Intercom: contact, conversation, the context note, the team assignment, then Asha's note
    // and assignment, and the conversation closed.
    let ic = wait_for(&intercom, 7, "intercom flow").await;
    assert_eq!(ic[0].route, "create_contact", "{:?}", routes(&ic));
    assert_eq!(ic[1].route, "create_conversation", "{:?}", routes(&ic));
    assert!(ic.iter().all(|r| r.status == 200), "{:?}", routes(&ic));
    assert!(
        ic.iter()
            .all(|r| r.headers.get("authorization").map(String::as_str)
                == Some(&format!("Bearer {INTERCOM_TOKEN}")[..])),
        "the bearer token from the environment on every request"
    );
    let conversation = ic
        .iter()
        .find(|r| r.route == "reply")
        .and_then(|r| r.path.split('/').nth(2))
        .expect("a note on the conversation")
        .to_string();
    let deadline = Instant::now() + PATIENCE;
    loop {
        let record = intercom
            .record(&conversation)
            .expect("the conversation exists");
        if record["state"] == "closed" {
            break;
        }
        assert!(Instant::now() < deadline, "never closed: {record}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Freshdesk: the ticket, its notes, routed to Asha (responder 77) and resolved (status 4).
    let fd = wait_for(&freshdesk, 6, "freshdesk flow").await;
    assert_eq!(fd[0].route, "create_ticket", "{:?}", routes(&fd));
    let fd_ticket = fd[1]
        .path
        .split('/')
        .nth(4)
        .expect("a note on the created ticket")
        .to_string();
    let deadline = Instant::now() + PATIENCE;
    loop {
        let ticket = freshdesk.record(&fd_ticket).expect("the ticket exists");
        if ticket["status"] == 4 {
            assert_eq!(ticket["responder_id"], 77);
            break;
        }
        assert!(Instant::now() < deadline, "never resolved: {ticket}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Every request matched the vendors' shapes and credentials.
    assert!(
        zendesk.violations().is_empty(),
        "{:#?}",
        zendesk.violations()
    );
    assert!(
        intercom.violations().is_empty(),
        "{:#?}",
        intercom.violations()
    );

    // The credentials were sent, and never written down.
    let db = std::fs::read(setup.db()).unwrap_or_default();
    let wal = std::fs::read(setup.db().with_extension("db-wal")).unwrap_or_default();
    let log = service.log_text();
    for secret in [ZENDESK_TOKEN, INTERCOM_TOKEN, FRESHDESK_KEY] {
        let needle = secret.as_bytes();
        for (what, bytes) in [
            ("database", &db),
            ("wal", &wal),
            ("log", &log.as_bytes().to_vec()),
        ] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "a credential is in the {what}"
            );
        }
    }
    service.terminate();
}
