//! Arbitrary operation sequences over a small world (5 agents, 12 conversations, random
//! routing, fallback, hours): asserts the capacity, queue, error and wakeup invariants after
//! every step (see `handoff_fuzz::run_scenario`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|scenario: handoff_fuzz::Scenario| {
    handoff_fuzz::run_scenario(&scenario);
});
