//! The HTTP API: routes, roles, bodies and errors. Every route is listed in `docs/serve.md`.

use axum::body::Body;
use axum::extract::{MatchedPath, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::app::{make_input, read_object, require, set_from_url, ApiError, ApiResult, App};
use super::auth::Role;
use super::events::{self, Scope, Viewer};
use super::session;
use axum::extract::rejection::QueryRejection;
use handoff_core::query::{Gauges, Holding, Query as EngineQuery, DEFAULT_PAGE, MAX_PAGE};
use handoff_core::wire::output::Audience;

/// The demo page served at `/`.
const PAGE: &str = include_str!("page.html");

/// The router with every route.
pub fn router(app: App) -> Router {
    let v1 = Router::new()
        .route("/conversations/{id}", get(conversation))
        .route("/conversations/{id}/messages", post(customer_message))
        .route("/conversations/{id}/ai-replies", post(ai_reply))
        .route("/conversations/{id}/handoff", post(handoff_request))
        .route("/conversations/{id}/callback", post(callback_details))
        .route("/conversations/{id}/close", post(close))
        .route("/conversations/{id}/accept", post(accept))
        .route("/conversations/{id}/decline", post(decline))
        .route("/conversations/{id}/agent-messages", post(agent_message))
        .route("/conversations/{id}/notes", post(agent_note))
        .route("/conversations/{id}/transfer", post(transfer))
        .route("/conversations/{id}/return-to-ai", post(return_to_ai))
        .route("/conversations/{id}/events", get(conversation_events))
        .route("/agents", get(agents))
        .route("/agents/{id}", put(agent_update))
        .route("/agents/{id}/events", get(agent_events))
        .route("/queue", get(queue))
        .route("/dead-letters", get(dead_letters))
        .route("/dead-letters/{id}/redrive", post(redrive))
        .route("/deliveries/{id}/retry", post(retry_now))
        .route("/webhooks/{id}/enable", post(enable_webhook))
        .route("/webhooks/disabled", get(disabled_webhooks))
        .route("/callbacks", get(callbacks))
        .route("/stats/timeline", get(timeline))
        .route("/events", get(all_events))
        .route("/conversations/{id}/resolve", post(resolve))
        .route("/conversations/{id}/wrap-up-done", post(wrap_up_done))
        .route("/conversations/{id}/csat", post(csat))
        .route(
            "/integrations/{id}/webhook",
            post(super::inbound::helpdesk_webhook),
        )
        .route(
            "/session",
            post(session_start).get(session_read).delete(session_end),
        )
        .route("/session/links", post(sign_in_link))
        .route("/settings", get(settings))
        .nest("/customer", super::customer::routes())
        .layer(middleware::from_fn_with_state(app.clone(), session_writes));
    Router::new()
        .route("/", get(page))
        .route("/console", get(console_index))
        .route("/console/sign-in", get(sign_in_with_link))
        .route("/console/{file}", get(console_file))
        .route("/widget", get(super::customer::widget_index))
        .route("/widget/{file}", get(super::customer::widget_asset))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .nest("/v1", v1)
        .route_layer(middleware::from_fn_with_state(app.clone(), count_requests))
        .fallback(not_found)
        .layer(middleware::from_fn(json_errors))
        .with_state(app)
}

/// Every error answer is JSON, whoever made it. Before routing: a request target longer than
/// [`MAX_URI`](super::listen::MAX_URI) gets 414, a path that is not UTF-8 once percent-decoded
/// 400 (`path` `url`). After: an error answer that is not JSON (axum's 405, an extractor's
/// rejection) is made `{"error": {"message": …}}` with its status and headers (`Allow`).
async fn json_errors(request: Request, next: Next) -> Response {
    use super::listen::{path_is_utf8, MAX_URI};
    let target = request
        .uri()
        .path_and_query()
        .map_or(0, |p| p.as_str().len());
    if target > MAX_URI {
        let message = format!("the URL is longer than {MAX_URI} bytes");
        return ApiError::new(StatusCode::URI_TOO_LONG, Some("url"), message).into_response();
    }
    if !path_is_utf8(request.uri().path()) {
        let message = "the path is not UTF-8 once percent-decoded";
        return ApiError::bad("url", message).into_response();
    }
    let method = request.method().clone();
    let mut response = next.run(request).await;
    let status = response.status();
    if status == StatusCode::REQUEST_TIMEOUT {
        // The body did not all arrive: the connection cannot carry another request.
        let close = HeaderValue::from_static("close");
        response.headers_mut().insert(header::CONNECTION, close);
    }
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let message = if status == StatusCode::METHOD_NOT_ALLOWED {
        let allowed = parts
            .headers
            .get(header::ALLOW)
            .and_then(|v| v.to_str().ok())
            .map(|a| format!(" (allowed: {a})"))
            .unwrap_or_default();
        format!("{method} is not allowed on this route{allowed}")
    } else if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_string()
    } else {
        text
    };
    let mut answer = ApiError::new(status, None, message).into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            answer.headers_mut().append(name.clone(), value.clone());
        }
    }
    answer
}

