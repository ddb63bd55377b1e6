//! `handoff serve`: the engine as an HTTP service (axum + tokio), with SQLite or PostgreSQL
//! storage, webhook deliveries, server-sent events and Prometheus metrics.
//!
//! The path of one request:
//!
//! 1. [`api`] checks the bearer token and the body, and builds the engine input.
//! 2. It sends a [`Command`] to the [`engine`] task, the one thread that owns the
//!    [`Host`](crate::Host) and the [`Store`](store::Store). That task handles whatever is queued
//!    as one batch, commits the accepted inputs (and one outbox row per `delivery` output) in ONE
//!    transaction, and only then answers each request with its outputs.
//! 3. After the commit it publishes the outputs to the [`events`] streams and hands `delivery`
//!    outputs to [`delivery`], which performs them and reports each result back as a
//!    `delivery_result` input through the same channel.
//! 4. Between batches the engine task sleeps until the engine's `next_wakeup`, then handles a
//!    `tick` (retries that are due, offers that lapse, queue timeouts, business hours).
//!
//! On start the store's records are restored (an old database's last snapshot is migrated to
//! records once), the journal after them replayed (normally nothing), and a
//! `host_restarted` input sent, so deliveries that were in flight when the previous process
//! stopped go out again at once with the same `webhook-id`. See `docs/serve.md`.

pub mod api;
pub mod app;
pub mod auth;
pub mod console;
pub mod customer;
pub mod delivery;
mod demo_ai;
pub mod engine;
pub mod events;
mod inbound;
pub mod listen;
pub mod location;
pub mod metrics;
pub mod postgres;
pub mod session;
pub mod sqlite;
pub mod store;
pub mod timeline;

use std::future::Future;
use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::{broadcast, oneshot, watch, Semaphore};

use self::auth::Tokens;
use self::engine::{Command, Dispatch, EngineTask, InFlight, StartError};
use self::location::StoreLocation;
use self::metrics::Metrics;
use self::postgres::lease::Lease;
use self::store::StoreError;
use crate::Runtime;

/// How `handoff serve` runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// The configuration text (`{"handoff": {...}}`).
    pub config: String,
    /// Where the data is: an SQLite file or a PostgreSQL database.
    pub store: StoreLocation,
    /// A shared store's lease: how long, how often renewed, under which owner name.
    pub lease: Lease,
    /// Where to listen (port 0: any free port; the bound address is printed).
    pub listen: SocketAddr,
    /// Timeout of one delivery attempt.
    pub delivery_timeout: Duration,
    /// Most deliveries performed at once.
    pub max_deliveries: usize,
    /// How long shutdown waits for deliveries in flight.
    pub shutdown_grace: Duration,
    /// Time for a request's line and headers to arrive (from the connection's start or the end of
    /// its previous answer); then the connection is closed. Also how long an idle connection
    /// stays open.
    pub header_timeout: Duration,
    /// Time for a request's body to arrive after its headers; then 408 and the connection is
    /// closed.
    pub body_timeout: Duration,
    /// Most client connections at once; lowered to fit under the open files limit (see
    /// [`listen::connection_cap`]).
    pub max_connections: usize,
    /// Serve the demo customer page at `/widget`: any browser may open a conversation of its
    /// own there (a customer session, no token), answered by a scripted demo assistant.
    pub demo_widget: bool,
}

impl Options {
    /// The default [`header_timeout`](Options::header_timeout): 10 s.
    pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
    /// The default [`body_timeout`](Options::body_timeout): 30 s.
    pub const BODY_TIMEOUT: Duration = Duration::from_secs(30);
    /// The default [`max_connections`](Options::max_connections): 4096.
    pub const MAX_CONNECTIONS: usize = 4096;
}

/// Why the service could not start or stopped badly.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The store could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The engine could not be restored.
    #[error(transparent)]
    Start(#[from] StartError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {message}")]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// Why.
        message: String,
    },
    /// Anything else (the HTTP client, the engine thread, serving).
    #[error("{0}")]
    Other(String),
}

