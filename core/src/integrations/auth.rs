//! Building the `Authorization` header from an [`Auth`] and the secrets a host resolved.
//!
//! The engine only ever holds references; a host calls [`Auth::header`] at send time with a
//! function that looks a reference up (an environment variable, a worker secret) and sends the
//! header it returns. Nothing it returns is stored.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::wire::output::Auth;

/// Why an `Authorization` header could not be built. Never contains a secret's value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The host has no value for this reference (an unset environment variable).
    #[error("credential {reference} is not set (an environment variable or worker secret)")]
    Missing {
        /// The reference's name.
        reference: String,
    },
    /// A basic scheme without exactly one user name and one password (not produced by the engine).
    #[error("basic auth needs exactly one of {0} and {0}_ref")]
    Incomplete(&'static str),
}

impl Auth {
    /// The `authorization` header value for bearer and basic schemes, with secrets resolved by
    /// `resolve`; `None` for [`Auth::None`] and [`Auth::StandardWebhooks`] (signed separately,
    /// per attempt, with [`crate::signing`]).
    ///
    /// # Example
    /// ```
    /// use handoff_core::output::Auth;
    ///
    /// let auth = Auth::Basic {
    ///     username: Some("agent@example.com/token".into()),
    ///     username_ref: None,
    ///     password: None,
    ///     password_ref: Some("ZENDESK_API_TOKEN".into()),
    /// };
    /// let header = auth.header(|name| (name == "ZENDESK_API_TOKEN").then(|| "abc123".to_string()))?;
    /// assert_eq!(header.as_deref(), Some("Basic YWdlbnRAZXhhbXBsZS5jb20vdG9rZW46YWJjMTIz"));
    /// # Ok::<(), handoff_core::integrations::AuthError>(())
    /// ```
    ///
    /// # Errors
    /// [`AuthError::Missing`] naming the reference when `resolve` has no value for it.
    pub fn header(
        &self,
        resolve: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<String>, AuthError> {
        let lookup = |reference: &str| {
            resolve(reference).ok_or_else(|| AuthError::Missing {
                reference: reference.to_string(),
            })
        };
        let part = |literal: &Option<String>, reference: &Option<String>, what: &'static str| match (
            literal, reference,
        ) {
            (Some(v), None) => Ok(v.clone()),
            (None, Some(r)) => lookup(r),
            _ => Err(AuthError::Incomplete(what)),
        };
        match self {
            Auth::None | Auth::StandardWebhooks { .. } => Ok(None),
            Auth::Bearer { token_ref } => Ok(Some(format!("Bearer {}", lookup(token_ref)?))),
            Auth::Basic {
                username,
                username_ref,
                password,
                password_ref,
            } => {
                let user = part(username, username_ref, "username")?;
                let pass = part(password, password_ref, "password")?;
                Ok(Some(format!(
                    "Basic {}",
                    STANDARD.encode(format!("{user}:{pass}"))
                )))
            }
        }
    }

    /// The references this scheme needs resolved (for a host to check its environment at start).
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
            "credential INTERCOM_TOKEN is not set (an environment variable or worker secret)"
        );
    }
}