async fn count_requests(State(app): State<App>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let method = request.method().to_string();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    tracing::debug!(%method, %route, status, "request");
    app.metrics.request(&method, &route, status);
    response
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        None,
        "no such route (see GET / for the list)",
    )
}

async fn page() -> Html<&'static str> {
    Html(PAGE)
}

/// `GET /console`: the agent console's page.
async fn console_index() -> ApiResult {
    console_file(Path(String::new())).await
}

/// `GET /console/{file}`: one of the console's files (scripts, styles).
async fn console_file(Path(file): Path<String>) -> ApiResult {
    super::console::asset(&file).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            None,
            format!("the console has no file {file:?}"),
        )
    })
}

/// A write authorised only by the console's session cookie must carry
/// [`session::CONSOLE_HEADER`], which another site's page cannot add: a forged form or request
/// gets 403.
async fn session_writes(request: Request, next: Next) -> Response {
    let reads = matches!(
        *request.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    );
    let headers = request.headers();
    let by_cookie = !headers.contains_key(header::AUTHORIZATION)
        && headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| {
                session::from_cookie_header(v).is_some()
                    || session::cookie_named(v, session::CUSTOMER_COOKIE).is_some()
            });
    if !reads && by_cookie && !headers.contains_key(session::CONSOLE_HEADER) {
        return ApiError::forbidden(format!(
            "a write signed in by the session cookie must carry the {} header",
            session::CONSOLE_HEADER
        ))
        .into_response();
    }
    next.run(request).await
}

/// `{"role", "agent_id"?}` of `role`.
fn who(role: &Role) -> Value {
    match role {
        Role::Admin => json!({"role": "admin"}),
        Role::Widget => json!({"role": "widget"}),
        Role::Metrics => json!({"role": "metrics"}),
        Role::Agent(id) => json!({"role": "agent", "agent_id": id}),
        Role::Customer(id) => json!({"role": "customer", "conversation_id": id}),
    }
}

/// `POST /v1/session/links`: a one-time sign-in link for the console. An agent's token gets one
/// for itself; the admin's gets one for the agent named by `agent_id`, or for the supervisor
/// view without it. Answers `{"url": "/console/sign-in?ticket=…", "expires_in_seconds"}`: the
/// ticket is 32 random bytes, not the token, good for one sign-in within ten minutes.
async fn sign_in_link(State(app): State<App>, headers: HeaderMap, body: Body) -> ApiResult {
    let role = app.role(&headers, None)?;
    require(&role, &["agent"])?;
    let body = read_object(&headers, body).await?;
    let for_role = match (&role, body.get("agent_id")) {
        (_, None) => role.clone(),
        (Role::Admin, Some(Value::String(agent))) if !agent.is_empty() => {
            Role::Agent(agent.clone())
        }
        (Role::Admin, Some(_)) => {
            return Err(ApiError::bad("body.agent_id", "expected an agent id"));
        }
        (_, Some(given)) if given.as_str() == Some(who_agent(&role)) => role.clone(),
        (_, Some(_)) => {
            return Err(ApiError::forbidden(
                "body.agent_id: an agent token makes a link only for its own agent",
            ))
        }
    };
    let ticket = app.sessions.ticket(for_role).map_err(|e| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            None,
            format!("no link: the random source failed ({e})"),
        )
    })?;
    let mut response = Json(json!({
        "url": format!("/console/sign-in?ticket={ticket}"),
        "expires_in_seconds": session::TICKET_TTL.as_secs(),
    }))
    .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The agent id of an agent role (`""` for the others).
