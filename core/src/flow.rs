//! The conversation lifecycle: `ai -> handoff -> offered? -> assigned -> closed`, with `queued`
//! when nobody is free and `callback` outside business hours. Every transition is an output.
//!
//! Inputs reach [`Flow::apply`] only after [`crate::check`] accepted them, so nothing here fails.

use std::ops::Bound;

use serde_json::Value;

use crate::config::{Config, Fallback, MessageKind, OutsideHoursAction, RoutingMethod};
use crate::context;
use crate::events;
use crate::index::Index;
use crate::language::sentiment;
use crate::outbox;
use crate::routing;
use crate::triggers::{self, ScoreSource};
use crate::wire::input::{
    AgentAction, AgentMessage, AgentUpdate, AiReply, CallbackDetails, ConversationClosed, Customer,
    CustomerMessage, HandoffRequest, Input,
};
use crate::wire::output::{Output, TriggerHit};
use crate::wire::state::{
    Agent, Callback, Conversation, HistoryEntry, Presence, Priority, QueueKey, Role, State, Status,
};

#[cfg(test)]
thread_local! {
    /// Tests: route and serve the queue as before the indexes (scan the pool for every decision,
    /// walk the whole queue), as the reference the indexed engine is compared with.
    pub(crate) static BY_SCAN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Sentiment at or below this raises priority when no sentiment trigger is configured.
const DEFAULT_BOOST_THRESHOLD: f64 = -0.5;

/// One input being applied.
pub(crate) struct Flow<'a> {
    config: &'a Config,
    state: &'a mut State,
    /// Kept in step with `state` at every change it depends on.
    index: &'a mut Index,
    /// The queue changed at a position up to `routing.announce_positions_up_to` since positions
    /// were last told, so some of those customers' positions changed.
    front_moved: bool,
    /// The latest time seen before this input.
    before: i64,
    now: i64,
    out: Vec<Output>,
}

/// Values a message template may use besides the conversation's own.
#[derive(Default)]
struct Vars {
    position: Option<u32>,
    queue_length: Option<u32>,
    agent_name: Option<String>,
    next_opening: Option<String>,
    callback_time: Option<String>,
}

