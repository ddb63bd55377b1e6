//! Standard Webhooks signing. PLACEHOLDER: being written.

/// Why signing or verification failed. Never contains the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SigningError {
    /// The secret is not `whsec_` followed by base64.
    #[error("webhook secret is not valid: expected \"whsec_\" followed by base64")]
    InvalidSecret,
    /// No signature in the header matches.
    #[error("no matching webhook signature")]
    Mismatch,
}

/// Signs one webhook attempt; returns `v1,<base64>`.
pub fn sign(
    _secret: &str,
    _msg_id: &str,
    _timestamp_secs: i64,
    _body: &[u8],
) -> Result<String, SigningError> {
    Err(SigningError::InvalidSecret)
}
