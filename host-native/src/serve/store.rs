//! [`Store`]: where the service keeps what the engine accepted, so nothing is lost.
//!
//! # What is stored
//! - **The records**: the engine's state one row per record (`kind`, `id` → JSON: the engine
//!   record, each open conversation, agent, outbox entry, dead letter and helpdesk chain; see
//!   `handoff_core::wire::changes`), with the journal position they include. Each batch writes
//!   only the records its inputs changed ([`Host::take_changes`](crate::Host::take_changes)), so
//!   a commit costs what changed, never the whole state, and there are no whole-state snapshots.
//! - **The journal**: every accepted input, in order, with the `now` it was handled at. The
//!   entries after the records' position (normally none: see below) are replayed at start; the
//!   ones the records cover are kept only as a short window of recent inputs for operators
//!   ([`JOURNAL_KEPT`]) and then deleted.
//! - **The outbox table**: one row per `delivery` output (what was handed out, attempt by
//!   attempt) and the result reported for it. The engine's records are the source of truth for
//!   what is still owed; this table is the audit trail, and lets an operator see every attempt.
//!
//! # The contract
//! [`Store::commit`] writes one [`Batch`] (several inputs, their delivery rows, and the records
//! they changed) atomically and durably. The service commits BEFORE it answers any request of the
//! batch and BEFORE it performs any delivery of it (group commit: one transaction, one fsync, per
//! batch). A batch without its change set (the engine could not list it) moves the journal on
//! but not the records' position: a start replays those entries, and the next change set (which
//! lists everything since the rows the host last handed out) covers them.
//!
//! # Trimming: what the records cover is deleted
//! - **Journal**: entries up to the records' position, except the newest [`JOURNAL_KEPT`], are
//!   deleted in the commit that covers them. Entries after the position are never deleted.
//! - **Outbox rows** are deleted only when their entries (the one that handed the attempt out,
//!   and the one that reported its result if any) are trimmed AND the delivery is finished: no
//!   `outbox` or `dead_letter` record holds its id. Rows of a delivery in flight, waiting or
//!   dead-lettered are never deleted, however old. This sweep runs once per [`JOURNAL_KEPT`]
//!   entries, so its cost is spread over them.
//! - **Numbering** goes on: the next entry's `seq` is one more than the last ever written, even
//!   when trimming left the journal empty.
//!
//! # Old databases
//! A database written before records (whole-state snapshots beside the journal) is read once:
//! [`Store::load`] returns its newest snapshot and the journal after it, the service restores
//! and replays them, and [`Store::migrate`] writes every record, drops the snapshots and marks
//! the database as records, in one transaction.
//!
//! # Several processes on one database (PostgreSQL)
//! [`PostgresStore`](super::postgres::PostgresStore) implements the trait for a database several
//! service processes share (`handoff serve --store postgres://…`), with these rules:
//! - The unit of ownership is one engine (a tenant). Each row carries a `tenant` column; the
//!   journal's key is `(tenant, seq)`. The service runs one tenant, `default`, for now.
//! - A process owns a tenant through a lease row `engine_leases(tenant, owner, epoch, expires_at)`
//!   taken when it is free, expired or already this owner's, and renewed while it runs
//!   ([`Store::renew`], every [`Store::renew_every`]); taking it bumps `epoch`. [`Store::load`]
//!   takes the lease, or fails with [`StoreError::Leased`] naming the holder and until when.
//! - Fencing: [`Store::commit`] numbers journal rows after the tenant's last `seq` in a
//!   transaction that first locks the lease row (`SELECT … FOR UPDATE`) and checks that `epoch`
//!   still matches; a process that lost its lease gets [`StoreError::Fenced`], nothing of the
//!   batch is written, and it must stop serving that tenant: the service answers 503 to every
//!   request of it (none was accepted), and takes the lease back (restoring from the store) only
//!   once the new holder's lease has expired. So two processes never both append.
//! - Not built yet: requests for a tenant owned elsewhere forwarded (or the load balancer routing
//!   by tenant), SSE subscribers following `LISTEN/NOTIFY` on the journal, many tenants in one
//!   process.
//!
//! [`SqliteStore`](super::sqlite::SqliteStore) is the implementation for one process: a single
//! file, WAL, `synchronous=FULL`; it holds no lease (SQLite's own locking keeps a second writer
//! out).

