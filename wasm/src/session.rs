//! The boundary's logic, shared by both builds and tested natively: text in, JSON text out.
//!
//! Nothing here decides anything about a conversation. It turns bytes into `&str`, calls
//! [`handoff_core`], and writes what came back as the exact bytes `serde_json::to_string` gives, in
//! the envelopes of the plain ABI (`{"ok": ...}` / `{"error": ...}`, see `wasm/README.md`). The
//! `abi` build only moves bytes between the linear memory and a [`Session`]; the `js` build calls
//! the free functions and turns the JSON text into JS values.

use std::fmt;

use std::collections::BTreeMap;

use handoff_core::signing;
use handoff_core::wire::changes::{changes_from_json, changes_to_json};
use handoff_core::wire::output::Delivery;
use handoff_core::{Config, Engine, ErrorKind, PathError};
use serde::Serialize;

/// The version of the plain ABI that `handoff_abi_version` returns.
pub const ABI_VERSION: i32 = 1;

/// The message of every call that needs an engine before `handoff_new` or `handoff_restore`.
pub const NO_ENGINE: &str = "no engine: call handoff_new or handoff_restore first";

/// What a call refused: one error, or every error found in a configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// One error (an input, a state snapshot, an argument).
    One(PathError),
    /// Every error of a configuration, in document order.
    Config(Vec<PathError>),
}

impl Refusal {
    /// The errors, one or many.
    pub fn errors(&self) -> &[PathError] {
        match self {
            Refusal::One(e) => std::slice::from_ref(e),
            Refusal::Config(all) => all,
        }
    }

    /// The `<error>` of the envelope: `{"path", "kind", "message", "value"?}`, or for a configuration
    /// `{"errors": [...]}`.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct All<'a> {
            errors: &'a [PathError],
        }
        let text = match self {
            Refusal::One(e) => serde_json::to_string(e),
            Refusal::Config(all) => serde_json::to_string(&All { errors: all }),
        };
        // An `PathError` is three strings: serialising it cannot fail.
        text.unwrap_or_else(|_| {
            String::from("{\"path\":\"\",\"message\":\"unserialisable error\"}")
        })
    }

    /// The human text, naming every path: `input.signals.sentiment: expected ... (got 2)`, or
    /// `2 configuration errors` followed by one indented line per error.
    pub fn message(&self) -> String {
        match self {
            Refusal::One(e) => e.to_string(),
            Refusal::Config(all) => {
                let n = all.len();
                let mut text = format!("{n} configuration error{}", if n == 1 { "" } else { "s" });
                for e in all {
                    text.push_str("\n  ");
                    text.push_str(&e.to_string());
                }
                text
            }
        }
    }
}

impl From<PathError> for Refusal {
    fn from(e: PathError) -> Refusal {
        Refusal::One(e)
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// `{"ok":<value>}` around JSON text that is already exactly what `serde_json::to_string` gave.
pub fn ok(value_json: &str) -> String {
    let mut text = String::with_capacity(value_json.len() + 7);
    text.push_str("{\"ok\":");
    text.push_str(value_json);
    text.push('}');
    text
}

/// `{"error":<error>}`.
pub fn error(refusal: &Refusal) -> String {
    format!("{{\"error\":{}}}", refusal.to_json())
}

/// The envelope of a result.
pub fn envelope(result: Result<String, Refusal>) -> String {
    match result {
        Ok(value) => ok(&value),
        Err(refusal) => error(&refusal),
    }
}

/// The bytes of an argument as UTF-8 text; `path` names the argument in the error.
///
/// # Errors
/// When the bytes are not UTF-8.
pub fn utf8<'a>(path: &str, bytes: &'a [u8]) -> Result<&'a str, PathError> {
    std::str::from_utf8(bytes).map_err(|e| {
        PathError::new(
            ErrorKind::NotJson,
            path,
            format!("expected UTF-8 JSON text, but {e}"),
        )
    })
}

fn serialised<T: Serialize + ?Sized>(what: &str, value: &T) -> Result<String, PathError> {
    serde_json::to_string(value)
        .map_err(|e| PathError::new(ErrorKind::Invalid, what, format!("cannot serialise: {e}")))
}

/// A configuration from its JSON text (`{"handoff": {...}}`), every problem listed.
///
/// # Errors
/// [`Refusal::Config`] with every error of the configuration.
pub fn config(text: &str) -> Result<Config, Refusal> {
    Config::from_json_str(text).map_err(|errors| Refusal::Config(errors.0))
}

/// Whether a browser may run the configuration `text` ([`Config::refuse_for_browser`]).
///
/// # Errors
/// [`Refusal::Config`] with every error of the configuration, or [`Refusal::One`] naming what a
/// browser may not run (`handoff.webhooks[0].secret_ref`, `handoff.integrations[0]`).
pub fn browser_refusal(text: &str) -> Result<(), Refusal> {
    config(text)?.refuse_for_browser().map_err(Refusal::One)
}

