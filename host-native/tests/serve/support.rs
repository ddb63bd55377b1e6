//! The real `handoff` binary on a loopback port, and a real loopback webhook receiver.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use tokio::sync::Notify;

/// The webhook signing secret the tests configure (`whsec_` + base64).
pub const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// The environment variable it is passed in.
pub const SECRET_ENV: &str = "HANDOFF_TEST_WEBHOOK_SECRET";
/// Tokens.
pub const ADMIN: &str = "admin-token-0123456789";
/// The widget backend's token.
pub const WIDGET: &str = "widget-token-0123456789";
/// Agent A's token.
pub const AGENT_A: &str = "agent-a-token-0123456789";
/// Agent B's token.
pub const AGENT_B: &str = "agent-b-token-0123456789";
/// The metrics scraper's token.
pub const METRICS: &str = "metrics-token-0123456789";

/// Longest any wait in these tests may take before it fails (a deadline against hanging, not a
/// timing assertion).
pub const PATIENCE: Duration = Duration::from_secs(90);

/// The workspace root.
pub fn root() -> PathBuf {
    handoff_conformance::workspace_root()
}

/// A fresh temporary directory.
pub fn temp_dir(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!(
        "handoff-serve-{name}-{}-{stamp}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).expect("create a temp dir");
    dir
}

/// The specification's settings with one signed webhook to `url`.
pub fn config_with_webhook(url: &str) -> Value {
    let text = std::fs::read_to_string(root().join("examples/handoff-settings.json"))
        .expect("examples/handoff-settings.json");
    let mut config: Value = serde_json::from_str(&text).expect("valid JSON");
    config["handoff"]["webhooks"] = json!([{"id": "crm", "url": url, "secret_ref": SECRET_ENV}]);
    config
}

/// A running `handoff serve`.
pub struct Service {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// What it printed on start.
    pub banner: String,
    /// Its log (standard error).
    pub log: PathBuf,
    client: reqwest::Client,
}

/// How to start a service.
#[derive(Clone)]
pub struct Setup {
    /// The directory with the config, the database and logs.
    pub dir: PathBuf,
    /// Extra arguments.
    pub args: Vec<String>,
    /// Extra environment variables (secrets the configuration names).
    pub env: Vec<(String, String)>,
    /// `--store URL` instead of `--db` the file in `dir` (a PostgreSQL database).
    pub store: Option<String>,
}

impl Setup {
    /// A setup in a new temp dir with `config`.
    pub fn new(name: &str, config: &Value) -> Setup {
        let dir = temp_dir(name);
        std::fs::write(dir.join("config.json"), config.to_string()).expect("write config");
        Setup {
            dir,
            args: Vec::new(),
            env: Vec::new(),
            store: None,
        }
    }

    /// Keeps the data at `url` (`--store`) instead of the SQLite file.
    pub fn store(mut self, url: &str) -> Setup {
        self.store = Some(url.to_string());
        self
    }

    /// The command that starts the service, with its tokens and secrets.
    pub fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_handoff"));
        command
            .arg("serve")
            .arg("--config")
            .arg(self.dir.join("config.json"));
        match &self.store {
            Some(url) => command.arg("--store").arg(url),
            None => command.arg("--db").arg(self.db()),
        };
        command
            .arg("--listen")
            .arg("127.0.0.1:0")
            .args(&self.args)
            .env("HANDOFF_METRICS_TOKEN", METRICS)
            .env("HANDOFF_ADMIN_TOKEN", ADMIN)
            .env("HANDOFF_WIDGET_TOKEN", WIDGET)
            .env(
                "HANDOFF_AGENT_TOKENS",
                format!("agent_a={AGENT_A},agent_b={AGENT_B}"),
            )
            .env(SECRET_ENV, SECRET)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env("RUST_LOG", "info")
            .stdin(Stdio::null());
        command
    }

    /// Adds arguments.
    pub fn arg(mut self, a: &str) -> Setup {
        self.args.push(a.to_string());
        self
    }

    /// Adds an environment variable.
    pub fn env(mut self, name: &str, value: &str) -> Setup {
        self.env.push((name.to_string(), value.to_string()));
        self
    }

    /// The database file.
    pub fn db(&self) -> PathBuf {
        self.dir.join("handoff.db")
    }

    /// Starts the binary and waits for its banner.
    pub fn start(&self) -> Service {
        static RUN: AtomicUsize = AtomicUsize::new(0);
        let log = self
            .dir
            .join(format!("serve-{}.log", RUN.fetch_add(1, Ordering::SeqCst)));
        let mut command = self.command();
        command
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("log file"));
        let mut child = command.spawn().expect("start the handoff binary");
        let stdout = child.stdout.take().expect("piped");
        let mut lines = BufReader::new(stdout).lines();
        let mut banner = String::new();
        let mut base = None;
        for line in lines.by_ref() {
            let Ok(line) = line else { break };
            banner.push_str(&line);
            banner.push('\n');
            if let Some(url) = line.strip_prefix("handoff serve listening on ") {
                base = Some(url.trim().to_string());
            }
            if line.is_empty() && base.is_some() {
                break; // the banner ends with an empty line
            }
        }
        std::thread::spawn(move || for _ in lines {});
        let Some(base) = base else {
            let _ = child.kill();
            panic!(
                "handoff serve did not start; stdout:\n{banner}\nlog:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        };
        Service {
            child,
            base,
            banner,
            log,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
        }
    }
}

/// An HTTP answer: status and JSON body (`Value::Null` when not JSON).
#[derive(Debug, Clone)]
pub struct Answer {
    /// Status code.
    pub status: u16,
    /// Body as JSON.
    pub json: Value,
    /// Body as text.
    pub text: String,
}

/// The first output of type `kind` (a test failure naming what came instead when there is none).
pub fn find<'a>(outputs: &'a [Value], kind: &str) -> &'a Value {
    outputs
        .iter()
        .find(|o| o["type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {outputs:#?}"))
}

