//! Step `service`: `handoff serve` posting customer messages, driven by `wrk` on loopback.
//!
//! Builds the `handoff` binary like the wasmtime runner (bench profile without LTO, the abi wasm
//! embedded), starts it on a free loopback port with a fresh SQLite file (WAL, `synchronous=FULL`:
//! every answer waits for its commit), and runs `wrk` with `bench/service.lua` (one customer
//! message per request, over 10,000 conversations) [`RUNS`] times. `wrk` is installed with apt
//! when missing (as root), like the browser for the tests.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::Bench;
use crate::Failure;

/// wrk runs.
const RUNS: usize = 3;
/// Seconds per wrk run.
const SECONDS: u32 = 10;
/// Open connections.
const CONNECTIONS: u32 = 64;

/// A `handoff serve` started by a bench step: a fresh SQLite file, a free loopback port.
pub(crate) struct Service {
    child: Child,
    /// Its loopback port.
    pub port: u16,
    /// The widget backend's token.
    pub widget: String,
}

impl Service {
    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// SIGTERM (a graceful stop, which writes the final snapshot), then makes sure it is gone.
    /// An error when it did not stop cleanly within `grace`: numbers from a service that could not
    /// write its final snapshot would be worthless.
    pub fn stop(mut self, grace: Duration) -> Result<(), Failure> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + grace;
        let mut stopped = None;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                stopped = Some(status);
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        match stopped {
            Some(status) if status.success() => Ok(()),
            Some(status) => Err(Failure::new(format!(
                "handoff serve did not stop cleanly after the runs ({status}); see its log above"
            ))),
            None => Err(Failure::new(format!(
                "handoff serve did not stop within {} s of SIGTERM after the runs",
                grace.as_secs()
            ))),
        }
    }
}

/// Starts `handoff serve` (the binary step `build` made) on the seed configuration with a fresh
/// SQLite file in `target/bench/NAME/`, the widget and admin tokens, and `agents`
/// (`agent_id=token,…`, empty for none); returns once it listens.
pub(crate) fn start(bench: &mut Bench, name: &str, agents: &str) -> Result<Service, Failure> {
    let dir = bench.dir.join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::new(format!("cannot create {}: {e}", dir.display())))?;
    start_in(bench, &dir, agents)
}

/// As [`start`], on the SQLite file `dir/bench.db` as it is (a copy of one a stopped service
/// left: the service restores its state from it).
pub(crate) fn start_in(bench: &mut Bench, dir: &Path, agents: &str) -> Result<Service, Failure> {
    let binary = build(bench)?;
    let port = free_port()?;
    let widget = format!("bench_widget_token_{}", std::process::id());
    let admin = format!("bench_admin_token_{}", std::process::id());
    let config = bench.root.join("examples").join("handoff-settings.json");
    let child = Command::new(&binary)
        .args(["serve", "--config"])
        .arg(&config)
        .arg("--db")
        .arg(dir.join("bench.db"))
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("HANDOFF_WIDGET_TOKEN", &widget)
        .env("HANDOFF_ADMIN_TOKEN", &admin)
        .env("HANDOFF_AGENT_TOKENS", agents)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| Failure::new(format!("cannot start {}: {e}", binary.display())))?;
    let mut service = Service {
        child,
        port,
        widget,
    };
    // The service prints its banner once it listens.
    let Some(stdout) = service.child.stdout.take() else {
        let _ = service.stop(Duration::from_secs(10));
        return Err(Failure::new("no stdout from handoff serve"));
    };
    let mut lines = BufReader::new(stdout).lines();
    let ready = lines.any(|l| l.is_ok_and(|l| l.contains("listening on")));
    if !ready {
        let _ = service.stop(Duration::from_secs(10));
        return Err(Failure::new("handoff serve stopped before it listened"));
    }
    std::thread::spawn(move || for _ in lines {});
    Ok(service)
}

/// Step `service`.
pub fn run(bench: &mut Bench) -> Result<(), Failure> {
    ensure_wrk()?;
    let service = start(bench, "service", "")?;
    let result = measure(bench, &service);
    let stopped = service.stop(Duration::from_secs(60));
    result?;
    stopped
}

/// wrk's arguments for `seconds` of `bench/service.lua` against `url`, and the command line
/// as shown in the report (the token left out).
pub(crate) fn wrk_args(bench: &Bench, url: &str, seconds: u32) -> (Vec<String>, String) {
    let script = bench.root.join("bench").join("service.lua");
    let args: Vec<String> = vec![
        "-t2".into(),
        format!("-c{CONNECTIONS}"),
        format!("-d{seconds}s"),
        "--latency".into(),
        "-s".into(),
        script.to_string_lossy().into_owned(),
        url.to_string(),
    ];
    let shown = format!(
        "HANDOFF_WIDGET_TOKEN=… wrk {}",
        args.join(" ")
            .replace(&bench.root.to_string_lossy().to_string(), ".")
    );
    (args, shown)
}

