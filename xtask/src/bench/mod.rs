//! `cargo xtask bench`: builds what it needs, runs every benchmark on this machine and rewrites
//! `BENCHMARKS.md` from the numbers of this one run.
//!
//! The runners are separate programs, each printing one JSON object:
//! - `core/benches/native.rs` (the engine natively, release build),
//! - `host-native/benches/wasmtime.rs` (the abi build through `handoff_native::Host`),
//! - `bench/node_bench.mjs` (the npm package's `Engine.handleJson`, js build),
//! - `bench/vader_peer.py` (the peer: vaderSentiment 3.3.2 in a venv under `target/bench/`).
//!
//! They all read the same corpus (`target/bench/corpus.jsonl`, generated here from a fixed seed)
//! and configuration (`bench/config.json`). Each section of the report is one function in
//! [`report`]; a new benchmark adds a step here and a section there. Nothing here is a test.

pub mod agreement;
mod breakdown;
pub mod corpus;
mod http;
mod plan;
mod reads;
mod report;
mod report_records;
mod service;
mod service_state;
pub mod stats;
mod steps;

use std::path::PathBuf;
use std::time::Instant;

use serde_json::Value;

use crate::Failure;

/// How many times each per-message runner goes over the whole corpus.
pub const RUNS: usize = 5;
/// Fresh Node processes for the cold start.
pub const NODE_COLD_RUNS: usize = 10;
/// `Host::new` + first decision repetitions for the wasmtime cold start.
pub const WASMTIME_COLD_REPS: usize = 200;
/// Largest routing size (queued conversations; agents stop at 10,000).
pub const ROUTING_MAX: usize = 100_000;
/// Conversations in the snapshot states.
pub const SNAPSHOT_SIZES: [usize; 2] = [1_000, 100_000];
/// Open conversations for the per-input persistence cost of records (step `records`;
/// `BENCH_RECORDS_SIZES` replaces them).
pub const RECORDS_SIZES: [usize; 2] = [1_000, 100_000];
/// Open conversations for the Durable Object store under workerd (step `records-workerd`;
/// `BENCH_RECORDS_WORKERD_SIZES` replaces them).
pub const RECORDS_WORKERD_SIZES: [usize; 1] = [10_000];

/// The sizes a step measures: `default`, or the comma-separated list in the environment variable
/// `var` (a quick look at small sizes while working on a step; the report shows what ran).
pub fn sizes_from_env(var: &str, default: &[usize]) -> Result<Vec<usize>, Failure> {
    let Ok(text) = std::env::var(var) else {
        return Ok(default.to_vec());
    };
    text.split(',')
        .map(|n| {
            n.trim()
                .parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    Failure::new(format!(
                        "{var}: {n:?} is not a positive number (expected sizes such as 1000,20000)"
                    ))
                })
        })
        .collect()
}

