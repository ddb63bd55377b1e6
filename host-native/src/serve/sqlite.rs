//! [`SqliteStore`]: the [`Store`] in one SQLite file (WAL, `synchronous=FULL`).
//!
//! Tables: `records` (one row per record, keyed by `kind` and `id`; a rowid table, as SQLite
//! advises for rows of kilobytes: a conversation's history is), `journal` (accepted inputs),
//! `outbox` (every attempt handed out and its result), `meta` (`schema`, and `records_seq`: the
//! journal position the records include). Each commit upserts the records its batch changed and
//! trims the journal the records cover (the [`Store`] contract), in the batch's transaction. The
//! file keeps its size (SQLite reuses the freed pages) instead of growing with every message.
//!
//! Schema 1 (before records: whole-state `snapshots` beside the journal) is still read, once:
//! [`Store::load`] returns its newest snapshot and [`Store::migrate`] turns it into schema 2.

use std::path::{Path, PathBuf};

use handoff_core::wire::changes::{Change, RecordKind};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::clock::epoch_ms;

use super::store::{
    Batch, JournalEntry, Loaded, Record, Snapshot, Store, StoreError, JOURNAL_KEPT,
};

/// The schema version this build writes (`meta.schema`).
const SCHEMA: &str = "2";

/// The schema before records: whole-state snapshots beside the journal. Read, then migrated.
const SCHEMA_SNAPSHOTS: &str = "1";

const CREATE: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal (
    seq INTEGER PRIMARY KEY,
    now_ms INTEGER NOT NULL,
    input TEXT NOT NULL,
    recorded_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (kind, id)
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

/// The store in one SQLite file: records, journal and outbox tables.
///
/// Opened in WAL mode with `synchronous=FULL`, so a committed batch survives a crash or a power
/// loss. One process at a time (SQLite's own locking refuses a second writer for a while, then
/// errors); for several processes see the [`Store`] docs.
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    /// Written by a build before records (schema 1), not migrated yet.
    snapshots: bool,
    /// The trim horizon at which finished outbox rows were last swept.
    swept: i64,
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
    /// it was written by another schema version (other than 1, which is migrated).
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
        let snapshots = match schema.as_deref() {
            None => {
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema', ?1)",
                    [SCHEMA],
                )
                .map_err(db)?;
                false
            }
            Some(SCHEMA) => false,
            Some(SCHEMA_SNAPSHOTS) => true,
            Some(other) => {
                return Err(StoreError::Corrupt {
                    path: shown,
                    message: format!(
                        "schema version {other}; this build reads versions \
                         {SCHEMA_SNAPSHOTS} and {SCHEMA}"
                    ),
                })
            }
        };
        Ok(SqliteStore {
            conn,
            path: path.to_path_buf(),
            snapshots,
            swept: 0,
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

    fn journal_after(&self, after: i64) -> Result<Vec<JournalEntry>, StoreError> {
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
        Ok(tail)
    }

    fn corrupt(&self, message: String) -> StoreError {
        StoreError::Corrupt {
            path: self.path.display().to_string(),
            message,
        }
    }
}

/// The journal position the records include (`meta.records_seq`, 0 without records).
fn records_seq(conn: &Connection) -> rusqlite::Result<i64> {
    // Cached: every commit reads it (statements are parsed once per connection, not per commit).
    let text: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = 'records_seq'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(text.and_then(|t| t.parse().ok()).unwrap_or(0))
}

/// Upserts the written records and deletes the removed ones.
fn write_changes(tx: &Transaction<'_>, changes: &[Change]) -> rusqlite::Result<()> {
    let mut upsert = tx.prepare_cached(
        "INSERT INTO records (kind, id, value) VALUES (?1, ?2, ?3) \
         ON CONFLICT (kind, id) DO UPDATE SET value = excluded.value",
    )?;
    let mut delete = tx.prepare_cached("DELETE FROM records WHERE kind = ?1 AND id = ?2")?;
    for change in changes {
        match &change.value {
            Some(value) => upsert.execute(params![change.kind.as_str(), change.id, value])?,
            None => delete.execute(params![change.kind.as_str(), change.id])?,
        };
    }
    Ok(())
}

/// What a commit trimmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Trimmed {
    /// Journal entries up to this `seq` are gone.
    upto: i64,
    /// Journal rows deleted.
    journal: usize,
    /// Outbox rows deleted (only when the sweep ran).
    outbox: usize,
}

