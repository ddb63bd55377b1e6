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

use crate::config::webhooks::{parse_webhook, Webhook};
use crate::json::{index, join, type_name, Errors, Obj};
use crate::wire::error::ErrorKind;
use crate::wire::output::Auth;
use crate::wire::state::Priority;

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
        let kind = match item.get("kind") {
            Some(Value::String(k)) if KINDS.contains(&k.as_str()) => k.as_str(),
            Some(Value::String(k)) => {
                let hint = crate::json::suggest(k, KINDS)
                    .map(|s| format!(" (did you mean \"{s}\"?)"))
                    .unwrap_or_default();
                errors.value(
                    ErrorKind::UnknownVariant,
                    &join(&item_path, "kind"),
                    format!(
                        "unknown kind \"{k}\"{hint}, expected one of: {}",
                        KINDS.join(", ")
                    ),
                    &Value::String(k.clone()),
                );
                continue;
            }
            Some(other) => {
                errors.value(
                    ErrorKind::UnknownVariant,
                    &join(&item_path, "kind"),
                    format!("expected one of {}", KINDS.join(", ")),
                    other,
                );
                continue;
            }
            None if item.is_object() => {
                errors.at(
                    ErrorKind::Missing,
                    &join(&item_path, "kind"),
                    format!(
                        "missing field \"kind\", expected one of: {}",
                        KINDS.join(", ")
                    ),
                );
                continue;
            }
            None => {
                errors.value(
                    ErrorKind::WrongType,
                    &item_path,
                    format!("expected an object, found {}", type_name(item)),
                    item,
                );
                continue;
            }
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
        let known = match kind {
            "zendesk" => ZENDESK_KEYS,
            "freshdesk" => FRESHDESK_KEYS,
            _ => INTERCOM_KEYS,
        };
        let Some(obj) = Obj::new_guarded(item, &item_path, known, errors) else {
            continue;
        };
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
        let Some(id) = id else { continue };
        if !claim_id(&mut ids, &id, &obj, errors) {
            continue;
        }
        if let Some(vendor) = vendor {
            parsed.integrations.push(Integration {
                id,
                enabled,
                vendor,
            });
        }
    }
    parsed
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
        let webhook_secret = *key == "secret" && obj.known.contains(&"url");
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

fn id_number(obj: &Obj<'_>, key: &str, errors: &mut Errors) -> Option<u64> {
    obj.uint(key, 1, u64::MAX, errors)
}

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

fn tags(obj: &Obj<'_>, errors: &mut Errors) -> Vec<String> {
    obj.strings("tags", errors)
        .unwrap_or_default()
        .iter()
        .map(|t| crate::integrations::package::tag(t))
        .collect()
}

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

const ZENDESK_PRIORITIES: &[&str] = &["low", "normal", "high", "urgent"];
const ZENDESK_TYPES: &[&str] = &["problem", "incident", "question", "task"];
const ZENDESK_STATUSES: &[&str] = &["open", "pending", "hold", "solved"];

fn zendesk_word(
    allowed: &'static [&'static str],
) -> impl Fn(&Value, &str, &mut Errors) -> Option<String> {
    move |value, path, errors| match value {
        Value::String(s) if allowed.contains(&s.as_str()) => Some(s.clone()),
        other => {
            errors.value(
                ErrorKind::UnknownVariant,
                path,
                format!("expected one of: {}", allowed.join(", ")),
                other,
            );
            None
        }
    }
}

