//! Outputs: what the engine tells the host to do or show. JSON objects tagged by `"type"`.

use serde::{Deserialize, Serialize};

pub use crate::wire::delivery::{Auth, Delivery};
use crate::wire::event::Event;
use crate::wire::values::{
    Callback, ClosedBy, Customer, HistoryEntry, Presence, Priority, TransferBy, TransferMode,
};

/// Everything the engine can tell a host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Output {
    /// Show `text` to the customer.
    Message {
        /// Conversation id.
        conversation_id: String,
        /// The `handoff.messages` key it came from (`waiting_for_agent`).
        #[cfg_attr(feature = "schema", schemars(extend("enum" = ["handoff_initiated", "waiting_for_agent", "queue_position_changed", "agent_connected", "outside_hours", "callback_confirmed", "no_agent_available", "queue_full", "returned_to_ai", "resolved", "csat_question"])))]
        template: String,
        /// The rendered text.
        text: String,
    },
    /// The conversation goes to a person.
    Handoff {
        /// Conversation id.
        conversation_id: String,
        /// The trigger that decided it (see README for the precedence).
        #[cfg_attr(feature = "schema", schemars(extend("enum" = ["customer_request", "sentiment_threshold", "max_exchanges", "low_confidence_threshold", "topics"])))]
        primary: String,
        /// Every trigger that fired, with its evidence.
        triggers: Vec<TriggerHit>,
        /// Priority in the queue.
        priority: Priority,
        /// What the human agent receives.
        context: Box<Context>,
    },
    /// Waiting in the queue; sent again whenever the position changes.
    Queued {
        /// Conversation id.
        conversation_id: String,
        /// 1 = next.
        position: u32,
        /// Conversations waiting in all.
        queue_length: u32,
        /// The estimated wait (seconds): the position times the observed handle time, over the
        /// capacity of the agents online who could take it. Absent with too little history
        /// (fewer than three handle times) or nobody online.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        estimated_wait_seconds: Option<u64>,
    },
    /// Offered to an agent, who must accept before `expires_at`.
    Offered {
        /// Conversation id.
        conversation_id: String,
        /// The agent.
        agent_id: String,
        /// When the offer lapses (epoch ms).
        expires_at: i64,
        /// Present when the conversation comes by a transfer: who passed it on, their note,
        /// and the context package.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        transfer: Option<Box<TransferInfo>>,
    },
    /// An offer was withdrawn: declined, lapsed, or the agent went away.
    OfferWithdrawn {
        /// Conversation id.
        conversation_id: String,
        /// The agent.
        agent_id: String,
        /// `declined`, `expired`, `agent_unavailable` or `closed` (the conversation ended first).
        #[cfg_attr(feature = "schema", schemars(extend("enum" = ["declined", "expired", "agent_unavailable", "closed"])))]
        reason: String,
    },
    /// The engine changed an agent's presence (an agent who let an offer lapse is set `away`).
    AgentStatus {
        /// The agent.
        agent_id: String,
        /// The new presence.
        status: Presence,
        /// Why: `missed_offer`.
        #[cfg_attr(feature = "schema", schemars(extend("enum" = ["missed_offer"])))]
        reason: String,
    },
    /// An agent has the conversation.
    Assigned {
        /// Conversation id.
        conversation_id: String,
        /// The agent.
        agent_id: String,
        /// The name shown to the customer.
        agent_name: String,
        /// How long the customer waited since the handoff (ms).
        wait_ms: i64,
    },
    /// With `routing.auto_accept` (no `offered` before `assigned`), a conversation that comes by
    /// a transfer: what the new agent learns of it (who passed it on, their note, the context
    /// package). Right before its `assigned`; for the agents' side only.
    TransferReceived {
        /// Conversation id.
        conversation_id: String,
        /// The agent it is assigned to.
        agent_id: String,
        /// The transfer.
        transfer: Box<TransferInfo>,
    },
    /// Show the customer what the agent wrote.
    AgentMessage {
        /// Conversation id.
        conversation_id: String,
        /// The agent.
        agent_id: String,
        /// The name shown to the customer.
        agent_name: String,
        /// What they wrote.
        text: String,
    },
    /// A private note an agent wrote: for the agents' side only, never the customer.
    AgentNote {
        /// Conversation id.
        conversation_id: String,
        /// The agent who wrote it.
        agent_id: String,
        /// The note.
        text: String,
    },
    /// The customer wrote while a person holds, is offered, or is awaited for the conversation:
    /// for the agent side.
    CustomerMessage {
        /// Conversation id.
        conversation_id: String,
        /// The agent who holds it or is offered it; `null` while it waits in the queue. During a
        /// warm transfer the same message comes twice: for the agent who holds it, then for the
        /// transfer's target.
        agent_id: Option<String>,
        /// What the customer wrote.
        text: String,
    },
    /// The agent no longer answers this conversation (it was transferred); the next agent's
    /// `offered`/`assigned`, or `queued`, follows.
    AgentLeft {
        /// Conversation id.
        conversation_id: String,
        /// The agent who let go.
        agent_id: String,
        /// Why: `transferred`.
        #[cfg_attr(feature = "schema", schemars(extend("enum" = ["transferred"])))]
        reason: String,
    },
    /// The agent gave the conversation back to the AI: the AI answers again from now on.
    ReturnedToAi {
        /// Conversation id.
        conversation_id: String,
        /// The agent who gave it back.
        agent_id: String,
        /// The agent's note for the AI, if any.
        note: Option<String>,
    },
    /// Show the callback form: nobody is on duty (or free).
    CollectCallback {
        /// Conversation id.
        conversation_id: String,
        /// Why: `outside_hours`, `no_agent_available` or `queue_full`.
        #[cfg_attr(feature = "schema", schemars(extend("enum" = ["outside_hours", "no_agent_available", "queue_full"])))]
        reason: String,
        /// The next opening (epoch ms), if known.
        #[serde(skip_serializing_if = "Option::is_none")]
        next_opening: Option<i64>,
        /// The fields to ask for.
        #[cfg_attr(feature = "schema", schemars(extend("items" = {"type": "string", "enum": ["name", "phone", "email", "preferred_time"]})))]
        fields: Vec<String>,
    },
    /// Callback details taken; the request goes out at `at`.
    CallbackScheduled {
        /// Conversation id.
        conversation_id: String,
        /// When the callback request is produced (epoch ms).
        at: i64,
        /// The details.
        callback: Callback,
    },
    /// A callback is requested now: someone should call the customer back.
    CallbackRequested {
        /// Conversation id.
        conversation_id: String,
        /// The customer.
        customer: Customer,
        /// The details.
        callback: Callback,
        /// What the human agent receives.
        context: Box<Context>,
    },
    /// The conversation is over and forgotten by the engine.
    Closed {
        /// Conversation id.
        conversation_id: String,
        /// Who closed it.
        by: ClosedBy,
        /// The agent who had it, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        agent_id: Option<String>,
    },
    /// A webhook event, in the shape receivers get (also inside `delivery` bodies).
    Event {
        /// Conversation id.
        conversation_id: String,
        /// `{"event": ..., "timestamp": ..., "data": {...}}`.
        event: Event,
    },
    /// Perform this HTTP request and report the result with a `delivery_result` input.
    Delivery(Delivery),
    /// A delivery succeeded (2xx).
    Delivered {
        /// The delivery.
        delivery_id: String,
        /// Which attempt succeeded.
        attempt: u32,
    },
    /// A delivery failed and will be tried again at `at`.
    DeliveryRetry {
        /// The delivery.
        delivery_id: String,
        /// The attempt that failed.
        attempt: u32,
        /// When the next attempt is due (epoch ms).
        at: i64,
        /// What went wrong.
        error: String,
    },
    /// A delivery was given up and kept as a dead letter (re-drivable).
    DeliveryFailed {
        /// The delivery.
        delivery_id: String,
        /// Attempts made.
        attempts: u32,
        /// Why it was given up.
        reason: String,
    },
    /// A webhook answered 410 Gone and is disabled until an `enable_webhook` input.
    WebhookDisabled {
        /// The webhook.
        webhook_id: String,
        /// Why.
        reason: String,
    },
    /// The conversation is resolved: nobody answers it now; a customer message before
    /// `reopen_until` reopens it (`reopened`), after that it is forgotten (`closed`).
    Resolved {
        /// Conversation id.
        conversation_id: String,
        /// The agent who held it.
        agent_id: String,
        /// Who resolved it: `agent` (the holder) or `admin`.
        by: TransferBy,
        /// How it ended (one of `handoff.resolution.outcomes`).
        outcome: String,
        /// The note given with it, if any.
        note: Option<String>,
        /// Until when a customer message reopens it (epoch ms).
        reopen_until: i64,
    },
    /// The agent's wrap-up of a resolved conversation began: it keeps one of their slots until
    /// `wrap_up_done` or `until`.
    WrapUpStarted {
        /// Conversation id.
        conversation_id: String,
        /// The agent in wrap-up.
        agent_id: String,
        /// When the wrap-up ends by itself (epoch ms).
        until: i64,
    },
    /// The wrap-up ended and the agent's slot is free again.
    WrapUpEnded {
        /// Conversation id.
        conversation_id: String,
        /// The agent.
        agent_id: String,
        /// `done` (`wrap_up_done`), `expired` (`handoff.resolution.wrap_up_seconds` ran out),
        /// `reopened` (the customer wrote again) or `closed`.
        #[cfg_attr(feature = "schema", schemars(extend("enum" = ["done", "expired", "reopened", "closed"])))]
        reason: String,
    },
    /// A customer message reopened a resolved conversation: who answers now. The outputs of
    /// the routing (`offered`, `assigned`, `queued`, …) follow, then the customer's message.
    Reopened {
        /// Conversation id.
        conversation_id: String,
        /// `ai` (the AI answers again), `last_agent` (offered or assigned to the agent who
        /// resolved it) or `queue` (routed as a new handoff: another free agent, else the queue
        /// or `routing.fallback`).
        #[cfg_attr(feature = "schema", schemars(extend("enum" = ["ai", "last_agent", "queue"])))]
        to: String,
        /// The agent who resolved it.
        from_agent_id: String,
        /// The agent it goes to (`last_agent` only).
        agent_id: Option<String>,
        /// The package the agent receives (`last_agent` and `queue`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        context: Option<Box<Context>>,
    },
    /// The customer's satisfaction with a resolved conversation was recorded.
    CsatRecorded {
        /// Conversation id.
        conversation_id: String,
        /// 1 to 5.
        score: u32,
        /// What the customer added, if anything.
        comment: Option<String>,
        /// The agent who resolved it.
        agent_id: String,
        /// The resolution's outcome.
        outcome: String,
    },
}

