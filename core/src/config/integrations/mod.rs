//! `handoff.integrations`: helpdesks told about handoffs, each with its credentials *by reference*.
//!
//! ```json
//! {"handoff": {"integrations": [
//!   {"kind": "zendesk", "subdomain": "acme", "email": "bot@acme.com", "api_token_ref": "ZENDESK_API_TOKEN",
//!    "group_id": 360001234567, "tags": ["ai_handoff"]},
//!   {"kind": "freshdesk", "domain": "acme", "api_key_ref": "FRESHDESK_API_KEY", "group_id": 5000012345},
//!   {"kind": "intercom", "access_token_ref": "INTERCOM_TOKEN", "admin_id": "814860", "team_id": "5017691"},
//!   {"kind": "webhook", "url": "https://hooks.example.com/handoff", "secret_ref": "HANDOFF_WEBHOOK_SECRET"}
//! ]}}
//! ```
//!
//! A secret written inline (`api_token`, `api_key`, `access_token`, `password`, …) is refused with an
//! error naming its path, never echoing the value. A `kind: "webhook"` integration is read by the
//! same code as `handoff.webhooks[]` and becomes one of [`Config::webhooks`](crate::Config::webhooks).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::config::read::{index, join, type_name, Errors, Obj, Shape};
use crate::config::webhooks::{parse_webhook, Webhook};
use crate::wire::error::ErrorKind;
use crate::wire::output::Auth;
use crate::wire::state::Priority;

#[cfg(feature = "integrations")]
mod vendors;
#[cfg(feature = "integrations")]
use vendors::{parse_freshdesk, parse_intercom, parse_zendesk};

/// The JSON Schema of `handoff.integrations`: an array of `IntegrationConfig`, whose vendor
/// branches are `vendor_schemas` (with the feature `schema`; the `webhook` branch is
/// `handoff.webhooks[]`'s table).
pub(crate) const SHAPE: Shape = shape!({
    "type": "array",
    "items": {"$ref": "#/$defs/IntegrationConfig"}
});

