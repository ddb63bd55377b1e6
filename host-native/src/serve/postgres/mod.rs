//! [`PostgresStore`]: the [`Store`] in a PostgreSQL database several service processes share.
//!
//! The tables are SQLite's (records, journal, outbox; see [`super::sqlite`]) with a `tenant`
//! column first in every key, an `engines` row per tenant (the journal's last `seq` and the
//! records' position), and `engine_leases`: who owns each tenant's engine ([`lease`]). The
//! schema is versioned and migrated on open ([`schema`]). For now the service runs one tenant,
//! [`DEFAULT_TENANT`]; the keys are already the ones many tenants need.
//!
//! # Ownership and fencing
//! [`Store::load`] takes the tenant's lease (or fails with [`StoreError::Leased`], naming the
//! holder and until when), which bumps its fencing epoch. The service renews it every
//! [`Lease::renew_every`] ([`Store::renew`]). Every commit first locks the lease row
//! (`SELECT … FOR UPDATE`) in its own transaction and compares the epoch: a process whose lease
//! was taken over gets [`StoreError::Fenced`] and nothing of its batch is written. Journal
//! numbers come from the `engines` row inside that same transaction, so two processes never
//! both append to one tenant's journal.
//!
//! # Connections
//! One connection (the sync `postgres` client over tokio-postgres, driven by the engine
//! thread), opened again when it breaks. No TLS yet: use a loopback or private network, or a
//! local TLS proxy. The password is best given in `PGPASSWORD`, not in the URL (command lines
//! are visible to other users); it is never shown in messages. Open and drop the store outside
//! an async task (the client runs its own small runtime): the service does so on its engine
//! thread and in `block_in_place`.

pub mod lease;
pub mod schema;

use std::collections::BTreeMap;
use std::str::FromStr;
use std::time::Duration;

use handoff_core::wire::changes::{Change, RecordKind};
use postgres::{Client, NoTls, Statement, Transaction};

use self::lease::{Holder, Lease};
use super::store::{
    Batch, JournalEntry, Loaded, NewEntry, Record, Store, StoreError, JOURNAL_KEPT,
};
use crate::clock::epoch_ms;

/// The tenant the service runs until tenants are built.
pub const DEFAULT_TENANT: &str = "default";

/// How long connecting may take when the URL does not say (`connect_timeout`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The statements a commit runs, prepared once per connection.
struct Statements {
    engine: Statement,
    set_engine: Statement,
    journal: Statement,
    outbox: Statement,
    result: Statement,
    upsert: Statement,
    delete: Statement,
    trim: Statement,
    sweep: Statement,
}

impl Statements {
    fn prepare(client: &mut Client) -> Result<Statements, postgres::Error> {
        Ok(Statements {
            engine: client
                .prepare("SELECT last_seq, records_seq FROM engines WHERE tenant = $1")?,
            set_engine: client
                .prepare("UPDATE engines SET last_seq = $2, records_seq = $3 WHERE tenant = $1")?,
            journal: client.prepare(
                "INSERT INTO journal (tenant, seq, now_ms, input, recorded_at) \
                 SELECT $1, s, n, i, $5 FROM unnest($2::bigint[], $3::bigint[], $4::text[]) \
                 AS t(s, n, i)",
            )?,
            outbox: client.prepare(
                "INSERT INTO outbox (tenant, journal_seq, delivery_id, attempt, output) \
                 SELECT $1, s, d, a, o \
                 FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::text[]) AS t(s, d, a, o)",
            )?,
            result: client.prepare(
                "UPDATE outbox SET status = $2, error = $3, result_seq = $4 \
                 WHERE tenant = $1 AND id = \
                 (SELECT id FROM outbox WHERE tenant = $1 AND delivery_id = $5 \
                  AND result_seq IS NULL ORDER BY attempt DESC, id DESC LIMIT 1)",
            )?,
            upsert: client.prepare(
                "INSERT INTO records (tenant, kind, id, value) \
                 SELECT $1, k, i, v FROM unnest($2::text[], $3::text[], $4::text[]) AS t(k, i, v) \
                 ON CONFLICT (tenant, kind, id) DO UPDATE SET value = EXCLUDED.value",
            )?,
            delete: client.prepare(
                "DELETE FROM records r USING unnest($2::text[], $3::text[]) AS t(k, i) \
                 WHERE r.tenant = $1 AND r.kind = t.k AND r.id = t.i",
            )?,
            trim: client.prepare("DELETE FROM journal WHERE tenant = $1 AND seq <= $2")?,
            sweep: client.prepare(
                "DELETE FROM outbox o WHERE o.tenant = $1 AND o.journal_seq <= $2 \
                 AND (o.result_seq IS NULL OR o.result_seq <= $2) \
                 AND NOT EXISTS (SELECT 1 FROM records r WHERE r.tenant = o.tenant \
                                 AND r.kind IN ('outbox', 'dead_letter') AND r.id = o.delivery_id)",
            )?,
        })
    }
}

