//! The lease: which process owns a tenant's engine, until when, under which fencing epoch.
//!
//! One row per tenant in `engine_leases(tenant, owner, epoch, expires_at)`. Times are the
//! database's (`now()`), so the processes' clocks never have to agree.
//! - **Taking** ([`take`]) succeeds when the lease is free (no row, or `expires_at` passed) or
//!   already this owner's (a process restarted under the same `--lease-owner`, or the same
//!   process after a failed commit), and always bumps `epoch`: whoever held it before is fenced.
//! - **Renewing** ([`renew`]) moves `expires_at` on, only while the epoch is still ours.
//! - **Fencing** ([`check`]) locks the row (`SELECT … FOR UPDATE`) inside every commit and
//!   compares the epoch: a process taking the lease over waits for a commit in progress, and
//!   every later commit of the old owner fails. So two processes never both write one tenant.
//! - **Releasing** ([`release`]) on a clean stop ends the lease at once, so another process need
//!   not wait for it to expire.

use std::time::Duration;

use postgres::GenericClient;

/// How long a lease lasts and how often it is renewed, and who takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// How long a lease lasts after it is taken or renewed (`--lease-ms`).
    pub ttl: Duration,
    /// How often the service renews it (`--lease-renew-ms`); less than `ttl`.
    pub renew_every: Duration,
    /// This process's name in `engine_leases.owner` (`--lease-owner`); `None`: the host name,
    /// process id and a random suffix, unique to this run.
    pub owner: Option<String>,
}

impl Lease {
    /// The default lease: 15 s.
    pub const TTL: Duration = Duration::from_secs(15);
    /// The default renewal interval: 5 s (three renewals per lease).
    pub const RENEW_EVERY: Duration = Duration::from_secs(5);

    /// The owner name to use: the configured one, or one unique to this run.
    pub fn owner_name(&self) -> String {
        if let Some(owner) = self.owner.as_ref().filter(|o| !o.is_empty()) {
            return owner.clone();
        }
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_string())
            .ok()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "host".to_string());
        let mut bytes = [0u8; 4];
        let suffix = match getrandom::fill(&mut bytes) {
            Ok(()) => bytes.iter().map(|b| format!("{b:02x}")).collect::<String>(),
            Err(_) => crate::clock::epoch_ms().to_string(),
        };
        format!("{host}/{}/{suffix}", std::process::id())
    }

    /// Checks the numbers: both above zero, the renewal shorter than the lease.
    ///
    /// # Errors
    /// What is wrong, naming the flag.
    pub fn check(&self) -> Result<(), String> {
        if self.ttl.is_zero() {
            return Err("--lease-ms must be above 0".into());
        }
        if self.renew_every.is_zero() || self.renew_every >= self.ttl {
            return Err(format!(
                "--lease-renew-ms must be above 0 and below --lease-ms ({} ms); a third of it \
                 is usual",
                self.ttl.as_millis()
            ));
        }
        Ok(())
    }
}

impl Default for Lease {
    fn default() -> Lease {
        Lease {
            ttl: Lease::TTL,
            renew_every: Lease::RENEW_EVERY,
            owner: None,
        }
    }
}

/// Who holds a lease, and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// The owner's name.
    pub owner: String,
    /// Its epoch.
    pub epoch: i64,
    /// When it expires (UTC, ISO 8601).
    pub until: String,
    /// Milliseconds from now until then (negative: expired).
    pub remaining_ms: i64,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Takes the lease of `tenant` for `owner` when it is free or already this owner's (unless
/// `only_free`: after being fenced, a process waits for the lease to expire even when the new
/// holder shares its name). Returns the new epoch, or `None` when someone else holds it.
///
/// # Errors
/// The database's.
pub fn take(
    client: &mut impl GenericClient,
    tenant: &str,
    owner: &str,
    ttl: Duration,
    only_free: bool,
) -> Result<Option<i64>, postgres::Error> {
    let row = client.query_opt(
        "INSERT INTO engine_leases (tenant, owner, epoch, expires_at) \
         VALUES ($1, $2, 1, now() + $3::float8 * interval '1 millisecond') \
         ON CONFLICT (tenant) DO UPDATE SET owner = EXCLUDED.owner, \
             epoch = engine_leases.epoch + 1, expires_at = EXCLUDED.expires_at \
         WHERE engine_leases.expires_at < now() \
            OR (engine_leases.owner = EXCLUDED.owner AND NOT $4) \
         RETURNING epoch",
        &[&tenant, &owner, &ms(ttl), &only_free],
    )?;
    Ok(row.map(|r| r.get(0)))
}

/// Who holds the lease of `tenant` (`None`: nobody ever took it).
///
/// # Errors
/// The database's.
pub fn holder(
    client: &mut impl GenericClient,
    tenant: &str,
) -> Result<Option<Holder>, postgres::Error> {
    let row = client.query_opt(
        "SELECT owner, epoch, \
                to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), \
                (EXTRACT(EPOCH FROM (expires_at - now())) * 1000)::bigint \
         FROM engine_leases WHERE tenant = $1",
        &[&tenant],
    )?;
    Ok(row.map(|r| Holder {
        owner: r.get(0),
        epoch: r.get(1),
        until: r.get(2),
        remaining_ms: r.get(3),
    }))
}

/// Moves the lease's end `ttl` from now while `epoch` is still the lease's; false when it is not
/// (fenced).
///
/// # Errors
/// The database's.
pub fn renew(
    client: &mut impl GenericClient,
    tenant: &str,
    epoch: i64,
    ttl: Duration,
) -> Result<bool, postgres::Error> {
    let n = client.execute(
        "UPDATE engine_leases SET expires_at = now() + $3::float8 * interval '1 millisecond' \
         WHERE tenant = $1 AND epoch = $2",
        &[&tenant, &epoch, &ms(ttl)],
    )?;
    Ok(n == 1)
}

/// Inside a commit's transaction: locks the lease row until the commit ends and tells whether
/// `epoch` is still the lease's.
///
/// # Errors
/// The database's.
pub fn check(
    client: &mut impl GenericClient,
    tenant: &str,
    epoch: i64,
) -> Result<bool, postgres::Error> {
    let row = client.query_opt(
        "SELECT epoch FROM engine_leases WHERE tenant = $1 FOR UPDATE",
        &[&tenant],
    )?;
    Ok(row.is_some_and(|r| r.get::<_, i64>(0) == epoch))
}

/// Ends the lease now if `epoch` is still the lease's (a clean stop).
///
/// # Errors
/// The database's.
pub fn release(
    client: &mut impl GenericClient,
    tenant: &str,
    epoch: i64,
) -> Result<bool, postgres::Error> {
    let n = client.execute(
        "UPDATE engine_leases SET expires_at = now() - interval '1 millisecond' \
         WHERE tenant = $1 AND epoch = $2",
        &[&tenant, &epoch],
    )?;
    Ok(n == 1)
}
