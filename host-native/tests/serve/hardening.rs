//! The review's findings against the real binary: deep attributes no longer brick the service,
//! reads are queries with pages, and event streams are scoped by the token.

use serde_json::{json, Value};

use crate::support::{
    config_with_webhook, read_events, Receiver, Reply, Service, Setup, ADMIN, AGENT_A, AGENT_B,
    METRICS, PATIENCE, WIDGET,
};

/// `{"a":{"a":...1}}`, `levels` levels of objects.
fn nested(levels: usize) -> Value {
    let mut v = json!(1);
    for _ in 0..levels {
        v = json!({ "a": v });
    }
    v
}

fn message(levels: usize) -> Value {
    json!({"text": "hello", "customer": {"name": "Priya", "attributes": {"deep": nested(levels)}}})
}

/// Every read, and an agent action through its guard, answer.
async fn reads_answer(service: &Service) {
    let c = service.get("/v1/conversations/c1", WIDGET).await;
    assert_eq!(c.status, 200, "{}", c.text);
    assert_eq!(
        c.json["customer"]["attributes"]["deep"],
        nested(16),
        "the accepted attributes are kept"
    );
    for (path, token) in [
        ("/v1/queue", AGENT_A),
        ("/v1/agents", AGENT_A),
        ("/v1/dead-letters", ADMIN),
        ("/metrics", METRICS),
    ] {
        let a = service.get(path, token).await;
        assert_eq!(a.status, 200, "{path}: {}", a.text);
    }
    let out = service
        .put("/v1/agents/agent_a", AGENT_A, json!({"status": "online"}))
        .await;
    assert_eq!(out.status, 200, "{}", out.text);
}

/// The review's attack: `customer.attributes` nested 123-124 levels (inside the 64 KiB limit),
/// sent with the public widget token. It was accepted, and from then on every read and agent
/// action answered 503, across restarts, until the service no longer started.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deep_attributes_are_refused_and_every_read_keeps_working_across_a_restart() {
    let receiver = Receiver::start(|_, _| Reply::Ok).await;
    let setup = Setup::new("deep-attributes", &config_with_webhook(&receiver.url));
    let service = setup.start();
    service
        .ok(
            "/v1/conversations/c1/messages",
            WIDGET,
            message(16), // the limit: accepted
        )
        .await;
    for levels in [17, 64, 123, 124] {
        let refused = service
            .post("/v1/conversations/c1/messages", WIDGET, message(levels))
            .await;
        assert_eq!(refused.status, 400, "{levels}: {}", refused.text);
        let path = refused.json["error"]["path"].as_str().unwrap_or_default();
        assert!(
            path.starts_with("input.customer.attributes.deep.a"),
            "{levels}: {}",
            refused.text
        );
        assert_eq!(
            refused.json["error"]["kind"], "too_large",
            "{}",
            refused.text
        );
    }
    // Past serde_json's own limit: still a 400, never a 5xx.
    let refused = service
        .post("/v1/conversations/c1/messages", WIDGET, message(140))
        .await;
    assert_eq!(refused.status, 400, "{}", refused.text);

    reads_answer(&service).await;
    // A graceful stop writes a snapshot; the service starts again from it and answers.
    let status = service.terminate();
    assert!(status.success(), "{status:?}");
    let service = setup.start();
    reads_answer(&service).await;
    let status = service.terminate();
    assert!(status.success(), "{status:?}");
}

/// Reads are pages asked of the engine: `?offset=&limit=` with the total, and a bad page is a
/// 400 naming the parameter.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_is_read_in_pages() {
    let receiver = Receiver::start(|_, _| Reply::Ok).await;
    let setup = Setup::new("queue-pages", &config_with_webhook(&receiver.url));
    let service = setup.start();
    for i in 0..5 {
        service
            .ok(
                &format!("/v1/conversations/q{i}/handoff"),
                WIDGET,
                json!({}),
            )
            .await;
    }
    let all = service.get("/v1/queue", AGENT_A).await;
    assert_eq!(all.status, 200, "{}", all.text);
    assert_eq!(all.json["total"], 5);
    let ids: Vec<&str> = all.json["queue"]
        .as_array()
        .expect("queue")
        .iter()
        .filter_map(|e| e["conversation_id"].as_str())
        .collect();
    assert_eq!(ids, ["q0", "q1", "q2", "q3", "q4"]);
    let page = service.get("/v1/queue?offset=2&limit=2", AGENT_A).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert_eq!(page.json["total"], 5);
    assert_eq!(page.json["queue"][0]["conversation_id"], "q2");
    assert_eq!(page.json["queue"][0]["position"], 3);
    assert_eq!(page.json["queue"].as_array().map(Vec::len), Some(2));
    for bad in ["/v1/queue?limit=0", "/v1/queue?limit=100000"] {
        let a = service.get(bad, AGENT_A).await;
        assert_eq!(a.status, 400, "{bad}: {}", a.text);
        assert_eq!(a.json["error"]["path"], "query.limit", "{bad}");
    }
    let a = service.get("/v1/queue?offset=x", AGENT_A).await;
    assert_eq!(a.status, 400, "{}", a.text);
    assert_eq!(a.json["error"]["path"], "query");
    service.terminate();
}

