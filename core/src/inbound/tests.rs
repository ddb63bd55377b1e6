//! The verifiers with the vendors' published examples where they exist, and computed vectors
//! (HMACs computed independently with Python's `hmac`).

use std::collections::BTreeMap;

use serde_json::json;

use super::*;
use crate::wire::input::{HelpdeskEvent, HelpdeskKind, VendorRef};

fn config() -> Config {
    Config::from_value(&json!({"handoff": {"integrations": [
        {"kind": "zendesk", "subdomain": "acme", "email": "bot@acme.com", "api_token_ref": "ZD",
         "webhook_secret_ref": "ZD_HOOK",
         "sunshine": {"app_id": "5e4a", "key_id": "app_1", "key_secret_ref": "SC",
                      "bot_integration": "handoff-bot", "webhook_secret_ref": "SC_HOOK"}},
        {"kind": "intercom", "access_token_ref": "IC", "admin_id": "814860", "team_id": "1",
         "client_secret_ref": "IC_SECRET"},
        {"kind": "freshdesk", "domain": "acme", "api_key_ref": "FD", "webhook_secret_ref": "FD_HOOK"},
        {"kind": "freshdesk", "id": "fd_no_hook", "domain": "acme", "api_key_ref": "FD"}
    ]}}))
    .unwrap()
}

/// The Zendesk documentation's example secret; the others are ours.
fn resolve(name: &str) -> Option<String> {
    match name {
        "ZD_HOOK" => Some("HRkRd4BeOAoUkfZr-mhauJT64rvBASlJRoIyPsd3zeA=".into()),
        "SC_HOOK" => Some("sc-webhook-secret".into()),
        "IC_SECRET" => Some("ic-client-secret".into()),
        "FD_HOOK" => Some("fd shared/secret".into()),
        _ => None,
    }
}

fn headers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn read_with(
    id: &str,
    h: &[(&str, &str)],
    query: &str,
    body: &[u8],
    now: i64,
) -> Result<Vec<Input>, PathError> {
    let headers = headers(h);
    let request = WebhookRequest {
        headers: &headers,
        query,
        body,
    };
    read(&config(), id, &request, now, resolve)
}

fn ms(at: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(at)
        .unwrap()
        .timestamp_millis()
}

fn event(inputs: &[Input]) -> &HelpdeskEvent {
    match inputs {
        [Input::HelpdeskEvent(e)] => e,
        other => panic!("expected one helpdesk_event, got {other:?}"),
    }
}

#[test]
fn zendesks_published_example_signature_verifies() {
    // developer.zendesk.com/documentation/event-connectors/webhooks/verifying: secret
    // HRkRd4Be…, body {"say": "hello"}, timestamp 2021-07-25T10:00:00Z.
    let sig = "tRDSF7URY8BLCDlaBcQ7FHu051Zk+aAB0NKMP53teMw=";
    let ts = "2021-07-25T10:00:00Z";
    let body = br#"{"say": "hello"}"#;
    let h = [
        ("x-zendesk-webhook-signature", sig),
        ("x-zendesk-webhook-signature-timestamp", ts),
    ];
    // Verified, then read: not a ticket event (no id), so the payload is what is refused.
    let e = read_with("zendesk", &h, "", body, ms(ts) + 60_000).unwrap_err();
    assert_eq!((e.kind, e.path.as_str()), (ErrorKind::Missing, "body.id"));
    // The same over timestamp + body (the Webhooks page's order), computed with Python.
    let sig = "Rry/4TtIdFyawtXXp8QdI6tlAUUQ/5kL1OTp5qo/ZIk=";
    let h = [
        ("x-zendesk-webhook-signature", sig),
        ("x-zendesk-webhook-signature-timestamp", ts),
    ];
    assert_eq!(
        read_with("zendesk", &h, "", body, ms(ts)).unwrap_err().kind,
        ErrorKind::Missing
    );
}

