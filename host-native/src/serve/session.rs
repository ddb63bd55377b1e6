//! Browser sessions for the console: a bearer token traded once for an HttpOnly cookie.
//!
//! A browser's `EventSource` cannot send an `Authorization` header, and a token in a URL ends up
//! in history, logs and `Referer`s. So the console posts the token once (`POST /v1/session`, in
//! the `Authorization` header) and the service answers with a cookie naming a random session
//! id: `HttpOnly` (page scripts cannot read it), `SameSite=Strict` (other sites' pages never send
//! it), `Path=/`. The session has the token's role until it ends (`DELETE /v1/session`, after
//! [`SESSION_TTL`], or when the service restarts: sessions live in memory only).
//!
//! A write authorised by the cookie must also carry [`CONSOLE_HEADER`]: a page of another
//! origin cannot add a custom header without a CORS preflight the service never grants, so a
//! forged form or `fetch` cannot act with the agent's session.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use sha2::{Digest, Sha256};

use super::auth::Role;

/// The cookie's name.
pub const COOKIE: &str = "handoff_session";
/// The header a write authorised by the cookie must carry (any value).
pub const CONSOLE_HEADER: &str = "x-handoff-console";
/// How long a session lasts after sign-in.
pub const SESSION_TTL: Duration = Duration::from_secs(12 * 60 * 60);
/// Most sessions kept at once (the oldest are dropped first).
const MAX_SESSIONS: usize = 10_000;

/// The sessions signed in, by id.
#[derive(Default)]
pub struct Sessions {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    by_id: HashMap<String, (Role, Instant)>,
    counter: u64,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions").finish_non_exhaustive()
    }
}

impl Sessions {
    /// Starts a session for `role`, whose token is `token`, and returns its id (64 hex digits).
    ///
    /// The id is a SHA-256 of the token, a counter, the time and a per-process random seed, so
    /// nobody without the token can guess it.
    pub fn start(&self, role: Role, token: &str) -> String {
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        inner.counter += 1;
        let now = Instant::now();
        inner.by_id.retain(|_, (_, until)| *until > now);
        if inner.by_id.len() >= MAX_SESSIONS {
            if let Some(oldest) = inner
                .by_id
                .iter()
                .min_by_key(|(_, (_, until))| *until)
                .map(|(id, _)| id.clone())
            {
                inner.by_id.remove(&oldest);
            }
        }
        let mut hash = Sha256::new();
        hash.update(token.as_bytes());
        hash.update(inner.counter.to_le_bytes());
        let wall = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default();
        hash.update(wall.as_nanos().to_le_bytes());
        hash.update(seed().to_le_bytes());
        let id: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
        inner.by_id.insert(id.clone(), (role, now + SESSION_TTL));
        id
    }

    /// The role of session `id`, while it lasts.
    pub fn role(&self, id: &str) -> Option<Role> {
        let inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (role, until) = inner.by_id.get(id)?;
        (*until > Instant::now()).then(|| role.clone())
    }

    /// Ends session `id` (nothing when there is none).
    pub fn end(&self, id: &str) {
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        inner.by_id.remove(id);
    }
}

/// A per-process random number (std's hasher keys are random per process).
fn seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0x5eed);
    hasher.finish()
}

/// The session id in a `Cookie` header's value, if any.
pub fn from_cookie_header(value: &str) -> Option<&str> {
    value.split(';').find_map(|pair| {
        let (name, id) = pair.trim().split_once('=')?;
        (name == COOKIE && !id.is_empty()).then_some(id)
    })
}

/// The `Set-Cookie` value that stores session `id` in the browser.
pub fn set_cookie(id: &str) -> String {
    format!(
        "{COOKIE}={id}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}",
        SESSION_TTL.as_secs()
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie() -> String {
    format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_has_its_role_until_it_ends() {
        let sessions = Sessions::default();
        let id = sessions.start(Role::Agent("a1".into()), "agent-one-0123456789");
        let other = sessions.start(Role::Agent("a1".into()), "agent-one-0123456789");
        assert_eq!(id.len(), 64);
        assert_ne!(id, other, "every sign-in gets its own id");
        assert_eq!(sessions.role(&id), Some(Role::Agent("a1".into())));
        sessions.end(&id);
        assert_eq!(sessions.role(&id), None);
        assert_eq!(sessions.role(&other), Some(Role::Agent("a1".into())));
        assert_eq!(sessions.role("nonsense"), None);
    }

    #[test]
    fn the_cookie_is_read_among_others() {
        assert_eq!(
            from_cookie_header("theme=dark; handoff_session=abc123; x=y"),
            Some("abc123")
        );
        assert_eq!(from_cookie_header("handoff_session="), None);
        assert_eq!(from_cookie_header("other=1"), None);
        let set = set_cookie("abc");
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict"));
    }
}
