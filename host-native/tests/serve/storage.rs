//! Storage over time: the journal is pruned as snapshots are written (it holds only the entries
//! after the older kept snapshot, and the outbox rows of deliveries still owed are kept), and a
//! service killed with SIGKILL after pruning starts again from what is left, in the same state,
//! without compiling the module again (the compiled-module cache).

use std::collections::BTreeSet;
use std::path::Path;

use futures_util::future::join_all;
use serde_json::{json, Value};

use crate::support::{config_with_webhook, Receiver, Reply, Service, Setup, ADMIN, WIDGET};

/// Conversations the inputs are spread over.
const CONVERSATIONS: usize = 40;

/// What the database holds, read in one transaction.
#[derive(Debug)]
struct Stored {
    journal_rows: i64,
    journal_min: Option<i64>,
    journal_max: Option<i64>,
    /// Snapshot seqs, oldest first.
    snapshots: Vec<i64>,
    /// The newest snapshot's state.
    newest_state: Option<Value>,
    /// Delivery ids with at least one outbox row.
    outbox_ids: BTreeSet<String>,
}

fn stored(db: &Path) -> Stored {
    let mut conn = rusqlite::Connection::open(db).expect("open the database");
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .expect("busy timeout");
    let tx = conn.transaction().expect("a read transaction");
    let (journal_rows, journal_min, journal_max) = tx
        .query_row(
            "SELECT COUNT(*), MIN(seq), MAX(seq) FROM journal",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("journal");
    let snapshots: Vec<(i64, String)> = tx
        .prepare("SELECT seq, state FROM snapshots ORDER BY seq")
        .and_then(|mut st| st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .expect("snapshots");
    let outbox_ids: BTreeSet<String> = tx
        .prepare("SELECT DISTINCT delivery_id FROM outbox")
        .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect())
        .expect("outbox");
    Stored {
        journal_rows,
        journal_min,
        journal_max,
        newest_state: snapshots
            .last()
            .map(|(_, s)| serde_json::from_str(s).expect("a snapshot is JSON")),
        snapshots: snapshots.into_iter().map(|(seq, _)| seq).collect(),
        outbox_ids,
    }
}

impl Stored {
    /// The pruning contract (`handoff_native::serve::store`), checked on what is stored.
    fn check(&self) {
        assert!(
            self.snapshots.len() <= 2,
            "snapshots kept: {:?}",
            self.snapshots
        );
        if let (Some(&oldest), Some(min), Some(max)) =
            (self.snapshots.first(), self.journal_min, self.journal_max)
        {
            assert!(min > oldest, "journal entry {min} is in snapshot {oldest}");
            assert_eq!(
                self.journal_rows,
                max - oldest,
                "the journal holds exactly the entries after snapshot {oldest}"
            );
        }
        // Every delivery the newest snapshot still owes (in flight, waiting, dead) kept its rows.
        if let Some(state) = &self.newest_state {
            for key in ["outbox", "dead_letters"] {
                for id in state[key].as_object().expect(key).keys() {
                    assert!(
                        self.outbox_ids.contains(id),
                        "{key} {id} lost its outbox rows"
                    );
                }
            }
        }
    }
}

/// Everything a client can read of the engine's state.
async fn view(service: &Service) -> Vec<Value> {
    let mut all = Vec::new();
    for path in ["/v1/queue", "/v1/agents", "/v1/dead-letters"] {
        let a = service.get(path, ADMIN).await;
        assert_eq!(a.status, 200, "{path}: {}", a.text);
        all.push(a.json);
    }
    for i in 0..CONVERSATIONS {
        let a = service.get(&format!("/v1/conversations/c{i}"), ADMIN).await;
        assert_eq!(a.status, 200, "c{i}: {}", a.text);
        all.push(a.json);
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journal_is_pruned_by_snapshots_and_a_killed_service_restarts_from_what_is_left() {
    // handoff_requested deliveries keep failing: they wait for retries the whole test, and
    // their outbox rows must survive every pruning.
    let receiver = Receiver::start(|event, _| match event {
        "conversation.handoff_requested" => Reply::Status(500),
        _ => Reply::Ok,
    })
    .await;
    let setup = Setup::new("storage", &config_with_webhook(&receiver.url));
    let cache = setup.dir.join("module-cache");
    let setup = setup
        .arg("--cache-dir")
        .arg(cache.to_str().expect("a UTF-8 temp path"));
    let db = setup.db();
    let service = setup.start();
    assert!(
        service.log_text().contains("origin=Compiled"),
        "{}",
        service.log_text()
    );
    let put = service
        .put(
            "/v1/agents/agent_a",
            ADMIN,
            json!({"name": "Alex", "status": "away"}),
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.text);

    // Customer messages, 50 at a time (so they share group commits), until three snapshots
    // have been written (one every 1000 entries or more); the store is checked after each round.
    let mut sent = 0usize;
    let mut newest_seen = BTreeSet::new();
    while newest_seen.len() < 3 {
        assert!(
            sent < 40_000,
            "no third snapshot after {sent} inputs: {:?}",
            stored(&db)
        );
        let round = (sent..sent + 50).map(|n| {
            let service = &service;
            async move {
                let text = if n % 25 == 0 {
                    "I want to talk to a human".to_string()
                } else {
                    format!("Where is my order ORD-{n}?")
                };
                let path = format!("/v1/conversations/c{}/messages", n % CONVERSATIONS);
                service.post(&path, WIDGET, json!({"text": text})).await
            }
        });
        for answer in join_all(round).await {
            assert_eq!(answer.status, 200, "{}", answer.text);
        }
        sent += 50;
        let now = stored(&db);
        now.check();
        if let Some(&newest) = now.snapshots.last() {
            newest_seen.insert(newest);
        }
    }
    let pruned = stored(&db);
    assert_eq!(pruned.snapshots.len(), 2, "{pruned:?}");
    let oldest = pruned.snapshots[0];
    assert!(
        pruned.journal_min.is_none_or(|min| min > oldest) && oldest > 0,
        "{pruned:?}"
    );
    let owed = pruned.newest_state.as_ref().expect("a snapshot")["outbox"]
        .as_object()
        .map_or(0, |o| o.len());
    assert!(
        owed > 0,
        "failing deliveries wait for retries in the snapshot"
    );

    let before = view(&service).await;
    service.kill();

    // What the restart has to work with: the newest snapshot and the entries after it.
    let left = stored(&db);
    left.check();
    let newest = *left.snapshots.last().expect("a snapshot");
    let max = left.journal_max.unwrap_or(newest);
    let service = setup.start();
    assert!(
        service.banner.contains(&format!(
            "snapshot at journal {newest}, {} entries replayed",
            max - newest
        )),
        "{}\n{left:?}",
        service.banner
    );
    assert!(
        service.log_text().contains("origin=Cache"),
        "the second start loads the compiled module: {}",
        service.log_text()
    );
    assert_eq!(
        view(&service).await,
        before,
        "the same state after the restart"
    );

    // It goes on: a new input is numbered after everything before it, and handled as usual.
    let outputs = service
        .ok(
            "/v1/conversations/c1/messages",
            WIDGET,
            json!({"text": "Still there?"}),
        )
        .await;
    assert!(outputs.iter().all(|o| o.get("type").is_some()));
    let c1 = service.get("/v1/conversations/c1", ADMIN).await;
    let history = c1.json["history"].as_array().expect("history");
    assert!(
        history.iter().any(|h| h["text"] == "Still there?"),
        "{}",
        c1.text
    );
    let after = stored(&db);
    after.check();
    assert!(after.journal_max.is_some_and(|m| m > max), "{after:?}");
    let status = service.terminate();
    assert!(status.success(), "exit status {status:?}");
    stored(&db).check();
}
