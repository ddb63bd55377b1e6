//! Step `chromium`: Debian's Chromium for the browser tests (playwright-core drives it), installed
//! with apt when missing.
//!
//! The browser tests use `$HANDOFF_CHROMIUM` or `/usr/bin/chromium`; this step makes sure one of
//! them exists, or fails saying how to get it. It never lets the browser suite be skipped.

use std::path::PathBuf;
use std::process::Command;

use crate::process::{run, shown};
use crate::Failure;

/// Where Debian's package puts the browser.
pub const DEBIAN_CHROMIUM: &str = "/usr/bin/chromium";

/// The browser the tests will use, if it is installed.
pub fn installed() -> Option<PathBuf> {
    let path = std::env::var_os("HANDOFF_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEBIAN_CHROMIUM));
    path.is_file().then_some(path)
}

/// Step `chromium`: present, or installed with `apt-get install -y chromium` (needs root).
pub fn ensure() -> Result<(), Failure> {
    if let Some(path) = installed() {
        println!("chromium: {}", path.display());
        return Ok(());
    }
    if let Some(custom) = std::env::var_os("HANDOFF_CHROMIUM") {
        return Err(Failure::new(format!(
            "HANDOFF_CHROMIUM={} does not exist: point it at a Chromium executable, or unset it \
             to use {DEBIAN_CHROMIUM}",
            PathBuf::from(custom).display()
        )));
    }
    let how = "install it with `apt-get update && apt-get install -y chromium` (as root), or set \
               HANDOFF_CHROMIUM to a Chromium executable";
    if Command::new("apt-get").arg("--version").output().is_err() {
        return Err(Failure::new(format!(
            "the browser tests need Chromium at {DEBIAN_CHROMIUM} and apt-get is not available: {how}"
        )));
    }
    if !is_root() {
        return Err(Failure::new(format!(
            "the browser tests need Chromium at {DEBIAN_CHROMIUM}, and installing it needs root: {how}"
        )));
    }
    for argv in [
        &["apt-get", "update", "-qq"][..],
        &[
            "apt-get",
            "install",
            "-y",
            "-qq",
            "--no-install-recommends",
            "chromium",
        ][..],
    ] {
        println!("--- {}", shown(argv));
        let mut cmd = Command::new(argv[0]);
        cmd.args(&argv[1..])
            .env("DEBIAN_FRONTEND", "noninteractive");
        run(cmd, argv).map_err(|f| Failure::new(format!("{}; {how}", f.message)))?;
    }
    match installed() {
        Some(path) => {
            println!("chromium: {}", path.display());
            Ok(())
        }
        None => Err(Failure::new(format!(
            "apt-get installed chromium but {DEBIAN_CHROMIUM} does not exist; {how}"
        ))),
    }
}

/// Whether xtask runs as root (apt-get installs need it).
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}