impl Service {
    /// The engine's record of the conversation at `conversation` (its `/v1/conversations/{id}`
    /// path), as admin reads it.
    pub async fn record(&self, conversation: &str) -> Value {
        let answer = self.get(conversation, ADMIN).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        answer.json
    }

    /// `POST path` with `token` and `body` is refused with `status` (and the error's `kind` at
    /// `path` when given), and the conversation at `conversation` is as it was.
    pub async fn refused(
        &self,
        conversation: &str,
        path: &str,
        token: &str,
        body: Value,
        status: u16,
        error: Option<(&str, &str)>,
    ) {
        let before = self.record(conversation).await;
        let answer = self.post(path, token, body).await;
        assert_eq!(answer.status, status, "POST {path}: {}", answer.text);
        if let Some((kind, at)) = error {
            assert_eq!(answer.json["error"]["kind"], kind, "{}", answer.text);
            assert_eq!(answer.json["error"]["path"], at, "{}", answer.text);
        }
        assert_eq!(
            self.record(conversation).await,
            before,
            "POST {path} changed the conversation"
        );
    }

    /// A request with `token` (none: no Authorization header) and a raw body.
    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Answer {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        if let Some(b) = body {
            request = request.header("content-type", "application/json").body(b);
        }
        let response = request.send().await.expect("the service answers");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer { status, json, text }
    }

    /// POST a JSON body.
    pub async fn post(&self, path: &str, token: &str, body: Value) -> Answer {
        self.raw(
            "POST",
            path,
            Some(token),
            Some(body.to_string().into_bytes()),
        )
        .await
    }

    /// PUT a JSON body.
    pub async fn put(&self, path: &str, token: &str, body: Value) -> Answer {
        self.raw(
            "PUT",
            path,
            Some(token),
            Some(body.to_string().into_bytes()),
        )
        .await
    }

    /// GET.
    pub async fn get(&self, path: &str, token: &str) -> Answer {
        self.raw("GET", path, Some(token), None).await
    }

