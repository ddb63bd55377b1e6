//! Shared pieces of the fuzz targets: a fixed configuration and a busy engine to feed inputs
//! to, the random world and operations of `engine_ops`, and the invariants it asserts (the same
//! ones as `core/tests/properties.rs`, see there for the precise definitions).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use arbitrary::Arbitrary;
use handoff_core::input::{
    AgentAction, AgentInfo, AgentMessage, AgentUpdate, AiReply, CallbackDetails, ClosedBy,
    ConversationClosed, Customer, CustomerMessage, DeliveryResult, EnableWebhook, HandoffRequest,
    RedriveDelivery, Signals,
};
use handoff_core::limits::{from_engine_json, MAX_ATTRIBUTES_BYTES};
use handoff_core::query::Query;
use handoff_core::state::{Presence, State, Status};
use handoff_core::{Config, Engine, Input, InputError, Output, MAX_TEXT_BYTES};

/// Monday 2026-01-12 10:30:00 UTC (16:00 in Kolkata, open).
pub const START: i64 = 1_768_213_800_000;

/// A configuration with everything: agents, skills, hours, two webhooks, a queue limit.
pub const FIXED_CONFIG: &str = r#"{"handoff": {
  "triggers": {"topics": ["billing_dispute", "legal", "complaint"], "max_exchanges": 3},
  "routing": {"method": "skill_based", "skills": {"billing": ["agent_1", "agent_2"]},
              "max_queue_length": 4, "skill_wait_seconds": 30},
  "business_hours": {"timezone": "Asia/Kolkata", "schedule": {
      "monday": {"start": "09:00", "end": "18:00"}, "tuesday": {"start": "09:00", "end": "18:00"},
      "saturday": [{"start": "10:00", "end": "12:00"}, {"start": "22:00", "end": "02:00", "overnight": true}]},
      "holidays": ["2026-01-14", {"date": "2026-01-15", "name": "Pongal"}]},
  "agents": [{"id": "agent_1", "name": "Asha", "max_concurrent": 1}, {"id": "agent_2"}, {"id": "agent_3"}],
  "webhooks": [
    {"id": "crm", "url": "https://crm.example.test/h", "secret_ref": "CRM_SECRET"},
    {"id": "slack", "url": "https://slack.example.test/h", "events": ["conversation.closed"]}
  ]
}}"#;

/// [`FIXED_CONFIG`], parsed.
pub fn fixed_config() -> Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG
        .get_or_init(|| Config::from_json_str(FIXED_CONFIG).expect("the fixed config parses"))
        .clone()
}

