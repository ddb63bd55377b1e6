//! [`HostError`]: everything that can go wrong between a Rust program and the engine in wasm.

use std::fmt;
use std::path::PathBuf;

use handoff_core::{ConfigError, PathError};

/// What went wrong in a call through the wasm host.
///
/// The first three variants are the engine's own answers, passed through unchanged (they are
/// exactly what `handoff-core` says natively, with JSON paths); the others are about the module,
/// the boundary or the runtime.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HostError {
    /// The configuration is not valid: every problem, each with its JSON path.
    #[error("{}", ConfigErrorsDisplay(errors))]
    Config {
        /// Every problem, in document order.
        errors: Vec<ConfigError>,
    },
    /// The engine refused an input (or an argument such as `now`); its state is unchanged.
    /// `path` says where (`input.conversation_id`, `now`), `kind` what kind of problem.
    #[error("{0}")]
    Input(PathError),
    /// A persisted state could not be restored (malformed, newer version, inconsistent); the
    /// path is under `state` (`state.conversations.conv_1.status`).
    #[error("{0}")]
    State(PathError),
    /// The guest trapped (a bug, a fuel or memory limit): the instance was dropped and the host
    /// went back to the last good state, so the call had no effect.
    #[error("{0}")]
    Trap(Trap),
    /// The module broke the ABI: a malformed result envelope, a missing export, a wrong ABI version.
    #[error("the wasm module broke the handoff ABI: {0}")]
    Abi(String),
    /// wasmtime could not compile or instantiate the module.
    #[error("wasmtime: {0}")]
    Wasm(String),
    /// No module to run: none was embedded at build time and none was named.
    #[error("the abi wasm was not built: run `cargo xtask wasm`, or pass --wasm PATH (or set HANDOFF_WASM)")]
    NotBuilt,
    /// A module file could not be read.
    #[error("cannot read the wasm module {}: {message}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

impl HostError {
    /// The engine's error as the JSON value the engine itself writes (`{"path", "kind",
    /// "message", "value"?}` or `{"errors": [...]}`), for [`Config`](HostError::Config),
    /// [`Input`](HostError::Input) and [`State`](HostError::State); `None` for the others.
    pub fn engine_error_json(&self) -> Option<serde_json::Value> {
        use serde_json::json;
        match self {
            HostError::Config { errors } => Some(json!({ "errors": errors })),
            HostError::Input(e) | HostError::State(e) => serde_json::to_value(e).ok(),
            _ => None,
        }
    }

    /// True for [`HostError::Trap`].
    pub fn is_trap(&self) -> bool {
        matches!(self, HostError::Trap(_))
    }
}

struct ConfigErrorsDisplay<'a>(&'a [ConfigError]);

impl fmt::Display for ConfigErrorsDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(
            f,
            "{n} configuration error{}",
            if n == 1 { "" } else { "s" }
        )?;
        for e in self.0 {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

/// A guest trap: which export was running and why it stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap {
    /// The export that was running (`handoff_handle`), or `instantiate`.
    pub function: String,
    /// wasmtime's trap code, when it gave one ([`wasmtime::Trap::OutOfFuel`] for the fuel limit).
    /// `None` when the guest returned `0` for "could not allocate the result".
    pub code: Option<wasmtime::Trap>,
    /// Why, in one line (`wasm trap: all fuel consumed by WebAssembly`).
    pub message: String,
    /// wasmtime's whole report, with the wasm backtrace when there is one.
    pub details: String,
}

impl Trap {
    /// A trap from wasmtime's error for a call of `function`.
    pub(crate) fn from_wasmtime(function: &str, e: &wasmtime::Error) -> Trap {
        let code = e.downcast_ref::<wasmtime::Trap>().copied();
        Trap {
            function: function.to_string(),
            code,
            message: match code {
                Some(code) => code.to_string(),
                None => e.root_cause().to_string(),
            },
            details: format!("{e:#}"),
        }
    }

    /// A trap the host decided on (the guest could not allocate, say).
    pub(crate) fn host(function: &str, message: String) -> Trap {
        Trap {
            function: function.to_string(),
            code: None,
            details: message.clone(),
            message,
        }
    }

    /// The fuel limit of one call was reached.
    pub fn is_out_of_fuel(&self) -> bool {
        self.code == Some(wasmtime::Trap::OutOfFuel)
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the guest trapped in {}: {}",
            self.function, self.message
        )
    }
}
