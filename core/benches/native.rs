//! The native benchmark program `cargo xtask bench` runs (`cargo bench -p handoff-core --bench
//! native -- MODE ...`): it measures and prints one JSON object on stdout; `cargo xtask bench`
//! turns the numbers into BENCHMARKS.md. Not a test: nothing here asserts a time.
//!
//! Modes:
//! - `decision CONFIG CORPUS RUNS`: each corpus message as the first message of its own
//!   conversation (the whole decision: sentiment, request and topic detection, triggers, business
//!   hours, routing with an agent pool, context, webhook events), timed per message; untimed after
//!   it: deliveries acknowledged and the conversation closed, so the state stays the same size.
//! - `sentiment CORPUS`: our scorer's compound score of every message, and its time alone.
//! - `stages CONFIG CORPUS`: time per message of each detection stage alone.
//! - `routing MAX_SIZE`: one handoff joining the queue and one agent freeing a slot (the queue
//!   head is offered to them), for each method, from 100 to MAX_SIZE queued (agents up to 10,000).
//! - `coldstart CONFIG CORPUS`: in this fresh process, the configuration parsed, the engine
//!   created, the first decision and a second one (the first pays the one-time set-up).
//! - `snapshot CONFIG CORPUS OUT_DIR SIZES...`: state bytes, serialise and restore time, and the
//!   cost of one input, for each number of conversations; writes `OUT_DIR/state-N.json`.

mod common;

use std::hint::black_box;
use std::time::Instant;

use common::*;
use handoff_core::{Engine, Output};
use serde_json::{json, Value};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let arg = |i: usize| -> &str {
        args.get(i).map(String::as_str).unwrap_or_else(|| {
            fail(&format!(
                "missing argument {i}: see the doc comment of core/benches/native.rs"
            ))
        })
    };
    let result = match arg(0) {
        "decision" => decision(arg(1), arg(2), arg(3).parse().unwrap_or(5)),
        "sentiment" => sentiment(arg(1)),
        "stages" => stages(arg(1), arg(2)),
        "routing" => routing(arg(1).parse().unwrap_or(100_000)),
        "snapshot" => snapshot(arg(1), arg(2), arg(3), &args[4..]),
        "coldstart" => coldstart(arg(1), arg(2)),
        other => fail(&format!("unknown mode {other:?}")),
    };
    println!("{result}");
}

/// What a cold start is made of, natively, in this (fresh) process: the configuration parsed and
/// checked, the engine created, the first decision (which builds the lexicons and word sets on
/// first use) and a second one on another conversation (which does not). Run once per process.
fn coldstart(config_path: &str, corpus_path: &str) -> Value {
    let config_json = common::read(config_path);
    let texts = corpus(corpus_path);
    let (first, second) = (message_input(0, &texts[0]), message_input(1, &texts[1]));
    let t = Instant::now();
    let config = handoff_core::config::Config::from_json_str(&config_json)
        .unwrap_or_else(|e| fail(&format!("configuration refused: {e}")));
    let config_ns = t.elapsed().as_nanos() as f64;
    let t = Instant::now();
    let mut engine = Engine::new(config);
    let engine_ns = t.elapsed().as_nanos() as f64;
    let mut decide = |json: &str, now: i64| {
        let t = Instant::now();
        let outputs = engine
            .handle(input(json), now)
            .unwrap_or_else(|e| fail(&format!("message refused: {e}")));
        black_box(serde_json::to_string(&outputs).unwrap_or_default());
        t.elapsed().as_nanos() as f64
    };
    let first_ns = decide(&first, START_MS);
    let second_ns = decide(&second, START_MS + 100);
    json!({"config_ns": config_ns, "engine_ns": engine_ns, "first_decision_ns": first_ns, "second_decision_ns": second_ns})
}

/// An engine with the bench config and every agent online.
fn ready_engine(config_json: &str, config: &handoff_core::Config) -> Engine {
    let mut engine = Engine::new(config.clone());
    for update in agents_online(config_json) {
        engine
            .handle(input(&update), START_MS)
            .unwrap_or_else(|e| fail(&format!("agent update refused: {e}")));
    }
    engine
}

