//! Step `chromium`: Debian's Chromium for the browser tests (playwright-core drives it), installed
//! with apt when missing.
//!
//! The browser tests use `$HANDOFF_CHROMIUM` or `/usr/bin/chromium`; this step makes sure one of
//! them exists, or fails saying how to get it. It never lets the browser suite be skipped.

use std::path::PathBuf;

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
    crate::apt::install(
        "chromium",
        &format!("the browser tests need Chromium at {DEBIAN_CHROMIUM}"),
        how,
    )?;
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
