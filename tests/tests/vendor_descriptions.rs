//! Requests against the vendors' own API descriptions (`tests/vendor-schemas/`), not only our
//! contracts: the checker finds each operation by method and path template and names the vendor,
//! operation, JSON path and reason of every misfit; the fake vendors refuse what only the
//! description refuses; and every helpdesk request in the golden vectors fits.

use std::collections::BTreeMap;

use handoff_conformance::vectors_dir;
use handoff_conformance::vendors::descriptions::{
    check, operations, Description, Problem, Request, PROSE_RULES,
};
use handoff_conformance::vendors::{FakeVendor, Vendor};
use serde_json::{json, Value};

const ZENDESK: &[Description] = &[
    Description::ZendeskSupport,
    Description::SunshineConversations,
];
const FRESHDESK: &[Description] = &[Description::Freshdesk];
const INTERCOM: &[Description] = &[Description::Intercom];

fn problems(
    descriptions: &[Description],
    method: &str,
    path: &str,
    headers: Option<&BTreeMap<String, String>>,
    body: &Value,
) -> Vec<Problem> {
    check(
        descriptions,
        &Request {
            method,
            path,
            headers,
            body: Some(body),
        },
    )
}

#[test]
fn every_operation_the_integrations_use_is_described() {
    let ops = |d| {
        let mut o: Vec<String> = operations(d)
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .map(|(id, method, template)| format!("{id} {method} {template}"))
            .collect();
        o.sort();
        o
    };
    assert_eq!(
        ops(Description::ZendeskSupport),
        [
            "CreateTicket POST /api/v2/tickets",
            "UpdateTicket PUT /api/v2/tickets/{ticket_id}"
        ]
    );
    assert_eq!(
        ops(Description::SunshineConversations),
        ["PassControl POST /v2/apps/{appId}/conversations/{conversationId}/passControl"]
    );
    assert_eq!(
        ops(Description::Freshdesk),
        [
            "add_note POST /api/v2/tickets/{ticket_id}/notes",
            "create_ticket POST /api/v2/tickets",
            "update_ticket PUT /api/v2/tickets/{id}"
        ]
    );
    assert_eq!(
        ops(Description::Intercom),
        [
            "CreateContact POST /contacts",
            "createConversation POST /conversations",
            "manageConversation POST /conversations/{conversation_id}/parts",
            "replyConversation POST /conversations/{conversation_id}/reply"
        ]
    );
}

#[test]
fn every_prose_rule_is_quoted_from_its_description() {
    for rule in PROSE_RULES {
        assert!(
            rule.description.text().contains(rule.quote),
            "{} no longer says {:?}",
            rule.description.file(),
            rule.quote
        );
    }
}

#[test]
fn requests_the_integrations_send_fit() {
    let headers: BTreeMap<String, String> =
        [("intercom-version".to_string(), "2.14".to_string())].into();
    let fine = [
        (
            ZENDESK,
            "POST",
            "/api/v2/tickets",
            json!({"ticket": {"subject": "Chat handoff: x", "comment": {"body": "x", "public": false},
                   "requester": {"name": "Priya", "email": "priya@example.com"}, "priority": "high",
                   "tags": ["handoff"], "external_id": "conv_1", "group_id": 360001}}),
        ),
        (
            ZENDESK,
            "PUT",
            "/api/v2/tickets/35436",
            json!({"ticket": {"comment": {"body": "x", "public": false}, "status": "open", "assignee_id": 9001}}),
        ),
        (
            ZENDESK,
            "POST",
            "/sc/v2/apps/5e4af71a81966cfff3ef6550/conversations/c9f1e0b2d3a4/passControl",
            json!({"switchboardIntegration": "zd:agentWorkspace", "metadata": {"handoff_summary": "x"}}),
        ),
        (
            FRESHDESK,
            "POST",
            "/api/v2/tickets",
            json!({"subject": "s", "description": "<p>d</p>", "email": "a@b.co", "priority": 3,
                   "status": 2, "source": 7, "tags": ["handoff"], "group_id": 5000012345u64}),
        ),
        (
            FRESHDESK,
            "POST",
            "/api/v2/tickets/1001/notes",
            json!({"body": "<p>x</p>", "private": true}),
        ),
        (
            FRESHDESK,
            "PUT",
            "/api/v2/tickets/1001",
            json!({"status": 4}),
        ),
        (
            INTERCOM,
            "POST",
            "/contacts",
            json!({"role": "user", "external_id": "cust_1", "email": "a@b.co", "name": "A"}),
        ),
        (
            INTERCOM,
            "POST",
            "/conversations",
            json!({"from": {"type": "user", "id": "6762f0dd1bb69f9f2193bb83"}, "body": "x"}),
        ),
        (
            INTERCOM,
            "POST",
            "/conversations/147/reply",
            json!({"message_type": "note", "type": "admin", "admin_id": "814860", "body": "<p>x</p>"}),
        ),
        (
            INTERCOM,
            "POST",
            "/conversations/147/parts",
            json!({"message_type": "assignment", "type": "team", "admin_id": "814860", "assignee_id": "5017691"}),
        ),
        (
            INTERCOM,
            "POST",
            "/conversations/147/parts",
            json!({"message_type": "close", "type": "admin", "admin_id": "814860"}),
        ),
    ];
    for (d, method, path, body) in fine {
        let found = problems(d, method, path, Some(&headers), &body);
        assert!(found.is_empty(), "{method} {path} {body}: {found:#?}");
    }
}

