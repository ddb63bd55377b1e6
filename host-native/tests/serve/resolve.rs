//! Resolve and reopen through the real service: the holding agent resolves with an outcome
//! (`POST …/resolve`), the wrap-up keeps their slot until `POST …/wrap-up-done`, the customer
//! rates it through the widget backend (`POST …/csat`), the counts reach `/metrics` and survive
//! a restart, a later customer message reopens it to the same agent, and an admin resolves.
//! Each refusal names its field and leaves the conversation as it was; the webhook receiver gets
//! `conversation.resolved`, `.csat` and `.reopened`, signed.

use serde_json::{json, Value};

use crate::support::{
    config_with_webhook, find, read_events, Receiver, Reply, Service, Setup, ADMIN, AGENT_A,
    AGENT_B, METRICS, WIDGET,
};

const CONV: &str = "/v1/conversations/res1";

/// The engine's record of res1, as admin reads it.
async fn record(service: &Service) -> Value {
    service.record(CONV).await
}

/// `POST path` is refused with `status` (and `kind` at `path` when given), and res1 is as it was.
async fn refused(
    service: &Service,
    path: &str,
    token: &str,
    body: Value,
    status: u16,
    error: Option<(&str, &str)>,
) {
    service
        .refused(CONV, path, token, body, status, error)
        .await;
}

async fn metrics(service: &Service) -> String {
    let answer = service.get("/metrics", METRICS).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.text
}

