//! Send time: the exact HTTP request a host sends for a `delivery` output, and how it reads the
//! answer. Every host calls this and only does the I/O, so the same delivery gives the same bytes
//! on the wire and the same HTTP exchange gives the same `delivery_result`, on every host.
//!
//! A host:
//! 1. resolves the references [`Delivery::secret_refs`] names (environment variables, worker
//!    secrets), without reading anything else of the delivery;
//! 2. calls [`Delivery::prepare`] with them and the current time in unix seconds, and sends the
//!    [`Prepared`] request exactly as it is: `method`, `url`, `headers`, `body`;
//! 3. reads the answer as [`Prepared::response`] ([`ResponseRules::standard`]) says, the same for every
//!    delivery: redirects are not followed (a 3xx is reported as its status, which the engine
//!    dead-letters), at most [`RESPONSE_BODY_LIMIT`] bytes of the body are reported (cut at a
//!    character boundary), and of the headers only [`REPORTED_HEADERS`] whose value is at most
//!    [`MAX_HEADER_VALUE_BYTES`] long (a longer one is left out, as the engine would refuse it);
//! 4. reports a [`PrepareError`] as the `error` of the `delivery_result` (nothing is sent), like a
//!    network error: the engine retries on its schedule, then dead-letters it, and an admin can
//!    redrive it once the secret is fixed.
//!
//! What goes into the request:
//! - `authorization` for `bearer` and `basic` ([`Auth::header`]: one rule for every host; a
//!   basic-auth user name holding `:` is refused, RFC 7617 §2);
//! - `webhook-id`, `webhook-timestamp`, `webhook-signature` for `standard_webhooks`
//!   ([`crate::signing`]), signed per attempt at `unix_secs`;
//! - for a webhook (a delivery with no helpdesk `operation`, whose body is an event),
//!   [`SCHEMA_HEADER`]: the `$id` of the events' JSON Schema ([`EVENT_SCHEMA_ID`]), so a receiver
//!   knows which contract the body follows without a change to the body's bytes.
//!
//! No error, and nothing the engine keeps, holds a secret: errors name the reference.
//!
//! # Example
//! ```
//! use handoff_core::wire::output::{Auth, Delivery};
//!
//! let delivery = Delivery {
//!     delivery_id: "msg_p5jXN8AQM9LWM0D4loKWxJek".into(),
//!     webhook_id: "crm".into(),
//!     conversation_id: "conv_1".into(),
//!     event: "conversation.closed".into(),
//!     method: "POST".into(),
//!     url: "https://crm.example.com/hook".into(),
//!     headers: [("content-type".to_string(), "application/json".to_string())].into(),
//!     body: r#"{"test": 2432232314}"#.into(),
//!     attempt: 1,
//!     auth: Auth::StandardWebhooks { secret_ref: "CRM_SECRET".into() },
//!     operation: None,
//! };
//! assert_eq!(delivery.secret_refs(), ["CRM_SECRET"]);
//! let secret = |name: &str| {
//!     (name == "CRM_SECRET").then(|| "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_string())
//! };
//! let prepared = delivery.prepare(secret, 1614265330)?;
//! assert_eq!(
//!     prepared.headers["webhook-signature"],
//!     "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
//! );
//! assert_eq!(prepared.headers["webhook-timestamp"], "1614265330");
//! assert_eq!(
//!     prepared.headers["handoff-schema"],
//!     "https://handoff.dev/schema/v1/event.schema.json"
//! );
//! assert!(!prepared.response.follow_redirects);
//! # Ok::<(), handoff_core::prepare::PrepareError>(())
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::integrations::auth::lookup;
use crate::signing::{self, SigningError};
use crate::wire::delivery::{Auth, Delivery};
use crate::wire::schema::EVENT_SCHEMA_ID;

