//! Fake helpdesk vendors on loopback, for contract tests: each checks every request the way the
//! vendor would (method and path, the `Authorization` header built from the credentials it was
//! given, vendor headers, the body against the JSON Schema in `tests/contracts/`, and the whole
//! request against the vendor's own API description in `tests/vendor-schemas/`: see
//! [`descriptions`]) and answers the way the vendor does (201 with a realistic body and ids, 400/401/404/422 errors in the vendor's
//! error shape, 429 with the vendor's rate-limit headers when told to throttle).
//!
//! They are plain HTTP servers on `127.0.0.1` (a random port), usable from any test that performs
//! deliveries: the in-process flows in `tests/contracts.rs` here, and the native service.
//!
//! ```no_run
//! use handoff_conformance::vendors::{FakeVendor, Vendor};
//!
//! let zendesk = FakeVendor::start(Vendor::zendesk("bot@acme.com", "zd-token"))?;
//! zendesk.throttle_next(1);                   // the next request gets a 429 with Retry-After
//! let base_url = zendesk.base_url();          // put it in the integration's "base_url"
//! // ... perform deliveries against it ...
//! assert!(zendesk.violations().is_empty(), "{:#?}", zendesk.violations());
//! # Ok::<(), std::io::Error>(())
//! ```

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{json, Value};

pub mod callback;
pub mod descriptions;
mod freshdesk;
pub mod host;
mod intercom;
mod webhook;
mod zendesk;

/// The JSON Schemas of `tests/contracts/`, by file stem, embedded at build time.
pub const CONTRACTS: &[(&str, &str)] = &[
    (
        "zendesk-create-ticket",
        include_str!("../../contracts/zendesk-create-ticket.schema.json"),
    ),
    (
        "zendesk-update-ticket",
        include_str!("../../contracts/zendesk-update-ticket.schema.json"),
    ),
    (
        "sunshine-pass-control",
        include_str!("../../contracts/sunshine-pass-control.schema.json"),
    ),
    (
        "freshdesk-create-ticket",
        include_str!("../../contracts/freshdesk-create-ticket.schema.json"),
    ),
    (
        "freshdesk-add-note",
        include_str!("../../contracts/freshdesk-add-note.schema.json"),
    ),
    (
        "freshdesk-update-ticket",
        include_str!("../../contracts/freshdesk-update-ticket.schema.json"),
    ),
    (
        "intercom-create-contact",
        include_str!("../../contracts/intercom-create-contact.schema.json"),
    ),
    (
        "intercom-create-conversation",
        include_str!("../../contracts/intercom-create-conversation.schema.json"),
    ),
    (
        "intercom-reply-note",
        include_str!("../../contracts/intercom-reply-note.schema.json"),
    ),
    (
        "intercom-reply-comment",
        include_str!("../../contracts/intercom-reply-comment.schema.json"),
    ),
    (
        "intercom-reply-user",
        include_str!("../../contracts/intercom-reply-user.schema.json"),
    ),
    (
        "intercom-assign",
        include_str!("../../contracts/intercom-assign.schema.json"),
    ),
    (
        "intercom-close",
        include_str!("../../contracts/intercom-close.schema.json"),
    ),
    (
        "webhook-event",
        include_str!("../../contracts/webhook-event.schema.json"),
    ),
];

/// Which vendor a [`FakeVendor`] plays, with the credentials it accepts.
#[derive(Debug, Clone)]
pub enum Vendor {
    /// Zendesk Support (`/api/v2/tickets`) and, when `sunshine` is set, Sunshine pass-control.
    Zendesk {
        /// The agent email of `{email}/token:{api_token}`.
        email: String,
        /// The API token.
        api_token: String,
        /// Sunshine Conversations key id and secret, for `/sc/v2/.../passControl`.
        sunshine: Option<(String, String)>,
    },
    /// Freshdesk (`/api/v2/tickets`, notes).
    Freshdesk {
        /// The API key (sent as the basic user name, with password `X`).
        api_key: String,
    },
    /// Intercom (`/contacts`, `/conversations`, reply, parts).
    Intercom {
        /// The bearer access token.
        access_token: String,
        /// The `Intercom-Version` the fake insists on.
        version: String,
    },
    /// A custom webhook receiver verifying Standard Webhooks signatures.
    Webhook {
        /// The `whsec_…` secret.
        secret: String,
    },
}

