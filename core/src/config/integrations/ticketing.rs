//! What Zendesk and Freshdesk share: a ticket per handoff, with a group and an agent, tags, a
//! type, our priorities mapped to theirs, our agents to theirs, and a status when it closes.
//! The keys are described once here; where the values are the vendor's own (its priority words
//! or codes, its statuses) each vendor passes its kind.

use std::collections::BTreeMap;

use crate::config::read::{Default, Doc, Errors, Field, Kind, Null, Obj};
use crate::wire::state::Priority;

/// The ticket options Zendesk and Freshdesk share; `P` is the vendor's priority (Zendesk's
/// word, Freshdesk's code), `S` its status.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticketing<P, S> {
    /// The group new tickets go to (`group_id`).
    pub group_id: Option<u64>,
    /// The agent new tickets are assigned to: Zendesk's `assignee_id`, Freshdesk's
    /// `responder_id`.
    pub assignee_id: Option<u64>,
    /// Tags added to every ticket (besides `handoff`, the trigger and the topic), in lower case
    /// with characters other than letters, digits, `_` and `-` as `_`.
    pub tags: Vec<String>,
    /// The ticket's `type`: Zendesk's `problem`, `incident`, `question` or `task`; Freshdesk's as
    /// configured in the account (`Question`).
    pub ticket_type: Option<String>,
    /// Our priority -> the vendor's: Zendesk's `low`, `normal`, `high`, `urgent`; Freshdesk's 1
    /// Low, 2 Medium, 3 High, 4 Urgent.
    pub priority_map: BTreeMap<Priority, P>,
    /// Our agent id -> the vendor's agent id, assigned the ticket when that agent takes the
    /// conversation.
    pub agent_map: BTreeMap<String, u64>,
    /// The status set when the conversation closes (Zendesk `solved`, Freshdesk 4 Resolved by
    /// default; `None` leaves it).
    pub close_status: Option<S>,
}

/// A vendor's user, group or agent id: a whole number from 1.
pub(super) const NUMBER_ID: Kind = Kind::Whole {
    min: 1,
    max: u64::MAX,
};

/// `group_id`.
pub(super) const GROUP_ID: Field = Field::new(
    "group_id",
    NUMBER_ID,
    Default::Absent(doc!("none")),
    doc!("the group new tickets go to"),
);

/// The agent new tickets are assigned to (Zendesk's `assignee_id`, Freshdesk's `responder_id`).
pub(super) const fn assignee(key: &'static str, doc: Doc) -> Field {
    Field::new(key, NUMBER_ID, Default::Absent(doc!("none")), doc)
}

/// `tags`.
pub(super) const TAGS: Field = Field::new(
    "tags",
    Kind::Texts,
    Default::Absent(doc!("`[]`")),
    doc!(
        "added to every ticket, besides `handoff`, the trigger and the topic (in lower case, \
         characters other than letters, digits, `_` and `-` as `_`)"
    ),
);

/// `type`: the ticket's type, of the vendor's `kind`.
pub(super) const fn ticket_type(kind: Kind, doc: Doc) -> Field {
    Field::new("type", kind, Default::Absent(doc!("none")), doc)
}

/// `priority_map`: our priorities → the vendor's, each of `values`.
pub(super) const fn priority_map(values: &'static Kind, doc: Doc) -> Field {
    Field::new(
        "priority_map",
        Kind::Priorities(values),
        Default::InOrder,
        doc,
    )
}

/// `agent_map`: our agent ids → the vendor's (`what`: `Zendesk user id`).
pub(super) const fn agent_map(what: &'static str, doc: Doc) -> Field {
    Field::new(
        "agent_map",
        Kind::Agents {
            ids: &NUMBER_ID,
            what,
        },
        Default::Absent(doc!("`{}`")),
        doc,
    )
}

/// `close_status`: the vendor's status (of `kind`, `default` unless `null`) set on close.
pub(super) const fn close_status(kind: Kind, default: Default, doc: Doc) -> Field {
    Field::new("close_status", kind, default, doc).null(Null::Off)
}

/// The [`TAGS`] of `obj`, each as [`tag`](super::tag) writes it.
pub(super) fn tags(obj: &Obj<'_>, errors: &mut Errors) -> Vec<String> {
    obj.texts(&TAGS, errors)
        .unwrap_or_default()
        .iter()
        .map(|t| super::tag(t))
        .collect()
}