    /// POST that must succeed; its outputs.
    pub async fn ok(&self, path: &str, token: &str, body: Value) -> Vec<Value> {
        let a = self.post(path, token, body).await;
        assert_eq!(
            a.status,
            200,
            "POST {path}: {}\n{}",
            a.text,
            self.log_text()
        );
        a.json["outputs"].as_array().cloned().expect("outputs")
    }

    /// Only the status of a GET with `?access_token=` and no header (event streams).
    pub async fn status_with_query_token(&self, path: &str, token: &str) -> u16 {
        let response = reqwest::Client::new()
            .get(format!("{}{path}?access_token={token}", self.base))
            .send()
            .await
            .expect("the service answers");
        response.status().as_u16()
    }

    /// Opens a server-sent events stream.
    pub async fn events(&self, path: &str, token: &str) -> reqwest::Response {
        let response = reqwest::Client::new()
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .expect("event stream");
        assert_eq!(response.status(), 200);
        response
    }

    /// The service's log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL: no chance to clean up.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        let _ = self.child.wait();
    }

    /// SIGTERM, then waits for the exit.
    pub fn terminate(mut self) -> ExitStatus {
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .expect("run kill -TERM");
        assert!(status.success(), "kill -TERM failed");
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "handoff serve did not stop after SIGTERM\n{}",
                    self.log_text()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads SSE events from `response` until `done` says so; returns `(event, data)` pairs.
pub async fn read_events(
    response: &mut reqwest::Response,
    mut done: impl FnMut(&[(String, Value)]) -> bool,
) -> Vec<(String, Value)> {
    let mut buffer = String::new();
    let mut events = Vec::new();
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !done(&events) {
        let chunk = tokio::time::timeout_at(deadline, response.chunk())
            .await
            .unwrap_or_else(|_| panic!("no more events; got {events:#?}"))
            .expect("read the stream")
            .unwrap_or_else(|| panic!("the stream ended; got {events:#?}"));
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let mut name = String::new();
            let mut data = String::new();
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("event:") {
                    name = v.trim().to_string();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim_start());
                }
            }
            if !name.is_empty() {
                events.push((name, serde_json::from_str(&data).unwrap_or(Value::Null)));
            }
        }
    }
    events
}

/// What the receiver does with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// 200.
    Ok,
    /// This status.
    Status(u16),
    /// 429 with `Retry-After: secs`.
    TooMany(u64),
    /// Never answers.
    Hang,
    /// 200 after this many milliseconds.
    Slow(u64),
}

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Hit {
    /// `webhook-id`.
    pub id: String,
    /// `webhook-timestamp`.
    pub timestamp: String,
    /// `webhook-signature`.
    pub signature: String,
    /// The body.
    pub body: String,
    /// The event name from the body.
    pub event: String,
    /// The conversation id from the body.
    pub conversation: String,
    /// Whether the signature verified (independently of the engine).
    pub verified: bool,
    /// What it was answered.
    pub reply: Reply,
    /// When it came.
    pub at: Instant,
}

type Policy = dyn Fn(&str, usize) -> Reply + Send + Sync;

/// A loopback webhook receiver that dedupes on `webhook-id`.
#[derive(Clone)]
pub struct Receiver {
    inner: Arc<Inner>,
    /// `http://127.0.0.1:PORT/hook`.
    pub url: String,
}

struct Inner {
    hits: Mutex<Vec<Hit>>,
    /// Processed once per id: id -> body (the deduping receiver's view).
    processed: Mutex<BTreeMap<String, String>>,
    policy: Mutex<Arc<Policy>>,
    changed: Notify,
}

/// Verifies a Standard Webhooks signature with HMAC-SHA256 (not the engine's signer).
pub fn verify(secret: &str, id: &str, timestamp: &str, body: &str, header: &str) -> bool {
    let Some(key) = secret.strip_prefix("whsec_") else {
        return false;
    };
    let Ok(key) = base64::engine::general_purpose::STANDARD.decode(key) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&key) else {
        return false;
    };
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    header
        .split(' ')
        .filter_map(|s| s.strip_prefix("v1,"))
        .any(|sig| sig == expected)
}

