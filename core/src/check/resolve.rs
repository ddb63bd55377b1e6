//! The checks of resolving: who may resolve, end a wrap-up, and rate a resolved conversation.

use serde_json::Value;

use super::{id, open_conversation, text};
use crate::config::Config;
use crate::wire::error::{ErrorKind, InputError};
use crate::wire::input::{Csat, Resolve, WrapUpDone};
use crate::wire::state::{State, Status};

fn string(s: &str) -> Value {
    Value::String(s.to_string())
}

/// `resolve`: an assigned conversation, by its holder (`by: "agent"` with `agent_id`) or an
/// admin (`by: "admin"`, no `agent_id`), with no warm transfer under way, and an outcome of
/// `handoff.resolution.outcomes`.
pub(super) fn resolve(config: &Config, state: &State, r: &Resolve) -> Result<(), InputError> {
    let conv = open_conversation(state, &r.conversation_id)?;
    super::live::actor("a resolve", r.by, r.agent_id.as_deref())?;
    let outcomes = &config.resolution.outcomes;
    if !outcomes.contains(&r.outcome) {
        let hint = crate::text::suggest(&r.outcome, outcomes.iter().map(String::as_str))
            .map(|s| format!(" (did you mean \"{s}\"?)"))
            .unwrap_or_default();
        return Err(InputError::with_value(
            ErrorKind::UnknownVariant,
            "input.outcome",
            format!(
                "unknown outcome{hint}, expected one of: {} (handoff.resolution.outcomes)",
                outcomes.join(", ")
            ),
            &string(&r.outcome),
        ));
    }
    if let Some(note) = &r.note {
        text("input.note", note)?;
    }
    match &conv.status {
        Status::Assigned { agent_id, .. } => {
            if let Some(agent) = r.agent_id.as_deref().filter(|a| a != agent_id) {
                return Err(InputError::with_value(
                    ErrorKind::NotHeldBy,
                    "input.agent_id",
                    "this agent does not hold the conversation",
                    &string(agent),
                ));
            }
        }
        Status::Resolved { .. } => {
            return Err(InputError::with_value(
                ErrorKind::WrongState,
                "input.conversation_id",
                "this conversation is resolved already (a customer message reopens it)",
                &string(&r.conversation_id),
            ))
        }
        _ => {
            return Err(InputError::with_value(
                ErrorKind::WrongState,
                "input.conversation_id",
                "no agent holds this conversation: only an assigned conversation is resolved",
                &string(&r.conversation_id),
            ))
        }
    }
    if let Some(target) = conv.warm_target() {
        return Err(InputError::with_value(
            ErrorKind::WrongState,
            "input.conversation_id",
            format!("a warm transfer to agent {target} waits for their answer"),
            &string(&r.conversation_id),
        ));
    }
    Ok(())
}

/// `wrap_up_done`: a resolved conversation whose wrap-up still holds this agent's slot.
pub(super) fn wrap_up_done(state: &State, w: &WrapUpDone) -> Result<(), InputError> {
    id("input.agent_id", &w.agent_id)?;
    let conv = open_conversation(state, &w.conversation_id)?;
    let Status::Resolved {
        agent_id,
        wrap_up_until,
        ..
    } = &conv.status
    else {
        return Err(InputError::with_value(
            ErrorKind::WrongState,
            "input.conversation_id",
            "this conversation is not resolved, so there is no wrap-up to end",
            &string(&w.conversation_id),
        ));
    };
    if *agent_id != w.agent_id {
        return Err(InputError::with_value(
            ErrorKind::NotHeldBy,
            "input.agent_id",
            "this agent did not resolve the conversation",
            &string(&w.agent_id),
        ));
    }
    if wrap_up_until.is_none() {
        return Err(InputError::with_value(
            ErrorKind::WrongState,
            "input.conversation_id",
            "the wrap-up of this conversation has ended already",
            &string(&w.conversation_id),
        ));
    }
    Ok(())
}

/// `csat`: a score of 1 to 5 for a resolved conversation not rated yet.
pub(super) fn csat(state: &State, c: &Csat) -> Result<(), InputError> {
    if !(1..=5).contains(&c.score) {
        return Err(InputError::with_value(
            ErrorKind::OutOfRange,
            "input.score",
            "expected a whole number from 1 (very unsatisfied) to 5 (very satisfied)",
            &Value::from(c.score),
        ));
    }
    if let Some(comment) = &c.comment {
        text("input.comment", comment)?;
    }
    let conv = open_conversation(state, &c.conversation_id)?;
    match &conv.status {
        Status::Resolved { csat: None, .. } => Ok(()),
        Status::Resolved { csat: Some(_), .. } => Err(InputError::with_value(
            ErrorKind::Duplicate,
            "input.conversation_id",
            "this resolution is rated already (one rating per resolution)",
            &string(&c.conversation_id),
        )),
        _ => Err(InputError::with_value(
            ErrorKind::WrongState,
            "input.conversation_id",
            "only a resolved conversation is rated",
            &string(&c.conversation_id),
        )),
    }
}
