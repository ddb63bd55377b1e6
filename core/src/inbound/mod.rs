//! Helpdesk webhooks in: a vendor's own request to `POST /v1/integrations/{id}/webhook`,
//! verified and read into [`Input::HelpdeskEvent`]s, which [`Engine::handle`](crate::Engine::handle)
//! then applies (finding the conversation by the vendor's ticket, ignoring duplicates and what
//! the engine wrote itself). Pure: the host gives the request, the time and a way to look a
//! secret's reference up; the secret is used for the check and never kept, returned or put in an
//! error.
//!
//! | vendor | authenticity | events read | becomes |
//! | --- | --- | --- | --- |
//! | Zendesk (`webhook_secret_ref`) | `X-Zendesk-Webhook-Signature`: base64 HMAC-SHA256 of `X-Zendesk-Webhook-Signature-Timestamp` + body, timestamp within 5 min | `zen:event-type:ticket.comment_added`, `ticket.status_changed` (to solved or closed), `ticket.agent_assignment_changed` | public comment: message, private: note; solved: close; assigned: transfer |
//! | Intercom (`client_secret_ref`) | `X-Hub-Signature: sha1=` hex HMAC-SHA1 of the body, its `created_at` within 15 min | `conversation.admin.replied`, `.noted`, `.closed`, `.assigned` (to an admin) | message, note, close, transfer |
//! | Sunshine Conversations (`sunshine.webhook_secret_ref`) | `X-API-Key` equal to the secret | `conversation:message` by the business, `switchboard:passControl` to `bot_integration` | message, return to the AI |
//! | Freshdesk (`webhook_secret_ref`) | `X-Handoff-Secret` header or `?secret=` equal to the secret | the automation rule's JSON: `{"ticket_id", "kind": "reply" \| "note" \| "close", "text", "agent_id", "agent_name"}` | message, note, close |
//!
//! Items the vendor's request shows to be the engine's own are dropped here: a Zendesk comment
//! by the ticket's requester or submitter (the engine writes as them), an Intercom part by
//! `admin_id` or by the contact, a Sunshine message not from the business. Topics not listed
//! are read as nothing (the host answers 200, nothing changes).
//!
//! A close (a ticket solved, a conversation closed) resolves a conversation an agent holds (by
//! admin, outcome `solved` or the first configured one: the customer's next message reopens it)
//! and closes any other (`lifecycle/helpdesk.rs`).
//!
//! Secrets are compared in constant time; a bad, missing or stale signature is
//! [`ErrorKind::BadSignature`] (hosts answer 401). A request seen again within the window is a
//! duplicate the engine ignores by its event id (nothing changes twice).

mod freshdesk;
mod intercom;
mod sunshine;
mod verify;
mod zendesk;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::config::{Config, Integration, Vendor};
use crate::wire::error::{ErrorKind, PathError};
use crate::wire::input::Input;

/// A vendor's webhook request, as the host received it.
#[derive(Debug, Clone, Copy)]
pub struct WebhookRequest<'a> {
    /// Header names in lower case -> values.
    pub headers: &'a BTreeMap<String, String>,
    /// The query string without `?` (empty when none): Freshdesk may carry its secret there.
    pub query: &'a str,
    /// The raw body, exactly as received (signatures are over these bytes).
    pub body: &'a [u8],
}