/// A `Retry-After` value in ms from `now_ms`, as the engine reads it
/// ([`handoff_core::prepare::retry_after`]); `None` when it is neither seconds nor an HTTP date.
pub fn retry_after_ms(value: &str, now_ms: i64) -> Option<u64> {
    handoff_core::prepare::retry_after(value, now_ms)
}

/// Who may see an output of type `output_type` (`"customer"`, `"agents"` or `"operators"`), as
/// core decides it ([`handoff_core::wire::output::audience_of_type`]); `None` for a type this
/// engine does not write.
pub fn audience(output_type: &str) -> Option<&'static str> {
    handoff_core::wire::output::audience_of_type(output_type).map(|a| a.as_str())
}

/// Every output type with its audience, as a JSON object in the engine's order
/// (`{"message":"customer",...,"webhook_disabled":"operators"}`): core's `OUTPUT_AUDIENCES`.
pub fn output_audiences() -> String {
    let mut out = String::from("{");
    for (i, (output_type, audience)) in handoff_core::wire::output::OUTPUT_AUDIENCES
        .iter()
        .enumerate()
    {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!("\"{output_type}\":\"{}\"", audience.as_str()));
    }
    out.push('}');
    out
}

/// An engine continuing from the state JSON a host persisted.
///
/// # Errors
/// As [`Engine::restore_json`], the path naming where in the state (`state.version`).
pub fn restore(config: Config, state: &str) -> Result<Engine, PathError> {
    Engine::restore_json(config, state).map_err(PathError::from)
}

/// An engine continuing from the records a host kept (JSON text: an array of `{"kind", "id",
/// "value"}` as `take_changes` gives them, any order), as [`Engine::restore_records`].
///
/// # Errors
/// A row that is not `{"kind", "id", "value"}` (path `records[2]`, `records[2].kind`), a removed
/// record's `null` value (`records[2].value`), then as [`Engine::restore_records`] (the path
/// naming the place in the state: `state.conversations.c1.status`).
pub fn restore_records(config: Config, records: &str) -> Result<Engine, PathError> {
    let rows = changes_from_json(records, "records")?;
    if let Some(i) = rows.iter().position(|c| c.value.is_none()) {
        return Err(PathError::new(
            ErrorKind::WrongType,
            format!("records[{i}].value"),
            "expected a record's JSON: null marks a removed record, which is no row",
        ));
    }
    let rows = rows
        .into_iter()
        .map(|c| (c.kind, c.id, c.value.unwrap_or_default()));
    Engine::restore_records(config, rows).map_err(PathError::from)
}

/// The records written or removed since the last call ([`Engine::take_changes`]; the first call
/// lists every record), as a JSON array of `{"kind", "id", "value"}` (`value` `null`: removed).
pub fn take_changes(engine: &mut Engine) -> String {
    changes_to_json(&engine.take_changes())
}

/// Handles one input given as JSON text; returns the outputs as `serde_json::to_string` writes
/// them.
///
/// # Errors
/// As [`Engine::handle_json`]; the engine's state is then unchanged.
pub fn handle(engine: &mut Engine, input: &str, now_ms: i64) -> Result<String, PathError> {
    let outputs = engine.handle_json(input, now_ms)?;
    serialised("outputs", &outputs)
}

/// The whole state as JSON text, to persist.
///
/// # Errors
/// Only if the state cannot be serialised (it always can).
pub fn state(engine: &Engine) -> Result<String, PathError> {
    serialised("state", engine.state())
}

/// The answer to a query given as JSON text (`{"query":"queue","limit":50}`, see
/// [`handoff_core::query::Query`]), as `serde_json::to_string` writes it.
///
/// # Errors
/// When the text is not a known query (path `query...`).
pub fn query(engine: &Engine, query: &str) -> Result<String, PathError> {
    Ok(engine.query_json(query)?)
}

/// Business hours at `at_ms` as JSON text: `{"open","next_opening","next_closing"}` (each
/// `next_*` epoch ms or `null`), or `null` when the configuration has no business hours.
pub fn hours(engine: &Engine, at_ms: i64) -> String {
    #[derive(Serialize)]
    struct Hours {
        open: bool,
        next_opening: Option<i64>,
        next_closing: Option<i64>,
    }
    let hours = engine.hours(at_ms).map(|h| Hours {
        open: h.open,
        next_opening: h.next_opening,
        next_closing: h.next_closing,
    });
    serde_json::to_string(&hours).unwrap_or_else(|_| String::from("null"))
}

/// The Standard Webhooks signature (`v1,<base64>`) of one delivery attempt.
///
/// # Errors
/// When the secret is not `whsec_` followed by base64 (path `secret`; the secret is never shown).
pub fn sign(
    secret: &str,
    msg_id: &str,
    timestamp_secs: i64,
    body: &[u8],
) -> Result<String, PathError> {
    signing::sign(secret, msg_id, timestamp_secs, body).map_err(PathError::from)
}

/// A `delivery` output from its JSON text (the output as the engine wrote it; `"type"` may stay).
fn delivery(text: &str) -> Result<Delivery, PathError> {
    Delivery::from_json_str(text).map_err(PathError::from)
}

