//! Zendesk Support: a ticket per handoff, updated as the conversation goes on; optionally the
//! live messaging conversation handed to the Agent Workspace (Sunshine Conversations pass-control).
//!
//! References:
//! - Create ticket: <https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#create-ticket>
//! - Update ticket: <https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#update-ticket>
//! - Comments (`public: false` is an internal note):
//!   <https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_comments/>
//! - Idempotency-Key on ticket creation:
//!   <https://developer.zendesk.com/api-reference/ticketing/introduction/#idempotency>
//! - Authentication (`{email}/token:{api_token}` or OAuth bearer):
//!   <https://developer.zendesk.com/api-reference/introduction/security-and-auth/>
//! - Pass control: <https://developer.zendesk.com/api-reference/conversations/#tag/SwitchboardActions/operation/PassControl>
//!   (schema `passControlBody` in github.com/zendesk/sunshine-conversations-api-spec, `openapi.yaml`)

use serde_json::{json, Map, Value};

use super::config::Zendesk;
use super::{package, EventView, Request};
use crate::output::Context;

/// The requests one event gives.
pub(super) fn requests(
    z: &Zendesk,
    event: &EventView<'_>,
    context: Option<&Context>,
) -> Vec<Request> {
    match (event.name, context) {
        ("conversation.handoff_requested", Some(context)) => {
            let primary = event.primary_trigger();
            let mut out = vec![create_ticket(z, context, primary)];
            if let Some(sunshine) = &z.sunshine {
                if event.ids.contains_key("sunshine_conversation_id") {
                    out.push(pass_control(z, sunshine, context, primary));
                }
            }
            out
        }
        (name, _) => match package::follow_up(name, event.data) {
            Some(note) => vec![update_ticket(z, event, note)],
            None => Vec::new(),
        },
    }
}

/// `POST /api/v2/tickets` with the context package as the first, internal comment.
fn create_ticket(z: &Zendesk, context: &Context, primary: &str) -> Request {
    let mut ticket = Map::new();
    // `subject`: "The value of the subject field for this ticket" (create-ticket, Ticket JSON format).
    ticket.insert("subject".into(), json!(package::subject(context)));
    // `comment`: required on create; `body` plain text, `public: false` makes it an internal note
    // (ticket_comments: "public — true if a public comment; false if an internal note").
    ticket.insert(
        "comment".into(),
        json!({"body": package::text(context, primary), "public": false}),
    );
    // `requester`: `{name, email}` creates the end user when unknown ("Creating a ticket with a
    // new requester", create-ticket). Without an email the authenticated user is the requester.
    if let Some(email) = &context.customer.email {
        let name = context
            .customer
            .name
            .clone()
            .unwrap_or_else(|| email.clone());
        ticket.insert("requester".into(), json!({"name": name, "email": email}));
    }
    // `priority`: "urgent", "high", "normal", or "low" (Ticket JSON format).
    if let Some(p) = z.priority_map.get(&context.priority) {
        ticket.insert("priority".into(), json!(p));
    }
    // `type`: "problem", "incident", "question", or "task" (Ticket JSON format).
    if let Some(t) = &z.ticket_type {
        ticket.insert("type".into(), json!(t));
    }
    // `tags`: an array of tags applied to the ticket (Ticket JSON format).
    ticket.insert(
        "tags".into(),
        json!(package::tags(&z.tags, primary, context)),
    );
    // `external_id`: "An id you can use to link Zendesk Support tickets to local records".
    ticket.insert("external_id".into(), json!(context.conversation_id));
    // `group_id` / `assignee_id`: the group and agent the ticket is assigned to.
    if let Some(g) = z.group_id {
        ticket.insert("group_id".into(), json!(g));
    }
    if let Some(a) = z.assignee_id {
        ticket.insert("assignee_id".into(), json!(a));
    }
    Request {
        operation: "zendesk.create_ticket",
        method: "POST",
        url: format!("{}/api/v2/tickets", z.base_url),
        headers: super::json_headers(),
        body: json!({ "ticket": ticket }),
        auth: z.auth.clone(),
        body_ids: Vec::new(),
        // The response is `{"ticket": {"id": 35436, ...}}` (201 Created).
        yields: Some(("ticket_id", "/ticket/id")),
        idempotent: true,
    }
}

/// `PUT /api/v2/tickets/{ticket_id}`: an internal comment, and the status or assignee the event
/// implies.
fn update_ticket(z: &Zendesk, event: &EventView<'_>, note: String) -> Request {
    let mut ticket = Map::new();
    // Adding a comment is done by updating the ticket with a `comment` (update-ticket).
    ticket.insert("comment".into(), json!({"body": note, "public": false}));
    match event.name {
        "conversation.assigned" => {
            // `status`: "new", "open", "pending", "hold", "solved" or "closed".
            ticket.insert("status".into(), json!("open"));
            let agent = event
                .data
                .get("agent_id")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if let Some(user) = z.agent_map.get(agent) {
                ticket.insert("assignee_id".into(), json!(user));
            }
        }
        "conversation.closed" => {
            if let Some(status) = &z.close_status {
                ticket.insert("status".into(), json!(status));
            }
        }
        _ => {}
    }
    Request {
        operation: "zendesk.update_ticket",
        method: "PUT",
        url: format!("{}/api/v2/tickets/{{ticket_id}}", z.base_url),
        headers: super::json_headers(),
        body: json!({ "ticket": ticket }),
        auth: z.auth.clone(),
        body_ids: Vec::new(),
        yields: None,
        idempotent: false,
    }
}

/// `POST /sc/v2/apps/{appId}/conversations/{conversationId}/passControl`.
fn pass_control(z: &Zendesk, s: &super::Sunshine, context: &Context, primary: &str) -> Request {
    let summary: String = context.summary.chars().take(1000).collect();
    Request {
        operation: "zendesk.pass_control",
        method: "POST",
        url: format!(
            "{}/sc/v2/apps/{}/conversations/{{sunshine_conversation_id}}/passControl",
            z.base_url, s.app_id
        ),
        headers: super::json_headers(),
        // `passControlBody`: `switchboardIntegration` (required: an id, a name, an integration type
        // or "next") and `metadata` (flat string/number/boolean values, at most 4 KB).
        body: json!({
            "switchboardIntegration": s.switchboard_integration,
            "metadata": {
                "handoff_conversation_id": context.conversation_id,
                "handoff_trigger": primary,
                "handoff_priority": context.priority.name(),
                "handoff_summary": summary,
            }
        }),
        auth: s.auth.clone(),
        body_ids: Vec::new(),
        yields: None,
        idempotent: false,
    }
}
