//! Parsing never panics, and every refusal names a path.
//!
//! Arbitrary JSON values (null, booleans, numbers including huge and negative ones, strings
//! including unicode and the engine's own words, arrays and objects whose keys mix the real field
//! names with random ones, up to 5 levels deep), arbitrary bytes and strings, and one-to-three
//! point mutations of valid documents (the example settings, the example business hours, and a
//! snapshot of a busy engine) go to every parser: [`Config::from_value`] (raw and wrapped as
//! `{"handoff": ...}`), [`Config::from_json_str`], [`Input::from_value`],
//! [`Input::from_json_str`], [`Engine::restore_value`], [`Engine::restore_json`] and
//! [`Engine::handle_json`]. What parses is then *used* (a configuration drives a short
//! conversation; a restored snapshot gets every kind of input, ticks far in the future), and
//! [`Engine::handle`] gets `now` values from `i64::MIN` to `i64::MAX`.
//!
//! The path conventions asserted, as the code has them:
//!
//! - configuration: `$` when the text is not JSON; otherwise `handoff` or a path under it
//!   (`handoff.routing.method`, `handoff.agents[2].id`), except that a document with a `handoff`
//!   key *and* other top-level keys reports each of those by its bare name (`extra`);
//! - inputs: `input` or a path under it (`input.signals.sentiment`); `handle` also answers `now`
//!   for a time it cannot represent;
//! - snapshots: `state` or a path under it (`state.conversations.conv_1.status`); the message of
//!   every [`RestoreError`] starts with that path.
//!
//! Regression inputs found by fuzzing (fuzz/) or by these properties are kept at the end as
//! byte-string constants.

use std::sync::LazyLock;

use handoff_core::wire::limits::MIN_TIME;
use handoff_core::wire::state::Status;
use handoff_core::{Config, Engine, Input, Output, RestoreError};
use proptest::prelude::*;
use serde_json::{json, Map, Number, Value};

/// Monday 2026-01-12 10:30:00 UTC (16:00 in Kolkata, open).
const START: i64 = 1_768_213_800_000;
/// The last millisecond chrono can represent (+262142-12-31T23:59:59.999Z).
const CHRONO_MAX_MS: i64 = 8_210_266_876_799_999;

const SETTINGS: &str = include_str!("../../examples/handoff-settings.json");
const BUSINESS_HOURS: &str = include_str!("../../examples/business-hours.json");

/// Field names of configurations, inputs and snapshots, so that random objects often look real.
const NAMES: &[&str] = &[
    // configuration
    "handoff",
    "enabled",
    "triggers",
    "routing",
    "messages",
    "business_hours",
    "outside_hours",
    "agents",
    "webhooks",
    "customer_request",
    "sentiment_threshold",
    "sentiment_window",
    "max_exchanges",
    "low_confidence_threshold",
    "low_confidence_consecutive",
    "topics",
    "keywords",
    "priority",
    "method",
    "fallback",
    "priority_boost_on_sentiment",
    "agent_pool",
    "skills",
    "topic_skills",
    "max_concurrent_per_agent",
    "skill_wait_seconds",
    "offer_timeout_seconds",
    "auto_accept",
    "away_after_missed_offer",
    "max_queue_length",
    "timezone",
    "schedule",
    "holidays",
    "closed_dates",
    "monday",
    "tuesday",
    "saturday",
    "sunday",
    "start",
    "end",
    "overnight",
    "date",
    "action",
    "message",
    "url",
    "events",
    "secret_ref",
    "secret",
    "handoff_initiated",
    "waiting_for_agent",
    "agent_connected",
    // inputs
    "type",
    "conversation_id",
    "text",
    "customer",
    "signals",
    "sentiment",
    "confidence",
    "intent",
    "topic",
    "summary",
    "suggested_actions",
    "human_requested",
    "attributes",
    "email",
    "phone",
    "resolved",
    "source",
    "agent",
    "agent_id",
    "status",
    "max_concurrent",
    "reason",
    "preferred_time",
    "by",
    "delivery_id",
    "retry_after_ms",
    "body",
    "error",
    "webhook_id",
    // state
    "version",
    "now",
    "seq",
    "conversations",
    "queue",
    "round_robin_cursor",
    "outbox",
    "dead_letters",
    "disabled_webhooks",
    "history",
    "role",
    "at",
    "exchanges",
    "awaiting_ai",
    "low_confidence_streak",
    "queue_key",
    "rank",
    "since",
    "told_position",
    "declined_by",
    "required_skill",
    "callback",
    "deferred_until",
    "active",
    "last_assigned_at",
    "delivery",
    "state",
    "attempt",
    "expires_at",
    "handoff_at",
    "id",
    "name",
];