fn parse_zendesk(obj: &Obj<'_>, errors: &mut Errors) -> Option<Zendesk> {
    let base_url = base_url(obj, "subdomain", "zendesk.com", errors);
    let email = obj.nonempty_string("email", errors);
    user_name(obj, "email", email, errors);
    let token = reference(obj, "api_token_ref", errors);
    let oauth = reference(obj, "oauth_token_ref", errors);
    let auth = match (email, token, oauth) {
        (Some(email), Some(token), None) => Some(Auth::Basic {
            username: Some(format!("{email}/token")),
            username_ref: None,
            password: None,
            password_ref: Some(token),
        }),
        (None, None, Some(oauth)) => Some(Auth::Bearer { token_ref: oauth }),
        (None, Some(_), None) => {
            errors.at(
                ErrorKind::Missing,
                &obj.path_of("email"),
                "missing field \"email\": API tokens authenticate as {email}/token",
            );
            None
        }
        (_, Some(_), Some(_)) => {
            errors.at(
                ErrorKind::Invalid,
                &obj.path_of("oauth_token_ref"),
                "give \"api_token_ref\" (with \"email\") or \"oauth_token_ref\", not both",
            );
            None
        }
        _ if obj.get("api_token_ref").is_some() || obj.get("oauth_token_ref").is_some() => None,
        _ => {
            errors.at(
                ErrorKind::Missing,
                &obj.path_of("api_token_ref"),
                "missing credentials: set \"email\" and \"api_token_ref\", or \"oauth_token_ref\"",
            );
            None
        }
    };
    let ticket_type = obj
        .variant("type", ZENDESK_TYPES, errors)
        .map(str::to_string);
    let close_status = if matches!(obj.map.get("close_status"), Some(Value::Null)) {
        None
    } else {
        Some(
            obj.variant("close_status", ZENDESK_STATUSES, errors)
                .unwrap_or("solved")
                .to_string(),
        )
    };
    let priority_map = priority_map(
        obj,
        ["low", "normal", "high", "urgent"].map(String::from),
        errors,
        zendesk_word(ZENDESK_PRIORITIES),
    );
    let agent_map = agent_map(obj, errors, |v, p, e| match v.as_u64() {
        Some(n) if n > 0 => Some(n),
        _ => {
            e.value(
                ErrorKind::WrongType,
                p,
                "expected a Zendesk user id (a whole number)",
                v,
            );
            None
        }
    });
    let sunshine = obj
        .get("sunshine")
        .and_then(|v| parse_sunshine(v, &obj.path_of("sunshine"), errors));
    // Every field is read (and every error reported) before a missing part ends the reading.
    let group_id = id_number(obj, "group_id", errors);
    let assignee_id = id_number(obj, "assignee_id", errors);
    let tags = tags(obj, errors);
    Some(Zendesk {
        base_url: base_url?,
        auth: auth?,
        group_id,
        assignee_id,
        tags,
        ticket_type,
        priority_map,
        agent_map,
        close_status,
        sunshine,
    })
}

/// Refuses a basic-auth user name holding `:` (RFC 7617 §2: "a user-id containing a colon
/// character is invalid"; the receiver would split it at the colon). The same rule refuses one
/// resolved from a reference at send time ([`Auth::header`]).
fn user_name(obj: &Obj<'_>, key: &str, value: Option<&str>, errors: &mut Errors) {
    if let Some(v) = value.filter(|v| v.contains(':')) {
        errors.value(
            ErrorKind::Invalid,
            &obj.path_of(key),
            "a basic-auth user name cannot hold \":\" (RFC 7617 §2)",
            &Value::String(v.into()),
        );
    }
}

fn parse_sunshine(value: &Value, path: &str, errors: &mut Errors) -> Option<Sunshine> {
    let obj = Obj::new_guarded(value, path, SUNSHINE_KEYS, errors)?;
    refuse_inline_secrets(&obj, errors);
    let app_id = obj.nonempty_string("app_id", errors);
    let app_id = require(&obj, "app_id", app_id, errors);
    if let Some(a) = app_id {
        if !crate::wire::limits::is_safe_id(a) {
            errors.value(
                ErrorKind::Invalid,
                &obj.path_of("app_id"),
                "expected an app id (letters, digits)",
                &Value::String(a.into()),
            );
        }
    }
    let key_id = obj.nonempty_string("key_id", errors);
    let key_id = require(&obj, "key_id", key_id, errors);
    user_name(&obj, "key_id", key_id, errors);
    let secret = reference(&obj, "key_secret_ref", errors);
    let secret = require(&obj, "key_secret_ref", secret, errors);
    let switchboard = obj
        .nonempty_string("switchboard_integration", errors)
        .unwrap_or("zd:agentWorkspace")
        .to_string();
    Some(Sunshine {
        app_id: app_id?.to_string(),
        auth: Auth::Basic {
            username: Some(key_id?.to_string()),
            username_ref: None,
            password: None,
            password_ref: Some(secret?),
        },
        switchboard_integration: switchboard,
    })
}

fn code(
    min: u64,
    max: u64,
    what: &'static str,
) -> impl Fn(&Value, &str, &mut Errors) -> Option<u8> {
    move |value, path, errors| match value.as_u64() {
        Some(n) if (min..=max).contains(&n) => Some(n as u8),
        _ => {
            errors.value(
                ErrorKind::OutOfRange,
                path,
                format!("expected a Freshdesk {what} code from {min} to {max}"),
                value,
            );
            None
        }
    }
}

