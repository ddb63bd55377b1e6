//! The outbox: deliveries that lose nothing.
//!
//! Every webhook event becomes a [`Delivery`] output and an [`OutboxEntry`] in the state. The host
//! performs it and reports a `delivery_result`:
//!
//! - 2xx: done (`delivered`).
//! - 408, 429, 5xx, or no response: retried on the Standard Webhooks schedule (5 s, 5 min, 30 min,
//!   2 h, 5 h, 10 h, 14 h, 20 h, 24 h after each failure, or `handoff.deliveries.retry_schedule_seconds`;
//!   ±10 % jitter derived from the delivery id, so replays are identical), never sooner than the receiver's `Retry-After` (`retry_after_ms`, or
//!   the `retry-after` / `x-ratelimit-reset` response headers); after
//!   [`MAX_ATTEMPTS`] attempts it becomes a dead letter.
//! - 410 Gone: the webhook is disabled until an `enable_webhook` input, and the delivery is
//!   dead-lettered; so is every later event for that webhook, so nothing is dropped silently.
//! - Any other status: dead letter at once (it will not get better by retrying).
//! - Helpdesk requests ([`crate::integrations`]) of one integration and conversation go out one
//!   at a time, in order; a 2xx of a creating request must carry the new id in its body.
//!
//! A delivery handed out but never reported (the host crashed) is treated as a timeout
//! [`LEASE_MS`] later and retried with the same `delivery_id`, so delivery is at-least-once and
//! receivers dedupe on `webhook-id`.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::config::Webhook;
use crate::wire::event::Event;
use crate::wire::input::DeliveryResult;
use crate::wire::output::{Auth, Delivery, Output};
use crate::wire::state::{DeadLetter, DeliveryState, OutboxEntry, State};

pub use crate::wire::limits::{DEFAULT_SCHEDULE_MS, LEASE_MS, MAX_ATTEMPTS};

