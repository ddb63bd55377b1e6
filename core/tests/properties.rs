//! Property tests of the engine over random *operation sequences*.
//!
//! The world is small on purpose, so that things collide: five agents (`agent_0`..`agent_4`),
//! twelve conversations (`conv_0`..`conv_11`) and one or two webhooks, so every event becomes a
//! delivery. A [`World`] is a random configuration (each routing method, `auto_accept` on and
//! off, each fallback, business hours or not, a queue limit or not, ...), and a case is a list
//! of up to 60 [`Step`]s: the host's clock moves (0 to 10 minutes forward, sometimes backwards)
//! and one [`Op`] is turned into an [`Input`] *from the current state* (an accept names the agent
//! the conversation is offered to, or sometimes a wrong one; a delivery result names an id that is
//! in the outbox, or a made-up one when it is empty), so that most inputs are meaningful and some
//! are refused.
//!
//! The properties, each its own proptest:
//!
//! - **capacity**: capacity may be lowered by an `agent_update` while the agent holds
//!   conversations, so "never above capacity" is not an invariant of the state. What holds, and is
//!   checked precisely, is that *no new conversation is given to an agent at or above capacity*:
//!   the outputs of each input are replayed in order against the agent's `active` set from before
//!   the input (`offer_withdrawn` and `closed` remove; `offered`, and `assigned` for a conversation
//!   the agent did not already hold, add), and at every addition the agent must be online and hold
//!   fewer than its capacity. Capacity is the presence `max_concurrent`, else the configured one, as
//!   after the input (an `agent_update` is applied before anything is routed). Presence is
//!   replayed too: as the input leaves it, then changed by `agent_status` outputs (an agent who
//!   lets an offer lapse is set away mid-input). The replay must end exactly at the state's
//!   `active` sets and presences (nothing changes without an output), and `active` must agree
//!   with the conversations' statuses. As a consequence an agent above capacity never gains a
//!   conversation.
//! - **queue**: after every input, `engine.queue()` positions are exactly `1..=n`, every
//!   conversation appears once, the queued ones are exactly the conversations whose status is
//!   `queued`, each of them was told a position (a `queued` output), the last one is its
//!   `told_position`, and for those at positions up to `routing.announce_positions_up_to` it is
//!   their current position.
//! - **indexes**: after every input, the engine's routing indexes equal indexes built anew from
//!   its state.
//! - **determinism**: the same sequence on two fresh engines gives byte-identical output JSON.
//! - **restore**: at every step the persisted state restores, and at a random cut point a restored
//!   engine continues with exactly the outputs of the uninterrupted run, ending in the same state.
//! - **errors**: when `handle` answers `Err`, the serialised state is unchanged, and the error's
//!   path is `now` or starts with `input`.
//! - **deliveries**: every delivery id ever emitted (`delivery`, or `delivery_failed` for a
//!   disabled webhook) is at the end delivered, in the outbox, or a dead letter; none is in two of
//!   those places, and nothing is in the outbox or dead letters that was never emitted.
//! - **wakeup**: `next_wakeup()`, when some, is no earlier than the earliest `now` ever passed to
//!   the engine and no later than 8 days after the engine's `now`; ticking at it succeeds, after
//!   that tick the next wakeup is strictly later than the engine's `now`, and a second tick at the
//!   same time outputs nothing.
//! - **early tick**: when `next_wakeup()` is none or later than the engine's `now`, a tick outputs
//!   nothing (regressions: `skill_wait_deadline_survives_an_input_at_the_deadline` and
//!   `decline_cooldown_survives_an_input_at_its_end`).
//!
//! Floats in generated inputs have four decimal places; `restore_keeps_full_precision_floats`
//! checks full-precision floats separately.
//!
//! Failure persistence is off (no `proptest-regressions` files); a failure prints the shrunk
//! sequence.

use std::collections::{BTreeMap, BTreeSet};

use handoff_core::limits::{from_engine_json, MAX_ATTRIBUTES_BYTES, MAX_VALUE_DEPTH};
use handoff_core::query::{Gauges, Holding, Query};
use handoff_core::state::{Presence, State, Status};
use handoff_core::{Config, Engine, Input, InputError, Output, MAX_TEXT_BYTES};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{json, Map, Value};

const AGENTS: usize = 5;
const CONVS: usize = 12;
/// Monday 2026-01-12 10:30:00 UTC (16:00 in Kolkata).
const START: i64 = 1_768_213_800_000;
const DAY_MS: i64 = 86_400_000;

/// Customer texts: requests for a person in several languages, anger, neutral questions,
/// sensitive topics, edge cases. The index `TEXTS.len()` stands for a text over the size limit.
const TEXTS: &[&str] = &[
    "talk to a human",
    "Can I talk to a real person please?",
    "I want to speak to an agent",
    "This is absolutely terrible. I'm furious, you people are useless!!!",
    "worst service ever, I hate this so much",
    "What are your opening hours?",
    "Where is my order ORD-12345?",
    "thanks, that helps a lot",
    "mujhe insaan se baat karni hai",
    "yaar ye service bilkul bekaar hai, bahut gussa aa raha hai",
    "quiero hablar con una persona",
    "esto es horrible, estoy muy enojado",
    "I was charged twice, I want to dispute this charge",
    "I'm going to contact my lawyer about this",
    "I want to file a complaint",
    "",
    "😡😡😡 !!!",
    "I don't want a human",
];

const PRESENCE: [&str; 3] = ["online", "away", "offline"];
const BY: [&str; 4] = ["customer", "agent", "ai", "system"];
const TOPICS: &[&str] = &["billing_dispute", "legal", "complaint", "order_status"];
const SKILLS: &[&str] = &["billing", "technical", "legal", "sales"];

// ----- the world ------------------------------------------------------------------------------

/// A random configuration of the small world.
#[derive(Debug, Clone)]
struct World {
    method: &'static str,
    auto_accept: bool,
    fallback: &'static str,
    /// 0: always open; 1: short windows in UTC with a holiday; 2: the spec's Kolkata hours.
    hours: u8,
    outside: &'static str,
    max_queue_length: Option<u32>,
    capacity: u32,
    configured_agents: bool,
    offer_timeout: u32,
    skill_wait: Option<u32>,
    two_webhooks: bool,
    max_exchanges: u32,
    away_after_missed_offer: bool,
    /// `routing.announce_positions_up_to` (`None`: the default, 10).
    announce_up_to: Option<u32>,
}

