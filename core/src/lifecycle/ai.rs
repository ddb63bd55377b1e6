//! With the AI: the customer writes, the AI answers, triggers are checked after each; the
//! handoff (priority, the context package, `handoff` and `conversation.handoff_requested`), then
//! routing or the outside-hours action.

use super::context;
use super::events;
use super::trace::{status_name, Gate};
use super::triggers::{self, ScoreSource};
use super::{Flow, Vars};
use crate::config::{MessageKind, OutsideHoursAction, RoutingMethod};
use crate::language::sentiment;
use crate::language::tokens::Text;
use crate::wire::input::{AiReply, CustomerMessage, HandoffRequest};
use crate::wire::output::{Output, TriggerHit};
use crate::wire::state::{Conversation, HistoryEntry, Priority, Role, Status};

/// Sentiment at or below this raises priority when no sentiment trigger is configured.
const DEFAULT_BOOST_THRESHOLD: f64 = -0.5;

impl Flow<'_> {
    /// A customer message: recorded with its sentiment, topic and the caller's signals; with the
    /// AI, the triggers decide whether it goes to a person; while queued, the position is told.
    pub(super) fn customer_message(&mut self, m: CustomerMessage) {
        let id = m.conversation_id.clone();
        self.update_customer(&id, m.customer);
        // A resolved conversation is open again (with the AI, its counters restarted) before
        // the message is counted; who answers it is decided once the message is in its history.
        let reopening = self.reopen_start(&id);
        let signals = m.signals.unwrap_or_default();
        let (score, source) = match signals.sentiment {
            Some(s) => (s, ScoreSource::Caller),
            // The same scorer either way; when recording, its parts are kept.
            None => match &mut self.trace {
                Some(trace) => {
                    let analysis = sentiment::analyse(&m.text);
                    let score = triggers::round4(analysis.score.compound);
                    trace.analysis = Some(analysis);
                    (score, ScoreSource::Lexicon)
                }
                None => (
                    triggers::round4(sentiment::score(&m.text).compound),
                    ScoreSource::Lexicon,
                ),
            },
        };
        let text = Text::new(&m.text);
        let detected_topic = match &signals.topic {
            Some(_) => None,
            None => self.config.topic_matcher.find_text(&text),
        };
        let now = self.now;
        let low_threshold = self.config.triggers.low_confidence_threshold;
        let conv = self.conv(&id);
        conv.history.push(HistoryEntry {
            role: Role::Customer,
            text: m.text.clone(),
            at: now,
            agent_id: None,
            sentiment: Some(score),
            confidence: None,
        });
        if signals.intent.is_some() {
            conv.intent = signals.intent;
        }
        let topic_from_caller = signals.topic.is_some();
        if let Some(topic) = signals.topic {
            conv.topic = Some(topic);
            conv.topic_keyword = None;
        } else if let Some(found) = detected_topic {
            conv.topic = Some(found.topic);
            conv.topic_keyword = Some(found.keyword);
        }
        if signals.summary.is_some() {
            conv.summary = signals.summary;
        }
        if let Some(steps) = signals.suggested_actions {
            conv.suggested_actions = steps;
        }
        if let (Some(confidence), Some(threshold)) = (signals.confidence, low_threshold) {
            count_confidence(conv, confidence, threshold);
        }
        conv.awaiting_ai = true;
        if let Some(reopening) = reopening {
            let routed = reopening.routed();
            self.reopen_finish(&id, reopening);
            // Routed like a handoff: whoever has it now hears the message that reopened it (nobody
            // while queued); the triggers do not hand it off a second time (with `routing.fallback`
            // `none` or `callback` it is back with the AI or collecting callback details).
            if routed {
                self.gate(Gate::Reopened);
                if matches!(
                    self.state.conversations[&id].status,
                    Status::Queued | Status::Offered { .. } | Status::Assigned { .. }
                ) {
                    self.relay_customer_message(&id, &m.text);
                }
                return;
            }
        }
        let conv = &self.state.conversations[&id];
        let status = conv.status.clone();
        if matches!(
            status,
            Status::Queued | Status::Offered { .. } | Status::Assigned { .. }
        ) {
            self.relay_customer_message(&id, &m.text);
        }
        let enabled = self.config.enabled;
        let hits = |flow: &mut Self| {
            let checks = triggers::check_customer_message(
                flow.config,
                &flow.state.conversations[&id],
                &text,
                signals.human_requested,
                source,
                topic_from_caller,
            );
            flow.verdicts(checks)
        };
        match status {
            Status::Ai => {
                if !self.config.enabled {
                    self.gate(Gate::Disabled);
                    return;
                }
                self.gate(Gate::WithAi);
                let hits = hits(self);
                if !hits.is_empty() {
                    self.start_handoff(&id, hits);
                }
            }
            // Asking again while waiting: say the position again.
            Status::Queued if text.human_request().is_some() => {
                self.gate(Gate::Status("queued"));
                self.conv(&id).told_position = None;
                self.update_positions(Some(&id));
            }
            // Writing while waiting: say the position if it changed since they were told (past
            // `routing.announce_positions_up_to` the queue moving is not announced).
            Status::Queued => {
                self.gate(Gate::Status("queued"));
                self.tell_position_if_changed(&id);
            }
            // Asking for a person instead of filling in the callback form: try again (the team
            // may be open, or the queue no longer full, by now).
            Status::CollectingCallback if enabled => {
                self.gate(Gate::CallbackForm);
                let hits = hits(self);
                if hits
                    .iter()
                    .any(|h| matches!(h, TriggerHit::CustomerRequest { .. }))
                {
                    self.start_handoff(&id, hits);
                }
            }
            Status::CollectingCallback => self.gate(Gate::Disabled),
            other => self.gate(Gate::Status(status_name(&other))),
        }
    }

    /// An AI reply: recorded; an exchange counted; the triggers that look at the AI's side
    /// (exchanges, low confidence) decide whether it goes to a person.
    pub(super) fn ai_reply(&mut self, m: AiReply) {
        let id = m.conversation_id.clone();
        let now = self.now;
        let threshold = self.config.triggers.low_confidence_threshold;
        let conv = self.conv(&id);
        conv.history.push(HistoryEntry {
            role: Role::Ai,
            text: m.text,
            at: now,
            agent_id: None,
            sentiment: None,
            confidence: m.confidence,
        });
        conv.ai_actions.extend(m.actions);
        if conv.awaiting_ai {
            conv.exchanges += 1;
            conv.awaiting_ai = false;
        }
        let counted = std::mem::take(&mut conv.turn_confidence_counted);
        if let (Some(confidence), Some(threshold), false) = (m.confidence, threshold, counted) {
            conv.low_confidence_streak = if confidence < threshold {
                conv.low_confidence_streak + 1
            } else {
                0
            };
        }
        if m.resolved {
            conv.exchanges = 0;
            conv.low_confidence_streak = 0;
            self.gate(Gate::Resolved);
            return;
        }
        if conv.status != Status::Ai {
            let gate = Gate::Status(status_name(&conv.status));
            self.gate(gate);
        } else if !self.config.enabled {
            self.gate(Gate::Disabled);
        } else {
            self.gate(Gate::WithAi);
            let checks = triggers::check_ai_reply(self.config, &self.state.conversations[&id]);
            let hits = self.verdicts(checks);
            if !hits.is_empty() {
                self.start_handoff(&id, hits);
            }
        }
    }

    /// The host asks for a person (a button): a handoff, or the position again while queued.
    pub(super) fn handoff_request(&mut self, m: HandoffRequest) {
        let id = m.conversation_id.clone();
        self.update_customer(&id, m.customer);
        if !self.config.enabled {
            return;
        }
        if let Some(reopening) = self.reopen_start(&id) {
            let routed = reopening.routed();
            self.reopen_finish(&id, reopening);
            if routed {
                return; // routed like a handoff already
            }
        }
        let status = self.conv(&id).status.clone();
        match status {
            Status::Ai | Status::CollectingCallback => {
                let source = m.source.unwrap_or_else(|| "button".into());
                self.start_handoff(
                    &id,
                    vec![TriggerHit::CustomerRequest {
                        source,
                        phrase: None,
                        language: None,
                    }],
                );
            }
            Status::Queued => {
                self.conv(&id).told_position = None;
                self.update_positions(Some(&id));
            }
            _ => {}
        }
    }

    // ----- handoff ------------------------------------------------------------------------

    /// The priority of `conv` at handoff: its topic rule's, raised one step when the latest
    /// sentiment is at or below the threshold and `routing.priority_boost_on_sentiment` is on.
    pub(super) fn priority_for(&self, conv: &Conversation) -> Priority {
        let mut p = Priority::Normal;
        if let Some(rule) = conv
            .topic
            .as_deref()
            .and_then(|t| self.config.topic_rule(t))
        {
            p = p.max(rule.priority.unwrap_or(Priority::Normal));
        }
        let threshold = self
            .config
            .triggers
            .sentiment_threshold
            .unwrap_or(DEFAULT_BOOST_THRESHOLD);
        let latest = conv.history.iter().rev().find_map(|h| h.sentiment);
        if self.config.routing.priority_boost_on_sentiment && latest.is_some_and(|s| s <= threshold)
        {
            p = p.raised();
        }
        p
    }

    /// Hands `id` to a person for `hits` (unless deferred and not asked for): priority, skill,
    /// the context package, `handoff` and its event; then the outside-hours action, or routing.
    pub(super) fn start_handoff(&mut self, id: &str, hits: Vec<TriggerHit>) {
        let now = self.now;
        let asked = hits
            .iter()
            .any(|h| matches!(h, TriggerHit::CustomerRequest { .. }));
        if let Some(until) = self
            .state
            .conversations
            .get(id)
            .and_then(|c| c.deferred_until)
        {
            if now < until && !asked {
                if let Some(trace) = &mut self.trace {
                    trace.deferred_until = Some(until);
                }
                return;
            }
        }
        let hits = triggers::by_precedence(hits);
        let primary = hits
            .first()
            .map(TriggerHit::name)
            .unwrap_or("customer_request")
            .to_string();
        let priority = self.priority_for(&self.state.conversations[id]);
        let required_skill = match self.config.routing.method {
            RoutingMethod::SkillBased => {
                let conv = &self.state.conversations[id];
                conv.topic
                    .as_deref()
                    .and_then(|t| self.config.skill_for_topic(t))
                    .or_else(|| {
                        conv.intent
                            .as_deref()
                            .and_then(|i| self.config.skill_for_topic(i))
                    })
            }
            _ => None,
        };
        let conv = self.conv(id);
        conv.triggers = hits.clone();
        conv.priority = priority;
        conv.handoff_at = Some(now);
        conv.required_skill = required_skill;
        conv.deferred_until = None;
        let conv = &self.state.conversations[id];
        let ctx = context::build(self.config, conv);
        let event =
            events::handoff_requested(conv, &primary, &ctx.summary, &ctx.suggested_actions, now);
        // `handoff`, then the event and its deliveries (which borrow the package, no copy).
        let at = self.out.len();
        self.event(id, event, Some(&ctx));
        self.out.insert(
            at,
            Output::Handoff {
                conversation_id: id.to_string(),
                primary,
                triggers: hits,
                priority,
                context: Box::new(ctx),
            },
        );

        if !self.is_open() {
            match self.config.outside_hours.action {
                OutsideHoursAction::CollectCallback => {
                    let next = self.say_with_opening(id, MessageKind::OutsideHours);
                    self.collect_callback(id, "outside_hours", next);
                }
                OutsideHoursAction::Message => {
                    let next = self.say_with_opening(id, MessageKind::OutsideHours);
                    self.conv(id).deferred_until = next;
                }
                OutsideHoursAction::Queue => {
                    self.say_with_opening(id, MessageKind::OutsideHours);
                    self.route(id);
                }
            }
            return;
        }
        self.say(id, MessageKind::HandoffInitiated, Vars::default());
        self.route(id);
    }
}

/// Counts the caller's confidence in the low-confidence streak, once per turn (the AI reply that
/// answers this message does not count again), and records it on the customer line so the
/// evidence can show it.
fn count_confidence(conv: &mut Conversation, confidence: f64, threshold: f64) {
    if !conv.turn_confidence_counted {
        conv.low_confidence_streak = if confidence < threshold {
            conv.low_confidence_streak + 1
        } else {
            0
        };
        conv.turn_confidence_counted = true;
    }
    if let Some(last) = conv.history.last_mut() {
        last.confidence = Some(confidence);
    }
}