/// The JSON Schemas of the vendor kinds of `handoff.integrations[]` (Zendesk, Freshdesk,
/// Intercom), each titled with its TypeScript name; `null` is an absent option, as the reader
/// takes it.
#[cfg(feature = "schema")]
pub(crate) fn vendor_schemas() -> Vec<Value> {
    use serde_json::json;
    let priorities = |values: Value| {
        let mut properties = serde_json::Map::new();
        for p in ["low", "normal", "high", "urgent"] {
            properties.insert(p.into(), values.clone());
        }
        json!({"type": ["object", "null"], "properties": properties, "additionalProperties": false})
    };
    let id_map =
        |values: Value| json!({"type": ["object", "null"], "additionalProperties": values});
    let text = || json!({"type": ["string", "null"], "minLength": 1});
    let reference = || json!({"type": ["string", "null"], "pattern": "^[A-Za-z_][A-Za-z0-9_.-]*$"});
    let number_id = || json!({"type": ["integer", "null"], "minimum": 1});
    let text_or_number = || json!({"type": ["string", "integer", "null"]});
    let tags = || json!({"type": ["array", "null"], "items": {"type": "string", "minLength": 1}});
    let branch =
        |kind: &str, title: &str, doc: &str, vendor: Value, required: &[&str]| {
            let mut properties = serde_json::Map::new();
            properties.insert("kind".into(), json!({"const": kind}));
            properties.insert(
                "id".into(),
                json!({
                    "type": ["string", "null"],
                    "pattern": "^[A-Za-z0-9_-]{1,64}$",
                    "description": "unique across webhooks and integrations; default: the kind",
                    "default": kind
                }),
            );
            properties.insert("enabled".into(), json!({
            "type": ["boolean", "null"],
            "description": "`false` sends nothing new (dead letters can still be re-driven)",
            "default": true
        }));
            if let Value::Object(vendor) = vendor {
                properties.extend(vendor);
            }
            let mut all = vec!["kind"];
            all.extend_from_slice(required);
            json!({
                "title": title,
                "type": "object",
                "description": doc,
                "properties": properties,
                "required": all,
                "additionalProperties": false
            })
        };
    let mut sunshine = json!({
        "type": ["object", "null"],
        "description": "Zendesk messaging pass-control, for conversations whose customer has `attributes.sunshine_conversation_id`",
        "properties": {
            "app_id": {"type": "string", "pattern": "^[A-Za-z0-9]+$"},
            "key_id": {"type": "string", "pattern": "^[^:]+$"},
            "key_secret_ref": reference(),
            "switchboard_integration": text()
        },
        "required": ["app_id", "key_id", "key_secret_ref"],
        "additionalProperties": false
    });
    sunshine["properties"]["key_secret_ref"]["type"] = json!("string");
    sunshine["properties"]["switchboard_integration"]["default"] = json!("zd:agentWorkspace");
    let zendesk = branch(
        "zendesk",
        "ZendeskIntegration",
        "Zendesk Support: a ticket per handoff, updated on queued/assigned/callback/closed.",
        json!({
            "subdomain": doc(text(), "`https://{subdomain}.zendesk.com`; or give `base_url`"),
            "base_url": doc(text(), "the API's base URL, instead of `subdomain`"),
            "email": doc(text(), "with `api_token_ref`: basic auth as `{email}/token`"),
            "api_token_ref": doc(reference(), "the environment variable or worker secret holding the API token"),
            "oauth_token_ref": doc(reference(), "instead of email and API token: an OAuth access token (bearer)"),
            "group_id": number_id(),
            "assignee_id": number_id(),
            "tags": doc(tags(), "added to every ticket, besides `handoff`, the trigger and the topic"),
            "type": {"enum": ["problem", "incident", "question", "task", null]},
            "priority_map": doc(priorities(json!({"enum": ["low", "normal", "high", "urgent"]})), "our priority → Zendesk's (default: the same names)"),
            "agent_map": doc(id_map(json!({"type": "integer", "minimum": 1})), "our agent id → Zendesk user id (sets `assignee_id` on assignment)"),
            "close_status": doc(json!({"enum": ["open", "pending", "hold", "solved", null], "default": "solved"}), "status when the conversation closes; `null` leaves it"),
            "sunshine": sunshine
        }),
        &[],
    );
    let freshdesk = branch(
        "freshdesk",
        "FreshdeskIntegration",
        "Freshdesk: a ticket per handoff with private notes as it goes on.",
        json!({
            "domain": doc(text(), "`https://{domain}.freshdesk.com`; or give `base_url`"),
            "base_url": doc(text(), "the API's base URL, instead of `domain`"),
            "api_key_ref": doc(json!({"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_.-]*$"}), "the API key's environment variable or worker secret (basic auth user name; the password is `X`)"),
            "group_id": number_id(),
            "responder_id": number_id(),
            "tags": tags(),
            "type": text(),
            "source": doc(json!({"enum": [1, 2, 3, 7, 9, 10, null], "default": 7}), "1 Email, 2 Portal, 3 Phone, 7 Chat, 9 Feedback widget, 10 Outbound email"),
            "priority_map": doc(priorities(json!({"enum": [1, 2, 3, 4]})), "our priority → 1 Low, 2 Medium, 3 High, 4 Urgent (default low 1, normal 2, high 3, urgent 4)"),
            "agent_map": doc(id_map(json!({"type": "integer", "minimum": 1})), "our agent id → Freshdesk agent id (sets `responder_id` on assignment)"),
            "close_status": doc(json!({"enum": [2, 3, 4, 5, null], "default": 4}), "status code when the conversation closes (4 Resolved); `null` leaves it")
        }),
        &["api_key_ref"],
    );
    let intercom = branch(
        "intercom",
        "IntercomIntegration",
        "Intercom: the conversation handed to a team or admin with a note carrying the context. The conversation is the customer's `attributes.intercom_conversation_id`, or one created from `attributes.intercom_contact_id` or a new contact.",
        json!({
            "region": doc(json!({"enum": ["us", "eu", "au", null], "default": "us"}), "or give `base_url`"),
            "base_url": doc(text(), "the API's base URL, instead of `region`"),
            "access_token_ref": doc(json!({"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_.-]*$"}), "the access token's environment variable or worker secret"),
            "version": doc(json!({"type": ["string", "null"], "minLength": 1, "default": "2.14"}), "`Intercom-Version`"),
            "admin_id": doc(json!({"type": ["string", "integer"]}), "the admin the engine acts as"),
            "team_id": doc(text_or_number(), "hand to this team, or to `assignee_id` (an admin)"),
            "assignee_id": text_or_number(),
            "agent_map": doc(id_map(json!({"type": ["string", "integer"]})), "our agent id → Intercom admin id (reassigns on assignment)"),
            "close_on_close": doc(json!({"type": ["boolean", "null"], "default": true}), "close the Intercom conversation when ours closes")
        }),
        &["access_token_ref", "admin_id"],
    );
    vec![zendesk, freshdesk, intercom]
}

