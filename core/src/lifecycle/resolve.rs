//! Resolved: the agent (or an admin) resolves the conversation with an outcome; the agent's
//! wrap-up keeps their slot until `wrap_up_done` or its time; the customer may rate it (`csat`);
//! a customer message before the reopen window ends reopens it (`handoff.resolution.reopen_to`),
//! after that it is forgotten.
//!
//! A resolved conversation stays in the state ([`Status::Resolved`]) with a timer at the end of
//! its wrap-up and of its reopen window (`index::timers`), so `next_wakeup` and a tick see both.

use super::context;
use super::events;
use super::{Flow, Vars};
use crate::config::{MessageKind, ReopenTo};
use crate::wire::input::{ClosedBy, ConversationClosed, Csat, Resolve, WrapUpDone};
use crate::wire::limits::MAX_TIME;
use crate::wire::output::Output;
use crate::wire::state::{Conversation, Status};

/// A resolved conversation being reopened: what [`Flow::reopen_start`] found.
pub(super) struct Reopening {
    /// Where it goes (`reopen_to`, or the AI when handoff is off or the team is closed).
    to: ReopenTo,
    /// The agent who resolved it.
    last: String,
    /// The outcome it was resolved with.
    outcome: String,
}

impl Reopening {
    /// Whether it is routed like a handoff (to the last agent or the queue), not given to the AI.
    pub(super) fn routed(&self) -> bool {
        self.to != ReopenTo::Ai
    }
}

