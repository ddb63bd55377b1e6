//! The vendor's ids back to our conversations: which conversation a Zendesk or Freshdesk ticket,
//! an Intercom conversation or a Sunshine Conversations conversation belongs to, so a helpdesk
//! webhook finds its conversation in O(log n).
//!
//! Built from the ids the request chains hold ([`Chain::ids`](crate::wire::delivery::Chain)),
//! kept in step by [`crate::integrations`] where a chain learns an id or is forgotten.

use std::collections::BTreeSet;

use crate::wire::state::State;

/// The chain ids a helpdesk webhook names its conversation by.
pub(crate) const REF_NAMES: &[&str] = &[
    "ticket_id",
    "intercom_conversation_id",
    "sunshine_conversation_id",
];

/// `(integration, id name, id, conversation)` for every reference id of every chain.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct HelpdeskIndex {
    refs: BTreeSet<(String, String, String, String)>,
}

/// The integration and conversation of the chain key `"{integration}:{conversation}"`
/// (integration ids hold no `:`).
pub(crate) fn split_key(key: &str) -> Option<(&str, &str)> {
    key.split_once(':')
}

impl HelpdeskIndex {
    /// The index of `state`'s chains.
    pub(crate) fn build(state: &State) -> HelpdeskIndex {
        let mut index = HelpdeskIndex::default();
        for (key, chain) in state.integration_chains.iter() {
            if let Some((integration, conversation)) = split_key(key) {
                for (name, id) in &chain.ids {
                    index.insert(integration, conversation, name, id);
                }
            }
        }
        index
    }

    /// Records that the chain of `integration` and `conversation` holds `name` = `id` (names
    /// other than [`REF_NAMES`] are not indexed).
    pub(crate) fn insert(&mut self, integration: &str, conversation: &str, name: &str, id: &str) {
        if REF_NAMES.contains(&name) {
            self.refs.insert((
                integration.to_string(),
                name.to_string(),
                id.to_string(),
                conversation.to_string(),
            ));
        }
    }

    /// Forgets `name` = `id` of the chain of `integration` and `conversation`.
    pub(crate) fn remove(&mut self, integration: &str, conversation: &str, name: &str, id: &str) {
        self.refs.remove(&(
            integration.to_string(),
            name.to_string(),
            id.to_string(),
            conversation.to_string(),
        ));
    }

    /// The conversation whose chain of `integration` holds `name` = `id` (the first by id when
    /// a host gave the same vendor id to two conversations).
    pub(crate) fn find(&self, integration: &str, name: &str, id: &str) -> Option<&str> {
        let from = (
            integration.to_string(),
            name.to_string(),
            id.to_string(),
            String::new(),
        );
        self.refs
            .range(from..)
            .next()
            .filter(|(i, n, v, _)| i == integration && n == name && v == id)
            .map(|(_, _, _, c)| c.as_str())
    }
}
