//! Scenarios for webhook deliveries ("Receive notifications when handoffs occur"): a notification is
//! never lost. Failures are retried with the same delivery id, `Retry-After` is respected, hopeless
//! ones become dead letters that can be re-driven, a 410 Gone disables the webhook, and a delivery
//! whose result never comes back is retried after the lease.

mod support;

use handoff_core::wire::limits::{LEASE_MS, MAX_ATTEMPTS};
use serde_json::{json, Value};
use support::{has, of_type, one, Sim};

fn sim() -> Sim {
    Sim::new(json!({"handoff": {"webhooks": [{
        "id": "crm",
        "url": "https://hooks.example.com/x",
        "secret_ref": "SECRET_ENV",
        "events": ["conversation.handoff_requested"]
    }]}}))
}

/// A handoff for `conv` and its one delivery.
fn handoff_delivery(sim: &mut Sim, conv: &str) -> Value {
    let out = sim.button(conv);
    one(&out, "delivery").clone()
}

fn id_of(delivery: &Value) -> String {
    delivery["delivery_id"].as_str().unwrap().to_string()
}

fn result(id: &str, status: Option<u16>, retry_after_ms: Option<u64>) -> Value {
    let mut r = json!({"type": "delivery_result", "delivery_id": id});
    if let Some(s) = status {
        r["status"] = json!(s);
    }
    if let Some(ms) = retry_after_ms {
        r["retry_after_ms"] = json!(ms);
    }
    r
}

#[test]
fn a_successful_delivery_is_done() {
    let mut sim = sim();
    let d = handoff_delivery(&mut sim, "conv_1");
    let out = sim.send(result(&id_of(&d), Some(200), None));
    let delivered = one(&out, "delivered");
    assert_eq!(delivered["delivery_id"], d["delivery_id"]);
    assert_eq!(delivered["attempt"], 1);
    assert_eq!(sim.engine.next_wakeup(), None);
    // A second report of the same delivery is refused and changes nothing.
    sim.refused(result(&id_of(&d), Some(200), None), "input.delivery_id");
}

#[test]
fn a_503_with_retry_after_is_retried_no_sooner_with_the_same_id() {
    let mut sim = sim();
    let d = handoff_delivery(&mut sim, "conv_1");
    let id = id_of(&d);
    let failed_at = sim.now;
    let out = sim.send(
        json!({"type": "delivery_result", "delivery_id": id, "status": 503,
        "retry_after_ms": 30_000, "body": "maintenance"}),
    );

    let retry = one(&out, "delivery_retry");
    assert_eq!(retry["attempt"], 1);
    let at = retry["at"].as_i64().unwrap();
    assert!(
        at >= failed_at + 30_000,
        "retry at {at} is sooner than Retry-After"
    );
    assert!(retry["error"].as_str().unwrap().contains("503"), "{retry}");
    assert_eq!(sim.engine.next_wakeup(), Some(at));

    // Nothing before that time.
    assert!(!has(&sim.advance_to(at - 1), "delivery"));
    let out = sim.advance_to(at);
    let again = one(&out, "delivery");
    assert_eq!(again["delivery_id"], d["delivery_id"]);
    assert_eq!(again["attempt"], 2);
    assert_eq!(again["body"], d["body"]);
    assert_eq!(again["auth"], d["auth"]);

    let out = sim.send(result(&id, Some(200), None));
    assert_eq!(one(&out, "delivered")["attempt"], 2);
    assert_eq!(sim.engine.next_wakeup(), None);
}

#[test]
fn a_failure_without_retry_after_is_retried_about_five_seconds_later() {
    let mut sim = sim();
    let d = handoff_delivery(&mut sim, "conv_1");
    let now = sim.now;
    let out = sim.send(result(&id_of(&d), Some(500), None));
    let at = one(&out, "delivery_retry")["at"].as_i64().unwrap();
    assert!((now + 4_500..=now + 5_500).contains(&at), "{}", at - now);
}

#[test]
fn a_network_error_is_retried() {
    let mut sim = sim();
    let d = handoff_delivery(&mut sim, "conv_1");
    let out = sim.send(json!({"type": "delivery_result", "delivery_id": id_of(&d),
        "error": "connection refused"}));
    let retry = one(&out, "delivery_retry");
    assert!(
        retry["error"]
            .as_str()
            .unwrap()
            .contains("connection refused"),
        "{retry}"
    );
}

#[test]
fn a_429_is_retried_and_a_long_retry_after_is_respected() {
    let mut sim = sim();
    let d = handoff_delivery(&mut sim, "conv_1");
    let now = sim.now;
    let out = sim.send(result(&id_of(&d), Some(429), Some(3_600_000)));
    assert!(one(&out, "delivery_retry")["at"].as_i64().unwrap() >= now + 3_600_000);
}