/// `schema` with `description`.
#[cfg(feature = "schema")]
fn doc(mut schema: Value, description: &str) -> Value {
    schema["description"] = Value::String(description.into());
    schema
}

/// One configured helpdesk (`handoff.integrations[]` of kind `zendesk`, `freshdesk` or `intercom`).
#[derive(Debug, Clone, PartialEq)]
pub struct Integration {
    /// Stable id (default: the kind, e.g. `zendesk`); also the `webhook_id` of its deliveries.
    pub id: String,
    /// `false` keeps it configured (dead letters can still be re-driven) but sends nothing new.
    pub enabled: bool,
    /// The vendor and its options.
    pub vendor: Vendor,
}

/// The vendor of an [`Integration`] and its options.
#[derive(Debug, Clone, PartialEq)]
pub enum Vendor {
    /// Zendesk Support (and optionally Zendesk messaging pass-control).
    Zendesk(Zendesk),
    /// Freshdesk.
    Freshdesk(Freshdesk),
    /// Intercom.
    Intercom(Intercom),
}

/// `kind: "zendesk"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Zendesk {
    /// `https://{subdomain}.zendesk.com`, or `base_url` as given (no trailing slash).
    pub base_url: String,
    /// Basic (`{email}/token` + API token) or bearer (OAuth token), by reference.
    pub auth: Auth,
    /// `group_id` set on the ticket.
    pub group_id: Option<u64>,
    /// `assignee_id` set on the ticket.
    pub assignee_id: Option<u64>,
    /// Tags added to every ticket (besides `handoff`, the trigger and the topic).
    pub tags: Vec<String>,
    /// Ticket `type`: `problem`, `incident`, `question` or `task`.
    pub ticket_type: Option<String>,
    /// Our priority -> Zendesk priority (`low`, `normal`, `high`, `urgent`).
    pub priority_map: BTreeMap<Priority, String>,
    /// Our agent id -> Zendesk user id, to set `assignee_id` when an agent takes the conversation.
    pub agent_map: BTreeMap<String, u64>,
    /// Status set when the conversation closes (`solved` by default; `None` leaves it).
    pub close_status: Option<String>,
    /// Zendesk messaging (Sunshine Conversations) pass-control, when configured.
    pub sunshine: Option<Sunshine>,
}

/// `sunshine` inside a Zendesk integration: hand the live messaging conversation to agents.
#[derive(Debug, Clone, PartialEq)]
pub struct Sunshine {
    /// The Sunshine Conversations app id.
    pub app_id: String,
    /// Basic auth: key id (literal) and key secret (by reference).
    pub auth: Auth,
    /// `switchboardIntegration` to pass control to (default `zd:agentWorkspace`).
    pub switchboard_integration: String,
}

/// `kind: "freshdesk"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Freshdesk {
    /// `https://{domain}.freshdesk.com`, or `base_url` as given.
    pub base_url: String,
    /// Basic: the API key (by reference) as user name and `X` as password.
    pub auth: Auth,
    /// `group_id` of new tickets.
    pub group_id: Option<u64>,
    /// `responder_id` (agent) of new tickets.
    pub responder_id: Option<u64>,
    /// Tags added to every ticket.
    pub tags: Vec<String>,
    /// Ticket `type` (as configured in the Freshdesk account, e.g. `Question`).
    pub ticket_type: Option<String>,
    /// `source` code (default 7, Chat).
    pub source: u8,
    /// Our priority -> Freshdesk priority code (1 Low, 2 Medium, 3 High, 4 Urgent).
    pub priority_map: BTreeMap<Priority, u8>,
    /// Our agent id -> Freshdesk agent id, to set `responder_id` when an agent takes it.
    pub agent_map: BTreeMap<String, u64>,
    /// Status code set when the conversation closes (default 4, Resolved; `None` leaves it).
    pub close_status: Option<u8>,
}

