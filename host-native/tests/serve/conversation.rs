//! A conversation from the AI to a handoff, the queue and an agent, through the real service.

use serde_json::{json, Value};

use crate::support::{
    config_with_webhook, example, read_events, Receiver, Reply, Setup, ADMIN, AGENT_A, AGENT_B,
    SECRET, WIDGET,
};

const PRIYA_SUMMARY: &str =
    "Customer frustrated about delayed order ORD-12345. AI unable to provide updated delivery date.";

fn types(outputs: &[Value]) -> Vec<&str> {
    outputs.iter().filter_map(|o| o["type"].as_str()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conversation_goes_from_the_ai_to_the_queue_to_an_agent_and_the_webhook_gets_the_spec_payload(
) {
    let receiver = Receiver::start(|_, _| Reply::Ok).await;
    let setup = Setup::new("flow", &config_with_webhook(&receiver.url));
    let service = setup.start();
    assert!(service.banner.contains("/healthz"), "{}", service.banner);
    assert!(service.banner.contains("curl"), "{}", service.banner);

    let health = service.raw("GET", "/healthz", None, None).await;
    assert_eq!(health.status, 200);
    let page = service.raw("GET", "/", None, None).await;
    assert!(page.text.contains("/v1/events"), "the page lists the API");

    let mut stream = service
        .events("/v1/conversations/conv_xyz789/events", WIDGET)
        .await;

    // The AI answers first.
    let out = service
        .ok(
            "/v1/conversations/conv_xyz789/messages",
            WIDGET,
            json!({"text": "Hi, where is my parcel?"}),
        )
        .await;
    assert_eq!(types(&out), Vec::<&str>::new(), "no handoff yet: {out:#?}");
    service
        .ok(
            "/v1/conversations/conv_xyz789/ai-replies",
            WIDGET,
            json!({"text": "Let me check that for you.", "confidence": 0.9}),
        )
        .await;

    // The specification's message: frustrated Priya. Nobody is online: she is queued.
    let out = service
        .ok(
            "/v1/conversations/conv_xyz789/messages",
            WIDGET,
            json!({
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
            }),
        )
        .await;
    let kinds = types(&out);
    assert!(kinds.contains(&"handoff"), "{out:#?}");
    assert!(kinds.contains(&"queued"), "{out:#?}");
    assert!(kinds.contains(&"delivery"), "{out:#?}");
    let handoff = out
        .iter()
        .find(|o| o["type"] == "handoff")
        .expect("handoff");
    assert_eq!(handoff["primary"], "sentiment_threshold");

    let queue = service.get("/v1/queue", AGENT_A).await;
    assert_eq!(queue.status, 200, "{}", queue.text);
    assert_eq!(queue.json["queue"][0]["conversation_id"], "conv_xyz789");
    assert_eq!(queue.json["queue"][0]["position"], 1);

    // Agent A comes online: offered, accepts, assigned.
    let out = service
        .put(
            "/v1/agents/agent_a",
            AGENT_A,
            json!({"name": "Alex", "status": "online"}),
        )
        .await;
    assert_eq!(out.status, 200, "{}", out.text);
    let offered = out.json["outputs"]
        .as_array()
        .expect("outputs")
        .iter()
        .find(|o| o["type"] == "offered")
        .cloned()
        .unwrap_or_else(|| panic!("offered: {}", out.text));
    assert_eq!(offered["agent_id"], "agent_a");
    let conv = service.get("/v1/conversations/conv_xyz789", AGENT_A).await;
    assert_eq!(conv.json["status"], "offered", "{}", conv.text);

    let out = service
        .ok("/v1/conversations/conv_xyz789/accept", AGENT_A, json!({}))
        .await;
    let assigned = out
        .iter()
        .find(|o| o["type"] == "assigned")
        .unwrap_or_else(|| panic!("assigned: {out:#?}"));
    assert_eq!(assigned["agent_id"], "agent_a");
    assert_eq!(assigned["agent_name"], "Alex");
    service
        .ok(
            "/v1/conversations/conv_xyz789/agent-messages",
            AGENT_A,
            json!({"text": "Hi Priya, I'm checking with the courier now."}),
        )
        .await;
    let conv = service.get("/v1/conversations/conv_xyz789", WIDGET).await;
    assert_eq!(conv.json["status"], "assigned");
    assert_eq!(conv.json["agent_id"], "agent_a");
    let last = conv.json["history"]
        .as_array()
        .and_then(|h| h.last())
        .cloned()
        .expect("history");
    assert_eq!(last["role"], "agent");

    // The conversation's stream, read with the widget's token, saw the customer's side happen in
    // order (queued, connected, the agent's words): never the agents' side (the handoff and its
    // context, the offer, webhook events) nor the outbox's deliveries.
    let events = read_events(&mut stream, |e| e.iter().any(|(n, _)| n == "agent_message")).await;
    let names: Vec<&str> = events.iter().map(|(n, _)| n.as_str()).collect();
    let at = |n: &str| names.iter().position(|x| *x == n).unwrap_or(usize::MAX);
    assert!(at("queued") < at("assigned"), "{names:?}");
    assert!(at("assigned") < at("agent_message"), "{names:?}");
    for never in ["handoff", "offered", "event", "delivery"] {
        assert!(!names.contains(&never), "the widget saw {never}: {names:?}");
    }

    // The receiver got conversation.handoff_requested: the specification's body, byte for byte
    // but for the timestamp (the service's clock), signed verifiably.
    let hits = receiver
        .wait_for("handoff_requested, queued and assigned", |h| {
            [
                "conversation.handoff_requested",
                "conversation.queued",
                "conversation.assigned",
            ]
            .iter()
            .all(|e| h.iter().any(|x| x.event == *e))
        })
        .await;
    let hit = hits
        .iter()
        .find(|h| h.event == "conversation.handoff_requested")
        .expect("handoff_requested");
    assert!(hit.verified, "signature does not verify: {hit:#?}");
    assert!(hit.signature.starts_with("v1,"), "{}", hit.signature);
    assert!(hit.id.starts_with("msg_"), "{}", hit.id);
    let received: Value = serde_json::from_str(&hit.body).expect("JSON");
    let timestamp = received["timestamp"].as_str().expect("timestamp");
    let parsed = chrono::DateTime::parse_from_rfc3339(timestamp).expect("RFC 3339");
    assert!(timestamp.ends_with('Z'), "{timestamp}");
    let sent_at: i64 = hit.timestamp.parse().expect("webhook-timestamp in seconds");
    assert!(
        parsed.timestamp() <= sent_at,
        "the event happened before it was sent"
    );
    let mut expected: Value = serde_json::from_str(
        &std::fs::read_to_string(example("webhook-payload.json")).expect("example"),
    )
    .expect("JSON");
    expected["timestamp"] = timestamp.into();
    assert_eq!(hit.body, serde_json::to_string(&expected).expect("compact"));
    for h in &hits {
        assert!(h.verified, "{h:#?}");
    }

    // Deliveries are acknowledged in the engine: nothing left in the outbox.
    let metrics = service.get("/metrics", ADMIN).await;
    assert_eq!(metrics.status, 200);
    assert!(
        metrics
            .text
            .contains("handoff_handoffs_total{trigger=\"sentiment_threshold\"} 1"),
        "{}",
        metrics.text
    );
    assert!(
        metrics.text.contains("handoff_wait_seconds_count 1"),
        "{}",
        metrics.text
    );

    // Closing by the assigned agent frees them.
    let out = service
        .ok("/v1/conversations/conv_xyz789/close", AGENT_A, json!({}))
        .await;
    assert!(types(&out).contains(&"closed"), "{out:#?}");
    let gone = service.get("/v1/conversations/conv_xyz789", ADMIN).await;
    assert_eq!(gone.status, 404, "{}", gone.text);

    // No secret or token in what it printed, logged or stored.
    let mut db = std::fs::read(setup.db()).expect("the database");
    let wal = setup.db().with_extension("db-wal");
    db.extend(std::fs::read(&wal).unwrap_or_default());
    let db = String::from_utf8_lossy(&db);
    let secret_key = SECRET.trim_start_matches("whsec_");
    for text in [service.banner.as_str(), service.log_text().as_str(), &db] {
        for secret in [secret_key, ADMIN, WIDGET, AGENT_A, AGENT_B] {
            assert!(!text.contains(secret), "a secret leaked");
        }
    }
}
