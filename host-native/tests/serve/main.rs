//! Tests of `handoff serve`: the real binary on a loopback port, a temporary SQLite file, and a
//! real loopback webhook receiver that verifies signatures itself (HMAC-SHA256).
//!
//! `postgres` runs the service on a real PostgreSQL server the test starts itself
//! (`../support/postgres.rs`; Debian's `postgresql` package, which `cargo xtask test` installs).
//!
//! They need the engine's abi wasm (embedded at build time from `target/wasm/handoff_abi.wasm`,
//! or `HANDOFF_WASM`): without it the service refuses to start and the tests fail saying so.

mod admin;
mod console;
mod conversation;
mod customer;
mod faults;
mod hardening;
mod helpdesk_webhooks;
mod hostile;
mod integrations;
mod live;
mod postgres;
mod requests;
mod resolve;
mod storage;
mod support;
#[path = "../support/postgres.rs"]
mod support_postgres;
mod tour;