/// The references a host resolves for a `delivery` output (its JSON text), as a JSON array of
/// names (`["CRM_WEBHOOK_SECRET"]`): what it passes to [`prepare`].
///
/// # Errors
/// When the text is not a delivery output (path `delivery`).
pub fn secret_refs(delivery_json: &str) -> Result<String, PathError> {
    serialised("secret_refs", &delivery(delivery_json)?.secret_refs())
}

/// The request to send for a `delivery` output (its JSON text), with the resolved secrets
/// (`{"<reference>": "<value>"}`, JSON text; a reference missing, `null` or empty is unset),
/// signed at `unix_secs`: [`handoff_core::prepare::Prepared`] as JSON text.
///
/// # Errors
/// When the texts are not a delivery output (path `delivery`) or an object of strings (path
/// `secrets`), and [`handoff_core::prepare::PrepareError`]s (path `delivery.auth.<field>`), which
/// name references,
/// never their values.
pub fn prepare(
    delivery_json: &str,
    secrets_json: &str,
    unix_secs: i64,
) -> Result<String, PathError> {
    let delivery = delivery(delivery_json)?;
    let secrets: BTreeMap<String, Option<String>> =
        serde_json::from_str(secrets_json).map_err(|_| {
            // serde's message could quote a value: say only what was expected.
            PathError::new(
                ErrorKind::WrongType,
                "secrets",
                "expected an object of reference names to text (or null)",
            )
        })?;
    let resolve = |name: &str| secrets.get(name).cloned().flatten();
    let prepared = delivery
        .prepare(resolve, unix_secs)
        .map_err(PathError::from)?;
    serialised("prepared", &prepared)
}

/// The secret references a host resolves before [`read_webhook`] for `integration_id` of the
/// configuration `config_json` (JSON text): `["ZENDESK_WEBHOOK_SECRET"]`.
///
/// # Errors
/// [`Refusal::Config`] with every error of the configuration.
#[cfg(feature = "integrations")]
pub fn webhook_secret_refs(config_json: &str, integration_id: &str) -> Result<String, Refusal> {
    let config = config(config_json)?;
    let refs = handoff_core::inbound::secret_refs(&config, integration_id);
    serialised("secret_refs", &refs).map_err(Refusal::One)
}

/// A helpdesk's webhook request (`request_json`: `{"headers": {name: value}, "query": "...",
/// "body": "<the raw body as text>"}`) to `integration_id`, verified with `secrets_json`
/// (`{"<reference>": "<value>"}`) at `now_ms` and read into inputs (a JSON array):
/// [`handoff_core::inbound::read`]. Header names may come in any case.
///
/// # Errors
/// [`Refusal::Config`] for a bad configuration; [`Refusal::One`] for a request that is not that
/// shape (path `request`) or `secrets` not an object of strings, and `inbound::read`'s errors
/// (`bad_signature`, `unknown_delivery`, the payload's path).
#[cfg(feature = "integrations")]
pub fn read_webhook(
    config_json: &str,
    integration_id: &str,
    request_json: &str,
    secrets_json: &str,
    now_ms: i64,
) -> Result<String, Refusal> {
    #[derive(serde::Deserialize)]
    struct Request {
        #[serde(default)]
        headers: BTreeMap<String, String>,
        #[serde(default)]
        query: String,
        #[serde(default)]
        body: String,
    }
    let config = config(config_json)?;
    let request: Request = serde_json::from_str(request_json).map_err(|e| {
        Refusal::One(PathError::new(
            ErrorKind::WrongType,
            "request",
            format!("expected {{headers, query, body}} with text values: {e}"),
        ))
    })?;
    let secrets: BTreeMap<String, Option<String>> =
        serde_json::from_str(secrets_json).map_err(|_| {
            Refusal::One(PathError::new(
                ErrorKind::WrongType,
                "secrets",
                "expected an object of reference names to text (or null)",
            ))
        })?;
    let headers: BTreeMap<String, String> = request
        .headers
        .into_iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect();
    let webhook = handoff_core::inbound::WebhookRequest {
        headers: &headers,
        query: request.query.trim_start_matches('?'),
        body: request.body.as_bytes(),
    };
    let resolve = |name: &str| secrets.get(name).cloned().flatten();
    let inputs = handoff_core::inbound::read(&config, integration_id, &webhook, now_ms, resolve)
        .map_err(Refusal::One)?;
    serialised("inputs", &inputs).map_err(Refusal::One)
}

/// `handoff_read_webhook`: `ok` is the inputs. Needs no engine.
#[cfg(feature = "integrations")]
pub fn read_webhook_call(
    config_json: Arg<'_>,
    integration_id: Arg<'_>,
    request_json: Arg<'_>,
    secrets_json: Arg<'_>,
    now_ms: i64,
) -> String {
    let result = (|| {
        let config = text("config", config_json).map_err(Refusal::One)?;
        let id = text("integration_id", integration_id).map_err(Refusal::One)?;
        let request = text("request", request_json).map_err(Refusal::One)?;
        let secrets = text("secrets", secrets_json).map_err(Refusal::One)?;
        read_webhook(config, id, request, secrets, now_ms)
    })();
    envelope(result)
}

