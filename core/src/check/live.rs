//! The checks of the live conversation: who may write, give back and transfer, and that the AI
//! is silent while a person holds the conversation.

use serde_json::Value;

use super::{id, open_conversation, text};
use crate::config::{Config, RoutingMethod};
use crate::wire::error::{ErrorKind, InputError};
use crate::wire::input::{AiReply, ReturnToAi, Transfer, TransferBy, TransferMode, TransferTarget};
use crate::wire::state::{Conversation, Presence, State, Status};

fn string(s: &str) -> Value {
    Value::String(s.to_string())
}

/// `ai_reply`: not while an agent holds or is offered the conversation (the AI is silent until
/// `return_to_ai`). While queued it may keep the customer company; its lines are in the history
/// the agent receives.
pub(super) fn ai_reply(state: &State, m: &AiReply) -> Result<(), InputError> {
    let Some(conv) = state.conversations.get(&m.conversation_id) else {
        return Ok(());
    };
    let who = match &conv.status {
        Status::Assigned { agent_id, .. } => format!("agent {agent_id} holds"),
        Status::Offered { agent_id, .. } => {
            format!("it is offered to agent {agent_id}, who may take")
        }
        _ => return Ok(()),
    };
    Err(InputError::with_value(
        ErrorKind::WrongState,
        "input.conversation_id",
        format!(
            "the AI is silent while a person answers: {who} this conversation (until return_to_ai)"
        ),
        &string(&m.conversation_id),
    ))
}

/// The agent holding `conv`: `wrong_state` when nobody holds it, `not_held_by` when `agent` is
/// given and another agent holds it.
fn holder<'c>(conv: &'c Conversation, agent: Option<&str>) -> Result<&'c str, InputError> {
    let Status::Assigned { agent_id, .. } = &conv.status else {
        return Err(InputError::with_value(
            ErrorKind::WrongState,
            "input.conversation_id",
            "no agent holds this conversation",
            &string(&conv.id),
        ));
    };
    if let Some(agent) = agent.filter(|a| *a != agent_id) {
        return Err(InputError::with_value(
            ErrorKind::NotHeldBy,
            "input.agent_id",
            "this agent does not hold the conversation",
            &string(agent),
        ));
    }
    Ok(agent_id)
}

/// Refuses while a warm transfer waits for its target's answer.
fn no_warm_transfer(conv: &Conversation) -> Result<(), InputError> {
    match conv.warm_target() {
        Some(target) => Err(InputError::with_value(
            ErrorKind::WrongState,
            "input.conversation_id",
            format!("a warm transfer to agent {target} waits for their answer"),
            &string(&conv.id),
        )),
        None => Ok(()),
    }
}

/// `return_to_ai`: by the agent who holds the conversation, with no warm transfer under way.
pub(super) fn return_to_ai(state: &State, r: &ReturnToAi) -> Result<(), InputError> {
    id("input.agent_id", &r.agent_id)?;
    if let Some(note) = &r.note {
        text("input.note", note)?;
    }
    let conv = open_conversation(state, &r.conversation_id)?;
    holder(conv, Some(&r.agent_id))?;
    no_warm_transfer(conv)
}

/// `transfer`: an assigned conversation, by its holder (`by: "agent"` with `agent_id`) or an
/// admin (`by: "admin"`, no `agent_id`), with no warm transfer under way, to a target that can
/// take it.
pub(super) fn transfer(config: &Config, state: &State, t: &Transfer) -> Result<(), InputError> {
    let conv = open_conversation(state, &t.conversation_id)?;
    actor("a transfer", t.by, t.agent_id.as_deref())?;
    if let Some(note) = &t.note {
        text("input.note", note)?;
    }
    let holding = holder(conv, t.agent_id.as_deref())?;
    no_warm_transfer(conv)?;
    let warm_needs_agent = |path: &str| {
        Err(InputError::new(
            ErrorKind::Invalid,
            path,
            "a warm transfer goes to a named agent: \"to\": {\"agent\": \"…\"}",
        ))
    };
    match &t.to {
        TransferTarget::Agent(target) => target_agent(config, state, holding, target),
        TransferTarget::Skill(_) if t.mode == TransferMode::Warm => warm_needs_agent("input.mode"),
        TransferTarget::Skill(skill) => target_skill(config, state, skill),
        // `{"queue": false}` is refused when read.
        TransferTarget::Queue(_) if t.mode == TransferMode::Warm => warm_needs_agent("input.mode"),
        TransferTarget::Queue(_) => Ok(()),
    }
}

