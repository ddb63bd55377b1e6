//! [`Host`]: one tenant's engine, running in its own wasm instance.

use std::borrow::Cow;
use std::time::{Duration, Instant};

use handoff_core::hours::HoursStatus;
use handoff_core::wire::changes::{changes_from_json, changes_to_json, Change, RecordKind};
use handoff_core::{ErrorKind, Input, Output, PathError};
use serde::Deserialize;

use crate::cadence::Cadence;
use crate::error::HostError;
use crate::guest::{Answer, EngineError, Guest};
use crate::runtime::Runtime;

/// Something [`Host::handle`] accepts as an input: a typed [`Input`], JSON text, or a JSON value.
pub trait InputJson {
    /// The input as JSON text.
    ///
    /// # Errors
    /// [`HostError::Input`] when it cannot be written as JSON.
    fn input_json(&self) -> Result<Cow<'_, str>, HostError>;
}

impl InputJson for str {
    fn input_json(&self) -> Result<Cow<'_, str>, HostError> {
        Ok(Cow::Borrowed(self))
    }
}

impl InputJson for String {
    fn input_json(&self) -> Result<Cow<'_, str>, HostError> {
        Ok(Cow::Borrowed(self))
    }
}

impl InputJson for serde_json::Value {
    fn input_json(&self) -> Result<Cow<'_, str>, HostError> {
        Ok(Cow::Owned(self.to_string()))
    }
}

impl InputJson for Input {
    fn input_json(&self) -> Result<Cow<'_, str>, HostError> {
        serde_json::to_string(self).map(Cow::Owned).map_err(|e| {
            HostError::Input(PathError::new(
                ErrorKind::Invalid,
                "input",
                format!("cannot be written as JSON: {e}"),
            ))
        })
    }
}

/// One tenant's engine in its own wasmtime store and instance: the typed API of
/// [`handoff_core::Engine`], with the engine running as wasm.
///
/// - Calls take `&mut self` (the ABI is not re-entrant); a `Host` is [`Send`], so move it to
///   whichever thread serves the tenant, or keep it behind a mutex.
/// - **Traps.** A guest trap (a bug, the fuel or memory limit) comes back as
///   [`HostError::Trap`]. The instance is then dropped and a new one restored to the state
///   before the failed call, so the call had no effect and the next call goes on as if it had
///   never been made.
/// - **What recovery costs.** To restore after a trap the host needs the last good state. It does
///   not serialise the state after every input: it keeps the last state it saw (from
///   [`Host::state_json`], which a host following the contract calls after every input anyway)
///   and the inputs accepted since then, and replays those after restoring (the engine is
///   deterministic). So the steady-state cost is one copy of each accepted input; a state is
///   fetched by itself only once the inputs waiting took four times as long to handle as the
///   last fetch did (and at least 64 of them), or when they are more bytes than 1 MiB or the
///   state: fetching costs time proportional to the state, so a large state (thousands of open
///   conversations) is fetched rarely and a small one often, and fetching never takes more than
///   about a fifth of the time. [`Host::set_snapshot_every`] fixes the count instead.
pub struct Host {
    runtime: Runtime,
    config: String,
    guest: Option<Guest>,
    fuel: Option<u64>,
    /// The state after the last accepted input that was fetched; `None` for a new engine.
    snapshot: Option<String>,
    /// Inputs accepted since `snapshot`, in order, with their `now`.
    pending: Vec<(String, i64)>,
    pending_bytes: usize,
    /// A fixed count of inputs between fetches, or `None`: [`Cadence`] decides.
    snapshot_every: Option<usize>,
    cadence: Cadence,
    /// Times the instance was rebuilt after a trap.
    recoveries: u64,
    /// Records mode (after [`Host::take_changes`] or [`Host::restore_records`]): the rows the
    /// embedder holds, kept as the base to recover from instead of `snapshot`; `pending` then
    /// holds the inputs since the last change set.
    records: Option<Rows>,
}

/// Rows by `(kind, id)`: the record store's contents as the host last handed them out.
type Rows = std::collections::BTreeMap<(RecordKind, String), String>;

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Host")
            .field("runtime", &self.runtime)
            .field("live", &self.guest.is_some())
            .field("pending", &self.pending.len())
            .field("recoveries", &self.recoveries)
            .finish_non_exhaustive()
    }
}

