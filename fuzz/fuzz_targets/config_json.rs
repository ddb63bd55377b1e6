//! Bytes -> `Config::from_json_str`: never panics; an error list is never empty; what parses
//! drives a short conversation.
#![no_main]

use handoff_core::{Config, Engine};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
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
                let _ = engine.handle_json(line, handoff_fuzz::START + i as i64 * 1_000);
            }
            handoff_fuzz::exercise(&mut engine);
        }
    }
});
