//! A real PostgreSQL server for the tests, started by the test itself and removed on drop.
//!
//! [`PgServer::start`] finds Debian's server binaries (`/usr/lib/postgresql/*/bin/initdb` and
//! `pg_ctl`, the newest version; or the directory in `HANDOFF_PG_BIN`), creates a temporary
//! directory, runs `initdb` (trust authentication for the user `handoff`) and `pg_ctl start` as
//! an ordinary user (when the tests run as root: the `postgres` system user, else `nobody`,
//! through `runuser`), listening on a free loopback port with its unix socket in that
//! directory, and creates one database. Dropping it stops the server (`pg_ctl stop -m
//! immediate`) and removes the directory.
//!
//! No PostgreSQL installed is a test failure saying how to get it (`apt-get install -y
//! postgresql`; `cargo xtask test` installs it), never a skip. The server runs with
//! `fsync=off`: the tests kill the service, not the database, and a test server need not
//! survive a power cut.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The database each server creates.
pub const DATABASE: &str = "handoff";
/// The superuser `initdb` creates (trust authentication on loopback and the socket).
pub const USER: &str = "handoff";

/// A PostgreSQL server of this test's own.
pub struct PgServer {
    dir: PathBuf,
    data: PathBuf,
    bin: PathBuf,
    /// The unprivileged user the server runs as (when the tests run as root).
    run_as: Option<String>,
    /// The loopback port.
    pub port: u16,
}

/// How to get PostgreSQL, for messages.
const HOW: &str = "install Debian's PostgreSQL server with `apt-get install -y postgresql` (as \
                   root; `cargo xtask test` does it when missing), or set HANDOFF_PG_BIN to a \
                   directory holding initdb and pg_ctl";

/// The directory with `initdb` and `pg_ctl`: `$HANDOFF_PG_BIN`, else the newest
/// `/usr/lib/postgresql/<version>/bin`.
pub fn server_bin() -> Result<PathBuf, String> {
    let has_tools = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Some(dir) = std::env::var_os("HANDOFF_PG_BIN").map(PathBuf::from) {
        return if has_tools(&dir) {
            Ok(dir)
        } else {
            Err(format!(
                "HANDOFF_PG_BIN={} has no initdb and pg_ctl; {HOW}",
                dir.display()
            ))
        };
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|_| format!("PostgreSQL is not installed (no /usr/lib/postgresql): {HOW}"))?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            has_tools(&bin).then_some((version, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map(|(_, bin)| bin)
        .ok_or_else(|| format!("no /usr/lib/postgresql/*/bin/{{initdb,pg_ctl}}: {HOW}"))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// The first of `names` that is a user on this machine.
fn existing_user(names: &[&str]) -> Option<String> {
    names
        .iter()
        .find(|name| {
            Command::new("id")
                .arg("-u")
                .arg(name)
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .map(|name| name.to_string())
}

fn shown(output: &Output) -> String {
    format!(
        "{}\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

impl PgServer {
    /// Starts a fresh server with database [`DATABASE`]. Panics saying how to get PostgreSQL
    /// when it is not installed, and with the server's log when it does not start.
    pub fn start() -> PgServer {
        match PgServer::try_start() {
            Ok(server) => server,
            Err(message) => panic!("cannot start a PostgreSQL server for the test: {message}"),
        }
    }

    fn try_start() -> Result<PgServer, String> {
        static N: AtomicUsize = AtomicUsize::new(0);
        let bin = server_bin()?;
        let run_as = if is_root() {
            Some(existing_user(&["postgres", "nobody"]).ok_or(
                "the tests run as root and neither the user postgres nor nobody exists to run \
                 the server as",
            )?)
        } else {
            None
        };
        let stamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "handoff-pg-{}-{stamp}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut server = PgServer {
            data: dir.join("data"),
            dir,
            bin,
            run_as,
            port: 0,
        };
        if let Some(user) = &server.run_as {
            let chown = Command::new("chown")
                .arg(format!("{user}:"))
                .arg(&server.dir)
                .output()
                .map_err(|e| format!("chown: {e}"))?;
            if !chown.status.success() {
                return Err(format!(
                    "chown {user} {}: {}",
                    server.dir.display(),
                    shown(&chown)
                ));
            }
        }
        let data = server.data.display().to_string();
        server.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        )?;
        // A free port: taken by the OS, let go, then given to the server (tried again when
        // another process took it in between).
        let mut last = String::new();
        for _ in 0..5 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map_err(|e| format!("no free loopback port: {e}"))?
                .port();
            let options = format!(
                "-c listen_addresses=127.0.0.1 -p {port} -k {} -c fsync=off \
                 -c max_connections=40 -c shared_buffers=16MB",
                server.dir.display()
            );
            let log = server.dir.join("server.log").display().to_string();
            match server.run(
                "pg_ctl",
                &[
                    "start", "-w", "-t", "60", "-D", &data, "-l", &log, "-o", &options,
                ],
            ) {
                Ok(_) => {
                    server.port = port;
                    break;
                }
                Err(e) => {
                    last = format!(
                        "{e}\nserver log:\n{}",
                        std::fs::read_to_string(&log).unwrap_or_default()
                    );
                }
            }
        }
        if server.port == 0 {
            return Err(format!("pg_ctl start failed: {last}"));
        }
        let mut admin = postgres::Client::connect(&server.url_of("postgres"), postgres::NoTls)
            .map_err(|e| format!("connecting to the new server: {e}"))?;
        admin
            .batch_execute(&format!("CREATE DATABASE {DATABASE}"))
            .map_err(|e| format!("CREATE DATABASE: {e}"))?;
        Ok(server)
    }

    /// Runs one of the server's tools as the server's user, in its directory.
    fn run(&self, tool: &str, args: &[&str]) -> Result<Output, String> {
        let path = self.bin.join(tool);
        let mut command = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.arg("-u").arg(user).arg("--").arg(&path);
                c
            }
            None => Command::new(&path),
        };
        let output = command
            .args(args)
            .current_dir(&self.dir)
            .env_remove("PGDATA")
            .env("LC_ALL", "C")
            .output()
            .map_err(|e| format!("cannot run {}: {e}", path.display()))?;
        if output.status.success() {
            Ok(output)
        } else {
            Err(format!("{tool} {}: {}", args.join(" "), shown(&output)))
        }
    }

    /// The URL of database `name` on this server.
    pub fn url_of(&self, name: &str) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{name}", self.port)
    }

    /// The URL of [`DATABASE`].
    pub fn url(&self) -> String {
        self.url_of(DATABASE)
    }

    /// A new connection to [`DATABASE`], to look at what a store wrote.
    pub fn connect(&self) -> postgres::Client {
        postgres::Client::connect(&self.url(), postgres::NoTls).expect("connect to the test server")
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        if self.port != 0 {
            let data = self.data.display().to_string();
            let _ = self.run("pg_ctl", &["stop", "-w", "-m", "immediate", "-D", &data]);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
