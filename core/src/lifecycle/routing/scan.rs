//! The routing decisions as they were before the indexes, kept (tests only) as the reference the
//! indexed engine is compared with: the choice builds the pool and checks every agent; serving the
//! queue walks all of it; deadlines and due timers scan every conversation.
//!
//! [`BY_SCAN`] switches [`Lookup`](super::Lookup), the one place the lifecycle reads the indexes,
//! to these functions ([`by_scan`] runs a closure so).

use std::cell::Cell;
use std::collections::BTreeSet;
use std::ops::Bound;

use super::skill_wait_over;
use crate::config::{Config, RoutingMethod};
use crate::index::queue::skill_wait_deadline;
use crate::wire::state::{Agent, Conversation, Presence, QueueKey, State};

thread_local! {
    /// Route and serve the queue as before the indexes (scan the pool for every decision, walk
    /// the whole queue), as the reference the indexed engine is compared with.
    pub(crate) static BY_SCAN: Cell<bool> = const { Cell::new(false) };
}

/// Whether [`Lookup`](super::Lookup) answers by scanning, on this thread.
pub(crate) fn on() -> bool {
    BY_SCAN.get()
}

/// Runs `f` with every read of the indexes answered by a scan.
pub(crate) fn by_scan<T>(f: impl FnOnce() -> T) -> T {
    BY_SCAN.set(true);
    let out = f();
    BY_SCAN.set(false);
    out
}

/// The next queued conversation after `after`, whoever is free (each is then offered if
/// [`choose_by_scan`] finds someone).
pub(crate) fn next_in_queue(state: &State, after: Option<&QueueKey>) -> Option<QueueKey> {
    match after {
        Some(a) => state
            .queue
            .range((Bound::Excluded(a), Bound::Unbounded))
            .next()
            .cloned(),
        None => state.queue.first().cloned(),
    }
}

/// Whether a queued conversation's skill wait or decline cooldown ended in `(before, now]`, by
/// looking at every queued conversation.
pub(crate) fn queue_deadline_in(config: &Config, state: &State, before: i64, now: i64) -> bool {
    let crossed = |t: i64| before < t && t <= now;
    state.queue.iter().any(|key| {
        state
            .conversations
            .get(&key.conversation_id)
            .is_some_and(|conv| {
                skill_wait_deadline(config, conv).is_some_and(crossed)
                    || conv.declined_by.values().any(|t| crossed(*t))
            })
    })
}

/// The conversations that are `due`, by id, by looking at every conversation.
pub(crate) fn due(state: &State, due: impl Fn(&Conversation) -> bool) -> Vec<String> {
    state
        .conversations
        .values()
        .filter(|c| due(c))
        .map(|c| c.id.clone())
        .collect()
}

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

/// Whether `id` is in the pool and available for `conv` now.
pub(crate) fn is_available(
    config: &Config,
    state: &State,
    conv: &Conversation,
    id: &str,
    now: i64,
) -> bool {
    pool(config, state).iter().any(|a| a == id) && available(config, state, conv, id, now).is_some()
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

/// The agent to offer `conv` to now, if any, by checking every agent of the pool.
pub(crate) fn choose_by_scan(
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
