//! The webhook events of a conversation's transitions, built from its state: the bodies receivers
//! get, typed ([`crate::wire::event::Event`]), in a fixed field order.
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
//! The others (`conversation.queued`, `.assigned`, `.callback_requested`, `.closed`) follow the same
//! envelope; each `data` is a typed struct of [`crate::wire::event`], written in its field order.

use crate::wire::event::{
    timestamp, Assigned, CallbackRequested, Closed, CsatData, Event, EventCallback, EventCustomer,
    EventData, EventName, HandoffRequested, MessageData, Note, Queued, ReopenedData, ResolvedData,
    ReturnedToAi, TransferFailed, Transferred,
};
use crate::wire::input::{Customer, TransferBy};
use crate::wire::state::{Callback, Conversation, Transfer};

fn envelope(event: EventName, now: i64, data: EventData) -> Event {
    Event {
        event,
        timestamp: timestamp(now),
        data,
    }
}

fn customer(c: &Customer) -> EventCustomer {
    EventCustomer {
        id: c.id.clone(),
        name: c.name.clone(),
        email: c.email.clone(),
    }
}

/// `conversation.handoff_requested`.
pub(crate) fn handoff_requested(
    conv: &Conversation,
    primary: &str,
    summary: &str,
    suggested_actions: &[String],
    now: i64,
) -> Event {
    let data = HandoffRequested {
        conversation_id: conv.id.clone(),
        customer: customer(&conv.customer),
        trigger: primary.to_string(),
        sentiment_score: conv.history.iter().rev().find_map(|h| h.sentiment),
        summary: summary.to_string(),
        suggested_actions: suggested_actions.to_vec(),
        priority: conv.priority,
    };
    envelope(
        EventName::HandoffRequested,
        now,
        EventData::HandoffRequested(data),
    )
}

/// `conversation.queued`.
pub(crate) fn queued(
    conv: &Conversation,
    position: u32,
    queue_length: u32,
    estimated_wait_seconds: Option<u64>,
    now: i64,
) -> Event {
    let data = Queued {
        conversation_id: conv.id.clone(),
        position,
        queue_length,
        priority: conv.priority,
        estimated_wait_seconds,
    };
    envelope(EventName::Queued, now, EventData::Queued(data))
}

/// `conversation.assigned`.
pub(crate) fn assigned(
    conv: &Conversation,
    agent_id: &str,
    agent_name: &str,
    wait_ms: i64,
    now: i64,
) -> Event {
    let data = Assigned {
        conversation_id: conv.id.clone(),
        agent_id: agent_id.to_string(),
        agent_name: agent_name.to_string(),
        wait_seconds: wait_ms / 1000,
        priority: conv.priority,
    };
    envelope(EventName::Assigned, now, EventData::Assigned(data))
}

/// `conversation.callback_requested`.
pub(crate) fn callback_requested(
    conv: &Conversation,
    callback: &Callback,
    summary: &str,
    now: i64,
) -> Event {
    let data = CallbackRequested {
        conversation_id: conv.id.clone(),
        customer: customer(&conv.customer),
        callback: EventCallback {
            name: callback.name.clone(),
            phone: callback.phone.clone(),
            email: callback.email.clone(),
            preferred_time: callback.preferred_time.clone(),
        },
        summary: summary.to_string(),
        priority: conv.priority,
    };
    envelope(
        EventName::CallbackRequested,
        now,
        EventData::CallbackRequested(data),
    )
}

/// `conversation.closed`.
pub(crate) fn closed(conv: &Conversation, by: &str, agent_id: Option<&str>, now: i64) -> Event {
    let data = Closed {
        conversation_id: conv.id.clone(),
        closed_by: by.to_string(),
        agent_id: agent_id.map(str::to_string),
    };
    envelope(EventName::Closed, now, EventData::Closed(data))
}

