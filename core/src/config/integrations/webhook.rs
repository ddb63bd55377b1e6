//! `kind: "webhook"`: a `handoff.webhooks[]` entry written among the integrations, read by the
//! same code and becoming one of [`Config::webhooks`](crate::Config::webhooks).

use serde_json::Value;

use super::common::{refuse_inline_secrets, CREDENTIALS, ENABLED, KIND};
use crate::config::read::{fields, Errors, Field, Obj, Section};
use crate::config::webhooks::{parse_webhook, Webhook, EVENTS, ID, SECRET, SECRET_REF, URL};

const FIELDS: [Field; 14] = fields(&[
    &[KIND, ID, ENABLED, URL, EVENTS, SECRET_REF, SECRET],
    &CREDENTIALS,
]);

/// `kind: "webhook"`: the keys of `handoff.webhooks[]` with `kind` and `enabled`.
pub(crate) static WEBHOOK_INTEGRATION: Section = Section {
    name: "WebhookIntegration",
    path: "handoff.integrations[]",
    fields: &FIELDS,
    doc: doc!("The same as a `handoff.webhooks[]` entry, with `kind` and `enabled`."),
    notes: doc!(""),
};

/// Reads the webhook at `handoff.integrations[i]` (`path`); an enabled one whose id is free is
/// added to `webhooks`.
pub(super) fn parse(
    item: &Value,
    path: &str,
    i: usize,
    ids: &mut Vec<String>,
    webhooks: &mut Vec<Webhook>,
    errors: &mut Errors,
) {
    let Some(obj) = Obj::new_guarded(item, path, &WEBHOOK_INTEGRATION, errors) else {
        return;
    };
    // `secret` is reported by the webhook reader, as in `handoff.webhooks[]`.
    refuse_inline_secrets(&obj, &CREDENTIALS, errors);
    let enabled = obj.flag(&ENABLED, errors);
    if let Some(hook) = parse_webhook(&obj, &format!("webhook_{i}"), errors) {
        if super::claim_id(ids, &hook.id, &obj, errors) && enabled {
            webhooks.push(hook);
        }
    }
}
