//! The fake Intercom (API 2.14): contacts, conversations, admin note replies, assignment and close.
//! A conversation's record lists under `shown_to_customer` every message a request made visible
//! to the customer (a comment, or the `body` of a close or assignment), so tests can hold the
//! engine to sending none.
//!
//! Answers follow github.com/intercom/Intercom-OpenAPI `descriptions/2.14/api.intercom.io.yaml`:
//! the contact, a Message with `conversation_id`, the conversation; errors as `error.list`
//! (400 `parameter_invalid`, 401 `unauthorized`, 404 `not_found`), and 429
//! `rate_limit_exceeded` with `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`
//! (unix seconds; <https://developers.intercom.com/docs/references/rest-api/errors/rate-limiting>).

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use super::{check_auth, check_schema, json_body, Incoming, Reply, Shared, Vendor};

pub(super) fn route(req: &Incoming<'_>) -> Option<&'static str> {
    match (req.method, req.segments().as_slice()) {
        ("POST", ["contacts"]) => Some("create_contact"),
        ("POST", ["conversations"]) => Some("create_conversation"),
        ("POST", ["conversations", _, "reply"]) => Some("reply"),
        ("POST", ["conversations", _, "parts"]) => Some("parts"),
        _ => None,
    }
}

pub(super) fn error(status: u16, code: &str, message: &str) -> Reply {
    Reply::json(
        status,
        json!({"type": "error.list", "request_id": "b8n7a5c3d2e1", "errors": [{"code": code, "message": message}]}),
    )
}

pub(super) fn too_many() -> Reply {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    error(
        429,
        "rate_limit_exceeded",
        "You have exceeded the rate limit. Please try again later.",
    )
    .header("X-RateLimit-Limit", "10000")
    .header("X-RateLimit-Remaining", "0")
    .header("X-RateLimit-Reset", (now + 2).to_string())
}

pub(super) fn handle(s: &mut Shared, route: &str, req: &Incoming<'_>) -> Reply {
    let Vendor::Intercom {
        access_token,
        version,
    } = s.vendor.clone()
    else {
        return error(401, "unauthorized", "Access Token Invalid");
    };
    if !check_auth(s, req, &format!("Bearer {access_token}")) {
        return error(401, "unauthorized", "Access Token Invalid");
    }
    match req.header("intercom-version") {
        Some(v) if v == version => {}
        other => {
            s.violation(format!(
                "{} {}: Intercom-Version {other:?}, expected {version}",
                req.method, req.path
            ));
            return error(
                400,
                "intercom_version_invalid",
                "Requested version is not valid",
            );
        }
    }
    if !req
        .header("accept")
        .is_some_and(|a| a.contains("application/json"))
    {
        s.violation(format!(
            "{} {}: Accept must be application/json",
            req.method, req.path
        ));
    }
    let body = match json_body(s, req) {
        Ok(b) => b,
        Err(e) => return error(400, "parameter_invalid", &e),
    };
    let conversation = req
        .segments()
        .get(1)
        .map(|s| s.to_string())
        .unwrap_or_default();
    let contract = match route {
        "create_contact" => "intercom-create-contact",
        "create_conversation" => "intercom-create-conversation",
        "reply" => match (
            body.get("type").and_then(Value::as_str),
            body.get("message_type").and_then(Value::as_str),
        ) {
            (Some("user"), _) => "intercom-reply-user",
            (_, Some("comment")) => "intercom-reply-comment",
            _ => "intercom-reply-note",
        },
        _ => match body.get("message_type").and_then(Value::as_str) {
            Some("close") => "intercom-close",
            _ => "intercom-assign",
        },
    };
    let problems = check_schema(s, req, contract, &body);
    if !problems.is_empty() {
        return error(400, "parameter_invalid", &problems.join("; "));
    }
    match route {
        "create_contact" => {
            let id = format!("6762f0dd1bb69f9f2193{:04x}", s.next_id());
            let contact = json!({"type": "contact", "id": id, "workspace_id": "ecahpwf5", "role": body["role"],
                                 "external_id": body.get("external_id"), "email": body.get("email"),
                                 "name": body.get("name"), "created_at": 1734537243});
            s.records.insert(id, contact.clone());
            Reply::json(200, contact)
        }
        "create_conversation" => {
            let from = body["from"]["id"].as_str().unwrap_or_default().to_string();
            if !s.records.contains_key(&from) {
                s.violation(format!("POST /conversations from unknown contact {from}"));
                return error(404, "not_found", "User Not Found");
            }
            let conversation_id = s.next_id().to_string();
            s.records.insert(conversation_id.clone(), json!({"type": "conversation", "id": conversation_id, "state": "open", "parts": []}));
            Reply::json(
                200,
                json!({"type": "user_message", "id": s.next_id().to_string(), "created_at": 1734537460,
                                    "body": body["body"], "message_type": "inapp", "conversation_id": conversation_id}),
            )
        }
        _ => {
            let record = s.records.entry(conversation.clone()).or_insert_with(
                // A conversation the host said exists (the customer's Messenger conversation).
                || json!({"type": "conversation", "id": conversation, "state": "open", "parts": []}),
            );
            if let Some(Value::Array(parts)) = record.get_mut("parts") {
                parts.push(body.clone());
            }
            // What the customer sees: an admin's comment (or quick reply), and the `body` of a
            // close, assignment or other part ("a message in the conversation to provide
            // additional context to the user"); notes are for teammates only.
            let shown = match (route, body.get("message_type").and_then(Value::as_str)) {
                ("reply", Some("note")) => None,
                // The customer's own words, written into their conversation.
                ("reply", _) if body["type"] == "user" => None,
                ("reply", _) => Some(body.get("body").cloned().unwrap_or(Value::Null)),
                _ => body.get("body").cloned(),
            };
            if let Some(shown) = shown {
                let list = record
                    .as_object_mut()
                    .map(|o| o.entry("shown_to_customer").or_insert(json!([])));
                if let Some(Value::Array(list)) = list {
                    list.push(shown);
                }
            }
            match body.get("message_type").and_then(Value::as_str) {
                Some("close") => record["state"] = json!("closed"),
                Some("assignment") => {
                    let key = if body["type"] == "team" {
                        "team_assignee_id"
                    } else {
                        "admin_assignee_id"
                    };
                    record[key] = body["assignee_id"].clone();
                }
                _ => {}
            }
            Reply::json(200, record.clone())
        }
    }
}
