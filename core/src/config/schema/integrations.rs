//! `handoff.integrations[]` written out from its tables: the `$defs/IntegrationConfig` branches
//! (one per kind).

use serde_json::{json, Map, Value};

use super::{described, field_schema, one_line, section_schema};
use crate::config::integrations::{ENABLED, ID, INTEGRATION, KIND, VENDORS, WEBHOOK_INTEGRATION};
use crate::config::read::{Kind, Section};
use crate::config::webhooks::WEBHOOK;

/// `$defs/IntegrationConfig`: one branch per `kind`, each titled with its TypeScript name. A
/// helpdesk's keys come from its table (the inline secrets it refuses are left to
/// `additionalProperties`); a webhook's are `handoff.webhooks[]`'s with `kind` and `enabled`.
pub(super) fn schema() -> Value {
    let mut branches: Vec<Value> = VENDORS
        .iter()
        .map(|(kind, table)| object(table, Some(kind)))
        .collect();
    branches.push(webhook());
    json!({
        "description": one_line(INTEGRATION.doc),
        "oneOf": branches
    })
}

/// The schema of a helpdesk's object (`kind` its branch's, `None` for an object inside one):
/// its keys but the refused ones, inner objects written in place.
fn object(section: &Section, kind: Option<&str>) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in section.fields {
        let mut schema = match field.kind {
            Kind::Refused => continue,
            Kind::Object(inner) => described(field, object(inner, None)),
            _ => field_schema(field),
        };
        if let Some(kind) = kind {
            if field.key == KIND.key {
                schema = json!({"const": kind});
            } else if field.key == ID.key {
                schema["default"] = json!(kind);
            }
        }
        if field.required {
            required.push(field.key);
        }
        properties.insert(field.key.into(), schema);
    }
    let mut out = Map::new();
    if kind.is_some() {
        out.insert("title".into(), json!(section.name));
    }
    out.insert("type".into(), json!("object"));
    out.insert("description".into(), json!(one_line(section.doc)));
    out.insert("properties".into(), Value::Object(properties));
    out.insert("required".into(), json!(required));
    out.insert("additionalProperties".into(), json!(false));
    Value::Object(out)
}

/// The `webhook` branch: `handoff.webhooks[]`'s keys, with `kind` and `enabled`.
fn webhook() -> Value {
    let mut webhook = section_schema(&WEBHOOK);
    let mut properties = Map::new();
    properties.insert(KIND.key.into(), json!({"const": "webhook"}));
    if let Some(Value::Object(fields)) = webhook.get("properties") {
        properties.extend(fields.clone());
    }
    properties.insert(ENABLED.key.into(), field_schema(&ENABLED));
    webhook["properties"] = Value::Object(properties);
    webhook["title"] = json!(WEBHOOK_INTEGRATION.name);
    webhook["description"] = json!(one_line(WEBHOOK_INTEGRATION.doc));
    let mut required = vec![json!(KIND.key)];
    if let Some(Value::Array(keys)) = webhook.get("required") {
        required.extend(keys.iter().cloned());
    }
    webhook["required"] = Value::Array(required);
    webhook
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_helpdesk_table_starts_with_the_common_keys_and_has_its_kind() {
        for (kind, section) in VENDORS.iter() {
            let keys = section.keys();
            assert_eq!(keys[..3], INTEGRATION.keys()[..], "{kind}");
            let schema = object(section, Some(kind));
            assert_eq!(schema["properties"]["kind"]["const"], *kind);
            assert_eq!(schema["properties"]["id"]["default"], *kind);
        }
    }
}
