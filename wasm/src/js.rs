//! The `js` build: the class `Engine` and the functions `sign`, `secretRefs`, `prepare`,
//! `reportedHeaders`, `browserRefusal`, `retryAfterMs`, `audience`, `outputAudiences`,
//! `webhookSecretRefs` and `readHelpdeskWebhook` through wasm-bindgen.
//!
//! Values cross as JSON text, never through a serde bridge: an argument is JSON text already or a
//! JS value given to `JSON.stringify`, and is parsed by `serde_json` exactly as natively (so error
//! paths are the native ones); a result is written by `serde_json::to_string` and handed to
//! `JSON.parse` (`handle`, `state`), or returned as that text itself (`handleJson`, `stateJson`),
//! which is byte for byte what a native host writes.
//!
//! Every error is thrown as a JS `Error` whose `message` names the JSON path
//! (`input.signals.sentiment: expected a number from -1 to 1 (got 2)`), with `name`
//! (`InputError`, `ConfigError`, `RestoreError`, `SigningError`, `PrepareError`), the first
//! error's `path`,
//! `kind` (`"unknown_field"`, `"out_of_range"`, …, see `handoff_core::ErrorKind`) and `value`, and
//! `errors` (`[{path, kind, message, value?}]`: every error of a configuration, otherwise one).

use js_sys::{Array, Object, Reflect, Uint8Array, JSON};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::session::{self, Refusal};
use handoff_core::wire::changes::RecordKind;
use handoff_core::{ErrorKind, PathError};

/// Epoch ms and seconds cross as JS numbers: whole and within ±2^53 to be exact.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// The thrown `Error`.
fn thrown(name: &str, refusal: &Refusal) -> JsValue {
    let error = js_sys::Error::new(&refusal.message());
    error.set_name(name);
    let errors = serde_json::to_string(refusal.errors())
        .ok()
        .and_then(|text| JSON::parse(&text).ok())
        .unwrap_or(JsValue::NULL);
    let first = refusal.errors().first();
    let path = first
        .map(|e| JsValue::from_str(&e.path))
        .unwrap_or(JsValue::NULL);
    let kind = first
        .map(|e| JsValue::from_str(e.kind.as_str()))
        .unwrap_or(JsValue::NULL);
    let value = first
        .and_then(|e| e.value.as_deref())
        .map(JsValue::from_str)
        .unwrap_or(JsValue::UNDEFINED);
    // Setting a property on a fresh Error object cannot fail.
    let _ = Reflect::set(&error, &JsValue::from_str("path"), &path);
    let _ = Reflect::set(&error, &JsValue::from_str("kind"), &kind);
    if !value.is_undefined() {
        let _ = Reflect::set(&error, &JsValue::from_str("value"), &value);
    }
    let _ = Reflect::set(&error, &JsValue::from_str("errors"), &errors);
    error.into()
}

fn input_error(e: impl Into<PathError>) -> JsValue {
    thrown("InputError", &Refusal::One(e.into()))
}

/// The JSON text of an argument: a string is taken as JSON text, anything else goes through
/// `JSON.stringify`.
fn json_text(value: &JsValue, path: &str) -> Result<String, PathError> {
    if let Some(text) = value.as_string() {
        return Ok(text);
    }
    let not_json = || {
        PathError::new(
            ErrorKind::WrongType,
            path,
            "expected a JSON value or its text (an object, an array, a number, ...)",
        )
    };
    if value.is_undefined() {
        return Err(PathError::new(
            ErrorKind::Missing,
            path,
            "missing: got undefined",
        ));
    }
    if let Some((at, number)) = non_finite(value, path, NON_FINITE_DEPTH) {
        return Err(PathError {
            path: at,
            kind: ErrorKind::Invalid,
            message: "expected a finite number: JSON has no NaN or Infinity (JSON.stringify \
                      would write null)"
                .into(),
            value: Some(number.to_string()),
        });
    }
    let text: JsValue = JSON::stringify(value)
        .map_err(|e| {
            let why = e
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_else(|| String::from("JSON.stringify failed"));
            PathError::new(
                ErrorKind::NotJson,
                path,
                format!("cannot be written as JSON: {why}"),
            )
        })?
        .into();
    text.as_string().ok_or_else(not_json)
}