/// An engine on [`fixed_config`] with conversations in every status and deliveries in flight,
/// waiting and dead.
pub fn busy_engine() -> Engine {
    static BUSY: OnceLock<Engine> = OnceLock::new();
    BUSY.get_or_init(|| {
        let mut engine = Engine::new(fixed_config());
        let lines = [
            r#"{"type":"agent_update","agent":{"id":"agent_1","status":"online"}}"#,
            r#"{"type":"agent_update","agent":{"id":"agent_3","status":"online","max_concurrent":1}}"#,
            r#"{"type":"customer_message","conversation_id":"conv_1","text":"talk to a human","customer":{"name":"Priya"}}"#,
            r#"{"type":"customer_message","conversation_id":"conv_2","text":"I was charged twice, talk to a human"}"#,
            r#"{"type":"customer_message","conversation_id":"conv_3","text":"mujhe insaan se baat karni hai"}"#,
            r#"{"type":"agent_accept","conversation_id":"conv_1","agent_id":"agent_1"}"#,
            r#"{"type":"customer_message","conversation_id":"conv_4","text":"Where is my order?"}"#,
            r#"{"type":"ai_reply","conversation_id":"conv_4","text":"Shipped.","confidence":0.9}"#,
        ];
        for (i, line) in lines.iter().enumerate() {
            engine
                .handle_json(line, START + i as i64 * 1_000)
                .unwrap_or_else(|e| panic!("{line}: {e}"));
        }
        let ids: Vec<String> = engine.state().outbox.keys().cloned().collect();
        for (id, status) in ids.iter().zip(["500", "200", "410"]) {
            let line = format!(r#"{{"type":"delivery_result","delivery_id":"{id}","status":{status}}}"#);
            engine.handle_json(&line, START + 10_000).unwrap();
        }
        // 18:30 in Kolkata: closed, so a callback.
        let evening = START + 2 * 3_600_000 + 30 * 60_000;
        engine
            .handle_json(
                r#"{"type":"handoff_request","conversation_id":"conv_5","customer":{"name":"Ravi"}}"#,
                evening,
            )
            .unwrap();
        engine
    })
    .clone()
}

/// Handles `input`; asserts that an error names an input path and leaves the state unchanged,
/// and that an accepted input leaves a state that serialises, restores and answers queries.
pub fn handle_checked(engine: &mut Engine, input: Input, now: i64) -> Option<Vec<Output>> {
    let before = engine.state().clone();
    match engine.handle(input, now) {
        Ok(out) => {
            check_restorable_and_readable(engine, &out);
            Some(out)
        }
        Err(e) => {
            check_input_error(&e);
            assert!(engine.state() == &before, "state changed on {e}");
            None
        }
    }
}

/// The invariant of the review's finding ("one request bricks the service"): every accepted
/// input leaves a state that serialises, restores to the same state, and answers every query;
/// its outputs parse back as the engine's own JSON.
pub fn check_restorable_and_readable(engine: &Engine, outputs: &[Output]) {
    let text = serde_json::to_string(outputs).expect("outputs serialise");
    from_engine_json::<Vec<Output>>(&text).expect("outputs parse back");
    let json = serde_json::to_string(engine.state()).expect("the state serialises");
    let restored = Engine::restore_json(engine.config().clone(), &json)
        .unwrap_or_else(|e| panic!("an accepted input left a state that does not restore: {e}"));
    assert!(restored.state() == engine.state(), "restored state differs");
    for id in engine.state().conversations.keys() {
        for q in [
            Query::Conversation {
                conversation_id: id.clone(),
            },
            Query::Holder {
                conversation_id: id.clone(),
            },
        ] {
            from_engine_json::<serde_json::Value>(&restored.query(&q)).expect("answer parses");
        }
    }
    for q in [
        Query::Queue {
            offset: 0,
            limit: 1000,
        },
        Query::Agents {},
        Query::Gauges {},
        Query::DeadLetters {
            offset: 0,
            limit: 1000,
        },
    ] {
        from_engine_json::<serde_json::Value>(&restored.query(&q)).expect("answer parses");
    }
}

/// An input error names `now` or a path under `input`.
pub fn check_input_error(e: &InputError) {
    assert!(
        e.path == "now"
            || e.path == "input"
            || e.path.starts_with("input.")
            || e.path.starts_with("input["),
        "bad input error path {:?}: {e}",
        e.path
    );
}

/// A few inputs of every kind on whatever `engine` holds, then ticks far ahead.
pub fn exercise(engine: &mut Engine) {
    let now = engine.state().now.clamp(0, 8_210_266_876_799_999);
    let convs: Vec<(String, Status)> = engine
        .state()
        .conversations
        .values()
        .take(6)
        .map(|c| (c.id.clone(), c.status.clone()))
        .collect();
    for (id, status) in &convs {
        let input = match status {
            Status::Offered { agent_id, .. } => Input::AgentAccept(AgentAction {
                conversation_id: id.clone(),
                agent_id: agent_id.clone(),
                reason: None,
            }),
            Status::Assigned { agent_id, .. } => Input::AgentMessage(AgentMessage {
                conversation_id: id.clone(),
                agent_id: agent_id.clone(),
                text: "hi".into(),
            }),
            Status::CollectingCallback => Input::CallbackDetails(CallbackDetails {
                conversation_id: id.clone(),
                name: Some("P".into()),
                phone: None,
                email: Some("p@example.com".into()),
                preferred_time: None,
            }),
            _ => Input::CustomerMessage(CustomerMessage {
                conversation_id: id.clone(),
                text: "talk to a human, this is terrible".into(),
                customer: None,
                signals: None,
            }),
        };
        handle_checked(engine, input, now);
    }
    let outbox: Vec<String> = engine.state().outbox.keys().take(4).cloned().collect();
    for (i, id) in outbox.iter().enumerate() {
        let input = Input::DeliveryResult(DeliveryResult {
            delivery_id: id.clone(),
            status: [Some(200), Some(503), None, Some(410)][i % 4],
            retry_after_ms: Some(u64::MAX),
            body: None,
            error: None,
            headers: None,
        });
        handle_checked(engine, input, now);
    }
    for dt in [0, 61_000, 40 * 86_400_000] {
        handle_checked(engine, Input::Tick, now.saturating_add(dt));
        if let Some(w) = engine.next_wakeup() {
            handle_checked(engine, Input::Tick, w);
        }
    }
    for (id, _) in &convs {
        let input = Input::ConversationClosed(ConversationClosed {
            conversation_id: id.clone(),
            by: ClosedBy::Agent,
            agent_id: None,
        });
        handle_checked(engine, input, now);
    }
    handle_checked(engine, Input::Tick, i64::MAX);
}

// ----- engine_ops ---------------------------------------------------------------------------------

const AGENTS: u8 = 5;
const CONVS: u8 = 12;
const TEXTS: &[&str] = &[
    "talk to a human",
    "Can I talk to a real person please?",
    "This is absolutely terrible. I'm furious, you people are useless!!!",
    "What are your opening hours?",
    "mujhe insaan se baat karni hai",
    "yaar ye service bilkul bekaar hai",
    "quiero hablar con una persona",
    "esto es horrible, estoy muy enojado",
    "I was charged twice, I want to dispute this charge",
    "I'm going to contact my lawyer",
    "",
    "I don't want a human",
];
const TOPICS: &[&str] = &["billing_dispute", "legal", "complaint", "order_status"];
const SKILLS: &[&str] = &["billing", "technical", "legal"];

/// A random configuration of the small world (as in `properties.rs`).
#[derive(Debug, Arbitrary)]
pub struct WorldSpec {
    method: u8,
    away_after_missed_offer: bool,
    auto_accept: bool,
    fallback: u8,
    hours: bool,
    outside: u8,
    max_queue_length: Option<u8>,
    capacity: u8,
    configured_agents: bool,
    offer_timeout: u8,
    skill_wait: Option<u16>,
}

impl WorldSpec {
    /// The configuration as JSON text.
    pub fn config_json(&self) -> String {
        let method = ["round_robin", "skill_based", "load_based"][self.method as usize % 3];
        let fallback = ["queue", "callback", "none"][self.fallback as usize % 3];
        let outside = ["collect_callback", "queue", "message"][self.outside as usize % 3];
        let mut routing = format!(
            r#""method": "{method}", "fallback": "{fallback}", "auto_accept": {}, "away_after_missed_offer": {}, "max_concurrent_per_agent": {}, "offer_timeout_seconds": {}"#,
            self.auto_accept,
            self.away_after_missed_offer,
            1 + self.capacity % 3,
            5 + u32::from(self.offer_timeout),
        );
        match self.skill_wait {
            Some(s) => routing += &format!(r#", "skill_wait_seconds": {}"#, s % 1000),
            None => routing += r#", "skill_wait_seconds": null"#,
        }
        if let Some(n) = self.max_queue_length {
            routing += &format!(r#", "max_queue_length": {}"#, 1 + n % 4);
        }
        if method == "skill_based" {
            routing += r#", "skills": {"billing": ["agent_0", "agent_1"], "technical": ["agent_2"], "legal": ["agent_3"]}"#;
        }
        let agents = if self.configured_agents {
            r#", "agents": [{"id": "agent_0", "max_concurrent": 1}, {"id": "agent_1", "skills": {"billing": 3}}, {"id": "agent_2", "max_concurrent": 1}, {"id": "agent_3"}, {"id": "agent_4"}]"#
        } else {
            ""
        };
        let hours = if self.hours {
            r#", "business_hours": {"timezone": "UTC", "schedule": {"monday": [{"start": "10:00", "end": "10:45"}, {"start": "11:00", "end": "18:00"}], "tuesday": {"start": "09:00", "end": "17:00"}}}"#
        } else {
            ""
        };
        format!(
            r#"{{"handoff": {{"triggers": {{"max_exchanges": 3, "topics": ["billing_dispute", "legal", "complaint"]}},
                "routing": {{{routing}}}, "outside_hours": {{"action": "{outside}"}},
                "webhooks": [{{"id": "crm", "url": "https://crm.example.test/h"}}]{agents}{hours}}}}}"#
        )
    }

    /// The configuration.
    pub fn config(&self) -> Config {
        let text = self.config_json();
        Config::from_json_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }
}

