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

use super::{package, EventView, Request};
use crate::config::{Sunshine, Zendesk};
use crate::wire::event::{EventData, EventName, ReturnedToAi};
use crate::wire::output::Context;

/// The requests one event gives.
pub(super) fn requests(
    z: &Zendesk,
    event: &EventView<'_>,
    context: Option<&Context>,
) -> Vec<Request> {
    match (event.data, context) {
        (EventData::HandoffRequested(_), Some(context)) => {
            let primary = event.primary_trigger();
            let mut out = vec![create_ticket(z, context, primary)];
            if let Some(sunshine) = &z.sunshine {
                if event.ids.contains_key("sunshine_conversation_id") {
                    out.push(pass_control(z, sunshine, context, primary));
                }
            }
            out
        }
        (EventData::Message(m), _) if m.from == "customer" => vec![customer_comment(z, &m.text)],
        (EventData::Message(m), _) => vec![comment(z, &m.text, true)],
        (EventData::Note(n), _) => vec![comment(z, &package::note_text(n), false)],
        (EventData::ReturnedToAi(r), _) => {
            let mut out = Vec::new();
            if let Some(note) = package::follow_up(event.data) {
                out.push(comment(z, &note, false));
            }
            // Take the messaging conversation back from the agents, when it was passed.
            if let Some(sunshine) = &z.sunshine {
                if let (Some(bot), true) = (
                    &sunshine.bot_integration,
                    event.ids.contains_key("sunshine_conversation_id"),
                ) {
                    out.push(take_back(z, sunshine, bot, r));
                }
            }
            out
        }
        (data, _) => match package::follow_up(data) {
            Some(note) => vec![update_ticket(z, event, note)],
            None => Vec::new(),
        },
    }
}

/// `PUT /api/v2/tickets/{ticket_id}` with one comment: public (the customer's side of the
/// conversation, which the agents read as the ticket's thread) or an internal note.
fn comment(z: &Zendesk, text: &str, public: bool) -> Request {
    // Ticket comments are created by updating the ticket with a `comment` (ticket_comments:
    // "Creating ticket comments"); `public: false` makes it an internal note.
    Request::new(
        "zendesk.comment",
        "PUT",
        format!("{}/api/v2/tickets/{{ticket_id}}", z.base_url),
        super::json_headers(),
        json!({"ticket": {"comment": {"body": text, "public": public}}}),
        z.auth.clone(),
    )
}

/// The customer's follow-up as a public comment by the ticket's requester: `author_id` "If null
/// or omitted on create, defaults to the authenticated user" (ticket_comments, Author id), so it
/// is the requester's id read from the create-ticket response, when the response gave one.
fn customer_comment(z: &Zendesk, text: &str) -> Request {
    let mut r = comment(z, text, true);
    r.operation = "zendesk.customer_comment";
    r.body = json!({"ticket": {"comment": {"body": text, "public": true, "author_id": 0}}});
    r.optional_body_ids = vec![("/ticket/comment/author_id", "zendesk_requester_id")];
    r
}

/// `passControl` to the bot's switchboard integration: the conversation is the AI's again.
fn take_back(z: &Zendesk, s: &Sunshine, bot: &str, r: &ReturnedToAi) -> Request {
    let mut request = pass_control_to(z, s, bot);
    request.operation = "zendesk.take_back_control";
    request.body["metadata"] = pass_control_metadata(&[
        ("handoff_conversation_id", &r.conversation_id),
        ("handoff_returned_by", &r.agent_id),
        ("handoff_note", r.note.as_deref().unwrap_or("")),
    ]);
    request
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
    if let Some(p) = z.ticketing.priority_map.get(&context.priority) {
        ticket.insert("priority".into(), json!(p));
    }
    // `type`: "problem", "incident", "question", or "task" (Ticket JSON format).
    if let Some(t) = &z.ticketing.ticket_type {
        ticket.insert("type".into(), json!(t));
    }
    // `tags`: an array of tags applied to the ticket (Ticket JSON format).
    ticket.insert(
        "tags".into(),
        json!(package::tags(&z.ticketing.tags, primary, context)),
    );
    // `external_id`: "An id you can use to link Zendesk Support tickets to local records".
    ticket.insert("external_id".into(), json!(context.conversation_id));
    // `group_id` / `assignee_id`: the group and agent the ticket is assigned to.
    if let Some(g) = z.ticketing.group_id {
        ticket.insert("group_id".into(), json!(g));
    }
    if let Some(a) = z.ticketing.assignee_id {
        ticket.insert("assignee_id".into(), json!(a));
    }
    let mut r = Request::new(
        "zendesk.create_ticket",
        "POST",
        format!("{}/api/v2/tickets", z.base_url),
        super::json_headers(),
        json!({ "ticket": ticket }),
        z.auth.clone(),
    );
    // The response is `{"ticket": {"id": 35436, "requester_id": ..., "submitter_id": ...}}`
    // (201 Created). The requester writes the customer's comments; the submitter is the API
    // user ("The submitter always becomes the author of the first comment"): comments by either
    // are the engine's own, which a `ticket.comment_added` webhook brings back and is ignored.
    r.yields = Some(("ticket_id", "/ticket/id"));
    r.also_yields = vec![
        ("zendesk_requester_id", "/ticket/requester_id"),
        ("zendesk_api_user_id", "/ticket/submitter_id"),
    ];
    r.idempotent = true;
    r
}