/// Every secret the configuration names (`*_ref` fields anywhere under `handoff`: webhooks'
/// `secret_ref`, integrations' `api_token_ref`, `access_token_ref`, …) that `env` does not have,
/// as `path: message` lines. Values are never shown.
pub fn missing_secrets(config: &str, env: impl Fn(&str) -> Option<String>) -> Vec<String> {
    let Ok(value) = serde_json::from_str::<Value>(config) else {
        return Vec::new(); // the engine's own check reports it
    };
    let mut missing = Vec::new();
    fn walk(
        v: &Value,
        path: &str,
        env: &dyn Fn(&str) -> Option<String>,
        missing: &mut Vec<String>,
    ) {
        if let Value::Array(items) = v {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{path}[{i}]"), env, missing);
            }
        }
        if let Value::Object(map) = v {
            for (key, value) in map {
                let here = format!("{path}.{key}");
                match value {
                    Value::String(name)
                        if key.ends_with("_ref")
                            && env(name).filter(|s| !s.is_empty()).is_none() =>
                    {
                        missing.push(format!(
                            "{here}: the environment variable {name} is not set"
                        ));
                    }
                    Value::Object(_) | Value::Array(_) => walk(value, &here, env, missing),
                    _ => {}
                }
            }
        }
    }
    if let Some(handoff) = value.get("handoff") {
        walk(handoff, "handoff", &env, &mut missing);
    }
    missing
}

/// Runs the service until `shutdown` resolves, then stops gracefully: stops accepting, finishes
/// the requests in progress, waits (at most `shutdown_grace`) for deliveries in flight, writes a
/// snapshot. Prints the URLs to standard output once listening.
///
/// First it raises the soft limit on open files to the hard one, and keeps the connection cap
/// below it (less [`listen::RESERVED_FILES`] and one per delivery).
///
/// # Errors
/// [`ServeError`] when the store, the engine or the address fails.
pub async fn serve(
    runtime: Runtime,
    options: Options,
    tokens: Tokens,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let files = listen::raise_open_files_limit();
    if let Some(problem) = &files.problem {
        tracing::warn!(%problem, "the open files limit stays as it was");
    } else if files.before != files.now {
        tracing::info!(
            from = %listen::show_limit(files.before),
            to = %listen::show_limit(files.now),
            "raised the open files limit"
        );
    }
    let open_files = files.now;
    let reserved = listen::RESERVED_FILES
        .saturating_add(u64::try_from(options.max_deliveries).unwrap_or(u64::MAX));
    let max_connections = listen::connection_cap(options.max_connections, open_files, reserved);
    if max_connections < options.max_connections {
        tracing::warn!(
            requested = options.max_connections,
            max_connections,
            open_files = %listen::show_limit(open_files),
            "fewer connections than asked: the open files limit is too low"
        );
    }
    let limits = listen::Limits {
        header_timeout: options.header_timeout,
        body_timeout: options.body_timeout,
        max_connections,
    };
    let store = tokio::task::block_in_place(|| options.store.open(&options.lease))?;
    let store_name = store.describe();
    let (commands, receiver) = std::sync::mpsc::channel::<Command>();
    let (events, _) = broadcast::channel(4096);
    let (stopping_tx, stopping) = watch::channel(false);
    let metrics = Arc::new(Metrics::default());
    let sender = delivery::Sender::new(|name| std::env::var(name).ok(), options.delivery_timeout)
        .map_err(|e| ServeError::Other(e.to_string()))?;
    let in_flight = Arc::new(InFlight::default());
    let dispatch = Dispatch {
        sender,
        tokio: tokio::runtime::Handle::current(),
        limit: Arc::new(Semaphore::new(options.max_deliveries.max(1))),
        in_flight: in_flight.clone(),
        commands: commands.clone(),
        metrics: metrics.clone(),
    };
    let (task, restored) = tokio::task::block_in_place(|| {
        EngineTask::start(
            &runtime,
            &options.config,
            store,
            receiver,
            events.clone(),
            dispatch,
            metrics.clone(),
        )
    })?;
    tracing::info!(
        store = %store_name,
        records_seq = restored.records_seq,
        records = restored.records,
        replayed = restored.replayed,
        migrated = restored.migrated,
        "engine restored"
    );
    // Tells the server when the engine thread ends, whether it returned or panicked.
    let (ended_tx, ended) = oneshot::channel::<()>();
    let engine = std::thread::Builder::new()
        .name("handoff-engine".into())
        .spawn(move || {
            let _ended = Ended(Some(ended_tx));
            task.run();
        })
        .map_err(|e| ServeError::Other(format!("cannot start the engine thread: {e}")))?;

    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .map_err(|e| ServeError::Listen {
            addr: options.listen,
            message: e.to_string(),
        })?;
    let addr = listener.local_addr().map_err(|e| ServeError::Listen {
        addr: options.listen,
        message: e.to_string(),
    })?;
    banner(
        addr,
        &store_name,
        &tokens,
        restored,
        &limits,
        options.demo_widget,
    );
    // The configuration natively, for the helpdesks' webhooks (the engine checked it already).
    let config = handoff_core::Config::from_json_str(&options.config)
        .map_err(|e| ServeError::Other(format!("the configuration: {e}")))?;
    let app = app::App {
        commands: commands.clone(),
        tokens: Arc::new(tokens),
        metrics,
        events,
        stopping,
        config: Arc::new(config),
        secrets: Arc::new(|name: &str| std::env::var(name).ok()),
        sessions: Arc::default(),
        settings: Arc::new(console::settings(&options.config)),
        customers: Arc::default(),
        demo_widget: options.demo_widget,
    };
    let router = api::router(app);
    let stop = async move {
        tokio::select! {
            () = shutdown => {}
            _ = ended => tracing::error!("the engine thread stopped unexpectedly; stopping"),
        }
        tracing::info!("stopping: no new connections; finishing requests in progress");
        let _ = stopping_tx.send(true);
    };
    listen::serve(listener, router, limits, stop).await;
    in_flight.close();
    let pending = in_flight.count();
    if pending > 0 {
        tracing::info!(pending, "waiting for deliveries in flight");
    }
    if !in_flight.wait_idle(options.shutdown_grace).await {
        tracing::warn!(
            left = in_flight.count(),
            "deliveries still in flight; they go out again after the next start"
        );
    }
    let (reply, answer) = oneshot::channel();
    let snapshot = if commands.send(Command::Shutdown { reply }).is_ok() {
        answer
            .await
            .unwrap_or_else(|_| Err("the engine thread ended".into()))
    } else {
        Err("the engine thread ended".into())
    };
    let joined = tokio::task::block_in_place(|| engine.join());
    if joined.is_err() {
        return Err(ServeError::Other("the engine thread panicked".into()));
    }
    snapshot.map_err(|e| ServeError::Other(format!("final snapshot failed: {e}")))?;
    tracing::info!("stopped");
    Ok(())
}