/// One thing that happens (as in `properties.rs`).
#[derive(Debug, Arbitrary)]
pub enum Op {
    Customer {
        conv: u8,
        text: u8,
        customer: bool,
        /// Adversarial attributes: levels of nesting, arrays or objects, a string's length.
        attributes: Option<(u8, bool, u16)>,
        sentiment: Option<i8>,
        confidence: Option<u8>,
        human_requested: Option<bool>,
        topic: Option<u8>,
    },
    AiReply {
        conv: u8,
        confidence: Option<u8>,
        resolved: bool,
    },
    HandoffRequest {
        conv: u8,
    },
    AgentUpdate {
        agent: u8,
        status: Option<u8>,
        max_concurrent: Option<u8>,
        skills: Option<Vec<u8>>,
    },
    Accept {
        pick: u8,
        wrong: Option<u8>,
    },
    Decline {
        pick: u8,
        wrong: Option<u8>,
    },
    AgentMessage {
        pick: u8,
        wrong: Option<u8>,
    },
    CallbackDetails {
        pick: u8,
        form: u8,
    },
    Close {
        conv: u8,
        by: u8,
    },
    DeliveryResult {
        pick: u8,
        status: Option<u16>,
        retry_after_ms: Option<u32>,
    },
    Redrive {
        pick: u8,
    },
    EnableWebhook {
        known: bool,
    },
    Tick,
    TickAtWakeup,
}