/// Most bytes of inputs kept for replay before a state is fetched instead (or the state's own
/// size, when larger).
const MAX_PENDING_BYTES: usize = 1 << 20;

/// Fewest inputs between two state fetches the host makes by itself.
const AUTO_SNAPSHOT_MIN_INPUTS: usize = 64;

/// A state is fetched by itself once the inputs since the last fetch took this many times as
/// long to handle as that fetch.
const AUTO_SNAPSHOT_RATIO: u32 = 4;

/// The `ok` value of `handoff_hours`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Hours {
    open: bool,
    next_opening: Option<i64>,
    next_closing: Option<i64>,
}

fn input_error(e: PathError) -> HostError {
    HostError::Input(e)
}

fn state_error(e: PathError) -> HostError {
    if e.path.starts_with("state") {
        HostError::State(e)
    } else {
        // An argument the guest could not read, or no engine: the host's or the module's fault.
        HostError::Abi(format!("creating the engine failed: {e}"))
    }
}

fn unexpected(function: &'static str) -> impl Fn(PathError) -> HostError {
    move |e| HostError::Abi(format!("{function} answered an error: {e}"))
}

impl Host {
    /// A new engine for `config_json` (`{"handoff": {...}}`) with an empty state.
    ///
    /// # Errors
    /// [`HostError::Config`] with every problem and its path when the configuration is not valid;
    /// [`HostError::Trap`]/[`HostError::Abi`] when the module misbehaves.
    pub fn new(runtime: &Runtime, config_json: &str) -> Result<Host, HostError> {
        let mut host = Host::empty(runtime, config_json);
        host.recover()?;
        Ok(host)
    }

    /// An engine that continues from `state_json`, a state persisted with [`Host::state_json`]
    /// (or natively with `serde_json::to_string(engine.state())`).
    ///
    /// # Errors
    /// [`HostError::Config`] as in [`Host::new`]; [`HostError::State`] with the path when the
    /// state is malformed, from a newer engine or inconsistent.
    pub fn restore(
        runtime: &Runtime,
        config_json: &str,
        state_json: &str,
    ) -> Result<Host, HostError> {
        let mut host = Host::empty(runtime, config_json);
        host.snapshot = Some(state_json.to_string());
        let started = Instant::now();
        host.recover()?;
        // Restoring costs at least what fetching the same state does: count it as the last
        // fetch, so a big restored state is not fetched again after the first few inputs.
        host.cadence.taken(started.elapsed());
        Ok(host)
    }

    fn empty(runtime: &Runtime, config_json: &str) -> Host {
        Host {
            runtime: runtime.clone(),
            config: config_json.to_string(),
            guest: None,
            fuel: runtime.limits().fuel_per_call,
            snapshot: None,
            pending: Vec::new(),
            pending_bytes: 0,
            snapshot_every: None,
            cadence: Cadence::new(
                AUTO_SNAPSHOT_MIN_INPUTS,
                AUTO_SNAPSHOT_RATIO,
                Duration::ZERO,
            ),
            recoveries: 0,
            records: None,
        }
    }

    /// An engine that continues from the rows an embedder kept of [`Host::take_changes`] (in any
    /// order, `(kind, id, JSON)`): the store's contents. The host is then in records mode (see
    /// [`Host::take_changes`]).
    ///
    /// # Errors
    /// [`HostError::Config`] as in [`Host::new`]; [`HostError::State`] with the path
    /// (`state.conversations.c1.status`, or `state` for a set without the engine record) when
    /// the rows do not make a state.
    pub fn restore_records<I>(
        runtime: &Runtime,
        config_json: &str,
        rows: I,
    ) -> Result<Host, HostError>
    where
        I: IntoIterator<Item = (RecordKind, String, String)>,
    {
        let mut host = Host::empty(runtime, config_json);
        let mut table = Rows::new();
        for (kind, id, value) in rows {
            if table.contains_key(&(kind, id.clone())) {
                return Err(HostError::State(PathError::new(
                    ErrorKind::Duplicate,
                    format!("{}.{id}", kind.state_path()),
                    format!("the {} record {id:?} is given twice", kind.as_str()),
                )));
            }
            table.insert((kind, id), value);
        }
        host.records = Some(table);
        host.recover()?;
        Ok(host)
    }