#[test]
fn zendesk_bad_stale_or_missing_signatures_are_refused_without_the_secret() {
    let ts = "2021-07-25T10:00:00Z";
    let body = br#"{"say": "hello"}"#;
    let good = "tRDSF7URY8BLCDlaBcQ7FHu051Zk+aAB0NKMP53teMw=";
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a [u8], i64, &'a str);
    let cases: [Case<'_>; 5] = [
        (
            &[
                ("x-zendesk-webhook-signature", good),
                ("x-zendesk-webhook-signature-timestamp", ts),
            ],
            br#"{"say": "hellO"}"#,
            ms(ts),
            "x-zendesk-webhook-signature",
        ),
        (
            &[
                ("x-zendesk-webhook-signature", good),
                ("x-zendesk-webhook-signature-timestamp", ts),
            ],
            body,
            ms(ts) + 5 * 60_000 + 1,
            "x-zendesk-webhook-signature-timestamp",
        ),
        (
            &[
                ("x-zendesk-webhook-signature", good),
                (
                    "x-zendesk-webhook-signature-timestamp",
                    "2021-07-25T10:00:01Z",
                ),
            ],
            body,
            ms(ts),
            "x-zendesk-webhook-signature",
        ),
        (
            &[("x-zendesk-webhook-signature-timestamp", ts)],
            body,
            ms(ts),
            "x-zendesk-webhook-signature",
        ),
        (
            &[
                ("x-zendesk-webhook-signature", "%%%"),
                ("x-zendesk-webhook-signature-timestamp", ts),
            ],
            body,
            ms(ts),
            "x-zendesk-webhook-signature",
        ),
    ];
    for (h, body, now, path) in cases {
        let e = read_with("zendesk", h, "", body, now).unwrap_err();
        assert_eq!(
            (e.kind, e.path.as_str()),
            (ErrorKind::BadSignature, path),
            "{e}"
        );
        assert!(!e.to_string().contains("HRkRd4Be"), "{e}");
    }
}

/// A `ticket.comment_added` in the shape of Zendesk's ticket-events reference, signed with our
/// example secret over timestamp + body.
fn zendesk_comment(author: &str, is_staff: bool, public: bool) -> Vec<u8> {
    json!({
        "account_id": 22129848, "id": "cbe4028c-7239-495d-b020-f22348516046",
        "subject": "zen:ticket:35436", "time": "2026-01-12T10:31:00Z",
        "type": "zen:event-type:ticket.comment_added", "zendesk_event_version": "2022-11-06",
        "detail": {"id": "35436", "requester_id": "20978392", "submitter_id": "1200",
                   "status": "OPEN", "external_id": "conv_1"},
        "event": {"comment": {"id": "10001", "body": "Refund sent.", "is_public": public,
                  "author": {"id": author, "is_staff": is_staff, "name": "Asha K"}}}
    })
    .to_string()
    .into_bytes()
}

fn zendesk_signed(body: &[u8], ts: &str) -> Vec<(String, String)> {
    use hmac::Mac;
    let mut mac =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(b"HRkRd4BeOAoUkfZr-mhauJT64rvBASlJRoIyPsd3zeA=")
            .unwrap();
    mac.update(ts.as_bytes());
    mac.update(body);
    use base64::Engine as _;
    let sig = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    vec![
        ("x-zendesk-webhook-signature".into(), sig),
        ("x-zendesk-webhook-signature-timestamp".into(), ts.into()),
    ]
}

fn read_signed(body: &[u8]) -> Result<Vec<Input>, PathError> {
    let ts = "2026-01-12T10:31:00Z";
    let h = zendesk_signed(body, ts);
    let h: Vec<(&str, &str)> = h.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    read_with("zendesk", &h, "", body, ms(ts))
}

