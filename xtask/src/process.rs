//! Running the project's commands: `cargo` as the cargo that started xtask, from the workspace
//! root, shown as one would type them, a failure carrying the exit status.

use std::ffi::OsString;
use std::process::Command;

use crate::Failure;

/// The program to run for `name`: `cargo` is the cargo that started xtask.
fn program(name: &str) -> OsString {
    if name == "cargo" {
        std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
    } else {
        name.into()
    }
}

/// The command `argv` (`cargo` is the cargo that runs xtask), run from the workspace root.
pub fn command(argv: &[&str]) -> Command {
    let mut cmd = Command::new(program(argv[0]));
    cmd.args(&argv[1..])
        .current_dir(crate::demo::workspace_root());
    cmd
}

/// `argv` as one would type it.
pub fn shown(argv: &[&str]) -> String {
    argv.join(" ")
}

/// Runs `cmd` (shown as `argv`) with its output on the terminal; a failure carries its exit status.
pub fn run(mut cmd: Command, argv: &[&str]) -> Result<(), Failure> {
    let status = cmd
        .status()
        .map_err(|e| Failure::new(format!("`{}` could not start: {e}", shown(argv))))?;
    if status.success() {
        return Ok(());
    }
    let code = status
        .code()
        .and_then(|c| u8::try_from(c).ok())
        .filter(|c| *c != 0)
        .unwrap_or(1);
    Err(Failure {
        message: format!("`{}` exited with {status}", shown(argv)),
        code,
    })
}