fn who_agent(role: &Role) -> &str {
    match role {
        Role::Agent(id) => id,
        _ => "",
    }
}

/// `?ticket=` of a sign-in link.
#[derive(Deserialize, Default)]
struct TicketQuery {
    ticket: Option<String>,
}

/// `GET /console/sign-in?ticket=…`: trades a sign-in link's ticket (once) for a session cookie
/// and redirects (303) to the console, or the supervisor view for the admin, without the ticket
/// in the address. A used, expired or unknown ticket is 401.
async fn sign_in_with_link(
    State(app): State<App>,
    query: Result<Query<TicketQuery>, QueryRejection>,
) -> ApiResult {
    let ticket = query.ok().and_then(|Query(q)| q.ticket).unwrap_or_default();
    let refused = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            Some("query.ticket"),
            "this sign-in link was used already or has expired: ask for a new one (or sign in              with your token at /console)",
        )
    };
    let role = app.sessions.redeem(&ticket).ok_or_else(refused)?;
    let to = if role == Role::Admin {
        "/console/supervisor"
    } else {
        "/console"
    };
    let id = app.sessions.start(role).map_err(|e| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            None,
            format!("no session: the random source failed ({e})"),
        )
    })?;
    let cookie = HeaderValue::from_str(&session::set_cookie(&id))
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, None, "bad cookie"))?;
    let mut response = (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, HeaderValue::from_static(to))],
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert(header::SET_COOKIE, cookie);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}

/// `POST /v1/session`: trades the agent's or admin's bearer token (in `Authorization`, never in
/// the URL or the body) for a session cookie (`HttpOnly`, `SameSite=Strict`), so the console
/// and its `EventSource`s are authorised without the token. Answers `{"role", "agent_id"?}`.
async fn session_start(State(app): State<App>, headers: HeaderMap) -> ApiResult {
    // Signing in takes the token itself, never a session cookie.
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                None,
                "sign in with Authorization: Bearer <token>",
            )
        })?;
    let role = app.role(&headers, None)?;
    require(&role, &["agent"])?;
    let id = app.sessions.start(role.clone()).map_err(|e| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            None,
            format!("no session: the random source failed ({e})"),
        )
    })?;
    let mut response = Json(who(&role)).into_response();
    let cookie = HeaderValue::from_str(&session::set_cookie(&id))
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, None, "bad cookie"))?;
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `GET /v1/session`: who the caller is (`{"role", "agent_id"?}`); 401 when not signed in.
async fn session_read(State(app): State<App>, headers: HeaderMap) -> ApiResult {
    let role = app.role(&headers, None)?;
    Ok(Json(who(&role)).into_response())
}

/// `DELETE /v1/session`: signs out: the session ends and the cookie is removed.
async fn session_end(State(app): State<App>, headers: HeaderMap) -> ApiResult {
    if let Some(id) = app.session(&headers) {
        app.sessions.end(id);
    }
    let mut response = Json(json!({"signed_out": true})).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&session::clear_cookie())
            .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, None, "bad cookie"))?,
    );
    Ok(response)
}