impl World {
    fn config_json(&self) -> Value {
        let mut routing = json!({
            "method": self.method,
            "fallback": self.fallback,
            "auto_accept": self.auto_accept,
            "max_concurrent_per_agent": self.capacity,
            "offer_timeout_seconds": self.offer_timeout,
            "skill_wait_seconds": self.skill_wait,
            "away_after_missed_offer": self.away_after_missed_offer,
        });
        if let Some(n) = self.max_queue_length {
            routing["max_queue_length"] = json!(n);
        }
        if let Some(n) = self.announce_up_to {
            routing["announce_positions_up_to"] = json!(n);
        }
        if self.method == "skill_based" {
            routing["skills"] = json!({
                "billing": ["agent_0", "agent_1"],
                "technical": ["agent_2"],
                "legal": ["agent_3"],
            });
            routing["topic_skills"] = json!({"complaint": "billing"});
        }
        let mut handoff = json!({
            "triggers": {
                "max_exchanges": self.max_exchanges,
                "low_confidence_threshold": 0.3,
                "topics": ["billing_dispute", "legal", "complaint"],
            },
            "routing": routing,
            "outside_hours": {"action": self.outside},
            "webhooks": [{"id": "crm", "url": "https://crm.example.test/hook", "secret_ref": "CRM_SECRET"}],
        });
        if self.two_webhooks {
            handoff["webhooks"].as_array_mut().unwrap().push(json!({
                "id": "slack",
                "url": "https://slack.example.test/hook",
                "events": ["conversation.handoff_requested", "conversation.closed"],
            }));
        }
        if self.configured_agents {
            handoff["agents"] = json!([
                {"id": "agent_0", "name": "Asha", "max_concurrent": 1},
                {"id": "agent_1", "name": "Ben", "skills": {"billing": 3}},
                {"id": "agent_2", "name": "Chen", "max_concurrent": 2},
                {"id": "agent_3"},
                {"id": "agent_4", "skills": ["sales"]},
            ]);
        }
        match self.hours {
            1 => {
                handoff["business_hours"] = json!({
                    "timezone": "UTC",
                    "schedule": {
                        "monday": [
                            {"start": "10:00", "end": "10:45"},
                            {"start": "11:00", "end": "11:30"},
                            {"start": "12:00", "end": "18:00"},
                        ],
                        "tuesday": {"start": "09:00", "end": "17:00"},
                        "thursday": {"start": "22:00", "end": "02:00", "overnight": true},
                    },
                    "holidays": ["2026-01-14"],
                })
            }
            2 => {
                handoff["business_hours"] = json!({
                    "timezone": "Asia/Kolkata",
                    "schedule": {
                        "monday": {"start": "09:00", "end": "18:00"},
                        "tuesday": {"start": "09:00", "end": "18:00"},
                        "wednesday": {"start": "09:00", "end": "18:00"},
                        "thursday": {"start": "09:00", "end": "18:00"},
                        "friday": {"start": "09:00", "end": "18:00"},
                        "saturday": {"start": "10:00", "end": "14:00"},
                    },
                })
            }
            _ => {}
        }
        json!({ "handoff": handoff })
    }

    fn config(&self) -> Config {
        Config::from_value(&self.config_json())
            .unwrap_or_else(|e| panic!("the test world's configuration must parse: {e}"))
    }
}

fn world() -> impl Strategy<Value = World> {
    (
        (
            prop::sample::select(vec!["round_robin", "skill_based", "load_based"]),
            any::<bool>(),
            prop::sample::select(vec!["queue", "queue", "callback", "none"]),
            prop_oneof![3 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)],
            prop::sample::select(vec!["collect_callback", "queue", "message"]),
            prop::option::weighted(0.25, 1u32..4),
        ),
        (
            1u32..=3,
            any::<bool>(),
            prop_oneof![Just(5u32), Just(60u32), Just(300u32)],
            prop_oneof![
                Just(None),
                Just(Some(0u32)),
                Just(Some(60u32)),
                Just(Some(900u32))
            ],
            any::<bool>(),
            prop_oneof![Just(3u32), Just(10u32)],
            any::<bool>(),
            prop_oneof![2 => Just(None), 1 => (0u32..3).prop_map(Some)],
        ),
    )
        .prop_map(
            |(
                (method, auto_accept, fallback, hours, outside, max_queue_length),
                (
                    capacity,
                    configured_agents,
                    offer_timeout,
                    skill_wait,
                    two_webhooks,
                    max_exchanges,
                    away_after_missed_offer,
                    announce_up_to,
                ),
            )| World {
                method,
                auto_accept,
                fallback,
                hours,
                outside,
                max_queue_length,
                capacity,
                configured_agents,
                offer_timeout,
                skill_wait,
                two_webhooks,
                max_exchanges,
                away_after_missed_offer,
                announce_up_to,
            },
        )
}

// ----- operations -----------------------------------------------------------------------------

/// Signals a caller's AI may attach (sometimes out of range, which must be refused).
#[derive(Debug, Clone)]
struct Sig {
    sentiment: Option<f64>,
    confidence: Option<f64>,
    human_requested: Option<bool>,
    topic: Option<usize>,
}

/// One thing that happens. `pick` fields choose among the candidates found in the state at the
/// time (offered conversations, outbox ids, ...); `wrong` names another agent instead.
#[derive(Debug, Clone)]
enum Op {
    Customer {
        conv: usize,
        text: usize,
        customer: bool,
        attributes: Option<Attributes>,
        signals: Option<Sig>,
    },
    AiReply {
        conv: usize,
        confidence: Option<f64>,
        resolved: bool,
    },
    HandoffRequest {
        conv: usize,
    },
    AgentUpdate {
        agent: usize,
        status: Option<u8>,
        max_concurrent: Option<u32>,
        skills: Option<Vec<usize>>,
    },
    Accept {
        pick: usize,
        wrong: Option<usize>,
    },
    Decline {
        pick: usize,
        wrong: Option<usize>,
    },
    AgentMessage {
        pick: usize,
        wrong: Option<usize>,
    },
    CallbackDetails {
        pick: usize,
        form: u8,
    },
    Close {
        conv: usize,
        by: u8,
    },
    DeliveryResult {
        pick: usize,
        status: Option<u16>,
        retry_after_ms: Option<u64>,
    },
    Redrive {
        pick: usize,
    },
    EnableWebhook {
        known: bool,
    },
    Tick,
    /// Moves the clock to `next_wakeup()` (if later) and ticks.
    TickAtWakeup,
}