impl Vendor {
    /// Zendesk with API-token authentication.
    pub fn zendesk(email: &str, api_token: &str) -> Vendor {
        Vendor::Zendesk {
            email: email.into(),
            api_token: api_token.into(),
            sunshine: None,
        }
    }

    /// Freshdesk with an API key.
    pub fn freshdesk(api_key: &str) -> Vendor {
        Vendor::Freshdesk {
            api_key: api_key.into(),
        }
    }

    /// Intercom with an access token and API version 2.14.
    pub fn intercom(access_token: &str) -> Vendor {
        Vendor::Intercom {
            access_token: access_token.into(),
            version: "2.14".into(),
        }
    }

    /// A webhook receiver with a `whsec_…` secret.
    pub fn webhook(secret: &str) -> Vendor {
        Vendor::Webhook {
            secret: secret.into(),
        }
    }

    /// The vendor's own API descriptions (`tests/vendor-schemas/`) its requests are checked
    /// against; none for a custom webhook.
    pub fn descriptions(&self) -> &'static [descriptions::Description] {
        use descriptions::Description;
        match self {
            Vendor::Zendesk { .. } => &[
                Description::ZendeskSupport,
                Description::SunshineConversations,
            ],
            Vendor::Freshdesk { .. } => &[Description::Freshdesk],
            Vendor::Intercom { .. } => &[Description::Intercom],
            Vendor::Webhook { .. } => &[],
        }
    }
}

/// One request the fake received, and what it answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// HTTP method.
    pub method: String,
    /// Path (and query, if any).
    pub path: String,
    /// Headers by lower-case name.
    pub headers: BTreeMap<String, String>,
    /// The body as received.
    pub body: String,
    /// The status it answered.
    pub status: u16,
    /// What the fake took the request for (`create_ticket`, `add_note`, …), or `unknown`.
    pub route: String,
}

/// A response the fake gives.
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Reply {
    pub(crate) fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            headers: vec![(
                "Content-Type".into(),
                "application/json; charset=utf-8".into(),
            )],
            body: body.to_string(),
        }
    }

    pub(crate) fn header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// What a vendor's handler sees of one request.
pub(crate) struct Incoming<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) headers: &'a BTreeMap<String, String>,
    pub(crate) body: &'a str,
}

impl Incoming<'_> {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    /// Path segments after the leading `/`.
    pub(crate) fn segments(&self) -> Vec<&str> {
        self.path.trim_start_matches('/').split('/').collect()
    }
}

/// State shared between the server thread and the test.
pub(crate) struct Shared {
    pub(crate) vendor: Vendor,
    pub(crate) requests: Vec<Recorded>,
    pub(crate) violations: Vec<String>,
    pub(crate) throttle: usize,
    pub(crate) fail: Vec<u16>,
    pub(crate) next_id: u64,
    /// Records the fake "created": tickets, contacts, conversations, by id, with their JSON.
    pub(crate) records: BTreeMap<String, Value>,
    /// Idempotency keys seen (Zendesk) or webhook ids seen, with what was answered.
    pub(crate) seen_keys: BTreeMap<String, Value>,
}

impl Shared {
    pub(crate) fn violation(&mut self, what: String) {
        self.violations.push(what);
    }

    pub(crate) fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }
}