impl Flow<'_> {
    /// `resolve`: the conversation is resolved with `outcome` and kept for the reopen window;
    /// the agent's slot is freed (and the queue served), or kept for the wrap-up; `resolved`,
    /// the customer told (`messages.resolved`, then `messages.csat_question` with
    /// `resolution.csat`), `conversation.resolved`.
    pub(super) fn resolve(&mut self, r: Resolve) {
        let id = r.conversation_id;
        let now = self.now;
        let Some((Status::Assigned { agent_id, since }, skill)) = self
            .state
            .conversations
            .get(&id)
            .map(|c| (c.status.clone(), c.required_skill.clone()))
        else {
            return;
        };
        self.observe_handle_time(skill.as_deref(), since);
        let resolution = &self.config.resolution;
        // Never past the last instant an input may carry, so the state stays restorable at the
        // end of the accepted range (a window may be 30 days).
        let until = |ms: i64| now.saturating_add(ms).min(MAX_TIME.max(now));
        let reopen_until = until(resolution.reopen_window_ms);
        let wrap_up_until = (resolution.wrap_up_ms > 0).then(|| until(resolution.wrap_up_ms));
        let csat = resolution.csat;
        let name = self.agent_name(&agent_id);
        let conv = self.conv(&id);
        conv.status = Status::Resolved {
            agent_id: agent_id.clone(),
            outcome: r.outcome.clone(),
            resolved_at: now,
            reopen_until,
            wrap_up_until,
            csat: None,
        };
        conv.transfer = None;
        conv.last_agent = None;
        *self
            .state
            .resolutions
            .by_outcome
            .entry(r.outcome.clone())
            .or_default() += 1;
        self.sync_timer(&id);
        if wrap_up_until.is_none() {
            self.release(&id, &agent_id);
        }
        self.out.push(Output::Resolved {
            conversation_id: id.clone(),
            agent_id: agent_id.clone(),
            by: r.by,
            outcome: r.outcome.clone(),
            note: r.note.clone(),
            reopen_until,
        });
        if let Some(until) = wrap_up_until {
            self.out.push(Output::WrapUpStarted {
                conversation_id: id.clone(),
                agent_id: agent_id.clone(),
                until,
            });
        }
        let vars = || Vars {
            agent_name: Some(name.clone()),
            ..Vars::default()
        };
        self.say(&id, MessageKind::Resolved, vars());
        if csat {
            self.say(&id, MessageKind::CsatQuestion, vars());
        }
        let event = events::resolved(&id, &agent_id, r.by, &r.outcome, r.note, reopen_until, now);
        self.event(&id, event, None);
        if wrap_up_until.is_none() {
            self.dispatch(None);
        }
    }

    /// `wrap_up_done`: the agent's slot is free again; the queue is served.
    pub(super) fn wrap_up_done(&mut self, w: WrapUpDone) {
        self.end_wrap_up(&w.conversation_id, "done");
        self.dispatch(None);
    }

    /// Ends the wrap-up of resolved `id`, if one is running: the agent's slot is freed and
    /// `wrap_up_ended` says why. The caller serves the queue.
    pub(super) fn end_wrap_up(&mut self, id: &str, reason: &str) {
        let Some(conv) = self.state.conversations.get_mut(id) else {
            return;
        };
        let Status::Resolved {
            agent_id,
            wrap_up_until,
            ..
        } = &mut conv.status
        else {
            return;
        };
        if wrap_up_until.take().is_none() {
            return;
        }
        let agent_id = agent_id.clone();
        self.sync_timer(id);
        self.release(id, &agent_id);
        self.out.push(Output::WrapUpEnded {
            conversation_id: id.to_string(),
            agent_id,
            reason: reason.to_string(),
        });
    }

    /// `csat`: the rating is kept on the resolution (one per resolution) and counted;
    /// `csat_recorded` and `conversation.csat`.
    pub(super) fn csat(&mut self, c: Csat) {
        let id = c.conversation_id;
        let Some(conv) = self.state.conversations.get_mut(&id) else {
            return;
        };
        let Status::Resolved {
            agent_id,
            outcome,
            csat,
            ..
        } = &mut conv.status
        else {
            return;
        };
        *csat = Some(c.score);
        let (agent_id, outcome) = (agent_id.clone(), outcome.clone());
        let stats = &mut self.state.resolutions;
        *stats.csat_by_score.entry(c.score.to_string()).or_default() += 1;
        stats.csat_score_sum += u64::from(c.score);
        self.out.push(Output::CsatRecorded {
            conversation_id: id.clone(),
            score: c.score,
            comment: c.comment.clone(),
            agent_id: agent_id.clone(),
            outcome: outcome.clone(),
        });
        let event = events::csat(&id, c.score, c.comment, &agent_id, &outcome, self.now);
        self.event(&id, event, None);
    }

    /// The customer writes (or asks for a person) in resolved `id`: the wrap-up ends, the
    /// conversation is open again with the AI and its counters restarted, as after
    /// `return_to_ai`. [`Flow::reopen_finish`] then says so and routes it, once the customer's
    /// message is in the history. `None` when `id` is not resolved.
    pub(super) fn reopen_start(&mut self, id: &str) -> Option<Reopening> {
        let Status::Resolved {
            agent_id, outcome, ..
        } = self.state.conversations.get(id)?.status.clone()
        else {
            return None;
        };
        self.end_wrap_up(id, "reopened");
        let to = if self.config.enabled && self.is_open() {
            self.config.resolution.reopen_to
        } else {
            ReopenTo::Ai
        };
        let conv = self.conv(id);
        conv.status = Status::Ai;
        restart(conv);
        self.sync_timer(id);
        Some(Reopening {
            to,
            last: agent_id,
            outcome,
        })
    }

    /// Says who answers the reopened `id` now (`reopened`, `conversation.reopened`) and routes
    /// it: with the AI, the agent who resolved it is offered it first at a later handoff; to
    /// `last_agent` it is offered to them when online and free, else (and to `queue`) routed
    /// like a new handoff. The queue is served with any slot the wrap-up freed.
    pub(super) fn reopen_finish(&mut self, id: &str, r: Reopening) {
        let now = self.now;
        if r.to == ReopenTo::Ai {
            self.conv(id).last_agent = Some(r.last.clone());
            self.out.push(Output::Reopened {
                conversation_id: id.to_string(),
                to: ReopenTo::Ai.name().into(),
                from_agent_id: r.last.clone(),
                agent_id: None,
                context: None,
            });
            let event = events::reopened(id, ReopenTo::Ai.name(), &r.last, &r.outcome, now);
            self.event(id, event, None);
            self.dispatch(None);
            return;
        }
        let conv = self.conv(id);
        conv.handoff_at = Some(now);
        if r.to == ReopenTo::LastAgent {
            conv.last_agent = Some(r.last.clone());
        }
        let conv = &self.state.conversations[id];
        let to_last = r.to == ReopenTo::LastAgent && self.lookup().is_available(&r.last, conv);
        let to = if to_last {
            ReopenTo::LastAgent
        } else {
            ReopenTo::Queue
        };
        let ctx = context::build(self.config, conv);
        self.out.push(Output::Reopened {
            conversation_id: id.to_string(),
            to: to.name().into(),
            from_agent_id: r.last.clone(),
            agent_id: to_last.then(|| r.last.clone()),
            context: Some(Box::new(ctx)),
        });
        let event = events::reopened(id, to.name(), &r.last, &r.outcome, now);
        self.event(id, event, None);
        self.route(id);
        // Not offered to them now: a later handoff starts from routing, not from this agent.
        if !to_last {
            self.conv(id).last_agent = None;
        }
        self.dispatch(None);
    }

    /// The reopen window of resolved `id` ended: it is forgotten (`closed` by `system`).
    pub(super) fn expire_resolved(&mut self, id: &str) {
        self.close(ConversationClosed {
            conversation_id: id.to_string(),
            by: ClosedBy::System,
            agent_id: None,
        });
    }
}

/// Restarts what the AI counts, as after `return_to_ai`.
fn restart(conv: &mut Conversation) {
    conv.exchanges = 0;
    conv.low_confidence_streak = 0;
    conv.turn_confidence_counted = false;
    conv.awaiting_ai = false;
    conv.deferred_until = None;
    conv.declined_by.clear();
    conv.queued_event_sent = false;
    conv.told_position = None;
    conv.queue_key = None;
    conv.transfer = None;
}
