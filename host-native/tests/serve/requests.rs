//! Authentication, authorization, bad bodies, and a graceful stop.

use serde_json::json;

use crate::support::{
    config_with_webhook, Receiver, Reply, Setup, ADMIN, AGENT_A, AGENT_B, METRICS, WIDGET,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_without_the_right_token_or_role_are_refused() {
    let receiver = Receiver::start(|_, _| Reply::Ok).await;
    let service = Setup::new("auth", &config_with_webhook(&receiver.url)).start();
    let body = Some(br#"{"text":"hello"}"#.to_vec());

    let none = service
        .raw("POST", "/v1/conversations/c1/messages", None, body.clone())
        .await;
    assert_eq!(none.status, 401, "{}", none.text);
    assert!(none.json["error"]["message"].is_string(), "{}", none.text);
    let wrong = service
        .raw(
            "POST",
            "/v1/conversations/c1/messages",
            Some("widget-token-0123456780"),
            body.clone(),
        )
        .await;
    assert_eq!(wrong.status, 401, "{}", wrong.text);
    let metrics = service.raw("GET", "/metrics", None, None).await;
    assert_eq!(metrics.status, 401);
    let stream = service
        .raw("GET", "/v1/events", Some("nope-nope-nope-nope"), None)
        .await;
    assert_eq!(stream.status, 401);
    // The metrics token reads /metrics and nothing else; event streams take ?access_token=.
    assert_eq!(service.get("/metrics", METRICS).await.status, 200);
    assert_eq!(service.get("/v1/queue", METRICS).await.status, 403);
    assert_eq!(
        service.status_with_query_token("/v1/events", AGENT_A).await,
        200
    );
    assert_eq!(
        service
            .status_with_query_token("/v1/events", "not-a-token-at-all")
            .await,
        401
    );
    assert_eq!(
        service.status_with_query_token("/v1/events", WIDGET).await,
        403
    );
    // Nothing was accepted.
    let c1 = service.get("/v1/conversations/c1", ADMIN).await;
    assert_eq!(c1.status, 404, "{}", c1.text);

    // Roles: the widget may not redrive or read dead letters; an agent may not post as a customer.
    assert_eq!(service.get("/v1/dead-letters", WIDGET).await.status, 403);
    let as_agent = service
        .post(
            "/v1/conversations/c1/messages",
            AGENT_A,
            json!({"text": "hi"}),
        )
        .await;
    assert_eq!(as_agent.status, 403, "{}", as_agent.text);

    // Agent B may not accept agent A's offer, read it, or change A's presence.
    service
        .ok(
            "/v1/conversations/c1/messages",
            WIDGET,
            json!({"text": "I want to talk to a human"}),
        )
        .await;
    let a = service
        .put("/v1/agents/agent_a", AGENT_A, json!({"status": "online"}))
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let b = service
        .put("/v1/agents/agent_b", AGENT_B, json!({"status": "online"}))
        .await;
    assert_eq!(b.status, 200, "{}", b.text);
    let c1 = service.get("/v1/conversations/c1", ADMIN).await;
    assert_eq!(c1.json["status"], "offered", "{}", c1.text);
    assert_eq!(c1.json["agent_id"], "agent_a", "{}", c1.text);

    let steal = service
        .post("/v1/conversations/c1/accept", AGENT_B, json!({}))
        .await;
    assert_eq!(steal.status, 403, "{}", steal.text);
    assert_eq!(
        steal.json["error"]["kind"], "not_offered_to",
        "{}",
        steal.text
    );
    assert_eq!(
        steal.json["error"]["path"], "input.agent_id",
        "{}",
        steal.text
    );
    assert_eq!(
        steal.json["error"]["value"], "\"agent_b\"",
        "{}",
        steal.text
    );
    let posing = service
        .post(
            "/v1/conversations/c1/accept",
            AGENT_B,
            json!({"agent_id": "agent_a"}),
        )
        .await;
    assert_eq!(posing.status, 403, "{}", posing.text);
    assert_eq!(
        service.get("/v1/conversations/c1", AGENT_B).await.status,
        403
    );
    let presence = service
        .put("/v1/agents/agent_a", AGENT_B, json!({"status": "offline"}))
        .await;
    assert_eq!(presence.status, 403, "{}", presence.text);
    let message = service
        .post(
            "/v1/conversations/c1/agent-messages",
            AGENT_A,
            json!({"text": "not yet assigned"}),
        )
        .await;
    assert_eq!(message.status, 403, "{}", message.text);
    // Still offered to A, who can accept it.
    let c1 = service.get("/v1/conversations/c1", AGENT_A).await;
    assert_eq!(c1.json["status"], "offered", "{}", c1.text);
    service
        .ok("/v1/conversations/c1/accept", AGENT_A, json!({}))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_bodies_get_json_errors_naming_the_path() {
    let receiver = Receiver::start(|_, _| Reply::Ok).await;
    let service = Setup::new("bodies", &config_with_webhook(&receiver.url)).start();

    let malformed = service
        .raw(
            "POST",
            "/v1/conversations/c1/messages",
            Some(WIDGET),
            Some(br#"{"text": "hi", "signals": {"sentiment": }}"#.to_vec()),
        )
        .await;
    assert_eq!(malformed.status, 400, "{}", malformed.text);
    assert_eq!(
        malformed.json["error"]["path"], "body",
        "{}",
        malformed.text
    );
    assert!(
        malformed.json["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("column")),
        "{}",
        malformed.text
    );
    let array = service
        .raw(
            "POST",
            "/v1/conversations/c1/messages",
            Some(WIDGET),
            Some(b"[1, 2]".to_vec()),
        )
        .await;
    assert_eq!(array.status, 400);
    assert_eq!(array.json["error"]["path"], "body");

    let engine = service
        .post(
            "/v1/conversations/c1/messages",
            WIDGET,
            json!({"text": "hi", "signals": {"sentiment": 5}}),
        )
        .await;
    assert_eq!(engine.status, 400, "{}", engine.text);
    assert_eq!(
        engine.json["error"]["path"], "input.signals.sentiment",
        "{}",
        engine.text
    );
    let missing = service
        .post("/v1/conversations/c1/messages", WIDGET, json!({}))
        .await;
    assert_eq!(missing.status, 400, "{}", missing.text);
    // The engine names the missing field's path.
    assert_eq!(
        missing.json["error"]["path"], "input.text",
        "{}",
        missing.text
    );
    assert!(
        missing.json["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("`text`")),
        "{}",
        missing.text
    );
    let conflict = service
        .post(
            "/v1/conversations/c1/messages",
            WIDGET,
            json!({"text": "hi", "conversation_id": "c2"}),
        )
        .await;
    assert_eq!(conflict.status, 400);
    assert_eq!(conflict.json["error"]["path"], "body.conversation_id");

    let huge = json!({"text": "x".repeat(70 * 1024)});
    let too_large = service
        .post("/v1/conversations/c1/messages", WIDGET, huge)
        .await;
    assert_eq!(too_large.status, 413, "{}", too_large.text);
    assert_eq!(
        too_large.json["error"]["path"], "body",
        "{}",
        too_large.text
    );

    // None of them changed anything.
    let c1 = service.get("/v1/conversations/c1", ADMIN).await;
    assert_eq!(c1.status, 404, "{}", c1.text);
    let metrics = service.get("/metrics", ADMIN).await;
    assert!(
        metrics.text.contains("handoff_inputs_rejected_total 2"),
        "{}",
        metrics.text
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_deliveries_in_flight_and_a_restart_sees_everything() {
    // A slow receiver: the deliveries are still in flight when SIGTERM comes.
    let receiver = Receiver::start(|_, _| Reply::Slow(1500)).await;
    let setup = Setup::new("sigterm", &config_with_webhook(&receiver.url));
    let service = setup.start();
    assert!(
        service
            .banner
            .contains("0 records at journal 0, 0 entries replayed"),
        "{}",
        service.banner
    );
    service
        .ok(
            "/v1/conversations/c1/messages",
            WIDGET,
            json!({"text": "I want to talk to a human"}),
        )
        .await;
    let mut stream = service.events("/v1/events", ADMIN).await;
    let hits = receiver
        .wait_for("handoff_requested and queued in flight", |h| {
            h.iter()
                .any(|x| x.event == "conversation.handoff_requested")
                && h.iter().any(|x| x.event == "conversation.queued")
        })
        .await;
    assert!(receiver.processed().len() < 2, "still in flight at SIGTERM");
    let status = service.terminate();
    assert!(status.success(), "exit status {status:?}");
    // The event stream ended with the service.
    while let Ok(Some(_)) = stream.chunk().await {}
    // The deliveries in flight were finished, and their results committed, before it exited.
    assert_eq!(receiver.processed().len(), 2);
    let db = rusqlite::Connection::open(setup.db()).expect("open the database");
    let unreported: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM outbox WHERE status IS NULL",
            [],
            |r| r.get(0),
        )
        .expect("outbox");
    assert_eq!(unreported, 0, "every attempt has its result");
    drop(db);

    let service = setup.start();
    // The records hold everything: nothing to replay.
    assert!(
        service.banner.contains(" 0 entries replayed") && !service.banner.contains("journal 0,"),
        "{}",
        service.banner
    );
    let c1 = service.get("/v1/conversations/c1", ADMIN).await;
    assert_eq!(c1.json["status"], "queued", "{}", c1.text);
    let queue = service.get("/v1/queue", ADMIN).await;
    assert_eq!(queue.json["queue"][0]["conversation_id"], "c1");
    // Nothing is owed: no delivery was in flight, so the restart re-sends none.
    let metrics = service.get("/metrics", ADMIN).await;
    assert!(
        metrics.text.contains("handoff_outbox_pending 0"),
        "{}",
        metrics.text
    );
    assert_eq!(receiver.hits().len(), hits.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_configuration_is_refused_with_every_error_listed() {
    let setup = Setup::new(
        "badconfig",
        &json!({"handoff": {"triggers": {"sentiment_threshold": 7},
                            "routing": {"method": "coin_flip"},
                            "webhooks": [{"url": "http://127.0.0.1:9/x", "secret_ref": "HANDOFF_TEST_UNSET_SECRET"}]}}),
    );
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_handoff"))
        .arg("serve")
        .arg("--config")
        .arg(setup.dir.join("config.json"))
        .arg("--db")
        .arg(setup.db())
        .arg("--listen")
        .arg("127.0.0.1:0")
        .env("HANDOFF_ADMIN_TOKEN", ADMIN)
        .env_remove("HANDOFF_TEST_UNSET_SECRET")
        .output()
        .expect("run handoff serve");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("handoff.triggers.sentiment_threshold"),
        "{stderr}"
    );
    assert!(stderr.contains("handoff.routing.method"), "{stderr}");
    assert!(
        stderr.contains("handoff.webhooks[0].secret_ref: the environment variable HANDOFF_TEST_UNSET_SECRET is not set"),
        "{stderr}"
    );
    assert!(!setup.db().exists(), "nothing was created");
}
