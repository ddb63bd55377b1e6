//! The queue, indexed: positions ([`Ranked`]), the deadlines of queued conversations (the end of a
//! skill wait or of a decline cooldown: the earliest, or whether one fell in a time span, in
//! O(log n)), and for `skill_based` the queue split by the skill each conversation needs, with the
//! conversations whose skill wait is over apart, so serving the queue finds the next conversation
//! some free agent can take without walking past the ones nobody can.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use super::ranked::Ranked;
use crate::config::{Config, RoutingMethod};
use crate::wire::state::{Conversation, QueueKey, State};

/// When a conversation needing a skill may go to any agent (epoch ms), if ever: its handoff plus
/// `routing.skill_wait_seconds`, under `skill_based` only.
pub(crate) fn skill_wait_deadline(config: &Config, conv: &Conversation) -> Option<i64> {
    if config.routing.method != RoutingMethod::SkillBased || conv.required_skill.is_none() {
        return None;
    }
    let wait = config.routing.skill_wait_seconds?;
    Some(
        conv.handoff_at
            .unwrap_or(0)
            .saturating_add(i64::from(wait) * 1000),
    )
}

/// What a queued conversation is indexed under, to take it out again.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    key: QueueKey,
    /// The skill it needs (`skill_based` only).
    skill: Option<String>,
    /// When any agent will do (`skill_based` with a skill and a skill wait).
    skill_deadline: Option<i64>,
    /// Its deadlines (skill wait end, decline cooldown ends), without repeats.
    deadlines: Vec<i64>,
}

/// Queued conversations in the orders the engine needs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QueueIndex {
    skill_based: bool,
    /// The time `overdue` and `waiting` are split at (the engine's `now`).
    now: i64,
    /// Every queued conversation, with positions.
    ranked: Ranked<QueueKey>,
    /// `skill_based`: queued conversations by the skill they need (`None`: none), no empty sets.
    by_skill: BTreeMap<Option<String>, BTreeSet<QueueKey>>,
    /// `skill_based`: conversations needing a skill whose wait is over, by skill, no empty sets.
    overdue: BTreeMap<String, BTreeSet<QueueKey>>,
    /// `skill_based`: conversations needing a skill whose wait ends later, by that time.
    waiting: BTreeSet<(i64, QueueKey)>,
    /// Every deadline of every queued conversation.
    deadlines: BTreeSet<(i64, String)>,
    /// Queued conversation id -> what it is indexed under.
    entries: BTreeMap<String, Entry>,
}

impl QueueIndex {
    /// The index of `state.queue` under `config`.
    pub(crate) fn build(config: &Config, state: &State) -> QueueIndex {
        let mut index = QueueIndex {
            skill_based: config.routing.method == RoutingMethod::SkillBased,
            now: state.now,
            ranked: state.queue.iter().cloned().collect(),
            by_skill: BTreeMap::new(),
            overdue: BTreeMap::new(),
            waiting: BTreeSet::new(),
            deadlines: BTreeSet::new(),
            entries: BTreeMap::new(),
        };
        for key in &state.queue {
            if let Some(conv) = state.conversations.get(&key.conversation_id) {
                index.index(config, conv, key.clone());
            }
        }
        index
    }

    /// Adds `conv`, which has just joined the queue under `conv.queue_key`; returns its position.
    pub(crate) fn insert(&mut self, config: &Config, conv: &Conversation) -> Option<u32> {
        let key = conv.queue_key.clone()?;
        self.remove(&conv.id);
        let position = self.ranked.insert(key.clone());
        self.index(config, conv, key);
        position.map(|p| p as u32 + 1)
    }

    /// Everything but `ranked`.
    fn index(&mut self, config: &Config, conv: &Conversation, key: QueueKey) {
        let skill_deadline = skill_wait_deadline(config, conv);
        let mut deadlines: Vec<i64> = skill_deadline
            .into_iter()
            .chain(conv.declined_by.values().copied())
            .collect();
        deadlines.sort_unstable();
        deadlines.dedup();
        for t in &deadlines {
            self.deadlines.insert((*t, conv.id.clone()));
        }
        let skill = if self.skill_based {
            conv.required_skill.clone()
        } else {
            None
        };
        if self.skill_based {
            self.by_skill
                .entry(skill.clone())
                .or_default()
                .insert(key.clone());
            if let (Some(s), Some(t)) = (&skill, skill_deadline) {
                if t <= self.now {
                    self.overdue
                        .entry(s.clone())
                        .or_default()
                        .insert(key.clone());
                } else {
                    self.waiting.insert((t, key.clone()));
                }
            }
        }
        self.entries.insert(
            conv.id.clone(),
            Entry {
                key,
                skill,
                skill_deadline,
                deadlines,
            },
        );
    }