/// `GET /v1/settings`: what the console needs from the configuration (agents, admin).
async fn settings(State(app): State<App>, headers: HeaderMap) -> ApiResult {
    require(&app.role(&headers, None)?, &["agent"])?;
    Ok(Json(app.settings.as_ref().clone()).into_response())
}

async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// `?access_token=` for event streams (browsers' EventSource cannot set headers).
#[derive(Deserialize, Default)]
struct TokenQuery {
    access_token: Option<String>,
}

/// A customer-side write: widget backend or admin.
async fn customer_side(
    app: &App,
    headers: &HeaderMap,
    kind: &str,
    id: &str,
    body: Body,
) -> ApiResult {
    let role = app.role(headers, None)?;
    require(&role, &["widget"])?;
    let body = read_object(headers, body).await?;
    app.input(make_input(kind, Some(id), body)?).await
}

async fn customer_message(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    customer_side(&app, &headers, "customer_message", &id, body).await
}

async fn ai_reply(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    customer_side(&app, &headers, "ai_reply", &id, body).await
}

async fn handoff_request(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    customer_side(&app, &headers, "handoff_request", &id, body).await
}

async fn callback_details(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    customer_side(&app, &headers, "callback_details", &id, body).await
}

/// An agent-side write: the agent named by the token, or admin naming one. The engine refuses
/// an agent acting on a conversation that is not offered to it or not held by it
/// (`not_offered_to`, `not_held_by`: 403).
async fn agent_side(app: &App, headers: &HeaderMap, kind: &str, id: &str, body: Body) -> ApiResult {
    let role = app.role(headers, None)?;
    require(&role, &["agent"])?;
    let mut body = read_object(headers, body).await?;
    if let Role::Agent(agent) = &role {
        own_agent(&mut body, agent)?;
    }
    app.input(make_input(kind, Some(id), body)?).await
}

/// Writes the token's agent into `body.agent_id`; another agent there is refused.
fn own_agent(body: &mut Map<String, Value>, agent: &str) -> Result<(), ApiError> {
    if let Some(given) = body.get("agent_id") {
        if given.as_str() != Some(agent) {
            return Err(ApiError::forbidden(format!(
                "body.agent_id: an agent token acts only as its own agent ({agent})"
            )));
        }
    }
    body.insert("agent_id".into(), agent.into());
    Ok(())
}

async fn accept(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    agent_side(&app, &headers, "agent_accept", &id, body).await
}

async fn decline(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    agent_side(&app, &headers, "agent_decline", &id, body).await
}

async fn agent_message(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    agent_side(&app, &headers, "agent_message", &id, body).await
}

/// `POST /v1/conversations/{id}/notes` → `agent_note`: a private note, for the agents' side only;
/// only the agent who holds the conversation.
async fn agent_note(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    agent_side(&app, &headers, "agent_note", &id, body).await
}

/// `POST /v1/conversations/{id}/return-to-ai` → `return_to_ai` (`note?`): the holding agent gives
/// the conversation back to the AI.
async fn return_to_ai(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    agent_side(&app, &headers, "return_to_ai", &id, body).await
}

/// `POST /v1/conversations/{id}/transfer` → `transfer` (`to`, `mode?`, `note?`): by the holding
/// agent (its token: `by` is `agent`, `agent_id` the token's), or admin: `by: "admin"` unless it
/// names the agent it acts for (`agent_id`).
async fn transfer(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let role = app.role(&headers, None)?;
    require(&role, &["agent"])?;
    let mut body = read_object(&headers, body).await?;
    by_holder_or_admin(&role, &mut body, "transfers")?;
    app.input(make_input("transfer", Some(&id), body)?).await
}