/// The clock moves by `seconds` (backwards when `back`), then `op` happens.
#[derive(Debug, Arbitrary)]
pub struct Step {
    seconds: u16,
    back: bool,
    op: Op,
}

/// A whole `engine_ops` case.
#[derive(Debug, Arbitrary)]
pub struct Scenario {
    pub world: WorldSpec,
    pub steps: Vec<Step>,
}

fn conv_id(i: u8) -> String {
    format!("conv_{}", i % CONVS)
}

fn agent_id(i: u8) -> String {
    format!("agent_{}", i % AGENTS)
}

fn nth<T: Clone>(items: &[T], pick: u8) -> Option<T> {
    (!items.is_empty()).then(|| items[pick as usize % items.len()].clone())
}

/// Attributes nested `levels` deep (up to 130: around the limit and past serde_json's own),
/// in arrays or objects, holding a string of up to a little over the byte limit.
fn adversarial((levels, arrays, pad): (u8, bool, u16)) -> BTreeMap<String, serde_json::Value> {
    let pad = usize::from(pad) % (MAX_ATTRIBUTES_BYTES + 64);
    let mut v = serde_json::Value::String("é".repeat(pad / 2));
    for i in 0..(levels % 131) {
        v = if arrays && i % 2 == 0 {
            serde_json::json!([v])
        } else {
            serde_json::json!({ "k": v })
        };
    }
    BTreeMap::from([("x".to_string(), v)])
}

