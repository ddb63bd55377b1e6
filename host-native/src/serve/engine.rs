//! The engine task: the one thread that owns the [`Host`], the [`Store`] and the clock.
//!
//! Requests reach it through a channel of [`Command`]s. It takes the first one, drains whatever
//! else is queued (up to [`MAX_BATCH`]), handles each input, then commits ONE transaction for the
//! whole batch (group commit) and only then answers the requests, publishes the outputs to the
//! event streams and starts the deliveries. So nothing is acknowledged or sent that is not on
//! disk. Between batches it sleeps until a command comes or the engine's `next_wakeup`, when it
//! handles a `tick`.
//!
//! With a shared store it also renews the store's lease every [`Store::renew_every`]. A store
//! that reports [`StoreError::Fenced`] (another process took the engine over) fences the task:
//! the batch is answered 503 (nothing of it was stored), and from then on every request is
//! answered 503 with the reason and nothing is performed, until the lease can be taken back
//! (the other process's lease expired); then the task restores from the store and serves again.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use handoff_core::query::Query;
use handoff_core::wire::changes::RecordKind;
use handoff_core::wire::limits::from_engine_json;
use handoff_core::PathError;
use serde_json::Value;
use tokio::sync::{broadcast, oneshot, Notify, Semaphore};

use super::delivery::Sender;
use super::metrics::Metrics;
use super::store::{Batch, Loaded, NewEntry, OutboxResult, OutboxRow, Store, StoreError};
use crate::clock::{epoch_ms, Clock};
use crate::{Host, HostError, Runtime};

/// Most commands handled in one batch (one transaction).
pub const MAX_BATCH: usize = 512;

/// Reads the engine's answer to a `may_act` query: allowed, or [`Failure::Forbidden`] with the
/// engine's reason.
///
/// # Errors
/// `Forbidden` when the agent may not act; `Unavailable` when the answer does not parse.
pub fn allowed(answer: &str) -> Result<(), Failure> {
    #[derive(serde::Deserialize)]
    struct MayAct {
        allowed: bool,
        #[serde(default)]
        reason: Option<String>,
    }
    let may: MayAct = serde_json::from_str(answer).map_err(|e| {
        Failure::Unavailable(format!("the engine answered {answer} to may_act: {e}"))
    })?;
    if may.allowed {
        Ok(())
    } else {
        Err(Failure::Forbidden(may.reason.unwrap_or_else(|| {
            "the conversation is not this agent's".to_string()
        })))
    }
}

/// The engine's answer to a `holder` query (`null` for no conversation).
#[derive(Debug, serde::Deserialize)]
struct Holder {
    agent_id: Option<String>,
}

/// Why a command did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// The engine refused the input (state unchanged): where, what kind of problem, what was
    /// expected.
    #[error("{0}")]
    Rejected(PathError),
    /// The guard did not hold.
    #[error("{0}")]
    Forbidden(String),
    /// The service cannot do it now: storage failed, the engine trapped, or it is stopping.
    #[error("{0}")]
    Unavailable(String),
}

/// The outputs of one accepted input.
pub type Outputs = Arc<Vec<Value>>;

/// A request to the engine task.
#[derive(Debug)]
pub enum Command {
    /// Handle an input; answer with its outputs once committed. Who may do what (an agent closes
    /// only what it holds) is the engine's check: the service writes the token's agent into the
    /// input.
    Input {
        /// The input JSON object.
        input: Value,
        /// Where the answer goes (none for delivery results).
        reply: Option<oneshot::Sender<Result<Outputs, Failure>>>,
    },
    /// A read (after everything before it was committed): the engine's answer as JSON text,
    /// costing what the answer costs (see [`handoff_core::query`]).
    Query {
        /// What to read.
        query: Query,
        /// Where the answer goes.
        reply: oneshot::Sender<Result<String, Failure>>,
    },
    /// Stop: commit any change not yet written and end the task.
    Shutdown {
        /// Answered when everything is written (or failed).
        reply: oneshot::Sender<Result<(), String>>,
    },
}

/// One output as published to the event streams.
#[derive(Debug, Clone)]
pub struct Published {
    /// Increasing number of the output since start (the SSE `id`).
    pub id: u64,
    /// The output.
    pub output: Value,
    /// The agents this output concerns: the one it names (`agent_id`: offered, assigned, offer
    /// withdrawn, …) and the one its conversation is offered or assigned to after the input, so
    /// an agent's stream carries its own conversations and nobody else's.
    pub agents: Vec<String>,
}

