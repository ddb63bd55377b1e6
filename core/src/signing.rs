//! [Standard Webhooks](https://www.standardwebhooks.com/) signing and
//! verification: the one signer every host calls.
//!
//! * The signed content is `{msg_id}.{timestamp}.{body}`, with the raw body
//!   bytes.
//! * The key is the base64-decoded part of the secret after the `whsec_`
//!   prefix (standard alphabet, padded or unpadded). The prefix is required.
//! * The signature is HMAC-SHA256, sent as `v1,<standard base64, padded>`.
//! * A `webhook-signature` header may hold several space-separated
//!   signatures (key rotation); a verifier accepts if any `v1,` one matches,
//!   comparing in constant time, and ignores other versions.
//! * [`verify_at`] also enforces the [`TOLERANCE_SECS`] (five minutes)
//!   timestamp tolerance, both into the past and into the future.
//!
//! No error's text ever includes the secret.
//!
//! ```
//! use handoff_core::signing::{sign, verify_at};
//!
//! let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
//! let body = br#"{"test": 2432232314}"#;
//! let sig = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)?;
//! assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
//! verify_at(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body, &sig, 1614265390)?;
//! # Ok::<(), handoff_core::signing::SigningError>(())
//! ```

use base64::alphabet;
use base64::engine::general_purpose::STANDARD;
use base64::engine::{DecodePaddingMode, Engine, GeneralPurpose, GeneralPurposeConfig};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The prefix every secret must carry.
pub const SECRET_PREFIX: &str = "whsec_";

/// How far, in seconds, a timestamp may be from `now` (either way) for
/// [`verify_at`] to accept it: five minutes, as the spec recommends.
pub const TOLERANCE_SECS: u64 = 5 * 60;

/// Header carrying the message id.
pub const HEADER_ID: &str = "webhook-id";
/// Header carrying the timestamp, in whole seconds since the Unix epoch.
pub const HEADER_TIMESTAMP: &str = "webhook-timestamp";
/// Header carrying the signature(s).
pub const HEADER_SIGNATURE: &str = "webhook-signature";

/// Standard alphabet, accepting padded and unpadded input and non-canonical
/// trailing bits (as most other Standard Webhooks libraries do).
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Why signing or verification failed. Never contains the secret.
///
/// ```
/// use handoff_core::signing::{sign, SigningError};
///
/// let err = sign("not-a-secret", "msg_1", 0, b"{}").unwrap_err();
/// assert_eq!(err, SigningError::InvalidSecret);
/// assert!(!err.to_string().contains("not-a-secret"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SigningError {
    /// The secret is not `whsec_` followed by non-empty standard base64.
    #[error("webhook secret is not valid: expected \"whsec_\" followed by base64")]
    InvalidSecret,
    /// The header holds `v1,` signatures but none of them matches.
    #[error("no matching webhook signature")]
    Mismatch,
    /// The timestamp is more than five minutes from now, either way.
    #[error("webhook timestamp is more than 5 minutes from the current time")]
    TimestampOutOfTolerance,
    /// The header holds no `v1,` signature at all.
    #[error("webhook signature header holds no \"v1,\" signature")]
    MalformedHeader,
}

impl From<SigningError> for crate::wire::error::PathError {
    /// `secret` for a secret that is not `whsec_…` base64 ([`ErrorKind::Invalid`]), `signature`
    /// for a signature that does not verify ([`ErrorKind::Invalid`]).
    ///
    /// [`ErrorKind::Invalid`]: crate::wire::error::ErrorKind::Invalid
    fn from(e: SigningError) -> crate::wire::error::PathError {
        let path = match e {
            SigningError::InvalidSecret => "secret",
            _ => "signature",
        };
        crate::wire::error::PathError::new(
            crate::wire::error::ErrorKind::Invalid,
            path,
            e.to_string(),
        )
    }
}

/// Decodes the key bytes out of a `whsec_` secret.
fn key(secret: &str) -> Result<Vec<u8>, SigningError> {
    let encoded = secret
        .strip_prefix(SECRET_PREFIX)
        .ok_or(SigningError::InvalidSecret)?;
    match LENIENT.decode(encoded) {
        Ok(bytes) if !bytes.is_empty() => Ok(bytes),
        _ => Err(SigningError::InvalidSecret),
    }
}

