//! Transfers: the holding agent (or an admin) passes an assigned conversation to a named agent,
//! an agent with a skill, or the queue.
//!
//! - **Cold** (the default): the first agent lets go at once (`agent_left`, capacity freed, the
//!   queue served) and the conversation is routed to the target as a handoff is, from the
//!   transfer's time (`handoff_at`): a named agent is offered it; a skill is routed by
//!   `skill_based` routing with that skill required; the queue takes it in order. The first
//!   agent is not offered it back for `routing.offer_timeout_seconds`. Every offer until an
//!   agent has it carries the transfer (`offered.transfer`: who, the note, the context package);
//!   the assignment sends `conversation.transferred`. When a named target declines, lets the
//!   offer lapse or goes away, `conversation.transfer_failed` (fallback `routing`) and the
//!   conversation is routed again like any waiting one (queued with `routing.fallback` `queue`).
//! - **Warm** (to a named agent only): the target is offered it while the first agent keeps it
//!   (and keeps talking); on accept they swap (`agent_left` for the first, `assigned` for the
//!   target, `conversation.transferred`); on decline, lapse or the target going away the first
//!   agent simply keeps it (`offer_withdrawn`, `conversation.transfer_failed` with fallback
//!   `first_agent`).
//!
//! `check` refuses a transfer of a conversation nobody holds, by an agent who does not hold it,
//! during a warm transfer, to an unknown or unavailable agent, or to an unknown skill.

use super::context;
use super::events;
use super::Flow;
use crate::wire::event::Event;
use crate::wire::input;
use crate::wire::output::{Output, TransferInfo};
use crate::wire::state::{Agent, Status, Transfer, TransferMode, TransferTarget, WarmOffer};

