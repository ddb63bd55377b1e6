//! `cargo xtask test`: the steps CI runs, in order, stopping at the first failure.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::process::{command, run, shown};
use crate::Failure;

/// Something a step needs besides the Rust toolchain itself.
pub struct Prerequisite {
    /// What it is, for messages (`rustfmt`).
    pub name: &'static str,
    /// The command that succeeds when it is there (`cargo fmt --version`).
    pub probe: &'static [&'static str],
    /// The command that installs it, run automatically (and announced) when the probe fails.
    pub install: &'static [&'static str],
}

/// What a step does.
pub enum Action {
    /// A command run from the workspace root; `cargo` means the cargo that runs xtask.
    Command(&'static [&'static str]),
    /// Work xtask does itself (several commands, copies, checks); `shows` is its header.
    Task {
        /// What it does, for the header (`build the abi and js wasm modules`).
        shows: &'static str,
        /// Does it.
        run: fn() -> Result<(), Failure>,
    },
}

impl Action {
    fn shown(&self) -> String {
        match self {
            Action::Command(argv) => shown(argv),
            Action::Task { shows, .. } => (*shows).to_string(),
        }
    }
}

/// One step of `cargo xtask test`.
///
/// [`steps`] is the whole of what CI runs, in order. Later issues add steps to that list: browser
/// tests in Chromium and edge tests in workerd. A step whose prerequisite is missing must install it
/// (saying so) or fail with a message saying how to get it: never skip silently.
pub struct Step {
    /// Short name for headers and the summary (`clippy`).
    pub name: &'static str,
    /// What it runs.
    pub action: Action,
    /// What must be there first.
    pub prerequisites: &'static [Prerequisite],
}

const RUSTFMT: Prerequisite = Prerequisite {
    name: "rustfmt",
    probe: &["cargo", "fmt", "--version"],
    install: &["rustup", "component", "add", "rustfmt", "clippy"],
};

const CLIPPY: Prerequisite = Prerequisite {
    name: "clippy",
    probe: &["cargo", "clippy", "--version"],
    install: &["rustup", "component", "add", "rustfmt", "clippy"],
};

/// The steps, in the order they run: formatting and clippy, the wasm builds (the tests of
/// handoff-native run the abi module), then every Rust test and the Node tests.
pub fn steps() -> Vec<Step> {
    let mut all = vec![
        Step {
            name: "fmt",
            action: Action::Command(&["cargo", "fmt", "--all", "--", "--check"]),
            prerequisites: &[RUSTFMT],
        },
        Step {
            name: "clippy",
            action: Action::Command(&[
                "cargo",
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]),
            prerequisites: &[CLIPPY],
        },
        task(
            "doc",
            "RUSTDOCFLAGS='-D warnings' cargo doc --workspace --no-deps --document-private-items (no broken doc links)",
            doc,
        ),
        task(
            "schema",
            "cargo xtask schema --check (schema/*.json, host-node/schema/ and host-node/src/wire.d.ts are current)",
            schema_check,
        ),
    ];
    // The wasm builds come before the tests: handoff-native's tests run the abi module.
    all.extend([
        task(
            "wasm-target",
            "rustup target add wasm32-unknown-unknown (when not installed)",
            crate::wasm::ensure_target,
        ),
        Step {
            name: "wasm-clippy",
            action: Action::Task {
                shows: "cargo clippy -p handoff-wasm --target wasm32-unknown-unknown, features abi, js and js,integrations; cargo clippy -p handoff-core --all-targets --no-default-features",
                run: crate::wasm::clippy,
            },
            prerequisites: &[CLIPPY],
        },
        bindgen_cli_step(),
        build_step(),
        zones_step(),
        task(
            "npm-ci",
            "npm ci in host-node/ (Node >= 20)",
            crate::wasm::npm_ci,
        ),
        opt_step(),
        // Before the Rust tests: the store suite and the `--store postgres://` service tests
        // start their own PostgreSQL server and fail (never skip) without one.
        task(
            "postgresql",
            "Debian's postgresql for the store tests (apt-get install when missing)",
            crate::postgresql::ensure,
        ),
        task(
            "test",
            "HANDOFF_WASM=target/wasm/handoff_abi.wasm cargo test --workspace",
            crate::wasm::cargo_test,
        ),
        // The fuzz crate is its own workspace (cargo-fuzz), so `--workspace` leaves it out: this
        // builds its four targets without libFuzzer's instrumentation and replays their seeds
        // (fuzz/tests/replay.rs), so a change in core or handoff-ops cannot break it unseen.
        Step {
            name: "fuzz-replay",
            action: Action::Command(&[
                "cargo",
                "test",
                "--locked",
                "--manifest-path",
                "fuzz/Cargo.toml",
            ]),
            prerequisites: &[],
        },
        task(
            "chromium",
            "Debian's chromium for the browser tests (apt-get install when missing)",
            crate::chromium::ensure,
        ),
        task(
            "workerd",
            "host-node/node_modules/workerd/bin/workerd --version (the edge tests run the real workerd)",
            workerd,
        ),
        task(
            "node-test",
            "node --test host-node/test/*.test.mjs (Node >= 20; the conformance vectors in Node, workerd and Chromium among them)",
            crate::wasm::node_test,
        ),
    ]);
    all
}