/// The HMAC state after absorbing `{msg_id}.{timestamp}.{body}`.
fn mac(
    secret: &str,
    msg_id: &str,
    timestamp_secs: i64,
    body: &[u8],
) -> Result<HmacSha256, SigningError> {
    let key = key(secret)?;
    let mut mac = HmacSha256::new_from_slice(&key).map_err(|_| SigningError::InvalidSecret)?;
    mac.update(msg_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp_secs.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(mac)
}

/// Signs one webhook attempt; returns `v1,<base64>`.
///
/// # Errors
/// [`SigningError::InvalidSecret`] when the secret is not `whsec_` followed by base64 (the
/// secret is never shown).
///
/// # Example
/// ```
/// use handoff_core::signing::sign;
///
/// let sig = sign(
///     "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
///     "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
///     1649367553,
///     br#"{"email":"test@example.com","username":"test_user"}"#,
/// )?;
/// assert_eq!(sig, "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=");
/// # Ok::<(), handoff_core::signing::SigningError>(())
/// ```
pub fn sign(
    secret: &str,
    msg_id: &str,
    timestamp_secs: i64,
    body: &[u8],
) -> Result<String, SigningError> {
    let tag = mac(secret, msg_id, timestamp_secs, body)?
        .finalize()
        .into_bytes();
    Ok(format!("v1,{}", STANDARD.encode(tag)))
}

/// Verifies `signature_header` (one or more space-separated `v1,<base64>`
/// entries) without checking the timestamp's age. Prefer [`verify_at`] when
/// receiving webhooks.
///
/// Entries of other versions (`v1a,`, `v2,` …) and entries that do not decode
/// are ignored; the comparison is constant time.
///
/// # Errors
/// [`SigningError::InvalidSecret`] for a bad secret, [`SigningError::MalformedHeader`] when the
/// header holds no `v1,` signature, [`SigningError::Mismatch`] when none matches.
///
/// # Example
/// ```
/// use handoff_core::signing::{sign, verify, SigningError};
///
/// let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// let sig = sign(secret, "msg_1", 1700000000, b"{}")?;
/// let header = format!("v1,AAAA {sig}");
/// assert_eq!(verify(secret, "msg_1", 1700000000, b"{}", &header), Ok(()));
/// assert_eq!(
///     verify(secret, "msg_1", 1700000000, b"{ }", &header),
///     Err(SigningError::Mismatch)
/// );
/// # Ok::<(), SigningError>(())
/// ```
pub fn verify(
    secret: &str,
    msg_id: &str,
    timestamp_secs: i64,
    body: &[u8],
    signature_header: &str,
) -> Result<(), SigningError> {
    let expected = mac(secret, msg_id, timestamp_secs, body)?;
    let mut saw_v1 = false;
    for entry in signature_header.split_ascii_whitespace() {
        let Some((version, encoded)) = entry.split_once(',') else {
            continue;
        };
        if version != "v1" {
            continue;
        }
        saw_v1 = true;
        let Ok(candidate) = LENIENT.decode(encoded) else {
            continue;
        };
        // `verify_slice` compares in constant time (and rejects wrong lengths).
        if expected.clone().verify_slice(&candidate).is_ok() {
            return Ok(());
        }
    }
    if saw_v1 {
        Err(SigningError::Mismatch)
    } else {
        Err(SigningError::MalformedHeader)
    }
}

/// Like [`verify`], and also refuses a timestamp more than
/// [`TOLERANCE_SECS`] before or after `now_secs`.
///
/// # Errors
/// As [`verify`], and [`SigningError::TimestampOutOfTolerance`] when the timestamp is more than
/// five minutes from `now_secs`.
///
/// # Example
/// ```
/// use handoff_core::signing::{sign, verify_at, SigningError};
///
/// let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// let sig = sign(secret, "msg_1", 1700000000, b"{}")?;
/// assert_eq!(verify_at(secret, "msg_1", 1700000000, b"{}", &sig, 1700000299), Ok(()));
/// assert_eq!(
///     verify_at(secret, "msg_1", 1700000000, b"{}", &sig, 1700000360),
///     Err(SigningError::TimestampOutOfTolerance)
/// );
/// # Ok::<(), SigningError>(())
/// ```
pub fn verify_at(
    secret: &str,
    msg_id: &str,
    timestamp_secs: i64,
    body: &[u8],
    signature_header: &str,
    now_secs: i64,
) -> Result<(), SigningError> {
    // Report a misconfigured secret before anything about the request.
    key(secret)?;
    if now_secs.abs_diff(timestamp_secs) > TOLERANCE_SECS {
        return Err(SigningError::TimestampOutOfTolerance);
    }
    verify(secret, msg_id, timestamp_secs, body, signature_header)
}

/// The three headers to send with one webhook attempt:
/// `webhook-id`, `webhook-timestamp` and `webhook-signature`, in that order.
///
/// # Errors
/// [`SigningError::InvalidSecret`] when the secret is not `whsec_` followed by base64.
///
/// # Example
/// ```
/// use handoff_core::signing::headers;
///
/// let h = headers("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_1", 1700000000, b"{}")?;
/// assert_eq!(h[0], ("webhook-id", "msg_1".to_string()));
/// assert_eq!(h[1], ("webhook-timestamp", "1700000000".to_string()));
/// assert_eq!(h[2].0, "webhook-signature");
/// assert!(h[2].1.starts_with("v1,"));
/// # Ok::<(), handoff_core::signing::SigningError>(())
/// ```
pub fn headers(
    secret: &str,
    msg_id: &str,
    timestamp_secs: i64,
    body: &[u8],
) -> Result<[(&'static str, String); 3], SigningError> {
    let signature = sign(secret, msg_id, timestamp_secs, body)?;
    Ok([
        (HEADER_ID, msg_id.to_string()),
        (HEADER_TIMESTAMP, timestamp_secs.to_string()),
        (HEADER_SIGNATURE, signature),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const S1: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID1: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TS1: i64 = 1614265330;
    const BODY1: &[u8] = br#"{"test": 2432232314}"#;
    const SIG1: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    const S2: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    const ID2: &str = "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk";
    const TS2: i64 = 1649367553;
    const BODY2: &[u8] = br#"{"email":"test@example.com","username":"test_user"}"#;
    const SIG2: &str = "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=";
    const BAD2: &str = "v1,R3PTzyfHASBKHH98a7yexTwaJ4yNIcGhFQc1yuN+BPU=";

    #[test]
    fn vector_one() {
        assert_eq!(sign(S1, ID1, TS1, BODY1).unwrap(), SIG1);
        assert_eq!(verify(S1, ID1, TS1, BODY1, SIG1), Ok(()));
        assert_eq!(verify_at(S1, ID1, TS1, BODY1, SIG1, TS1), Ok(()));
    }

    #[test]
    fn vector_two() {
        assert_eq!(sign(S2, ID2, TS2, BODY2).unwrap(), SIG2);
        assert_eq!(verify(S2, ID2, TS2, BODY2, SIG2), Ok(()));
    }

    #[test]
    fn vector_two_bad_signature_fails() {
        assert_eq!(
            verify(S2, ID2, TS2, BODY2, BAD2),
            Err(SigningError::Mismatch)
        );
        assert_eq!(
            verify_at(S2, ID2, TS2, BODY2, BAD2, TS2),
            Err(SigningError::Mismatch)
        );
    }

    #[test]
    fn rotation_header_one_bad_one_good() {
        let header = format!("{BAD2} {SIG2}");
        assert_eq!(verify(S2, ID2, TS2, BODY2, &header), Ok(()));
        let header = format!("{SIG2} {BAD2}");
        assert_eq!(verify(S2, ID2, TS2, BODY2, &header), Ok(()));
        let header = format!("  v1,!!notbase64!!\t{BAD2}   {SIG2} ");
        assert_eq!(verify(S2, ID2, TS2, BODY2, &header), Ok(()));
    }

    #[test]
    fn rotation_across_secrets() {
        let old = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let new = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
        let header = format!(
            "{} {}",
            sign(old, ID2, TS2, BODY2).unwrap(),
            sign(new, ID2, TS2, BODY2).unwrap()
        );
        assert_eq!(verify(old, ID2, TS2, BODY2, &header), Ok(()));
        assert_eq!(verify(new, ID2, TS2, BODY2, &header), Ok(()));
    }

    #[test]
    fn tampered_inputs_fail() {
        assert_eq!(
            verify(
                S2,
                ID2,
                TS2,
                br#"{"email":"evil@example.com","username":"test_user"}"#,
                SIG2
            ),
            Err(SigningError::Mismatch)
        );
        assert_eq!(
            verify(S2, "msg_other", TS2, BODY2, SIG2),
            Err(SigningError::Mismatch)
        );
        assert_eq!(
            verify(S2, ID2, TS2 + 1, BODY2, SIG2),
            Err(SigningError::Mismatch)
        );
        assert_eq!(
            verify(S1, ID2, TS2, BODY2, SIG2),
            Err(SigningError::Mismatch)
        );
    }

    #[test]
    fn tolerance_both_ways() {
        let six_min = 6 * 60;
        assert_eq!(
            verify_at(S2, ID2, TS2, BODY2, SIG2, TS2 + six_min),
            Err(SigningError::TimestampOutOfTolerance)
        );
        assert_eq!(
            verify_at(S2, ID2, TS2, BODY2, SIG2, TS2 - six_min),
            Err(SigningError::TimestampOutOfTolerance)
        );
        assert_eq!(verify_at(S2, ID2, TS2, BODY2, SIG2, TS2 + 300), Ok(()));
        assert_eq!(verify_at(S2, ID2, TS2, BODY2, SIG2, TS2 - 300), Ok(()));
        assert_eq!(
            verify_at(S2, ID2, TS2, BODY2, SIG2, TS2 + 301),
            Err(SigningError::TimestampOutOfTolerance)
        );
        // Extremes do not overflow.
        assert_eq!(
            verify_at(S2, ID2, i64::MIN, BODY2, SIG2, i64::MAX),
            Err(SigningError::TimestampOutOfTolerance)
        );
    }

    #[test]
    fn invalid_secret_never_echoed() {
        for secret in [
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_",
            "whsec_not base64 at all!!",
            "whsec_super-secret-value",
            "WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        ] {
            let err = sign(secret, ID1, TS1, BODY1).unwrap_err();
            assert_eq!(err, SigningError::InvalidSecret);
            let text = err.to_string();
            let debug = format!("{err:?}");
            let payload = secret.strip_prefix("whsec_").unwrap_or(secret);
            if !payload.is_empty() {
                assert!(!text.contains(payload), "{text}");
                assert!(!debug.contains(payload), "{debug}");
            }
            assert_eq!(
                verify(secret, ID1, TS1, BODY1, SIG1),
                Err(SigningError::InvalidSecret)
            );
            assert_eq!(
                verify_at(secret, ID1, TS1, BODY1, SIG1, TS1 + 10_000),
                Err(SigningError::InvalidSecret)
            );
            assert!(headers(secret, ID1, TS1, BODY1).is_err());
        }
    }

    #[test]
    fn unpadded_secret_accepted() {
        // 16 bytes of key: padded base64 ends in "==".
        let padded = "whsec_AAECAwQFBgcICQoLDA0ODw==";
        let unpadded = "whsec_AAECAwQFBgcICQoLDA0ODw";
        let a = sign(padded, ID1, TS1, BODY1).unwrap();
        let b = sign(unpadded, ID1, TS1, BODY1).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn other_versions_ignored() {
        let sig_b64 = SIG2.strip_prefix("v1,").unwrap();
        // A v2 entry carrying the right bytes does not count …
        assert_eq!(
            verify(S2, ID2, TS2, BODY2, &format!("v2,{sig_b64}")),
            Err(SigningError::MalformedHeader)
        );
        assert_eq!(
            verify(S2, ID2, TS2, BODY2, &format!("v1a,{sig_b64}")),
            Err(SigningError::MalformedHeader)
        );
        // … and does not get in the way of a good v1.
        assert_eq!(
            verify(S2, ID2, TS2, BODY2, &format!("v2,{sig_b64} v2,xyz {SIG2}")),
            Ok(())
        );
        assert_eq!(
            verify(S2, ID2, TS2, BODY2, &format!("v2,{sig_b64} {BAD2}")),
            Err(SigningError::Mismatch)
        );
    }

    #[test]
    fn malformed_headers() {
        for header in ["", "   ", "garbage", ",", sig_without_version()] {
            assert_eq!(
                verify(S2, ID2, TS2, BODY2, header),
                Err(SigningError::MalformedHeader),
                "{header:?}"
            );
        }
        assert_eq!(
            verify(S2, ID2, TS2, BODY2, "v1,"),
            Err(SigningError::Mismatch)
        );
    }

    fn sig_without_version() -> &'static str {
        "tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw="
    }

    #[test]
    fn unpadded_signature_accepted() {
        let unpadded = SIG2.trim_end_matches('=');
        assert_eq!(verify(S2, ID2, TS2, BODY2, unpadded), Ok(()));
    }

    #[test]
    fn truncated_signature_rejected() {
        let truncated = &SIG2[..SIG2.len() - 8];
        assert_eq!(
            verify(S2, ID2, TS2, BODY2, truncated),
            Err(SigningError::Mismatch)
        );
    }

    #[test]
    fn headers_shape() {
        let h = headers(S1, ID1, TS1, BODY1).unwrap();
        assert_eq!(
            h,
            [
                ("webhook-id", ID1.to_string()),
                ("webhook-timestamp", TS1.to_string()),
                ("webhook-signature", SIG1.to_string()),
            ]
        );
    }

    proptest! {
        #[test]
        fn roundtrip(id in "\\PC{0,20}", ts in any::<i64>(), body in proptest::collection::vec(any::<u8>(), 0..64)) {
            let sig = sign(S1, &id, ts, &body).unwrap();
            prop_assert_eq!(verify(S1, &id, ts, &body, &sig), Ok(()));
            prop_assert_eq!(verify_at(S1, &id, ts, &body, &sig, ts), Ok(()));
        }

        #[test]
        fn arbitrary_inputs_never_panic(secret in "\\PC{0,40}", header in "\\PC{0,80}", ts in any::<i64>(), now in any::<i64>()) {
            let _ = sign(&secret, "msg", ts, b"x");
            let _ = verify(&secret, "msg", ts, b"x", &header);
            let _ = verify_at(&secret, "msg", ts, b"x", &header, now);
            let _ = verify_at(S1, "msg", ts, b"x", &header, now);
            let _ = sign(&format!("whsec_{secret}"), "msg", ts, b"x");
        }
    }
}
