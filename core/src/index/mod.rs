//! Indexes over the state that make routing decisions O(log n) in the number of agents and queued
//! conversations: [`agents`] (who is free, in each routing method's order), [`queue`] (queue
//! positions, deadlines, and per skill), [`ranked`] (positions in an ordered set), [`timers`]
//! (offer expiries and scheduled callbacks, for ticks and `next_wakeup`) and [`helpdesk`] (vendor
//! tickets back to their conversations, for helpdesk webhooks).
//!
//! They live in the [`Engine`](crate::Engine) beside the state, are not serialised (the snapshot
//! format does not change), are built from the state by `Engine::new` and `Engine::restore*`, and
//! are kept in step by [`crate::lifecycle`] at every change they depend on. `Index::build` of the state
//! after any input equals the index kept in step (a property test).

pub(crate) mod agents;
pub(crate) mod helpdesk;
pub(crate) mod queue;
pub(crate) mod ranked;
pub(crate) mod timers;

use crate::config::Config;
use crate::wire::state::State;

/// Every index of one engine.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Index {
    /// Free agents.
    pub(crate) agents: agents::AgentIndex,
    /// Queued conversations.
    pub(crate) queue: queue::QueueIndex,
    /// Offer expiries and scheduled callbacks.
    pub(crate) timers: timers::Timers,
    /// Vendor tickets and conversations back to ours.
    pub(crate) helpdesk: helpdesk::HelpdeskIndex,
}

impl Index {
    /// The indexes of `state` under `config`.
    pub(crate) fn build(config: &Config, state: &State) -> Index {
        Index {
            agents: agents::AgentIndex::build(config, state),
            queue: queue::QueueIndex::build(config, state),
            timers: timers::Timers::build(state),
            helpdesk: helpdesk::HelpdeskIndex::build(state),
        }
    }
}
