//! Property tests of the helpdesk integrations over random operation sequences: handoffs, agents,
//! closes, delivery results of every kind (2xx with and without ids, 429 with `retry-after`, 5xx,
//! 422, network errors), redrives and time passing, against three helpdesks at once.
//!
//! - **no request is stuck**: after every input, a chain with requests waiting has a request out
//!   (its head), and that head is in the outbox or among the dead letters, so it can be retried or
//!   re-driven;
//! - **everything drains**: when the vendors then answer every request with success and every dead
//!   letter is re-driven, every chain empties, and the outbox and the dead letters are empty;
//! - **follow-ups after creates**: no update of a ticket or conversation goes out before a request
//!   that created it (for that integration and conversation) was delivered, and none goes out with
//!   an id missing from its URL;
//! - **the helpdesk index is kept in step**: with the customer's follow-ups and agents answering
//!   in Zendesk (`helpdesk_event`s, some repeated) among the operations, the index from vendor
//!   ids to conversations always equals one built from the state anew.
#![cfg(feature = "integrations")]

use handoff_core::{Config, Engine, Input};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{json, Value};

const NOW: i64 = 1_768_213_800_000;

fn config() -> Config {
    Config::from_value(&json!({"handoff": {
        "agents": [{"id": "agent_0"}, {"id": "agent_1"}],
        "routing": {"auto_accept": true, "max_concurrent_per_agent": 1},
        "integrations": [
            {"kind": "zendesk", "subdomain": "acme", "oauth_token_ref": "Z", "agent_map": {"agent_0": 1}},
            {"kind": "freshdesk", "domain": "acme", "api_key_ref": "F"},
            {"kind": "intercom", "access_token_ref": "I", "admin_id": "1", "team_id": "2"}
        ]
    }}))
    .expect("valid configuration")
}

#[derive(Debug, Clone)]
enum Answer {
    Created,
    NoBody,
    Throttled(u16),
    Status(u16),
    Network,
}

#[derive(Debug, Clone)]
enum Op {
    Handoff(u8),
    Online(u8),
    Close(u8),
    Result(u8, Answer),
    Redrive(u8),
    Advance(u32),
    /// The customer of conv_{c} writes.
    Message(u8),
    /// An agent answers conv_{c}'s Zendesk ticket (event id `ev_{e}`: some repeat).
    Helpdesk(u8, u8),
}

fn answer() -> impl Strategy<Value = Answer> {
    prop_oneof![
        4 => Just(Answer::Created),
        1 => Just(Answer::NoBody),
        1 => (1u16..120).prop_map(Answer::Throttled),
        1 => prop::sample::select(vec![500u16, 503, 422, 404, 401]).prop_map(Answer::Status),
        1 => Just(Answer::Network),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (0u8..4).prop_map(Op::Handoff),
        1 => (0u8..2).prop_map(Op::Online),
        1 => (0u8..4).prop_map(Op::Close),
        5 => (any::<u8>(), answer()).prop_map(|(p, a)| Op::Result(p, a)),
        1 => any::<u8>().prop_map(Op::Redrive),
        1 => (0u32..7200).prop_map(Op::Advance),
        1 => (0u8..4).prop_map(Op::Message),
        1 => (0u8..4, 0u8..6).prop_map(|(c, e)| Op::Helpdesk(c, e)),
    ]
}

/// A body that carries every id any creating request looks for.
fn created(n: u64) -> String {
    json!({"id": n, "ticket": {"id": n}, "conversation_id": n.to_string(), "type": "x"}).to_string()
}

fn pick<T: Clone>(items: &[T], p: u8) -> Option<T> {
    (!items.is_empty()).then(|| items[p as usize % items.len()].clone())
}

