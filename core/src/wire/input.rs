//! Inputs: what a host tells the engine. JSON objects tagged by `"type"`, snake_case.
//!
//! The types only; reading them from JSON text with errors that name the path is
//! [`Input::from_json_str`] / [`Input::from_value`] (in `read_input.rs`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use crate::wire::values::{ClosedBy, Customer, TransferBy, TransferMode, TransferTarget};

/// Everything a host can tell the engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Input {
    /// The customer wrote something.
    CustomerMessage(CustomerMessage),
    /// The AI answered.
    AiReply(AiReply),
    /// The customer pressed "talk to a person" (a widget button).
    HandoffRequest(HandoffRequest),
    /// An agent's presence, skills or capacity changed.
    AgentUpdate(AgentUpdate),
    /// An agent accepted an offered conversation.
    AgentAccept(AgentAction),
    /// An agent declined an offered conversation.
    AgentDecline(AgentAction),
    /// An agent wrote to the customer.
    AgentMessage(AgentMessage),
    /// An agent wrote a private note (agents only, never the customer).
    AgentNote(AgentMessage),
    /// The agent gives the conversation back to the AI.
    ReturnToAi(ReturnToAi),
    /// The holding agent (or an admin) passes the conversation to an agent, a skill or the queue.
    Transfer(Transfer),
    /// The customer gave callback details.
    CallbackDetails(CallbackDetails),
    /// The conversation ended.
    ConversationClosed(ConversationClosed),
    /// The result of performing a `delivery` output.
    DeliveryResult(DeliveryResult),
    /// An admin asks to try a dead-lettered delivery again.
    RedriveDelivery(RedriveDelivery),
    /// An admin asks to send a delivery that waits for its retry now, instead of at its time.
    RetryDelivery(RetryDelivery),
    /// An admin re-enables a webhook that answered 410 Gone.
    EnableWebhook(EnableWebhook),
    /// The host restarted: deliveries it had in flight were lost with it. Hands them out again at
    /// once (same `delivery_id`, next attempt) instead of waiting for their leases to lapse.
    #[cfg_attr(feature = "schema", schemars(extend("additionalProperties" = false)))]
    HostRestarted,
    /// Time passed: the host calls this at `next_wakeup` (early or repeated ticks do nothing).
    #[cfg_attr(feature = "schema", schemars(extend("additionalProperties" = false)))]
    Tick,
    /// The holding agent (or an admin) resolves the conversation with an outcome.
    Resolve(Resolve),
    /// The agent finished the wrap-up of a conversation they resolved: their slot is free again.
    WrapUpDone(WrapUpDone),
    /// The customer rated a resolved conversation (1 to 5).
    Csat(Csat),
    /// What a helpdesk's webhook said (an agent's comment, note or close in Zendesk, Freshdesk,
    /// Intercom or Sunshine Conversations), as `inbound::read` reads the vendor's request.
    HelpdeskEvent(HelpdeskEvent),
}

/// The type names of every input, as written in JSON.
pub const INPUT_TYPES: &[&str] = &[
    "customer_message",
    "ai_reply",
    "handoff_request",
    "agent_update",
    "agent_accept",
    "agent_decline",
    "agent_message",
    "agent_note",
    "return_to_ai",
    "transfer",
    "callback_details",
    "conversation_closed",
    "delivery_result",
    "redrive_delivery",
    "retry_delivery",
    "enable_webhook",
    "host_restarted",
    "tick",
    "resolve",
    "wrap_up_done",
    "csat",
    "helpdesk_event",
];

/// What the caller's AI already knows about a message; each field wins over the engine's own detection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Signals {
    /// Sentiment in [-1, 1].
    #[serde(default)]
    pub sentiment: Option<f64>,
    /// Confidence of the AI's answer in [0, 1].
    #[serde(default)]
    pub confidence: Option<f64>,
    /// Detected intent (`order_status`).
    #[serde(default)]
    pub intent: Option<String>,
    /// Detected topic (`billing_dispute`).
    #[serde(default)]
    pub topic: Option<String>,
    /// The AI's summary of the issue so far.
    #[serde(default)]
    pub summary: Option<String>,
    /// Suggested resolution steps for the human agent.
    #[serde(default)]
    pub suggested_actions: Option<Vec<String>>,
    /// The customer asked for a person (the caller's own detector).
    #[serde(default)]
    pub human_requested: Option<bool>,
}

