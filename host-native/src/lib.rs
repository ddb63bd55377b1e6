//! handoff-native: the wasmtime host and the `handoff` service.
//!
//! Not built yet (issue 5). This crate is an empty workspace member until then.
#![forbid(unsafe_code)]
