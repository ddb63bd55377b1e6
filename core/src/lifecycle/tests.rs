//! The indexed engine against the engine as it was before the indexes (`routing::scan::BY_SCAN`: every
//! routing decision scans the pool, serving the queue walks all of it), from random states of
//! agents holding conversations and a queue, through random closes, presence and capacity
//! changes, declines, new handoffs and time passing: the same outputs, byte for byte, the same
//! states, the same next wakeup, and indexes equal to those built anew.

use proptest::prelude::*;
use serde_json::json;

use super::routing::scan::by_scan;
use crate::wire::state::{Agent, Conversation, Presence, QueueKey, State, Status};
use crate::{Config, Engine, Input};

const NOW: i64 = 1_000_000_000;

#[derive(Debug, Clone)]
struct AgentSpec {
    status: u8,
    capacity: u32,
    skills: Vec<(u8, u8)>,
    held: usize,
    last: i64,
}

#[derive(Debug, Clone)]
struct QueuedSpec {
    skill: Option<u8>,
    rank: u8,
    waited_ms: i64,
    declined: Vec<(usize, i64)>,
}

#[derive(Debug, Clone)]
enum Op {
    Close(usize),
    Presence {
        agent: usize,
        status: u8,
        capacity: Option<u32>,
    },
    Decline(usize),
    Accept(usize),
    Handoff,
    Tick,
}

fn agent_spec() -> impl Strategy<Value = AgentSpec> {
    (
        prop_oneof![3 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)],
        1u32..4,
        prop::collection::vec((0u8..3, 0u8..4), 0..3),
        0usize..4,
        0i64..4,
    )
        .prop_map(|(status, capacity, skills, held, last)| AgentSpec {
            status,
            capacity,
            skills,
            held,
            last,
        })
}

fn queued_spec() -> impl Strategy<Value = QueuedSpec> {
    (
        prop::option::of(0u8..4),
        0u8..4,
        0i64..200_000,
        prop::collection::vec((0usize..6, -60_000i64..60_000), 0..3),
    )
        .prop_map(|(skill, rank, waited_ms, declined)| QueuedSpec {
            skill,
            rank,
            waited_ms,
            declined,
        })
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0usize..20).prop_map(Op::Close),
        2 => (0usize..6, 0u8..3, prop::option::of(1u32..4))
            .prop_map(|(agent, status, capacity)| Op::Presence { agent, status, capacity }),
        1 => (0usize..20).prop_map(Op::Decline),
        1 => (0usize..20).prop_map(Op::Accept),
        1 => Just(Op::Handoff),
        2 => Just(Op::Tick),
    ]
}

fn config(method: u8, skill_wait: Option<u32>, auto_accept: bool, up_to: u32) -> Config {
    let method = ["round_robin", "load_based", "skill_based"][method as usize % 3];
    let value = json!({"handoff": {"routing": {
        "method": method,
        "skill_wait_seconds": skill_wait,
        "auto_accept": auto_accept,
        "announce_positions_up_to": up_to,
        "skills": {"s0": ["a0"], "s2": ["a1", "a3"]},
    }}});
    Config::from_value(&value).unwrap_or_else(|e| panic!("test config refused: {e}"))
}

fn presence(n: u8) -> Presence {
    [Presence::Online, Presence::Away, Presence::Offline][n as usize % 3]
}

fn state(agents: &[AgentSpec], queued: &[QueuedSpec], cursor: Option<usize>) -> State {
    let mut state = State {
        now: NOW,
        ..State::default()
    };
    for (i, spec) in agents.iter().enumerate() {
        let id = format!("a{i}");
        let mut agent = Agent::new(&id);
        agent.status = presence(spec.status);
        agent.max_concurrent = Some(spec.capacity);
        agent.skills = spec
            .skills
            .iter()
            .map(|(s, p)| (format!("s{s}"), *p))
            .collect();
        agent.last_assigned_at = spec.last;
        for h in 0..spec.held {
            let conv_id = format!("h{i}_{h}");
            let mut conv = Conversation::new(&conv_id);
            conv.handoff_at = Some(NOW - 1_000);
            conv.status = Status::Assigned {
                agent_id: id.clone(),
                since: NOW - 1_000,
            };
            agent.active.insert(conv_id.clone());
            state.conversations.insert(conv_id, conv);
        }
        state.agents.insert(id, agent);
    }
    for (j, spec) in queued.iter().enumerate() {
        let id = format!("q{j}");
        let since = NOW - spec.waited_ms;
        let key = QueueKey {
            rank: spec.rank,
            since,
            seq: j as u64 + 1,
            conversation_id: id.clone(),
        };
        let mut conv = Conversation::new(&id);
        conv.status = Status::Queued;
        conv.handoff_at = Some(since);
        conv.required_skill = spec.skill.map(|s| format!("s{s}"));
        for (a, dt) in &spec.declined {
            conv.declined_by.insert(format!("a{a}"), NOW + dt);
        }
        conv.queue_key = Some(key.clone());
        state.queue.insert(key);
        state.conversations.insert(id, conv);
    }
    state.seq = queued.len() as u64 + 1;
    for (pos, key) in state.queue.iter().enumerate() {
        if let Some(c) = state.conversations.get_mut(&key.conversation_id) {
            c.told_position = Some(pos as u32 + 1);
        }
    }
    state.round_robin_cursor = cursor.map(|c| format!("a{c}"));
    state
}