/// `{"type":"customer_message", ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CustomerMessage {
    /// Conversation id.
    pub conversation_id: String,
    /// What the customer wrote.
    pub text: String,
    /// The customer (kept from the first message that gives it; later ones update it).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "optional_object"
    )]
    pub customer: Option<Customer>,
    /// What the caller's AI knows.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "optional_object"
    )]
    pub signals: Option<Signals>,
}

/// `{"type":"ai_reply", ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AiReply {
    /// Conversation id.
    pub conversation_id: String,
    /// What the AI answered.
    pub text: String,
    /// The AI's confidence in [0, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// Actions the AI took for this answer ("looked up order ORD-12345").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    /// The customer's issue is resolved: the exchange count starts again.
    #[serde(default)]
    pub resolved: bool,
}

/// `{"type":"handoff_request", ...}`: an explicit request, e.g. from a widget button.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HandoffRequest {
    /// Conversation id.
    pub conversation_id: String,
    /// The customer, if not known yet.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "optional_object"
    )]
    pub customer: Option<Customer>,
    /// Where the request came from (`"widget_button"`), for the agent's context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// `{"type":"agent_update","agent":{...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AgentUpdate {
    /// The agent's new details; absent fields stay as they were.
    #[serde(deserialize_with = "object")]
    pub agent: AgentInfo,
}

/// An agent's details in an `agent_update`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AgentInfo {
    /// Agent id.
    pub id: String,
    /// Name shown to customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `online`, `away` or `offline`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<crate::wire::values::Presence>,
    /// Skills (replacing earlier presence skills; configured skills stay).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skills: Option<Vec<String>>,
    /// Capacity, overriding configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_concurrent: Option<u32>,
}

/// `agent_accept` / `agent_decline`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AgentAction {
    /// Conversation id.
    pub conversation_id: String,
    /// The agent acting.
    pub agent_id: String,
    /// Why (declines), for logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `{"type":"agent_message", ...}` (to the customer) and `{"type":"agent_note", ...}` (a private
/// note for agents).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AgentMessage {
    /// Conversation id.
    pub conversation_id: String,
    /// The agent writing (must hold the conversation).
    pub agent_id: String,
    /// What they wrote.
    pub text: String,
}

/// `{"type":"return_to_ai", ...}`: the holding agent gives the conversation back to the AI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReturnToAi {
    /// Conversation id.
    pub conversation_id: String,
    /// The agent giving it back (must hold the conversation).
    pub agent_id: String,
    /// A note for the AI (what was done, what is left), passed on in `returned_to_ai`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `{"type":"transfer", ...}`: the conversation goes to another agent, a skill or the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// Conversation id (an assigned conversation).
    pub conversation_id: String,
    /// `agent` (the default: `agent_id` must hold the conversation) or `admin` (without
    /// `agent_id`: any assigned conversation).
    #[serde(default)]
    pub by: TransferBy,
    /// With `by: "agent"`, the agent passing it on (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
    /// `{"agent": "agent_2"}`, `{"skill": "billing"}` or `{"queue": true}`.
    pub to: TransferTarget,
    /// `cold` (default: the agent lets go now) or `warm` (to a named agent only: the first agent
    /// keeps it until the target accepts).
    #[serde(default)]
    pub mode: TransferMode,
    /// A note for the next agent, sent with the offer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `{"type":"callback_details", ...}`: name, and a phone or an email, and when to call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CallbackDetails {
    /// Conversation id.
    pub conversation_id: String,
    /// Customer's name (falls back to the customer profile's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Preferred time, in the customer's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_time: Option<String>,
    /// When to call back (epoch ms), a time the team is on duty (a widget offers the slots the
    /// engine's `hours` gives); a time already past means now. Without it, the next opening (or
    /// now while the team is on duty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<i64>,
}

