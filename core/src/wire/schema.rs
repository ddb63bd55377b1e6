//! The published contract of the wire types: where their JSON Schemas live, and the schemas that
//! are written by hand.
//!
//! `cargo xtask schema` writes `schema/input.schema.json`, `output.schema.json`,
//! `state.schema.json`, `event.schema.json` and `error.schema.json` (JSON Schema draft 2020-12), each with an `$id`
//! under [`SCHEMA_BASE`], and the TypeScript declarations of the same types
//! (`host-node/src/wire.d.ts`). The schemas come from `schemars::JsonSchema`, derived on the wire
//! types with the cargo feature `schema` (off by default: the engine itself never needs them,
//! and the wasm builds leave them out).
//!
//! The version in [`SCHEMA_BASE`] names the contract: it changes when a wire type changes in a
//! way an existing reader would misread. A host can tell webhook receivers which contract a body
//! follows without touching the body's bytes, e.g. with a header carrying [`EVENT_SCHEMA_ID`].
//!
//! # Example
//! ```
//! use handoff_core::wire::schema::{EVENT_SCHEMA_ID, SCHEMA_BASE, SCHEMA_VERSION};
//!
//! assert_eq!(SCHEMA_BASE, format!("https://handoff.dev/schema/v{SCHEMA_VERSION}/"));
//! assert_eq!(EVENT_SCHEMA_ID, format!("{SCHEMA_BASE}event.schema.json"));
//! ```

/// The base of every schema's `$id` (with its version), as a macro so the ids below can be
/// `concat!`ed at compile time.
macro_rules! schema_base {
    () => {
        "https://handoff.dev/schema/v1/"
    };
}

/// The version of the wire contract, as in [`SCHEMA_BASE`].
pub const SCHEMA_VERSION: u32 = 1;

/// Where the schemas of this version live: a schema's `$id` is this followed by its file name
/// (`input.schema.json`).
pub const SCHEMA_BASE: &str = schema_base!();

/// `$id` of the schema of one input (`schema/input.schema.json`).
pub const INPUT_SCHEMA_ID: &str = concat!(schema_base!(), "input.schema.json");

/// `$id` of the schema of one output (`schema/output.schema.json`).
pub const OUTPUT_SCHEMA_ID: &str = concat!(schema_base!(), "output.schema.json");

/// `$id` of the schema of the engine's whole state (`schema/state.schema.json`).
pub const STATE_SCHEMA_ID: &str = concat!(schema_base!(), "state.schema.json");

/// `$id` of the schema of one webhook event body (`schema/event.schema.json`).
pub const EVENT_SCHEMA_ID: &str = concat!(schema_base!(), "event.schema.json");

/// `$id` of the schema of one error, `{path, kind, message, value?}` (`schema/error.schema.json`).
pub const ERROR_SCHEMA_ID: &str = concat!(schema_base!(), "error.schema.json");

/// `$id` of the schema of what `explain` is asked (`schema/explain-request.schema.json`).
pub const EXPLAIN_REQUEST_SCHEMA_ID: &str = concat!(schema_base!(), "explain-request.schema.json");

/// `$id` of the schema of `explain`'s answer (`schema/explanation.schema.json`).
pub const EXPLANATION_SCHEMA_ID: &str = concat!(schema_base!(), "explanation.schema.json");

#[cfg(feature = "schema")]
mod hand_written {
    use std::borrow::Cow;

    use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

    use crate::wire::event::{
        Assigned, CallbackRequested, Closed, CsatData, Event, EventName, HandoffRequested,
        MessageData, Note, Queued, ReopenedData, ResolvedData, ReturnedToAi, TransferFailed,
        Transferred,
    };

    /// [`Event`] is serialised with an untagged `data`; its schema ties each event name to the
    /// shape of its data instead (one branch per event), which is what the serialiser writes and
    /// what a receiver can switch on.
    impl JsonSchema for Event {
        fn schema_name() -> Cow<'static, str> {
            "WebhookEvent".into()
        }

        fn schema_id() -> Cow<'static, str> {
            "handoff_core::wire::event::Event".into()
        }

        fn json_schema(generator: &mut SchemaGenerator) -> Schema {
            let branch = |title: &str, name: EventName, data: Schema, description: &str| {
                json_schema!({
                    "title": title,
                    "description": description,
                    "type": "object",
                    "properties": {
                        "event": {"type": "string", "const": name.as_str()},
                        "timestamp": {
                            "description": "When it happened: RFC 3339 in UTC, to the second (`2026-01-12T10:30:00Z`).",
                            "type": "string",
                        },
                        "data": data,
                    },
                    "additionalProperties": false,
                    "required": ["event", "timestamp", "data"],
                })
            };
            let branches = [
                branch(
                    "HandoffRequestedEvent",
                    EventName::HandoffRequested,
                    generator.subschema_for::<HandoffRequested>(),
                    "A conversation goes to a person (the specification's payload, field for field).",
                ),
                branch(
                    "QueuedEvent",
                    EventName::Queued,
                    generator.subschema_for::<Queued>(),
                    "It waits in the queue.",
                ),
                branch(
                    "AssignedEvent",
                    EventName::Assigned,
                    generator.subschema_for::<Assigned>(),
                    "An agent has it.",
                ),
                branch(
                    "CallbackRequestedEvent",
                    EventName::CallbackRequested,
                    generator.subschema_for::<CallbackRequested>(),
                    "Nobody was on duty: a callback is requested.",
                ),
                branch(
                    "ClosedEvent",
                    EventName::Closed,
                    generator.subschema_for::<Closed>(),
                    "It ended.",
                ),
                branch(
                    "MessageEvent",
                    EventName::Message,
                    generator.subschema_for::<MessageData>(),
                    "The customer or the agent wrote, while a person holds, is offered, or is awaited for the conversation.",
                ),
                branch(
                    "NoteEvent",
                    EventName::Note,
                    generator.subschema_for::<Note>(),
                    "An agent wrote a private note (never shown to the customer).",
                ),
                branch(
                    "ReturnedToAiEvent",
                    EventName::ReturnedToAi,
                    generator.subschema_for::<ReturnedToAi>(),
                    "The agent gave the conversation back to the AI.",
                ),
                branch(
                    "TransferredEvent",
                    EventName::Transferred,
                    generator.subschema_for::<Transferred>(),
                    "A transfer reached its agent.",
                ),
                branch(
                    "TransferFailedEvent",
                    EventName::TransferFailed,
                    generator.subschema_for::<TransferFailed>(),
                    "A transfer's target agent declined, let the offer lapse, or went away.",
                ),
                branch(
                    "ResolvedEvent",
                    EventName::Resolved,
                    generator.subschema_for::<ResolvedData>(),
                    "The agent (or an admin) resolved it with an outcome.",
                ),
                branch(
                    "ReopenedEvent",
                    EventName::Reopened,
                    generator.subschema_for::<ReopenedData>(),
                    "The customer wrote again after it was resolved: it is open again.",
                ),
                branch(
                    "CsatEvent",
                    EventName::Csat,
                    generator.subschema_for::<CsatData>(),
                    "The customer rated it (1 to 5) after it was resolved.",
                ),
            ];
            json_schema!({
                "description": "A webhook event body: `{\"event\", \"timestamp\", \"data\"}`, one shape of `data` per event.",
                "oneOf": branches,
            })
        }
    }
}
