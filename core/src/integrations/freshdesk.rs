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
        (EventData::Message(m), _) if m.from == "customer" => vec![customer_note(f, &m.text)],
        // An agent's message as a public note, not a reply: a reply emails the requester, who
        // reads the agent in the chat already.
        (EventData::Message(m), _) => vec![note_request(f, &m.text, false)],
        (EventData::Note(n), _) => vec![add_note(f, &package::note_text(n))],
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
    let mut r = Request::new(
        "freshdesk.create_ticket",
        "POST",
        format!("{}/api/v2/tickets", f.base_url),
        super::json_headers(),
        Value::Object(t),
        f.auth.clone(),
    );
    // The response is the ticket: `{"id": 1, "requester_id": 129, ...}` (201 Created).
    r.yields = Some(("ticket_id", "/id"));
    r.also_yields = vec![("freshdesk_requester_id", "/requester_id")];
    r
}

/// `POST /api/v2/tickets/{id}/notes`: `body` (HTML) and `private` (default true).
fn note_request(f: &Freshdesk, text: &str, private: bool) -> Request {
    Request::new(
        "freshdesk.add_note",
        "POST",
        format!("{}/api/v2/tickets/{{ticket_id}}/notes", f.base_url),
        super::json_headers(),
        json!({"body": format!("<p>{}</p>", package::escape(text)), "private": private}),
        f.auth.clone(),
    )
}

/// A private note for the agents.
fn add_note(f: &Freshdesk, note: &str) -> Request {
    note_request(f, note, true)
}

/// The customer's follow-up as a public note by the requester: `incoming` "Set to true if a
/// particular note should appear as being created from outside (i.e., not through web portal)",
/// `user_id` "ID of the agent/user who is adding the note" (the requester, when the
/// create-ticket response gave one).
fn customer_note(f: &Freshdesk, text: &str) -> Request {
    let mut r = note_request(f, text, false);
    r.operation = "freshdesk.customer_note";
    r.body["incoming"] = json!(true);
    r.body["user_id"] = json!(0);
    r.optional_body_ids = vec![("/user_id", "freshdesk_requester_id")];
    r
}

/// `PUT /api/v2/tickets/{id}`.
fn update_ticket(f: &Freshdesk, body: Value) -> Request {
    Request::new(
        "freshdesk.update_ticket",
        "PUT",
        format!("{}/api/v2/tickets/{{ticket_id}}", f.base_url),
        super::json_headers(),
        body,
        f.auth.clone(),
    )
}
