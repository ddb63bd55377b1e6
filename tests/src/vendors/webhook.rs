//! The fake custom-webhook receiver: verifies the Standard Webhooks signature
//! (github.com/standard-webhooks/standard-webhooks, `spec/standard-webhooks.md`: `webhook-id`,
//! `webhook-timestamp` within 5 minutes, `webhook-signature: v1,<base64>`), checks the body
//! against `webhook-event`, dedupes on `webhook-id`, and answers 204.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::json;

use super::{check_schema, json_body, Incoming, Reply, Shared};

pub(super) fn handle(s: &mut Shared, secret: &str, req: &Incoming<'_>) -> Reply {
    let (Some(id), Some(ts), Some(sig)) = (
        req.header("webhook-id"),
        req.header("webhook-timestamp"),
        req.header("webhook-signature"),
    ) else {
        s.violation(format!(
            "POST {}: Standard Webhooks headers missing",
            req.path
        ));
        return Reply::json(400, json!({"error": "missing signature headers"}));
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let verified = ts
        .parse::<i64>()
        .map_err(|_| "bad webhook-timestamp".to_string())
        .and_then(|ts| {
            handoff_core::signing::verify_at(secret, id, ts, req.body.as_bytes(), sig, now)
                .map_err(|e| e.to_string())
        });
    if let Err(e) = verified {
        s.violation(format!("POST {}: signature rejected: {e}", req.path));
        return Reply::json(401, json!({"error": "invalid signature"}));
    }
    let body = match json_body(s, req) {
        Ok(b) => b,
        Err(e) => return Reply::json(400, json!({"error": e})),
    };
    if !check_schema(s, req, "webhook-event", &body).is_empty() {
        return Reply::json(400, json!({"error": "unexpected payload"}));
    }
    s.seen_keys.insert(id.to_string(), body.clone());
    let n = s.next_id();
    s.records.insert(format!("event_{n}"), body);
    Reply {
        status: 204,
        headers: Vec::new(),
        body: String::new(),
    }
}