/// `{"type":"conversation_closed", ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ConversationClosed {
    /// Conversation id.
    pub conversation_id: String,
    /// Who closed it.
    #[serde(default)]
    pub by: ClosedBy,
    /// With `by: "agent"`, the agent closing it: the engine then refuses the close unless that
    /// agent holds the conversation (`not_held_by`). A service sets it from the agent's token, so
    /// an agent closes only what it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
}

/// `{"type":"delivery_result", ...}`: what happened when the host performed a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DeliveryResult {
    /// The delivery's id.
    pub delivery_id: String,
    /// HTTP status; absent for a network error or timeout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// `Retry-After` (or a vendor's reset header) converted to milliseconds by the host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
    /// Response body (hosts report up to 64 KiB of it). For a helpdesk request that creates
    /// something, the engine reads the new id from it (and keeps nothing else); a failure's body
    /// is clipped into the error text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Response headers the engine may use, by lower-case name: `retry-after` (seconds or an
    /// HTTP date) and `x-ratelimit-reset` (unix seconds, Intercom) set the earliest retry of a
    /// 408, 429 or 5xx; `retry_after_ms` wins when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<BTreeMap<String, String>>,
    /// Network error text, when there was no response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `{"type":"redrive_delivery","delivery_id":"..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RedriveDelivery {
    /// The dead letter's delivery id.
    pub delivery_id: String,
}

/// `{"type":"retry_delivery","delivery_id":"..."}`: a delivery waiting for its retry goes out
/// now (its next attempt).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RetryDelivery {
    /// The waiting delivery's id.
    pub delivery_id: String,
}

/// `{"type":"enable_webhook","webhook_id":"..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EnableWebhook {
    /// The webhook's id.
    pub webhook_id: String,
}

/// `{"type":"resolve", ...}`: the conversation is resolved; a later customer message reopens it
/// (`handoff.resolution.reopen_to`) until `handoff.resolution.reopen_window_minutes` have passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Resolve {
    /// Conversation id (an assigned conversation).
    pub conversation_id: String,
    /// `agent` (the default: `agent_id` must hold the conversation) or `admin` (without
    /// `agent_id`: any assigned conversation).
    #[serde(default)]
    pub by: TransferBy,
    /// With `by: "agent"`, the agent resolving it (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
    /// How it ended: one of `handoff.resolution.outcomes` (default `solved`, `not_solved`,
    /// `duplicate`, `spam`).
    pub outcome: String,
    /// A note (what was done), passed on in `resolved` and `conversation.resolved`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `{"type":"wrap_up_done", ...}`: the agent ends the wrap-up of a conversation they resolved
/// before `handoff.resolution.wrap_up_seconds` ran out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WrapUpDone {
    /// Conversation id (a resolved conversation in wrap-up).
    pub conversation_id: String,
    /// The agent who resolved it.
    pub agent_id: String,
}

/// `{"type":"csat", ...}`: the customer's satisfaction with a resolved conversation, once per
/// resolution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Csat {
    /// Conversation id (a resolved conversation).
    pub conversation_id: String,
    /// 1 (very unsatisfied) to 5 (very satisfied); others are refused (`out_of_range`).
    pub score: u32,
    /// What the customer added, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// Reads a struct only from a JSON object: serde's derive would also take an array of the
/// struct's fields in order, so `"customer": []` would read as an empty customer.
fn object<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct ObjectOnly<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for ObjectOnly<T> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
        }
    }
    deserializer.deserialize_map(ObjectOnly(std::marker::PhantomData))
}

/// [`object`] for an optional field (`null` is absent).
fn optional_object<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Object<T>(T);
    impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            object(d).map(Object)
        }
    }
    Ok(Option::<Object<T>>::deserialize(deserializer)?.map(|o| o.0))
}

