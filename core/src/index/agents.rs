//! The agents who may be offered a conversation now (online, in the pool, under capacity), in the
//! order each routing method picks them, so choosing is a walk from the front of an ordered set
//! (skipping only agents who declined that conversation) instead of a scan of the pool.
//!
//! Pool order without building the pool: with `routing.agent_pool` an agent's place is its index
//! there (agents not in it are never indexed). Without it the pool is the configured agents, then
//! those named in `routing.skills`, then every other agent of the state by id
//! (`routing::scan::pool`, the reference the tests hold this to), so an agent's place is [`PoolRank::Listed`] (fixed by the
//! configuration) or [`PoolRank::Other`] (its id), and no place moves when an agent appears.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use crate::config::{AgentProfile, Config, RoutingMethod};
use crate::wire::state::{Agent, Presence, State};

/// An agent's place in pool order (`Listed` before `Other`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum PoolRank {
    /// Index among the agents the configuration lists.
    Listed(usize),
    /// An agent known only from the state, ordered by id after every listed one.
    Other(String),
}

/// `load_based` order: fewest active, idle longest, pool order.
type LoadKey = (usize, i64, PoolRank);
/// `skill_based` order within one skill: best proficiency, then as [`LoadKey`].
type SkillKey = (Reverse<u8>, usize, i64, PoolRank);

/// What a free agent is indexed under, to take it out again.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    rank: PoolRank,
    load: usize,
    last_assigned_at: i64,
    /// Skills with proficiency > 0 (`skill_based` only).
    skills: Vec<(String, u8)>,
}

/// Free agents in the orders routing picks them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AgentIndex {
    method: RoutingMethod,
    /// `routing.agent_pool` is set: nobody else may be chosen.
    closed_pool: bool,
    /// The listed agents in pool order.
    listed: Vec<String>,
    /// Listed agent id -> index in `listed`.
    listed_at: BTreeMap<String, usize>,
    /// Agent id -> its first profile in `config.agents`.
    profiles: BTreeMap<String, usize>,
    /// Agent id -> skills `routing.skills` names them for.
    mapped: BTreeMap<String, Vec<String>>,
    /// Every free agent.
    free: BTreeMap<String, Entry>,
    /// `round_robin`: free agents in pool order.
    by_rank: BTreeSet<PoolRank>,
    /// `load_based`, `skill_based`: free agents by load.
    by_load: BTreeSet<LoadKey>,
    /// `skill_based`: per skill, free agents with it (no empty sets).
    by_skill: BTreeMap<String, BTreeSet<SkillKey>>,
}

