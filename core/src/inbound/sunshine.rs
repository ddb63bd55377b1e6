//! Sunshine Conversations' webhooks (Zendesk messaging), to a Zendesk integration with `sunshine`.
//!
//! - Authenticity: <https://docs.smooch.io/guide/webhooks/#securing-a-webhook>: each request
//!   carries the webhook's secret as `X-API-Key`.
//! - Payload (v2): `{"app": {"id"}, "webhook": {...}, "events": [{"id", "type", "createdAt",
//!   "payload": {...}}]}`: `conversation:message` with `payload.conversation.id` and
//!   `payload.message` `{"id", "author": {"type": "business" | "user", "displayName"},
//!   "content": {"type": "text", "text"}}`; `switchboard:passControl` with
//!   `payload.conversation.id` and `payload.nextSwitchboardIntegration` `{"id", "name",
//!   "integrationType"}`.

use serde_json::Value;

use super::{id_at, id_of, json, str_at};
use crate::config::{Integration, Sunshine};
use crate::wire::error::{ErrorKind, PathError};
use crate::wire::input::{HelpdeskAuthor, HelpdeskEvent, HelpdeskKind, Input, VendorRef};

/// The events of a verified request, in order.
pub(super) fn read(
    integration: &Integration,
    s: &Sunshine,
    body: &[u8],
) -> Result<Vec<Input>, PathError> {
    let v = json(body)?;
    let Some(events) = v.get("events").and_then(Value::as_array) else {
        return Err(PathError::new(
            ErrorKind::Missing,
            "body.events",
            "missing events",
        ));
    };
    let mut out = Vec::new();
    for (n, e) in events.iter().enumerate() {
        let at = |mut err: PathError| {
            err.path = err.path.replacen("body", &format!("body.events[{n}]"), 1);
            err
        };
        let (kind, author, text) = match str_at(e, "/type") {
            "conversation:message" => {
                let message = e.pointer("/payload/message").unwrap_or(&Value::Null);
                if str_at(message, "/author/type") != "business"
                    || str_at(message, "/content/type") != "text"
                {
                    continue; // the customer, or not text
                }
                let name = str_at(message, "/author/displayName").to_string();
                let id = ["/author/userId", "/source/integrationId", "/source/type"]
                    .iter()
                    .map(|p| str_at(message, p))
                    .find(|s| !s.is_empty())
                    .unwrap_or("business")
                    .to_string();
                let text = str_at(message, "/content/text").trim().to_string();
                let name = Some(name).filter(|n| !n.is_empty());
                (HelpdeskKind::Message, HelpdeskAuthor { id, name }, text)
            }
            "switchboard:passControl" => {
                let Some(bot) = &s.bot_integration else {
                    continue;
                };
                let next = e.pointer("/payload/nextSwitchboardIntegration");
                let to_bot = next.is_some_and(|n| {
                    ["/id", "/name", "/integrationType"]
                        .iter()
                        .any(|p| str_at(n, p) == bot)
                });
                if !to_bot {
                    continue;
                }
                let author = HelpdeskAuthor {
                    id: "switchboard".into(),
                    name: None,
                };
                (HelpdeskKind::ReturnToAi, author, String::new())
            }
            _ => continue,
        };
        out.push(Input::HelpdeskEvent(HelpdeskEvent {
            integration_id: id_of(integration),
            event_id: id_at(e, "/id").map_err(at)?,
            vendor_ref: VendorRef::SunshineConversationId,
            vendor_id: id_at(e, "/payload/conversation/id").map_err(at)?,
            kind,
            author,
            text,
            assignee: None,
        }));
    }
    Ok(out)
}
