//! The PostgreSQL store's schema: versioned migrations, run on start.
//!
//! `schema_migrations` lists the versions applied (with their names and when). [`migrate`] runs
//! the ones missing, in order, each recorded in the same transaction, under a transaction-level
//! advisory lock so two processes starting at once do not both run them. A database already at
//! a version newer than this build knows is refused (an older build must not write a newer
//! schema). Every table is keyed by `tenant` first: one database holds many engines.

use postgres::Client;

/// One schema change: its version (1, 2, …), a name for `schema_migrations`, and its SQL.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// The version it brings the schema to.
    pub version: i32,
    /// What it does, in a few words.
    pub name: &'static str,
    /// The statements.
    pub sql: &'static str,
}

/// Every migration, oldest first. Append; never edit one that was released.
///
/// Text keys are `COLLATE "C"`: byte order, as SQLite's, whatever the database's locale, so
/// records load in the same key order from both stores.
pub const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "records, journal, outbox, engines and leases, keyed by tenant",
    sql: r#"
CREATE TABLE engines (
    tenant text COLLATE "C" PRIMARY KEY,
    last_seq bigint NOT NULL DEFAULT 0,
    records_seq bigint NOT NULL DEFAULT 0
);
CREATE TABLE engine_leases (
    tenant text COLLATE "C" PRIMARY KEY,
    owner text NOT NULL,
    epoch bigint NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE TABLE records (
    tenant text COLLATE "C" NOT NULL,
    kind text COLLATE "C" NOT NULL,
    id text COLLATE "C" NOT NULL,
    value text NOT NULL,
    PRIMARY KEY (tenant, kind, id)
);
CREATE TABLE journal (
    tenant text COLLATE "C" NOT NULL,
    seq bigint NOT NULL,
    now_ms bigint NOT NULL,
    input text NOT NULL,
    recorded_at bigint NOT NULL,
    PRIMARY KEY (tenant, seq)
);
CREATE TABLE outbox (
    tenant text COLLATE "C" NOT NULL,
    id bigint GENERATED ALWAYS AS IDENTITY,
    journal_seq bigint NOT NULL,
    delivery_id text COLLATE "C" NOT NULL,
    attempt bigint NOT NULL,
    output text NOT NULL,
    status bigint,
    error text,
    result_seq bigint,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX outbox_delivery ON outbox (tenant, delivery_id, attempt);
CREATE INDEX outbox_journal ON outbox (tenant, journal_seq);
"#,
}];

/// The newest version this build writes.
pub fn latest() -> i32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// The advisory lock key the migrations run under (any constant shared by every build).
const LOCK: i64 = 0x68616e646f6666; // "handoff"

/// Why the schema could not be brought up to date.
#[derive(Debug)]
pub enum SchemaError {
    /// The database failed.
    Database(postgres::Error),
    /// The database is at a version this build does not know.
    Newer {
        /// The database's version.
        found: i32,
    },
}

impl From<postgres::Error> for SchemaError {
    fn from(e: postgres::Error) -> SchemaError {
        SchemaError::Database(e)
    }
}

/// Runs the migrations the database lacks; returns the versions applied now (none when it was
/// current).
///
/// # Errors
/// [`SchemaError::Newer`] when the database is ahead of this build; [`SchemaError::Database`]
/// when a statement fails (then nothing of this run is applied).
pub fn migrate(client: &mut Client) -> Result<Vec<i32>, SchemaError> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version integer PRIMARY KEY,
             name text NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now()
         )",
    )?;
    let current: i32 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )?
        .get(0);
    if current > latest() {
        return Err(SchemaError::Newer { found: current });
    }
    let mut applied = Vec::new();
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        tx.batch_execute(m.sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            &[&m.version, &m.name],
        )?;
        applied.push(m.version);
    }
    tx.commit()?;
    Ok(applied)
}