/// Sends on drop: the engine thread holds one, so its end (even by a panic) is noticed.
struct Ended(Option<oneshot::Sender<()>>);

impl Drop for Ended {
    fn drop(&mut self) {
        if let Some(tx) = self.0.take() {
            let _ = tx.send(());
        }
    }
}

/// What to open, printed on start (standard output, flushed).
fn banner(
    addr: SocketAddr,
    store: &str,
    tokens: &Tokens,
    restored: engine::Restored,
    limits: &listen::Limits,
    demo_widget: bool,
) {
    let base = format!("http://{addr}");
    let widget = if demo_widget {
        format!(
            "  widget   {base}/widget   (demo: any browser starts a conversation; a scripted demo AI answers)\n"
        )
    } else {
        String::new()
    };
    let text = format!(
        "handoff serve listening on {base}\n\
         \x20 page     {base}/\n\
         \x20 console  {base}/console   (agents: sign in with your agent token)\n\
         {widget}\
         \x20 health   {base}/healthz\n\
         \x20 metrics  {base}/metrics   (admin or metrics token)\n\
         \x20 events   {base}/v1/events   (all outputs, SSE; agent or admin token)\n\
         \x20 events   {base}/v1/conversations/{{id}}/events   (one conversation, SSE)\n\
         \x20 events   {base}/v1/agents/{{id}}/events   (one agent's offers and conversations, SSE)\n\
         \x20 store    {store} ({} records at journal {}, {} entries replayed{})\n\
         \x20 tokens   {}\n\
         \x20 limits   headers within {} ms, bodies within {} ms, {} connections at once\n\
         try:\n\
         \x20 curl -s -X POST {base}/v1/conversations/conv_1/messages \\\n\
         \x20   -H \"Authorization: Bearer $HANDOFF_WIDGET_TOKEN\" -H 'Content-Type: application/json' \\\n\
         \x20   -d '{{\"text\": \"I want to talk to a human\"}}'\n\n",
        restored.records,
        restored.records_seq,
        restored.replayed,
        if restored.migrated {
            "; migrated from snapshots"
        } else {
            ""
        },
        tokens.summary(),
        limits.header_timeout.as_millis(),
        limits.body_timeout.as_millis(),
        limits.max_connections
    );
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_secrets_name_the_path_and_variable_never_a_value() {
        let config = r#"{"handoff":{"webhooks":[
            {"url":"http://x","secret_ref":"WH_SET"},
            {"url":"http://y","secret_ref":"WH_UNSET","auth":{"scheme":"bearer","token_ref":"TOK"}}],
            "integrations":[{"kind":"zendesk","api_token_ref":"ZD"}]}}"#;
        let env = |name: &str| (name == "WH_SET").then(|| "whsec_c2VjcmV0".to_string());
        assert_eq!(
            missing_secrets(config, env),
            vec![
                "handoff.webhooks[1].secret_ref: the environment variable WH_UNSET is not set",
                "handoff.webhooks[1].auth.token_ref: the environment variable TOK is not set",
                "handoff.integrations[0].api_token_ref: the environment variable ZD is not set",
            ]
        );
    }
}
