//! The vendors' own keys of `handoff.integrations`: Zendesk (with Sunshine Conversations),
//! Freshdesk and Intercom.

use serde_json::Value;

use super::*;

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

pub(super) fn parse_zendesk(obj: &Obj<'_>, errors: &mut Errors) -> Option<Zendesk> {
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
/// resolved from a reference at send time ([`Auth::header`](crate::wire::delivery::Auth::header)).
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

pub(super) fn parse_freshdesk(obj: &Obj<'_>, errors: &mut Errors) -> Option<Freshdesk> {
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

pub(super) fn parse_intercom(obj: &Obj<'_>, errors: &mut Errors) -> Option<Intercom> {
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
