//! `handoff.webhooks[]`: endpoints told about handoff events. The same reading serves a
//! `kind: "webhook"` entry of `handoff.integrations`.

use serde_json::Value;

use crate::json::{index, type_name, Errors, Obj};
use crate::wire::error::ErrorKind;

/// One webhook endpoint (`handoff.webhooks[]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    /// Stable id of the endpoint (default `webhook_<index>`).
    pub id: String,
    /// Where events are POSTed.
    pub url: String,
    /// Event names sent there; empty means all.
    pub events: Vec<String>,
    /// Name of the environment variable or worker secret holding the `whsec_…` signing secret.
    pub secret_ref: Option<String>,
}

/// The event names a webhook can subscribe to.
pub const EVENT_NAMES: &[&str] = &[
    "conversation.handoff_requested",
    "conversation.queued",
    "conversation.assigned",
    "conversation.callback_requested",
    "conversation.closed",
];

pub(super) fn parse_webhooks(value: &Value, path: &str, errors: &mut Errors) -> Vec<Webhook> {
    let Value::Array(items) = value else {
        errors.value(
            ErrorKind::WrongType,
            path,
            format!("expected an array of webhooks, found {}", type_name(value)),
            value,
        );
        return Vec::new();
    };
    let mut out: Vec<Webhook> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let item_path = index(path, i);
        let Some(obj) = Obj::new(
            item,
            &item_path,
            &["id", "url", "events", "secret_ref", "secret"],
            errors,
        ) else {
            continue;
        };
        let Some(hook) = parse_webhook(&obj, &format!("webhook_{i}"), errors) else {
            continue;
        };
        if out.iter().any(|w| w.id == hook.id) {
            errors.value(
                ErrorKind::Duplicate,
                &obj.path_of("id"),
                "webhook id listed twice",
                &Value::String(hook.id),
            );
            continue;
        }
        out.push(hook);
    }
    out
}

/// One webhook object (`handoff.webhooks[i]`, or a `kind: "webhook"` integration): the same
/// reading, the same errors, for both.
pub(crate) fn parse_webhook(
    obj: &Obj<'_>,
    default_id: &str,
    errors: &mut Errors,
) -> Option<Webhook> {
    if obj.map.contains_key("secret") {
        // Never echo the value: it is a secret.
        errors.at(
            ErrorKind::Invalid,
            &obj.path_of("secret"),
            "inline secrets are not accepted; set \"secret_ref\" to the name of an environment \
             variable or worker secret that holds the whsec_... secret",
        );
    }
    let id = obj
        .nonempty_string("id", errors)
        .map(str::to_string)
        .unwrap_or_else(|| default_id.to_string());
    let url = obj.nonempty_string("url", errors);
    match url {
        None if obj.get("url").is_none() => errors.at(
            ErrorKind::Missing,
            &obj.path_of("url"),
            "missing field \"url\"",
        ),
        Some(u) if !(u.starts_with("https://") || u.starts_with("http://")) => errors.value(
            ErrorKind::Invalid,
            &obj.path_of("url"),
            "expected an http:// or https:// URL",
            &Value::String(u.into()),
        ),
        _ => {}
    }
    let events = obj.strings("events", errors).unwrap_or_default();
    for (j, e) in events.iter().enumerate() {
        if !EVENT_NAMES.contains(&e.as_str()) {
            errors.value(
                ErrorKind::UnknownVariant,
                &index(&obj.path_of("events"), j),
                format!("unknown event, expected one of: {}", EVENT_NAMES.join(", ")),
                &Value::String(e.clone()),
            );
        }
    }
    let secret_ref = obj
        .nonempty_string("secret_ref", errors)
        .map(str::to_string);
    Some(Webhook {
        id,
        url: url?.to_string(),
        events,
        secret_ref,
    })
}