/// The header a webhook delivery carries with the `$id` of its body's schema
/// ([`EVENT_SCHEMA_ID`], `https://handoff.dev/schema/v1/event.schema.json`). Helpdesk requests,
/// whose bodies are the vendor's, do not carry it.
pub const SCHEMA_HEADER: &str = "handoff-schema";

pub use crate::integrations::auth::AuthError;
pub use crate::rate_limit::{retry_after, retry_after_ms, REPORTED_HEADERS};
pub use crate::wire::limits::MAX_HEADER_VALUE_BYTES;

/// How much of a receiver's response body a host reports (bytes): the engine reads the id of
/// what a helpdesk created from it, and clips a failure's body into its error text.
pub const RESPONSE_BODY_LIMIT: usize = 64 * 1024;

/// How a host reads the answer to every delivery (see the module doc).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseRules {
    /// Always `false`: a redirect is not followed but reported as its status (3xx), which the
    /// engine dead-letters. A receiver that moved is a configuration to fix, and following it
    /// would send the payload (and its credentials) somewhere nobody configured.
    pub follow_redirects: bool,
    /// At most this many bytes of the body are reported ([`RESPONSE_BODY_LIMIT`]), cut back to
    /// a character boundary; the rest is not read.
    pub body_limit: usize,
    /// The response headers reported in `delivery_result.headers`, by lower-case name, when
    /// present ([`REPORTED_HEADERS`]).
    pub headers: Vec<String>,
    /// A reported header whose value is longer than this (bytes) is left out
    /// ([`MAX_HEADER_VALUE_BYTES`]).
    pub header_value_limit: usize,
}

impl ResponseRules {
    /// The rules every host reads every answer by: the same for every delivery.
    ///
    /// ```
    /// use handoff_core::prepare::{ResponseRules, RESPONSE_BODY_LIMIT};
    ///
    /// let rules = ResponseRules::standard();
    /// assert!(!rules.follow_redirects);
    /// assert_eq!(rules.body_limit, RESPONSE_BODY_LIMIT);
    /// assert_eq!(rules.headers, ["retry-after", "x-ratelimit-reset"]);
    /// ```
    pub fn standard() -> ResponseRules {
        ResponseRules {
            follow_redirects: false,
            body_limit: RESPONSE_BODY_LIMIT,
            headers: REPORTED_HEADERS.iter().map(|h| h.to_string()).collect(),
            header_value_limit: MAX_HEADER_VALUE_BYTES,
        }
    }
}

/// The request to send for one attempt of a delivery, complete: the host sends exactly this.
/// It holds resolved credentials: send it, never log or keep it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prepared {
    /// HTTP method.
    pub method: String,
    /// Where.
    pub url: String,
    /// Every header, by lower-case name for those added here: the delivery's own, then
    /// `authorization` or the Standard Webhooks headers.
    pub headers: BTreeMap<String, String>,
    /// The body, exactly as to be sent.
    pub body: String,
    /// How to read the answer ([`ResponseRules::standard`]).
    pub response: ResponseRules,
}

/// Why a delivery could not be prepared: nothing is sent. Never contains a secret's value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PrepareError {
    /// The `authorization` header could not be built.
    #[error("{0}")]
    Auth(#[from] AuthError),
    /// The text is not a `delivery` output (path `delivery`).
    #[error("not a delivery output: {0}")]
    NotADelivery(String),
    /// The delivery's `auth.scheme` is missing or one this engine does not know (a delivery
    /// written by a newer engine): it is not sent rather than sent unauthenticated.
    #[error("auth.scheme: unknown auth scheme {0} (this engine knows none, standard_webhooks, bearer, basic): not sent")]
    UnknownScheme(String),
    /// The Standard Webhooks secret is not `whsec_` followed by base64.
    #[error("auth.secret_ref: the secret {reference} is not valid: {source}")]
    Signing {
        /// The reference's name.
        reference: String,
        /// What was wrong with it.
        source: SigningError,
    },
}