/// Adversarial customer attributes: nested around and far past the depth limit, sized around
/// the byte limit, under keys that need escaping or name vendor ids.
#[derive(Debug, Clone)]
struct Attributes {
    key: usize,
    levels: usize,
    arrays: bool,
    pad: usize,
}

const ATTRIBUTE_KEYS: &[&str] = &[
    "plan",
    "",
    "a.b[0]",
    "<img src=x onerror=alert(1)>",
    "\u{1F600}\u{0}",
    "zendesk_user_id",
    "intercom_contact_id",
];

impl Attributes {
    fn value(&self) -> Value {
        let mut v = if self.pad == 0 {
            json!(null)
        } else {
            json!("\u{e9}".repeat(self.pad / 2))
        };
        for i in 0..self.levels {
            v = if self.arrays && i % 2 == 0 {
                json!([v])
            } else {
                json!({ "k": v })
            };
        }
        json!({ ATTRIBUTE_KEYS[self.key % ATTRIBUTE_KEYS.len()]: v })
    }
}

fn attributes() -> impl Strategy<Value = Attributes> {
    (
        0..ATTRIBUTE_KEYS.len(),
        prop_oneof![
            4 => 0usize..3,
            2 => (MAX_VALUE_DEPTH - 1)..=(MAX_VALUE_DEPTH + 1),
            1 => Just(40usize),
            1 => 120usize..=124,
        ],
        any::<bool>(),
        prop_oneof![
            4 => 0usize..64,
            1 => Just(MAX_ATTRIBUTES_BYTES / 2),
            1 => (MAX_ATTRIBUTES_BYTES - 64)..=(MAX_ATTRIBUTES_BYTES + 64),
        ],
    )
        .prop_map(|(key, levels, arrays, pad)| Attributes {
            key,
            levels,
            arrays,
            pad,
        })
}

/// The clock moves by `dt` (ms, may be negative), then `op` happens.
#[derive(Debug, Clone)]
struct Step {
    dt: i64,
    op: Op,
}

/// `x` with four decimal places, as a caller's AI would send it. Full-precision floats do not
/// survive the state's JSON round trip (see `restore_keeps_full_precision_floats`), which would
/// hide every other restore difference behind that one.
fn four_places(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn sig() -> impl Strategy<Value = Sig> {
    (
        prop::option::of(prop_oneof![9 => -1.0f64..=1.0, 1 => -1.5f64..1.5].prop_map(four_places)),
        prop::option::of(prop_oneof![9 => 0.0f64..=1.0, 1 => -0.5f64..1.5].prop_map(four_places)),
        prop::option::of(any::<bool>()),
        prop::option::of(0..TOPICS.len()),
    )
        .prop_map(|(sentiment, confidence, human_requested, topic)| Sig {
            sentiment,
            confidence,
            human_requested,
            topic,
        })
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        12 => (0..CONVS, 0..=TEXTS.len(), any::<bool>(), prop::option::weighted(0.15, attributes()), prop::option::weighted(0.3, sig()))
            .prop_map(|(conv, text, customer, attributes, signals)| Op::Customer { conv, text, customer, attributes, signals }),
        5 => (0..CONVS, prop::option::of((-0.1f64..1.1).prop_map(four_places)), prop::bool::weighted(0.2))
            .prop_map(|(conv, confidence, resolved)| Op::AiReply { conv, confidence, resolved }),
        3 => (0..CONVS).prop_map(|conv| Op::HandoffRequest { conv }),
        6 => (
            0..AGENTS,
            prop::option::weighted(0.8, prop_oneof![3 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)]),
            prop::option::weighted(0.4, prop_oneof![19 => 0u32..=3, 1 => Just(1001u32)]),
            prop::option::weighted(0.2, prop::collection::vec(0..SKILLS.len(), 0..3)),
        )
            .prop_map(|(agent, status, max_concurrent, skills)| Op::AgentUpdate {
                agent,
                status,
                max_concurrent,
                skills,
            }),
        6 => (any::<usize>(), prop::option::weighted(0.15, 0..AGENTS))
            .prop_map(|(pick, wrong)| Op::Accept { pick, wrong }),
        3 => (any::<usize>(), prop::option::weighted(0.15, 0..AGENTS))
            .prop_map(|(pick, wrong)| Op::Decline { pick, wrong }),
        2 => (any::<usize>(), prop::option::weighted(0.15, 0..AGENTS))
            .prop_map(|(pick, wrong)| Op::AgentMessage { pick, wrong }),
        3 => (any::<usize>(), 0u8..4).prop_map(|(pick, form)| Op::CallbackDetails { pick, form }),
        3 => (0..CONVS, 0u8..4).prop_map(|(conv, by)| Op::Close { conv, by }),
        6 => (
            any::<usize>(),
            prop_oneof![
                4 => Just(Some(200u16)),
                1 => Just(Some(410u16)),
                2 => Just(Some(429u16)),
                2 => Just(Some(500u16)),
                1 => Just(Some(400u16)),
                2 => Just(None),
                1 => Just(Some(600u16)),
            ],
            prop::option::weighted(0.2, 0u64..100_000_000),
        )
            .prop_map(|(pick, status, retry_after_ms)| Op::DeliveryResult { pick, status, retry_after_ms }),
        1 => any::<usize>().prop_map(|pick| Op::Redrive { pick }),
        1 => any::<bool>().prop_map(|known| Op::EnableWebhook { known }),
        3 => Just(Op::Tick),
        2 => Just(Op::TickAtWakeup),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    (
        prop_oneof![3 => Just(0i64), 6 => 0i64..600_000, 1 => -600_000i64..0],
        op(),
    )
        .prop_map(|(dt, op)| Step { dt, op })
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(step(), 1..60)
}

fn conv_id(i: usize) -> String {
    format!("conv_{}", i % CONVS)
}

