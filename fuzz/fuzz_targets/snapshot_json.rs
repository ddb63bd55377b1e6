//! Bytes -> `Engine::restore_json`: never panics; errors name a `state` path; a snapshot that
//! restores is then used (inputs of every kind, ticks far ahead) and must not panic either.
#![no_main]

use handoff_core::{Engine, RestoreError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Engine::restore_json(handoff_fuzz::fixed_config(), text) {
        Err(e) => {
            let path = match &e {
                RestoreError::Malformed { path, .. } | RestoreError::Inconsistent { path, .. } => {
                    path.clone()
                }
                _ => "state.version".to_string(),
            };
            assert!(
                path == "state" || path.starts_with("state.") || path.starts_with("state["),
                "{e}"
            );
        }
        Ok(mut engine) => handoff_fuzz::exercise(&mut engine),
    }
});