/// The body of an input an agent gives as the holder or an admin gives for it (`transfer`,
/// `resolve`): an agent token acts as `by: "agent"` with its own `agent_id` (the engine refuses
/// unless that agent holds the conversation); admin acts as `by: "admin"` unless it names the
/// agent it acts for.
fn by_holder_or_admin(
    role: &Role,
    body: &mut Map<String, Value>,
    verb: &str,
) -> Result<(), ApiError> {
    match role {
        Role::Agent(agent) => {
            if body
                .get("by")
                .is_some_and(|by| by.as_str() != Some("agent"))
            {
                return Err(ApiError::forbidden(format!(
                    "body.by: an agent token {verb} as \"agent\" (the holder)"
                )));
            }
            own_agent(body, agent)
        }
        _ => {
            if !body.contains_key("by") && !body.contains_key("agent_id") {
                body.insert("by".into(), "admin".into());
            }
            Ok(())
        }
    }
}

/// `POST /v1/conversations/{id}/resolve` → `resolve` (`outcome`, `note?`): by the holding agent
/// (its token: `by` is `agent`, `agent_id` the token's), or admin: `by: "admin"` unless it names
/// the agent it acts for (`agent_id`).
async fn resolve(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let role = app.role(&headers, None)?;
    require(&role, &["agent"])?;
    let mut body = read_object(&headers, body).await?;
    by_holder_or_admin(&role, &mut body, "resolves")?;
    app.input(make_input("resolve", Some(&id), body)?).await
}

/// `POST /v1/conversations/{id}/wrap-up-done` → `wrap_up_done`: the agent who resolved it ends
/// its wrap-up (the engine refuses another agent: `not_held_by`, 403).
async fn wrap_up_done(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    agent_side(&app, &headers, "wrap_up_done", &id, body).await
}

/// `POST /v1/conversations/{id}/csat` → `csat` (`score` 1 to 5, `comment?`): the customer's
/// rating of a resolved conversation, through the widget backend (or admin).
async fn csat(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    customer_side(&app, &headers, "csat", &id, body).await
}

/// Close: the widget backend (customer, AI, system), the assigned agent (`by: agent`), or admin.
async fn close(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let role = app.role(&headers, None)?;
    require(&role, &["widget", "agent"])?;
    let mut body = read_object(&headers, body).await?;
    match &role {
        Role::Agent(agent) => {
            match body.get("by") {
                None => {
                    body.insert("by".into(), "agent".into());
                }
                Some(v) if v.as_str() == Some("agent") => {}
                Some(_) => {
                    return Err(ApiError::forbidden(
                        "body.by: an agent token closes as \"agent\"",
                    ))
                }
            }
            // The engine refuses the close unless this agent holds the conversation.
            own_agent(&mut body, agent)?;
        }
        Role::Widget if body.get("by").and_then(Value::as_str) == Some("agent") => {
            // Only an agent's own token (or admin) says an agent closed it: webhooks and
            // helpdesks would otherwise report an agent resolution that never happened.
            return Err(ApiError::forbidden(
                "body.by: the widget token closes as \"customer\", \"ai\" or \"system\"; an agent closes with its own token",
            ));
        }
        _ => {}
    }
    app.input(make_input("conversation_closed", Some(&id), body)?)
        .await
}

/// `PUT /v1/agents/{id}`: presence and capacity (`agent_update`), by that agent or admin.
async fn agent_update(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let role = app.role(&headers, None)?;
    require(&role, &["agent"])?;
    if let Role::Agent(agent) = &role {
        if *agent != id {
            return Err(ApiError::forbidden(format!(
                "agent {agent} may not change the presence of agent {id}"
            )));
        }
    }
    let mut body = read_object(&headers, body).await?;
    if body.contains_key("type") {
        return Err(ApiError::bad("body.type", "set by the route: leave it out"));
    }
    set_from_url(&mut body, "id", &id)?;
    app.input(json!({"type": "agent_update", "agent": Value::Object(body)}))
        .await
}

/// An admin's input about one thing named in the URL: `{"type": kind, key: id}`.
async fn admin_input(
    app: &App,
    headers: &HeaderMap,
    kind: &str,
    key: &str,
    id: String,
) -> ApiResult {
    require(&app.role(headers, None)?, &[])?;
    let mut input = Map::new();
    input.insert("type".into(), kind.into());
    input.insert(key.into(), id.into());
    app.input(Value::Object(input)).await
}