/// String values the engine gives meaning to, valid and almost valid.
const WORDS: &[&str] = &[
    "",
    " ",
    "conv_1",
    "conv_2",
    "agent_1",
    "agent_2",
    "msg_missing",
    "crm",
    "online",
    "away",
    "offline",
    "round_robin",
    "skill_based",
    "load_based",
    "queue",
    "callback",
    "none",
    "collect_callback",
    "low",
    "urgent",
    "billing_dispute",
    "billing",
    "09:00",
    "18:00",
    "24:00",
    "23:59:59",
    "25:61",
    "9:0",
    "Asia/Kolkata",
    "UTC",
    "America/New_York",
    "Mars/Olympus",
    "2026-01-14",
    "2026-02-29",
    "0000-01-01",
    "+262143-01-01",
    "{{position}}",
    "{{agent_name}} {{nope}}",
    "{{",
    "}}",
    "{{{{}}}}",
    "https://x.example.test/h",
    "ftp://x",
    "whsec_c2VjcmV0",
    "conversation.closed",
    "customer_message",
    "agent_accept",
    "tick",
    "queued",
    "offered",
    "assigned",
    "collecting_callback",
    "callback_scheduled",
    "in_flight",
    "waiting",
    "talk to a human",
    "mujhe insaan se baat karni hai",
    "quiero hablar con una persona",
    "😡😡😡",
    "\u{0}",
    "\u{202e}evil",
    "ǅǈǋ İı ß ﬃ",
];

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-3i64..100).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        prop_oneof![
            Just(i64::MIN),
            Just(i64::MAX),
            Just(CHRONO_MAX_MS),
            Just(START),
            Just(-1)
        ]
        .prop_map(Value::from),
        prop_oneof![
            any::<f64>(),
            -2.0f64..2.0,
            Just(1e308),
            Just(-1e308),
            Just(f64::MIN_POSITIVE),
            Just(-0.0),
            Just(0.5),
        ]
        .prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
    ]
}

fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(NAMES).prop_map(str::to_string),
        prop::sample::select(WORDS).prop_map(str::to_string),
        "\\PC{0,24}",
        any::<String>(),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(NAMES).prop_map(str::to_string),
        1 => string(),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        string().prop_map(Value::String),
    ]
}

/// Any JSON value up to 5 levels deep.
fn any_json() -> BoxedStrategy<Value> {
    leaf()
        .prop_recursive(5, 96, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((key(), inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
            ]
        })
        .boxed()
}

/// An object with a real input `type` (usually) and fields from the input vocabulary.
fn input_like() -> impl Strategy<Value = Value> {
    let kind = prop_oneof![
        9 => prop::sample::select(vec![
            "customer_message", "ai_reply", "handoff_request", "agent_update", "agent_accept",
            "agent_decline", "agent_message", "callback_details", "conversation_closed",
            "delivery_result", "redrive_delivery", "enable_webhook", "host_restarted", "tick",
            "helpdesk_event",
        ]).prop_map(|s| Value::String(s.into())),
        1 => any_json(),
    ];
    (
        kind,
        prop::collection::vec((key(), any_json()), 0..6),
        prop::option::of(prop::sample::select(vec!["conv_1", "conv_2", "conv_9"])),
    )
        .prop_map(|(kind, fields, conv)| {
            let mut m: Map<String, Value> = fields.into_iter().collect();
            if let Some(c) = conv {
                m.insert("conversation_id".into(), json!(c));
            }
            m.insert("type".into(), kind);
            Value::Object(m)
        })
}

