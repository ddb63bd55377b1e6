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

// Without the feature `integrations` (the widget build), the helpdesks' tables stay (the
// schema and the refusal name their kinds) and their readers are never called.
#![cfg_attr(not(feature = "integrations"), allow(dead_code, unused_imports))]

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
/// kind (with the feature `schema`: `config::schema` writes them from `VENDORS`' tables and
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
        if kind == "webhook" {
            webhook::parse(item, &item_path, i, &mut ids, &mut parsed.webhooks, errors);
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
    let table = match kind {
        "zendesk" => &ZENDESK,
        "freshdesk" => &FRESHDESK,
        _ => &INTERCOM,
    };
    let obj = Obj::new_guarded(item, item_path, table, errors)?;
    refuse_inline_secrets(&obj, &SECRETS, errors);
    let id = read_id(&obj, kind, errors);
    let enabled = obj.flag(&ENABLED, errors);
    let vendor = match kind {
        "zendesk" => zendesk::parse(&obj, errors).map(Vendor::Zendesk),
        "freshdesk" => freshdesk::parse(&obj, errors).map(Vendor::Freshdesk),
        _ => intercom::parse(&obj, errors).map(Vendor::Intercom),
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

// The helpdesks' readers: only where they are built.
#[cfg(all(test, feature = "integrations"))]
mod tests {
    use serde_json::json;

    use crate::config::Config;

    /// Every error of `integrations`, as `path: message (got value)`.
    fn errors(integrations: serde_json::Value) -> Vec<String> {
        match Config::from_value(&json!({"handoff": {"integrations": integrations}})) {
            Ok(_) => Vec::new(),
            Err(e) => e.0.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn the_tables_kinds_refuse_with_the_vendors_words() {
        let found = errors(json!([
            {"kind": "zendesk", "id": "zd", "subdomain": "acme", "oauth_token_ref": "9T",
             "priority_map": {"low": "lowest"}, "agent_map": {"a": 0}, "tokn": "x"},
            {"kind": "freshdesk", "id": "fd", "domain": "acme", "api_key_ref": "K", "source": 4,
             "priority_map": {"high": 0}, "close_status": "open", "agent_map": {"a": "x"}},
            {"kind": "intercom", "access_token_ref": "T", "admin_id": "a b", "team_id": -1,
             "agent_map": {"a": [1]}}
        ]));
        assert_eq!(
            found,
            [
                "handoff.integrations[0].tokn: unknown field \"tokn\" (did you mean \"token\"?), \
                 expected one of: kind, id, enabled, subdomain, base_url, email, api_token_ref, \
                 oauth_token_ref, group_id, assignee_id, tags, type, priority_map, agent_map, \
                 close_status, sunshine, webhook_secret_ref, secret, api_token, api_key, \
                 access_token, oauth_token, token, password, key_secret",
                "handoff.integrations[0].oauth_token_ref: expected the name of an environment \
                 variable or worker secret (letters, digits, '_', '.', '-'), not the secret itself",
                "handoff.integrations[0].priority_map.low: expected one of: low, normal, high, \
                 urgent (got \"lowest\")",
                "handoff.integrations[0].agent_map.a: expected a Zendesk user id (a whole number) \
                 (got 0)",
                "handoff.integrations[1].priority_map.high: expected a Freshdesk priority code \
                 from 1 to 4 (got 0)",
                "handoff.integrations[1].source: expected a Freshdesk source code: 1 Email, 2 \
                 Portal, 3 Phone, 7 Chat, 9 Feedback widget, 10 Outbound email (got 4)",
                "handoff.integrations[1].close_status: expected a Freshdesk status code from 2 to \
                 5 (got \"open\")",
                "handoff.integrations[1].agent_map.a: expected a Freshdesk agent id (a whole \
                 number) (got \"x\")",
                "handoff.integrations[2].admin_id: expected an id (letters, digits, '_', '-', '.') \
                 (got \"a b\")",
                "handoff.integrations[2].team_id: expected an id (letters, digits, '_', '-', '.') \
                 (got -1)",
                "handoff.integrations[2].agent_map.a: expected an id (letters, digits, '_', '-', \
                 '.') (got [1])",
            ]
        );
    }

    #[test]
    fn a_refused_secret_names_the_ref_key_of_the_same_name_where_there_is_one() {
        let found = errors(json!([
            {"kind": "intercom", "access_token_ref": "T", "admin_id": "1", "team_id": "2",
             "api_key": "s1", "password": "s2", "key_secret": "s3"}
        ]));
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(found[0].contains(".api_key: inline secrets are not accepted; set \"api_key_ref\""));
        assert!(found[1].contains(".password: inline secrets are not accepted; set a *_ref field"));
        assert!(found[2]
            .contains(".key_secret: inline secrets are not accepted; set \"key_secret_ref\""));
        assert!(found
            .iter()
            .all(|e| !e.contains("s1") && !e.contains("s2") && !e.contains("s3")));
    }
}
