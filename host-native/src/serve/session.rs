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
use std::time::{Duration, Instant};

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
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions").finish_non_exhaustive()
    }
}

impl Sessions {
    /// Starts a session for `role` and returns its id: 64 hex digits of 32 bytes from the
    /// operating system's random source, so nobody can guess one.
    ///
    /// # Errors
    /// The random source failed (the caller answers 503; no session is made).
    pub fn start(&self, role: Role) -> Result<String, getrandom::Error> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)?;
        let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
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
        inner.by_id.insert(id.clone(), (role, now + SESSION_TTL));
        Ok(id)
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
        let id = sessions.start(Role::Agent("a1".into())).expect("random");
        let other = sessions.start(Role::Agent("a1".into())).expect("random");
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