fn agent_id(i: usize) -> String {
    format!("agent_{}", i % AGENTS)
}

/// Picks one of `items` by `pick`, if there are any.
fn nth<T: Clone>(items: &[T], pick: usize) -> Option<T> {
    (!items.is_empty()).then(|| items[pick % items.len()].clone())
}

fn input(value: Value) -> Input {
    Input::from_value(value.clone())
        .unwrap_or_else(|e| panic!("test input {value} must parse: {e}"))
}

/// The input `op` stands for in `state`.
fn to_input(op: &Op, state: &State) -> Input {
    let with_status = |want: fn(&Status) -> bool| -> Vec<(String, Option<String>)> {
        state
            .conversations
            .values()
            .filter(|c| want(&c.status))
            .map(|c| (c.id.clone(), c.agent().map(str::to_string)))
            .collect()
    };
    // A conversation in the wanted status and its agent, else any conversation and `agent_0`.
    let target = |candidates: Vec<(String, Option<String>)>, pick: usize, wrong: Option<usize>| {
        let (conv, agent) = nth(&candidates, pick).unwrap_or((conv_id(pick), None));
        let agent = match wrong {
            Some(w) => agent_id(w),
            None => agent.unwrap_or_else(|| agent_id(0)),
        };
        (conv, agent)
    };
    match op {
        Op::Customer {
            conv,
            text,
            customer,
            attributes,
            signals,
        } => {
            let text = TEXTS
                .get(*text)
                .map_or_else(|| "a".repeat(MAX_TEXT_BYTES + 1), |t| t.to_string());
            let mut m = Map::new();
            m.insert("type".into(), json!("customer_message"));
            m.insert("conversation_id".into(), json!(conv_id(*conv)));
            m.insert("text".into(), json!(text));
            if *customer {
                m.insert(
                    "customer".into(),
                    json!({"id": format!("cust_{conv}"), "name": "Priya Sharma", "email": "priya@example.com"}),
                );
            }
            if let Some(a) = attributes {
                let customer = m.entry("customer").or_insert_with(|| json!({}));
                customer["attributes"] = a.value();
            }
            if let Some(s) = signals {
                let mut sm = Map::new();
                if let Some(v) = s.sentiment {
                    sm.insert("sentiment".into(), json!(v));
                }
                if let Some(v) = s.confidence {
                    sm.insert("confidence".into(), json!(v));
                }
                if let Some(v) = s.human_requested {
                    sm.insert("human_requested".into(), json!(v));
                }
                if let Some(t) = s.topic {
                    sm.insert("topic".into(), json!(TOPICS[t]));
                }
                m.insert("signals".into(), Value::Object(sm));
            }
            input(Value::Object(m))
        }
        Op::AiReply {
            conv,
            confidence,
            resolved,
        } => {
            let mut v = json!({
                "type": "ai_reply",
                "conversation_id": conv_id(*conv),
                "text": "Let me check that for you.",
                "actions": ["looked up order"],
                "resolved": resolved,
            });
            if let Some(c) = confidence {
                v["confidence"] = json!(c);
            }
            input(v)
        }
        Op::HandoffRequest { conv } => input(json!({
            "type": "handoff_request",
            "conversation_id": conv_id(*conv),
            "source": "widget_button",
        })),
        Op::AgentUpdate {
            agent,
            status,
            max_concurrent,
            skills,
        } => {
            let mut a = json!({"id": agent_id(*agent), "name": format!("Agent {agent}")});
            if let Some(s) = status {
                a["status"] = json!(PRESENCE[*s as usize % PRESENCE.len()]);
            }
            if let Some(n) = max_concurrent {
                a["max_concurrent"] = json!(n);
            }
            if let Some(skills) = skills {
                a["skills"] = json!(skills.iter().map(|s| SKILLS[*s]).collect::<Vec<_>>());
            }
            input(json!({"type": "agent_update", "agent": a}))
        }
        Op::Accept { pick, wrong } | Op::Decline { pick, wrong } => {
            let (conv, agent) = target(
                with_status(|s| matches!(s, Status::Offered { .. })),
                *pick,
                *wrong,
            );
            let kind = if matches!(op, Op::Accept { .. }) {
                "agent_accept"
            } else {
                "agent_decline"
            };
            input(json!({"type": kind, "conversation_id": conv, "agent_id": agent}))
        }
        Op::AgentMessage { pick, wrong } => {
            let (conv, agent) = target(
                with_status(|s| matches!(s, Status::Assigned { .. })),
                *pick,
                *wrong,
            );
            input(json!({
                "type": "agent_message",
                "conversation_id": conv,
                "agent_id": agent,
                "text": "Hi, I'm looking into this now.",
            }))
        }
        Op::CallbackDetails { pick, form } => {
            let (conv, _) = target(
                with_status(|s| *s == Status::CollectingCallback),
                *pick,
                None,
            );
            let mut v = json!({"type": "callback_details", "conversation_id": conv});
            match form {
                0 => {
                    v["name"] = json!("Priya");
                    v["phone"] = json!("+91 98765 43210");
                    v["preferred_time"] = json!("after 5pm");
                }
                1 => v["email"] = json!("priya@example.com"),
                2 => {
                    v["name"] = json!("Priya");
                    v["phone"] = json!("12");
                }
                _ => v["name"] = json!("Priya"),
            }
            input(v)
        }
        Op::Close { conv, by } => input(json!({
            "type": "conversation_closed",
            "conversation_id": conv_id(*conv),
            "by": BY[*by as usize % BY.len()],
        })),
        Op::DeliveryResult {
            pick,
            status,
            retry_after_ms,
        } => {
            let ids: Vec<String> = state.outbox.keys().cloned().collect();
            let id = nth(&ids, *pick).unwrap_or_else(|| "msg_missing".into());
            let mut v = json!({"type": "delivery_result", "delivery_id": id, "body": "oops"});
            match status {
                Some(s) => v["status"] = json!(s),
                None => v["error"] = json!("connection reset"),
            }
            if let Some(ms) = retry_after_ms {
                v["retry_after_ms"] = json!(ms);
            }
            input(v)
        }
        Op::Redrive { pick } => {
            let ids: Vec<String> = state.dead_letters.keys().cloned().collect();
            let id = nth(&ids, *pick).unwrap_or_else(|| "msg_missing".into());
            input(json!({"type": "redrive_delivery", "delivery_id": id}))
        }
        Op::EnableWebhook { known } => input(json!({
            "type": "enable_webhook",
            "webhook_id": if *known { "crm" } else { "nope" },
        })),
        Op::Tick | Op::TickAtWakeup => Input::Tick,
    }
}

