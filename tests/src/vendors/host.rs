//! A minimal in-process host for contract tests: drives [`handoff_core::Engine`], persists its
//! state before performing outputs (and restores from it, as a restarted host would), performs
//! every `delivery` over real HTTP with [`ureq`], resolving credentials from a map standing in for
//! the environment, and reports each result back as a `delivery_result` with the response body
//! (up to 64 KiB) and headers.

use std::collections::BTreeMap;
use std::io::Read;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use handoff_core::wire::output::Delivery;
use handoff_core::{Config, Engine, Input, Output};
use serde_json::{json, Value};

/// Most bytes of a response body a host reports.
pub const MAX_REPORTED_BODY: u64 = handoff_core::prepare::RESPONSE_BODY_LIMIT as u64;

/// An engine, a clock, an "environment" of secrets, and an HTTP client.
pub struct Host {
    engine: Engine,
    /// The host's clock (epoch ms); starts at the real time so vendors' reset headers make sense.
    pub now: i64,
    env: BTreeMap<String, String>,
    agent: ureq::Agent,
    /// Every output so far, as JSON, in order (deliveries included).
    pub log: Vec<Value>,
    /// Every `delivery_result` reported so far, as JSON.
    pub results: Vec<Value>,
}

/// Why the host could not go on.
#[derive(Debug)]
pub struct HostError(pub String);

impl std::fmt::Display for HostError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HostError {}

impl Host {
    /// A host of `config` whose secrets are `env` (name -> value).
    pub fn new(config: Config, env: BTreeMap<String, String>) -> Host {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        let agent = ureq::Agent::new_with_config(
            ureq::config::Config::builder()
                .http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(20)))
                .build(),
        );
        Host {
            engine: Engine::new(config),
            now,
            env,
            agent,
            log: Vec::new(),
            results: Vec::new(),
        }
    }

    /// The engine (for its state and next wakeup).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Handles one input, then performs every delivery it gives (and those their results give)
    /// until nothing is left to send now. Returns every output, as JSON.
    ///
    /// # Errors
    /// When the engine refuses an input or the state does not survive a persist and restore.
    pub fn send(&mut self, input: Value) -> Result<Vec<Value>, HostError> {
        let input = Input::from_value(input).map_err(|e| HostError(e.to_string()))?;
        let mut all = Vec::new();
        let mut inbox = vec![input];
        while let Some(input) = inbox.pop() {
            let outputs = self
                .engine
                .handle(input, self.now)
                .map_err(|e| HostError(e.to_string()))?;
            self.persist_and_restore()?;
            for output in outputs {
                let value = serde_json::to_value(&output).map_err(|e| HostError(e.to_string()))?;
                self.log.push(value.clone());
                all.push(value);
                if let Output::Delivery(d) = output {
                    let result = self.perform(&d);
                    self.results.push(result.clone());
                    let input = Input::from_value(result).map_err(|e| HostError(e.to_string()))?;
                    inbox.insert(0, input);
                }
            }
        }
        Ok(all)
    }

    /// Moves the clock to each wakeup the engine asks for (at most `max_ticks` of them), ticking
    /// and performing what falls due, until nothing waits on time. Returns every output.
    ///
    /// # Errors
    /// As [`Host::send`], and when the outbox is still busy after `max_ticks` ticks.
    pub fn settle(&mut self, max_ticks: usize) -> Result<Vec<Value>, HostError> {
        let mut all = Vec::new();
        for _ in 0..max_ticks {
            match self.engine.next_wakeup() {
                Some(wake) => {
                    self.now = self.now.max(wake);
                    all.extend(self.send(json!({"type": "tick"}))?);
                }
                None => return Ok(all),
            }
        }
        Err(HostError(format!("still waiting after {max_ticks} ticks")))
    }

    fn persist_and_restore(&mut self) -> Result<(), HostError> {
        let snapshot =
            serde_json::to_string(self.engine.state()).map_err(|e| HostError(e.to_string()))?;
        for secret in self.env.values() {
            if snapshot.contains(secret.as_str()) {
                return Err(HostError(
                    "a secret value appeared in the persisted state".into(),
                ));
            }
        }
        self.engine = Engine::restore_json(self.engine.config().clone(), &snapshot)
            .map_err(|e| HostError(e.to_string()))?;
        Ok(())
    }

    /// Performs one delivery and returns its `delivery_result` input.
    pub fn perform(&self, d: &Delivery) -> Value {
        let ts = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|t| t.as_secs() as i64)
            .unwrap_or(0);
        // The engine prepares the request (authorization, signature), as every host does.
        let prepared = match d.prepare(|name| self.env.get(name).cloned(), ts) {
            Ok(p) => p,
            Err(e) => {
                return json!({"type": "delivery_result", "delivery_id": d.delivery_id, "error": e.to_string()})
            }
        };
        let mut builder = ureq::http::Request::builder()
            .method(prepared.method.as_str())
            .uri(prepared.url.as_str());
        for (k, v) in &prepared.headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        let request = match builder.body(prepared.body.into_bytes()) {
            Ok(r) => r,
            Err(e) => {
                return json!({"type": "delivery_result", "delivery_id": d.delivery_id, "error": e.to_string()})
            }
        };
        match self.agent.run(request) {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let headers: BTreeMap<String, String> = response
                    .headers()
                    .iter()
                    .filter_map(|(k, v)| {
                        Some((
                            k.as_str().to_ascii_lowercase(),
                            v.to_str().ok()?.to_string(),
                        ))
                    })
                    .collect();
                let mut body = String::new();
                let read = response
                    .body_mut()
                    .as_reader()
                    .take(MAX_REPORTED_BODY)
                    .read_to_string(&mut body);
                if read.is_err() {
                    body.clear();
                }
                json!({"type": "delivery_result", "delivery_id": d.delivery_id, "status": status,
                       "body": body, "headers": headers})
            }
            Err(e) => {
                json!({"type": "delivery_result", "delivery_id": d.delivery_id, "error": e.to_string()})
            }
        }
    }
}