/// Agent B's stream never carries agent A's customer (handoff context, email, messages) nor any
/// delivery (webhook URL and signed body); A's own stream has its conversation but no delivery;
/// admin sees the deliveries.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn event_streams_are_scoped_by_the_token() {
    let receiver = Receiver::start(|_, _| Reply::Ok).await;
    let mut config = config_with_webhook(&receiver.url);
    config["handoff"]["routing"]["auto_accept"] = json!(true);
    let setup = Setup::new("scoped-events", &config);
    let service = setup.start();
    let mut stream_a = service.events("/v1/events", AGENT_A).await;
    let mut stream_b = service.events("/v1/events", AGENT_B).await;
    let mut stream_admin = service.events("/v1/events", ADMIN).await;

    // Only A is online: conversation a1 (Priya's) goes to A.
    service
        .put(
            "/v1/agents/agent_a",
            AGENT_A,
            json!({"name": "Alex", "status": "online"}),
        )
        .await;
    let out = service
        .ok(
            "/v1/conversations/a1/messages",
            WIDGET,
            json!({"text": "I want to talk to a human",
                   "customer": {"name": "Priya", "email": "priya@example.com"}}),
        )
        .await;
    assert!(
        out.iter()
            .any(|o| o["type"] == "assigned" && o["agent_id"] == "agent_a"),
        "{out:#?}"
    );
    // Then only B: conversation b1 goes to B.
    service
        .put("/v1/agents/agent_a", AGENT_A, json!({"status": "away"}))
        .await;
    service
        .put(
            "/v1/agents/agent_b",
            AGENT_B,
            json!({"name": "Bea", "status": "online"}),
        )
        .await;
    let out = service
        .ok(
            "/v1/conversations/b1/messages",
            WIDGET,
            json!({"text": "I want to talk to a human",
                   "customer": {"name": "Ravi", "email": "ravi@example.com"}}),
        )
        .await;
    assert!(
        out.iter()
            .any(|o| o["type"] == "assigned" && o["agent_id"] == "agent_b"),
        "{out:#?}"
    );

    let seen = |events: &[(String, Value)], kind: &str, conv: &str| {
        events
            .iter()
            .any(|(e, d)| e == kind && d["conversation_id"] == conv)
    };
    // B's stream: its own b1 (handoff and assignment), nothing of a1.
    let b = read_events(&mut stream_b, |e| seen(e, "assigned", "b1")).await;
    assert!(seen(&b, "handoff", "b1"), "{b:#?}");
    for (kind, data) in &b {
        assert_ne!(data["conversation_id"], "a1", "B saw A's {kind}: {data}");
        assert!(!kind.starts_with("deliver"), "B saw a {kind}: {data}");
        assert!(!data.to_string().contains("priya@example.com"), "{data}");
    }
    // A's stream: a1's handoff with its context, and no delivery; b1 never.
    let a = read_events(&mut stream_a, |e| seen(e, "assigned", "a1")).await;
    assert!(seen(&a, "handoff", "a1"), "{a:#?}");
    // A closes a1 after b1 was assigned: once A's stream has the close, every output of b1 was
    // published before it; none of them reached A.
    // B may not close A's conversation: the engine refuses it (not_held_by), the service says 403.
    let stolen = service
        .post("/v1/conversations/a1/close", AGENT_B, json!({}))
        .await;
    assert_eq!(stolen.status, 403, "{}", stolen.text);
    assert_eq!(
        stolen.json["error"]["kind"], "not_held_by",
        "{}",
        stolen.text
    );
    let closed = service
        .post("/v1/conversations/a1/close", AGENT_A, json!({}))
        .await;
    assert_eq!(closed.status, 200, "{}", closed.text);
    let more = read_events(&mut stream_a, |e| seen(e, "closed", "a1")).await;
    for (kind, data) in a.iter().chain(&more) {
        assert_ne!(data["conversation_id"], "b1", "A saw B's {kind}: {data}");
        assert!(!kind.starts_with("deliver"), "A saw a {kind}: {data}");
    }
    // Admin sees the deliveries (webhook URL and all).
    let admin = read_events(&mut stream_admin, |e| {
        e.iter().any(|(k, _)| k == "delivery") && seen(e, "assigned", "b1")
    })
    .await;
    assert!(admin
        .iter()
        .any(|(k, d)| k == "delivery" && d["url"].is_string()));
    // The conversation stream of A's conversation is closed to B, open to A.
    let denied = service.get("/v1/conversations/a1/events", AGENT_B).await;
    assert_eq!(denied.status, 403, "{}", denied.text);
    service.terminate();
}

