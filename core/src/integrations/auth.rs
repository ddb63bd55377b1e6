//! Building the `Authorization` header from an [`Auth`] and the secrets a host resolved.
//!
//! The engine only ever holds references; a host calls [`Auth::header`] at send time with a
//! function that looks a reference up (an environment variable, a worker secret) and sends the
//! header it returns. Nothing it returns is stored.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::wire::output::Auth;

/// Why an `Authorization` header could not be built. Never contains a secret's value: a
/// reference is named by its name, a literal (never a secret) by its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The host has no value for this reference (an unset environment variable), or an empty one.
    #[error(
        "auth.{field}: credential {reference} is not set (an environment variable or worker secret)"
    )]
    Missing {
        /// The field of `auth` naming it: `token_ref`, `username_ref`, `password_ref`, `secret_ref`.
        field: &'static str,
        /// The reference's name.
        reference: String,
    },
    /// A basic scheme without exactly one user name and one password (not produced by the engine).
    #[error("auth.{0}: basic auth needs exactly one of {0} and {0}_ref")]
    Incomplete(&'static str),
    /// A basic-auth user name holding `:`. RFC 7617 §2: "a user-id containing a colon character
    /// is invalid", because the receiver splits `user:pass` at the first colon; sent anyway, the
    /// receiver would read another user and password than the ones configured.
    #[error(
        "auth.{}: a basic-auth user name cannot hold \":\" (RFC 7617 §2: the receiver splits user:password at the first colon){}",
        if .reference.is_some() { "username_ref" } else { "username" },
        .reference.as_ref().map(|r| format!("; credential {r} holds one")).unwrap_or_default()
    )]
    ColonInUserName {
        /// The reference the user name came from; `None` for a literal `username`.
        reference: Option<String>,
    },
    /// A credential holding characters an HTTP header cannot carry (a line break, a control
    /// character) where it is sent as is (a bearer token).
    #[error("auth.{field}: credential {reference} holds characters an HTTP header cannot carry (a line break?)")]
    NotHeaderSafe {
        /// The field of `auth` naming it.
        field: &'static str,
        /// The reference's name.
        reference: String,
    },
}

impl AuthError {
    /// The field of the delivery's `auth` the error is about (`auth.username_ref`, `auth`).
    pub fn path(&self) -> String {
        match self {
            AuthError::Missing { field, .. } | AuthError::NotHeaderSafe { field, .. } => {
                format!("auth.{field}")
            }
            AuthError::Incomplete(what) => format!("auth.{what}"),
            AuthError::ColonInUserName { reference: Some(_) } => "auth.username_ref".into(),
            AuthError::ColonInUserName { reference: None } => "auth.username".into(),
        }
    }
}

/// The value of the reference `field` names, through `resolve`; an empty value counts as unset.
pub(crate) fn lookup(
    resolve: &impl Fn(&str) -> Option<String>,
    field: &'static str,
    reference: &str,
) -> Result<String, AuthError> {
    resolve(reference)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| AuthError::Missing {
            field,
            reference: reference.to_string(),
        })
}

/// Whether `value` may be sent as an HTTP field value as is (RFC 9110 §5.5: visible characters,
/// spaces and tabs, no line breaks or other control characters).
pub(crate) fn header_safe(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b == b'\t' || (b' '..=b'~').contains(&b) || b >= 0x80)
}

impl Auth {
    /// The `authorization` header value for bearer and basic schemes, with secrets resolved by
    /// `resolve`; `None` for [`Auth::None`] and [`Auth::StandardWebhooks`] (signed separately,
    /// per attempt, with [`crate::signing`]). An empty value counts as unset. A basic-auth user
    /// name holding `:` is refused (RFC 7617 §2); a password may hold one.
    ///
    /// Hosts call [`Delivery::prepare`](crate::wire::delivery::Delivery::prepare), which adds
    /// this header and the signature in one call.
    ///
    /// # Example
    /// ```
    /// use handoff_core::wire::output::Auth;
    ///
    /// let auth = Auth::Basic {
    ///     username: Some("agent@example.com/token".into()),
    ///     username_ref: None,
    ///     password: None,
    ///     password_ref: Some("ZENDESK_API_TOKEN".into()),
    /// };
    /// let header = auth.header(|name| (name == "ZENDESK_API_TOKEN").then(|| "abc123".to_string()))?;
    /// assert_eq!(header.as_deref(), Some("Basic YWdlbnRAZXhhbXBsZS5jb20vdG9rZW46YWJjMTIz"));
    /// # Ok::<(), handoff_core::prepare::AuthError>(())
    /// ```
    ///
    /// # Errors
    /// [`AuthError::Missing`] naming the reference when `resolve` has no value for it,
    /// [`AuthError::ColonInUserName`] for a user name holding `:`,
    /// [`AuthError::NotHeaderSafe`] for a bearer token with a line break, and
    /// [`AuthError::Incomplete`] for a basic scheme without one user name and one password.
    pub fn header(
        &self,
        resolve: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<String>, AuthError> {
        match self {
            Auth::None | Auth::StandardWebhooks { .. } => Ok(None),
            Auth::Bearer { token_ref } => {
                let token = lookup(&resolve, "token_ref", token_ref)?;
                if !header_safe(&token) {
                    return Err(AuthError::NotHeaderSafe {
                        field: "token_ref",
                        reference: token_ref.clone(),
                    });
                }
                Ok(Some(format!("Bearer {token}")))
            }
            Auth::Basic {
                username,
                username_ref,
                password,
                password_ref,
            } => {
                let user = match (username, username_ref) {
                    (Some(v), None) => v.clone(),
                    (None, Some(r)) => lookup(&resolve, "username_ref", r)?,
                    _ => return Err(AuthError::Incomplete("username")),
                };
                if user.contains(':') {
                    return Err(AuthError::ColonInUserName {
                        reference: username_ref.clone(),
                    });
                }
                let pass = match (password, password_ref) {
                    (Some(v), None) => v.clone(),
                    (None, Some(r)) => lookup(&resolve, "password_ref", r)?,
                    _ => return Err(AuthError::Incomplete("password")),
                };
                Ok(Some(format!(
                    "Basic {}",
                    STANDARD.encode(format!("{user}:{pass}"))
                )))
            }
        }
    }

    /// The references this scheme needs resolved, in the order of its fields (what a host
    /// resolves before [`Delivery::prepare`](crate::wire::delivery::Delivery::prepare)).
    pub fn references(&self) -> Vec<&str> {
        match self {
            Auth::None => Vec::new(),
            Auth::StandardWebhooks { secret_ref } => vec![secret_ref],
            Auth::Bearer { token_ref } => vec![token_ref],
            Auth::Basic {
                username_ref,
                password_ref,
                ..
            } => username_ref
                .iter()
                .chain(password_ref)
                .map(String::as_str)
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freshdesk_style_basic_uses_the_key_as_user_name_and_x() {
        let auth = Auth::Basic {
            username: None,
            username_ref: Some("FD".into()),
            password: Some("X".into()),
            password_ref: None,
        };
        let h = auth.header(|_| Some("key1".into())).unwrap();
        assert_eq!(h.as_deref(), Some("Basic a2V5MTpY")); // key1:X
    }

    #[test]
    fn a_missing_reference_is_named_without_any_value() {
        let auth = Auth::Bearer {
            token_ref: "INTERCOM_TOKEN".into(),
        };
        let e = auth.header(|_| None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "auth.token_ref: credential INTERCOM_TOKEN is not set (an environment variable or worker secret)"
        );
    }
}