impl<'a> Flow<'a> {
    pub(crate) fn new(
        config: &'a Config,
        state: &'a mut State,
        index: &'a mut Index,
        before: i64,
        now: i64,
    ) -> Flow<'a> {
        Flow {
            config,
            state,
            index,
            front_moved: false,
            before,
            now,
            out: Vec::new(),
        }
    }

    pub(crate) fn into_outputs(self) -> Vec<Output> {
        self.out
    }

    pub(crate) fn apply(&mut self, input: Input) {
        match input {
            Input::CustomerMessage(m) => self.customer_message(m),
            Input::AiReply(m) => self.ai_reply(m),
            Input::HandoffRequest(m) => self.handoff_request(m),
            Input::AgentUpdate(u) => self.agent_update(u),
            Input::AgentAccept(a) => self.accept(a),
            Input::AgentDecline(a) => self.withdraw_offer(&a.conversation_id, "declined"),
            Input::AgentMessage(m) => self.agent_message(m),
            Input::CallbackDetails(d) => self.callback_details(d),
            Input::ConversationClosed(c) => self.close(c),
            Input::DeliveryResult(r) => {
                let delivered = outbox::apply_result(
                    &self.config.deliveries.retry_schedule_ms,
                    self.state,
                    &r,
                    self.now,
                    &mut self.out,
                    crate::integrations::accept_response,
                );
                // A helpdesk request done: the next one of its chain may go.
                if let Some(delivery) = delivered {
                    crate::integrations::on_delivered(
                        self.state,
                        &delivery,
                        self.now,
                        &mut self.out,
                    );
                }
            }
            Input::RedriveDelivery(r) => {
                if let Some(letter) = self.state.dead_letters.get_mut(&r.delivery_id) {
                    // Send where the webhook points now, with its current signing.
                    if let Some(hook) = self
                        .config
                        .webhooks
                        .iter()
                        .find(|w| w.id == letter.delivery.webhook_id)
                    {
                        letter.delivery.url = hook.url.clone();
                        letter.delivery.auth = match &hook.secret_ref {
                            Some(r) => crate::wire::output::Auth::StandardWebhooks {
                                secret_ref: r.clone(),
                            },
                            None => crate::wire::output::Auth::None,
                        };
                    }
                }
                outbox::redrive(self.state, &r.delivery_id, self.now, &mut self.out)
            }
            Input::RetryDelivery(r) => {
                outbox::retry_now(self.state, &r.delivery_id, self.now, &mut self.out)
            }
            Input::EnableWebhook(e) => {
                self.state.disabled_webhooks.remove(&e.webhook_id);
            }
            Input::Tick => self.tick(),
            Input::HostRestarted => {
                outbox::resend_in_flight(self.state, self.now, &mut self.out);
                self.tick();
            }
        }
        // A skill wait or a decline cooldown that ended since the last input changes who may take
        // a queued conversation: serve the queue now, whatever the input was, so the deadline is
        // not lost when the host's next input is not a tick.
        if self.queue_deadline_passed() {
            self.dispatch(None);
        }
    }

    /// Whether a queued conversation's skill wait or decline cooldown ended in `(before, now]`.
    fn queue_deadline_passed(&self) -> bool {
        #[cfg(test)]
        if BY_SCAN.get() {
            let crossed = |t: i64| self.before < t && t <= self.now;
            return self.state.queue.iter().any(|key| {
                self.state
                    .conversations
                    .get(&key.conversation_id)
                    .is_some_and(|conv| {
                        routing::skill_wait_deadline(self.config, conv).is_some_and(crossed)
                            || conv.declined_by.values().any(|t| crossed(*t))
                    })
            });
        }
        self.index.queue.deadline_in(self.before, self.now)
    }

    // ----- helpers -------------------------------------------------------------------------

    fn conv(&mut self, id: &str) -> &mut Conversation {
        self.state
            .conversations
            .entry(id.to_string())
            .or_insert_with(|| Conversation::new(id))
    }

    fn say(&mut self, conv_id: &str, kind: MessageKind, vars: Vars) {
        let (customer_name, id) = match self.state.conversations.get(conv_id) {
            Some(c) => (c.customer.name.clone(), c.id.clone()),
            None => (None, conv_id.to_string()),
        };
        let text = self.config.messages.render(kind, &|name| match name {
            "position" => vars.position.map(|p| p.to_string()),
            "queue_length" => vars.queue_length.map(|p| p.to_string()),
            "agent_name" => vars.agent_name.clone(),
            "next_opening" => vars.next_opening.clone(),
            "callback_time" => vars.callback_time.clone(),
            "customer_name" => customer_name.clone(),
            "conversation_id" => Some(id.clone()),
            _ => None,
        });
        self.out.push(Output::Message {
            conversation_id: conv_id.to_string(),
            template: kind.key().into(),
            text,
        });
    }

    fn event(&mut self, conv_id: &str, event: Value) {
        // The event output comes before its deliveries (webhooks', then the integrations'): its
        // place is kept and it is put there once they have borrowed it (no copy of the event).
        let at = self.out.len();
        outbox::enqueue_event(
            &self.config.webhooks,
            self.state,
            conv_id,
            &event,
            self.now,
            &mut self.out,
        );
        crate::integrations::on_event(
            self.config,
            self.state,
            conv_id,
            &event,
            self.now,
            &mut self.out,
        );
        self.out.insert(
            at,
            Output::Event {
                conversation_id: conv_id.to_string(),
                event,
            },
        );
    }

    /// Says `kind` with `{{next_opening}}` filled in; returns the next opening (epoch ms), if any.
    fn say_with_opening(&mut self, id: &str, kind: MessageKind) -> Option<i64> {
        let next = self.next_opening();
        let vars = Vars {
            next_opening: next.as_ref().map(|n| n.1.clone()),
            ..Vars::default()
        };
        self.say(id, kind, vars);
        next.map(|n| n.0)
    }

    /// The next opening as local text, when business hours are configured and it is known.
    fn next_opening(&self) -> Option<(i64, String)> {
        let hours = self.config.business_hours.as_ref()?;
        let status = hours.status(self.now);
        if status.open {
            return None;
        }
        let at = status.next_opening?;
        Some((at, hours.format_local(at)))
    }

    fn is_open(&self) -> bool {
        self.config
            .business_hours
            .as_ref()
            .is_none_or(|h| h.status(self.now).open)
    }

    fn update_customer(&mut self, conv_id: &str, customer: Option<Customer>) {
        let Some(new) = customer else { return };
        let c = &mut self.conv(conv_id).customer;
        if new.id.is_some() {
            c.id = new.id;
        }
        if new.name.is_some() {
            c.name = new.name;
        }
        if new.email.is_some() {
            c.email = new.email;
        }
        if new.phone.is_some() {
            c.phone = new.phone;
        }
        c.attributes.extend(new.attributes);
    }

    // ----- conversation with the AI --------------------------------------------------------

    fn customer_message(&mut self, m: CustomerMessage) {
        let id = m.conversation_id.clone();
        self.update_customer(&id, m.customer);
        let signals = m.signals.unwrap_or_default();
        let (score, source) = match signals.sentiment {
            Some(s) => (s, ScoreSource::Caller),
            None => (
                triggers::round4(sentiment::score(&m.text).compound),
                ScoreSource::Lexicon,
            ),
        };
        let text = crate::language::tokens::Text::new(&m.text);
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
            // One count per turn: the AI reply that answers this message does not count again.
            if !conv.turn_confidence_counted {
                conv.low_confidence_streak = if confidence < threshold {
                    conv.low_confidence_streak + 1
                } else {
                    0
                };
                conv.turn_confidence_counted = true;
            }
            // Record it on the customer line so the evidence can show it.
            if let Some(last) = conv.history.last_mut() {
                last.confidence = Some(confidence);
            }
        }
        conv.awaiting_ai = true;
        let status = conv.status.clone();
        let enabled = self.config.enabled;
        match status {
            Status::Ai => {
                if !self.config.enabled {
                    return;
                }
                let conv = &self.state.conversations[&id];
                let hits = triggers::after_customer_message(
                    self.config,
                    conv,
                    &text,
                    signals.human_requested,
                    source,
                    topic_from_caller,
                );
                if !hits.is_empty() {
                    self.start_handoff(&id, hits);
                }
            }
            // Asking again while waiting: say the position again.
            Status::Queued if text.human_request().is_some() => {
                self.conv(&id).told_position = None;
                self.update_positions(Some(&id));
            }
            // Writing while waiting: say the position if it changed since they were told (past
            // `routing.announce_positions_up_to` the queue moving is not announced).
            Status::Queued => self.tell_position_if_changed(&id),
            // Asking for a person instead of filling in the callback form: try again (the team
            // may be open, or the queue no longer full, by now).
            Status::CollectingCallback if enabled => {
                let conv = &self.state.conversations[&id];
                let hits = triggers::after_customer_message(
                    self.config,
                    conv,
                    &text,
                    signals.human_requested,
                    source,
                    topic_from_caller,
                );
                if hits
                    .iter()
                    .any(|h| matches!(h, TriggerHit::CustomerRequest { .. }))
                {
                    self.start_handoff(&id, hits);
                }
            }
            _ => {}
        }
    }

    fn ai_reply(&mut self, m: AiReply) {
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
            return;
        }
        if conv.status == Status::Ai && self.config.enabled {
            let hits = triggers::after_ai_reply(self.config, &self.state.conversations[&id]);
            if !hits.is_empty() {
                self.start_handoff(&id, hits);
            }
        }
    }

    fn handoff_request(&mut self, m: HandoffRequest) {
        let id = m.conversation_id.clone();
        self.update_customer(&id, m.customer);
        if !self.config.enabled {
            return;
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

    fn priority_for(&self, conv: &Conversation) -> Priority {
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

    fn start_handoff(&mut self, id: &str, hits: Vec<TriggerHit>) {
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
            crate::config::RoutingMethod::SkillBased => {
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
        self.out.push(Output::Handoff {
            conversation_id: id.to_string(),
            primary,
            triggers: hits,
            priority,
            context: Box::new(ctx),
        });
        self.event(id, event);

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

    fn collect_callback(&mut self, id: &str, reason: &str, next_opening: Option<i64>) {
        self.conv(id).status = Status::CollectingCallback;
        self.out.push(Output::CollectCallback {
            conversation_id: id.to_string(),
            reason: reason.into(),
            next_opening,
            fields: ["name", "phone", "email", "preferred_time"]
                .map(String::from)
                .to_vec(),
        });
    }

    /// Finds an agent for `id` now, or applies the fallback.
    fn route(&mut self, id: &str) {
        if let Some(agent) = self.choose(id) {
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

    /// Puts `id` in the queue (at its old place if it had one) without telling anyone.
    fn queue_insert(&mut self, id: &str) {
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
    fn queue_moved_at(&mut self, position: Option<u32>) {
        if position.is_some_and(|p| p <= self.config.routing.announce_positions_up_to) {
            self.front_moved = true;
        }
    }

    /// Sends the `conversation.queued` event for a conversation that waits in the queue, the
    /// first time it does (one that went straight on to an offer has not waited yet).
    fn queued_event(&mut self, id: &str) {
        let Some(conv) = self.state.conversations.get(id) else {
            return;
        };
        if conv.status != Status::Queued || conv.queued_event_sent {
            return;
        }
        let position = conv.told_position.unwrap_or(0);
        let event = events::queued(conv, position, self.state.queue.len() as u32, self.now);
        self.conv(id).queued_event_sent = true;
        self.event(id, event);
    }

    fn enqueue(&mut self, id: &str) {
        self.queue_insert(id);
        self.update_positions(Some(id));
        self.queued_event(id);
    }

    fn offer(&mut self, id: &str, agent_id: &str) {
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
        if self.config.routing.method == crate::config::RoutingMethod::RoundRobin {
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

    fn agent_name(&self, agent_id: &str) -> String {
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

    fn assign(&mut self, id: &str, agent_id: &str) {
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
        self.event(id, event);
    }

    fn accept(&mut self, a: AgentAction) {
        self.assign(&a.conversation_id, &a.agent_id);
    }

    /// Takes an offer back (declined, expired, or the agent left) and routes the conversation again.
    fn withdraw_offer(&mut self, id: &str, reason: &str) {
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

    /// Serves the queue in order while agents are free, then tells positions (and `tell` its
    /// position if it changed, wherever it is).
    ///
    /// Stops when nobody is free; under `skill_based` it passes over conversations needing a skill
    /// nobody free has (unless their skill wait is over) without looking at them
    /// ([`crate::index::queue::QueueIndex::next_servable`]).
    fn dispatch(&mut self, tell: Option<&str>) {
        #[cfg(test)]
        if BY_SCAN.get() {
            let keys: Vec<QueueKey> = self.state.queue.iter().cloned().collect();
            for key in keys {
                if let Some(agent) = self.choose(&key.conversation_id) {
                    self.offer(&key.conversation_id, &agent);
                }
            }
            self.update_positions(tell);
            return;
        }
        let mut after: Option<QueueKey> = None;
        loop {
            let agents = &self.index.agents;
            let next = match self.config.routing.method {
                RoutingMethod::SkillBased => self
                    .index
                    .queue
                    .next_servable(after.as_ref(), agents.any_free(), |s| {
                        agents.any_free_with(s)
                    })
                    .cloned(),
                _ if !agents.any_free() => None,
                _ => match &after {
                    Some(a) => self
                        .state
                        .queue
                        .range((Bound::Excluded(a), Bound::Unbounded))
                        .next()
                        .cloned(),
                    None => self.state.queue.first().cloned(),
                },
            };
            let Some(key) = next else { break };
            let conv = &self.state.conversations[&key.conversation_id];
            if let Some(agent) = routing::choose(self.config, self.state, agents, conv, self.now) {
                self.offer(&key.conversation_id, &agent);
            }
            after = Some(key);
        }
        self.update_positions(tell);
    }

    /// The agent to offer conversation `id` to now ([`routing::choose`]).
    fn choose(&self, id: &str) -> Option<String> {
        let conv = &self.state.conversations[id];
        #[cfg(test)]
        if BY_SCAN.get() {
            return routing::scan::choose_by_scan(self.config, self.state, conv, self.now);
        }
        routing::choose(self.config, self.state, &self.index.agents, conv, self.now)
    }

    /// Tells the queued customers at positions up to `routing.announce_positions_up_to` whose
    /// position changed, in queue order (only when the queue changed that far forward), then
    /// `extra` if its position changed (a customer who has just joined, or asked again), wherever
    /// it is.
    fn update_positions(&mut self, extra: Option<&str>) {
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

    /// Puts `id`'s offer expiry or callback time in the timer index after its status changed.
    fn sync_timer(&mut self, id: &str) {
        self.index.timers.sync(id, self.state.conversations.get(id));
    }

    /// The queue position of `id`, when it is queued.
    fn position_of(&self, id: &str) -> Option<u32> {
        let conv = self.state.conversations.get(id)?;
        if conv.status != Status::Queued {
            return None;
        }
        self.index.queue.position(conv.queue_key.as_ref()?)
    }

    /// Tells queued `id` its position if it changed since it was last told.
    fn tell_position_if_changed(&mut self, id: &str) {
        if let Some(position) = self.position_of(id) {
            let length = self.state.queue.len() as u32;
            self.tell_position(id, position, length);
        }
    }

    /// Tells `id` it is at `position` of `length`, unless that is what it was last told.
    fn tell_position(&mut self, id: &str, position: u32, length: u32) {
        let Some(conv) = self.state.conversations.get_mut(id) else {
            return;
        };
        if conv.told_position == Some(position) {
            return;
        }
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
        });
        self.say(
            id,
            kind,
            Vars {
                position: Some(position),
                queue_length: Some(length),
                ..Vars::default()
            },
        );
    }

    // ----- agents --------------------------------------------------------------------------

    fn agent_update(&mut self, u: AgentUpdate) {
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

    fn agent_message(&mut self, m: AgentMessage) {
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

    // ----- callbacks -----------------------------------------------------------------------

    fn callback_details(&mut self, d: CallbackDetails) {
        let id = d.conversation_id.clone();
        let nonempty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
        let conv = self.conv(&id);
        let callback = Callback {
            name: nonempty(d.name).or_else(|| conv.customer.name.clone()),
            phone: nonempty(d.phone),
            email: nonempty(d.email),
            preferred_time: nonempty(d.preferred_time),
        };
        conv.callback = Some(callback.clone());
        let next = self.next_opening();
        let at = next.as_ref().map_or(self.now, |n| n.0);
        let callback_time = match &next {
            Some((_, local)) => format!("when we open ({local})"),
            None => "shortly".to_string(),
        };
        self.conv(&id).status = Status::CallbackScheduled { at };
        self.sync_timer(&id);
        self.out.push(Output::CallbackScheduled {
            conversation_id: id.clone(),
            at,
            callback,
        });
        self.say(
            &id,
            MessageKind::CallbackConfirmed,
            Vars {
                next_opening: next.map(|n| n.1),
                callback_time: Some(callback_time),
                ..Vars::default()
            },
        );
        if at <= self.now {
            self.request_callback(&id);
        }
    }

    fn request_callback(&mut self, id: &str) {
        let now = self.now;
        let conv = self.conv(id);
        conv.status = Status::CallbackRequested;
        let callback = conv.callback.clone().unwrap_or_default();
        self.index.timers.sync(id, None);
        let conv = &self.state.conversations[id];
        let ctx = context::build(self.config, conv);
        let event = events::callback_requested(conv, &callback, &ctx.summary, now);
        self.out.push(Output::CallbackRequested {
            conversation_id: id.to_string(),
            customer: conv.customer.clone(),
            callback,
            context: Box::new(ctx),
        });
        self.event(id, event);
    }

    // ----- closing and time ----------------------------------------------------------------

    fn close(&mut self, c: ConversationClosed) {
        let id = c.conversation_id;
        let Some(conv) = self.state.conversations.remove(&id) else {
            return;
        };
        self.index.timers.sync(&id, None);
        if let Some(key) = &conv.queue_key {
            self.state.queue.remove(key);
            let position = self.index.queue.remove(&id);
            self.queue_moved_at(position);
        }
        // The agent it is offered to frees the slot and hears the offer is gone; only the agent
        // who held it (assigned) is the one who closed or was closed on.
        if let Status::Offered { agent_id, .. } = &conv.status {
            self.out.push(Output::OfferWithdrawn {
                conversation_id: id.clone(),
                agent_id: agent_id.clone(),
                reason: "closed".into(),
            });
        }
        if let Some(agent) = conv.agent() {
            if let Some(a) = self.state.agents.get_mut(agent) {
                a.active.remove(&id);
            }
            self.index.agents.refresh(self.config, self.state, agent);
        }
        let agent_id = match &conv.status {
            Status::Assigned { agent_id, .. } => Some(agent_id.clone()),
            _ => None,
        };
        let by = serde_json::to_value(c.by)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        self.out.push(Output::Closed {
            conversation_id: id.clone(),
            by: c.by,
            agent_id: agent_id.clone(),
        });
        // Webhooks hear about conversations that were handed off, not every AI-only chat.
        if conv.handoff_at.is_some() {
            let event = events::closed(&conv, &by, agent_id.as_deref(), self.now);
            self.event(&id, event);
        }
        self.dispatch(None);
    }

    /// The conversations with `status` whose offer expiry or callback time has come, by id.
    fn due(&self, status: impl Fn(&Conversation) -> bool) -> Vec<String> {
        let now = self.now;
        let timer = |c: &Conversation| match c.status {
            Status::Offered { expires_at, .. } => expires_at,
            Status::CallbackScheduled { at } => at,
            _ => i64::MAX,
        };
        #[cfg(test)]
        if BY_SCAN.get() {
            return self
                .state
                .conversations
                .values()
                .filter(|c| status(c) && timer(c) <= now)
                .map(|c| c.id.clone())
                .collect();
        }
        self.index
            .timers
            .due(now)
            .into_iter()
            .filter(|id| {
                self.state
                    .conversations
                    .get(id)
                    .is_some_and(|c| status(c) && timer(c) <= now)
            })
            .collect()
    }

    fn tick(&mut self) {
        let now = self.now;
        let is_offered = |c: &Conversation| matches!(c.status, Status::Offered { .. });
        for id in self.due(is_offered) {
            self.withdraw_offer(&id, "expired");
        }
        let is_scheduled = |c: &Conversation| matches!(c.status, Status::CallbackScheduled { .. });
        for id in self.due(is_scheduled) {
            self.request_callback(&id);
        }
        outbox::on_tick(
            &self.config.deliveries.retry_schedule_ms,
            self.state,
            now,
            &mut self.out,
        );
        self.dispatch(None);
    }
}
