//! Deliveries: the HTTP requests the engine asks a host to perform (webhooks and helpdesk calls),
//! how they are authenticated, and what the outbox persists about them: each one's state, the
//! dead letters, and the helpdesk requests of one integration and conversation, chained so they
//! go out one at a time, in order.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How a delivery is authenticated at send time: [`Delivery::prepare`] adds the headers from the
/// secrets the host resolved. Never a secret: a reference to one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "scheme", rename_all = "snake_case")]
pub enum Auth {
    /// Send as is.
    None,
    /// Sign with Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) using
    /// the secret the host resolves from `secret_ref` ([`crate::signing::sign`], per attempt).
    StandardWebhooks {
        /// Environment variable or worker secret holding the `whsec_…` secret.
        secret_ref: String,
    },
    /// `Authorization: Bearer <token>`, the token resolved from `token_ref` (Intercom, Zendesk
    /// OAuth).
    Bearer {
        /// Environment variable or worker secret holding the token.
        token_ref: String,
    },
    /// `Authorization: Basic base64(<username>:<password>)`; a user name holding `:` is refused
    /// (RFC 7617 §2). Exactly one of `username` /
    /// `username_ref` and exactly one of `password` / `password_ref` is set: a literal where the
    /// part is not secret (Zendesk's `agent@example.com/token`, Freshdesk's password `X`), a
    /// reference where it is.
    Basic {
        /// The user name, written as is.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        username: Option<String>,
        /// Environment variable or worker secret holding the user name (Freshdesk's API key).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        username_ref: Option<String>,
        /// The password, written as is (never a secret).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        password: Option<String>,
        /// Environment variable or worker secret holding the password (Zendesk's API token).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        password_ref: Option<String>,
    },
}

/// An HTTP request for the host to perform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Delivery {
    /// Stable id: the same on every retry (also the `webhook-id`).
    pub delivery_id: String,
    /// The webhook it goes to.
    pub webhook_id: String,
    /// The conversation it is about.
    pub conversation_id: String,
    /// The event name.
    #[cfg_attr(feature = "schema", schemars(with = "crate::wire::event::EventName"))]
    pub event: String,
    /// HTTP method.
    pub method: String,
    /// Where.
    pub url: String,
    /// Headers to send (besides authentication).
    pub headers: BTreeMap<String, String>,
    /// The body, exactly as to be sent.
    pub body: String,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// What the host adds at send time.
    pub auth: Auth,
    /// For helpdesk integrations, what the request does (`zendesk.create_ticket`,
    /// `intercom.assign`, …); absent for webhooks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
}

/// Where a delivery is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum DeliveryState {
    /// Handed to the host at `since`; a result is expected.
    InFlight {
        /// When it was handed out (epoch ms).
        since: i64,
    },
    /// Waiting to be retried at `at`.
    Waiting {
        /// When the next attempt is due (epoch ms).
        at: i64,
    },
}

/// One delivery in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OutboxEntry {
    /// The request, as last handed out (its `attempt` is the latest attempt).
    pub delivery: Delivery,
    /// Where it is.
    #[serde(flatten)]
    pub state: DeliveryState,
    /// Last failure, for logs and dead letters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

/// A delivery that will not be retried until an admin redrives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DeadLetter {
    /// The request as last attempted.
    pub delivery: Delivery,
    /// Why it was given up.
    pub reason: String,
    /// Last HTTP status, if one came back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// When it was given up (epoch ms).
    pub at: i64,
}

/// Where the response of a creating request holds the new id, and the name it is kept under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Yield {
    /// The id's name, used as `{name}` in later URLs (`ticket_id`).
    pub name: String,
    /// JSON pointer into the response body (`/ticket/id`).
    pub pointer: String,
}

