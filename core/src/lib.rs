//! # handoff-core: the human-handoff engine
//!
//! An AI agent answers customers; this engine decides *when* a conversation must go to a person
//! ([`triggers`](crate::wire::output::TriggerHit)), *who* takes it (round robin, skills or load),
//! *whether anyone is on duty* ([`hours`]), *what that person receives*
//! ([`Context`](crate::wire::output::Context)), and *who is told* (webhook [`Delivery`](crate::wire::output::Delivery)
//! outputs that are retried and dead-lettered, never dropped).
//!
//! ## The contract (sans-IO)
//!
//! The engine is fully deterministic. It does no networking and no file access, never reads a
//! clock and never draws a random number: time is an argument of every call, ids are derived from
//! the inputs, and the same inputs always give the same outputs, byte for byte, on every host
//! (native, wasm in a browser, wasm in an edge worker, wasm in wasmtime).
//!
//! - [`Engine::handle`] takes one [`Input`] and `now` (epoch ms) and returns that input's outputs as
//!   a `Vec`, so a wasm host crosses the boundary once per input.
//! - On `Err` (an [`InputError`] naming the JSON path), the state is unchanged.
//! - [`Engine::state`] is the whole state, one serde value with a version; persist it after every
//!   input and *before* performing the outputs, so a crash can repeat a delivery but never lose one.
//!   [`Engine::restore`] continues exactly where it stopped.
//! - [`Engine::next_wakeup`] says when the host must send [`Input::Tick`]; a tick that comes early
//!   or twice does nothing. Time never goes backwards: an earlier `now` is taken as the latest seen.
//!
//! ## A complete host loop
//!
//! ```
//! use handoff_core::{Config, Engine, Input, Output};
//!
//! let config = Config::from_json_str(r#"{"handoff": {"routing": {"method": "load_based"}}}"#)?;
//! let mut engine = Engine::new(config);
//! let mut persisted = String::new();
//! let mut now = 1_768_213_800_000; // the host's clock, epoch ms
//!
//! let inbox = [
//!     r#"{"type":"agent_update","agent":{"id":"agent_1","name":"Asha","status":"online"}}"#,
//!     r#"{"type":"customer_message","conversation_id":"conv_1","text":"Can I talk to a real person?"}"#,
//!     r#"{"type":"agent_accept","conversation_id":"conv_1","agent_id":"agent_1"}"#,
//! ];
//! for line in inbox {
//!     let outputs = engine.handle(Input::from_json_str(line)?, now)?;
//!     persisted = serde_json::to_string(engine.state())?; // 1. persist first
//!     for output in outputs {                              // 2. then perform
//!         match output {
//!             Output::Message { text, .. } => println!("to customer: {text}"),
//!             Output::Delivery(d) => { /* POST d.body to d.url, then handle a delivery_result */ }
//!             _ => {}
//!         }
//!     }
//!     if let Some(wake) = engine.next_wakeup() {               // 3. keep the clock
//!         now = now.max(wake.min(now + 1_000));
//!     }
//! }
//! let restored = Engine::restore_json(engine.config().clone(), &persisted)?;
//! assert_eq!(restored.state(), engine.state());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod check;
pub mod config;
mod engine;
pub mod explain;
pub mod hours;
#[cfg(feature = "integrations")]
pub mod inbound;
mod index;
mod integrations;
mod language;
mod lifecycle;
mod outbox;
pub mod prepare;
pub mod query;
mod rate_limit;
mod read_input;
mod records;
pub mod signing;
mod text;
pub mod wire;

pub use wire::error;

pub use config::{Config, ConfigErrors};
pub use engine::Engine;
pub use error::{ConfigError, ErrorKind, InputError, PathError, RestoreError};
pub use wire::input::Input;
pub use wire::limits::{MAX_TEXT_BYTES, MAX_TIME};
pub use wire::output::Output;
pub use wire::state::State;

/// The engine's language scorers, for the benchmarks and `cargo xtask bench` only: not part of
/// the API, and they change without notice. Their results reach users through
/// [`Output`] (triggers and their evidence).
#[doc(hidden)]
pub mod internals {
    pub use crate::language::request::detect_human_request;
    pub use crate::language::sentiment::{analyse, lexicon_bytes, score};
}
