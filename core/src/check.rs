//! Checks an input against the configuration and state *before* anything changes, so a bad input
//! leaves the state exactly as it was.

pub(crate) mod helpdesk;
mod live;
mod resolve;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::config::Config;
use crate::wire::error::{ErrorKind, InputError};
use crate::wire::input::{
    AgentAction, AgentMessage, AgentUpdate, CallbackDetails, ConversationClosed, Customer,
    DeliveryResult, EnableWebhook, Input, RedriveDelivery, RetryDelivery, Signals,
};
use crate::wire::limits::{
    json_len, too_deep, MAX_ATTRIBUTES_BYTES, MAX_HEADER_VALUE_BYTES, MAX_TEXT_BYTES, MAX_TIME,
    MAX_VALUE_DEPTH,
};
use crate::wire::state::{Conversation, DeliveryState, State, Status};
use crate::wire::values::ClosedBy;

fn id(path: &str, value: &str) -> Result<(), InputError> {
    if value.trim().is_empty() {
        return Err(InputError::new(
            ErrorKind::Invalid,
            path,
            "expected a non-empty id",
        ));
    }
    if value.len() > 256 {
        return Err(InputError::new(
            ErrorKind::TooLarge,
            path,
            "ids are at most 256 bytes",
        ));
    }
    Ok(())
}

fn text(path: &str, value: &str) -> Result<(), InputError> {
    if value.len() > MAX_TEXT_BYTES {
        return Err(InputError::new(
            ErrorKind::TooLarge,
            path,
            format!("text is longer than {MAX_TEXT_BYTES} bytes"),
        ));
    }
    Ok(())
}

fn unit(path: &str, value: Option<f64>, min: f64, max: f64) -> Result<(), InputError> {
    match value {
        Some(v) if !(v.is_finite() && (min..=max).contains(&v)) => Err(InputError::with_value(
            ErrorKind::OutOfRange,
            path,
            format!("expected a number from {min} to {max}"),
            &serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number),
        )),
        _ => Ok(()),
    }
}

/// Free-form attributes: each value at most [`MAX_VALUE_DEPTH`] levels deep, and those already
/// known (`known`) merged with the new ones at most [`MAX_ATTRIBUTES_BYTES`] as JSON.
fn attributes(
    path: &str,
    new: &BTreeMap<String, Value>,
    known: Option<&BTreeMap<String, Value>>,
) -> Result<(), InputError> {
    if new.is_empty() {
        return Ok(());
    }
    for (key, value) in new {
        if let Some(at) = too_deep(value, &format!("{path}.{key}"), MAX_VALUE_DEPTH) {
            return Err(InputError::new(
                ErrorKind::TooLarge,
                at,
                format!(
                    "nested too deeply: a customer attribute nests objects and arrays at most \
                     {MAX_VALUE_DEPTH} levels"
                ),
            ));
        }
    }
    // `{` `}`, then `"key":value` and a comma for each: the merged map's compact JSON length
    // (keys as written in JSON, escapes counted).
    let entry = |key: &str, value: &Value| {
        json_len(&Value::String(key.to_string())) + 1 + json_len(value) + 1
    };
    let mut bytes = 2 + new.iter().map(|(k, v)| entry(k, v)).sum::<usize>();
    if let Some(known) = known {
        bytes += known
            .iter()
            .filter(|(k, _)| !new.contains_key(*k))
            .map(|(k, v)| entry(k, v))
            .sum::<usize>();
    }
    let bytes = bytes.saturating_sub(1); // no comma after the last entry
    if bytes > MAX_ATTRIBUTES_BYTES {
        return Err(InputError::with_value(
            ErrorKind::TooLarge,
            path,
            format!(
                "too large: a customer's attributes (with those already known) take at most \
                 {MAX_ATTRIBUTES_BYTES} bytes as JSON"
            ),
            &Value::from(bytes),
        ));
    }
    Ok(())
}

fn customer(path: &str, c: &Option<Customer>, known: Option<&Customer>) -> Result<(), InputError> {
    let Some(c) = c else { return Ok(()) };
    attributes(
        &format!("{path}.attributes"),
        &c.attributes,
        known.map(|k| &k.attributes),
    )?;
    // Vendor ids the integrations put into URLs: plain ids only.
    for attr in crate::wire::limits::ID_ATTRIBUTES {
        match c.attributes.get(*attr) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if crate::wire::limits::is_safe_id(s) => {}
            Some(other) => {
                return Err(InputError::with_value(
                    ErrorKind::Invalid,
                    format!("{path}.attributes.{attr}"),
                    "expected an id: 1 to 128 letters, digits, '_', '-' or '.'",
                    other,
                ))
            }
        }
    }
    if let Some(email) = &c.email {
        if !email.is_empty() && !looks_like_email(email) {
            return Err(InputError::with_value(
                ErrorKind::Invalid,
                format!("{path}.email"),
                "expected an email address",
                &Value::String(email.clone()),
            ));
        }
    }
    Ok(())
}

