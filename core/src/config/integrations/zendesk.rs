//! `kind: "zendesk"`: Zendesk Support, and Zendesk messaging (Sunshine Conversations)
//! pass-control.

use serde_json::Value;

use super::common::{
    account_url, base_url, inbound_secret, refuse_inline_secrets, require, COMMON, SECRETS,
};
use super::ticketing::{self, Ticketing, GROUP_ID, TAGS};
use crate::config::read::{fields, Default, Errors, Field, Kind, Obj, Section};
use crate::wire::error::ErrorKind;
use crate::wire::output::Auth;

/// `kind: "zendesk"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Zendesk {
    /// `https://{subdomain}.zendesk.com`, or `base_url` as given (no trailing slash).
    pub base_url: String,
    /// Basic (`{email}/token` + API token) or bearer (OAuth token), by reference.
    pub auth: Auth,
    /// The ticket's group, assignee (`assignee_id`), tags, type (`problem`, `incident`,
    /// `question` or `task`), priority (`low`, `normal`, `high`, `urgent`), the agents' Zendesk
    /// user ids, and the status set on close (`solved` by default).
    pub ticketing: Ticketing<String, String>,
    /// Zendesk messaging (Sunshine Conversations) pass-control, when configured.
    pub sunshine: Option<Sunshine>,
    /// The reference of the signing secret of the Zendesk webhook that calls back (agents'
    /// comments), if any.
    pub webhook_secret_ref: Option<String>,
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
    /// The bot's switchboard integration, given control back when an agent returns the
    /// conversation to the AI (none: control stays).
    pub bot_integration: Option<String>,
    /// The reference of the secret Sunshine Conversations sends as `X-API-Key` with its
    /// webhooks, if any.
    pub webhook_secret_ref: Option<String>,
}

const PRIORITIES: Kind = Kind::OneOf(&["low", "normal", "high", "urgent"]);

const SUBDOMAIN: Field = Field::new(
    "subdomain",
    Kind::Custom {
        what: doc!("string: the account name (`acme` or `acme.zendesk.com`)"),
        shape: shape!({
            "type": "string",
            "pattern": "^([A-Za-z0-9-]+|[A-Za-z0-9-]*\\.zendesk\\.com)$"
        }),
    },
    Default::Absent(doc!("required, unless `base_url`")),
    doc!("the API is `https://{subdomain}.zendesk.com`"),
);
const BASE_URL: Field = base_url(doc!(
    "the API's base URL (a proxy, a test server), instead of `subdomain`"
));
const EMAIL: Field = Field::new(
    "email",
    Kind::UserName,
    Default::Absent(doc!("required with `api_token_ref`")),
    doc!("the agent the API token belongs to: basic auth as `{email}/token`"),
);
const API_TOKEN_REF: Field = Field::new(
    "api_token_ref",
    Kind::Reference,
    Default::Absent(doc!("required, unless `oauth_token_ref`")),
    doc!("the environment variable or worker secret holding the API token"),
);
const OAUTH_TOKEN_REF: Field = Field::new(
    "oauth_token_ref",
    Kind::Reference,
    Default::Absent(doc!("none")),
    doc!("instead of `email` and `api_token_ref`: an OAuth access token (bearer)"),
);
const ASSIGNEE_ID: Field = ticketing::assignee(
    "assignee_id",
    doc!("the Zendesk user new tickets are assigned to"),
);
const TYPE: Field = ticketing::ticket_type(
    Kind::OneOf(&["problem", "incident", "question", "task"]),
    doc!("the ticket's type"),
);
const PRIORITY_MAP: Field = ticketing::priority_map(
    &PRIORITIES,
    doc!("our priority → Zendesk's; a priority left out keeps its default"),
);
const AGENT_MAP: Field = ticketing::agent_map(
    "Zendesk user id",
    doc!("our agent id → Zendesk user id: sets `assignee_id` when that agent takes it"),
);
const CLOSE_STATUS: Field = ticketing::close_status(
    Kind::OneOf(&["open", "pending", "hold", "solved"]),
    Default::Text("solved"),
    doc!("the status set when the conversation closes; `null` leaves it"),
);
const SUNSHINE_FIELD: Field = Field::new(
    "sunshine",
    Kind::Object(&SUNSHINE),
    Default::Absent(doc!("none")),
    doc!(
        "Zendesk messaging pass-control, for conversations whose customer has \
         `attributes.sunshine_conversation_id`"
    ),
);