/// Deliveries in flight, so shutdown can wait for them, and so one delivery is never performed
/// twice at once.
#[derive(Debug, Default)]
pub struct InFlight {
    count: AtomicUsize,
    idle: Notify,
    closing: AtomicBool,
    /// The `delivery_id`s being performed (waiting for a send permit or sending). The engine
    /// hands a delivery out again when its lease lapses (60 s after it was handed out); when the
    /// first attempt is still waiting for a permit behind a slow receiver, or still sending, the
    /// new hand-out is left to it: its result is reported for the same `delivery_id`, so the
    /// receiver gets the delivery once, not twice.
    ids: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl InFlight {
    /// How many deliveries are being performed.
    pub fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    /// Starts no more deliveries (those handed out stay in the engine's outbox as in flight and
    /// go out again after the next start's `host_restarted`).
    pub fn close(&self) {
        self.closing.store(true, Ordering::SeqCst);
    }

    /// Waits until no delivery is in flight, or `limit` has passed; true when none is left.
    pub async fn wait_idle(&self, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let notified = self.idle.notified();
            if self.count() == 0 {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.count() == 0;
            }
        }
    }

    /// Claims `id` for one task; false when a task already performs it.
    fn claim(&self, id: &str) -> bool {
        let mut ids = self
            .ids
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        ids.insert(id.to_string())
    }

    fn finish(&self, id: &str) {
        self.ids
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(id);
        if self.count.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.idle.notify_waiters();
        }
    }
}

/// Where deliveries go: the sender, the runtime to run them on, and the way back.
#[derive(Clone)]
pub struct Dispatch {
    /// Performs the requests.
    pub sender: Sender,
    /// The tokio runtime the requests run on.
    pub tokio: tokio::runtime::Handle,
    /// Bounds how many run at once.
    pub limit: Arc<Semaphore>,
    /// Deliveries in flight.
    pub in_flight: Arc<InFlight>,
    /// Where results are reported (the engine task's own channel).
    pub commands: std::sync::mpsc::Sender<Command>,
    /// Counters.
    pub metrics: Arc<Metrics>,
}

impl Dispatch {
    /// Performs `delivery` on the tokio runtime and reports its result as an input, unless a task
    /// already performs the same `delivery_id` (see [`InFlight`]).
    pub fn start(&self, delivery: Value) {
        if self.in_flight.closing.load(Ordering::SeqCst) {
            return;
        }
        let text = |key: &str| {
            delivery
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let (id, webhook, event) = (text("delivery_id"), text("webhook_id"), text("event"));
        if !self.in_flight.claim(&id) {
            tracing::debug!(delivery_id = %id, "already being performed; its result stands for this hand-out too");
            return;
        }
        self.in_flight.count.fetch_add(1, Ordering::SeqCst);
        let this = self.clone();
        self.tokio.spawn(async move {
            let _permit = this.limit.clone().acquire_owned().await;
            let attempt = delivery.get("attempt").and_then(Value::as_u64).unwrap_or(0);
            let outcome = this.sender.perform(&delivery).await;
            this.metrics.attempt(outcome.class());
            match &outcome.status {
                Some(status) => tracing::info!(
                    delivery_id = %id, webhook_id = %webhook, %event, attempt, status,
                    "delivery attempt"
                ),
                None => tracing::warn!(
                    delivery_id = %id, webhook_id = %webhook, %event, attempt,
                    error = outcome.error.as_deref().unwrap_or(""),
                    "delivery attempt failed"
                ),
            }
            let command = Command::Input {
                input: outcome.input(&id),
                reply: None,
            };
            if this.commands.send(command).is_err() {
                tracing::warn!(delivery_id = %id, "engine stopped before the result was reported; it is sent again after the next start");
            }
            this.in_flight.finish(&id);
        });
    }
}

/// Why the engine could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The configuration or the stored state was refused.
    #[error("{0}")]
    Engine(HostError),
    /// A journal entry did not replay.
    #[error("journal entry {seq} does not replay: {error}")]
    Replay {
        /// The entry.
        seq: i64,
        /// What the engine said.
        error: HostError,
    },
}

/// What start-up found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restored {
    /// The journal `seq` the records restored include (0: none).
    pub records_seq: i64,
    /// The records restored.
    pub records: usize,
    /// Journal entries replayed after them.
    pub replayed: usize,
    /// The database held whole-state snapshots (written before records) and was migrated.
    pub migrated: bool,
}

/// The engine task's state.
pub struct EngineTask {
    host: Host,
    store: Box<dyn Store>,
    commands: Receiver<Command>,
    events: broadcast::Sender<Arc<Published>>,
    dispatch: Dispatch,
    metrics: Arc<Metrics>,
    /// The host's clock, never behind the last input's `now`.
    clock: Clock,
    last_seq: i64,
    published: u64,
    /// The `now` of the last tick: a wakeup not after it is a tick that changed nothing.
    last_tick: i64,
    runtime: Runtime,
    config: String,
    /// When the store's lease is next renewed (`None`: the store has no lease).
    renew_at: Option<Instant>,
    /// Why this process does not serve the engine now (another took it over), if so.
    fenced: Option<String>,
}

