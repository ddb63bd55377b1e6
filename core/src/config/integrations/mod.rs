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
//!
//! Each kind's keys are described once, as a field table the reader walks and `config::schema`
//! writes out (the JSON Schema's `IntegrationConfig` branches, README's tables of the keys):
//! `common` (`kind`, `id`, `enabled`, the refused secrets, `base_url`), `ticketing` (the ticket
//! keys Zendesk and Freshdesk share), `zendesk` (with `sunshine`), `freshdesk`, `intercom`, and
//! `webhook` (`handoff.webhooks[]`'s keys with `kind` and `enabled`).

use serde_json::Value;

use crate::config::read::{index, join, type_name, Errors, Obj, Section, Shape};
use crate::config::webhooks::Webhook;
use crate::wire::error::ErrorKind;

mod common;
mod freshdesk;
mod intercom;
mod ticketing;
mod webhook;
mod zendesk;

#[cfg(feature = "schema")]
pub(crate) use common::{ID, INTEGRATION, KIND};
pub use freshdesk::Freshdesk;
use freshdesk::FRESHDESK;
pub use intercom::Intercom;
use intercom::INTERCOM;
pub use ticketing::Ticketing;
#[cfg(feature = "schema")]
pub(crate) use webhook::WEBHOOK_INTEGRATION;
pub use zendesk::{Sunshine, Zendesk};
use zendesk::{SUNSHINE, ZENDESK};

pub(crate) use common::ENABLED;
use common::{read_id, refuse_inline_secrets, KINDS, SECRETS};

/// The JSON Schema of `handoff.integrations`: an array of `IntegrationConfig`, one branch per
/// kind (with the feature `schema`: `config::schema` writes them from [`VENDORS`]' tables and
/// `handoff.webhooks[]`'s).
pub(crate) const SHAPE: Shape = shape!({
    "type": "array",
    "items": {"$ref": "#/$defs/IntegrationConfig"}
});

/// The helpdesk kinds and their tables, in the schema's and README's order.
#[cfg(feature = "schema")]
pub(crate) static VENDORS: [(&str, &Section); 3] = [
    ("zendesk", &ZENDESK),
    ("freshdesk", &FRESHDESK),
    ("intercom", &INTERCOM),
];

/// Every table of an integration's keys.
fn tables() -> [&'static Section; 5] {
    [
        &ZENDESK,
        &SUNSHINE,
        &FRESHDESK,
        &INTERCOM,
        &webhook::WEBHOOK_INTEGRATION,
    ]
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
        let table = match kind {
            "zendesk" => &ZENDESK,
            "freshdesk" => &FRESHDESK,
            "intercom" => &INTERCOM,
            _ => {
                webhook::parse(item, &item_path, i, &mut ids, &mut parsed.webhooks, errors);
                continue;
            }
        };
        let Some(obj) = Obj::new_guarded(item, &item_path, table, errors) else {
            continue;
        };
        refuse_inline_secrets(&obj, &SECRETS, errors);
        let id = read_id(&obj, kind, errors);
        let enabled = obj.flag(&ENABLED, errors);
        let vendor = match kind {
            "zendesk" => zendesk::parse(&obj, errors).map(Vendor::Zendesk),
            "freshdesk" => freshdesk::parse(&obj, errors).map(Vendor::Freshdesk),
            _ => intercom::parse(&obj, errors).map(Vendor::Intercom),
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

/// Letters, digits, `_` and `-`.
pub(crate) fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

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
