//! A person holds the conversation: the agent's messages go to the customer, the customer's to
//! the agent, private notes stay on the agents' side, and the agent may give the conversation back
//! to the AI (which is silent until then: `check` refuses an `ai_reply` while a person holds or is
//! offered the conversation).

use super::events;
use super::{Flow, Vars};
use crate::config::MessageKind;
use crate::wire::input::{AgentMessage, ReturnToAi};
use crate::wire::output::Output;
use crate::wire::state::{HistoryEntry, Role, Status};

impl Flow<'_> {
    /// An agent writes to the customer: the history, `agent_message` for the customer, and
    /// `conversation.message`.
    pub(super) fn agent_message(&mut self, m: AgentMessage) {
        self.agent_message_as(m, None);
    }

    /// [`Flow::agent_message`] shown under `name` when given (a helpdesk user who is not one of
    /// our agents), else under the agent's own.
    pub(super) fn agent_message_as(&mut self, m: AgentMessage, name: Option<String>) {
        let id = m.conversation_id;
        let name = name.unwrap_or_else(|| self.agent_name(&m.agent_id));
        self.record(&id, Role::Agent, &m.text, &m.agent_id);
        self.out.push(Output::AgentMessage {
            conversation_id: id.clone(),
            agent_id: m.agent_id.clone(),
            agent_name: name,
            text: m.text.clone(),
        });
        let event = events::message(&id, "agent", Some(&m.agent_id), &m.text, self.now);
        self.event(&id, event, None);
    }

    /// An agent writes a private note: the history (as a note), `agent_note` for the agents'
    /// side and `conversation.note`; nothing for the customer.
    pub(super) fn agent_note(&mut self, m: AgentMessage) {
        let id = m.conversation_id;
        self.record(&id, Role::AgentNote, &m.text, &m.agent_id);
        self.out.push(Output::AgentNote {
            conversation_id: id.clone(),
            agent_id: m.agent_id.clone(),
            text: m.text.clone(),
        });
        let event = events::note(&id, &m.agent_id, &m.text, self.now);
        self.event(&id, event, None);
    }

    /// Appends an agent's line to the history of `id`.
    fn record(&mut self, id: &str, role: Role, text: &str, agent_id: &str) {
        let now = self.now;
        self.conv(id).history.push(HistoryEntry {
            role,
            text: text.to_string(),
            at: now,
            agent_id: Some(agent_id.to_string()),
            sentiment: None,
            confidence: None,
        });
    }

    /// The customer wrote while queued, offered or assigned (already in the history):
    /// `customer_message` for the agent who holds or is offered it (nobody while queued), another
    /// for a warm transfer's target (who is reading the conversation before taking it), and
    /// `conversation.message`.
    pub(super) fn relay_customer_message(&mut self, id: &str, text: &str) {
        let (agent, warm_target) = self
            .state
            .conversations
            .get(id)
            .map(|c| {
                (
                    c.agent().map(str::to_string),
                    c.warm_target().map(str::to_string),
                )
            })
            .unwrap_or_default();
        self.out.push(Output::CustomerMessage {
            conversation_id: id.to_string(),
            agent_id: agent,
            text: text.to_string(),
        });
        if let Some(target) = warm_target {
            self.out.push(Output::CustomerMessage {
                conversation_id: id.to_string(),
                agent_id: Some(target),
                text: text.to_string(),
            });
        }
        let event = events::message(id, "customer", None, text, self.now);
        self.event(id, event, None);
    }

    /// The holding agent gives the conversation back to the AI: it stays open with its history,
    /// the agent is released (and serves the queue), the exchange and confidence counters
    /// restart, the customer is told (`returned_to_ai`), the AI's host gets `returned_to_ai`
    /// with the note, and `conversation.returned_to_ai` goes out. A later handoff offers it to
    /// this agent first when they are online and free.
    pub(super) fn return_to_ai(&mut self, r: ReturnToAi) {
        let id = r.conversation_id;
        let agent_id = r.agent_id;
        let name = self.agent_name(&agent_id);
        let conv = self.conv(&id);
        conv.status = Status::Ai;
        conv.exchanges = 0;
        conv.low_confidence_streak = 0;
        conv.turn_confidence_counted = false;
        conv.awaiting_ai = false;
        conv.deferred_until = None;
        conv.declined_by.clear();
        conv.queued_event_sent = false;
        conv.told_position = None;
        conv.transfer = None;
        conv.last_agent = Some(agent_id.clone());
        self.sync_timer(&id);
        self.release(&id, &agent_id);
        self.out.push(Output::ReturnedToAi {
            conversation_id: id.clone(),
            agent_id: agent_id.clone(),
            note: r.note.clone(),
        });
        let vars = Vars {
            agent_name: Some(name),
            ..Vars::default()
        };
        self.say(&id, MessageKind::ReturnedToAi, vars);
        let event = events::returned_to_ai(&id, &agent_id, r.note, self.now);
        self.event(&id, event, None);
        self.dispatch(None);
    }

    /// `agent_id` no longer counts `id` among its conversations (its capacity is freed).
    pub(super) fn release(&mut self, id: &str, agent_id: &str) {
        if let Some(agent) = self.state.agents.get_mut(agent_id) {
            agent.active.remove(id);
        }
        self.index.agents.refresh(self.config, self.state, agent_id);
    }
}
