//! When offers lapse, scheduled callbacks are due and resolved conversations' wrap-ups and reopen
//! windows end, in time order, so `next_wakeup` and a tick
//! read the earliest instead of walking every conversation.

use std::collections::{BTreeMap, BTreeSet};

use crate::wire::state::{Conversation, State, Status};

/// Offer expiries and callback times of open conversations.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Timers {
    /// `(when, conversation id)`.
    by_time: BTreeSet<(i64, String)>,
    /// Conversation id -> its time in `by_time`.
    of: BTreeMap<String, i64>,
    /// `(at, conversation id)` of the conversations whose callback is scheduled, in time order
    /// (the `callbacks` query reads a page of it).
    callbacks: BTreeSet<(i64, String)>,
}

/// The time a conversation waits for: its offer's expiry, its scheduled callback, or the end of
/// its wrap-up or reopen window (whichever is first).
pub(crate) fn timer_of(conv: &Conversation) -> Option<i64> {
    match &conv.status {
        Status::Resolved {
            wrap_up_until,
            reopen_until,
            ..
        } => Some(wrap_up_until.map_or(*reopen_until, |w| w.min(*reopen_until))),
        Status::Offered { expires_at, .. } => Some(*expires_at),
        Status::CallbackScheduled { at } => Some(*at),
        // A warm transfer's offer to its target.
        Status::Assigned { .. } => conv
            .transfer
            .as_ref()
            .and_then(|t| t.offer.as_ref())
            .map(|o| o.expires_at),
        _ => None,
    }
}

impl Timers {
    /// The timers of `state`.
    pub(crate) fn build(state: &State) -> Timers {
        let mut timers = Timers::default();
        for conv in state.conversations.values() {
            timers.sync(&conv.id, Some(conv));
        }
        timers
    }

    /// Puts conversation `id` where its status says (`None`: it is closed).
    pub(crate) fn sync(&mut self, id: &str, conv: Option<&Conversation>) {
        let callback = conv.and_then(|c| match c.status {
            Status::CallbackScheduled { at } => Some(at),
            _ => None,
        });
        if let Some(old) = self.of.get(id) {
            if callback != Some(*old) {
                self.callbacks.remove(&(*old, id.to_string()));
            }
        }
        if let Some(at) = callback {
            self.callbacks.insert((at, id.to_string()));
        }
        let new = conv.and_then(timer_of);
        if self.of.get(id).copied() == new {
            return;
        }
        if let Some(old) = self.of.remove(id) {
            self.by_time.remove(&(old, id.to_string()));
        }
        if let Some(t) = new {
            self.by_time.insert((t, id.to_string()));
            self.of.insert(id.to_string(), t);
        }
    }

    /// The scheduled callbacks in time order: `(at, conversation id)`.
    pub(crate) fn callbacks(&self) -> impl Iterator<Item = &(i64, String)> {
        self.callbacks.iter()
    }

    /// How many callbacks are scheduled.
    pub(crate) fn callbacks_len(&self) -> usize {
        self.callbacks.len()
    }

    /// The earliest timer.
    pub(crate) fn first(&self) -> Option<i64> {
        self.by_time.first().map(|(t, _)| *t)
    }

    /// Conversations whose timer is at or before `now`, by id (the order a walk over the state's
    /// conversations gives).
    pub(crate) fn due(&self, now: i64) -> Vec<String> {
        let mut ids: Vec<String> = self
            .by_time
            .iter()
            .take_while(|(t, _)| *t <= now)
            .map(|(_, id)| id.clone())
            .collect();
        ids.sort_unstable();
        ids
    }
}
