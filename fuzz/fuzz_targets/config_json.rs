//! Bytes -> `Config::from_json_str`: never panics; an error list is never empty; what parses
//! drives a short conversation (see `handoff_fuzz::config_json`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| handoff_fuzz::config_json(data));