/// Reads `stream` until an event `kind` of res1 for which `also` holds.
async fn until(
    stream: &mut reqwest::Response,
    seen: &mut Vec<(String, Value)>,
    kind: &str,
    also: impl Fn(&Value) -> bool,
) -> Value {
    let wanted = |(k, d): &(String, Value)| k == kind && d["conversation_id"] == "res1" && also(d);
    if let Some((_, d)) = seen.iter().find(|e| wanted(e)) {
        return d.clone();
    }
    let new = read_events(stream, |e| e.iter().any(wanted)).await;
    seen.extend(new);
    seen.iter()
        .find(|e| wanted(e))
        .expect("read until it")
        .1
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolve_wrap_up_rate_and_reopen_through_the_service() {
    let receiver = Receiver::start(|_, _| Reply::Ok).await;
    let mut config = config_with_webhook(&receiver.url);
    config["handoff"]["resolution"] = json!({"csat": true, "wrap_up_seconds": 300});
    let setup = Setup::new("resolve", &config);
    let service = setup.start();
    let mut customer = service.events(&format!("{CONV}/events"), WIDGET).await;
    let mut customer_seen = Vec::new();
    let mut alex = service.events("/v1/agents/agent_a/events", AGENT_A).await;
    let mut alex_seen = Vec::new();

    service
        .put(
            "/v1/agents/agent_a",
            AGENT_A,
            json!({"name": "Alex", "status": "online"}),
        )
        .await;
    let out = service
        .ok(
            &format!("{CONV}/messages"),
            WIDGET,
            json!({"text": "I want to talk to a real person", "customer": {"name": "Priya"}}),
        )
        .await;
    assert_eq!(find(&out, "offered")["agent_id"], "agent_a");
    service
        .ok(&format!("{CONV}/accept"), AGENT_A, json!({}))
        .await;

    // Refusals: the widget may not resolve, another agent does not hold it, an agent token
    // does not resolve as admin, an outcome that is not configured names the field.
    let resolve = format!("{CONV}/resolve");
    refused(
        &service,
        &resolve,
        WIDGET,
        json!({"outcome": "solved"}),
        403,
        None,
    )
    .await;
    refused(
        &service,
        &resolve,
        AGENT_B,
        json!({"outcome": "solved"}),
        403,
        Some(("not_held_by", "input.agent_id")),
    )
    .await;
    refused(
        &service,
        &resolve,
        AGENT_A,
        json!({"outcome": "solved", "by": "admin"}),
        403,
        None,
    )
    .await;
    refused(
        &service,
        &resolve,
        AGENT_A,
        json!({"outcome": "sovled"}),
        400,
        Some(("unknown_variant", "input.outcome")),
    )
    .await;
    // No rating before it is resolved.
    refused(
        &service,
        &format!("{CONV}/csat"),
        WIDGET,
        json!({"score": 5}),
        400,
        Some(("wrong_state", "input.conversation_id")),
    )
    .await;

    // Alex resolves: the wrap-up keeps the slot; the customer is told and asked for a rating.
    let out = service
        .ok(
            &resolve,
            AGENT_A,
            json!({"outcome": "solved", "note": "Parcel re-sent"}),
        )
        .await;
    let resolved = find(&out, "resolved");
    assert_eq!(resolved["agent_id"], "agent_a");
    assert_eq!(resolved["by"], "agent");
    find(&out, "wrap_up_started");
    until(&mut alex, &mut alex_seen, "wrap_up_started", |_| true).await;
    let question = until(&mut customer, &mut customer_seen, "message", |d| {
        d["template"] == "csat_question"
    })
    .await;
    assert!(question["text"].as_str().unwrap().contains("1 to 5"));
    assert!(
        customer_seen
            .iter()
            .all(|(k, _)| k != "resolved" && k != "wrap_up_started"),
        "the customer's stream carries only the customer's outputs: {customer_seen:#?}"
    );
    assert_eq!(record(&service).await["status"], "resolved");

    // Only Alex ends the wrap-up.
    let done = format!("{CONV}/wrap-up-done");
    refused(
        &service,
        &done,
        AGENT_B,
        json!({}),
        403,
        Some(("not_held_by", "input.agent_id")),
    )
    .await;
    let out = service.ok(&done, AGENT_A, json!({})).await;
    assert_eq!(find(&out, "wrap_up_ended")["reason"], "done");

    // The customer rates it: out of range names the score; an agent's token may not rate; once.
    let csat = format!("{CONV}/csat");
    refused(
        &service,
        &csat,
        WIDGET,
        json!({"score": 6}),
        400,
        Some(("out_of_range", "input.score")),
    )
    .await;
    refused(&service, &csat, AGENT_A, json!({"score": 5}), 403, None).await;
    let out = service
        .ok(
            &csat,
            WIDGET,
            json!({"score": 5, "comment": "Quick and kind"}),
        )
        .await;
    assert_eq!(find(&out, "csat_recorded")["score"], 5);
    refused(
        &service,
        &csat,
        WIDGET,
        json!({"score": 4}),
        400,
        Some(("duplicate", "input.conversation_id")),
    )
    .await;

    let text = metrics(&service).await;
    for line in [
        "handoff_resolutions_total{outcome=\"solved\"} 1",
        "handoff_csat_responses_total{score=\"5\"} 1",
        "handoff_csat_score_sum 5",
    ] {
        assert!(text.contains(line), "{line} in\n{text}");
    }

    // The webhook receiver gets the resolution and the rating, signed.
    let hits = receiver
        .wait_for("conversation.resolved and conversation.csat", |hits| {
            ["conversation.resolved", "conversation.csat"]
                .iter()
                .all(|e| {
                    hits.iter()
                        .any(|h| h.event == *e && h.conversation == "res1")
                })
        })
        .await;
    let csat_hit = hits
        .iter()
        .find(|h| h.event == "conversation.csat")
        .expect("csat event");
    assert!(csat_hit.verified, "signed: {csat_hit:?}");
    let body: Value = serde_json::from_str(&csat_hit.body).expect("JSON");
    assert_eq!(
        body["data"],
        json!({"conversation_id": "res1", "score": 5, "comment": "Quick and kind",
               "agent_id": "agent_a", "outcome": "solved"})
    );
    drop(alex);
    drop(customer);

    // The counts are the engine's: a restart keeps them.
    let status = service.terminate();
    assert!(status.success(), "exit status {status:?}");
    let service = setup.start();
    let text = metrics(&service).await;
    assert!(
        text.contains("handoff_resolutions_total{outcome=\"solved\"} 1")
            && text.contains("handoff_csat_score_sum 5"),
        "after the restart:\n{text}"
    );

    // The customer writes again: reopened to Alex, who is online and free.
    let out = service
        .ok(
            &format!("{CONV}/messages"),
            WIDGET,
            json!({"text": "The new parcel did not come either"}),
        )
        .await;
    let reopened = find(&out, "reopened");
    assert_eq!(reopened["to"], "last_agent");
    assert_eq!(find(&out, "offered")["agent_id"], "agent_a");
    service
        .ok(&format!("{CONV}/accept"), AGENT_A, json!({}))
        .await;
    receiver
        .wait_for("conversation.reopened", |hits| {
            hits.iter()
                .any(|h| h.event == "conversation.reopened" && h.conversation == "res1")
        })
        .await;

    // An admin resolves without naming an agent.
    let out = service
        .ok(&resolve, ADMIN, json!({"outcome": "not_solved"}))
        .await;
    let resolved = find(&out, "resolved");
    assert_eq!(resolved["by"], "admin");
    assert_eq!(resolved["agent_id"], "agent_a");
    let text = metrics(&service).await;
    assert!(
        text.contains("handoff_resolutions_total{outcome=\"not_solved\"} 1"),
        "{text}"
    );
    service.terminate();
}