/// How deep [`non_finite`] looks (deeper values are refused by the engine's own limits anyway).
const NON_FINITE_DEPTH: usize = 32;

/// The path of the first number in `value` that JSON cannot hold (`NaN`, `Infinity`), and the
/// number: `JSON.stringify` would write it as `null`, so `confidence: NaN` would silently read as
/// "no confidence".
fn non_finite(value: &JsValue, path: &str, depth: usize) -> Option<(String, f64)> {
    if let Some(n) = value.as_f64() {
        return (!n.is_finite()).then(|| (path.to_string(), n));
    }
    if depth == 0 || !value.is_object() {
        return None;
    }
    if Array::is_array(value) {
        let items: &Array = value.unchecked_ref();
        return items
            .iter()
            .enumerate()
            .find_map(|(i, item)| non_finite(&item, &format!("{path}[{i}]"), depth - 1));
    }
    let entries = Object::entries(value.unchecked_ref());
    entries.iter().find_map(|entry| {
        let pair: Array = entry.unchecked_into();
        let key = pair.get(0).as_string()?;
        non_finite(&pair.get(1), &format!("{path}.{key}"), depth - 1)
    })
}

/// A JS number that must be a whole number (epoch ms or s) to be used as an `i64`.
fn whole(path: &str, number: f64) -> Result<i64, PathError> {
    if number.is_finite() && number.fract() == 0.0 && number.abs() <= MAX_SAFE {
        Ok(number as i64)
    } else {
        Err(PathError {
            path: path.into(),
            kind: ErrorKind::WrongType,
            message: "expected a whole number (epoch time)".into(),
            value: Some(Value::from(number).to_string()),
        })
    }
}

/// JSON text written by `serde_json` as a JS value.
fn parsed(text: &str) -> Result<JsValue, JsValue> {
    JSON::parse(text)
}

fn config(value: &JsValue) -> Result<handoff_core::Config, JsValue> {
    let text =
        json_text(value, "config").map_err(|e| thrown("ConfigError", &Refusal::Config(vec![e])))?;
    session::config(&text).map_err(|refusal| thrown("ConfigError", &refusal))
}

/// The handoff engine: one input in, that input's outputs out. Deterministic, no I/O, no clock.
#[wasm_bindgen]
pub struct Engine {
    inner: handoff_core::Engine,
}

