//! Callbacks: the form outside business hours (or with nobody free), the details the customer
//! gives, and the callback requested when its time comes.

use super::context;
use super::events;
use super::{Flow, Vars};
use crate::config::MessageKind;
use crate::wire::input::CallbackDetails;
use crate::wire::output::Output;
use crate::wire::state::{Callback, Status};

impl Flow<'_> {
    /// Asks the customer for callback details (`collect_callback`), for `reason`.
    pub(super) fn collect_callback(&mut self, id: &str, reason: &str, next_opening: Option<i64>) {
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

    /// The customer's callback details: scheduled for the next opening (or now), confirmed to
    /// the customer, and requested at once when that time has come.
    pub(super) fn callback_details(&mut self, d: CallbackDetails) {
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
        let chosen = d.at.filter(|at| *at > self.now);
        let at = chosen.or(next.as_ref().map(|n| n.0)).unwrap_or(self.now);
        let callback_time = match (chosen, &next, &self.config.business_hours) {
            (Some(at), _, Some(hours)) => {
                format!("at the time you chose ({})", hours.format_local(at))
            }
            (Some(_), _, None) => "at the time you chose".to_string(),
            (None, Some((_, local)), _) => format!("when we open ({local})"),
            (None, None, _) => "shortly".to_string(),
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

    /// The callback's time has come: `callback_requested` with the context, and its event.
    pub(super) fn request_callback(&mut self, id: &str) {
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
        self.event(id, event, None);
    }
}
