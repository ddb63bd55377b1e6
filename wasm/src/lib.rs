//! handoff-wasm: the wasm boundary of the handoff engine.
//!
//! Not built yet: the `js` (wasm-bindgen) and `abi` (plain JSON pointer/length) builds are issue 4.
//! This crate is an empty workspace member until then.
#![forbid(unsafe_code)]
