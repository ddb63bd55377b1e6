//! `kind: "freshdesk"`: a ticket per handoff, with private notes as it goes on.

use super::common::{account_url, base_url, inbound_secret, require, COMMON, SECRETS};
use super::ticketing::{self, Ticketing, GROUP_ID, TAGS};
use crate::config::read::{fields, Codes, Default, Errors, Field, Kind, Obj, Section};
use crate::wire::output::Auth;

/// `kind: "freshdesk"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Freshdesk {
    /// `https://{domain}.freshdesk.com`, or `base_url` as given.
    pub base_url: String,
    /// Basic: the API key (by reference) as user name and `X` as password.
    pub auth: Auth,
    /// The ticket's group, agent (`responder_id`), tags, type (as configured in the Freshdesk
    /// account, e.g. `Question`), priority code (1 Low, 2 Medium, 3 High, 4 Urgent), the agents'
    /// Freshdesk ids, and the status code set on close (4 Resolved by default).
    pub ticketing: Ticketing<u8, u8>,
    /// `source` code (default 7, Chat).
    pub source: u8,
    /// The reference of the shared secret Freshdesk's automation webhooks send back, if any.
    pub webhook_secret_ref: Option<String>,
}

/// Freshdesk's priorities.
const PRIORITIES: Kind = Kind::Code(&Codes {
    what: "Freshdesk priority",
    codes: &[(1, "Low"), (2, "Medium"), (3, "High"), (4, "Urgent")],
});

const DOMAIN: Field = Field::new(
    "domain",
    Kind::Custom {
        what: doc!("string: the account name (`acme` or `acme.freshdesk.com`)"),
        shape: shape!({
            "type": "string",
            "pattern": "^([A-Za-z0-9-]+|[A-Za-z0-9-]*\\.freshdesk\\.com)$"
        }),
    },
    Default::Absent(doc!("required, unless `base_url`")),
    doc!("the API is `https://{domain}.freshdesk.com`"),
);
const BASE_URL: Field = base_url(doc!(
    "the API's base URL (a proxy, a test server), instead of `domain`"
));
const API_KEY_REF: Field = Field::new(
    "api_key_ref",
    Kind::Reference,
    Default::Absent(doc!("required")),
    doc!(
        "the environment variable or worker secret holding the API key (basic auth user name; \
         the password is `X`)"
    ),
)
.required();
const RESPONDER_ID: Field = ticketing::assignee(
    "responder_id",
    doc!("the Freshdesk agent new tickets are assigned to"),
);
const TYPE: Field = ticketing::ticket_type(
    Kind::Text,
    doc!("the ticket's type, as configured in the Freshdesk account (`Question`)"),
);
const SOURCE: Field = Field::new(
    "source",
    Kind::Code(&Codes {
        what: "Freshdesk source",
        codes: &[
            (1, "Email"),
            (2, "Portal"),
            (3, "Phone"),
            (7, "Chat"),
            (9, "Feedback widget"),
            (10, "Outbound email"),
        ],
    }),
    Default::Whole(7),
    doc!("the channel the ticket came from"),
);
const PRIORITY_MAP: Field = ticketing::priority_map(
    &PRIORITIES,
    doc!("our priority → Freshdesk's priority code; a priority left out keeps its default"),
);
const AGENT_MAP: Field = ticketing::agent_map(
    "Freshdesk agent id",
    doc!("our agent id → Freshdesk agent id: sets `responder_id` when that agent takes it"),
);
const CLOSE_STATUS: Field = ticketing::close_status(
    Kind::Code(&Codes {
        what: "Freshdesk status",
        codes: &[(2, "Open"), (3, "Pending"), (4, "Resolved"), (5, "Closed")],
    }),
    Default::Whole(4),
    doc!("the status set when the conversation closes; `null` leaves it"),
);

const WEBHOOK_SECRET_REF: Field = inbound_secret(
    "webhook_secret_ref",
    doc!("a secret of your choosing that Freshdesk's automation webhooks send back (header `X-Handoff-Secret` or `?secret=`)"),
);

const FIELDS: [Field; 23] = fields(&[
    &COMMON,
    &[
        DOMAIN,
        BASE_URL,
        API_KEY_REF,
        GROUP_ID,
        RESPONDER_ID,
        TAGS,
        TYPE,
        SOURCE,
        PRIORITY_MAP,
        AGENT_MAP,
        CLOSE_STATUS,
        WEBHOOK_SECRET_REF,
    ],
    &SECRETS,
]);

/// `kind: "freshdesk"`, described once.
pub(crate) static FRESHDESK: Section = Section {
    name: "FreshdeskIntegration",
    path: "handoff.integrations[]",
    fields: &FIELDS,
    doc: doc!("Freshdesk: a ticket per handoff with private notes as it goes on."),
    notes: doc!(""),
};

/// Reads a Freshdesk integration.
pub(super) fn parse(obj: &Obj<'_>, errors: &mut Errors) -> Option<Freshdesk> {
    let base_url = account_url(obj, &DOMAIN, &BASE_URL, "freshdesk.com", errors);
    let key = obj.reference(&API_KEY_REF, errors);
    let key = require(obj, &API_KEY_REF, key, errors);
    let priority_map = obj.priorities::<u64>(&PRIORITY_MAP, errors);
    let source = obj.code(&SOURCE, errors).unwrap_or(SOURCE.default_whole());
    let close_status = if obj.is_null(&CLOSE_STATUS) {
        None
    } else {
        let status = obj.code(&CLOSE_STATUS, errors);
        Some(status.unwrap_or(CLOSE_STATUS.default_whole()))
    };
    let agent_map = obj.agents(&AGENT_MAP, errors);
    let group_id = obj.whole(&GROUP_ID, errors);
    let responder_id = obj.whole(&RESPONDER_ID, errors);
    let tags = ticketing::tags(obj, errors);
    let ticket_type = obj.text(&TYPE, errors).map(str::to_string);
    let webhook_secret_ref = obj.reference(&WEBHOOK_SECRET_REF, errors);
    Some(Freshdesk {
        base_url: base_url?,
        auth: Auth::Basic {
            username: None,
            username_ref: Some(key?),
            password: Some("X".into()),
            password_ref: None,
        },
        ticketing: Ticketing {
            group_id,
            assignee_id: responder_id,
            tags,
            ticket_type,
            priority_map: priority_map
                .into_iter()
                .map(|(ours, theirs)| (ours, code(theirs)))
                .collect(),
            agent_map,
            close_status: close_status.map(code),
        },
        source: code(source),
        webhook_secret_ref,
    })
}

/// A Freshdesk code (all of them are below 256).
fn code(n: u64) -> u8 {
    u8::try_from(n).unwrap_or(u8::MAX)
}
