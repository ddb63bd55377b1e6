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
//!
//! A **sign-in link** (`POST /v1/session/links`, then `GET /console/sign-in?ticket=…`) carries a
//! one-time ticket instead of the token: 32 random bytes, good for [`TICKET_TTL`] and for one use,
//! never the token itself; the service trades it for a session cookie and redirects to the
//! console without it. A **customer session** (`POST /v1/customer-session`) is the same cookie
//! with the role [`Role::Customer`]: one conversation's customer side.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::auth::Role;

/// The cookie's name.
pub const COOKIE: &str = "handoff_session";
/// The customer session's cookie: its own name, and sent only to `/v1/customer/` (its `Path`),
/// so one browser may hold an agent's session and a customer's at once (two tabs of the demo)
/// and neither is ever taken for the other.
pub const CUSTOMER_COOKIE: &str = "handoff_customer";
/// Where the customer session's cookie is sent.
pub const CUSTOMER_PATH: &str = "/v1/customer";
/// The header a write authorised by the cookie must carry (any value).
pub const CONSOLE_HEADER: &str = "x-handoff-console";
/// How long a session lasts after sign-in.
pub const SESSION_TTL: Duration = Duration::from_secs(12 * 60 * 60);
/// How long a sign-in link's ticket may wait to be used.
pub const TICKET_TTL: Duration = Duration::from_secs(10 * 60);
/// Most sessions kept at once (the oldest are dropped first).
const MAX_SESSIONS: usize = 10_000;
/// Most unused tickets kept at once (the oldest are dropped first).
const MAX_TICKETS: usize = 1_000;

/// The sessions signed in, by id.
#[derive(Default)]
pub struct Sessions {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    by_id: HashMap<String, (Role, Instant)>,
    tickets: HashMap<String, (Role, Instant)>,
}

/// 32 bytes from the operating system's random source, as 64 hex digits.
///
/// # Errors
/// The random source failed.
pub fn random_hex() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Inserts `id → (role, until)` into `map` after dropping what has expired, and the entry that
/// expires first when `map` holds `max` already.
fn insert_bounded(
    map: &mut HashMap<String, (Role, Instant)>,
    max: usize,
    id: String,
    role: Role,
    until: Instant,
) {
    let now = Instant::now();
    map.retain(|_, (_, until)| *until > now);
    if map.len() >= max {
        if let Some(oldest) = map
            .iter()
            .min_by_key(|(_, (_, until))| *until)
            .map(|(id, _)| id.clone())
        {
            map.remove(&oldest);
        }
    }
    map.insert(id, (role, until));
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
        let id = random_hex()?;
        let until = Instant::now() + SESSION_TTL;
        let mut inner = self.lock();
        insert_bounded(&mut inner.by_id, MAX_SESSIONS, id.clone(), role, until);
        Ok(id)
    }

    /// Issues a one-time sign-in ticket for `role`: 64 hex digits of 32 random bytes, good for
    /// one [`redeem`](Sessions::redeem) within [`TICKET_TTL`].
    ///
    /// # Errors
    /// The random source failed (no ticket is made).
    pub fn ticket(&self, role: Role) -> Result<String, getrandom::Error> {
        let ticket = random_hex()?;
        let until = Instant::now() + TICKET_TTL;
        let mut inner = self.lock();
        insert_bounded(&mut inner.tickets, MAX_TICKETS, ticket.clone(), role, until);
        Ok(ticket)
    }

    /// The role of `ticket`, once: the ticket is gone afterwards, used or expired.
    pub fn redeem(&self, ticket: &str) -> Option<Role> {
        let (role, until) = self.lock().tickets.remove(ticket)?;
        (until > Instant::now()).then_some(role)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The role of session `id`, while it lasts.
    pub fn role(&self, id: &str) -> Option<Role> {
        let inner = self.lock();
        let (role, until) = inner.by_id.get(id)?;
        (*until > Instant::now()).then(|| role.clone())
    }

    /// Ends session `id` (nothing when there is none).
    pub fn end(&self, id: &str) {
        self.lock().by_id.remove(id);
    }
}

/// The session id in a `Cookie` header's value, if any.
pub fn from_cookie_header(value: &str) -> Option<&str> {
    cookie_named(value, COOKIE)
}

/// The value of cookie `wanted` in a `Cookie` header's value, if any (and not empty).
pub fn cookie_named<'v>(value: &'v str, wanted: &str) -> Option<&'v str> {
    value.split(';').find_map(|pair| {
        let (name, id) = pair.trim().split_once('=')?;
        (name == wanted && !id.is_empty()).then_some(id)
    })
}

/// The `Set-Cookie` value that stores customer session `id` in the browser (sent only to
/// [`CUSTOMER_PATH`]).
pub fn set_customer_cookie(id: &str) -> String {
    format!(
        "{CUSTOMER_COOKIE}={id}; HttpOnly; SameSite=Strict; Path={CUSTOMER_PATH}; Max-Age={}",
        SESSION_TTL.as_secs()
    )
}

/// The `Set-Cookie` value that removes the customer session's cookie.
pub fn clear_customer_cookie() -> String {
    format!("{CUSTOMER_COOKIE}=; HttpOnly; SameSite=Strict; Path={CUSTOMER_PATH}; Max-Age=0")
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
    fn a_ticket_is_good_once() {
        let sessions = Sessions::default();
        let ticket = sessions.ticket(Role::Agent("a1".into())).expect("random");
        assert_eq!(ticket.len(), 64);
        assert_eq!(sessions.role(&ticket), None, "a ticket is not a session");
        assert_eq!(sessions.redeem(&ticket), Some(Role::Agent("a1".into())));
        assert_eq!(sessions.redeem(&ticket), None, "a used ticket is refused");
        assert_eq!(sessions.redeem("nonsense"), None);
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
