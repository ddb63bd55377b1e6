//! A tiny harness for the scenario tests: a simulated clock, inputs and outputs as JSON, and
//! helpers that look at outputs the way a user would (texts shown, who got what, events).
//!
//! Each scenario file includes it with `mod support;` and uses only part of it.
#![allow(dead_code)]

use handoff_core::{Config, Engine, Input, InputError};
use serde_json::{json, Value};

/// Monday 2026-01-12 10:30 UTC (16:00 in Asia/Kolkata): the specification's webhook timestamp and
/// the default start of every simulation.
pub const SPEC_NOW: &str = "2026-01-12T10:30:00Z";

/// Epoch milliseconds of an RFC 3339 instant (`2026-01-12T10:30:00Z`, `2026-01-11T12:00:00+05:30`).
pub fn ms(at: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(at)
        .unwrap_or_else(|e| panic!("bad instant {at}: {e}"))
        .timestamp_millis()
}

/// The text of a file in `examples/`.
pub fn example(name: &str) -> String {
    let path = format!("{}/../examples/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A file in `examples/` as JSON.
pub fn example_json(name: &str) -> Value {
    serde_json::from_str(&example(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A configuration that must be valid.
pub fn config(value: Value) -> Config {
    Config::from_value(&value).unwrap_or_else(|e| panic!("configuration refused: {e}\n{value}"))
}

/// One engine with a simulated clock. Every output is kept (as JSON) in `log`.
pub struct Sim {
    /// The engine under test.
    pub engine: Engine,
    /// The simulated clock (epoch ms).
    pub now: i64,
    /// Every output so far, in order.
    pub log: Vec<Value>,
}

impl Sim {
    /// A simulation of `config` (`{"handoff": {...}}`) starting at [`SPEC_NOW`].
    pub fn new(config_json: Value) -> Sim {
        Sim::with_config(config(config_json))
    }

    /// A simulation of a parsed configuration starting at [`SPEC_NOW`].
    pub fn with_config(config: Config) -> Sim {
        Sim {
            engine: Engine::new(config),
            now: ms(SPEC_NOW),
            log: Vec::new(),
        }
    }

    /// Sets the clock to `at` (RFC 3339). Nothing is sent.
    pub fn at(&mut self, at: &str) -> &mut Sim {
        self.now = ms(at);
        self
    }

    /// Handles one input (JSON) at the current time; panics if the engine refuses it.
    pub fn send(&mut self, input: Value) -> Vec<Value> {
        match self.try_send(input.clone()) {
            Ok(out) => out,
            Err(e) => panic!("input refused: {e}\n{input}"),
        }
    }

    /// Handles one input (JSON) at the current time.
    pub fn try_send(&mut self, input: Value) -> Result<Vec<Value>, InputError> {
        let input = Input::from_value(input)?;
        let outputs = self.engine.handle(input, self.now)?;
        let outputs: Vec<Value> = outputs
            .iter()
            .map(|o| serde_json::to_value(o).expect("outputs serialise"))
            .collect();
        self.log.extend(outputs.iter().cloned());
        Ok(outputs)
    }

    /// Sends an input the engine must refuse at `path`, and checks that the state is unchanged.
    pub fn refused(&mut self, input: Value, path: &str) -> InputError {
        let before = self.state_json();
        let result = self.try_send(input.clone());
        let after = self.state_json();
        let err = match result {
            Ok(out) => panic!("expected an error at {path} for {input}, got outputs {out:?}"),
            Err(e) => e,
        };
        assert_eq!(err.path, path, "error path for {input}: {err}");
        assert_eq!(before, after, "a refused input changed the state: {input}");
        err
    }

    /// A tick at the current time.
    pub fn tick(&mut self) -> Vec<Value> {
        self.send(json!({"type": "tick"}))
    }

    /// Moves the clock `secs` seconds ahead, sending a tick at every wakeup the engine asks for on
    /// the way (and at the end if one is due). Returns the outputs of those ticks.
    pub fn advance_secs(&mut self, secs: i64) -> Vec<Value> {
        self.advance_to(self.now + secs * 1000)
    }

    /// Moves the clock to `target` (epoch ms), ticking at every wakeup on the way.
    pub fn advance_to(&mut self, target: i64) -> Vec<Value> {
        let mut out = Vec::new();
        for _ in 0..10_000 {
            match self.engine.next_wakeup() {
                Some(wake) if wake <= target => {
                    let before = self.state_json();
                    self.now = self.now.max(wake);
                    let produced = self.tick();
                    let stuck = produced.is_empty()
                        && self.state_json() == before
                        && self.engine.next_wakeup() == Some(wake);
                    out.extend(produced);
                    if stuck {
                        // A wakeup the tick did not serve; the tests notice what is missing.
                        break;
                    }
                }
                _ => break,
            }
        }
        self.now = self.now.max(target);
        out
    }

    /// The state as persisted by a host.
    pub fn state_json(&self) -> String {
        serde_json::to_string(self.engine.state()).expect("state serialises")
    }

    // ----- inputs ---------------------------------------------------------------------------

    /// An agent comes online with a display name.
    pub fn online(&mut self, id: &str, name: &str) -> Vec<Value> {
        self.send(
            json!({"type": "agent_update", "agent": {"id": id, "name": name, "status": "online"}}),
        )
    }

    /// Agents come online, named after their ids.
    pub fn all_online(&mut self, ids: &[&str]) -> Vec<Value> {
        let mut out = Vec::new();
        for id in ids {
            out.extend(
                self.send(json!({"type": "agent_update", "agent": {"id": id, "status": "online"}})),
            );
        }
        out
    }

    /// An agent goes offline.
    pub fn offline(&mut self, id: &str) -> Vec<Value> {
        self.send(json!({"type": "agent_update", "agent": {"id": id, "status": "offline"}}))
    }

    /// The customer writes `text`.
    pub fn customer(&mut self, conv: &str, text: &str) -> Vec<Value> {
        self.send(json!({"type": "customer_message", "conversation_id": conv, "text": text}))
    }

    /// The customer writes `text`, with the caller's AI signals.
    pub fn customer_signals(&mut self, conv: &str, text: &str, signals: Value) -> Vec<Value> {
        self.send(json!({"type": "customer_message", "conversation_id": conv, "text": text, "signals": signals}))
    }

    /// The AI answers.
    pub fn ai(&mut self, conv: &str, text: &str) -> Vec<Value> {
        self.send(json!({"type": "ai_reply", "conversation_id": conv, "text": text}))
    }

    /// The AI answers with a confidence.
    pub fn ai_confidence(&mut self, conv: &str, text: &str, confidence: f64) -> Vec<Value> {
        self.send(json!({"type": "ai_reply", "conversation_id": conv, "text": text, "confidence": confidence}))
    }

    /// The customer presses the "talk to a person" button.
    pub fn button(&mut self, conv: &str) -> Vec<Value> {
        self.send(json!({"type": "handoff_request", "conversation_id": conv}))
    }

    /// A handoff through the button, with a caller topic set by an earlier neutral message.
    pub fn handoff_with_topic(&mut self, conv: &str, topic: &str) -> Vec<Value> {
        let mut out = self.customer_signals(conv, "I have a question", json!({"topic": topic}));
        out.extend(self.button(conv));
        out
    }

    /// A handoff with a caller sentiment (priority `high` when boosted).
    pub fn angry_handoff(&mut self, conv: &str, sentiment: f64) -> Vec<Value> {
        self.customer_signals(
            conv,
            "This is taking far too long",
            json!({"sentiment": sentiment}),
        )
    }

    /// An agent accepts an offer.
    pub fn accept(&mut self, conv: &str, agent: &str) -> Vec<Value> {
        self.send(json!({"type": "agent_accept", "conversation_id": conv, "agent_id": agent}))
    }

    /// An agent declines an offer.
    pub fn decline(&mut self, conv: &str, agent: &str) -> Vec<Value> {
        self.send(json!({"type": "agent_decline", "conversation_id": conv, "agent_id": agent}))
    }

    /// The conversation is closed by `by`.
    pub fn close(&mut self, conv: &str, by: &str) -> Vec<Value> {
        self.send(json!({"type": "conversation_closed", "conversation_id": conv, "by": by}))
    }

    // ----- looking at everything so far ---------------------------------------------------

    /// Every text shown to the customer of `conv` so far.
    pub fn texts_for(&self, conv: &str) -> Vec<String> {
        texts_for(&self.log, conv)
    }
}

// ----- looking at outputs ---------------------------------------------------------------------

/// The outputs of one type (`"queued"`, `"offered"` ...).
pub fn of_type<'a>(outputs: &'a [Value], kind: &str) -> Vec<&'a Value> {
    outputs.iter().filter(|o| o["type"] == kind).collect()
}

/// The only output of one type; panics when there is none or several.
pub fn one<'a>(outputs: &'a [Value], kind: &str) -> &'a Value {
    let found = of_type(outputs, kind);
    assert_eq!(
        found.len(),
        1,
        "expected exactly one {kind} output, got {}: {outputs:#?}",
        found.len()
    );
    found[0]
}

/// Whether there is an output of this type.
pub fn has(outputs: &[Value], kind: &str) -> bool {
    outputs.iter().any(|o| o["type"] == kind)
}

/// The output types in order (`["handoff", "event", "message", ...]`).
pub fn types(outputs: &[Value]) -> Vec<String> {
    outputs
        .iter()
        .map(|o| o["type"].as_str().unwrap_or("?").to_string())
        .collect()
}

/// The texts shown to the customer of `conv`, in order.
pub fn texts_for(outputs: &[Value], conv: &str) -> Vec<String> {
    outputs
        .iter()
        .filter(|o| o["type"] == "message" && o["conversation_id"] == conv)
        .map(|o| o["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The webhook events (bodies) in order.
pub fn events(outputs: &[Value]) -> Vec<&Value> {
    outputs
        .iter()
        .filter(|o| o["type"] == "event")
        .map(|o| &o["event"])
        .collect()
}

/// The names of the webhook events in order.
pub fn event_names(outputs: &[Value]) -> Vec<String> {
    events(outputs)
        .iter()
        .map(|e| e["event"].as_str().unwrap_or("?").to_string())
        .collect()
}

/// The only event named `name`.
pub fn event<'a>(outputs: &'a [Value], name: &str) -> &'a Value {
    let found: Vec<&Value> = events(outputs)
        .into_iter()
        .filter(|e| e["event"] == name)
        .collect();
    assert_eq!(found.len(), 1, "expected one {name} event: {outputs:#?}");
    found[0]
}

/// The agent `conv` was offered (or directly assigned) to in these outputs.
pub fn offered_to(outputs: &[Value], conv: &str) -> Option<String> {
    outputs
        .iter()
        .find(|o| {
            (o["type"] == "offered" || o["type"] == "assigned") && o["conversation_id"] == conv
        })
        .and_then(|o| o["agent_id"].as_str().map(str::to_string))
}

/// The conversations offered or assigned, in order, with their agent.
pub fn offers(outputs: &[Value]) -> Vec<(String, String)> {
    outputs
        .iter()
        .filter(|o| o["type"] == "offered")
        .map(|o| {
            (
                o["conversation_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                o["agent_id"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The `queued` positions told to `conv`, in order.
pub fn positions(outputs: &[Value], conv: &str) -> Vec<u64> {
    outputs
        .iter()
        .filter(|o| o["type"] == "queued" && o["conversation_id"] == conv)
        .map(|o| o["position"].as_u64().unwrap_or(0))
        .collect()
}

/// The trigger names of a `handoff` output, in order.
pub fn trigger_names(handoff: &Value) -> Vec<String> {
    handoff["triggers"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|t| t["trigger"].as_str().unwrap_or("?").to_string())
                .collect()
        })
        .unwrap_or_default()
}