#[test]
fn a_zendesk_agents_comment_becomes_a_message_or_a_note() {
    let inputs = read_signed(&zendesk_comment("381001", true, true)).unwrap();
    let e = event(&inputs);
    assert_eq!(e.integration_id, "zendesk");
    assert_eq!(e.event_id, "cbe4028c-7239-495d-b020-f22348516046");
    assert_eq!(
        (e.vendor_ref, e.vendor_id.as_str()),
        (VendorRef::TicketId, "35436")
    );
    assert_eq!(
        (e.kind, e.text.as_str()),
        (HelpdeskKind::Message, "Refund sent.")
    );
    assert_eq!(
        (e.author.id.as_str(), e.author.name.as_deref()),
        ("381001", Some("Asha K"))
    );
    let inputs = read_signed(&zendesk_comment("381001", true, false)).unwrap();
    assert_eq!(event(&inputs).kind, HelpdeskKind::Note);
}

#[test]
fn zendesk_comments_by_the_requester_the_api_user_or_an_end_user_are_the_engines_own() {
    for (author, staff) in [("20978392", false), ("1200", true), ("555", false)] {
        assert!(read_signed(&zendesk_comment(author, staff, true))
            .unwrap()
            .is_empty());
    }
}

#[test]
fn a_solved_zendesk_ticket_closes_unless_the_engine_solved_it() {
    let body = |actor: &str| {
        json!({"id": "e-2", "type": "zen:event-type:ticket.status_changed",
               "detail": {"id": 35436, "actor_id": actor, "requester_id": "20978392", "submitter_id": "1200"},
               "event": {"current": "SOLVED", "previous": "OPEN"}})
        .to_string()
        .into_bytes()
    };
    let inputs = read_signed(&body("381001")).unwrap();
    assert_eq!(event(&inputs).kind, HelpdeskKind::Close);
    assert!(read_signed(&body("1200")).unwrap().is_empty());
}

