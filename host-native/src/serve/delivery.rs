//! Performing `delivery` outputs: one HTTP request per attempt, reported back as a
//! `delivery_result` input.
//!
//! The engine decides everything (retries, backoff, jitter, dead letters) and prepares every
//! request (`handoff_core::prepare`, the code the module exports as `handoff_prepare`, linked
//! natively here): method, URL, headers with
//! `authorization` or the Standard Webhooks signature, body, and how to read the answer. This
//! module resolves the secrets the delivery names (environment variables), sends the prepared
//! request as it is, and reports what happened as the engine's rules say:
//! - no redirects are followed (a 3xx is reported as its status, which the engine dead-letters);
//! - each attempt has a timeout (15 s by default); a timeout or a network error is reported with
//!   no `status` and an `error`;
//! - the response headers the engine reads (`retry-after`, `x-ratelimit-reset`) are reported as
//!   they came, unless longer than the engine accepts, and parsed by the engine, not here;
//! - at most the body limit (64 KiB) of the response body is reported.
//!
//! A delivery the engine cannot prepare (a secret not set, a basic-auth user name holding `:`)
//! is not sent: its `delivery_result` carries the engine's error, which names the reference,
//! never a secret. Secrets never appear in errors.

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Map, Value};

use handoff_core::prepare::{PrepareError, Prepared};
use handoff_core::wire::output::Delivery;
use handoff_core::PathError;

/// Default timeout of one attempt.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

/// What one attempt came to: the fields of a `delivery_result` input.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    /// The HTTP status; `None` when no response came (network error, timeout, not sent).
    pub status: Option<u16>,
    /// The start of the response body.
    pub body: Option<String>,
    /// The headers the engine reads that the response had (`retry-after`, `x-ratelimit-reset`).
    pub headers: BTreeMap<String, String>,
    /// What went wrong, when there is no status.
    pub error: Option<String>,
}

impl Outcome {
    fn failed(error: impl Into<String>) -> Outcome {
        Outcome {
            error: Some(error.into()),
            ..Outcome::default()
        }
    }

    /// The `delivery_result` input reporting this outcome for `delivery_id`.
    pub fn input(&self, delivery_id: &str) -> Value {
        let mut m = Map::new();
        m.insert("type".into(), "delivery_result".into());
        m.insert("delivery_id".into(), delivery_id.into());
        if let Some(s) = self.status {
            m.insert("status".into(), s.into());
        }
        if let Some(b) = &self.body {
            m.insert("body".into(), b.clone().into());
        }
        if !self.headers.is_empty() {
            let headers: Map<String, Value> = self
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), Value::from(v.clone())))
                .collect();
            m.insert("headers".into(), Value::Object(headers));
        }
        if let Some(e) = &self.error {
            m.insert("error".into(), e.clone().into());
        }
        Value::Object(m)
    }

    /// A short label for metrics: `2xx`, `4xx`, `5xx`, `error`, ….
    pub fn class(&self) -> &'static str {
        match self.status {
            Some(200..=299) => "2xx",
            Some(300..=399) => "3xx",
            Some(400..=499) => "4xx",
            Some(500..=599) => "5xx",
            Some(_) => "other",
            None => "error",
        }
    }
}

/// Reads a secret by its name (an environment variable lookup).
type SecretLookup = dyn Fn(&str) -> Option<String> + Send + Sync;

/// Performs deliveries: an HTTP client and where secrets come from.
#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    secrets: std::sync::Arc<SecretLookup>,
    timeout: Duration,
}

impl std::fmt::Debug for Sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sender")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Why the HTTP client could not be built.
#[derive(Debug, thiserror::Error)]
#[error("cannot build the HTTP client: {0}")]
pub struct ClientError(String);