/// `kind: "intercom"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Intercom {
    /// `https://api.intercom.io` (or the `eu`/`au` region's), or `base_url` as given.
    pub base_url: String,
    /// Bearer access token, by reference.
    pub auth: Auth,
    /// The `Intercom-Version` header (default `2.14`).
    pub version: String,
    /// The admin the engine acts as (`admin_id` of notes, assignments and closes).
    pub admin_id: String,
    /// Hand the conversation to this team...
    pub team_id: Option<String>,
    /// ...or to this admin.
    pub assignee_id: Option<String>,
    /// Our agent id -> Intercom admin id, to assign the conversation when an agent takes it.
    pub agent_map: BTreeMap<String, String>,
    /// Close the Intercom conversation when ours closes (default `true`).
    pub close_on_close: bool,
}

/// Keys that would hold a secret inline, refused wherever they appear.
const INLINE_SECRETS: &[(&str, &str)] = &[
    ("secret", "secret_ref"),
    ("api_token", "api_token_ref"),
    ("api_key", "api_key_ref"),
    ("access_token", "access_token_ref"),
    ("oauth_token", "oauth_token_ref"),
    ("token", "a *_ref field"),
    ("password", "a *_ref field"),
    ("key_secret", "key_secret_ref"),
];

const KINDS: &[&str] = &["zendesk", "freshdesk", "intercom", "webhook"];

#[cfg(feature = "integrations")]
const ZENDESK_KEYS: &[&str] = &[
    "kind",
    "id",
    "enabled",
    "subdomain",
    "base_url",
    "email",
    "api_token_ref",
    "oauth_token_ref",
    "group_id",
    "assignee_id",
    "tags",
    "type",
    "priority_map",
    "agent_map",
    "close_status",
    "sunshine",
    "secret",
    "api_token",
    "api_key",
    "access_token",
    "oauth_token",
    "token",
    "password",
    "key_secret",
];
#[cfg(feature = "integrations")]
const SUNSHINE_KEYS: &[&str] = &[
    "app_id",
    "key_id",
    "key_secret_ref",
    "switchboard_integration",
    "secret",
    "api_token",
    "api_key",
    "access_token",
    "oauth_token",
    "token",
    "password",
    "key_secret",
];
#[cfg(feature = "integrations")]
const FRESHDESK_KEYS: &[&str] = &[
    "kind",
    "id",
    "enabled",
    "domain",
    "base_url",
    "api_key_ref",
    "group_id",
    "responder_id",
    "tags",
    "type",
    "source",
    "priority_map",
    "agent_map",
    "close_status",
    "secret",
    "api_token",
    "api_key",
    "access_token",
    "oauth_token",
    "token",
    "password",
    "key_secret",
];
#[cfg(feature = "integrations")]
const INTERCOM_KEYS: &[&str] = &[
    "kind",
    "id",
    "enabled",
    "region",
    "base_url",
    "access_token_ref",
    "version",
    "admin_id",
    "team_id",
    "assignee_id",
    "agent_map",
    "close_on_close",
    "secret",
    "api_token",
    "api_key",
    "access_token",
    "oauth_token",
    "token",
    "password",
    "key_secret",
];
/// The keys of a `kind: "webhook"` integration: those of `handoff.webhooks[]` plus kind/enabled.
pub(crate) const WEBHOOK_KEYS: &[&str] = &[
    "kind",
    "id",
    "enabled",
    "url",
    "events",
    "secret_ref",
    "secret",
    "api_token",
    "api_key",
    "access_token",
    "oauth_token",
    "token",
    "password",
    "key_secret",
];

/// What `handoff.integrations` gave: helpdesks, and webhooks to add to `handoff.webhooks`.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub(crate) integrations: Vec<Integration>,
    pub(crate) webhooks: Vec<Webhook>,
}