#[test]
fn a_400_becomes_a_dead_letter_that_can_be_redriven() {
    let mut sim = sim();
    let d = handoff_delivery(&mut sim, "conv_1");
    let id = id_of(&d);
    let out = sim.send(
        json!({"type": "delivery_result", "delivery_id": id, "status": 400,
        "body": "{\"error\":\"bad payload\"}"}),
    );
    let failed = one(&out, "delivery_failed");
    assert_eq!(failed["attempts"], 1);
    assert!(
        failed["reason"].as_str().unwrap().contains("400"),
        "{failed}"
    );
    assert!(!has(&out, "delivery_retry"));
    // Not retried by itself.
    assert_eq!(sim.engine.next_wakeup(), None);
    assert!(!has(&sim.advance_secs(86_400), "delivery"));

    // An admin re-drives it: the same delivery, from the first attempt.
    let out = sim.send(json!({"type": "redrive_delivery", "delivery_id": id}));
    let again = one(&out, "delivery");
    assert_eq!(again["delivery_id"], d["delivery_id"]);
    assert_eq!(again["body"], d["body"]);
    assert_eq!(again["attempt"], 1);
    let out = sim.send(result(&id, Some(204), None));
    assert!(has(&out, "delivered"));
    // Re-driving it again is refused: it is no longer a dead letter.
    sim.refused(
        json!({"type": "redrive_delivery", "delivery_id": id}),
        "input.delivery_id",
    );
}

#[test]
fn a_410_disables_the_webhook_until_it_is_enabled_again() {
    let mut sim = sim();
    let first = handoff_delivery(&mut sim, "conv_1");
    let out = sim.send(result(&id_of(&first), Some(410), None));
    let disabled = one(&out, "webhook_disabled");
    assert_eq!(disabled["webhook_id"], "crm");
    assert_eq!(
        one(&out, "delivery_failed")["delivery_id"],
        first["delivery_id"]
    );

    // Later events are kept as dead letters, not sent and not dropped.
    let out = sim.button("conv_2");
    assert!(!has(&out, "delivery"), "{out:#?}");
    let second = one(&out, "delivery_failed").clone();
    assert!(
        second["reason"].as_str().unwrap().contains("disabled"),
        "{second}"
    );
    // They cannot be re-driven while the webhook is disabled.
    sim.refused(
        json!({"type": "redrive_delivery", "delivery_id": second["delivery_id"]}),
        "input.delivery_id",
    );

    // Enabled again: new events go out, and the dead letters can be re-driven.
    let out = sim.send(json!({"type": "enable_webhook", "webhook_id": "crm"}));
    assert!(out.is_empty(), "{out:#?}");
    let out = sim.button("conv_3");
    assert_eq!(one(&out, "delivery")["conversation_id"], "conv_3");
    for dead in [&first["delivery_id"], &second["delivery_id"]] {
        let out = sim.send(json!({"type": "redrive_delivery", "delivery_id": dead}));
        assert_eq!(one(&out, "delivery")["delivery_id"], *dead);
    }
}

#[test]
fn enabling_an_unknown_webhook_is_refused() {
    let mut sim = sim();
    sim.refused(
        json!({"type": "enable_webhook", "webhook_id": "nope"}),
        "input.webhook_id",
    );
}

#[test]
fn a_delivery_never_reported_back_is_retried_after_the_lease() {
    let mut sim = sim();
    let d = handoff_delivery(&mut sim, "conv_1");
    let sent_at = sim.now;
    assert_eq!(sim.engine.next_wakeup(), Some(sent_at + LEASE_MS));
    assert!(sim.advance_to(sent_at + LEASE_MS - 1).is_empty());

    let out = sim.advance_to(sent_at + LEASE_MS);
    let retry = one(&out, "delivery_retry");
    assert_eq!(retry["delivery_id"], d["delivery_id"]);
    assert!(
        retry["error"].as_str().unwrap().contains("lease"),
        "{retry}"
    );
    let at = retry["at"].as_i64().unwrap();

    let out = sim.advance_to(at);
    let again = one(&out, "delivery");
    assert_eq!(again["delivery_id"], d["delivery_id"]);
    assert_eq!(again["attempt"], 2);
}

#[test]
fn a_host_that_crashed_before_sending_retries_after_restarting() {
    let mut sim = sim();
    let d = handoff_delivery(&mut sim, "conv_1");
    // The host persisted the state, then crashed before performing the delivery.
    let snapshot = sim.state_json();
    let mut restarted = Sim::with_config(sim.engine.config().clone());
    restarted.engine =
        handoff_core::Engine::restore_json(sim.engine.config().clone(), &snapshot).unwrap();
    restarted.now = sim.now + 5 * 60_000;
    let out = restarted.tick();
    let retry = one(&out, "delivery_retry");
    assert_eq!(retry["delivery_id"], d["delivery_id"]);
    let out = restarted.advance_to(retry["at"].as_i64().unwrap());
    assert_eq!(one(&out, "delivery")["delivery_id"], d["delivery_id"]);
}

