//! Step `postgresql`: Debian's PostgreSQL server for the store tests, installed with apt when
//! missing.
//!
//! `handoff-native`'s store suite and its `handoff serve --store postgres://…` tests start their
//! own server in a temporary directory (`host-native/tests/support/postgres.rs`) from
//! `$HANDOFF_PG_BIN` or the newest `/usr/lib/postgresql/<version>/bin`; this step makes sure
//! `initdb` and `pg_ctl` are there before the tests run, or fails saying how to get them. It
//! never lets those tests be skipped.

use std::path::{Path, PathBuf};

use crate::Failure;

/// Where Debian's packages put each version's server programs.
const DEBIAN_ROOT: &str = "/usr/lib/postgresql";

fn has_tools(dir: &Path) -> bool {
    dir.join("initdb").is_file() && dir.join("pg_ctl").is_file()
}

/// The directory with `initdb` and `pg_ctl` the tests will use, if there is one.
pub fn installed() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("HANDOFF_PG_BIN").map(PathBuf::from) {
        return has_tools(&dir).then_some(dir);
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir(DEBIAN_ROOT)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            has_tools(&bin).then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

/// Step `postgresql`: present, or installed with `apt-get install -y postgresql` (needs root).
pub fn ensure() -> Result<(), Failure> {
    if let Some(dir) = installed() {
        println!("postgresql: {}", dir.display());
        return Ok(());
    }
    if let Some(custom) = std::env::var_os("HANDOFF_PG_BIN") {
        return Err(Failure::new(format!(
            "HANDOFF_PG_BIN={} holds no initdb and pg_ctl: point it at a PostgreSQL bin \
             directory, or unset it to use {DEBIAN_ROOT}/<version>/bin",
            PathBuf::from(custom).display()
        )));
    }
    let how = "install it with `apt-get update && apt-get install -y postgresql` (as root), or \
               set HANDOFF_PG_BIN to a directory holding initdb and pg_ctl";
    crate::apt::install(
        "postgresql",
        "the store tests need PostgreSQL's server programs",
        how,
    )?;
    match installed() {
        Some(dir) => {
            println!("postgresql: {}", dir.display());
            Ok(())
        }
        None => Err(Failure::new(format!(
            "apt-get installed postgresql but {DEBIAN_ROOT}/*/bin has no initdb and pg_ctl; {how}"
        ))),
    }
}
