//! The fake Freshdesk: tickets (create, update) and notes.
//!
//! Answers follow <https://developers.freshdesk.com/api/>: 201 with the ticket on create, 201
//! with the note, 200 on update; 400 `Validation failed` with `errors[{field, message, code}]` for
//! a bad body, 401 `invalid_credentials`, 404 for an unknown ticket, and 429 with `Retry-After`
//! and the `X-RateLimit-*` headers when throttled
//! (<https://developers.freshdesk.com/api/#ratelimit>).

use serde_json::{json, Value};

use super::{basic, check_auth, check_schema, json_body, Incoming, Reply, Shared, Vendor};

pub(super) fn route(req: &Incoming<'_>) -> Option<&'static str> {
    match (req.method, req.segments().as_slice()) {
        ("POST", ["api", "v2", "tickets"]) => Some("create_ticket"),
        ("PUT", ["api", "v2", "tickets", _]) => Some("update_ticket"),
        ("POST", ["api", "v2", "tickets", _, "notes"]) => Some("add_note"),
        _ => None,
    }
}

pub(super) fn too_many() -> Reply {
    Reply::json(
        429,
        json!({"message": "You have exceeded the limit of requests per minute"}),
    )
    .header("Retry-After", "2")
    .header("X-RateLimit-Total", "200")
    .header("X-RateLimit-Remaining", "0")
    .header("X-RateLimit-Used-CurrentRequest", "1")
}

fn invalid(problems: &[String]) -> Reply {
    Reply::json(
        400,
        json!({"description": "Validation failed",
               "errors": problems.iter().map(|p| json!({"field": "body", "message": p, "code": "invalid_value"})).collect::<Vec<_>>()}),
    )
}

pub(super) fn handle(s: &mut Shared, route: &str, req: &Incoming<'_>) -> Reply {
    let Vendor::Freshdesk { api_key } = s.vendor.clone() else {
        return Reply::json(401, json!({}));
    };
    if !check_auth(s, req, &basic(&api_key, "X")) {
        return Reply::json(
            401,
            json!({"code": "invalid_credentials", "message": "You have to be logged in to perform this action."}),
        );
    }
    let body = match json_body(s, req) {
        Ok(b) => b,
        Err(e) => return invalid(&[e]),
    };
    let ticket_id = req
        .segments()
        .get(3)
        .map(|s| s.to_string())
        .unwrap_or_default();
    if route != "create_ticket" && !s.records.contains_key(&ticket_id) {
        s.violation(format!(
            "{} {}: no ticket {ticket_id}",
            req.method, req.path
        ));
        return Reply::json(
            404,
            json!({"code": "access_denied", "message": "Record not found"}),
        );
    }
    let contract = match route {
        "create_ticket" => "freshdesk-create-ticket",
        "update_ticket" => "freshdesk-update-ticket",
        _ => "freshdesk-add-note",
    };
    let problems = check_schema(s, req, contract, &body);
    if !problems.is_empty() {
        return invalid(&problems);
    }
    match route {
        "create_ticket" => {
            let id = s.next_id();
            let mut ticket = body.clone();
            ticket["id"] = json!(id);
            ticket["requester_id"] = json!(5_000_000_000u64 + id);
            ticket["created_at"] = json!("2026-01-12T10:30:00Z");
            ticket["description_text"] = json!("");
            s.records.insert(id.to_string(), ticket.clone());
            Reply::json(201, ticket).header("Location", format!("/api/v2/tickets/{id}"))
        }
        "update_ticket" => {
            let ticket = s.records.entry(ticket_id).or_insert(json!({}));
            if let (Some(t), Some(changes)) = (ticket.as_object_mut(), body.as_object()) {
                for (k, v) in changes {
                    t.insert(k.clone(), v.clone());
                }
            }
            Reply::json(200, ticket.clone())
        }
        _ => {
            let id = s.next_id();
            let note = json!({"id": id, "body": body["body"], "body_text": "", "private": body.get("private").cloned().unwrap_or(Value::Bool(true)),
                              "incoming": false, "ticket_id": ticket_id.parse::<u64>().unwrap_or(0), "created_at": "2026-01-12T10:30:00Z"});
            if let Some(Value::Array(list)) = s
                .records
                .get_mut(&ticket_id)
                .and_then(|t| t.as_object_mut())
                .map(|t| t.entry("notes").or_insert(json!([])))
            {
                list.push(note.clone());
            }
            Reply::json(201, note)
        }
    }
}