/// Reads `handoff.integrations`. `taken` are ids already used by `handoff.webhooks`.
pub(crate) fn parse(value: &Value, path: &str, taken: &[String], errors: &mut Errors) -> Parsed {
    let mut parsed = Parsed::default();
    let Value::Array(items) = value else {
        errors.value(
            ErrorKind::WrongType,
            path,
            format!(
                "expected an array of integrations, found {}",
                type_name(value)
            ),
            value,
        );
        return parsed;
    };
    let mut ids: Vec<String> = taken.to_vec();
    for (i, item) in items.iter().enumerate() {
        let item_path = index(path, i);
        let Some(kind) = kind_of(item, &item_path, errors) else {
            continue;
        };
        if kind == "webhook" {
            let Some(obj) = Obj::new_guarded(item, &item_path, WEBHOOK_KEYS, errors) else {
                continue;
            };
            refuse_inline_secrets(&obj, errors);
            let enabled = obj.bool("enabled", true, errors);
            let default_id = format!("webhook_{i}");
            if let Some(hook) = parse_webhook(&obj, &default_id, errors) {
                if claim_id(&mut ids, &hook.id, &obj, errors) && enabled {
                    parsed.webhooks.push(hook);
                }
            }
            continue;
        }
        #[cfg(feature = "integrations")]
        if let Some(integration) = helpdesk(kind, item, &item_path, &mut ids, errors) {
            parsed.integrations.push(integration);
        }
        #[cfg(not(feature = "integrations"))]
        errors.at(ErrorKind::Invalid, &item_path, no_helpdesks(kind));
    }
    parsed
}

/// Why a build without the feature `integrations` (the browsers' widget build) refuses a helpdesk.
#[cfg(not(feature = "integrations"))]
fn no_helpdesks(kind: &str) -> String {
    format!(
        "\"{kind}\": this build of the engine has no helpdesk integrations: it is built for \
         browsers, and a browser may not hold a helpdesk's credentials; run the integration where \
         they are (a backend or an edge worker) and forward the handoff outputs there, or use a \
         webhook (kind \"webhook\", unsigned in a browser)"
    )
}

/// One helpdesk entry (`kind` `zendesk`, `freshdesk` or `intercom`), if it is valid; its id is
/// claimed in `ids`.
#[cfg(feature = "integrations")]
fn helpdesk(
    kind: &str,
    item: &Value,
    item_path: &str,
    ids: &mut Vec<String>,
    errors: &mut Errors,
) -> Option<Integration> {
    let known = match kind {
        "zendesk" => ZENDESK_KEYS,
        "freshdesk" => FRESHDESK_KEYS,
        _ => INTERCOM_KEYS,
    };
    let obj = Obj::new_guarded(item, item_path, known, errors)?;
    refuse_inline_secrets(&obj, errors);
    let id = match obj.get("id") {
        Some(_) => obj.nonempty_string("id", errors).map(str::to_string),
        None => Some(kind.to_string()),
    };
    if let Some(id) = &id {
        if !is_identifier(id) {
            errors.value(
                ErrorKind::Invalid,
                &obj.path_of("id"),
                "expected letters, digits, '_' or '-'",
                &Value::String(id.clone()),
            );
        }
    }
    let enabled = obj.bool("enabled", true, errors);
    let vendor = match kind {
        "zendesk" => parse_zendesk(&obj, errors).map(Vendor::Zendesk),
        "freshdesk" => parse_freshdesk(&obj, errors).map(Vendor::Freshdesk),
        _ => parse_intercom(&obj, errors).map(Vendor::Intercom),
    };
    let id = id?;
    if !claim_id(ids, &id, &obj, errors) {
        return None;
    }
    Some(Integration {
        id,
        enabled,
        vendor: vendor?,
    })
}

