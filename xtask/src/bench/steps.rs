//! The steps of `cargo xtask bench`: each builds or runs one thing and keeps what it measured in
//! [`Results`](super::Results).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::Value;

use super::{report, Bench, NODE_COLD_RUNS, ROUTING_MAX, RUNS, SNAPSHOT_SIZES, WASMTIME_COLD_REPS};
use crate::process::shown;
use crate::Failure;

/// The bench programs and the `handoff` binary are built together, once, without fat LTO: fat LTO
/// over wasmtime, Cranelift and the service's dependencies takes longer than the whole bench may
/// (15 minutes on 2 cores from a clean clone), and the guest code the wasmtime runner measures is
/// compiled by Cranelift at run time, not by rustc. The engine crate itself is compiled as one
/// codegen unit, as in a release build, so the native numbers are what an embedder gets.
pub(crate) const BENCH_PROFILE: &[&str] = &[
    "--config",
    "profile.bench.lto=false",
    "--config",
    "profile.bench.codegen-units=16",
    "--config",
    "profile.bench.package.handoff-core.codegen-units=1",
];

/// binaryen's features the modules use (as `cargo xtask wasm`'s wasm-opt step).
const WASM_OPT_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// The binaryen release the size table uses (npm package `binaryen`).
const BINARYEN: &str = "binaryen@132.0.0";