/// A request waiting its turn in a [`Chain`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Pending {
    /// The request; `{name}` in its URL is replaced by the id of that name when it goes out.
    pub delivery: Delivery,
    /// JSON pointer in the body -> id name, filled in (as strings) when it goes out.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub body_ids: BTreeMap<String, String>,
    /// The id this request's response carries, if it creates something.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yields: Option<Yield>,
    /// Ids its response may carry besides (the ticket's requester): kept when present, no error
    /// when absent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_yields: Vec<Yield>,
    /// JSON pointer in the body -> id name, filled in when the id is known and removed from the
    /// body when it is not (a comment's author). A number placeholder is filled as a number.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub optional_body_ids: BTreeMap<String, String>,
}

/// The request of a chain that has gone out and not yet succeeded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Head {
    /// Its delivery id (in the outbox or among the dead letters).
    pub delivery_id: String,
    /// The id its response carries, if it creates something.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yields: Option<Yield>,
    /// Ids its response may carry besides ([`Pending::also_yields`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_yields: Vec<Yield>,
}

/// The requests of one integration for one conversation: sent one at a time, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "IntegrationChain"))]
pub struct Chain {
    /// Ids the vendor returned (or the input gave): `ticket_id`, `contact_id`, `conversation_id`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ids: BTreeMap<String, String>,
    /// The request out now, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<Head>,
    /// Requests waiting behind the head, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waiting: Vec<Pending>,
    /// The conversation has closed: the chain is forgotten once it is drained.
    #[serde(default)]
    pub closed: bool,
    /// The vendor's webhook event ids already applied, with when (epoch ms): a delivery seen
    /// again is ignored. At most [`SEEN_MAX`] are kept, none older than [`SEEN_TTL_MS`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub seen: BTreeMap<String, i64>,
    /// What the engine wrote to a helpdesk whose webhooks cannot say who wrote an item
    /// (Freshdesk's automation payload names the ticket's agent, not the note's author): a digest
    /// of each text, with when. A webhook carrying one of these texts back is the engine's own
    /// item echoed, and is ignored (the loop guard). Bounded like `seen`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub written: BTreeMap<String, i64>,
}

impl Chain {
    /// Remembers that the vendor event `event_id` was applied at `now`.
    pub fn remember_seen(&mut self, event_id: &str, now: i64) {
        remember(&mut self.seen, event_id.to_string(), now);
    }

    /// Remembers that the engine wrote `text` to the helpdesk at `now`.
    pub fn remember_written(&mut self, text: &str, now: i64) {
        remember(&mut self.written, text_digest(text), now);
    }

    /// Whether `text` is one the engine wrote to the helpdesk in the last [`SEEN_TTL_MS`]
    /// (white space aside).
    pub fn wrote(&self, text: &str, now: i64) -> bool {
        self.written
            .get(&text_digest(text))
            .is_some_and(|at| *at > now - SEEN_TTL_MS)
    }
}

/// Puts `key` in `map` at `now`, forgetting entries past [`SEEN_TTL_MS`] and the oldest beyond
/// [`SEEN_MAX`].
fn remember(map: &mut BTreeMap<String, i64>, key: String, now: i64) {
    map.retain(|_, at| *at > now - SEEN_TTL_MS);
    while map.len() >= SEEN_MAX {
        let oldest = map
            .iter()
            .min_by_key(|(id, at)| (**at, (*id).clone()))
            .map(|(id, _)| id.clone());
        match oldest {
            Some(id) => map.remove(&id),
            None => break,
        };
    }
    map.insert(key, now);
}

/// A short digest of `text` with its white space folded (a helpdesk may re-wrap what it stores).
fn text_digest(text: &str) -> String {
    use sha2::{Digest, Sha256};
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Sha256::digest(folded.as_bytes())
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Most vendor event ids a [`Chain`] remembers (the oldest are forgotten first).
pub const SEEN_MAX: usize = 64;

/// How long a [`Chain`] remembers a vendor event id (24 h: longer than any vendor's retries).
pub const SEEN_TTL_MS: i64 = 24 * 60 * 60 * 1000;
