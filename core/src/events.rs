//! Webhook events: the bodies receivers get, in a fixed field order.
//!
//! `conversation.handoff_requested` has exactly the specification's shape:
//!
//! ```json
//! {"event":"conversation.handoff_requested","timestamp":"2026-01-12T10:30:00Z",
//!  "data":{"conversation_id":"conv_xyz789",
//!          "customer":{"id":"cust_456","name":"Priya Sharma","email":"priya@example.com"},
//!          "trigger":"sentiment_threshold","sentiment_score":-0.65,
//!          "summary":"...","suggested_actions":["..."],"priority":"high"}}
//! ```
//!
//! The others (`conversation.queued`, `.assigned`, `.callback_requested`, `.closed`) follow the same
//! envelope; their `data` fields are documented in README.

use chrono::{DateTime, Datelike, Timelike};
use serde_json::{json, Value};

use crate::wire::input::Customer;
use crate::wire::state::{Callback, Conversation};

/// RFC 3339 UTC with seconds (`2026-01-12T10:30:00Z`) for an epoch-ms instant.
pub fn timestamp(now_ms: i64) -> String {
    match DateTime::from_timestamp_millis(now_ms) {
        // Written out by hand: `format` parses its pattern on every call, once per event.
        Some(t) => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        // `Engine::handle` refuses a `now` outside chrono's range, so this is not reached.
        None => "1970-01-01T00:00:00Z".to_string(),
    }
}

fn envelope(name: &str, now: i64, data: Value) -> Value {
    json!({"event": name, "timestamp": timestamp(now), "data": data})
}

fn customer_json(c: &Customer) -> Value {
    json!({"id": c.id, "name": c.name, "email": c.email})
}

/// `conversation.handoff_requested`.
pub(crate) fn handoff_requested(
    conv: &Conversation,
    primary: &str,
    summary: &str,
    suggested_actions: &[String],
    now: i64,
) -> Value {
    let score = conv.history.iter().rev().find_map(|h| h.sentiment);
    envelope(
        "conversation.handoff_requested",
        now,
        json!({
            "conversation_id": conv.id,
            "customer": customer_json(&conv.customer),
            "trigger": primary,
            "sentiment_score": score,
            "summary": summary,
            "suggested_actions": suggested_actions,
            "priority": conv.priority,
        }),
    )
}

/// `conversation.queued`.
pub(crate) fn queued(conv: &Conversation, position: u32, queue_length: u32, now: i64) -> Value {
    envelope(
        "conversation.queued",
        now,
        json!({
            "conversation_id": conv.id,
            "position": position,
            "queue_length": queue_length,
            "priority": conv.priority,
        }),
    )
}

/// `conversation.assigned`.
pub(crate) fn assigned(
    conv: &Conversation,
    agent_id: &str,
    agent_name: &str,
    wait_ms: i64,
    now: i64,
) -> Value {
    envelope(
        "conversation.assigned",
        now,
        json!({
            "conversation_id": conv.id,
            "agent_id": agent_id,
            "agent_name": agent_name,
            "wait_seconds": wait_ms / 1000,
            "priority": conv.priority,
        }),
    )
}

/// `conversation.callback_requested`.
pub(crate) fn callback_requested(
    conv: &Conversation,
    callback: &Callback,
    summary: &str,
    now: i64,
) -> Value {
    envelope(
        "conversation.callback_requested",
        now,
        json!({
            "conversation_id": conv.id,
            "customer": customer_json(&conv.customer),
            "callback": {
                "name": callback.name,
                "phone": callback.phone,
                "email": callback.email,
                "preferred_time": callback.preferred_time,
            },
            "summary": summary,
            "priority": conv.priority,
        }),
    )
}

/// `conversation.closed`.
pub(crate) fn closed(conv: &Conversation, by: &str, agent_id: Option<&str>, now: i64) -> Value {
    envelope(
        "conversation.closed",
        now,
        json!({
            "conversation_id": conv.id,
            "closed_by": by,
            "agent_id": agent_id,
        }),
    )
}
