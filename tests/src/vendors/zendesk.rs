//! The fake Zendesk: tickets (create with `Idempotency-Key`, update) and Sunshine pass-control.
//!
//! Answers follow <https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/>:
//! 201 `{"ticket": {...}}` on create (the same ticket again, with `x-idempotency-lookup: hit`,
//! for a repeated key), 200 on update, 422 `RecordInvalid` for a bad body, 401 for bad
//! credentials, 404 for an unknown ticket, and 429 with `Retry-After` (plain-text body) when
//! throttled (<https://developer.zendesk.com/api-reference/introduction/rate-limits/>).

use serde_json::{json, Value};

use super::{basic, check_auth, check_schema, json_body, Incoming, Reply, Shared, Vendor};

pub(super) fn route(req: &Incoming<'_>) -> Option<&'static str> {
    match (req.method, req.segments().as_slice()) {
        ("POST", ["api", "v2", "tickets" | "tickets.json"]) => Some("create_ticket"),
        ("PUT", ["api", "v2", "tickets", _]) => Some("update_ticket"),
        ("POST", ["sc", "v2", "apps", _, "conversations", _, "passControl"]) => {
            Some("pass_control")
        }
        _ => None,
    }
}

pub(super) fn too_many() -> Reply {
    Reply {
        status: 429,
        headers: vec![
            ("Retry-After".into(), "2".into()),
            ("X-Rate-Limit".into(), "700".into()),
            ("X-Rate-Limit-Remaining".into(), "0".into()),
        ],
        body: "Too Many Requests".into(),
    }
}

fn invalid(problems: &[String]) -> Reply {
    Reply::json(
        422,
        json!({"error": "RecordInvalid", "description": "Record validation errors",
               "details": {"base": problems.iter().map(|p| json!({"description": p})).collect::<Vec<_>>()}}),
    )
}

fn unauthorized() -> Reply {
    Reply::json(401, json!({"error": "Couldn't authenticate you"}))
}

pub(super) fn handle(s: &mut Shared, route: &str, req: &Incoming<'_>) -> Reply {
    let Vendor::Zendesk {
        email,
        api_token,
        sunshine,
    } = s.vendor.clone()
    else {
        return unauthorized();
    };
    let expected = match route {
        "pass_control" => match &sunshine {
            Some((key, secret)) => basic(key, secret),
            None => {
                s.violation("pass-control sent, but this fake has no Sunshine credentials".into());
                return unauthorized();
            }
        },
        _ => basic(&format!("{email}/token"), &api_token),
    };
    if !check_auth(s, req, &expected) {
        return unauthorized();
    }
    let body = match json_body(s, req) {
        Ok(b) => b,
        Err(e) => return Reply::json(400, json!({"error": "InvalidJSON", "description": e})),
    };
    match route {
        "create_ticket" => create(s, req, &body),
        "update_ticket" => update(s, req, &body),
        _ => {
            let problems = check_schema(s, req, "sunshine-pass-control", &body);
            if !problems.is_empty() {
                return Reply::json(
                    400,
                    json!({"errors": [{"code": "bad_request", "title": problems.join("; ")}]}),
                );
            }
            Reply::json(200, json!({}))
        }
    }
}

fn create(s: &mut Shared, req: &Incoming<'_>, body: &Value) -> Reply {
    let Some(key) = req.header("idempotency-key").map(str::to_string) else {
        s.violation("POST /api/v2/tickets without an Idempotency-Key".into());
        return Reply::json(400, json!({"error": "MissingIdempotencyKey"}));
    };
    // Every request is checked, a repeated one too.
    let problems = check_schema(s, req, "zendesk-create-ticket", body);
    if !problems.is_empty() {
        return invalid(&problems);
    }
    if let Some(ticket) = s.seen_keys.get(&key).cloned() {
        return Reply::json(201, json!({"ticket": ticket})).header("x-idempotency-lookup", "hit");
    }
    let id = s.next_id();
    let t = &body["ticket"];
    let ticket = json!({
        "url": format!("https://example.zendesk.com/api/v2/tickets/{id}.json"),
        "id": id,
        "external_id": t.get("external_id"),
        "type": t.get("type"),
        "subject": t.get("subject"),
        "description": t["comment"].get("body"),
        "priority": t.get("priority"),
        "status": "new",
        "requester_id": 20978392,
        "submitter_id": 1200,
        "assignee_id": t.get("assignee_id"),
        "group_id": t.get("group_id"),
        "tags": t.get("tags").cloned().unwrap_or(json!([])),
        "created_at": "2026-01-12T10:30:00Z",
    });
    s.records.insert(id.to_string(), ticket.clone());
    s.seen_keys.insert(key, ticket.clone());
    Reply::json(
        201,
        json!({"ticket": ticket, "audit": {"id": id * 10, "ticket_id": id}}),
    )
    .header(
        "Location",
        format!("https://example.zendesk.com/api/v2/tickets/{id}.json"),
    )
    .header("x-idempotency-lookup", "miss")
}

fn update(s: &mut Shared, req: &Incoming<'_>, body: &Value) -> Reply {
    let id = req
        .segments()
        .get(3)
        .map(|s| s.trim_end_matches(".json").to_string())
        .unwrap_or_default();
    let problems = check_schema(s, req, "zendesk-update-ticket", body);
    if !problems.is_empty() {
        return invalid(&problems);
    }
    let Some(ticket) = s.records.get_mut(&id) else {
        s.violations
            .push(format!("PUT {}: no ticket {id}", req.path));
        return Reply::json(
            404,
            json!({"error": "RecordNotFound", "description": "Not found"}),
        );
    };
    let t = &body["ticket"];
    for key in ["status", "assignee_id", "group_id", "priority"] {
        if let Some(v) = t.get(key) {
            ticket[key] = v.clone();
        }
    }
    if let Some(c) = t.get("comment") {
        let comments = ticket
            .as_object_mut()
            .map(|o| o.entry("comments").or_insert(json!([])));
        if let Some(Value::Array(list)) = comments {
            list.push(c.clone());
        }
    }
    Reply::json(200, json!({"ticket": ticket.clone()}))
}
