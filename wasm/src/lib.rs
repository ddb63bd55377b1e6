//! # handoff-wasm: the wasm boundary of the handoff engine
//!
//! The engine ([`handoff_core`]) compiled to WebAssembly, in two builds of this one crate
//! (`wasm/README.md` is the specification):
//!
//! - feature `js`: the JS class `Engine` and the functions `sign`, `secretRefs` and `prepare`
//!   through wasm-bindgen, for
//!   browsers, Node and edge workers (`wasm-bindgen --target web`);
//! - feature `abi`: the plain pointer/length ABI, a module with no imports at all, for wasmtime
//!   and any other runtime.
//!
//! Neither build decides anything: each converts values and calls [`handoff_core::Engine`]. The
//! conversions both builds share are in [`session`], compiled without any feature so `cargo test`
//! checks them natively. Build both with `cargo xtask wasm`.
#![deny(unsafe_code)]
#![deny(missing_docs)]

pub mod buffers;
pub mod session;

#[cfg(all(feature = "abi", target_arch = "wasm32"))]
#[allow(unsafe_code)] // the exports read and write the linear memory: see `abi.rs`
mod abi;

#[cfg(feature = "js")]
mod js;
#[cfg(feature = "js")]
pub use js::{prepare, secret_refs, sign, Engine};
