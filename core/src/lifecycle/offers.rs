//! To an agent: routing a conversation (or its fallback), offers, assignment, accepting and
//! withdrawing offers, and agents' presence.

use super::events;
use super::{Flow, Vars};
use crate::config::{Fallback, MessageKind, RoutingMethod};
use crate::wire::input::{AgentAction, AgentUpdate};
use crate::wire::output::Output;
use crate::wire::state::{Agent, Presence, Status};

impl Flow<'_> {
    /// Finds an agent for `id` now, or applies the fallback.
    pub(super) fn route(&mut self, id: &str) {
        let conv = &self.state.conversations[id];
        // Back from the AI after a hand-back: the agent who gave it back first, when free.
        let last = conv
            .last_agent
            .clone()
            .filter(|a| self.lookup().is_available(a, conv));
        if let Some(agent) = last.or_else(|| self.lookup().choose(conv)) {
            self.offer(id, &agent);
            self.update_positions(None);
            return;
        }
        match self.config.routing.fallback {
            Fallback::Queue => {
                let full = self
                    .config
                    .routing
                    .max_queue_length
                    .is_some_and(|max| self.state.queue.len() as u64 >= u64::from(max));
                let requeue = self.state.conversations[id].queue_key.clone();
                if full && requeue.is_none() {
                    self.conv(id).transfer = None;
                    let next = self.say_with_opening(id, MessageKind::QueueFull);
                    self.collect_callback(id, "queue_full", next);
                    return;
                }
                self.enqueue(id);
            }
            Fallback::Callback => {
                self.conv(id).transfer = None;
                let next = self.say_with_opening(id, MessageKind::NoAgentAvailable);
                self.collect_callback(id, "no_agent_available", next);
            }
            Fallback::None => {
                self.say_with_opening(id, MessageKind::NoAgentAvailable);
                let until = self.now.saturating_add(60_000);
                let conv = self.conv(id);
                conv.status = Status::Ai;
                conv.deferred_until = Some(until);
                conv.transfer = None;
            }
        }
    }

    /// Offers `id` to `agent_id` (or assigns it, with `routing.auto_accept`); it leaves the queue.
    pub(super) fn offer(&mut self, id: &str, agent_id: &str) {
        let now = self.now;
        if let Some(key) = self
            .state
            .conversations
            .get(id)
            .and_then(|c| c.queue_key.clone())
        {
            self.state.queue.remove(&key);
            let position = self.index.queue.remove(id);
            self.queue_moved_at(position);
        }
        if self.config.routing.method == RoutingMethod::RoundRobin {
            self.state.round_robin_cursor = Some(agent_id.to_string());
        }
        let agent = self
            .state
            .agents
            .entry(agent_id.to_string())
            .or_insert_with(|| Agent::new(agent_id));
        agent.active.insert(id.to_string());
        agent.last_assigned_at = now;
        self.index.agents.refresh(self.config, self.state, agent_id);
        if self.config.routing.auto_accept {
            self.assign(id, agent_id, true);
            return;
        }
        let expires_at =
            now.saturating_add(i64::from(self.config.routing.offer_timeout_seconds) * 1000);
        self.conv(id).status = Status::Offered {
            agent_id: agent_id.to_string(),
            expires_at,
        };
        self.sync_timer(id);
        let transfer = self.transfer_info(id);
        self.out.push(Output::Offered {
            conversation_id: id.to_string(),
            agent_id: agent_id.to_string(),
            expires_at,
            transfer,
        });
    }

    /// The name customers see: the agent's presence update, their profile, else the id.
    pub(super) fn agent_name(&self, agent_id: &str) -> String {
        self.state
            .agents
            .get(agent_id)
            .and_then(|a| a.name.clone())
            .or_else(|| {
                let profile = self.index.agents.profile(self.config, agent_id);
                profile.and_then(|p| p.name.clone())
            })
            .unwrap_or_else(|| agent_id.to_string())
    }

    /// `agent_id` has `id` now: `assigned`, the customer told, and the event (and
    /// `conversation.transferred` when a transfer brought it). `auto_accepted`: no `offered`
    /// went before, so a `transfer_received` (agents only) carries what the agent learns of a
    /// transfer; `assigned` itself is for the customer too.
    pub(super) fn assign(&mut self, id: &str, agent_id: &str, auto_accepted: bool) {
        let now = self.now;
        let name = self.agent_name(agent_id);
        let transfer = if auto_accepted {
            self.transfer_info(id)
        } else {
            None
        };
        let conv = self.conv(id);
        conv.status = Status::Assigned {
            agent_id: agent_id.to_string(),
            since: now,
        };
        conv.queue_key = None;
        conv.told_position = None;
        conv.last_agent = None;
        let done = conv.transfer.take();
        let wait_ms = now.saturating_sub(conv.handoff_at.unwrap_or(now)).max(0);
        self.sync_timer(id);
        if let Some(transfer) = transfer {
            self.out.push(Output::TransferReceived {
                conversation_id: id.to_string(),
                agent_id: agent_id.to_string(),
                transfer,
            });
        }
        self.out.push(Output::Assigned {
            conversation_id: id.to_string(),
            agent_id: agent_id.to_string(),
            agent_name: name.clone(),
            wait_ms,
        });
        self.say(
            id,
            MessageKind::AgentConnected,
            Vars {
                agent_name: Some(name.clone()),
                ..Vars::default()
            },
        );
        let event = events::assigned(&self.state.conversations[id], agent_id, &name, wait_ms, now);
        self.event(id, event, None);
        if let Some(done) = done {
            let event = events::transferred(id, &done, agent_id, now);
            self.event(id, event, None);
        }
    }

    /// An agent accepts an offer (or a warm transfer's offer: the agents swap).
    pub(super) fn accept(&mut self, a: AgentAction) {
        let id = &a.conversation_id;
        let warm = self
            .state
            .conversations
            .get(id)
            .and_then(|c| c.warm_target());
        if warm == Some(a.agent_id.as_str()) {
            self.complete_warm(id, false);
        } else {
            self.assign(id, &a.agent_id, false);
        }
    }

    /// An agent declines an offer (or a warm transfer's offer: the first agent keeps it).
    pub(super) fn decline(&mut self, id: &str, agent_id: &str) {
        let warm = self
            .state
            .conversations
            .get(id)
            .and_then(|c| c.warm_target());
        if warm == Some(agent_id) {
            self.fail_warm(id, "declined");
        } else {
            self.withdraw_offer(id, "declined");
        }
    }

    /// Withdraws whatever `agent_id` is offered of `id`: an offer, or a warm transfer's offer.
    pub(super) fn withdraw_any_offer(&mut self, id: &str, agent_id: &str, reason: &str) {
        let Some(conv) = self.state.conversations.get(id) else {
            return;
        };
        if conv.warm_target() == Some(agent_id) {
            self.fail_warm(id, reason);
        } else if matches!(&conv.status, Status::Offered { agent_id: a, .. } if a == agent_id) {
            self.withdraw_offer(id, reason);
        }
    }

    /// Takes an offer back (declined, expired, or the agent left) and routes the conversation again.
    pub(super) fn withdraw_offer(&mut self, id: &str, reason: &str) {
        let Some(conv) = self.state.conversations.get_mut(id) else {
            return;
        };
        let Status::Offered { agent_id, .. } = conv.status.clone() else {
            return;
        };
        if reason != "agent_unavailable" {
            let until = self
                .now
                .saturating_add(i64::from(self.config.routing.offer_timeout_seconds) * 1000);
            conv.declined_by.insert(agent_id.clone(), until);
        }
        let queued_before = conv.queue_key.is_some();
        conv.status = Status::Queued;
        let failed_transfer = self.cold_transfer_failed(id, &agent_id, reason);
        self.sync_timer(id);
        if let Some(agent) = self.state.agents.get_mut(&agent_id) {
            agent.active.remove(id);
        }
        self.index
            .agents
            .refresh(self.config, self.state, &agent_id);
        self.out.push(Output::OfferWithdrawn {
            conversation_id: id.to_string(),
            agent_id: agent_id.clone(),
            reason: reason.into(),
        });
        if let Some(event) = failed_transfer {
            self.event(id, event, None);
        }
        let also_withdraw = self.missed_offer(&agent_id, reason);
        if queued_before || self.config.routing.fallback == Fallback::Queue {
            // Back in the queue at its turn (waiting time counts from the handoff); the queue is then
            // served in order, so it goes to another agent if one is free.
            self.queue_insert(id);
            self.dispatch(Some(id));
            self.queued_event(id);
        } else {
            // Not queueing: serve the queue with the freed agent, then find someone else or fall back.
            self.dispatch(None);
            self.route(id);
        }
        for other in also_withdraw {
            self.withdraw_any_offer(&other, &agent_id, "agent_unavailable");
        }
    }

    /// A missed offer usually means the agent stepped away: with
    /// `routing.away_after_missed_offer`, an agent whose offer `expired` is set away (and told
    /// so) until they say they are online again. Returns the conversations whose other pending
    /// offers to them are to be withdrawn.
    pub(super) fn missed_offer(&mut self, agent_id: &str, reason: &str) -> Vec<String> {
        if reason != "expired" || !self.config.routing.away_after_missed_offer {
            return Vec::new();
        }
        let Some(agent) = self.state.agents.get_mut(agent_id) else {
            return Vec::new();
        };
        if agent.status != Presence::Online {
            return Vec::new();
        }
        agent.status = Presence::Away;
        let others = agent.active.iter().cloned().collect();
        self.index.agents.refresh(self.config, self.state, agent_id);
        self.out.push(Output::AgentStatus {
            agent_id: agent_id.to_string(),
            status: Presence::Away,
            reason: "missed_offer".into(),
        });
        others
    }

    // ----- agents --------------------------------------------------------------------------

    /// An agent's presence, skills or capacity change; offers of an agent who left are withdrawn,
    /// and the queue is served.
    pub(super) fn agent_update(&mut self, u: AgentUpdate) {
        let info = u.agent;
        let agent = self
            .state
            .agents
            .entry(info.id.clone())
            .or_insert_with(|| Agent::new(&info.id));
        if let Some(name) = info.name {
            agent.name = Some(name);
        }
        if let Some(skills) = info.skills {
            agent.skills = skills.into_iter().map(|s| (s, 1)).collect();
        }
        if let Some(max) = info.max_concurrent {
            agent.max_concurrent = Some(max);
        }
        if let Some(status) = info.status {
            agent.status = status;
        }
        let status = agent.status;
        self.index.agents.refresh(self.config, self.state, &info.id);
        if status != Presence::Online {
            let active = self.state.agents.get(&info.id).map(|a| &a.active);
            let offered: Vec<String> = active
                .into_iter()
                .flatten()
                .filter(|c| {
                    self.state.conversations.get(*c).is_some_and(|c| {
                        matches!(c.status, Status::Offered { .. })
                            || c.warm_target() == Some(info.id.as_str())
                    })
                })
                .cloned()
                .collect();
            for conv in offered {
                self.withdraw_any_offer(&conv, &info.id, "agent_unavailable");
            }
        }
        self.dispatch(None);
    }
}