fn signals(s: &Option<Signals>) -> Result<(), InputError> {
    let Some(s) = s else { return Ok(()) };
    unit("input.signals.sentiment", s.sentiment, -1.0, 1.0)?;
    unit("input.signals.confidence", s.confidence, 0.0, 1.0)?;
    if let Some(summary) = &s.summary {
        text("input.signals.summary", summary)?;
    }
    Ok(())
}

/// `local@domain.tld`, loosely.
pub(crate) fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(' ')
}

/// 7 to 15 digits, with optional `+`, spaces, dashes, dots and parentheses.
pub(crate) fn looks_like_phone(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    (7..=15).contains(&digits)
        && s.chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
}

/// Checks `input` against `config` and `state`.
pub(crate) fn check(
    config: &Config,
    state: &State,
    index: &crate::index::Index,
    input: &Input,
) -> Result<(), InputError> {
    match input {
        Input::CustomerMessage(m) => {
            id("input.conversation_id", &m.conversation_id)?;
            text("input.text", &m.text)?;
            let known = state.conversations.get(&m.conversation_id);
            customer("input.customer", &m.customer, known.map(|c| &c.customer))?;
            signals(&m.signals)
        }
        Input::AiReply(m) => {
            id("input.conversation_id", &m.conversation_id)?;
            text("input.text", &m.text)?;
            unit("input.confidence", m.confidence, 0.0, 1.0)?;
            live::ai_reply(state, m)
        }
        Input::HandoffRequest(m) => {
            id("input.conversation_id", &m.conversation_id)?;
            let known = state.conversations.get(&m.conversation_id);
            customer("input.customer", &m.customer, known.map(|c| &c.customer))
        }
        Input::AgentUpdate(u) => agent_update(u),
        Input::AgentAccept(a) | Input::AgentDecline(a) => offer_answer(state, a),
        Input::AgentMessage(m) | Input::AgentNote(m) => agent_message(state, m),
        Input::ReturnToAi(r) => live::return_to_ai(state, r),
        Input::Transfer(t) => live::transfer(config, state, t),
        Input::CallbackDetails(d) => {
            callback_details(state, d)?;
            callback_at(config, d.at)
        }
        Input::ConversationClosed(c) => closed(state, c),
        Input::DeliveryResult(r) => delivery_result(state, r),
        Input::RedriveDelivery(r) => redrive(config, state, r),
        Input::RetryDelivery(r) => retry(state, r),
        Input::EnableWebhook(e) => enable_webhook(config, e),
        Input::Tick | Input::HostRestarted => Ok(()),
        Input::Resolve(r) => resolve::resolve(config, state, r),
        Input::WrapUpDone(w) => resolve::wrap_up_done(state, w),
        Input::Csat(c) => resolve::csat(state, c),
        Input::HelpdeskEvent(e) => helpdesk::helpdesk_event(config, state, &index.helpdesk, e),
    }
}

/// The open conversation `cid`, or the error naming `input.conversation_id`.
fn open_conversation<'s>(state: &'s State, cid: &str) -> Result<&'s Conversation, InputError> {
    state.conversations.get(cid).ok_or_else(|| {
        InputError::with_value(
            ErrorKind::UnknownConversation,
            "input.conversation_id",
            "no open conversation with this id",
            &Value::String(cid.into()),
        )
    })
}

/// `agent_update`: an id, a capacity of 1 to 1000, non-empty skills.
fn agent_update(u: &AgentUpdate) -> Result<(), InputError> {
    id("input.agent.id", &u.agent.id)?;
    if let Some(n) = u.agent.max_concurrent {
        if !(1..=1000).contains(&n) {
            return Err(InputError::with_value(
                ErrorKind::OutOfRange,
                "input.agent.max_concurrent",
                "expected 1 to 1000 (to take no new conversations, set status \"away\")",
                &Value::from(n),
            ));
        }
    }
    if let Some(skills) = &u.agent.skills {
        for (i, s) in skills.iter().enumerate() {
            if s.trim().is_empty() {
                return Err(InputError::new(
                    ErrorKind::Invalid,
                    format!("input.agent.skills[{i}]"),
                    "expected a non-empty skill name",
                ));
            }
        }
    }
    Ok(())
}

