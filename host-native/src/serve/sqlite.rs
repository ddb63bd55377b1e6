//! [`SqliteStore`]: the [`Store`] in one SQLite file (WAL, `synchronous=FULL`).
//!
//! Pruning (the [`Store`] contract): each snapshot write keeps the newest two snapshots and, in
//! the same transaction, deletes the journal entries up to the older one and the outbox rows of
//! finished deliveries that only those entries refer to. The file keeps its size (SQLite reuses
//! the freed pages) instead of growing with every message.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};
use serde::de::IgnoredAny;

use crate::clock::epoch_ms;

use super::store::{Batch, JournalEntry, Loaded, Snapshot, Store, StoreError};

/// The schema version this build writes (`meta.schema`).
const SCHEMA: &str = "1";

/// Snapshots kept: the newest and the one before it. Older ones are deleted when a new one is
/// written, and the journal up to the older kept one (so either kept snapshot, with the journal
/// after it, rebuilds the same state: a spare if the newest cannot be restored).
const SNAPSHOTS_KEPT: i64 = 2;

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
CREATE TEMP TABLE IF NOT EXISTS owed (delivery_id TEXT PRIMARY KEY);
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

/// What a snapshot write pruned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pruned {
    /// Journal entries up to this `seq` are gone (the oldest kept snapshot's).
    upto: i64,
    /// Journal rows deleted.
    journal: usize,
    /// Outbox rows deleted.
    outbox: usize,
}

/// The deliveries the engine still owes, by id, as its state JSON lists them: `outbox` (in
/// flight or waiting for a retry) and `dead_letters` (may be redriven). `None` when the state
/// has no `outbox` object: then nothing is known to be finished and no outbox row is deleted.
fn owed(state: &str) -> Option<Vec<String>> {
    #[derive(serde::Deserialize)]
    struct Owed {
        outbox: BTreeMap<String, IgnoredAny>,
        #[serde(default)]
        dead_letters: BTreeMap<String, IgnoredAny>,
    }
    let owed: Owed = serde_json::from_str(state).ok()?;
    Some(
        owed.outbox
            .into_keys()
            .chain(owed.dead_letters.into_keys())
            .collect(),
    )
}

/// Writes the snapshot, keeps the newest [`SNAPSHOTS_KEPT`], and prunes what the oldest kept one
/// covers (see the [`Store`] docs), all in `tx`.
fn write_snapshot(
    tx: &rusqlite::Transaction<'_>,
    seq: i64,
    state: &str,
) -> rusqlite::Result<Pruned> {
    tx.execute(
        "INSERT OR REPLACE INTO snapshots (seq, state, taken_at) VALUES (?1, ?2, ?3)",
        params![seq, state, epoch_ms()],
    )?;
    tx.execute(
        "DELETE FROM snapshots WHERE seq NOT IN \
         (SELECT seq FROM snapshots ORDER BY seq DESC LIMIT ?1)",
        [SNAPSHOTS_KEPT],
    )?;
    let upto: i64 = tx.query_row("SELECT MIN(seq) FROM snapshots", [], |r| r.get(0))?;
    let journal = tx.execute("DELETE FROM journal WHERE seq <= ?1", [upto])?;
    let outbox = match owed(state) {
        Some(ids) => {
            tx.execute("DELETE FROM temp.owed", [])?;
            {
                let mut insert =
                    tx.prepare_cached("INSERT OR IGNORE INTO temp.owed (delivery_id) VALUES (?1)")?;
                for id in &ids {
                    insert.execute([id])?;
                }
            }
            let deleted = tx.execute(
                "DELETE FROM outbox WHERE journal_seq <= ?1 \
                 AND (result_seq IS NULL OR result_seq <= ?1) \
                 AND delivery_id NOT IN (SELECT delivery_id FROM temp.owed)",
                [upto],
            )?;
            tx.execute("DELETE FROM temp.owed", [])?;
            deleted
        }
        None => 0,
    };
    Ok(Pruned {
        upto,
        journal,
        outbox,
    })
}

