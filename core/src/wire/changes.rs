//! The state as records: what a host persists one row at a time instead of one snapshot.
//!
//! After each input, [`Engine::take_changes`](crate::Engine::take_changes) lists the records that
//! were written or removed since the last call, each with a stable key (`kind`, `id`) and its
//! JSON; a host upserts those rows (and deletes the removed ones) in the same transaction as the
//! input, and [`Engine::restore_records`](crate::Engine::restore_records) builds the engine again
//! from the rows, in any order. The whole-state snapshot ([`State`](crate::wire::state::State))
//! stays for small embedders and tests; both describe the same state.
//!
//! | kind | id | value |
//! | --- | --- | --- |
//! | `engine` | `engine` | [`EngineRecord`]: version, clock, counters, round-robin cursor, disabled webhooks, resolution counts |
//! | `conversation` | conversation id | [`Conversation`](crate::wire::state::Conversation) (queue membership included) |
//! | `agent` | agent id | [`Agent`](crate::wire::state::Agent) |
//! | `outbox` | delivery id | [`OutboxEntry`](crate::wire::state::OutboxEntry) |
//! | `dead_letter` | delivery id | [`DeadLetter`](crate::wire::state::DeadLetter) |
//! | `chain` | `"{integration}:{conversation}"` | [`Chain`](crate::wire::delivery::Chain) |
//!
//! As JSON (what the `abi` and `js` modules hand their hosts), a change set is an array in this
//! order (the engine record first, then by kind and id), `value` `null` for a removed record:
//!
//! ```json
//! [{"kind":"engine","id":"engine","value":{"version":4,"now":1768213800000,"seq":3,"disabled_webhooks":{}}},
//!  {"kind":"conversation","id":"conv_1","value":{"id":"conv_1","status":"queued","...":"..."}},
//!  {"kind":"outbox","id":"dlv_1","value":null}]
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::wire::error::{ErrorKind, PathError};

/// Which part of the state a record holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// The one engine-wide record ([`EngineRecord`]), id `engine`.
    Engine,
    /// One open conversation.
    Conversation,
    /// One agent.
    Agent,
    /// One delivery not yet acknowledged.
    Outbox,
    /// One delivery given up.
    DeadLetter,
    /// One helpdesk request chain (an integration and a conversation).
    Chain,
}

impl RecordKind {
    /// Every kind, in the order change sets list them.
    pub const ALL: [RecordKind; 6] = [
        RecordKind::Engine,
        RecordKind::Conversation,
        RecordKind::Agent,
        RecordKind::Outbox,
        RecordKind::DeadLetter,
        RecordKind::Chain,
    ];

    /// The name as written in JSON (`dead_letter`).
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Engine => "engine",
            RecordKind::Conversation => "conversation",
            RecordKind::Agent => "agent",
            RecordKind::Outbox => "outbox",
            RecordKind::DeadLetter => "dead_letter",
            RecordKind::Chain => "chain",
        }
    }

    /// The kind named `name`, if any.
    pub fn from_name(name: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Where records of this kind sit in the whole state (`state.conversations`), for error paths.
    pub fn state_path(self) -> &'static str {
        match self {
            RecordKind::Engine => "state",
            RecordKind::Conversation => "state.conversations",
            RecordKind::Agent => "state.agents",
            RecordKind::Outbox => "state.outbox",
            RecordKind::DeadLetter => "state.dead_letters",
            RecordKind::Chain => "state.integration_chains",
        }
    }
}

/// The id of the engine-wide record.
pub const ENGINE_RECORD_ID: &str = "engine";

/// The engine-wide part of the state: small, written whenever one of its fields changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EngineRecord {
    /// Format version of every record (the state's version).
    pub version: u32,
    /// The latest `now` seen (epoch ms).
    pub now: i64,
    /// Counter for derived ids and arrival order.
    pub seq: u64,
    /// The agent who got the last round-robin conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round_robin_cursor: Option<String>,
    /// Webhooks disabled by a 410 Gone, with the reason.
    pub disabled_webhooks: BTreeMap<String, String>,
    /// Resolutions by outcome and ratings (absent until the first resolution).
    #[serde(
        default,
        skip_serializing_if = "crate::wire::state::ResolutionStats::is_empty"
    )]
    pub resolutions: crate::wire::state::ResolutionStats,
    /// Handle times observed, by skill (absent until the first).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub handle_times: BTreeMap<String, crate::wire::state::HandleTime>,
}

/// One record written (`value`: its JSON text) or removed (`value: None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Which part of the state.
    pub kind: RecordKind,
    /// Its id within the kind.
    pub id: String,
    /// The record as JSON text; `None` when it was removed.
    pub value: Option<String>,
}

