//! What the outbox persists beside the deliveries themselves: the helpdesk requests of one
//! integration and conversation, chained so they go out one at a time, in order.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::wire::output::Delivery;

/// Where the response of a creating request holds the new id, and the name it is kept under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Yield {
    /// The id's name, used as `{name}` in later URLs (`ticket_id`).
    pub name: String,
    /// JSON pointer into the response body (`/ticket/id`).
    pub pointer: String,
}

/// A request waiting its turn in a [`Chain`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// The request; `{name}` in its URL is replaced by the id of that name when it goes out.
    pub delivery: Delivery,
    /// JSON pointer in the body -> id name, filled in (as strings) when it goes out.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub body_ids: BTreeMap<String, String>,
    /// The id this request's response carries, if it creates something.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yields: Option<Yield>,
}

/// The request of a chain that has gone out and not yet succeeded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    /// Its delivery id (in the outbox or among the dead letters).
    pub delivery_id: String,
    /// The id its response carries, if it creates something.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yields: Option<Yield>,
}

/// The requests of one integration for one conversation: sent one at a time, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
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
}
