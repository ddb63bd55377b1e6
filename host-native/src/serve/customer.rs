//! The customer's side for a browser: `/v1/customer/…`, authorised by a customer session scoped
//! to one conversation, so that the widget token (which reads and writes every conversation)
//! never reaches a browser.
//!
//! `POST /v1/customer/session` starts the session: with the widget token (a widget backend
//! signing its customer's browser in, naming the conversation), or, on a service started with
//! `--demo-widget`, with no token at all (the service picks a new conversation id). The answer
//! sets an `HttpOnly`, `SameSite=Strict` cookie sent only to `/v1/customer` (its own name, so it
//! never replaces or stands for an agent's console session in the same browser). The routes
//! below then act on that conversation alone, as its customer: messages, the handoff request,
//! callback details, the rating, closing, reading it (without the agents' notes) and its event
//! stream (the customer's side). The demo widget page is `GET /widget` ([`widget_file`]).

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use super::app::{make_input, read_object, require, ApiError, ApiResult, App};
use super::auth::Role;
use super::events::{self, Scope, Viewer};
use super::session;
use handoff_core::wire::output::Audience;

/// Longest conversation id a widget backend may name for a customer session.
const MAX_ID: usize = 128;

/// The routes under `/v1/customer`.
pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/session",
            post(session_start).get(session_read).delete(session_end),
        )
        .route("/conversation", get(conversation))
        .route("/messages", post(message))
        .route("/handoff", post(handoff))
        .route("/callback", post(callback))
        .route("/csat", post(csat))
        .route("/close", post(close))
        .route("/events", get(events_stream))
}

/// `POST /v1/customer/session`: a customer session for one conversation; answers
/// `{"conversation_id"}`. A browser that already has one keeps it (reloading the page continues
/// the chat) unless a widget backend names another conversation.
async fn session_start(State(app): State<App>, headers: HeaderMap, body: Body) -> ApiResult {
    let body = read_object(&headers, body).await?;
    let conversation = if headers.contains_key(header::AUTHORIZATION) {
        let role = app.role(&headers, None)?;
        require(&role, &["widget"])?;
        match body.get("conversation_id") {
            Some(Value::String(id)) if !id.is_empty() && id.len() <= MAX_ID => id.clone(),
            _ => {
                return Err(ApiError::bad(
                    "body.conversation_id",
                    format!("expected the conversation's id, 1 to {MAX_ID} characters"),
                ))
            }
        }
    } else if app.demo_widget {
        if let Some(key) = body.keys().next() {
            return Err(ApiError::bad(
                &format!("body.{key}"),
                "a demo customer session takes no fields: the service picks the conversation",
            ));
        }
        if let Ok(existing) = app.customer(&headers) {
            return Ok(Json(json!({"conversation_id": existing})).into_response());
        }
        let random = session::random_hex().map_err(unavailable)?;
        format!("web_{}", &random[..16])
    } else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            None,
            "a customer session needs the widget token (Authorization: Bearer …); only a service \
             started with --demo-widget opens one for any browser",
        ));
    };
    let id = app
        .customers
        .start(Role::Customer(conversation.clone()))
        .map_err(unavailable)?;
    let mut response = Json(json!({"conversation_id": conversation})).into_response();
    let cookie = HeaderValue::from_str(&session::set_customer_cookie(&id))
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, None, "bad cookie"))?;
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

fn unavailable(e: getrandom::Error) -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        None,
        format!("no session: the random source failed ({e})"),
    )
}

/// `GET /v1/customer/session`: `{"conversation_id", "demo_assistant"}`; 401 without a session.
async fn session_read(State(app): State<App>, headers: HeaderMap) -> ApiResult {
    let conversation = app.customer(&headers)?;
    Ok(
        Json(json!({"conversation_id": conversation, "demo_assistant": app.demo_widget}))
            .into_response(),
    )
}

/// `DELETE /v1/customer/session`: ends the customer session and removes its cookie.
async fn session_end(State(app): State<App>, headers: HeaderMap) -> ApiResult {
    let id = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| session::cookie_named(v, session::CUSTOMER_COOKIE));
    if let Some(id) = id {
        app.customers.end(id);
    }
    let mut response = Json(json!({"signed_out": true})).into_response();
    let cookie = HeaderValue::from_str(&session::clear_customer_cookie())
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, None, "bad cookie"))?;
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

/// `GET /v1/customer/conversation`: the session's conversation as the customer may read it
/// (no notes, no transfer under way); 404 before its first message.
async fn conversation(State(app): State<App>, headers: HeaderMap) -> ApiResult {
    let id = app.customer(&headers)?;
    app.conversation(&id, Audience::Customer, " (write a message first)")
        .await
}

