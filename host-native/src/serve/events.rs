//! Server-sent events: the engine's outputs as they are committed.
//!
//! Each output is one event: `event:` its `type`, `id:` a number increasing since the service
//! started, `data:` the output JSON. What a stream carries is decided by two things:
//!
//! - **the output's audience**, from core ([`audience_of_type`]): the customer's side (the
//!   widget token) sees only [`Audience::Customer`] outputs (never a note, the context package,
//!   `returned_to_ai`'s note, `customer_message`, webhook events or the outbox); agents see
//!   [`Audience::Customer`] and [`Audience::Agents`] outputs; only admin sees
//!   [`Audience::Operators`] (the outbox: webhook URLs, signed bodies), and only on the
//!   all-outputs stream. An output type core does not know is treated as the operators'.
//! - **whose it is**: an agent sees the outputs of its own conversations (offered or assigned to
//!   it, or naming it: each [`Published`] carries the agents it concerns), and on the all-outputs
//!   stream the queue-level `queued` outputs too.
//!
//! The streams ([`Scope`]): one conversation's, one agent's, or every output. A subscriber too
//! slow to keep up gets a `lagged` event saying how many outputs it missed (read the
//! conversation again to catch up). Streams end when the service stops.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use handoff_core::wire::output::{audience_of_type, Audience};
use serde_json::Value;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, watch};

use super::engine::Published;

/// Who is reading a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// The admin token: everything.
    Admin,
    /// The widget backend: the customer's side, [`Audience::Customer`] outputs only.
    Widget,
    /// An agent: [`Audience::Customer`] and [`Audience::Agents`] outputs of its own
    /// conversations (offered or assigned to it, or naming it) and queue-level `queued` outputs;
    /// never the outbox or other agents' customers.
    Agent(String),
}

impl Viewer {
    /// The widest [`Audience`] this viewer is shown.
    fn reader(&self) -> Audience {
        match self {
            Viewer::Admin => Audience::Operators,
            Viewer::Widget => Audience::Customer,
            Viewer::Agent(_) => Audience::Agents,
        }
    }
}

/// Which outputs a stream is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// `GET /v1/events`: every output (as the viewer may see it).
    All,
    /// `GET /v1/conversations/{id}/events`: the outputs naming this conversation.
    Conversation(String),
    /// `GET /v1/agents/{id}/events`: the outputs concerning this agent (its offers, its
    /// conversations' messages, notes and transfers, its presence changes).
    Agent(String),
}

/// Whether `published` belongs on the stream of `scope` as `viewer` may see it.
pub fn belongs(published: &Published, scope: &Scope, viewer: &Viewer) -> bool {
    let output = &published.output;
    let kind = output.get("type").and_then(Value::as_str).unwrap_or("");
    let concerns = |agent: &str| published.agents.iter().any(|a| a == agent);
    match scope {
        Scope::All => {}
        Scope::Conversation(id) => {
            if output.get("conversation_id").and_then(Value::as_str) != Some(id) {
                return false;
            }
        }
        Scope::Agent(agent) => {
            if !concerns(agent) {
                return false;
            }
        }
    }
    let audience = audience_of_type(kind).unwrap_or(Audience::Operators);
    // The outbox is for the all-outputs stream only, whoever reads the others.
    let reader = match (viewer.reader(), scope) {
        (Audience::Operators, Scope::All) => Audience::Operators,
        (Audience::Operators, _) => Audience::Agents,
        (reader, _) => reader,
    };
    if !audience.visible_to(reader) {
        return false;
    }
    match viewer {
        Viewer::Admin | Viewer::Widget => true,
        Viewer::Agent(agent) => concerns(agent) || (kind == "queued" && *scope == Scope::All),
    }
}

struct Subscription {
    outputs: broadcast::Receiver<Arc<Published>>,
    stopping: watch::Receiver<bool>,
    scope: Scope,
    viewer: Viewer,
}

