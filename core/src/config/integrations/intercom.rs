//! `kind: "intercom"`: the conversation handed to a team or an admin, with a note carrying the
//! context.

use std::collections::BTreeMap;

use super::common::{base_url, inbound_secret, require, url, COMMON, SECRETS};
use crate::config::read::{fields, Default, Errors, Field, Kind, Obj, Section};
use crate::wire::error::ErrorKind;
use crate::wire::output::Auth;

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
    /// The reference of the app's client secret, which signs its webhooks (`X-Hub-Signature`).
    pub client_secret_ref: Option<String>,
}

const REGION: Field = Field::new(
    "region",
    Kind::OneOf(&["us", "eu", "au"]),
    Default::Text("us"),
    doc!("the region of the workspace (`https://api.intercom.io`, `api.eu.…`, `api.au.…`); or give `base_url`"),
);
const BASE_URL: Field = base_url(doc!(
    "the API's base URL (a proxy, a test server), instead of `region`"
));
const ACCESS_TOKEN_REF: Field = Field::new(
    "access_token_ref",
    Kind::Reference,
    Default::Absent(doc!("required")),
    doc!("the environment variable or worker secret holding the access token (bearer)"),
)
.required();
const VERSION: Field = Field::new(
    "version",
    Kind::Text,
    Default::Text("2.14"),
    doc!("the `Intercom-Version` header of every request"),
);
const ADMIN_ID: Field = Field::new(
    "admin_id",
    Kind::Id,
    Default::Absent(doc!("required")),
    doc!("the admin the engine acts as (notes, assignments, closes)"),
)
.required();
const TEAM_ID: Field = Field::new(
    "team_id",
    Kind::Id,
    Default::Absent(doc!("required, unless `assignee_id`")),
    doc!("the team the conversation is handed to"),
);
const ASSIGNEE_ID: Field = Field::new(
    "assignee_id",
    Kind::Id,
    Default::Absent(doc!("none")),
    doc!("instead of `team_id`: the admin the conversation is handed to"),
);
const AGENT_MAP: Field = Field::new(
    "agent_map",
    Kind::Agents {
        ids: &Kind::Id,
        what: "Intercom admin id",
    },
    Default::Absent(doc!("`{}`")),
    doc!("our agent id → Intercom admin id: the conversation is assigned to them when that agent takes it"),
);
const CLOSE_ON_CLOSE: Field = Field::new(
    "close_on_close",
    Kind::Bool,
    Default::Bool(true),
    doc!("close the Intercom conversation when ours closes"),
);

const CLIENT_SECRET_REF: Field = inbound_secret(
    "client_secret_ref",
    doc!("the app's client secret, which signs its webhooks (`X-Hub-Signature`)"),
);

const FIELDS: [Field; 21] = fields(&[
    &COMMON,
    &[
        REGION,
        BASE_URL,
        ACCESS_TOKEN_REF,
        VERSION,
        ADMIN_ID,
        TEAM_ID,
        ASSIGNEE_ID,
        AGENT_MAP,
        CLOSE_ON_CLOSE,
        CLIENT_SECRET_REF,
    ],
    &SECRETS,
]);

/// `kind: "intercom"`, described once.
pub(crate) static INTERCOM: Section = Section {
    name: "IntercomIntegration",
    path: "handoff.integrations[]",
    fields: &FIELDS,
    doc: doc!(
        "Intercom: the conversation handed to a team or admin with a note carrying the context. \
         The conversation is the customer's `attributes.intercom_conversation_id`, or one \
         created from `attributes.intercom_contact_id` or a new contact."
    ),
    notes: doc!(""),
};

/// Reads an Intercom integration.
pub(super) fn parse(obj: &Obj<'_>, errors: &mut Errors) -> Option<Intercom> {
    let base_url = api_url(obj, errors);
    let token = obj.reference(&ACCESS_TOKEN_REF, errors);
    let token = require(obj, &ACCESS_TOKEN_REF, token, errors);
    let version = obj
        .text(&VERSION, errors)
        .unwrap_or(VERSION.default_text())
        .to_string();
    let admin_id = obj.id(&ADMIN_ID, errors);
    let admin_id = require(obj, &ADMIN_ID, admin_id, errors);
    let team_id = obj.id(&TEAM_ID, errors);
    let assignee_id = obj.id(&ASSIGNEE_ID, errors);
    if team_id.is_some() && assignee_id.is_some() {
        errors.at(
            ErrorKind::Invalid,
            &obj.path_of(ASSIGNEE_ID.key),
            "give \"team_id\" or \"assignee_id\", not both",
        );
    }
    if obj.get(TEAM_ID.key).is_none() && obj.get(ASSIGNEE_ID.key).is_none() {
        errors.at(
            ErrorKind::Missing,
            &obj.path_of(TEAM_ID.key),
            "missing field \"team_id\" (or \"assignee_id\"): who the conversation is handed to",
        );
    }
    let agent_map = obj.agents(&AGENT_MAP, errors);
    let close_on_close = obj.flag(&CLOSE_ON_CLOSE, errors);
    let client_secret_ref = obj.reference(&CLIENT_SECRET_REF, errors);
    Some(Intercom {
        base_url: base_url?,
        auth: Auth::Bearer { token_ref: token? },
        version,
        admin_id: admin_id?,
        team_id,
        assignee_id,
        agent_map,
        close_on_close,
        client_secret_ref,
    })
}

/// The API of the `region` (default `us`), or `base_url`; not both.
fn api_url(obj: &Obj<'_>, errors: &mut Errors) -> Option<String> {
    match (obj.get(REGION.key), obj.get(BASE_URL.key)) {
        (Some(_), Some(_)) => {
            errors.at(
                ErrorKind::Invalid,
                &obj.path_of(BASE_URL.key),
                "give \"region\" or \"base_url\", not both",
            );
            None
        }
        (None, Some(_)) => obj
            .nonempty_string(BASE_URL.key, errors)
            .and_then(|b| url(obj, &BASE_URL, b, errors)),
        (None, None) => Some(region_url(REGION.default_text())),
        (Some(_), None) => obj.one_of(&REGION, errors).map(region_url),
    }
}

/// The API of an Intercom region.
fn region_url(region: &str) -> String {
    match region {
        "eu" => "https://api.eu.intercom.io",
        "au" => "https://api.au.intercom.io",
        _ => "https://api.intercom.io",
    }
    .to_string()
}
