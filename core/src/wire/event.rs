//! Webhook event bodies, typed: what a receiver gets, in the field order receivers see.
//!
//! `conversation.handoff_requested` has exactly the specification's shape:
//!
//! ```json
//! {"event":"conversation.handoff_requested","timestamp":"2026-01-12T10:30:00Z",
//!  "data":{"conversation_id":"conv_xyz789",
//!          "customer":{"id":"cust_456","name":"Priya Sharma","email":"priya@example.com"},
//!          "trigger":"sentiment_threshold","sentiment_score":-0.65,
//!          "summary":"...","suggested_actions":["..."],"priority":"high"}}
//! ```
//!
//! Absent values are written as `null` (receivers see every field of an event, always).

use chrono::{DateTime, Datelike, Timelike};
use serde::{Deserialize, Serialize};

use crate::wire::values::Priority;

/// One webhook event: its name, when it happened (RFC 3339 UTC, seconds), and its data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Which event.
    pub event: EventName,
    /// When (`2026-01-12T10:30:00Z`).
    pub timestamp: String,
    /// What happened.
    pub data: EventData,
}

/// The events a webhook can subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum EventName {
    /// A conversation goes to a person.
    #[serde(rename = "conversation.handoff_requested")]
    HandoffRequested,
    /// It waits in the queue.
    #[serde(rename = "conversation.queued")]
    Queued,
    /// An agent has it.
    #[serde(rename = "conversation.assigned")]
    Assigned,
    /// Nobody was on duty: a callback is requested.
    #[serde(rename = "conversation.callback_requested")]
    CallbackRequested,
    /// It ended.
    #[serde(rename = "conversation.closed")]
    Closed,
    /// The customer or the agent wrote (while a person holds, is offered, or is awaited for it).
    #[serde(rename = "conversation.message")]
    Message,
    /// An agent wrote a private note.
    #[serde(rename = "conversation.note")]
    Note,
    /// The agent gave it back to the AI.
    #[serde(rename = "conversation.returned_to_ai")]
    ReturnedToAi,
    /// A transfer reached its agent.
    #[serde(rename = "conversation.transferred")]
    Transferred,
    /// A transfer's target agent declined, let the offer lapse, or went away.
    #[serde(rename = "conversation.transfer_failed")]
    TransferFailed,
    /// The agent (or an admin) resolved it with an outcome.
    #[serde(rename = "conversation.resolved")]
    Resolved,
    /// The customer wrote again after it was resolved: it is open again.
    #[serde(rename = "conversation.reopened")]
    Reopened,
    /// The customer rated it (1 to 5) after it was resolved.
    #[serde(rename = "conversation.csat")]
    Csat,
}

impl EventName {
    /// The name as written in JSON (`conversation.queued`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventName::HandoffRequested => "conversation.handoff_requested",
            EventName::Queued => "conversation.queued",
            EventName::Assigned => "conversation.assigned",
            EventName::CallbackRequested => "conversation.callback_requested",
            EventName::Closed => "conversation.closed",
            EventName::Message => "conversation.message",
            EventName::Note => "conversation.note",
            EventName::ReturnedToAi => "conversation.returned_to_ai",
            EventName::Transferred => "conversation.transferred",
            EventName::TransferFailed => "conversation.transfer_failed",
            EventName::Resolved => "conversation.resolved",
            EventName::Reopened => "conversation.reopened",
            EventName::Csat => "conversation.csat",
        }
    }

    /// Whether the helpdesk integrations act on this event: the handoff and what follows it
    /// (queued, assigned, callback, closed), both sides' messages, private notes and the
    /// hand-back to the AI. Transfers go to webhooks only.
    pub fn reaches_helpdesks(self) -> bool {
        matches!(
            self,
            EventName::HandoffRequested
                | EventName::Queued
                | EventName::Assigned
                | EventName::CallbackRequested
                | EventName::Closed
                | EventName::Message
                | EventName::Note
                | EventName::ReturnedToAi
        )
    }
}