#[wasm_bindgen]
impl Engine {
    /// A new engine from a configuration (`{handoff: {...}}`, as an object or JSON text).
    /// Throws a `ConfigError` listing every problem.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "object | string")] config: JsValue,
    ) -> Result<Engine, JsValue> {
        Ok(Engine {
            inner: handoff_core::Engine::new(self::config(&config)?),
        })
    }

    /// An engine that continues from a state a host persisted (`state()` or `stateJson()`).
    /// Throws a `ConfigError` or a `RestoreError` (path `state...`).
    pub fn restore(
        #[wasm_bindgen(unchecked_param_type = "object | string")] config: JsValue,
        #[wasm_bindgen(unchecked_param_type = "object | string")] state: JsValue,
    ) -> Result<Engine, JsValue> {
        let config = self::config(&config)?;
        let restore_error = |e: PathError| thrown("RestoreError", &Refusal::One(e));
        let state = json_text(&state, "state").map_err(restore_error)?;
        let inner = session::restore(config, &state).map_err(restore_error)?;
        Ok(Engine { inner })
    }

    /// An engine that continues from the records a host kept (any order): an array of `{kind, id,
    /// value}` whose `value` is the record's JSON text (as `takeChanges` gives it) or a value
    /// given to `JSON.stringify`, or the JSON text of such an array (`takeChangesJson`'s form).
    /// Throws a `ConfigError`, or a `RestoreError` whose path names the row (`records[2].kind`)
    /// or the place in the state (`state.conversations.c1.status`).
    #[wasm_bindgen(js_name = restoreRecords)]
    pub fn restore_records(
        #[wasm_bindgen(unchecked_param_type = "object | string")] config: JsValue,
        #[wasm_bindgen(
            unchecked_param_type = "Array<{kind: string, id: string, value: string | object}> | string"
        )]
        records: JsValue,
    ) -> Result<Engine, JsValue> {
        let config = self::config(&config)?;
        let restore_error = |e: PathError| thrown("RestoreError", &Refusal::One(e));
        let inner = if let Some(text) = records.as_string() {
            session::restore_records(config, &text)
        } else {
            rows(&records).and_then(|rows| {
                handoff_core::Engine::restore_records(config, rows).map_err(PathError::from)
            })
        }
        .map_err(restore_error)?;
        Ok(Engine { inner })
    }

    /// The records written or removed since the last call, to persist one row each before
    /// performing the outputs: `[{kind, id, value}]`, `value` the record's JSON text, or `null`
    /// when it was removed. The first call lists every record (so an empty store plus every
    /// change set since is the whole state); it costs what changed, never the whole state.
    #[wasm_bindgen(
        js_name = takeChanges,
        unchecked_return_type = "Array<{kind: 'engine' | 'conversation' | 'agent' | 'outbox' | 'dead_letter' | 'chain', id: string, value: string | null}>"
    )]
    pub fn take_changes(&mut self) -> Array {
        let out = Array::new();
        for change in self.inner.take_changes() {
            let row = Object::new();
            // Setting a property on a fresh object cannot fail.
            let _ = Reflect::set(&row, &"kind".into(), &change.kind.as_str().into());
            let _ = Reflect::set(&row, &"id".into(), &change.id.into());
            let value = change.value.map_or(JsValue::NULL, JsValue::from);
            let _ = Reflect::set(&row, &"value".into(), &value);
            out.push(&row);
        }
        out
    }

    /// As `takeChanges`, as JSON text: `[{"kind","id","value"}]` with each value embedded as
    /// JSON, byte for byte what a native host gets (`changes_to_json`).
    #[wasm_bindgen(js_name = takeChangesJson)]
    pub fn take_changes_json(&mut self) -> String {
        session::take_changes(&mut self.inner)
    }

    /// Handles one input (an object, or its JSON text) at `nowMs` (epoch ms) and returns the array
    /// of outputs. Throws an `InputError` (the state is then unchanged).
    #[wasm_bindgen(unchecked_return_type = "object[]")]
    pub fn handle(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "object | string")] input: JsValue,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> Result<JsValue, JsValue> {
        let input = json_text(&input, "input").map_err(input_error)?;
        parsed(&self.handle_json(&input, now_ms)?)
    }

    /// As `handle`, for JSON text in and out: the outputs exactly as `serde_json` writes them
    /// natively, byte for byte.
    #[wasm_bindgen(js_name = handleJson)]
    pub fn handle_json(
        &mut self,
        input: &str,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> Result<String, JsValue> {
        let now = whole("now", now_ms).map_err(input_error)?;
        session::handle(&mut self.inner, input, now).map_err(input_error)
    }

    /// The whole state, to persist after every input and before performing its outputs.
    #[wasm_bindgen(unchecked_return_type = "object")]
    pub fn state(&self) -> Result<JsValue, JsValue> {
        parsed(&self.state_json()?)
    }

    /// The whole state as JSON text, exactly as a native host writes it.
    #[wasm_bindgen(js_name = stateJson)]
    pub fn state_json(&self) -> Result<String, JsValue> {
        session::state(&self.inner).map_err(|e| thrown("Error", &Refusal::One(e)))
    }

    /// The answer to one query (`{query: "queue", limit: 50}`, `{query: "holder",
    /// conversation_id}`, `{query: "gauges"}`, …; see the README), read from the engine's indexes
    /// without copying the state. Throws an `InputError` (path `query...`) for an unknown query.
    #[wasm_bindgen(unchecked_return_type = "any")]
    pub fn query(
        &self,
        #[wasm_bindgen(unchecked_param_type = "object | string")] query: JsValue,
    ) -> Result<JsValue, JsValue> {
        let query = json_text(&query, "query").map_err(input_error)?;
        parsed(&self.query_json(&query)?)
    }

    /// As `query`, JSON text in and out (the bytes a native host gets).
    #[wasm_bindgen(js_name = queryJson)]
    pub fn query_json(&self, query: &str) -> Result<String, JsValue> {
        session::query(&self.inner, query).map_err(input_error)
    }

    /// When the host must send a `tick` next (epoch ms), or `undefined` if nothing waits on time.
    #[wasm_bindgen(js_name = nextWakeup)]
    pub fn next_wakeup(&self) -> Option<f64> {
        // Every time in the state lies within 1970..10000: exact as a JS number.
        self.inner.next_wakeup().map(|t| t as f64)
    }

    /// Business hours at `atMs`: `{open, next_opening, next_closing}` (epoch ms or `null`), or
    /// `null` when the configuration has no business hours.
    #[wasm_bindgen(
        unchecked_return_type = "{open: boolean, next_opening: number | null, next_closing: number | null} | null"
    )]
    pub fn hours(&self, #[wasm_bindgen(js_name = atMs)] at_ms: f64) -> Result<JsValue, JsValue> {
        let at = whole("atMs", at_ms).map_err(input_error)?;
        parsed(&session::hours(&self.inner, at))
    }
}