/// `agent_accept` / `agent_decline`: only the agent the conversation is offered to.
fn offer_answer(state: &State, a: &AgentAction) -> Result<(), InputError> {
    let conv = open_conversation(state, &a.conversation_id)?;
    match &conv.status {
        Status::Offered { agent_id, .. } if agent_id == &a.agent_id => {}
        // A warm transfer's offer.
        Status::Assigned { .. } if conv.warm_target() == Some(a.agent_id.as_str()) => {}
        Status::Offered { .. } | Status::Assigned { .. } if conv.warm_target().is_some() => {
            return Err(InputError::with_value(
                ErrorKind::NotOfferedTo,
                "input.agent_id",
                "this conversation is offered to another agent",
                &Value::String(a.agent_id.clone()),
            ))
        }
        Status::Offered { .. } => {
            return Err(InputError::with_value(
                ErrorKind::NotOfferedTo,
                "input.agent_id",
                "this conversation is offered to another agent",
                &Value::String(a.agent_id.clone()),
            ))
        }
        _ => {
            return Err(InputError::with_value(
                ErrorKind::NotOfferedTo,
                "input.conversation_id",
                "this conversation is not waiting for an agent to accept it",
                &Value::String(a.conversation_id.clone()),
            ))
        }
    }
    Ok(())
}

/// `agent_message`, `agent_note`: only the agent who holds the conversation.
fn agent_message(state: &State, m: &AgentMessage) -> Result<(), InputError> {
    text("input.text", &m.text)?;
    let conv = open_conversation(state, &m.conversation_id)?;
    match &conv.status {
        Status::Assigned { agent_id, .. } if agent_id == &m.agent_id => {}
        _ => {
            return Err(InputError::with_value(
                ErrorKind::NotHeldBy,
                "input.agent_id",
                "this agent does not hold the conversation",
                &Value::String(m.agent_id.clone()),
            ))
        }
    }
    Ok(())
}

/// `conversation_closed`: an open conversation; with an `agent_id`, closed by that agent, who
/// holds it.
fn closed(state: &State, c: &ConversationClosed) -> Result<(), InputError> {
    let conv = open_conversation(state, &c.conversation_id)?;
    let Some(agent) = &c.agent_id else {
        return Ok(());
    };
    id("input.agent_id", agent)?;
    if c.by != ClosedBy::Agent {
        return Err(InputError::with_value(
            ErrorKind::Invalid,
            "input.agent_id",
            "an agent_id is given only with \"by\": \"agent\"",
            &Value::String(agent.clone()),
        ));
    }
    match &conv.status {
        // The agent who holds it, or who resolved it (while it may still be reopened).
        Status::Assigned { agent_id, .. } | Status::Resolved { agent_id, .. }
            if agent_id == agent =>
        {
            Ok(())
        }
        _ => Err(InputError::with_value(
            ErrorKind::NotHeldBy,
            "input.agent_id",
            "this agent does not hold the conversation",
            &Value::String(agent.clone()),
        )),
    }
}

/// `callback_details`: a conversation collecting them, a phone or an email that look right, a name.
fn callback_details(state: &State, d: &CallbackDetails) -> Result<(), InputError> {
    let conv = open_conversation(state, &d.conversation_id)?;
    if conv.status != Status::CollectingCallback {
        return Err(InputError::with_value(
            ErrorKind::WrongState,
            "input.conversation_id",
            "this conversation is not collecting callback details",
            &Value::String(d.conversation_id.clone()),
        ));
    }
    let phone = d.phone.as_deref().filter(|p| !p.trim().is_empty());
    let email = d.email.as_deref().filter(|e| !e.trim().is_empty());
    if let Some(p) = phone {
        if !looks_like_phone(p) {
            return Err(InputError::with_value(
                ErrorKind::Invalid,
                "input.phone",
                "expected a phone number of 7 to 15 digits",
                &Value::String(p.into()),
            ));
        }
    }
    if let Some(e) = email {
        if !looks_like_email(e) {
            return Err(InputError::with_value(
                ErrorKind::Invalid,
                "input.email",
                "expected an email address",
                &Value::String(e.into()),
            ));
        }
    }
    if phone.is_none() && email.is_none() {
        return Err(InputError::new(
            ErrorKind::Missing,
            "input.phone",
            "a phone number or an email is needed for a callback",
        ));
    }
    let name = d
        .name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .or(conv.customer.name.as_deref());
    if name.is_none() {
        return Err(InputError::new(
            ErrorKind::Missing,
            "input.name",
            "a name is needed for a callback",
        ));
    }
    Ok(())
}

