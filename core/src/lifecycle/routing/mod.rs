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
//! [`Lookup`] is every read the lifecycle makes of the indexes, and the one place a test switches
//! them to the scan.

#[cfg(test)]
pub(crate) mod scan;
#[cfg(test)]
mod tests;

use std::ops::Bound;

use crate::config::{Config, RoutingMethod};
use crate::index::agents::AgentIndex;
use crate::index::queue::skill_wait_deadline;
use crate::index::Index;
use crate::wire::state::{Conversation, QueueKey, State, Status};

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

fn skill_wait_over(config: &Config, conv: &Conversation, now: i64) -> bool {
    skill_wait_deadline(config, conv).is_some_and(|deadline| now >= deadline)
}

/// Every read the lifecycle makes of the routing indexes, in one place: the agent to offer a
/// conversation to, the next queued conversation to serve, whether a queue deadline passed, and
/// which offers and callbacks are due.
///
/// This is the one seam between the indexed engine and the reference it is tested against: in
/// tests, while `scan::BY_SCAN` is set, each read is answered by a scan of the state instead
/// (the engine as it was before the indexes), and a property test holds the two to the same
/// outputs. Nothing else of the lifecycle knows about the scan.
pub(crate) struct Lookup<'a> {
    pub(crate) config: &'a Config,
    pub(crate) state: &'a State,
    pub(crate) index: &'a Index,
    pub(crate) now: i64,
}

impl Lookup<'_> {
    /// The agent to offer `conv` to now ([`choose`]).
    pub(crate) fn choose(&self, conv: &Conversation) -> Option<String> {
        #[cfg(test)]
        if scan::on() {
            return scan::choose_by_scan(self.config, self.state, conv, self.now);
        }
        choose(self.config, self.state, &self.index.agents, conv, self.now)
    }

    /// The next queued conversation after `after` (in queue order) worth offering now: none when
    /// nobody is free; under `skill_based`, it passes over conversations needing a skill nobody
    /// free has (unless their skill wait is over) without looking at them
    /// ([`QueueIndex::next_servable`](crate::index::queue::QueueIndex::next_servable)).
    pub(crate) fn next_to_serve(&self, after: Option<&QueueKey>) -> Option<QueueKey> {
        #[cfg(test)]
        if scan::on() {
            return scan::next_in_queue(self.state, after);
        }
        let agents = &self.index.agents;
        match self.config.routing.method {
            RoutingMethod::SkillBased => self
                .index
                .queue
                .next_servable(after, agents.any_free(), |s| agents.any_free_with(s))
                .cloned(),
            _ if !agents.any_free() => None,
            _ => match after {
                Some(a) => self
                    .state
                    .queue
                    .range((Bound::Excluded(a), Bound::Unbounded))
                    .next()
                    .cloned(),
                None => self.state.queue.first().cloned(),
            },
        }
    }

    /// Whether `agent` may be offered `conv` now: online, below capacity, in the pool, and not
    /// within a decline cooldown of it.
    pub(crate) fn is_available(&self, agent: &str, conv: &Conversation) -> bool {
        let cooling = conv
            .declined_by
            .get(agent)
            .is_some_and(|until| self.now < *until);
        #[cfg(test)]
        if scan::on() {
            return !cooling && scan::is_available(self.config, self.state, conv, agent, self.now);
        }
        !cooling && self.index.agents.is_free(agent)
    }

    /// Whether a queued conversation's skill wait or decline cooldown ended in `(before, now]`.
    pub(crate) fn queue_deadline_in(&self, before: i64) -> bool {
        #[cfg(test)]
        if scan::on() {
            return scan::queue_deadline_in(self.config, self.state, before, self.now);
        }
        self.index.queue.deadline_in(before, self.now)
    }

    /// The conversations with `status` whose offer expiry or callback time has come, by id.
    pub(crate) fn due(&self, status: impl Fn(&Conversation) -> bool) -> Vec<String> {
        let now = self.now;
        let is_due = |c: &Conversation| status(c) && timer(c) <= now;
        #[cfg(test)]
        if scan::on() {
            return scan::due(self.state, is_due);
        }
        self.index
            .timers
            .due(now)
            .into_iter()
            .filter(|id| self.state.conversations.get(id).is_some_and(is_due))
            .collect()
    }
}

/// When `conv`'s offer (or warm transfer's offer) expires, its callback is due, or its wrap-up or
/// reopen window ends; never for other statuses.
fn timer(conv: &Conversation) -> i64 {
    match conv.status {
        Status::Resolved {
            wrap_up_until,
            reopen_until,
            ..
        } => wrap_up_until.map_or(reopen_until, |w| w.min(reopen_until)),
        Status::Offered { expires_at, .. } => expires_at,
        Status::CallbackScheduled { at } => at,
        Status::Assigned { .. } => conv
            .transfer
            .as_ref()
            .and_then(|t| t.offer.as_ref())
            .map_or(i64::MAX, |o| o.expires_at),
        _ => i64::MAX,
    }
}
