//! Debian packages a test step needs (`chromium`, `postgresql`), installed with apt when missing:
//! the one routine both steps share, so they fail alike and say how to get the package.

use std::process::Command;

use crate::process::{run, shown};
use crate::Failure;

/// Installs Debian's `package` with `apt-get` (needs root). `needed_by` says what needs it
/// ("the browser tests need Chromium at /usr/bin/chromium"); `how` is the advice every failure
/// ends with.
///
/// # Errors
/// apt-get is missing, this is not root, or apt-get failed: each says `how`.
pub fn install(package: &str, needed_by: &str, how: &str) -> Result<(), Failure> {
    if Command::new("apt-get").arg("--version").output().is_err() {
        return Err(Failure::new(format!(
            "{needed_by} and apt-get is not available: {how}"
        )));
    }
    if !is_root() {
        return Err(Failure::new(format!(
            "{needed_by}, and installing it needs root: {how}"
        )));
    }
    let install = [
        "apt-get",
        "install",
        "-y",
        "-qq",
        "--no-install-recommends",
        package,
    ];
    for argv in [&["apt-get", "update", "-qq"][..], &install[..]] {
        println!("--- {}", shown(argv));
        let mut cmd = Command::new(argv[0]);
        cmd.args(&argv[1..])
            .env("DEBIAN_FRONTEND", "noninteractive");
        run(cmd, argv).map_err(|f| Failure::new(format!("{}; {how}", f.message)))?;
    }
    Ok(())
}

/// Whether this process runs as root (`id -u` is 0).
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}
