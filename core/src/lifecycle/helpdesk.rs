//! A helpdesk's webhook reported something (`helpdesk_event`): the conversation its ticket
//! belongs to gets the agent's message, note, close or hand-back through the same paths as the
//! agent's own inputs; the helpdesk it came from is not written to again (it has it).

use super::Flow;
use crate::check::helpdesk::{agent_of, ignored, transfer_of};
use crate::wire::input::{
    AgentMessage, ConversationClosed, HelpdeskEvent, HelpdeskKind, Resolve, ReturnToAi, TransferBy,
};
use crate::wire::state::Status;
use crate::wire::values::ClosedBy;

impl Flow<'_> {
    /// Applies a `helpdesk_event` that `check` accepted: nothing for an event seen already or
    /// written by the engine itself; otherwise the event id is remembered and the message, note,
    /// close or hand-back applied as from the vendor's author (our agent per `agent_map`, else
    /// `{integration}:{vendor user id}`).
    pub(super) fn helpdesk_event(&mut self, e: HelpdeskEvent) {
        let found =
            self.index
                .helpdesk
                .find(&e.integration_id, e.vendor_ref.as_str(), &e.vendor_id);
        let Some(id) = found.map(str::to_string) else {
            return;
        };
        if ignored(self.config, self.state, &id, &e) || !self.state.conversations.contains_key(&id)
        {
            return;
        }
        self.remember(&format!("{}:{id}", e.integration_id), &e.event_id);
        let mapped = agent_of(self.config, &e.integration_id, &e.author.id);
        // Our agent is shown under their own name; another helpdesk user under theirs.
        let name = if mapped.is_some() {
            None
        } else {
            e.author.name.clone()
        };
        let agent_id = mapped.unwrap_or_else(|| format!("{}:{}", e.integration_id, e.author.id));
        self.origin = Some(e.integration_id.clone());
        match e.kind {
            HelpdeskKind::Message => {
                let m = AgentMessage {
                    conversation_id: id,
                    agent_id,
                    text: e.text,
                };
                self.agent_message_as(m, name);
            }
            HelpdeskKind::Note => self.agent_note(AgentMessage {
                conversation_id: id,
                agent_id,
                text: e.text,
            }),
            HelpdeskKind::Close => self.helpdesk_close(id),
            HelpdeskKind::ReturnToAi => {
                // Given back by whoever holds it; nothing when nobody does.
                let holder = self
                    .state
                    .conversations
                    .get(&id)
                    .and_then(|c| match &c.status {
                        Status::Assigned { agent_id, .. } => Some(agent_id.clone()),
                        _ => None,
                    });
                if let Some(agent_id) = holder {
                    let note = (!e.text.trim().is_empty()).then_some(e.text);
                    self.return_to_ai(ReturnToAi {
                        conversation_id: id,
                        agent_id,
                        note,
                    });
                }
            }
            HelpdeskKind::Transfer => {
                if let Some(t) = transfer_of(self.config, self.state, &id, &e) {
                    self.transfer(t);
                }
            }
        }
        self.origin = None;
    }

    /// The ticket was solved or closed in the helpdesk: an assigned conversation is resolved
    /// (by an admin, for the helpdesk's user is not ours to name; outcome `solved` when
    /// configured, else the first of `resolution.outcomes`), so a later customer message reopens
    /// it as configured; one already resolved stays so; any other (queued, offered, a warm
    /// transfer under way) is closed, as its agent would close it.
    fn helpdesk_close(&mut self, id: String) {
        let Some(conv) = self.state.conversations.get(&id) else {
            return;
        };
        match &conv.status {
            Status::Resolved { .. } => {}
            Status::Assigned { .. } if conv.warm_target().is_none() => {
                let outcomes = &self.config.resolution.outcomes;
                let outcome = outcomes
                    .iter()
                    .find(|o| *o == "solved")
                    .or_else(|| outcomes.first())
                    .cloned();
                match outcome {
                    Some(outcome) => self.resolve(Resolve {
                        conversation_id: id,
                        by: TransferBy::Admin,
                        agent_id: None,
                        outcome,
                        note: None,
                    }),
                    None => self.close(ConversationClosed {
                        conversation_id: id,
                        by: ClosedBy::Agent,
                        agent_id: None,
                    }),
                }
            }
            _ => self.close(ConversationClosed {
                conversation_id: id,
                by: ClosedBy::Agent,
                agent_id: None,
            }),
        }
    }

    /// Remembers `event_id` in the chain `key` (bounded: `Chain::remember_seen`).
    fn remember(&mut self, key: &str, event_id: &str) {
        let now = self.now;
        if let Some(chain) = self.state.integration_chains.get_mut(key) {
            chain.remember_seen(event_id, now);
        }
    }
}