impl WebhookRequest<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// Verifies a helpdesk's webhook request to integration `integration_id` and reads it into the
/// inputs to hand to [`Engine::handle`](crate::Engine::handle), in order (none when it reports
/// nothing the engine acts on). `now` is epoch ms; `resolve` looks a secret's reference up (an
/// environment variable, a worker secret), as for [`Delivery::prepare`](crate::wire::delivery::Delivery::prepare).
///
/// # Example
/// ```
/// use std::collections::BTreeMap;
/// use handoff_core::inbound::{read, WebhookRequest};
/// use handoff_core::{Config, ErrorKind, Input};
///
/// let config = Config::from_json_str(r#"{"handoff": {"integrations": [{"kind": "freshdesk",
///     "domain": "acme", "api_key_ref": "FD_KEY", "webhook_secret_ref": "FD_HOOK"}]}}"#)?;
/// let body = br#"{"ticket_id": "12", "kind": "reply", "text": "Shipped.", "agent_id": "77"}"#;
/// let mut headers = BTreeMap::new();
/// headers.insert("x-handoff-secret".to_string(), "s3cret".to_string());
/// let request = WebhookRequest { headers: &headers, query: "", body };
/// let resolve = |name: &str| (name == "FD_HOOK").then(|| "s3cret".to_string());
/// let inputs = read(&config, "freshdesk", &request, 1_768_213_800_000, resolve)?;
/// assert!(matches!(&inputs[0], Input::HelpdeskEvent(e) if e.vendor_id == "12"));
///
/// headers.insert("x-handoff-secret".to_string(), "guess".to_string());
/// let request = WebhookRequest { headers: &headers, query: "", body };
/// let refused = read(&config, "freshdesk", &request, 1_768_213_800_000, resolve).unwrap_err();
/// assert_eq!(refused.kind, ErrorKind::BadSignature);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// - [`ErrorKind::UnknownDelivery`] at `integration_id`: no helpdesk with this id (hosts: 404);
/// - [`ErrorKind::BadSignature`] at the header: a missing, bad or stale signature or secret, no
///   secret configured, or one `resolve` does not know (hosts: 401; the message names the
///   reference, never a value);
/// - [`ErrorKind::NotJson`], [`ErrorKind::Missing`], [`ErrorKind::WrongType`] at `body...`: a
///   verified request that is not the vendor's payload (hosts: 422).
pub fn read(
    config: &Config,
    integration_id: &str,
    request: &WebhookRequest<'_>,
    now: i64,
    resolve: impl Fn(&str) -> Option<String>,
) -> Result<Vec<Input>, PathError> {
    let integration = config
        .integrations
        .iter()
        .find(|i| i.id == integration_id)
        .ok_or_else(|| {
            PathError::with_value(
                ErrorKind::UnknownDelivery,
                "integration_id",
                "no helpdesk in handoff.integrations has this id",
                &Value::String(integration_id.to_string()),
            )
        })?;
    let secret = |reference: &Option<String>, field: &str| -> Result<String, PathError> {
        let reference = reference.as_deref().ok_or_else(|| {
            bad(
                "secret",
                format!("integration {integration_id} has no {field}: its webhooks are refused"),
            )
        })?;
        resolve(reference).filter(|v| !v.is_empty()).ok_or_else(|| {
            bad(
                "secret",
                format!("{field}: credential {reference} is not set (an environment variable or worker secret)"),
            )
        })
    };
    match &integration.vendor {
        Vendor::Zendesk(z) => {
            if zendesk::is_sunshine(request) {
                let s = z.sunshine.as_ref().ok_or_else(|| {
                    bad(
                        "x-api-key",
                        format!("integration {integration_id} has no sunshine"),
                    )
                })?;
                let key = secret(&s.webhook_secret_ref, "sunshine.webhook_secret_ref")?;
                verify::same_secret(request.header("x-api-key"), &key, "x-api-key")?;
                sunshine::read(integration, s, request.body)
            } else {
                let key = secret(&z.webhook_secret_ref, "webhook_secret_ref")?;
                zendesk::verify(request, &key, now)?;
                zendesk::read(integration, request.body)
            }
        }
        Vendor::Intercom(i) => {
            let key = secret(&i.client_secret_ref, "client_secret_ref")?;
            intercom::verify(request, &key, now)?;
            intercom::read(integration, i, request.body)
        }
        Vendor::Freshdesk(f) => {
            let key = secret(&f.webhook_secret_ref, "webhook_secret_ref")?;
            freshdesk::verify(request, &key)?;
            freshdesk::read(integration, request.body)
        }
    }
}

/// The secret references the webhooks of `integration_id` are checked with (what a host resolves
/// before [`read`]): `webhook_secret_ref`, Sunshine's, or Intercom's `client_secret_ref`; none
/// for an unknown integration or one without.
///
/// # Example
/// ```
/// use handoff_core::{inbound::secret_refs, Config};
///
/// let config = Config::from_json_str(r#"{"handoff": {"integrations": [{"kind": "intercom",
///     "access_token_ref": "IC", "admin_id": "1", "team_id": "2", "client_secret_ref": "IC_SECRET"}]}}"#)?;
/// assert_eq!(secret_refs(&config, "intercom"), ["IC_SECRET"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn secret_refs<'c>(config: &'c Config, integration_id: &str) -> Vec<&'c str> {
    let Some(integration) = config.integrations.iter().find(|i| i.id == integration_id) else {
        return Vec::new();
    };
    let refs = match &integration.vendor {
        Vendor::Zendesk(z) => vec![
            z.webhook_secret_ref.as_deref(),
            z.sunshine
                .as_ref()
                .and_then(|s| s.webhook_secret_ref.as_deref()),
        ],
        Vendor::Intercom(i) => vec![i.client_secret_ref.as_deref()],
        Vendor::Freshdesk(f) => vec![f.webhook_secret_ref.as_deref()],
    };
    refs.into_iter().flatten().collect()
}

/// A [`ErrorKind::BadSignature`] at `path`.
fn bad(path: &str, message: impl Into<String>) -> PathError {
    PathError::new(ErrorKind::BadSignature, path, message)
}

/// The body as JSON, or [`ErrorKind::NotJson`] at `body`.
fn json(body: &[u8]) -> Result<Value, PathError> {
    serde_json::from_slice(body)
        .map_err(|e| PathError::new(ErrorKind::NotJson, "body", format!("not JSON: {e}")))
}

/// The string or whole number at `pointer` of `value`, or [`ErrorKind::Missing`] /
/// [`ErrorKind::WrongType`] at `body.<path>`.
fn id_at(value: &Value, pointer: &str) -> Result<String, PathError> {
    let path = format!("body{}", pointer.replace('/', "."));
    match value.pointer(pointer) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::Number(n)) if n.is_u64() => Ok(n.to_string()),
        None | Some(Value::Null) => Err(PathError::new(ErrorKind::Missing, path, "missing")),
        Some(_) => Err(PathError::new(
            ErrorKind::WrongType,
            path,
            "expected an id (a string or a whole number)",
        )),
    }
}

/// The string at `pointer`, or "" when absent.
fn str_at<'v>(value: &'v Value, pointer: &str) -> &'v str {
    value.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// `html` as plain text: tags removed (`<br>`, `</p>` as line breaks), the common entities
/// decoded, surrounding space trimmed.
pub(crate) fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            rest = &rest[start..];
            break;
        };
        let tag = rest[start + 1..start + end].to_ascii_lowercase();
        if (tag.starts_with("br") || tag == "/p" || tag == "/div") && !out.is_empty() {
            out.push('\n');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    decoded.trim().to_string()
}

/// The integration's id, for the inputs.
fn id_of(integration: &Integration) -> String {
    integration.id.clone()
}

#[cfg(test)]
mod tests;