/// One argument of a plain-ABI call: its bytes, or why they could not be read from the memory
/// (a range outside it, say).
pub type Arg<'a> = Result<&'a [u8], String>;

fn text<'a>(path: &str, arg: Arg<'a>) -> Result<&'a str, PathError> {
    utf8(
        path,
        arg.map_err(|message| PathError::new(ErrorKind::Invalid, path, message))?,
    )
}

/// The state behind the plain ABI: at most one engine. Every method returns the envelope text the
/// export hands to the host.
#[derive(Debug, Default)]
pub struct Session {
    engine: Option<Engine>,
}

impl Session {
    /// A session with no engine yet.
    pub fn new() -> Session {
        Session::default()
    }

    /// The engine, once `create` or `restore` succeeded.
    pub fn engine(&self) -> Option<&Engine> {
        self.engine.as_ref()
    }

    fn engine_mut(&mut self) -> Result<&mut Engine, PathError> {
        self.engine
            .as_mut()
            .ok_or_else(|| PathError::new(ErrorKind::WrongState, "engine", NO_ENGINE))
    }

    /// `handoff_new`: an engine from the configuration JSON, replacing any earlier one. `ok` is
    /// `null`; on error (`{"errors": [...]}`) an earlier engine is kept.
    pub fn create(&mut self, config_json: Arg<'_>) -> String {
        let result = text("config", config_json)
            .map_err(|e| Refusal::Config(vec![e]))
            .and_then(config)
            .map(|config| {
                self.engine = Some(Engine::new(config));
                String::from("null")
            });
        envelope(result)
    }

    /// `handoff_restore`: an engine continuing from a persisted state, replacing any earlier one.
    /// `ok` is `null`; a bad configuration is `{"errors": [...]}`, a bad state one error whose
    /// path starts with `state`. On error an earlier engine is kept.
    pub fn restore(&mut self, config_json: Arg<'_>, state_json: Arg<'_>) -> String {
        let result = text("config", config_json)
            .map_err(|e| Refusal::Config(vec![e]))
            .and_then(config)
            .and_then(|config| {
                let state = text("state", state_json)?;
                Ok(restore(config, state)?)
            })
            .map(|engine| {
                self.engine = Some(engine);
                String::from("null")
            });
        envelope(result)
    }

    /// `handoff_restore_records`: an engine continuing from the records a host kept (an array of
    /// `{"kind", "id", "value"}`), replacing any earlier one. `ok` is `null`; a bad configuration
    /// is `{"errors": [...]}`, a bad row one error whose path starts with `records` or `state`.
    /// On error an earlier engine is kept.
    pub fn restore_records(&mut self, config_json: Arg<'_>, records_json: Arg<'_>) -> String {
        let result = text("config", config_json)
            .map_err(|e| Refusal::Config(vec![e]))
            .and_then(config)
            .and_then(|config| {
                let records = text("records", records_json)?;
                Ok(restore_records(config, records)?)
            })
            .map(|engine| {
                self.engine = Some(engine);
                String::from("null")
            });
        envelope(result)
    }

    /// `handoff_take_changes`: the records written or removed since the last call (the first
    /// call lists every record).
    pub fn take_changes(&mut self) -> String {
        let result = self.engine_mut().map(take_changes);
        envelope(result.map_err(Refusal::One))
    }

    /// `handoff_handle`: the outputs of one input at `now_ms`.
    pub fn handle(&mut self, input_json: Arg<'_>, now_ms: i64) -> String {
        let result = self.engine_mut().and_then(|engine| {
            let input = text("input", input_json)?;
            handle(engine, input, now_ms)
        });
        envelope(result.map_err(Refusal::One))
    }

    /// `handoff_state`: the whole state.
    pub fn state(&self) -> String {
        let result = match &self.engine {
            Some(engine) => state(engine),
            None => Err(PathError::new(ErrorKind::WrongState, "engine", NO_ENGINE)),
        };
        envelope(result.map_err(Refusal::One))
    }

    /// `handoff_next_wakeup`: epoch ms of the next tick, `-1` when nothing waits on time (or
    /// there is no engine).
    pub fn next_wakeup(&self) -> i64 {
        self.engine
            .as_ref()
            .and_then(Engine::next_wakeup)
            .unwrap_or(-1)
    }

    /// `handoff_query`: the answer to one query (a conversation, who holds it, a page of the
    /// queue, the agents, the gauges, the dead letters), costing what the answer costs.
    pub fn query(&self, query_json: Arg<'_>) -> String {
        let result = match &self.engine {
            Some(engine) => text("query", query_json).and_then(|q| query(engine, q)),
            None => Err(PathError::new(ErrorKind::WrongState, "engine", NO_ENGINE)),
        };
        envelope(result.map_err(Refusal::One))
    }

