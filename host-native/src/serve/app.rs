//! What every route shares: the [`App`] state, the error answer ([`ApiError`]), the caller's
//! role, calls into the engine task, and reading bodies within [`MAX_BODY`].

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::StreamExt;
use serde_json::{json, Map, Value};
use tokio::sync::{broadcast, oneshot, watch};

use super::auth::{Role, Tokens};
use super::engine::{Command, Failure, Published};
use super::metrics::Metrics;
use super::session::{self, Sessions};
use handoff_core::query::Query as EngineQuery;
use handoff_core::wire::output::Audience;
use handoff_core::{ErrorKind, PathError};

/// Largest request body accepted (bytes); larger ones get 413.
pub const MAX_BODY: usize = 64 * 1024;

/// A lookup of a secret by its reference (an environment variable's name).
pub type Secrets = dyn Fn(&str) -> Option<String> + Send + Sync;

/// What every handler shares.
#[derive(Clone)]
pub struct App {
    /// The engine task's channel.
    pub commands: std::sync::mpsc::Sender<Command>,
    /// Accepted tokens.
    pub tokens: Arc<Tokens>,
    /// Counters.
    pub metrics: Arc<Metrics>,
    /// Every output, as committed.
    pub events: broadcast::Sender<Arc<Published>>,
    /// Becomes true when the service is stopping (ends event streams).
    pub stopping: watch::Receiver<bool>,
    /// The configuration, read natively for the helpdesks' webhooks (`inbound::read`).
    pub config: Arc<handoff_core::Config>,
    /// Where secrets come from (the environment), for the helpdesks' webhook secrets.
    pub secrets: Arc<Secrets>,
    /// The console's signed-in browsers (`POST /v1/session`).
    pub sessions: Arc<Sessions>,
    /// What `GET /v1/settings` answers (from the configuration, made once at start).
    pub settings: Arc<Value>,
    /// Customers' browsers signed in to one conversation each (`POST /v1/customer/session`),
    /// kept apart from the agents' sessions so that many customers never crowd agents out.
    pub customers: Arc<Sessions>,
    /// `--demo-widget`: the demo customer page at `/widget`, customer sessions without a token,
    /// and the scripted demo assistant answering them.
    pub demo_widget: bool,
}

/// An error answer: `{"error": {"path": …, "message": …}}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    path: Option<String>,
    kind: Option<ErrorKind>,
    message: String,
    value: Option<String>,
}

impl ApiError {
    pub(super) fn new(
        status: StatusCode,
        path: Option<&str>,
        message: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            path: path.map(str::to_string),
            kind: None,
            message: message.into(),
            value: None,
        }
    }

    /// The engine's refusal as it wrote it: `{path, kind, message, value?}`; 403 when an agent
    /// acts on a conversation that is not offered to it or not held by it, otherwise 400.
    pub(super) fn refused(e: PathError) -> ApiError {
        let status = match e.kind {
            ErrorKind::NotOfferedTo | ErrorKind::NotHeldBy => StatusCode::FORBIDDEN,
            _ => StatusCode::BAD_REQUEST,
        };
        ApiError {
            status,
            path: Some(e.path),
            kind: Some(e.kind),
            message: e.message,
            value: e.value,
        }
    }

    /// `e` answered with `status` (a helpdesk webhook's 401, 404 or 422).
    pub(super) fn with_status(status: StatusCode, e: PathError) -> ApiError {
        ApiError {
            status,
            path: Some(e.path),
            kind: Some(e.kind),
            message: e.message,
            value: e.value,
        }
    }

    /// This refusal as 422 (a webhook payload the engine cannot use) where it was 400 or 403.
    pub(super) fn unprocessable(self) -> ApiError {
        match self.status {
            StatusCode::BAD_REQUEST | StatusCode::FORBIDDEN if self.kind.is_some() => ApiError {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                ..self
            },
            _ => self,
        }
    }

    pub(super) fn bad(path: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, Some(path), message)
    }

    pub(super) fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, None, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = Map::new();
        if let Some(p) = self.path {
            error.insert("path".into(), p.into());
        }
        if let Some(kind) = self.kind {
            error.insert("kind".into(), kind.as_str().into());
        }
        error.insert("message".into(), self.message.into());
        if let Some(value) = self.value {
            error.insert("value".into(), value.into());
        }
        let mut response = (self.status, Json(json!({ "error": error }))).into_response();
        if self.status == StatusCode::UNAUTHORIZED && self.kind != Some(ErrorKind::BadSignature) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<Failure> for ApiError {
    fn from(f: Failure) -> ApiError {
        match f {
            Failure::Rejected(e) => ApiError::refused(e),
            Failure::Forbidden(m) => ApiError::forbidden(m),
            Failure::Unavailable(m) => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, None, m),
        }
    }
}

