//! The store suite on [`PostgresStore`] against a real server each test starts
//! ([`PgServer`]), then the shared store's own rules: versioned migrations, tenants apart,
//! the lease and its fencing epoch.

use std::cell::RefCell;
use std::time::Duration;

use handoff_core::wire::changes::RecordKind;
use handoff_native::serve::postgres::lease::Lease;
use handoff_native::serve::postgres::{PostgresStore, DEFAULT_TENANT};
use handoff_native::serve::store::{Batch, Store, StoreError};

use crate::suite::{entry, put, Db};
use crate::support_postgres::PgServer;

/// A fresh database on a server of this test's own, and a connection to look into it.
pub struct PgDb {
    client: RefCell<postgres::Client>,
    server: PgServer,
}

/// A lease under `owner` (the default times).
fn lease(owner: &str) -> Lease {
    Lease {
        owner: Some(owner.to_string()),
        ..Lease::default()
    }
}

impl PgDb {
    /// A new server with an empty database.
    pub fn new() -> PgDb {
        let server = PgServer::start();
        PgDb {
            client: RefCell::new(server.connect()),
            server,
        }
    }

    /// A store of `tenant` under `owner`.
    fn store(&self, tenant: &str, owner: &str) -> PostgresStore {
        PostgresStore::open(&self.server.url(), tenant, &lease(owner)).expect("open")
    }

    fn rows<T>(&self, sql: &str, row: impl Fn(&postgres::Row) -> T) -> Vec<T> {
        self.client
            .borrow_mut()
            .query(sql, &[])
            .expect("query")
            .iter()
            .map(row)
            .collect()
    }

    fn execute(&self, sql: &str) -> u64 {
        self.client.borrow_mut().execute(sql, &[]).expect("execute")
    }

    /// Ends `tenant`'s lease now, as if its holder had stopped renewing it long ago.
    fn expire(&self, tenant: &str) {
        let n = self.execute(&format!(
            "UPDATE engine_leases SET expires_at = now() - interval '1 second' \
             WHERE tenant = '{tenant}'"
        ));
        assert_eq!(n, 1, "a lease to expire");
    }

    /// `(owner, epoch, still valid)` of `tenant`'s lease.
    fn lease_row(&self, tenant: &str) -> (String, i64, bool) {
        self.rows(
            &format!(
                "SELECT owner, epoch, expires_at > now() FROM engine_leases \
                 WHERE tenant = '{tenant}'"
            ),
            |r| (r.get(0), r.get(1), r.get(2)),
        )
        .pop()
        .expect("a lease row")
    }
}

impl Db for PgDb {
    fn open(&self) -> Box<dyn Store> {
        let store = self.store(DEFAULT_TENANT, "suite");
        assert_eq!(store.renew_every(), Some(Lease::RENEW_EVERY));
        Box::new(store)
    }

    fn journal_seqs(&self) -> Vec<i64> {
        self.rows(
            "SELECT seq FROM journal WHERE tenant = 'default' ORDER BY seq",
            |r| r.get(0),
        )
    }

    fn outbox(&self) -> Vec<(String, i64, Option<i64>)> {
        self.rows(
            "SELECT delivery_id, attempt, status FROM outbox WHERE tenant = 'default' \
             ORDER BY delivery_id, attempt",
            |r| (r.get(0), r.get(1), r.get(2)),
        )
    }
}

crate::store_suite!(PgDb::new());

#[test]
fn the_schema_is_versioned_migrated_once_and_a_newer_one_is_refused() {
    let db = PgDb::new();
    let first = db.store(DEFAULT_TENANT, "a");
    assert_eq!(first.applied_migrations(), &[1]);
    drop(first);
    let again = db.store(DEFAULT_TENANT, "a");
    assert!(again.applied_migrations().is_empty(), "migrated once");
    drop(again);
    let versions = db.rows("SELECT version, name FROM schema_migrations", |r| {
        (r.get::<_, i32>(0), r.get::<_, String>(1))
    });
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].0, 1);
    // Every table of the store is keyed by tenant first.
    let keys = db.rows(
        "SELECT c.relname::text, a.attname::text FROM pg_index i \
         JOIN pg_class c ON c.oid = i.indrelid \
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0] \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE i.indisprimary AND n.nspname = 'public' ORDER BY 1",
        |r| (r.get::<_, String>(0), r.get::<_, String>(1)),
    );
    let tables: Vec<&str> = keys.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        tables,
        [
            "engine_leases",
            "engines",
            "journal",
            "outbox",
            "records",
            "schema_migrations"
        ]
    );
    for (table, first_key) in &keys {
        if table != "schema_migrations" {
            assert_eq!(first_key, "tenant", "{table}");
        }
    }
    // A database a newer build migrated is refused, naming the versions.
    db.execute("INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')");
    let refused =
        PostgresStore::open(&db.server.url(), DEFAULT_TENANT, &lease("a")).expect_err("refused");
    let message = refused.to_string();
    assert!(matches!(refused, StoreError::Corrupt { .. }), "{message}");
    assert!(
        message.contains("schema version 99") && message.contains("up to 1"),
        "{message}"
    );
}

#[test]
fn tenants_in_one_database_keep_their_own_records_journal_and_lease() {
    let db = PgDb::new();
    let mut a = db.store("brand_a", "p1");
    let mut b = db.store("brand_b", "p2");
    a.load().expect("a");
    b.load().expect("b");
    let commit = |store: &mut PostgresStore, n: i64, id: &str| {
        store
            .commit(&Batch {
                entries: vec![entry(n)],
                changes: Some(vec![put(RecordKind::Conversation, id, "{}")]),
            })
            .expect("commit")
    };
    assert_eq!(commit(&mut a, 1, "ca"), 1);
    assert_eq!(
        commit(&mut b, 1, "cb"),
        1,
        "each tenant's journal starts at 1"
    );
    assert_eq!(commit(&mut a, 2, "ca2"), 2);
    drop((a, b));
    let mut a = db.store("brand_a", "p1");
    let ids: Vec<String> = a
        .load()
        .expect("a")
        .records
        .into_iter()
        .map(|(_, id, _)| id)
        .collect();
    assert_eq!(ids, ["ca", "ca2"]);
    assert_eq!(db.lease_row("brand_a").0, "p1");
    assert_eq!(db.lease_row("brand_b").0, "p2");
}