// ----- running --------------------------------------------------------------------------------

/// An engine and the host's clock.
#[derive(Clone)]
struct Sim {
    config: Config,
    engine: Engine,
    clock: i64,
    /// The earliest `now` ever passed to the engine.
    earliest: i64,
}

/// What one step did.
struct Record {
    input: Input,
    before: State,
    result: Result<Vec<Output>, InputError>,
}

impl Record {
    fn outputs(&self) -> &[Output] {
        self.result.as_deref().unwrap_or(&[])
    }

    /// The result as JSON, as a host would see it.
    fn json(&self) -> String {
        serde_json::to_string(&self.result).expect("outputs serialise")
    }
}

impl Sim {
    fn new(config: Config) -> Sim {
        Sim {
            engine: Engine::new(config.clone()),
            config,
            clock: START,
            earliest: START,
        }
    }

    fn step(&mut self, step: &Step) -> Record {
        self.clock = (self.clock + step.dt).max(0);
        if let (Op::TickAtWakeup, Some(wake)) = (&step.op, self.engine.next_wakeup()) {
            self.clock = self.clock.max(wake);
        }
        self.earliest = self.earliest.min(self.clock);
        let input = to_input(&step.op, self.engine.state());
        let before = self.engine.state().clone();
        let result = self.engine.handle(input.clone(), self.clock);
        Record {
            input,
            before,
            result,
        }
    }
}

/// Runs `steps` from a fresh engine, calling `check` after each.
fn run(
    world: &World,
    steps: &[Step],
    mut check: impl FnMut(&Sim, &Record) -> Result<(), TestCaseError>,
) -> Result<Sim, TestCaseError> {
    let mut sim = Sim::new(world.config());
    for s in steps {
        let record = sim.step(s);
        check(&sim, &record)?;
    }
    Ok(sim)
}

fn state_json(state: &State) -> String {
    serde_json::to_string(state).expect("the state serialises")
}

fn capacity(config: &Config, state: &State, agent: &str) -> u32 {
    state
        .agents
        .get(agent)
        .and_then(|a| a.max_concurrent)
        .unwrap_or_else(|| config.capacity_of(agent))
}

/// `active` agrees with the conversations' statuses, both ways.
fn check_active_consistent(state: &State) -> Result<(), TestCaseError> {
    for (id, conv) in &state.conversations {
        if let Some(agent) = conv.agent() {
            prop_assert!(
                state
                    .agents
                    .get(agent)
                    .is_some_and(|a| a.active.contains(id)),
                "{id} is held by {agent}, who does not list it as active"
            );
        }
    }
    for (id, agent) in &state.agents {
        for conv in &agent.active {
            prop_assert!(
                state
                    .conversations
                    .get(conv)
                    .is_some_and(|c| c.agent() == Some(id.as_str())),
                "{id} lists {conv} as active but does not hold it"
            );
        }
    }
    Ok(())
}

/// Each agent's presence as the input itself leaves it (an `agent_update` is applied before
/// anything is routed): the starting point of the replay in [`check_capacity`].
fn presence_at_start(record: &Record) -> BTreeMap<String, Presence> {
    let mut presence: BTreeMap<String, Presence> = record
        .before
        .agents
        .iter()
        .map(|(id, a)| (id.clone(), a.status))
        .collect();
    if let (Input::AgentUpdate(u), Ok(_)) = (&record.input, &record.result) {
        let p = presence.entry(u.agent.id.clone()).or_default();
        if let Some(status) = u.agent.status {
            *p = status;
        }
    }
    presence
}

/// The capacity property (see the module documentation). The replay also follows presence:
/// from [`presence_at_start`], changed by `agent_status` outputs (an agent who lets an offer lapse
/// is set away), and must end at the state's presence.
fn check_capacity(config: &Config, record: &Record, after: &State) -> Result<(), TestCaseError> {
    let mut held: BTreeMap<String, BTreeSet<String>> = record
        .before
        .agents
        .iter()
        .map(|(id, a)| (id.clone(), a.active.clone()))
        .collect();
    let mut presence = presence_at_start(record);
    for output in record.outputs() {
        match output {
            Output::AgentStatus {
                agent_id, status, ..
            } => {
                presence.insert(agent_id.clone(), *status);
            }
            Output::OfferWithdrawn {
                conversation_id,
                agent_id,
                ..
            } => {
                let removed = held
                    .get_mut(agent_id)
                    .is_some_and(|s| s.remove(conversation_id));
                prop_assert!(
                    removed,
                    "offer of {conversation_id} withdrawn from {agent_id}, who did not hold it"
                );
            }
            Output::Closed {
                conversation_id,
                agent_id: Some(agent_id),
                ..
            } => {
                let removed = held
                    .get_mut(agent_id)
                    .is_some_and(|s| s.remove(conversation_id));
                prop_assert!(
                    removed,
                    "{conversation_id} closed from {agent_id}, who did not hold it"
                );
            }
            Output::Offered {
                conversation_id,
                agent_id,
                ..
            }
            | Output::Assigned {
                conversation_id,
                agent_id,
                ..
            } => {
                let set = held.entry(agent_id.clone()).or_default();
                if set.contains(conversation_id) {
                    // An accept: the agent already held the offer.
                    prop_assert!(
                        matches!(output, Output::Assigned { .. }),
                        "{conversation_id} offered again to {agent_id}, who already holds it"
                    );
                    continue;
                }
                let cap = capacity(config, after, agent_id);
                let status = presence.get(agent_id).copied();
                prop_assert_eq!(
                    status,
                    Some(Presence::Online),
                    "{} given to {}, who is not online",
                    conversation_id,
                    agent_id
                );
                prop_assert!(
                    (set.len() as u64) < u64::from(cap),
                    "{conversation_id} given to {agent_id}, who already held {} of {cap}: {:?}",
                    set.len(),
                    set
                );
                set.insert(conversation_id.clone());
            }
            _ => {}
        }
    }
    for (id, agent) in &after.agents {
        let replayed = held.remove(id).unwrap_or_default();
        prop_assert_eq!(
            &replayed,
            &agent.active,
            "the outputs do not account for {}'s active conversations",
            id
        );
        prop_assert_eq!(
            presence.remove(id),
            Some(agent.status),
            "the outputs do not account for {}'s presence",
            id
        );
    }
    for (id, rest) in held {
        prop_assert!(rest.is_empty(), "unknown agent {id} holds {rest:?}");
    }
    check_active_consistent(after)
}