// ----- documents --------------------------------------------------------------------------------

/// The configuration of the busy engine: webhooks, agents, hours.
fn busy_config() -> Config {
    Config::from_value(&json!({"handoff": {
        "routing": {"method": "round_robin", "max_queue_length": 5},
        "business_hours": serde_json::from_str::<Value>(BUSINESS_HOURS).unwrap()["handoff"]["business_hours"],
        "agents": [{"id": "agent_1", "name": "Asha"}, {"id": "agent_2"}, {"id": "agent_3"}],
        "webhooks": [
            {"id": "crm", "url": "https://crm.example.test/h", "secret_ref": "CRM_SECRET"},
            {"id": "slack", "url": "https://slack.example.test/h", "events": ["conversation.closed", "conversation.handoff_requested"]},
        ],
    }}))
    .unwrap()
}

/// An engine in the middle of things: assigned, offered, queued, with the AI, collecting and
/// scheduling callbacks, deliveries in flight, waiting and dead, a webhook disabled.
fn busy_engine() -> Engine {
    static BUSY: LazyLock<Engine> = LazyLock::new(build_busy_engine);
    BUSY.clone()
}

fn build_busy_engine() -> Engine {
    let mut engine = Engine::new(busy_config());
    let mut send = |now: i64, v: Value| -> Vec<Output> {
        let input = Input::from_value(v.clone()).unwrap();
        engine
            .handle(input, now)
            .unwrap_or_else(|e| panic!("{v}: {e}"))
    };
    let t = START;
    send(
        t,
        json!({"type":"agent_update","agent":{"id":"agent_1","status":"online","max_concurrent":1}}),
    );
    send(
        t,
        json!({"type":"agent_update","agent":{"id":"agent_2","status":"online","max_concurrent":1,"skills":["billing"]}}),
    );
    for (i, text) in [
        "talk to a human",
        "I want to speak to an agent",
        "mujhe insaan se baat karni hai",
    ]
    .iter()
    .enumerate()
    {
        send(
            t + 1_000,
            json!({"type":"customer_message","conversation_id":format!("conv_{}", i + 1),"text":text,
                   "customer":{"id":"cust_1","name":"Priya Sharma","email":"priya@example.com","attributes":{"plan":"pro"}},
                   "signals":{"sentiment":-0.5,"intent":"order_status"}}),
        );
    }
    send(
        t + 2_000,
        json!({"type":"agent_accept","conversation_id":"conv_1","agent_id":"agent_1"}),
    );
    send(
        t + 3_000,
        json!({"type":"agent_message","conversation_id":"conv_1","agent_id":"agent_1","text":"Hello!"}),
    );
    send(
        t + 3_000,
        json!({"type":"customer_message","conversation_id":"conv_4","text":"Where is my order ORD-12345?"}),
    );
    send(
        t + 4_000,
        json!({"type":"ai_reply","conversation_id":"conv_4","text":"Shipped.","confidence":0.9,"actions":["looked up order"]}),
    );
    let ids: Vec<String> = engine.state().outbox.keys().cloned().collect();
    let mut send = |now: i64, v: Value| {
        let input = Input::from_value(v.clone()).unwrap();
        engine
            .handle(input, now)
            .unwrap_or_else(|e| panic!("{v}: {e}"))
    };
    send(
        t + 5_000,
        json!({"type":"delivery_result","delivery_id":ids[0],"status":500,"body":"down"}),
    );
    send(
        t + 5_000,
        json!({"type":"delivery_result","delivery_id":ids[1],"status":200}),
    );
    send(
        t + 5_000,
        json!({"type":"delivery_result","delivery_id":ids[2],"status":410}),
    );
    // 18:30 in Kolkata: closed, so callbacks.
    let evening = START + 2 * 3_600_000 + 30 * 60_000;
    send(
        evening,
        json!({"type":"customer_message","conversation_id":"conv_5","text":"talk to a human"}),
    );
    send(
        evening,
        json!({"type":"callback_details","conversation_id":"conv_5","name":"Priya","phone":"+91 98765 43210"}),
    );
    send(
        evening,
        json!({"type":"handoff_request","conversation_id":"conv_6","customer":{"name":"Ravi"}}),
    );
    engine
}