/// Sets the records' position to `seq` and deletes the journal entries they cover but the
/// newest [`JOURNAL_KEPT`]; once the horizon passes another [`JOURNAL_KEPT`] entries since
/// `swept` (or when `sweep`), also the outbox rows of finished deliveries only trimmed entries
/// refer to.
fn trim(tx: &Transaction<'_>, seq: i64, swept: &mut i64, sweep: bool) -> rusqlite::Result<Trimmed> {
    tx.prepare_cached(
        "INSERT INTO meta (key, value) VALUES ('records_seq', ?1) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute([seq.to_string()])?;
    let upto = (seq - JOURNAL_KEPT).max(0);
    let journal = tx
        .prepare_cached("DELETE FROM journal WHERE seq <= ?1")?
        .execute([upto])?;
    let outbox = if upto > 0 && (sweep || upto - *swept >= JOURNAL_KEPT) {
        *swept = upto;
        tx.execute(
            "DELETE FROM outbox WHERE journal_seq <= ?1 \
             AND (result_seq IS NULL OR result_seq <= ?1) \
             AND NOT EXISTS (SELECT 1 FROM records WHERE kind IN ('outbox', 'dead_letter') \
                             AND id = outbox.delivery_id)",
            [upto],
        )?
    } else {
        0
    };
    Ok(Trimmed {
        upto,
        journal,
        outbox,
    })
}

fn log_trimmed(trimmed: Trimmed) {
    if trimmed.journal > 0 || trimmed.outbox > 0 {
        tracing::debug!(
            upto = trimmed.upto,
            journal = trimmed.journal,
            outbox = trimmed.outbox,
            "journal trimmed"
        );
    }
}

impl Store for SqliteStore {
    fn load(&mut self) -> Result<Loaded, StoreError> {
        if self.snapshots {
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
            return Ok(Loaded {
                records: Vec::new(),
                records_seq: 0,
                tail: self.journal_after(after)?,
                snapshot,
                from_snapshots: true,
            });
        }
        let records_seq = records_seq(&self.conn).map_err(|e| self.err(e))?;
        let rows: Vec<(String, String, String)> = {
            let mut stmt = self
                .conn
                .prepare("SELECT kind, id, value FROM records ORDER BY kind, id")
                .map_err(|e| self.err(e))?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                .map_err(|e| self.err(e))?;
            rows
        };
        let mut records: Vec<Record> = Vec::with_capacity(rows.len());
        for (kind, id, value) in rows {
            let Some(kind) = RecordKind::from_name(&kind) else {
                return Err(self.corrupt(format!("a record of unknown kind {kind:?} (id {id:?})")));
            };
            records.push((kind, id, value));
        }
        Ok(Loaded {
            records,
            records_seq,
            snapshot: None,
            tail: self.journal_after(records_seq)?,
            from_snapshots: false,
        })
    }

    fn commit(&mut self, batch: &Batch) -> Result<i64, StoreError> {
        let path = self.path.display().to_string();
        let db = |e: rusqlite::Error| StoreError::Database {
            path: path.clone(),
            message: e.to_string(),
        };
        let tx = self.conn.transaction().map_err(db)?;
        // After trimming the journal may be empty: number on from the records' position too.
        let mut seq: i64 = tx
            .prepare_cached("SELECT COALESCE(MAX(seq), 0) FROM journal")
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .map_err(db)?;
        seq = seq.max(records_seq(&tx).map_err(db)?);
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
        let trimmed = match &batch.changes {
            Some(changes) => {
                write_changes(&tx, changes).map_err(db)?;
                Some(trim(&tx, seq, &mut self.swept, false).map_err(db)?)
            }
            None => None,
        };
        tx.commit().map_err(db)?;
        if let Some(t) = trimmed {
            log_trimmed(t);
        }
        Ok(seq)
    }

    fn migrate(&mut self, seq: i64, records: &[Change]) -> Result<(), StoreError> {
        let path = self.path.display().to_string();
        let db = |e: rusqlite::Error| StoreError::Database {
            path: path.clone(),
            message: e.to_string(),
        };
        let tx = self.conn.transaction().map_err(db)?;
        tx.execute("DELETE FROM records", []).map_err(db)?;
        write_changes(&tx, records).map_err(db)?;
        let trimmed = trim(&tx, seq, &mut self.swept, true).map_err(db)?;
        tx.execute_batch("DROP TABLE IF EXISTS snapshots")
            .map_err(db)?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('schema', ?1) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [SCHEMA],
        )
        .map_err(db)?;
        tx.commit().map_err(db)?;
        self.snapshots = false;
        log_trimmed(trimmed);
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

    fn entry(n: i64) -> NewEntry {
        hand_out(n, &format!("d{n}"), 1)
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

    fn put(kind: RecordKind, id: &str, value: &str) -> Change {
        Change {
            kind,
            id: id.into(),
            value: Some(value.into()),
        }
    }

    fn gone(kind: RecordKind, id: &str) -> Change {
        Change {
            kind,
            id: id.into(),
            value: None,
        }
    }

    fn count(store: &SqliteStore, sql: &str) -> i64 {
        store.conn.query_row(sql, [], |r| r.get(0)).expect("count")
    }

    #[test]
    fn commits_write_changed_records_and_survive_reopening() {
        let path = temp("reopen");
        let mut store = SqliteStore::open(&path).expect("open");
        assert_eq!(store.load().expect("load"), Loaded::default());
        let batch = Batch {
            entries: vec![entry(1), entry(2)],
            changes: Some(vec![
                put(RecordKind::Engine, "engine", "{\"seq\":2}"),
                put(RecordKind::Conversation, "c1", "{\"id\":\"c1\"}"),
                put(RecordKind::Conversation, "c2", "{\"id\":\"c2\"}"),
            ]),
        };
        assert_eq!(store.commit(&batch).expect("commit"), 2);
        let batch = Batch {
            entries: vec![result(3, "d1", Some(200))],
            changes: Some(vec![
                put(RecordKind::Conversation, "c1", "{\"id\":\"c1\",\"n\":3}"),
                gone(RecordKind::Conversation, "c2"),
            ]),
        };
        assert_eq!(store.commit(&batch).expect("commit"), 3);
        // A batch whose changes could not be listed: journal only, replayed at start.
        let batch = Batch {
            entries: vec![entry(4)],
            changes: None,
        };
        assert_eq!(store.commit(&batch).expect("commit"), 4);
        drop(store);
        let mut store = SqliteStore::open(&path).expect("reopen");
        let loaded = store.load().expect("load");
        assert_eq!(
            loaded.records,
            vec![
                (
                    RecordKind::Conversation,
                    "c1".to_string(),
                    "{\"id\":\"c1\",\"n\":3}".to_string()
                ),
                (
                    RecordKind::Engine,
                    "engine".to_string(),
                    "{\"seq\":2}".to_string()
                ),
            ]
        );
        assert_eq!(loaded.records_seq, 3);
        assert_eq!(loaded.snapshot, None);
        assert_eq!(
            loaded.tail.iter().map(|e| e.seq).collect::<Vec<_>>(),
            vec![4]
        );
        // The next change set covers entry 4 too; a batch of changes alone moves the position.
        let seq = store
            .commit(&Batch {
                entries: Vec::new(),
                changes: Some(vec![put(RecordKind::Engine, "engine", "{\"seq\":4}")]),
            })
            .expect("commit");
        assert_eq!(seq, 4);
        assert!(store.load().expect("load").tail.is_empty());
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

    #[test]
    fn the_journal_keeps_a_window_of_covered_entries_and_the_numbering_goes_on() {
        let path = temp("trim");
        let mut store = SqliteStore::open(&path).expect("open");
        let mut last = 0;
        for round in 0..30 {
            let entries: Vec<NewEntry> = (last + 1..=last + 100).map(entry).collect();
            last = store
                .commit(&Batch {
                    entries,
                    changes: Some(vec![put(
                        RecordKind::Engine,
                        "engine",
                        &format!("{{\"round\":{round}}}"),
                    )]),
                })
                .expect("commit");
            assert!(
                store.journal_len().expect("len") <= JOURNAL_KEPT,
                "round {round}"
            );
        }
        assert_eq!(last, 3000);
        assert_eq!(store.journal_len().expect("len"), JOURNAL_KEPT);
        assert_eq!(
            count(&store, "SELECT MIN(seq) FROM journal"),
            3000 - JOURNAL_KEPT + 1
        );
        // Finished deliveries (no outbox record holds them) lost their rows with the sweep.
        assert!(count(&store, "SELECT COUNT(*) FROM outbox") < 3000);
        assert_eq!(count(&store, "SELECT COUNT(*) FROM records"), 1);
        drop(store);
        let mut store = SqliteStore::open(&path).expect("reopen");
        assert!(store.load().expect("load").tail.is_empty());
        assert_eq!(
            store
                .commit(&Batch {
                    entries: vec![entry(3001)],
                    changes: None
                })
                .expect("commit"),
            3001
        );
    }

    #[test]
    fn trimming_keeps_every_outbox_row_of_a_delivery_in_flight_waiting_or_dead_lettered() {
        let path = temp("trim-outbox");
        let mut store = SqliteStore::open(&path).expect("open");
        // d1 delivered, d2 waits for a retry, d3 is a dead letter; each handed out early on.
        store
            .commit(&Batch {
                entries: vec![
                    hand_out(1, "d1", 1),
                    hand_out(2, "d2", 1),
                    hand_out(3, "d3", 1),
                    result(4, "d1", Some(200)),
                    result(5, "d2", Some(500)),
                    result(6, "d3", Some(410)),
                ],
                changes: Some(vec![
                    put(RecordKind::Outbox, "d2", "{}"),
                    put(RecordKind::DeadLetter, "d3", "{}"),
                ]),
            })
            .expect("commit");
        // Far more inputs than the window: entries 1-6 are trimmed, and the sweep runs.
        let entries: Vec<NewEntry> = (7..=7 + 2 * JOURNAL_KEPT)
            .map(|n| NewEntry {
                now_ms: n,
                input: "{\"type\":\"tick\"}".into(),
                deliveries: Vec::new(),
                result: None,
            })
            .collect();
        store
            .commit(&Batch {
                entries,
                changes: Some(Vec::new()),
            })
            .expect("commit");
        assert_eq!(
            count(&store, "SELECT COUNT(*) FROM journal WHERE seq <= 6"),
            0
        );
        let kept: Vec<String> = {
            let mut stmt = store
                .conn
                .prepare("SELECT delivery_id FROM outbox ORDER BY delivery_id")
                .expect("prepare");
            let rows = stmt
                .query_map([], |r| r.get(0))
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                .expect("rows");
            rows
        };
        assert_eq!(kept, ["d2", "d3"]);
    }

    /// The tables and rows of a database written by the build before records (schema 1), with
    /// the SQL that build ran.
    pub(crate) fn write_schema_1(
        path: &Path,
        snapshot: Option<(i64, &str)>,
        journal: &[(i64, &str)],
    ) {
        let conn = Connection::open(path).expect("open");
        conn.execute_batch(
            "PRAGMA journal_mode=WAL;
             CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE journal (seq INTEGER PRIMARY KEY, now_ms INTEGER NOT NULL,
                                   input TEXT NOT NULL, recorded_at INTEGER NOT NULL);
             CREATE TABLE snapshots (seq INTEGER PRIMARY KEY, state TEXT NOT NULL,
                                     taken_at INTEGER NOT NULL);
             CREATE TABLE outbox (id INTEGER PRIMARY KEY, journal_seq INTEGER NOT NULL,
                                  delivery_id TEXT NOT NULL, attempt INTEGER NOT NULL,
                                  output TEXT NOT NULL, status INTEGER, error TEXT,
                                  result_seq INTEGER);
             CREATE INDEX outbox_delivery ON outbox (delivery_id, attempt);
             INSERT INTO meta (key, value) VALUES ('schema', '1');",
        )
        .expect("schema 1");
        if let Some((seq, state)) = snapshot {
            conn.execute(
                "INSERT INTO snapshots (seq, state, taken_at) VALUES (?1, ?2, 0)",
                params![seq, state],
            )
            .expect("snapshot");
        }
        for (seq, input) in journal {
            conn.execute(
                "INSERT INTO journal (seq, now_ms, input, recorded_at) VALUES (?1, ?1, ?2, 0)",
                params![seq, input],
            )
            .expect("journal");
        }
    }

    #[test]
    fn an_old_database_loads_its_snapshot_and_migrates_to_records() {
        let path = temp("migrate");
        write_schema_1(
            &path,
            Some((2, "{\"old\":true}")),
            &[(1, "{}"), (2, "{}"), (3, "{\"n\":3}")],
        );
        let mut store = SqliteStore::open(&path).expect("open");
        let loaded = store.load().expect("load");
        assert_eq!(
            loaded.snapshot,
            Some(Snapshot {
                seq: 2,
                state: "{\"old\":true}".into()
            })
        );
        assert_eq!(loaded.tail.len(), 1);
        assert!(loaded.records.is_empty());
        store
            .migrate(3, &[put(RecordKind::Engine, "engine", "{\"seq\":3}")])
            .expect("migrate");
        assert_eq!(
            count(
                &store,
                "SELECT COUNT(*) FROM sqlite_master WHERE name = 'snapshots'"
            ),
            0
        );
        drop(store);
        let mut store = SqliteStore::open(&path).expect("reopen");
        let loaded = store.load().expect("load");
        assert_eq!((loaded.records.len(), loaded.records_seq), (1, 3));
        assert!(loaded.tail.is_empty() && loaded.snapshot.is_none());
        assert_eq!(
            store
                .conn
                .query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
                    r.get::<_, String>(0)
                })
                .expect("schema"),
            SCHEMA
        );
        assert_eq!(
            store
                .commit(&Batch {
                    entries: vec![entry(4)],
                    changes: Some(Vec::new())
                })
                .expect("commit"),
            4
        );
    }
}