impl PrepareError {
    /// The field of the delivery the error is about: `auth.secret_ref`, `auth.username_ref`, ….
    pub fn path(&self) -> String {
        match self {
            PrepareError::Auth(e) => e.path(),
            PrepareError::Signing { .. } => "auth.secret_ref".into(),
            PrepareError::NotADelivery(_) => String::new(),
            PrepareError::UnknownScheme(_) => "auth.scheme".into(),
        }
    }
}

impl From<PrepareError> for crate::wire::error::PathError {
    /// The boundary's error: path `delivery.auth.<field>` (`delivery` when the text is not a
    /// delivery output), the kind, and the message naming the reference, never its value.
    fn from(e: PrepareError) -> Self {
        use crate::wire::error::ErrorKind;
        let kind = match &e {
            PrepareError::Auth(AuthError::Missing { .. } | AuthError::Incomplete(_)) => {
                ErrorKind::Missing
            }
            PrepareError::UnknownScheme(_) => ErrorKind::UnknownVariant,
            PrepareError::NotADelivery(_) => ErrorKind::WrongType,
            _ => ErrorKind::Invalid,
        };
        let path = match e.path() {
            p if p.is_empty() => String::from("delivery"),
            p => format!("delivery.{p}"),
        };
        crate::wire::error::PathError::new(kind, path, e.to_string())
    }
}

/// The schemes [`Auth`] knows, as written in `auth.scheme`.
const SCHEMES: [&str; 4] = ["none", "standard_webhooks", "bearer", "basic"];