/// A request that does not fit: (descriptions, method, path, body), then the expected vendor,
/// operation, JSON path and part of the reason.
type Misfit = (
    &'static [Description],
    &'static str,
    &'static str,
    Value,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

#[test]
fn the_descriptions_refuse_what_the_vendors_refuse_naming_vendor_operation_path_and_reason() {
    let bad_version: BTreeMap<String, String> =
        [("intercom-version".to_string(), "3.0".to_string())].into();
    let long = "é".repeat(2100);
    let cases: Vec<Misfit> = vec![
        (
            ZENDESK,
            "POST",
            "/api/v2/tickets",
            json!({"ticket": {"comment": {"body": "x"}, "priority": "critical"}}),
            "Zendesk Support",
            "CreateTicket (POST /api/v2/tickets)",
            "body.ticket.priority",
            "\"critical\" is not one of",
        ),
        (
            ZENDESK,
            "POST",
            "/api/v2/tickets",
            json!({"ticket": {"comment": {"body": "x"}, "id": 5}}),
            "Zendesk Support",
            "CreateTicket (POST /api/v2/tickets)",
            "body.ticket.id",
            "readOnly",
        ),
        (
            ZENDESK,
            "POST",
            "/api/v2/tickets",
            json!({"ticket": {"comment": {"body": "x"}, "group_id": 9_223_372_036_854_775_808u64}}),
            "Zendesk Support",
            "CreateTicket (POST /api/v2/tickets)",
            "body.ticket.group_id",
            "maximum",
        ),
        (
            ZENDESK,
            "PUT",
            "/api/v2/tickets/abc",
            json!({"ticket": {"status": "open"}}),
            "Zendesk Support",
            "UpdateTicket (PUT /api/v2/tickets/{ticket_id})",
            "path parameter ticket_id",
            "\"abc\" is not integer",
        ),
        (
            ZENDESK,
            "POST",
            "/sc/v2/apps/app/conversations/c1/passControl",
            json!({"metadata": {"a": "b"}}),
            "Sunshine Conversations",
            "PassControl (POST /v2/apps/{appId}/conversations/{conversationId}/passControl)",
            "body",
            "\"switchboardIntegration\" is a required property",
        ),
        (
            ZENDESK,
            "POST",
            "/sc/v2/apps/app/conversations/c1/passControl",
            json!({"switchboardIntegration": "next", "metadata": {"handoff_summary": long}}),
            "Sunshine Conversations",
            "PassControl (POST /v2/apps/{appId}/conversations/{conversationId}/passControl)",
            "body.metadata",
            "4222 bytes of JSON, over the limit of 4000",
        ),
        (
            ZENDESK,
            "POST",
            "/sc/v2/apps/app/conversations/c1/passControl",
            json!({"switchboardIntegration": "next", "metadata": {"nested": {"a": 1}}}),
            "Sunshine Conversations",
            "PassControl (POST /v2/apps/{appId}/conversations/{conversationId}/passControl)",
            "body.metadata.nested",
            "is not a string, number or boolean",
        ),
        (
            ZENDESK,
            "DELETE",
            "/api/v2/tickets",
            json!({}),
            "Zendesk Support / Sunshine Conversations",
            "-",
            "DELETE /api/v2/tickets",
            "the description has no DELETE for this path, only POST /api/v2/tickets",
        ),
        (
            ZENDESK,
            "POST",
            "/api/v2/tickets.json",
            json!({}),
            "Zendesk Support / Sunshine Conversations",
            "-",
            "POST /api/v2/tickets.json",
            "no operation of the description has this path",
        ),
        (
            FRESHDESK,
            "POST",
            "/api/v2/tickets",
            json!({"subject": "s", "description": "d", "phone": "+1 555", "status": 2, "priority": 2, "source": 7}),
            "Freshdesk",
            "create_ticket (POST /api/v2/tickets)",
            "body.name",
            "If the phone number is set and the email address is not, then the name attribute is mandatory.",
        ),
        (
            FRESHDESK,
            "POST",
            "/api/v2/tickets",
            json!({"subject": "s", "description": "d", "email": "a@b.co", "status": 2, "priority": 2, "source": 7, "requester": "x"}),
            "Freshdesk",
            "create_ticket (POST /api/v2/tickets)",
            "body",
            "'requester' was unexpected",
        ),
        (
            FRESHDESK,
            "POST",
            "/api/v2/tickets",
            json!({"subject": "s", "description": "d", "email": "a@b.co", "status": 1, "priority": 2, "source": 7}),
            "Freshdesk",
            "create_ticket (POST /api/v2/tickets)",
            "body.status",
            "1 is not one of",
        ),
        (
            FRESHDESK,
            "POST",
            "/api/v2/tickets/1001/notes",
            json!({"body": "x", "private": "yes"}),
            "Freshdesk",
            "add_note (POST /api/v2/tickets/{ticket_id}/notes)",
            "body.private",
            "\"yes\" is not of type \"boolean\"",
        ),
        (
            FRESHDESK,
            "PUT",
            "/api/v2/tickets/T-1",
            json!({"status": 4}),
            "Freshdesk",
            "update_ticket (PUT /api/v2/tickets/{id})",
            "path parameter id",
            "\"T-1\" is not integer",
        ),
        (
            INTERCOM,
            "POST",
            "/conversations/5/parts",
            json!({"message_type": "assignment", "type": "team", "admin_id": 1, "assignee_id": "2"}),
            "Intercom 2.14",
            "manageConversation (POST /conversations/{conversation_id}/parts)",
            "body.admin_id",
            "1 is not of type \"string\" (in assign_conversation_request, the nearest of the 4 oneOf alternatives)",
        ),
        (
            INTERCOM,
            "POST",
            "/conversations/5/parts",
            json!({"message_type": "close", "type": "user", "admin_id": "1"}),
            "Intercom 2.14",
            "manageConversation (POST /conversations/{conversation_id}/parts)",
            "body.type",
            "(in close_conversation_request, the nearest of the 4 oneOf alternatives)",
        ),
        (
            INTERCOM,
            "POST",
            "/conversations",
            json!({"from": {"type": "user", "id": "short"}, "body": "x"}),
            "Intercom 2.14",
            "createConversation (POST /conversations)",
            "body.from.id",
            "shorter than 24 characters",
        ),
        (
            INTERCOM,
            "POST",
            "/contacts",
            json!({"name": "x"}),
            "Intercom 2.14",
            "CreateContact (POST /contacts)",
            "body",
            "anyOf",
        ),
        (
            INTERCOM,
            "POST",
            "/conversations/5/reply",
            json!({"message_type": "note", "type": "admin", "admin_id": "1", "body": "x"}),
            "Intercom 2.14",
            "replyConversation (POST /conversations/{conversation_id}/reply)",
            "header Intercom-Version",
            "\"3.0\" is not one of",
        ),
    ];
    for (d, method, path, body, vendor, operation, at, reason) in cases {
        let found = problems(d, method, path, Some(&bad_version), &body);
        let hit = found
            .iter()
            .find(|p| p.at == at && p.reason.contains(reason));
        let Some(p) = hit else {
            panic!("{method} {path} {body}: no problem at {at} with {reason:?} in {found:#?}");
        };
        assert_eq!(p.vendor, vendor, "{p}");
        assert_eq!(p.operation, operation, "{p}");
        assert!(
            p.to_string()
                .starts_with(&format!("{vendor} {operation}: {at}: ")),
            "{p}"
        );
    }
}

/// Sends one raw request to a fake, as a buggy client would.
fn raw(url: &str, headers: &[(&str, &str)], body: &str) -> u16 {
    let agent = ureq::Agent::new_with_config(
        ureq::config::Config::builder()
            .http_status_as_error(false)
            .build(),
    );
    let mut builder = ureq::http::Request::builder().method("POST").uri(url);
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    let request = builder
        .body(body.as_bytes().to_vec())
        .unwrap_or_else(|e| panic!("{e}"));
    agent
        .run(request)
        .unwrap_or_else(|e| panic!("{e}"))
        .status()
        .as_u16()
}

#[test]
fn the_fakes_refuse_what_only_the_vendors_description_refuses() {
    // Our own contract allows any flat metadata; Sunshine Conversations' description limits it
    // to 4KB. The fake refuses it (400) and records the vendor, operation, path and reason.
    let zendesk = FakeVendor::start(Vendor::Zendesk {
        email: "a@b.co".into(),
        api_token: "t".into(),
        sunshine: Some(("app_1".into(), "secret".into())),
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let auth = handoff_core::wire::output::Auth::Basic {
        username: Some("app_1".into()),
        username_ref: None,
        password: None,
        password_ref: Some("S".into()),
    }
    .header(|_| Some("secret".into()))
    .ok()
    .flatten()
    .unwrap_or_default();
    let body = json!({"switchboardIntegration": "next",
                      "metadata": {"handoff_summary": "😀".repeat(1000)}});
    let status = raw(
        &format!(
            "{}/sc/v2/apps/app_1/conversations/c1/passControl",
            zendesk.base_url()
        ),
        &[
            ("content-type", "application/json"),
            ("authorization", auth.as_str()),
        ],
        &body.to_string(),
    );
    assert_eq!(status, 400);
    assert_eq!(
        zendesk.violations(),
        [
            "POST /sc/v2/apps/app_1/conversations/c1/passControl: Sunshine Conversations \
          PassControl (POST /v2/apps/{appId}/conversations/{conversationId}/passControl): \
          body.metadata: 4022 bytes of JSON, over the limit of 4000 (\"The metadata is limited \
          to 4KB in size.\")"
        ]
    );
}

#[test]
fn every_helpdesk_request_in_the_golden_vectors_fits_the_vendors_description() {
    let dir = vectors_dir();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".outputs.jsonl"))
        .collect();
    files.sort();
    let mut checked = 0;
    let mut found = Vec::new();
    for file in files {
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for (n, line) in text.lines().enumerate() {
            let step: Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            for d in step["outputs"].as_array().into_iter().flatten() {
                let Some(operation) = d.get("operation").and_then(Value::as_str) else {
                    continue;
                };
                let descriptions = Description::for_operation(operation);
                assert!(!descriptions.is_empty(), "{operation} has no description");
                let url = d["url"].as_str().unwrap_or_default();
                let path = url
                    .split_once("://")
                    .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
                    .unwrap_or(url);
                let headers: BTreeMap<String, String> =
                    serde_json::from_value(d["headers"].clone()).unwrap_or_default();
                let body: Value = serde_json::from_str(d["body"].as_str().unwrap_or_default())
                    .unwrap_or_else(|e| panic!("{}:{}: {e}", file.display(), n + 1));
                let method = d["method"].as_str().unwrap_or_default();
                for p in problems(descriptions, method, path, Some(&headers), &body) {
                    found.push(format!("{}:{}: {operation}: {p}", file.display(), n + 1));
                }
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 5,
        "only {checked} helpdesk requests in the vectors"
    );
    assert!(found.is_empty(), "{found:#?}");
}