fn log_pruned(pruned: Pruned) {
    if pruned.journal > 0 || pruned.outbox > 0 {
        tracing::debug!(
            upto = pruned.upto,
            journal = pruned.journal,
            outbox = pruned.outbox,
            "journal pruned"
        );
    }
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
        // After pruning the journal may be empty: number on from the newest snapshot too.
        let mut seq: i64 = tx
            .query_row(
                "SELECT MAX((SELECT COALESCE(MAX(seq), 0) FROM journal), \
                            (SELECT COALESCE(MAX(seq), 0) FROM snapshots))",
                [],
                |r| r.get(0),
            )
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
        let pruned = match &batch.snapshot {
            Some(state) => Some(write_snapshot(&tx, seq, state).map_err(db)?),
            None => None,
        };
        tx.commit().map_err(db)?;
        if let Some(p) = pruned {
            log_pruned(p);
        }
        Ok(seq)
    }

    fn snapshot(&mut self, seq: i64, state: &str) -> Result<(), StoreError> {
        let path = self.path.display().to_string();
        let db = |e: rusqlite::Error| StoreError::Database {
            path: path.clone(),
            message: e.to_string(),
        };
        let tx = self.conn.transaction().map_err(db)?;
        let pruned = write_snapshot(&tx, seq, state).map_err(db)?;
        tx.commit().map_err(db)?;
        log_pruned(pruned);
        Ok(())
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
        // Entries 1 and 2 are in the snapshot, so they were pruned with it.
        assert_eq!(store.journal_len().expect("len"), 1);
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

    fn count(store: &SqliteStore, sql: &str) -> i64 {
        store.conn.query_row(sql, [], |r| r.get(0)).expect("count")
    }

    fn batch(from: i64, n: i64, snapshot: Option<String>) -> Batch {
        Batch {
            entries: (from..from + n).map(entry).collect(),
            snapshot,
        }
    }

    #[test]
    fn snapshots_prune_the_journal_they_cover_and_the_numbering_goes_on() {
        let path = temp("prune");
        let mut store = SqliteStore::open(&path).expect("open");
        // The first snapshot covers everything: the journal is left empty...
        assert_eq!(
            store
                .commit(&batch(1, 5, Some("{\"s\":5}".into())))
                .expect("commit"),
            5
        );
        assert_eq!(store.journal_len().expect("len"), 0);
        // ...and the next entry is still number 6, not 1 again.
        assert_eq!(store.commit(&batch(6, 1, None)).expect("commit"), 6);
        // Many inputs, a snapshot every 100: the journal never holds more than the entries since
        // the older of the two kept snapshots.
        let mut last = 6;
        for round in 0..20 {
            last = store
                .commit(&batch(last + 1, 100, Some(format!("{{\"s\":{round}}}"))))
                .expect("commit");
            assert!(store.journal_len().expect("len") <= 101, "round {round}");
            assert_eq!(count(&store, "SELECT COUNT(*) FROM snapshots"), 2);
        }
        assert_eq!(last, 2006);
        assert_eq!(store.journal_len().expect("len"), 100);
        assert_eq!(count(&store, "SELECT MIN(seq) FROM journal"), 1907);
        // Entries after the newest snapshot stay until a snapshot covers them.
        assert_eq!(store.commit(&batch(2007, 3, None)).expect("commit"), 2009);
        store.snapshot(2009, "{\"s\":\"final\"}").expect("snapshot");
        assert_eq!(count(&store, "SELECT MIN(seq) FROM journal"), 2007);
        // States without an "outbox" object say nothing about deliveries: no outbox row went.
        assert_eq!(count(&store, "SELECT COUNT(*) FROM outbox"), 2009);
        drop(store);
        let mut store = SqliteStore::open(&path).expect("reopen");
        let loaded = store.load().expect("load");
        assert_eq!(
            loaded.snapshot.map(|s| (s.seq, s.state)),
            Some((2009, "{\"s\":\"final\"}".to_string()))
        );
        assert!(loaded.tail.is_empty());
        assert_eq!(store.commit(&batch(2010, 1, None)).expect("commit"), 2010);
        assert_eq!(store.load().expect("load").tail[0].seq, 2010);
    }

    /// Entry `n` reports `status` for delivery `id` (and hands nothing out).
    fn result(n: i64, id: &str, status: Option<i64>) -> NewEntry {
        NewEntry {
            now_ms: n,
            input: format!("{{\"type\":\"delivery_result\",\"n\":{n}}}"),
            deliveries: Vec::new(),
            result: Some(OutboxResult {
                delivery_id: id.into(),
                status,
                error: status.is_none().then(|| "timeout".to_string()),
            }),
        }
    }

    /// Entry `n` hands out `attempt` of delivery `id`.
    fn hand_out(n: i64, id: &str, attempt: i64) -> NewEntry {
        NewEntry {
            now_ms: n,
            input: format!("{{\"type\":\"tick\",\"n\":{n}}}"),
            deliveries: vec![OutboxRow {
                delivery_id: id.into(),
                attempt,
                output: "{}".into(),
            }],
            result: None,
        }
    }

    /// A state owing `outbox` (in flight or waiting) and `dead` (dead letters).
    fn state(outbox: &[&str], dead: &[&str]) -> String {
        let map = |ids: &[&str]| -> serde_json::Map<String, serde_json::Value> {
            ids.iter()
                .map(|id| (id.to_string(), serde_json::json!({"delivery": {}})))
                .collect()
        };
        serde_json::json!({"version": 1, "conversations": {}, "outbox": map(outbox),
                           "dead_letters": map(dead)})
        .to_string()
    }

    fn rows(store: &SqliteStore) -> Vec<(String, i64)> {
        let mut stmt = store
            .conn
            .prepare("SELECT delivery_id, attempt FROM outbox ORDER BY delivery_id, attempt")
            .expect("prepare");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .expect("rows")
    }

    fn ids(rows: &[(&str, i64)]) -> Vec<(String, i64)> {
        rows.iter().map(|(id, a)| (id.to_string(), *a)).collect()
    }

    #[test]
    fn pruning_keeps_every_outbox_row_of_a_delivery_in_flight_waiting_or_dead_lettered() {
        let path = temp("prune-outbox");
        let mut store = SqliteStore::open(&path).expect("open");
        // 1-4 hand out d1..d4.
        store
            .commit(&Batch {
                entries: (1..=4).map(|n| hand_out(n, &format!("d{n}"), 1)).collect(),
                snapshot: None,
            })
            .expect("commit");
        // 5-7: d1 delivered, d2 failed (a retry waits), d3 gone (dead letter); d4 stays in
        // flight. 8 hands out d5 and 9 d6. Snapshot at 9.
        let seq = store
            .commit(&Batch {
                entries: vec![
                    result(5, "d1", Some(200)),
                    result(6, "d2", Some(500)),
                    result(7, "d3", Some(410)),
                    hand_out(8, "d5", 1),
                    hand_out(9, "d6", 1),
                ],
                snapshot: Some(state(&["d2", "d4", "d5", "d6"], &["d3"])),
            })
            .expect("commit");
        assert_eq!(seq, 9);
        assert_eq!(store.journal_len().expect("len"), 0);
        // Only d1 is finished: its row goes; the rows of the waiting, dead and in-flight ones
        // stay although every entry they belong to was pruned.
        let mut kept = vec![("d2", 1), ("d3", 1), ("d4", 1), ("d5", 1), ("d6", 1)];
        assert_eq!(rows(&store), ids(&kept));

        // 10: d5 delivered; 11: d6 handed out again (the host restarted, attempt 1 never got a
        // result). Snapshot at 11; the older kept snapshot (9) is the horizon.
        store
            .commit(&Batch {
                entries: vec![result(10, "d5", Some(204)), hand_out(11, "d6", 2)],
                snapshot: Some(state(&["d2", "d4", "d6"], &["d3"])),
            })
            .expect("commit");
        // d5 is finished, but its result is in entry 10, after the horizon: kept for now.
        kept.push(("d6", 2));
        kept.sort_unstable();
        assert_eq!(rows(&store), ids(&kept));

        // 12: d6's second attempt delivered. Snapshot at 12; horizon 11.
        store
            .commit(&Batch {
                entries: vec![result(12, "d6", Some(200))],
                snapshot: Some(state(&["d2", "d4"], &["d3"])),
            })
            .expect("commit");
        // d5 goes now, and so does d6's first attempt (no result, but d6 is finished). d6's
        // second attempt was reported in entry 12, after the horizon: kept.
        assert_eq!(
            rows(&store),
            ids(&[("d2", 1), ("d3", 1), ("d4", 1), ("d6", 2)])
        );
        assert_eq!(count(&store, "SELECT MIN(seq) FROM journal"), 12);
        // The in-flight row still takes its result.
        store
            .commit(&Batch {
                entries: vec![result(13, "d4", Some(200))],
                snapshot: None,
            })
            .expect("commit");
        assert_eq!(
            count(
                &store,
                "SELECT status FROM outbox WHERE delivery_id = 'd4' AND result_seq = 13"
            ),
            200
        );
    }
}
