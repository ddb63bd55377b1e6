//! # handoff-native: the handoff engine in wasmtime
//!
//! Runs the engine's plain-ABI wasm build (`handoff_abi.wasm`, see `wasm/README.md`) in
//! [wasmtime](https://docs.rs/wasmtime), behind a typed Rust API that mirrors
//! [`handoff_core::Engine`]. The same module runs in browsers, Node and edge workers, so a Rust
//! service that embeds this crate gives exactly the same outputs, byte for byte, as every other
//! host.
//!
//! - [`Runtime`]: the module, compiled once per process (from a file, from bytes, or embedded in
//!   the binary at build time), with a [`Linker`](wasmtime::Linker) that provides no imports and
//!   a cached [`InstancePre`](wasmtime::InstancePre).
//! - [`Host`]: one tenant's engine in its own store and instance: [`Host::new`],
//!   [`Host::restore`], [`Host::handle`] (typed outputs) and [`Host::handle_json`] (the exact
//!   JSON), [`Host::state_json`], [`Host::next_wakeup`], [`Host::hours`].
//! - [`Runtime::prepare`]: the complete request of a delivery (authorization, Standard Webhooks
//!   signature) and how to read its answer, decided by the same module ([`Runtime::sign`] signs
//!   alone).
//! - Every call runs with a fuel budget and a memory limit ([`Limits`]): a bad module or input
//!   cannot hang the process. A guest trap is [`HostError::Trap`]; the host then drops the
//!   instance and goes back to the state before the failed call (see [`Host`] for what that
//!   costs).
//! - [`replay`]: conversation files (`examples/conversations/*.jsonl`) played through a host,
//!   as the `handoff replay` command does.
//!
//! ## Where the module comes from
//!
//! [`Runtime::locate`] takes, in order: an explicit path (the `--wasm PATH` option), the file in
//! the `HANDOFF_WASM` environment variable, and the module embedded at build time.
//! `build.rs` embeds `$HANDOFF_WASM` or `target/wasm/handoff_abi.wasm` when it exists at build
//! time (`cargo xtask wasm` builds it); without one the crate still builds, and
//! [`Runtime::embedded`] returns [`HostError::NotBuilt`].
//!
//! ## The compiled-module cache
//!
//! Compiling the module with Cranelift takes about two seconds. [`Runtime::locate_cached`] and
//! [`Runtime::compile`] take a cache directory: the first start writes the machine code there
//! (`<dir>/<key>.cwasm`, the key a SHA-256 of the wasm bytes and of wasmtime's version and
//! settings), later ones load it in a fraction of a second. [`Runtime::default_cache_dir`] is
//! `$HANDOFF_CACHE_DIR`, else `$XDG_CACHE_HOME/handoff`, else `~/.cache/handoff`.
//! [`Runtime::origin`] says whether the code was compiled or loaded; an entry that is damaged is
//! deleted and the module compiled again, and a cache that cannot be used is only logged
//! ([`Runtime::cache_problem`]). [`Runtime::locate`] and the other constructors do not cache.
//!
//! # Example
//!
//! Embedding the engine in another Rust program (add `handoff-native` and `handoff-core` as
//! dependencies):
//!
//! ```no_run
//! use handoff_core::Output;
//! use handoff_native::{Host, HostError, Runtime};
//!
//! # fn main() -> Result<(), HostError> {
//! // Once per process: compile the module (the embedded one, or $HANDOFF_WASM).
//! let runtime = Runtime::locate(None)?;
//!
//! // Once per tenant: an engine from its configuration (every error has a JSON path).
//! let config = r#"{"handoff": {"routing": {"method": "load_based", "auto_accept": true}}}"#;
//! let mut host = Host::new(&runtime, config)?;
//!
//! let now = 1_768_213_800_000; // the host's clock, epoch ms
//! host.handle(r#"{"type":"agent_update","agent":{"id":"agent_1","name":"Asha","status":"online"}}"#, now)?;
//! let outputs = host.handle(
//!     r#"{"type":"customer_message","conversation_id":"conv_1","text":"Can I talk to a real person?"}"#,
//!     now,
//! )?;
//! let persisted = host.state_json()?; // 1. persist first
//! for output in &outputs {            // 2. then perform
//!     if let Output::Assigned { agent_id, .. } = output {
//!         println!("conv_1 goes to {agent_id}");
//!     }
//! }
//! if let Some(at) = host.next_wakeup()? { /* 3. send {"type":"tick"} at `at` */ }
//!
//! // After a restart: continue exactly where it stopped.
//! let mut host = Host::restore(&runtime, config, &persisted)?;
//! match host.handle(r#"{"type":"conversation_closed","conversation_id":"nope","by":"agent"}"#, now) {
//!     Err(HostError::Input(e)) => eprintln!("refused at {}: {}", e.path, e.message),
//!     other => println!("{other:?}"),
//! }
//!
//! // Webhook signatures from the same module.
//! let signature = runtime.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_1", 1_768_213_800, b"{}")?;
//! assert!(signature.starts_with("v1,"));
//! # Ok(())
//! # }
//! ```
// One `unsafe` block loads compiled machine code from the module cache, with its safety argument
// (`runtime.rs`, module `cache`); another asks the OS for the user id that cache must belong to.
#![deny(unsafe_code)]
#![deny(missing_docs)]

mod cadence;
pub mod clock;
mod error;
mod guest;
mod host;
pub mod replay;
mod runtime;
#[cfg(feature = "serve")]
pub mod serve;
mod store_data;

pub use error::{HostError, Trap};
pub use handoff_core::prepare::{Prepared, ResponseRules};
pub use host::{Host, InputJson};
pub use runtime::{Limits, ModuleOrigin, Runtime, ABI_VERSION, CACHE_DIR_ENV, WASM_ENV};

/// The wasmtime this crate runs on, for embedders that want to share its types.
pub use wasmtime;
