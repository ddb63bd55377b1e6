//! Dead letters, redrive and re-enabling a webhook through the admin routes.

use serde_json::json;

use crate::support::{config_with_webhook, Receiver, Reply, Setup, ADMIN, PATIENCE, WIDGET};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dead_letters_are_listed_redriven_with_their_id_and_a_gone_webhook_is_re_enabled() {
    // First attempts: 400 (dead letter at once), 410 Gone (disables the webhook).
    let receiver = Receiver::start(|event, nth| match (event, nth) {
        ("conversation.handoff_requested", 1) => Reply::Status(400),
        ("conversation.queued", 1) => Reply::Status(410),
        _ => Reply::Ok,
    })
    .await;
    let service = Setup::new("admin", &config_with_webhook(&receiver.url)).start();
    let out = service
        .ok(
            "/v1/conversations/c1/handoff",
            WIDGET,
            json!({"source": "widget_button", "customer": {"name": "Kim"}}),
        )
        .await;
    assert!(out.iter().any(|o| o["type"] == "handoff"), "{out:#?}");

    // Both end up dead letters (the engine decides; the service lists them).
    receiver
        .wait_for("both first attempts", |h| h.len() >= 2)
        .await;
    let deadline = std::time::Instant::now() + PATIENCE;
    let letters = loop {
        let listed = service.get("/v1/dead-letters", ADMIN).await;
        let letters = listed.json["dead_letters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if letters.len() == 2 {
            break letters;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "two dead letters: {}",
            listed.text
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let text = serde_json::to_string(&letters).expect("JSON");
    assert!(text.contains("410"), "{text}");
    let ids: Vec<String> = receiver.hits().iter().map(|h| h.id.clone()).collect();

    // Redrive refuses nothing silently: an unknown id is an engine error.
    let unknown = service
        .post("/v1/dead-letters/msg_nope/redrive", ADMIN, json!({}))
        .await;
    assert_eq!(unknown.status, 400, "{}", unknown.text);
    assert_eq!(
        service
            .post("/v1/dead-letters/msg_nope/redrive", WIDGET, json!({}))
            .await
            .status,
        403
    );

    // Re-enable the webhook, then redrive both: they go out again with the same ids.
    let enabled = service
        .post("/v1/webhooks/crm/enable", ADMIN, json!({}))
        .await;
    assert_eq!(enabled.status, 200, "{}", enabled.text);
    for id in &ids {
        let redriven = service
            .post(&format!("/v1/dead-letters/{id}/redrive"), ADMIN, json!({}))
            .await;
        assert_eq!(redriven.status, 200, "{}", redriven.text);
        let delivery = redriven.json["outputs"]
            .as_array()
            .and_then(|o| o.iter().find(|x| x["type"] == "delivery"))
            .cloned()
            .unwrap_or_else(|| panic!("a delivery: {}", redriven.text));
        assert_eq!(delivery["delivery_id"], id.as_str());
    }
    receiver
        .wait_for("both redriven", |_| {
            let p = receiver.processed();
            ids.iter().all(|id| p.contains_key(id))
        })
        .await;
    let listed = service.get("/v1/dead-letters", ADMIN).await;
    assert_eq!(listed.json["dead_letters"], json!([]), "{}", listed.text);
}