/// The steps of `cargo xtask wasm`: what it takes to build both wasm modules, and no tests.
pub fn wasm_steps() -> Vec<Step> {
    vec![
        task(
            "wasm-target",
            "rustup target add wasm32-unknown-unknown (when not installed)",
            crate::wasm::ensure_target,
        ),
        bindgen_cli_step(),
        build_step(),
        opt_step(),
    ]
}

/// Step `workerd`: the workerd binary `npm ci` installed (the devDependency `workerd` and its
/// platform package) runs; else fails saying how to get it. The workerd tests never skip.
fn workerd() -> Result<(), Failure> {
    let bin = crate::demo::workspace_root().join("host-node/node_modules/workerd/bin/workerd");
    let how = "run `npm ci` in host-node/ (it installs the pinned devDependency workerd with its \
               platform binary, @cloudflare/workerd-<os>-<arch>; npm must not omit optional \
               dependencies)";
    if !bin.is_file() {
        return Err(Failure::new(format!(
            "the workerd tests need {}, which is missing: {how}",
            bin.display()
        )));
    }
    let output = Command::new(&bin).arg("--version").output();
    match output {
        Ok(out) if out.status.success() => {
            println!(
                "workerd: {} ({})",
                String::from_utf8_lossy(&out.stdout).trim(),
                bin.display()
            );
            Ok(())
        }
        Ok(out) => Err(Failure::new(format!(
            "`{} --version` failed ({}): {}; {how}",
            bin.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))),
        Err(e) => Err(Failure::new(format!(
            "`{} --version` could not start ({e}); {how}",
            bin.display()
        ))),
    }
}

/// Step `schema`: the generated JSON Schemas and TypeScript declarations match the wire types
/// (before the long builds; the schema tests of `cargo test` then check them against the
/// engine's real inputs, outputs, states and events).
fn schema_check() -> Result<(), Failure> {
    crate::schema::run(true)
}

/// Step `doc`: the documentation builds without warnings (broken or private intra-doc links).
fn doc() -> Result<(), Failure> {
    let argv = [
        "cargo",
        "doc",
        "--workspace",
        "--no-deps",
        "--document-private-items",
    ];
    let mut cmd = command(&argv);
    cmd.env("RUSTDOCFLAGS", "-D warnings");
    run(cmd, &argv)
}

fn task(name: &'static str, shows: &'static str, run: fn() -> Result<(), Failure>) -> Step {
    Step {
        name,
        action: Action::Task { shows, run },
        prerequisites: &[],
    }
}

fn bindgen_cli_step() -> Step {
    task(
        "wasm-bindgen-cli",
        "wasm-bindgen-cli of the version in Cargo.lock (cargo install when missing)",
        crate::wasm::ensure_bindgen_cli,
    )
}

fn build_step() -> Step {
    task(
        "wasm-build",
        "cargo build: abi (--profile wasm-speed) -> target/wasm/handoff_abi.wasm; js (--profile wasm-release) -> wasm-bindgen --target web -> host-node/wasm/, and js again (wasm-speed) -> host-node/wasm/handoff_wasm_speed.wasm for Node",
        crate::wasm::build,
    )
}

fn zones_step() -> Step {
    task(
        "wasm-zones",
        "the filtered-zones builds with the zones of examples/business-hours.json -> target/wasm/zones/",
        crate::zones::build_example,
    )
}

fn opt_step() -> Step {
    task(
        "wasm-opt",
        "wasm-opt (-O3 on the speed builds, -Oz on the size build) from the npm package binaryen, when installed (optional)",
        crate::wasm::optimize,
    )
}

