//! Helpdesk integrations: Zendesk, Freshdesk and Intercom requests built from handoff events.
//!
//! Each enabled [`Integration`](crate::config::Integration) turns the lifecycle events into complete HTTP requests
//! ([`Delivery`] outputs) that go through the same outbox as webhooks: the same retries, dead
//! letters, redrive, and ids derived from the inputs. Credentials are references only; the host
//! resolves them and [`Delivery::prepare`](crate::wire::delivery::Delivery::prepare) builds the `Authorization`
//! header at send time ([`Auth::header`](crate::wire::output::Auth::header)).
//!
//! | event | Zendesk | Freshdesk | Intercom |
//! | --- | --- | --- | --- |
//! | `conversation.handoff_requested` | create ticket (+ Sunshine pass-control) | create ticket | create contact and conversation when needed, note, assign |
//! | `conversation.queued` | internal comment | private note | – |
//! | `conversation.assigned` | internal comment, status open, assignee | private note, responder | note, assign to the admin |
//! | `conversation.callback_requested` | internal comment | private note | note |
//! | `conversation.message` (customer) | public comment by the requester | public note, `incoming`, by the requester | reply as the contact (`type: user`) |
//! | `conversation.message` (agent) | public comment | public note | reply as the admin (`type: admin`) |
//! | `conversation.note` | internal comment | private note | note |
//! | `conversation.returned_to_ai` | internal comment (+ Sunshine pass-control back to `bot_integration`) | private note | note |
//! | `conversation.closed` | comment, status solved | status resolved | note, close (no customer-visible body) |
//!
//! The requester's id (`zendesk_requester_id`, `freshdesk_requester_id`) and Zendesk's API user
//! (`zendesk_api_user_id`, the ticket's submitter) are read from the create-ticket response when
//! it has them; a comment is written without an author when it did not. A message, note or close
//! that came from a helpdesk's own webhook ([`crate::inbound`]) is not written back to it.
//!
//! ## Follow-ups wait for what they update
//!
//! The requests of one integration and one conversation form a [`Chain`](crate::wire::delivery::Chain): they are sent one at a
//! time, in order. A request that creates something (a ticket, a contact, a conversation) names
//! the id to read from the response (`/ticket/id`); the host reports the response body in its
//! `delivery_result`, the engine keeps just that id (never the body) and fills it into the
//! requests after it (`PUT /api/v2/tickets/{ticket_id}`). While the head of a chain is in flight,
//! waiting for a retry, or dead-lettered, the requests behind it wait; after a successful redrive
//! they go out in order. A follow-up for a conversation that never created anything (the
//! integration was added later) is not sent.
//!
//! The request builders and `on_event` need the cargo feature `integrations` (on by default, off
//! in the browsers' widget build, whose configuration reader refuses helpdesks). The chains, the
//! credentials (`auth`) and the reading of answers are in every build: a state saved where
//! helpdesks ran restores, and its chains drain, anywhere.

#[cfg(feature = "integrations")]
use std::collections::BTreeMap;

use serde_json::Value;

use crate::config::Config;
use crate::outbox;
#[cfg(feature = "integrations")]
use crate::wire::event::{Event, EventData, EventName};
#[cfg(feature = "integrations")]
use crate::wire::output::Context;
use crate::wire::output::{Delivery, Output};
use crate::wire::state::{DeliveryState, OutboxEntry, State};

pub(crate) mod auth;

#[cfg(feature = "integrations")]
mod freshdesk;
#[cfg(feature = "integrations")]
mod intercom;
#[cfg(feature = "integrations")]
pub(crate) mod package;
#[cfg(feature = "integrations")]
mod zendesk;

#[cfg(feature = "integrations")]
use crate::config::Vendor;
use crate::index::helpdesk::{split_key, HelpdeskIndex};
use crate::wire::delivery::Head;
#[cfg(feature = "integrations")]
use crate::wire::delivery::{Pending, Yield};
use crate::wire::limits::is_safe_id;
#[cfg(feature = "integrations")]
use crate::wire::limits::ID_ATTRIBUTES;

fn chain_key(integration_id: &str, conversation_id: &str) -> String {
    format!("{integration_id}:{conversation_id}")
}

#[cfg(feature = "integrations")]
/// One request an integration wants sent, before ids and delivery ids are given.
pub(crate) struct Request {
    /// `zendesk.create_ticket`.
    pub(crate) operation: &'static str,
    pub(crate) method: &'static str,
    pub(crate) url: String,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Value,
    pub(crate) auth: crate::wire::output::Auth,
    pub(crate) body_ids: Vec<(&'static str, &'static str)>,
    pub(crate) yields: Option<(&'static str, &'static str)>,
    /// Ids the response may carry besides (kept when present).
    pub(crate) also_yields: Vec<(&'static str, &'static str)>,
    /// Body pointer -> id name, filled when known, removed when not.
    pub(crate) optional_body_ids: Vec<(&'static str, &'static str)>,
    /// Sets `Idempotency-Key` to the delivery id (Zendesk ticket creation).
    pub(crate) idempotent: bool,
}