#[test]
fn a_second_owner_waits_for_the_lease_and_then_fences_the_first() {
    let db = PgDb::new();
    let mut first = db.store(DEFAULT_TENANT, "process-a");
    first.load().expect("the first takes the lease");
    assert_eq!(first.epoch(), Some(1));
    assert_eq!(
        first
            .commit(&Batch {
                entries: vec![entry(1), entry(2)],
                changes: Some(vec![put(RecordKind::Engine, "engine", "{\"by\":\"a\"}")]),
            })
            .expect("commit"),
        2
    );

    // A second process is refused while the lease runs, told who holds it and until when.
    let mut second = db.store(DEFAULT_TENANT, "process-b");
    let refused = second.load().expect_err("the lease is held");
    match &refused {
        StoreError::Leased {
            tenant,
            owner,
            until,
            remaining_ms,
        } => {
            assert_eq!((tenant.as_str(), owner.as_str()), ("default", "process-a"));
            assert!(until.ends_with('Z') && until.contains('T'), "{until}");
            assert!(*remaining_ms > 0, "{remaining_ms}");
        }
        other => panic!("{other}"),
    }
    let message = refused.to_string();
    assert!(
        message.contains("\"process-a\"") && message.contains("until"),
        "{message}"
    );

    // The first stops renewing (paused, cut off): once its lease ended the second takes over,
    // with the first's records, and the epoch moves on.
    db.expire(DEFAULT_TENANT);
    let loaded = second.load().expect("the expired lease is taken");
    assert_eq!(loaded.records_seq, 2);
    assert_eq!(second.epoch(), Some(2));

    // The first comes back: its commit is fenced and writes nothing, and so is its renewal.
    let fenced = first
        .commit(&Batch {
            entries: vec![entry(3)],
            changes: Some(vec![put(
                RecordKind::Engine,
                "engine",
                "{\"by\":\"a again\"}",
            )]),
        })
        .expect_err("fenced");
    match &fenced {
        StoreError::Fenced {
            tenant,
            owner,
            epoch,
        } => assert_eq!(
            (tenant.as_str(), owner.as_str(), *epoch),
            ("default", "process-b", 2)
        ),
        other => panic!("{other}"),
    }
    assert!(fenced
        .to_string()
        .contains("nothing of this request was stored"));
    assert!(matches!(first.renew(), Err(StoreError::Fenced { .. })));
    assert_eq!(db.journal_seqs(), vec![1, 2], "nothing of the fenced batch");

    // The second numbers on after the first's last entry.
    assert_eq!(
        second
            .commit(&Batch {
                entries: vec![entry(3)],
                changes: Some(vec![put(RecordKind::Engine, "engine", "{\"by\":\"b\"}")]),
            })
            .expect("commit"),
        3
    );
    second.renew().expect("renewed");
    // The fenced first cannot take the lease back while the second's runs.
    assert!(matches!(first.load(), Err(StoreError::Leased { .. })));
    // Dropping the fenced store releases nothing of the second's.
    drop(first);
    assert_eq!(db.lease_row(DEFAULT_TENANT), ("process-b".into(), 2, true));
}

#[test]
fn renewal_keeps_the_lease_a_restart_under_the_same_name_takes_it_and_a_clean_stop_frees_it() {
    let db = PgDb::new();
    let mut store = db.store(DEFAULT_TENANT, "pod-0");
    store.load().expect("load");
    // Past its end, nobody took it: a renewal makes it valid again under the same epoch.
    db.expire(DEFAULT_TENANT);
    assert!(!db.lease_row(DEFAULT_TENANT).2);
    store.renew().expect("renew");
    assert_eq!(db.lease_row(DEFAULT_TENANT), ("pod-0".into(), 1, true));

    // The same name again (the process restarted after SIGKILL, before its lease ended): taken
    // at once, and the old handle, were it still running, is fenced.
    let mut restarted = db.store(DEFAULT_TENANT, "pod-0");
    restarted
        .load()
        .expect("the same owner takes its lease at once");
    assert_eq!(restarted.epoch(), Some(2));
    assert!(matches!(
        store.commit(&Batch {
            entries: vec![entry(1)],
            changes: None
        }),
        Err(StoreError::Fenced { .. })
    ));
    drop(store);

    // A clean stop ends the lease: another process need not wait.
    drop(restarted);
    assert!(!db.lease_row(DEFAULT_TENANT).2, "released");
    let mut next = db.store(DEFAULT_TENANT, "pod-1");
    next.load().expect("taken at once after a clean stop");
    assert_eq!(next.epoch(), Some(3));
}

#[test]
fn a_lease_must_renew_more_often_than_it_lasts() {
    let bad = Lease {
        ttl: Duration::from_secs(5),
        renew_every: Duration::from_secs(5),
        owner: None,
    };
    let problem = bad.check().expect_err("refused");
    assert!(problem.contains("--lease-renew-ms"), "{problem}");
    assert!(Lease::default().check().is_ok());
    let owner = Lease::default().owner_name();
    assert!(
        owner.contains(&format!("/{}/", std::process::id())),
        "{owner}"
    );
    assert_ne!(owner, Lease::default().owner_name(), "unique to each store");
}
