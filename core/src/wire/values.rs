//! The values inputs, outputs and the state share: a customer, a priority, a presence, a line of
//! history, callback details, who closed a conversation. They import nothing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Conversation priority: low < normal < high < urgent.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Lowest.
    Low,
    /// The default.
    #[default]
    Normal,
    /// Raised, e.g. for negative sentiment.
    High,
    /// Highest.
    Urgent,
}

impl Priority {
    /// The names as written in JSON, lowest first.
    pub const NAMES: &'static [&'static str] = &["low", "normal", "high", "urgent"];

    /// Parses a name from [`Priority::NAMES`].
    pub fn from_name(name: &str) -> Option<Priority> {
        match name {
            "low" => Some(Priority::Low),
            "normal" => Some(Priority::Normal),
            "high" => Some(Priority::High),
            "urgent" => Some(Priority::Urgent),
            _ => None,
        }
    }

    /// One level higher (urgent stays urgent).
    pub fn raised(self) -> Priority {
        match self {
            Priority::Low => Priority::Normal,
            Priority::Normal => Priority::High,
            Priority::High | Priority::Urgent => Priority::Urgent,
        }
    }

    /// The name as written in JSON.
    pub fn name(self) -> &'static str {
        Priority::NAMES[self as usize]
    }
}

/// Who wrote a line of the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The customer.
    Customer,
    /// The AI agent.
    Ai,
    /// A human agent.
    Agent,
    /// A human agent's private note: for agents only, never shown to the customer.
    AgentNote,
}

/// One line of the conversation history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HistoryEntry {
    /// Who wrote it.
    pub role: Role,
    /// What was written.
    pub text: String,
    /// When (epoch ms).
    pub at: i64,
    /// The human agent who wrote it, for `agent` lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
    /// Sentiment of a customer line (compound, [-1, 1]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<f64>,
    /// Confidence of an AI line ([0, 1]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
}

/// Details for a callback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Callback {
    /// Customer's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// When the customer prefers to be called, in their words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_time: Option<String>,
}

/// Presence of an agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// Taking conversations.
    Online,
    /// Signed in but not taking new conversations.
    Away,
    /// Signed out.
    #[default]
    Offline,
}

/// The customer, as the host knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Customer {
    /// Customer id in the host's system.
    #[serde(default)]
    pub id: Option<String>,
    /// Full name.
    #[serde(default)]
    pub name: Option<String>,
    /// Email address.
    #[serde(default)]
    pub email: Option<String>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Anything else about the customer (plan, language, order count…), passed to the agent as is.
    /// Reserved for integrations: `intercom_conversation_id`, `intercom_contact_id`,
    /// `sunshine_conversation_id` (plain ids).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, Value>,
}

/// Who closed a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClosedBy {
    /// The customer left or ended it.
    Customer,
    /// The human agent resolved it.
    Agent,
    /// The AI resolved it.
    Ai,
    /// The host closed it (timeout, admin).
    #[default]
    System,
}

/// A transfer's mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TransferMode {
    /// The first agent lets go at once; the conversation is routed to the target.
    #[default]
    Cold,
    /// The target is offered it while the first agent keeps it; they swap when the target accepts.
    Warm,
}

impl TransferMode {
    /// The name as written in JSON.
    pub fn name(self) -> &'static str {
        match self {
            TransferMode::Cold => "cold",
            TransferMode::Warm => "warm",
        }
    }
}

/// Who asks for a transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TransferBy {
    /// The agent who holds the conversation (`agent_id`).
    #[default]
    Agent,
    /// An admin (no `agent_id`): any assigned conversation.
    Admin,
}

impl TransferBy {
    /// The name as written in JSON.
    pub fn name(self) -> &'static str {
        match self {
            TransferBy::Agent => "agent",
            TransferBy::Admin => "admin",
        }
    }
}

/// Where a transfer goes: exactly one of `{"agent": "agent_2"}`, `{"skill": "billing"}`,
/// `{"queue": true}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TransferTarget {
    /// A named agent, who must be online and below capacity.
    Agent(String),
    /// Any agent with this skill (`routing.method` `skill_based`), routed as a handoff is.
    Skill(String),
    /// The queue (`true`; `false` is refused), served in order like any waiting conversation.
    #[serde(deserialize_with = "only_true")]
    Queue(#[cfg_attr(feature = "schema", schemars(extend("const" = true)))] bool),
}

/// `true`, and nothing else.
fn only_true<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    if bool::deserialize(deserializer)? {
        Ok(true)
    } else {
        Err(serde::de::Error::invalid_value(
            serde::de::Unexpected::Bool(false),
            &"true (to the queue), or another target: {\"agent\": …}, {\"skill\": …}",
        ))
    }
}
