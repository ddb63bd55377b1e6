//! `handoff serve`: checks everything it can before listening, then runs the service until
//! SIGTERM or ctrl-c.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use handoff_native::serve::auth::Tokens;
use handoff_native::serve::location::StoreLocation;
use handoff_native::serve::postgres::lease::Lease;
use handoff_native::serve::{self as service, Options};

use super::{config_errors, read, Failure, Module};

pub const ABOUT: &str = "Run the HTTP service: JSON API, event streams, webhook deliveries, SQLite \
or PostgreSQL storage.

The configuration is checked first and every error is listed (as `handoff check` does), along with \
every secret it names (secret_ref, token_ref, …) that is not set in the environment.

API tokens come from the environment, never from files or flags:
  HANDOFF_ADMIN_TOKEN    every route
  HANDOFF_WIDGET_TOKEN   the chat widget's backend (customer messages, AI replies, …)
  HANDOFF_AGENT_TOKENS   agent_1=token1,agent_2=token2 (one per agent id)
  HANDOFF_METRICS_TOKEN  /metrics only
Each at least 16 characters. Logs: RUST_LOG (e.g. RUST_LOG=handoff_native=debug), on standard error.

Clients get --header-timeout-ms for a request's line and headers (also the idle keep-alive time) \
and --body-timeout-ms for its body; at most --max-connections are served at once. At start the soft \
limit on open files is raised to the hard one, and the connection cap kept below it.

Storage: --store sqlite:FILE (the default, handoff.db; --db FILE says the same) or --store \
postgres://user@host:port/database (the password in PGPASSWORD). On PostgreSQL the process takes \
the engine's lease (--lease-ms, renewed every --lease-renew-ms) or refuses to start, naming the \
process that holds it and until when; a process whose lease another took over answers 503.

On start it prints the URLs to open and a curl example. SIGTERM or ctrl-c stops it gracefully: no \
new connections, requests in progress finished, deliveries in flight waited for (--shutdown-grace), \
a snapshot written, exit 0. See docs/serve.md for every route.";

/// The options of `handoff serve`.
#[derive(clap::Args)]
pub struct Args {
    /// The configuration file ({"handoff": {...}}).
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
    /// The SQLite database (created if missing); the same as --store sqlite:FILE.
    #[arg(long, value_name = "FILE", conflicts_with = "store")]
    db: Option<PathBuf>,
    /// Where the data is: sqlite:FILE (default sqlite:handoff.db) or
    /// postgres://user@host:port/database (the password in PGPASSWORD, not in the URL).
    #[arg(long, value_name = "URL", value_parser = StoreLocation::parse)]
    store: Option<StoreLocation>,
    /// PostgreSQL: how long this process's lease on the engine lasts, in milliseconds; another
    /// process may take the engine over once it has not been renewed for this long.
    #[arg(long, value_name = "MS", default_value_t = millis(Lease::TTL))]
    lease_ms: u64,
    /// PostgreSQL: how often the lease is renewed, in milliseconds (below --lease-ms).
    #[arg(long, value_name = "MS", default_value_t = millis(Lease::RENEW_EVERY))]
    lease_renew_ms: u64,
    /// PostgreSQL: this process's name in the lease (default: host name, process id and a
    /// random suffix). A process started under the name of the lease's holder takes it at once
    /// (the holder, if still running, is fenced): give each running process its own name, e.g.
    /// its pod's.
    #[arg(long, value_name = "NAME")]
    lease_owner: Option<String>,
    /// Address to listen on (port 0: any free port; the address is printed).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Timeout of one webhook delivery attempt, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 15_000)]
    delivery_timeout_ms: u64,
    /// Most webhook deliveries performed at once.
    #[arg(long, value_name = "N", default_value_t = 32)]
    max_deliveries: usize,
    /// How long a graceful stop waits for deliveries in flight, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 20_000)]
    shutdown_grace_ms: u64,
    /// Time for a request's line and headers to arrive, in milliseconds (from the connection's
    /// start or the end of its previous answer; also how long an idle connection stays open);
    /// then the connection is closed.
    #[arg(long, value_name = "MS", default_value_t = millis(Options::HEADER_TIMEOUT))]
    header_timeout_ms: u64,
    /// Time for a request's body to arrive after its headers, in milliseconds; then 408 and the
    /// connection is closed.
    #[arg(long, value_name = "MS", default_value_t = millis(Options::BODY_TIMEOUT))]
    body_timeout_ms: u64,
    /// Most client connections at once (more wait to be accepted); lowered to fit under the open
    /// files limit, whose soft value is raised to the hard one at start.
    #[arg(long, value_name = "N", default_value_t = Options::MAX_CONNECTIONS)]
    max_connections: usize,
    /// Serve the demo customer page at /widget: any browser that opens it starts a conversation
    /// of its own (a customer session, no token), answered by a scripted demo assistant. For
    /// demos and trials: a real widget's backend uses the widget token.
    #[arg(long)]
    demo_widget: bool,
}