/// Who may see an output: the side a host shows it on. Hosts filter their streams by it (the
/// customer's widget, an agent's console, an operator's log), so every host shows the same
/// output to the same people.
///
/// ```
/// use handoff_core::wire::output::{Audience, Output};
///
/// let note: Output = serde_json::from_str(
///     r#"{"type":"agent_note","conversation_id":"c1","agent_id":"a1","text":"VIP"}"#)?;
/// assert_eq!(note.audience(), Audience::Agents);
/// assert!(!note.audience().visible_to(Audience::Customer));
/// assert!(note.audience().visible_to(Audience::Operators));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// The customer, and agents and operators too: what the customer is shown or may know
    /// (`message`, `agent_message`, `queued`, `assigned`, `agent_left`, `collect_callback`,
    /// `callback_scheduled`, `closed`).
    Customer,
    /// Agents and operators, never the customer: the engine's assessment and the agents' own
    /// words to each other (`handoff` and its context, `offered`, `offer_withdrawn`,
    /// `agent_status`, `agent_note`, `transfer_received`, `customer_message`, `returned_to_ai` with
    /// the agent's note,
    /// `callback_requested`, webhook `event`s, `resolved`, `wrap_up_started`, `wrap_up_ended`,
    /// `reopened`, `csat_recorded`).
    Agents,
    /// Operators (admin) only: the outbox, whose requests carry webhook URLs, signed bodies and
    /// vendors' answers (`delivery`, `delivered`, `delivery_retry`, `delivery_failed`,
    /// `webhook_disabled`).
    Operators,
}