/// `PUT /api/v2/tickets/{ticket_id}`: an internal comment, and the status or assignee the event
/// implies.
fn update_ticket(z: &Zendesk, event: &EventView<'_>, note: String) -> Request {
    let mut ticket = Map::new();
    // Adding a comment is done by updating the ticket with a `comment` (update-ticket).
    ticket.insert("comment".into(), json!({"body": note, "public": false}));
    match event.name {
        EventName::Assigned => {
            // `status`: "new", "open", "pending", "hold", "solved" or "closed".
            ticket.insert("status".into(), json!("open"));
            let agent = event.assigned_agent();
            if let Some(user) = z.ticketing.agent_map.get(agent) {
                ticket.insert("assignee_id".into(), json!(user));
            }
        }
        EventName::Closed => {
            if let Some(status) = &z.ticketing.close_status {
                ticket.insert("status".into(), json!(status));
            }
        }
        _ => {}
    }
    Request::new(
        "zendesk.update_ticket",
        "PUT",
        format!("{}/api/v2/tickets/{{ticket_id}}", z.base_url),
        super::json_headers(),
        json!({ "ticket": ticket }),
        z.auth.clone(),
    )
}

/// `POST /sc/v2/apps/{appId}/conversations/{conversationId}/passControl` to `to`.
fn pass_control_to(z: &Zendesk, s: &Sunshine, to: &str) -> Request {
    Request::new(
        "zendesk.pass_control",
        "POST",
        format!(
            "{}/sc/v2/apps/{}/conversations/{{sunshine_conversation_id}}/passControl",
            z.base_url, s.app_id
        ),
        super::json_headers(),
        // `passControlBody`: `switchboardIntegration` (required: an id, a name, an integration type
        // or "next") and `metadata` (flat string/number/boolean values, at most 4 KB).
        json!({"switchboardIntegration": to, "metadata": {}}),
        s.auth.clone(),
    )
}

/// `passControl` to the agents' switchboard integration, with what the handoff knows.
fn pass_control(z: &Zendesk, s: &Sunshine, context: &Context, primary: &str) -> Request {
    let mut request = pass_control_to(z, s, &s.switchboard_integration);
    request.body["metadata"] = pass_control_metadata(&[
        ("handoff_conversation_id", &context.conversation_id),
        ("handoff_trigger", primary),
        ("handoff_priority", context.priority.name()),
        ("handoff_summary", &context.summary),
    ]);
    request
}

/// Most bytes of pass-control `metadata`, as JSON text: "The metadata is limited to 4KB in size"
/// (`passControlBody`), read as 4,000 bytes so that either reading of "4KB" holds.
pub(crate) const SUNSHINE_METADATA_MAX_BYTES: usize = 4000;

/// The pass-control `metadata`: the string fields in order, each cut (on a character boundary,
/// ending in `…`) to what is left of [`SUNSHINE_METADATA_MAX_BYTES`] once the keys, the
/// punctuation and the fields before it are counted, so the object's JSON text always fits,
/// whatever the input (multi-byte text, characters JSON escapes, long ids). In practice only the
/// summary, which comes last, is ever cut.
fn pass_control_metadata(fields: &[(&str, &str)]) -> Value {
    // `{` `}`, a `,` between fields, and per field `"key":""`.
    let fixed: usize = 2
        + fields.len().saturating_sub(1)
        + fields
            .iter()
            .map(|(k, _)| json_str_len(k) + 5)
            .sum::<usize>();
    let mut left = SUNSHINE_METADATA_MAX_BYTES.saturating_sub(fixed);
    let mut metadata = Map::new();
    for (key, value) in fields {
        let value = clip_json(value, left);
        left -= json_str_len(&value);
        metadata.insert((*key).to_string(), Value::String(value));
    }
    Value::Object(metadata)
}

