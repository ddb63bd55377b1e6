//! The conversation lifecycle: `ai -> handoff -> offered? -> assigned -> closed`, with `queued`
//! when nobody is free and `callback` outside business hours. Every transition is an output.
//!
//! Inputs reach [`Flow::apply`] only after [`crate::check`] accepted them, so nothing here fails.
//! One [`Flow`] applies one input; its methods are spread over one file per stage:
//!
//! | file | stage |
//! | --- | --- |
//! | `mod.rs` | [`Flow`], [`Flow::apply`], what every stage uses: `say`, `event`, delivery results |
//! | `ai.rs` | with the AI: customer messages, AI replies, handoff requests, priority, the handoff |
//! | `offers.rs` | to an agent: route, offer, assign, accept, withdraw, agents' presence |
//! | `queue.rs` | waiting: joining the queue, serving it in order, telling positions |
//! | `callbacks.rs` | outside hours or with nobody free: the callback form and the callback |
//! | `live.rs` | a person holds it: both sides' messages, private notes, giving it back to the AI |
//! | `transfer.rs` | to another agent, a skill or the queue: cold and warm transfers, their outcome |
//! | `close.rs` | closing, and what time alone does (a tick) |
//! | `resolve.rs` | resolved: the outcome, the agent's wrap-up, the rating, reopening by a customer message, forgetting at the window's end |
//! | `helpdesk.rs` | a helpdesk's webhook: its agent's message, note, close or hand-back |
//!
//! Beside them: [`triggers`] (*when*), [`routing`] (*who*, and every read of the routing indexes),
//! [`context`] (*what the agent receives*) and [`events`] (the typed webhook events).

mod ai;
mod callbacks;
mod close;
mod context;
mod estimate;
mod events;
mod helpdesk;
mod live;
mod offers;
mod queue;
mod resolve;
mod routing;
#[cfg(test)]
mod tests;
mod trace;
mod transfer;
mod triggers;

pub(crate) use trace::{Gate, LineTrace};
pub(crate) use triggers::{by_precedence, round4, Miss, SUSTAINED_FACTOR};

use crate::config::{Config, MessageKind};
use crate::index::Index;
use crate::integrations;
use crate::outbox;
use crate::wire::event::Event;
use crate::wire::input::{Customer, DeliveryResult, Input};
use crate::wire::output::{Auth, Context, Output};
use crate::wire::state::{Conversation, State};
use routing::Lookup;

/// One input being applied.
pub(crate) struct Flow<'a> {
    config: &'a Config,
    state: &'a mut State,
    /// Kept in step with `state` at every change it depends on.
    index: &'a mut Index,
    /// The queue changed at a position up to `routing.announce_positions_up_to` since positions
    /// were last told, so some of those customers' positions changed.
    front_moved: bool,
    /// The integration a helpdesk webhook came from, while its input is applied: what it
    /// brought is not written back to it.
    origin: Option<String>,
    /// The latest time seen before this input.
    before: i64,
    now: i64,
    out: Vec<Output>,
    /// The line's record, when a caller asked for one (`explain`).
    trace: Option<LineTrace>,
}

/// Values a message template may use besides the conversation's own.
#[derive(Default)]
struct Vars {
    position: Option<u32>,
    queue_length: Option<u32>,
    agent_name: Option<String>,
    next_opening: Option<String>,
    callback_time: Option<String>,
    /// The estimated wait, "about 4 minutes".
    wait: Option<String>,
}

