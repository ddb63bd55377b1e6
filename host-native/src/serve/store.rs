//! [`Store`]: where the service keeps what the engine accepted, so nothing is lost.
//!
//! # What is stored
//! - **The journal**: every accepted input, in order, with the `now` it was handled at. Append
//!   only. Replaying the journal through the engine (which is deterministic) rebuilds its state.
//! - **Snapshots**: the engine's whole state now and then, with the journal position it includes,
//!   so a start restores the last snapshot and replays only the journal tail after it.
//! - **The outbox table**: one row per `delivery` output (what was handed out, attempt by
//!   attempt) and the result reported for it. The engine's state is the source of truth for what
//!   is still owed; this table is the audit trail, and lets an operator see every attempt.
//!
//! # The contract
//! [`Store::commit`] writes one [`Batch`] (several inputs, their delivery rows, maybe a snapshot)
//! atomically and durably. The service commits BEFORE it answers any request of the batch and
//! BEFORE it performs any delivery of it (group commit: one transaction, one fsync, per batch).
//!
//! # Pruning: what a snapshot makes redundant is deleted
//! Without pruning the journal grows by every input forever (about 520 bytes a message). So
//! every snapshot write ([`Store::commit`] of a batch with a snapshot, [`Store::snapshot`])
//! prunes, in the same transaction as the snapshot (all or nothing):
//! - **Snapshots**: the newest is always kept; a store may keep a few before it (SQLite: one).
//!   Call the oldest kept one's `seq` the *horizon*.
//! - **Journal**: every entry with `seq <=` the horizon is deleted. The kept snapshots include
//!   them, and [`Store::load`] never returns them (it replays after the newest snapshot). The
//!   journal thus holds only the entries since the oldest kept snapshot.
//! - **Outbox rows** are deleted only when they belong to pruned entries alone (the entry that
//!   handed the attempt out, and the one that reported its result if any, both `<=` the
//!   horizon) AND the delivery is finished: the state being written no longer owes it, i.e. its
//!   id is neither under `outbox` (in flight, or waiting for a retry) nor under `dead_letters`
//!   (it may be redriven) of the state JSON. Rows of a delivery in flight, waiting or
//!   dead-lettered are never deleted, however old; a state without an `outbox` object deletes
//!   no outbox row.
//! - **Numbering** goes on: the next entry's `seq` is one more than the last ever written (the
//!   newest snapshot's `seq` counts), even when pruning left the journal empty.
//!
//! # Several processes on one database (PostgreSQL, designed, not implemented)
//! The trait is what a shared PostgreSQL store would implement for scale-out, with these rules:
//! - The unit of ownership is one engine (a tenant). Each row carries a `tenant` column; the
//!   journal's key is `(tenant, seq)`.
//! - A process owns a tenant through a lease row `engine_leases(tenant, owner, epoch, expires_at)`
//!   taken with `UPDATE … WHERE expires_at < now() OR owner = me` and renewed while it runs;
//!   taking it bumps `epoch`. [`Store::load`] takes the lease.
//! - Fencing: [`Store::commit`] inserts journal rows with `seq = last + 1` in a transaction that
//!   first checks `epoch` still matches (`SELECT … FOR UPDATE` on the lease row); a process that
//!   lost its lease gets [`StoreError::Fenced`] and must stop serving that tenant (it restores
//!   from the store if it gets the lease back). So two processes never both append.
//! - Requests for a tenant owned elsewhere are forwarded (or the load balancer routes by
//!   tenant); SSE subscribers can follow `LISTEN/NOTIFY` on the journal.
//!
//! [`SqliteStore`](super::sqlite::SqliteStore) is the implementation for one process: a single
//! file, WAL, `synchronous=FULL`.

/// An input the engine accepted, as stored in the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    /// Position in the journal (1, 2, …).
    pub seq: i64,
    /// The `now` it was handled at (epoch ms).
    pub now_ms: i64,
    /// The input JSON, as given to the engine.
    pub input: String,
}

/// A state snapshot and the last journal entry it includes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The journal `seq` of the last input included (0: before any).
    pub seq: i64,
    /// The engine's state JSON.
    pub state: String,
}

/// What [`Store::load`] finds: the latest snapshot and the journal after it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Loaded {
    /// The latest snapshot, if any was written.
    pub snapshot: Option<Snapshot>,
    /// Journal entries after the snapshot (all of them without one), oldest first.
    pub tail: Vec<JournalEntry>,
}

/// One `delivery` output handed out by an input: a row in the outbox table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    /// The delivery id (the `webhook-id`).
    pub delivery_id: String,
    /// Which attempt (1 for the first).
    pub attempt: i64,
    /// The whole `delivery` output as JSON (it holds secret references, never secrets).
    pub output: String,
}

/// A result reported for a delivery, recorded on its outbox row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxResult {
    /// The delivery id.
    pub delivery_id: String,
    /// The HTTP status, `None` for a network error or timeout.
    pub status: Option<i64>,
    /// The error text, if any.
    pub error: Option<String>,
}

/// One accepted input to append, with the delivery rows it produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    /// The `now` it was handled at (epoch ms).
    pub now_ms: i64,
    /// The input JSON.
    pub input: String,
    /// Its `delivery` outputs.
    pub deliveries: Vec<OutboxRow>,
    /// For a `delivery_result` input: the result, to record on the outbox row.
    pub result: Option<OutboxResult>,
}

/// Everything one group commit writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    /// The accepted inputs, in the order the engine handled them.
    pub entries: Vec<NewEntry>,
    /// The state after the last entry, when a snapshot is due.
    pub snapshot: Option<String>,
}

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database refused or failed an operation.
    #[error("database {path}: {message}")]
    Database {
        /// The database (a file path, or a connection name).
        path: String,
        /// What failed.
        message: String,
    },
    /// The stored data is not what this version writes.
    #[error("database {path}: {message}")]
    Corrupt {
        /// The database.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// Another process took this engine over (shared stores only): stop serving it.
    #[error("another process owns this engine now")]
    Fenced,
}

/// Durable storage of the journal, snapshots and outbox rows. See the [module docs](self).
pub trait Store: Send {
    /// The latest snapshot and the journal after it.
    ///
    /// # Errors
    /// [`StoreError`] when it cannot be read.
    fn load(&mut self) -> Result<Loaded, StoreError>;

    /// Appends the batch's entries (numbered after the last one), its outbox rows and results,
    /// and its snapshot, in ONE durable transaction; returns the `seq` of the last entry. With a
    /// snapshot it also prunes, in that transaction (see [Pruning]).
    ///
    /// [Pruning]: self#pruning-what-a-snapshot-makes-redundant-is-deleted
    ///
    /// # Errors
    /// [`StoreError`] when it could not be written; then nothing of the batch was written.
    fn commit(&mut self, batch: &Batch) -> Result<i64, StoreError>;

    /// Writes a snapshot of the state after journal entry `seq` (the last one written) and prunes
    /// in the same transaction (see [Pruning]).
    ///
    /// [Pruning]: self#pruning-what-a-snapshot-makes-redundant-is-deleted
    ///
    /// # Errors
    /// [`StoreError`] when it could not be written; then nothing was written or pruned.
    fn snapshot(&mut self, seq: i64, state: &str) -> Result<(), StoreError>;

    /// Where the data is, for messages (never with credentials).
    fn describe(&self) -> String;
}