/// The `kind` of one integration, if it is a known one (else the error is reported).
fn kind_of<'v>(item: &'v Value, item_path: &str, errors: &mut Errors) -> Option<&'v str> {
    match item.get("kind") {
        Some(Value::String(k)) if KINDS.contains(&k.as_str()) => Some(k.as_str()),
        Some(Value::String(k)) => {
            let hint = crate::config::read::suggest(k, KINDS)
                .map(|s| format!(" (did you mean \"{s}\"?)"))
                .unwrap_or_default();
            errors.value(
                ErrorKind::UnknownVariant,
                &join(item_path, "kind"),
                format!(
                    "unknown kind \"{k}\"{hint}, expected one of: {}",
                    KINDS.join(", ")
                ),
                &Value::String(k.clone()),
            );
            None
        }
        Some(other) => {
            errors.value(
                ErrorKind::WrongType,
                &join(item_path, "kind"),
                format!("expected one of {}", KINDS.join(", ")),
                other,
            );
            None
        }
        None if item.is_object() => {
            errors.at(
                ErrorKind::Missing,
                &join(item_path, "kind"),
                format!(
                    "missing field \"kind\", expected one of: {}",
                    KINDS.join(", ")
                ),
            );
            None
        }
        None => {
            errors.value(
                ErrorKind::WrongType,
                item_path,
                format!("expected an object, found {}", type_name(item)),
                item,
            );
            None
        }
    }
}

fn claim_id(ids: &mut Vec<String>, id: &str, obj: &Obj<'_>, errors: &mut Errors) -> bool {
    if ids.iter().any(|t| t == id) {
        errors.value(
            ErrorKind::Duplicate,
            &obj.path_of("id"),
            "id already used by another webhook or integration; set a distinct \"id\"",
            &Value::String(id.to_string()),
        );
        return false;
    }
    ids.push(id.to_string());
    true
}

#[cfg(feature = "integrations")]
/// Letters, digits, `_` and `-`.
pub(crate) fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn refuse_inline_secrets(obj: &Obj<'_>, errors: &mut Errors) {
    for (key, instead) in INLINE_SECRETS {
        // A webhook's `secret` is reported by the webhook reader, like `handoff.webhooks[]`'s.
        let webhook_secret = *key == "secret" && obj.known.contains("url");
        if obj.map.contains_key(*key) && !webhook_secret {
            // Never echo the value: it is a secret.
            let instead = if instead.contains('*') {
                (*instead).to_string()
            } else {
                format!("\"{instead}\"")
            };
            errors.at(
                ErrorKind::Invalid,
                &obj.path_of(key),
                format!(
                    "inline secrets are not accepted; set {instead} to the name of an environment \
                     variable or worker secret that holds it"
                ),
            );
        }
    }
}

/// A credential reference: the *name* of an environment variable or worker secret. The value is
/// never echoed in an error (someone may have pasted the secret itself).
#[cfg(feature = "integrations")]
fn reference(obj: &Obj<'_>, key: &str, errors: &mut Errors) -> Option<String> {
    let value = obj.get(key)?;
    match value {
        Value::String(s)
            if !s.is_empty()
                && s.len() <= 128
                && s.chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)) =>
        {
            Some(s.clone())
        }
        _ => {
            errors.at(
                ErrorKind::Invalid,
                &obj.path_of(key),
                "expected the name of an environment variable or worker secret (letters, digits, \
                 '_', '.', '-'), not the secret itself",
            );
            None
        }
    }
}

#[cfg(feature = "integrations")]
fn require<T>(obj: &Obj<'_>, key: &str, value: Option<T>, errors: &mut Errors) -> Option<T> {
    if value.is_none() && obj.get(key).is_none() {
        errors.at(
            ErrorKind::Missing,
            &obj.path_of(key),
            format!("missing field \"{key}\""),
        );
    }
    value
}

#[cfg(feature = "integrations")]
/// `https://{name}.{domain}` from a name field, or `base_url` as given; exactly one of them.
fn base_url(obj: &Obj<'_>, name_key: &str, domain: &str, errors: &mut Errors) -> Option<String> {
    let name = obj.nonempty_string(name_key, errors);
    let base = obj.nonempty_string("base_url", errors);
    match (name, base) {
        (Some(_), Some(_)) => {
            errors.at(
                ErrorKind::Invalid,
                &obj.path_of("base_url"),
                format!("give \"{name_key}\" or \"base_url\", not both"),
            );
            None
        }
        (Some(n), None) => {
            let n = n.strip_suffix(&format!(".{domain}")).unwrap_or(n);
            if n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                Some(format!("https://{n}.{domain}"))
            } else {
                errors.value(
                    ErrorKind::Invalid,
                    &obj.path_of(name_key),
                    format!("expected the account name of https://NAME.{domain}"),
                    &Value::String(n.into()),
                );
                None
            }
        }
        (None, Some(b)) => url(obj, "base_url", b, errors),
        (None, None) => {
            if obj.get(name_key).is_none() && obj.get("base_url").is_none() {
                errors.at(
                    ErrorKind::Missing,
                    &obj.path_of(name_key),
                    format!("missing field \"{name_key}\" (or \"base_url\")"),
                );
            }
            None
        }
    }
}

