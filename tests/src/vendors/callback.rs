//! The fake vendors call back: an agent "answers in the helpdesk", the fake records it as the
//! vendor would (a ticket comment, a conversation part) and posts the vendor's own webhook to the
//! service, signed the vendor's way:
//!
//! - Zendesk: `zen:event-type:ticket.comment_added`, `X-Zendesk-Webhook-Signature` = base64
//!   HMAC-SHA256 of `X-Zendesk-Webhook-Signature-Timestamp` + body
//!   (<https://developer.zendesk.com/documentation/webhooks/verifying/>);
//! - Intercom: `conversation.admin.replied` / `.noted`, `X-Hub-Signature: sha1=` hex HMAC-SHA1 of
//!   the body with the client secret
//!   (<https://developers.intercom.com/docs/references/webhooks/webhook-models>);
//! - Freshdesk: an automation rule's webhook, the JSON `docs/serve.md` gives it, with the shared
//!   secret as `X-Handoff-Secret` (Freshdesk signs nothing);
//! - Sunshine Conversations (a Zendesk fake with `sunshine`): a v2 `conversation:message` by the
//!   business, with the webhook's secret as `X-API-Key`.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};

use super::{lock, FakeVendor, Vendor};

/// Where a fake vendor posts its webhooks, and the secret it signs them with.
#[derive(Debug, Clone)]
pub struct CallBack {
    /// `http://127.0.0.1:<port>/v1/integrations/{id}/webhook`.
    pub url: String,
    /// Zendesk's webhook signing secret, or Intercom's client secret.
    pub secret: String,
}

/// What the service answered the webhook.
#[derive(Debug, Clone, PartialEq)]
pub struct Answered {
    /// HTTP status.
    pub status: u16,
    /// The body, as JSON when it is.
    pub body: Value,
}

impl FakeVendor {
    /// An agent writes in the helpdesk: `text` by the vendor user `author` (`author_name`) on
    /// ticket or conversation `id`, public (a reply the customer sees) or not (a note). The fake
    /// records it and posts its webhook to `to`, signed; returns what the service answered.
    ///
    /// # Errors
    /// When the fake plays no helpdesk that calls back, or the request cannot be sent.
    pub fn agent_writes(
        &self,
        to: &CallBack,
        id: &str,
        author: &str,
        author_name: &str,
        text: &str,
        public: bool,
    ) -> Result<Answered, String> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|e| e.to_string())?;
        let stamp = chrono::DateTime::<chrono::Utc>::from_timestamp(now.as_secs() as i64, 0)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .ok_or("the clock is out of range")?;
        let (body, headers) = {
            let mut s = lock(&self.shared);
            let n = s.next_id();
            let vendor = s.vendor.clone();
            let record = s
                .records
                .entry(id.to_string())
                .or_insert_with(|| json!({"id": id}));
            match vendor {
                Vendor::Zendesk { .. } => {
                    let comment = json!({"id": n, "body": text, "public": public,
                                         "author_id": author, "via": "web"});
                    push(record, "comments", comment);
                    let body = json!({
                        "account_id": 22129848, "id": format!("zd-event-{n}"),
                        "type": "zen:event-type:ticket.comment_added",
                        "subject": format!("zen:ticket:{id}"),
                        "time": stamp,
                        "zendesk_event_version": "2022-11-06",
                        "detail": {"id": id, "requester_id": id_text(&record["requester_id"]),
                                   "submitter_id": id_text(&record["submitter_id"]),
                                   "external_id": record.get("external_id")},
                        "event": {"comment": {"id": n.to_string(), "body": text, "is_public": public,
                                  "author": {"id": author, "is_staff": true, "name": author_name}}}
                    })
                    .to_string();
                    let ts = stamp.clone();
                    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(to.secret.as_bytes())
                        .map_err(|e| e.to_string())?;
                    mac.update(ts.as_bytes());
                    mac.update(body.as_bytes());
                    let signature = STANDARD.encode(mac.finalize().into_bytes());
                    let headers = vec![
                        ("X-Zendesk-Webhook-Signature".to_string(), signature),
                        ("X-Zendesk-Webhook-Signature-Timestamp".to_string(), ts),
                    ];
                    (body, headers)
                }
                Vendor::Intercom { .. } => {
                    let part = json!({"type": "conversation_part", "id": n.to_string(),
                        "part_type": if public { "comment" } else { "note" },
                        "body": format!("<p>{text}</p>"), "created_at": now.as_secs(),
                        "author": {"type": "admin", "id": author, "name": author_name}});
                    push(record, "parts", part.clone());
                    let topic = if public {
                        "conversation.admin.replied"
                    } else {
                        "conversation.admin.noted"
                    };
                    let body = json!({
                        "type": "notification_event", "app_id": "ecahpwf5",
                        "id": format!("notif_{n}"), "topic": topic, "delivery_attempts": 1,
                        "first_sent_at": now.as_secs(), "created_at": now.as_secs(),
                        "data": {"type": "notification_event_data", "item": {
                            "type": "conversation", "id": id,
                            "conversation_parts": {"type": "conversation_part.list",
                                "conversation_parts": [part], "total_count": 1}}}
                    })
                    .to_string();
                    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(to.secret.as_bytes())
                        .map_err(|e| e.to_string())?;
                    mac.update(body.as_bytes());
                    let hex: String = mac
                        .finalize()
                        .into_bytes()
                        .iter()
                        .map(|b| format!("{b:02x}"))
                        .collect();
                    (
                        body,
                        vec![("X-Hub-Signature".to_string(), format!("sha1={hex}"))],
                    )
                }
                Vendor::Freshdesk { .. } => {
                    let note = json!({"id": n, "body": format!("<p>{text}</p>"),
                                      "private": !public, "user_id": author});
                    push(record, "conversations", note);
                    let body =
                        json!({"ticket_id": id, "kind": if public { "reply" } else { "note" },
                                      "text": format!("<p>{text}</p>"), "agent_id": author,
                                      "agent_name": author_name})
                        .to_string();
                    (
                        body,
                        vec![("X-Handoff-Secret".to_string(), to.secret.clone())],
                    )
                }
                _ => return Err("this fake vendor does not call back".into()),
            }
        };
        post(&to.url, &headers, &body)
    }
}

