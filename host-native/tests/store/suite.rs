//! The cases every [`Store`] passes, whatever the database: each takes a [`Db`] (a fresh,
//! empty database and a way to look into it) and runs through the public `Store` trait only.

use handoff_core::wire::changes::{Change, RecordKind};
use handoff_native::serve::store::{
    Batch, Loaded, NewEntry, OutboxResult, OutboxRow, Store, JOURNAL_KEPT,
};

/// A fresh database of one kind, and what a test needs to see in it beyond the trait.
pub trait Db {
    /// A store on this database; opening it again is a restart (the previous store dropped
    /// first).
    fn open(&self) -> Box<dyn Store>;
    /// The journal's `seq`s, in order.
    fn journal_seqs(&self) -> Vec<i64>;
    /// Outbox rows as `(delivery_id, attempt, status)`, by delivery id then attempt.
    fn outbox(&self) -> Vec<(String, i64, Option<i64>)>;
}

/// Entry `n` hands out `attempt` of delivery `id`.
pub fn hand_out(n: i64, id: &str, attempt: i64) -> NewEntry {
    NewEntry {
        now_ms: n,
        input: format!("{{\"type\":\"tick\",\"n\":{n}}}"),
        deliveries: vec![OutboxRow {
            delivery_id: id.into(),
            attempt,
            output: format!("{{\"delivery_id\":\"{id}\",\"attempt\":{attempt}}}"),
        }],
        result: None,
    }
}

/// Entry `n`, handing out delivery `d{n}`.
pub fn entry(n: i64) -> NewEntry {
    hand_out(n, &format!("d{n}"), 1)
}

/// Entry `n` reports `status` for delivery `id` (and hands nothing out).
pub fn result(n: i64, id: &str, status: Option<i64>) -> NewEntry {
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

/// A record written.
pub fn put(kind: RecordKind, id: &str, value: &str) -> Change {
    Change {
        kind,
        id: id.into(),
        value: Some(value.into()),
    }
}

/// A record removed.
pub fn gone(kind: RecordKind, id: &str) -> Change {
    Change {
        kind,
        id: id.into(),
        value: None,
    }
}

fn record(kind: RecordKind, id: &str, value: &str) -> (RecordKind, String, String) {
    (kind, id.to_string(), value.to_string())
}

/// Records and journal entries come back as committed, after a restart too: a batch writes the
/// records it changed and removes the ones it removed; a batch without a change set leaves its
/// entries for replay; a change set alone moves the records' position.
pub fn commits_round_trip_records_and_journal(db: &dyn Db) {
    let mut store = db.open();
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
    let batch = Batch {
        entries: vec![entry(4)],
        changes: None,
    };
    assert_eq!(store.commit(&batch).expect("commit"), 4);
    drop(store);

    let mut store = db.open();
    let loaded = store.load().expect("load");
    assert_eq!(
        loaded.records,
        vec![
            record(RecordKind::Conversation, "c1", "{\"id\":\"c1\",\"n\":3}"),
            record(RecordKind::Engine, "engine", "{\"seq\":2}"),
        ]
    );
    assert_eq!(loaded.records_seq, 3);
    assert_eq!((loaded.snapshot, loaded.from_snapshots), (None, false));
    let tail: Vec<(i64, i64, String)> = loaded
        .tail
        .iter()
        .map(|e| (e.seq, e.now_ms, e.input.clone()))
        .collect();
    assert_eq!(
        tail,
        vec![(4, 4, "{\"type\":\"tick\",\"n\":4}".to_string())]
    );
    let seq = store
        .commit(&Batch {
            entries: Vec::new(),
            changes: Some(vec![put(RecordKind::Engine, "engine", "{\"seq\":4}")]),
        })
        .expect("commit");
    assert_eq!(seq, 4);
    assert!(store.load().expect("load").tail.is_empty());
    assert_eq!(db.journal_seqs(), vec![1, 2, 3, 4]);
    assert_eq!(
        db.outbox(),
        vec![
            ("d1".to_string(), 1, Some(200)),
            ("d2".to_string(), 1, None),
            ("d4".to_string(), 1, None),
        ]
    );
}

/// A result is written on the delivery's latest attempt without one, in the order the batch
/// handed attempts out and reported results, even within one batch.
pub fn results_land_on_the_attempt_they_answer(db: &dyn Db) {
    let mut store = db.open();
    store.load().expect("load");
    store
        .commit(&Batch {
            entries: vec![
                hand_out(1, "d1", 1),
                result(2, "d1", Some(500)),
                hand_out(3, "d1", 2),
                result(4, "d1", None),
                hand_out(5, "d1", 3),
            ],
            changes: Some(vec![put(RecordKind::Outbox, "d1", "{}")]),
        })
        .expect("commit");
    store
        .commit(&Batch {
            entries: vec![result(6, "d1", Some(200))],
            changes: Some(vec![gone(RecordKind::Outbox, "d1")]),
        })
        .expect("commit");
    assert_eq!(
        db.outbox(),
        vec![
            ("d1".to_string(), 1, Some(500)),
            ("d1".to_string(), 2, None),
            ("d1".to_string(), 3, Some(200)),
        ]
    );
}

/// The journal keeps a window of [`JOURNAL_KEPT`] covered entries, finished deliveries lose
/// their rows with the sweep, and numbering goes on after a restart.
pub fn the_journal_keeps_a_window_and_the_numbering_goes_on(db: &dyn Db) {
    let mut store = db.open();
    store.load().expect("load");
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
        let seqs = db.journal_seqs();
        assert!(seqs.len() as i64 <= JOURNAL_KEPT, "round {round}");
        assert_eq!(seqs.last(), Some(&last));
    }
    assert_eq!(last, 3000);
    let seqs = db.journal_seqs();
    assert_eq!(seqs.len() as i64, JOURNAL_KEPT);
    assert_eq!(seqs.first(), Some(&(3000 - JOURNAL_KEPT + 1)));
    let outbox = db.outbox().len();
    assert!(
        outbox < 3000,
        "finished deliveries were swept: {outbox} rows left"
    );
    drop(store);

    let mut store = db.open();
    let loaded = store.load().expect("load");
    assert!(loaded.tail.is_empty());
    assert_eq!(loaded.records_seq, 3000);
    assert_eq!(loaded.records.len(), 1);
    assert_eq!(
        store
            .commit(&Batch {
                entries: vec![entry(3001)],
                changes: None,
            })
            .expect("commit"),
        3001
    );
}

