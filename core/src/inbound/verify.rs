//! Constant-time checks of a webhook's secret or signature. Nothing here returns or keeps a
//! secret or an expected signature.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::bad;
use crate::wire::error::PathError;

/// Whether `a` and `b` are the same bytes, in time that depends on neither's content (both are
/// hashed first, so not on their lengths either).
pub(super) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    let (x, y) = (Sha256::digest(a), Sha256::digest(b));
    x.iter()
        .zip(y.iter())
        .fold(0u8, |acc, (p, q)| acc | (p ^ q))
        == 0
}

/// `given` (header `header`) equals the shared secret `expected`.
///
/// # Errors
/// [`BadSignature`](crate::wire::error::ErrorKind::BadSignature) at `header` when absent or different.
pub(super) fn same_secret(
    given: Option<&str>,
    expected: &str,
    header: &str,
) -> Result<(), PathError> {
    match given {
        None => Err(bad(header, format!("missing {header}"))),
        Some(g) if ct_eq(g.as_bytes(), expected.as_bytes()) => Ok(()),
        Some(_) => Err(bad(
            header,
            format!("{header} does not match the configured secret"),
        )),
    }
}

/// Whether `tag` is the HMAC-SHA256 of `parts` (concatenated) under `key` (constant time).
pub(super) fn hmac_sha256_is(key: &[u8], parts: &[&[u8]], tag: &[u8]) -> bool {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return false;
    };
    for part in parts {
        mac.update(part);
    }
    mac.verify_slice(tag).is_ok()
}

/// Whether `tag` is the HMAC-SHA1 of `body` under `key` (constant time).
pub(super) fn hmac_sha1_is(key: &[u8], body: &[u8], tag: &[u8]) -> bool {
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(key) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(tag).is_ok()
}

/// `hex` as bytes (either case), or `None`.
pub(super) fn from_hex(hex: &str) -> Option<Vec<u8>> {
    if hex.len() % 2 != 0 {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Whether `at_ms` is within `window_ms` of `now` either way.
pub(super) fn fresh(at_ms: i64, now: i64, window_ms: i64) -> bool {
    (now - at_ms).abs() <= window_ms
}