    /// The records written or removed since the last call, for an embedder that persists one
    /// row per record instead of [`Host::state_json`]: write them (upsert, or delete when
    /// `value` is `None`) before performing the outputs of the inputs they follow. The first
    /// call on a host made by [`Host::new`] or [`Host::restore`] lists every record; after
    /// [`Host::restore_records`] only what changed. See
    /// [`Engine::take_changes`](handoff_core::Engine::take_changes).
    ///
    /// From the first call on the host is in records mode: it keeps a copy of the rows it handed
    /// out and the inputs accepted since, and after a trap restores from those rows and replays
    /// those inputs, so it never fetches a whole state by itself. Call it after every input or
    /// batch of inputs: the inputs wait in memory until then.
    ///
    /// # Errors
    /// [`HostError::Trap`]/[`HostError::Abi`] when the module misbehaves (nothing is lost: the
    /// next call lists the same changes again, with any since).
    pub fn take_changes(&mut self) -> Result<Vec<Change>, HostError> {
        let json = match self.call(|g| g.take_changes())? {
            Answer::Ok(json) => json,
            Answer::Err(e) => return Err(e.into_host_error(unexpected("handoff_take_changes"))),
        };
        let changes = changes_from_json(&json, "changes")
            .map_err(|e| HostError::Abi(format!("handoff_take_changes returned {e}")))?;
        let table = self.records.get_or_insert_with(Rows::new);
        for change in &changes {
            let key = (change.kind, change.id.clone());
            match &change.value {
                Some(value) => {
                    table.insert(key, value.clone());
                }
                None => {
                    table.remove(&key);
                }
            }
        }
        // The rows are the base to recover from now: no state fetch is needed, ever.
        self.snapshot = None;
        self.pending.clear();
        self.pending_bytes = 0;
        Ok(changes)
    }

    /// Builds a fresh instance at the last good state: `handoff_new` or `handoff_restore` from the
    /// snapshot, then the pending inputs again.
    fn recover(&mut self) -> Result<(), HostError> {
        self.guest = None;
        let mut guest = Guest::new(&self.runtime)?;
        guest.set_fuel(self.fuel);
        let answer = match (&self.records, &self.snapshot) {
            (Some(rows), _) => {
                let rows: Vec<Change> = rows
                    .iter()
                    .map(|((kind, id), value)| Change {
                        kind: *kind,
                        id: id.clone(),
                        value: Some(value.clone()),
                    })
                    .collect();
                guest.restore_records(&self.config, &changes_to_json(&rows))?
            }
            (None, None) => guest.new_engine(&self.config)?,
            (None, Some(state)) => guest.restore(&self.config, state)?,
        };
        if let Answer::Err(e) = answer {
            return Err(e.into_host_error(state_error));
        }
        for (input, now) in &self.pending {
            match guest.handle(input, *now)? {
                Answer::Ok(_) => {}
                Answer::Err(e) => {
                    return Err(HostError::Abi(format!(
                        "replaying an accepted input after a trap, the engine refused it ({}): \
                         the module is not deterministic",
                        e.into_host_error(HostError::Input)
                    )))
                }
            }
        }
        self.guest = Some(guest);
        Ok(())
    }

    /// The live instance, rebuilt first if a trap dropped it.
    fn guest(&mut self) -> Result<&mut Guest, HostError> {
        if self.guest.is_none() {
            self.recover()?;
            self.recoveries += 1;
        }
        Ok(self.guest.as_mut().expect("recover sets the guest"))
    }

    /// Runs `f` on the live instance; after a trap, drops it and tries to rebuild it at once (if
    /// that fails too, the next call tries again).
    fn call<T>(
        &mut self,
        f: impl FnOnce(&mut Guest) -> Result<T, HostError>,
    ) -> Result<T, HostError> {
        let result = f(self.guest()?);
        if let Err(HostError::Trap(_)) = &result {
            self.guest = None;
            if self.recover().is_ok() {
                self.recoveries += 1;
            }
        }
        result
    }