/// A stable delivery id (also the `webhook-id`), derived from the inputs.
pub(crate) fn delivery_id(
    webhook_id: &str,
    conversation_id: &str,
    event: &str,
    now: i64,
    seq: u64,
) -> String {
    let mut h = Sha256::new();
    for part in [
        webhook_id,
        conversation_id,
        event,
        &now.to_string(),
        &seq.to_string(),
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    let digest = h.finalize();
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut id = String::with_capacity(4 + 24);
    id.push_str("msg_");
    for b in digest.iter().take(12) {
        id.push(char::from(HEX[usize::from(b >> 4)]));
        id.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    id
}

/// Creates the deliveries of one event for every webhook subscribed to it.
pub(crate) fn enqueue_event(
    webhooks: &[Webhook],
    state: &mut State,
    conversation_id: &str,
    event: &Event,
    now: i64,
    out: &mut Vec<Output>,
) {
    let name = event.event.as_str();
    let mut hooks = webhooks
        .iter()
        .filter(|w| w.events.is_empty() || w.events.iter().any(|e| e == name))
        .peekable();
    if hooks.peek().is_none() {
        return;
    }
    // Strings, numbers and options only: writing it cannot fail.
    let body = serde_json::to_string(event).unwrap_or_default();
    for hook in hooks {
        state.seq += 1;
        let delivery = Delivery {
            delivery_id: delivery_id(&hook.id, conversation_id, name, now, state.seq),
            webhook_id: hook.id.clone(),
            conversation_id: conversation_id.to_string(),
            event: name.to_string(),
            method: "POST".into(),
            url: hook.url.clone(),
            headers: BTreeMap::from([
                ("content-type".to_string(), "application/json".to_string()),
                (
                    "user-agent".to_string(),
                    concat!("handoff/", env!("CARGO_PKG_VERSION")).to_string(),
                ),
            ]),
            body: body.clone(),
            attempt: 1,
            auth: match &hook.secret_ref {
                Some(r) => Auth::StandardWebhooks {
                    secret_ref: r.clone(),
                },
                None => Auth::None,
            },
            operation: None,
        };
        if let Some(reason) = state.disabled_webhooks.get(&hook.id) {
            let reason = format!("webhook {} is disabled: {reason}", hook.id);
            dead_letter(state, delivery, reason, None, now, out);
        } else {
            out.push(Output::Delivery(delivery.clone()));
            state.outbox.insert(
                delivery.delivery_id.clone(),
                OutboxEntry {
                    delivery,
                    state: DeliveryState::InFlight { since: now },
                    last_error: None,
                },
            );
        }
    }
}

pub(crate) fn dead_letter(
    state: &mut State,
    delivery: Delivery,
    reason: String,
    status: Option<u16>,
    now: i64,
    out: &mut Vec<Output>,
) {
    out.push(Output::DeliveryFailed {
        delivery_id: delivery.delivery_id.clone(),
        attempts: delivery.attempt,
        reason: reason.clone(),
    });
    state.dead_letters.insert(
        delivery.delivery_id.clone(),
        DeadLetter {
            delivery,
            reason,
            status,
            at: now,
        },
    );
}

/// Deterministic jitter in [-10 %, +10 %] of `delay`.
fn jitter(delivery_id: &str, attempt: u32, delay: i64) -> i64 {
    let digest = Sha256::digest(format!("{delivery_id}/{attempt}").as_bytes());
    let r = i64::from(u16::from_be_bytes([digest[0], digest[1]])); // 0..=65535
    delay / 10 * (r - 32_768) / 32_768
}

/// Applies a `delivery_result`. The delivery must be in the outbox (checked by the caller).
/// `accept` reads a successful response (a helpdesk's new id) and refuses one that lacks what
/// the request promised; the delivery is returned when it was delivered, so the caller can send
/// what waited for it.
pub(crate) fn apply_result(
    schedule: &[i64],
    state: &mut State,
    result: &DeliveryResult,
    now: i64,
    out: &mut Vec<Output>,
    accept: impl FnOnce(&mut State, &Delivery, Option<&str>) -> Result<(), String>,
) -> Option<Delivery> {
    let entry = state.outbox.remove(&result.delivery_id)?;
    let attempt = entry.delivery.attempt;
    let retry_after_ms = crate::rate_limit::retry_after_ms(result, now);
    match result.status {
        Some(status @ 200..=299) => {
            // A request that creates something must return what it is asked to (the new id
            // its follow-ups need); without it they cannot go, so it is a dead letter.
            if let Err(reason) = accept(state, &entry.delivery, result.body.as_deref()) {
                let reason = format!("HTTP {status}, but {reason}");
                dead_letter(state, entry.delivery, reason, Some(status), now, out);
                return None;
            }
            out.push(Output::Delivered {
                delivery_id: result.delivery_id.clone(),
                attempt,
            });
            return Some(entry.delivery);
        }
        Some(410) => {
            let hook = entry.delivery.webhook_id.clone();
            let reason = "410 Gone: the receiver asked to stop sending".to_string();
            state.disabled_webhooks.insert(hook.clone(), reason.clone());
            out.push(Output::WebhookDisabled {
                webhook_id: hook,
                reason: reason.clone(),
            });
            dead_letter(state, entry.delivery, reason, Some(410), now, out);
        }
        Some(status @ (408 | 429 | 500..=599)) => {
            let error = match &result.body {
                Some(body) if !body.is_empty() => format!("HTTP {status}: {}", clip(body)),
                _ => format!("HTTP {status}"),
            };
            retry_or_give_up(
                schedule,
                state,
                entry,
                error,
                Some(status),
                retry_after_ms,
                now,
                out,
            );
        }
        None => {
            let error = result
                .error
                .clone()
                .unwrap_or_else(|| "network error".into());
            retry_or_give_up(
                schedule,
                state,
                entry,
                clip(&error),
                None,
                retry_after_ms,
                now,
                out,
            );
        }
        Some(status) => {
            let reason = match &result.body {
                Some(body) if !body.is_empty() => {
                    format!("HTTP {status} (not retried): {}", clip(body))
                }
                _ => format!("HTTP {status} (not retried)"),
            };
            dead_letter(state, entry.delivery, reason, Some(status), now, out);
        }
    }
    None
}

fn clip(s: &str) -> String {
    let mut end = s.len().min(300);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

#[allow(clippy::too_many_arguments)]
fn retry_or_give_up(
    schedule: &[i64],
    state: &mut State,
    mut entry: OutboxEntry,
    error: String,
    status: Option<u16>,
    retry_after_ms: Option<u64>,
    now: i64,
    out: &mut Vec<Output>,
) {
    let attempt = entry.delivery.attempt;
    if attempt >= MAX_ATTEMPTS {
        let reason = format!("gave up after {attempt} attempts: {error}");
        dead_letter(state, entry.delivery, reason, status, now, out);
        return;
    }
    let schedule = if schedule.is_empty() {
        &DEFAULT_SCHEDULE_MS[..]
    } else {
        schedule
    };
    let index = (attempt as usize).saturating_sub(1).min(schedule.len() - 1);
    let base = schedule[index];
    let mut delay = base + jitter(&entry.delivery.delivery_id, attempt, base);
    if let Some(ra) = retry_after_ms {
        let ra = i64::try_from(ra).unwrap_or(i64::MAX).min(24 * 3_600_000);
        delay = delay.max(ra);
    }
    let at = now.saturating_add(delay);
    out.push(Output::DeliveryRetry {
        delivery_id: entry.delivery.delivery_id.clone(),
        attempt,
        at,
        error: error.clone(),
    });
    entry.state = DeliveryState::Waiting { at };
    entry.last_error = Some(error);
    state
        .outbox
        .insert(entry.delivery.delivery_id.clone(), entry);
}

/// On a tick: hands out retries that are due, and treats lapsed leases as timeouts.
pub(crate) fn on_tick(schedule: &[i64], state: &mut State, now: i64, out: &mut Vec<Output>) {
    let due: Vec<String> = state
        .outbox
        .iter()
        .filter(|(_, e)| match e.state {
            DeliveryState::Waiting { at } => at <= now,
            DeliveryState::InFlight { since } => since.saturating_add(LEASE_MS) <= now,
        })
        .map(|(id, _)| id.clone())
        .collect();
    for id in due {
        let Some(mut entry) = state.outbox.remove(&id) else {
            continue;
        };
        match entry.state {
            DeliveryState::Waiting { .. } => {
                entry.delivery.attempt += 1;
                entry.state = DeliveryState::InFlight { since: now };
                out.push(Output::Delivery(entry.delivery.clone()));
                state.outbox.insert(id, entry);
            }
            DeliveryState::InFlight { .. } => {
                let error =
                    "no result reported within the lease (host crashed or timed out)".to_string();
                retry_or_give_up(schedule, state, entry, error, None, None, now, out);
            }
        }
    }
}

/// After a host restart: every delivery in flight was lost with the old process. Counts that
/// attempt as failed and hands the delivery out again now, with the same `delivery_id` (receivers
/// dedupe on `webhook-id`); one that has used all its attempts becomes a dead letter.
pub(crate) fn resend_in_flight(state: &mut State, now: i64, out: &mut Vec<Output>) {
    let lost: Vec<String> = state
        .outbox
        .iter()
        .filter(|(_, e)| matches!(e.state, DeliveryState::InFlight { .. }))
        .map(|(id, _)| id.clone())
        .collect();
    for id in lost {
        let Some(mut entry) = state.outbox.remove(&id) else {
            continue;
        };
        let error = "the host restarted before it reported a result".to_string();
        if entry.delivery.attempt >= MAX_ATTEMPTS {
            let reason = format!("gave up after {} attempts: {error}", entry.delivery.attempt);
            dead_letter(state, entry.delivery, reason, None, now, out);
            continue;
        }
        entry.delivery.attempt += 1;
        entry.state = DeliveryState::InFlight { since: now };
        entry.last_error = Some(error);
        out.push(Output::Delivery(entry.delivery.clone()));
        state.outbox.insert(id, entry);
    }
}

/// Hands a delivery that waits for its retry out now (an operator's `retry_delivery`, say after
/// fixing the receiver), as its next attempt; the schedule goes on from there if it fails again.
pub(crate) fn retry_now(state: &mut State, delivery_id: &str, now: i64, out: &mut Vec<Output>) {
    let Some(entry) = state.outbox.get_mut(delivery_id) else {
        return;
    };
    if !matches!(entry.state, DeliveryState::Waiting { .. }) {
        return;
    }
    entry.delivery.attempt += 1;
    entry.state = DeliveryState::InFlight { since: now };
    out.push(Output::Delivery(entry.delivery.clone()));
}

/// Moves a dead letter back to the outbox and hands it out again (attempts start over).
pub(crate) fn redrive(state: &mut State, delivery_id: &str, now: i64, out: &mut Vec<Output>) {
    let Some(letter) = state.dead_letters.remove(delivery_id) else {
        return;
    };
    let mut delivery = letter.delivery;
    delivery.attempt = 1;
    out.push(Output::Delivery(delivery.clone()));
    state.outbox.insert(
        delivery_id.to_string(),
        OutboxEntry {
            delivery,
            state: DeliveryState::InFlight { since: now },
            last_error: None,
        },
    );
}

/// The earliest instant the outbox needs a tick.
pub(crate) fn next_wakeup(state: &State) -> Option<i64> {
    state
        .outbox
        .values()
        .map(|e| match e.state {
            DeliveryState::Waiting { at } => at,
            DeliveryState::InFlight { since } => since.saturating_add(LEASE_MS),
        })
        .min()
}