#[cfg(feature = "integrations")]
impl Request {
    /// A request with no ids to fill in or read back.
    pub(crate) fn new(
        operation: &'static str,
        method: &'static str,
        url: String,
        headers: Vec<(&'static str, String)>,
        body: Value,
        auth: crate::wire::output::Auth,
    ) -> Request {
        Request {
            operation,
            method,
            url,
            headers,
            body,
            auth,
            body_ids: Vec::new(),
            yields: None,
            also_yields: Vec::new(),
            optional_body_ids: Vec::new(),
            idempotent: false,
        }
    }
}

#[cfg(feature = "integrations")]
/// What a vendor builder sees of an event.
pub(crate) struct EventView<'a> {
    pub(crate) name: EventName,
    pub(crate) data: &'a EventData,
    /// Ids known so far for this integration and conversation.
    pub(crate) ids: &'a BTreeMap<String, String>,
}

#[cfg(feature = "integrations")]
impl EventView<'_> {
    /// The trigger that started the handoff (`data.trigger`), `customer_request` for other events.
    pub(crate) fn primary_trigger(&self) -> &str {
        match self.data {
            EventData::HandoffRequested(h) => &h.trigger,
            _ => "customer_request",
        }
    }

    /// The agent a `conversation.assigned` names (`data.agent_id`), empty for other events.
    pub(crate) fn assigned_agent(&self) -> &str {
        match self.data {
            EventData::Assigned(a) => &a.agent_id,
            _ => "",
        }
    }
}

#[cfg(feature = "integrations")]
/// The headers of a JSON API request (`content-type` and `accept`).
pub(crate) fn json_headers() -> Vec<(&'static str, String)> {
    vec![
        ("content-type", "application/json".into()),
        ("accept", "application/json".into()),
    ]
}

#[cfg(feature = "integrations")]
/// Creates the requests of every enabled integration for one event; `context` is the package the
/// handoff built (`conversation.handoff_requested` only), which goes with the ticket it creates.
/// `origin` is the integration a helpdesk webhook came from: the message, note, close or
/// hand-back it brought is not written back to it (it is there already).
#[allow(clippy::too_many_arguments)] // one call site, each argument a different part of the flow
pub(crate) fn on_event(
    config: &Config,
    state: &mut State,
    index: &mut HelpdeskIndex,
    conversation_id: &str,
    event: &Event,
    context: Option<&Context>,
    origin: Option<&str>,
    now: i64,
    out: &mut Vec<Output>,
) {
    let name = event.event;
    if !name.reaches_helpdesks() {
        return;
    }
    let creating = name == EventName::HandoffRequested;
    let echoes = matches!(
        name,
        EventName::Message | EventName::Note | EventName::Closed
    );
    for integration in config.integrations.iter().filter(|i| i.enabled) {
        if echoes && origin == Some(integration.id.as_str()) {
            continue; // the helpdesk wrote it: it has it already
        }
        let key = chain_key(&integration.id, conversation_id);
        if !creating && !state.integration_chains.contains_key(&key) {
            continue; // nothing was created for this conversation: nothing to update
        }
        let mut ids = state
            .integration_chains
            .get(&key)
            .map(|c| c.ids.clone())
            .unwrap_or_default();
        let conversation = state.conversations.get(conversation_id);
        if creating {
            // Ids the host gave with the customer (validated by `check`).
            if let Some(conv) = conversation {
                for attr in ID_ATTRIBUTES {
                    if let Some(Value::String(v)) = conv.customer.attributes.get(*attr) {
                        if is_safe_id(v) {
                            ids.insert((*attr).to_string(), v.clone());
                        }
                    }
                }
            }
        }
        let view = EventView {
            name,
            data: &event.data,
            ids: &ids,
        };
        // The package goes with the ticket a handoff creates, not with follow-ups.
        let context = context.filter(|_| creating && conversation.is_some());
        let requests = match &integration.vendor {
            Vendor::Zendesk(z) => zendesk::requests(z, &view, context),
            Vendor::Freshdesk(f) => freshdesk::requests(f, &view, context),
            Vendor::Intercom(i) => intercom::requests(i, &view, context),
        };
        let chain = state.integration_chains.entry(key.clone()).or_default();
        for (id_name, id) in &ids {
            if let Some(old) = chain.ids.get(id_name).filter(|old| *old != id) {
                index.remove(&integration.id, conversation_id, id_name, old);
            }
            index.insert(&integration.id, conversation_id, id_name, id);
        }
        chain.ids.extend(ids);
        if creating {
            chain.closed = false;
        }
        if name == EventName::Closed {
            chain.closed = true;
        }
        let echoes = matches!(integration.vendor, Vendor::Freshdesk(_))
            && matches!(name, EventName::Message | EventName::Note);
        for request in requests {
            if echoes {
                // Freshdesk's webhooks cannot say who wrote a note: remember the text, so that
                // its echo is known (`Chain::wrote`).
                if let (Some(body), Some(chain)) = (
                    request.body.get("body").and_then(Value::as_str),
                    state.integration_chains.get_mut(&key),
                ) {
                    chain.remember_written(&crate::inbound::plain_text(body), now);
                }
            }
            state.seq += 1;
            let delivery_id = outbox::delivery_id(
                &integration.id,
                conversation_id,
                request.operation,
                now,
                state.seq,
            );
            let pending = pending(&integration.id, conversation_id, name, request, delivery_id);
            if let Some(chain) = state.integration_chains.get_mut(&key) {
                chain.waiting.push(pending);
            }
        }
        advance(state, index, &key, now, out);
    }
}

