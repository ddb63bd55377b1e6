//! Bytes -> `Input::from_json_str` -> `Engine::handle` on a busy engine with a fixed
//! configuration: never panics; errors name an input path and leave the state unchanged.
#![no_main]

use handoff_core::Input;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Input::from_json_str(text) {
        Err(e) => handoff_fuzz::check_input_error(&e),
        Ok(input) => {
            let mut engine = handoff_fuzz::busy_engine();
            let now = engine.state().now;
            handoff_fuzz::handle_checked(&mut engine, input.clone(), now);
            handoff_fuzz::handle_checked(&mut engine, input, now + 3_600_000);
        }
    }
});