impl Flow<'_> {
    /// A `transfer` that [`crate::check`] accepted (the conversation is assigned).
    pub(super) fn transfer(&mut self, t: input::Transfer) {
        let id = t.conversation_id;
        let Some(from) = self
            .state
            .conversations
            .get(&id)
            .and_then(|c| c.agent())
            .map(str::to_string)
        else {
            return;
        };
        let record = Transfer {
            mode: t.mode,
            by: t.by,
            from_agent_id: from.clone(),
            to: t.to,
            note: t.note,
            at: self.now,
            offer: None,
        };
        match (&record.mode, &record.to) {
            (TransferMode::Warm, TransferTarget::Agent(target)) => {
                let target = target.clone();
                self.warm_offer(&id, record, &target);
            }
            _ => self.cold(&id, record, &from),
        }
    }

    /// What the next agent learns of the transfer under way for `id`, if any.
    pub(super) fn transfer_info(&self, id: &str) -> Option<Box<TransferInfo>> {
        let conv = self.state.conversations.get(id)?;
        let t = conv.transfer.as_ref()?;
        Some(Box::new(TransferInfo {
            from_agent_id: t.from_agent_id.clone(),
            by: t.by,
            mode: t.mode,
            note: t.note.clone(),
            context: context::build(self.config, conv),
        }))
    }

    /// A cold transfer: the first agent lets go, then the conversation goes to its target.
    fn cold(&mut self, id: &str, record: Transfer, from: &str) {
        let now = self.now;
        let cooldown =
            now.saturating_add(i64::from(self.config.routing.offer_timeout_seconds) * 1000);
        let to = record.to.clone();
        let conv = self.conv(id);
        conv.status = Status::Queued;
        conv.handoff_at = Some(now);
        conv.told_position = None;
        conv.queued_event_sent = false;
        conv.declined_by.insert(from.to_string(), cooldown);
        if let TransferTarget::Skill(skill) = &to {
            conv.required_skill = Some(skill.clone());
        }
        conv.transfer = Some(record);
        self.sync_timer(id);
        self.release(id, from);
        self.out.push(Output::AgentLeft {
            conversation_id: id.to_string(),
            agent_id: from.to_string(),
            reason: "transferred".into(),
        });
        match to {
            TransferTarget::Agent(target) => {
                self.offer(id, &target);
                self.dispatch(None);
            }
            TransferTarget::Skill(_) => {
                self.route(id);
                self.dispatch(None);
            }
            TransferTarget::Queue(_) => {
                self.queue_insert(id);
                self.dispatch(Some(id));
                self.queued_event(id);
            }
        }
    }

    /// A warm transfer: `target` is offered `id` while the first agent keeps it (with
    /// `routing.auto_accept`, they swap at once).
    fn warm_offer(&mut self, id: &str, mut record: Transfer, target: &str) {
        let now = self.now;
        let expires_at =
            now.saturating_add(i64::from(self.config.routing.offer_timeout_seconds) * 1000);
        let agent = self
            .state
            .agents
            .entry(target.to_string())
            .or_insert_with(|| Agent::new(target));
        agent.active.insert(id.to_string());
        agent.last_assigned_at = now;
        self.index.agents.refresh(self.config, self.state, target);
        record.offer = Some(WarmOffer {
            agent_id: target.to_string(),
            expires_at,
        });
        self.conv(id).transfer = Some(record);
        self.sync_timer(id);
        if self.config.routing.auto_accept {
            self.complete_warm(id, true);
            return;
        }
        let transfer = self.transfer_info(id);
        self.out.push(Output::Offered {
            conversation_id: id.to_string(),
            agent_id: target.to_string(),
            expires_at,
            transfer,
        });
    }

    /// The warm transfer's target accepted: the first agent lets go (`agent_left`) and the
    /// target has it (`assigned`, `conversation.transferred`); the first agent serves the queue.
    pub(super) fn complete_warm(&mut self, id: &str, auto_accepted: bool) {
        let Some(conv) = self.state.conversations.get_mut(id) else {
            return;
        };
        let Some(transfer) = conv.transfer.as_mut() else {
            return;
        };
        let Some(offer) = transfer.offer.take() else {
            return;
        };
        let from = transfer.from_agent_id.clone();
        // The wait the target's `assigned` reports counts from the transfer.
        conv.handoff_at = Some(transfer.at);
        self.release(id, &from);
        self.out.push(Output::AgentLeft {
            conversation_id: id.to_string(),
            agent_id: from,
            reason: "transferred".into(),
        });
        self.assign(id, &offer.agent_id, auto_accepted);
        self.dispatch(None);
    }

    /// The warm transfer's target declined, let it lapse, or went away (`reason`): the offer is
    /// withdrawn and the first agent keeps the conversation (`conversation.transfer_failed`).
    pub(super) fn fail_warm(&mut self, id: &str, reason: &str) {
        let Some(conv) = self.state.conversations.get_mut(id) else {
            return;
        };
        let Some(record) = conv.transfer.take() else {
            return;
        };
        let Some(offer) = &record.offer else {
            return;
        };
        let target = offer.agent_id.clone();
        self.sync_timer(id);
        self.release(id, &target);
        self.out.push(Output::OfferWithdrawn {
            conversation_id: id.to_string(),
            agent_id: target.clone(),
            reason: reason.into(),
        });
        let event = events::transfer_failed(id, &record, &target, reason, "first_agent", self.now);
        self.event(id, event, None);
        for other in self.missed_offer(&target, reason) {
            self.withdraw_any_offer(&other, &target, "agent_unavailable");
        }
        self.dispatch(None);
    }

    /// When the withdrawn offer of `id` to `agent_id` was a cold transfer's to that very agent:
    /// the transfer failed (its event, returned for the caller to send after `offer_withdrawn`),
    /// and it goes on as a transfer to wherever routing takes it.
    pub(super) fn cold_transfer_failed(
        &mut self,
        id: &str,
        agent_id: &str,
        reason: &str,
    ) -> Option<Event> {
        let conv = self.state.conversations.get_mut(id)?;
        let record = conv.transfer.as_mut()?;
        if record.to != TransferTarget::Agent(agent_id.to_string()) {
            return None;
        }
        let event = events::transfer_failed(id, record, agent_id, reason, "routing", self.now);
        record.to = TransferTarget::Queue(true);
        Some(event)
    }
}
