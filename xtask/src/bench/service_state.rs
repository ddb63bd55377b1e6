//! Step `service-state`: `handoff serve`'s latency with a state that many messages have already
//! grown, to show that it no longer grows with the state (no whole-state snapshots).
//!
//! For each size M of [`PRELOADED`]: the wasmtime runner's `preload` mode drives the engine
//! natively through M customer messages ([`PER_CONVERSATION`] in each of the conversations
//! `pre_0` …, corpus texts, on the seed configuration the service runs) and writes every record to
//! a fresh SQLite file in one commit, what the service's own commits would have left there (the
//! journal trimmed). `handoff serve` starts on that file (restoring the state from its rows), and
//! wrk posts customer messages as in step `service` (`bench/service.lua`, its own conversations
//! `bench_*`, so what differs between the sizes is the state around them, not the history of the
//! conversations written to) [`RUNS`] times.
//!
//! `BENCH_SERVICE_STATE_MESSAGES=20000,50000` replaces the sizes (a quick look while working on
//! this step; the report then shows those sizes).

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::{service, Bench};
use crate::Failure;

/// Messages handled before the measured runs.
pub const PRELOADED: [usize; 2] = [10_000, 1_000_000];
/// Customer messages per preloaded conversation (so 100 and 10,000 conversations).
pub const PER_CONVERSATION: usize = 100;
/// wrk runs per size.
pub const RUNS: usize = 3;
/// Seconds per wrk run.
pub const SECONDS: u32 = 8;

/// Step `service-state`.
pub fn run(bench: &mut Bench) -> Result<(), Failure> {
    service::ensure_wrk()?;
    super::steps::ensure_built(bench)?;
    let corpus = bench.corpus_path();
    let config = bench.root.join("examples").join("handoff-settings.json");
    let dir = bench.dir.join("service-state");
    let mut rows = Vec::new();
    for messages in super::sizes_from_env("BENCH_SERVICE_STATE_MESSAGES", &PRELOADED)? {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .map_err(|e| Failure::new(format!("cannot create {}: {e}", dir.display())))?;
        let args: Vec<String> = vec![
            "preload".into(),
            config.to_string_lossy().into_owned(),
            corpus.to_string_lossy().into_owned(),
            dir.join("bench.db").to_string_lossy().into_owned(),
            messages.to_string(),
            PER_CONVERSATION.to_string(),
        ];
        let bin = super::steps::wasmtime_bin(bench);
        let out = super::steps::capture(bench, &bin.to_string_lossy(), &args)?;
        let preload = super::steps::last_json(&out, "wasmtime preload")?;
        let db_bytes = std::fs::metadata(dir.join("bench.db")).map_or(0, |m| m.len());

        let t = Instant::now();
        let svc = service::start_in(bench, &dir, "")?;
        let start_s = t.elapsed().as_secs_f64();
        println!(
            "--- handoff serve restored {} messages' state in {start_s:.1} s",
            super::stats::thousands(messages as u64)
        );
        let (args, shown) = service::wrk_args(bench, &svc.url(), SECONDS);
        let mut runs = Vec::new();
        let result = (|| {
            for run in 1..=RUNS {
                println!("--- [{run}/{RUNS}] after {messages} messages: {shown}");
                runs.push(service::wrk_run(&args, &svc.widget)?);
            }
            Ok(())
        })();
        let stop = svc.stop(Duration::from_secs(120));
        result?;
        stop?;
        rows.push(json!({
            "messages": messages,
            "preload": preload,
            "db_bytes": db_bytes,
            "start_s": start_s,
            "runs": runs,
            "wrk_command": shown,
        }));
    }
    let _ = std::fs::remove_dir_all(&dir);
    bench.results.service_state = rows;
    super::report_records::print_service_state(&bench.results);
    Ok(())
}

/// The medians of `key` over a row's wrk runs.
pub fn median_of(row: &Value, key: &str) -> Option<f64> {
    let xs: Vec<f64> = row["runs"]
        .as_array()?
        .iter()
        .filter_map(|r| r[key].as_f64())
        .collect();
    super::stats::Spread::of(&xs).map(|s| s.median)
}