/// `POST /v1/dead-letters/{id}/redrive`: a dead letter goes out again (admin).
async fn redrive(State(app): State<App>, Path(id): Path<String>, headers: HeaderMap) -> ApiResult {
    admin_input(&app, &headers, "redrive_delivery", "delivery_id", id).await
}

/// `POST /v1/deliveries/{id}/retry`: a delivery waiting for its retry goes out now (admin).
async fn retry_now(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult {
    admin_input(&app, &headers, "retry_delivery", "delivery_id", id).await
}

/// `POST /v1/webhooks/{id}/enable`: a webhook disabled by 410 Gone takes events again (admin).
async fn enable_webhook(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult {
    admin_input(&app, &headers, "enable_webhook", "webhook_id", id).await
}

/// May `role` read conversation `id`? Agents only what is offered or assigned to them (the
/// engine's `may_act`).
async fn may_read(app: &App, role: &Role, id: &str) -> Result<(), ApiError> {
    match role {
        Role::Admin | Role::Widget => Ok(()),
        Role::Agent(agent) => {
            let query = EngineQuery::MayAct {
                agent_id: agent.clone(),
                conversation_id: id.to_string(),
                needs: Holding::OfferedOrAssigned,
            };
            Ok(super::engine::allowed(&app.query(query).await?)?)
        }
        Role::Metrics | Role::Customer(_) => {
            Err(ApiError::forbidden("this role may not use this route"))
        }
    }
}

async fn conversation(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult {
    let role = app.role(&headers, None)?;
    require(&role, &["widget", "agent"])?;
    may_read(&app, &role, &id).await?;
    // The customer's side reads it as core shows it to the customer (no notes, no transfer).
    let audience = match role {
        Role::Widget => Audience::Customer,
        _ => Audience::Agents,
    };
    app.conversation(&id, audience, "").await
}

/// `?offset=&limit=` of the paged reads.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Page {
    #[serde(default)]
    offset: Option<usize>,
    #[serde(default)]
    limit: Option<usize>,
}

impl Page {
    /// The page's bounds, checked as the engine checks them (400 with the parameter's name).
    fn bounds(&self) -> Result<(usize, usize), ApiError> {
        let limit = self.limit.unwrap_or(DEFAULT_PAGE);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(ApiError::bad(
                "query.limit",
                format!("expected 1 to {MAX_PAGE} (got {limit})"),
            ));
        }
        Ok((self.offset.unwrap_or(0), limit))
    }
}

/// The query string as a [`Page`]: a bad one is a 400 naming the parameter.
fn page_bounds(query: Result<Query<Page>, QueryRejection>) -> Result<(usize, usize), ApiError> {
    match query {
        Ok(Query(page)) => page.bounds(),
        Err(e) => Err(ApiError::bad(
            "query",
            format!(
                "{} (expected offset and limit, whole numbers)",
                e.body_text()
            ),
        )),
    }
}

async fn queue(
    State(app): State<App>,
    headers: HeaderMap,
    query: Result<Query<Page>, QueryRejection>,
) -> ApiResult {
    require(&app.role(&headers, None)?, &["agent"])?;
    let (offset, limit) = page_bounds(query)?;
    app.answer(EngineQuery::Queue { offset, limit }).await
}

async fn agents(State(app): State<App>, headers: HeaderMap) -> ApiResult {
    require(&app.role(&headers, None)?, &["agent"])?;
    app.answer(EngineQuery::Agents {}).await
}

async fn dead_letters(
    State(app): State<App>,
    headers: HeaderMap,
    query: Result<Query<Page>, QueryRejection>,
) -> ApiResult {
    require(&app.role(&headers, None)?, &[])?;
    let (offset, limit) = page_bounds(query)?;
    app.answer(EngineQuery::DeadLetters { offset, limit }).await
}

/// `GET /v1/callbacks?offset=&limit=`: the scheduled callbacks, soonest first (agents, admin).
async fn callbacks(
    State(app): State<App>,
    headers: HeaderMap,
    query: Result<Query<Page>, QueryRejection>,
) -> ApiResult {
    require(&app.role(&headers, None)?, &["agent"])?;
    let (offset, limit) = page_bounds(query)?;
    app.answer(EngineQuery::Callbacks { offset, limit }).await
}

/// `GET /v1/webhooks/disabled`: the webhooks a 410 Gone disabled, with the reason (admin).
async fn disabled_webhooks(State(app): State<App>, headers: HeaderMap) -> ApiResult {
    require(&app.role(&headers, None)?, &[])?;
    app.answer(EngineQuery::DisabledWebhooks {}).await
}

/// `GET /v1/stats/timeline`: handoffs by trigger and waits in 15-minute slots since the service
/// started (admin): the supervisor's charts.
async fn timeline(State(app): State<App>, headers: HeaderMap) -> ApiResult {
    require(&app.role(&headers, None)?, &[])?;
    Ok(Json(app.metrics.timeline.answer()).into_response())
}

async fn metrics(State(app): State<App>, headers: HeaderMap) -> ApiResult {
    require(&app.role(&headers, None)?, &["metrics"])?;
    let answer = app.query(EngineQuery::Gauges {}).await?;
    let gauges: Gauges = serde_json::from_str(&answer).map_err(|e| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            None,
            format!("the engine answered {answer} to gauges: {e}"),
        )
    })?;
    let mut text = app.metrics.render(gauges);
    // Kept in the engine's state: they survive restarts.
    let answer = app.query(EngineQuery::Resolutions {}).await?;
    let resolutions: Value = serde_json::from_str(&answer).map_err(|e| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            None,
            format!("the engine answered {answer} to resolutions: {e}"),
        )
    })?;
    text.push_str(&super::metrics::render_resolutions(&resolutions));
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        text,
    )
        .into_response())
}