/// The `now` of an engine record or a whole state, read without parsing the rest of it (a
/// state may be big, and deep).
fn now_of(json: &str) -> i64 {
    #[derive(serde::Deserialize)]
    struct Now {
        #[serde(default)]
        now: i64,
    }
    from_engine_json::<Now>(json).map_or(0, |n| n.now)
}

/// Restores the engine from the store: its records (or an old database's snapshot), then the
/// journal after them; then writes the records the replay changed (an old database: every
/// record, migrating it).
fn restore(
    runtime: &Runtime,
    config: &str,
    store: &mut dyn Store,
) -> Result<(Host, i64, i64, Restored), StartError> {
    let Loaded {
        records,
        records_seq,
        snapshot,
        tail,
        from_snapshots,
    } = store.load()?;
    let restored_records = records.len();
    let (mut host, mut seq, mut now) = if let Some(s) = &snapshot {
        let host = Host::restore(runtime, config, &s.state).map_err(StartError::Engine)?;
        (host, s.seq, now_of(&s.state))
    } else if records.is_empty() {
        (
            Host::new(runtime, config).map_err(StartError::Engine)?,
            records_seq,
            0,
        )
    } else {
        let now = records
            .iter()
            .find(|(kind, _, _)| *kind == RecordKind::Engine)
            .map_or(0, |(_, _, json)| now_of(json));
        let host = Host::restore_records(runtime, config, records).map_err(StartError::Engine)?;
        (host, records_seq, now)
    };
    // Until its first change set (below) the host would fetch states for trap recovery by
    // itself: the journal replay is short, so it need not.
    host.set_snapshot_every(usize::MAX);
    for entry in &tail {
        host.handle_json(entry.input.as_str(), entry.now_ms)
            .map_err(|error| StartError::Replay {
                seq: entry.seq,
                error,
            })?;
        now = now.max(entry.now_ms);
        seq = entry.seq;
    }
    // From here on the host lists what changed; the first list after a snapshot (or a new
    // engine) is every record.
    let changes = host.take_changes().map_err(StartError::Engine)?;
    if from_snapshots {
        store.migrate(seq, &changes)?;
        tracing::info!(
            seq,
            records = changes.len(),
            "database migrated from whole-state snapshots to records"
        );
    } else if !changes.is_empty() {
        store.commit(&Batch {
            entries: Vec::new(),
            changes: Some(changes),
        })?;
    }
    let restored = Restored {
        records_seq,
        records: restored_records,
        replayed: tail.len(),
        migrated: from_snapshots,
    };
    Ok((host, seq, now, restored))
}

/// A command's answer, sent after the commit.
enum Pending {
    Input(
        Option<oneshot::Sender<Result<Outputs, Failure>>>,
        Result<Outputs, Failure>,
    ),
    Query(oneshot::Sender<Result<String, Failure>>, Query),
}

impl EngineTask {
    /// Restores the engine from `store` and prepares the task (run it with [`EngineTask::run`]).
    ///
    /// # Errors
    /// [`StartError`] when the store cannot be read, the configuration or state is refused, or
    /// the journal does not replay.
    #[allow(clippy::too_many_arguments)]
    pub fn start(
        runtime: &Runtime,
        config: &str,
        mut store: Box<dyn Store>,
        commands: Receiver<Command>,
        events: broadcast::Sender<Arc<Published>>,
        dispatch: Dispatch,
        metrics: Arc<Metrics>,
    ) -> Result<(EngineTask, Restored), StartError> {
        let (host, last_seq, last_now, restored) = restore(runtime, config, store.as_mut())?;
        let renew_at = store.renew_every().map(|every| Instant::now() + every);
        Ok((
            EngineTask {
                host,
                store,
                commands,
                events,
                dispatch,
                metrics,
                clock: Clock::starting_at(last_now),
                last_seq,
                published: 0,
                last_tick: i64::MIN,
                runtime: runtime.clone(),
                config: config.to_string(),
                renew_at,
                fenced: None,
            },
            restored,
        ))
    }