impl<'a> Flow<'a> {
    /// A flow for one input at `now`; `before` is the latest time seen before it.
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
            origin: None,
            before,
            now,
            out: Vec::new(),
            trace: None,
        }
    }

    /// The outputs of the input, in order.
    pub(crate) fn into_outputs(self) -> Vec<Output> {
        self.out
    }

    /// Applies one input that [`crate::check`] accepted, then serves the queue if a queue
    /// deadline passed since the last input.
    pub(crate) fn apply(&mut self, input: Input) {
        match input {
            Input::CustomerMessage(m) => self.customer_message(m),
            Input::AiReply(m) => self.ai_reply(m),
            Input::HandoffRequest(m) => self.handoff_request(m),
            Input::AgentUpdate(u) => self.agent_update(u),
            Input::AgentAccept(a) => self.accept(a),
            Input::AgentDecline(a) => self.decline(&a.conversation_id, &a.agent_id),
            Input::AgentMessage(m) => self.agent_message(m),
            Input::AgentNote(m) => self.agent_note(m),
            Input::ReturnToAi(r) => self.return_to_ai(r),
            Input::Transfer(t) => self.transfer(t),
            Input::CallbackDetails(d) => self.callback_details(d),
            Input::ConversationClosed(c) => self.close(c),
            Input::DeliveryResult(r) => self.delivery_result(&r),
            Input::RedriveDelivery(r) => self.redrive(&r.delivery_id),
            Input::RetryDelivery(r) => {
                outbox::retry_now(self.state, &r.delivery_id, self.now, &mut self.out)
            }
            Input::EnableWebhook(e) => {
                self.state.disabled_webhooks.remove(&e.webhook_id);
            }
            Input::Tick => self.tick(),
            Input::Resolve(r) => self.resolve(r),
            Input::WrapUpDone(w) => self.wrap_up_done(w),
            Input::Csat(c) => self.csat(c),
            Input::HostRestarted => {
                outbox::resend_in_flight(self.state, self.now, &mut self.out);
                self.tick();
            }
            Input::HelpdeskEvent(e) => self.helpdesk_event(e),
        }
        // A skill wait or a decline cooldown that ended since the last input changes who may take
        // a queued conversation: serve the queue now, whatever the input was, so the deadline is
        // not lost when the host's next input is not a tick.
        if self.lookup().queue_deadline_in(self.before) {
            self.dispatch(None);
        }
    }

    /// The reads of the routing indexes (who is free, what to serve next, what is due).
    fn lookup(&self) -> Lookup<'_> {
        Lookup {
            config: self.config,
            state: self.state,
            index: self.index,
            now: self.now,
        }
    }

    // ----- deliveries ----------------------------------------------------------------------

    /// A `delivery_result`: the outbox settles the delivery; a helpdesk request done lets the
    /// next one of its chain go.
    fn delivery_result(&mut self, r: &DeliveryResult) {
        let delivered = outbox::apply_result(
            &self.config.deliveries.retry_schedule_ms,
            self.state,
            r,
            self.now,
            &mut self.out,
            |state, delivery, body| {
                integrations::accept_response(state, &mut self.index.helpdesk, delivery, body)
            },
        );
        if let Some(delivery) = delivered {
            integrations::on_delivered(
                self.state,
                &mut self.index.helpdesk,
                &delivery,
                self.now,
                &mut self.out,
            );
        }
    }

    /// A `redrive_delivery`: the dead letter goes out again, where its webhook points now and
    /// with its current signing.
    fn redrive(&mut self, delivery_id: &str) {
        if let Some(letter) = self.state.dead_letters.get_mut(delivery_id) {
            if let Some(hook) = self
                .config
                .webhooks
                .iter()
                .find(|w| w.id == letter.delivery.webhook_id)
            {
                letter.delivery.url = hook.url.clone();
                letter.delivery.auth = match &hook.secret_ref {
                    Some(r) => Auth::StandardWebhooks {
                        secret_ref: r.clone(),
                    },
                    None => Auth::None,
                };
            }
        }
        outbox::redrive(self.state, delivery_id, self.now, &mut self.out)
    }

    // ----- helpers -------------------------------------------------------------------------

    /// Conversation `id`, created when new.
    fn conv(&mut self, id: &str) -> &mut Conversation {
        self.state
            .conversations
            .entry(id.to_string())
            .or_insert_with(|| Conversation::new(id))
    }

    /// Tells the customer the `kind` message, rendered with `vars`.
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
            "wait" => vars.wait.clone(),
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

    /// Emits `event` for `conv_id`: the `event` output, then its deliveries (webhooks', then the
    /// integrations'). `context` is the package a handoff built, for the tickets it creates.
    fn event(&mut self, conv_id: &str, event: Event, context: Option<&Context>) {
        // The event output comes before its deliveries: its place is kept and it is put there
        // once they have borrowed it (no copy of the event).
        let at = self.out.len();
        outbox::enqueue_event(
            &self.config.webhooks,
            self.state,
            conv_id,
            &event,
            self.now,
            &mut self.out,
        );
        #[cfg(feature = "integrations")]
        integrations::on_event(
            self.config,
            self.state,
            &mut self.index.helpdesk,
            conv_id,
            &event,
            context,
            self.origin.as_deref(),
            self.now,
            &mut self.out,
        );
        #[cfg(not(feature = "integrations"))]
        let _ = context; // no helpdesk to give the package to in this build
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

    /// Whether the team is open now (always, without business hours).
    fn is_open(&self) -> bool {
        self.config
            .business_hours
            .as_ref()
            .is_none_or(|h| h.status(self.now).open)
    }

    /// Merges what an input says about the customer into the conversation's customer.
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

    /// Puts `id`'s offer expiry or callback time in the timer index after its status changed.
    fn sync_timer(&mut self, id: &str) {
        self.index.timers.sync(id, self.state.conversations.get(id));
    }
}
