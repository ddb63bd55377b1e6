//! Intercom: the customer's conversation handed to a team or admin, with an internal note
//! carrying the context package; the contact and the conversation are created when the host
//! does not give them.
//!
//! The Intercom conversation comes from the input: `customer.attributes.intercom_conversation_id`
//! (the Messenger conversation the customer is in). Without it the engine creates one from the
//! contact (`customer.attributes.intercom_contact_id`, or a contact it creates first).
//!
//! References (API version 2.14; github.com/intercom/Intercom-OpenAPI,
//! `descriptions/2.14/api.intercom.io.yaml`):
//! - Create a contact (`create_contact_request`):
//!   <https://developers.intercom.com/docs/references/2.14/rest-api/api.intercom.io/contacts/createcontact>
//! - Create a conversation (`create_conversation_request`; returns a Message with `conversation_id`):
//!   <https://developers.intercom.com/docs/references/2.14/rest-api/api.intercom.io/conversations/createconversation>
//! - Reply with a note (`admin_reply_conversation_request`, `message_type: note`):
//!   <https://developers.intercom.com/docs/references/2.14/rest-api/api.intercom.io/conversations/replyconversation>
//! - Assign and close (`assign_conversation_request`, `close_conversation_request`):
//!   <https://developers.intercom.com/docs/references/2.14/rest-api/api.intercom.io/conversations/manageconversation>
//! - `Intercom-Version` header: <https://developers.intercom.com/docs/build-an-integration/learn-more/rest-apis/api-versioning>
//! - Rate limits (429, `X-RateLimit-Reset`): <https://developers.intercom.com/docs/references/rest-api/errors/rate-limiting>

use serde_json::{json, Map, Value};

use super::{package, EventView, Request};
use crate::config::Intercom;
use crate::wire::event::EventData;
use crate::wire::output::Context;

fn headers(i: &Intercom) -> Vec<(&'static str, String)> {
    let mut headers = super::json_headers();
    headers.push(("intercom-version", i.version.clone()));
    headers
}

fn request(i: &Intercom, operation: &'static str, path: String, body: Value) -> Request {
    let url = format!("{}{path}", i.base_url);
    Request::new(operation, "POST", url, headers(i), body, i.auth.clone())
}

const PARTS: &str = "/conversations/{intercom_conversation_id}/parts";
const REPLY: &str = "/conversations/{intercom_conversation_id}/reply";

/// The requests one event gives.
pub(super) fn requests(
    i: &Intercom,
    event: &EventView<'_>,
    context: Option<&Context>,
) -> Vec<Request> {
    match (event.data, context) {
        (EventData::HandoffRequested(_), Some(context)) => {
            let primary = event.primary_trigger();
            let mut out = Vec::new();
            if !event.ids.contains_key("intercom_conversation_id") {
                if !event.ids.contains_key("intercom_contact_id") {
                    out.push(create_contact(i, context));
                }
                out.push(create_conversation(i, context));
            }
            out.push(note(i, package::html(context, primary)));
            let (kind, assignee) = match (&i.team_id, &i.assignee_id) {
                (Some(team), _) => ("team", team.clone()),
                (None, Some(admin)) => ("admin", admin.clone()),
                // Refused by configuration parsing; nothing to assign to.
                (None, None) => return out,
            };
            out.push(assign(i, kind, &assignee));
            out
        }
        (EventData::Assigned(_), _) => {
            let Some(text) = package::follow_up(event.data) else {
                return Vec::new();
            };
            let mut out = vec![note(i, format!("<p>{}</p>", package::escape(&text)))];
            let agent = event.assigned_agent();
            if let Some(admin) = i.agent_map.get(agent) {
                out.push(assign(i, "admin", admin));
            }
            out
        }
        (EventData::Message(m), _) if m.from == "customer" => {
            // A conversation the host gave without its contact is the customer's own
            // Messenger conversation: their messages are in it already.
            let given = event.ids.contains_key("intercom_conversation_id");
            if given && !event.ids.contains_key("intercom_contact_id") {
                return Vec::new();
            }
            vec![user_reply(i, &m.text)]
        }
        (EventData::Message(m), _) => vec![admin_reply(i, &m.text)],
        (EventData::Note(n), _) => {
            let text = package::note_text(n);
            vec![note(i, format!("<p>{}</p>", package::escape(&text)))]
        }
        (EventData::CallbackRequested(_) | EventData::ReturnedToAi(_), _) => {
            match package::follow_up(event.data) {
                Some(text) => vec![note(i, format!("<p>{}</p>", package::escape(&text)))],
                None => Vec::new(),
            }
        }
        (EventData::Closed(_), _) if i.close_on_close => {
            // Who closed it goes in a note the teammates see, then the close itself.
            let mut out = Vec::new();
            if let Some(text) = package::follow_up(event.data) {
                out.push(note(i, format!("<p>{}</p>", package::escape(&text))));
            }
            out.push(close(i));
            out
        }
        _ => Vec::new(),
    }
}