/// The data of an event, one shape per event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EventData {
    /// `conversation.handoff_requested`.
    HandoffRequested(HandoffRequested),
    /// `conversation.queued`.
    Queued(Queued),
    /// `conversation.assigned`.
    Assigned(Assigned),
    /// `conversation.callback_requested`.
    CallbackRequested(CallbackRequested),
    /// `conversation.closed`.
    Closed(Closed),
    /// `conversation.message`.
    Message(MessageData),
    /// `conversation.note`.
    Note(Note),
    /// `conversation.returned_to_ai`.
    ReturnedToAi(ReturnedToAi),
    /// `conversation.transferred`.
    Transferred(Transferred),
    /// `conversation.transfer_failed`.
    TransferFailed(TransferFailed),
    /// `conversation.resolved`.
    Resolved(ResolvedData),
    /// `conversation.reopened`.
    Reopened(ReopenedData),
    /// `conversation.csat`.
    Csat(CsatData),
}

/// The customer as events show them (the specification's three fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EventCustomer {
    /// Customer id in the host's system.
    pub id: Option<String>,
    /// Full name.
    pub name: Option<String>,
    /// Email address.
    pub email: Option<String>,
}

/// `conversation.handoff_requested`'s data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "HandoffRequestedData"))]
#[serde(deny_unknown_fields)]
pub struct HandoffRequested {
    /// Conversation id.
    pub conversation_id: String,
    /// The customer.
    pub customer: EventCustomer,
    /// The primary trigger (`sentiment_threshold`).
    #[cfg_attr(feature = "schema", schemars(extend("enum" = ["customer_request", "sentiment_threshold", "max_exchanges", "low_confidence_threshold", "topics"])))]
    pub trigger: String,
    /// The latest customer sentiment, if any.
    pub sentiment_score: Option<f64>,
    /// The summary the agent receives.
    pub summary: String,
    /// Suggested resolution steps.
    pub suggested_actions: Vec<String>,
    /// Priority.
    pub priority: Priority,
}

/// `conversation.queued`'s data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "QueuedData"))]
#[serde(deny_unknown_fields)]
pub struct Queued {
    /// Conversation id.
    pub conversation_id: String,
    /// 1-based position.
    pub position: u32,
    /// Conversations queued.
    pub queue_length: u32,
    /// Priority.
    pub priority: Priority,
    /// The estimated wait (seconds): the position times the observed handle time, over the
    /// capacity of the agents online who could take it. Absent with too little history (fewer
    /// than three handle times) or nobody online.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_wait_seconds: Option<u64>,
}

/// `conversation.assigned`'s data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "AssignedData"))]
#[serde(deny_unknown_fields)]
pub struct Assigned {
    /// Conversation id.
    pub conversation_id: String,
    /// The agent.
    pub agent_id: String,
    /// The agent's name as customers see it.
    pub agent_name: String,
    /// Seconds from the handoff to the assignment.
    pub wait_seconds: i64,
    /// Priority.
    pub priority: Priority,
}

/// The callback details as events show them (every field, `null` when not given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EventCallback {
    /// Customer's name.
    pub name: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Preferred time, in the customer's words.
    pub preferred_time: Option<String>,
}

/// `conversation.callback_requested`'s data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "CallbackRequestedData"))]
#[serde(deny_unknown_fields)]
pub struct CallbackRequested {
    /// Conversation id.
    pub conversation_id: String,
    /// The customer.
    pub customer: EventCustomer,
    /// How to call back.
    pub callback: EventCallback,
    /// The summary.
    pub summary: String,
    /// Priority.
    pub priority: Priority,
}

/// `conversation.closed`'s data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "ClosedData"))]
#[serde(deny_unknown_fields)]
pub struct Closed {
    /// Conversation id.
    pub conversation_id: String,
    /// Who closed it (`customer`, `agent`, `ai`, `system`).
    #[cfg_attr(feature = "schema", schemars(with = "crate::wire::values::ClosedBy"))]
    pub closed_by: String,
    /// The agent who held it, if any.
    pub agent_id: Option<String>,
}

/// `conversation.message`'s data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "MessageData"))]
#[serde(deny_unknown_fields)]
pub struct MessageData {
    /// Conversation id.
    pub conversation_id: String,
    /// Who wrote: `customer` or `agent`.
    #[cfg_attr(feature = "schema", schemars(extend("enum" = ["customer", "agent"])))]
    pub from: String,
    /// The agent who wrote; `null` for the customer.
    pub agent_id: Option<String>,
    /// What was written.
    pub text: String,
}