/// The input `op` stands for in `state`.
fn to_input(op: &Op, state: &State) -> Input {
    let with = |want: fn(&Status) -> bool| -> Vec<(String, Option<String>)> {
        state
            .conversations
            .values()
            .filter(|c| want(&c.status))
            .map(|c| (c.id.clone(), c.agent().map(str::to_string)))
            .collect()
    };
    let target = |c: Vec<(String, Option<String>)>, pick: u8, wrong: Option<u8>| {
        let (conv, agent) = nth(&c, pick).unwrap_or((conv_id(pick), None));
        let agent = wrong.map(agent_id).or(agent).unwrap_or_else(|| agent_id(0));
        (conv, agent)
    };
    match op {
        Op::Customer {
            conv,
            text,
            customer,
            attributes,
            sentiment,
            confidence,
            human_requested,
            topic,
        } => {
            let text = TEXTS.get(*text as usize).map_or_else(
                || "a".repeat(MAX_TEXT_BYTES + usize::from(*text % 2)),
                |t| t.to_string(),
            );
            let signals = (sentiment.is_some()
                || confidence.is_some()
                || human_requested.is_some()
                || topic.is_some())
            .then(|| Signals {
                sentiment: sentiment.map(|s| f64::from(s) / 100.0),
                confidence: confidence.map(|c| f64::from(c) / 200.0),
                human_requested: *human_requested,
                topic: topic.map(|t| TOPICS[t as usize % TOPICS.len()].to_string()),
                ..Signals::default()
            });
            Input::CustomerMessage(CustomerMessage {
                conversation_id: conv_id(*conv),
                text,
                customer: (*customer || attributes.is_some()).then(|| Customer {
                    name: Some("Priya".into()),
                    email: Some("priya@example.com".into()),
                    attributes: attributes.map(adversarial).unwrap_or_default(),
                    ..Customer::default()
                }),
                signals,
            })
        }
        Op::AiReply {
            conv,
            confidence,
            resolved,
        } => Input::AiReply(AiReply {
            conversation_id: conv_id(*conv),
            text: "Let me check.".into(),
            confidence: confidence.map(|c| f64::from(c) / 200.0),
            actions: vec!["looked up order".into()],
            resolved: *resolved,
        }),
        Op::HandoffRequest { conv } => Input::HandoffRequest(HandoffRequest {
            conversation_id: conv_id(*conv),
            customer: None,
            source: None,
        }),
        Op::AgentUpdate {
            agent,
            status,
            max_concurrent,
            skills,
        } => Input::AgentUpdate(AgentUpdate {
            agent: AgentInfo {
                id: agent_id(*agent),
                name: None,
                status: status
                    .map(|s| [Presence::Online, Presence::Away, Presence::Offline][s as usize % 3]),
                skills: skills.as_ref().map(|s| {
                    s.iter()
                        .map(|i| SKILLS[*i as usize % SKILLS.len()].to_string())
                        .collect()
                }),
                max_concurrent: max_concurrent
                    .map(|m| if m == 255 { 1001 } else { u32::from(m % 4) }),
            },
        }),
        Op::Accept { pick, wrong } | Op::Decline { pick, wrong } => {
            let (conversation_id, agent_id) =
                target(with(|s| matches!(s, Status::Offered { .. })), *pick, *wrong);
            let action = AgentAction {
                conversation_id,
                agent_id,
                reason: None,
            };
            if matches!(op, Op::Accept { .. }) {
                Input::AgentAccept(action)
            } else {
                Input::AgentDecline(action)
            }
        }
        Op::AgentMessage { pick, wrong } => {
            let (conversation_id, agent_id) = target(
                with(|s| matches!(s, Status::Assigned { .. })),
                *pick,
                *wrong,
            );
            Input::AgentMessage(AgentMessage {
                conversation_id,
                agent_id,
                text: "On it.".into(),
            })
        }
        Op::CallbackDetails { pick, form } => {
            let (conversation_id, _) =
                target(with(|s| *s == Status::CollectingCallback), *pick, None);
            Input::CallbackDetails(CallbackDetails {
                conversation_id,
                name: (form % 4 != 1).then(|| "Priya".into()),
                phone: match form % 4 {
                    0 => Some("+91 98765 43210".into()),
                    2 => Some("12".into()),
                    _ => None,
                },
                email: (form % 4 == 1).then(|| "priya@example.com".into()),
                preferred_time: None,
            })
        }
        Op::Close { conv, by } => Input::ConversationClosed(ConversationClosed {
            conversation_id: conv_id(*conv),
            by: [
                ClosedBy::Customer,
                ClosedBy::Agent,
                ClosedBy::Ai,
                ClosedBy::System,
            ][*by as usize % 4],
            agent_id: None,
        }),
        Op::DeliveryResult {
            pick,
            status,
            retry_after_ms,
        } => {
            let ids: Vec<String> = state.outbox.keys().cloned().collect();
            Input::DeliveryResult(DeliveryResult {
                delivery_id: nth(&ids, *pick).unwrap_or_else(|| "msg_missing".into()),
                status: *status,
                retry_after_ms: retry_after_ms.map(u64::from),
                body: Some("oops".into()),
                error: None,
                headers: None,
            })
        }
        Op::Redrive { pick } => {
            let ids: Vec<String> = state.dead_letters.keys().cloned().collect();
            Input::RedriveDelivery(RedriveDelivery {
                delivery_id: nth(&ids, *pick).unwrap_or_else(|| "msg_missing".into()),
            })
        }
        Op::EnableWebhook { known } => Input::EnableWebhook(EnableWebhook {
            webhook_id: if *known { "crm" } else { "nope" }.into(),
        }),
        Op::Tick | Op::TickAtWakeup => Input::Tick,
    }
}

/// Runs a scenario, asserting after every step: errors change nothing; no new conversation goes
/// to an agent who is offline or at capacity; `active` agrees with the statuses and the outputs;
/// queue positions are `1..=n`, match the `queued` statuses and what customers were last told;
/// ticking at `next_wakeup()` succeeds and a second tick then does nothing.
pub fn run_scenario(scenario: &Scenario) {
    let config = scenario.world.config();
    let mut engine = Engine::new(config.clone());
    let mut clock = START;
    let mut told: BTreeMap<String, u32> = BTreeMap::new();
    for step in scenario.steps.iter().take(200) {
        let dt = i64::from(step.seconds) * 1_000;
        clock = if step.back { clock - dt } else { clock + dt };
        if let (Op::TickAtWakeup, Some(w)) = (&step.op, engine.next_wakeup()) {
            clock = clock.max(w);
        }
        let input = to_input(&step.op, engine.state());
        let before = engine.state().clone();
        let Some(outputs) = handle_checked(&mut engine, input.clone(), clock) else {
            continue;
        };
        check_capacity(&config, &input, &before, engine.state(), &outputs);
        check_queue(&engine, &outputs, &mut told);
        check_wakeup(&engine);
    }
}

