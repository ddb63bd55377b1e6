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

//!
//! The choice walks [`AgentIndex`] (free agents kept in each method's order), so it costs
//! O(log agents) plus the agents skipped because they declined this conversation; the scan it
//! replaces is kept for tests in `scan`, and a property test holds the two to the same answer.

use crate::config::{Config, RoutingMethod};
use crate::index::agents::AgentIndex;
use crate::wire::state::{Conversation, State};

/// The agent to offer `conv` to now, if any.
pub(crate) fn choose(
    config: &Config,
    state: &State,
    agents: &AgentIndex,
    conv: &Conversation,
    now: i64,
) -> Option<String> {
    let ok = |id: &str| conv.declined_by.get(id).is_none_or(|until| now >= *until);
    let found = match config.routing.method {
        RoutingMethod::RoundRobin => {
            let after = state
                .round_robin_cursor
                .as_deref()
                .and_then(|c| agents.rank_in_pool(state, c));
            agents.round_robin(after.as_ref(), ok)
        }
        RoutingMethod::LoadBased => agents.least_loaded(ok),
        RoutingMethod::SkillBased => match &conv.required_skill {
            None => agents.least_loaded(ok),
            Some(skill) => match agents.best_with(skill, ok) {
                Some(id) => Some(id),
                None if skill_wait_over(config, conv, now) => agents.least_loaded(ok),
                None => None,
            },
        },
    };
    found.map(str::to_string)
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

/// The choice as it was before [`AgentIndex`]: build the pool, check every agent. Kept as the
/// reference the indexed choice is tested against.
#[cfg(test)]
pub(crate) mod scan {
    use std::collections::BTreeSet;

    use super::skill_wait_over;
    use crate::config::{Config, RoutingMethod};
    use crate::wire::state::{Agent, Conversation, Presence, State};

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
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;
    use crate::config::AgentProfile;
    use crate::index::agents::AgentIndex;
    use crate::wire::state::{Agent, Presence};

    const NOW: i64 = 10_000;
    const IDS: [&str; 8] = ["a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7"];
    const SKILLS: [&str; 3] = ["s0", "s1", "s2"];

    fn id() -> impl Strategy<Value = String> {
        prop::sample::select(&IDS[..]).prop_map(str::to_string)
    }

    fn skills() -> impl Strategy<Value = BTreeMap<String, u8>> {
        prop::collection::btree_map(
            prop::sample::select(&SKILLS[..]).prop_map(str::to_string),
            0u8..4,
            0..3,
        )
    }

    fn agent() -> impl Strategy<Value = Agent> {
        (
            id(),
            prop::sample::select(vec![
                Presence::Online,
                Presence::Online,
                Presence::Away,
                Presence::Offline,
            ]),
            skills(),
            prop::option::of(0u32..4),
            prop::collection::btree_set("c[0-5]", 0..4),
            0i64..3,
        )
            .prop_map(|(id, status, skills, max_concurrent, active, last)| Agent {
                id,
                name: None,
                status,
                skills,
                max_concurrent,
                active,
                last_assigned_at: last,
            })
    }

    fn profile() -> impl Strategy<Value = AgentProfile> {
        (id(), skills(), prop::option::of(0u32..4)).prop_map(|(id, skills, max_concurrent)| {
            AgentProfile {
                id,
                name: None,
                skills,
                max_concurrent,
            }
        })
    }

    /// A configuration, a state's agents and cursor, and a conversation to route, all random.
    #[derive(Debug)]
    struct Case {
        config: Config,
        state: State,
        conv: Conversation,
    }

    fn case() -> impl Strategy<Value = Case> {
        let method = prop::sample::select(vec![
            RoutingMethod::RoundRobin,
            RoutingMethod::LoadBased,
            RoutingMethod::SkillBased,
        ]);
        let pool =
            prop::option::of(prop::sample::subsequence(IDS.to_vec(), 0..=IDS.len()).prop_shuffle());
        let skill_map = prop::collection::btree_map(
            prop::sample::select(&SKILLS[..]).prop_map(str::to_string),
            prop::collection::vec(id(), 0..4),
            0..3,
        );
        let config_part = (
            method,
            pool,
            skill_map,
            prop::collection::vec(profile(), 0..4),
            1u32..4,
            prop::option::of(0u32..3),
        );
        let state_part = (
            prop::collection::vec(agent(), 0..8),
            prop::option::of(prop::sample::select(vec!["a0", "a3", "a7", "zz"])),
        );
        let conv_part = (
            prop::option::of(prop::sample::select(vec!["s0", "s1", "s2", "s9"])),
            prop::collection::btree_map(id(), NOW - 1..=NOW + 1, 0..4),
            prop::option::of(NOW - 2_000..NOW + 2_000),
        );
        (config_part, state_part, conv_part).prop_map(
            |(
                (method, pool, skill_map, profiles, default_capacity, wait),
                (agents, cursor),
                (skill, declined, handoff_at),
            )| {
                let mut config = Config::from_json_str(r#"{"handoff": {}}"#)
                    .unwrap_or_else(|e| panic!("empty config refused: {e}"));
                config.routing.method = method;
                config.routing.agent_pool = pool.map(|p| p.into_iter().map(String::from).collect());
                config.routing.skills = skill_map;
                config.routing.max_concurrent_per_agent = default_capacity;
                config.routing.skill_wait_seconds = wait;
                config.agents = profiles;
                let mut state = State {
                    now: NOW,
                    ..State::default()
                };
                for agent in agents {
                    state.agents.insert(agent.id.clone(), agent);
                }
                state.round_robin_cursor = cursor.map(String::from);
                let mut conv = Conversation::new("c9");
                conv.status = crate::wire::state::Status::Queued;
                conv.required_skill = skill.map(String::from);
                conv.declined_by = declined;
                conv.handoff_at = handoff_at;
                Case {
                    config,
                    state,
                    conv,
                }
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

        /// The indexed choice is the scan's, for every method, pool, capacity, skill source,
        /// presence, load, tie, cursor and decline.
        #[test]
        fn indexed_choice_is_the_scans(case in case()) {
            let Case { config, state, conv } = case;
            let index = AgentIndex::build(&config, &state);
            prop_assert_eq!(
                choose(&config, &state, &index, &conv, NOW),
                scan::choose_by_scan(&config, &state, &conv, NOW)
            );
        }

        /// Changing agents one at a time and refreshing each leaves the index as built anew.
        #[test]
        fn refreshed_index_is_the_built_one(case in case(), changes in prop::collection::vec((0usize..8, agent()), 0..12)) {
            let Case { config, mut state, conv } = case;
            let mut index = AgentIndex::build(&config, &state);
            for (pick, mut changed) in changes {
                // Change an agent the state has (keeping its id), or add one.
                if let Some(existing) = state.agents.keys().nth(pick).cloned() {
                    changed.id = existing;
                }
                let id = changed.id.clone();
                state.agents.insert(id.clone(), changed);
                index.refresh(&config, &state, &id);
                prop_assert_eq!(&index, &AgentIndex::build(&config, &state));
                prop_assert_eq!(
                    choose(&config, &state, &index, &conv, NOW),
                    scan::choose_by_scan(&config, &state, &conv, NOW)
                );
            }
        }
    }

    #[test]
    fn round_robin_continues_after_the_cursor_and_wraps() {
        let config =
            Config::from_json_str(r#"{"handoff": {"routing": {"agent_pool": ["b", "c", "a"]}}}"#)
                .unwrap_or_else(|e| panic!("{e}"));
        let mut state = State::default();
        for id in ["a", "b", "c"] {
            let mut agent = Agent::new(id);
            agent.status = Presence::Online;
            state.agents.insert(id.into(), agent);
        }
        let conv = Conversation::new("c");
        let pick =
            |state: &State| choose(&config, state, &AgentIndex::build(&config, state), &conv, 0);
        assert_eq!(pick(&state).as_deref(), Some("b"));
        state.round_robin_cursor = Some("c".into());
        assert_eq!(pick(&state).as_deref(), Some("a"));
        state.round_robin_cursor = Some("a".into());
        assert_eq!(pick(&state).as_deref(), Some("b"));
    }
}
