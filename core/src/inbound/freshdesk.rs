//! Freshdesk's automation webhooks ("Trigger webhook" action of an automation rule:
//! <https://support.freshdesk.com/support/solutions/articles/132589-using-webhooks-in-automation-rules>).
//! Freshdesk signs nothing: the rule sends a secret of your choosing, as the header
//! `X-Handoff-Secret` or in the URL (`?secret=`), compared in constant time. The payload is the
//! rule's own JSON, with Freshdesk placeholders:
//! `{"ticket_id": "{{ticket.id}}", "kind": "reply", "text": "{{ticket.latest_public_comment}}",
//! "agent_id": "{{ticket.agent.id}}", "agent_name": "{{ticket.agent.name}}"}` (`kind`: `reply`,
//! `note` or `close`). Its event id is the SHA-256 of the body (a redelivery is a duplicate).

use sha2::{Digest, Sha256};

use super::verify::ct_eq;
use super::{bad, id_at, id_of, json, plain_text, str_at, WebhookRequest};
use crate::config::Integration;
use crate::wire::error::{ErrorKind, PathError};
use crate::wire::input::{HelpdeskAuthor, HelpdeskEvent, HelpdeskKind, Input, VendorRef};

/// The secret from the header, else from the query's `secret`.
pub(super) fn verify(request: &WebhookRequest<'_>, secret: &str) -> Result<(), PathError> {
    let given = request
        .header("x-handoff-secret")
        .map(str::to_string)
        .or_else(|| {
            request
                .query
                .split('&')
                .find_map(|pair| pair.strip_prefix("secret="))
                .map(percent_decode)
        });
    match given {
        Some(g) if ct_eq(g.as_bytes(), secret.as_bytes()) => Ok(()),
        Some(_) => Err(bad("x-handoff-secret", "the secret does not match")),
        None => Err(bad(
            "x-handoff-secret",
            "missing X-Handoff-Secret (or ?secret=)",
        )),
    }
}

/// `%XX` escapes and `+` decoded (a secret in a URL).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(s.get(i + 1..i + 3).unwrap_or(""), 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The event of a verified payload.
pub(super) fn read(integration: &Integration, body: &[u8]) -> Result<Vec<Input>, PathError> {
    let v = json(body)?;
    let kind = match str_at(&v, "/kind") {
        "reply" => HelpdeskKind::Message,
        "note" => HelpdeskKind::Note,
        "close" => HelpdeskKind::Close,
        other => {
            return Err(PathError::with_value(
                ErrorKind::UnknownVariant,
                "body.kind",
                "expected reply, note or close",
                &serde_json::Value::String(other.to_string()),
            ))
        }
    };
    let ticket = id_at(&v, "/ticket_id")?;
    let author = id_at(&v, "/agent_id")?;
    let name = Some(str_at(&v, "/agent_name").to_string()).filter(|n| !n.is_empty());
    let text = match kind {
        HelpdeskKind::Close => String::new(),
        _ => plain_text(str_at(&v, "/text")),
    };
    let digest = Sha256::digest(body);
    let event_id: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    Ok(vec![Input::HelpdeskEvent(HelpdeskEvent {
        integration_id: id_of(integration),
        event_id: format!("fd_{event_id}"),
        vendor_ref: VendorRef::TicketId,
        vendor_id: ticket,
        kind,
        author: HelpdeskAuthor { id: author, name },
        text,
        assignee: None,
    })])
}