    /// `handoff_hours`: business hours at `at_ms`.
    pub fn hours(&self, at_ms: i64) -> String {
        let result = match &self.engine {
            Some(engine) => Ok(hours(engine, at_ms)),
            None => Err(PathError::new(ErrorKind::WrongState, "engine", NO_ENGINE)),
        };
        envelope(result.map_err(Refusal::One))
    }
}

/// `handoff_sign`: `ok` is the signature string. Needs no engine.
pub fn sign_call(secret: Arg<'_>, msg_id: Arg<'_>, timestamp_secs: i64, body: Arg<'_>) -> String {
    let result = (|| {
        let secret = text("secret", secret)?;
        let msg_id = text("msg_id", msg_id)?;
        let body = body.map_err(|message| PathError::new(ErrorKind::Invalid, "body", message))?;
        let signature = sign(secret, msg_id, timestamp_secs, body)?;
        serialised("signature", &signature)
    })();
    envelope(result.map_err(Refusal::One))
}

/// `explain` of `request_json` (`{"lines": [...]}` or `{"inputs": [...]}`) under the
/// configuration `config_json`: [`handoff_core::explain::explain_json`], the explanation as JSON
/// text.
///
/// # Errors
/// [`Refusal::Config`] for a bad configuration; [`Refusal::One`] with a path under `request`.
pub fn explain(config_json: &str, request_json: &str) -> Result<String, Refusal> {
    let config = config(config_json)?;
    handoff_core::explain::explain_json(config, request_json).map_err(Refusal::One)
}

/// `handoff_explain`: `ok` is the explanation. Needs no engine.
pub fn explain_call(config_json: Arg<'_>, request_json: Arg<'_>) -> String {
    let result = (|| {
        let config = text("config", config_json).map_err(Refusal::One)?;
        let request = text("request", request_json).map_err(Refusal::One)?;
        explain(config, request)
    })();
    envelope(result)
}

/// `handoff_secret_refs`: `ok` is the array of reference names. Needs no engine.
pub fn secret_refs_call(delivery_json: Arg<'_>) -> String {
    let result = text("delivery", delivery_json).and_then(secret_refs);
    envelope(result.map_err(Refusal::One))
}

/// `handoff_prepare`: `ok` is the prepared request. Needs no engine.
pub fn prepare_call(delivery_json: Arg<'_>, secrets_json: Arg<'_>, unix_secs: i64) -> String {
    let result = (|| {
        let delivery = text("delivery", delivery_json)?;
        let secrets = text("secrets", secrets_json)?;
        prepare(delivery, secrets, unix_secs)
    })();
    envelope(result.map_err(Refusal::One))
}

#[cfg(test)]
mod tests {
    use super::*;
    use handoff_core::RestoreError;
    use serde_json::Value;

    const CONFIG: &str = r#"{"handoff": {"routing": {"auto_accept": true}, "webhooks": [{"id": "crm", "url": "https://hooks.example.com/h"}]}}"#;
    const NOW: i64 = 1_768_213_800_000;
    const AGENT: &str =
        r#"{"type":"agent_update","agent":{"id":"agent_1","name":"Asha","status":"online"}}"#;
    const ASK: &str = r#"{"type":"customer_message","conversation_id":"conv_1","text":"I want to talk to a human"}"#;

    fn ok_value(envelope: &str) -> Value {
        let v: Value = serde_json::from_str(envelope).unwrap();
        assert!(v.get("ok").is_some(), "not ok: {envelope}");
        v["ok"].clone()
    }

    fn error_value(envelope: &str) -> Value {
        let v: Value = serde_json::from_str(envelope).unwrap();
        assert!(v.get("error").is_some(), "not an error: {envelope}");
        v["error"].clone()
    }

    #[test]
    fn audiences_are_cores() {
        assert_eq!(audience("agent_message"), Some("customer"));
        assert_eq!(audience("agent_note"), Some("agents"));
        assert_eq!(audience("delivery"), Some("operators"));
        assert_eq!(audience("telepathy"), None);
        let table: serde_json::Map<String, Value> =
            serde_json::from_str(&output_audiences()).unwrap();
        assert_eq!(
            table.len(),
            handoff_core::wire::output::OUTPUT_AUDIENCES.len()
        );
        for (output_type, a) in handoff_core::wire::output::OUTPUT_AUDIENCES {
            assert_eq!(table[*output_type], a.as_str());
        }
    }