/// Every agent id the engine knows: configured, in the pool or a skill map, or from presence.
fn known_agents<'a>(config: &'a Config, state: &'a State) -> impl Iterator<Item = &'a str> {
    let configured = config.agents.iter().map(|a| a.id.as_str());
    let pool = config
        .routing
        .agent_pool
        .iter()
        .flatten()
        .map(String::as_str);
    let skilled = config.routing.skills.values().flatten().map(String::as_str);
    let present = state.agents.keys().map(String::as_str);
    configured.chain(pool).chain(skilled).chain(present)
}

/// A transfer to `target`: known, not the holder, online and below capacity.
fn target_agent(
    config: &Config,
    state: &State,
    holding: &str,
    target: &str,
) -> Result<(), InputError> {
    const PATH: &str = "input.to.agent";
    id(PATH, target)?;
    if target == holding {
        return Err(InputError::with_value(
            ErrorKind::Invalid,
            PATH,
            "this agent already holds the conversation",
            &string(target),
        ));
    }
    if !known_agents(config, state).any(|a| a == target) {
        let hint = crate::text::suggest(target, known_agents(config, state))
            .map(|s| format!(" (did you mean \"{s}\"?)"))
            .unwrap_or_default();
        return Err(InputError::with_value(
            ErrorKind::UnknownAgent,
            PATH,
            format!("no agent with this id is known{hint}"),
            &string(target),
        ));
    }
    let agent = state.agents.get(target);
    let status = agent.map_or(Presence::Offline, |a| a.status);
    if status != Presence::Online {
        let status = serde_json::to_value(status).unwrap_or(Value::Null);
        return Err(InputError::with_value(
            ErrorKind::AgentUnavailable,
            PATH,
            format!("the agent is not online ({status})"),
            &string(target),
        ));
    }
    if let Some(agent) = agent {
        let capacity = agent
            .max_concurrent
            .unwrap_or_else(|| config.capacity_of(target));
        if agent.active.len() as u64 >= u64::from(capacity) {
            return Err(InputError::with_value(
                ErrorKind::AgentUnavailable,
                PATH,
                format!("the agent is at capacity ({capacity} conversations)"),
                &string(target),
            ));
        }
    }
    Ok(())
}

/// A transfer to `skill`: `skill_based` routing, and a skill some agent has.
fn target_skill(config: &Config, state: &State, skill: &str) -> Result<(), InputError> {
    const PATH: &str = "input.to.skill";
    if config.routing.method != RoutingMethod::SkillBased {
        return Err(InputError::with_value(
            ErrorKind::Invalid,
            PATH,
            "a transfer to a skill needs routing.method \"skill_based\"; transfer to an agent or the queue",
            &string(skill),
        ));
    }
    let known = || {
        let mapped = config.routing.skills.keys().map(String::as_str);
        let profiles = config.agents.iter().flat_map(|a| a.skills.keys());
        let present = state.agents.values().flat_map(|a| a.skills.keys());
        mapped.chain(profiles.chain(present).map(String::as_str))
    };
    if known().any(|s| s == skill) {
        return Ok(());
    }
    let hint = crate::text::suggest(skill, known())
        .map(|s| format!(" (did you mean \"{s}\"?)"))
        .unwrap_or_default();
    Err(InputError::with_value(
        ErrorKind::UnknownVariant,
        PATH,
        format!("no agent has this skill{hint}"),
        &string(skill),
    ))
}

/// Who acts on a transfer or a resolve (`what`): an agent names itself (`agent_id`), an admin
/// (`by: "admin"`) names nobody.
pub(super) fn actor(what: &str, by: TransferBy, agent_id: Option<&str>) -> Result<(), InputError> {
    match (by, agent_id) {
        (TransferBy::Agent, None) => Err(InputError::new(
            ErrorKind::Missing,
            "input.agent_id",
            format!(
                "{what} by an agent names the agent (agent_id); an admin sets \"by\": \"admin\""
            ),
        )),
        (TransferBy::Agent, Some(agent)) => id("input.agent_id", agent),
        (TransferBy::Admin, Some(agent)) => Err(InputError::with_value(
            ErrorKind::Invalid,
            "input.agent_id",
            "an agent_id is given only with \"by\": \"agent\"",
            &string(agent),
        )),
        (TransferBy::Admin, None) => Ok(()),
    }
}
