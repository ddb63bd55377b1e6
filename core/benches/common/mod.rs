//! What the benchmark programs share: the configuration and corpus files, the inputs of the
//! per-message decision, and the generated states of the routing and snapshot benchmarks.
//!
//! Big states are built directly (then checked by [`Engine::restore`], which refuses an
//! inconsistent state, and builds the routing indexes): faster than driving the engine input by
//! input to 10,000 agents and 100,000 queued conversations.

#![allow(dead_code)] // each bench program uses part of it

use std::collections::BTreeSet;
use std::path::Path;

use handoff_core::wire::state::{
    Agent, Conversation, HistoryEntry, Presence, QueueKey, Role, Status,
};
use handoff_core::{Config, Engine, Input, State};

/// 2026-01-12T06:00:00Z: a Monday, 11:30 in Kolkata (the bench config's business hours are open).
pub const START_MS: i64 = 1_768_197_600_000;

/// Routing methods, as named in the configuration.
pub const METHODS: [&str; 3] = ["round_robin", "load_based", "skill_based"];

/// Skills of the generated agents and queued conversations.
pub const SKILLS: [&str; 5] = ["billing", "technical", "shipping", "refund", "sales"];

/// Reads a file, or exits with a message naming it.
pub fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(path))
        .unwrap_or_else(|e| fail(&format!("cannot read {path}: {e}")))
}

/// Prints `message` and exits with status 2 (a bench program has no one to return an error to).
pub fn fail(message: &str) -> ! {
    eprintln!("bench: {message}");
    std::process::exit(2)
}

/// The configuration in `path`.
pub fn config(path: &str) -> (String, Config) {
    let text = read(path);
    match Config::from_json_str(&text) {
        Ok(c) => (text, c),
        Err(e) => fail(&format!("{path}: {e}")),
    }
}

/// The corpus in `path`: one JSON string per line.
pub fn corpus(path: &str) -> Vec<String> {
    read(path)
        .lines()
        .enumerate()
        .map(|(i, line)| {
            serde_json::from_str::<String>(line)
                .unwrap_or_else(|e| fail(&format!("{path}:{}: not a JSON string: {e}", i + 1)))
        })
        .collect()
}

