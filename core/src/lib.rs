//! handoff-core: the human-handoff engine (being built).
#![forbid(unsafe_code)]

pub mod error;
pub mod hours;
pub mod request;
pub mod sentiment;
pub mod signing;
pub mod summary;
pub mod template;
pub mod topics;
