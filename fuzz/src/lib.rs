//! Shared pieces of the fuzz targets: a fixed configuration and a busy engine to feed inputs
//! to, and the checks of the JSON targets. The world, operations and invariants of
//! `engine_ops` are `handoff-ops` (`tests/ops/`), which the property tests share.

use std::sync::OnceLock;

use handoff_core::wire::input::{
    AgentAction, AgentMessage, CallbackDetails, ClosedBy, ConversationClosed, CustomerMessage,
    DeliveryResult,
};
use handoff_core::wire::state::Status;
use handoff_core::{Config, Engine, Input, InputError, Output};
use handoff_ops::check;
pub use handoff_ops::{Scenario, START};

/// The target `config_json`: bytes -> `Config::from_json_str`. Never panics; an error list is
/// never empty; what parses drives a short conversation ([`exercise`]).
pub fn config_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Config::from_json_str(text) {
        // Paths are not asserted here: `{"handoff":{},"":1}` reports the empty path (a known
        // bug, see core/tests/parsing_never_panics.rs); the proptests check the conventions.
        Err(errors) => assert!(!errors.0.is_empty(), "an error list with no errors"),
        Ok(config) => {
            let mut engine = Engine::new(config);
            let lines = [
                r#"{"type":"agent_update","agent":{"id":"agent_1","status":"online"}}"#,
                r#"{"type":"customer_message","conversation_id":"c","text":"I was charged twice, talk to a human"}"#,
                r#"{"type":"customer_message","conversation_id":"d","text":"This is terrible, I hate it"}"#,
                r#"{"type":"ai_reply","conversation_id":"d","text":"ok","confidence":0.1}"#,
            ];
            for (i, line) in lines.iter().enumerate() {
                let _ = engine.handle_json(line, START + i as i64 * 1_000);
            }
            exercise(&mut engine);
        }
    }
}

/// The target `input_json`: bytes -> `Input::from_json_str` -> `Engine::handle` on a
/// [`busy_engine`], twice (now and an hour later). Never panics; errors name an input path and
/// leave the state unchanged; accepted inputs leave a restorable, readable state.
pub fn input_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Input::from_json_str(text) {
        Err(e) => check_input_error(&e),
        Ok(input) => {
            let mut engine = busy_engine();
            let now = engine.state().now;
            handle_checked(&mut engine, input.clone(), now);
            handle_checked(&mut engine, input, now + 3_600_000);
        }
    }
}

/// The target `snapshot_json`: bytes -> `Engine::restore_json` on [`fixed_config`]. Never
/// panics; errors name a `state` path; a snapshot that restores is then used ([`exercise`]).
pub fn snapshot_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Engine::restore_json(fixed_config(), text) {
        Err(e) => assert!(
            e.path == "state" || e.path.starts_with("state.") || e.path.starts_with("state["),
            "{e}"
        ),
        Ok(mut engine) => exercise(&mut engine),
    }
}

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
/// and that an accepted input leaves a state that serialises, restores and answers queries
/// (`handoff_ops::check::restorable_and_readable`, the invariant of the review's finding "one
/// request bricks the service").
pub fn handle_checked(engine: &mut Engine, input: Input, now: i64) -> Option<Vec<Output>> {
    let before = engine.state().clone();
    match engine.handle(input, now) {
        Ok(out) => {
            if let Err(v) = check::restorable_and_readable(engine, &out) {
                panic!("{v}");
            }
            Some(out)
        }
        Err(e) => {
            check_input_error(&e);
            assert!(engine.state() == &before, "state changed on {e}");
            None
        }
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
    assert!(
        !e.message.is_empty(),
        "an error without a message at {}",
        e.path
    );
}

/// The fuzz target `engine_ops`: `handoff_ops::check_scenario`, panicking with what it finds.
pub fn run_scenario(scenario: &Scenario) {
    if let Err(v) = handoff_ops::check_scenario(scenario) {
        panic!("{v}");
    }
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
                at: None,
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