/// The queue property (see the module documentation). `told` is the last `queued` position output
/// for each conversation so far.
fn check_queue(
    engine: &Engine,
    record: &Record,
    told: &mut BTreeMap<String, u32>,
) -> Result<(), TestCaseError> {
    for output in record.outputs() {
        if let Output::Queued {
            conversation_id,
            position,
            queue_length,
        } = output
        {
            prop_assert!(
                *position >= 1 && position <= queue_length,
                "position {position} of {queue_length}"
            );
            told.insert(conversation_id.clone(), *position);
        }
    }
    let queue: Vec<(String, u32)> = engine.queue().map(|(c, p)| (c.to_string(), p)).collect();
    let positions: Vec<u32> = queue.iter().map(|(_, p)| *p).collect();
    let expected: Vec<u32> = (1..=queue.len() as u32).collect();
    prop_assert_eq!(positions, expected);
    let ids: BTreeSet<&str> = queue.iter().map(|(c, _)| c.as_str()).collect();
    prop_assert_eq!(ids.len(), queue.len(), "a conversation is queued twice");
    let queued: BTreeSet<&str> = engine
        .state()
        .conversations
        .values()
        .filter(|c| c.status == Status::Queued)
        .map(|c| c.id.as_str())
        .collect();
    prop_assert_eq!(
        &ids,
        &queued,
        "the queue and the conversations with status queued differ"
    );
    let up_to = engine.config().routing.announce_positions_up_to;
    for (conv, position) in &queue {
        // Everyone was told a position on joining; the queue moving is announced only up to
        // `announce_positions_up_to`.
        prop_assert!(
            told.contains_key(conv),
            "{} is queued but was never told its position",
            conv
        );
        if *position <= up_to {
            prop_assert_eq!(
                told.get(conv),
                Some(position),
                "{} is at position {} but was last told otherwise",
                conv,
                position
            );
        }
        prop_assert_eq!(
            engine.state().conversations[conv].told_position.as_ref(),
            told.get(conv),
            "{}'s told_position is not the position it was last told",
            conv
        );
    }
    Ok(())
}

/// A tick when nothing is due (`next_wakeup()` none or later than the engine's `now`) outputs
/// nothing: everything the engine can do without a tick, it has done.
fn check_early_tick(sim: &Sim) -> Result<(), TestCaseError> {
    // A new engine's `now` is 0, before any time the engine accepts: start from START then.
    let now = sim.engine.state().now.max(START);
    let wake = sim.engine.next_wakeup();
    if wake.is_none_or(|w| w > now) {
        let early = sim.engine.clone().handle(Input::Tick, now);
        prop_assert!(
            early.as_ref().is_ok_and(Vec::is_empty),
            "a tick at {now} with nothing due (next_wakeup {wake:?}) output {early:?}"
        );
    }
    Ok(())
}

/// The wakeup property (see the module documentation), on a copy of the engine.
fn check_wakeup(sim: &Sim) -> Result<(), TestCaseError> {
    let now = sim.engine.state().now;
    let Some(w) = sim.engine.next_wakeup() else {
        return Ok(());
    };
    prop_assert!(
        w >= sim.earliest,
        "next_wakeup {w} is before the world began ({})",
        sim.earliest
    );
    prop_assert!(
        w <= now + 8 * DAY_MS,
        "next_wakeup {w} is more than 8 days after now {now}"
    );
    let mut engine = sim.engine.clone();
    let first = engine.handle(Input::Tick, w);
    prop_assert!(first.is_ok(), "tick at next_wakeup {w}: {:?}", first.err());
    let now2 = engine.state().now;
    if let Some(w2) = engine.next_wakeup() {
        prop_assert!(
            w2 > now2,
            "after a tick at {now2}, next_wakeup {w2} is not later"
        );
    }
    let second = engine.handle(Input::Tick, now2);
    prop_assert!(
        second.as_ref().is_ok_and(Vec::is_empty),
        "a second tick at {now2} output {second:?}"
    );
    Ok(())
}