/// The rows of `restoreRecords` from a JS array of `{kind, id, value}`.
fn rows(records: &JsValue) -> Result<Vec<(RecordKind, String, String)>, PathError> {
    if !Array::is_array(records) {
        return Err(PathError::new(
            ErrorKind::WrongType,
            "records",
            "expected an array of {kind, id, value} or its JSON text",
        ));
    }
    let records: &Array = records.unchecked_ref();
    let mut out = Vec::with_capacity(records.length() as usize);
    for (i, row) in records.iter().enumerate() {
        let field = |name: &str| Reflect::get(&row, &JsValue::from_str(name)).ok();
        let text = |name: &str| {
            field(name).and_then(|v| v.as_string()).ok_or_else(|| {
                PathError::new(
                    ErrorKind::WrongType,
                    format!("records[{i}].{name}"),
                    "expected text",
                )
            })
        };
        let kind_name = text("kind")?;
        let kind = RecordKind::from_name(&kind_name).ok_or_else(|| {
            let mut e = PathError::new(
                ErrorKind::UnknownVariant,
                format!("records[{i}].kind"),
                "expected one of engine, conversation, agent, outbox, dead_letter, chain",
            );
            e.value = Some(kind_name.clone());
            e
        })?;
        let id = text("id")?;
        let at = format!("records[{i}].value");
        let value = field("value").unwrap_or(JsValue::UNDEFINED);
        if value.is_null() {
            return Err(PathError::new(
                ErrorKind::WrongType,
                at,
                "expected a record's JSON: null marks a removed record, which is no row",
            ));
        }
        out.push((kind, id, json_text(&value, &at)?));
    }
    Ok(out)
}

/// The response headers a host reports in `delivery_result.headers` (lower-case names): the ones
/// the engine reads to decide when to try again. Every host reports these and parses none.
#[wasm_bindgen(js_name = reportedHeaders)]
pub fn reported_headers() -> Vec<String> {
    handoff_core::prepare::REPORTED_HEADERS
        .iter()
        .map(|h| h.to_string())
        .collect()
}

/// Who may see an output (`{type: "agent_note", ...}`, or its `type` as text): `"customer"`
/// (the customer, agents and operators), `"agents"` (agents and operators, never the customer) or
/// `"operators"` (the outbox: operators only), as core decides it
/// (`handoff_core::wire::output::Output::audience`); `undefined` for a type this engine does not
/// write. Hosts filter what they show each side by it. Throws an `InputError` (path `output`) for
/// anything but an object with a text `type` or a text.
#[wasm_bindgen(unchecked_return_type = "'customer' | 'agents' | 'operators' | undefined")]
pub fn audience(
    #[wasm_bindgen(unchecked_param_type = "{type: string} | string")] output: JsValue,
) -> Result<JsValue, JsValue> {
    let output_type = if let Some(text) = output.as_string() {
        text
    } else if output.is_object() {
        Reflect::get(&output, &JsValue::from_str("type"))
            .ok()
            .and_then(|t| t.as_string())
            .ok_or_else(|| {
                input_error(PathError::new(
                    ErrorKind::WrongType,
                    "output.type",
                    "expected an output's type as text",
                ))
            })?
    } else {
        return Err(input_error(PathError::new(
            ErrorKind::WrongType,
            "output",
            "expected an output (an object with a type) or its type as text",
        )));
    };
    Ok(session::audience(&output_type)
        .map(JsValue::from_str)
        .unwrap_or(JsValue::UNDEFINED))
}