#[cfg(feature = "integrations")]
fn url(obj: &Obj<'_>, key: &str, u: &str, errors: &mut Errors) -> Option<String> {
    let ok = (u.starts_with("https://") || u.starts_with("http://"))
        && !u.contains(['{', '}', ' ', '?', '#']);
    if ok {
        Some(u.trim_end_matches('/').to_string())
    } else {
        errors.value(
            ErrorKind::Invalid,
            &obj.path_of(key),
            "expected an http:// or https:// URL without query or fragment",
            &Value::String(u.into()),
        );
        None
    }
}

#[cfg(feature = "integrations")]
fn id_number(obj: &Obj<'_>, key: &str, errors: &mut Errors) -> Option<u64> {
    obj.uint(key, 1, u64::MAX, errors)
}

#[cfg(feature = "integrations")]
/// An Intercom id: a string of digits or letters (an integer is accepted and kept as a string).
fn id_string(value: &Value, path: &str, errors: &mut Errors) -> Option<String> {
    match value {
        Value::String(s) if crate::wire::limits::is_safe_id(s) => Some(s.clone()),
        Value::Number(n) if n.is_u64() => Some(n.to_string()),
        other => {
            errors.value(
                ErrorKind::Invalid,
                path,
                "expected an id (letters, digits, '_', '-', '.')",
                other,
            );
            None
        }
    }
}

#[cfg(feature = "integrations")]
fn tags(obj: &Obj<'_>, errors: &mut Errors) -> Vec<String> {
    obj.strings("tags", errors)
        .unwrap_or_default()
        .iter()
        .map(|t| tag(t))
        .collect()
}

#[cfg(feature = "integrations")]
fn agent_map<T>(
    obj: &Obj<'_>,
    errors: &mut Errors,
    read: impl Fn(&Value, &str, &mut Errors) -> Option<T>,
) -> BTreeMap<String, T> {
    let mut out = BTreeMap::new();
    let Some(value) = obj.get("agent_map") else {
        return out;
    };
    let path = obj.path_of("agent_map");
    let Value::Object(map) = value else {
        errors.value(
            ErrorKind::WrongType,
            &path,
            format!(
                "expected an object of our agent id -> the vendor's agent id, found {}",
                type_name(value)
            ),
            value,
        );
        return out;
    };
    for (agent, id) in map {
        if let Some(v) = read(id, &join(&path, agent), errors) {
            out.insert(agent.clone(), v);
        }
    }
    out
}

#[cfg(feature = "integrations")]
fn priority_map<T: Clone>(
    obj: &Obj<'_>,
    defaults: [T; 4],
    errors: &mut Errors,
    read: impl Fn(&Value, &str, &mut Errors) -> Option<T>,
) -> BTreeMap<Priority, T> {
    let mut out: BTreeMap<Priority, T> = [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Urgent,
    ]
    .into_iter()
    .zip(defaults)
    .collect();
    let Some(value) = obj.get("priority_map") else {
        return out;
    };
    let path = obj.path_of("priority_map");
    let Value::Object(map) = value else {
        errors.value(
            ErrorKind::WrongType,
            &path,
            format!(
                "expected an object of our priority -> the vendor's, found {}",
                type_name(value)
            ),
            value,
        );
        return out;
    };
    for (ours, theirs) in map {
        let p = join(&path, ours);
        match Priority::from_name(ours) {
            Some(priority) => {
                if let Some(v) = read(theirs, &p, errors) {
                    out.insert(priority, v);
                }
            }
            None => errors.value(
                ErrorKind::UnknownVariant,
                &p,
                format!(
                    "unknown priority, expected one of: {}",
                    Priority::NAMES.join(", ")
                ),
                &Value::String(ours.clone()),
            ),
        }
    }
    out
}

#[cfg(feature = "integrations")]
/// A helpdesk tag: lower case, spaces and other separators as `_` (Zendesk splits tags on spaces).
pub(crate) fn tag(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}