/// A change set as JSON text: `[{"kind":…,"id":…,"value":…|null},…]`, each value embedded as
/// the JSON it is (not re-encoded).
pub fn changes_to_json(changes: &[Change]) -> String {
    let mut out = String::with_capacity(
        2 + changes
            .iter()
            .map(|c| 40 + c.id.len() + c.value.as_ref().map_or(4, String::len))
            .sum::<usize>(),
    );
    out.push('[');
    for (i, change) in changes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let id = serde_json::to_string(&change.id).unwrap_or_else(|_| "\"\"".into());
        let _ = write!(
            out,
            "{{\"kind\":\"{}\",\"id\":{id},\"value\":{}}}",
            change.kind.as_str(),
            change.value.as_deref().unwrap_or("null")
        );
    }
    out.push(']');
    out
}

/// Applies `changes` to `store`, a map by `(kind, id)` as a host's table holds the records:
/// written records replace, removed ones go. For tests and small hosts.
pub fn apply_changes(store: &mut BTreeMap<(RecordKind, String), String>, changes: Vec<Change>) {
    for change in changes {
        match change.value {
            Some(value) => {
                store.insert((change.kind, change.id), value);
            }
            None => {
                store.remove(&(change.kind, change.id));
            }
        }
    }
}

/// Reads a change set (or a list of rows) as [`changes_to_json`] writes it: an array of
/// `{"kind", "id", "value"}`, each `value` kept as the exact JSON text it was given (`null` for a
/// removed record). `path` names the array in errors (`records`, `changes`).
///
/// # Errors
/// A [`PathError`] naming the place: `records` (not a JSON array), `records[2]` (not an object
/// of those three keys), `records[2].kind` (an unknown kind), `records[2].id`.
///
/// # Example
/// ```
/// use handoff_core::wire::changes::{changes_from_json, changes_to_json, RecordKind};
///
/// let text = r#"[{"kind":"agent","id":"a1","value":{"id":"a1","score":1.0}},{"kind":"outbox","id":"d1","value":null}]"#;
/// let changes = changes_from_json(text, "records")?;
/// assert_eq!(changes[0].kind, RecordKind::Agent);
/// assert_eq!(changes[0].value.as_deref(), Some(r#"{"id":"a1","score":1.0}"#));
/// assert_eq!(changes_to_json(&changes), text);
/// let refused = changes_from_json(r#"[{"kind":"agents","id":"a1","value":{}}]"#, "records").unwrap_err();
/// assert_eq!(refused.path, "records[0].kind");
/// # Ok::<(), handoff_core::PathError>(())
/// ```
pub fn changes_from_json(text: &str, path: &str) -> Result<Vec<Change>, PathError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Row<'a> {
        kind: &'a str,
        #[serde(borrow)]
        id: std::borrow::Cow<'a, str>,
        #[serde(borrow)]
        value: &'a RawValue,
    }
    let rows: Vec<&RawValue> = serde_json::from_str(text).map_err(|e| {
        let kind = if e.is_syntax() || e.is_eof() {
            ErrorKind::NotJson
        } else {
            ErrorKind::WrongType
        };
        PathError::new(kind, path, format!("expected an array of records: {e}"))
    })?;
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.into_iter().enumerate() {
        let at = format!("{path}[{i}]");
        let row: Row<'_> = serde_json::from_str(row.get()).map_err(|e| {
            let message = e.to_string();
            PathError::new(
                ErrorKind::of_serde_message(&message),
                at.clone(),
                format!("expected {{\"kind\", \"id\", \"value\"}}: {message}"),
            )
        })?;
        let kind = RecordKind::from_name(row.kind).ok_or_else(|| {
            let mut e = PathError::new(
                ErrorKind::UnknownVariant,
                format!("{at}.kind"),
                "expected one of engine, conversation, agent, outbox, dead_letter, chain",
            );
            e.value = Some(row.kind.to_string());
            e
        })?;
        let value = row.value.get();
        out.push(Change {
            kind,
            id: row.id.into_owned(),
            value: (value != "null").then(|| value.to_string()),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_named_as_serde_names_them() {
        for kind in RecordKind::ALL {
            assert_eq!(
                serde_json::to_value(kind).expect("json"),
                serde_json::Value::from(kind.as_str())
            );
            assert_eq!(RecordKind::from_name(kind.as_str()), Some(kind));
        }
        assert_eq!(RecordKind::from_name("conversations"), None);
    }

    #[test]
    fn a_change_set_is_json_with_values_embedded() {
        let changes = [
            Change {
                kind: RecordKind::Conversation,
                id: "c\"1".into(),
                value: Some(r#"{"id":"c\"1"}"#.into()),
            },
            Change {
                kind: RecordKind::DeadLetter,
                id: "d1".into(),
                value: None,
            },
        ];
        let json: serde_json::Value =
            serde_json::from_str(&changes_to_json(&changes)).expect("valid JSON");
        assert_eq!(
            json,
            serde_json::json!([
                {"kind": "conversation", "id": "c\"1", "value": {"id": "c\"1"}},
                {"kind": "dead_letter", "id": "d1", "value": null}
            ])
        );
        assert_eq!(changes_to_json(&[]), "[]");
    }
}