/// Everything measured in one run, as the runners reported it (raw JSON), for [`report`].
#[derive(Default)]
pub struct Results {
    /// Cores, CPU, memory, OS, tool versions.
    pub machine: Vec<(String, String)>,
    /// When the run started (UTC).
    pub date: String,
    /// Commands run, in order, as one would type them.
    pub commands: Vec<String>,
    /// Native `decision`.
    pub native: Option<Value>,
    /// Native `sentiment` (our compound scores and the scorer's time alone).
    pub sentiment: Option<Value>,
    /// Native `stages`.
    pub stages: Option<Value>,
    /// wasmtime `decision`.
    pub wasmtime: Option<Value>,
    /// wasmtime `coldstart`.
    pub wasmtime_cold: Option<Value>,
    /// Node `decision`.
    pub node: Option<Value>,
    /// Node `coldstart`, one per fresh process, with the process's wall time (`process_ms`).
    pub node_cold: Vec<Value>,
    /// Native cold starts, one fresh process each: configuration, engine, first and second decision.
    pub native_cold: Vec<Value>,
    /// vaderSentiment.
    pub peer: Option<Value>,
    /// The corpus, for the disagreement examples.
    pub corpus: Vec<String>,
    /// Native `routing`.
    pub routing: Option<Value>,
    /// Native `snapshot`.
    pub snapshot: Option<Value>,
    /// wasmtime `snapshot`.
    pub wasmtime_snapshot: Option<Value>,
    /// `handoff serve` under wrk: one entry per run (`rps`, `p50_ms`, `p99_ms`, `requests`, `errors`).
    pub service: Vec<Value>,
    /// The wrk command line of the service runs.
    pub service_command: Option<String>,
    /// wasmtime runner `queue`: a queue page natively and in wasmtime at 10,000 and 100,000
    /// queued, and the whole state serialised (the old way).
    pub queries: Option<Value>,
    /// Step `service-queue`: `GET /v1/queue` over HTTP, and wrk with and without queue reads.
    pub service_queue: Option<Value>,
    /// Step `records`: per-input persistence, records against the whole state: `handoff serve`'s
    /// store (wasmtime runner `records`) and `HandoffHost` with the Durable Object store
    /// (`bench/records_bench.mjs`).
    pub records: Option<Value>,
    /// The Node half of step `records`.
    pub records_node: Option<Value>,
    /// Step `records-workerd`: the worker example's Durable Object store under workerd
    /// (`bench/records_workerd.mjs`).
    pub records_workerd: Option<Value>,
    /// Step `service-state`: per size, the preloaded state and the wrk runs on it.
    pub service_state: Vec<Value>,
    /// Module sizes: (what, path, raw, gzip, after wasm-opt raw, after wasm-opt gzip).
    pub sizes: Vec<report::Size>,
    /// Why wasm-opt sizes are missing, if they are.
    pub wasm_opt_note: Option<String>,
    /// What the widget build is made of, or why that could not be read.
    pub widget_breakdown: Option<Result<breakdown::Breakdown, String>>,
    /// Hot spots when a budget is missed: (what was profiled, how, lines).
    pub profiles: Vec<(String, String, Vec<String>)>,
    /// The agreement tables (sentiment and requests against the labelled sets), as Markdown.
    pub agreement: Option<String>,
    /// Time each step took.
    pub step_times: Vec<(String, f64)>,
}

/// One step of the bench: a name for the progress lines, and what it does.
struct Step {
    name: &'static str,
    shows: &'static str,
    run: fn(&mut Bench) -> Result<(), Failure>,
}

/// The bench in progress: where things are and what has been measured.
pub struct Bench {
    /// The workspace root.
    pub root: PathBuf,
    /// `target/bench/`.
    pub dir: PathBuf,
    /// What has been measured.
    pub results: Results,
    /// Whether step `build` ran in this run (steps that run a built program build first if not,
    /// so `--only native` never measures a stale executable).
    pub built: bool,
}

impl Bench {
    /// The corpus file.
    pub fn corpus_path(&self) -> PathBuf {
        self.dir.join("corpus.jsonl")
    }

    /// `bench/config.json`.
    pub fn config_path(&self) -> PathBuf {
        self.root.join("bench").join("config.json")
    }
}