impl Delivery {
    /// A `delivery` output from its JSON text, as the engine wrote it (`"type"` may stay).
    ///
    /// # Errors
    /// [`PrepareError::UnknownScheme`] for an `auth.scheme` that is missing or unknown, and
    /// [`PrepareError::NotADelivery`] for anything else that is not a delivery output.
    ///
    /// # Example
    /// ```
    /// use handoff_core::wire::output::Delivery;
    /// use handoff_core::prepare::PrepareError;
    ///
    /// let text = r#"{"type":"delivery","delivery_id":"d1","webhook_id":"crm","conversation_id":"c1",
    ///   "event":"conversation.queued","method":"POST","url":"https://example.com/hook",
    ///   "headers":{"content-type":"application/json"},"body":"{}","attempt":1,"auth":{"scheme":"none"}}"#;
    /// let delivery = Delivery::from_json_str(text)?;
    /// assert_eq!(delivery.url, "https://example.com/hook");
    ///
    /// let wrong = text.replace(r#""scheme":"none""#, r#""scheme":"digest""#);
    /// assert!(matches!(Delivery::from_json_str(&wrong), Err(PrepareError::UnknownScheme(_))));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_json_str(text: &str) -> Result<Delivery, PrepareError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| PrepareError::NotADelivery(e.to_string()))?;
        Delivery::from_value(value)
    }

    /// A `delivery` output from its JSON value (a host that parsed the outputs already).
    ///
    /// # Errors
    /// As [`Delivery::from_json_str`].
    ///
    /// # Example
    /// ```
    /// use handoff_core::wire::output::Delivery;
    /// use handoff_core::prepare::PrepareError;
    ///
    /// let value = serde_json::json!({"delivery_id": "d1", "webhook_id": "crm", "conversation_id": "c1",
    ///   "event": "conversation.queued", "method": "POST", "url": "https://example.com/hook",
    ///   "headers": {}, "body": "{}", "attempt": 1, "auth": {"scheme": "bearer", "token_ref": "CRM_TOKEN"}});
    /// let delivery = Delivery::from_value(value)?;
    /// assert_eq!(delivery.secret_refs(), ["CRM_TOKEN"]);
    /// assert!(matches!(Delivery::from_value(serde_json::json!({"url": 5})), Err(PrepareError::NotADelivery(_))));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_value(value: serde_json::Value) -> Result<Delivery, PrepareError> {
        if let Some(auth) = value.get("auth") {
            match auth.get("scheme") {
                Some(serde_json::Value::String(s)) if SCHEMES.contains(&s.as_str()) => {}
                Some(other) => return Err(PrepareError::UnknownScheme(other.to_string())),
                None => return Err(PrepareError::UnknownScheme("(none given)".into())),
            }
        }
        serde_json::from_value(value).map_err(|e| PrepareError::NotADelivery(e.to_string()))
    }

    /// The references a host resolves before [`Delivery::prepare`] (none for `auth.scheme`
    /// `none`).
    pub fn secret_refs(&self) -> Vec<&str> {
        self.auth.references()
    }

    /// The request to send for this attempt, with credentials from `resolve` (a reference's
    /// value; `None` or empty when unset) and, for Standard Webhooks, signed at `unix_secs`.
    ///
    /// # Errors
    /// [`PrepareError::Auth`] when a reference is unset, a bearer token cannot be a header or a
    /// basic-auth user name holds `:`; [`PrepareError::Signing`] when the webhook secret is not
    /// `whsec_` followed by base64. The errors name the reference, never its value.
    ///
    /// # Example
    /// ```
    /// use handoff_core::wire::output::Delivery;
    /// use handoff_core::prepare::PrepareError;
    ///
    /// let delivery = Delivery::from_value(serde_json::json!({"delivery_id": "d1", "webhook_id": "crm",
    ///   "conversation_id": "c1", "event": "conversation.queued", "method": "POST",
    ///   "url": "https://example.com/hook", "headers": {}, "body": "{}", "attempt": 1,
    ///   "auth": {"scheme": "bearer", "token_ref": "CRM_TOKEN"}}))?;
    /// let request = delivery.prepare(|r| (r == "CRM_TOKEN").then(|| "t0k3n".to_string()), 1_768_213_800)?;
    /// assert_eq!(request.headers["authorization"], "Bearer t0k3n");
    /// assert_eq!(request.body, "{}");
    ///
    /// // Unset: nothing is sent, and the error names the reference, not a value.
    /// let unset = delivery.prepare(|_| None, 1_768_213_800).unwrap_err();
    /// assert!(matches!(unset, PrepareError::Auth(_)));
    /// assert!(unset.to_string().contains("CRM_TOKEN"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn prepare(
        &self,
        resolve: impl Fn(&str) -> Option<String>,
        unix_secs: i64,
    ) -> Result<Prepared, PrepareError> {
        let mut headers = self.headers.clone();
        if self.operation.is_none() {
            set(&mut headers, SCHEMA_HEADER, EVENT_SCHEMA_ID.to_string());
        }
        match &self.auth {
            Auth::StandardWebhooks { secret_ref } => {
                let secret = lookup(&resolve, "secret_ref", secret_ref)?;
                let signed =
                    signing::headers(&secret, &self.delivery_id, unix_secs, self.body.as_bytes())
                        .map_err(|source| PrepareError::Signing {
                        reference: secret_ref.clone(),
                        source,
                    })?;
                for (name, value) in signed {
                    set(&mut headers, name, value);
                }
            }
            auth => {
                if let Some(value) = auth.header(resolve)? {
                    set(&mut headers, "authorization", value);
                }
            }
        }
        Ok(Prepared {
            method: self.method.clone(),
            url: self.url.clone(),
            headers,
            body: self.body.clone(),
            response: ResponseRules::standard(),
        })
    }
}

