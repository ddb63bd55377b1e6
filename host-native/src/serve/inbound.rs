//! `POST /v1/integrations/{id}/webhook`: a helpdesk's own webhook (Zendesk, Intercom, Sunshine
//! Conversations, Freshdesk). No bearer token: the vendor's signature or shared secret is the
//! authentication. The engine's code (`handoff_core::inbound::read`, linked natively as for
//! `prepare`) verifies the request with the secret read from the environment and reads it into
//! `helpdesk_event` inputs, which go to the engine like any other input.
//!
//! Answers: 200 `{"accepted": n, "outputs": [...]}` (n = 0 for an event about nothing the
//! engine acts on, or one it applied already); 401 for a bad, missing or stale signature or
//! secret; 404 for an unknown integration; 422 for a verified payload the engine cannot use
//! (not the vendor's JSON, a ticket it does not know), with the error's path.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::app::{read_bytes, ApiError, App};
use handoff_core::inbound::{read, WebhookRequest};
use handoff_core::ErrorKind;

/// The handler of `POST /v1/integrations/{id}/webhook`.
pub(super) async fn helpdesk_webhook(
    State(app): State<App>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let body = read_bytes(&headers, body).await?;
    let lower: BTreeMap<String, String> = headers
        .iter()
        .filter_map(|(name, value)| {
            let value = value.to_str().ok()?;
            Some((name.as_str().to_ascii_lowercase(), value.to_string()))
        })
        .collect();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let request = WebhookRequest {
        headers: &lower,
        query: query.as_deref().unwrap_or(""),
        body: &body,
    };
    let secrets = app.secrets.clone();
    let inputs = read(&app.config, &id, &request, now, |name| secrets(name)).map_err(|e| {
        let status = match e.kind {
            ErrorKind::BadSignature => StatusCode::UNAUTHORIZED,
            ErrorKind::UnknownDelivery => StatusCode::NOT_FOUND,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        tracing::warn!(integration = %id, path = %e.path, kind = %e.kind, "helpdesk webhook refused: {}", e.message);
        ApiError::with_status(status, e)
    })?;
    let mut outputs: Vec<Value> = Vec::new();
    for input in &inputs {
        let input = serde_json::to_value(input).unwrap_or(Value::Null);
        // The engine's refusal (a ticket it does not know): the payload is unusable, 422.
        let out = app
            .input_outputs(input)
            .await
            .map_err(ApiError::unprocessable)?;
        outputs.extend(out.iter().cloned());
    }
    Ok(Json(json!({"accepted": inputs.len(), "outputs": outputs})).into_response())
}