/// The SSE response for `scope` from `outputs`, as `viewer` may see it, until `stopping` turns
/// true.
pub fn stream(
    outputs: &broadcast::Sender<Arc<Published>>,
    stopping: &watch::Receiver<bool>,
    scope: Scope,
    viewer: Viewer,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let subscription = Subscription {
        outputs: outputs.subscribe(),
        stopping: stopping.clone(),
        scope,
        viewer,
    };
    let events = stream::unfold(subscription, |mut s| async move {
        loop {
            if *s.stopping.borrow() {
                return None;
            }
            tokio::select! {
                changed = s.stopping.changed() => {
                    if changed.is_err() || *s.stopping.borrow() {
                        return None;
                    }
                }
                received = s.outputs.recv() => match received {
                    Ok(p) => {
                        if !belongs(&p, &s.scope, &s.viewer) {
                            continue;
                        }
                        let kind = p.output.get("type").and_then(Value::as_str).unwrap_or("output");
                        let event = Event::default()
                            .event(kind)
                            .id(p.id.to_string())
                            .data(p.output.to_string());
                        return Some((Ok::<Event, Infallible>(event), s));
                    }
                    Err(RecvError::Lagged(n)) => {
                        let event = Event::default()
                            .event("lagged")
                            .data(format!("{{\"missed\":{n}}}"));
                        return Some((Ok::<Event, Infallible>(event), s));
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        }
    });
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn published(output: Value, agents: &[&str]) -> Published {
        Published {
            id: 1,
            output,
            agents: agents.iter().map(|a| a.to_string()).collect(),
        }
    }

    fn conversation(id: &str) -> Scope {
        Scope::Conversation(id.into())
    }

    #[test]
    fn conversation_streams_leave_out_other_conversations_and_deliveries() {
        let queued = published(
            json!({"type":"queued","conversation_id":"c1","position":1,"queue_length":1}),
            &[],
        );
        let delivery = published(
            json!({"type":"delivery","conversation_id":"c1","delivery_id":"d"}),
            &[],
        );
        let other = published(
            json!({"type":"queued","conversation_id":"c2","position":1,"queue_length":1}),
            &[],
        );
        for viewer in [Viewer::Admin, Viewer::Widget] {
            assert!(belongs(&queued, &conversation("c1"), &viewer));
            assert!(!belongs(&delivery, &conversation("c1"), &viewer));
            assert!(!belongs(&other, &conversation("c1"), &viewer));
        }
        assert!(belongs(&delivery, &Scope::All, &Viewer::Admin));
    }

    #[test]
    fn agents_see_their_own_conversations_and_the_queue_never_deliveries() {
        let a = Viewer::Agent("a".into());
        let handoff_for_a = published(
            json!({"type":"handoff","conversation_id":"c1","context":{"customer":{"email":"p@x.io"}}}),
            &["a"],
        );
        let handoff_for_b = published(
            json!({"type":"handoff","conversation_id":"c2","context":{"customer":{"email":"q@x.io"}}}),
            &["b"],
        );
        let unrouted = published(
            json!({"type":"message","conversation_id":"c3","text":"hi"}),
            &[],
        );
        let queued = published(
            json!({"type":"queued","conversation_id":"c3","position":1,"queue_length":1}),
            &[],
        );
        let delivery = published(
            json!({"type":"delivery","conversation_id":"c1","url":"https://h"}),
            &["a"],
        );
        let result = published(json!({"type":"delivered","delivery_id":"d"}), &[]);
        assert!(belongs(&handoff_for_a, &Scope::All, &a));
        assert!(belongs(&handoff_for_a, &conversation("c1"), &a));
        assert!(!belongs(&handoff_for_b, &Scope::All, &a));
        assert!(!belongs(&unrouted, &Scope::All, &a));
        assert!(belongs(&queued, &Scope::All, &a));
        assert!(!belongs(&queued, &conversation("c3"), &a));
        assert!(!belongs(&delivery, &Scope::All, &a));
        assert!(!belongs(&result, &Scope::All, &a));
        assert!(belongs(&result, &Scope::All, &Viewer::Admin));
    }

    /// The customer's side gets only what core marks [`Audience::Customer`]: never a note, the
    /// handoff's context, the customer's own words echoed for agents, a hand-back's note, a
    /// webhook event or the outbox.
    #[test]
    fn the_widget_sees_only_the_customer_audience() {
        let w = Viewer::Widget;
        let c1 = conversation("c1");
        for (output, customer) in [
            (
                json!({"type":"message","conversation_id":"c1","template":"agent_connected","text":"hi"}),
                true,
            ),
            (
                json!({"type":"agent_message","conversation_id":"c1","agent_id":"a","agent_name":"Alex","text":"hello"}),
                true,
            ),
            (
                json!({"type":"assigned","conversation_id":"c1","agent_id":"a","agent_name":"Alex","wait_ms":1}),
                true,
            ),
            (
                json!({"type":"agent_left","conversation_id":"c1","agent_id":"a","reason":"transferred"}),
                true,
            ),
            (
                json!({"type":"closed","conversation_id":"c1","by":"agent","agent_id":"a"}),
                true,
            ),
            (
                json!({"type":"agent_note","conversation_id":"c1","agent_id":"a","text":"VIP"}),
                false,
            ),
            (
                json!({"type":"handoff","conversation_id":"c1","context":{}}),
                false,
            ),
            (
                json!({"type":"offered","conversation_id":"c1","agent_id":"a","expires_at":1}),
                false,
            ),
            (
                json!({"type":"customer_message","conversation_id":"c1","agent_id":"a","text":"x"}),
                false,
            ),
            (
                json!({"type":"returned_to_ai","conversation_id":"c1","agent_id":"a","note":"refunded"}),
                false,
            ),
            (
                json!({"type":"event","conversation_id":"c1","event":{}}),
                false,
            ),
            (json!({"type":"delivery","conversation_id":"c1"}), false),
            (
                json!({"type":"something_new","conversation_id":"c1"}),
                false,
            ),
        ] {
            let p = published(output.clone(), &["a"]);
            assert_eq!(belongs(&p, &c1, &w), customer, "{output}");
            // The agent of the conversation sees all of it but the outbox (and unknown types).
            let agent_sees = !matches!(output["type"].as_str(), Some("delivery" | "something_new"));
            assert_eq!(
                belongs(&p, &c1, &Viewer::Agent("a".into())),
                agent_sees,
                "{output}"
            );
            assert!(!belongs(&p, &c1, &Viewer::Agent("b".into())), "{output}");
        }
    }

    #[test]
    fn an_agents_stream_has_what_concerns_that_agent_and_no_queue_or_outbox() {
        let a = Viewer::Agent("a".into());
        let mine = Scope::Agent("a".into());
        let offered = published(
            json!({"type":"offered","conversation_id":"c1","agent_id":"a","expires_at":1,
                   "transfer":{"from_agent_id":"b","note":"VIP"}}),
            &["a", "b"],
        );
        let status = published(
            json!({"type":"agent_status","agent_id":"a","status":"away","reason":"missed_offer"}),
            &["a"],
        );
        let others = published(
            json!({"type":"customer_message","conversation_id":"c2","agent_id":"b","text":"x"}),
            &["b"],
        );
        let queued = published(
            json!({"type":"queued","conversation_id":"c3","position":1,"queue_length":1}),
            &[],
        );
        let delivery = published(json!({"type":"delivery","conversation_id":"c1"}), &["a"]);
        for viewer in [&a, &Viewer::Admin] {
            assert!(belongs(&offered, &mine, viewer));
            assert!(belongs(&status, &mine, viewer));
            assert!(!belongs(&others, &mine, viewer));
            assert!(!belongs(&queued, &mine, viewer));
            assert!(!belongs(&delivery, &mine, viewer));
        }
    }
}