#[cfg(feature = "integrations")]
/// `request` as a delivery that waits in its chain until the requests before it are done.
fn pending(
    integration_id: &str,
    conversation_id: &str,
    event: EventName,
    request: Request,
    delivery_id: String,
) -> Pending {
    let mut headers: BTreeMap<String, String> = request
        .headers
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    headers.insert(
        "user-agent".into(),
        concat!("handoff/", env!("CARGO_PKG_VERSION")).into(),
    );
    if request.idempotent {
        headers.insert("idempotency-key".into(), delivery_id.clone());
    }
    let delivery = Delivery {
        delivery_id,
        webhook_id: integration_id.to_string(),
        conversation_id: conversation_id.to_string(),
        event: event.as_str().to_string(),
        method: request.method.into(),
        url: request.url,
        headers,
        body: request.body.to_string(),
        attempt: 1,
        auth: request.auth,
        operation: Some(request.operation.into()),
    };
    Pending {
        delivery,
        body_ids: request
            .body_ids
            .into_iter()
            .map(|(p, n)| (p.to_string(), n.to_string()))
            .collect(),
        yields: request.yields.map(|(name, pointer)| Yield {
            name: name.into(),
            pointer: pointer.into(),
        }),
        also_yields: request
            .also_yields
            .into_iter()
            .map(|(name, pointer)| Yield {
                name: name.into(),
                pointer: pointer.into(),
            })
            .collect(),
        optional_body_ids: request
            .optional_body_ids
            .into_iter()
            .map(|(p, n)| (p.to_string(), n.to_string()))
            .collect(),
    }
}

/// Sends the next waiting request of the chain `key` when nothing is out; forgets a drained,
/// closed chain (and its ids in `index`).
fn advance(
    state: &mut State,
    index: &mut HelpdeskIndex,
    key: &str,
    now: i64,
    out: &mut Vec<Output>,
) {
    let Some(chain) = state.integration_chains.get_mut(key) else {
        return;
    };
    if chain.head.is_some() {
        return;
    }
    if chain.waiting.is_empty() {
        if chain.closed {
            if let (Some(chain), Some((integration, conversation))) =
                (state.integration_chains.remove(key), split_key(key))
            {
                for (name, id) in &chain.ids {
                    index.remove(integration, conversation, name, id);
                }
            }
        }
        return;
    }
    let pending = chain.waiting.remove(0);
    let mut delivery = pending.delivery;
    for (name, id) in &chain.ids {
        delivery.url = delivery.url.replace(&format!("{{{name}}}"), id);
    }
    let mut missing = delivery
        .url
        .contains('{')
        .then(|| format!("no id for the URL {}", delivery.url));
    if !pending.body_ids.is_empty() || !pending.optional_body_ids.is_empty() {
        match serde_json::from_str::<Value>(&delivery.body) {
            Ok(mut body) => {
                for (pointer, name) in &pending.body_ids {
                    match (body.pointer_mut(pointer), chain.ids.get(name)) {
                        (Some(slot), Some(id)) => fill(slot, id),
                        _ => missing = Some(format!("no {name} for {pointer} of the body")),
                    }
                }
                for (pointer, name) in &pending.optional_body_ids {
                    match (body.pointer_mut(pointer), chain.ids.get(name)) {
                        (Some(slot), Some(id)) => fill(slot, id),
                        _ => remove_pointer(&mut body, pointer),
                    }
                }
                delivery.body = body.to_string();
            }
            Err(e) => missing = Some(format!("body is not JSON: {e}")),
        }
    }
    chain.head = Some(Head {
        delivery_id: delivery.delivery_id.clone(),
        yields: pending.yields,
        also_yields: pending.also_yields,
    });
    let disabled = state.disabled_webhooks.get(&delivery.webhook_id).cloned();
    let id = delivery.delivery_id.clone();
    if let Some(reason) = missing {
        // Not reached with the requests this module builds; kept as a dead letter, not dropped.
        outbox::dead_letter(state, delivery, reason, None, now, out);
    } else if let Some(reason) = disabled {
        let reason = format!("integration {} is disabled: {reason}", delivery.webhook_id);
        outbox::dead_letter(state, delivery, reason, None, now, out);
    } else {
        out.push(Output::Delivery(delivery.clone()));
        state.outbox.insert(
            id,
            OutboxEntry {
                delivery,
                state: DeliveryState::InFlight { since: now },
                last_error: None,
            },
        );
    }
}

