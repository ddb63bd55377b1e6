//! Bytes -> `Engine::restore_json`: never panics; errors name a `state` path; a snapshot that
//! restores is then used (see `handoff_fuzz::snapshot_json`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| handoff_fuzz::snapshot_json(data));