/// Acknowledges the deliveries in `outputs` and closes `conv_{i}` (untimed upkeep).
fn upkeep(engine: &mut Engine, outputs: &[Output], i: usize, now: i64) {
    let mut pending: Vec<String> = outputs
        .iter()
        .filter_map(|o| match o {
            Output::Delivery(d) => Some(d.delivery_id.clone()),
            _ => None,
        })
        .collect();
    let closed = engine
        .handle(input(&close_input(i)), now)
        .unwrap_or_else(|e| fail(&format!("close refused: {e}")));
    pending.extend(closed.iter().filter_map(|o| match o {
        Output::Delivery(d) => Some(d.delivery_id.clone()),
        _ => None,
    }));
    for id in pending {
        engine
            .handle(input(&delivered_input(&id)), now)
            .unwrap_or_else(|e| fail(&format!("delivery result refused: {e}")));
    }
}

fn decision(config_path: &str, corpus_path: &str, runs: usize) -> Value {
    let (config_json, config) = common::config(config_path);
    let texts = corpus(corpus_path);
    let inputs: Vec<String> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| message_input(i, t))
        .collect();
    let mut json_runs = Vec::new();
    let mut typed_runs = Vec::new();
    let mut outputs_total = 0usize;
    let mut handoffs = 0usize;
    for run in 0..runs {
        // JSON in, JSON out: the same work the wasm hosts do.
        let mut engine = ready_engine(&config_json, &config);
        let mut total_ns = 0u128;
        for (i, text) in inputs.iter().enumerate() {
            let now = START_MS + i as i64 * 100;
            let t = Instant::now();
            let input = handoff_core::Input::from_json_str(text);
            let outputs = input.and_then(|input| engine.handle(input, now));
            let outputs = outputs.unwrap_or_else(|e| fail(&format!("message {i} refused: {e}")));
            let written = serde_json::to_string(&outputs).unwrap_or_default();
            total_ns += t.elapsed().as_nanos();
            black_box(&written);
            if run == 0 {
                outputs_total += outputs.len();
                handoffs += outputs
                    .iter()
                    .filter(|o| matches!(o, Output::Handoff { .. }))
                    .count();
            }
            upkeep(&mut engine, &outputs, i, now);
        }
        json_runs.push(total_ns as f64 / inputs.len() as f64);

        // Typed input already parsed, outputs not written: the engine alone.
        let parsed: Vec<handoff_core::Input> = inputs.iter().map(|s| input(s)).collect();
        let mut engine = ready_engine(&config_json, &config);
        let mut total_ns = 0u128;
        for (i, parsed) in parsed.into_iter().enumerate() {
            let now = START_MS + i as i64 * 100;
            let t = Instant::now();
            let outputs = engine.handle(parsed, now);
            total_ns += t.elapsed().as_nanos();
            let outputs = outputs.unwrap_or_else(|e| fail(&format!("message {i} refused: {e}")));
            upkeep(&mut engine, &outputs, i, now);
        }
        typed_runs.push(total_ns as f64 / inputs.len() as f64);
    }
    json!({
        "messages": inputs.len(),
        "ns_per_message_json": json_runs,
        "ns_per_message_typed": typed_runs,
        "outputs": outputs_total,
        "handoffs": handoffs,
    })
}

fn sentiment(corpus_path: &str) -> Value {
    let texts = corpus(corpus_path);
    let scores: Vec<f64> = texts
        .iter()
        .map(|t| handoff_core::internals::score(t).compound)
        .collect();
    let mut runs = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        for text in &texts {
            black_box(handoff_core::internals::score(black_box(text)));
        }
        runs.push(t.elapsed().as_nanos() as f64 / texts.len() as f64);
    }
    json!({"compound": scores, "ns_per_message": runs})
}

/// Time per message of `f` over `texts`, median of 5 runs.
fn per_message(texts: &[String], mut f: impl FnMut(&str)) -> f64 {
    let mut runs = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        for text in texts {
            f(black_box(text));
        }
        runs.push(t.elapsed().as_nanos() as f64 / texts.len() as f64);
    }
    median(&mut runs)
}

fn stages(config_path: &str, corpus_path: &str) -> Value {
    let (_, config) = common::config(config_path);
    let texts = corpus(corpus_path);
    let inputs: Vec<String> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| message_input(i, t))
        .collect();
    let hours = config.business_hours.clone();
    let mut i = 0i64;
    json!({
        "input_parse": per_message(&inputs, |s| { black_box(handoff_core::Input::from_json_str(s).ok()); }),
        "sentiment": per_message(&texts, |s| { black_box(handoff_core::internals::score(s)); }),
        "human_request": per_message(&texts, |s| { black_box(handoff_core::internals::detect_human_request(s)); }),
        "topics": per_message(&texts, |s| { black_box(config.topic_matcher.find(s)); }),
        "business_hours": per_message(&texts, |_| {
            i += 1;
            black_box(hours.as_ref().map(|h| h.status(START_MS + i * 100)));
        }),
    })
}