/// Puts `id` in `slot`: a number where the placeholder is a number (and the id one), else a string.
fn fill(slot: &mut Value, id: &str) {
    *slot = match (&*slot, id.parse::<u64>()) {
        (Value::Number(_), Ok(n)) => Value::from(n),
        _ => Value::String(id.to_string()),
    };
}

/// Removes the member `pointer` names from its object (nothing when there is none).
fn remove_pointer(body: &mut Value, pointer: &str) {
    if let Some((parent, key)) = pointer.rsplit_once('/') {
        if let Some(Value::Object(map)) = body.pointer_mut(parent) {
            map.remove(key);
        }
    }
}

/// The id at `pointer` of `body`: a string, or a whole number written as one.
fn id_at(body: Option<&Value>, pointer: &str) -> Option<String> {
    match body?.pointer(pointer)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) if n.is_u64() => Some(n.to_string()),
        _ => None,
    }
}

/// A 2xx for `delivery`: reads the id its response carries, if it is the head of a chain that
/// needs one. `Err` says why the response is unusable (the delivery then becomes a dead letter).
pub(crate) fn accept_response(
    state: &mut State,
    index: &mut HelpdeskIndex,
    delivery: &Delivery,
    body: Option<&str>,
) -> Result<(), String> {
    let key = chain_key(&delivery.webhook_id, &delivery.conversation_id);
    let Some(chain) = state.integration_chains.get_mut(&key) else {
        return Ok(());
    };
    let Some(head) = chain
        .head
        .as_ref()
        .filter(|h| h.delivery_id == delivery.delivery_id)
    else {
        return Ok(());
    };
    let (yields, also) = (head.yields.clone(), head.also_yields.clone());
    let parsed: Option<Value> = body.and_then(|b| serde_json::from_str(b).ok());
    let mut found = Vec::new();
    if let Some(yields) = yields {
        match id_at(parsed.as_ref(), &yields.pointer) {
            Some(id) if is_safe_id(&id) => found.push((yields.name, id)),
            _ => {
                return Err(format!(
                    "the response has no {} at {} (the host must report the response body)",
                    yields.name, yields.pointer
                ))
            }
        }
    }
    for y in also {
        if let Some(id) = id_at(parsed.as_ref(), &y.pointer).filter(|id| is_safe_id(id)) {
            found.push((y.name, id));
        }
    }
    for (name, id) in found {
        index.insert(&delivery.webhook_id, &delivery.conversation_id, &name, &id);
        if let Some(old) = chain.ids.insert(name.clone(), id.clone()) {
            if old != id {
                index.remove(&delivery.webhook_id, &delivery.conversation_id, &name, &old);
            }
        }
    }
    Ok(())
}

/// After a delivery succeeded: the next request of its chain goes out.
pub(crate) fn on_delivered(
    state: &mut State,
    index: &mut HelpdeskIndex,
    delivery: &Delivery,
    now: i64,
    out: &mut Vec<Output>,
) {
    let key = chain_key(&delivery.webhook_id, &delivery.conversation_id);
    let Some(chain) = state.integration_chains.get_mut(&key) else {
        return;
    };
    if chain
        .head
        .as_ref()
        .is_some_and(|h| h.delivery_id == delivery.delivery_id)
    {
        chain.head = None;
        advance(state, index, &key, now, out);
    }
}

/// Whether `id` names a configured integration (enabled or not).
pub(crate) fn is_configured(config: &Config, id: &str) -> bool {
    config.integrations.iter().any(|i| i.id == id)
}