pub(super) type ApiResult = Result<Response, ApiError>;

impl App {
    /// The caller's role from `Authorization: Bearer …` (or `query`, for event streams).
    pub(super) fn role(&self, headers: &HeaderMap, query: Option<&str>) -> Result<Role, ApiError> {
        let unauthorized = |m: &str| ApiError::new(StatusCode::UNAUTHORIZED, None, m);
        let presented = match headers.get(header::AUTHORIZATION) {
            Some(value) => {
                let text = value
                    .to_str()
                    .map_err(|_| unauthorized("the Authorization header is not text"))?;
                match text.split_once(' ') {
                    Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
                        token.trim().to_string()
                    }
                    _ => return Err(unauthorized("expected Authorization: Bearer <token>")),
                }
            }
            None => match query {
                Some(t) => t.to_string(),
                None => {
                    return match self.session(headers) {
                        Some(id) => self
                            .sessions
                            .role(id)
                            .ok_or_else(|| unauthorized("the session has ended: sign in again")),
                        None => Err(unauthorized("missing Authorization: Bearer <token>")),
                    }
                }
            },
        };
        self.tokens
            .role(&presented)
            .ok_or_else(|| unauthorized("the token is not valid"))
    }

    /// The conversation of the customer session named by the request's customer cookie; 401
    /// without one (or when it has ended).
    pub(super) fn customer(&self, headers: &HeaderMap) -> Result<String, ApiError> {
        let id = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| session::cookie_named(v, session::CUSTOMER_COOKIE))
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    None,
                    "no customer session: POST /v1/customer/session first",
                )
            })?;
        match self.customers.role(id) {
            Some(Role::Customer(conversation)) => Ok(conversation),
            _ => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                None,
                "the customer session has ended: start a new one",
            )),
        }
    }

    /// The console session id in the request's `Cookie` header, if any.
    pub(super) fn session<'h>(&self, headers: &'h HeaderMap) -> Option<&'h str> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(session::from_cookie_header)
    }

    pub(super) async fn call<T>(
        &self,
        command: Command,
        answer: oneshot::Receiver<Result<T, Failure>>,
    ) -> Result<T, ApiError> {
        let gone = || {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                None,
                "the engine is not running (the service is stopping)",
            )
        };
        self.commands.send(command).map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?.map_err(ApiError::from)
    }

    /// Handles `input` and answers `{"outputs": […]}`.
    pub(super) async fn input(&self, input: Value) -> ApiResult {
        let outputs = self.input_outputs(input).await?;
        Ok(Json(json!({ "outputs": *outputs })).into_response())
    }

    /// The outputs of `input`, once committed.
    pub(super) async fn input_outputs(
        &self,
        input: Value,
    ) -> Result<super::engine::Outputs, ApiError> {
        let (reply, answer) = oneshot::channel();
        let outputs = self
            .call(
                Command::Input {
                    input,
                    reply: Some(reply),
                },
                answer,
            )
            .await?;
        Ok(outputs)
    }

    /// The engine's answer to `query`, as its JSON text (never the whole state).
    pub(super) async fn query(&self, query: EngineQuery) -> Result<String, ApiError> {
        let (reply, answer) = oneshot::channel();
        self.call(Command::Query { query, reply }, answer).await
    }

    /// The engine's answer to `query` as the response body, byte for byte.
    pub(super) async fn answer(&self, query: EngineQuery) -> ApiResult {
        Ok(json_body(self.query(query).await?))
    }

    /// Conversation `id` as `audience` may read it; 404 when it is not open (`hint` ends the
    /// message, e.g. " (write a message first)").
    pub(super) async fn conversation(&self, id: &str, audience: Audience, hint: &str) -> ApiResult {
        let answer = self
            .query(EngineQuery::Conversation {
                conversation_id: id.to_owned(),
                audience,
            })
            .await?;
        if answer == "null" {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                Some("conversation_id"),
                format!("no open conversation {id}{hint}"),
            ));
        }
        Ok(json_body(answer))
    }
}

