//! Server-sent events: the engine's outputs as they are committed.
//!
//! Each output is one event: `event:` its `type`, `id:` a number increasing since the service
//! started, `data:` the output JSON. Streams are scoped by the token ([`Viewer`]): admin sees
//! everything on the all-outputs stream; an agent only outputs about conversations offered or
//! assigned to it (or naming it) and queue-level `queued` outputs; nobody but admin sees the
//! outbox (`delivery` and its results carry webhook URLs and signed bodies). A conversation's
//! stream has the outputs naming that conversation, within the same scope. A subscriber too slow to keep up gets a `lagged` event saying how many outputs it
//! missed (read the conversation again to catch up). Streams end when the service stops.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use serde_json::Value;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, watch};

use super::engine::Published;

/// Who is reading a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// The admin token: everything.
    Admin,
    /// The widget backend: the customer side (never deliveries).
    Widget,
    /// An agent: outputs about its own conversations (offered or assigned to it, or naming it)
    /// and queue-level `queued` outputs; never deliveries or other agents' customers.
    Agent(String),
}

/// Outputs about the outbox: webhook URLs, signed bodies, vendor answers. Only admin sees them.
const OUTBOX_OUTPUTS: &[&str] = &[
    "delivery",
    "delivered",
    "delivery_retry",
    "delivery_failed",
    "webhook_disabled",
];

/// Whether `published` belongs on the stream of `conversation` (`None`: the all-outputs stream)
/// as `viewer` may see it.
pub fn belongs(published: &Published, conversation: Option<&str>, viewer: &Viewer) -> bool {
    let output = &published.output;
    let kind = output.get("type").and_then(Value::as_str).unwrap_or("");
    if let Some(id) = conversation {
        if output.get("conversation_id").and_then(Value::as_str) != Some(id) {
            return false;
        }
    }
    match viewer {
        Viewer::Admin => conversation.is_none() || !OUTBOX_OUTPUTS.contains(&kind),
        Viewer::Widget => !OUTBOX_OUTPUTS.contains(&kind),
        Viewer::Agent(agent) => {
            !OUTBOX_OUTPUTS.contains(&kind)
                && (published.agents.iter().any(|a| a == agent)
                    || (kind == "queued" && conversation.is_none()))
        }
    }
}

struct Subscription {
    outputs: broadcast::Receiver<Arc<Published>>,
    stopping: watch::Receiver<bool>,
    conversation: Option<String>,
    viewer: Viewer,
}

/// The SSE response for `conversation` (or every output) from `outputs`, as `viewer` may see it,
/// until `stopping` turns true.
pub fn stream(
    outputs: &broadcast::Sender<Arc<Published>>,
    stopping: &watch::Receiver<bool>,
    conversation: Option<String>,
    viewer: Viewer,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let subscription = Subscription {
        outputs: outputs.subscribe(),
        stopping: stopping.clone(),
        conversation,
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
                        if !belongs(&p, s.conversation.as_deref(), &s.viewer) {
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
            assert!(belongs(&queued, Some("c1"), &viewer));
            assert!(!belongs(&delivery, Some("c1"), &viewer));
            assert!(!belongs(&other, Some("c1"), &viewer));
        }
        assert!(belongs(&delivery, None, &Viewer::Admin));
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
        assert!(belongs(&handoff_for_a, None, &a));
        assert!(belongs(&handoff_for_a, Some("c1"), &a));
        assert!(!belongs(&handoff_for_b, None, &a));
        assert!(!belongs(&unrouted, None, &a));
        assert!(belongs(&queued, None, &a));
        assert!(!belongs(&queued, Some("c3"), &a));
        assert!(!belongs(&delivery, None, &a));
        assert!(!belongs(&result, None, &a));
        assert!(belongs(&result, None, &Viewer::Admin));
    }
}