const WEBHOOK_SECRET_REF: Field = inbound_secret(
    "webhook_secret_ref",
    doc!("the signing secret of the Zendesk webhook that sends agents' comments back (`X-Zendesk-Webhook-Signature`)"),
);

const FIELDS: [Field; 25] = fields(&[
    &COMMON,
    &[
        SUBDOMAIN,
        BASE_URL,
        EMAIL,
        API_TOKEN_REF,
        OAUTH_TOKEN_REF,
        GROUP_ID,
        ASSIGNEE_ID,
        TAGS,
        TYPE,
        PRIORITY_MAP,
        AGENT_MAP,
        CLOSE_STATUS,
        SUNSHINE_FIELD,
        WEBHOOK_SECRET_REF,
    ],
    &SECRETS,
]);

/// `kind: "zendesk"`, described once.
pub(crate) static ZENDESK: Section = Section {
    name: "ZendeskIntegration",
    path: "handoff.integrations[]",
    fields: &FIELDS,
    doc: doc!("Zendesk Support: a ticket per handoff, updated on queued/assigned/callback/closed."),
    notes: doc!(""),
};

const APP_ID: Field = Field::new(
    "app_id",
    Kind::Custom {
        what: doc!("string: letters, digits"),
        shape: shape!({"type": "string", "pattern": "^[A-Za-z0-9]+$"}),
    },
    Default::Absent(doc!("required")),
    doc!("the Sunshine Conversations app id"),
)
.required();
const KEY_ID: Field = Field::new(
    "key_id",
    Kind::UserName,
    Default::Absent(doc!("required")),
    doc!("the app key's id: the basic-auth user name"),
)
.required();
const KEY_SECRET_REF: Field = Field::new(
    "key_secret_ref",
    Kind::Reference,
    Default::Absent(doc!("required")),
    doc!("the environment variable or worker secret holding the app key's secret"),
)
.required();
const SWITCHBOARD_INTEGRATION: Field = Field::new(
    "switchboard_integration",
    Kind::Text,
    Default::Text("zd:agentWorkspace"),
    doc!("the switchboard integration control passes to"),
);

const BOT_INTEGRATION: Field = Field::new(
    "bot_integration",
    Kind::Text,
    Default::Absent(doc!("none: control stays with the agents")),
    doc!("the bot's switchboard integration, given control back when an agent returns the conversation to the AI"),
);
const SUNSHINE_WEBHOOK_SECRET_REF: Field = inbound_secret(
    "webhook_secret_ref",
    doc!("the secret Sunshine Conversations sends as `X-API-Key` with its webhooks"),
);

const SUNSHINE_FIELDS: [Field; 14] = fields(&[
    &[
        APP_ID,
        KEY_ID,
        KEY_SECRET_REF,
        SWITCHBOARD_INTEGRATION,
        BOT_INTEGRATION,
        SUNSHINE_WEBHOOK_SECRET_REF,
    ],
    &SECRETS,
]);

/// `sunshine` of a Zendesk integration, described once.
pub(crate) static SUNSHINE: Section = Section {
    name: "ZendeskSunshine",
    path: "handoff.integrations[].sunshine",
    fields: &SUNSHINE_FIELDS,
    doc: doc!(
        "Zendesk messaging pass-control, for conversations whose customer has \
         `attributes.sunshine_conversation_id`"
    ),
    notes: doc!(""),
};