async fn conversation_events(
    State(app): State<App>,
    Path(id): Path<String>,
    Query(query): Query<TokenQuery>,
    headers: HeaderMap,
) -> ApiResult {
    let role = app.role(&headers, query.access_token.as_deref())?;
    require(&role, &["widget", "agent"])?;
    may_read(&app, &role, &id).await?;
    let scope = Scope::Conversation(id);
    Ok(events::stream(&app.events, &app.stopping, scope, viewer(&role)).into_response())
}

/// `GET /v1/agents/{id}/events`: what concerns one agent (its offers, its conversations'
/// messages, notes and transfers): that agent's token, or admin.
async fn agent_events(
    State(app): State<App>,
    Path(id): Path<String>,
    Query(query): Query<TokenQuery>,
    headers: HeaderMap,
) -> ApiResult {
    let role = app.role(&headers, query.access_token.as_deref())?;
    require(&role, &["agent"])?;
    if let Role::Agent(agent) = &role {
        if *agent != id {
            return Err(ApiError::forbidden(format!(
                "agent {agent} may not read the stream of agent {id}"
            )));
        }
    }
    let scope = Scope::Agent(id);
    Ok(events::stream(&app.events, &app.stopping, scope, viewer(&role)).into_response())
}

async fn all_events(
    State(app): State<App>,
    Query(query): Query<TokenQuery>,
    headers: HeaderMap,
) -> ApiResult {
    let role = app.role(&headers, query.access_token.as_deref())?;
    require(&role, &["agent"])?;
    Ok(events::stream(&app.events, &app.stopping, Scope::All, viewer(&role)).into_response())
}

/// Whose view of the event streams `role` gets.
fn viewer(role: &Role) -> Viewer {
    match role {
        Role::Agent(agent) => Viewer::Agent(agent.clone()),
        Role::Widget | Role::Customer(_) => Viewer::Widget,
        Role::Admin | Role::Metrics => Viewer::Admin,
    }
}