impl Sender {
    /// A sender whose requests the engine's `Delivery::prepare` builds, reading secrets with
    /// `secrets` (an environment lookup), giving each attempt `timeout`.
    ///
    /// # Errors
    /// [`ClientError`] when the TLS backend cannot be set up.
    pub fn new(
        secrets: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
        timeout: Duration,
    ) -> Result<Sender, ClientError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .user_agent(concat!("handoff/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError(e.to_string()))?;
        Ok(Sender {
            client,
            secrets: std::sync::Arc::new(secrets),
            timeout,
        })
    }

    /// Performs one attempt of the `delivery` output `delivery`.
    pub async fn perform(&self, delivery: &Value) -> Outcome {
        let mut secrets_used: Vec<String> = Vec::new();
        let outcome = self.attempt(delivery, &mut secrets_used).await;
        redact(outcome, &secrets_used)
    }

    async fn attempt(&self, delivery: &Value, secrets_used: &mut Vec<String>) -> Outcome {
        let prepared = match self.prepare(delivery, secrets_used) {
            Ok(p) => p,
            Err(error) => return Outcome::failed(error),
        };
        let Ok(method) = reqwest::Method::from_bytes(prepared.method.as_bytes()) else {
            return Outcome::failed(format!(
                "method {:?} is not an HTTP method",
                prepared.method
            ));
        };
        let mut headers = HeaderMap::new();
        for (name, value) in &prepared.headers {
            let (Ok(n), Ok(mut v)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) else {
                return Outcome::failed(format!("header {name:?} is not a valid HTTP header"));
            };
            v.set_sensitive(n == reqwest::header::AUTHORIZATION);
            headers.insert(n, v);
        }
        // The client never follows redirects (`prepared.response.follow_redirects` is false).
        let request = self
            .client
            .request(method, &prepared.url)
            .headers(headers)
            .body(prepared.body);
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) if e.is_timeout() => {
                return Outcome::failed(format!("timed out after {} ms", self.timeout.as_millis()))
            }
            Err(e) => return Outcome::failed(describe(&e)),
        };
        let rules = prepared.response;
        let status = response.status().as_u16();
        let headers = rules
            .headers
            .iter()
            .filter_map(|name| {
                let value = response.headers().get(name.as_str())?.to_str().ok()?;
                (value.len() <= rules.header_value_limit)
                    .then(|| (name.to_string(), value.to_string()))
            })
            .collect();
        let body = read_limited(response, rules.body_limit).await;
        Outcome {
            status: Some(status),
            body: body.filter(|b| !b.is_empty()),
            headers,
            error: None,
        }
    }

    /// The engine's request for `delivery`, with the secrets it names resolved now (each
    /// pushed onto `secrets_used`); the engine's error text (naming references, never values)
    /// otherwise.
    ///
    /// This is core's own `Delivery::prepare`, the code the module exports as
    /// `handoff_prepare`, linked natively: the same bytes without instantiating two scratch wasm
    /// instances per delivery (one to list the references, one to prepare).
    fn prepare(
        &self,
        delivery: &Value,
        secrets_used: &mut Vec<String>,
    ) -> Result<Prepared, String> {
        let message = |e: PrepareError| PathError::from(e).message;
        let delivery = Delivery::from_value(delivery.clone()).map_err(message)?;
        let mut resolved = BTreeMap::new();
        for name in delivery.secret_refs() {
            if let Some(value) = (self.secrets)(name).filter(|v| !v.is_empty()) {
                secrets_used.push(value.clone());
                resolved.insert(name.to_string(), value);
            }
        }
        delivery
            .prepare(
                |name| resolved.get(name).cloned(),
                crate::clock::epoch_secs(),
            )
            .map_err(message)
    }
}

/// Replaces every secret in the outcome's texts (an error could quote a header).
fn redact(mut outcome: Outcome, secrets: &[String]) -> Outcome {
    let clean = |text: &mut Option<String>| {
        if let Some(t) = text {
            for s in secrets.iter().filter(|s| s.len() >= 4) {
                if t.contains(s.as_str()) {
                    *t = t.replace(s.as_str(), "[redacted]");
                }
            }
        }
    };
    clean(&mut outcome.error);
    clean(&mut outcome.body);
    outcome
}