/// Reads a Zendesk integration. Every field is read (and every error reported) before a missing
/// part ends the reading.
pub(super) fn parse(obj: &Obj<'_>, errors: &mut Errors) -> Option<Zendesk> {
    let base_url = account_url(obj, &SUBDOMAIN, &BASE_URL, "zendesk.com", errors);
    let auth = auth(obj, errors);
    let ticket_type = obj.one_of(&TYPE, errors).map(str::to_string);
    let close_status = if obj.is_null(&CLOSE_STATUS) {
        None
    } else {
        let status = obj.one_of(&CLOSE_STATUS, errors);
        Some(status.unwrap_or(CLOSE_STATUS.default_text()).to_string())
    };
    let priority_map = obj.priorities(&PRIORITY_MAP, errors);
    let agent_map = obj.agents(&AGENT_MAP, errors);
    let sunshine = obj
        .get(SUNSHINE_FIELD.key)
        .and_then(|v| parse_sunshine(v, &obj.path_of(SUNSHINE_FIELD.key), errors));
    let group_id = obj.whole(&GROUP_ID, errors);
    let assignee_id = obj.whole(&ASSIGNEE_ID, errors);
    let tags = ticketing::tags(obj, errors);
    let webhook_secret_ref = obj.reference(&WEBHOOK_SECRET_REF, errors);
    Some(Zendesk {
        base_url: base_url?,
        auth: auth?,
        ticketing: Ticketing {
            group_id,
            assignee_id,
            tags,
            ticket_type,
            priority_map,
            agent_map,
            close_status,
        },
        sunshine,
        webhook_secret_ref,
    })
}

/// Basic auth with `email` and `api_token_ref`, or bearer with `oauth_token_ref`.
fn auth(obj: &Obj<'_>, errors: &mut Errors) -> Option<Auth> {
    let email = obj.user_name(&EMAIL, errors);
    let token = obj.reference(&API_TOKEN_REF, errors);
    let oauth = obj.reference(&OAUTH_TOKEN_REF, errors);
    match (email, token, oauth) {
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
                &obj.path_of(EMAIL.key),
                "missing field \"email\": API tokens authenticate as {email}/token",
            );
            None
        }
        (_, Some(_), Some(_)) => {
            errors.at(
                ErrorKind::Invalid,
                &obj.path_of(OAUTH_TOKEN_REF.key),
                "give \"api_token_ref\" (with \"email\") or \"oauth_token_ref\", not both",
            );
            None
        }
        _ if obj.get(API_TOKEN_REF.key).is_some() || obj.get(OAUTH_TOKEN_REF.key).is_some() => None,
        _ => {
            errors.at(
                ErrorKind::Missing,
                &obj.path_of(API_TOKEN_REF.key),
                "missing credentials: set \"email\" and \"api_token_ref\", or \"oauth_token_ref\"",
            );
            None
        }
    }
}

fn parse_sunshine(value: &Value, path: &str, errors: &mut Errors) -> Option<Sunshine> {
    let obj = Obj::new_guarded(value, path, &SUNSHINE, errors)?;
    refuse_inline_secrets(&obj, &SECRETS, errors);
    let app_id = obj.nonempty_string(APP_ID.key, errors);
    let app_id = require(&obj, &APP_ID, app_id, errors);
    if let Some(a) = app_id {
        if !crate::wire::limits::is_safe_id(a) {
            errors.value(
                ErrorKind::Invalid,
                &obj.path_of(APP_ID.key),
                "expected an app id (letters, digits)",
                &Value::String(a.into()),
            );
        }
    }
    let key_id = obj.user_name(&KEY_ID, errors);
    let key_id = require(&obj, &KEY_ID, key_id, errors);
    let secret = obj.reference(&KEY_SECRET_REF, errors);
    let secret = require(&obj, &KEY_SECRET_REF, secret, errors);
    let switchboard = obj
        .text(&SWITCHBOARD_INTEGRATION, errors)
        .unwrap_or(SWITCHBOARD_INTEGRATION.default_text())
        .to_string();
    let bot_integration = obj.text(&BOT_INTEGRATION, errors).map(str::to_string);
    let webhook_secret_ref = obj.reference(&SUNSHINE_WEBHOOK_SECRET_REF, errors);
    Some(Sunshine {
        app_id: app_id?.to_string(),
        auth: Auth::Basic {
            username: Some(key_id?.to_string()),
            username_ref: None,
            password: None,
            password_ref: Some(secret?),
        },
        switchboard_integration: switchboard,
        bot_integration,
        webhook_secret_ref,
    })
}