/// 160 cases per property, or `PROPTEST_CASES` when set (for longer runs).
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(160);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// No new conversation goes to an agent at or above capacity, or offline.
    #[test]
    fn no_new_offer_at_or_above_capacity(world in world(), steps in steps()) {
        let config = world.config();
        run(&world, &steps, |sim, record| check_capacity(&config, record, sim.engine.state()))?;
    }

    /// Queue positions are 1..=n, match the statuses, and are what the customers were told.
    #[test]
    fn queue_positions_are_dense_and_told(world in world(), steps in steps()) {
        let mut told = BTreeMap::new();
        run(&world, &steps, |sim, record| check_queue(&sim.engine, record, &mut told))?;
    }

    /// The routing indexes kept in step input by input equal indexes built from the state anew.
    #[test]
    fn routing_indexes_stay_in_step(world in world(), steps in steps()) {
        run(&world, &steps, |sim, record| {
            prop_assert!(
                sim.engine.indexes_match_state(),
                "after {:?} the indexes differ from those built from the state",
                record.input
            );
            Ok(())
        })?;
    }

    /// The same inputs give the same outputs, byte for byte.
    #[test]
    fn same_inputs_same_outputs(world in world(), steps in steps()) {
        let mut first = Vec::new();
        let a = run(&world, &steps, |_, r| { first.push(r.json()); Ok(()) })?;
        let mut second = Vec::new();
        let b = run(&world, &steps, |_, r| { second.push(r.json()); Ok(()) })?;
        prop_assert_eq!(first, second);
        prop_assert_eq!(state_json(a.engine.state()), state_json(b.engine.state()));
    }

    /// Every persisted state restores, and a restored engine continues exactly like the original.
    #[test]
    fn restore_continues_exactly(world in world(), steps in steps(), cut in any::<prop::sample::Index>()) {
        let mut uninterrupted = Vec::new();
        let whole = run(&world, &steps, |sim, r| {
            let persisted = state_json(sim.engine.state());
            let restored = Engine::restore_json(sim.config.clone(), &persisted);
            prop_assert!(restored.is_ok(), "persisted state does not restore: {:?}", restored.err());
            let restored = restored.unwrap();
            prop_assert_eq!(restored.state(), sim.engine.state());
            uninterrupted.push(r.json());
            Ok(())
        })?;
        let cut = cut.index(steps.len() + 1);
        let mut sim = Sim::new(world.config());
        for s in &steps[..cut] {
            sim.step(s);
        }
        let persisted = state_json(sim.engine.state());
        sim.engine = Engine::restore_json(world.config(), &persisted)
            .map_err(|e| TestCaseError::fail(format!("restore at {cut}: {e}")))?;
        let mut continued = Vec::new();
        for s in &steps[cut..] {
            continued.push(sim.step(s).json());
        }
        prop_assert_eq!(&uninterrupted[cut..], &continued[..]);
        prop_assert_eq!(state_json(whole.engine.state()), state_json(sim.engine.state()));
    }

    /// Every accepted input (adversarial attributes included) leaves a state that serialises,
    /// restores to the same state, and answers every query; its outputs parse back as the
    /// engine's own JSON; the gauges and the queue page agree with the state.
    #[test]
    fn accepted_inputs_leave_a_restorable_readable_state(world in world(), steps in steps()) {
        run(&world, &steps, |sim, r| {
            let Ok(outputs) = &r.result else { return Ok(()) };
            let text = serde_json::to_string(outputs).expect("outputs serialise");
            let back: Vec<Output> = from_engine_json(&text).map_err(|e| TestCaseError::fail(format!("outputs: {e}")))?;
            prop_assert_eq!(back.len(), outputs.len());
            let json = state_json(sim.engine.state());
            let restored = Engine::restore_json(sim.config.clone(), &json)
                .map_err(|e| TestCaseError::fail(format!("restore after {:?}: {e}", r.input)))?;
            prop_assert_eq!(state_json(restored.state()), json);
            let state = restored.state();
            for (id, conv) in &state.conversations {
                let answer = restored.query(&Query::Conversation { conversation_id: id.clone() });
                let value: Value = from_engine_json(&answer).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(value, serde_json::to_value(conv).unwrap());
                let holder: Value = from_engine_json(&restored.query(&Query::Holder { conversation_id: id.clone() }))
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(holder["agent_id"].as_str(), conv.agent());
                if let Some(agent) = conv.agent() {
                    prop_assert!(restored.may_act(agent, id, Holding::OfferedOrAssigned).is_ok());
                }
                prop_assert!(restored.may_act("nobody", id, Holding::OfferedOrAssigned).is_err());
            }
            let gauges: Gauges = serde_json::from_str(&restored.query(&Query::Gauges {})).unwrap();
            prop_assert_eq!(gauges.queue_length, state.queue.len());
            prop_assert_eq!(gauges.conversations, state.conversations.len());
            prop_assert_eq!(gauges.outbox, state.outbox.len());
            prop_assert_eq!(gauges.dead_letters, state.dead_letters.len());
            prop_assert_eq!(gauges, sim.engine.gauges());
            let page: Value = serde_json::from_str(&restored.query(&Query::Queue { offset: 1, limit: 3 })).unwrap();
            let want: Vec<&str> = state.queue.iter().skip(1).take(3).map(|k| k.conversation_id.as_str()).collect();
            let got: Vec<&str> = page["queue"].as_array().unwrap().iter().map(|e| e["conversation_id"].as_str().unwrap()).collect();
            prop_assert_eq!(got, want);
            prop_assert_eq!(page["total"].as_u64(), Some(state.queue.len() as u64));
            for q in [r#"{"query":"agents"}"#, r#"{"query":"dead_letters","limit":1000}"#] {
                let answer = restored.query_json(q).expect("a known query");
                from_engine_json::<Value>(&answer).map_err(|e| TestCaseError::fail(e.to_string()))?;
            }
            Ok(())
        })?;
    }

    /// A refused input leaves the state exactly as it was, and names an input path.
    #[test]
    fn errors_leave_state_unchanged(world in world(), steps in steps()) {
        run(&world, &steps, |sim, r| {
            if let Err(e) = &r.result {
                prop_assert_eq!(state_json(&r.before), state_json(sim.engine.state()), "after {}", e);
                prop_assert!(
                    e.path == "now" || e.path == "input" || e.path.starts_with("input."),
                    "error path {:?} ({})", e.path, e
                );
                prop_assert!(!e.message.is_empty());
            }
            Ok(())
        })?;
    }

    /// Every delivery ever emitted is delivered, waiting in the outbox, or a dead letter.
    #[test]
    fn no_delivery_is_lost(world in world(), steps in steps()) {
        let mut emitted = BTreeSet::new();
        let mut delivered = BTreeSet::new();
        let sim = run(&world, &steps, |sim, r| {
            for o in r.outputs() {
                match o {
                    Output::Delivery(d) => { emitted.insert(d.delivery_id.clone()); }
                    Output::DeliveryFailed { delivery_id, .. } => { emitted.insert(delivery_id.clone()); }
                    Output::Delivered { delivery_id, .. } => {
                        prop_assert!(emitted.contains(delivery_id), "{delivery_id} delivered but never emitted");
                        prop_assert!(delivered.insert(delivery_id.clone()), "{delivery_id} delivered twice");
                    }
                    _ => {}
                }
            }
            let state = sim.engine.state();
            for id in state.outbox.keys() {
                prop_assert!(!state.dead_letters.contains_key(id), "{id} in the outbox and dead letters");
                prop_assert!(!delivered.contains(id), "{id} delivered but still in the outbox");
                prop_assert!(emitted.contains(id), "{id} in the outbox but never emitted");
            }
            for id in state.dead_letters.keys() {
                prop_assert!(!delivered.contains(id), "{id} delivered but a dead letter");
                prop_assert!(emitted.contains(id), "{id} is a dead letter but never emitted");
            }
            Ok(())
        })?;
        let state = sim.engine.state();
        for id in &emitted {
            prop_assert!(
                delivered.contains(id) || state.outbox.contains_key(id) || state.dead_letters.contains_key(id),
                "delivery {} was lost", id
            );
        }
    }

    /// `next_wakeup` is sane, and ticking at it is harmless.
    #[test]
    fn next_wakeup_is_sane_and_ticking_is_harmless(world in world(), steps in steps()) {
        run(&world, &steps, |sim, _| check_wakeup(sim))?;
    }

    /// When `next_wakeup` says nothing is due, a tick does nothing. See
    /// `skill_wait_deadline_survives_an_input_at_the_deadline` and
    /// `decline_cooldown_survives_an_input_at_its_end` for the failures it finds.
    #[test]
    fn a_tick_when_nothing_is_due_does_nothing(world in world(), steps in steps()) {
        run(&world, &steps, |sim, _| check_early_tick(sim))?;
    }
}