/// Trimming never deletes the outbox rows of a delivery still owed (in flight, waiting for a
/// retry, or a dead letter), however old.
pub fn trimming_keeps_the_rows_of_deliveries_still_owed(db: &dyn Db) {
    let mut store = db.open();
    store.load().expect("load");
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
    assert!(db.journal_seqs().iter().all(|&s| s > 6));
    assert_eq!(
        db.outbox(),
        vec![
            ("d2".to_string(), 1, Some(500)),
            ("d3".to_string(), 1, Some(410)),
        ]
    );
}

/// `migrate` makes the given records the whole record table at the given position, trims, and
/// the store goes on from there.
pub fn migrate_writes_the_whole_record_table(db: &dyn Db) {
    let mut store = db.open();
    store.load().expect("load");
    store
        .commit(&Batch {
            entries: (1..=3).map(entry).collect(),
            changes: Some(vec![
                put(RecordKind::Conversation, "old", "{}"),
                put(RecordKind::Engine, "engine", "{\"v\":1}"),
            ]),
        })
        .expect("commit");
    store
        .migrate(
            3,
            &[
                put(RecordKind::Engine, "engine", "{\"v\":2}"),
                put(RecordKind::Agent, "a1", "{\"id\":\"a1\"}"),
            ],
        )
        .expect("migrate");
    drop(store);
    let mut store = db.open();
    let loaded = store.load().expect("load");
    assert_eq!(
        loaded.records,
        vec![
            record(RecordKind::Agent, "a1", "{\"id\":\"a1\"}"),
            record(RecordKind::Engine, "engine", "{\"v\":2}"),
        ]
    );
    assert_eq!((loaded.records_seq, loaded.tail.len()), (3, 0));
    assert_eq!(
        store
            .commit(&Batch {
                entries: vec![entry(4)],
                changes: Some(Vec::new()),
            })
            .expect("commit"),
        4
    );
}

/// Runs every case of the suite as its own `#[test]`, each on a fresh database from `$db`.
#[macro_export]
macro_rules! store_suite {
    ($db:expr) => {
        #[test]
        fn commits_round_trip_records_and_journal() {
            $crate::suite::commits_round_trip_records_and_journal(&$db);
        }
        #[test]
        fn results_land_on_the_attempt_they_answer() {
            $crate::suite::results_land_on_the_attempt_they_answer(&$db);
        }
        #[test]
        fn the_journal_keeps_a_window_and_the_numbering_goes_on() {
            $crate::suite::the_journal_keeps_a_window_and_the_numbering_goes_on(&$db);
        }
        #[test]
        fn trimming_keeps_the_rows_of_deliveries_still_owed() {
            $crate::suite::trimming_keeps_the_rows_of_deliveries_still_owed(&$db);
        }
        #[test]
        fn migrate_writes_the_whole_record_table() {
            $crate::suite::migrate_writes_the_whole_record_table(&$db);
        }
    };
}