/// Appends `item` to the list `list` of `record` (created when absent).
impl FakeVendor {
    /// An agent writes `text` in the Agent Workspace on Sunshine conversation `conversation`:
    /// the fake (a Zendesk with `sunshine`) posts the v2 `conversation:message` by the business
    /// to `to`, with `to.secret` as `X-API-Key`.
    ///
    /// # Errors
    /// When the request cannot be sent.
    pub fn workspace_writes(
        &self,
        to: &CallBack,
        conversation: &str,
        author_name: &str,
        text: &str,
    ) -> Result<Answered, String> {
        let n = lock(&self.shared).next_id();
        let body = json!({
            "app": {"id": "5e4af71a81966cfff3ef6550"}, "webhook": {"id": "wh1", "version": "v2"},
            "events": [{"id": format!("sc-event-{n}"), "type": "conversation:message",
                "createdAt": "2026-01-12T10:31:00.000Z",
                "payload": {"conversation": {"id": conversation, "type": "personal"},
                    "message": {"id": format!("m{n}"), "received": "2026-01-12T10:31:00.000Z",
                        "author": {"type": "business", "displayName": author_name},
                        "content": {"type": "text", "text": text},
                        "source": {"type": "zd:agentWorkspace"}}}}]
        })
        .to_string();
        post(
            &to.url,
            &[("X-API-Key".to_string(), to.secret.clone())],
            &body,
        )
    }
}

fn push(record: &mut Value, list: &str, item: Value) {
    if let Some(obj) = record.as_object_mut() {
        if let Value::Array(items) = obj.entry(list).or_insert(json!([])) {
            items.push(item);
        }
    }
}

fn id_text(v: &Value) -> Value {
    match v {
        Value::Number(n) => Value::String(n.to_string()),
        other => other.clone(),
    }
}

/// POSTs `body` with `headers` (and `Content-Type: application/json`) to `url`.
fn post(url: &str, headers: &[(String, String)], body: &str) -> Result<Answered, String> {
    let agent = ureq::Agent::new_with_config(
        ureq::config::Config::builder()
            .http_status_as_error(false)
            .timeout_global(Some(std::time::Duration::from_secs(20)))
            .build(),
    );
    let mut builder = ureq::http::Request::builder()
        .method("POST")
        .uri(url)
        .header("content-type", "application/json");
    for (name, value) in headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let request = builder
        .body(body.as_bytes().to_vec())
        .map_err(|e| e.to_string())?;
    let mut response = agent.run(request).map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .read_to_string()
        .map_err(|e| e.to_string())?;
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Ok(Answered { status, body })
}
