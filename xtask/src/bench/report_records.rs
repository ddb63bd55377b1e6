//! The report's sections on records (issue 21): the service's latency with a grown state (step
//! `service-state`), and the per-input persistence cost against the whole state (steps `records`
//! and `records-workerd`).

use std::fmt::Write as _;

use serde_json::Value;

use super::service_state::{median_of, PER_CONVERSATION, RUNS, SECONDS};
use super::stats::{bytes, ratio, thousands};
use super::Results;

/// Budget: the service's p99 within this many times its p50, however many messages came before.
pub const P99_OVER_P50: f64 = 3.0;

fn verdict(met: bool, by: String) -> String {
    if met {
        format!("**met** ({by})")
    } else {
        format!("**MISSED** ({by})")
    }
}

/// `(messages handled before, p50 ms, p99 ms)` of each size of step `service-state`.
fn latencies(r: &Results) -> Vec<(u64, Option<f64>, Option<f64>)> {
    r.service_state
        .iter()
        .map(|row| {
            (
                row["messages"].as_u64().unwrap_or(0),
                median_of(row, "p50_ms"),
                median_of(row, "p99_ms"),
            )
        })
        .collect()
}

/// The budget row of step `service-state` (empty when it did not run): p99 within 3× of p50 at
/// the largest size.
pub fn service_state_budget(r: &Results) -> String {
    let Some(&(messages, Some(p50), Some(p99))) = latencies(r).last() else {
        return String::new();
    };
    let x = p99 / p50;
    let met = x <= P99_OVER_P50;
    format!(
        "| service p99 within 3× of p50 with {} messages handled before | p50 {p50:.2} ms, p99 {p99:.2} ms: {} | {} |\n",
        thousands(messages),
        ratio(x),
        verdict(
            met,
            if met {
                format!("{} under", ratio(P99_OVER_P50 / x))
            } else {
                format!("{} over", ratio(x / P99_OVER_P50))
            }
        )
    )
}

/// Prints what step `service-state` measured (progress output, and all that `--only` shows).
pub fn print_service_state(r: &Results) {
    for (messages, p50, p99) in latencies(r) {
        if let (Some(p50), Some(p99)) = (p50, p99) {
            println!(
                "after {} messages: p50 {p50:.2} ms, p99 {p99:.2} ms, p99/p50 {}",
                thousands(messages),
                ratio(p99 / p50)
            );
        }
    }
}