/// `agent_update` inputs putting every configured agent online.
pub fn agents_online(config_json: &str) -> Vec<String> {
    let value: serde_json::Value =
        serde_json::from_str(config_json).unwrap_or_else(|e| fail(&format!("config: {e}")));
    value["handoff"]["agents"]
        .as_array()
        .map(|agents| {
            agents
                .iter()
                .map(|a| {
                    serde_json::json!({"type": "agent_update", "agent": {"id": a["id"], "status": "online"}})
                        .to_string()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The customer message `text` as the first message of conversation `conv_{i}`.
pub fn message_input(i: usize, text: &str) -> String {
    serde_json::json!({
        "type": "customer_message",
        "conversation_id": format!("conv_{i}"),
        "text": text,
        "customer": {"id": format!("cust_{i}"), "name": "Sam"},
    })
    .to_string()
}

/// `conversation_closed` for `conv_{i}`.
pub fn close_input(i: usize) -> String {
    serde_json::json!({"type": "conversation_closed", "conversation_id": format!("conv_{i}"), "by": "agent"})
        .to_string()
}

/// `delivery_result` with status 200 for `delivery_id`.
pub fn delivered_input(delivery_id: &str) -> String {
    serde_json::json!({"type": "delivery_result", "delivery_id": delivery_id, "status": 200})
        .to_string()
}

/// Parses `json` as an input, or exits.
pub fn input(json: &str) -> Input {
    Input::from_json_str(json).unwrap_or_else(|e| fail(&format!("input {json}: {e}")))
}

/// The median of `xs` (sorted in place).
pub fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    if xs.is_empty() {
        return f64::NAN;
    }
    xs[xs.len() / 2]
}

/// A routing configuration with `method` (no configured agents: they come from the state).
pub fn routing_config(method: &str) -> Config {
    let json = serde_json::json!({"handoff": {
        "routing": {"method": method, "fallback": "queue", "skill_wait_seconds": 60},
        "triggers": {"topics": ["billing_dispute", "technical", "shipping", "refund"]},
    }});
    Config::from_json_str(&json.to_string())
        .unwrap_or_else(|e| fail(&format!("routing config: {e}")))
}

fn agent_id(i: usize) -> String {
    format!("agent_{i:05}")
}

/// Id of the conversation agent `i` holds in [`routing_state`].
pub fn held_id(i: usize) -> String {
    format!("held_{i:05}")
}

/// A state with `agents` agents online, each holding one conversation at a capacity of one, and
/// `queued` conversations waiting (each told its position; skill-based ones need a skill), at
/// [`START_MS`]. The engine refuses it if it is inconsistent.
pub fn routing_state(method: &str, agents: usize, queued: usize) -> Engine {
    let now = START_MS;
    let mut state = State {
        now,
        ..State::default()
    };
    for i in 0..agents {
        let id = agent_id(i);
        let conv_id = held_id(i);
        let mut agent = Agent::new(&id);
        agent.name = Some(format!("Agent {i}"));
        agent.status = Presence::Online;
        agent.max_concurrent = Some(1);
        agent
            .skills
            .insert(SKILLS[i % SKILLS.len()].to_string(), 1 + (i % 5) as u8);
        agent.active = BTreeSet::from([conv_id.clone()]);
        agent.last_assigned_at = now - 600_000 + i as i64;
        state.agents.insert(id.clone(), agent);
        let mut conv = Conversation::new(&conv_id);
        conv.history
            .push(customer_line("I need help with my order", now - 900_000));
        conv.handoff_at = Some(now - 600_000);
        conv.status = Status::Assigned {
            agent_id: id,
            since: now - 600_000 + i as i64,
        };
        state.conversations.insert(conv_id, conv);
    }
    for q in 0..queued {
        let id = format!("queued_{q:06}");
        state.seq += 1;
        let since = now - 30_000 + (q as i64 % 20_000);
        let key = QueueKey {
            rank: 2,
            since,
            seq: state.seq,
            conversation_id: id.clone(),
        };
        let mut conv = Conversation::new(&id);
        conv.history
            .push(customer_line("can I talk to a person please", since));
        conv.handoff_at = Some(since);
        conv.status = Status::Queued;
        if method == "skill_based" {
            conv.required_skill = Some(SKILLS[q % SKILLS.len()].to_string());
        }
        conv.queue_key = Some(key.clone());
        state.queue.insert(key);
        state.conversations.insert(id, conv);
    }
    // Everyone has been told their place.
    for (pos, key) in state.queue.iter().enumerate() {
        if let Some(c) = state.conversations.get_mut(&key.conversation_id) {
            c.told_position = Some(pos as u32 + 1);
        }
    }
    Engine::restore(routing_config(method), state)
        .unwrap_or_else(|e| fail(&format!("generated routing state refused: {e}")))
}

fn customer_line(text: &str, at: i64) -> HistoryEntry {
    HistoryEntry {
        role: Role::Customer,
        text: text.to_string(),
        at,
        agent_id: None,
        sentiment: Some(handoff_core::internals::score(text).compound),
        confidence: None,
    }
}

/// A state of `conversations` open conversations with the AI (two exchanges each, texts from
/// `texts`), 20 agents online holding 5 each, nothing queued, at [`START_MS`] — for snapshot size
/// and per-input cost against state size.
pub fn snapshot_state(config: &Config, conversations: usize, texts: &[String]) -> Engine {
    let now = START_MS;
    let mut state = State {
        now,
        ..State::default()
    };
    let agents = 20;
    for i in 0..agents {
        let mut agent = Agent::new(&format!("agent_{}", i + 1));
        agent.status = Presence::Online;
        state.agents.insert(agent.id.clone(), agent);
    }
    for c in 0..conversations {
        let id = format!("conv_{c}");
        let mut conv = Conversation::new(&id);
        let at = now - 3_600_000 + (c as i64 % 3_000_000);
        for turn in 0..2 {
            let text = &texts[(c * 2 + turn) % texts.len()];
            conv.history
                .push(customer_line(text, at + turn as i64 * 20_000));
            conv.history.push(HistoryEntry {
                role: Role::Ai,
                text: "Thanks for reaching out! Let me check that for you.".into(),
                at: at + turn as i64 * 20_000 + 2_000,
                agent_id: None,
                sentiment: None,
                confidence: Some(0.82),
            });
        }
        conv.exchanges = 2;
        conv.customer.id = Some(format!("cust_{c}"));
        conv.customer.name = Some("Sam".into());
        if c < agents * 5 {
            let agent_id = format!("agent_{}", c % agents + 1);
            conv.handoff_at = Some(at + 30_000);
            conv.status = Status::Assigned {
                agent_id: agent_id.clone(),
                since: at + 30_000,
            };
            if let Some(a) = state.agents.get_mut(&agent_id) {
                a.active.insert(id.clone());
            }
        }
        state.conversations.insert(id, conv);
    }
    Engine::restore(config.clone(), state)
        .unwrap_or_else(|e| fail(&format!("generated snapshot state refused: {e}")))
}