/// `duration` in whole milliseconds (for the flags' defaults).
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// Runs `handoff serve`.
pub fn run(module: &Module, args: Args) -> Result<ExitCode, Failure> {
    init_logs();
    let config = read(&args.config)?;
    let runtime = module.runtime()?;
    tracing::info!(
        source = runtime.source(),
        origin = ?runtime.origin(),
        cache = %runtime.cache_file().map_or("none".into(), |p| p.display().to_string()),
        "engine module ready"
    );
    let mut problems = false;
    if config_errors(&runtime, &args.config, &config)? {
        problems = true;
    }
    let missing = service::missing_secrets(&config, |name| std::env::var(name).ok());
    if !missing.is_empty() {
        eprintln!(
            "{}: {} secret{} not set:",
            args.config.display(),
            missing.len(),
            if missing.len() == 1 { "" } else { "s" }
        );
        for m in &missing {
            eprintln!("  {m}");
        }
        problems = true;
    }
    let tokens = match Tokens::from_env(|name| std::env::var(name).ok()) {
        Ok(t) => Some(t),
        Err(errors) => {
            eprintln!("API tokens:");
            for e in errors {
                eprintln!("  {e}");
            }
            problems = true;
            None
        }
    };
    let lease = Lease {
        ttl: Duration::from_millis(args.lease_ms),
        renew_every: Duration::from_millis(args.lease_renew_ms),
        owner: args.lease_owner,
    };
    if let Err(problem) = lease.check() {
        eprintln!("{problem}");
        problems = true;
    }
    let (Some(tokens), false) = (tokens, problems) else {
        return Err(Failure("not started: fix the problems above".into()));
    };
    let options = Options {
        config,
        store: match (args.store, args.db) {
            (Some(store), _) => store,
            (None, Some(db)) => StoreLocation::Sqlite(db),
            (None, None) => StoreLocation::Sqlite(PathBuf::from("handoff.db")),
        },
        lease,
        listen: args.listen,
        delivery_timeout: Duration::from_millis(args.delivery_timeout_ms.max(1)),
        max_deliveries: args.max_deliveries.max(1),
        shutdown_grace: Duration::from_millis(args.shutdown_grace_ms),
        header_timeout: Duration::from_millis(args.header_timeout_ms.max(1)),
        body_timeout: Duration::from_millis(args.body_timeout_ms.max(1)),
        max_connections: args.max_connections.max(1),
        demo_widget: args.demo_widget,
    };
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure(format!("cannot start the async runtime: {e}")))?;
    tokio.block_on(service::serve(runtime, options, tokens, stop_signal()))?;
    Ok(ExitCode::SUCCESS)
}

/// Resolves on SIGTERM or ctrl-c (SIGINT).
async fn stop_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("ctrl-c received"),
        () = term => tracing::info!("SIGTERM received"),
    }
}

/// Structured logs on standard error, filtered by `RUST_LOG` (default `info`).
fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .try_init();
}
