//! The engine's whole state: one serde value with a version number.
//!
//! A host persists it (after every input, *before* performing the outputs) and gives it back to
//! [`Engine::restore`](crate::Engine::restore) after a restart. Maps are ordered (`BTreeMap`) so the
//! same state always serialises to the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

pub use crate::wire::delivery::{DeadLetter, DeliveryState, OutboxEntry};
use crate::wire::output::TriggerHit;
use crate::wire::tracked::Tracked;
use crate::wire::values::Customer;
pub use crate::wire::values::{
    Callback, HistoryEntry, Presence, Priority, Role, TransferBy, TransferMode, TransferTarget,
};

/// The state format this build writes. Older versions are migrated on restore; newer are refused.
///
/// Version 2 added a conversation's [`transfer`](Conversation::transfer) and
/// [`last_agent`](Conversation::last_agent), and private notes in its history
/// ([`Role::AgentNote`]): an engine of version 1 would misread those, so it refuses them as
/// newer. A version 1 state reads as it is (the new fields are absent there).
pub const STATE_VERSION: u32 = 2;

/// Where a conversation is in its lifecycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    /// The AI is answering.
    Ai,
    /// Waiting in the queue for a free agent.
    Queued,
    /// Offered to an agent who has until `expires_at` to accept.
    Offered {
        /// The agent it is offered to.
        agent_id: String,
        /// When the offer lapses (epoch ms).
        expires_at: i64,
    },
    /// An agent has it.
    Assigned {
        /// The agent who has it.
        agent_id: String,
        /// Since when (epoch ms).
        since: i64,
    },
    /// Outside hours (or no one free): waiting for the customer's callback details.
    CollectingCallback,
    /// Callback details taken; the request goes out at `at` (the next opening).
    CallbackScheduled {
        /// When the callback request is produced (epoch ms).
        at: i64,
    },
    /// The callback request has gone out; people take it from there.
    CallbackRequested,
    /// Resolved (`resolve`): nobody answers it. A customer message before `reopen_until`
    /// reopens it (`handoff.resolution.reopen_to`); at `reopen_until` it is forgotten.
    Resolved {
        /// The agent who held it when it was resolved.
        agent_id: String,
        /// How it ended (one of `handoff.resolution.outcomes`).
        outcome: String,
        /// When (epoch ms).
        resolved_at: i64,
        /// Until when a customer message reopens it (epoch ms).
        reopen_until: i64,
        /// While the agent's wrap-up lasts: when it ends by itself (epoch ms). The conversation
        /// keeps one of the agent's slots (it is in their `active` set) until then or
        /// `wrap_up_done`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wrap_up_until: Option<i64>,
        /// The customer's rating (1 to 5), once given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        csat: Option<u32>,
    },
}

/// Everything the engine knows about one conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Conversation {
    /// The conversation id from the inputs.
    pub id: String,
    /// Lifecycle status.
    #[serde(flatten)]
    pub status: Status,
    /// Customer, as last given.
    #[serde(default)]
    pub customer: Customer,
    /// Every line, oldest first.
    pub history: Vec<HistoryEntry>,
    /// Unresolved customer/AI exchanges so far.
    pub exchanges: u32,
    /// The customer has written since the AI last replied.
    pub awaiting_ai: bool,
    /// Low-confidence AI replies in a row.
    pub low_confidence_streak: u32,
    /// The confidence of the current turn was already counted (given in the customer message's
    /// signals), so the AI reply of the same turn does not count it again.
    #[serde(default)]
    pub turn_confidence_counted: bool,
    /// Intent from the caller's AI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
    /// Topic from the caller's classifier or keywords.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// The keyword that matched the topic, when keywords found it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic_keyword: Option<String>,
    /// Summary from the caller's AI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Suggested resolution steps from the caller's AI.
    #[serde(default)]
    pub suggested_actions: Vec<String>,
    /// Actions the AI attempted.
    #[serde(default)]
    pub ai_actions: Vec<String>,
    /// Current priority.
    pub priority: Priority,
    /// Triggers that fired at handoff.
    #[serde(default)]
    pub triggers: Vec<TriggerHit>,
    /// When the handoff happened (epoch ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handoff_at: Option<i64>,
    /// Place in the queue, while queued (also kept while offered from the queue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_key: Option<QueueKey>,
    /// The position the customer was last told.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub told_position: Option<u32>,
    /// The `conversation.queued` event went out for this handoff: it is sent once, when the
    /// conversation first waits in the queue (not when it passes through the queue straight to
    /// an offer).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub queued_event_sent: bool,
    /// Agents who declined it or let the offer lapse, with when they may be offered it again
    /// (epoch ms): `routing.offer_timeout_seconds` later, so a one-agent team is never stuck.
    #[serde(default)]
    pub declined_by: BTreeMap<String, i64>,
    /// Skill the topic needs (`skill_based`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_skill: Option<String>,
    /// Callback details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback: Option<Callback>,
    /// No new handoff is attempted before this (epoch ms), unless the customer asks for a person:
    /// set when a handoff ended with the AI keeping the conversation (outside hours with the
    /// `message` action, or nobody free with the `none` fallback).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferred_until: Option<i64>,
    /// The agent who last gave this conversation back to the AI (`return_to_ai`): a later
    /// handoff offers it to them first when they are online and free.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_agent: Option<String>,
    /// A transfer under way: a warm one waiting for its target's answer while the first agent
    /// keeps the conversation, or a cold one until an agent takes the conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer: Option<Transfer>,
}