    /// Handles one input at `now_ms` and returns its outputs, typed.
    ///
    /// # Errors
    /// [`HostError::Input`] with the path when the engine refuses the input (state unchanged);
    /// [`HostError::Trap`] when the guest trapped (state unchanged too, see [`Host`]).
    pub fn handle<I: InputJson + ?Sized>(
        &mut self,
        input: &I,
        now_ms: i64,
    ) -> Result<Vec<Output>, HostError> {
        let json = self.handle_json(input, now_ms)?;
        handoff_core::wire::limits::from_engine_json(&json).map_err(|e| {
            HostError::Abi(format!(
                "handoff_handle returned outputs that do not parse: {e}"
            ))
        })
    }

    /// [`Host::handle`], returning the outputs as the exact JSON text the engine wrote (an array),
    /// byte-identical to `serde_json::to_string(&outputs)` natively.
    ///
    /// # Errors
    /// As [`Host::handle`].
    pub fn handle_json<I: InputJson + ?Sized>(
        &mut self,
        input: &I,
        now_ms: i64,
    ) -> Result<String, HostError> {
        let input = input.input_json()?;
        let started = Instant::now();
        let answer = self.call(|g| g.handle(&input, now_ms))?;
        match answer {
            Answer::Ok(outputs) => {
                self.cadence.handled(1, started.elapsed());
                self.pending_bytes += input.len();
                self.pending.push((input.into_owned(), now_ms));
                if self.records.is_some() {
                    // Records mode: the next take_changes makes these inputs part of the base.
                    return Ok(outputs);
                }
                let due = match self.snapshot_every {
                    Some(every) => self.pending.len() > every,
                    None => self.cadence.due(),
                };
                let max_bytes =
                    MAX_PENDING_BYTES.max(self.snapshot.as_ref().map_or(0, String::len));
                if due || self.pending_bytes > max_bytes {
                    // Keep the replay log short: fetch the state now. The input was accepted
                    // whatever happens here: after a trap the replay log still holds it.
                    let _ = self.state_json();
                }
                Ok(outputs)
            }
            Answer::Err(e) => Err(e.into_host_error(input_error)),
        }
    }

    /// The whole state as JSON: persist it after every input, before performing the outputs.
    ///
    /// The text is the engine's own (`serde_json::to_string(engine.state())`); it is cached, so
    /// asking twice without an input in between costs a copy.
    ///
    /// # Errors
    /// [`HostError::Trap`]/[`HostError::Abi`] when the module misbehaves.
    pub fn state_json(&mut self) -> Result<String, HostError> {
        if self.records.is_some() {
            // Records mode: the rows are the base to recover from; only fetch.
            return match self.call(|g| g.state())? {
                Answer::Ok(state) => Ok(state),
                Answer::Err(e) => Err(e.into_host_error(unexpected("handoff_state"))),
            };
        }
        if self.pending.is_empty() {
            if let Some(state) = &self.snapshot {
                return Ok(state.clone());
            }
        }
        let started = Instant::now();
        let state = match self.call(|g| g.state())? {
            Answer::Ok(state) => state,
            Answer::Err(e) => return Err(e.into_host_error(unexpected("handoff_state"))),
        };
        self.cadence.taken(started.elapsed());
        self.snapshot = Some(state.clone());
        self.pending.clear();
        self.pending_bytes = 0;
        Ok(state)
    }

    /// The whole state, typed.
    ///
    /// # Errors
    /// As [`Host::state_json`], and [`HostError::Abi`] when it does not parse.
    pub fn state(&mut self) -> Result<handoff_core::State, HostError> {
        let json = self.state_json()?;
        handoff_core::wire::limits::from_engine_json(&json).map_err(|e| {
            HostError::Abi(format!(
                "handoff_state returned a state that does not parse: {e}"
            ))
        })
    }

    /// The answer to one query as the engine's JSON text (`{"query":"queue","limit":50}`: see
    /// [`handoff_core::query::Query`]). It reads the engine's indexes in the guest and copies only
    /// the answer out, so it costs what the answer costs, never the whole state.
    ///
    /// # Errors
    /// [`HostError::Input`] with the path (`query.limit`) for a query the engine does not know;
    /// [`HostError::Trap`]/[`HostError::Abi`] when the module misbehaves.
    pub fn query_json(&mut self, query: &str) -> Result<String, HostError> {
        match self.call(|g| g.query(query))? {
            Answer::Ok(json) => Ok(json),
            Answer::Err(e) => Err(e.into_host_error(input_error)),
        }
    }