    #[test]
    fn envelopes_wrap_the_exact_bytes() {
        assert_eq!(ok("[1,2.0]"), r#"{"ok":[1,2.0]}"#);
        assert_eq!(ok("null"), r#"{"ok":null}"#);
        let one = Refusal::One(PathError {
            path: "input.x".into(),
            kind: ErrorKind::OutOfRange,
            message: "bad".into(),
            value: Some("2".into()),
        });
        assert_eq!(
            error(&one),
            r#"{"error":{"path":"input.x","kind":"out_of_range","message":"bad","value":"2"}}"#
        );
        let all = Refusal::Config(vec![
            PathError::new(ErrorKind::Invalid, "a", "m1"),
            PathError::new(ErrorKind::Missing, "b", "m2"),
        ]);
        assert_eq!(
            error(&all),
            r#"{"error":{"errors":[{"path":"a","kind":"invalid","message":"m1"},{"path":"b","kind":"missing","message":"m2"}]}}"#
        );
        assert_eq!(all.message(), "2 configuration errors\n  a: m1\n  b: m2");
        assert_eq!(one.message(), "input.x: bad (got 2)");
    }

    #[test]
    fn outputs_are_byte_identical_to_native() {
        let mut session = Session::new();
        assert_eq!(session.create(Ok(CONFIG.as_bytes())), r#"{"ok":null}"#);
        let mut native = Engine::new(Config::from_json_str(CONFIG).unwrap());
        for (i, input) in [AGENT, ASK].iter().enumerate() {
            let now = NOW + i as i64 * 1000;
            let got = session.handle(Ok(input.as_bytes()), now);
            let want = serde_json::to_string(&native.handle_json(input, now).unwrap()).unwrap();
            assert_eq!(got, format!("{{\"ok\":{want}}}"));
        }
        assert_eq!(
            session.state(),
            format!(
                "{{\"ok\":{}}}",
                serde_json::to_string(native.state()).unwrap()
            )
        );
        assert_eq!(session.next_wakeup(), native.next_wakeup().unwrap_or(-1));
    }

    #[test]
    fn no_engine_is_an_error_not_a_trap() {
        let mut session = Session::new();
        let want = format!(
            r#"{{"error":{{"path":"engine","kind":"wrong_state","message":"{NO_ENGINE}"}}}}"#
        );
        assert_eq!(session.handle(Ok(AGENT.as_bytes()), NOW), want);
        assert_eq!(session.state(), want);
        assert_eq!(session.hours(NOW), want);
        assert_eq!(session.next_wakeup(), -1);
    }

    #[test]
    fn input_errors_name_the_path_and_leave_the_state_unchanged() {
        let mut session = Session::new();
        session.create(Ok(CONFIG.as_bytes()));
        session.handle(Ok(AGENT.as_bytes()), NOW);
        let before = session.state();
        let bad = r#"{"type":"customer_message","conversation_id":"conv_1","text":"hi","signals":{"sentiment":2}}"#;
        let e = error_value(&session.handle(Ok(bad.as_bytes()), NOW));
        assert_eq!(e["path"], "input.signals.sentiment");
        assert_eq!(e["value"], "2.0");
        assert_eq!(session.state(), before);
        let e = error_value(&session.handle(Ok(AGENT.as_bytes()), -1));
        assert_eq!(e["path"], "now");
        let e = error_value(&session.handle(Ok(b"{not json"), NOW));
        assert_eq!(e["path"], "input");
        assert_eq!(session.state(), before);
    }

    #[test]
    fn argument_problems_are_errors() {
        let mut session = Session::new();
        let e = error_value(&session.create(Err("outside the memory".into())));
        assert_eq!(e["errors"][0]["path"], "config");
        assert_eq!(e["errors"][0]["message"], "outside the memory");
        session.create(Ok(CONFIG.as_bytes()));
        let e = error_value(&session.handle(Ok(b"\xff\xfe"), NOW));
        assert_eq!(e["path"], "input");
        assert!(e["message"].as_str().unwrap().starts_with("expected UTF-8"));
        let e = error_value(&session.handle(Err("bytes 1..2 lie outside".into()), NOW));
        assert_eq!(
            e,
            serde_json::json!({"path": "input", "kind": "invalid", "message": "bytes 1..2 lie outside"})
        );
        // An empty argument is empty JSON text: the engine's own error.
        let e = error_value(&session.handle(Ok(b""), NOW));
        assert_eq!(e["path"], "input");
    }

    #[test]
    fn config_errors_list_all_and_keep_the_earlier_engine() {
        let mut session = Session::new();
        session.create(Ok(CONFIG.as_bytes()));
        let bad = r#"{"handoff": {"routing": {"method": "x", "offer_timeout_seconds": -1}}}"#;
        let e = error_value(&session.create(Ok(bad.as_bytes())));
        let errors = e["errors"].as_array().unwrap();
        assert!(errors.len() >= 2, "{e}");
        assert_eq!(errors[0]["path"], "handoff.routing.method");
        assert!(session.engine().is_some());
        let native = Config::from_json_str(bad).unwrap_err();
        assert_eq!(
            e["errors"],
            serde_json::to_value(&native.0).unwrap(),
            "the same errors as natively"
        );
    }

    #[test]
    fn restore_continues_and_reports_state_paths() {
        let mut first = Session::new();
        first.create(Ok(CONFIG.as_bytes()));
        first.handle(Ok(AGENT.as_bytes()), NOW);
        let state = ok_value(&first.state()).to_string();
        let mut second = Session::new();
        assert_eq!(
            second.restore(Ok(CONFIG.as_bytes()), Ok(state.as_bytes())),
            r#"{"ok":null}"#
        );
        assert_eq!(
            first.handle(Ok(ASK.as_bytes()), NOW + 1),
            second.handle(Ok(ASK.as_bytes()), NOW + 1)
        );
        let e = error_value(&second.restore(Ok(CONFIG.as_bytes()), Ok(b"{}")));
        assert_eq!(e["path"], "state.version");
        let version = format!("\"version\":{}", handoff_core::wire::state::STATE_VERSION);
        assert!(state.contains(&version), "{state}");
        let newer = state.replacen(&version, "\"version\":999", 1);
        let e = error_value(&second.restore(Ok(CONFIG.as_bytes()), Ok(newer.as_bytes())));
        assert_eq!(e["path"], "state.version");
        assert!(e["message"].as_str().unwrap().contains("newer"), "{e}");
        let e = error_value(&second.restore(Ok(b"{\"handoff\": 1}"), Ok(state.as_bytes())));
        assert!(e["errors"].is_array(), "{e}");
        let e = error_value(&second.restore(Ok(CONFIG.as_bytes()), Err("nope".into())));
        assert_eq!(e["path"], "state");
        assert!(second.engine().is_some(), "the restored engine is kept");
    }

    #[test]
    fn hours_and_sign() {
        let mut session = Session::new();
        session.create(Ok(CONFIG.as_bytes()));
        assert_eq!(session.hours(NOW), r#"{"ok":null}"#);
        // Monday 16:00 in Kolkata: open until 18:00 (12:30Z), open again on Tuesday 09:00.
        let with_hours = r#"{"handoff": {"business_hours": {"timezone": "Asia/Kolkata", "schedule": {"monday": {"start": "09:00", "end": "18:00"}, "tuesday": {"start": "09:00", "end": "18:00"}}}}}"#;
        assert_eq!(session.create(Ok(with_hours.as_bytes())), r#"{"ok":null}"#);
        assert_eq!(
            session.hours(NOW),
            r#"{"ok":{"open":true,"next_opening":1768275000000,"next_closing":1768221000000}}"#
        );
        let signed = sign_call(
            Ok(b"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            Ok(b"msg_p5jXN8AQM9LWM0D4loKWxJek"),
            1614265330,
            Ok(br#"{"test": 2432232314}"#),
        );
        assert_eq!(
            signed,
            r#"{"ok":"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}"#
        );
        let e = error_value(&sign_call(Ok(b"nope-secret"), Ok(b"m"), 1, Ok(b"")));
        assert_eq!(e["path"], "secret");
        assert!(!e.to_string().contains("nope-secret"));
    }

    #[test]
    fn browser_refusals_and_retry_after_are_core_s() {
        assert_eq!(browser_refusal(CONFIG), Ok(()));
        let signed =
            r#"{"handoff": {"webhooks": [{"url": "https://x.test/h", "secret_ref": "S"}]}}"#;
        let Err(Refusal::One(e)) = browser_refusal(signed) else {
            panic!("a signed webhook runs in a browser");
        };
        assert_eq!(e.path, "handoff.webhooks[0].secret_ref");
        assert_eq!(e.kind, ErrorKind::Invalid);
        let Err(Refusal::Config(errors)) = browser_refusal(r#"{"handoff": {"enabled": 1}}"#) else {
            panic!("a bad configuration is not refused as one");
        };
        assert_eq!(errors[0].path, "handoff.enabled");
        assert_eq!(retry_after_ms(" 120 ", NOW), Some(120_000));
        assert_eq!(retry_after_ms("soon", NOW), None);
    }

    #[test]
    fn prepare_signs_and_authorizes_and_never_shows_a_secret() {
        let delivery = r#"{"type":"delivery","delivery_id":"msg_p5jXN8AQM9LWM0D4loKWxJek","webhook_id":"crm","conversation_id":"c","event":"conversation.closed","method":"POST","url":"https://x.test/h","headers":{"content-type":"application/json"},"body":"{\"test\": 2432232314}","attempt":1,"auth":{"scheme":"standard_webhooks","secret_ref":"WH"}}"#;
        assert_eq!(
            secret_refs_call(Ok(delivery.as_bytes())),
            r#"{"ok":["WH"]}"#
        );
        let secrets = r#"{"WH":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}"#;
        let p = ok_value(&prepare_call(
            Ok(delivery.as_bytes()),
            Ok(secrets.as_bytes()),
            1614265330,
        ));
        assert_eq!(
            p["headers"]["webhook-signature"],
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        assert_eq!(p["response"]["follow_redirects"], false);
        let e = error_value(&prepare_call(Ok(delivery.as_bytes()), Ok(b"{}"), 1));
        assert_eq!(e["path"], "delivery.auth.secret_ref");
        let colon = delivery.replace(
            r#"{"scheme":"standard_webhooks","secret_ref":"WH"}"#,
            r#"{"scheme":"basic","username_ref":"FD","password":"X"}"#,
        );
        let e = error_value(&prepare_call(
            Ok(colon.as_bytes()),
            Ok(br#"{"FD":"key:s3cr3t"}"#),
            1,
        ));
        assert_eq!(e["path"], "delivery.auth.username_ref");
        assert!(!e.to_string().contains("s3cr3t"), "{e}");
        let e = error_value(&prepare_call(
            Ok(colon.as_bytes()),
            Ok(br#"{"FD":["s3cr3t"]}"#),
            1,
        ));
        assert_eq!(e["path"], "secrets");
        assert!(!e.to_string().contains("s3cr3t"), "{e}");
        let e = error_value(&prepare_call(Ok(b"{}"), Ok(b"{}"), 1));
        assert_eq!(e["path"], "delivery");
    }

    #[test]
    fn queries_answer_like_native_and_errors_name_the_path() {
        let mut session = Session::new();
        let q = br#"{"query":"gauges"}"#;
        assert_eq!(
            session.query(Ok(q)),
            format!(
                r#"{{"error":{{"path":"engine","kind":"wrong_state","message":"{NO_ENGINE}"}}}}"#
            )
        );
        session.create(Ok(CONFIG.as_bytes()));
        session.handle(Ok(AGENT.as_bytes()), NOW);
        session.handle(Ok(ASK.as_bytes()), NOW);
        let native = {
            let mut e = Engine::new(Config::from_json_str(CONFIG).unwrap());
            e.handle_json(AGENT, NOW).unwrap();
            e.handle_json(ASK, NOW).unwrap();
            e
        };
        for q in [
            r#"{"query":"gauges"}"#,
            r#"{"query":"holder","conversation_id":"conv_1"}"#,
            r#"{"query":"conversation","conversation_id":"conv_1"}"#,
            r#"{"query":"queue"}"#,
            r#"{"query":"agents"}"#,
        ] {
            let want = native.query_json(q).unwrap();
            assert_eq!(session.query(Ok(q.as_bytes())), ok(&want));
        }
        assert_eq!(
            ok_value(&session.query(Ok(br#"{"query":"holder","conversation_id":"conv_1"}"#))),
            serde_json::json!({"status": "assigned", "agent_id": "agent_1"})
        );
        let e = error_value(&session.query(Ok(br#"{"query":"queue","limit":5000}"#)));
        assert_eq!(e["path"], "query.limit");
    }

    #[test]
    fn changes_and_records_round_trip_like_native() {
        let mut session = Session::new();
        let want = format!(
            r#"{{"error":{{"path":"engine","kind":"wrong_state","message":"{NO_ENGINE}"}}}}"#
        );
        assert_eq!(session.take_changes(), want);
        session.create(Ok(CONFIG.as_bytes()));
        let mut native = Engine::new(Config::from_json_str(CONFIG).unwrap());
        let mut rows = std::collections::BTreeMap::new();
        for (i, input) in [AGENT, ASK].iter().enumerate() {
            let now = NOW + i as i64;
            session.handle(Ok(input.as_bytes()), now);
            native.handle_json(input, now).unwrap();
            let got = session.take_changes();
            let want = changes_to_json(&native.take_changes());
            assert_eq!(got, ok(&want));
            let changes = changes_from_json(&want, "changes").unwrap();
            handoff_core::wire::changes::apply_changes(&mut rows, changes);
        }
        let table: Vec<handoff_core::wire::changes::Change> = rows
            .iter()
            .map(|((kind, id), value)| handoff_core::wire::changes::Change {
                kind: *kind,
                id: id.clone(),
                value: Some(value.clone()),
            })
            .collect();
        let table = changes_to_json(&table);
        let mut restored = Session::new();
        assert_eq!(
            restored.restore_records(Ok(CONFIG.as_bytes()), Ok(table.as_bytes())),
            r#"{"ok":null}"#
        );
        assert_eq!(restored.state(), session.state());
        assert_eq!(
            restored.take_changes(),
            r#"{"ok":[]}"#,
            "it holds those rows"
        );
        let e = error_value(&restored.restore_records(
            Ok(CONFIG.as_bytes()),
            Ok(br#"[{"kind":"agent","id":"a","value":null}]"#),
        ));
        assert_eq!(e["path"], "records[0].value");
        let e = error_value(&restored.restore_records(Ok(CONFIG.as_bytes()), Ok(b"{}")));
        assert_eq!(e["path"], "records");
        let e = error_value(&restored.restore_records(
            Ok(CONFIG.as_bytes()),
            Ok(br#"[{"kind":"conversation","id":"c","value":{"id":"c"}}]"#),
        ));
        assert_eq!(e["kind"], "missing", "{e}");
        assert!(restored.engine().is_some(), "the restored engine is kept");
    }

    #[test]
    fn restore_errors_keep_their_paths() {
        let e = PathError::from(RestoreError::newer_version(9, 1));
        assert_eq!(e.path, "state.version");
        assert_eq!(e.kind, ErrorKind::NewerVersion);
        assert!(e.message.starts_with("snapshot version 9"), "{}", e.message);
        let e = PathError::from(RestoreError::inconsistent("state.queue", "x"));
        assert_eq!(e.kind, ErrorKind::Inconsistent);
        assert_eq!(e.to_string(), "state.queue: snapshot is inconsistent: x");
    }
}