impl Audience {
    /// Whether an output of this audience is shown to a reader who is `reader`: operators see
    /// every output, agents all but the outbox, the customer only the customer's.
    pub fn visible_to(self, reader: Audience) -> bool {
        self <= reader
    }

    /// The name as written in JSON (`customer`).
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Customer => "customer",
            Audience::Agents => "agents",
            Audience::Operators => "operators",
        }
    }
}

impl Output {
    /// Who may see this output ([`Audience`]).
    pub fn audience(&self) -> Audience {
        match self {
            Output::Message { .. }
            | Output::AgentMessage { .. }
            | Output::Queued { .. }
            | Output::Assigned { .. }
            | Output::AgentLeft { .. }
            | Output::CollectCallback { .. }
            | Output::CallbackScheduled { .. }
            | Output::Closed { .. } => Audience::Customer,
            Output::Handoff { .. }
            | Output::Offered { .. }
            | Output::OfferWithdrawn { .. }
            | Output::AgentStatus { .. }
            | Output::AgentNote { .. }
            | Output::TransferReceived { .. }
            | Output::CustomerMessage { .. }
            | Output::ReturnedToAi { .. }
            | Output::CallbackRequested { .. }
            | Output::Event { .. }
            | Output::Resolved { .. }
            | Output::WrapUpStarted { .. }
            | Output::WrapUpEnded { .. }
            | Output::Reopened { .. }
            | Output::CsatRecorded { .. } => Audience::Agents,
            Output::Delivery(_)
            | Output::Delivered { .. }
            | Output::DeliveryRetry { .. }
            | Output::DeliveryFailed { .. }
            | Output::WebhookDisabled { .. } => Audience::Operators,
        }
    }
}