pub(super) fn require(role: &Role, allowed: &[&str]) -> Result<(), ApiError> {
    let name = match role {
        Role::Admin => "admin",
        Role::Widget => "widget",
        Role::Agent(_) => "agent",
        Role::Metrics => "metrics",
        Role::Customer(_) => "customer",
    };
    if role == &Role::Admin || allowed.contains(&name) {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "the {name} token may not use this route"
        )))
    }
}

/// Reads the body as a JSON object (empty = `{}`), at most [`MAX_BODY`] bytes (as
/// [`read_bytes`]).
pub(super) async fn read_object(
    headers: &HeaderMap,
    body: Body,
) -> Result<Map<String, Value>, ApiError> {
    let bytes = read_bytes(headers, body).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(ApiError::bad(
            "body",
            format!("expected a JSON object, found {}", kind(&other)),
        )),
        Err(e) => Err(ApiError::bad("body", format!("not valid JSON: {e}"))),
    }
}

/// Reads the body's bytes, at most [`MAX_BODY`].
///
/// A larger body gets 413, after the rest of it is read and dropped (up to 1 MiB in all): a
/// client still sending when the service answers and closes would see a connection reset, not
/// the answer. A client waiting for `100 Continue`, or announcing more than 1 MiB, is answered at
/// once. A body that does not arrive within the body timeout gets 408.
pub(super) async fn read_bytes(headers: &HeaderMap, body: Body) -> Result<Vec<u8>, ApiError> {
    /// Most bytes of a body read (and dropped) before a 413.
    const DRAIN: u64 = 1024 * 1024;
    /// Reads and drops the rest of `stream` while at most [`DRAIN`] bytes have been read.
    pub(super) async fn drain(stream: &mut axum::body::BodyDataStream, mut read: u64) {
        while read <= DRAIN {
            match stream.next().await {
                Some(Ok(chunk)) => read += chunk.len() as u64,
                _ => return,
            }
        }
    }
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            Some("body"),
            format!("the body is larger than {MAX_BODY} bytes"),
        )
    };
    let failed = |e: axum::Error| {
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&e);
        while let Some(c) = cause {
            if let Some(timeout) = c.downcast_ref::<super::listen::BodyTimeout>() {
                return ApiError::new(
                    StatusCode::REQUEST_TIMEOUT,
                    Some("body"),
                    timeout.to_string(),
                );
            }
            cause = c.source();
        }
        ApiError::bad("body", format!("cannot read the body: {e}"))
    };
    let mut stream = body.into_data_stream();
    if let Some(len) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
    {
        if len > MAX_BODY as u64 {
            let waits = headers
                .get(header::EXPECT)
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
            if !waits && len <= DRAIN {
                drain(&mut stream, 0).await;
            }
            return Err(too_large());
        }
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(failed)?;
        if bytes.len() + chunk.len() > MAX_BODY {
            drain(&mut stream, (bytes.len() + chunk.len()) as u64).await;
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

pub(super) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A JSON response whose body is `text` as it is (the engine's own bytes).
pub(super) fn json_body(text: String) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        text,
    )
        .into_response()
}

/// Sets `key` from the URL; a different value in the body is an error.
pub(super) fn set_from_url(
    body: &mut Map<String, Value>,
    key: &str,
    value: &str,
) -> Result<(), ApiError> {
    match body.get(key) {
        None => {
            body.insert(key.into(), value.into());
            Ok(())
        }
        Some(Value::String(s)) if s == value => Ok(()),
        Some(_) => Err(ApiError::bad(
            &format!("body.{key}"),
            format!("must be {value:?} as in the URL (or left out)"),
        )),
    }
}

/// The engine input of type `kind` from the body, with the conversation id from the URL.
pub(super) fn make_input(
    kind: &str,
    conversation_id: Option<&str>,
    mut body: Map<String, Value>,
) -> Result<Value, ApiError> {
    if body.contains_key("type") {
        return Err(ApiError::bad("body.type", "set by the route: leave it out"));
    }
    if let Some(id) = conversation_id {
        set_from_url(&mut body, "conversation_id", id)?;
    }
    let mut input = Map::new();
    input.insert("type".into(), kind.into());
    input.extend(body);
    Ok(Value::Object(input))
}
