//! Reads at scale: a page of the queue with 10,000 and 100,000 queued conversations, answered
//! from the engine's indexes (`Engine::query_json`, `Host::query_json`, `GET /v1/queue`) against
//! the old way (the whole state serialised and parsed), and the service's message throughput with
//! and without an agent reading the queue once a second.
//!
//! Step `queries`: the wasmtime runner's `queue` mode (`host-native/benches/wasmtime.rs`), which
//! measures natively and in wasmtime in one process, on the seed configuration the service runs.
//!
//! Step `service-queue`: `handoff serve` started as step `service` starts it; conversations
//! queued over HTTP (a customer message, then `POST …/handoff` unless the message handed off
//! already) and `GET /v1/queue` timed on the idle service; from a copy of that service's SQLite
//! file each time, wrk (`bench/service.lua`, as step `service`) without and with one
//! `GET /v1/queue` a second from an agent's token, alternating; and more conversations queued up
//! to the largest size if that takes less than [`FILL_LIMIT`].

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::http::Conn;
use super::service;
use super::Bench;
use crate::Failure;

pub use super::plan::{
    FILL_CONNECTIONS, FILL_LIMIT, QUEUE_SIZES, THROUGHPUT_QUEUED, THROUGHPUT_RUNS,
    THROUGHPUT_SECONDS,
};
/// `GET /v1/queue` repetitions on the idle service (fewer once [`READ_SECONDS`] are spent).
const READS: usize = 200;
const READ_SECONDS: f64 = 3.0;
/// The agent whose token reads the queue.
const AGENT: &str = "bench_agent";

/// Step `queries`.
pub fn queries(bench: &mut Bench) -> Result<(), Failure> {
    super::steps::ensure_built(bench)?;
    let bin = super::steps::wasmtime_bin(bench);
    let mut args = vec![
        "queue".to_string(),
        os(&crate::wasm::abi_wasm()),
        os(&seed_config(bench)),
        os(&bench.corpus_path()),
    ];
    args.extend(QUEUE_SIZES.iter().map(|n| n.to_string()));
    let out = super::steps::capture(bench, &os(&bin), &args)?;
    bench.results.queries = Some(super::steps::last_json(&out, "wasmtime queue")?);
    super::report::print_reads(&bench.results);
    Ok(())
}

fn os(p: &std::path::Path) -> String {
    p.to_string_lossy().into_owned()
}

/// The configuration `handoff serve` runs in the service steps.
fn seed_config(bench: &Bench) -> std::path::PathBuf {
    bench.root.join("examples").join("handoff-settings.json")
}

/// Step `service-queue`.
pub fn service_queue(bench: &mut Bench) -> Result<(), Failure> {
    service::ensure_wrk()?;
    let agent_token = format!("bench_agent_token_{}", std::process::id());
    let agents = format!("{AGENT}={agent_token}");
    let texts = bench.results.corpus.clone();
    if texts.is_empty() {
        return Err(Failure::new("no corpus: step corpus should have run first"));
    }
    let (mut fills, mut reads) = (Vec::new(), Vec::new());

    // A fresh service queues THROUGHPUT_QUEUED conversations; the queue is read; it stops, and
    // its SQLite file is the starting point of everything after.
    let first = QUEUE_SIZES[0].min(THROUGHPUT_QUEUED);
    let base = bench.dir.join("service-queue");
    let svc = service::start(bench, "service-queue", &agents)?;
    let result = fill(&svc, &texts, 0, first, None).and_then(|f| {
        fills.push(f);
        reads.push(read_queue(svc.port, &agent_token, first)?);
        Ok(())
    });
    stopped(svc, result, 60)?;

    // Messages under wrk, without (A) and with (B) an agent reading the queue once a second,
    // A B B A A B…: each run on a fresh copy of that file, so every run starts from the same
    // state (wrk's messages are never closed: a million of them would outgrow the guest).
    let run_dir = bench.dir.join("service-queue-run");
    let (mut without, mut with, mut polls) = (Vec::new(), Vec::new(), Vec::new());
    let mut shown = String::new();
    for (k, reading) in order(THROUGHPUT_RUNS).into_iter().enumerate() {
        copy_db(&base, &run_dir)?;
        let svc = service::start_in(bench, &run_dir, &agents)?;
        let (args, line) = service::wrk_args(bench, &svc.url(), THROUGHPUT_SECONDS);
        shown = line;
        let kind = if reading {
            "with GET /v1/queue once a second"
        } else {
            "without queue reads"
        };
        println!("--- [{}/{}] {kind}: {shown}", k + 1, 2 * THROUGHPUT_RUNS);
        let result = wrk_with_reads(&svc, &args, reading.then_some(agent_token.as_str()));
        let (measured, ms) = stopped(svc, result, 60)?;
        if reading {
            polls.extend(ms);
            with.push(measured);
        } else {
            without.push(measured);
        }
    }

    // From the same starting point, up to the largest size if the service gets there in time.
    let mut not_built = None;
    copy_db(&base, &run_dir)?;
    let svc = service::start_in(bench, &run_dir, &agents)?;
    let mut done = first;
    let result = (|| {
        for &size in QUEUE_SIZES.iter().skip(1) {
            let deadline = Instant::now() + FILL_LIMIT;
            let filled = fill(&svc, &texts, done, size, Some(deadline))?;
            let reached = filled["to"].as_u64().unwrap_or(0) as usize;
            fills.push(filled);
            if reached < size {
                not_built = Some(format!(
                    "queueing {} conversations over HTTP took longer than {} s ({} queued by then)",
                    thousands(size),
                    FILL_LIMIT.as_secs(),
                    thousands(reached)
                ));
                break;
            }
            done = size;
            reads.push(read_queue(svc.port, &agent_token, size)?);
        }
        Ok(())
    })();
    // The final snapshot of 100,000 queued conversations takes seconds.
    stopped(svc, result, 120)?;

    bench.results.service_queue = Some(json!({
        "fills": fills,
        "reads": reads,
        "queued_for_throughput": first,
        "without": without,
        "with": with,
        "poll_ms": polls,
        "wrk_command": shown,
        "not_built": not_built,
    }));
    super::report::print_reads(&bench.results);
    Ok(())
}