/// A fake vendor server on `127.0.0.1`. Stops when dropped.
pub struct FakeVendor {
    base_url: String,
    shared: Arc<Mutex<Shared>>,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl FakeVendor {
    /// Starts a fake `vendor` on a free loopback port.
    ///
    /// # Errors
    /// When no loopback port can be bound.
    pub fn start(vendor: Vendor) -> std::io::Result<FakeVendor> {
        let server = tiny_http::Server::http("127.0.0.1:0").map_err(std::io::Error::other)?;
        let port = server
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .ok_or_else(|| std::io::Error::other("the fake vendor has no IP address"))?;
        let server = Arc::new(server);
        let shared = Arc::new(Mutex::new(Shared {
            vendor,
            requests: Vec::new(),
            violations: Vec::new(),
            throttle: 0,
            fail: Vec::new(),
            next_id: 1000,
            records: BTreeMap::new(),
            seen_keys: BTreeMap::new(),
        }));
        let thread = {
            let server = Arc::clone(&server);
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || serve(&server, &shared))
        };
        Ok(FakeVendor {
            base_url: format!("http://127.0.0.1:{port}"),
            shared,
            server,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:<port>`: the integration's `base_url` (or the webhook URL's origin).
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The next `n` requests are answered 429 with the vendor's rate-limit headers.
    pub fn throttle_next(&self, n: usize) {
        lock(&self.shared).throttle = n;
    }

    /// The next requests are answered with these statuses (e.g. `[500, 503]`), one each.
    pub fn fail_next(&self, statuses: &[u16]) {
        lock(&self.shared).fail = statuses.to_vec();
    }

    /// Every request so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.shared).requests.clone()
    }

    /// Every way a request broke the vendor's contract so far (empty when all were right).
    pub fn violations(&self) -> Vec<String> {
        lock(&self.shared).violations.clone()
    }

    /// What the fake holds under `id` (a ticket, contact or conversation), as the vendor would.
    pub fn record(&self, id: &str) -> Option<Value> {
        lock(&self.shared).records.get(id).cloned()
    }
}

impl Drop for FakeVendor {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            // A panicking server thread has already failed the test through its violations.
            let _ = t.join();
        }
    }
}

fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    // A poisoned lock only means a test thread panicked; the data is still what was recorded.
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

fn serve(server: &tiny_http::Server, shared: &Mutex<Shared>) {
    while let Ok(mut request) = server.recv() {
        let method = request.method().as_str().to_uppercase();
        let path = request.url().to_string();
        let headers: BTreeMap<String, String> = request
            .headers()
            .iter()
            .map(|h| {
                (
                    h.field.as_str().as_str().to_ascii_lowercase(),
                    h.value.as_str().to_string(),
                )
            })
            .collect();
        let mut body = String::new();
        let reply = match request.as_reader().read_to_string(&mut body) {
            Err(e) => (
                Reply::json(400, json!({"error": format!("unreadable body: {e}")})),
                "unknown".to_string(),
            ),
            Ok(_) => {
                let incoming = Incoming {
                    method: &method,
                    path: &path,
                    headers: &headers,
                    body: &body,
                };
                let mut s = lock(shared);
                answer(&mut s, &incoming)
            }
        };
        let (reply, route) = reply;
        lock(shared).requests.push(Recorded {
            method,
            path,
            headers,
            body,
            status: reply.status,
            route,
        });
        let mut response =
            tiny_http::Response::from_string(reply.body).with_status_code(reply.status);
        for (k, v) in reply.headers {
            if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
                response.add_header(h);
            }
        }
        // The client may have gone away; the request is recorded either way.
        let _ = request.respond(response);
    }
}

fn answer(s: &mut Shared, req: &Incoming<'_>) -> (Reply, String) {
    let route = match &s.vendor {
        Vendor::Zendesk { .. } => zendesk::route(req),
        Vendor::Freshdesk { .. } => freshdesk::route(req),
        Vendor::Intercom { .. } => intercom::route(req),
        Vendor::Webhook { .. } => Some("event"),
    };
    let Some(route) = route else {
        s.violation(format!("{} {}: no such endpoint", req.method, req.path));
        let reply = match &s.vendor {
            Vendor::Intercom { .. } => intercom::error(404, "not_found", "Resource Not Found"),
            _ => Reply::json(
                404,
                json!({"error": "InvalidEndpoint", "description": "Not found"}),
            ),
        };
        return (reply, "unknown".into());
    };
    if s.throttle > 0 {
        s.throttle -= 1;
        let reply = match &s.vendor {
            Vendor::Zendesk { .. } => zendesk::too_many(),
            Vendor::Freshdesk { .. } => freshdesk::too_many(),
            Vendor::Intercom { .. } => intercom::too_many(),
            Vendor::Webhook { .. } => {
                Reply::json(429, json!({"error": "slow down"})).header("Retry-After", "1")
            }
        };
        return (reply, route.to_string());
    }
    if !s.fail.is_empty() {
        let status = s.fail.remove(0);
        return (
            Reply::json(status, json!({"error": "injected failure"})),
            route.to_string(),
        );
    }
    let vendor = s.vendor.clone();
    let reply = match vendor {
        Vendor::Zendesk { .. } => zendesk::handle(s, route, req),
        Vendor::Freshdesk { .. } => freshdesk::handle(s, route, req),
        Vendor::Intercom { .. } => intercom::handle(s, route, req),
        Vendor::Webhook { secret } => webhook::handle(s, &secret, req),
    };
    (reply, route.to_string())
}

/// `Basic base64(user:password)`.
pub(crate) fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{user}:{password}")))
}

/// Checks `Authorization` against `expected`; records a violation (without the secret) if not.
pub(crate) fn check_auth(s: &mut Shared, req: &Incoming<'_>, expected: &str) -> bool {
    match req.header("authorization") {
        Some(got) if got == expected => true,
        Some(_) => {
            s.violation(format!(
                "{} {}: wrong Authorization header",
                req.method, req.path
            ));
            false
        }
        None => {
            s.violation(format!(
                "{} {}: no Authorization header",
                req.method, req.path
            ));
            false
        }
    }
}

/// Checks the JSON content type and parses the body; `Err` is the vendor's complaint.
pub(crate) fn json_body(s: &mut Shared, req: &Incoming<'_>) -> Result<Value, String> {
    if !req
        .header("content-type")
        .is_some_and(|c| c.starts_with("application/json"))
    {
        let what = "Content-Type must be application/json".to_string();
        s.violation(format!("{} {}: {what}", req.method, req.path));
        return Err(what);
    }
    serde_json::from_str(req.body).map_err(|e| {
        let what = format!("body is not JSON: {e}");
        s.violation(format!("{} {}: {what}", req.method, req.path));
        what
    })
}

/// Validates `body` against the contract `name` and the request (path, headers and body) against
/// the vendor's own description ([`descriptions`]); returns the problems (recorded as violations).
pub(crate) fn check_schema(
    s: &mut Shared,
    req: &Incoming<'_>,
    name: &str,
    body: &Value,
) -> Vec<String> {
    let mut problems = schema_problems(name, body);
    for p in &problems {
        s.violation(format!("{} {} ({name}): {p}", req.method, req.path));
    }
    for p in vendor_problems(&s.vendor, req, body) {
        s.violation(format!("{} {}: {p}", req.method, req.path));
        problems.push(p.to_string());
    }
    problems
}

/// What is wrong with a request according to the vendor's own API description.
fn vendor_problems(
    vendor: &Vendor,
    req: &Incoming<'_>,
    body: &Value,
) -> Vec<descriptions::Problem> {
    descriptions::check(
        vendor.descriptions(),
        &descriptions::Request {
            method: req.method,
            path: req.path,
            headers: Some(req.headers),
            body: Some(body),
        },
    )
}

/// What is wrong with `body` according to the contract `name` (`zendesk-create-ticket`).
pub fn schema_problems(name: &str, body: &Value) -> Vec<String> {
    let Some((_, text)) = CONTRACTS.iter().find(|(n, _)| *n == name) else {
        return vec![format!("no contract named {name} in tests/contracts")];
    };
    let schema: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return vec![format!("contract {name} is not JSON: {e}")],
    };
    let validator = match jsonschema::validator_for(&schema) {
        Ok(v) => v,
        Err(e) => return vec![format!("contract {name} is not a valid schema: {e}")],
    };
    validator
        .iter_errors(body)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}
