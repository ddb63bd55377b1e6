//! `helpdesk_event`: what a helpdesk's webhook reported, checked against the state: a configured
//! helpdesk, a vendor id one of its request chains holds, an open conversation. Also what the
//! engine ignores without an error (a vendor event applied already, an item the engine wrote
//! itself) and who the vendor's author is among our agents, which the lifecycle shares.

use serde_json::Value;

use super::{id, text};
use crate::config::{Config, Vendor};
use crate::index::helpdesk::HelpdeskIndex;
use crate::wire::delivery::SEEN_TTL_MS;
use crate::wire::error::{ErrorKind, InputError};
use crate::wire::input::{
    HelpdeskEvent, HelpdeskKind, Transfer, TransferBy, TransferMode, TransferTarget,
};
use crate::wire::state::{State, Status};

/// The chain ids that name the engine's own authors in a helpdesk: the ticket's requester (who
/// writes the customer's comments) and Zendesk's API user (the ticket's submitter).
const OWN_AUTHORS: &[&str] = &[
    "zendesk_requester_id",
    "zendesk_api_user_id",
    "freshdesk_requester_id",
];

/// Checks a `helpdesk_event`; an event the engine ignores passes (it changes nothing).
pub(super) fn helpdesk_event(
    config: &Config,
    state: &State,
    index: &HelpdeskIndex,
    e: &HelpdeskEvent,
) -> Result<(), InputError> {
    id("input.integration_id", &e.integration_id)?;
    id("input.event_id", &e.event_id)?;
    id("input.vendor_id", &e.vendor_id)?;
    id("input.author.id", &e.author.id)?;
    text("input.text", &e.text)?;
    if !config.integrations.iter().any(|i| i.id == e.integration_id) {
        return Err(InputError::with_value(
            ErrorKind::UnknownDelivery,
            "input.integration_id",
            "no helpdesk in handoff.integrations has this id",
            &Value::String(e.integration_id.clone()),
        ));
    }
    let Some(conversation) = index.find(&e.integration_id, e.vendor_ref.as_str(), &e.vendor_id)
    else {
        return Err(InputError::with_value(
            ErrorKind::UnknownConversation,
            "input.vendor_id",
            format!(
                "no conversation has this {} with integration {} (one the engine did not \
                 create, or whose conversation closed)",
                e.vendor_ref.as_str(),
                e.integration_id
            ),
            &Value::String(e.vendor_id.clone()),
        ));
    };
    if ignored(config, state, conversation, e) {
        return Ok(());
    }
    if !state.conversations.contains_key(conversation) {
        return Err(InputError::with_value(
            ErrorKind::UnknownConversation,
            "input.vendor_id",
            format!(
                "the conversation of this {} has closed",
                e.vendor_ref.as_str()
            ),
            &Value::String(e.vendor_id.clone()),
        ));
    }
    if matches!(e.kind, HelpdeskKind::Message | HelpdeskKind::Note) && e.text.trim().is_empty() {
        return Err(InputError::new(
            ErrorKind::Missing,
            "input.text",
            "a message or note needs its text",
        ));
    }
    if let Some(t) = transfer_of(config, state, conversation, e) {
        super::live::transfer(config, state, &t)?;
    }
    Ok(())
}

/// The admin's cold transfer a `transfer` event means: to our agent the vendor's `assignee` is
/// in `agent_map`, of an assigned conversation someone else holds; `None` otherwise (nothing to
/// do: an assignee who is not our agent, the holder already, a conversation nobody holds).
pub(crate) fn transfer_of(
    config: &Config,
    state: &State,
    conversation: &str,
    e: &HelpdeskEvent,
) -> Option<Transfer> {
    if e.kind != HelpdeskKind::Transfer {
        return None;
    }
    let target = agent_of(config, &e.integration_id, e.assignee.as_deref()?)?;
    match &state.conversations.get(conversation)?.status {
        Status::Assigned { agent_id, .. } if *agent_id != target => Some(Transfer {
            conversation_id: conversation.to_string(),
            by: TransferBy::Admin,
            agent_id: None,
            to: TransferTarget::Agent(target),
            mode: TransferMode::Cold,
            note: None,
        }),
        _ => None,
    }
}

/// Whether the engine ignores `e` for `conversation`: its event id was applied within
/// [`SEEN_TTL_MS`], or its author is the engine itself in that helpdesk (the requester it writes
/// the customer's comments as, its API user, Intercom's `admin_id`).
pub(crate) fn ignored(
    config: &Config,
    state: &State,
    conversation: &str,
    e: &HelpdeskEvent,
) -> bool {
    let key = format!("{}:{conversation}", e.integration_id);
    let Some(chain) = state.integration_chains.get(&key) else {
        return false;
    };
    let seen = chain
        .seen
        .get(&e.event_id)
        .is_some_and(|at| *at > state.now - SEEN_TTL_MS);
    let own = OWN_AUTHORS
        .iter()
        .any(|name| chain.ids.get(*name) == Some(&e.author.id));
    // Intercom names the author: the bot admin is the engine. Freshdesk does not: a text the
    // engine wrote there is its own item echoed.
    let bot = config
        .integrations
        .iter()
        .find(|i| i.id == e.integration_id)
        .is_some_and(|i| match &i.vendor {
            Vendor::Intercom(ic) => ic.admin_id == e.author.id,
            Vendor::Freshdesk(_) => chain.wrote(&e.text, state.now),
            Vendor::Zendesk(_) => false,
        });
    seen || own || bot
}

/// Our agent the vendor's user `vendor_user` is in `integration_id`'s `agent_map`, if any.
pub(crate) fn agent_of(config: &Config, integration_id: &str, vendor_user: &str) -> Option<String> {
    let integration = config
        .integrations
        .iter()
        .find(|i| i.id == integration_id)?;
    let mapped = |map: &std::collections::BTreeMap<String, u64>| {
        map.iter()
            .find(|(_, v)| v.to_string() == vendor_user)
            .map(|(k, _)| k.clone())
    };
    match &integration.vendor {
        Vendor::Zendesk(z) => mapped(&z.ticketing.agent_map),
        Vendor::Freshdesk(f) => mapped(&f.ticketing.agent_map),
        Vendor::Intercom(i) => i
            .agent_map
            .iter()
            .find(|(_, v)| v.as_str() == vendor_user)
            .map(|(k, _)| k.clone()),
    }
}
