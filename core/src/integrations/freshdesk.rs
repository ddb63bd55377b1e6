//! Freshdesk: a ticket per handoff, routed to a group or agent, with private notes as the
//! conversation goes on and the status set when it closes.
//!
//! References (<https://developers.freshdesk.com/api/>):
//! - Create a ticket: <https://developers.freshdesk.com/api/#create_ticket>
//! - Update a ticket: <https://developers.freshdesk.com/api/#update_ticket>
//! - Add a note: <https://developers.freshdesk.com/api/#add_note>
//! - Authentication (`Basic base64(api_key:X)`): <https://developers.freshdesk.com/api/#authentication>
//! - Rate limits (429 with `Retry-After`): <https://developers.freshdesk.com/api/#ratelimit>

use serde_json::{json, Map, Value};

use super::{package, EventView, Request};
use crate::config::Freshdesk;
use crate::wire::event::{EventData, EventName};
use crate::wire::output::Context;

/// The requests one event gives.
pub(super) fn requests(
    f: &Freshdesk,
    event: &EventView<'_>,
    context: Option<&Context>,
) -> Vec<Request> {
    match (event.data, context) {
        (EventData::HandoffRequested(_), Some(context)) => {
            let primary = event.primary_trigger();
            vec![create_ticket(f, context, primary)]
        }
        (data, _) => {
            let Some(note) = package::follow_up(data) else {
                return Vec::new();
            };
            let mut out = vec![add_note(f, &note)];
            let mut update = Map::new();
            match event.name {
                EventName::Assigned => {
                    let agent = event.assigned_agent();
                    if let Some(id) = f.ticketing.agent_map.get(agent) {
                        // `responder_id`: "ID of the agent to whom the ticket has been assigned".
                        update.insert("responder_id".into(), json!(id));
                    }
                }
                EventName::Closed => {
                    if let Some(status) = f.ticketing.close_status {
                        // `status`: 2 Open, 3 Pending, 4 Resolved, 5 Closed.
                        update.insert("status".into(), json!(status));
                    }
                }
                _ => {}
            }
            if !update.is_empty() {
                out.push(update_ticket(f, Value::Object(update)));
            }
            out
        }
    }
}

/// `POST /api/v2/tickets`.
fn create_ticket(f: &Freshdesk, context: &Context, primary: &str) -> Request {
    let c = &context.customer;
    let mut t = Map::new();
    // `subject` and `description` (HTML content of the ticket).
    t.insert("subject".into(), json!(package::subject(context)));
    t.insert("description".into(), json!(package::html(context, primary)));
    // The requester: one of `requester_id`, `email`, `facebook_id`, `phone`, `twitter_id`,
    // `unique_external_id` is mandatory; `name` is mandatory with `phone` alone ("Create a Ticket").
    let name = c.name.clone();
    if let Some(email) = &c.email {
        if let Some(n) = &name {
            t.insert("name".into(), json!(n));
        }
        t.insert("email".into(), json!(email));
    } else if let Some(phone) = &c.phone {
        t.insert(
            "name".into(),
            json!(name.clone().unwrap_or_else(|| phone.clone())),
        );
        t.insert("phone".into(), json!(phone));
    } else {
        let external =
            c.id.clone()
                .unwrap_or_else(|| context.conversation_id.clone());
        t.insert(
            "name".into(),
            json!(name.unwrap_or_else(|| external.clone())),
        );
        t.insert("unique_external_id".into(), json!(external));
    }
    // `priority`: 1 Low, 2 Medium, 3 High, 4 Urgent.
    t.insert(
        "priority".into(),
        json!(f
            .ticketing
            .priority_map
            .get(&context.priority)
            .copied()
            .unwrap_or(2)),
    );
    // `status`: 2 Open.
    t.insert("status".into(), json!(2));
    // `source`: 1 Email, 2 Portal, 3 Phone, 7 Chat, 9 Feedback Widget, 10 Outbound Email.
    t.insert("source".into(), json!(f.source));
    // `tags`: array of strings.
    t.insert(
        "tags".into(),
        json!(package::tags(&f.ticketing.tags, primary, context)),
    );
    // `type`: helps categorize the ticket (the account's ticket types).
    if let Some(ty) = &f.ticketing.ticket_type {
        t.insert("type".into(), json!(ty));
    }
    // `group_id` / `responder_id`: the group and the agent it is assigned to.
    if let Some(g) = f.ticketing.group_id {
        t.insert("group_id".into(), json!(g));
    }
    if let Some(r) = f.ticketing.assignee_id {
        t.insert("responder_id".into(), json!(r));
    }
    Request {
        operation: "freshdesk.create_ticket",
        method: "POST",
        url: format!("{}/api/v2/tickets", f.base_url),
        headers: super::json_headers(),
        body: Value::Object(t),
        auth: f.auth.clone(),
        body_ids: Vec::new(),
        // The response is the ticket: `{"id": 1, "subject": ..., ...}` (201 Created).
        yields: Some(("ticket_id", "/id")),
        idempotent: false,
    }
}

/// `POST /api/v2/tickets/{id}/notes`: `body` (HTML) and `private` (default true).
fn add_note(f: &Freshdesk, note: &str) -> Request {
    Request {
        operation: "freshdesk.add_note",
        method: "POST",
        url: format!("{}/api/v2/tickets/{{ticket_id}}/notes", f.base_url),
        headers: super::json_headers(),
        body: json!({"body": format!("<p>{}</p>", package::escape(note)), "private": true}),
        auth: f.auth.clone(),
        body_ids: Vec::new(),
        yields: None,
        idempotent: false,
    }
}

/// `PUT /api/v2/tickets/{id}`.
fn update_ticket(f: &Freshdesk, body: Value) -> Request {
    Request {
        operation: "freshdesk.update_ticket",
        method: "PUT",
        url: format!("{}/api/v2/tickets/{{ticket_id}}", f.base_url),
        headers: super::json_headers(),
        body,
        auth: f.auth.clone(),
        body_ids: Vec::new(),
        yields: None,
        idempotent: false,
    }
}