/// A transfer under way ([`Conversation::transfer`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Transfer {
    /// `cold` or `warm`.
    pub mode: TransferMode,
    /// Who asked for it: `agent` (the holder) or `admin`.
    pub by: TransferBy,
    /// The agent who held the conversation when it was asked for.
    pub from_agent_id: String,
    /// Where it goes, as asked.
    pub to: TransferTarget,
    /// The note for the next agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// When it was asked for (epoch ms).
    pub at: i64,
    /// A warm transfer's offer to its target, while the first agent keeps the conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<WarmOffer>,
}

/// The offer of a warm transfer to its target agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WarmOffer {
    /// The agent it is offered to.
    pub agent_id: String,
    /// When the offer lapses (epoch ms).
    pub expires_at: i64,
}

impl Conversation {
    /// A new conversation with the AI.
    pub fn new(id: &str) -> Conversation {
        Conversation {
            id: id.to_string(),
            status: Status::Ai,
            customer: Customer::default(),
            history: Vec::new(),
            exchanges: 0,
            awaiting_ai: false,
            low_confidence_streak: 0,
            turn_confidence_counted: false,
            intent: None,
            topic: None,
            topic_keyword: None,
            summary: None,
            suggested_actions: Vec::new(),
            ai_actions: Vec::new(),
            priority: Priority::Normal,
            triggers: Vec::new(),
            handoff_at: None,
            queue_key: None,
            told_position: None,
            queued_event_sent: false,
            declined_by: BTreeMap::new(),
            required_skill: None,
            callback: None,
            deferred_until: None,
            last_agent: None,
            transfer: None,
        }
    }

    /// Sentiment scores of customer lines, oldest first.
    pub fn sentiments(&self) -> impl Iterator<Item = f64> + '_ {
        self.history.iter().filter_map(|h| h.sentiment)
    }

    /// The agent holding or offered this conversation.
    pub fn agent(&self) -> Option<&str> {
        match &self.status {
            Status::Offered { agent_id, .. } | Status::Assigned { agent_id, .. } => Some(agent_id),
            _ => None,
        }
    }

    /// The agent a warm transfer is offered to while the first agent keeps the conversation.
    pub fn warm_target(&self) -> Option<&str> {
        let offer = self.transfer.as_ref()?.offer.as_ref()?;
        Some(&offer.agent_id)
    }

    /// The agent in wrap-up of this resolved conversation, while the wrap-up lasts.
    pub fn wrap_up_agent(&self) -> Option<&str> {
        match &self.status {
            Status::Resolved {
                agent_id,
                wrap_up_until: Some(_),
                ..
            } => Some(agent_id),
            _ => None,
        }
    }

    /// Whether `agent` counts this conversation in its `active` set: it holds it, is offered it,
    /// is offered it by a warm transfer, or is in its wrap-up.
    pub fn occupies(&self, agent: &str) -> bool {
        self.agent() == Some(agent)
            || self.warm_target() == Some(agent)
            || self.wrap_up_agent() == Some(agent)
    }
}

/// Order in the queue: higher priority first, then earlier, then arrival order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QueueKey {
    /// `3 - priority` so that urgent sorts first.
    pub rank: u8,
    /// When it first joined the queue (epoch ms).
    pub since: i64,
    /// Arrival number, to break ties.
    pub seq: u64,
    /// The conversation.
    pub conversation_id: String,
}

