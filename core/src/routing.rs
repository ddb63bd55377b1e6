//! Routing: *who* takes a conversation.
//!
//! An agent is *available* for a conversation when they are `online`, below their capacity (offers
//! count), in the pool, and have not declined (or let lapse) an offer of this conversation in the
//! last `routing.offer_timeout_seconds` (after that they may be offered it again, so a conversation
//! is never stranded when the only agent on duty missed it once).
//!
//! - `round_robin`: the next available agent after the one who got the last conversation, in pool
//!   order (the cursor is in the state, so it is fair across restarts).
//! - `load_based`: fewest active conversations; ties go to the agent idle the longest, then pool order.
//! - `skill_based`: agents with the skill the topic needs, best proficiency first, then as
//!   `load_based`. When nobody with the skill is free, the conversation waits for
//!   `routing.skill_wait_seconds` after the handoff; after that any available agent will do.
//!   A conversation with no skill needed goes to any available agent, as `load_based`.

use std::collections::BTreeSet;

use crate::config::{Config, RoutingMethod};
use crate::state::{Agent, Conversation, Presence, State};

/// Every agent that may be chosen, in pool order: `routing.agent_pool` when set; otherwise the
/// configured agents, then agents named in `routing.skills`, then agents known from presence updates.
pub(crate) fn pool(config: &Config, state: &State) -> Vec<String> {
    if let Some(pool) = &config.routing.agent_pool {
        return pool.clone();
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let configured = config.agents.iter().map(|a| a.id.as_str());
    let skilled = config.routing.skills.values().flatten().map(String::as_str);
    let present = state.agents.keys().map(String::as_str);
    for id in configured.chain(skilled).chain(present) {
        if seen.insert(id) {
            out.push(id.to_string());
        }
    }
    out
}

/// The capacity of an agent: their presence update, else configuration.
pub(crate) fn capacity(config: &Config, agent: &Agent) -> u32 {
    agent
        .max_concurrent
        .unwrap_or_else(|| config.capacity_of(&agent.id))
}

/// The agent's proficiency in `skill` (0 = none): presence skills, configured profile, skill map.
pub(crate) fn proficiency(config: &Config, agent: &Agent, skill: &str) -> u8 {
    let from_presence = agent.skills.get(skill).copied().unwrap_or(0);
    let from_profile = config
        .agent(&agent.id)
        .and_then(|p| p.skills.get(skill))
        .copied()
        .unwrap_or(0);
    let in_map = config
        .routing
        .skills
        .get(skill)
        .is_some_and(|ids| ids.iter().any(|id| id == &agent.id));
    let from_map = u8::from(in_map);
    from_presence.max(from_profile).max(from_map)
}

fn available<'s>(
    config: &Config,
    state: &'s State,
    conv: &Conversation,
    id: &str,
    now: i64,
) -> Option<&'s Agent> {
    let agent = state.agents.get(id)?;
    let free = agent.status == Presence::Online
        && (agent.active.len() as u64) < u64::from(capacity(config, agent));
    let declined = conv.declined_by.get(id).is_some_and(|until| now < *until);
    (free && !declined).then_some(agent)
}

/// The agent to offer `conv` to now, if any.
pub(crate) fn choose(
    config: &Config,
    state: &State,
    conv: &Conversation,
    now: i64,
) -> Option<String> {
    let pool = pool(config, state);
    let candidates: Vec<(usize, &Agent)> = pool
        .iter()
        .enumerate()
        .filter_map(|(i, id)| available(config, state, conv, id, now).map(|a| (i, a)))
        .collect();
    if candidates.is_empty() {
        return None;
    }
    match config.routing.method {
        RoutingMethod::RoundRobin => {
            let start = state
                .round_robin_cursor
                .as_ref()
                .and_then(|c| pool.iter().position(|id| id == c))
                .map_or(0, |i| i + 1);
            // `candidates` is not empty, so neither is the pool.
            let n = pool.len();
            let start = start % n;
            candidates
                .iter()
                .min_by_key(|(i, _)| (*i + n - start) % n)
                .map(|(_, a)| a.id.clone())
        }
        RoutingMethod::LoadBased => least_loaded(&candidates),
        RoutingMethod::SkillBased => match &conv.required_skill {
            None => least_loaded(&candidates),
            Some(skill) => {
                let skilled = candidates
                    .iter()
                    .map(|(i, a)| (*i, *a, proficiency(config, a, skill)))
                    .filter(|(_, _, p)| *p > 0)
                    .min_by_key(|(i, a, p)| {
                        (
                            std::cmp::Reverse(*p),
                            a.active.len(),
                            a.last_assigned_at,
                            *i,
                        )
                    });
                match skilled {
                    Some((_, a, _)) => Some(a.id.clone()),
                    None if skill_wait_over(config, conv, now) => least_loaded(&candidates),
                    None => None,
                }
            }
        },
    }
}

fn least_loaded(candidates: &[(usize, &Agent)]) -> Option<String> {
    candidates
        .iter()
        .min_by_key(|(i, a)| (a.active.len(), a.last_assigned_at, *i))
        .map(|(_, a)| a.id.clone())
}

/// When a conversation needing a skill may go to any agent (epoch ms), if ever.
pub(crate) fn skill_wait_deadline(config: &Config, conv: &Conversation) -> Option<i64> {
    if config.routing.method != RoutingMethod::SkillBased || conv.required_skill.is_none() {
        return None;
    }
    let wait = config.routing.skill_wait_seconds?;
    Some(
        conv.handoff_at
            .unwrap_or(0)
            .saturating_add(i64::from(wait) * 1000),
    )
}

fn skill_wait_over(config: &Config, conv: &Conversation, now: i64) -> bool {
    skill_wait_deadline(config, conv).is_some_and(|deadline| now >= deadline)
}