/// An Intercom notification signed with our client secret (sha1= hex).
fn intercom(topic: &str, author_type: &str, author: &str, created_at: i64) -> (Vec<u8>, String) {
    use hmac::Mac;
    let body = json!({
        "type": "notification_event", "app_id": "ecahpwf5", "id": "notif_4e3504a3",
        "topic": topic, "delivery_attempts": 1, "created_at": created_at,
        "data": {"type": "notification_event_data", "item": {"type": "conversation", "id": "147",
            "conversation_parts": {"type": "conversation_part.list", "total_count": 1,
                "conversation_parts": [{"type": "conversation_part", "id": "9001",
                    "part_type": "comment", "body": "<p>It ships <b>today</b> &amp; arrives Friday.</p>",
                    "author": {"type": author_type, "id": author, "name": "Ben"}}]}}}
    })
    .to_string()
    .into_bytes();
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(b"ic-client-secret").unwrap();
    mac.update(&body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    (body, format!("sha1={hex}"))
}

#[test]
fn an_intercom_admin_reply_becomes_a_message_in_plain_text() {
    let now = 1_768_213_860_000;
    let (body, sig) = intercom("conversation.admin.replied", "admin", "991", now / 1000);
    let inputs = read_with("intercom", &[("x-hub-signature", &sig)], "", &body, now).unwrap();
    let e = event(&inputs);
    assert_eq!(
        (e.vendor_ref, e.vendor_id.as_str()),
        (VendorRef::IntercomConversationId, "147")
    );
    assert_eq!(e.text, "It ships today & arrives Friday.");
    assert_eq!(e.event_id, "notif_4e3504a3");
    let (body, sig) = intercom("conversation.admin.noted", "admin", "991", now / 1000);
    let inputs = read_with("intercom", &[("x-hub-signature", &sig)], "", &body, now).unwrap();
    assert_eq!(event(&inputs).kind, HelpdeskKind::Note);
}

#[test]
fn intercom_parts_by_the_engines_admin_or_the_contact_and_other_topics_are_nothing() {
    let now = 1_768_213_860_000;
    for (topic, kind, author) in [
        ("conversation.admin.replied", "admin", "814860"),
        ("conversation.user.replied", "user", "6650a1"),
        ("conversation.admin.replied", "bot", "1"),
        ("contact.created", "admin", "991"),
    ] {
        let (body, sig) = intercom(topic, kind, author, now / 1000);
        let inputs = read_with("intercom", &[("x-hub-signature", &sig)], "", &body, now).unwrap();
        assert!(inputs.is_empty(), "{topic} by {kind} {author}");
    }
}

#[test]
fn intercom_bad_or_stale_signatures_are_refused() {
    let now = 1_768_213_860_000;
    let (body, sig) = intercom("conversation.admin.replied", "admin", "991", now / 1000);
    let mut tampered = body.clone();
    tampered[10] ^= 1;
    let stale = now + 15 * 60_000 + 1_000;
    for (h, b, at) in [
        (vec![("x-hub-signature", sig.as_str())], &tampered, now),
        (vec![("x-hub-signature", sig.as_str())], &body, stale),
        (vec![("x-hub-signature", "sha256=00")], &body, now),
        (vec![], &body, now),
    ] {
        let e = read_with("intercom", &h, "", b, at).unwrap_err();
        assert_eq!(
            (e.kind, e.path.as_str()),
            (ErrorKind::BadSignature, "x-hub-signature"),
            "{e}"
        );
    }
}

#[test]
fn sunshine_business_messages_and_control_back_to_the_bot_are_read_with_the_api_key() {
    let body = json!({"app": {"id": "5e4a"}, "webhook": {"id": "w1", "version": "v2"}, "events": [
        {"id": "ev1", "type": "conversation:message", "createdAt": "2026-01-12T10:31:00.000Z",
         "payload": {"conversation": {"id": "c9f3"}, "message": {"id": "m1",
            "author": {"type": "business", "displayName": "Asha"},
            "content": {"type": "text", "text": "Hello from the workspace"},
            "source": {"type": "zd:agentWorkspace"}}}},
        {"id": "ev2", "type": "conversation:message",
         "payload": {"conversation": {"id": "c9f3"}, "message": {"id": "m2",
            "author": {"type": "user"}, "content": {"type": "text", "text": "hi"}}}},
        {"id": "ev3", "type": "switchboard:passControl",
         "payload": {"conversation": {"id": "c9f3"},
            "nextSwitchboardIntegration": {"id": "sb1", "name": "handoff-bot"}}}
    ]})
    .to_string();
    let inputs = read_with(
        "zendesk",
        &[("x-api-key", "sc-webhook-secret")],
        "",
        body.as_bytes(),
        0,
    )
    .unwrap();
    assert_eq!(inputs.len(), 2);
    let Input::HelpdeskEvent(first) = &inputs[0] else {
        panic!()
    };
    assert_eq!(
        (first.vendor_ref, first.vendor_id.as_str()),
        (VendorRef::SunshineConversationId, "c9f3")
    );
    assert_eq!(
        (first.kind, first.text.as_str()),
        (HelpdeskKind::Message, "Hello from the workspace")
    );
    let Input::HelpdeskEvent(second) = &inputs[1] else {
        panic!()
    };
    assert_eq!(second.kind, HelpdeskKind::ReturnToAi);
    let e = read_with(
        "zendesk",
        &[("x-api-key", "sc-webhook-secreT")],
        "",
        body.as_bytes(),
        0,
    )
    .unwrap_err();
    assert_eq!(
        (e.kind, e.path.as_str()),
        (ErrorKind::BadSignature, "x-api-key")
    );
}

#[test]
fn freshdesk_takes_its_secret_from_the_header_or_the_url() {
    let body = br#"{"ticket_id": 12, "kind": "note", "text": "<p>Checked</p>", "agent_id": 77, "agent_name": "Asha"}"#;
    let inputs = read_with(
        "freshdesk",
        &[("x-handoff-secret", "fd shared/secret")],
        "",
        body,
        0,
    )
    .unwrap();
    let e = event(&inputs);
    assert_eq!(
        (e.kind, e.text.as_str(), e.vendor_id.as_str()),
        (HelpdeskKind::Note, "Checked", "12")
    );
    assert!(e.event_id.starts_with("fd_"));
    let by_url = read_with("freshdesk", &[], "a=1&secret=fd+shared%2Fsecret", body, 0).unwrap();
    assert_eq!(event(&by_url), e);
    for (h, q) in [
        (vec![("x-handoff-secret", "fd shared/secreT")], ""),
        (vec![], "secret=no"),
        (vec![], ""),
    ] {
        let err = read_with("freshdesk", &h, q, body, 0).unwrap_err();
        assert_eq!(err.kind, ErrorKind::BadSignature);
    }
    let err = read_with(
        "freshdesk",
        &[("x-handoff-secret", "fd shared/secret")],
        "",
        br#"{"ticket_id": 1, "kind": "x", "agent_id": 1}"#,
        0,
    )
    .unwrap_err();
    assert_eq!(
        (err.kind, err.path.as_str()),
        (ErrorKind::UnknownVariant, "body.kind")
    );
}

#[test]
fn unknown_integrations_and_ones_without_a_secret_are_refused() {
    let e = read_with("nope", &[], "", b"{}", 0).unwrap_err();
    assert_eq!(
        (e.kind, e.path.as_str()),
        (ErrorKind::UnknownDelivery, "integration_id")
    );
    let e = read_with("fd_no_hook", &[("x-handoff-secret", "x")], "", b"{}", 0).unwrap_err();
    assert_eq!(e.kind, ErrorKind::BadSignature);
    assert!(e.message.contains("webhook_secret_ref"), "{e}");
}

#[test]
fn plain_text_drops_tags_and_decodes_entities() {
    assert_eq!(plain_text("<p>a &lt;b&gt;</p><p>c<br>d</p>"), "a <b>\nc\nd");
}

#[test]
fn an_intercom_assignment_to_an_admin_is_a_transfer_and_to_a_team_nothing() {
    use hmac::Mac;
    let now = 1_768_213_860_000;
    let signed = |assigned_to: serde_json::Value| {
        let body = json!({
            "type": "notification_event", "id": "notif_9", "topic": "conversation.admin.assigned",
            "created_at": now / 1000,
            "data": {"item": {"type": "conversation", "id": "147", "conversation_parts": {
                "conversation_parts": [{"id": "77", "part_type": "assignment", "body": null,
                    "author": {"type": "admin", "id": "991", "name": "Ben"},
                    "assigned_to": assigned_to}]}}}
        })
        .to_string()
        .into_bytes();
        let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(b"ic-client-secret").unwrap();
        mac.update(&body);
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        (body, format!("sha1={hex}"))
    };
    let (body, sig) = signed(json!({"type": "admin", "id": "992"}));
    let inputs = read_with("intercom", &[("x-hub-signature", &sig)], "", &body, now).unwrap();
    let e = event(&inputs);
    assert_eq!(
        (e.kind, e.assignee.as_deref()),
        (HelpdeskKind::Transfer, Some("992"))
    );
    let (body, sig) = signed(json!({"type": "team", "id": "5017691"}));
    assert!(
        read_with("intercom", &[("x-hub-signature", &sig)], "", &body, now)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_zendesk_reassignment_is_a_transfer_unless_the_engine_made_it() {
    let body = |actor: &str| {
        json!({"id": "e-3", "type": "zen:event-type:ticket.agent_assignment_changed",
               "detail": {"id": "35436", "actor_id": actor, "requester_id": "20978392", "submitter_id": "1200"},
               "event": {"current": "381002", "previous": "381001"}})
        .to_string()
        .into_bytes()
    };
    let inputs = read_signed(&body("381001")).unwrap();
    let e = event(&inputs);
    assert_eq!(
        (e.kind, e.assignee.as_deref()),
        (HelpdeskKind::Transfer, Some("381002"))
    );
    assert!(read_signed(&body("1200")).unwrap().is_empty());
}