/// Every output type with who may see it, `{message: "customer", …, delivery: "operators"}`:
/// core's `OUTPUT_AUDIENCES`, a fresh object on each call.
#[wasm_bindgen(
    js_name = outputAudiences,
    unchecked_return_type = "Record<string, 'customer' | 'agents' | 'operators'>"
)]
pub fn output_audiences() -> Result<JsValue, JsValue> {
    parsed(&session::output_audiences())
}

/// Refuses a configuration (an object or its JSON text) a browser may not run, as
/// `handoff_core::Config::refuse_for_browser` says: a webhook signed with a `secret_ref` and any
/// helpdesk integration, whose credentials a page must not hold. Returns nothing when a browser
/// may run it; throws a `ConfigError` whose `path` names what is refused
/// (`handoff.webhooks[0].secret_ref`, `handoff.integrations[0]`) with `kind` `"invalid"`, or
/// listing every error of a configuration that is not valid at all.
#[wasm_bindgen(js_name = browserRefusal)]
pub fn browser_refusal(
    #[wasm_bindgen(unchecked_param_type = "object | string")] config: JsValue,
) -> Result<(), JsValue> {
    let text = json_text(&config, "config")
        .map_err(|e| thrown("ConfigError", &Refusal::Config(vec![e])))?;
    session::browser_refusal(&text).map_err(|refusal| thrown("ConfigError", &refusal))
}

/// What the engine accepts at most, for a page to refuse before sending (a message too long):
/// `{text_bytes, attributes_bytes, header_value_bytes}`, core's `wire::limits` (UTF-8 bytes).
#[wasm_bindgen(
    unchecked_return_type = "{text_bytes: number, attributes_bytes: number, header_value_bytes: number}"
)]
pub fn limits() -> Result<JsValue, JsValue> {
    use handoff_core::wire::limits::{
        MAX_ATTRIBUTES_BYTES, MAX_HEADER_VALUE_BYTES, MAX_TEXT_BYTES,
    };
    let limits = Object::new();
    for (name, value) in [
        ("text_bytes", MAX_TEXT_BYTES),
        ("attributes_bytes", MAX_ATTRIBUTES_BYTES),
        ("header_value_bytes", MAX_HEADER_VALUE_BYTES),
    ] {
        Reflect::set(&limits, &name.into(), &(value as f64).into())?;
    }
    Ok(limits.into())
}

/// A `Retry-After` header's value in ms from `nowMs` (epoch ms), as the engine reads it: whole or
/// decimal seconds (`120`, `1.5`, rounded up to the ms) or an HTTP date (a past one is `0`);
/// `undefined` for anything else (`-5`, `soon`, `''`, `null`). For code that performs requests
/// itself; `HandoffHost` reports the header and the engine reads it.
#[wasm_bindgen(js_name = retryAfterMs)]
pub fn retry_after_ms(
    #[wasm_bindgen(unchecked_param_type = "string | null | undefined")] value: JsValue,
    #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
) -> Result<Option<f64>, JsValue> {
    let now = whole("nowMs", now_ms).map_err(input_error)?;
    let Some(value) = value.as_string() else {
        return Ok(None);
    };
    // A JS number is exact up to 2^53: a longer wait is no answer a caller could use.
    Ok(session::retry_after_ms(&value, now)
        .map(|ms| ms as f64)
        .filter(|ms| *ms <= MAX_SAFE))
}