/// A reqwest error with its causes (connection refused, DNS, TLS), one line.
fn describe(e: &reqwest::Error) -> String {
    let mut text = if e.is_connect() {
        "connection failed".to_string()
    } else if e.is_request() {
        "request failed".to_string()
    } else {
        "HTTP error".to_string()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

/// Reads at most `limit` bytes of the body (cut at a character boundary).
async fn read_limited(mut response: reqwest::Response, limit: usize) -> Option<String> {
    let mut bytes: Vec<u8> = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                bytes.extend_from_slice(&chunk);
                if bytes.len() > limit {
                    break;
                }
            }
            Ok(None) => break,
            Err(_) => break,
        }
    }
    let mut end = bytes.len().min(limit);
    let text = loop {
        match std::str::from_utf8(&bytes[..end]) {
            Ok(t) => break t.to_string(),
            Err(e) if e.valid_up_to() > 0 && end - e.valid_up_to() < 4 => end = e.valid_up_to(),
            Err(_) => break String::from_utf8_lossy(&bytes[..end]).into_owned(),
        }
    };
    Some(text)
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use handoff_core::prepare::RESPONSE_BODY_LIMIT;

    use super::*;

    #[test]
    fn secrets_are_redacted_from_outcomes() {
        let outcome = redact(
            Outcome::failed("header Bearer s3cr3t-token is bad"),
            &["s3cr3t-token".to_string()],
        );
        assert_eq!(
            outcome.error.as_deref(),
            Some("header Bearer [redacted] is bad")
        );
    }

    /// A loopback receiver recording each request's `authorization` and `webhook-signature`.
    async fn receiver() -> (
        String,
        std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>,
    ) {
        use axum::http::HeaderMap;
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let record = seen.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap| {
                let record = record.clone();
                async move {
                    let get = |n: &str| {
                        headers
                            .get(n)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_string()
                    };
                    record
                        .lock()
                        .expect("lock")
                        .push((get("authorization"), get("webhook-signature")));
                    (
                        axum::http::StatusCode::SERVICE_UNAVAILABLE,
                        [("retry-after", "3")],
                        "x".repeat(70_000),
                    )
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        (url, seen)
    }

    fn delivery(url: &str, auth: Value) -> Value {
        serde_json::json!({"type": "delivery", "delivery_id": "msg_1", "webhook_id": "w",
            "conversation_id": "c", "event": "conversation.closed", "method": "POST", "url": url,
            "headers": {"content-type": "application/json"}, "body": "{}", "attempt": 1, "auth": auth})
    }

    #[tokio::test]
    async fn every_auth_scheme_is_added_at_send_time_and_unknown_ones_are_never_sent() {
        let env = |name: &str| match name {
            "TOKEN" => Some("tok-secret-123".to_string()),
            "USER" => Some("ada".to_string()),
            "PASS" => Some("pa55word".to_string()),
            "WH" => Some("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_string()),
            "FRESHDESK_API_KEY" => Some("ada:lovelace".to_string()),
            _ => None,
        };
        let sender = Sender::new(env, Duration::from_secs(5)).expect("client");
        let (url, seen) = receiver().await;
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);

        let outcome = sender
            .perform(&delivery(
                &url,
                serde_json::json!({"scheme": "bearer", "token_ref": "TOKEN"}),
            ))
            .await;
        assert_eq!(outcome.status, Some(503));
        // Reported as it came, parsed by the engine (no `retry_after_ms` of the host's own).
        assert!(!outcome
            .input("d")
            .as_object()
            .expect("object")
            .contains_key("retry_after_ms"));
        assert_eq!(
            outcome.headers.get("retry-after").map(String::as_str),
            Some("3")
        );
        assert_eq!(
            outcome.body.as_ref().map(String::len),
            Some(RESPONSE_BODY_LIMIT)
        );
        sender
            .perform(&delivery(
                &url,
                serde_json::json!({"scheme": "basic", "username": "ada", "password_ref": "PASS"}),
            ))
            .await;
        sender
            .perform(&delivery(
                &url,
                serde_json::json!({"scheme": "basic", "username_ref": "USER", "password": "lit"}),
            ))
            .await;
        sender
            .perform(&delivery(
                &url,
                serde_json::json!({"scheme": "standard_webhooks", "secret_ref": "WH"}),
            ))
            .await;
        sender
            .perform(&delivery(&url, serde_json::json!({"scheme": "none"})))
            .await;
        let seen_now = seen.lock().expect("lock").clone();
        assert_eq!(seen_now.len(), 5);
        assert_eq!(seen_now[0].0, "Bearer tok-secret-123");
        assert_eq!(seen_now[1].0, format!("Basic {}", b64("ada:pa55word")));
        assert_eq!(seen_now[2].0, format!("Basic {}", b64("ada:lit")));
        assert!(seen_now[3].1.starts_with("v1,"), "{seen_now:?}");
        assert_eq!(seen_now[4], (String::new(), String::new()));

        // Not sent at all: an unknown scheme, a missing scheme, a secret that is not set, a
        // basic-auth user name holding ':' (RFC 7617 §2). Each error names what is wrong.
        for (auth, named) in [
            (
                serde_json::json!({"scheme": "hmac_sha512", "secret_ref": "WH"}),
                "hmac_sha512",
            ),
            (serde_json::json!({}), "scheme"),
            (
                serde_json::json!({"scheme": "bearer", "token_ref": "UNSET"}),
                "UNSET",
            ),
            (
                serde_json::json!({"scheme": "basic", "username_ref": "FRESHDESK_API_KEY", "password": "X"}),
                "auth.username_ref: a basic-auth user name cannot hold \":\"",
            ),
        ] {
            let outcome = sender.perform(&delivery(&url, auth.clone())).await;
            assert_eq!(outcome.status, None, "{auth}");
            let error = outcome.error.unwrap_or_default();
            assert!(error.contains(named), "{error}");
            assert!(!error.contains("tok-secret-123"), "{error}");
            assert!(!error.contains("lovelace"), "{error}");
        }
        assert_eq!(seen.lock().expect("lock").len(), 5, "nothing more was sent");

        // Exactly the error the conformance vector scripts for this exchange (every host reports
        // the engine's text).
        let vector =
            include_str!("../../../examples/conversations/helpdesk-basic-auth-colon.jsonl");
        let scripted: Value =
            serde_json::from_str(vector.lines().nth(2).expect("line 3")).expect("json");
        let outcome = sender
            .perform(&delivery(
                &url,
                serde_json::json!({"scheme": "basic", "username_ref": "FRESHDESK_API_KEY", "password": "X"}),
            ))
            .await;
        assert_eq!(
            outcome.input("d")["error"],
            scripted["input"]["error"],
            "the vector's delivery_result"
        );
    }

    #[tokio::test]
    async fn redirects_are_reported_as_their_status_and_long_headers_left_out() {
        let app = axum::Router::new()
            .route(
                "/moved",
                axum::routing::post(|| async {
                    (
                        axum::http::StatusCode::FOUND,
                        [("location", "/elsewhere"), ("retry-after", "1")],
                        "moved",
                    )
                }),
            )
            .route(
                "/long",
                axum::routing::post(|| async {
                    (
                        axum::http::StatusCode::TOO_MANY_REQUESTS,
                        [
                            ("retry-after", "9".repeat(8 * 1024 + 1)),
                            ("x-ratelimit-reset", "1774000000".to_string()),
                        ],
                        "",
                    )
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let sender = Sender::new(|_| None, Duration::from_secs(5)).expect("client");
        let none = serde_json::json!({"scheme": "none"});
        let moved = sender
            .perform(&delivery(&format!("{base}/moved"), none.clone()))
            .await;
        assert_eq!(
            moved.input("d"),
            serde_json::json!({"type": "delivery_result", "delivery_id": "d", "status": 302,
                "body": "moved", "headers": {"retry-after": "1"}})
        );
        let long = sender
            .perform(&delivery(&format!("{base}/long"), none))
            .await;
        assert_eq!(
            long.input("d"),
            serde_json::json!({"type": "delivery_result", "delivery_id": "d", "status": 429,
                "headers": {"x-ratelimit-reset": "1774000000"}})
        );
    }

    #[test]
    fn results_become_delivery_result_inputs() {
        let outcome = Outcome {
            status: Some(429),
            body: Some("slow down".into()),
            headers: [("retry-after".to_string(), "1".to_string())].into(),
            error: None,
        };
        assert_eq!(
            outcome.input("d1"),
            serde_json::json!({"type":"delivery_result","delivery_id":"d1","status":429,
                               "body":"slow down",
                               "headers":{"retry-after":"1"}})
        );
        assert_eq!(outcome.class(), "4xx");
    }
}