    /// The answer to `query`, typed by the caller (`Gauges`, or a `serde_json::Value`).
    ///
    /// # Errors
    /// As [`Host::query_json`], and [`HostError::Abi`] when the answer is not a `T`.
    pub fn query<T: serde::de::DeserializeOwned>(
        &mut self,
        query: &handoff_core::query::Query,
    ) -> Result<T, HostError> {
        let json = self.query_json(&query.to_json())?;
        handoff_core::wire::limits::from_engine_json(&json)
            .map_err(|e| HostError::Abi(format!("handoff_query returned {json}: {e}")))
    }

    /// When the host must send a `tick` next (epoch ms), if anything waits on time.
    ///
    /// # Errors
    /// [`HostError::Trap`] when the module traps.
    pub fn next_wakeup(&mut self) -> Result<Option<i64>, HostError> {
        self.call(|g| g.next_wakeup())
    }

    /// Business hours at `at_ms`; `None` when the configuration has none (always open).
    ///
    /// # Errors
    /// [`HostError::Input`] for an instant the engine does not accept; [`HostError::Trap`] and
    /// [`HostError::Abi`] when the module misbehaves.
    pub fn hours(&mut self, at_ms: i64) -> Result<Option<HoursStatus>, HostError> {
        match self.call(|g| g.hours(at_ms))? {
            Answer::Ok(json) => {
                let hours: Option<Hours> = serde_json::from_str(&json)
                    .map_err(|e| HostError::Abi(format!("handoff_hours returned {json}: {e}")))?;
                Ok(hours.map(|h| HoursStatus {
                    open: h.open,
                    next_opening: h.next_opening,
                    next_closing: h.next_closing,
                }))
            }
            Answer::Err(e) => Err(e.into_host_error(input_error)),
        }
    }

    /// The configuration text this engine was created with.
    pub fn config_json(&self) -> &str {
        &self.config
    }

    /// The runtime this host instantiates from.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// Changes this host's fuel per call (the runtime's [`Limits`](crate::Limits) otherwise).
    ///
    /// # Errors
    /// [`HostError::Wasm`] when the runtime was compiled without fuel metering.
    pub fn set_fuel(&mut self, fuel_per_call: u64) -> Result<(), HostError> {
        if self.runtime.limits().fuel_per_call.is_none() {
            return Err(HostError::Wasm(
                "fuel metering is off in this runtime (Limits::fuel_per_call is None)".into(),
            ));
        }
        self.fuel = Some(fuel_per_call);
        if let Some(g) = &mut self.guest {
            g.set_fuel(self.fuel);
        }
        Ok(())
    }

    /// Fetches a state snapshot after at most `inputs` accepted inputs (0: after every one)
    /// instead of when the measured costs say so (see [`Host`]). Fewer means a shorter replay
    /// after a trap and more state serialisation in normal running.
    pub fn set_snapshot_every(&mut self, inputs: usize) {
        self.snapshot_every = Some(inputs);
    }

    /// The fuel the last call into the guest used (roughly its wasm instructions); `None` without
    /// fuel metering or right after a trap. Handy to size [`Limits::fuel_per_call`](crate::Limits).
    pub fn last_fuel_used(&self) -> Option<u64> {
        self.guest.as_ref()?.fuel_used()
    }

    /// The size of the guest's linear memory in bytes (`None` right after a trap). It bounds
    /// the state, and the fuel a state fetch gets ([`Limits::fuel_per_state_byte`](crate::Limits)).
    pub fn memory_bytes(&self) -> Option<usize> {
        Some(self.guest.as_ref()?.memory_bytes())
    }

    /// How many times the instance was rebuilt after a trap.
    pub fn recoveries(&self) -> u64 {
        self.recoveries
    }
}

#[allow(dead_code)]
fn _assert_send() {
    fn send<T: Send>() {}
    send::<Host>();
    send::<crate::Runtime>();
    fn sync<T: Sync>() {}
    sync::<crate::Runtime>();
    let _: Option<EngineError> = None;
}