/// The [`Audience`] of an output given as JSON by its `type` (what hosts that keep outputs as
/// JSON read); `None` for a type this engine does not write.
///
/// ```
/// use handoff_core::wire::output::{audience_of_type, Audience};
///
/// assert_eq!(audience_of_type("agent_message"), Some(Audience::Customer));
/// assert_eq!(audience_of_type("delivery"), Some(Audience::Operators));
/// assert_eq!(audience_of_type("telepathy"), None);
/// ```
pub fn audience_of_type(output_type: &str) -> Option<Audience> {
    OUTPUT_AUDIENCES
        .iter()
        .find(|(t, _)| *t == output_type)
        .map(|(_, a)| *a)
}

/// Every output type with its [`Audience`] (held to [`Output::audience`] by a test).
pub const OUTPUT_AUDIENCES: &[(&str, Audience)] = &[
    ("message", Audience::Customer),
    ("agent_message", Audience::Customer),
    ("queued", Audience::Customer),
    ("assigned", Audience::Customer),
    ("agent_left", Audience::Customer),
    ("collect_callback", Audience::Customer),
    ("callback_scheduled", Audience::Customer),
    ("closed", Audience::Customer),
    ("handoff", Audience::Agents),
    ("offered", Audience::Agents),
    ("offer_withdrawn", Audience::Agents),
    ("agent_status", Audience::Agents),
    ("agent_note", Audience::Agents),
    ("transfer_received", Audience::Agents),
    ("customer_message", Audience::Agents),
    ("returned_to_ai", Audience::Agents),
    ("callback_requested", Audience::Agents),
    ("event", Audience::Agents),
    ("delivery", Audience::Operators),
    ("delivered", Audience::Operators),
    ("delivery_retry", Audience::Operators),
    ("delivery_failed", Audience::Operators),
    ("webhook_disabled", Audience::Operators),
    ("resolved", Audience::Agents),
    ("wrap_up_started", Audience::Agents),
    ("wrap_up_ended", Audience::Agents),
    ("reopened", Audience::Agents),
    ("csat_recorded", Audience::Agents),
];

/// What the next agent learns of a transfer (on `offered`, or in `transfer_received` with
/// `routing.auto_accept`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TransferInfo {
    /// The agent who held the conversation.
    pub from_agent_id: String,
    /// Who asked for the transfer: `agent` or `admin`.
    pub by: TransferBy,
    /// `cold` or `warm` (the first agent still holds it until this offer is accepted).
    pub mode: TransferMode,
    /// The note for the next agent.
    pub note: Option<String>,
    /// The context package, as of the transfer (the whole history so far).
    pub context: Context,
}

