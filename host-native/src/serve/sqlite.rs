//! [`SqliteStore`]: the [`Store`] in one SQLite file (WAL, `synchronous=FULL`).

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{params, Connection, OptionalExtension};

use super::store::{Batch, JournalEntry, Loaded, Snapshot, Store, StoreError};

/// The schema version this build writes (`meta.schema`).
const SCHEMA: &str = "1";

/// Snapshots kept; older ones are deleted when a new one is written (the journal is kept whole).
const SNAPSHOTS_KEPT: i64 = 3;

const CREATE: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal (
    seq INTEGER PRIMARY KEY,
    now_ms INTEGER NOT NULL,
    input TEXT NOT NULL,
    recorded_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS snapshots (
    seq INTEGER PRIMARY KEY,
    state TEXT NOT NULL,
    taken_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY,
    journal_seq INTEGER NOT NULL,
    delivery_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    output TEXT NOT NULL,
    status INTEGER,
    error TEXT,
    result_seq INTEGER
);
CREATE INDEX IF NOT EXISTS outbox_delivery ON outbox (delivery_id, attempt);
";

/// The store in one SQLite file: journal, snapshots and outbox tables.
///
/// Opened in WAL mode with `synchronous=FULL`, so a committed batch survives a crash or a power
/// loss. One process at a time (SQLite's own locking refuses a second writer for a while, then
/// errors); for several processes see the [`Store`] docs.
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn epoch_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path`.
    ///
    /// # Errors
    /// [`StoreError::Database`] when it cannot be opened or set up; [`StoreError::Corrupt`] when
    /// it was written by another schema version.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let shown = path.display().to_string();
        let db = |e: rusqlite::Error| StoreError::Database {
            path: shown.clone(),
            message: e.to_string(),
        };
        let conn = Connection::open(path).map_err(db)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(db)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(db)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Database {
                path: shown,
                message: format!("could not switch to WAL (journal_mode is {mode})"),
            });
        }
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")
            .map_err(db)?;
        conn.execute_batch(CREATE).map_err(db)?;
        let schema: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(db)?;
        match schema.as_deref() {
            None => {
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema', ?1)",
                    [SCHEMA],
                )
                .map_err(db)?;
            }
            Some(SCHEMA) => {}
            Some(other) => {
                return Err(StoreError::Corrupt {
                    path: shown,
                    message: format!("schema version {other}; this build reads version {SCHEMA}"),
                })
            }
        }
        Ok(SqliteStore {
            conn,
            path: path.to_path_buf(),
        })
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::Database {
            path: self.path.display().to_string(),
            message: e.to_string(),
        }
    }

    /// How many journal entries are stored.
    ///
    /// # Errors
    /// [`StoreError::Database`] when the query fails.
    pub fn journal_len(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("SELECT COUNT(*) FROM journal", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }
}

fn write_snapshot(tx: &rusqlite::Transaction<'_>, seq: i64, state: &str) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO snapshots (seq, state, taken_at) VALUES (?1, ?2, ?3)",
        params![seq, state, epoch_ms()],
    )?;
    tx.execute(
        "DELETE FROM snapshots WHERE seq NOT IN \
         (SELECT seq FROM snapshots ORDER BY seq DESC LIMIT ?1)",
        [SNAPSHOTS_KEPT],
    )?;
    Ok(())
}

impl Store for SqliteStore {
    fn load(&mut self) -> Result<Loaded, StoreError> {
        let snapshot = self
            .conn
            .query_row(
                "SELECT seq, state FROM snapshots ORDER BY seq DESC LIMIT 1",
                [],
                |r| {
                    Ok(Snapshot {
                        seq: r.get(0)?,
                        state: r.get(1)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let after = snapshot.as_ref().map_or(0, |s| s.seq);
        let mut stmt = self
            .conn
            .prepare("SELECT seq, now_ms, input FROM journal WHERE seq > ?1 ORDER BY seq")
            .map_err(|e| self.err(e))?;
        let tail = stmt
            .query_map([after], |r| {
                Ok(JournalEntry {
                    seq: r.get(0)?,
                    now_ms: r.get(1)?,
                    input: r.get(2)?,
                })
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.err(e))?;
        drop(stmt);
        Ok(Loaded { snapshot, tail })
    }

    fn commit(&mut self, batch: &Batch) -> Result<i64, StoreError> {
        let path = self.path.display().to_string();
        let db = |e: rusqlite::Error| StoreError::Database {
            path: path.clone(),
            message: e.to_string(),
        };
        let tx = self.conn.transaction().map_err(db)?;
        let mut seq: i64 = tx
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM journal", [], |r| {
                r.get(0)
            })
            .map_err(db)?;
        let recorded_at = epoch_ms();
        {
            let mut journal = tx
                .prepare_cached(
                    "INSERT INTO journal (seq, now_ms, input, recorded_at) VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(db)?;
            let mut outbox = tx
                .prepare_cached(
                    "INSERT INTO outbox (journal_seq, delivery_id, attempt, output) \
                     VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(db)?;
            let mut result = tx
                .prepare_cached(
                    "UPDATE outbox SET status = ?1, error = ?2, result_seq = ?3 WHERE id = \
                     (SELECT id FROM outbox WHERE delivery_id = ?4 AND result_seq IS NULL \
                      ORDER BY attempt DESC LIMIT 1)",
                )
                .map_err(db)?;
            for entry in &batch.entries {
                seq += 1;
                journal
                    .execute(params![seq, entry.now_ms, entry.input, recorded_at])
                    .map_err(db)?;
                for row in &entry.deliveries {
                    outbox
                        .execute(params![seq, row.delivery_id, row.attempt, row.output])
                        .map_err(db)?;
                }
                if let Some(r) = &entry.result {
                    result
                        .execute(params![r.status, r.error, seq, r.delivery_id])
                        .map_err(db)?;
                }
            }
        }
        if let Some(state) = &batch.snapshot {
            write_snapshot(&tx, seq, state).map_err(db)?;
        }
        tx.commit().map_err(db)?;
        Ok(seq)
    }

    fn snapshot(&mut self, seq: i64, state: &str) -> Result<(), StoreError> {
        let path = self.path.display().to_string();
        let db = |e: rusqlite::Error| StoreError::Database {
            path: path.clone(),
            message: e.to_string(),
        };
        let tx = self.conn.transaction().map_err(db)?;
        write_snapshot(&tx, seq, state).map_err(db)?;
        tx.commit().map_err(db)
    }

    fn describe(&self) -> String {
        format!("SQLite {}", self.path.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::store::{NewEntry, OutboxResult, OutboxRow};

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "handoff-sqlite-{}-{name}-{}",
            std::process::id(),
            epoch_ms()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir.join("handoff.db")
    }

    fn entry(n: i64) -> NewEntry {
        NewEntry {
            now_ms: n,
            input: format!("{{\"type\":\"tick\",\"n\":{n}}}"),
            deliveries: vec![OutboxRow {
                delivery_id: format!("d{n}"),
                attempt: 1,
                output: "{}".into(),
            }],
            result: None,
        }
    }

    #[test]
    fn commits_survive_reopening_and_the_tail_starts_after_the_snapshot() {
        let path = temp("reopen");
        let mut store = SqliteStore::open(&path).expect("open");
        assert_eq!(store.load().expect("load"), Loaded::default());
        let batch = Batch {
            entries: vec![entry(1), entry(2)],
            snapshot: Some("{\"s\":2}".into()),
        };
        assert_eq!(store.commit(&batch).expect("commit"), 2);
        let mut result = entry(3);
        result.result = Some(OutboxResult {
            delivery_id: "d1".into(),
            status: Some(200),
            error: None,
        });
        assert_eq!(
            store
                .commit(&Batch {
                    entries: vec![result],
                    snapshot: None
                })
                .expect("commit"),
            3
        );
        drop(store);
        let mut store = SqliteStore::open(&path).expect("reopen");
        let loaded = store.load().expect("load");
        assert_eq!(
            loaded.snapshot,
            Some(Snapshot {
                seq: 2,
                state: "{\"s\":2}".into()
            })
        );
        assert_eq!(loaded.tail.len(), 1);
        assert_eq!(loaded.tail[0].seq, 3);
        assert_eq!(loaded.tail[0].now_ms, 3);
        assert_eq!(store.journal_len().expect("len"), 3);
        let status: Option<i64> = store
            .conn
            .query_row(
                "SELECT status FROM outbox WHERE delivery_id = 'd1'",
                [],
                |r| r.get(0),
            )
            .expect("row");
        assert_eq!(status, Some(200));
    }
}
