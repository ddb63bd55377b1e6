//! The one store suite ([`suite`]) run against both stores: [`SqliteStore`] in a temporary file
//! and [`PostgresStore`] in a real PostgreSQL server each test starts for itself
//! (`../support/postgres.rs`); then what only the shared store has: versioned migrations,
//! leases and fencing.
//!
//! [`SqliteStore`]: handoff_native::serve::sqlite::SqliteStore
//! [`PostgresStore`]: handoff_native::serve::postgres::PostgresStore

mod postgres;
mod sqlite;
mod suite;
#[path = "../support/postgres.rs"]
mod support_postgres;