/// The widget token (public, in the customer's page) may not close a conversation as the agent:
/// the webhook would then say an agent resolved it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_widget_token_cannot_close_as_the_agent() {
    let receiver = Receiver::start(|_, _| Reply::Ok).await;
    let setup = Setup::new("widget-close", &config_with_webhook(&receiver.url));
    let service = setup.start();
    service
        .ok(
            "/v1/conversations/w1/messages",
            WIDGET,
            json!({"text": "hello"}),
        )
        .await;
    let refused = service
        .post("/v1/conversations/w1/close", WIDGET, json!({"by": "agent"}))
        .await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert_eq!(
        service.get("/v1/conversations/w1", WIDGET).await.status,
        200,
        "still open"
    );
    let closed = service
        .post(
            "/v1/conversations/w1/close",
            WIDGET,
            json!({"by": "customer"}),
        )
        .await;
    assert_eq!(closed.status, 200, "{}", closed.text);
    assert!(closed.json["outputs"]
        .as_array()
        .expect("outputs")
        .iter()
        .any(|o| o["type"] == "closed" && o["by"] == "customer"));
    service.terminate();
}

/// After a receiver outage an operator sends a waiting delivery now instead of at its next time
/// (configured an hour away here), through `POST /v1/deliveries/{id}/retry`; only admin may.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_retries_a_waiting_delivery_now() {
    let receiver = Receiver::start(|_, nth| {
        if nth == 1 {
            Reply::Status(503)
        } else {
            Reply::Ok
        }
    })
    .await;
    let mut config = config_with_webhook(&receiver.url);
    config["handoff"]["webhooks"][0]["events"] = json!(["conversation.handoff_requested"]);
    config["handoff"]["deliveries"] = json!({"retry_schedule_seconds": [3600]});
    let setup = Setup::new("retry-now", &config);
    let service = setup.start();
    let out = service
        .ok("/v1/conversations/r1/handoff", WIDGET, json!({}))
        .await;
    let id = out
        .iter()
        .find(|o| o["type"] == "delivery")
        .and_then(|d| d["delivery_id"].as_str())
        .expect("a delivery")
        .to_string();
    // The first attempt fails; the next one is an hour away.
    receiver
        .wait_for("the first attempt", |hits| !hits.is_empty())
        .await;
    let path = format!("/v1/deliveries/{id}/retry");
    let mut answer = service.post(&path, ADMIN, json!({})).await;
    // The 503 may not be reported yet: the delivery is still in flight until it is.
    let deadline = std::time::Instant::now() + PATIENCE;
    while answer.status != 200 && std::time::Instant::now() < deadline {
        assert_eq!(answer.status, 400, "{}", answer.text);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        answer = service.post(&path, ADMIN, json!({})).await;
    }
    assert_eq!(answer.status, 200, "{}", answer.text);
    let again = &answer.json["outputs"][0];
    assert_eq!(again["type"], "delivery");
    assert_eq!(again["attempt"], 2);
    let hits = receiver
        .wait_for("the second attempt", |hits| hits.len() >= 2)
        .await;
    assert_eq!(hits[1].id, id, "the same webhook-id");
    assert_eq!(service.post(&path, WIDGET, json!({})).await.status, 403);
    service.terminate();
}