/// `conversation.note`'s data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "NoteData"))]
#[serde(deny_unknown_fields)]
pub struct Note {
    /// Conversation id.
    pub conversation_id: String,
    /// The agent who wrote it.
    pub agent_id: String,
    /// The note.
    pub text: String,
}

/// `conversation.returned_to_ai`'s data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "ReturnedToAiData"))]
#[serde(deny_unknown_fields)]
pub struct ReturnedToAi {
    /// Conversation id.
    pub conversation_id: String,
    /// The agent who gave it back.
    pub agent_id: String,
    /// The agent's note for the AI, if any.
    pub note: Option<String>,
}

/// `conversation.transferred`'s data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "TransferredData"))]
#[serde(deny_unknown_fields)]
pub struct Transferred {
    /// Conversation id.
    pub conversation_id: String,
    /// The agent who held it before.
    pub from_agent_id: String,
    /// The agent who has it now.
    pub to_agent_id: String,
    /// Who asked for the transfer: `agent` or `admin`.
    #[cfg_attr(feature = "schema", schemars(extend("enum" = ["agent", "admin"])))]
    pub by: String,
    /// `cold` or `warm`.
    #[cfg_attr(feature = "schema", schemars(extend("enum" = ["cold", "warm"])))]
    pub mode: String,
    /// The note for the next agent, if any.
    pub note: Option<String>,
}

/// `conversation.transfer_failed`'s data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "TransferFailedData"))]
#[serde(deny_unknown_fields)]
pub struct TransferFailed {
    /// Conversation id.
    pub conversation_id: String,
    /// The agent who held it when the transfer was asked for.
    pub from_agent_id: String,
    /// The agent the transfer was offered to.
    pub to_agent_id: String,
    /// `cold` or `warm`.
    #[cfg_attr(feature = "schema", schemars(extend("enum" = ["cold", "warm"])))]
    pub mode: String,
    /// `declined`, `expired` or `agent_unavailable`.
    #[cfg_attr(feature = "schema", schemars(extend("enum" = ["declined", "expired", "agent_unavailable"])))]
    pub reason: String,
    /// What happens instead: `first_agent` (warm: the first agent keeps it) or `routing` (cold:
    /// routed again like any waiting conversation, or queued).
    #[cfg_attr(feature = "schema", schemars(extend("enum" = ["first_agent", "routing"])))]
    pub fallback: String,
}

/// `conversation.resolved`'s data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ResolvedData {
    /// Conversation id.
    pub conversation_id: String,
    /// The agent who held it.
    pub agent_id: String,
    /// Who resolved it: `agent` or `admin`.
    #[cfg_attr(feature = "schema", schemars(extend("enum" = ["agent", "admin"])))]
    pub resolved_by: String,
    /// How it ended (one of `handoff.resolution.outcomes`).
    pub outcome: String,
    /// The note given with it, if any.
    pub note: Option<String>,
    /// Until when a customer message reopens it (RFC 3339 UTC).
    pub reopen_until: String,
}

/// `conversation.reopened`'s data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReopenedData {
    /// Conversation id.
    pub conversation_id: String,
    /// Who answers now: `ai`, `last_agent` or `queue` (routed as a new handoff).
    #[cfg_attr(feature = "schema", schemars(extend("enum" = ["ai", "last_agent", "queue"])))]
    pub reopened_to: String,
    /// The agent who resolved it.
    pub from_agent_id: String,
    /// The outcome it was resolved with.
    pub outcome: String,
}

/// `conversation.csat`'s data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CsatData {
    /// Conversation id.
    pub conversation_id: String,
    /// 1 (very unsatisfied) to 5 (very satisfied).
    pub score: u32,
    /// What the customer added, if anything.
    pub comment: Option<String>,
    /// The agent who resolved it.
    pub agent_id: String,
    /// The resolution's outcome.
    pub outcome: String,
}

/// An event's [`timestamp`](Event::timestamp): RFC 3339 UTC with seconds
/// (`2026-01-12T10:30:00Z`) for an epoch-ms instant.
pub fn timestamp(now_ms: i64) -> String {
    match DateTime::from_timestamp_millis(now_ms) {
        // Written out by hand: `format` parses its pattern on every call, once per event.
        Some(t) => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        // `Engine::handle` refuses a `now` outside chrono's range, so this is not reached.
        None => "1970-01-01T00:00:00Z".to_string(),
    }
}