/// One trigger that fired, with its evidence. Serialised flat with `"trigger"` naming it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "trigger", rename_all = "snake_case")]
pub enum TriggerHit {
    /// The customer asked for a person.
    CustomerRequest {
        /// `text` (detected in what they wrote), `button` (a `handoff_request` input) or `caller`.
        source: String,
        /// The words that matched, for `text`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        phrase: Option<String>,
        /// Language of the matched words.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        language: Option<String>,
    },
    /// Sentiment at or below the threshold (the last message, or the recent average).
    SentimentThreshold {
        /// The last customer message's score.
        score: f64,
        /// Average over the recent window.
        average: f64,
        /// The configured threshold.
        threshold: f64,
        /// `worsening`, `improving` or `steady`.
        #[cfg_attr(feature = "schema", schemars(extend("enum" = ["worsening", "improving", "steady"])))]
        trend: String,
        /// `message` (the last message reached the threshold) or `sustained` (every message of a
        /// full window was negative and their average reached 80 % of the threshold).
        #[cfg_attr(feature = "schema", schemars(extend("enum" = ["message", "sustained"])))]
        basis: String,
        /// `caller` (supplied score) or `lexicon` (the engine's own scorer).
        #[cfg_attr(feature = "schema", schemars(extend("enum" = ["caller", "lexicon"])))]
        source: String,
    },
    /// Too many exchanges without resolution.
    MaxExchanges {
        /// Exchanges so far.
        exchanges: u32,
        /// The configured maximum.
        max: u32,
    },
    /// The AI's confidence was below the threshold.
    LowConfidenceThreshold {
        /// The latest confidence.
        confidence: f64,
        /// The configured threshold.
        threshold: f64,
        /// Low-confidence replies in a row.
        consecutive: u32,
    },
    /// A sensitive topic.
    Topics {
        /// The topic.
        topic: String,
        /// `caller` (classifier) or `keywords`.
        #[cfg_attr(feature = "schema", schemars(extend("enum" = ["caller", "keywords"])))]
        source: String,
        /// The keyword that matched, for `keywords`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        keyword: Option<String>,
    },
}

impl TriggerHit {
    /// The trigger's name, as in `handoff.triggers` and the webhook's `"trigger"`.
    pub fn name(&self) -> &'static str {
        match self {
            TriggerHit::CustomerRequest { .. } => "customer_request",
            TriggerHit::SentimentThreshold { .. } => "sentiment_threshold",
            TriggerHit::MaxExchanges { .. } => "max_exchanges",
            TriggerHit::LowConfidenceThreshold { .. } => "low_confidence_threshold",
            TriggerHit::Topics { .. } => "topics",
        }
    }

    /// Precedence for choosing the primary trigger: lower wins. An explicit request first, then
    /// sensitive topics, sentiment, low confidence, conversation length.
    pub fn precedence(&self) -> u8 {
        match self {
            TriggerHit::CustomerRequest { .. } => 0,
            TriggerHit::Topics { .. } => 1,
            TriggerHit::SentimentThreshold { .. } => 2,
            TriggerHit::LowConfidenceThreshold { .. } => 3,
            TriggerHit::MaxExchanges { .. } => 4,
        }
    }
}

/// Sentiment of the conversation for the agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SentimentSummary {
    /// The last customer message's score, if any.
    pub latest: Option<f64>,
    /// Average over the recent window.
    pub average: Option<f64>,
    /// `worsening`, `improving` or `steady`.
    #[cfg_attr(feature = "schema", schemars(extend("enum" = ["worsening", "improving", "steady"])))]
    pub trend: String,
    /// Every customer message's score, oldest first.
    pub history: Vec<f64>,
}

/// The package a human agent receives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Context {
    /// Conversation id.
    pub conversation_id: String,
    /// Customer information and profile.
    pub customer: Customer,
    /// Complete conversation history, oldest first.
    pub history: Vec<HistoryEntry>,
    /// Detected intent.
    pub intent: Option<String>,
    /// Detected topic.
    pub topic: Option<String>,
    /// Sentiment with trend.
    pub sentiment: SentimentSummary,
    /// Actions the AI attempted.
    pub ai_actions: Vec<String>,
    /// Summary of the issue.
    pub summary: String,
    /// `ai` (the caller's) or `extractive` (built by the engine from the customer's words).
    #[cfg_attr(feature = "schema", schemars(extend("enum" = ["ai", "extractive"])))]
    pub summary_source: String,
    /// Suggested resolution steps.
    pub suggested_actions: Vec<String>,
    /// The triggers that fired.
    pub triggers: Vec<TriggerHit>,
    /// Priority.
    pub priority: Priority,
    /// Unresolved exchanges before the handoff.
    pub exchanges: u32,
}