/// Sets `name` (lower case), replacing a header of the same name in any case.
fn set(headers: &mut BTreeMap<String, String>, name: &str, value: String) {
    headers.retain(|k, _| !k.eq_ignore_ascii_case(name));
    headers.insert(name.to_string(), value);
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;

    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    fn delivery(auth: Auth) -> Delivery {
        Delivery {
            delivery_id: "msg_p5jXN8AQM9LWM0D4loKWxJek".into(),
            webhook_id: "crm".into(),
            conversation_id: "c".into(),
            event: "conversation.closed".into(),
            method: "PUT".into(),
            url: "https://example.com/h".into(),
            headers: [
                ("content-type".to_string(), "application/json".to_string()),
                ("Authorization".to_string(), "stale".to_string()),
            ]
            .into(),
            body: r#"{"test": 2432232314}"#.into(),
            attempt: 3,
            auth,
            operation: None,
        }
    }

    fn env(name: &str) -> Option<String> {
        match name {
            "WH" => Some(SECRET.into()),
            "TOKEN" => Some("tok-secret-123".into()),
            "USER" => Some("ada".into()),
            "COLON_USER" => Some("ada:lovelace".into()),
            "PASS" => Some("pa:55".into()),
            "EMPTY" => Some(String::new()),
            "NEWLINE" => Some("tok\r\nx-evil: 1".into()),
            "BAD_WH" => Some("whsec_!!!".into()),
            _ => None,
        }
    }

    fn basic(user: &str, pass: &str) -> String {
        format!("Basic {}", STANDARD.encode(format!("{user}:{pass}")))
    }

    #[test]
    fn standard_webhooks_headers_match_the_specification_vector() {
        let d = delivery(Auth::StandardWebhooks {
            secret_ref: "WH".into(),
        });
        assert_eq!(d.secret_refs(), ["WH"]);
        let p = d.prepare(env, 1614265330).unwrap();
        assert_eq!(p.headers["webhook-id"], "msg_p5jXN8AQM9LWM0D4loKWxJek");
        assert_eq!(p.headers["webhook-timestamp"], "1614265330");
        // The Standard Webhooks test vector (signing.rs `vector_one`).
        assert_eq!(
            p.headers["webhook-signature"],
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        assert_eq!(p.headers["content-type"], "application/json");
        assert_eq!((p.method.as_str(), p.url.as_str()), ("PUT", d.url.as_str()));
        assert_eq!(p.body, d.body);
        assert_eq!(p.response, ResponseRules::standard());
    }

    #[test]
    fn only_webhooks_name_their_schema() {
        let mut d = delivery(Auth::None);
        let webhook = d.prepare(env, 0).unwrap();
        assert_eq!(
            webhook.headers[SCHEMA_HEADER],
            "https://handoff.dev/schema/v1/event.schema.json"
        );
        d.operation = Some("zendesk.create_ticket".into());
        let helpdesk = d.prepare(env, 0).unwrap();
        assert!(
            !helpdesk.headers.contains_key(SCHEMA_HEADER),
            "{helpdesk:?}"
        );
    }

    #[test]
    fn bearer_and_basic_replace_any_authorization_header() {
        let p = delivery(Auth::Bearer {
            token_ref: "TOKEN".into(),
        })
        .prepare(env, 0)
        .unwrap();
        assert_eq!(p.headers["authorization"], "Bearer tok-secret-123");
        assert!(!p.headers.contains_key("Authorization"));
        // content-type, authorization and the webhook's schema id.
        assert_eq!(p.headers.len(), 3);
        assert_eq!(p.headers[SCHEMA_HEADER], EVENT_SCHEMA_ID);
        for (auth, want) in [
            (
                Auth::Basic {
                    username: Some("agent@example.com/token".into()),
                    username_ref: None,
                    password: None,
                    password_ref: Some("PASS".into()),
                },
                // A password may hold ':' (only the user name may not).
                basic("agent@example.com/token", "pa:55"),
            ),
            (
                Auth::Basic {
                    username: None,
                    username_ref: Some("USER".into()),
                    password: Some("X".into()),
                    password_ref: None,
                },
                basic("ada", "X"),
            ),
        ] {
            let p = delivery(auth).prepare(env, 0).unwrap();
            assert_eq!(p.headers["authorization"], want);
        }
        let p = delivery(Auth::None).prepare(env, 0).unwrap();
        assert_eq!(
            p.headers["Authorization"], "stale",
            "sent as the engine wrote it"
        );
    }

    #[test]
    fn a_user_name_with_a_colon_is_refused_naming_the_reference_only() {
        let e = delivery(Auth::Basic {
            username: None,
            username_ref: Some("COLON_USER".into()),
            password: Some("X".into()),
            password_ref: None,
        })
        .prepare(env, 0)
        .unwrap_err();
        assert_eq!(e.path(), "auth.username_ref");
        assert_eq!(
            e.to_string(),
            "auth.username_ref: a basic-auth user name cannot hold \":\" (RFC 7617 §2: the receiver \
             splits user:password at the first colon); credential COLON_USER holds one"
        );
        assert!(!e.to_string().contains("lovelace"));
        let e = delivery(Auth::Basic {
            username: Some("a:b".into()),
            username_ref: None,
            password: Some("X".into()),
            password_ref: None,
        })
        .prepare(env, 0)
        .unwrap_err();
        assert_eq!(e.path(), "auth.username");
    }

    #[test]
    fn unset_empty_and_unsafe_credentials_are_refused_without_their_values() {
        let cases = [
            (
                Auth::Bearer {
                    token_ref: "UNSET".into(),
                },
                "auth.token_ref",
                "auth.token_ref: credential UNSET is not set (an environment variable or worker secret)",
            ),
            (
                Auth::StandardWebhooks {
                    secret_ref: "EMPTY".into(),
                },
                "auth.secret_ref",
                "auth.secret_ref: credential EMPTY is not set (an environment variable or worker secret)",
            ),
            (
                Auth::Bearer {
                    token_ref: "NEWLINE".into(),
                },
                "auth.token_ref",
                "auth.token_ref: credential NEWLINE holds characters an HTTP header cannot carry (a \
                 line break?)",
            ),
            (
                Auth::StandardWebhooks {
                    secret_ref: "BAD_WH".into(),
                },
                "auth.secret_ref",
                "auth.secret_ref: the secret BAD_WH is not valid: webhook secret is not valid: \
                 expected \"whsec_\" followed by base64",
            ),
        ];
        for (auth, path, text) in cases {
            let e = delivery(auth).prepare(env, 0).unwrap_err();
            assert_eq!((e.path().as_str(), e.to_string().as_str()), (path, text));
            assert!(!text.contains("x-evil") && !text.contains("!!!"));
        }
    }

    #[test]
    fn unknown_schemes_and_other_texts_are_refused() {
        let mut d = serde_json::to_value(delivery(Auth::None)).unwrap();
        d["type"] = "delivery".into();
        assert_eq!(
            Delivery::from_json_str(&d.to_string()).unwrap(),
            delivery(Auth::None)
        );
        d["auth"] = serde_json::json!({"scheme": "digest", "realm_ref": "X"});
        let e = Delivery::from_json_str(&d.to_string()).unwrap_err();
        assert_eq!(e.path(), "auth.scheme");
        assert_eq!(
            e.to_string(),
            "auth.scheme: unknown auth scheme \"digest\" (this engine knows none, \
             standard_webhooks, bearer, basic): not sent"
        );
        d["auth"] = serde_json::json!({});
        assert!(matches!(
            Delivery::from_json_str(&d.to_string()),
            Err(PrepareError::UnknownScheme(_))
        ));
        assert!(matches!(
            Delivery::from_json_str("{}"),
            Err(PrepareError::NotADelivery(_))
        ));
    }

    #[test]
    fn prepared_requests_serialise_with_their_response_rules() {
        let p = delivery(Auth::None).prepare(env, 0).unwrap();
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(
            json["response"],
            serde_json::json!({"follow_redirects": false, "body_limit": 65536,
                "headers": ["retry-after", "x-ratelimit-reset"], "header_value_limit": 8192})
        );
    }
}
