//! What a browser may run: `Config::refuse_for_browser` (every build), and the build without the
//! feature `integrations` (the browsers' widget build), whose reader refuses helpdesks while
//! `kind: "webhook"` entries of `handoff.integrations` read as they do everywhere.

use handoff_core::{Config, ErrorKind, PathError};
use serde_json::{json, Value};

fn config(value: Value) -> Config {
    Config::from_value(&value).unwrap_or_else(|e| panic!("{value}: {e}"))
}

fn refusal(value: Value) -> PathError {
    config(value.clone())
        .refuse_for_browser()
        .expect_err(&value.to_string())
}

const SECRETS: &str = "webhook secrets do not belong in a browser";

#[test]
fn unsigned_webhooks_anywhere_are_fine_in_a_browser() {
    for value in [
        json!({"handoff": {}}),
        json!({}),
        json!({"handoff": {"webhooks": [{"url": "https://x.test/h"}], "integrations": []}}),
        json!({"handoff": {"webhooks": [{"url": "https://x.test/h", "secret_ref": null}]}}),
        json!({"handoff": {"integrations": [
            {"kind": "webhook", "url": "https://x.test/a"},
            {"kind": "webhook", "url": "https://x.test/b", "enabled": false}
        ]}}),
    ] {
        assert_eq!(
            config(value.clone()).refuse_for_browser(),
            Ok(()),
            "{value}"
        );
    }
}

#[test]
fn a_signed_webhook_is_refused_at_its_secret_ref_without_repeating_it() {
    let e = refusal(json!({"handoff": {"webhooks": [
        {"url": "https://x.test/a"},
        {"url": "https://x.test/b", "secret_ref": "whsec_PASTED"}
    ]}}));
    assert_eq!(e.path, "handoff.webhooks[1].secret_ref");
    assert_eq!(e.kind, ErrorKind::Invalid);
    assert!(e.message.starts_with(SECRETS), "{}", e.message);
    assert_eq!(e.value, None);
    assert!(!e.to_string().contains("PASTED"), "{e}");

    // The bare handoff object names the same path.
    let e = refusal(json!({"webhooks": [{"url": "https://x.test/h", "secret_ref": "S"}]}));
    assert_eq!(e.path, "handoff.webhooks[0].secret_ref");

    // A webhook entry of handoff.integrations, enabled or not.
    for enabled in [true, false] {
        let e = refusal(json!({"handoff": {"integrations": [
            {"kind": "webhook", "url": "https://x.test/a"},
            {"kind": "webhook", "url": "https://x.test/b", "secret_ref": "S", "enabled": enabled}
        ]}}));
        assert_eq!(e.path, "handoff.integrations[1].secret_ref");
        assert!(e.message.starts_with(SECRETS), "{}", e.message);
    }
}

#[cfg(feature = "integrations")]
#[test]
fn a_helpdesk_is_refused_at_its_entry_and_signed_webhooks_come_first() {
    let zendesk = json!({"kind": "zendesk", "subdomain": "acme", "email": "bot@acme.test",
                         "api_token_ref": "ZENDESK_API_TOKEN"});
    let e = refusal(json!({"handoff": {"integrations": [
        {"kind": "webhook", "url": "https://x.test/a"},
        zendesk.clone()
    ]}}));
    assert_eq!(e.path, "handoff.integrations[1]");
    assert_eq!(e.kind, ErrorKind::Invalid);
    assert!(
        e.message
            .starts_with("helpdesk integrations do not belong in a browser: \"zendesk\" needs"),
        "{}",
        e.message
    );
    let mut disabled = zendesk.clone();
    disabled["enabled"] = json!(false);
    let e = refusal(json!({"handoff": {"integrations": [disabled]}}));
    assert_eq!(e.path, "handoff.integrations[0]");

    let e = refusal(json!({"handoff": {
        "webhooks": [{"url": "https://x.test/h", "secret_ref": "S"}],
        "integrations": [zendesk.clone()]
    }}));
    assert_eq!(e.path, "handoff.webhooks[0].secret_ref");
    let e = refusal(json!({"handoff": {"integrations": [
        zendesk,
        {"kind": "webhook", "url": "https://x.test/b", "secret_ref": "S"}
    ]}}));
    assert_eq!(e.path, "handoff.integrations[1].secret_ref");
}

/// Webhook entries of `handoff.integrations` read the same with and without the feature.
#[test]
fn webhook_entries_read_in_every_build() {
    let config = config(json!({"handoff": {
        "webhooks": [{"id": "crm", "url": "https://x.test/crm"}],
        "integrations": [
            {"kind": "webhook", "url": "https://x.test/a", "events": ["conversation.closed"]},
            {"kind": "webhook", "id": "off", "url": "https://x.test/b", "enabled": false},
            {"kind": "webhook", "id": "signed", "url": "https://x.test/c", "secret_ref": "S"}
        ]
    }}));
    let ids: Vec<&str> = config.webhooks.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(ids, ["crm", "webhook_0", "signed"]);
    assert_eq!(config.webhooks[1].events, ["conversation.closed"]);
    assert_eq!(config.webhooks[2].secret_ref.as_deref(), Some("S"));
    assert!(config.integrations.is_empty());

    let errors = Config::from_value(&json!({"handoff": {
        "webhooks": [{"id": "crm", "url": "https://x.test/crm"}],
        "integrations": [{"kind": "webhook", "id": "crm", "url": "https://x.test/a", "token": "x"}]
    }}))
    .unwrap_err()
    .0;
    let found: Vec<(&str, ErrorKind)> = errors.iter().map(|e| (e.path.as_str(), e.kind)).collect();
    assert_eq!(
        found,
        [
            ("handoff.integrations[0].token", ErrorKind::Invalid),
            ("handoff.integrations[0].id", ErrorKind::Duplicate),
        ]
    );
}

/// The browsers' widget build has no helpdesk integrations: their configuration is refused at
/// the entry, saying why and what to do instead; every other error is still reported with it.
#[cfg(not(feature = "integrations"))]
#[test]
fn without_the_feature_a_helpdesk_is_refused_by_the_reader() {
    let errors = Config::from_value(&json!({"handoff": {
        "routing": {"method": "round_robbin"},
        "integrations": [
            {"kind": "webhook", "url": "https://x.test/a"},
            {"kind": "intercom", "access_token_ref": "INTERCOM_TOKEN", "admin_id": "1"},
            {"kind": "zendesk", "enabled": false}
        ]
    }}))
    .unwrap_err()
    .0;
    let found: Vec<(&str, ErrorKind)> = errors.iter().map(|e| (e.path.as_str(), e.kind)).collect();
    assert_eq!(
        found,
        [
            ("handoff.routing.method", ErrorKind::UnknownVariant),
            ("handoff.integrations[1]", ErrorKind::Invalid),
            ("handoff.integrations[2]", ErrorKind::Invalid),
        ]
    );
    let message = &errors[1].message;
    assert!(
        message.starts_with("\"intercom\": this build of the engine has no helpdesk integrations"),
        "{message}"
    );
    assert!(message.contains("a browser may not hold"), "{message}");
    assert!(message.contains("use a webhook"), "{message}");
    assert_eq!(errors[1].value, None);
    // An unknown kind is still an unknown kind.
    let errors = Config::from_value(&json!({"handoff": {"integrations": [{"kind": "zendsk"}]}}))
        .unwrap_err()
        .0;
    assert_eq!(errors[0].path, "handoff.integrations[0].kind");
    assert_eq!(errors[0].kind, ErrorKind::UnknownVariant);
}
