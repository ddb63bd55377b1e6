//! The wasmtime benchmark program `cargo xtask bench` runs (`cargo bench -p handoff-native --bench
//! wasmtime -- MODE ...`): the engine's abi build in wasmtime through [`handoff_native::Host`],
//! exactly as a Rust service embeds it. Prints one JSON object on stdout. Not a test.
//!
//! Modes:
//! - `decision WASM CONFIG CORPUS RUNS`: as the native `decision` mode (each message the first
//!   of its own conversation, timed per `Host::handle_json`; deliveries acknowledged and the
//!   conversation closed untimed), with the default limits (fuel metering on) and with fuel off.
//! - `coldstart WASM CONFIG CORPUS REPS`: `Host::new` (instantiate from the runtime's cached
//!   `InstancePre`, create the engine) plus the first decision, REPS times.
//! - `snapshot WASM CONFIG FILES...`: `Host::restore` from each state file the native program
//!   wrote, and the cost of one input (with the host's periodic state fetch) at that size.
//! - `queue WASM CONFIG CORPUS SIZES...`: for each size N, N conversations queued by driving the
//!   engine natively (a corpus message, then a `handoff_request` unless the message handed off
//!   already: what `cargo xtask bench`'s service step sends over HTTP); then a page of the queue
//!   (`{"query":"queue","limit":100}`, and the last page) natively (`Engine::query_json`) and in
//!   wasmtime (`Host::query_json`, the state restored into the guest), against the old way of
//!   reading it: the whole state serialised (natively; in wasmtime `Host::state_json`) and parsed
//!   as a `serde_json::Value`, as `handoff serve` did before queries.
//! - `records WASM CONFIG DIR SIZES...`: for each size N, N open conversations (one customer
//!   message each) in a `Host`, all their records written once to a `SqliteStore` in DIR; then
//!   the persistence cost of one more customer message, input by input: the change set
//!   (`Host::take_changes`) and the commit of the entry with its changed records (what `handoff
//!   serve` does per batch), against the whole-state way (`Host::state_json` and the blob written
//!   in one SQLite transaction). `RECORDS_INPUTS` inputs per size (default 500).
//! - `preload CONFIG CORPUS DB MESSAGES PER_CONVERSATION`: a `handoff serve` database (schema 2)
//!   as if the service had already handled MESSAGES customer messages: the engine driven natively
//!   (corpus texts in turn, PER_CONVERSATION messages in each of the conversations `pre_0` …, a
//!   millisecond apart, ending at the wall clock's now), then every record written to a fresh
//!   `SqliteStore` at DB in one commit (what the service's commits would have left, the journal
//!   trimmed). For step `service-state`: the service started on DB restores that state.

#[path = "../../core/benches/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::Instant;

use common::*;
use handoff_native::{Host, Limits, Runtime};
use serde_json::{json, Value};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let arg = |i: usize| -> &str {
        args.get(i).map(String::as_str).unwrap_or_else(|| {
            fail(&format!(
                "missing argument {i}: see the doc comment of host-native/benches/wasmtime.rs"
            ))
        })
    };
    if arg(0) == "preload" {
        println!("{}", preload(arg(1), arg(2), arg(3), arg(4), arg(5)));
        return;
    }
    let wasm =
        std::fs::read(arg(1)).unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", arg(1))));
    let result = match arg(0) {
        "decision" => decision(&wasm, arg(2), arg(3), arg(4).parse().unwrap_or(5)),
        "coldstart" => coldstart(&wasm, arg(2), arg(3), arg(4).parse().unwrap_or(200)),
        "snapshot" => snapshot(&wasm, arg(2), &args[3..]),
        "queue" => queue(&wasm, arg(2), arg(3), &args[4..]),
        "records" => records(&wasm, arg(2), arg(3), &args[4..]),
        other => fail(&format!("unknown mode {other:?}")),
    };
    println!("{result}");
}