    /// Runs until a [`Command::Shutdown`] (or every sender is gone): sends `host_restarted`
    /// first, then serves commands and timers.
    pub fn run(mut self) {
        let restarted = Command::Input {
            input: serde_json::json!({"type": "host_restarted"}),
            reply: None,
        };
        let mut first = Some(restarted);
        loop {
            if self.fenced.is_some() {
                if !self.while_fenced() {
                    return;
                }
                // Serving again, from the store: what was in flight goes out again.
                first = Some(Command::Input {
                    input: serde_json::json!({"type": "host_restarted"}),
                    reply: None,
                });
            }
            let command = match first.take() {
                Some(c) => Some(c),
                None => self.wait(),
            };
            if self.fenced.is_some() {
                // The lease was lost while waiting: this command is not ours to handle.
                if let Some(c) = command {
                    if self.refuse_fenced(c) {
                        return;
                    }
                }
                continue;
            }
            let mut batch: Vec<Command> = Vec::new();
            match command {
                Some(c) => batch.push(c),
                None => {
                    // The wakeup is due.
                    self.last_tick = self.now();
                    batch.push(Command::Input {
                        input: serde_json::json!({"type": "tick"}),
                        reply: None,
                    });
                }
            }
            while batch.len() < MAX_BATCH {
                match self.commands.try_recv() {
                    Ok(c) => batch.push(c),
                    Err(_) => break,
                }
            }
            let mut shutdown = None;
            let mut work = Vec::with_capacity(batch.len());
            for c in batch {
                match c {
                    Command::Shutdown { reply } if shutdown.is_none() => shutdown = Some(reply),
                    Command::Shutdown { reply } => {
                        let _ = reply.send(Ok(()));
                    }
                    other if shutdown.is_some() => refuse(other),
                    other => work.push(other),
                }
            }
            if !work.is_empty() {
                self.process(work);
            }
            if let Some(reply) = shutdown {
                let result = self.final_commit();
                // Whatever is still queued is refused: the HTTP side has stopped by now.
                while let Ok(c) = self.commands.try_recv() {
                    refuse(c);
                }
                let _ = reply.send(result);
                return;
            }
        }
    }

    /// The next command, or `None` when the engine's wakeup is due first (or the lease was
    /// lost: then [`EngineTask::fenced`] is set). Renews the lease when due.
    fn wait(&mut self) -> Option<Command> {
        loop {
            self.keep_lease();
            if self.fenced.is_some() {
                return None;
            }
            let renew_in = self.renew_in();
            let wakeup = match self.host.next_wakeup() {
                Ok(w) => w,
                Err(e) => {
                    tracing::error!(error = %e, "next_wakeup failed; retrying in a second");
                    Some(epoch_ms() + 1000)
                }
            };
            let Some(at) = wakeup else {
                let received = match renew_in {
                    Some(ms) => match self.commands.recv_timeout(Duration::from_millis(ms)) {
                        Ok(c) => Ok(c),
                        Err(RecvTimeoutError::Timeout) => continue,
                        Err(RecvTimeoutError::Disconnected) => Err(()),
                    },
                    None => self.commands.recv().map_err(|_| ()),
                };
                return match received {
                    Ok(c) => Some(c),
                    Err(()) => Some(Command::Shutdown {
                        reply: oneshot::channel().0,
                    }),
                };
            };
            let mut delay = at.saturating_sub(epoch_ms());
            let stuck = at <= self.last_tick;
            if stuck {
                // The last tick did not move the wakeup: never spin, look again in a second.
                tracing::warn!(wakeup = at, "the engine's wakeup did not move after a tick");
                delay = delay.max(1000);
            }
            if delay <= 0 {
                return None;
            }
            let delay = delay as u64;
            let renew_first = renew_in.is_some_and(|ms| ms < delay);
            let timeout = renew_in.filter(|_| renew_first).unwrap_or(delay);
            match self.commands.recv_timeout(Duration::from_millis(timeout)) {
                Ok(c) => return Some(c),
                Err(RecvTimeoutError::Timeout) if renew_first => continue,
                Err(RecvTimeoutError::Timeout) if stuck => return None,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => {
                    return Some(Command::Shutdown {
                        reply: oneshot::channel().0,
                    })
                }
            }
        }
    }

    fn now(&mut self) -> i64 {
        self.clock.now()
    }

    /// Milliseconds until the lease's next renewal (`None`: the store has no lease).
    fn renew_in(&self) -> Option<u64> {
        self.renew_at.map(|at| {
            u64::try_from(at.saturating_duration_since(Instant::now()).as_millis())
                .unwrap_or(u64::MAX)
        })
    }

    /// Renews the store's lease when due. A lost lease fences the task; a failed renewal is
    /// tried again within a second (the lease lasts several intervals).
    fn keep_lease(&mut self) {
        let (Some(at), Some(every)) = (self.renew_at, self.store.renew_every()) else {
            return;
        };
        if Instant::now() < at {
            return;
        }
        match self.store.renew() {
            Ok(()) => self.renew_at = Some(Instant::now() + every),
            Err(e @ StoreError::Fenced { .. }) => self.fence(e.to_string()),
            Err(e) => {
                tracing::warn!(error = %e, "could not renew the lease; trying again");
                self.renew_at = Some(Instant::now() + every.min(Duration::from_secs(1)));
            }
        }
    }

