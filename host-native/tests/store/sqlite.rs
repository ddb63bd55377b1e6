//! The store suite on [`SqliteStore`], one temporary file per test.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use handoff_native::serve::sqlite::SqliteStore;
use handoff_native::serve::store::Store;

use crate::suite::Db;

/// A fresh SQLite file in a temporary directory (removed on drop).
pub struct SqliteDb {
    dir: PathBuf,
}

impl SqliteDb {
    /// A new, empty database.
    pub fn new() -> SqliteDb {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "handoff-store-suite-{}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst),
            handoff_native::clock::epoch_ms()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        SqliteDb { dir }
    }

    fn path(&self) -> PathBuf {
        self.dir.join("handoff.db")
    }

    fn query<T>(
        &self,
        sql: &str,
        row: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Vec<T> {
        let conn = rusqlite::Connection::open(self.path()).expect("open");
        let mut stmt = conn.prepare(sql).expect("prepare");
        let rows = stmt
            .query_map([], row)
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<T>>>())
            .expect("rows");
        rows
    }
}

impl Drop for SqliteDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Db for SqliteDb {
    fn open(&self) -> Box<dyn Store> {
        let store = SqliteStore::open(&self.path()).expect("open");
        assert!(store.renew_every().is_none(), "SQLite holds no lease");
        Box::new(store)
    }

    fn journal_seqs(&self) -> Vec<i64> {
        self.query("SELECT seq FROM journal ORDER BY seq", |r| r.get(0))
    }

    fn outbox(&self) -> Vec<(String, i64, Option<i64>)> {
        self.query(
            "SELECT delivery_id, attempt, status FROM outbox ORDER BY delivery_id, attempt",
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
    }
}

crate::store_suite!(SqliteDb::new());