#[test]
fn a_late_result_for_a_delivery_waiting_to_be_retried_still_counts() {
    let mut sim = sim();
    let d = handoff_delivery(&mut sim, "conv_1");
    sim.advance_secs(LEASE_MS / 1000);
    // The host reports after all (it was only slow).
    let out = sim.send(result(&id_of(&d), Some(200), None));
    assert!(has(&out, "delivered"));
    assert_eq!(sim.engine.next_wakeup(), None);
}

#[test]
fn after_the_last_attempt_the_delivery_becomes_a_dead_letter() {
    let mut sim = sim();
    let d = handoff_delivery(&mut sim, "conv_1");
    let id = id_of(&d);
    let mut attempts = vec![d["attempt"].as_u64().unwrap()];
    let mut dead = None;
    for _ in 0..20 {
        let out = sim.send(result(&id, Some(500), None));
        if let Some(failed) = of_type(&out, "delivery_failed").first() {
            dead = Some((*failed).clone());
            break;
        }
        let at = one(&out, "delivery_retry")["at"].as_i64().unwrap();
        let out = sim.advance_to(at);
        attempts.push(one(&out, "delivery")["attempt"].as_u64().unwrap());
    }
    let dead = dead.expect("a dead letter");
    assert_eq!(dead["attempts"], MAX_ATTEMPTS);
    assert_eq!(attempts, (1..=u64::from(MAX_ATTEMPTS)).collect::<Vec<_>>());
    assert!(dead["reason"].as_str().unwrap().contains("500"), "{dead}");
    assert_eq!(sim.engine.next_wakeup(), None);
    // Still re-drivable.
    let out = sim.send(json!({"type": "redrive_delivery", "delivery_id": id}));
    assert_eq!(one(&out, "delivery")["attempt"], 1);
}

#[test]
fn retries_follow_the_standard_webhooks_schedule() {
    let mut sim = sim();
    let d = handoff_delivery(&mut sim, "conv_1");
    let id = id_of(&d);
    let start = sim.now;
    let mut delays = Vec::new();
    loop {
        let now = sim.now;
        let out = sim.send(result(&id, Some(503), None));
        let Some(retry) = of_type(&out, "delivery_retry").first().cloned() else {
            break;
        };
        let at = retry["at"].as_i64().unwrap();
        delays.push(at - now);
        sim.advance_to(at);
    }
    assert_eq!(delays.len() as u32, MAX_ATTEMPTS - 1);
    // 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h, each within 10 %.
    let schedule_s: [i64; 9] = [5, 300, 1_800, 7_200, 18_000, 36_000, 50_400, 72_000, 86_400];
    for (delay, base) in delays.iter().zip(schedule_s) {
        let base = base * 1000;
        assert!(
            (base - base / 10..=base + base / 10).contains(delay),
            "delay {delay} ms for a scheduled {base} ms: {delays:?}"
        );
    }
    let total_h = (sim.now - start) / 3_600_000;
    assert!((60..=90).contains(&total_h), "{total_h} h");
}

#[test]
fn deliveries_of_several_conversations_are_independent() {
    let mut sim = sim();
    let a = handoff_delivery(&mut sim, "conv_1");
    let b = handoff_delivery(&mut sim, "conv_2");
    assert_ne!(a["delivery_id"], b["delivery_id"]);
    sim.send(result(&id_of(&a), Some(400), None));
    let out = sim.send(result(&id_of(&b), Some(200), None));
    assert!(has(&out, "delivered"));
}

#[test]
fn a_status_that_is_not_http_is_refused() {
    let mut sim = sim();
    let d = handoff_delivery(&mut sim, "conv_1");
    sim.refused(result(&id_of(&d), Some(999), None), "input.status");
}

#[test]
fn after_a_host_restart_deliveries_in_flight_go_out_again_at_once_with_the_same_id() {
    let mut sim = sim();
    let d = handoff_delivery(&mut sim, "conv_1");
    // The host crashed before reporting; a new process starts a second later.
    sim.advance_secs(1);
    let out = sim.send(json!({"type": "host_restarted"}));
    let again = one(&out, "delivery");
    assert_eq!(again["delivery_id"], d["delivery_id"]);
    assert_eq!(again["body"], d["body"]);
    assert_eq!(again["attempt"], 2);
    // Reported now, it is done; nothing waits on the old lease.
    let out = sim.send(result(&id_of(&d), Some(200), None));
    assert_eq!(one(&out, "delivered")["attempt"], 2);
    assert_eq!(sim.engine.next_wakeup(), None);
    // A restart with nothing in flight changes nothing.
    assert!(sim.send(json!({"type": "host_restarted"})).is_empty());
    sim.refused(json!({"type": "host_restarted", "x": 1}), "input.x");
}

