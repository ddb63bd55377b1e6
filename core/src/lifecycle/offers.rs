//! To an agent: routing a conversation (or its fallback), offers, assignment, accepting and
//! withdrawing offers, and agents' presence.

use super::events;
use super::{Flow, Vars};
use crate::config::{Fallback, MessageKind, RoutingMethod};
use crate::wire::input::{AgentAction, AgentMessage, AgentUpdate};
use crate::wire::output::Output;
use crate::wire::state::{Agent, HistoryEntry, Presence, Role, Status};

impl Flow<'_> {
    /// Finds an agent for `id` now, or applies the fallback.
    pub(super) fn route(&mut self, id: &str) {
        let conv = &self.state.conversations[id];
        if let Some(agent) = self.lookup().choose(conv) {
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
                    let next = self.say_with_opening(id, MessageKind::QueueFull);
                    self.collect_callback(id, "queue_full", next);
                    return;
                }
                self.enqueue(id);
            }
            Fallback::Callback => {
                let next = self.say_with_opening(id, MessageKind::NoAgentAvailable);
                self.collect_callback(id, "no_agent_available", next);
            }
            Fallback::None => {
                self.say_with_opening(id, MessageKind::NoAgentAvailable);
                let until = self.now.saturating_add(60_000);
                let conv = self.conv(id);
                conv.status = Status::Ai;
                conv.deferred_until = Some(until);
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
            self.assign(id, agent_id);
            return;
        }
        let expires_at =
            now.saturating_add(i64::from(self.config.routing.offer_timeout_seconds) * 1000);
        self.conv(id).status = Status::Offered {
            agent_id: agent_id.to_string(),
            expires_at,
        };
        self.sync_timer(id);
        self.out.push(Output::Offered {
            conversation_id: id.to_string(),
            agent_id: agent_id.to_string(),
            expires_at,
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

    /// `agent_id` has `id` now: `assigned`, the customer told, and the event.
    pub(super) fn assign(&mut self, id: &str, agent_id: &str) {
        let now = self.now;
        let name = self.agent_name(agent_id);
        let conv = self.conv(id);
        conv.status = Status::Assigned {
            agent_id: agent_id.to_string(),
            since: now,
        };
        conv.queue_key = None;
        conv.told_position = None;
        let wait_ms = now.saturating_sub(conv.handoff_at.unwrap_or(now)).max(0);
        self.sync_timer(id);
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
    }

    /// An agent accepts an offer.
    pub(super) fn accept(&mut self, a: AgentAction) {
        self.assign(&a.conversation_id, &a.agent_id);
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
        // A missed offer usually means the agent stepped away: stop offering them conversations
        // (their other pending offers go to someone else) until they say they are online again.
        let mut also_withdraw = Vec::new();
        if reason == "expired" && self.config.routing.away_after_missed_offer {
            if let Some(agent) = self.state.agents.get_mut(&agent_id) {
                if agent.status == Presence::Online {
                    agent.status = Presence::Away;
                    also_withdraw = agent.active.iter().cloned().collect();
                    self.index
                        .agents
                        .refresh(self.config, self.state, &agent_id);
                    self.out.push(Output::AgentStatus {
                        agent_id: agent_id.clone(),
                        status: Presence::Away,
                        reason: "missed_offer".into(),
                    });
                }
            }
        }
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
            self.withdraw_offer(&other, "agent_unavailable");
        }
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
                    matches!(
                        self.state.conversations.get(*c).map(|c| &c.status),
                        Some(Status::Offered { .. })
                    )
                })
                .cloned()
                .collect();
            for conv in offered {
                self.withdraw_offer(&conv, "agent_unavailable");
            }
        }
        self.dispatch(None);
    }

    /// An agent writes to the customer: recorded in the history.
    pub(super) fn agent_message(&mut self, m: AgentMessage) {
        let now = self.now;
        self.conv(&m.conversation_id).history.push(HistoryEntry {
            role: Role::Agent,
            text: m.text,
            at: now,
            agent_id: Some(m.agent_id),
            sentiment: None,
            confidence: None,
        });
    }
}
