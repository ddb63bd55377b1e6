//! Waiting: joining the queue (at its old place after a declined offer), serving it in order
//! while agents are free, and telling customers their position when it changes.

use super::estimate::wait_text;
use super::events;
use super::{Flow, Vars};
use crate::config::MessageKind;
use crate::wire::output::Output;
use crate::wire::state::{Priority, QueueKey, Status};

impl Flow<'_> {
    /// Puts `id` in the queue (at its old place if it had one) without telling anyone.
    pub(super) fn queue_insert(&mut self, id: &str) {
        let now = self.now;
        self.state.seq += 1;
        let seq = self.state.seq;
        let conv = self.conv(id);
        // Waiting time counts from the handoff, so a conversation whose offer was declined keeps
        // its turn ahead of later ones.
        let key = conv.queue_key.clone().unwrap_or(QueueKey {
            rank: Priority::Urgent as u8 - conv.priority as u8,
            since: conv.handoff_at.unwrap_or(now),
            seq,
            conversation_id: id.to_string(),
        });
        conv.queue_key = Some(key.clone());
        conv.status = Status::Queued;
        self.state.queue.insert(key);
        let position = self
            .index
            .queue
            .insert(self.config, &self.state.conversations[id]);
        self.queue_moved_at(position);
    }

    /// Notes that a conversation joined or left the queue at `position`: the customers behind it
    /// moved.
    pub(super) fn queue_moved_at(&mut self, position: Option<u32>) {
        if position.is_some_and(|p| p <= self.config.routing.announce_positions_up_to) {
            self.front_moved = true;
        }
    }

    /// Sends the `conversation.queued` event for a conversation that waits in the queue, the
    /// first time it does (one that went straight on to an offer has not waited yet).
    pub(super) fn queued_event(&mut self, id: &str) {
        let Some(conv) = self.state.conversations.get(id) else {
            return;
        };
        if conv.status != Status::Queued || conv.queued_event_sent {
            return;
        }
        let position = conv.told_position.unwrap_or(0);
        let estimate = self.estimated_wait(id, position);
        let conv = &self.state.conversations[id];
        let event = events::queued(
            conv,
            position,
            self.state.queue.len() as u32,
            estimate,
            self.now,
        );
        self.conv(id).queued_event_sent = true;
        self.event(id, event, None);
    }

    /// Puts `id` in the queue, tells it its position, and sends `conversation.queued`.
    pub(super) fn enqueue(&mut self, id: &str) {
        self.queue_insert(id);
        self.update_positions(Some(id));
        self.queued_event(id);
    }

    /// Serves the queue in order while agents are free, then tells positions (and `tell` its
    /// position if it changed, wherever it is).
    ///
    /// Stops when nobody is free; under `skill_based` it passes over conversations needing a skill
    /// nobody free has (unless their skill wait is over) without looking at them
    /// ([`Lookup::next_to_serve`](super::routing::Lookup::next_to_serve)).
    pub(super) fn dispatch(&mut self, tell: Option<&str>) {
        let mut after: Option<QueueKey> = None;
        while let Some(key) = self.lookup().next_to_serve(after.as_ref()) {
            let conv = &self.state.conversations[&key.conversation_id];
            if let Some(agent) = self.lookup().choose(conv) {
                self.offer(&key.conversation_id, &agent);
            }
            after = Some(key);
        }
        self.update_positions(tell);
    }

    /// Tells the queued customers at positions up to `routing.announce_positions_up_to` whose
    /// position changed, in queue order (only when the queue changed that far forward), then
    /// `extra` if its position changed (a customer who has just joined, or asked again), wherever
    /// it is.
    pub(super) fn update_positions(&mut self, extra: Option<&str>) {
        if std::mem::take(&mut self.front_moved) {
            let length = self.state.queue.len() as u32;
            let up_to = self.config.routing.announce_positions_up_to;
            let front: Vec<String> = self
                .state
                .queue
                .iter()
                .take(up_to as usize)
                .map(|k| k.conversation_id.clone())
                .collect();
            for (i, id) in front.iter().enumerate() {
                self.tell_position(id, i as u32 + 1, length);
            }
        }
        if let Some(id) = extra {
            self.tell_position_if_changed(id);
        }
    }

    /// The queue position of `id`, when it is queued.
    pub(super) fn position_of(&self, id: &str) -> Option<u32> {
        let conv = self.state.conversations.get(id)?;
        if conv.status != Status::Queued {
            return None;
        }
        self.index.queue.position(conv.queue_key.as_ref()?)
    }

    /// Tells queued `id` its position if it changed since it was last told.
    pub(super) fn tell_position_if_changed(&mut self, id: &str) {
        if let Some(position) = self.position_of(id) {
            let length = self.state.queue.len() as u32;
            self.tell_position(id, position, length);
        }
    }

    /// Tells `id` it is at `position` of `length`, unless that is what it was last told.
    pub(super) fn tell_position(&mut self, id: &str, position: u32, length: u32) {
        if self
            .state
            .conversations
            .get(id)
            .is_none_or(|c| c.told_position == Some(position))
        {
            return;
        }
        let estimate = self.estimated_wait(id, position);
        let Some(conv) = self.state.conversations.get_mut(id) else {
            return;
        };
        let kind = if conv.told_position.is_none() {
            MessageKind::WaitingForAgent
        } else {
            MessageKind::QueuePositionChanged
        };
        conv.told_position = Some(position);
        self.out.push(Output::Queued {
            conversation_id: id.to_string(),
            position,
            queue_length: length,
            estimated_wait_seconds: estimate,
        });
        self.say(
            id,
            kind,
            Vars {
                position: Some(position),
                queue_length: Some(length),
                wait: estimate.map(wait_text),
                ..Vars::default()
            },
        );
    }
}