/// `POST /contacts` (`create_contact_request`: one of `email`, `external_id`, `role`).
fn create_contact(i: &Intercom, context: &Context) -> Request {
    let c = &context.customer;
    let mut body = Map::new();
    body.insert("role".into(), json!("user"));
    if let Some(id) = &c.id {
        body.insert("external_id".into(), json!(id));
    }
    if let Some(email) = &c.email {
        body.insert("email".into(), json!(email));
    }
    if let Some(phone) = &c.phone {
        body.insert("phone".into(), json!(phone));
    }
    if let Some(name) = &c.name {
        body.insert("name".into(), json!(name));
    }
    let mut r = request(
        i,
        "intercom.create_contact",
        "/contacts".into(),
        Value::Object(body),
    );
    // The response is the contact: `{"type": "contact", "id": "...", ...}`.
    r.yields = Some(("intercom_contact_id", "/id"));
    r
}

/// `POST /conversations` from the contact (`from.type`, `from.id`, `body`: plain text).
fn create_conversation(i: &Intercom, context: &Context) -> Request {
    let mut r = request(
        i,
        "intercom.create_conversation",
        "/conversations".into(),
        json!({
            "from": {"type": "user", "id": "{intercom_contact_id}"},
            // `body` is required; HTML is not supported.
            "body": if context.summary.trim().is_empty() {
                "Conversation handed off by the AI assistant."
            } else {
                context.summary.as_str()
            },
        }),
    );
    r.body_ids = vec![("/from/id", "intercom_contact_id")];
    // The response is a Message: `{"type": "user_message", "id": ..., "conversation_id": ...}`.
    r.yields = Some(("intercom_conversation_id", "/conversation_id"));
    r
}

/// `POST /conversations/{id}/reply` with `message_type: note` (notes accept some HTML).
fn note(i: &Intercom, html: String) -> Request {
    request(
        i,
        "intercom.note",
        REPLY.into(),
        json!({"message_type": "note", "type": "admin", "admin_id": i.admin_id, "body": html}),
    )
}

/// The customer's follow-up: `POST /conversations/{id}/reply` as the contact
/// (`contact_reply_intercom_user_id_request`: `message_type: comment`, `type: user`,
/// `intercom_user_id`, `body`).
fn user_reply(i: &Intercom, text: &str) -> Request {
    let body = json!({
        "message_type": "comment",
        "type": "user",
        "intercom_user_id": "{intercom_contact_id}",
        "body": text,
    });
    let mut r = request(i, "intercom.user_reply", REPLY.into(), body);
    r.body_ids = vec![("/intercom_user_id", "intercom_contact_id")];
    r
}

/// An agent's message: `POST /conversations/{id}/reply` as the integration's admin
/// (`admin_reply_conversation_request`, `message_type: comment`). Written as `admin_id` (not as
/// the agent's mapped admin) so that the `conversation.admin.replied` webhook it causes is
/// known as the engine's own and ignored.
fn admin_reply(i: &Intercom, text: &str) -> Request {
    let body = json!({
        "message_type": "comment",
        "type": "admin",
        "admin_id": i.admin_id,
        "body": format!("<p>{}</p>", package::escape(text)),
    });
    request(i, "intercom.admin_reply", REPLY.into(), body)
}

/// `POST /conversations/{id}/parts` with `message_type: close` (`close_conversation_request`:
/// `type` admin and the acting `admin_id`, required). No `body`: "Optionally you can leave a
/// message in the conversation to provide additional context to the user and other teammates",
/// so it would be a message the customer sees.
fn close(i: &Intercom) -> Request {
    let b = json!({"message_type": "close", "type": "admin", "admin_id": i.admin_id});
    request(i, "intercom.close", PARTS.into(), b)
}

/// `POST /conversations/{id}/parts` with `message_type: assignment` (`assign_conversation_request`:
/// `type` admin or team, `admin_id` acting, `assignee_id`, all ids strings). No `body`: that would
/// be a reply the customer sees.
fn assign(i: &Intercom, kind: &str, assignee: &str) -> Request {
    let b = json!({
        "message_type": "assignment",
        "type": kind,
        "admin_id": i.admin_id,
        "assignee_id": assignee,
    });
    request(i, "intercom.assign", PARTS.into(), b)
}