fn input(engine: &Engine, op: &Op, n: u64) -> Option<Value> {
    let state = engine.state();
    Some(match op {
        Op::Handoff(c) => json!({"type": "handoff_request", "conversation_id": format!("conv_{c}"),
                                  "customer": {"id": format!("cust_{c}"), "email": format!("c{c}@example.com")}}),
        Op::Online(a) => {
            json!({"type": "agent_update", "agent": {"id": format!("agent_{a}"), "status": "online"}})
        }
        Op::Close(c) => {
            let id = format!("conv_{c}");
            state.conversations.contains_key(&id).then_some(())?;
            json!({"type": "conversation_closed", "conversation_id": id, "by": "agent"})
        }
        Op::Result(p, a) => {
            let ids: Vec<String> = state.outbox.keys().cloned().collect();
            let id = pick(&ids, *p)?;
            let mut r = json!({"type": "delivery_result", "delivery_id": id});
            match a {
                Answer::Created => {
                    r["status"] = json!(201);
                    r["body"] = json!(created(n));
                }
                Answer::NoBody => r["status"] = json!(200),
                Answer::Throttled(s) => {
                    r["status"] = json!(429);
                    r["headers"] = json!({"retry-after": s.to_string()});
                }
                Answer::Status(s) => r["status"] = json!(s),
                Answer::Network => r["error"] = json!("connection reset"),
            }
            r
        }
        Op::Redrive(p) => {
            let ids: Vec<String> = state.dead_letters.keys().cloned().collect();
            json!({"type": "redrive_delivery", "delivery_id": pick(&ids, *p)?})
        }
        Op::Advance(_) => json!({"type": "tick"}),
        Op::Message(c) => {
            json!({"type": "customer_message", "conversation_id": format!("conv_{c}"),
                                  "text": "any news?"})
        }
        Op::Helpdesk(c, e) => {
            let chain = state.integration_chains.get(&format!("zendesk:conv_{c}"))?;
            let ticket = chain.ids.get("ticket_id")?;
            json!({"type": "helpdesk_event", "integration_id": "zendesk", "event_id": format!("ev_{e}"),
                   "vendor_ref": "ticket_id", "vendor_id": ticket, "kind": "message",
                   "author": {"id": "1"}, "text": "from the helpdesk"})
        }
    })
}

fn check_no_stuck_chain(engine: &Engine) -> Result<(), TestCaseError> {
    let state = engine.state();
    for (key, chain) in &state.integration_chains {
        if !chain.waiting.is_empty() {
            prop_assert!(chain.head.is_some(), "{key}: requests wait behind nothing");
        }
        if let Some(head) = &chain.head {
            prop_assert!(
                state.outbox.contains_key(&head.delivery_id)
                    || state.dead_letters.contains_key(&head.delivery_id),
                "{key}: head {} is neither out nor a dead letter",
                head.delivery_id
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn integration_requests_are_never_stuck_and_always_drain(ops in prop::collection::vec(op(), 1..60)) {
        let mut engine = Engine::new(config());
        let mut now = NOW;
        let mut n = 1u64;
        let mut log: Vec<Value> = Vec::new();
        for op in &ops {
            if let Op::Advance(s) = op {
                now += i64::from(*s) * 1000;
            }
            n += 1;
            let Some(value) = input(&engine, op, n) else { continue };
            let input = Input::from_value(value).expect("well-formed input");
            if let Ok(outputs) = engine.handle(input, now) {
                log.extend(outputs.iter().filter_map(|o| serde_json::to_value(o).ok()));
            }
            check_no_stuck_chain(&engine)?;
            prop_assert!(engine.indexes_match_state(), "the indexes drifted from the state");
        }
        // The vendors recover: every request succeeds, every dead letter is re-driven.
        for _ in 0..2000 {
            let state = engine.state();
            let value = if let Some(id) = state.outbox.keys().next() {
                n += 1;
                json!({"type": "delivery_result", "delivery_id": id, "status": 201, "body": created(n)})
            } else if let Some(id) = state.dead_letters.keys().next() {
                json!({"type": "redrive_delivery", "delivery_id": id})
            } else {
                break;
            };
            let outputs = engine.handle(Input::from_value(value).expect("input"), now).expect("accepted");
            log.extend(outputs.iter().filter_map(|o| serde_json::to_value(o).ok()));
            check_no_stuck_chain(&engine)?;
            prop_assert!(engine.indexes_match_state(), "the indexes drifted from the state");
        }
        let state = engine.state();
        prop_assert!(state.outbox.is_empty() && state.dead_letters.is_empty(), "not drained");
        for (key, chain) in &state.integration_chains {
            prop_assert!(chain.head.is_none() && chain.waiting.is_empty(), "{key} still has requests");
        }
        // Per integration and conversation, an update goes out only after a create was delivered.
        let mut kind_of: std::collections::BTreeMap<String, (String, bool)> = Default::default();
        let mut created_for: std::collections::BTreeSet<String> = Default::default();
        for o in &log {
            let id = o["delivery_id"].as_str().unwrap_or_default().to_string();
            match o["type"].as_str() {
                Some("delivery") => {
                    let key = format!("{}:{}", o["webhook_id"].as_str().unwrap_or_default(), o["conversation_id"].as_str().unwrap_or_default());
                    let op = o["operation"].as_str().unwrap_or_default();
                    let url = o["url"].as_str().unwrap_or_default();
                    prop_assert!(!url.contains('{'), "a placeholder went out: {url}");
                    if !op.contains("create") {
                        prop_assert!(created_for.contains(&key), "{op} for {key} before its create was delivered");
                    }
                    kind_of.insert(id, (key, op.contains("create")));
                }
                Some("delivered") => {
                    if let Some((key, true)) = kind_of.get(&id) {
                        created_for.insert(key.clone());
                    }
                }
                _ => {}
            }
        }
    }
}
