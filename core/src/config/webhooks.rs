//! `handoff.webhooks[]`: endpoints told about handoff events. The same reading serves a
//! `kind: "webhook"` entry of `handoff.integrations`.

use serde_json::Value;

use crate::config::read::{index, type_name, Default, Errors, Field, Kind, Obj, Section};
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
    "conversation.message",
    "conversation.note",
    "conversation.returned_to_ai",
    "conversation.transferred",
    "conversation.transfer_failed",
    "conversation.resolved",
    "conversation.reopened",
    "conversation.csat",
];

/// `id`: the endpoint's id.
pub(crate) const ID: Field = Field::new(
    "id",
    Kind::Text,
    Default::Absent(doc!("`webhook_<index>`")),
    doc!("a stable id of the endpoint (deliveries and dead letters name it)"),
);
/// `url`: where events go.
pub(crate) const URL: Field = Field::new(
    "url",
    Kind::Custom {
        what: doc!("string, an `http://` or `https://` URL"),
        shape: shape!({"type": "string", "pattern": "^https?://"}),
    },
    Default::Absent(doc!("required")),
    doc!("where events are POSTed"),
)
.required();
/// `events`: which events go there.
pub(crate) const EVENTS: Field = Field::new(
    "events",
    Kind::Custom {
        what: doc!("array of event names"),
        shape: shape!({"type": "array", "items": {"enum": EVENT_NAMES}}),
    },
    Default::Absent(doc!("every event")),
    doc!(
        "the events sent there: `conversation.handoff_requested`, `conversation.queued`, \
         `conversation.assigned`, `conversation.callback_requested`, `conversation.closed`, \
         `conversation.message`, `conversation.note`, `conversation.returned_to_ai`, \
         `conversation.transferred`, `conversation.transfer_failed`, \
         `conversation.resolved`, `conversation.reopened`, `conversation.csat`"
    ),
);
/// `secret_ref`: the signing secret, by reference.
pub(crate) const SECRET_REF: Field = Field::new(
    "secret_ref",
    Kind::Text,
    Default::Absent(doc!("unsigned")),
    doc!(
        "the name of the environment variable or worker secret holding the `whsec_…` \
         signing secret, which the host resolves when it signs"
    ),
);
/// `secret`: the signing secret written inline, refused.
pub(crate) const SECRET: Field = Field::new(
    "secret",
    Kind::Refused,
    Default::Absent(doc!("never")),
    doc!("refused: secrets are never written in the configuration"),
);

/// `handoff.webhooks[]`, described once.
pub(crate) static WEBHOOK: Section = Section {
    name: "WebhookConfig",
    path: "handoff.webhooks[]",
    fields: &[ID, URL, EVENTS, SECRET_REF, SECRET],
    doc: doc!(concat!(
        "Endpoints told about handoff events:\n",
        "```json\n",
        "{\"handoff\": {\"webhooks\": [{\"id\": \"crm\", \"url\": \"https://hooks.example.com/handoff\",\n",
        "                           \"events\": [\"conversation.handoff_requested\"], \"secret_ref\": \"HANDOFF_WEBHOOK_SECRET\"}]}}\n",
        "```"
    )),
    notes: doc!(
        "Secrets are never written in the configuration: `secret_ref` names the environment \
         variable or worker secret holding the `whsec_…` secret, which the host resolves when it \
         signs. An inline `\"secret\"` is refused."
    ),
};

/// Reads `handoff.webhooks`: each id once.
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
        let Some(obj) = Obj::new(item, &item_path, &WEBHOOK, errors) else {
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