/// The store in a shared PostgreSQL database: one tenant's engine, owned through a lease.
pub struct PostgresStore {
    client: Client,
    statements: Statements,
    config: postgres::Config,
    shown: String,
    tenant: String,
    owner: String,
    lease: Lease,
    /// The lease's epoch while this store holds it.
    epoch: Option<i64>,
    /// Fenced since: taking the lease back waits for it to expire.
    fenced: bool,
    /// The trim horizon at which finished outbox rows were last swept.
    swept: i64,
    /// The schema versions this open applied.
    applied: Vec<i32>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("database", &self.shown)
            .field("tenant", &self.tenant)
            .field("owner", &self.owner)
            .field("epoch", &self.epoch)
            .finish_non_exhaustive()
    }
}

/// `user@host:port/database` of a connection configuration, never its password.
pub fn shown(config: &postgres::Config) -> String {
    use postgres::config::Host;
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let name = match host {
                Host::Tcp(name) => name.clone(),
                #[cfg(unix)]
                Host::Unix(path) => path.display().to_string(),
            };
            match config.get_ports().get(i).or(config.get_ports().first()) {
                Some(port) => format!("{name}:{port}"),
                None => name,
            }
        })
        .collect();
    let user = config
        .get_user()
        .map(|u| format!("{u}@"))
        .unwrap_or_default();
    format!(
        "{user}{}/{}",
        hosts.join(","),
        config.get_dbname().unwrap_or("")
    )
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user@host:port/db`), brings its schema up
    /// to date, and prepares to serve `tenant` under `lease` (taken by [`Store::load`]).
    ///
    /// # Errors
    /// [`StoreError::Database`] when the URL does not parse, the connection or a migration
    /// fails; [`StoreError::Corrupt`] when the schema is newer than this build.
    pub fn open(url: &str, tenant: &str, lease: &Lease) -> Result<PostgresStore, StoreError> {
        let mut config = postgres::Config::from_str(url).map_err(|e| StoreError::Database {
            path: "the PostgreSQL URL".into(),
            message: format!(
                "{e} (expected postgres://user@host:port/database; the password in PGPASSWORD)"
            ),
        })?;
        if config.get_password().is_none() {
            if let Some(password) = std::env::var_os("PGPASSWORD").filter(|p| !p.is_empty()) {
                config.password(password.as_encoded_bytes());
            }
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("handoff");
        }
        let shown = shown(&config);
        let db = |e: postgres::Error| StoreError::Database {
            path: shown.clone(),
            message: e.to_string(),
        };
        let mut client = config.connect(NoTls).map_err(db)?;
        let applied = schema::migrate(&mut client).map_err(|e| match e {
            schema::SchemaError::Database(e) => db(e),
            schema::SchemaError::Newer { found } => StoreError::Corrupt {
                path: shown.clone(),
                message: format!(
                    "schema version {found}; this build knows versions up to {} (a newer build \
                     migrated it: run that one)",
                    schema::latest()
                ),
            },
        })?;
        client
            .execute(
                "INSERT INTO engines (tenant) VALUES ($1) ON CONFLICT (tenant) DO NOTHING",
                &[&tenant],
            )
            .map_err(db)?;
        let statements = Statements::prepare(&mut client).map_err(db)?;
        Ok(PostgresStore {
            client,
            statements,
            config,
            shown,
            tenant: tenant.to_string(),
            owner: lease.owner_name(),
            lease: lease.clone(),
            epoch: None,
            fenced: false,
            swept: 0,
            applied,
        })
    }

    /// The schema versions this open applied (empty when the database was current).
    pub fn applied_migrations(&self) -> &[i32] {
        &self.applied
    }

    /// This process's name in the lease.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// The lease's epoch while this store holds it.
    pub fn epoch(&self) -> Option<i64> {
        self.epoch
    }

    fn err(&self, e: postgres::Error) -> StoreError {
        StoreError::Database {
            path: self.shown.clone(),
            message: e.to_string(),
        }
    }

    /// Connects again when the connection broke (the database restarted, a network cut).
    fn connected(&mut self) -> Result<(), StoreError> {
        if !self.client.is_closed() {
            return Ok(());
        }
        tracing::warn!(database = %self.shown, "the database connection broke; connecting again");
        let mut client = self.config.connect(NoTls).map_err(|e| self.err(e))?;
        self.statements = Statements::prepare(&mut client).map_err(|e| self.err(e))?;
        self.client = client;
        Ok(())
    }

    /// The holder now, for [`StoreError::Fenced`] and [`StoreError::Leased`].
    fn holder(&mut self) -> Holder {
        lease::holder(&mut self.client, &self.tenant)
            .ok()
            .flatten()
            .unwrap_or_else(|| Holder {
                owner: "nobody".into(),
                epoch: 0,
                until: "-".into(),
                remaining_ms: 0,
            })
    }

    /// Marks this store fenced and builds the error.
    fn fence(&mut self) -> StoreError {
        self.epoch = None;
        self.fenced = true;
        let holder = self.holder();
        tracing::error!(
            tenant = %self.tenant, owner = %self.owner, holder = %holder.owner,
            epoch = holder.epoch, "fenced: another process took this tenant over"
        );
        StoreError::Fenced {
            tenant: self.tenant.clone(),
            owner: holder.owner,
            epoch: holder.epoch,
        }
    }

    /// Runs `write` in one transaction that first checks this store's lease epoch
    /// (`SELECT … FOR UPDATE`) and commits after it: a store whose lease was taken over gets
    /// [`StoreError::Fenced`] and writes nothing. `write` gets the transaction, the prepared
    /// statements, the tenant and the sweep horizon (kept only when the transaction commits).
    fn under_lease<T>(
        &mut self,
        write: impl FnOnce(
            &mut Transaction<'_>,
            &Statements,
            &str,
            &mut i64,
        ) -> Result<T, postgres::Error>,
    ) -> Result<T, StoreError> {
        let epoch = self.held()?;
        self.connected()?;
        let tenant = self.tenant.clone();
        let statements = &self.statements;
        let mut swept = self.swept;
        let mut tx = self
            .client
            .transaction()
            .map_err(|e| StoreError::Database {
                path: self.shown.clone(),
                message: e.to_string(),
            })?;
        let written = (|| -> Result<Option<T>, postgres::Error> {
            if !lease::check(&mut tx, &tenant, epoch)? {
                return Ok(None);
            }
            let value = write(&mut tx, statements, &tenant, &mut swept)?;
            tx.commit()?;
            Ok(Some(value))
        })();
        match written {
            Ok(Some(value)) => {
                self.swept = swept;
                Ok(value)
            }
            Ok(None) => Err(self.fence()),
            Err(e) => Err(self.err(e)),
        }
    }

    /// The epoch to commit under, or why not.
    fn held(&mut self) -> Result<i64, StoreError> {
        match self.epoch {
            Some(epoch) => Ok(epoch),
            None if self.fenced => Err(self.fence()),
            None => Err(StoreError::Database {
                path: self.shown.clone(),
                message: "no lease taken yet: load first".into(),
            }),
        }
    }

    /// Journal entries after `after`, oldest first.
    fn journal_after(
        tx: &mut Transaction<'_>,
        tenant: &str,
        after: i64,
    ) -> Result<Vec<JournalEntry>, postgres::Error> {
        Ok(tx
            .query(
                "SELECT seq, now_ms, input FROM journal WHERE tenant = $1 AND seq > $2 \
                 ORDER BY seq",
                &[&tenant, &after],
            )?
            .iter()
            .map(|r| JournalEntry {
                seq: r.get(0),
                now_ms: r.get(1),
                input: r.get(2),
            })
            .collect())
    }
}

/// Writes the changes (the last one per key wins) with two statements.
fn write_changes(
    tx: &mut Transaction<'_>,
    statements: &Statements,
    tenant: &str,
    changes: &[Change],
) -> Result<(), postgres::Error> {
    let mut last: BTreeMap<(&str, &str), Option<&str>> = BTreeMap::new();
    for c in changes {
        last.insert((c.kind.as_str(), c.id.as_str()), c.value.as_deref());
    }
    let (mut kinds, mut ids, mut values) = (Vec::new(), Vec::new(), Vec::new());
    let (mut gone_kinds, mut gone_ids) = (Vec::new(), Vec::new());
    for ((kind, id), value) in last {
        match value {
            Some(v) => {
                kinds.push(kind);
                ids.push(id);
                values.push(v);
            }
            None => {
                gone_kinds.push(kind);
                gone_ids.push(id);
            }
        }
    }
    if !kinds.is_empty() {
        tx.execute(&statements.upsert, &[&tenant, &kinds, &ids, &values])?;
    }
    if !gone_kinds.is_empty() {
        tx.execute(&statements.delete, &[&tenant, &gone_kinds, &gone_ids])?;
    }
    Ok(())
}

/// Appends the entries numbered after `seq`, with their outbox rows and results in the order
/// SQLite writes them; returns the last `seq`.
fn append(
    tx: &mut Transaction<'_>,
    statements: &Statements,
    tenant: &str,
    mut seq: i64,
    entries: &[NewEntry],
) -> Result<i64, postgres::Error> {
    if entries.is_empty() {
        return Ok(seq);
    }
    let recorded_at = epoch_ms();
    let first = seq + 1;
    let seqs: Vec<i64> = (first..first + entries.len() as i64).collect();
    let nows: Vec<i64> = entries.iter().map(|e| e.now_ms).collect();
    let inputs: Vec<&str> = entries.iter().map(|e| e.input.as_str()).collect();
    tx.execute(
        &statements.journal,
        &[&tenant, &seqs, &nows, &inputs, &recorded_at],
    )?;
    // Outbox rows go in together until a result needs the rows before it.
    let mut rows: (Vec<i64>, Vec<&str>, Vec<i64>, Vec<&str>) = Default::default();
    let flush = |tx: &mut Transaction<'_>,
                 rows: &mut (Vec<i64>, Vec<&str>, Vec<i64>, Vec<&str>)|
     -> Result<(), postgres::Error> {
        if !rows.0.is_empty() {
            tx.execute(
                &statements.outbox,
                &[&tenant, &rows.0, &rows.1, &rows.2, &rows.3],
            )?;
            *rows = Default::default();
        }
        Ok(())
    };
    for entry in entries {
        seq += 1;
        for row in &entry.deliveries {
            rows.0.push(seq);
            rows.1.push(&row.delivery_id);
            rows.2.push(row.attempt);
            rows.3.push(&row.output);
        }
        if let Some(r) = &entry.result {
            flush(tx, &mut rows)?;
            tx.execute(
                &statements.result,
                &[&tenant, &r.status, &r.error, &seq, &r.delivery_id],
            )?;
        }
    }
    flush(tx, &mut rows)?;
    Ok(seq)
}

/// Moves the records' position to `seq` and trims what they cover (the [`Store`] contract):
/// the journal but the newest [`JOURNAL_KEPT`], and every [`JOURNAL_KEPT`] entries (or when
/// `sweep`) the outbox rows of finished deliveries.
fn trim(
    tx: &mut Transaction<'_>,
    statements: &Statements,
    tenant: &str,
    seq: i64,
    swept: &mut i64,
    sweep: bool,
) -> Result<(u64, u64), postgres::Error> {
    let upto = (seq - JOURNAL_KEPT).max(0);
    let journal = tx.execute(&statements.trim, &[&tenant, &upto])?;
    let outbox = if upto > 0 && (sweep || upto - *swept >= JOURNAL_KEPT) {
        *swept = upto;
        tx.execute(&statements.sweep, &[&tenant, &upto])?
    } else {
        0
    };
    if journal > 0 || outbox > 0 {
        tracing::debug!(upto, journal, outbox, "journal trimmed");
    }
    Ok((journal, outbox))
}

impl Store for PostgresStore {
    fn load(&mut self) -> Result<Loaded, StoreError> {
        self.connected()?;
        let tenant = self.tenant.clone();
        let (owner, ttl, only_free) = (self.owner.clone(), self.lease.ttl, self.fenced);
        let statements = &self.statements;
        let tx = self.client.transaction();
        // The lease first, then the records and journal, in one transaction: a store that
        // cannot read them does not keep the lease.
        let read = tx.and_then(|mut tx| {
            let Some(epoch) = lease::take(&mut tx, &tenant, &owner, ttl, only_free)? else {
                return Ok(None);
            };
            let row = tx.query_one(&statements.engine, &[&tenant])?;
            let records_seq: i64 = row.get(1);
            let rows = tx.query(
                "SELECT kind, id, value FROM records WHERE tenant = $1 ORDER BY kind, id",
                &[&tenant],
            )?;
            let mut records: Vec<Record> = Vec::with_capacity(rows.len());
            for r in rows {
                let kind: String = r.get(0);
                let id: String = r.get(1);
                let Some(known) = RecordKind::from_name(&kind) else {
                    return Ok(Some(Err(format!(
                        "a record of unknown kind {kind:?} (id {id:?})"
                    ))));
                };
                records.push((known, id, r.get(2)));
            }
            let tail = PostgresStore::journal_after(&mut tx, &tenant, records_seq)?;
            tx.commit()?;
            Ok(Some(Ok((
                epoch,
                Loaded {
                    records,
                    records_seq,
                    snapshot: None,
                    tail,
                    from_snapshots: false,
                },
            ))))
        });
        match read {
            Ok(Some(Ok((epoch, loaded)))) => {
                self.epoch = Some(epoch);
                self.fenced = false;
                tracing::info!(tenant = %self.tenant, owner = %self.owner, epoch, "lease taken");
                Ok(loaded)
            }
            Ok(Some(Err(message))) => Err(StoreError::Corrupt {
                path: self.shown.clone(),
                message,
            }),
            Ok(None) => {
                let holder = self.holder();
                Err(StoreError::Leased {
                    tenant,
                    owner: holder.owner,
                    until: holder.until,
                    remaining_ms: holder.remaining_ms,
                })
            }
            Err(e) => Err(self.err(e)),
        }
    }

    fn commit(&mut self, batch: &Batch) -> Result<i64, StoreError> {
        self.under_lease(|tx, statements, tenant, swept| {
            let row = tx.query_one(&statements.engine, &[&tenant])?;
            let (last, mut records_seq): (i64, i64) = (row.get(0), row.get(1));
            let seq = append(tx, statements, tenant, last, &batch.entries)?;
            if let Some(changes) = &batch.changes {
                write_changes(tx, statements, tenant, changes)?;
                trim(tx, statements, tenant, seq, swept, false)?;
                records_seq = seq;
            }
            tx.execute(&statements.set_engine, &[&tenant, &seq, &records_seq])?;
            Ok(seq)
        })
    }

    fn migrate(&mut self, seq: i64, records: &[Change]) -> Result<(), StoreError> {
        self.under_lease(|tx, statements, tenant, swept| {
            tx.execute("DELETE FROM records WHERE tenant = $1", &[&tenant])?;
            write_changes(tx, statements, tenant, records)?;
            trim(tx, statements, tenant, seq, swept, true)?;
            tx.execute(
                "UPDATE engines SET last_seq = GREATEST(last_seq, $2), records_seq = $2 \
                 WHERE tenant = $1",
                &[&tenant, &seq],
            )?;
            Ok(())
        })
    }

    fn describe(&self) -> String {
        format!(
            "PostgreSQL {} (tenant {}, owner {})",
            self.shown, self.tenant, self.owner
        )
    }

    fn renew_every(&self) -> Option<Duration> {
        Some(self.lease.renew_every)
    }

    fn renew(&mut self) -> Result<(), StoreError> {
        let epoch = self.held()?;
        self.connected()?;
        let ttl = self.lease.ttl;
        match lease::renew(&mut self.client, &self.tenant, epoch, ttl) {
            Ok(true) => Ok(()),
            Ok(false) => Err(self.fence()),
            Err(e) => Err(self.err(e)),
        }
    }
}

impl Drop for PostgresStore {
    /// A clean stop ends the lease at once, so another process need not wait for it to expire.
    fn drop(&mut self) {
        if let Some(epoch) = self.epoch.take() {
            if !self.client.is_closed() {
                match lease::release(&mut self.client, &self.tenant, epoch) {
                    Ok(true) => tracing::info!(tenant = %self.tenant, "lease released"),
                    Ok(false) => {}
                    Err(e) => tracing::warn!(error = %e, "could not release the lease"),
                }
            }
        }
    }
}