fn check_capacity(
    config: &Config,
    input: &Input,
    before: &State,
    after: &State,
    outputs: &[Output],
) {
    let mut held: BTreeMap<String, BTreeSet<String>> = before
        .agents
        .iter()
        .map(|(id, a)| (id.clone(), a.active.clone()))
        .collect();
    // Presence as the input leaves it (an agent_update is applied first), then `agent_status`.
    let mut presence: BTreeMap<String, Presence> = before
        .agents
        .iter()
        .map(|(id, a)| (id.clone(), a.status))
        .collect();
    if let Input::AgentUpdate(u) = input {
        let p = presence.entry(u.agent.id.clone()).or_default();
        if let Some(status) = u.agent.status {
            *p = status;
        }
    }
    for output in outputs {
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
            }
            | Output::Closed {
                conversation_id,
                agent_id: Some(agent_id),
                ..
            } => {
                let removed = held
                    .get_mut(agent_id)
                    .is_some_and(|s| s.remove(conversation_id));
                assert!(
                    removed,
                    "{conversation_id} released by {agent_id}, who did not hold it"
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
                    assert!(
                        matches!(output, Output::Assigned { .. }),
                        "{conversation_id} offered twice"
                    );
                    continue;
                }
                let agent = after.agents.get(agent_id).expect("a known agent");
                let cap = agent
                    .max_concurrent
                    .unwrap_or_else(|| config.capacity_of(agent_id));
                assert_eq!(
                    presence.get(agent_id),
                    Some(&Presence::Online),
                    "{conversation_id} given to {agent_id}, not online"
                );
                assert!(
                    (set.len() as u64) < u64::from(cap),
                    "{conversation_id} given to {agent_id}, who held {} of {cap}",
                    set.len()
                );
                set.insert(conversation_id.clone());
            }
            _ => {}
        }
    }
    for (id, agent) in &after.agents {
        assert_eq!(
            held.remove(id).unwrap_or_default(),
            agent.active,
            "{id}'s active set"
        );
        assert_eq!(presence.remove(id), Some(agent.status), "{id}'s presence");
    }
    assert!(held.values().all(BTreeSet::is_empty));
    for (id, conv) in &after.conversations {
        if let Some(agent) = conv.agent() {
            assert!(
                after
                    .agents
                    .get(agent)
                    .is_some_and(|a| a.active.contains(id)),
                "{id} / {agent}"
            );
        }
    }
}

fn check_queue(engine: &Engine, outputs: &[Output], told: &mut BTreeMap<String, u32>) {
    for output in outputs {
        if let Output::Queued {
            conversation_id,
            position,
            ..
        } = output
        {
            told.insert(conversation_id.clone(), *position);
        }
    }
    let queue: Vec<(&str, u32)> = engine.queue().collect();
    for (i, (conv, position)) in queue.iter().enumerate() {
        assert_eq!(*position, i as u32 + 1);
        assert_eq!(
            told.get(*conv),
            Some(position),
            "{conv} was told another position"
        );
    }
    let ids: BTreeSet<&str> = queue.iter().map(|(c, _)| *c).collect();
    assert_eq!(ids.len(), queue.len(), "a conversation is queued twice");
    let queued: BTreeSet<&str> = engine
        .state()
        .conversations
        .values()
        .filter(|c| c.status == Status::Queued)
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(ids, queued, "the queue and the queued statuses differ");
}

fn check_wakeup(engine: &Engine) {
    let Some(w) = engine.next_wakeup() else {
        return;
    };
    let mut copy = engine.clone();
    let first = copy.handle(Input::Tick, w);
    assert!(first.is_ok(), "tick at next_wakeup {w}: {first:?}");
    let now = copy.state().now;
    if let Some(w2) = copy.next_wakeup() {
        assert!(w2 > now, "after a tick at {now}, next_wakeup {w2}");
    }
    let second = copy.handle(Input::Tick, now);
    assert!(
        second.is_ok_and(|o| o.is_empty()),
        "a second tick did something"
    );
}
