//! `handoff`: the handoff engine on the command line, run through wasmtime.
//!
//! Offline subcommands: `check` (validate a configuration), `replay` (play timed inputs),
//! `explain` (why the engine would or would not hand off, line by line), `hours` (business hours
//! at an instant); and `serve`, the HTTP service. Every one runs the
//! engine's abi wasm module (the one embedded at build time, or `--wasm PATH` / `HANDOFF_WASM`).

mod explain;
mod serve;
mod table;

use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, SecondsFormat, Utc};
use clap::{Parser, Subcommand, ValueEnum};
use handoff_native::replay::{self, Conversation, Replayer, Step};
use handoff_native::{Host, HostError, Limits, Runtime};
use serde_json::{json, Map, Value};

#[derive(Parser)]
#[command(
    name = "handoff",
    version,
    about = "The handoff engine: validate configurations, replay conversations, check business hours, \
             serve the HTTP API",
    long_about = "The handoff engine: validate configurations, replay conversations, check business \
                  hours, serve the HTTP API.\n\nEvery subcommand runs the engine's wasm module in wasmtime: the module \
                  embedded at build time, or the one given with --wasm PATH (or HANDOFF_WASM)."
)]
struct Cli {
    /// The engine's abi wasm module (handoff_abi.wasm) instead of the embedded one.
    #[arg(long, global = true, value_name = "PATH", env = "HANDOFF_WASM")]
    wasm: Option<PathBuf>,
    /// Fuel (about one unit per wasm instruction) each engine call may use before it is stopped.
    #[arg(long, global = true, value_name = "N", default_value_t = Limits::DEFAULT_FUEL)]
    fuel: u64,
    /// Where the compiled module is cached, so later starts skip compiling it (default:
    /// $HANDOFF_CACHE_DIR, else $XDG_CACHE_HOME/handoff, else ~/.cache/handoff).
    #[arg(long, global = true, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Compile the module on every start; read and write no cache.
    #[arg(long, global = true, conflicts_with = "cache_dir")]
    no_cache: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate configurations: every error with its JSON path, or a one-line summary each.
    ///
    /// Exits with 1 when any configuration is invalid.
    Check {
        /// The configuration files ({"handoff": {...}}).
        #[arg(required = true, value_name = "CONFIG")]
        configs: Vec<PathBuf>,
    },
    /// Play timed inputs through the engine and print the outputs of each.
    #[command(long_about = REPLAY_ABOUT)]
    Replay {
        /// The inputs (JSON lines).
        file: PathBuf,
        /// The configuration, for a FILE without a {"config": ...} first line.
        #[arg(long, value_name = "CONFIG")]
        config: Option<PathBuf>,
        /// JSON lines (the golden vector format) or a table for people.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
    },
    /// Why the engine would (or would not) hand off, line by line: sentiment and its words, the
    /// request for a person, the topic, each trigger's verdict.
    #[command(long_about = explain::ABOUT)]
    Explain {
        /// Customer lines or a conversation file (standard input without FILE or with -).
        file: Option<PathBuf>,
        /// The configuration (customer lines, or a conversation file without a {"config": ...}
        /// line); customer lines without it run under the defaults.
        #[arg(long, value_name = "CONFIG")]
        config: Option<PathBuf>,
        /// A readable table or the explanation as JSON (schema/explanation.schema.json).
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Business hours at an instant: {"open", "next_opening", "next_closing"} (RFC 3339, UTC).
    Hours {
        /// The configuration file.
        config: PathBuf,
        /// The instant (RFC 3339, e.g. 2026-01-12T10:30:00+05:30); now when omitted.
        #[arg(long, value_name = "RFC3339")]
        at: Option<String>,
    },
    /// Run the HTTP service: JSON API, event streams, webhook deliveries, SQLite storage.
    #[command(long_about = serve::ABOUT)]
    Serve(serve::Args),
}

const REPLAY_ABOUT: &str = "Play timed inputs through the engine and print the outputs of each.

FILE is a conversation file (examples/conversations/*.jsonl): a first line {\"config\": \"<path>\"} \
or {\"config\": {...}}, then {\"now\": <epoch ms>, \"input\": {...}} lines (optionally \
\"expect_error\": true; a delivery_id of \"$last\" or \"$last:<event>\" is the latest delivery handed \
out). With --config, FILE holds only the input lines.

Prints one JSON line per input, {\"now\":…,\"outputs\":[…]} or {\"now\":…,\"error\":{…}}; exits with 1 \
when an input failed without \"expect_error\" (or succeeded with it).";

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// One JSON line per input.
    Json,
    /// A readable table.
    Table,
}

/// Why the command failed: printed to standard error, exit status 1.
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Failure {
        Failure(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(Failure(message)) => {
            eprintln!("handoff: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let module = Module {
        wasm: cli.wasm,
        fuel: cli.fuel,
        cache_dir: if cli.no_cache {
            None
        } else {
            cli.cache_dir.or_else(Runtime::default_cache_dir)
        },
    };
    let mut out = Out::new();
    match cli.command {
        Command::Check { configs } => check(&module, &configs, &mut out),
        Command::Replay {
            file,
            config,
            format,
        } => replay_file(&module, &file, config.as_deref(), format, &mut out),
        Command::Explain {
            file,
            config,
            format,
        } => explain::run(
            &module,
            file.as_deref(),
            config.as_deref(),
            format,
            &mut out,
        ),
        Command::Hours { config, at } => hours(&module, &config, at.as_deref(), &mut out),
        Command::Serve(args) => serve::run(&module, args),
    }
}

/// Where the module comes from; compiled only once the arguments have been checked.
struct Module {
    wasm: Option<PathBuf>,
    fuel: u64,
    /// The compiled-module cache (none: compile every time).
    cache_dir: Option<PathBuf>,
}

impl Module {
    fn runtime(&self) -> Result<Runtime, Failure> {
        let runtime = Runtime::locate_cached(self.wasm.as_deref(), self.cache_dir.as_deref())?;
        if self.fuel == Limits::DEFAULT_FUEL {
            return Ok(runtime);
        }
        Ok(runtime.set_limits(Limits {
            fuel_per_call: Some(self.fuel),
            ..runtime.limits()
        })?)
    }
}

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure(format!("cannot read {}: {e}", path.display())))
}

/// Prints every configuration error of `text` (as `handoff check` does) to standard error;
/// true when there were some.
fn config_errors(runtime: &Runtime, path: &Path, text: &str) -> Result<bool, Failure> {
    match Host::new(runtime, text) {
        Ok(_) => Ok(false),
        Err(HostError::Config { errors }) => {
            let n = errors.len();
            eprintln!(
                "INVALID {}: {n} configuration error{}",
                path.display(),
                if n == 1 { "" } else { "s" }
            );
            for e in errors {
                eprintln!("  {e}");
            }
            Ok(true)
        }
        Err(e) => Err(e.into()),
    }
}

/// `handoff check CONFIG...`.
fn check(module: &Module, paths: &[PathBuf], out: &mut Out) -> Result<ExitCode, Failure> {
    let texts = paths
        .iter()
        .map(|p| read(p))
        .collect::<Result<Vec<String>, Failure>>()?;
    let runtime = module.runtime()?;
    let mut code = ExitCode::SUCCESS;
    for (path, text) in paths.iter().zip(&texts) {
        match Host::new(&runtime, text) {
            Ok(_) => out.line(format!("OK {}: {}", path.display(), summary(text)))?,
            Err(HostError::Config { errors }) => {
                let n = errors.len();
                out.line(format!(
                    "INVALID {}: {n} configuration error{}",
                    path.display(),
                    if n == 1 { "" } else { "s" }
                ))?;
                for e in errors {
                    out.line(format!("  {e}"))?;
                }
                code = ExitCode::FAILURE;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(code)
}

/// The one-line summary of a configuration the engine accepted.
///
/// The engine in wasm has validated it; the summary reads the parsed values (defaults applied)
/// from `handoff-core` natively, since the ABI does not describe a configuration.
fn summary(text: &str) -> String {
    let Ok(config) = handoff_core::Config::from_json_str(text) else {
        return "valid".into();
    };
    let mut parts = Vec::new();
    if !config.enabled {
        parts.push("handoff disabled (enabled: false)".to_string());
    }
    parts.push(format!(
        "routing {} (fallback {}{})",
        name(&config.routing.method),
        name(&config.routing.fallback),
        if config.routing.auto_accept {
            ", auto_accept"
        } else {
            ""
        }
    ));
    parts.push(match config.agents.len() {
        0 => "no agents configured (they join with agent_update)".to_string(),
        1 => "1 agent".to_string(),
        n => format!("{n} agents"),
    });
    let t = &config.triggers;
    let mut triggers = Vec::new();
    if t.customer_request {
        triggers.push("customer_request".to_string());
    }
    if let Some(s) = t.sentiment_threshold {
        triggers.push(format!("sentiment <= {s}"));
    }
    if let Some(n) = t.max_exchanges {
        triggers.push(format!("max_exchanges {n}"));
    }
    if let Some(c) = t.low_confidence_threshold {
        triggers.push(format!("low_confidence < {c}"));
    }
    if !t.topics.is_empty() {
        let names: Vec<&str> = t.topics.iter().map(|r| r.name.as_str()).collect();
        triggers.push(format!("topics [{}]", names.join(", ")));
    }
    parts.push(if triggers.is_empty() {
        "no triggers".to_string()
    } else {
        format!("triggers: {}", triggers.join(", "))
    });
    parts.push(match &config.business_hours {
        Some(h) => format!(
            "hours {} (outside hours: {})",
            h.timezone.name(),
            name(&config.outside_hours.action)
        ),
        None => "hours: always open".to_string(),
    });
    let hooks = config.webhooks.len();
    parts.push(format!(
        "{hooks} webhook{}",
        if hooks == 1 { "" } else { "s" }
    ));
    parts.join("; ")
}

/// A configuration enum's snake_case name, as written in JSON.
fn name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => "?".into(),
    }
}

/// `handoff replay [--config CONFIG] FILE`.
fn replay_file(
    module: &Module,
    file: &Path,
    config: Option<&Path>,
    format: Format,
    out: &mut Out,
) -> Result<ExitCode, Failure> {
    let conversation: Conversation = match config {
        Some(config) => replay::load_plain(file, config)?,
        None => replay::load(file)?,
    };
    let runtime = module.runtime()?;
    let mut replayer = Replayer::new(&runtime, &conversation)?;
    let mut steps: Vec<Step> = Vec::new();
    if format == Format::Table {
        out.line(table::header())?;
    }
    for line in &conversation.lines {
        let step = replayer.step(&conversation.path, line)?;
        match format {
            Format::Json => out.line(step.golden_line())?,
            Format::Table => {
                for row in table::rows(&step) {
                    out.line(row)?;
                }
            }
        }
        steps.push(step);
    }
    let unexpected: Vec<String> = steps
        .iter()
        .filter(|s| s.is_unexpected())
        .map(|s| s.line.to_string())
        .collect();
    if unexpected.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "handoff: {}: unexpected result on line{} {} (an error without \"expect_error\", or none \
         where one was expected)",
        file.display(),
        if unexpected.len() == 1 { "" } else { "s" },
        unexpected.join(", ")
    );
    Ok(ExitCode::FAILURE)
}

/// `handoff hours CONFIG --at RFC3339`.
fn hours(
    module: &Module,
    path: &Path,
    at: Option<&str>,
    out: &mut Out,
) -> Result<ExitCode, Failure> {
    let at_ms = match at {
        Some(text) => DateTime::parse_from_rfc3339(text)
            .map_err(|e| {
                Failure(format!(
                    "--at {text}: not an RFC 3339 instant ({e}); write e.g. 2026-01-12T10:30:00Z"
                ))
            })?
            .timestamp_millis(),
        None => handoff_native::clock::epoch_ms(),
    };
    let text = read(path)?;
    let runtime = module.runtime()?;
    let mut host = match Host::new(&runtime, &text) {
        Ok(host) => host,
        Err(e @ HostError::Config { .. }) => {
            return Err(Failure(format!("{}: {e}", path.display())))
        }
        Err(e) => return Err(e.into()),
    };
    let status = host.hours(at_ms)?;
    let mut map = Map::new();
    match status {
        Some(s) => {
            map.insert("open".into(), s.open.into());
            map.insert("next_opening".into(), rfc3339(s.next_opening));
            map.insert("next_closing".into(), rfc3339(s.next_closing));
        }
        None => {
            // No business hours: always open, nothing ever changes.
            map.insert("open".into(), true.into());
            map.insert("next_opening".into(), Value::Null);
            map.insert("next_closing".into(), Value::Null);
        }
    }
    out.line(Value::Object(map))?;
    Ok(ExitCode::SUCCESS)
}

fn rfc3339(ms: Option<i64>) -> Value {
    match ms.and_then(DateTime::<Utc>::from_timestamp_millis) {
        Some(t) => json!(t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        None => Value::Null,
    }
}

/// Standard output that stops quietly when the reader goes away (`handoff replay … | head`).
struct Out {
    out: std::io::StdoutLock<'static>,
    closed: bool,
}

impl Out {
    fn new() -> Out {
        Out {
            out: std::io::stdout().lock(),
            closed: false,
        }
    }

    fn line(&mut self, text: impl std::fmt::Display) -> Result<(), Failure> {
        if self.closed {
            return Ok(());
        }
        match writeln!(self.out, "{text}") {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            Err(e) => Err(Failure(format!("cannot write to standard output: {e}"))),
        }
    }
}
