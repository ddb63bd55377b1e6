//! Arbitrary operation sequences over a small world (5 agents, 12 conversations, random
//! routing, fallback, hours): every invariant of `handoff_ops::check` after every step, then
//! determinism and restore from a snapshot (see `handoff_ops::check_scenario`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|scenario: handoff_fuzz::Scenario| {
    handoff_fuzz::run_scenario(&scenario);
});