/// `conversation.message`: `from` is `customer` (no `agent_id`) or `agent`.
pub(crate) fn message(
    conversation_id: &str,
    from: &str,
    agent_id: Option<&str>,
    text: &str,
    now: i64,
) -> Event {
    let data = MessageData {
        conversation_id: conversation_id.to_string(),
        from: from.to_string(),
        agent_id: agent_id.map(str::to_string),
        text: text.to_string(),
    };
    envelope(EventName::Message, now, EventData::Message(data))
}

/// `conversation.note`.
pub(crate) fn note(conversation_id: &str, agent_id: &str, text: &str, now: i64) -> Event {
    let data = Note {
        conversation_id: conversation_id.to_string(),
        agent_id: agent_id.to_string(),
        text: text.to_string(),
    };
    envelope(EventName::Note, now, EventData::Note(data))
}

/// `conversation.returned_to_ai`.
pub(crate) fn returned_to_ai(
    conversation_id: &str,
    agent_id: &str,
    note: Option<String>,
    now: i64,
) -> Event {
    let data = ReturnedToAi {
        conversation_id: conversation_id.to_string(),
        agent_id: agent_id.to_string(),
        note,
    };
    envelope(EventName::ReturnedToAi, now, EventData::ReturnedToAi(data))
}

/// `conversation.transferred`: `transfer` reached `to_agent_id`.
pub(crate) fn transferred(
    conversation_id: &str,
    transfer: &Transfer,
    to_agent_id: &str,
    now: i64,
) -> Event {
    let data = Transferred {
        conversation_id: conversation_id.to_string(),
        from_agent_id: transfer.from_agent_id.clone(),
        to_agent_id: to_agent_id.to_string(),
        by: transfer.by.name().to_string(),
        mode: transfer.mode.name().to_string(),
        note: transfer.note.clone(),
    };
    envelope(EventName::Transferred, now, EventData::Transferred(data))
}

/// `conversation.transfer_failed`: `to_agent_id` did not take it (`reason`); `fallback` says
/// what happens instead (`first_agent` or `routing`).
pub(crate) fn transfer_failed(
    conversation_id: &str,
    transfer: &Transfer,
    to_agent_id: &str,
    reason: &str,
    fallback: &str,
    now: i64,
) -> Event {
    let data = TransferFailed {
        conversation_id: conversation_id.to_string(),
        from_agent_id: transfer.from_agent_id.clone(),
        to_agent_id: to_agent_id.to_string(),
        mode: transfer.mode.name().to_string(),
        reason: reason.to_string(),
        fallback: fallback.to_string(),
    };
    envelope(
        EventName::TransferFailed,
        now,
        EventData::TransferFailed(data),
    )
}

/// `conversation.resolved`.
pub(crate) fn resolved(
    conversation_id: &str,
    agent_id: &str,
    by: TransferBy,
    outcome: &str,
    note: Option<String>,
    reopen_until: i64,
    now: i64,
) -> Event {
    let data = ResolvedData {
        conversation_id: conversation_id.to_string(),
        agent_id: agent_id.to_string(),
        resolved_by: by.name().to_string(),
        outcome: outcome.to_string(),
        note,
        reopen_until: timestamp(reopen_until),
    };
    envelope(EventName::Resolved, now, EventData::Resolved(data))
}

/// `conversation.reopened`: `to` is `ai`, `last_agent` or `queue`.
pub(crate) fn reopened(
    conversation_id: &str,
    to: &str,
    from_agent_id: &str,
    outcome: &str,
    now: i64,
) -> Event {
    let data = ReopenedData {
        conversation_id: conversation_id.to_string(),
        reopened_to: to.to_string(),
        from_agent_id: from_agent_id.to_string(),
        outcome: outcome.to_string(),
    };
    envelope(EventName::Reopened, now, EventData::Reopened(data))
}

/// `conversation.csat`.
pub(crate) fn csat(
    conversation_id: &str,
    score: u32,
    comment: Option<String>,
    agent_id: &str,
    outcome: &str,
    now: i64,
) -> Event {
    let data = CsatData {
        conversation_id: conversation_id.to_string(),
        score,
        comment,
        agent_id: agent_id.to_string(),
        outcome: outcome.to_string(),
    };
    envelope(EventName::Csat, now, EventData::Csat(data))
}