fn os(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// `path` relative to the workspace root, for the commands shown in the report.
fn rel(bench: &Bench, p: &Path) -> String {
    p.strip_prefix(&bench.root)
        .unwrap_or(p)
        .display()
        .to_string()
}

/// Runs `program args` from the workspace root with stderr on the terminal; returns stdout.
pub(crate) fn capture(
    bench: &mut Bench,
    program: &str,
    args: &[String],
) -> Result<String, Failure> {
    let mut argv = vec![program.to_string()];
    argv.extend(args.iter().cloned());
    let line = argv
        .iter()
        .map(|a| {
            a.strip_prefix(&format!("{}/", bench.root.display()))
                .unwrap_or(a)
                .to_string()
        })
        .collect::<Vec<_>>()
        .join(" ");
    println!("--- {line}");
    bench.results.commands.push(line.clone());
    let out = Command::new(program)
        .args(args)
        .current_dir(&bench.root)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Failure::new(format!("`{line}` could not start: {e}")))?;
    if !out.status.success() {
        return Err(Failure::new(format!("`{line}` exited with {}", out.status)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The JSON object on the last line of a runner's output.
pub(crate) fn last_json(stdout: &str, what: &str) -> Result<Value, Failure> {
    let line = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let value = serde_json::from_str(line).map_err(|e| {
        Failure::new(format!(
            "{what} printed no JSON result ({e}); its last line: {line:.200}"
        ))
    })?;
    // Progress for whoever watches (and the only output of `cargo xtask bench --only`).
    let shown: String = line.chars().take(1500).collect();
    let more = if shown.len() < line.len() { " …" } else { "" };
    println!("--- {what}: {shown}{more}");
    Ok(value)
}

fn text_of(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Step `machine`.
pub fn machine(bench: &mut Bench) -> Result<(), Failure> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|r| r.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let mem_kib: u64 = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix("MemTotal:")
                .and_then(|r| r.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0);
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    bench.results.date = chrono::DateTime::from_timestamp(secs, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default();
    let m = &mut bench.results.machine;
    m.push(("CPU".into(), model));
    m.push(("cores".into(), cores.to_string()));
    m.push((
        "memory".into(),
        format!("{:.1} GiB", mem_kib as f64 / 1024.0 / 1024.0),
    ));
    m.push((
        "kernel".into(),
        text_of("uname", &["-sr"]).unwrap_or_default(),
    ));
    m.push((
        "load average at start".into(),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split(' ')
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
    ));
    m.push((
        "rustc".into(),
        text_of("rustc", &["--version"]).unwrap_or_default(),
    ));
    m.push((
        "node".into(),
        text_of("node", &["--version"]).unwrap_or_else(|| "missing".into()),
    ));
    m.push((
        "python3".into(),
        text_of("python3", &["--version"]).unwrap_or_else(|| "missing".into()),
    ));
    for (k, v) in m.iter() {
        println!("{k}: {v}");
    }
    Ok(())
}

/// Step `wasm`: the same steps as `cargo xtask wasm`.
pub fn wasm(bench: &mut Bench) -> Result<(), Failure> {
    bench.results.commands.push("cargo xtask wasm".into());
    crate::steps::run_all(&crate::steps::wasm_steps())?;
    bench.results.commands.push(format!(
        "cargo xtask wasm --zones-from {}",
        crate::zones::EXAMPLE_CONFIG
    ));
    crate::zones::build_example()
}

/// Step `corpus`.
pub fn corpus(bench: &mut Bench) -> Result<(), Failure> {
    let path = bench.corpus_path();
    bench.results.corpus = super::corpus::write(&path)?;
    let bytes: usize = bench.results.corpus.iter().map(String::len).sum();
    println!(
        "{} messages, {bytes} bytes of text, seed {:#x} -> {}",
        bench.results.corpus.len(),
        super::corpus::SEED,
        path.display()
    );
    Ok(())
}

/// What one cargo invocation builds for the bench: (target kind, target name, where it is copied).
fn bench_targets(bench: &Bench) -> [(&'static str, &'static str, PathBuf); 3] {
    [
        ("bench", "native", native_bin(bench)),
        ("bench", "wasmtime", wasmtime_bin(bench)),
        ("bin", "handoff", handoff_bin(bench)),
    ]
}

/// Step `build`: the native runner, the wasmtime runner and the `handoff` binary (with the abi
/// wasm embedded) in ONE cargo invocation, so every crate (wasmtime above all) is compiled once
/// with one set of features; the executables are copied to `target/bench/`.
pub fn build(bench: &mut Bench) -> Result<(), Failure> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut args: Vec<String> = [
        "build",
        "--profile",
        "bench",
        "--message-format=json-render-diagnostics",
        "-p",
        "handoff-core",
        "-p",
        "handoff-native",
        "--bench",
        "native",
        "--bench",
        "wasmtime",
        "--bin",
        "handoff",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(BENCH_PROFILE.iter().map(|s| s.to_string()));
    let line = format!(
        "HANDOFF_WASM=target/wasm/handoff_abi.wasm cargo {}",
        args.join(" ")
    );
    println!("--- {line}");
    bench.results.commands.push(line.clone());
    let out = Command::new(cargo)
        .args(&args)
        .env("HANDOFF_WASM", crate::wasm::abi_wasm())
        .current_dir(&bench.root)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Failure::new(format!("`{line}` could not start: {e}")))?;
    if !out.status.success() {
        return Err(Failure::new(format!("`{line}` exited with {}", out.status)));
    }
    let messages: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["reason"] == "compiler-artifact")
        .collect();
    for (kind, name, to) in bench_targets(bench) {
        let exe = messages
            .iter()
            .filter(|v| v["target"]["name"] == name)
            .filter(|v| {
                v["target"]["kind"]
                    .as_array()
                    .is_some_and(|k| k.iter().any(|k| k == kind))
            })
            .find_map(|v| v["executable"].as_str().map(PathBuf::from))
            .ok_or_else(|| {
                Failure::new(format!(
                    "`{line}` named no executable for the {kind} {name}"
                ))
            })?;
        link(&exe, &to)?;
    }
    bench.built = true;
    Ok(())
}

/// Runs step `build` unless it ran already in this run.
pub(crate) fn ensure_built(bench: &mut Bench) -> Result<(), Failure> {
    if bench.built {
        Ok(())
    } else {
        build(bench)
    }
}

fn native_bin(bench: &Bench) -> PathBuf {
    bench.dir.join("bin-native")
}

pub(crate) fn wasmtime_bin(bench: &Bench) -> PathBuf {
    bench.dir.join("bin-wasmtime")
}

/// The `handoff` binary the service step runs (copied there by step `build`).
pub(crate) fn handoff_bin(bench: &Bench) -> PathBuf {
    bench.dir.join("bin-handoff")
}

fn link(from: &Path, to: &Path) -> Result<(), Failure> {
    let _ = std::fs::remove_file(to);
    std::fs::copy(from, to).map(|_| ()).map_err(|e| {
        Failure::new(format!(
            "cannot copy {} to {}: {e}",
            from.display(),
            to.display()
        ))
    })
}

fn venv_python(bench: &Bench) -> PathBuf {
    bench.dir.join("venv").join("bin").join("python")
}

/// Step `peer-venv`: a venv with exactly `bench/requirements.txt`.
pub fn venv(bench: &mut Bench) -> Result<(), Failure> {
    let python = venv_python(bench);
    if !python.is_file() {
        let venv = os(&bench.dir.join("venv"));
        capture(bench, "python3", &["-m".into(), "venv".into(), venv]).map_err(|f| {
            Failure::new(format!("{}: Python 3 with the venv module is needed for the peer (apt-get install python3-venv)", f.message))
        })?;
    }
    let check = "import importlib.metadata as m; print(m.version('vaderSentiment'))";
    if text_of(&os(&python), &["-c", check]).as_deref() == Some("3.3.2") {
        println!(
            "vaderSentiment 3.3.2 already installed in {}",
            python.display()
        );
        return Ok(());
    }
    let req = os(&bench.root.join("bench").join("requirements.txt"));
    capture(
        bench,
        &os(&python),
        &[
            "-m".into(),
            "pip".into(),
            "install".into(),
            "--quiet".into(),
            "-r".into(),
            req,
        ],
    )?;
    Ok(())
}

/// Step `native`.
pub fn native(bench: &mut Bench) -> Result<(), Failure> {
    ensure_built(bench)?;
    let bin = os(&native_bin(bench));
    let config = os(&bench.config_path());
    let corpus = os(&bench.corpus_path());
    let out = capture(
        bench,
        &bin,
        &[
            "decision".into(),
            config.clone(),
            corpus.clone(),
            RUNS.to_string(),
        ],
    )?;
    bench.results.native = Some(last_json(&out, "native decision")?);
    let out = capture(bench, &bin, &["sentiment".into(), corpus.clone()])?;
    bench.results.sentiment = Some(last_json(&out, "native sentiment")?);
    let out = capture(
        bench,
        &bin,
        &["stages".into(), config.clone(), corpus.clone()],
    )?;
    bench.results.stages = Some(last_json(&out, "native stages")?);
    // What a cold start is made of: one fresh process per sample (the one-time set-up is per
    // process natively, per instance in wasm).
    for _ in 0..NODE_COLD_RUNS {
        let out = capture(
            bench,
            &bin,
            &["coldstart".into(), config.clone(), corpus.clone()],
        )?;
        bench
            .results
            .native_cold
            .push(last_json(&out, "native coldstart")?);
    }
    report::print_decision(&bench.results);
    Ok(())
}

/// Step `wasmtime`.
pub fn wasmtime(bench: &mut Bench) -> Result<(), Failure> {
    ensure_built(bench)?;
    let bin = os(&wasmtime_bin(bench));
    let abi = os(&crate::wasm::abi_wasm());
    let config = os(&bench.config_path());
    let corpus = os(&bench.corpus_path());
    let out = capture(
        bench,
        &bin,
        &[
            "decision".into(),
            abi.clone(),
            config.clone(),
            corpus.clone(),
            RUNS.to_string(),
        ],
    )?;
    bench.results.wasmtime = Some(last_json(&out, "wasmtime decision")?);
    let out = capture(
        bench,
        &bin,
        &[
            "coldstart".into(),
            abi,
            config,
            corpus,
            WASMTIME_COLD_REPS.to_string(),
        ],
    )?;
    bench.results.wasmtime_cold = Some(last_json(&out, "wasmtime coldstart")?);
    report::print_decision(&bench.results);
    Ok(())
}

/// Step `records`: the wasmtime runner's `records` mode (a `SqliteStore` in target/bench/) and
/// `bench/records_bench.mjs`. `RECORDS_INPUTS` (environment) sets the inputs per size, for a
/// short run: `RECORDS_INPUTS=20 cargo xtask bench --only records`.
pub fn records(bench: &mut Bench) -> Result<(), Failure> {
    ensure_built(bench)?;
    let sizes: Vec<String> = super::sizes_from_env("BENCH_RECORDS_SIZES", &super::RECORDS_SIZES)?
        .iter()
        .map(|n| n.to_string())
        .collect();
    let wbin = os(&wasmtime_bin(bench));
    let mut args = vec![
        "records".into(),
        os(&crate::wasm::abi_wasm()),
        os(&bench.config_path()),
        os(&bench.dir),
    ];
    args.extend(sizes.iter().cloned());
    let out = capture(bench, &wbin, &args)?;
    bench.results.records = Some(last_json(&out, "wasmtime records")?);
    let mut args = vec![
        os(&bench.root.join("bench").join("records_bench.mjs")),
        os(&bench.root.join("host-node").join("src").join("node.js")),
        os(&bench.config_path()),
    ];
    args.extend(sizes);
    let out = capture(bench, "node", &args)?;
    bench.results.records_node = Some(last_json(&out, "node records")?);
    Ok(())
}

/// Step `records-workerd`.
pub fn records_workerd(bench: &mut Bench) -> Result<(), Failure> {
    let mut args = vec![
        os(&bench.root.join("bench").join("records_workerd.mjs")),
        os(&bench.root.join("host-node")),
    ];
    let sizes =
        super::sizes_from_env("BENCH_RECORDS_WORKERD_SIZES", &super::RECORDS_WORKERD_SIZES)?;
    args.extend(sizes.iter().map(|n| n.to_string()));
    let out = capture(bench, "node", &args)?;
    bench.results.records_workerd = Some(last_json(&out, "node records_workerd")?);
    Ok(())
}

/// Step `node`.
pub fn node(bench: &mut Bench) -> Result<(), Failure> {
    if text_of("node", &["--version"]).is_none() {
        return Err(Failure::new(
            "node is missing: install Node.js 20+ (apt-get install nodejs)",
        ));
    }
    let script = os(&bench.root.join("bench").join("node_bench.mjs"));
    let entry = os(&bench.root.join("host-node").join("src").join("node.js"));
    let config = os(&bench.config_path());
    let corpus = os(&bench.corpus_path());
    let args = vec![
        script.clone(),
        "decision".into(),
        entry.clone(),
        config.clone(),
        corpus.clone(),
        RUNS.to_string(),
    ];
    let out = capture(bench, "node", &args)?;
    bench.results.node = Some(last_json(&out, "node decision")?);
    let args = vec![script, "coldstart".into(), entry, config, corpus];
    for _ in 0..NODE_COLD_RUNS {
        let t = Instant::now();
        let out = capture(bench, "node", &args)?;
        let process_ms = t.elapsed().as_secs_f64() * 1e3;
        let mut v = last_json(&out, "node coldstart")?;
        v["process_ms"] = Value::from(process_ms);
        bench.results.node_cold.push(v);
    }
    // Shown once in the report.
    let n = bench.results.commands.len();
    bench.results.commands.truncate(n - (NODE_COLD_RUNS - 1));
    if let Some(last) = bench.results.commands.last_mut() {
        last.push_str(&format!("   (x{NODE_COLD_RUNS}, each a fresh process)"));
    }
    report::print_decision(&bench.results);
    Ok(())
}

/// Step `peer`.
pub fn peer(bench: &mut Bench) -> Result<(), Failure> {
    let python = os(&venv_python(bench));
    let script = os(&bench.root.join("bench").join("vader_peer.py"));
    let corpus = os(&bench.corpus_path());
    let out = capture(bench, &python, &[script, corpus, RUNS.to_string()])?;
    bench.results.peer = Some(last_json(&out, "vader peer")?);
    report::print_decision(&bench.results);
    Ok(())
}

/// Step `routing`.
pub fn routing(bench: &mut Bench) -> Result<(), Failure> {
    ensure_built(bench)?;
    let bin = os(&native_bin(bench));
    let out = capture(bench, &bin, &["routing".into(), ROUTING_MAX.to_string()])?;
    bench.results.routing = Some(last_json(&out, "native routing")?);
    Ok(())
}

/// Step `snapshot`.
pub fn snapshot(bench: &mut Bench) -> Result<(), Failure> {
    ensure_built(bench)?;
    let bin = os(&native_bin(bench));
    let mut args = vec![
        "snapshot".into(),
        os(&bench.config_path()),
        os(&bench.corpus_path()),
        os(&bench.dir),
    ];
    args.extend(SNAPSHOT_SIZES.iter().map(|n| n.to_string()));
    let out = capture(bench, &bin, &args)?;
    let native = last_json(&out, "native snapshot")?;
    let files: Vec<String> = native["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|r| r["file"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    bench.results.snapshot = Some(native);
    let wbin = os(&wasmtime_bin(bench));
    let mut args = vec![
        "snapshot".into(),
        os(&crate::wasm::abi_wasm()),
        os(&bench.config_path()),
    ];
    args.extend(files);
    let out = capture(bench, &wbin, &args)?;
    bench.results.wasmtime_snapshot = Some(last_json(&out, "wasmtime snapshot")?);
    Ok(())
}

/// The wasm-opt of the npm package binaryen, installed under target/bench/ when missing.
fn wasm_opt(bench: &mut Bench) -> Result<PathBuf, String> {
    let prefix = bench.dir.join("binaryen");
    let bin = prefix.join("node_modules").join(".bin").join("wasm-opt");
    if bin.is_file() {
        return Ok(bin);
    }
    std::fs::create_dir_all(&prefix)
        .map_err(|e| format!("cannot create {}: {e}", prefix.display()))?;
    let args: Vec<String> = [
        "install",
        "--no-save",
        "--no-audit",
        "--no-fund",
        "--prefix",
        &os(&prefix),
        BINARYEN,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    capture(bench, "npm", &args)
        .map_err(|f| format!("installing {BINARYEN} failed: {}", f.message))?;
    if bin.is_file() {
        Ok(bin)
    } else {
        Err(format!(
            "npm installed {BINARYEN} but {} is missing",
            bin.display()
        ))
    }
}

/// Step `sizes`: every built module (abi, js, and a filtered-zones build when one exists).
pub fn sizes(bench: &mut Bench) -> Result<(), Failure> {
    let mut modules: Vec<(String, PathBuf)> = Vec::new();
    let zones = crate::wasm::zones_dir();
    for dir in [
        super::target_dir().join("wasm"),
        crate::wasm::js_dir(),
        zones.clone(),
        zones.join("js"),
    ] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "wasm"))
                    .collect()
            })
            .unwrap_or_default();
        found.sort();
        for p in found {
            let shown = p.to_string_lossy();
            let what = if shown.contains("zones") && shown.contains("handoff_wasm_bg") {
                "js build, filtered zones (Asia/Kolkata only, no helpdesk integrations: the widget build)"
            } else if shown.contains("zones") {
                "abi build, filtered zones (Asia/Kolkata only)"
            } else if shown.contains("handoff_wasm_speed") {
                "js build for speed (opt-level 3: what Node loads)"
            } else if shown.contains("host-node") {
                "js build (wasm-bindgen; the npm package for browsers and workers)"
            } else {
                "abi build (no imports; wasmtime and other hosts)"
            };
            modules.push((what.to_string(), p));
        }
    }
    if modules.is_empty() {
        return Err(Failure::new(
            "no .wasm modules found: the wasm step should have built them",
        ));
    }
    let opt = wasm_opt(bench);
    if let Err(why) = &opt {
        println!("wasm-opt column skipped: {why}");
        bench.results.wasm_opt_note = Some(why.clone());
    }
    for (what, path) in modules {
        let raw = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let gzip = crate::wasm::gzip_size(&path);
        let mut size = report::Size {
            what,
            path: rel(bench, &path),
            raw,
            gzip,
            opt_raw: None,
            opt_gzip: None,
        };
        // wasm-opt takes ~20 s a module here: only the js builds (the npm package's and the
        // widget's), the ones the size budget is about.
        let js_build = path.to_string_lossy().contains("handoff_wasm_bg");
        if let (Ok(bin), true) = (&opt, js_build) {
            let out = bench.dir.join(format!(
                "opt-{}",
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ));
            let mut args: Vec<String> = vec![os(&path), "-Oz".into()];
            args.extend(WASM_OPT_FEATURES.iter().map(|s| s.to_string()));
            args.extend(["-o".into(), os(&out)]);
            capture(bench, &os(bin), &args)?;
            size.opt_raw = std::fs::metadata(&out).map(|m| m.len()).ok();
            size.opt_gzip = crate::wasm::gzip_size(&out);
        }
        println!(
            "{}: {} raw, {:?} gzip, wasm-opt {:?} / {:?}",
            size.path, size.raw, size.gzip, size.opt_raw, size.opt_gzip
        );
        bench.results.sizes.push(size);
    }
    // What the widget build is made of: its code by crate, and its data.
    let named = crate::zones::widget_with_names();
    let breakdown = std::fs::read(&named)
        .map_err(|e| {
            format!(
                "cannot read {}: {e} (the wasm step builds it)",
                named.display()
            )
        })
        .and_then(|bytes| super::breakdown::of(&bytes));
    match &breakdown {
        Ok(b) => println!(
            "widget build: {} code bytes, {} data bytes; largest: {}",
            b.code,
            b.data,
            b.groups
                .iter()
                .take(5)
                .map(|(g, n)| format!("{g} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Err(e) => println!("widget breakdown: {e}"),
    }
    bench.results.widget_breakdown = Some(breakdown);
    Ok(())
}

/// Step `profile`: when a speed budget is missed, where the time goes, by `perf` (sampling the
/// native runner; symbols only, no call graphs).
pub fn profile(bench: &mut Bench) -> Result<(), Failure> {
    let missed = report::missed_budgets(&bench.results);
    if missed.is_empty() {
        println!("every measured speed budget is met: nothing to profile");
        return Ok(());
    }
    println!("budgets missed: {}", missed.join(", "));
    if text_of("perf", &["--version"]).is_none() {
        let why = "perf is not installed (apt-get install linux-perf); the stage breakdown stands in for a profile".to_string();
        println!("{why}");
        bench
            .results
            .profiles
            .push(("(none)".into(), why, Vec::new()));
        return Ok(());
    }
    ensure_built(bench)?;
    let bin = os(&native_bin(bench));
    let mut targets: Vec<(String, Vec<String>)> = Vec::new();
    if missed.iter().any(|m| m.starts_with("routing")) {
        targets.push((
            "routing (native, 100 to 1,000 queued, all methods)".into(),
            vec!["routing".into(), "1000".into()],
        ));
    }
    if missed
        .iter()
        .any(|m| !m.starts_with("routing") && !m.starts_with("cold"))
    {
        targets.push((
            "per-message decision (native, one run over the corpus)".into(),
            vec![
                "decision".into(),
                os(&bench.config_path()),
                os(&bench.corpus_path()),
                "1".into(),
            ],
        ));
    }
    for (i, (what, run_args)) in targets.into_iter().enumerate() {
        let data = os(&bench.dir.join(format!("perf-{i}.data")));
        let mut args: Vec<String> = vec![
            "record".into(),
            "-F".into(),
            "999".into(),
            "-o".into(),
            data.clone(),
            "--".into(),
            bin.clone(),
        ];
        args.extend(run_args);
        let how = format!(
            "perf {}",
            args.iter()
                .map(|a| a
                    .strip_prefix(&format!("{}/", bench.root.display()))
                    .unwrap_or(a)
                    .to_string())
                .collect::<Vec<_>>()
                .join(" ")
        );
        if let Err(f) = capture(bench, "perf", &args) {
            bench.results.profiles.push((
                what,
                format!("{how}: failed: {}", f.message),
                Vec::new(),
            ));
            continue;
        }
        let report_args: Vec<String> = [
            "report",
            "-i",
            &data,
            "--stdio",
            "--no-children",
            "--sort",
            "symbol",
            "--percent-limit",
            "1.5",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let text = capture(bench, "perf", &report_args)?;
        let lines: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter(|l| l.contains('%') && !l.starts_with('#'))
            .map(|l| {
                // `  36.08%  [.] symbol   -   -` -> `36.08% symbol`
                let words: Vec<&str> = l
                    .split_whitespace()
                    .filter(|w| *w != "[.]" && *w != "[k]" && *w != "-")
                    .collect();
                let l = words.join(" ");
                if l.chars().count() > 150 {
                    format!("{}…", l.chars().take(150).collect::<String>())
                } else {
                    l
                }
            })
            .take(15)
            .collect();
        bench.results.profiles.push((what, how, lines));
    }
    Ok(())
}

/// Step `write`.
pub fn write(bench: &mut Bench) -> Result<(), Failure> {
    let text = report::render(&bench.results);
    let path = bench.root.join("BENCHMARKS.md");
    std::fs::write(&path, text)
        .map_err(|e| Failure::new(format!("cannot write {}: {e}", path.display())))?;
    println!("wrote {}", path.display());
    let _ = shown;
    Ok(())
}