/// Stops `svc` (waiting up to `grace` seconds) and returns `result`, or the stop's failure.
fn stopped<T>(svc: service::Service, result: Result<T, Failure>, grace: u64) -> Result<T, Failure> {
    let stop = svc.stop(Duration::from_secs(grace));
    let value = result?;
    stop?;
    Ok(value)
}

/// Whether each of `2 * runs` runs reads the queue: A B B A A B B A …, so a drift over the
/// runs weighs on both kinds alike.
fn order(runs: usize) -> Vec<bool> {
    (0..2 * runs).map(|k| matches!(k % 4, 1 | 2)).collect()
}

/// `dir`'s files (the SQLite file and its WAL, if any) copied into a fresh `to`.
fn copy_db(dir: &Path, to: &Path) -> Result<(), Failure> {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to)
        .map_err(|e| Failure::new(format!("cannot create {}: {e}", to.display())))?;
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", dir.display())))?;
    for entry in entries.filter_map(Result::ok) {
        let from = entry.path();
        if from.is_file() {
            std::fs::copy(&from, to.join(entry.file_name()))
                .map_err(|e| Failure::new(format!("cannot copy {}: {e}", from.display())))?;
        }
    }
    Ok(())
}

/// One wrk run against `svc`; with `agent` a token, one `GET /v1/queue` a second alongside
/// (the first half a second in, once wrk is going). Its numbers and the reads' times (ms).
fn wrk_with_reads(
    svc: &service::Service,
    args: &[String],
    agent: Option<&str>,
) -> Result<(Value, Vec<f64>), Failure> {
    let poller = agent.map(|token| Poller::start(svc.port, token.to_string()));
    let measured = service::wrk_run(args, &svc.widget);
    let polled = poller.map(Poller::stop).unwrap_or_default();
    let mut measured = measured?;
    let refused: Vec<u16> = polled
        .iter()
        .map(|(_, s)| *s)
        .filter(|s| *s != 200)
        .collect();
    if !refused.is_empty() {
        return Err(Failure::new(format!(
            "GET /v1/queue during wrk was answered {refused:?} (0: no answer)"
        )));
    }
    let ms: Vec<f64> = polled.iter().map(|(ms, _)| *ms).collect();
    if agent.is_some() {
        println!(
            "{} queue reads during the run: {}",
            ms.len(),
            ms.iter()
                .map(|m| format!("{m:.2} ms"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        measured["queue_reads"] = json!(ms.len());
    }
    Ok((measured, ms))
}

fn thousands(n: usize) -> String {
    super::stats::thousands(n as u64)
}

/// Queues `conv_{from}` to `conv_{to - 1}` over [`FILL_CONNECTIONS`] connections, stopping at
/// `deadline`: `{"from", "to" (how far it got), "seconds", "requests"}`.
fn fill(
    svc: &service::Service,
    texts: &[String],
    from: usize,
    to: usize,
    deadline: Option<Instant>,
) -> Result<Value, Failure> {
    println!(
        "--- queueing conv_{from} to conv_{} over HTTP ({FILL_CONNECTIONS} connections)",
        to - 1
    );
    let started = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..FILL_CONNECTIONS)
        .map(|t| {
            let (port, widget) = (svc.port, svc.widget.clone());
            let texts = texts.to_vec();
            let stop = stop.clone();
            thread::spawn(move || -> Result<(usize, usize), String> {
                let mut conn = Conn::new(port);
                let (mut queued, mut requests) = (0, 0);
                for i in (from + t..to).step_by(FILL_CONNECTIONS) {
                    if stop.load(Ordering::Relaxed) || deadline.is_some_and(|d| Instant::now() > d)
                    {
                        stop.store(true, Ordering::Relaxed);
                        break;
                    }
                    let body = json!({
                        "text": texts[i % texts.len()],
                        "customer": {"id": format!("cust_{i}"), "name": "Sam"},
                    })
                    .to_string();
                    let answer = post(
                        &mut conn,
                        &format!("/v1/conversations/conv_{i}/messages"),
                        &widget,
                        &body,
                    )?;
                    requests += 1;
                    // `{"outputs":[…]}` as serde_json writes it (no spaces): cheaper than parsing.
                    let handed_off = answer.contains("\"type\":\"handoff\"");
                    if !handed_off {
                        post(
                            &mut conn,
                            &format!("/v1/conversations/conv_{i}/handoff"),
                            &widget,
                            "{}",
                        )?;
                        requests += 1;
                    }
                    queued += 1;
                }
                Ok((queued, requests))
            })
        })
        .collect();
    let (mut queued, mut requests) = (0, 0);
    let mut errors = Vec::new();
    for w in workers {
        match w.join() {
            Ok(Ok((q, r))) => {
                queued += q;
                requests += r;
            }
            Ok(Err(e)) => errors.push(e),
            Err(_) => errors.push("a queueing thread panicked".into()),
        }
    }
    if let Some(e) = errors.first() {
        return Err(Failure::new(format!("queueing over HTTP: {e}")));
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{queued} conversations queued in {seconds:.1} s ({requests} requests, {:.0} requests/s)",
        requests as f64 / seconds
    );
    Ok(json!({"from": from, "to": from + queued, "seconds": seconds, "requests": requests}))
}

/// POSTs `body`; the answer's body, or why not (a status other than 200 included).
fn post(conn: &mut Conn, path: &str, token: &str, body: &str) -> Result<String, String> {
    let (status, text) = conn
        .send("POST", path, token, Some(body))
        .map_err(|e| format!("POST {path}: {e}"))?;
    if status != 200 {
        return Err(format!("POST {path} answered {status}: {text:.300}"));
    }
    Ok(text)
}

/// `GET /v1/queue` (the first page, 100 entries) [`READS`] times on the idle service, on one
/// keep-alive connection: `{"queued", "total", "ms": [...], "bytes"}`, `total` as the page
/// says (at least `queued`: checked).
fn read_queue(port: u16, token: &str, queued: usize) -> Result<Value, Failure> {
    println!("--- GET /v1/queue with {} queued", thousands(queued));
    let mut conn = Conn::new(port);
    // One untimed read opens the connection and checks the answer.
    let (status, text) = conn
        .get("/v1/queue", token)
        .map_err(|e| Failure::new(format!("GET /v1/queue: {e}")))?;
    let page: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let total = page["total"].as_u64();
    let entries = page["queue"].as_array().map_or(0, Vec::len);
    // wrk's messages (step `service`'s load) may queue a few conversations of their own.
    let total = total.unwrap_or(0) as usize;
    if status != 200 || total < queued || entries != total.min(100) {
        return Err(Failure::new(format!(
            "GET /v1/queue with {queued} queued answered {status}: {text:.300}"
        )));
    }
    let started = Instant::now();
    let mut ms = Vec::new();
    for _ in 0..READS {
        let t = Instant::now();
        let (status, _) = conn
            .get("/v1/queue", token)
            .map_err(|e| Failure::new(format!("GET /v1/queue: {e}")))?;
        ms.push(t.elapsed().as_secs_f64() * 1e3);
        if status != 200 {
            return Err(Failure::new(format!("GET /v1/queue answered {status}")));
        }
        if started.elapsed().as_secs_f64() > READ_SECONDS {
            break;
        }
    }
    let mut sorted = ms.clone();
    sorted.sort_by(f64::total_cmp);
    println!(
        "{} reads: median {:.3} ms, {} bytes each",
        ms.len(),
        sorted[sorted.len() / 2],
        text.len()
    );
    Ok(json!({"queued": queued, "total": total, "ms": ms, "bytes": text.len()}))
}

/// An agent's console: `GET /v1/queue` once a second on its own thread and connection.
struct Poller {
    stop: Arc<AtomicBool>,
    thread: thread::JoinHandle<Vec<(f64, u16)>>,
}

impl Poller {
    fn start(port: u16, token: String) -> Poller {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = thread::spawn(move || {
            let mut conn = Conn::new(port);
            let mut out = Vec::new();
            let started = Instant::now() + Duration::from_millis(500);
            while Instant::now() < started && !flag.load(Ordering::Relaxed) {
                thread::sleep(Duration::from_millis(50));
            }
            let mut k = 0u32;
            while !flag.load(Ordering::Relaxed) {
                let t = Instant::now();
                let status = conn.get("/v1/queue", &token).map_or(0, |(s, _)| s);
                out.push((t.elapsed().as_secs_f64() * 1e3, status));
                k += 1;
                // The next read one second after the previous one was due; checked every 50 ms.
                let due = started + Duration::from_secs(u64::from(k));
                while Instant::now() < due && !flag.load(Ordering::Relaxed) {
                    thread::sleep(
                        Duration::from_millis(50)
                            .min(due.saturating_duration_since(Instant::now())),
                    );
                }
            }
            out
        });
        Poller { stop, thread }
    }

    fn stop(self) -> Vec<(f64, u16)> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap_or_default()
    }
}
