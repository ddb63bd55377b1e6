//! Running steps: the engine and the host's clock.

use handoff_core::wire::changes::Change;
use handoff_core::wire::state::State;
use handoff_core::{Config, Engine, Input, InputError, Output};

use crate::{Op, Step, Violation, World, START};

/// An engine and the host's clock.
#[derive(Clone)]
pub struct Sim {
    /// The engine's configuration.
    pub config: Config,
    /// The engine.
    pub engine: Engine,
    /// The host's clock, in ms: where the next step starts from.
    pub clock: i64,
    /// The earliest `now` ever passed to the engine.
    pub earliest: i64,
}

/// What one step did.
pub struct Record {
    /// The input the step's operation stood for.
    pub input: Input,
    /// The `now` it was handled at.
    pub now: i64,
    /// The state before it.
    pub before: State,
    /// What the engine answered.
    pub result: Result<Vec<Output>, InputError>,
    /// The records the input wrote or removed ([`Engine::take_changes`] right after it).
    pub changes: Vec<Change>,
}

impl Record {
    /// The outputs, or none when the input was refused.
    pub fn outputs(&self) -> &[Output] {
        self.result.as_deref().unwrap_or(&[])
    }

    /// The result as JSON, as a host would see it.
    pub fn json(&self) -> String {
        serde_json::to_string(&self.result).expect("outputs serialise")
    }
}

impl Sim {
    /// A fresh engine on `config`, the clock at [`START`].
    pub fn new(config: Config) -> Sim {
        Sim {
            engine: Engine::new(config.clone()),
            config,
            clock: START,
            earliest: START,
        }
    }

    /// Moves the clock (never below 0; to `next_wakeup()` first for [`Op::TickAtWakeup`]), turns
    /// the operation into an input from the current state, and hands it to the engine.
    pub fn step(&mut self, step: &Step) -> Record {
        self.clock = self.clock.saturating_add(step.dt).max(0);
        if let (Op::TickAtWakeup, Some(wake)) = (&step.op, self.engine.next_wakeup()) {
            self.clock = self.clock.max(wake);
        }
        self.earliest = self.earliest.min(self.clock);
        let input = step.op.to_input(self.engine.state());
        let before = self.engine.state().clone();
        let result = self.engine.handle(input.clone(), self.clock);
        let changes = self.engine.take_changes();
        Record {
            input,
            now: self.clock,
            before,
            result,
            changes,
        }
    }
}

/// Runs `steps` from a fresh engine on `world`, calling `check` after each; stops at the first
/// error `check` returns.
pub fn run<E>(
    world: &World,
    steps: &[Step],
    mut check: impl FnMut(&Sim, &Record) -> Result<(), E>,
) -> Result<Sim, E> {
    let mut sim = Sim::new(world.config());
    for s in steps {
        let record = sim.step(s);
        check(&sim, &record)?;
    }
    Ok(sim)
}

/// Runs `steps` from a fresh engine on `world`, but after the first `cut` of them persists the
/// state and continues on an engine restored from it. Returns each step's result as JSON
/// ([`Record::json`]) and the end.
///
/// # Errors
///
/// When the persisted state does not restore.
pub fn run_restored_at(
    world: &World,
    steps: &[Step],
    cut: usize,
) -> Result<(Vec<String>, Sim), Violation> {
    let cut = cut.min(steps.len());
    let mut sim = Sim::new(world.config());
    let mut results = Vec::with_capacity(steps.len());
    for s in &steps[..cut] {
        results.push(sim.step(s).json());
    }
    let persisted = state_json(sim.engine.state());
    sim.engine = Engine::restore_json(sim.config.clone(), &persisted)
        .map_err(|e| Violation(format!("the state after step {cut} does not restore: {e}")))?;
    for s in &steps[cut..] {
        results.push(sim.step(s).json());
    }
    Ok((results, sim))
}

/// The state as the JSON a host persists.
pub fn state_json(state: &State) -> String {
    serde_json::to_string(state).expect("the state serialises")
}

/// A whole fuzz case of `engine_ops`: a world, up to [`MAX_SCENARIO_STEPS`](crate::MAX_SCENARIO_STEPS)
/// steps, and where to restore from a snapshot (`cut` modulo the number of steps plus one).
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The configuration.
    pub world: World,
    /// What happens.
    pub steps: Vec<Step>,
    /// After which step the second run restores from a snapshot.
    pub cut: u8,
}