impl AgentIndex {
    /// The index of `state` under `config`.
    pub(crate) fn build(config: &Config, state: &State) -> AgentIndex {
        let listed: Vec<String> = match &config.routing.agent_pool {
            Some(pool) => pool.clone(),
            None => {
                let mut seen = BTreeSet::new();
                let configured = config.agents.iter().map(|a| a.id.as_str());
                let skilled = config.routing.skills.values().flatten().map(String::as_str);
                configured
                    .chain(skilled)
                    .filter(|id| seen.insert(*id))
                    .map(str::to_string)
                    .collect()
            }
        };
        let listed_at = listed
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i))
            .collect();
        let mut profiles = BTreeMap::new();
        for (i, profile) in config.agents.iter().enumerate() {
            profiles.entry(profile.id.clone()).or_insert(i);
        }
        let mut mapped: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (skill, ids) in &config.routing.skills {
            for id in ids {
                let skills = mapped.entry(id.clone()).or_default();
                if !skills.contains(skill) {
                    skills.push(skill.clone());
                }
            }
        }
        let mut index = AgentIndex {
            method: config.routing.method,
            closed_pool: config.routing.agent_pool.is_some(),
            listed,
            listed_at,
            profiles,
            mapped,
            free: BTreeMap::new(),
            by_rank: BTreeSet::new(),
            by_load: BTreeSet::new(),
            by_skill: BTreeMap::new(),
        };
        for id in state.agents.keys() {
            index.refresh(config, state, id);
        }
        index
    }

    /// Puts agent `id` where its state says (after any change of presence, capacity, skills,
    /// active conversations or last assignment).
    pub(crate) fn refresh(&mut self, config: &Config, state: &State, id: &str) {
        self.take_out(id);
        let Some(agent) = state.agents.get(id) else {
            return;
        };
        let Some(rank) = self.rank_in_pool(state, id) else {
            return;
        };
        let load = agent.active.len();
        if agent.status != Presence::Online
            || load as u64 >= u64::from(self.capacity(config, agent))
        {
            return;
        }
        let last = agent.last_assigned_at;
        let mut skills = Vec::new();
        match self.method {
            RoutingMethod::RoundRobin => {
                self.by_rank.insert(rank.clone());
            }
            RoutingMethod::LoadBased => {
                self.by_load.insert((load, last, rank.clone()));
            }
            RoutingMethod::SkillBased => {
                self.by_load.insert((load, last, rank.clone()));
                skills = self.proficiencies(config, agent);
                for (skill, p) in &skills {
                    self.by_skill.entry(skill.clone()).or_default().insert((
                        Reverse(*p),
                        load,
                        last,
                        rank.clone(),
                    ));
                }
            }
        }
        self.free.insert(
            id.to_string(),
            Entry {
                rank,
                load,
                last_assigned_at: last,
                skills,
            },
        );
    }

    fn take_out(&mut self, id: &str) {
        let Some(e) = self.free.remove(id) else {
            return;
        };
        self.by_rank.remove(&e.rank);
        let load_key = (e.load, e.last_assigned_at, e.rank);
        self.by_load.remove(&load_key);
        let (load, last, rank) = load_key;
        for (skill, p) in e.skills {
            if let Some(set) = self.by_skill.get_mut(&skill) {
                set.remove(&(Reverse(p), load, last, rank.clone()));
                if set.is_empty() {
                    self.by_skill.remove(&skill);
                }
            }
        }
    }

    /// The agent's place in the pool, when it is in it.
    pub(crate) fn rank_in_pool(&self, state: &State, id: &str) -> Option<PoolRank> {
        if let Some(i) = self.listed_at.get(id) {
            return Some(PoolRank::Listed(*i));
        }
        (!self.closed_pool && state.agents.contains_key(id)).then(|| PoolRank::Other(id.into()))
    }

    fn id_of<'s>(&'s self, rank: &'s PoolRank) -> &'s str {
        match rank {
            PoolRank::Listed(i) => &self.listed[*i],
            PoolRank::Other(id) => id,
        }
    }

    /// The configured profile of `id` ([`Config::agent`], without its linear search).
    pub(crate) fn profile<'c>(&self, config: &'c Config, id: &str) -> Option<&'c AgentProfile> {
        self.profiles.get(id).and_then(|i| config.agents.get(*i))
    }

    /// The capacity of an agent: their presence update, else configuration
    /// ([`Config::capacity_of`], without its linear search).
    pub(crate) fn capacity(&self, config: &Config, agent: &Agent) -> u32 {
        agent.max_concurrent.unwrap_or_else(|| {
            self.profile(config, &agent.id)
                .and_then(|p| p.max_concurrent)
                .unwrap_or(config.routing.max_concurrent_per_agent)
        })
    }

    /// Whether the agent has `skill` (proficiency > 0 in its presence, its configured profile,
    /// or named for it in `routing.skills`), as [`AgentIndex::refresh`] indexes it.
    pub(crate) fn has_skill(&self, config: &Config, agent: &Agent, skill: &str) -> bool {
        agent.skills.get(skill).is_some_and(|p| *p > 0)
            || self
                .profile(config, &agent.id)
                .and_then(|p| p.skills.get(skill))
                .is_some_and(|p| *p > 0)
            || self
                .mapped
                .get(&agent.id)
                .is_some_and(|skills| skills.iter().any(|s| s == skill))
    }

    /// Every skill the agent has with its proficiency (> 0): presence skills, configured profile,
    /// skill map, the best of the three (as `routing::scan::proficiency` has it for each).
    fn proficiencies(&self, config: &Config, agent: &Agent) -> Vec<(String, u8)> {
        let mut all: BTreeMap<&str, u8> = BTreeMap::new();
        for (skill, p) in &agent.skills {
            let best = all.entry(skill.as_str()).or_insert(0);
            *best = (*best).max(*p);
        }
        if let Some(profile) = self.profile(config, &agent.id) {
            for (skill, p) in &profile.skills {
                let best = all.entry(skill.as_str()).or_insert(0);
                *best = (*best).max(*p);
            }
        }
        for skill in self.mapped.get(&agent.id).into_iter().flatten() {
            let best = all.entry(skill.as_str()).or_insert(0);
            *best = (*best).max(1);
        }
        all.into_iter()
            .filter(|(_, p)| *p > 0)
            .map(|(s, p)| (s.to_string(), p))
            .collect()
    }

    /// Whether anyone is free (online, in the pool, under capacity).
    pub(crate) fn any_free(&self) -> bool {
        !self.free.is_empty()
    }

    /// Whether agent `id` is free (online, in the pool, under capacity).
    pub(crate) fn is_free(&self, id: &str) -> bool {
        self.free.contains_key(id)
    }

    /// Whether anyone with `skill` is free (`skill_based`).
    pub(crate) fn any_free_with(&self, skill: &str) -> bool {
        self.by_skill.contains_key(skill)
    }

    /// `round_robin`: the first free agent after `after` in pool order, wrapping round (from the
    /// start of the pool when `after` is `None`), for whom `ok` holds.
    pub(crate) fn round_robin(
        &self,
        after: Option<&PoolRank>,
        ok: impl Fn(&str) -> bool,
    ) -> Option<&str> {
        let id = |r| self.id_of(r);
        match after {
            Some(a) => self
                .by_rank
                .range((Bound::Excluded(a), Bound::Unbounded))
                .chain(self.by_rank.range((Bound::Unbounded, Bound::Included(a))))
                .map(id)
                .find(|id| ok(id)),
            None => self.by_rank.iter().map(id).find(|id| ok(id)),
        }
    }

    /// `load_based`: the free agent with the fewest active conversations, idle longest, first in
    /// pool order, for whom `ok` holds.
    pub(crate) fn least_loaded(&self, ok: impl Fn(&str) -> bool) -> Option<&str> {
        self.by_load
            .iter()
            .map(|(_, _, r)| self.id_of(r))
            .find(|id| ok(id))
    }

    /// `skill_based`: the free agent with `skill` at the best proficiency, then as
    /// [`AgentIndex::least_loaded`], for whom `ok` holds.
    pub(crate) fn best_with(&self, skill: &str, ok: impl Fn(&str) -> bool) -> Option<&str> {
        self.by_skill
            .get(skill)?
            .iter()
            .map(|(_, _, _, r)| self.id_of(r))
            .find(|id| ok(id))
    }
}