fn parse_freshdesk(obj: &Obj<'_>, errors: &mut Errors) -> Option<Freshdesk> {
    let base_url = base_url(obj, "domain", "freshdesk.com", errors);
    let key = reference(obj, "api_key_ref", errors);
    let key = require(obj, "api_key_ref", key, errors);
    let priority_map = priority_map(obj, [1, 2, 3, 4], errors, code(1, 4, "priority"));
    let source = match obj.get("source") {
        Some(v) => match v.as_u64() {
            Some(n @ (1 | 2 | 3 | 7 | 9 | 10)) => n as u8,
            _ => {
                errors.value(ErrorKind::Invalid, &obj.path_of("source"), "expected a Freshdesk source code: 1 Email, 2 Portal, 3 Phone, 7 Chat, 9 Feedback widget, 10 Outbound email", v);
                7
            }
        },
        None => 7,
    };
    let close_status = match obj.map.get("close_status") {
        Some(Value::Null) => None,
        Some(v) => code(2, 5, "status")(v, &obj.path_of("close_status"), errors).or(Some(4)),
        None => Some(4),
    };
    let agent_map = agent_map(obj, errors, |v, p, e| match v.as_u64() {
        Some(n) if n > 0 => Some(n),
        _ => {
            e.value(
                ErrorKind::WrongType,
                p,
                "expected a Freshdesk agent id (a whole number)",
                v,
            );
            None
        }
    });
    let group_id = id_number(obj, "group_id", errors);
    let responder_id = id_number(obj, "responder_id", errors);
    let tags = tags(obj, errors);
    let ticket_type = obj.nonempty_string("type", errors).map(str::to_string);
    Some(Freshdesk {
        base_url: base_url?,
        auth: Auth::Basic {
            username: None,
            username_ref: Some(key?),
            password: Some("X".into()),
            password_ref: None,
        },
        group_id,
        responder_id,
        tags,
        ticket_type,
        source,
        priority_map,
        agent_map,
        close_status,
    })
}

fn parse_intercom(obj: &Obj<'_>, errors: &mut Errors) -> Option<Intercom> {
    let base_url = match (obj.get("region"), obj.get("base_url")) {
        (Some(_), Some(_)) => {
            errors.at(
                ErrorKind::Invalid,
                &obj.path_of("base_url"),
                "give \"region\" or \"base_url\", not both",
            );
            None
        }
        (None, Some(_)) => obj
            .nonempty_string("base_url", errors)
            .and_then(|b| url(obj, "base_url", b, errors)),
        _ => match obj.variant("region", &["us", "eu", "au"], errors) {
            Some("eu") => Some("https://api.eu.intercom.io".to_string()),
            Some("au") => Some("https://api.au.intercom.io".to_string()),
            Some(_) => Some("https://api.intercom.io".to_string()),
            None if obj.get("region").is_some() => None,
            None => Some("https://api.intercom.io".to_string()),
        },
    };
    let token = reference(obj, "access_token_ref", errors);
    let token = require(obj, "access_token_ref", token, errors);
    let version = obj
        .nonempty_string("version", errors)
        .unwrap_or("2.14")
        .to_string();
    let admin_id = obj
        .get("admin_id")
        .and_then(|v| id_string(v, &obj.path_of("admin_id"), errors));
    let admin_id = require(obj, "admin_id", admin_id, errors);
    let team_id = obj
        .get("team_id")
        .and_then(|v| id_string(v, &obj.path_of("team_id"), errors));
    let assignee_id = obj
        .get("assignee_id")
        .and_then(|v| id_string(v, &obj.path_of("assignee_id"), errors));
    if team_id.is_some() && assignee_id.is_some() {
        errors.at(
            ErrorKind::Invalid,
            &obj.path_of("assignee_id"),
            "give \"team_id\" or \"assignee_id\", not both",
        );
    }
    if obj.get("team_id").is_none() && obj.get("assignee_id").is_none() {
        errors.at(
            ErrorKind::Missing,
            &obj.path_of("team_id"),
            "missing field \"team_id\" (or \"assignee_id\"): who the conversation is handed to",
        );
    }
    let agent_map = agent_map(obj, errors, id_string);
    let close_on_close = obj.bool("close_on_close", true, errors);
    Some(Intercom {
        base_url: base_url?,
        auth: Auth::Bearer { token_ref: token? },
        version,
        admin_id: admin_id?,
        team_id,
        assignee_id,
        agent_map,
        close_on_close,
    })
}
