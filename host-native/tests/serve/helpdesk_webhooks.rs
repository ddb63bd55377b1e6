//! Helpdesks both ways through the real service: the customer's follow-up becomes a comment at
//! the loopback fake Zendesk (or a reply at the fake Intercom); an agent answers there, the fake
//! posts the vendor's signed webhook to `POST /v1/integrations/{id}/webhook`, and the customer's
//! stream shows the agent's message; the same with a Freshdesk automation webhook and a Sunshine
//! Conversations message from the Agent Workspace. A bad signature is 401, an unknown integration
//! 404, an unknown ticket 422.

use std::time::{Duration, Instant};

use handoff_conformance::vendors::callback::CallBack;
use handoff_conformance::vendors::{FakeVendor, Recorded, Vendor};
use serde_json::{json, Value};

use crate::support::{read_events, Setup, AGENT_A, PATIENCE, WIDGET};

const ZENDESK_TOKEN: &str = "zd-token-0123456789abcdef";
const ZENDESK_HOOK: &str = "zd-webhook-signing-secret";
const INTERCOM_TOKEN: &str = "ic-token-0123456789abcdef";
const INTERCOM_SECRET: &str = "ic-client-secret-0123";

/// Waits until `vendor` holds a request for which `found` holds; returns them all.
async fn wait_until(
    vendor: &FakeVendor,
    what: &str,
    found: impl Fn(&Recorded) -> bool,
) -> Vec<Recorded> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let requests = vendor.requests();
        if requests.iter().any(&found) {
            return requests;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: not after {PATIENCE:?}: {requests:#?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Runs the blocking fake-vendor call on a blocking thread.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f)
        .await
        .expect("the call back ran")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_answering_in_zendesk_reaches_the_customers_stream() {
    let zendesk = std::sync::Arc::new(
        FakeVendor::start(Vendor::zendesk("bot@acme.com", ZENDESK_TOKEN)).expect("fake zendesk"),
    );
    let config = json!({"handoff": {
        "agents": [{"id": "agent_a", "name": "Asha"}],
        "routing": {"auto_accept": true},
        "integrations": [{"kind": "zendesk", "base_url": zendesk.base_url(), "email": "bot@acme.com",
            "api_token_ref": "ZENDESK_API_TOKEN", "agent_map": {"agent_a": 9001},
            "webhook_secret_ref": "ZENDESK_WEBHOOK_SECRET"}]
    }});
    let service = Setup::new("helpdesk-zendesk", &config)
        .env("ZENDESK_API_TOKEN", ZENDESK_TOKEN)
        .env("ZENDESK_WEBHOOK_SECRET", ZENDESK_HOOK)
        .start();
    service
        .put(
            "/v1/agents/agent_a",
            AGENT_A,
            json!({"name": "Asha", "status": "online"}),
        )
        .await;
    service
        .ok(
            "/v1/conversations/zd1/handoff",
            WIDGET,
            json!({"customer": {"name": "Priya", "email": "priya@example.com"}}),
        )
        .await;
    let mut stream = service.events("/v1/conversations/zd1/events", WIDGET).await;
    service
        .ok(
            "/v1/conversations/zd1/messages",
            WIDGET,
            json!({"text": "Is my refund on its way?"}),
        )
        .await;
    // The follow-up is a public comment by the requester on the ticket.
    let requests = wait_until(&zendesk, "the customer's comment", |r| {
        r.body.contains("Is my refund on its way?")
    })
    .await;
    let ticket = requests
        .iter()
        .find(|r| r.route == "update_ticket")
        .and_then(|r| r.path.rsplit('/').next())
        .expect("an update of the ticket")
        .to_string();
    let comment: Value = serde_json::from_str(
        &requests
            .iter()
            .find(|r| r.body.contains("Is my refund"))
            .expect("comment")
            .body,
    )
    .expect("JSON");
    assert_eq!(comment["ticket"]["comment"]["author_id"], 20978392);

    // Asha answers in Zendesk: the fake posts ticket.comment_added, signed.
    let to = CallBack {
        url: format!("{}/v1/integrations/zendesk/webhook", service.base),
        secret: ZENDESK_HOOK.into(),
    };
    let (z, t, c) = (zendesk.clone(), ticket.clone(), to.clone());
    let answered = blocking(move || {
        z.agent_writes(
            &c,
            &t,
            "9001",
            "Asha K",
            "Yes: it went out this morning.",
            true,
        )
    })
    .await
    .expect("posted");
    assert_eq!(answered.status, 200, "{:?}", answered.body);
    assert_eq!(answered.body["accepted"], 1);
    let events = read_events(&mut stream, |e| {
        e.iter()
            .any(|(k, d)| k == "agent_message" && d["text"] == "Yes: it went out this morning.")
    })
    .await;
    let (_, m) = events
        .iter()
        .find(|(k, _)| k == "agent_message")
        .expect("read");
    assert_eq!(
        (m["agent_id"].as_str(), m["agent_name"].as_str()),
        (Some("agent_a"), Some("Asha"))
    );
    // Not written back to Zendesk as another comment.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !zendesk
            .requests()
            .iter()
            .any(|r| r.body.contains("it went out this morning")),
        "written back: {:#?}",
        zendesk.requests()
    );

    // A wrong secret is 401; an unknown integration 404; an unknown ticket 422.
    let bad = CallBack {
        secret: "not-the-secret".into(),
        ..to.clone()
    };
    let (z, t) = (zendesk.clone(), ticket.clone());
    let answered = blocking(move || z.agent_writes(&bad, &t, "9001", "Asha K", "forged", true))
        .await
        .expect("posted");
    assert_eq!(answered.status, 401, "{:?}", answered.body);
    assert_eq!(answered.body["error"]["kind"], "bad_signature");
    let nowhere = CallBack {
        url: format!("{}/v1/integrations/nope/webhook", service.base),
        ..to.clone()
    };
    let z = zendesk.clone();
    let answered = blocking(move || z.agent_writes(&nowhere, "1", "9001", "A", "x", true))
        .await
        .expect("posted");
    assert_eq!(answered.status, 404, "{:?}", answered.body);
    let (z, c) = (zendesk.clone(), to.clone());
    let answered = blocking(move || z.agent_writes(&c, "777777", "9001", "A", "x", true))
        .await
        .expect("posted");
    assert_eq!(answered.status, 422, "{:?}", answered.body);
    assert_eq!(answered.body["error"]["path"], "input.vendor_id");
    assert!(
        zendesk.violations().is_empty(),
        "{:#?}",
        zendesk.violations()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_answering_in_intercom_reaches_the_customers_stream() {
    let intercom = std::sync::Arc::new(
        FakeVendor::start(Vendor::intercom(INTERCOM_TOKEN)).expect("fake intercom"),
    );
    let config = json!({"handoff": {
        "agents": [{"id": "agent_a", "name": "Asha"}],
        "routing": {"auto_accept": true},
        "integrations": [{"kind": "intercom", "base_url": intercom.base_url(),
            "access_token_ref": "INTERCOM_TOKEN", "admin_id": "814860", "team_id": "5017691",
            "agent_map": {"agent_a": "991"}, "client_secret_ref": "INTERCOM_CLIENT_SECRET"}]
    }});
    let service = Setup::new("helpdesk-intercom", &config)
        .env("INTERCOM_TOKEN", INTERCOM_TOKEN)
        .env("INTERCOM_CLIENT_SECRET", INTERCOM_SECRET)
        .start();
    service
        .put(
            "/v1/agents/agent_a",
            AGENT_A,
            json!({"name": "Asha", "status": "online"}),
        )
        .await;
    service
        .ok(
            "/v1/conversations/ic1/handoff",
            WIDGET,
            json!({"customer": {"id": "cust_1", "name": "Priya", "email": "priya@example.com"}}),
        )
        .await;
    let mut stream = service.events("/v1/conversations/ic1/events", WIDGET).await;
    service
        .ok(
            "/v1/conversations/ic1/messages",
            WIDGET,
            json!({"text": "Hello again"}),
        )
        .await;
    let requests = wait_until(&intercom, "the customer's reply", |r| {
        r.body.contains("Hello again")
    })
    .await;
    let conversation = requests
        .iter()
        .find(|r| r.body.contains("Hello again"))
        .and_then(|r| r.path.split('/').nth(2))
        .expect("a reply on the conversation")
        .to_string();
    let to = CallBack {
        url: format!("{}/v1/integrations/intercom/webhook", service.base),
        secret: INTERCOM_SECRET.into(),
    };
    let (i, c, t) = (intercom.clone(), conversation.clone(), to.clone());
    let answered =
        blocking(move || i.agent_writes(&t, &c, "991", "Asha", "Hi Priya, checking now.", true))
            .await
            .expect("posted");
    assert_eq!(answered.status, 200, "{:?}", answered.body);
    let events = read_events(&mut stream, |e| {
        e.iter()
            .any(|(k, d)| k == "agent_message" && d["text"] == "Hi Priya, checking now.")
    })
    .await;
    assert!(events
        .iter()
        .any(|(k, d)| k == "agent_message" && d["agent_id"] == "agent_a"));
    // A note stays on the agents' side: nothing more on the customer's stream for it, and the
    // same notification posted twice is applied once (checked by the answer's outputs).
    let (i, c, t) = (intercom.clone(), conversation.clone(), to.clone());
    let answered = blocking(move || i.agent_writes(&t, &c, "991", "Asha", "internal only", false))
        .await
        .expect("posted");
    assert_eq!(answered.status, 200);
    let types: Vec<&str> = answered.body["outputs"]
        .as_array()
        .map(|o| o.iter().filter_map(|x| x["type"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        types.contains(&"agent_note") && !types.contains(&"agent_message"),
        "{types:?}"
    );
    assert!(
        intercom.violations().is_empty(),
        "{:#?}",
        intercom.violations()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn freshdesk_and_sunshine_agents_reach_the_customers_stream() {
    const FRESHDESK_KEY: &str = "fd-key-0123456789abcdef";
    let freshdesk = std::sync::Arc::new(
        FakeVendor::start(Vendor::freshdesk(FRESHDESK_KEY)).expect("fake freshdesk"),
    );
    let zendesk = std::sync::Arc::new(
        FakeVendor::start(Vendor::Zendesk {
            email: "bot@acme.com".into(),
            api_token: ZENDESK_TOKEN.into(),
            sunshine: Some(("app_5e4b".into(), "sunco-secret".into())),
        })
        .expect("fake zendesk"),
    );
    let config = json!({"handoff": {
        "agents": [{"id": "agent_a", "name": "Asha"}],
        "routing": {"auto_accept": true},
        "integrations": [
            {"kind": "freshdesk", "base_url": freshdesk.base_url(), "api_key_ref": "FRESHDESK_API_KEY",
             "agent_map": {"agent_a": 77}, "webhook_secret_ref": "FRESHDESK_WEBHOOK_SECRET"},
            {"kind": "zendesk", "base_url": zendesk.base_url(), "email": "bot@acme.com",
             "api_token_ref": "ZENDESK_API_TOKEN",
             "sunshine": {"app_id": "5e4af71a81966cfff3ef6550", "key_id": "app_5e4b",
                          "key_secret_ref": "SUNCO_SECRET", "webhook_secret_ref": "SUNCO_WEBHOOK_SECRET"}}
        ]
    }});
    let service = Setup::new("helpdesk-fd-sunco", &config)
        .env("FRESHDESK_API_KEY", FRESHDESK_KEY)
        .env("FRESHDESK_WEBHOOK_SECRET", "fd-shared-secret")
        .env("ZENDESK_API_TOKEN", ZENDESK_TOKEN)
        .env("SUNCO_SECRET", "sunco-secret")
        .env("SUNCO_WEBHOOK_SECRET", "sunco-webhook-secret")
        .start();
    service
        .put(
            "/v1/agents/agent_a",
            AGENT_A,
            json!({"name": "Asha", "status": "online"}),
        )
        .await;
    service
        .ok(
            "/v1/conversations/fd1/handoff",
            WIDGET,
            json!({"customer": {"name": "Priya", "email": "priya@example.com",
                                "attributes": {"sunshine_conversation_id": "c9f1e0b2d3a4"}}}),
        )
        .await;
    let mut stream = service.events("/v1/conversations/fd1/events", WIDGET).await;
    // The ticket's id, from the path of a note the engine wrote on it.
    let requests = wait_until(&freshdesk, "a note on the ticket", |r| {
        r.route == "add_note"
    })
    .await;
    let ticket = requests
        .iter()
        .find(|r| r.route == "add_note")
        .and_then(|r| r.path.split('/').nth(4))
        .expect("a note's path")
        .to_string();
    let to = CallBack {
        url: format!("{}/v1/integrations/freshdesk/webhook", service.base),
        secret: "fd-shared-secret".into(),
    };
    let (f, c, t) = (freshdesk.clone(), to.clone(), ticket.clone());
    let answered = blocking(move || f.agent_writes(&c, &t, "77", "Asha", "Freshdesk here.", true))
        .await
        .expect("posted");
    assert_eq!(answered.status, 200, "{:?}", answered.body);
    read_events(&mut stream, |e| {
        e.iter()
            .any(|(k, d)| k == "agent_message" && d["text"] == "Freshdesk here.")
    })
    .await;

    // Sunshine: an agent in the Agent Workspace writes; X-API-Key is the webhook's secret.
    wait_until(&zendesk, "the pass-control", |r| r.route == "pass_control").await;
    let to = CallBack {
        url: format!("{}/v1/integrations/zendesk/webhook", service.base),
        secret: "sunco-webhook-secret".into(),
    };
    let (z, c) = (zendesk.clone(), to.clone());
    let answered =
        blocking(move || z.workspace_writes(&c, "c9f1e0b2d3a4", "Asha", "From the workspace."))
            .await
            .expect("posted");
    assert_eq!(answered.status, 200, "{:?}", answered.body);
    read_events(&mut stream, |e| {
        e.iter()
            .any(|(k, d)| k == "agent_message" && d["text"] == "From the workspace.")
    })
    .await;
    let wrong = CallBack {
        secret: "guess".into(),
        ..to
    };
    let z = zendesk.clone();
    let answered = blocking(move || z.workspace_writes(&wrong, "c9f1e0b2d3a4", "X", "forged"))
        .await
        .expect("posted");
    assert_eq!(answered.status, 401);
    assert!(
        freshdesk.violations().is_empty(),
        "{:#?}",
        freshdesk.violations()
    );
}