use handoff_core::wire::changes::{Change, RecordKind};

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

/// How many journal entries the records cover are kept (the newest): a window of recent inputs
/// for operators. Older covered entries are deleted.
pub const JOURNAL_KEPT: i64 = 1024;

/// A whole-state snapshot of an old database (see [Old databases](self#old-databases)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The journal `seq` of the last input included (0: before any).
    pub seq: i64,
    /// The engine's state JSON.
    pub state: String,
}

/// One stored record: `(kind, id, JSON)`.
pub type Record = (RecordKind, String, String);

/// What [`Store::load`] finds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Loaded {
    /// Every record, in key order (none in a new or an old database).
    pub records: Vec<Record>,
    /// The journal `seq` the records include (0: none).
    pub records_seq: i64,
    /// An old database's newest snapshot, to migrate from; `None` once it holds records.
    pub snapshot: Option<Snapshot>,
    /// Journal entries after the records (or after the old snapshot), oldest first.
    pub tail: Vec<JournalEntry>,
    /// An old database (whole-state snapshots, maybe none yet): restore it, replay the tail,
    /// then [`Store::migrate`].
    pub from_snapshots: bool,
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
    /// The accepted inputs, in the order the engine handled them (may be empty: changes only).
    pub entries: Vec<NewEntry>,
    /// The records written (`value: Some`) or removed after the last entry; `None` when the
    /// engine could not list them (the records then stay at their position).
    pub changes: Option<Vec<Change>>,
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
    /// Another process holds this engine's lease (shared stores only): it cannot be loaded.
    #[error(
        "tenant {tenant:?} is served by {owner:?}, whose lease runs until {until} \
         ({remaining_ms} ms from now): stop that process or wait for its lease to end, then start \
         this one again"
    )]
    Leased {
        /// The tenant.
        tenant: String,
        /// Who holds it.
        owner: String,
        /// Until when (UTC, ISO 8601).
        until: String,
        /// Milliseconds until then.
        remaining_ms: i64,
    },
    /// Another process took this engine over (shared stores only): nothing of the batch was
    /// written; stop serving it.
    #[error(
        "tenant {tenant:?} was taken over by {owner:?} (lease epoch {epoch}): this process no \
         longer serves it, and nothing of this request was stored"
    )]
    Fenced {
        /// The tenant.
        tenant: String,
        /// Who holds it now.
        owner: String,
        /// The holder's epoch.
        epoch: i64,
    },
}

/// Durable storage of the records, the journal and outbox rows. See the [module docs](self).
pub trait Store: Send {
    /// The records and the journal after them (an old database: its newest snapshot instead).
    ///
    /// # Errors
    /// [`StoreError`] when it cannot be read.
    fn load(&mut self) -> Result<Loaded, StoreError>;

    /// Appends the batch's entries (numbered after the last one), its outbox rows and results,
    /// and writes its changed records, in ONE durable transaction; returns the `seq` of the last
    /// entry (the last one written when the batch has none). With changes the records' position
    /// becomes that `seq` and the journal is trimmed in that transaction (see [Trimming]).
    ///
    /// [Trimming]: self#trimming-what-the-records-cover-is-deleted
    ///
    /// # Errors
    /// [`StoreError`] when it could not be written; then nothing of the batch was written.
    fn commit(&mut self, batch: &Batch) -> Result<i64, StoreError>;

    /// Turns an old database into records: writes `records` (every record of the state after
    /// journal entry `seq`, the last one written) as the whole record table, drops the
    /// snapshots, trims the journal and marks the format, in one transaction.
    ///
    /// # Errors
    /// [`StoreError`] when it could not be written; then the database is as it was.
    fn migrate(&mut self, seq: i64, records: &[Change]) -> Result<(), StoreError>;

    /// Where the data is, for messages (never with credentials).
    fn describe(&self) -> String;

    /// How often the service must call [`Store::renew`] (a shared store's lease); `None` (the
    /// default): never.
    fn renew_every(&self) -> Option<std::time::Duration> {
        None
    }

    /// Renews this process's hold on the engine (a shared store's lease); nothing by default.
    ///
    /// # Errors
    /// [`StoreError::Fenced`] when another process took the engine over; [`StoreError`] when the
    /// database failed (the lease may still expire: the next commit then tells).
    fn renew(&mut self) -> Result<(), StoreError> {
        Ok(())
    }
}
