//! Server-sent events: the engine's outputs as they are committed.
//!
//! Each output is one event: `event:` its `type`, `id:` a number increasing since the service
//! started, `data:` the output JSON. A conversation's stream has the outputs naming that
//! conversation except `delivery` (the outbox's own business); the all-outputs stream has
//! everything. A subscriber too slow to keep up gets a `lagged` event saying how many outputs it
//! missed (read the conversation again to catch up). Streams end when the service stops.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use serde_json::Value;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, watch};

use super::api::App;
use super::engine::Published;

/// Whether `output` belongs on the stream of `conversation` (`None`: the all-outputs stream).
pub fn belongs(output: &Value, conversation: Option<&str>) -> bool {
    match conversation {
        None => true,
        Some(id) => {
            output.get("conversation_id").and_then(Value::as_str) == Some(id)
                && output.get("type").and_then(Value::as_str) != Some("delivery")
        }
    }
}

struct Subscription {
    outputs: broadcast::Receiver<Arc<Published>>,
    stopping: watch::Receiver<bool>,
    conversation: Option<String>,
}

/// The SSE response for `conversation` (or every output).
pub fn stream(
    app: &App,
    conversation: Option<String>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let subscription = Subscription {
        outputs: app.events.subscribe(),
        stopping: app.stopping.clone(),
        conversation,
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
                        if !belongs(&p.output, s.conversation.as_deref()) {
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

    #[test]
    fn conversation_streams_leave_out_other_conversations_and_deliveries() {
        let queued = json!({"type":"queued","conversation_id":"c1","position":1,"queue_length":1});
        let delivery = json!({"type":"delivery","conversation_id":"c1","delivery_id":"d"});
        let other = json!({"type":"queued","conversation_id":"c2","position":1,"queue_length":1});
        assert!(belongs(&queued, Some("c1")));
        assert!(!belongs(&delivery, Some("c1")));
        assert!(!belongs(&other, Some("c1")));
        assert!(belongs(&delivery, None));
    }
}
