//! Bytes -> `Input::from_json_str` -> `Engine::handle` on a busy engine with a fixed
//! configuration: never panics; errors name an input path and leave the state unchanged (see
//! `handoff_fuzz::input_json`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| handoff_fuzz::input_json(data));