/// `callback_details.at`: a time the team is on duty (any time without business hours).
fn callback_at(config: &Config, at: Option<i64>) -> Result<(), InputError> {
    let Some(at) = at else { return Ok(()) };
    if !(0..=MAX_TIME).contains(&at) {
        return Err(InputError::with_value(
            ErrorKind::OutOfRange,
            "input.at",
            "expected epoch milliseconds",
            &Value::from(at),
        ));
    }
    match &config.business_hours {
        Some(hours) if !hours.status(at).open => Err(InputError::with_value(
            ErrorKind::OutOfRange,
            "input.at",
            format!("the team is not on duty then ({})", hours.format_local(at)),
            &Value::from(at),
        )),
        _ => Ok(()),
    }
}

/// `delivery_result`: a delivery waiting for its result, headers within bounds, a real status.
fn delivery_result(state: &State, r: &DeliveryResult) -> Result<(), InputError> {
    if !state.outbox.contains_key(&r.delivery_id) {
        return Err(InputError::with_value(
            ErrorKind::UnknownDelivery,
            "input.delivery_id",
            "no delivery with this id is waiting for a result",
            &Value::String(r.delivery_id.clone()),
        ));
    }
    if let Some(headers) = &r.headers {
        if headers.len() > 100 {
            return Err(InputError::new(
                ErrorKind::TooLarge,
                "input.headers",
                "at most 100 headers (only retry-after and x-ratelimit-reset are read)",
            ));
        }
        for (name, value) in headers {
            if value.len() > MAX_HEADER_VALUE_BYTES {
                return Err(InputError::new(
                    ErrorKind::TooLarge,
                    format!("input.headers.{name}"),
                    "header values are at most 8 KiB",
                ));
            }
        }
    }
    if let Some(status) = r.status {
        if !(100..=599).contains(&status) {
            return Err(InputError::with_value(
                ErrorKind::OutOfRange,
                "input.status",
                "expected an HTTP status from 100 to 599",
                &Value::from(status),
            ));
        }
    }
    Ok(())
}

/// `redrive_delivery`: a dead letter whose webhook is enabled and still configured.
fn redrive(config: &Config, state: &State, r: &RedriveDelivery) -> Result<(), InputError> {
    let Some(letter) = state.dead_letters.get(&r.delivery_id) else {
        return Err(InputError::with_value(
            ErrorKind::UnknownDelivery,
            "input.delivery_id",
            "no dead letter with this id",
            &Value::String(r.delivery_id.clone()),
        ));
    };
    if state
        .disabled_webhooks
        .contains_key(&letter.delivery.webhook_id)
    {
        return Err(InputError::with_value(
            ErrorKind::WrongState,
            "input.delivery_id",
            format!(
                "webhook {} is disabled; send enable_webhook first",
                letter.delivery.webhook_id
            ),
            &Value::String(r.delivery_id.clone()),
        ));
    }
    if !config
        .webhooks
        .iter()
        .any(|w| w.id == letter.delivery.webhook_id)
        && !crate::integrations::is_configured(config, &letter.delivery.webhook_id)
    {
        return Err(InputError::with_value(
            ErrorKind::UnknownDelivery,
            "input.delivery_id",
            format!(
                "webhook {} is no longer configured",
                letter.delivery.webhook_id
            ),
            &Value::String(r.delivery_id.clone()),
        ));
    }
    Ok(())
}

/// `retry_delivery`: a delivery that waits for its retry (not one in flight or dead-lettered).
fn retry(state: &State, r: &RetryDelivery) -> Result<(), InputError> {
    match state.outbox.get(&r.delivery_id) {
        Some(entry) if matches!(entry.state, DeliveryState::Waiting { .. }) => {}
        Some(_) => {
            return Err(InputError::with_value(
                ErrorKind::WrongState,
                "input.delivery_id",
                "this delivery is being performed now; its result decides what comes next",
                &Value::String(r.delivery_id.clone()),
            ))
        }
        None => {
            let (kind, message) = if state.dead_letters.contains_key(&r.delivery_id) {
                (
                    ErrorKind::WrongState,
                    "this delivery is a dead letter: use redrive_delivery",
                )
            } else {
                (
                    ErrorKind::UnknownDelivery,
                    "no delivery with this id waits for a retry",
                )
            };
            return Err(InputError::with_value(
                kind,
                "input.delivery_id",
                message,
                &Value::String(r.delivery_id.clone()),
            ));
        }
    }
    Ok(())
}

/// `enable_webhook`: a configured webhook or integration.
fn enable_webhook(config: &Config, e: &EnableWebhook) -> Result<(), InputError> {
    if !config.webhooks.iter().any(|w| w.id == e.webhook_id)
        && !crate::integrations::is_configured(config, &e.webhook_id)
    {
        return Err(InputError::with_value(
            ErrorKind::UnknownDelivery,
            "input.webhook_id",
            "no webhook or integration with this id in handoff.webhooks or handoff.integrations",
            &Value::String(e.webhook_id.clone()),
        ));
    }
    Ok(())
}
