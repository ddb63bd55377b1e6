//! Property tests of the engine over random *operation sequences*.
//!
//! The world, the operations, the inputs they become and the invariants are `handoff-ops`
//! (`tests/ops/`), which the fuzz target `engine_ops` shares: see its documentation (`check`
//! defines each invariant precisely). Here each invariant is its own proptest over
//! [`strategy::world`] and up to 59 [`strategy::step`]s, so a failure names the property and
//! shrinks to a short sequence.
//!
//! Failure persistence is off (no `proptest-regressions` files); a failure prints the shrunk
//! sequence. Keep what it finds as a test in `core/tests/regressions.rs`.

use std::collections::BTreeMap;

use handoff_ops::check::{self, Deliveries};
use handoff_ops::{check_scenario, run, run_restored_at, state_json, strategy, Scenario};
use proptest::prelude::*;

/// 160 cases per property, or `PROPTEST_CASES` when set (for longer runs).
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(160);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// No new conversation goes to an agent at or above capacity, or offline.
    #[test]
    fn no_new_offer_at_or_above_capacity(world in strategy::world(), steps in strategy::steps()) {
        run(&world, &steps, |sim, r| check::capacity(&sim.config, r, sim.engine.state()))?;
    }

    /// Who answers stays consistent through messages, notes, transfers and hand-backs.
    #[test]
    fn who_answers_is_consistent(world in strategy::world(), steps in strategy::steps()) {
        run(&world, &steps, |sim, r| check::who_answers(r, sim.engine.state()))?;
    }

    /// Through resolving, wrap-ups, ratings and reopenings (to the AI, the last agent or the
    /// queue): no new conversation to an agent at or above capacity, queue positions dense and
    /// told, who answers consistent, the indexes in step.
    #[test]
    fn capacity_positions_and_who_answers_hold_through_reopenings(world in strategy::world(), steps in strategy::reopen_steps()) {
        let mut told = BTreeMap::new();
        run(&world, &steps, |sim, r| {
            check::capacity(&sim.config, r, sim.engine.state())?;
            check::queue(&sim.engine, r, &mut told)?;
            check::who_answers(r, sim.engine.state())?;
            check::indexes(&sim.engine, r)
        })?;
    }

    /// Queue positions are 1..=n, match the statuses, and are what the customers were told.
    #[test]
    fn queue_positions_are_dense_and_told(world in strategy::world(), steps in strategy::steps()) {
        let mut told = BTreeMap::new();
        run(&world, &steps, |sim, r| check::queue(&sim.engine, r, &mut told))?;
    }

    /// The routing indexes kept in step input by input equal indexes built from the state anew.
    #[test]
    fn routing_indexes_stay_in_step(world in strategy::world(), steps in strategy::steps()) {
        run(&world, &steps, |sim, r| check::indexes(&sim.engine, r))?;
    }

    /// The same inputs give the same outputs, byte for byte.
    #[test]
    fn same_inputs_same_outputs(world in strategy::world(), steps in strategy::steps()) {
        let mut first = Vec::new();
        let a = run(&world, &steps, |_, r| { first.push(r.json()); Ok::<_, TestCaseError>(()) })?;
        let mut second = Vec::new();
        let b = run(&world, &steps, |_, r| { second.push(r.json()); Ok::<_, TestCaseError>(()) })?;
        prop_assert_eq!(first, second);
        prop_assert_eq!(state_json(a.engine.state()), state_json(b.engine.state()));
    }

    /// Every persisted state restores, and a restored engine continues exactly like the original.
    #[test]
    fn restore_continues_exactly(
        world in strategy::world(),
        steps in strategy::steps(),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut uninterrupted = Vec::new();
        let whole = run(&world, &steps, |sim, r| {
            check::restores(&sim.engine)?;
            uninterrupted.push(r.json());
            Ok::<_, TestCaseError>(())
        })?;
        let cut = cut.index(steps.len() + 1);
        let (continued, restored) = run_restored_at(&world, &steps, cut)?;
        prop_assert_eq!(uninterrupted, continued);
        prop_assert_eq!(state_json(whole.engine.state()), state_json(restored.engine.state()));
    }

    /// Every accepted input (adversarial attributes included) leaves a state that serialises,
    /// restores to the same state, and answers every query; its outputs parse back as the
    /// engine's own JSON; the gauges and the queue pages agree with the state.
    #[test]
    fn accepted_inputs_leave_a_restorable_readable_state(world in strategy::world(), steps in strategy::steps()) {
        run(&world, &steps, |sim, r| match &r.result {
            Ok(outputs) => check::restorable_and_readable(&sim.engine, outputs),
            Err(_) => Ok(()),
        })?;
    }

    /// A refused input leaves the state exactly as it was, and names an input path.
    #[test]
    fn errors_leave_state_unchanged(world in strategy::world(), steps in strategy::steps()) {
        run(&world, &steps, |sim, r| match &r.result {
            Err(e) => check::refused(&r.before, &sim.engine, e),
            Ok(_) => Ok(()),
        })?;
    }

    /// Every delivery ever emitted is delivered, waiting in the outbox, or a dead letter.
    #[test]
    fn no_delivery_is_lost(world in strategy::world(), steps in strategy::steps()) {
        let mut deliveries = Deliveries::default();
        let sim = run(&world, &steps, |sim, r| deliveries.observe(r, sim.engine.state()))?;
        deliveries.finish(sim.engine.state())?;
    }

    /// `next_wakeup` is sane, and ticking at it is harmless.
    #[test]
    fn next_wakeup_is_sane_and_ticking_is_harmless(world in strategy::world(), steps in strategy::steps()) {
        run(&world, &steps, |sim, _| check::wakeup(sim))?;
    }

    /// When `next_wakeup` says nothing is due, a tick does nothing. See
    /// `skill_wait_deadline_survives_an_input_at_the_deadline` and
    /// `decline_cooldown_survives_an_input_at_its_end` in `core/tests/regressions.rs` for the
    /// failures it found.
    #[test]
    fn a_tick_when_nothing_is_due_does_nothing(world in strategy::world(), steps in strategy::steps()) {
        run(&world, &steps, |sim, _| check::early_tick(sim))?;
    }
}

proptest! {
    // A quarter of the cases: each invariant already has its own 160 above; this checks that
    // they hold together, and `check_scenario` itself, which is slower (every check, then a
    // second run).
    #![proptest_config(ProptestConfig { cases: (config().cases / 4).max(1), ..config() })]

    /// Every invariant after every step, then a run restored at `cut` that must give the same
    /// results: what the fuzz target `engine_ops` checks ([`check_scenario`]), on proptest's
    /// sequences.
    #[test]
    fn every_invariant_after_every_step(world in strategy::world(), steps in strategy::steps(), cut in any::<u8>()) {
        check_scenario(&Scenario { world, steps, cut })?;
    }
}
