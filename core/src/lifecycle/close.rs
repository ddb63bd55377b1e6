//! Closing a conversation, and what time alone does: offers that expire, callbacks that come
//! due, deliveries to retry (a tick).

use super::events;
use super::Flow;
use crate::outbox;
use crate::wire::input::ConversationClosed;
use crate::wire::output::Output;
use crate::wire::state::{Conversation, Status};

impl Flow<'_> {
    /// A conversation ends: it leaves the queue and its agent, `closed` (and its event, when it
    /// was handed off); the freed agent serves the queue.
    pub(super) fn close(&mut self, c: ConversationClosed) {
        let id = c.conversation_id;
        let Some(conv) = self.state.conversations.remove(&id) else {
            return;
        };
        self.index.timers.sync(&id, None);
        if let Some(key) = &conv.queue_key {
            self.state.queue.remove(key);
            let position = self.index.queue.remove(&id);
            self.queue_moved_at(position);
        }
        // The agent it is offered to frees the slot and hears the offer is gone; only the agent
        // who held it (assigned) is the one who closed or was closed on.
        if let Status::Offered { agent_id, .. } = &conv.status {
            self.out.push(Output::OfferWithdrawn {
                conversation_id: id.clone(),
                agent_id: agent_id.clone(),
                reason: "closed".into(),
            });
        }
        // A warm transfer's target hears its offer is gone too.
        if let Some(target) = conv.warm_target() {
            self.out.push(Output::OfferWithdrawn {
                conversation_id: id.clone(),
                agent_id: target.to_string(),
                reason: "closed".into(),
            });
            self.release(&id, target);
        }
        if let Some(agent) = conv.agent() {
            self.release(&id, agent);
        }
        // A resolved conversation's wrap-up ends with it.
        if let Some(agent) = conv.wrap_up_agent() {
            self.release(&id, agent);
            self.out.push(Output::WrapUpEnded {
                conversation_id: id.clone(),
                agent_id: agent.to_string(),
                reason: "closed".into(),
            });
        }
        let agent_id = match &conv.status {
            Status::Assigned { agent_id, .. } | Status::Resolved { agent_id, .. } => {
                Some(agent_id.clone())
            }
            _ => None,
        };
        // An agent's time with it, for the estimated waits (a resolved one counted at its
        // resolution).
        if let Status::Assigned { since, .. } = &conv.status {
            self.observe_handle_time(conv.required_skill.as_deref(), *since);
        }
        let by = serde_json::to_value(c.by)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        self.out.push(Output::Closed {
            conversation_id: id.clone(),
            by: c.by,
            agent_id: agent_id.clone(),
        });
        // Webhooks hear about conversations that were handed off, not every AI-only chat.
        if conv.handoff_at.is_some() {
            let event = events::closed(&conv, &by, agent_id.as_deref(), self.now);
            self.event(&id, event, None);
        }
        self.dispatch(None);
    }

    /// Time passes: offers expire, callbacks come due, wrap-ups end, resolved conversations past
    /// their reopen window are forgotten, deliveries are retried, the queue is served.
    pub(super) fn tick(&mut self) {
        let now = self.now;
        let is_offered = |c: &Conversation| {
            matches!(c.status, Status::Offered { .. }) || c.warm_target().is_some()
        };
        for id in self.lookup().due(is_offered) {
            if self.state.conversations[&id].warm_target().is_some() {
                self.fail_warm(&id, "expired");
            } else {
                self.withdraw_offer(&id, "expired");
            }
        }
        let is_scheduled = |c: &Conversation| matches!(c.status, Status::CallbackScheduled { .. });
        for id in self.lookup().due(is_scheduled) {
            self.request_callback(&id);
        }
        let is_resolved = |c: &Conversation| matches!(c.status, Status::Resolved { .. });
        for id in self.lookup().due(is_resolved) {
            let Some(Status::Resolved {
                wrap_up_until,
                reopen_until,
                ..
            }) = self.state.conversations.get(&id).map(|c| &c.status)
            else {
                continue;
            };
            let (wrap_up_over, window_over) = (
                wrap_up_until.is_some_and(|t| t <= now),
                *reopen_until <= now,
            );
            if wrap_up_over {
                self.end_wrap_up(&id, "expired");
            }
            if window_over {
                self.expire_resolved(&id);
            }
        }
        outbox::on_tick(
            &self.config.deliveries.retry_schedule_ms,
            self.state,
            now,
            &mut self.out,
        );
        self.dispatch(None);
    }
}