/// The input `op` stands for in `state` (`None` when there is nothing to act on).
fn input(op: &Op, state: &State, k: usize) -> Option<Input> {
    let nth_with = |n: usize, offered: bool| {
        let ids: Vec<(&String, &Conversation)> = state
            .conversations
            .iter()
            .filter(|(_, c)| {
                matches!(c.status, Status::Offered { .. }) == offered && c.agent().is_some()
            })
            .collect();
        (!ids.is_empty()).then(|| ids[n % ids.len()])
    };
    let value = match op {
        Op::Close(n) => {
            let (id, _) = nth_with(*n, false)?;
            json!({"type": "conversation_closed", "conversation_id": id, "by": "agent"})
        }
        Op::Presence {
            agent,
            status,
            capacity,
        } => {
            let status = ["online", "away", "offline"][*status as usize % 3];
            let mut info = json!({"id": format!("a{agent}"), "status": status});
            if let Some(c) = capacity {
                info["max_concurrent"] = json!(c);
            }
            json!({"type": "agent_update", "agent": info})
        }
        Op::Decline(n) | Op::Accept(n) => {
            let (id, conv) = nth_with(*n, true)?;
            let kind = if matches!(op, Op::Decline(_)) {
                "agent_decline"
            } else {
                "agent_accept"
            };
            json!({"type": kind, "conversation_id": id, "agent_id": conv.agent()})
        }
        Op::Handoff => json!({"type": "handoff_request", "conversation_id": format!("new{k}")}),
        Op::Tick => json!({"type": "tick"}),
    };
    Some(Input::from_value(value).unwrap_or_else(|e| panic!("test input refused: {e}")))
}

/// `next_wakeup` as it was computed before the indexes: every conversation looked at.
fn wakeup_by_scan(engine: &Engine) -> Option<i64> {
    let state = engine.state();
    let mut all: Vec<i64> = crate::outbox::next_wakeup(state).into_iter().collect();
    for conv in state.conversations.values() {
        match &conv.status {
            Status::Offered { expires_at, .. } => all.push(*expires_at),
            Status::CallbackScheduled { at } => all.push(*at),
            Status::Queued => {
                all.extend(
                    crate::index::queue::skill_wait_deadline(engine.config(), conv)
                        .filter(|d| *d > state.now),
                );
                all.extend(
                    conv.declined_by
                        .values()
                        .copied()
                        .filter(|t| *t > state.now),
                );
            }
            _ => {}
        }
    }
    all.into_iter().min()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn indexed_engine_decides_as_the_scanning_one(
        method in 0u8..3,
        skill_wait in prop::option::of(prop::sample::select(vec![0u32, 30, 120])),
        auto_accept in any::<bool>(),
        up_to in prop::sample::select(vec![0u32, 2, 10, u32::MAX]),
        agents in prop::collection::vec(agent_spec(), 1..6),
        queued in prop::collection::vec(queued_spec(), 0..14),
        cursor in prop::option::of(0usize..7),
        ops in prop::collection::vec((op(), 0i64..90_000), 1..10),
    ) {
        let config = config(method, skill_wait, auto_accept, up_to);
        let state = state(&agents, &queued, cursor);
        let mut indexed = Engine::restore(config.clone(), state.clone())
            .unwrap_or_else(|e| panic!("test state refused: {e}"));
        let mut scanning = indexed.clone();
        let mut now = NOW;
        for (k, (op, dt)) in ops.iter().enumerate() {
            now += dt;
            let Some(input) = input(op, indexed.state(), k) else { continue };
            let got = indexed.handle(input.clone(), now);
            let want = by_scan(|| scanning.handle(input.clone(), now));
            prop_assert_eq!(
                serde_json::to_string(&got).unwrap_or_default(),
                serde_json::to_string(&want).unwrap_or_default(),
                "outputs differ after {:?}", input
            );
            prop_assert_eq!(indexed.state(), scanning.state());
            prop_assert!(indexed.indexes_match_state());
            prop_assert_eq!(indexed.next_wakeup(), wakeup_by_scan(&indexed));
        }
    }
}
