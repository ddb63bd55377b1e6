//! The wasmtime host held to the native engine: conformance vectors byte for byte, the raw ABI
//! with hostile arguments and modules, traps and recovery, and the `handoff` command.
//!
//! One test binary, so the module is compiled once ([`common::runtime`]). It comes from
//! `HANDOFF_WASM` (set by `cargo xtask test`) or, failing that, the module embedded at build time;
//! when there is neither, every test here fails with a message saying how to build it (never a
//! skip, locally or under `CI=true`).

mod abi;
mod cache;
mod cli;
mod common;
mod conformance;
mod explain_cli;
mod limits;
mod records;
mod traps;