fn runtime(wasm: &[u8], fuel: bool) -> Runtime {
    let limits = Limits {
        fuel_per_call: if fuel {
            Some(Limits::DEFAULT_FUEL)
        } else {
            None
        },
        ..Limits::default()
    };
    Runtime::with_limits(wasm, limits, "bench").unwrap_or_else(|e| fail(&format!("compile: {e}")))
}

fn handle(host: &mut Host, input: &str, now: i64) -> String {
    host.handle_json(input, now)
        .unwrap_or_else(|e| fail(&format!("input refused: {e}: {input}")))
}

fn delivery_ids(outputs_json: &str) -> Vec<String> {
    let outputs: Value =
        serde_json::from_str(outputs_json).unwrap_or_else(|e| fail(&format!("outputs: {e}")));
    outputs
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|o| o["type"] == "delivery")
                .filter_map(|o| o["delivery_id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn ready_host(runtime: &Runtime, config_json: &str) -> Host {
    let mut host =
        Host::new(runtime, config_json).unwrap_or_else(|e| fail(&format!("Host::new: {e}")));
    for update in agents_online(config_json) {
        handle(&mut host, &update, START_MS);
    }
    host
}

fn decision_runs(runtime: &Runtime, config_json: &str, inputs: &[String], runs: usize) -> Vec<f64> {
    let mut out = Vec::new();
    for _ in 0..runs {
        let mut host = ready_host(runtime, config_json);
        let mut total_ns = 0u128;
        for (i, text) in inputs.iter().enumerate() {
            let now = START_MS + i as i64 * 100;
            let t = Instant::now();
            let outputs = handle(&mut host, text, now);
            total_ns += t.elapsed().as_nanos();
            let mut ids = delivery_ids(&outputs);
            ids.extend(delivery_ids(&handle(&mut host, &close_input(i), now)));
            for id in ids {
                handle(&mut host, &delivered_input(&id), now);
            }
        }
        out.push(total_ns as f64 / inputs.len() as f64);
    }
    out
}

fn decision(wasm: &[u8], config_path: &str, corpus_path: &str, runs: usize) -> Value {
    let config_json = read(config_path);
    let inputs: Vec<String> = corpus(corpus_path)
        .iter()
        .enumerate()
        .map(|(i, t)| message_input(i, t))
        .collect();
    let t = Instant::now();
    let with_fuel = runtime(wasm, true);
    let compile_ms = t.elapsed().as_secs_f64() * 1e3;
    let fuel_runs = decision_runs(&with_fuel, &config_json, &inputs, runs);
    let no_fuel = runtime(wasm, false);
    let plain_runs = decision_runs(&no_fuel, &config_json, &inputs, runs);
    json!({"messages": inputs.len(), "compile_ms": compile_ms, "ns_per_message": fuel_runs, "ns_per_message_no_fuel": plain_runs})
}

fn coldstart(wasm: &[u8], config_path: &str, corpus_path: &str, reps: usize) -> Value {
    let config_json = read(config_path);
    let first = message_input(0, &corpus(corpus_path)[0]);
    let runtime = runtime(wasm, true);
    let mut new_ns = Vec::new();
    let mut total_ns = Vec::new();
    for _ in 0..reps {
        let t = Instant::now();
        let mut host =
            Host::new(&runtime, &config_json).unwrap_or_else(|e| fail(&format!("Host::new: {e}")));
        let created = t.elapsed().as_nanos() as f64;
        black_box(handle(&mut host, &first, START_MS));
        total_ns.push(t.elapsed().as_nanos() as f64);
        new_ns.push(created);
    }
    json!({"host_new_ns": new_ns, "first_decision_ns": total_ns})
}

fn snapshot(wasm: &[u8], config_path: &str, files: &[String]) -> Value {
    let config_json = read(config_path);
    let runtime = runtime(wasm, true);
    let mut rows = Vec::new();
    for file in files {
        let state = read(file);
        let t = Instant::now();
        let host = Host::restore(&runtime, &config_json, &state);
        let restore_ns = t.elapsed().as_nanos() as f64;
        let mut host = match host {
            Ok(h) => h,
            Err(e) => {
                rows.push(json!({"file": file, "bytes": state.len(), "error": e.to_string()}));
                continue;
            }
        };
        let conversations = serde_json::from_str::<Value>(&state)
            .ok()
            .and_then(|v| v["conversations"].as_object().map(|o| o.len()))
            .unwrap_or(1)
            .max(1);
        let count = 1_000;
        let t = Instant::now();
        let mut failed = None;
        for k in 0..count {
            let c = (k * 7919) % conversations;
            let inp = json!({"type": "customer_message", "conversation_id": format!("conv_{c}"), "text": "ok, and when will it arrive?"}).to_string();
            if let Err(e) = host.handle_json(&inp, START_MS + 1_000 + k as i64) {
                failed = Some(e.to_string());
                break;
            }
        }
        let input_ns = t.elapsed().as_nanos() as f64 / count as f64;
        let t = Instant::now();
        let fetched = host.state_json().map(|s| s.len());
        let state_fetch_ns = t.elapsed().as_nanos() as f64;
        rows.push(json!({
            "file": file,
            "bytes": state.len(),
            "conversations": conversations,
            "restore_ns": restore_ns,
            "input_ns": input_ns,
            "state_fetch_ns": state_fetch_ns,
            "state_fetch_ok": fetched.is_ok(),
            "error": failed,
        }));
    }
    json!({"rows": rows})
}

/// Most repetitions of one query at one size (fewer once [`QUERY_SECONDS`] are spent).
const QUERY_REPS: usize = 501;
/// Time spent on one query at one size, at most (beyond the first repetition).
const QUERY_SECONDS: f64 = 1.0;
/// Repetitions of the whole-state serialisation (the old way).
const WHOLE_STATE_REPS: usize = 3;

/// Times `f` up to [`QUERY_REPS`] times or [`QUERY_SECONDS`]; ns per call and the last answer.
fn repeat_query(mut f: impl FnMut() -> String) -> (Vec<f64>, String) {
    let started = Instant::now();
    let mut ns = Vec::new();
    let mut answer = String::new();
    for _ in 0..QUERY_REPS {
        let t = Instant::now();
        answer = black_box(f());
        ns.push(t.elapsed().as_nanos() as f64);
        if started.elapsed().as_secs_f64() > QUERY_SECONDS {
            break;
        }
    }
    (ns, answer)
}

/// The `total` and the number of entries of a queue page, or exits when it is not one.
fn page_shape(answer: &str) -> (u64, usize) {
    let v: Value = serde_json::from_str(answer)
        .unwrap_or_else(|e| fail(&format!("queue answer {answer:.200}: {e}")));
    match (v["total"].as_u64(), v["queue"].as_array()) {
        (Some(total), Some(entries)) => (total, entries.len()),
        _ => fail(&format!("not a queue page: {answer:.200}")),
    }
}

/// `conv_{i}` queued the way the service step queues it over HTTP: a corpus message, then a
/// `handoff_request` unless that message handed off already. Returns the time of the last input.
fn queue_conversations(engine: &mut handoff_core::Engine, texts: &[String], n: usize) -> i64 {
    let mut now = START_MS;
    for i in 0..n {
        now = START_MS + i as i64 * 10;
        let outputs = engine
            .handle(input(&message_input(i, &texts[i % texts.len()])), now)
            .unwrap_or_else(|e| fail(&format!("message {i} refused: {e}")));
        let handed_off = outputs
            .iter()
            .any(|o| matches!(o, handoff_core::Output::Handoff { .. }));
        if !handed_off {
            let request =
                json!({"type": "handoff_request", "conversation_id": format!("conv_{i}")});
            engine
                .handle(input(&request.to_string()), now)
                .unwrap_or_else(|e| fail(&format!("handoff {i} refused: {e}")));
        }
    }
    now
}

fn queue(wasm: &[u8], config_path: &str, corpus_path: &str, sizes: &[String]) -> Value {
    let (config_json, config) = common::config(config_path);
    let texts = corpus(corpus_path);
    let runtime = runtime(wasm, true);
    let mut rows = Vec::new();
    for size in sizes {
        let n: usize = size
            .parse()
            .unwrap_or_else(|_| fail(&format!("size {size:?}")));
        let t = Instant::now();
        let mut engine = handoff_core::Engine::new(config.clone());
        let now = queue_conversations(&mut engine, &texts, n);
        let build_ms = t.elapsed().as_secs_f64() * 1e3;
        let first = r#"{"query":"queue","limit":100}"#.to_string();
        let last =
            json!({"query": "queue", "offset": n.saturating_sub(100), "limit": 100}).to_string();

        // Natively: the query, and the whole state serialised and parsed (the old way).
        let (native_ns, answer) = repeat_query(|| {
            engine
                .query_json(&first)
                .unwrap_or_else(|e| fail(&format!("query refused: {e}")))
        });
        let (queued, entries) = page_shape(&answer);
        if queued != n as u64 {
            fail(&format!(
                "{n} conversations were sent but {queued} are queued"
            ));
        }
        let (native_last_ns, _) = repeat_query(|| {
            engine
                .query_json(&last)
                .unwrap_or_else(|e| fail(&format!("query refused: {e}")))
        });
        let mut serialise_ns = Vec::new();
        let mut parse_ns = Vec::new();
        let mut state = String::new();
        for _ in 0..WHOLE_STATE_REPS {
            let t = Instant::now();
            state = serde_json::to_string(engine.state())
                .unwrap_or_else(|e| fail(&format!("serialise: {e}")));
            serialise_ns.push(t.elapsed().as_nanos() as f64);
            let t = Instant::now();
            let parsed: Value =
                serde_json::from_str(&state).unwrap_or_else(|e| fail(&format!("parse: {e}")));
            parse_ns.push(t.elapsed().as_nanos() as f64);
            drop(black_box(parsed));
        }
        drop(engine);

        // In wasmtime: the same state restored into the guest.
        let t = Instant::now();
        let mut host = Host::restore(&runtime, &config_json, &state)
            .unwrap_or_else(|e| fail(&format!("Host::restore of {n} queued: {e}")));
        let restore_ms = t.elapsed().as_secs_f64() * 1e3;
        // Only the fetches timed below, never one on the host's own schedule.
        host.set_snapshot_every(usize::MAX);
        let (wasm_ns, wasm_answer) = repeat_query(|| {
            host.query_json(&first)
                .unwrap_or_else(|e| fail(&format!("Host::query_json: {e}")))
        });
        if wasm_answer != answer {
            fail("the queue page from wasmtime differs from the native one");
        }
        let (wasm_last_ns, _) = repeat_query(|| {
            host.query_json(&last)
                .unwrap_or_else(|e| fail(&format!("Host::query_json: {e}")))
        });
        let mut fetch_ns = Vec::new();
        let mut fetch_parse_ns = Vec::new();
        for _ in 0..WHOLE_STATE_REPS {
            // An input first, so the state is fetched from the guest, not the host's cached copy.
            handle(&mut host, r#"{"type":"tick"}"#, now);
            let t = Instant::now();
            let fetched = host
                .state_json()
                .unwrap_or_else(|e| fail(&format!("Host::state_json: {e}")));
            fetch_ns.push(t.elapsed().as_nanos() as f64);
            let parsed: Value =
                serde_json::from_str(&fetched).unwrap_or_else(|e| fail(&format!("parse: {e}")));
            fetch_parse_ns.push(t.elapsed().as_nanos() as f64);
            drop(black_box(parsed));
        }
        eprintln!(
            "queue {n}: built natively in {build_ms:.0} ms, restored in wasmtime in {restore_ms:.0} ms"
        );
        rows.push(json!({
            "queued": n,
            "state_bytes": state.len(),
            "answer_bytes": answer.len(),
            "entries": entries,
            "build_ms": build_ms,
            "native_ns": native_ns,
            "native_last_ns": native_last_ns,
            "serialise_ns": serialise_ns,
            "parse_ns": parse_ns,
            "wasmtime_restore_ms": restore_ms,
            "wasmtime_ns": wasm_ns,
            "wasmtime_last_ns": wasm_last_ns,
            "state_json_ns": fetch_ns,
            "state_json_parse_ns": fetch_parse_ns,
        }));
    }
    json!({"rows": rows})
}

/// Percentile `p` (0..=100) of `ns`, sorted in place.
fn percentile(ns: &mut [f64], p: f64) -> f64 {
    ns.sort_by(f64::total_cmp);
    if ns.is_empty() {
        return 0.0;
    }
    let i = ((p / 100.0) * (ns.len() - 1) as f64).round() as usize;
    ns[i.min(ns.len() - 1)]
}

fn records(wasm: &[u8], config_path: &str, dir: &str, sizes: &[String]) -> Value {
    use handoff_native::serve::sqlite::SqliteStore;
    use handoff_native::serve::store::{Batch, NewEntry, Store};

    let config_json = read(config_path);
    let runtime = runtime(wasm, true);
    let inputs: usize = std::env::var("RECORDS_INPUTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let mut rows = Vec::new();
    for size in sizes {
        let n: usize = size
            .parse()
            .unwrap_or_else(|_| fail(&format!("not a size: {size}")));
        let mut host = Host::new(&runtime, &config_json).unwrap_or_else(|e| fail(&e.to_string()));
        for c in 0..n {
            let inp = json!({"type": "customer_message", "conversation_id": format!("conv_{c}"), "text": "Where is my order?"}).to_string();
            host.handle_json(&inp, START_MS)
                .unwrap_or_else(|e| fail(&e.to_string()));
        }
        let path = std::path::Path::new(dir).join(format!("records-{n}.db"));
        let _ = std::fs::remove_file(&path);
        let mut store = SqliteStore::open(&path).unwrap_or_else(|e| fail(&e.to_string()));
        let all = host.take_changes().unwrap_or_else(|e| fail(&e.to_string()));
        let t = Instant::now();
        store
            .commit(&Batch {
                entries: Vec::new(),
                changes: Some(all.clone()),
            })
            .unwrap_or_else(|e| fail(&e.to_string()));
        let first_write_ns = t.elapsed().as_nanos() as f64;
        let mut records_ns = Vec::with_capacity(inputs);
        let mut changed = 0usize;
        for k in 0..inputs {
            let c = (k * 7919) % n.max(1);
            let now = START_MS + 1_000 + k as i64;
            let inp = json!({"type": "customer_message", "conversation_id": format!("conv_{c}"), "text": "ok, and when will it arrive?"}).to_string();
            host.handle_json(&inp, now)
                .unwrap_or_else(|e| fail(&e.to_string()));
            let t = Instant::now();
            let changes = host.take_changes().unwrap_or_else(|e| fail(&e.to_string()));
            changed += changes.len();
            store
                .commit(&Batch {
                    entries: vec![NewEntry {
                        now_ms: now,
                        input: inp,
                        deliveries: Vec::new(),
                        result: None,
                    }],
                    changes: Some(changes),
                })
                .unwrap_or_else(|e| fail(&e.to_string()));
            records_ns.push(t.elapsed().as_nanos() as f64);
        }
        // The whole-state way, a few times (each costs the whole state).
        let blob_path = std::path::Path::new(dir).join(format!("whole-{n}.db"));
        let _ = std::fs::remove_file(&blob_path);
        let conn = rusqlite::Connection::open(&blob_path).unwrap_or_else(|e| fail(&e.to_string()));
        conn.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; \
             CREATE TABLE snapshots (seq INTEGER PRIMARY KEY, state TEXT NOT NULL);",
        )
        .unwrap_or_else(|e| fail(&e.to_string()));
        let mut whole_ns = Vec::new();
        let mut bytes = 0;
        for k in 0..5 {
            let inp = json!({"type": "customer_message", "conversation_id": "conv_0", "text": "and now?"}).to_string();
            host.handle_json(&inp, START_MS + 10_000_000 + k)
                .unwrap_or_else(|e| fail(&e.to_string()));
            let t = Instant::now();
            let state = host.state_json().unwrap_or_else(|e| fail(&e.to_string()));
            conn.execute(
                "INSERT OR REPLACE INTO snapshots (seq, state) VALUES (1, ?1)",
                [&state],
            )
            .unwrap_or_else(|e| fail(&e.to_string()));
            whole_ns.push(t.elapsed().as_nanos() as f64);
            bytes = state.len();
        }
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_file(&blob_path);
        rows.push(json!({
            "conversations": n,
            "inputs": inputs,
            "records_written": all.len(),
            "first_write_ns": first_write_ns,
            "changed_per_input": changed as f64 / inputs.max(1) as f64,
            "records_p50_ns": percentile(&mut records_ns.clone(), 50.0),
            "records_p99_ns": percentile(&mut records_ns, 99.0),
            "whole_state_bytes": bytes,
            "whole_state_p50_ns": percentile(&mut whole_ns, 50.0),
        }));
    }
    json!({"rows": rows})
}

fn preload(
    config_path: &str,
    corpus_path: &str,
    db: &str,
    messages: &str,
    per_conversation: &str,
) -> Value {
    use handoff_native::serve::sqlite::SqliteStore;
    use handoff_native::serve::store::{Batch, Store};

    let (_, config) = common::config(config_path);
    let texts = corpus(corpus_path);
    let parse = |what: &str, v: &str| -> usize {
        v.parse()
            .ok()
            .filter(|n| *n > 0)
            .unwrap_or_else(|| fail(&format!("{what}: not a positive number: {v}")))
    };
    let messages = parse("MESSAGES", messages);
    let per = parse("PER_CONVERSATION", per_conversation);
    let conversations = messages.div_ceil(per);
    let wall_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(START_MS, |d| d.as_millis() as i64);
    let start = wall_ms - messages as i64;
    let t = Instant::now();
    let mut engine = handoff_core::Engine::new(config);
    for k in 0..messages {
        // Round after round over the conversations, as a steady stream of customers would.
        let c = k % conversations;
        let inp = json!({
            "type": "customer_message",
            "conversation_id": format!("pre_{c}"),
            "text": texts[k % texts.len()],
            "customer": {"id": format!("cust_pre_{c}"), "name": "Sam"},
        })
        .to_string();
        engine
            .handle(input(&inp), start + k as i64)
            .unwrap_or_else(|e| fail(&format!("message {k} refused: {e}")));
    }
    let handle_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let records = engine.records();
    let count = records.len();
    let bytes: usize = records
        .iter()
        .map(|c| c.value.as_ref().map_or(0, |v| v.len()))
        .sum();
    let _ = std::fs::remove_file(db);
    let mut store =
        SqliteStore::open(std::path::Path::new(db)).unwrap_or_else(|e| fail(&format!("{db}: {e}")));
    store
        .commit(&Batch {
            entries: Vec::new(),
            changes: Some(records),
        })
        .unwrap_or_else(|e| fail(&format!("{db}: {e}")));
    json!({
        "messages": messages,
        "conversations": conversations,
        "records": count,
        "record_bytes": bytes,
        "handle_ms": handle_ms,
        "write_ms": t.elapsed().as_secs_f64() * 1e3,
    })
}