/// What the engine knows of one agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "AgentState"))]
pub struct Agent {
    /// Agent id.
    pub id: String,
    /// Name shown to customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Presence.
    pub status: Presence,
    /// Skills from presence updates (added to configured ones), skill -> proficiency.
    #[serde(default)]
    pub skills: BTreeMap<String, u8>,
    /// Capacity from presence updates (overrides configuration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_concurrent: Option<u32>,
    /// Conversations assigned or offered to this agent, and resolved ones in their wrap-up.
    #[serde(default)]
    pub active: BTreeSet<String>,
    /// When this agent was last given a conversation (epoch ms).
    #[serde(default)]
    pub last_assigned_at: i64,
}

impl Agent {
    /// A new agent, offline, with nothing assigned.
    pub fn new(id: &str) -> Agent {
        Agent {
            id: id.to_string(),
            name: None,
            status: Presence::Offline,
            skills: BTreeMap::new(),
            max_concurrent: None,
            active: BTreeSet::new(),
            last_assigned_at: 0,
        }
    }
}

/// The engine's whole state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct State {
    /// Format version ([`STATE_VERSION`]).
    pub version: u32,
    /// The latest `now` seen (epoch ms); time never goes backwards.
    pub now: i64,
    /// Counter for derived ids and arrival order.
    pub seq: u64,
    /// Open conversations by id (closed ones are removed).
    pub conversations: Tracked<String, Conversation>,
    /// Agents by id.
    pub agents: Tracked<String, Agent>,
    /// Queued conversations in queue order.
    pub queue: BTreeSet<QueueKey>,
    /// The agent who got the last round-robin conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round_robin_cursor: Option<String>,
    /// Deliveries not yet acknowledged, by delivery id.
    pub outbox: Tracked<String, OutboxEntry>,
    /// Deliveries given up, by delivery id.
    pub dead_letters: Tracked<String, DeadLetter>,
    /// Webhooks disabled by a 410 Gone, with the reason.
    pub disabled_webhooks: BTreeMap<String, String>,
    /// Helpdesk requests per integration and conversation (`"{integration}:{conversation}"`),
    /// sent one at a time, in order: the ids the vendor returned, and the requests waiting.
    #[serde(default, skip_serializing_if = "Tracked::is_empty")]
    pub integration_chains: Tracked<String, crate::wire::delivery::Chain>,
    /// Resolutions by outcome and the customers' ratings, since the state began (for metrics;
    /// absent until the first resolution).
    #[serde(default, skip_serializing_if = "ResolutionStats::is_empty")]
    pub resolutions: ResolutionStats,
    /// Handle times observed (assigned to resolved or closed), by skill (`""`: every
    /// conversation), for the estimated wait told to queued customers (absent until the first).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub handle_times: BTreeMap<String, HandleTime>,
}

/// How long agents take with a conversation: a running mean of the durations from assignment to
/// resolution or close ([`State::handle_times`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HandleTime {
    /// The exponentially weighted mean (ms): each new duration moves it a fifth of the way.
    pub mean_ms: i64,
    /// Durations observed (stops counting at the largest `u32`).
    pub samples: u32,
}

/// Resolutions and satisfaction ratings counted since the state began
/// ([`State::resolutions`]; the `resolutions` query).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ResolutionStats {
    /// Resolutions by outcome.
    #[serde(default)]
    pub by_outcome: BTreeMap<String, u64>,
    /// Ratings received by score (`"1"` to `"5"`).
    #[serde(default)]
    pub csat_by_score: BTreeMap<String, u64>,
    /// The sum of every score received (with the counts: the mean).
    #[serde(default)]
    pub csat_score_sum: u64,
}

impl ResolutionStats {
    /// Nothing counted yet.
    pub fn is_empty(&self) -> bool {
        self.by_outcome.is_empty() && self.csat_by_score.is_empty() && self.csat_score_sum == 0
    }

    /// Ratings received.
    pub fn csat_responses(&self) -> u64 {
        self.csat_by_score.values().sum()
    }
}

impl Default for State {
    fn default() -> Self {
        State {
            version: STATE_VERSION,
            now: 0,
            seq: 0,
            conversations: Tracked::default(),
            agents: Tracked::default(),
            queue: BTreeSet::new(),
            round_robin_cursor: None,
            outbox: Tracked::default(),
            dead_letters: Tracked::default(),
            disabled_webhooks: BTreeMap::new(),
            integration_chains: Tracked::default(),
            resolutions: ResolutionStats::default(),
            handle_times: BTreeMap::new(),
        }
    }
}
