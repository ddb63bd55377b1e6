//! `cargo xtask test`: the steps CI runs, in order, stopping at the first failure.

use std::ffi::OsString;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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

/// One step of `cargo xtask test`: a command run from the workspace root.
///
/// [`steps`] is the whole of what CI runs, in order. Later issues add steps to that list: the wasm
/// build for the `wasm32-unknown-unknown` target, installing `wasm-bindgen-cli`, `npm ci`, browser
/// tests in Chromium and edge tests in workerd. A step whose prerequisite is missing must install
/// it (saying so) or fail with a message saying how to get it: never skip silently.
pub struct Step {
    /// Short name for headers and the summary (`clippy`).
    pub name: &'static str,
    /// The command; `cargo` means the cargo that runs xtask.
    pub command: &'static [&'static str],
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

/// The steps, in the order they run.
pub fn steps() -> Vec<Step> {
    vec![
        Step {
            name: "fmt",
            command: &["cargo", "fmt", "--all", "--", "--check"],
            prerequisites: &[RUSTFMT],
        },
        Step {
            name: "clippy",
            command: &[
                "cargo",
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
            prerequisites: &[CLIPPY],
        },
        Step {
            name: "test",
            command: &["cargo", "test", "--workspace"],
            prerequisites: &[],
        },
    ]
}

/// The program to run for `name`: `cargo` is the cargo that started xtask.
fn program(name: &str) -> OsString {
    if name == "cargo" {
        std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
    } else {
        name.into()
    }
}

fn command(argv: &[&str]) -> Command {
    let mut cmd = Command::new(program(argv[0]));
    cmd.args(&argv[1..])
        .current_dir(crate::demo::workspace_root());
    cmd
}

fn shown(argv: &[&str]) -> String {
    argv.join(" ")
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
            shown(step.command)
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
    let status = command(step.command).status().map_err(|e| {
        Failure::new(format!(
            "step {}: `{}` could not start: {e}",
            step.name,
            shown(step.command)
        ))
    })?;
    if status.success() {
        return Ok(());
    }
    let code = status
        .code()
        .and_then(|c| u8::try_from(c).ok())
        .filter(|c| *c != 0)
        .unwrap_or(1);
    Err(Failure {
        message: format!(
            "step {} failed: `{}` exited with {status}",
            step.name,
            shown(step.command)
        ),
        code,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ci_runs_fmt_clippy_test_in_order() {
        let names: Vec<&str> = steps().iter().map(|s| s.name).collect();
        assert_eq!(names, ["fmt", "clippy", "test"]);
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(duration(Duration::from_millis(1234)), "1.2s");
        assert_eq!(duration(Duration::from_secs(125)), "2m 05s");
    }
}