#[test]
fn a_restart_does_not_touch_deliveries_waiting_for_their_retry() {
    let mut sim = sim();
    let d = handoff_delivery(&mut sim, "conv_1");
    let out = sim.send(result(&id_of(&d), Some(503), None));
    let at = one(&out, "delivery_retry")["at"].as_i64().unwrap();
    let out = sim.send(json!({"type": "host_restarted"}));
    assert!(!has(&out, "delivery"), "{out:?}");
    assert_eq!(sim.engine.next_wakeup(), Some(at));
}

#[test]
fn a_missing_field_is_named_by_its_path() {
    let err = handoff_core::Input::from_value(
        json!({"type": "customer_message", "conversation_id": "c1"}),
    )
    .unwrap_err();
    assert_eq!(err.path, "input.text", "{err}");
    let err =
        handoff_core::Input::from_value(json!({"type": "agent_update", "agent": {"name": "Asha"}}))
            .unwrap_err();
    assert_eq!(err.path, "input.agent.id", "{err}");
}

/// A 60 s receiver outage used to delay events by five minutes (5 s, then 5 min): the early
/// schedule is the operator's to set, and the last delay repeats.
#[test]
fn the_retry_schedule_is_configurable() {
    let mut sim = Sim::new(json!({"handoff": {
        "webhooks": [{"id": "crm", "url": "https://hooks.example.com/x",
                      "events": ["conversation.handoff_requested"]}],
        "deliveries": {"retry_schedule_seconds": [2, 10, 30]}
    }}));
    let d = handoff_delivery(&mut sim, "conv_1");
    let id = id_of(&d);
    for (attempt, base) in [(1, 2_000), (2, 10_000), (3, 30_000), (4, 30_000)] {
        let failed_at = sim.now;
        let out = sim.send(result(&id, Some(503), None));
        let retry = one(&out, "delivery_retry");
        assert_eq!(retry["attempt"], attempt);
        let delay = retry["at"].as_i64().unwrap() - failed_at;
        // Within the ±10 % jitter of the configured delay.
        assert!(
            (base * 9 / 10..=base * 11 / 10).contains(&delay),
            "attempt {attempt}: {delay} ms"
        );
        sim.now = retry["at"].as_i64().unwrap();
        let out = sim.tick();
        assert_eq!(one(&out, "delivery")["delivery_id"], id);
    }
}

#[test]
fn a_bad_retry_schedule_names_its_path() {
    for (schedule, path) in [
        (json!([]), "handoff.deliveries.retry_schedule_seconds"),
        (
            json!([5, 0]),
            "handoff.deliveries.retry_schedule_seconds[1]",
        ),
        (
            json!([5, 86_401]),
            "handoff.deliveries.retry_schedule_seconds[1]",
        ),
        (json!("5s"), "handoff.deliveries.retry_schedule_seconds"),
        (
            json!([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
            "handoff.deliveries.retry_schedule_seconds",
        ),
    ] {
        let text = json!({"handoff": {"deliveries": {"retry_schedule_seconds": schedule}}});
        let errors = handoff_core::Config::from_json_str(&text.to_string()).unwrap_err();
        assert_eq!(errors.0[0].path, path, "{schedule}");
    }
    let errors = handoff_core::Config::from_json_str(
        r#"{"handoff": {"deliveries": {"retry_schedul_seconds": [1]}}}"#,
    )
    .unwrap_err();
    assert_eq!(errors.0[0].path, "handoff.deliveries.retry_schedul_seconds");
}

/// An operator who fixed the receiver sends a waiting delivery now (same id, next attempt),
/// instead of waiting for its time; one in flight or dead-lettered is refused with the path.
#[test]
fn a_waiting_delivery_can_be_retried_now() {
    let mut sim = sim();
    let d = handoff_delivery(&mut sim, "conv_1");
    let id = id_of(&d);
    sim.refused(
        json!({"type": "retry_delivery", "delivery_id": id}),
        "input.delivery_id",
    );
    let out = sim.send(result(&id, Some(503), None));
    let retry_at = one(&out, "delivery_retry")["at"].as_i64().unwrap();
    let out = sim.send(json!({"type": "retry_delivery", "delivery_id": id}));
    let again = one(&out, "delivery");
    assert_eq!(again["delivery_id"], id);
    assert_eq!(again["attempt"], 2);
    assert!(sim.now < retry_at, "sent before its scheduled time");
    let out = sim.send(result(&id, Some(200), None));
    assert_eq!(one(&out, "delivered")["attempt"], 2);
    sim.refused(
        json!({"type": "retry_delivery", "delivery_id": "msg_unknown"}),
        "input.delivery_id",
    );
}