/// Runs `op` on `engine` up to [`ROUTING_RUNS`] times (fewer once 2 s are spent); returns ns per
/// run and the outputs of the last run.
fn repeat(
    engine: &mut Engine,
    mut op: impl FnMut(&mut Engine, usize) -> usize,
) -> (Vec<f64>, usize) {
    let mut times = Vec::new();
    let mut outputs = 0;
    let started = Instant::now();
    for k in 0..ROUTING_RUNS {
        let t = Instant::now();
        outputs = op(engine, k);
        times.push(t.elapsed().as_nanos() as f64);
        if started.elapsed().as_secs_f64() > 2.0 {
            break;
        }
    }
    (times, outputs)
}

/// Most runs of one routing decision at one size.
const ROUTING_RUNS: usize = 51;

fn routing(max_size: usize) -> Value {
    let mut sizes = vec![100usize];
    while *sizes.last().unwrap_or(&max_size) < max_size {
        let next = sizes[sizes.len() - 1] * 10;
        sizes.push(next.min(max_size));
    }
    let mut rows = Vec::new();
    for method in METHODS {
        for &size in &sizes {
            let agents = size.min(10_000);
            let t = Instant::now();
            let mut engine = routing_state(method, agents, size);
            let build_ms = t.elapsed().as_secs_f64() * 1e3;
            let now = START_MS;
            let (times, outputs) = repeat(&mut engine, |e, k| {
                let inp = input(
                    &json!({"type": "handoff_request", "conversation_id": format!("new_{k}")})
                        .to_string(),
                );
                e.handle(inp, now)
                    .map(|o| o.len())
                    .unwrap_or_else(|err| fail(&format!("join: {err}")))
            });
            let join = json!({"ns": times, "outputs": outputs});
            let (times, outputs) = repeat(&mut engine, |e, k| {
                // Agent k finishes their conversation: the queue is served.
                let inp = input(&json!({"type": "conversation_closed", "conversation_id": held_id(k * 7 % agents), "by": "agent"}).to_string());
                e.handle(inp, now)
                    .map(|o| o.len())
                    .unwrap_or_else(|err| fail(&format!("serve: {err}")))
            });
            let serve = json!({"ns": times, "outputs": outputs});
            eprintln!("routing {method} {agents} agents {size} queued: built in {build_ms:.0} ms");
            rows.push(json!({"method": method, "agents": agents, "queued": size, "join": join, "serve": serve}));
        }
    }
    json!({"rows": rows})
}

fn snapshot(config_path: &str, corpus_path: &str, out_dir: &str, sizes: &[String]) -> Value {
    let (_, config) = common::config(config_path);
    let texts = corpus(corpus_path);
    let mut rows = Vec::new();
    for size in sizes {
        let n: usize = size
            .parse()
            .unwrap_or_else(|_| fail(&format!("size {size:?}")));
        let mut engine = snapshot_state(&config, n, &texts);
        let mut ser = Vec::new();
        let mut text = String::new();
        for _ in 0..3 {
            let t = Instant::now();
            text = serde_json::to_string(engine.state())
                .unwrap_or_else(|e| fail(&format!("serialise: {e}")));
            ser.push(t.elapsed().as_nanos() as f64);
        }
        let mut restore = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            let restored = Engine::restore_json(config.clone(), &text)
                .unwrap_or_else(|e| fail(&format!("restore: {e}")));
            restore.push(t.elapsed().as_nanos() as f64);
            black_box(restored);
        }
        let path = format!("{out_dir}/state-{n}.json");
        std::fs::write(&path, &text).unwrap_or_else(|e| fail(&format!("cannot write {path}: {e}")));
        // One more customer message in an existing conversation, spread over all of them.
        let count = 2_000;
        let mut per_input = Vec::new();
        for run in 0..3 {
            let t = Instant::now();
            for k in 0..count {
                let c = (k * 7919 + run * 31) % n;
                let inp = input(&json!({"type": "customer_message", "conversation_id": format!("conv_{c}"), "text": "ok, and when will it arrive?"}).to_string());
                let out = engine
                    .handle(inp, START_MS + 1_000 + (run * count + k) as i64)
                    .unwrap_or_else(|e| fail(&format!("input: {e}")));
                black_box(out);
            }
            per_input.push(t.elapsed().as_nanos() as f64 / count as f64);
        }
        rows.push(json!({
            "conversations": n,
            "bytes": text.len(),
            "serialise_ns": ser,
            "restore_ns": restore,
            "input_ns": per_input,
            "file": path,
        }));
    }
    json!({"rows": rows})
}