/// The session's conversation and the body as an input of type `kind`.
async fn input_of(
    app: &App,
    headers: &HeaderMap,
    body: Body,
    kind: &str,
) -> Result<(String, Map<String, Value>, Value), ApiError> {
    let id = app.customer(headers)?;
    let body = read_object(headers, body).await?;
    let input = make_input(kind, Some(&id), body.clone())?;
    Ok((id, body, input))
}

/// `POST /v1/customer/messages` → `customer_message` (`text`, `customer?`, `signals?`). With
/// `--demo-widget`, the demo's scripted assistant answers while the conversation is with the AI.
async fn message(State(app): State<App>, headers: HeaderMap, body: Body) -> ApiResult {
    let (id, body, input) = input_of(&app, &headers, body, "customer_message").await?;
    let outputs = app.input_outputs(input).await?;
    if app.demo_widget {
        let text = body.get("text").and_then(Value::as_str).unwrap_or("");
        super::demo_ai::answer(&app, &id, text).await?;
    }
    Ok(Json(json!({ "outputs": *outputs })).into_response())
}

/// `POST /v1/customer/handoff` → `handoff_request` (`source?`, `customer?`).
async fn handoff(State(app): State<App>, headers: HeaderMap, body: Body) -> ApiResult {
    let (_, _, input) = input_of(&app, &headers, body, "handoff_request").await?;
    app.input(input).await
}

/// `POST /v1/customer/callback` → `callback_details`.
async fn callback(State(app): State<App>, headers: HeaderMap, body: Body) -> ApiResult {
    let (_, _, input) = input_of(&app, &headers, body, "callback_details").await?;
    app.input(input).await
}

/// `POST /v1/customer/csat` → `csat` (`score` 1 to 5, `comment?`).
async fn csat(State(app): State<App>, headers: HeaderMap, body: Body) -> ApiResult {
    let (_, _, input) = input_of(&app, &headers, body, "csat").await?;
    app.input(input).await
}

/// `POST /v1/customer/close` → `conversation_closed` by the customer (another `by` is 403).
async fn close(State(app): State<App>, headers: HeaderMap, body: Body) -> ApiResult {
    let id = app.customer(&headers)?;
    let mut body = read_object(&headers, body).await?;
    match body.get("by") {
        None => {
            body.insert("by".into(), "customer".into());
        }
        Some(v) if v.as_str() == Some("customer") => {}
        Some(_) => {
            return Err(ApiError::forbidden(
                "body.by: a customer session closes as \"customer\"",
            ))
        }
    }
    app.input(make_input("conversation_closed", Some(&id), body)?)
        .await
}

/// `GET /v1/customer/events`: the session's conversation's stream, the customer's side.
async fn events_stream(State(app): State<App>, headers: HeaderMap) -> ApiResult {
    let id = app.customer(&headers)?;
    let scope = Scope::Conversation(id);
    Ok(events::stream(&app.events, &app.stopping, scope, Viewer::Widget).into_response())
}

/// The demo widget's files, compiled in: `(name, content type, body)`.
const WIDGET_FILES: &[(&str, &str, &str)] = &[
    (
        "index.html",
        "text/html; charset=utf-8",
        include_str!("widget/index.html"),
    ),
    (
        "widget.js",
        "text/javascript; charset=utf-8",
        include_str!("widget/widget.js"),
    ),
    (
        "widget.css",
        "text/css; charset=utf-8",
        include_str!("widget/widget.css"),
    ),
];

/// `GET /widget` and `GET /widget/{file}`: the demo customer page, only on a service started with
/// `--demo-widget` (404 otherwise), with the console's strict policy.
pub fn widget_file(app: &App, name: &str) -> Option<Response> {
    if !app.demo_widget {
        return None;
    }
    let name = if name.is_empty() { "index.html" } else { name };
    let (_, content_type, body) = WIDGET_FILES.iter().find(|(n, _, _)| *n == name)?;
    Some(super::console::with_policy(body, content_type))
}

/// `GET /widget`.
pub async fn widget_index(State(app): State<App>) -> ApiResult {
    widget_file(&app, "").ok_or_else(no_widget)
}

/// `GET /widget/{file}`.
pub async fn widget_asset(State(app): State<App>, Path(file): Path<String>) -> ApiResult {
    widget_file(&app, &file).ok_or_else(no_widget)
}

fn no_widget() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        None,
        "no such file (the demo widget is served only with --demo-widget)",
    )
}
