//! Intercom's webhooks (notifications).
//!
//! - Signature: <https://developers.intercom.com/docs/references/webhooks/webhook-models>
//!   ("Signed notifications"): `X-Hub-Signature: sha1=<hex>`, the HMAC-SHA1 of the raw body with
//!   the app's client secret. Nothing signed says when; the body's `created_at` (unix seconds,
//!   inside what is signed) must be within 15 minutes of now, which covers Intercom's retry.
//! - Payload: `{"type": "notification_event", "id": "notif_…", "topic":
//!   "conversation.admin.replied", "created_at", "data": {"item": {"type": "conversation", "id",
//!   "conversation_parts": {"conversation_parts": [{"id", "part_type", "body", "author":
//!   {"type", "id", "name"}}]}}}}`: the part the notification is about is the last one; an
//!   assignment's part has `assigned_to: {"type": "admin" | "team" | "nobody_admin", "id"}`.

use serde_json::Value;

use super::verify::{fresh, from_hex, hmac_sha1_is};
use super::{bad, id_at, id_of, json, plain_text, str_at, WebhookRequest};
use crate::config::{Integration, Intercom};
use crate::wire::error::{ErrorKind, PathError};
use crate::wire::input::{HelpdeskAuthor, HelpdeskEvent, HelpdeskKind, Input, VendorRef};

const SIGNATURE: &str = "x-hub-signature";

/// How far `created_at` may be from now, either way (15 min).
pub(super) const WINDOW_MS: i64 = 15 * 60 * 1000;

/// Checks the signature, then the signed `created_at`.
pub(super) fn verify(
    request: &WebhookRequest<'_>,
    secret: &str,
    now: i64,
) -> Result<(), PathError> {
    let signature = request
        .header(SIGNATURE)
        .ok_or_else(|| bad(SIGNATURE, "missing X-Hub-Signature"))?;
    let tag = signature
        .trim()
        .strip_prefix("sha1=")
        .and_then(from_hex)
        .ok_or_else(|| bad(SIGNATURE, "expected sha1= and a hex digest"))?;
    if !hmac_sha1_is(secret.as_bytes(), request.body, &tag) {
        return Err(bad(SIGNATURE, "the signature does not match the body"));
    }
    let created = serde_json::from_slice::<Value>(request.body)
        .ok()
        .and_then(|v| v.get("created_at").and_then(Value::as_i64));
    match created {
        Some(secs) if fresh(secs.saturating_mul(1000), now, WINDOW_MS) => Ok(()),
        Some(_) => Err(bad(
            SIGNATURE,
            "the notification's created_at is more than 15 minutes from now",
        )),
        None => Err(bad(SIGNATURE, "the notification has no created_at")),
    }
}

/// The events of a verified notification.
pub(super) fn read(
    integration: &Integration,
    i: &Intercom,
    body: &[u8],
) -> Result<Vec<Input>, PathError> {
    let v = json(body)?;
    let kind = match str_at(&v, "/topic") {
        "conversation.admin.replied" => HelpdeskKind::Message,
        "conversation.admin.noted" => HelpdeskKind::Note,
        "conversation.admin.closed" => HelpdeskKind::Close,
        "conversation.admin.assigned" => HelpdeskKind::Transfer,
        _ => return Ok(Vec::new()),
    };
    let event_id = id_at(&v, "/id")?;
    let conversation = id_at(&v, "/data/item/id")?;
    let parts = v
        .pointer("/data/item/conversation_parts/conversation_parts")
        .and_then(Value::as_array);
    let Some(part) = parts.and_then(|p| p.last()) else {
        return Err(PathError::new(
            ErrorKind::Missing,
            "body.data.item.conversation_parts.conversation_parts",
            "the notification has no conversation part",
        ));
    };
    let author = id_at(part, "/author/id").map_err(|mut e| {
        e.path = e.path.replacen(
            "body",
            "body.data.item.conversation_parts.conversation_parts[-1]",
            1,
        );
        e
    })?;
    // Only teammates' parts; the engine's own admin and the contact (whose replies the engine
    // writes, or who writes in Messenger) are not an agent speaking.
    if str_at(part, "/author/type") != "admin" || author == i.admin_id {
        return Ok(Vec::new());
    }
    let name = Some(str_at(part, "/author/name").to_string()).filter(|n| !n.is_empty());
    // An assignment to an admin (not a team, not nobody): who it goes to.
    let assignee = match kind {
        HelpdeskKind::Transfer if str_at(part, "/assigned_to/type") == "admin" => {
            Some(id_at(part, "/assigned_to/id").map_err(|mut e| {
                e.path = e.path.replacen(
                    "body",
                    "body.data.item.conversation_parts.conversation_parts[-1]",
                    1,
                );
                e
            })?)
        }
        HelpdeskKind::Transfer => return Ok(Vec::new()),
        _ => None,
    };
    let text = match kind {
        HelpdeskKind::Close | HelpdeskKind::Transfer => String::new(),
        _ => plain_text(str_at(part, "/body")),
    };
    if matches!(kind, HelpdeskKind::Message | HelpdeskKind::Note) && text.is_empty() {
        return Ok(Vec::new()); // an empty part (an attachment alone): nothing to relay
    }
    Ok(vec![Input::HelpdeskEvent(HelpdeskEvent {
        integration_id: id_of(integration),
        event_id,
        vendor_ref: VendorRef::IntercomConversationId,
        vendor_id: conversation,
        kind,
        author: HelpdeskAuthor { id: author, name },
        text,
        assignee,
    })])
}