    /// Stops serving: another process owns the engine now.
    fn fence(&mut self, why: String) {
        tracing::error!(reason = %why, "fenced: answering 503 until the lease can be taken back");
        self.fenced = Some(why);
    }

    /// Answers a command while fenced: 503 with the reason (a shutdown is acknowledged: nothing
    /// is ours to write). True for a shutdown.
    fn refuse_fenced(&self, command: Command) -> bool {
        let why = self.fenced.clone().unwrap_or_default();
        let failure = Failure::Unavailable(why);
        match command {
            Command::Input { reply: Some(r), .. } => {
                let _ = r.send(Err(failure));
            }
            Command::Input { reply: None, .. } => {}
            Command::Query { reply, .. } => {
                let _ = reply.send(Err(failure));
            }
            Command::Shutdown { reply } => {
                let _ = reply.send(Ok(()));
                return true;
            }
        }
        false
    }

    /// While fenced: refuses every command, and every renewal interval tries to take the lease
    /// back (the store allows it only once the other holder's lease has expired); then restores
    /// the engine from the store. False when told to stop, true once serving again.
    fn while_fenced(&mut self) -> bool {
        let every = self.store.renew_every().unwrap_or(Duration::from_secs(5));
        let mut next_try = Instant::now() + every;
        loop {
            let now = Instant::now();
            if now >= next_try {
                next_try = now + every;
                match restore(&self.runtime, &self.config, self.store.as_mut()) {
                    Ok((host, seq, now_ms, _)) => {
                        self.host = host;
                        self.last_seq = seq;
                        self.clock.saw(now_ms);
                        self.fenced = None;
                        self.renew_at = Some(Instant::now() + every);
                        tracing::info!(seq, "took the lease back; serving from the stored records");
                        return true;
                    }
                    Err(StartError::Store(StoreError::Leased { .. })) => {}
                    Err(e) => tracing::warn!(error = %e, "cannot take the lease back yet"),
                }
                continue;
            }
            match self.commands.recv_timeout(next_try - now) {
                Ok(c) => {
                    if self.refuse_fenced(c) {
                        return false;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return false,
            }
        }
    }

    /// Handles a batch, commits it, then answers, publishes and delivers.
    fn process(&mut self, work: Vec<Command>) {
        let mut entries: Vec<NewEntry> = Vec::new();
        let mut answers: Vec<Pending> = Vec::new();
        let mut accepted: Vec<Outputs> = Vec::new();
        for command in work {
            match command {
                Command::Input { input, reply } => {
                    let now = self.now();
                    let text = input.to_string();
                    match self.host.handle_json(text.as_str(), now) {
                        Ok(json) => {
                            let outputs: Vec<Value> = match from_engine_json(&json) {
                                Ok(Value::Array(a)) => a,
                                _ => {
                                    tracing::error!(
                                        "the engine returned outputs that are not a JSON array"
                                    );
                                    Vec::new()
                                }
                            };
                            entries.push(entry(now, text, &input, &outputs));
                            let outputs = Arc::new(outputs);
                            accepted.push(outputs.clone());
                            answers.push(Pending::Input(reply, Ok(outputs)));
                        }
                        Err(HostError::Input(e)) => {
                            self.metrics.rejected();
                            if reply.is_none() {
                                tracing::error!(path = %e.path, kind = %e.kind, message = %e.message, "the engine refused an internal input");
                            }
                            answers.push(Pending::Input(reply, Err(Failure::Rejected(e))));
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "the engine failed");
                            answers.push(Pending::Input(
                                reply,
                                Err(Failure::Unavailable(format!("the engine failed: {e}"))),
                            ));
                        }
                    }
                }
                Command::Query { query, reply } => answers.push(Pending::Query(reply, query)),
                Command::Shutdown { reply } => {
                    let _ = reply.send(Ok(()));
                }
            }
        }
        if !entries.is_empty() {
            // The records these inputs wrote, in the same transaction as the inputs. If the
            // engine cannot list them now, the journal holds the inputs and the next list
            // (everything since the rows the host handed out last) covers them.
            let changes = match self.host.take_changes() {
                Ok(changes) => Some(changes),
                Err(e) => {
                    tracing::error!(error = %e, "cannot list the changed records; the journal keeps the inputs");
                    None
                }
            };
            let count = entries.len();
            let batch = Batch { entries, changes };
            match self.store.commit(&batch) {
                Ok(seq) => {
                    self.last_seq = seq;
                    self.metrics.batch(count);
                }
                Err(e) => {
                    let fenced = matches!(e, StoreError::Fenced { .. });
                    let failure = if fenced {
                        Failure::Unavailable(e.to_string())
                    } else {
                        tracing::error!(error = %e, "commit failed; going back to the stored state");
                        Failure::Unavailable(format!("storage failed: {e}"))
                    };
                    for a in answers {
                        match a {
                            Pending::Input(Some(r), _) => {
                                let _ = r.send(Err(failure.clone()));
                            }
                            Pending::Input(None, _) => {}
                            Pending::Query(r, _) => {
                                let _ = r.send(Err(failure.clone()));
                            }
                        }
                    }
                    if fenced {
                        self.fence(e.to_string());
                    } else {
                        self.reload();
                    }
                    return;
                }
            }
        }
        // Committed: now answer, publish, deliver.
        for a in answers {
            match a {
                Pending::Input(reply, result) => {
                    if let Some(r) = reply {
                        let _ = r.send(result);
                    }
                }
                Pending::Query(reply, query) => {
                    let _ = reply.send(self.query(&query));
                }
            }
        }
        let mut holders: std::collections::HashMap<String, Option<String>> =
            std::collections::HashMap::new();
        for outputs in accepted {
            for output in outputs.iter() {
                self.metrics.observe(output);
                self.published += 1;
                // Who an output concerns only matters to someone reading the streams.
                let agents = if self.events.receiver_count() > 0 {
                    self.agents_of(output, &mut holders)
                } else {
                    Vec::new()
                };
                let _ = self.events.send(Arc::new(Published {
                    id: self.published,
                    output: output.clone(),
                    agents,
                }));
                if output.get("type").and_then(Value::as_str) == Some("delivery") {
                    self.dispatch.start(output.clone());
                }
            }
        }
    }

    /// The engine's answer to `query`, as JSON text.
    fn query(&mut self, query: &Query) -> Result<String, Failure> {
        self.host
            .query_json(&query.to_json())
            .map_err(|e| Failure::Unavailable(format!("the engine failed: {e}")))
    }

    /// The agents an output concerns (see [`Published::agents`]); `holders` keeps each
    /// conversation's holder for the batch (every output of the batch is published after it).
    ///
    /// With transfers and hand-backs: the agent who lets go is named by its own `agent_left` or
    /// `returned_to_ai` (`agent_id`), and a warm transfer's target by its `offered`; the holder
    /// after the batch (the one offered or assigned the conversation then, else nobody) gets the
    /// rest, so the first agent stops seeing the conversation once it is no longer its own.
    fn agents_of(
        &mut self,
        output: &Value,
        holders: &mut std::collections::HashMap<String, Option<String>>,
    ) -> Vec<String> {
        let mut agents = Vec::new();
        if let Some(agent) = output.get("agent_id").and_then(Value::as_str) {
            agents.push(agent.to_string());
        }
        if let Some(id) = output.get("conversation_id").and_then(Value::as_str) {
            if !holders.contains_key(id) {
                let query = Query::Holder {
                    conversation_id: id.to_string(),
                };
                let holder = self
                    .query(&query)
                    .ok()
                    .and_then(|json| from_engine_json::<Option<Holder>>(&json).ok())
                    .flatten()
                    .and_then(|h| h.agent_id);
                holders.insert(id.to_string(), holder);
            }
            if let Some(Some(holder)) = holders.get(id) {
                if !agents.contains(holder) {
                    agents.push(holder.clone());
                }
            }
        }
        agents
    }

    /// After a failed commit: the engine has inputs the store does not; go back to the store.
    fn reload(&mut self) {
        match restore(&self.runtime, &self.config, self.store.as_mut()) {
            Ok((host, seq, now, _)) => {
                self.host = host;
                self.last_seq = seq;
                self.clock.saw(now);
            }
            Err(StartError::Store(e @ (StoreError::Fenced { .. } | StoreError::Leased { .. }))) => {
                self.fence(e.to_string())
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot restore from the store after a failed commit; stopping");
                std::process::exit(70);
            }
        }
    }

    /// On a graceful stop: writes any change not written yet (normally none: every batch
    /// writes its own).
    fn final_commit(&mut self) -> Result<(), String> {
        let changes = self.host.take_changes().map_err(|e| e.to_string())?;
        if !changes.is_empty() {
            self.last_seq = self
                .store
                .commit(&Batch {
                    entries: Vec::new(),
                    changes: Some(changes),
                })
                .map_err(|e| e.to_string())?;
        }
        tracing::info!(seq = self.last_seq, "records written");
        Ok(())
    }
}

fn refuse(command: Command) {
    let failure = Failure::Unavailable("the service is shutting down".into());
    match command {
        Command::Input { reply: Some(r), .. } => {
            let _ = r.send(Err(failure));
        }
        Command::Input { reply: None, .. } => {}
        Command::Query { reply, .. } => {
            let _ = reply.send(Err(failure));
        }
        Command::Shutdown { reply } => {
            let _ = reply.send(Ok(()));
        }
    }
}

/// The journal entry of an accepted input: its delivery rows and, for a result, the result.
fn entry(now: i64, text: String, input: &Value, outputs: &[Value]) -> NewEntry {
    let deliveries = outputs
        .iter()
        .filter(|o| o.get("type").and_then(Value::as_str) == Some("delivery"))
        .map(|o| OutboxRow {
            delivery_id: o
                .get("delivery_id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            attempt: o.get("attempt").and_then(Value::as_i64).unwrap_or(0),
            output: o.to_string(),
        })
        .collect();
    let result =
        (input.get("type").and_then(Value::as_str) == Some("delivery_result")).then(|| {
            OutboxResult {
                delivery_id: input
                    .get("delivery_id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                status: input.get("status").and_then(Value::as_i64),
                error: input
                    .get("error")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            }
        });
    NewEntry {
        now_ms: now,
        input: text,
        deliveries,
        result,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::serve::sqlite::SqliteStore;

    type Answers = Arc<Mutex<Vec<oneshot::Receiver<Result<Outputs, Failure>>>>>;

    /// A store that counts commits and checks, at each commit, that no request was answered yet.
    struct Watching {
        inner: SqliteStore,
        commits: Arc<Mutex<Vec<usize>>>,
        answers: Answers,
    }

    impl Store for Watching {
        fn load(&mut self) -> Result<Loaded, StoreError> {
            self.inner.load()
        }
        fn commit(&mut self, batch: &Batch) -> Result<i64, StoreError> {
            for rx in self.answers.lock().expect("lock").iter_mut() {
                assert!(
                    matches!(rx.try_recv(), Err(oneshot::error::TryRecvError::Empty)),
                    "a request was answered before its batch was committed"
                );
            }
            self.commits.lock().expect("lock").push(batch.entries.len());
            self.inner.commit(batch)
        }
        fn migrate(
            &mut self,
            seq: i64,
            records: &[handoff_core::wire::changes::Change],
        ) -> Result<(), StoreError> {
            self.inner.migrate(seq, records)
        }
        fn describe(&self) -> String {
            self.inner.describe()
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn queued_requests_are_committed_in_one_transaction_before_any_is_answered() {
        let runtime = Runtime::locate(None).expect("the abi wasm (cargo xtask wasm)");
        let dir = std::env::temp_dir().join(format!(
            "handoff-engine-batch-{}-{}",
            std::process::id(),
            epoch_ms()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let commits = Arc::new(Mutex::new(Vec::new()));
        let answers: Answers = Arc::new(Mutex::new(Vec::new()));
        let store = Watching {
            inner: SqliteStore::open(&dir.join("handoff.db")).expect("open"),
            commits: commits.clone(),
            answers: answers.clone(),
        };
        let (tx, rx) = std::sync::mpsc::channel();
        let metrics = Arc::new(Metrics::default());
        let dispatch = Dispatch {
            sender: Sender::new(|_| None, Duration::from_secs(1)).expect("client"),
            tokio: tokio::runtime::Handle::current(),
            limit: Arc::new(Semaphore::new(1)),
            in_flight: Arc::new(InFlight::default()),
            commands: tx.clone(),
            metrics: metrics.clone(),
        };
        let (events, _) = broadcast::channel(16);
        let (task, restored) = EngineTask::start(
            &runtime,
            r#"{"handoff": {}}"#,
            Box::new(store),
            rx,
            events,
            dispatch,
            metrics,
        )
        .expect("start");
        assert_eq!(restored.replayed, 0);
        // Queue 20 inputs (one of them refused) before the task runs: they form one batch with
        // host_restarted.
        for i in 0..20 {
            let (reply, answer) = oneshot::channel();
            let input = if i == 7 {
                serde_json::json!({"type": "customer_message", "conversation_id": "c7"})
            } else {
                serde_json::json!({"type": "customer_message", "conversation_id": format!("c{i}"),
                                   "text": "hello"})
            };
            tx.send(Command::Input {
                input,
                reply: Some(reply),
            })
            .expect("send");
            answers.lock().expect("lock").push(answer);
        }
        let engine = std::thread::spawn(move || task.run());
        // The store checks every answer at its commit: keep them there until it has committed.
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while commits.lock().expect("lock").is_empty() {
            assert!(std::time::Instant::now() < deadline, "no commit");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let mut pending = std::mem::take(&mut *answers.lock().expect("lock"));
        assert_eq!(pending.len(), 20);
        let mut refused = 0;
        for answer in pending.iter_mut() {
            match answer.await.expect("answered") {
                Ok(_) => {}
                Err(Failure::Rejected(e)) => {
                    assert_eq!(e.path, "input.text");
                    refused += 1;
                }
                Err(other) => panic!("{other}"),
            }
        }
        assert_eq!(refused, 1);
        let (reply, done) = oneshot::channel();
        tx.send(Command::Shutdown { reply }).expect("send");
        done.await.expect("answered").expect("stopped");
        engine.join().expect("the engine thread");
        // The new engine's records (at start), then host_restarted + 19 accepted inputs with
        // the records they wrote, one transaction.
        assert_eq!(*commits.lock().expect("lock"), vec![0, 20]);
        let mut reopened = SqliteStore::open(&dir.join("handoff.db")).expect("reopen");
        let loaded = reopened.load().expect("load");
        assert_eq!(loaded.records_seq, 20);
        assert!(loaded.tail.is_empty());
        let conversations = loaded
            .records
            .iter()
            .filter(|(kind, _, _)| *kind == RecordKind::Conversation)
            .count();
        assert_eq!(conversations, 19, "one row per conversation");
    }
}

#[cfg(test)]
mod dispatch_tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    /// The review's slow receiver: with the send permits taken, a delivery waited longer than
    /// its lease, the engine handed it out again, and both attempts were sent. A hand-out of a
    /// delivery that a task already performs now starts nothing: the receiver gets it once, and
    /// one result is reported.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_delivery_handed_out_again_while_it_waits_for_a_permit_is_sent_once() {
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        let receiver = axum::Router::new().route(
            "/h",
            axum::routing::post(move || {
                let counter = counter.clone();
                async move {
                    counter.fetch_add(1, Ordering::SeqCst);
                    "ok"
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/h", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, receiver).await });

        let runtime = Runtime::locate(None).expect("the abi wasm (cargo xtask wasm)");
        let config = serde_json::json!({"handoff": {"webhooks": [{"id": "crm", "url": url}]}});
        let mut host = Host::new(&runtime, &config.to_string()).expect("host");
        let outputs = host
            .handle_json(
                r#"{"type":"handoff_request","conversation_id":"c1"}"#,
                1_768_213_800_000,
            )
            .expect("handled");
        let outputs: Vec<Value> = serde_json::from_str(&outputs).expect("outputs");
        let delivery = outputs
            .into_iter()
            .find(|o| o["type"] == "delivery")
            .expect("a delivery");

        let (tx, rx) = std::sync::mpsc::channel();
        let limit = Arc::new(Semaphore::new(1));
        let dispatch = Dispatch {
            sender: Sender::new(|_| None, Duration::from_secs(10)).expect("client"),
            tokio: tokio::runtime::Handle::current(),
            limit: limit.clone(),
            in_flight: Arc::new(InFlight::default()),
            commands: tx,
            metrics: Arc::new(Metrics::default()),
        };
        // Every permit is taken (other deliveries to a slow receiver): the first task waits.
        let permit = limit.clone().acquire_owned().await.expect("permit");
        dispatch.start(delivery.clone());
        // The lease lapses and the engine hands the same delivery out again, next attempt.
        let mut again = delivery.clone();
        again["attempt"] = serde_json::json!(2);
        dispatch.start(again);
        assert_eq!(
            dispatch.in_flight.count(),
            1,
            "one task for one delivery id"
        );
        drop(permit);
        let reported = tokio::task::spawn_blocking(move || {
            let first = rx.recv_timeout(Duration::from_secs(60));
            let second = rx.recv_timeout(Duration::from_millis(500));
            (first, second)
        })
        .await
        .expect("join");
        match reported.0 {
            Ok(Command::Input { input, .. }) => {
                assert_eq!(input["type"], "delivery_result");
                assert_eq!(input["status"], 200);
            }
            other => panic!("no result reported: {other:?}"),
        }
        assert!(reported.1.is_err(), "a second result: {:?}", reported.1);
        assert_eq!(hits.load(Ordering::SeqCst), 1, "the receiver got it once");
        assert!(dispatch.in_flight.wait_idle(Duration::from_secs(10)).await);
        // Once finished, the same id may be performed again (a retry after a failure).
        dispatch.start(delivery);
        assert!(dispatch.in_flight.wait_idle(Duration::from_secs(60)).await);
        assert_eq!(hits.load(Ordering::SeqCst), 2);
    }
}