/// One wrk run: its numbers ([`parse_wrk`]); an error when any request was refused.
pub(crate) fn wrk_run(args: &[String], widget: &str) -> Result<Value, Failure> {
    let out = Command::new("wrk")
        .args(args)
        .env("HANDOFF_WIDGET_TOKEN", widget)
        .output()
        .map_err(|e| Failure::new(format!("cannot run wrk: {e}")))?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        return Err(Failure::new(format!("wrk failed: {text}")));
    }
    let parsed = parse_wrk(&text)
        .ok_or_else(|| Failure::new(format!("cannot read wrk's output:\n{text}")))?;
    println!("{parsed}");
    if parsed["non_2xx"].as_u64().unwrap_or(0) > 0 {
        return Err(Failure::new(format!(
            "{} requests were refused by the service; wrk said:\n{text}",
            parsed["non_2xx"]
        )));
    }
    Ok(parsed)
}

fn measure(bench: &mut Bench, service: &Service) -> Result<(), Failure> {
    let (args, shown) = wrk_args(bench, &service.url(), SECONDS);
    bench.results.service_command = Some(shown.clone());
    for run in 1..=RUNS {
        println!("--- [{run}/{RUNS}] {shown}");
        let parsed = wrk_run(&args, &service.widget)?;
        bench.results.service.push(parsed);
    }
    Ok(())
}

/// Requests/s, latency percentiles and errors from wrk's `--latency` output.
pub fn parse_wrk(text: &str) -> Option<Value> {
    let mut rps = None;
    let mut p50 = None;
    let mut p99 = None;
    let mut requests = None;
    let mut non_2xx = 0u64;
    let mut socket_errors = 0u64;
    for line in text.lines() {
        let t = line.trim();
        if let Some(v) = t.strip_prefix("Requests/sec:") {
            rps = v.trim().parse::<f64>().ok();
        } else if let Some(v) = t.strip_prefix("50%") {
            p50 = duration_ms(v.trim());
        } else if let Some(v) = t.strip_prefix("99%") {
            p99 = duration_ms(v.trim());
        } else if let Some(v) = t.strip_prefix("Non-2xx or 3xx responses:") {
            non_2xx = v.trim().parse().unwrap_or(0);
        } else if t.starts_with("Socket errors:") {
            socket_errors = t
                .split(|c: char| !c.is_ascii_digit())
                .filter_map(|n| n.parse::<u64>().ok())
                .sum();
        } else if t.contains("requests in") {
            requests = t
                .split_whitespace()
                .next()
                .and_then(|n| n.parse::<u64>().ok());
        }
    }
    Some(json!({
        "rps": rps?, "p50_ms": p50?, "p99_ms": p99?, "requests": requests?,
        "non_2xx": non_2xx, "socket_errors": socket_errors,
    }))
}

/// `1.23ms`, `456.00us`, `1.20s` → milliseconds.
fn duration_ms(v: &str) -> Option<f64> {
    let (num, scale) = if let Some(n) = v.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = v.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, 1000.0)
    } else {
        return None;
    };
    num.parse::<f64>().ok().map(|x| x * scale)
}

fn free_port() -> Result<u16, Failure> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| Failure::new(format!("no free loopback port: {e}")))
}

pub(crate) fn ensure_wrk() -> Result<(), Failure> {
    if Command::new("wrk").arg("--version").output().is_ok() {
        return Ok(());
    }
    let how = "install it with `apt-get install -y wrk` (as root)";
    println!("--- apt-get install -y wrk");
    let ok = Command::new("apt-get")
        .args(["install", "-y", "-qq", "wrk"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .is_ok_and(|s| s.success());
    if ok && Command::new("wrk").arg("--version").output().is_ok() {
        Ok(())
    } else {
        Err(Failure::new(format!(
            "the service benchmark needs wrk, which is not installed: {how}"
        )))
    }
}

/// `cargo build --profile bench -p handoff-native --bin handoff` with the wasmtime runner's
/// settings (shares its build), the abi wasm embedded.
/// The `handoff` binary step `build` made (built now if that step did not run: `--only service`).
fn build(bench: &mut Bench) -> Result<PathBuf, Failure> {
    super::steps::ensure_built(bench)?;
    Ok(super::steps::handoff_bin(bench))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrk_output_is_read() {
        let text = "Running 10s test @ http://127.0.0.1:1\n  2 threads and 64 connections\n  Latency Distribution\n     50%    2.10ms\n     75%    3.00ms\n     90%    4.00ms\n     99%  850.00us\n  41234 requests in 10.00s, 9.10MB read\n  Non-2xx or 3xx responses: 3\nRequests/sec:   4123.40\nTransfer/sec:      0.91MB\n";
        let v = parse_wrk(text).unwrap();
        assert_eq!(v["rps"], 4123.4);
        assert_eq!(v["p50_ms"], 2.1);
        assert_eq!(v["p99_ms"], 0.85);
        assert_eq!(v["requests"], 41234);
        assert_eq!(v["non_2xx"], 3);
    }
}