fn probe_ok(argv: &[&str]) -> bool {
    command(argv)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Makes sure `p` is there, installing it when it is not.
fn ensure(p: &Prerequisite) -> Result<(), Failure> {
    if probe_ok(p.probe) {
        return Ok(());
    }
    println!(
        "{} is missing (`{}` failed): running `{}`",
        p.name,
        shown(p.probe),
        shown(p.install)
    );
    let installed = command(p.install).status();
    match installed {
        Ok(status) if status.success() && probe_ok(p.probe) => Ok(()),
        Ok(status) if status.success() => Err(Failure::new(format!(
            "{} is still missing after `{}`: `{}` fails; install {} for the toolchain in use",
            p.name,
            shown(p.install),
            shown(p.probe),
            p.name
        ))),
        Ok(status) => Err(Failure::new(format!(
            "{} is missing and `{}` failed ({status}); install it by hand with `{}`",
            p.name,
            shown(p.install),
            shown(p.install)
        ))),
        Err(e) => Err(Failure::new(format!(
            "{} is missing and `{}` could not start ({e}); install rustup (https://rustup.rs), then run `{}`",
            p.name,
            shown(p.install),
            shown(p.install)
        ))),
    }
}

fn duration(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1}s")
    } else {
        let whole = d.as_secs();
        format!("{}m {:02}s", whole / 60, whole % 60)
    }
}

enum Outcome {
    Passed,
    Failed,
    NotRun,
}

/// Runs `steps` in order; stops at the first failure with its exit status.
pub fn run_all(steps: &[Step]) -> Result<(), Failure> {
    let started = Instant::now();
    let mut outcomes: Vec<Outcome> = steps.iter().map(|_| Outcome::NotRun).collect();
    let mut failure = None;
    for (i, step) in steps.iter().enumerate() {
        println!(
            "==> [{}/{}] {}: {}",
            i + 1,
            steps.len(),
            step.name,
            step.action.shown()
        );
        let t = Instant::now();
        let result = step
            .prerequisites
            .iter()
            .try_for_each(ensure)
            .and_then(|()| run_step(step));
        let took = duration(t.elapsed());
        match result {
            Ok(()) => {
                println!("<== {} passed in {took}", step.name);
                outcomes[i] = Outcome::Passed;
            }
            Err(f) => {
                println!("<== {} FAILED in {took}", step.name);
                outcomes[i] = Outcome::Failed;
                failure = Some(f);
                break;
            }
        }
    }
    let summary: Vec<String> = steps
        .iter()
        .zip(&outcomes)
        .map(|(s, o)| {
            let word = match o {
                Outcome::Passed => "passed",
                Outcome::Failed => "FAILED",
                Outcome::NotRun => "not run",
            };
            format!("{} {word}", s.name)
        })
        .collect();
    println!(
        "summary: {} ({} total)",
        summary.join(", "),
        duration(started.elapsed())
    );
    match failure {
        Some(f) => Err(f),
        None => Ok(()),
    }
}

fn run_step(step: &Step) -> Result<(), Failure> {
    match step.action {
        Action::Command(argv) => run(command(argv), argv)
            .map_err(|f| Failure::new(format!("step {}: {}", step.name, f.message)).code(f.code)),
        Action::Task { run, .. } => run()
            .map_err(|f| Failure::new(format!("step {}: {}", step.name, f.message)).code(f.code)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ci_runs_fmt_clippy_wasm_then_tests_in_order() {
        let names: Vec<&str> = steps().iter().map(|s| s.name).collect();
        assert_eq!(
            names,
            [
                "fmt",
                "clippy",
                "doc",
                "schema",
                "wasm-target",
                "wasm-clippy",
                "wasm-bindgen-cli",
                "wasm-build",
                "wasm-zones",
                "npm-ci",
                "wasm-opt",
                "postgresql",
                "test",
                "fuzz-replay",
                "chromium",
                "workerd",
                "node-test"
            ]
        );
        let wasm: Vec<&str> = wasm_steps().iter().map(|s| s.name).collect();
        assert_eq!(
            wasm,
            ["wasm-target", "wasm-bindgen-cli", "wasm-build", "wasm-opt"]
        );
    }

    /// `host-node/test/*.test.mjs` that run every conformance vector in a real host (and restore states
    /// across hosts): the `node-test` step runs every test file, these among them, and each fails
    /// (never skips) when its workerd or Chromium is missing.
    const HOST_CONFORMANCE_SUITES: &[&str] = &[
        "conformance.test.mjs",
        "conformance.workerd.test.mjs",
        "conformance.browser.test.mjs",
        "conformance.cross-host.test.mjs",
    ];

    #[test]
    fn the_node_step_runs_the_host_conformance_suites() {
        // node-test runs every *.test.mjs in host-node/test/: the suites must be there, so named.
        let dir = crate::demo::workspace_root().join("host-node/test");
        for suite in HOST_CONFORMANCE_SUITES {
            assert!(suite.ends_with(".test.mjs"), "{suite}");
            assert!(
                dir.join(suite).is_file(),
                "{} is missing",
                dir.join(suite).display()
            );
        }
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(duration(Duration::from_millis(1234)), "1.2s");
        assert_eq!(duration(Duration::from_secs(125)), "2m 05s");
    }
}