/// Found by `restore_continues_exactly`: a caller's confidence of `0.9205658460412001` is kept in
/// the state exactly, but `serde_json` (built without its `float_roundtrip` feature) parses the
/// persisted `0.9205658460412001` back as `0.9205658460412`, one ulp away, so the restored state
/// differs from the persisted one and so do later outputs (the agent's context shows the
/// confidence). The fix is `serde_json = { features = ["float_roundtrip"] }` in the workspace.
#[test]
fn restore_keeps_full_precision_floats() {
    let config = Config::from_json_str(r#"{"handoff": {}}"#).unwrap();
    let mut engine = Engine::new(config.clone());
    let message = input(json!({
        "type": "customer_message",
        "conversation_id": "conv_0",
        "text": "talk to a human",
        "signals": {"confidence": 0.920_565_846_041_200_1_f64},
    }));
    engine.handle(message, START).unwrap();
    let persisted = state_json(engine.state());
    let restored = Engine::restore_json(config, &persisted).unwrap();
    assert_eq!(state_json(restored.state()), persisted);
    assert_eq!(restored.state(), engine.state());
}

/// Found by `a_tick_when_nothing_is_due_does_nothing` (shrunk by hand from proptest's 12 steps).
/// A conversation needing a skill nobody online has waits `skill_wait_seconds`, and
/// `next_wakeup()` says when that wait ends. But when any other input arrives at (or after) that
/// instant, before the host's tick, `next_wakeup()` filters the deadline out (it only keeps
/// deadlines later than `now`) and nothing else routes the conversation: it stays queued
/// although an agent is free, until some unrelated tick, agent update or close. A host that
/// ticks only when told never hands it over.
#[test]
fn skill_wait_deadline_survives_an_input_at_the_deadline() {
    let config = Config::from_value(&json!({"handoff": {"routing": {
        "method": "skill_based",
        "skills": {"billing": ["agent_0"]},
        "skill_wait_seconds": 60,
    }}}))
    .unwrap();
    let mut engine = Engine::new(config);
    let send = |engine: &mut Engine, v: Value, now: i64| engine.handle(input(v), now).unwrap();
    send(
        &mut engine,
        json!({"type": "agent_update", "agent": {"id": "agent_1", "status": "online"}}),
        START,
    );
    let out = send(
        &mut engine,
        json!({"type": "customer_message", "conversation_id": "conv_1",
               "text": "I was charged twice, talk to a human", "signals": {"topic": "billing_dispute"}}),
        START,
    );
    assert!(
        out.iter().any(|o| matches!(o, Output::Queued { .. })),
        "waits for a billing agent: {out:?}"
    );
    assert_eq!(engine.next_wakeup(), Some(START + 60_000));
    // Another customer writes exactly when the wait ends, before the host's tick.
    send(
        &mut engine,
        json!({"type": "customer_message", "conversation_id": "conv_2", "text": "hello"}),
        START + 60_000,
    );
    let wake = engine.next_wakeup();
    let tick = engine.handle(Input::Tick, START + 60_000).unwrap();
    assert!(
        tick.is_empty() || wake.is_some_and(|w| w <= START + 60_000),
        "next_wakeup() is {wake:?}, yet a tick now outputs {tick:?}"
    );
}

/// Found by `a_tick_when_nothing_is_due_does_nothing` (proptest's minimal sequence, 6 steps): the
/// same flaw as `skill_wait_deadline_survives_an_input_at_the_deadline`, with the decline
/// cooldown. An agent who declined may be offered the conversation again after
/// `offer_timeout_seconds`, and `next_wakeup()` says when; but an input other than a tick arriving
/// at that instant drops the deadline (`next_wakeup()` keeps only deadlines later than `now`), so a
/// host that ticks when told never hands the conversation back to the only agent on duty.
#[test]
fn decline_cooldown_survives_an_input_at_its_end() {
    let config = Config::from_value(&json!({"handoff": {
        "routing": {"method": "round_robin", "offer_timeout_seconds": 5},
    }}))
    .unwrap();
    let mut engine = Engine::new(config);
    let send = |engine: &mut Engine, v: Value, now: i64| engine.handle(input(v), now).unwrap();
    send(
        &mut engine,
        json!({"type": "customer_message", "conversation_id": "conv_0", "text": "mujhe insaan se baat karni hai"}),
        START,
    );
    send(
        &mut engine,
        json!({"type": "agent_update", "agent": {"id": "agent_0", "status": "online"}}),
        START,
    );
    let out = send(
        &mut engine,
        json!({"type": "agent_decline", "conversation_id": "conv_0", "agent_id": "agent_0"}),
        START,
    );
    assert!(
        !out.iter().any(|o| matches!(o, Output::Offered { .. })),
        "{out:?}"
    );
    assert_eq!(engine.next_wakeup(), Some(START + 5_000));
    // Another customer writes exactly when the cooldown ends, before the host's tick.
    send(
        &mut engine,
        json!({"type": "customer_message", "conversation_id": "conv_9", "text": "hello"}),
        START + 5_000,
    );
    let wake = engine.next_wakeup();
    let tick = engine.handle(Input::Tick, START + 5_000).unwrap();
    assert!(
        tick.is_empty() || wake.is_some_and(|w| w <= START + 5_000),
        "next_wakeup() is {wake:?}, yet a tick now outputs {tick:?}"
    );
}
