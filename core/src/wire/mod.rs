//! The wire: every type that crosses the boundary or is persisted (inputs, outputs, the state,
//! the outbox's chains, errors) and the limits on them. This module imports nothing else of the
//! crate; everything else builds on it.

pub mod changes;
pub mod conversation_file;
pub mod delivery;
pub mod error;
pub mod event;
pub mod explain;
pub mod input;
pub mod limits;
pub mod output;
pub mod schema;
pub mod state;
pub mod tracked;
pub mod values;
