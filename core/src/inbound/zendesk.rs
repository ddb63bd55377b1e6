//! Zendesk's webhooks: an event-subscribed webhook for ticket events.
//!
//! - Signature: <https://developer.zendesk.com/documentation/webhooks/verifying/>:
//!   `X-Zendesk-Webhook-Signature` = base64(HMAC-SHA256(TIMESTAMP + BODY)) with the webhook's
//!   signing secret (its bytes as shown), `X-Zendesk-Webhook-Signature-Timestamp` ISO 8601. The
//!   event-connectors copy of that page writes `(BODY)(TIMESTAMP)`, and its own example
//!   signature (secret `HRkRd4Be…`, body `{"say": "hello"}`) is over the body first: both
//!   orders are accepted (a JSON body ends in `}`, a timestamp never does, so one order's
//!   signature cannot pass for a different body in the other).
//! - Payloads: <https://developer.zendesk.com/api-reference/webhooks/event-types/ticket-events/>:
//!   `{"type": "zen:event-type:ticket.comment_added", "id", "subject": "zen:ticket:{id}",
//!   "detail": {"id", "requester_id", "submitter_id", ...}, "event": {"comment": {"id", "body",
//!   "is_public", "author": {"id", "is_staff", "name"}}}}`; `ticket.status_changed` has
//!   `event: {"current", "previous"}` and the actor in `detail.actor_id`;
//!   `ticket.agent_assignment_changed` the new assignee's id in `event.current`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::Value;

use super::verify::{fresh, hmac_sha256_is};
use super::{bad, id_at, id_of, json, str_at, WebhookRequest};
use crate::config::Integration;
use crate::wire::error::PathError;
use crate::wire::input::{HelpdeskAuthor, HelpdeskEvent, HelpdeskKind, Input, VendorRef};

const SIGNATURE: &str = "x-zendesk-webhook-signature";
const TIMESTAMP: &str = "x-zendesk-webhook-signature-timestamp";

/// How far a signature's timestamp may be from now, either way (5 min).
pub(super) const WINDOW_MS: i64 = 5 * 60 * 1000;

/// A request that carries Sunshine Conversations' `X-API-Key` and no Zendesk signature.
pub(super) fn is_sunshine(request: &WebhookRequest<'_>) -> bool {
    request.header(SIGNATURE).is_none() && request.header("x-api-key").is_some()
}

/// Checks the signature and its timestamp.
pub(super) fn verify(
    request: &WebhookRequest<'_>,
    secret: &str,
    now: i64,
) -> Result<(), PathError> {
    let signature = request
        .header(SIGNATURE)
        .ok_or_else(|| bad(SIGNATURE, "missing X-Zendesk-Webhook-Signature"))?;
    let timestamp = request
        .header(TIMESTAMP)
        .ok_or_else(|| bad(TIMESTAMP, "missing X-Zendesk-Webhook-Signature-Timestamp"))?;
    let at = chrono::DateTime::parse_from_rfc3339(timestamp)
        .map_err(|_| bad(TIMESTAMP, "not an ISO 8601 time"))?
        .timestamp_millis();
    let tag = STANDARD
        .decode(signature.trim())
        .map_err(|_| bad(SIGNATURE, "not base64"))?;
    let key = secret.as_bytes();
    let (t, b) = (timestamp.as_bytes(), request.body);
    if !hmac_sha256_is(key, &[t, b], &tag) && !hmac_sha256_is(key, &[b, t], &tag) {
        return Err(bad(
            SIGNATURE,
            "the signature does not match the body and timestamp",
        ));
    }
    if !fresh(at, now, WINDOW_MS) {
        return Err(bad(
            TIMESTAMP,
            "the signature's timestamp is more than 5 minutes from now",
        ));
    }
    Ok(())
}

/// The events of a verified payload.
pub(super) fn read(integration: &Integration, body: &[u8]) -> Result<Vec<Input>, PathError> {
    let v = json(body)?;
    let kind = str_at(&v, "/type");
    let event_id = id_at(&v, "/id")?;
    let ticket = id_at(&v, "/detail/id")?;
    let requester = v.pointer("/detail/requester_id").map(id_text);
    let submitter = v.pointer("/detail/submitter_id").map(id_text);
    // The engine writes as the requester (the customer's comments) and as the API user who
    // submitted the ticket: those are its own.
    let own = |author: &str| {
        Some(author.to_string()) == requester || Some(author.to_string()) == submitter
    };
    let event = |kind, author: HelpdeskAuthor, text: String| {
        Input::HelpdeskEvent(HelpdeskEvent {
            integration_id: id_of(integration),
            event_id: event_id.clone(),
            vendor_ref: VendorRef::TicketId,
            vendor_id: ticket.clone(),
            kind,
            author,
            text,
            assignee: None,
        })
    };
    let actor = v
        .pointer("/detail/actor_id")
        .map(id_text)
        .unwrap_or_default();
    match kind {
        "zen:event-type:ticket.comment_added" => {
            let author = id_at(&v, "/event/comment/author/id")?;
            let staff = v
                .pointer("/event/comment/author/is_staff")
                .and_then(Value::as_bool);
            if own(&author) || staff == Some(false) {
                return Ok(Vec::new());
            }
            let public = v
                .pointer("/event/comment/is_public")
                .and_then(Value::as_bool);
            let kind = if public == Some(false) {
                HelpdeskKind::Note
            } else {
                HelpdeskKind::Message
            };
            let name = Some(str_at(&v, "/event/comment/author/name").to_string())
                .filter(|n| !n.is_empty());
            let text = str_at(&v, "/event/comment/body").trim().to_string();
            Ok(vec![event(kind, HelpdeskAuthor { id: author, name }, text)])
        }
        "zen:event-type:ticket.status_changed" => {
            let current = str_at(&v, "/event/current").to_ascii_lowercase();
            let actor = v
                .pointer("/detail/actor_id")
                .map(id_text)
                .unwrap_or_default();
            if !matches!(current.as_str(), "solved" | "closed") || actor.is_empty() || own(&actor) {
                return Ok(Vec::new());
            }
            let author = HelpdeskAuthor {
                id: actor,
                name: None,
            };
            Ok(vec![event(HelpdeskKind::Close, author, String::new())])
        }
        "zen:event-type:ticket.agent_assignment_changed" => {
            let assignee = v.pointer("/event/current").map(id_text).unwrap_or_default();
            if assignee.is_empty() || actor.is_empty() || own(&actor) {
                return Ok(Vec::new()); // unassigned, or the engine's own assignment
            }
            let author = HelpdeskAuthor {
                id: actor,
                name: None,
            };
            let mut input = event(HelpdeskKind::Transfer, author, String::new());
            if let Input::HelpdeskEvent(e) = &mut input {
                e.assignee = Some(assignee);
            }
            Ok(vec![input])
        }
        _ => Ok(Vec::new()),
    }
}

/// An id written as a string or a number, as text.
fn id_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}
