//! `cargo xtask`: the project's tasks (alias in `.cargo/config.toml`).
//!
//! - `cargo xtask test`: everything CI runs (`.ci/run` calls it), step by step.
//! - `cargo xtask wasm`: only the wasm builds (`target/wasm/handoff_abi.wasm`, `host-node/wasm/`).
//! - `cargo xtask demo`: builds and runs `handoff serve` on the seed configuration, printing the
//!   URLs to open; `cargo xtask demo --replay` replays `examples/conversations/` instead.
//! - `cargo xtask bench`: every benchmark, then rewrites `BENCHMARKS.md` (see `bench/mod.rs`).
//! - `cargo xtask vectors [--bless]`: replays every conversation natively and shows how the golden
//!   vectors differ, step by step; `--bless` rewrites them (see `vectors.rs`).
//! - `cargo xtask schema [--check]`: writes the JSON Schemas of the wire types (`schema/`) and their
//!   TypeScript declarations (`host-node/src/wire.d.ts`); see `schema/mod.rs`.

mod apt;
mod bench;
mod chromium;
mod demo;
mod postgresql;
mod process;
mod render;
mod schema;
mod service_demo;
mod steps;
mod tour;
mod vectors;
mod wasm;
mod zones;

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
    /// Run every benchmark on this machine (native, wasmtime, Node, the Python peer, routing at
    /// scale, snapshots, sizes, cold start, the service) and rewrite BENCHMARKS.md. Not a test.
    ///
    /// With --only: run just the named steps (comma-separated, e.g. `--only corpus,build,native`)
    /// and print their results; BENCHMARKS.md is then left as it is.
    Bench {
        /// Steps to run, comma-separated (see the step names `cargo xtask bench` prints).
        #[arg(long, value_name = "STEPS", value_delimiter = ',')]
        only: Vec<String>,
    },
    /// Replay every conversation of examples/conversations/ natively and compare each with its
    /// golden file `tests/vectors/<name>.outputs.jsonl`: which differ, and a readable diff of each
    /// differing step (input line, JSON paths, the bytes around the first difference). Fails when
    /// any differs, is missing or has no conversation.
    ///
    /// With --bless: print the diff of each golden file that changes, then rewrite it (new ones
    /// too; golden files without a conversation are deleted).
    Vectors {
        /// Rewrite the golden files with the native replay's outputs (after showing the diffs).
        #[arg(long)]
        bless: bool,
        /// The conversations to replay (default: examples/conversations/).
        #[arg(long, value_name = "DIR")]
        conversations: Option<std::path::PathBuf>,
        /// The golden files (default: tests/vectors/).
        #[arg(long, value_name = "DIR")]
        vectors: Option<std::path::PathBuf>,
    },
    /// Write the JSON Schemas of inputs, outputs, the state and webhook events to schema/, and
    /// their TypeScript declarations to host-node/src/wire.d.ts (all generated from handoff-core's
    /// wire types).
    ///
    /// With --check: write nothing, and fail when a generated file is missing or differs.
    Schema {
        /// Only check that the generated files are current.
        #[arg(long)]
        check: bool,
    },
    /// Build only the wasm modules: the `abi` build to target/wasm/handoff_abi.wasm and the `js`
    /// build through wasm-bindgen to host-node/wasm/ (installing the target and wasm-bindgen-cli
    /// when missing).
    ///
    /// With --zones or --zones-from: also a build with only those time zones (smaller, for
    /// widgets) into target/wasm/zones/.
    Wasm {
        /// Time zones to keep, comma-separated IANA names (e.g. Asia/Kolkata,Europe/London).
        #[arg(long, value_name = "LIST")]
        zones: Option<String>,
        /// Keep every `timezone` named in these configuration files.
        #[arg(long, value_name = "CONFIG.json")]
        zones_from: Vec<std::path::PathBuf>,
    },
    /// The main job: build the engine and the `handoff` binary, then run `handoff serve` on the
    /// specification's seed configuration with its SQLite state in target/demo/, printing the
    /// URLs to open and curl examples. With --replay: play examples/conversations/*.jsonl through
    /// the engine instead and print each decision.
    Demo {
        /// Replay the example conversations instead of starting the service.
        #[arg(long)]
        replay: bool,
        /// With --replay: only this conversation (file name with or without .jsonl).
        #[arg(long, value_name = "NAME", requires = "replay")]
        conversation: Option<String>,
        /// With --replay: print raw JSON lines ({"file","line","now","input","outputs"|"error"}).
        #[arg(long, requires = "replay")]
        json: bool,
        /// Address the service listens on.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// Serve this configuration instead of examples/handoff-settings.json.
        #[arg(long, value_name = "FILE")]
        config: Option<std::path::PathBuf>,
        /// Start from an empty database (target/demo/handoff.db is removed first).
        #[arg(long)]
        fresh: bool,
    },
}

/// `cargo xtask wasm [--zones LIST] [--zones-from CONFIG]`.
fn wasm_command(zones: Option<&str>, zones_from: &[std::path::PathBuf]) -> Result<(), Failure> {
    let filtered = if zones.is_some() || !zones_from.is_empty() {
        Some(zones::collect(zones, zones_from)?)
    } else {
        None
    };
    steps::run_all(&steps::wasm_steps())?;
    match filtered {
        Some(zones) => zones::build(&zones),
        None => Ok(()),
    }
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
        Command::Wasm { zones, zones_from } => wasm_command(zones.as_deref(), &zones_from),
        Command::Demo {
            replay: true,
            conversation,
            json,
            ..
        } => demo::run(conversation.as_deref(), json),
        Command::Demo {
            listen,
            config,
            fresh,
            ..
        } => service_demo::run_service(&service_demo::DemoOptions {
            listen,
            config,
            fresh,
        }),
        Command::Bench { only } => bench::run(&only),
        Command::Schema { check } => schema::run(check),
        Command::Vectors {
            bless,
            conversations,
            vectors,
        } => {
            let mut options = vectors::Options::new(bless);
            options.conversations = conversations.unwrap_or(options.conversations);
            options.vectors = vectors.unwrap_or(options.vectors);
            vectors::run(&options)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("xtask: error: {}", failure.message);
            ExitCode::from(failure.code.max(1))
        }
    }
}