/// Bytes `c` takes inside a JSON string as `serde_json` writes it: `\"`, `\\` and the short
/// escapes take 2, other control characters 6 (`\u001f`), the rest their UTF-8 length.
fn json_char_len(c: char) -> usize {
    match c {
        '"' | '\\' | '\u{8}' | '\u{c}' | '\n' | '\r' | '\t' => 2,
        c if (c as u32) < 0x20 => 6,
        c => c.len_utf8(),
    }
}

/// Bytes of `s` inside a JSON string, quotes not counted.
fn json_str_len(s: &str) -> usize {
    s.chars().map(json_char_len).sum()
}

/// `s` if it takes at most `max` bytes inside a JSON string; otherwise its longest prefix (whole
/// characters, trailing spaces trimmed) that fits with `…` after it.
fn clip_json(s: &str, max: usize) -> String {
    if json_str_len(s) <= max {
        return s.to_string();
    }
    const ELLIPSIS: &str = "…";
    let Some(room) = max.checked_sub(ELLIPSIS.len()) else {
        return String::new();
    };
    let mut used = 0;
    let mut end = 0;
    for (i, c) in s.char_indices() {
        used += json_char_len(c);
        if used > room {
            break;
        }
        end = i + c.len_utf8();
    }
    format!("{}{ELLIPSIS}", s[..end].trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn metadata_len(fields: &[(&str, &str)]) -> usize {
        pass_control_metadata(fields).to_string().len()
    }

    #[test]
    fn json_char_len_is_what_serde_json_writes() {
        let samples = (0u32..0x80).chain([
            0xe9, 0x7ff, 0x800, 0x2028, 0xfeff, 0xffff, 0x1_0000, 0x1f600, 0x10_ffff,
        ]);
        for c in samples.filter_map(char::from_u32) {
            let written = Value::String(c.to_string()).to_string().len() - 2;
            assert_eq!(json_char_len(c), written, "{c:?}");
        }
    }

    #[test]
    fn the_worst_case_fits_in_4_kb() {
        // Ids at their longest (256 bytes), every character escaped to 6 bytes; 64 KiB of
        // four-byte characters, and of escaped ones, as the summary.
        let id = "\u{1}".repeat(256);
        let trigger = "\"".repeat(256);
        for summary in [
            "😀".repeat(16 * 1024),
            "\u{1f}".repeat(64 * 1024),
            "é".repeat(32 * 1024),
            format!("{}😀", "a".repeat(4000)),
        ] {
            for conversation in [id.as_str(), "conv_1"] {
                let fields = [
                    ("handoff_conversation_id", conversation),
                    ("handoff_trigger", trigger.as_str()),
                    ("handoff_priority", "urgent"),
                    ("handoff_summary", summary.as_str()),
                ];
                let len = metadata_len(&fields);
                assert!(len <= SUNSHINE_METADATA_MAX_BYTES, "{len} bytes");
                // Nothing is cut that fits: the ids are whole, the summary fills the rest.
                let m = pass_control_metadata(&fields);
                assert_eq!(m["handoff_conversation_id"], conversation);
                assert!(
                    len > SUNSHINE_METADATA_MAX_BYTES - 8,
                    "{len} bytes: room left unused"
                );
                assert!(m["handoff_summary"]
                    .as_str()
                    .is_some_and(|s| s.ends_with('…')));
            }
        }
    }

    #[test]
    fn a_summary_that_fits_is_sent_whole() {
        let m = pass_control_metadata(&[
            ("handoff_conversation_id", "c1"),
            ("handoff_summary", "Refund late."),
        ]);
        assert_eq!(
            m,
            json!({"handoff_conversation_id": "c1", "handoff_summary": "Refund late."})
        );
    }

    proptest! {
        #[test]
        fn metadata_always_fits_and_keeps_a_prefix(
            conversation in "\\PC{0,64}|[\\x00-\\x1f\"\\\\]{0,256}",
            trigger in "[a-z_]{1,32}|\\PC{0,300}",
            summary in "\\PC{0,3000}|[\\x00-\\x7f]{0,5000}|[é😀\\x01\"]{0,3000}",
        ) {
            let fields = [
                ("handoff_conversation_id", conversation.as_str()),
                ("handoff_trigger", trigger.as_str()),
                ("handoff_priority", "normal"),
                ("handoff_summary", summary.as_str()),
            ];
            let m = pass_control_metadata(&fields);
            prop_assert!(m.to_string().len() <= SUNSHINE_METADATA_MAX_BYTES);
            for (key, input) in fields {
                let sent = m[key].as_str().unwrap_or_default();
                match sent.strip_suffix('…') {
                    Some(cut) if sent != input => prop_assert!(input.starts_with(cut)),
                    _ => prop_assert_eq!(sent, input),
                }
            }
        }
    }
}