/// Section: the service with a grown state.
pub fn service_state(r: &Results) -> String {
    let mut s = String::from("## Service with a grown state\n\n");
    if r.service_state.is_empty() {
        s.push_str("Not measured in this run (step `service-state`).\n\n");
        return s;
    }
    let command = r.service_state[0]["wrk_command"].as_str().unwrap_or("wrk");
    let _ = writeln!(
        s,
        "Whether the service's latency still grows with its state. Before each size, the wasmtime runner's \
         `preload` mode drives the engine natively through that many customer messages ({PER_CONVERSATION} \
         in each of the conversations `pre_0` …, the corpus's texts, on the seed configuration the service \
         runs, a millisecond apart and ending now) and writes every record to a fresh SQLite file in one \
         commit: what the service's own commits would have left (the state's rows, the journal trimmed), \
         built in seconds instead of the minutes the same messages take over HTTP. `handoff serve` starts \
         on that file (restoring the state from its rows), and wrk posts customer messages as in Service \
         (`bench/service.lua`, 64 connections, to its own conversations `bench_*`, so the conversations \
         written to are alike at every size and only the state around them grows), {RUNS} runs of \
         {SECONDS} s each; medians of the runs. With whole-state snapshots the p99 was 349 ms at a p50 \
         of 1.85 ms, and it grew with the state (about 1.8 s at 100 MB).\n\n\
         Command: `{command}`\n"
    );
    s.push_str(
        "| messages handled before | state (records, bytes of JSON; SQLite file) | start (restore from the rows) | messages/s | p50 | p99 | p99 / p50 |\n\
         | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    let mut first_p99 = None;
    let mut last = None;
    for row in &r.service_state {
        let p = &row["preload"];
        let p50 = median_of(row, "p50_ms");
        let p99 = median_of(row, "p99_ms");
        let rps = median_of(row, "rps");
        let ms = |x: Option<f64>| x.map_or("–".into(), |x| format!("{x:.2} ms"));
        let _ = writeln!(
            s,
            "| {} | {} records, {}; {} | {:.1} s | {} | {} | {} | {} |",
            thousands(row["messages"].as_u64().unwrap_or(0)),
            thousands(p["records"].as_u64().unwrap_or(0)),
            bytes(p["record_bytes"].as_u64().unwrap_or(0)),
            bytes(row["db_bytes"].as_u64().unwrap_or(0)),
            row["start_s"].as_f64().unwrap_or(f64::NAN),
            rps.map_or("–".into(), |x| thousands(x as u64)),
            ms(p50),
            ms(p99),
            match (p50, p99) {
                (Some(a), Some(b)) => ratio(b / a),
                _ => "–".into(),
            },
        );
        first_p99 = first_p99.or(p99);
        last = Some((row["messages"].as_u64().unwrap_or(0), p99));
    }
    s.push('\n');
    if let (Some(first), Some((messages, Some(p99)))) = (first_p99, last) {
        let _ = writeln!(
            s,
            "From the smallest state to {} messages handled the p99 goes from {first:.2} ms to {p99:.2} ms \
             ({}): each group commit writes the records its inputs changed, whatever the size of the rest \
             of the state, and nothing pauses the engine thread for the whole state any more. Budget: p99 \
             within {P99_OVER_P50}× of p50 (see Budgets).\n",
            thousands(messages),
            ratio(p99 / first)
        );
    }
    s
}

/// Section: per-input persistence, changed records against the whole state.
pub fn records(r: &Results) -> String {
    let mut s = String::from(
        "## Persistence per input: records against the whole state\n\n\
         What storing one more customer message costs with N conversations open (one customer message \
         each), spread over all N.\n\n\
         - `handoff serve` (wasmtime runner `records`): the change set (`Host::take_changes`) and the \
         commit of the journal entry with the changed records (`SqliteStore`, `synchronous=FULL`: the \
         fsync dominates), against `Host::state_json` and the whole state written in one SQLite \
         transaction.\n\
         - `HandoffHost` with `DurableObjectStore` (`bench/records_bench.mjs`, on an in-memory stand-in \
         for the Durable Object's storage, so the host's and the engine's work, not a disk): `handle` \
         with the changed records written, against the same state restored into a host whose store \
         has only `load`/`save` (the whole state saved, in 60,000-character chunks, after every input). \
         Keys and characters: what the storage was given per input.\n\n\
         | conversations | serve: records p50 / p99 | serve: whole state p50 | state bytes | records per input | HandoffHost + DO: records p50 / p99 | keys, characters per input | HandoffHost + DO: whole state p50 / p99 | keys, characters per input |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    let rows = |v: &Option<Value>| {
        v.as_ref()
            .and_then(|v| v["rows"].as_array().cloned())
            .unwrap_or_default()
    };
    let serve = rows(&r.records);
    let node = rows(&r.records_node);
    let ms = |v: &Value| v.as_f64().map_or("–".into(), |x| format!("{x:.3} ms"));
    let ns_ms = |v: &Value| {
        v.as_f64()
            .map_or("–".into(), |x| format!("{:.3} ms", x / 1e6))
    };
    let written = |v: &Value| match (v["keys_per_input"].as_f64(), v["chars_per_input"].as_f64()) {
        (Some(k), Some(c)) => format!("{k:.1}, {}", thousands(c.round() as u64)),
        _ => "–".into(),
    };
    if serve.is_empty() && node.is_empty() {
        s.push_str("| (step `records` did not run) | | | | | | | | |\n\n");
    } else {
        for i in 0..serve.len().max(node.len()) {
            let row = serve.get(i).cloned().unwrap_or(Value::Null);
            let n = node.get(i).cloned().unwrap_or(Value::Null);
            let size = row["conversations"]
                .as_u64()
                .or(n["conversations"].as_u64())
                .unwrap_or(0);
            let _ = writeln!(
                s,
                "| {} | {} / {} | {} | {} | {} | {} / {} | {} | {} / {} | {} |",
                thousands(size),
                ns_ms(&row["records_p50_ns"]),
                ns_ms(&row["records_p99_ns"]),
                ns_ms(&row["whole_state_p50_ns"]),
                row["whole_state_bytes"]
                    .as_u64()
                    .map_or("–".into(), thousands),
                row["changed_per_input"]
                    .as_f64()
                    .map_or("–".into(), |x| format!("{x:.1}")),
                ms(&n["records"]["p50_ms"]),
                ms(&n["records"]["p99_ms"]),
                written(&n["records"]),
                ms(&n["whole_state"]["p50_ms"]),
                ms(&n["whole_state"]["p99_ms"]),
                written(&n["whole_state"]),
            );
        }
        s.push('\n');
        let p50 = |v: &Value| v["records"]["p50_ms"].as_f64();
        if let (Some(a), Some(b)) = (node.first(), node.last()) {
            if let (Some(x), Some(y)) = (p50(a), p50(b)) {
                if node.len() > 1 {
                    let _ = writeln!(
                        s,
                        "`HandoffHost` with records: {} per input at {} conversations, {} at {} ({}); the whole state grows with them.\n",
                        format_args!("{x:.3} ms"),
                        thousands(a["conversations"].as_u64().unwrap_or(0)),
                        format_args!("{y:.3} ms"),
                        thousands(b["conversations"].as_u64().unwrap_or(0)),
                        ratio(y / x),
                    );
                }
            }
        }
    }
    s.push_str(&workerd(r));
    s
}

/// The Durable Object store under workerd (step `records-workerd`).
fn workerd(r: &Results) -> String {
    let mut s = String::from(
        "### The Durable Object store under workerd\n\n\
         The worker example (`host-node/examples/worker`: its `HandoffTenant` Durable Object, \
         `DurableObjectStore` on workerd's SQLite-backed storage on disk) under the real workerd \
         (`bench/records_workerd.mjs`): N conversations opened in one tenant over HTTP, then customer \
         messages to conversations spread over all N, one at a time, each timed from request to answer on \
         loopback (the route, the engine, the changed records written, and workerd's output gate holding \
         the answer until the write is durable); the same on a tenant with 10 conversations. Then workerd \
         killed and started on the same storage: the first input to a tenant without records (a cold object) \
         against the first input to the N-conversation tenant (a cold object that restores every record \
         first), each after a throwaway request that pays for workerd's own start.\n\n",
    );
    let rows = r
        .records_workerd
        .as_ref()
        .and_then(|v| v["rows"].as_array().cloned())
        .unwrap_or_default();
    if rows.is_empty() {
        s.push_str("Not measured in this run (step `records-workerd`).\n\n");
        return s;
    }
    s.push_str(
        "| conversations | ms per input, p50 / p99 | with 10 conversations, p50 / p99 | first input after a restart: no records / N conversations restored (median) | restore, the difference |\n\
         | --- | --- | --- | --- | --- |\n",
    );
    for row in &rows {
        let f = |v: &Value| v.as_f64().map_or("–".into(), |x| format!("{x:.2} ms"));
        let restarts = row["restarts"].as_array().cloned().unwrap_or_default();
        let median = |key: &str| {
            let xs: Vec<f64> = restarts.iter().filter_map(|x| x[key].as_f64()).collect();
            super::stats::Spread::of(&xs).map(|s| s.median)
        };
        let (empty, restored) = (median("empty_first_ms"), median("restored_first_ms"));
        let _ = writeln!(
            s,
            "| {} | {} / {} | {} / {} | {} / {} | {} |",
            thousands(row["conversations"].as_u64().unwrap_or(0)),
            f(&row["p50_ms"]),
            f(&row["p99_ms"]),
            f(&row["small"]["p50_ms"]),
            f(&row["small"]["p99_ms"]),
            empty.map_or("–".into(), |x| format!("{x:.1} ms")),
            restored.map_or("–".into(), |x| format!("{x:.1} ms")),
            match (empty, restored) {
                (Some(a), Some(b)) => format!("{:.1} ms", b - a),
                _ => "–".into(),
            },
        );
    }
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn wrk(p50: f64, p99: f64) -> Value {
        json!({"rps": 12_000.0, "p50_ms": p50, "p99_ms": p99})
    }

    #[test]
    fn service_state_rows_and_budget() {
        let row = |messages: u64, p99: f64| {
            json!({"messages": messages, "db_bytes": 1_000_000, "start_s": 1.5,
                   "preload": {"records": 101, "record_bytes": 500_000},
                   "runs": [wrk(4.0, p99), wrk(5.0, p99 + 1.0), wrk(4.5, p99 + 2.0)],
                   "wrk_command": "wrk -t2"})
        };
        let r = Results {
            service_state: vec![row(10_000, 9.0), row(1_000_000, 12.0)],
            ..Results::default()
        };
        let text = service_state(&r);
        assert!(
            text.contains("| 1,000,000 | 101 records, 500,000 B (488.3 KiB); 1,000,000 B (976.6 KiB) | 1.5 s | 12,000 | 4.50 ms | 13.00 ms | 2.89× |"),
            "{text}"
        );
        assert!(text.contains("from 10.00 ms to 13.00 ms (1.30×)"), "{text}");
        assert!(service_state_budget(&r).contains("**met** (1.04× under)"));
        let r = Results {
            service_state: vec![row(1_000_000, 40.0)],
            ..Results::default()
        };
        assert!(service_state_budget(&r).contains("**MISSED**"));
        assert!(service_state_budget(&Results::default()).is_empty());
        assert!(service_state(&Results::default()).contains("Not measured"));
    }

    #[test]
    fn records_rows_from_serve_node_and_workerd() {
        let r = Results {
            records: Some(json!({"rows": [
                {"conversations": 1000, "records_p50_ns": 230_000.0, "records_p99_ns": 480_000.0,
                 "whole_state_p50_ns": 14e6, "whole_state_bytes": 2_281_062, "changed_per_input": 2.0},
            ]})),
            records_node: Some(json!({"rows": [
                {"conversations": 1000, "records": {"p50_ms": 0.03, "p99_ms": 0.6, "keys_per_input": 2.0, "chars_per_input": 1234.4},
                 "whole_state": {"p50_ms": 1.7, "p99_ms": 2.9, "keys_per_input": 39.0, "chars_per_input": 2_281_062.0}},
                {"conversations": 100000, "records": {"p50_ms": 0.033, "p99_ms": 0.07, "keys_per_input": 2.0, "chars_per_input": 1240.0},
                 "whole_state": {"p50_ms": 180.0, "p99_ms": 200.0, "keys_per_input": 1200.0, "chars_per_input": 72e6}},
            ]})),
            records_workerd: Some(json!({"rows": [
                {"conversations": 10000, "p50_ms": 1.5, "p99_ms": 3.0, "small": {"p50_ms": 1.4, "p99_ms": 2.8},
                 "restarts": [{"empty_first_ms": 20.0, "restored_first_ms": 120.0}, {"empty_first_ms": 22.0, "restored_first_ms": 130.0}]},
            ]})),
            ..Results::default()
        };
        let text = records(&r);
        assert!(
            text.contains("| 1,000 | 0.230 ms / 0.480 ms | 14.000 ms | 2,281,062 | 2.0 | 0.030 ms / 0.600 ms | 2.0, 1,234 | 1.700 ms / 2.900 ms | 39.0, 2,281,062 |"),
            "{text}"
        );
        assert!(
            text.contains("| 100,000 | – / – | – | – | – | 0.033 ms / 0.070 ms | 2.0, 1,240 |"),
            "{text}"
        );
        assert!(
            text.contains("0.030 ms per input at 1,000 conversations, 0.033 ms at 100,000 (1.10×)"),
            "{text}"
        );
        assert!(
            text.contains("| 10,000 | 1.50 ms / 3.00 ms | 1.40 ms / 2.80 ms | 22.0 ms / 130.0 ms | 108.0 ms |"),
            "{text}"
        );
        let none = records(&Results::default());
        assert!(none.contains("(step `records` did not run)"));
        assert!(none.contains("Not measured in this run (step `records-workerd`)"));
    }
}