/// Cargo's target directory (`CARGO_TARGET_DIR` or `target/`), as the wasm steps use it.
pub fn target_dir() -> PathBuf {
    let root = crate::demo::workspace_root();
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

fn all_steps() -> Vec<Step> {
    vec![
        Step {
            name: "machine",
            shows: "cores, CPU, memory, tool versions",
            run: steps::machine,
        },
        Step {
            name: "wasm",
            shows: "cargo xtask wasm (abi and js builds)",
            run: steps::wasm,
        },
        Step {
            name: "corpus",
            shows: "10,000 messages from a fixed seed -> target/bench/corpus.jsonl",
            run: steps::corpus,
        },
        Step {
            name: "build",
            shows: "one cargo build (bench profile): the native and wasmtime runners, the handoff binary",
            run: steps::build,
        },
        Step {
            name: "peer-venv",
            shows: "python3 -m venv target/bench/venv; pip install -r bench/requirements.txt",
            run: steps::venv,
        },
        Step {
            name: "native",
            shows: "native decision, sentiment, stages",
            run: steps::native,
        },
        Step {
            name: "wasmtime",
            shows: "wasmtime decision and cold start",
            run: steps::wasmtime,
        },
        Step {
            name: "node",
            shows: "node bench/node_bench.mjs decision, cold start in fresh processes",
            run: steps::node,
        },
        Step {
            name: "peer",
            shows: "vaderSentiment 3.3.2 polarity_scores on the corpus",
            run: steps::peer,
        },
        Step {
            name: "agreement",
            shows: "ours, vaderSentiment and npm sentiment against bench/sentiment/lines.tsv; requests against bench/requests/lines.tsv (no timing: the quick mode is --only agreement)",
            run: agreement::agreement,
        },
        Step {
            name: "routing",
            shows: "routing at scale, 100 to 100,000 queued",
            run: steps::routing,
        },
        Step {
            name: "snapshot",
            shows: "state size and snapshot cost, 1,000 and 100,000 conversations",
            run: steps::snapshot,
        },
        Step {
            name: "sizes",
            shows: "wasm sizes raw, gzip, after wasm-opt (npm binaryen in target/bench/)",
            run: steps::sizes,
        },
        Step {
            name: "service",
            shows: "handoff serve (SQLite, durable commits) posting customer messages under wrk",
            run: crate::bench::service::run,
        },
        Step {
            name: "service-state",
            shows: "handoff serve under wrk with 10,000 and with 1,000,000 messages handled before (the state preloaded natively into its SQLite file)",
            run: service_state::run,
        },
        Step {
            name: "queries",
            shows: "a queue page at 10,000 and 100,000 queued, natively and in wasmtime, against the whole state",
            run: reads::queries,
        },
        Step {
            name: "service-queue",
            shows: "handoff serve: GET /v1/queue at 10,000 and 100,000 queued; messages under wrk with and without a queue read a second",
            run: reads::service_queue,
        },
        Step {
            name: "records",
            shows: "per-input persistence at 1,000 and 100,000 conversations: changed records against the whole state (serve's SQLite store; HandoffHost with the Durable Object store)",
            run: steps::records,
        },
        Step {
            name: "records-workerd",
            shows: "the worker example's Durable Object store under workerd at 10,000 conversations: ms per input, eager restore after a restart",
            run: steps::records_workerd,
        },
        Step {
            name: "profile",
            shows: "perf profile of what misses its budget",
            run: steps::profile,
        },
        Step {
            name: "write",
            shows: "rewrite BENCHMARKS.md",
            run: steps::write,
        },
    ]
}

/// `cargo xtask bench`: every step in order, printing progress; stops at the first failure.
///
/// With `only` non-empty, just those steps run (in the usual order) and `BENCHMARKS.md` is left
/// alone: for working on one part. An unknown step name is an error listing the known ones.
pub fn run(only: &[String]) -> Result<(), Failure> {
    let root = crate::demo::workspace_root();
    let dir = target_dir().join("bench");
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::new(format!("cannot create {}: {e}", dir.display())))?;
    let mut bench = Bench {
        root,
        dir,
        results: Results::default(),
        built: false,
    };
    let mut steps = all_steps();
    if !only.is_empty() {
        let known: Vec<&str> = steps.iter().map(|s| s.name).collect();
        if let Some(bad) = only.iter().find(|o| !known.contains(&o.as_str())) {
            return Err(Failure::new(format!(
                "bench: no step named {bad:?}; the steps are: {}",
                known.join(", ")
            )));
        }
        // The corpus is instant and every runner reads it.
        steps.retain(|s| {
            s.name != "write" && (s.name == "corpus" || only.iter().any(|o| o == s.name))
        });
    }
    let started = Instant::now();
    for (i, step) in steps.iter().enumerate() {
        println!(
            "==> [{}/{}] {}: {}",
            i + 1,
            steps.len(),
            step.name,
            step.shows
        );
        let t = Instant::now();
        let result = (step.run)(&mut bench);
        let took = t.elapsed().as_secs_f64();
        bench.results.step_times.push((step.name.to_string(), took));
        match result {
            Ok(()) => println!(
                "<== {} done in {took:.1}s (total {:.0}s)",
                step.name,
                started.elapsed().as_secs_f64()
            ),
            Err(f) => {
                println!("<== {} FAILED in {took:.1}s", step.name);
                return Err(
                    Failure::new(format!("bench step {}: {}", step.name, f.message)).code(f.code),
                );
            }
        }
    }
    if only.is_empty() {
        println!(
            "bench: BENCHMARKS.md rewritten in {:.0}s",
            started.elapsed().as_secs_f64()
        );
    } else {
        println!(
            "bench: {} step(s) done in {:.0}s; BENCHMARKS.md left as it was",
            steps.len(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
