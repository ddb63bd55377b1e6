//! A receiver that fails (500, 429 with Retry-After, hangs past the timeout) and then recovers;
//! a service killed with SIGKILL in the middle of deliveries.
//!
//! The engine's first retry comes 5 s (±10 %) after a failure, so each event fails only its first
//! attempt, each in its own way, all at once: the whole test waits one retry interval, not one
//! per fault.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde_json::json;

use crate::support::{
    config_with_webhook, processed_events, read_events, Hit, Receiver, Reply, Setup, ADMIN,
    AGENT_A, WIDGET,
};

/// Every `(conversation, event)` the receiver saw, with the webhook-ids it came with.
fn ids_by_event(hits: &[Hit]) -> BTreeMap<(String, String), BTreeSet<String>> {
    let mut map: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for h in hits {
        map.entry((h.conversation.clone(), h.event.clone()))
            .or_default()
            .insert(h.id.clone());
    }
    map
}

const RETRY_AFTER_SECS: u64 = 7;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_attempts_are_retried_with_the_same_id_until_each_event_is_processed_once() {
    // First attempts: handoff_requested gets 500, queued 429 + Retry-After, assigned hangs.
    let receiver = Receiver::start(|event, nth| match (event, nth) {
        ("conversation.handoff_requested", 1) => Reply::Status(500),
        ("conversation.queued", 1) => Reply::TooMany(RETRY_AFTER_SECS),
        ("conversation.assigned", 1) => Reply::Hang,
        _ => Reply::Ok,
    })
    .await;
    let setup = Setup::new("faults", &config_with_webhook(&receiver.url))
        .arg("--delivery-timeout-ms")
        .arg("1000");
    let service = setup.start();
    let mut all = service.events("/v1/events", ADMIN).await;

    service
        .ok(
            "/v1/conversations/c1/messages",
            WIDGET,
            json!({"text": "I want to talk to a human", "customer": {"name": "Sam"}}),
        )
        .await;
    let put = service
        .put(
            "/v1/agents/agent_a",
            AGENT_A,
            json!({"name": "Alex", "status": "online"}),
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.text);
    service
        .ok("/v1/conversations/c1/accept", AGENT_A, json!({}))
        .await;

    let expected = [
        "conversation.handoff_requested",
        "conversation.queued",
        "conversation.assigned",
    ];
    // Wait until every event was processed (answered 2xx with a valid signature).
    receiver
        .wait_for("every event processed", |_| {
            let processed = receiver.processed();
            let events: BTreeSet<String> = processed_events(&processed)
                .into_iter()
                .map(|(_, e, _)| e)
                .collect();
            expected.iter().all(|e| events.contains(*e))
        })
        .await;
    let hits = receiver.hits();

    // Each event: one webhook-id across all its attempts, failed once, then processed once.
    let by_event = ids_by_event(&hits);
    for event in expected {
        let ids = &by_event[&("c1".to_string(), event.to_string())];
        assert_eq!(ids.len(), 1, "{event} came with several ids: {ids:?}");
        let id = ids.iter().next().expect("one id");
        let attempts: Vec<&Hit> = hits.iter().filter(|h| &h.id == id).collect();
        assert!(
            attempts.len() >= 2,
            "{event}: the first attempt failed, so it was retried"
        );
        assert_ne!(attempts[0].reply, Reply::Ok, "{event}");
        assert_eq!(attempts.last().map(|h| h.reply), Some(Reply::Ok), "{event}");
        assert!(
            attempts.iter().all(|h| h.verified),
            "{event}: {attempts:#?}"
        );
        assert!(
            attempts.iter().all(|h| h.body == attempts[0].body),
            "{event}: every attempt has the same body"
        );
    }
    let processed = processed_events(&receiver.processed());
    for event in expected {
        assert_eq!(
            processed.iter().filter(|(_, e, _)| e == event).count(),
            1,
            "{event} processed exactly once: {processed:#?}"
        );
    }

    // Retry-After was honoured: the 429'd event came back no sooner than it asked.
    let queued_id = by_event[&("c1".to_string(), "conversation.queued".to_string())]
        .iter()
        .next()
        .cloned()
        .expect("id");
    let queued: Vec<&Hit> = hits.iter().filter(|h| h.id == queued_id).collect();
    assert!(
        queued[1].at.duration_since(queued[0].at) >= Duration::from_secs(RETRY_AFTER_SECS),
        "retried before Retry-After"
    );

    // The engine saw the failures and the recoveries.
    let events = read_events(&mut all, |e| {
        e.iter().filter(|(n, _)| n == "delivered").count() >= expected.len()
    })
    .await;
    let retries: Vec<&serde_json::Value> = events
        .iter()
        .filter(|(n, _)| n == "delivery_retry")
        .map(|(_, v)| v)
        .collect();
    assert_eq!(retries.len(), expected.len(), "{events:#?}");
    let errors: Vec<&str> = retries.iter().filter_map(|r| r["error"].as_str()).collect();
    assert!(
        errors.iter().any(|e| e.starts_with("HTTP 500")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.starts_with("HTTP 429")),
        "{errors:?}"
    );
    assert!(errors.iter().any(|e| e.contains("timed out")), "{errors:?}");
    let metrics = service.get("/metrics", ADMIN).await;
    assert!(
        metrics
            .text
            .contains("handoff_deliveries_total{outcome=\"retry_scheduled\"} 3"),
        "{}",
        metrics.text
    );
    assert!(
        metrics.text.contains("handoff_outbox_pending 0"),
        "{}",
        metrics.text
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_killed_mid_delivery_loses_nothing_and_resends_with_the_same_ids() {
    // The receiver hangs: deliveries stay in flight when the service is killed.
    let receiver = Receiver::start(|_, _| Reply::Hang).await;
    let setup = Setup::new("crash", &config_with_webhook(&receiver.url));
    let service = setup.start();
    service
        .ok(
            "/v1/conversations/c1/messages",
            WIDGET,
            json!({"text": "I want to speak to a real person"}),
        )
        .await;
    service
        .ok(
            "/v1/conversations/c2/messages",
            WIDGET,
            json!({"text": "talk to a human"}),
        )
        .await;
    let put = service
        .put(
            "/v1/agents/agent_a",
            AGENT_A,
            json!({"name": "Alex", "status": "online", "max_concurrent": 1}),
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.text);
    service
        .ok("/v1/conversations/c1/accept", AGENT_A, json!({}))
        .await;
    // Acknowledged just before the kill: must survive it.
    service
        .ok(
            "/v1/conversations/c2/messages",
            WIDGET,
            json!({"text": "Still waiting, order ORD-777"}),
        )
        .await;
    let in_flight = receiver
        .wait_for("the first attempts", |h| {
            let events: BTreeSet<(String, String)> = h
                .iter()
                .map(|x| (x.conversation.clone(), x.event.clone()))
                .collect();
            // The last message's `conversation.message` too: every delivery the service
            // handed out before the kill has reached the receiver once.
            events.contains(&("c1".into(), "conversation.assigned".into()))
                && events.contains(&("c2".into(), "conversation.queued".into()))
                && events.contains(&("c2".into(), "conversation.message".into()))
        })
        .await;
    let before = ids_by_event(&in_flight);
    service.kill();

    receiver.set_policy(|_, _| Reply::Ok);
    let service = setup.start();
    // host_restarted hands the in-flight deliveries out again at once, with the same ids.
    receiver
        .wait_for("every event redelivered", |_| {
            let processed = receiver.processed();
            before
                .values()
                .flatten()
                .all(|id| processed.contains_key(id))
        })
        .await;
    let after = ids_by_event(&receiver.hits());
    for (key, ids) in &before {
        assert_eq!(ids.len(), 1, "{key:?} had one id before the kill");
        assert_eq!(
            &after[key], ids,
            "{key:?} kept its webhook-id across the restart"
        );
    }
    for (key, ids) in &after {
        assert_eq!(ids.len(), 1, "{key:?}: {ids:?}");
    }
    assert!(receiver.hits().iter().all(|h| h.verified));

    // State intact: c1 assigned to agent_a, c2 queued with its last message.
    let c1 = service.get("/v1/conversations/c1", ADMIN).await;
    assert_eq!(c1.json["status"], "assigned", "{}", c1.text);
    assert_eq!(c1.json["agent_id"], "agent_a");
    let c2 = service.get("/v1/conversations/c2", ADMIN).await;
    assert_eq!(c2.json["status"], "queued", "{}", c2.text);
    let last = c2.json["history"]
        .as_array()
        .and_then(|h| h.last())
        .cloned()
        .expect("history");
    assert_eq!(last["text"], "Still waiting, order ORD-777");
    let dead = service.get("/v1/dead-letters", ADMIN).await;
    assert_eq!(dead.json["dead_letters"], json!([]), "{}", dead.text);

    // The database tells how: the restart's host_restarted input handed every delivery that was
    // in flight out again at once (attempt 2, same id), in the same transaction as the input.
    let db = rusqlite::Connection::open(setup.db()).expect("open the database");
    let restarts: Vec<i64> = db
        .prepare(
            "SELECT seq FROM journal WHERE input = '{\"type\":\"host_restarted\"}' ORDER BY seq",
        )
        .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect())
        .expect("journal");
    assert_eq!(restarts.len(), 2, "one per start");
    let resent: BTreeSet<(String, i64)> = db
        .prepare("SELECT delivery_id, attempt FROM outbox WHERE journal_seq = ?1")
        .and_then(|mut st| {
            st.query_map([restarts[1]], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect()
        })
        .expect("outbox");
    let expected: BTreeSet<(String, i64)> = before
        .values()
        .flatten()
        .map(|id| (id.clone(), 2))
        .collect();
    assert_eq!(resent, expected);
}