    /// Takes conversation `id` out (it left the queue); returns the position it had.
    pub(crate) fn remove(&mut self, id: &str) -> Option<u32> {
        let e = self.entries.remove(id)?;
        let position = self.ranked.remove(&e.key).map(|p| p as u32 + 1);
        for t in e.deadlines {
            self.deadlines.remove(&(t, id.to_string()));
        }
        if !self.skill_based {
            return position;
        }
        if let Some(set) = self.by_skill.get_mut(&e.skill) {
            set.remove(&e.key);
            if set.is_empty() {
                self.by_skill.remove(&e.skill);
            }
        }
        if let (Some(skill), Some(t)) = (e.skill, e.skill_deadline) {
            if !self.waiting.remove(&(t, e.key.clone())) {
                if let Some(set) = self.overdue.get_mut(&skill) {
                    set.remove(&e.key);
                    if set.is_empty() {
                        self.overdue.remove(&skill);
                    }
                }
            }
        }
        position
    }

    /// Moves the clock to `now`: skill waits that ended by then are over.
    pub(crate) fn advance(&mut self, now: i64) {
        self.now = self.now.max(now);
        while let Some((t, _)) = self.waiting.first() {
            if *t > self.now {
                break;
            }
            let Some((_, key)) = self.waiting.pop_first() else {
                break;
            };
            let skill = self
                .entries
                .get(&key.conversation_id)
                .and_then(|e| e.skill.clone());
            if let Some(skill) = skill {
                self.overdue.entry(skill).or_default().insert(key);
            }
        }
    }

    /// Up to `limit` queued conversations in queue order from the 0-based position `offset`.
    pub(crate) fn page(&self, offset: usize, limit: usize) -> impl Iterator<Item = &QueueKey> {
        self.ranked.page(offset, limit)
    }

    /// How many conversations are queued.
    pub(crate) fn len(&self) -> usize {
        self.ranked.len()
    }

    /// The 1-based position of the conversation queued under `key`.
    pub(crate) fn position(&self, key: &QueueKey) -> Option<u32> {
        self.ranked.rank(key).map(|r| r as u32 + 1)
    }

    /// Whether a deadline of a queued conversation lies in `(after, until]`.
    pub(crate) fn deadline_in(&self, after: i64, until: i64) -> bool {
        self.next_deadline_after(after).is_some_and(|t| t <= until)
    }

    /// The earliest deadline of a queued conversation after `now`.
    pub(crate) fn next_deadline_after(&self, now: i64) -> Option<i64> {
        // `(now + 1, "")` sorts before every `(now + 1, id)`.
        self.deadlines
            .range((
                Bound::Included((now.saturating_add(1), String::new())),
                Bound::Unbounded,
            ))
            .next()
            .map(|(t, _)| *t)
    }

    /// `skill_based`: the first queued conversation after `after` (in queue order) that a free
    /// agent might take: one needing no skill when `any_free`, one needing a skill `free_with`
    /// says someone free has, or one whose skill wait is over when `any_free`. Every conversation
    /// `routing::choose` would find an agent for is one of these (a conversation returned may still
    /// find none: everyone fitting may have declined it).
    pub(crate) fn next_servable<'a>(
        &'a self,
        after: Option<&QueueKey>,
        any_free: bool,
        free_with: impl Fn(&str) -> bool,
    ) -> Option<&'a QueueKey> {
        if !any_free {
            return None;
        }
        fn first_after<'s>(
            set: &'s BTreeSet<QueueKey>,
            after: Option<&QueueKey>,
        ) -> Option<&'s QueueKey> {
            match after {
                Some(a) => set.range((Bound::Excluded(a), Bound::Unbounded)).next(),
                None => set.first(),
            }
        }
        let mut best: Option<&QueueKey> = None;
        let mut consider = |set: &'a BTreeSet<QueueKey>| {
            if let Some(k) = first_after(set, after) {
                if best.is_none_or(|b| k < b) {
                    best = Some(k);
                }
            }
        };
        for (skill, set) in &self.by_skill {
            match skill {
                None => consider(set),
                Some(s) if free_with(s) => consider(set),
                Some(_) => {}
            }
        }
        for set in self.overdue.values() {
            consider(set);
        }
        best
    }
}
