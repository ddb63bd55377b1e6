//! handoff-core's public surface is what the architecture says it is: `Engine`, `Config` (with its
//! sections), `wire` (inputs, outputs, the state, deliveries, events, limits, conversation files),
//! the one error value, `signing`, `hours`, `inbound` (helpdesk webhooks verified and read), and the two parts of the host contract that need the
//! engine's code (`prepare`: a delivery's request and response rules; `query`: reads). Everything
//! else is `pub(crate)`, so a module made public by accident fails here.

use handoff_conformance::workspace_root;

/// Every `pub mod` and `pub use` at the crate root of handoff-core, as written.
fn root_items() -> Vec<String> {
    let path = workspace_root().join("core/src/lib.rs");
    let text = std::fs::read_to_string(&path).expect("core/src/lib.rs");
    let mut items = Vec::new();
    let mut depth = 0usize;
    for line in text.lines() {
        let trimmed = line.trim();
        if depth == 0 && (trimmed.starts_with("pub mod ") || trimmed.starts_with("pub use ")) {
            items.push(trimmed.trim_end_matches(" {").to_string());
        }
        depth += line.matches('{').count();
        depth = depth.saturating_sub(line.matches('}').count());
    }
    items
}

#[test]
fn the_crate_root_exports_only_the_documented_api() {
    let expected = [
        "pub mod config;",
        "pub mod explain;",
        "pub mod hours;",
        "pub mod inbound;",
        "pub mod prepare;",
        "pub mod query;",
        "pub mod signing;",
        "pub mod wire;",
        "pub use wire::error;",
        "pub use config::{Config, ConfigErrors};",
        "pub use engine::Engine;",
        "pub use error::{ConfigError, ErrorKind, InputError, PathError, RestoreError};",
        "pub use wire::input::Input;",
        "pub use wire::limits::{MAX_TEXT_BYTES, MAX_TIME};",
        "pub use wire::output::Output;",
        "pub use wire::state::State;",
        "pub mod internals",
    ];
    assert_eq!(
        root_items(),
        expected,
        "core/src/lib.rs: the public API changed; if on purpose, update this list and ARCHITECTURE.md"
    );
}

#[test]
fn internals_are_hidden_from_the_documentation() {
    let text = std::fs::read_to_string(workspace_root().join("core/src/lib.rs")).expect("lib.rs");
    let at = text.find("pub mod internals").expect("pub mod internals");
    assert!(
        text[..at].trim_end().ends_with("#[doc(hidden)]"),
        "`internals` (for the benchmarks) must stay #[doc(hidden)]"
    );
}