/// The Standard Webhooks signature (`v1,<base64>`) of `{msgId}.{timestampSecs}.{body}`; `body` is
/// a string (its UTF-8 bytes) or a `Uint8Array`. Throws a `SigningError` for a secret that is not
/// `whsec_` followed by base64 (the secret is never shown).
#[wasm_bindgen]
pub fn sign(
    secret: &str,
    #[wasm_bindgen(js_name = msgId)] msg_id: &str,
    #[wasm_bindgen(js_name = timestampSecs)] timestamp_secs: f64,
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] body: JsValue,
) -> Result<String, JsValue> {
    let signing_error = |e: PathError| thrown("SigningError", &Refusal::One(e));
    let timestamp = whole("timestampSecs", timestamp_secs).map_err(signing_error)?;
    let body: Vec<u8> = if let Some(text) = body.as_string() {
        text.into_bytes()
    } else if let Some(bytes) = body.dyn_ref::<Uint8Array>() {
        bytes.to_vec()
    } else {
        return Err(signing_error(PathError::new(
            ErrorKind::WrongType,
            "body",
            "expected a string or a Uint8Array",
        )));
    };
    session::sign(secret, msg_id, timestamp, &body).map_err(signing_error)
}

/// The references a host resolves for a `delivery` output (an object or its JSON text) before
/// `prepare`: `["CRM_WEBHOOK_SECRET"]`, `[]` for `auth.scheme` `none`. Throws a `PrepareError`
/// (path `delivery`) for anything but a delivery output.
#[wasm_bindgen(js_name = secretRefs, unchecked_return_type = "string[]")]
pub fn secret_refs(
    #[wasm_bindgen(unchecked_param_type = "object | string")] delivery: JsValue,
) -> Result<JsValue, JsValue> {
    let prepare_error = |e: PathError| thrown("PrepareError", &Refusal::One(e));
    let delivery = json_text(&delivery, "delivery").map_err(prepare_error)?;
    parsed(&session::secret_refs(&delivery).map_err(prepare_error)?)
}

/// The request to send for one attempt of a `delivery` output: `{method, url, headers, body,
/// response: {follow_redirects, body_limit, headers, header_value_limit}}`, with `authorization`
/// or the Standard Webhooks headers (signed at `unixSecs`) built from `secrets` (`{[reference]:
/// value}` for the names `secretRefs` gave; a missing, `null` or empty one is unset). Send it as
/// it is and read the answer as `response` says. Throws a `PrepareError` whose `path` names the
/// field (`delivery.auth.username_ref`) and whose message names the reference, never its value.
#[wasm_bindgen(
    unchecked_return_type = "{method: string, url: string, headers: Record<string, string>, body: string, response: {follow_redirects: boolean, body_limit: number, headers: string[], header_value_limit: number}}"
)]
pub fn prepare(
    #[wasm_bindgen(unchecked_param_type = "object | string")] delivery: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Record<string, string | null | undefined> | string")]
    secrets: JsValue,
    #[wasm_bindgen(js_name = unixSecs)] unix_secs: f64,
) -> Result<JsValue, JsValue> {
    let prepare_error = |e: PathError| thrown("PrepareError", &Refusal::One(e));
    let unix_secs = whole("unixSecs", unix_secs).map_err(prepare_error)?;
    let delivery = json_text(&delivery, "delivery").map_err(prepare_error)?;
    let secrets = json_text(&secrets, "secrets").map_err(|e| {
        // Never the value: only where and what was expected.
        prepare_error(PathError::new(
            ErrorKind::WrongType,
            e.path.clone(),
            "expected an object of reference names to text",
        ))
    })?;
    parsed(&session::prepare(&delivery, &secrets, unix_secs).map_err(prepare_error)?)
}