fn busy_snapshot() -> Value {
    static SNAPSHOT: LazyLock<Value> =
        LazyLock::new(|| serde_json::to_value(busy_engine().state()).unwrap());
    SNAPSHOT.clone()
}

/// Every JSON pointer in `v`, the root included.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let escaped = k.replace('~', "~0").replace('/', "~1");
                pointers(child, format!("{at}/{escaped}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                pointers(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// One change to a document.
#[derive(Debug, Clone)]
enum Mutation {
    Replace(prop::sample::Index, Value),
    Remove(prop::sample::Index),
    Insert(prop::sample::Index, String, Value),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        6 => (any::<prop::sample::Index>(), any_json()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        2 => any::<prop::sample::Index>().prop_map(Mutation::Remove),
        2 => (any::<prop::sample::Index>(), key(), any_json())
            .prop_map(|(i, k, v)| Mutation::Insert(i, k, v)),
    ]
}

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    prop::collection::vec(mutation(), 1..4)
}

fn mutate(doc: &mut Value, m: &Mutation) {
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    match m {
        Mutation::Replace(i, v) => {
            let p = i.get(&all);
            if let Some(slot) = doc.pointer_mut(p) {
                *slot = v.clone();
            }
        }
        Mutation::Remove(i) => {
            let p = i.get(&all);
            let Some((parent, last)) = p.rsplit_once('/') else {
                return;
            };
            let last = last.replace("~1", "/").replace("~0", "~");
            match doc.pointer_mut(parent) {
                Some(Value::Object(m)) => {
                    m.shift_remove(&last);
                }
                Some(Value::Array(items)) => {
                    if let Ok(n) = last.parse::<usize>() {
                        if n < items.len() {
                            items.remove(n);
                        }
                    }
                }
                _ => {}
            }
        }
        Mutation::Insert(i, k, v) => {
            let p = i.get(&all);
            match doc.pointer_mut(p) {
                Some(Value::Object(m)) => {
                    m.insert(k.clone(), v.clone());
                }
                Some(Value::Array(items)) => items.push(v.clone()),
                _ => {}
            }
        }
    }
}

// ----- checks -----------------------------------------------------------------------------------

/// The configuration path convention (see the module documentation).
fn config_path_ok(path: &str) -> bool {
    // `$` for text that is not JSON, `$.key` for a top-level key beside `handoff`, and
    // `handoff…` for everything inside the configuration.
    path == "$"
        || path.starts_with("$.")
        || path == "handoff"
        || path.starts_with("handoff.")
        || path.starts_with("handoff[")
}

fn check_config(result: &Result<Config, handoff_core::ConfigErrors>) {
    if let Err(errors) = result {
        assert!(!errors.0.is_empty(), "an Err with no errors");
        for e in &errors.0 {
            assert!(
                config_path_ok(&e.path),
                "configuration error with a bad path {:?}: {e}",
                e.path
            );
            assert!(!e.message.is_empty(), "{e:?}");
        }
    }
}

fn input_path_ok(path: &str) -> bool {
    path == "input" || path.starts_with("input.") || path.starts_with("input[")
}

fn check_input_err(e: &handoff_core::InputError) {
    assert!(
        input_path_ok(&e.path) || e.path == "now",
        "input error with a bad path {:?}: {e}",
        e.path
    );
    assert!(!e.message.is_empty(), "{e:?}");
}

fn check_restore_err(e: &RestoreError) {
    let path = e.path.as_str();
    assert!(
        path == "state" || path.starts_with("state.") || path.starts_with("state["),
        "restore error with a bad path {path:?}: {e}"
    );
    let shown = e.to_string();
    assert!(
        shown.starts_with(path),
        "{shown:?} does not start with {path:?}"
    );
}

/// Handles `input` at `now`; on Err the state must be unchanged and the path an input path.
fn handle(engine: &mut Engine, input: Input, now: i64) -> Option<Vec<Output>> {
    let before = engine.state().clone();
    match engine.handle(input, now) {
        Ok(out) => Some(out),
        Err(e) => {
            check_input_err(&e);
            assert!(&before == engine.state(), "state changed on {e}");
            None
        }
    }
}

fn send(engine: &mut Engine, v: Value, now: i64) -> Option<Vec<Output>> {
    let input = Input::from_value(v).unwrap();
    handle(engine, input, now)
}

/// Every kind of input at a few times, on whatever the engine holds.
fn exercise(engine: &mut Engine) {
    let now = engine.state().now;
    let convs: Vec<(String, Status)> = engine
        .state()
        .conversations
        .values()
        .map(|c| (c.id.clone(), c.status.clone()))
        .collect();
    let agents: Vec<String> = engine.state().agents.keys().cloned().collect();
    for a in agents.iter().take(4) {
        send(
            engine,
            json!({"type":"agent_update","agent":{"id":a,"status":"online","max_concurrent":2}}),
            now,
        );
    }
    for (id, status) in convs.iter().take(8) {
        match status {
            Status::Offered { agent_id, .. } => {
                send(
                    engine,
                    json!({"type":"agent_accept","conversation_id":id,"agent_id":agent_id}),
                    now,
                );
            }
            Status::Assigned { agent_id, .. } => {
                send(
                    engine,
                    json!({"type":"agent_message","conversation_id":id,"agent_id":agent_id,"text":"hi"}),
                    now,
                );
            }
            Status::CollectingCallback => {
                send(
                    engine,
                    json!({"type":"callback_details","conversation_id":id,"name":"P","email":"p@example.com"}),
                    now,
                );
            }
            _ => {}
        }
        send(
            engine,
            json!({"type":"customer_message","conversation_id":id,"text":"talk to a human, this is terrible"}),
            now,
        );
        send(
            engine,
            json!({"type":"ai_reply","conversation_id":id,"text":"ok","confidence":0.1}),
            now,
        );
        send(
            engine,
            json!({"type":"handoff_request","conversation_id":id}),
            now,
        );
    }
    let outbox: Vec<String> = engine.state().outbox.keys().take(6).cloned().collect();
    for (i, id) in outbox.iter().enumerate() {
        let status = [200, 500, 410, 400, 429, 200][i % 6];
        send(
            engine,
            json!({"type":"delivery_result","delivery_id":id,"status":status,"retry_after_ms":u64::MAX}),
            now,
        );
    }
    let dead: Vec<String> = engine
        .state()
        .dead_letters
        .keys()
        .take(4)
        .cloned()
        .collect();
    send(
        engine,
        json!({"type":"enable_webhook","webhook_id":"crm"}),
        now,
    );
    for id in &dead {
        send(
            engine,
            json!({"type":"redrive_delivery","delivery_id":id}),
            now,
        );
    }
    for a in agents.iter().take(2) {
        send(
            engine,
            json!({"type":"agent_update","agent":{"id":a,"status":"offline","max_concurrent":0}}),
            now,
        );
    }
    for dt in [0, 61_000, 3_600_000, 40 * 86_400_000] {
        handle(engine, Input::Tick, now.saturating_add(dt));
        if let Some(w) = engine.next_wakeup() {
            handle(engine, Input::Tick, w);
        }
    }
    for (id, _) in convs.iter().take(8) {
        send(
            engine,
            json!({"type":"conversation_closed","conversation_id":id,"by":"agent"}),
            now,
        );
    }
    handle(engine, Input::Tick, i64::MAX);
    handle(engine, Input::Tick, CHRONO_MAX_MS);
    // Whatever happened, what is persisted must restore.
    let persisted = serde_json::to_string(engine.state()).unwrap();
    if let Err(e) = Engine::restore_json(engine.config().clone(), &persisted) {
        panic!("a state the engine reached does not restore: {e}");
    }
}

/// `default` cases, or `PROPTEST_CASES` when set (for longer runs).
fn config(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Any JSON value as a configuration, raw and wrapped.
    #[test]
    fn config_from_any_value(v in any_json()) {
        check_config(&Config::from_value(&v));
        let wrapped = json!({ "handoff": v });
        check_config(&Config::from_value(&wrapped));
    }

    /// Any JSON value as an input, and any input-shaped object, parsed and handled.
    #[test]
    fn input_from_any_value(v in any_json(), typed in input_like()) {
        if let Err(e) = Input::from_value(v) {
            check_input_err(&e);
        }
        match Input::from_value(typed) {
            Err(e) => check_input_err(&e),
            Ok(input) => {
                let mut engine = busy_engine();
                let now = engine.state().now;
                handle(&mut engine, input, now);
            }
        }
    }

    /// Any JSON value as a snapshot.
    #[test]
    fn restore_from_any_value(v in any_json(), version in prop::option::of(-2i64..4)) {
        if let Err(e) = Engine::restore_value(busy_config(), v.clone()) {
            check_restore_err(&e);
        }
        // Also with a plausible version, to get past the first check.
        if let (Value::Object(mut m), Some(version)) = (v, version) {
            m.insert("version".into(), json!(version));
            let doc = Value::Object(m);
            match Engine::restore_value(busy_config(), doc.clone()) {
                Err(e) => check_restore_err(&e),
                Ok(mut engine) => exercise(&mut engine),
            }
        }
    }

    /// Arbitrary bytes (as lossy UTF-8) and strings to every text entry point.
    #[test]
    fn any_text(bytes in prop::collection::vec(any::<u8>(), 0..300), text in "\\PC{0,200}") {
        for s in [String::from_utf8_lossy(&bytes).into_owned(), text] {
            check_config(&Config::from_json_str(&s),
            );
            if let Err(e) = Input::from_json_str(&s) {
                check_input_err(&e);
            }
            if let Err(e) = Engine::restore_json(busy_config(), &s) {
                check_restore_err(&e);
            }
            let mut engine = busy_engine();
            let before = serde_json::to_string(engine.state()).unwrap();
            if let Err(e) = engine.handle_json(&s, START + 10_000) {
                check_input_err(&e);
                prop_assert_eq!(before, serde_json::to_string(engine.state()).unwrap());
            }
        }
    }

    /// JSON text cut or altered at random bytes.
    #[test]
    fn damaged_json_text(v in any_json(), cut in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut text = serde_json::to_string(&v).unwrap().into_bytes();
        if !text.is_empty() {
            let i = cut.index(text.len());
            if byte % 2 == 0 { text.truncate(i) } else { text[i] = byte }
        }
        let s = String::from_utf8_lossy(&text);
        check_config(&Config::from_json_str(&s),
            );
        if let Err(e) = Input::from_json_str(&s) {
            check_input_err(&e);
        }
        if let Err(e) = Engine::restore_json(busy_config(), &s) {
            check_restore_err(&e);
        }
    }
}

proptest! {
    // These use what parses (dozens of inputs per case), so fewer cases.
    #![proptest_config(config(96))]

    /// The example settings with one to three values changed; what parses drives a conversation.
    #[test]
    fn mutated_settings(ms in mutations(), which in any::<bool>()) {
        let mut doc: Value = serde_json::from_str(if which { SETTINGS } else { BUSINESS_HOURS }).unwrap();
        for m in &ms {
            mutate(&mut doc, m);
        }
        let parsed = Config::from_value(&doc);
        check_config(&parsed);
        let text = serde_json::to_string(&doc).unwrap();
        // The text form is refused at the same paths (values may differ in the last digit of a
        // float: serde_json reads floats back approximately).
        let paths = |r: Result<Config, handoff_core::ConfigErrors>| {
            r.err().map(|e| e.0.into_iter().map(|e| e.path).collect::<Vec<_>>())
        };
        prop_assert_eq!(paths(parsed.clone()), paths(Config::from_json_str(&text)));
        if let Ok(config) = parsed {
            let mut engine = Engine::new(config);
            for (i, v) in [
                json!({"type":"agent_update","agent":{"id":"agent_1","status":"online"}}),
                json!({"type":"customer_message","conversation_id":"c","text":"I was charged twice, talk to a human"}),
                json!({"type":"ai_reply","conversation_id":"c","text":"ok","confidence":0.1}),
                json!({"type":"customer_message","conversation_id":"d","text":"This is terrible, I hate it"}),
                json!({"type":"agent_update","agent":{"id":"agent_2","status":"online","skills":["billing"]}}),
            ].into_iter().enumerate() {
                send(&mut engine, v, START + i as i64 * 1_000);
            }
            exercise(&mut engine);
        }
    }

    /// A busy engine's snapshot with one to three values changed; what restores is used.
    #[test]
    fn mutated_snapshot(ms in mutations()) {
        let mut doc = busy_snapshot();
        for m in &ms {
            mutate(&mut doc, m);
        }
        match Engine::restore_value(busy_config(), doc.clone()) {
            Err(e) => {
                check_restore_err(&e);
                let text = serde_json::to_string(&doc).unwrap();
                let again = Engine::restore_json(busy_config(), &text);
                prop_assert!(again.is_err(), "restore_value refused what restore_json took");
            }
            // Skipping the known overflow keeps this property looking for other problems.
            Ok(mut engine) => exercise(&mut engine),
        }
    }

    /// `handle` with any `now` never panics; an unusable `now` is refused with the path `now`.
    #[test]
    fn handle_with_any_now(
        now in prop_oneof![
            any::<i64>(),
            Just(i64::MIN),
            Just(i64::MAX),
            Just(-1i64),
            Just(0i64),
            Just(1_768_213_800i64), // seconds, not milliseconds
            Just(MIN_TIME - 1),
            Just(MIN_TIME),
            Just(CHRONO_MAX_MS),
            Just(CHRONO_MAX_MS + 1),
            Just(253_402_300_799_999i64),
            (CHRONO_MAX_MS - 100 * 86_400_000)..=CHRONO_MAX_MS,
        ],
        later in any::<i64>(),
    ) {
        let mut engine = busy_engine();
        // `now` is refused (path `now`) before 2000 (a clock in seconds reads as 1970) and
        // beyond what chrono can represent (year 262142), and accepted from 2000 up to the year
        // 9999 (the error message's range; either is fine in between).
        let result = engine.clone().handle(Input::Tick, now);
        if !(MIN_TIME..=CHRONO_MAX_MS).contains(&now) {
            prop_assert!(
                result.as_ref().is_err_and(|e| e.path == "now"),
                "now = {}: {:?}", now, result
            );
        } else if now <= 253_402_300_799_999 {
            prop_assert!(result.is_ok(), "now = {}: {:?}", now, result);
        }
        for v in [
            json!({"type":"customer_message","conversation_id":"conv_7","text":"talk to a human"}),
            json!({"type":"agent_update","agent":{"id":"agent_3","status":"online"}}),
            json!({"type":"tick"}),
            json!({"type":"callback_details","conversation_id":"conv_6","name":"Ravi","phone":"+91 98765 43210"}),
            json!({"type":"conversation_closed","conversation_id":"conv_1"}),
        ] {
            let input = Input::from_value(v).unwrap();
            handle(&mut engine, input.clone(), now);
            handle(&mut engine, input, later);
        }
        exercise(&mut engine);
    }
}

// ----- regressions ------------------------------------------------------------------------------

/// Inputs worth keeping, each fed to every entry point: edge cases, and any crasher that fuzzing
/// (fuzz/) or the properties above find. None has crashed so far.
const REGRESSIONS: &[&[u8]] = &[
    b"",
    b"{",
    b"\xff\xfe",
    b"{\"handoff\":{\"\":1}}",
    b"{\"handoff\":{},\"\":1}",
    b"{\"type\":\"tick\",\"\":null}",
    b"{\"version\":4294967296}",
    b"{\"version\":1,\"now\":9223372036854775807}",
];

#[test]
fn regressions_never_panic() {
    for bytes in REGRESSIONS {
        let s = String::from_utf8_lossy(bytes);
        check_config(&Config::from_json_str(&s));
        if let Err(e) = Input::from_json_str(&s) {
            check_input_err(&e);
        }
        if let Err(e) = Engine::restore_json(busy_config(), &s) {
            check_restore_err(&e);
        }
        let mut engine = busy_engine();
        if let Err(e) = engine.handle_json(&s, START + 10_000) {
            check_input_err(&e);
        }
    }
}

/// A configuration with a `handoff` key and an empty top-level key reports the unknown key with
/// an empty path: the one place where a configuration error has no path at all.
#[test]
fn empty_top_level_key_has_a_path() {
    let errors = Config::from_value(&json!({"handoff": {}, "": 1})).unwrap_err();
    assert_eq!(errors.0.len(), 1);
    assert!(!errors.0[0].path.is_empty(), "{:?}", errors.0[0]);
}

/// Every time field of the busy snapshot (`now`, `since`, `at`, `expires_at`, `handoff_at`,
/// `deferred_until`, `last_assigned_at`, a cooldown) set to an extreme value in turn: what restores
/// is used, and nothing panics (no overflow in time arithmetic).
#[test]
fn extreme_times_in_a_snapshot_never_panic() {
    const TIME_KEYS: &[&str] = &[
        "now",
        "since",
        "at",
        "expires_at",
        "handoff_at",
        "deferred_until",
        "last_assigned_at",
    ];
    let snapshot = busy_snapshot();
    let mut all = Vec::new();
    pointers(&snapshot, String::new(), &mut all);
    let mut targets: Vec<String> = all
        .into_iter()
        .filter(|p| {
            let last = p.rsplit('/').next().unwrap_or_default();
            TIME_KEYS.contains(&last) || p.contains("/declined_by/")
        })
        .collect();
    targets.sort();
    assert!(targets.len() > 10, "{targets:?}");
    let mut restored = 0;
    for pointer in &targets {
        for extreme in [i64::MIN, -1, 0, CHRONO_MAX_MS, CHRONO_MAX_MS + 1, i64::MAX] {
            let mut doc = snapshot.clone();
            *doc.pointer_mut(pointer).unwrap() = json!(extreme);
            match Engine::restore_value(busy_config(), doc) {
                Err(e) => check_restore_err(&e),
                Ok(mut engine) => {
                    restored += 1;
                    exercise(&mut engine);
                }
            }
        }
    }
    assert!(restored > 0);
}

/// Found by `extreme_times_in_a_snapshot_never_panic`: a snapshot whose offered conversation has
/// `"handoff_at": -9223372036854775808` restores (times are not checked on restore), and the
/// agent's accept then computes `now - handoff_at` for `wait_ms` and overflows: a panic
/// ("attempt to subtract with overflow", core/src/flow.rs, `assign`) wherever overflow checks are
/// on, a wrapped negative `wait_ms` elsewhere. Related: `state.now` beyond what `handle` accepts
/// (`i64::MAX`) also restores, and every later input then runs at that time (event timestamps
/// fall back to `1970-01-01T00:00:00Z`).
#[test]
fn handoff_at_far_in_the_past_does_not_overflow() {
    let config = Config::from_json_str(r#"{"handoff": {}}"#).unwrap();
    let mut engine = Engine::new(config.clone());
    for line in [
        r#"{"type":"agent_update","agent":{"id":"agent_1","status":"online"}}"#,
        r#"{"type":"customer_message","conversation_id":"conv_1","text":"talk to a human"}"#,
    ] {
        engine.handle_json(line, START).unwrap();
    }
    let mut snapshot = serde_json::to_value(engine.state()).unwrap();
    snapshot["conversations"]["conv_1"]["handoff_at"] = json!(i64::MIN);
    let Ok(mut restored) = Engine::restore_value(config, snapshot) else {
        return; // Refusing such a snapshot is a fix too.
    };
    let accepted = restored.handle_json(
        r#"{"type":"agent_accept","conversation_id":"conv_1","agent_id":"agent_1"}"#,
        START + 1_000,
    );
    if let Ok(outputs) = accepted {
        for o in outputs {
            if let Output::Assigned { wait_ms, .. } = o {
                assert!(wait_ms >= 0, "wait_ms {wait_ms}");
            }
        }
    }
}
