//! `cargo xtask`: the project's tasks (alias in `.cargo/config.toml`).
//!
//! - `cargo xtask test`: everything CI runs (`.ci/run` calls it), step by step.
//! - `cargo xtask wasm`: only the wasm builds (`target/wasm/handoff_abi.wasm`, `host-node/wasm/`).
//! - `cargo xtask demo`: replays `examples/conversations/` through the engine and prints each
//!   decision.
//! - `cargo xtask bench`: every benchmark, then rewrites `BENCHMARKS.md` (see `bench/mod.rs`).

mod bench;
mod demo;
mod render;
mod steps;
mod wasm;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "Project tasks for the handoff workspace"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every check CI runs, in order: formatting, clippy, the wasm builds, all Rust tests and
    /// the Node tests (what .ci/run does).
    Test,
    /// Build only the wasm modules: the `abi` build to target/wasm/handoff_abi.wasm and the `js`
    /// build through wasm-bindgen to host-node/wasm/ (installing the target and wasm-bindgen-cli
    /// when missing).
    Wasm,
    /// Run every benchmark on this machine (native, wasmtime, Node, the Python peer, routing at
    /// scale, snapshots, sizes, cold start) and rewrite BENCHMARKS.md. Not a test.
    Bench,
    /// Replay examples/conversations/*.jsonl through the engine and print each decision.
    ///
    /// Until the native service exists, the demo runs the engine in-process.
    Demo {
        /// Only this conversation (file name with or without .jsonl, e.g. spec-walkthrough).
        #[arg(long, value_name = "NAME")]
        conversation: Option<String>,
        /// Print raw JSON lines ({"file","line","now","input","outputs"|"error"}) instead.
        #[arg(long)]
        json: bool,
    },
}

/// Why a task failed: a message for the user and the exit status to leave with.
#[derive(Debug)]
pub struct Failure {
    /// What failed.
    pub message: String,
    /// Exit status (never 0).
    pub code: u8,
}

impl Failure {
    /// A failure with exit status 1.
    pub fn new(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: 1,
        }
    }

    /// The same failure with exit status `code` (0 is taken as 1).
    pub fn code(mut self, code: u8) -> Failure {
        self.code = code.max(1);
        self
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Test => steps::run_all(&steps::steps()),
        Command::Wasm => steps::run_all(&steps::wasm_steps()),
        Command::Bench => bench::run(),
        Command::Demo { conversation, json } => demo::run(conversation.as_deref(), json),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("xtask: error: {}", failure.message);
            ExitCode::from(failure.code.max(1))
        }
    }
}