/// Why the engine would or would not hand off, line by line: `request` (an object or its JSON
/// text) is `{lines: string[]}` (customer lines, each its own conversation) or `{inputs: [{now,
/// input, expect_error?}]}` (a conversation's timed inputs), run under `config` (an object or its
/// JSON text). Returns the `Explanation` (`lines[]`: sentiment and the words that moved it, the
/// request for a person, the topic, every trigger's verdict with its reason, `fires`,
/// `handoff`). Throws a `ConfigError` for a bad configuration and an `InputError` whose `path`
/// is under `request` for a bad request.
#[wasm_bindgen(unchecked_return_type = "object")]
pub fn explain(
    #[wasm_bindgen(unchecked_param_type = "object | string")] config: JsValue,
    #[wasm_bindgen(unchecked_param_type = "object | string")] request: JsValue,
) -> Result<JsValue, JsValue> {
    let config = json_text(&config, "config")
        .map_err(|e| thrown("ConfigError", &Refusal::Config(vec![e])))?;
    let request =
        json_text(&request, "request").map_err(|e| thrown("InputError", &Refusal::One(e)))?;
    let answer = session::explain(&config, &request).map_err(|refusal| match &refusal {
        Refusal::Config(_) => thrown("ConfigError", &refusal),
        _ => thrown("InputError", &refusal),
    })?;
    parsed(&answer)
}

/// The secret references to resolve before `readHelpdeskWebhook` for the integration
/// `integrationId` of `config` (an object or its JSON text): `["ZENDESK_WEBHOOK_SECRET"]`, `[]`
/// for an unknown integration or one without. Throws a `ConfigError` for a bad configuration.
#[cfg(feature = "integrations")]
#[wasm_bindgen(js_name = webhookSecretRefs, unchecked_return_type = "string[]")]
pub fn webhook_secret_refs(
    #[wasm_bindgen(unchecked_param_type = "object | string")] config: JsValue,
    #[wasm_bindgen(js_name = integrationId)] integration_id: &str,
) -> Result<JsValue, JsValue> {
    let text = json_text(&config, "config")
        .map_err(|e| thrown("ConfigError", &Refusal::Config(vec![e])))?;
    let refs = session::webhook_secret_refs(&text, integration_id)
        .map_err(|refusal| thrown("ConfigError", &refusal))?;
    parsed(&refs)
}

/// A helpdesk's webhook request (`{headers: {name: value}, query: string, body: string}`, the
/// body exactly as received) to integration `integrationId` of `config`, verified with `secrets`
/// (`{[reference]: value}` for the names `webhookSecretRefs` gave) at `nowMs` and read into the
/// inputs to hand to `handle` (`helpdesk_event`s; `[]` when it reports nothing the engine acts
/// on). Throws a `WebhookError` whose `kind` is `bad_signature` (answer 401), `unknown_delivery`
/// at `integration_id` (404), or names the payload's path (422); never a secret's value.
#[cfg(feature = "integrations")]
#[wasm_bindgen(js_name = readHelpdeskWebhook, unchecked_return_type = "object[]")]
pub fn read_helpdesk_webhook(
    #[wasm_bindgen(unchecked_param_type = "object | string")] config: JsValue,
    #[wasm_bindgen(js_name = integrationId)] integration_id: &str,
    #[wasm_bindgen(
        unchecked_param_type = "{headers: Record<string, string>, query?: string, body: string} | string"
    )]
    request: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Record<string, string | null | undefined> | string")]
    secrets: JsValue,
    #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
) -> Result<JsValue, JsValue> {
    let webhook_error = |e: PathError| thrown("WebhookError", &Refusal::One(e));
    let now = whole("nowMs", now_ms).map_err(webhook_error)?;
    let config = json_text(&config, "config")
        .map_err(|e| thrown("ConfigError", &Refusal::Config(vec![e])))?;
    let request = json_text(&request, "request").map_err(webhook_error)?;
    let secrets = json_text(&secrets, "secrets").map_err(|e| {
        webhook_error(PathError::new(
            ErrorKind::WrongType,
            e.path.clone(),
            "expected an object of reference names to text",
        ))
    })?;
    let inputs = session::read_webhook(&config, integration_id, &request, &secrets, now).map_err(
        |refusal| match &refusal {
            Refusal::Config(_) => thrown("ConfigError", &refusal),
            _ => thrown("WebhookError", &refusal),
        },
    )?;
    parsed(&inputs)
}
