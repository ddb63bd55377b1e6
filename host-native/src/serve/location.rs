//! [`StoreLocation`]: where `handoff serve` keeps its data (`--store`, or the older `--db`).

use std::path::PathBuf;

use super::postgres::lease::Lease;
use super::postgres::{PostgresStore, DEFAULT_TENANT};
use super::sqlite::SqliteStore;
use super::store::{Store, StoreError};

/// Where the data is: an SQLite file (the default, one process) or a PostgreSQL database
/// (shared by several processes).
#[derive(Clone, PartialEq, Eq)]
pub enum StoreLocation {
    /// `sqlite:FILE` (or `--db FILE`).
    Sqlite(PathBuf),
    /// `postgres://user@host:port/database` (or `postgresql://…`); the password best in
    /// `PGPASSWORD`.
    Postgres(String),
}

impl std::fmt::Debug for StoreLocation {
    /// Never shows a password the URL may hold.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreLocation::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            StoreLocation::Postgres(url) => match url.parse::<postgres::Config>() {
                Ok(config) => write!(f, "postgres://{}", super::postgres::shown(&config)),
                Err(_) => f.write_str("postgres://(a URL that does not parse)"),
            },
        }
    }
}

impl StoreLocation {
    /// Reads `--store`: `sqlite:FILE`, `postgres://…` or `postgresql://…`.
    ///
    /// # Errors
    /// What was expected, when it is neither.
    pub fn parse(text: &str) -> Result<StoreLocation, String> {
        if let Some(path) = text.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err("sqlite: needs a file (sqlite:handoff.db)".into());
            }
            return Ok(StoreLocation::Sqlite(PathBuf::from(path)));
        }
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return text
                .parse::<postgres::Config>()
                .map(|_| StoreLocation::Postgres(text.to_string()))
                .map_err(|e| format!("{e} (expected postgres://user@host:port/database)"));
        }
        Err("expected sqlite:FILE or postgres://user@host:port/database".into())
    }

    /// Opens the store (a PostgreSQL one migrated and ready to take `lease` at load). Blocks:
    /// call it outside async tasks (`block_in_place`).
    ///
    /// # Errors
    /// [`StoreError`] when it cannot be opened.
    pub fn open(&self, lease: &Lease) -> Result<Box<dyn Store>, StoreError> {
        let store: Box<dyn Store> = match self {
            StoreLocation::Sqlite(path) => Box::new(SqliteStore::open(path)?),
            StoreLocation::Postgres(url) => {
                let store = PostgresStore::open(url, DEFAULT_TENANT, lease)?;
                if !store.applied_migrations().is_empty() {
                    tracing::info!(versions = ?store.applied_migrations(), "schema migrated");
                }
                Box::new(store)
            }
        };
        Ok(store)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_locations_read_and_never_show_a_password() {
        assert_eq!(
            StoreLocation::parse("sqlite:data/handoff.db"),
            Ok(StoreLocation::Sqlite("data/handoff.db".into()))
        );
        let pg = StoreLocation::parse("postgres://handoff:s3cret@db.internal:5433/support")
            .expect("a URL");
        let shown = format!("{pg:?}");
        assert_eq!(shown, "postgres://handoff@db.internal:5433/support");
        assert!(!shown.contains("s3cret"));
        assert!(StoreLocation::parse("postgresql://u@h/db").is_ok());
        let wrong = StoreLocation::parse("mysql://u@h/db").expect_err("refused");
        assert!(wrong.contains("sqlite:FILE or postgres://"), "{wrong}");
        assert!(StoreLocation::parse("sqlite:").is_err());
    }
}