async fn hook(State(inner): State<Arc<Inner>>, headers: HeaderMap, body: Bytes) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let body = String::from_utf8_lossy(&body).into_owned();
    let parsed: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let (id, timestamp, signature) = (
        header("webhook-id"),
        header("webhook-timestamp"),
        header("webhook-signature"),
    );
    let verified = verify(SECRET, &id, &timestamp, &body, &signature);
    let event = parsed["event"].as_str().unwrap_or_default().to_string();
    let reply = {
        let mut hits = inner.hits.lock().expect("lock");
        let nth = hits.iter().filter(|h| h.id == id).count() + 1;
        let policy = inner.policy.lock().expect("lock").clone();
        let reply = policy(&event, nth);
        hits.push(Hit {
            id: id.clone(),
            timestamp,
            signature,
            body: body.clone(),
            event,
            conversation: parsed["data"]["conversation_id"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            verified,
            reply,
            at: Instant::now(),
        });
        reply
    };
    inner.changed.notify_waiters();
    match reply {
        Reply::Ok => {
            if verified {
                inner
                    .processed
                    .lock()
                    .expect("lock")
                    .entry(id)
                    .or_insert(body);
            }
            inner.changed.notify_waiters();
            (StatusCode::OK, "ok").into_response()
        }
        Reply::Status(s) => (
            StatusCode::from_u16(s).expect("status"),
            format!("failing with {s} on purpose"),
        )
            .into_response(),
        Reply::TooMany(secs) => (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", secs.to_string())],
            "slow down",
        )
            .into_response(),
        Reply::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            (StatusCode::OK, "too late").into_response()
        }
        Reply::Slow(ms) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            if verified {
                inner
                    .processed
                    .lock()
                    .expect("lock")
                    .entry(id)
                    .or_insert(body);
            }
            inner.changed.notify_waiters();
            (StatusCode::OK, "ok, eventually").into_response()
        }
    }
}

impl Receiver {
    /// Starts a receiver answering with `policy(event, nth attempt of this webhook-id)`.
    pub async fn start(policy: impl Fn(&str, usize) -> Reply + Send + Sync + 'static) -> Receiver {
        let inner = Arc::new(Inner {
            hits: Mutex::new(Vec::new()),
            processed: Mutex::new(BTreeMap::new()),
            policy: Mutex::new(Arc::new(policy)),
            changed: Notify::new(),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the receiver");
        let addr = listener.local_addr().expect("address");
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(hook))
            .with_state(inner.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            inner,
            url: format!("http://{addr}/hook"),
        }
    }

    /// Changes how it answers from now on.
    pub fn set_policy(&self, policy: impl Fn(&str, usize) -> Reply + Send + Sync + 'static) {
        *self.inner.policy.lock().expect("lock") = Arc::new(policy);
    }

    /// Every request so far.
    pub fn hits(&self) -> Vec<Hit> {
        self.inner.hits.lock().expect("lock").clone()
    }

    /// The deduping receiver's view: webhook-id -> body, each processed once.
    pub fn processed(&self) -> BTreeMap<String, String> {
        self.inner.processed.lock().expect("lock").clone()
    }

    /// Waits until `done(hits)` holds.
    pub async fn wait_for(&self, what: &str, done: impl Fn(&[Hit]) -> bool) -> Vec<Hit> {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let notified = self.inner.changed.notified();
            let hits = self.hits();
            if done(&hits) {
                return hits;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!("the receiver never saw {what}; it got {:#?}", self.hits());
            }
        }
    }
}

/// The `data.conversation_id` and `event` of each processed body.
pub fn processed_events(processed: &BTreeMap<String, String>) -> Vec<(String, String, String)> {
    processed
        .iter()
        .map(|(id, body)| {
            let v: Value = serde_json::from_str(body).expect("JSON body");
            (
                v["data"]["conversation_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                v["event"].as_str().unwrap_or_default().to_string(),
                id.clone(),
            )
        })
        .collect()
}

/// Path of a file in the workspace's examples.
pub fn example(name: &str) -> PathBuf {
    root().join("examples").join(name)
}
