//! `handoff serve --store postgres://…` against a real PostgreSQL server the test starts
//! (`../support/postgres.rs`): a service killed with SIGKILL in the middle of a load starts
//! again from the database with every accepted input; a second process is refused while the
//! first holds the lease, and once it takes the lease over the first answers 503 and stores
//! nothing.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use serde_json::json;

use crate::support::{
    config_with_webhook, Receiver, Reply, Service, Setup, ADMIN, PATIENCE, WIDGET,
};
use crate::support_postgres::PgServer;

/// Conversations the inputs are spread over.
const CONVERSATIONS: usize = 20;

/// Runs `sql` on the test server (a blocking client, off the async workers), returning the
/// first column of each row as text.
async fn sql(url: String, sql: &'static str) -> Vec<String> {
    tokio::task::spawn_blocking(move || {
        let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
        client
            .query(sql, &[])
            .expect("query")
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect()
    })
    .await
    .expect("join")
}

/// Every text in conversation `id`'s history (none when it does not exist).
async fn texts(service: &Service, id: &str) -> BTreeSet<String> {
    let a = service.get(&format!("/v1/conversations/{id}"), ADMIN).await;
    assert!(matches!(a.status, 200 | 404), "{id}: {}", a.text);
    a.json["history"]
        .as_array()
        .map(|h| {
            h.iter()
                .filter_map(|x| x["text"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_on_postgres_killed_in_the_middle_of_a_load_loses_no_accepted_input() {
    let pg = tokio::task::block_in_place(PgServer::start);
    let receiver = Receiver::start(|_, _| Reply::Ok).await;
    let setup = Setup::new("pg-kill", &config_with_webhook(&receiver.url))
        .store(&pg.url())
        .arg("--lease-owner")
        .arg("pod-0");
    let service = setup.start();
    assert!(
        service.banner.contains(&format!(
            "store    PostgreSQL handoff@127.0.0.1:{}/handoff (tenant default, owner pod-0)",
            pg.port
        )),
        "{}",
        service.banner
    );
    let client = reqwest::Client::new();
    let accepted: Arc<Mutex<Vec<(usize, String)>>> = Arc::default();
    let mut clients = Vec::new();
    for c in 0..8 {
        let (client, base, accepted) = (client.clone(), service.base.clone(), accepted.clone());
        clients.push(tokio::spawn(async move {
            for k in 0..150 {
                let n = c * 150 + k;
                let text = format!("message {n}");
                let sent = client
                    .post(format!(
                        "{base}/v1/conversations/p{}/messages",
                        n % CONVERSATIONS
                    ))
                    .bearer_auth(WIDGET)
                    .header("content-type", "application/json")
                    .body(json!({"text": text}).to_string())
                    .send()
                    .await;
                let Ok(r) = sent else {
                    return; // the service is gone
                };
                if r.status() == 200 && r.bytes().await.is_ok() {
                    accepted.lock().expect("lock").push((n, text));
                }
            }
        }));
    }
    let deadline = std::time::Instant::now() + PATIENCE;
    while accepted.lock().expect("lock").len() < 200 {
        assert!(
            std::time::Instant::now() < deadline,
            "the load did not start\n{}",
            service.log_text()
        );
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    service.kill();
    for c in clients {
        c.await.expect("a client task");
    }
    let accepted = std::mem::take(&mut *accepted.lock().expect("lock"));
    assert!(accepted.len() < 8 * 150, "killed in the middle of the load");
    // The records cover the whole journal: every batch wrote its changes with its entries.
    let positions = sql(
        pg.url(),
        "SELECT last_seq::text || ' ' || records_seq::text FROM engines",
    )
    .await;
    let (last, covered) = positions[0].split_once(' ').expect("two numbers");
    assert_eq!(last, covered, "{positions:?}");

    // Started again under the same name: it takes its lease at once.
    let service = setup.start();
    assert!(
        service
            .banner
            .contains(&format!("records at journal {last}, 0 entries replayed")),
        "{}",
        service.banner
    );
    let mut histories = Vec::new();
    for i in 0..CONVERSATIONS {
        histories.push(texts(&service, &format!("p{i}")).await);
    }
    let lost: Vec<&(usize, String)> = accepted
        .iter()
        .filter(|(n, text)| !histories[n % CONVERSATIONS].contains(text))
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} accepted messages lost after SIGKILL: {:?}",
        lost.len(),
        accepted.len(),
        &lost[..lost.len().min(5)]
    );
    let status = service.terminate();
    assert!(status.success(), "exit status {status:?}");
    // A clean stop ended the lease.
    let valid = sql(
        pg.url(),
        "SELECT (expires_at > now())::text FROM engine_leases WHERE tenant = 'default'",
    )
    .await;
    assert_eq!(valid, ["false"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_process_waits_for_the_lease_and_the_fenced_first_answers_503() {
    let pg = tokio::task::block_in_place(PgServer::start);
    let receiver = Receiver::start(|_, _| Reply::Ok).await;
    let config = config_with_webhook(&receiver.url);
    // The first renews rarely, so the test can end its lease (as a paused process's would).
    let first = Setup::new("pg-first", &config)
        .store(&pg.url())
        .arg("--lease-owner")
        .arg("process-a")
        .arg("--lease-ms")
        .arg("600000")
        .arg("--lease-renew-ms")
        .arg("300000")
        .start();
    first
        .ok(
            "/v1/conversations/f1/messages",
            WIDGET,
            json!({"text": "Before the takeover"}),
        )
        .await;

    // While the lease runs, a second process does not start, and says who holds it.
    let second = Setup::new("pg-second", &config)
        .store(&pg.url())
        .arg("--lease-owner")
        .arg("process-b");
    let refused = tokio::task::block_in_place(|| second.command().output()).expect("run");
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("tenant \"default\" is served by \"process-a\", whose lease runs until"),
        "{stderr}"
    );

    // The first stops renewing in time (paused): its lease ends and the second takes over.
    sql(
        pg.url(),
        "UPDATE engine_leases SET expires_at = now() - interval '1 second' RETURNING owner",
    )
    .await;
    let second = second.start();
    assert_eq!(
        texts(&second, "f1").await,
        BTreeSet::from(["Before the takeover".to_string()])
    );

    // The first learns it at its next commit: 503, saying why, and nothing stored.
    let answer = first
        .post(
            "/v1/conversations/f1/messages",
            WIDGET,
            json!({"text": "To the fenced process"}),
        )
        .await;
    assert_eq!(answer.status, 503, "{}", answer.text);
    let message = answer.json["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("taken over by \"process-b\"")
            && message.contains("nothing of this request was stored"),
        "{}",
        answer.text
    );
    // From then on it serves nothing: reads are refused too.
    let read = first.get("/v1/conversations/f1", ADMIN).await;
    assert_eq!(read.status, 503, "{}", read.text);
    assert!(first.log_text().contains("fenced"), "{}", first.log_text());

    // The second serves, without the refused message.
    second
        .ok(
            "/v1/conversations/f1/messages",
            WIDGET,
            json!({"text": "After the takeover"}),
        )
        .await;
    assert_eq!(
        texts(&second, "f1").await,
        BTreeSet::from([
            "After the takeover".to_string(),
            "Before the takeover".to_string()
        ])
    );
    let status = first.terminate();
    assert!(
        status.success(),
        "the fenced process stops cleanly: {status:?}"
    );
    let status = second.terminate();
    assert!(status.success(), "exit status {status:?}");
}