impl Input {
    /// The conversation this input is about, if any.
    pub fn conversation_id(&self) -> Option<&str> {
        match self {
            Input::CustomerMessage(m) => Some(&m.conversation_id),
            Input::AiReply(m) => Some(&m.conversation_id),
            Input::HandoffRequest(m) => Some(&m.conversation_id),
            Input::AgentAccept(m) | Input::AgentDecline(m) => Some(&m.conversation_id),
            Input::AgentMessage(m) | Input::AgentNote(m) => Some(&m.conversation_id),
            Input::ReturnToAi(m) => Some(&m.conversation_id),
            Input::Transfer(m) => Some(&m.conversation_id),
            Input::CallbackDetails(m) => Some(&m.conversation_id),
            Input::ConversationClosed(m) => Some(&m.conversation_id),
            Input::Resolve(m) => Some(&m.conversation_id),
            Input::WrapUpDone(m) => Some(&m.conversation_id),
            Input::Csat(m) => Some(&m.conversation_id),
            Input::AgentUpdate(_)
            | Input::DeliveryResult(_)
            | Input::RedriveDelivery(_)
            | Input::RetryDelivery(_)
            | Input::EnableWebhook(_)
            | Input::HostRestarted
            | Input::Tick
            // Known once the engine looked the vendor's id up.
            | Input::HelpdeskEvent(_) => None,
        }
    }
}

/// `{"type":"helpdesk_event", ...}`: one thing a helpdesk's webhook reported, normalized
/// (`inbound::read` makes these from the vendor's own request once its signature verified).
///
/// The engine finds the conversation by the vendor's id in its request chains (`vendor_ref`,
/// `vendor_id`), ignores an event id it has applied already and items the engine wrote itself,
/// and applies the rest as the holding agent's `agent_message`, `agent_note`,
/// `conversation_closed` (by agent) or `return_to_ai`, or as an admin's cold `transfer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HelpdeskEvent {
    /// The integration (`handoff.integrations[].id`) the webhook came to.
    pub integration_id: String,
    /// The vendor's id of this event or notification: the same event seen again is ignored.
    pub event_id: String,
    /// Which of the vendor's ids names the conversation.
    pub vendor_ref: VendorRef,
    /// That id (a Zendesk or Freshdesk ticket id, an Intercom or Sunshine conversation id).
    pub vendor_id: String,
    /// What happened.
    pub kind: HelpdeskKind,
    /// Who did it, in the helpdesk.
    pub author: HelpdeskAuthor,
    /// The message or note (plain text); empty for a close.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// With `kind: "transfer"`: the vendor user the ticket or conversation is assigned to now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
}

/// Which vendor id a [`HelpdeskEvent`] names its conversation by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum VendorRef {
    /// A Zendesk or Freshdesk ticket.
    TicketId,
    /// An Intercom conversation.
    IntercomConversationId,
    /// A Sunshine Conversations (Zendesk messaging) conversation.
    SunshineConversationId,
}

impl VendorRef {
    /// The name of the id in the request chains (`ticket_id`).
    pub fn as_str(self) -> &'static str {
        match self {
            VendorRef::TicketId => "ticket_id",
            VendorRef::IntercomConversationId => "intercom_conversation_id",
            VendorRef::SunshineConversationId => "sunshine_conversation_id",
        }
    }
}

/// What a [`HelpdeskEvent`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum HelpdeskKind {
    /// A reply the customer sees (a public comment, an admin reply, a business message).
    Message,
    /// A private note for the agents.
    Note,
    /// The ticket or conversation was solved or closed.
    Close,
    /// Control was passed back to the bot (Sunshine Conversations).
    ReturnToAi,
    /// The ticket or conversation was assigned to another agent (`assignee`): a cold transfer
    /// by an admin when that is one of our agents (`agent_map`), else nothing.
    Transfer,
}

/// Who did what a [`HelpdeskEvent`] reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HelpdeskAuthor {
    /// The vendor's user, admin or agent id.
    pub id: String,
    /// Their display name, when the vendor gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}
