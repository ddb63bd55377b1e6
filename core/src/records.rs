//! The state taken apart into records and put together again ([`crate::wire::changes`]).
//!
//! Taking the changes costs what changed: the state's maps are [`Tracked`], so only the keys
//! written since the last call are looked at; the engine-wide record is compared field by field.

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::wire::changes::{Change, EngineRecord, RecordKind, ENGINE_RECORD_ID};
use crate::wire::error::{ErrorKind, RestoreError};
use crate::wire::state::{State, Status};
use crate::wire::tracked::Tracked;

/// The record's JSON. The state's records are plain data with string keys, which always
/// serialise; a failure would be a bug in this crate, not bad input.
fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("the state's records serialise")
}

/// The engine-wide record of `state`.
pub(crate) fn engine_record(state: &State) -> EngineRecord {
    EngineRecord {
        version: state.version,
        now: state.now,
        seq: state.seq,
        round_robin_cursor: state.round_robin_cursor.clone(),
        disabled_webhooks: state.disabled_webhooks.clone(),
        resolutions: state.resolutions.clone(),
        handle_times: state.handle_times.clone(),
    }
}

/// The changes of one map: its marked keys, each written or removed.
fn take<V: Serialize>(kind: RecordKind, map: &mut Tracked<String, V>, out: &mut Vec<Change>) {
    for id in map.take_dirty() {
        let value = map.get(&id).map(json);
        out.push(Change { kind, id, value });
    }
}

/// The records written or removed since the last call, the engine record first when it differs
/// from `last_engine` (which becomes the current one).
pub(crate) fn take_changes(
    state: &mut State,
    last_engine: &mut Option<EngineRecord>,
) -> Vec<Change> {
    let mut out = Vec::new();
    let engine = engine_record(state);
    if last_engine.as_ref() != Some(&engine) {
        out.push(Change {
            kind: RecordKind::Engine,
            id: ENGINE_RECORD_ID.into(),
            value: Some(json(&engine)),
        });
        *last_engine = Some(engine);
    }
    take(RecordKind::Conversation, &mut state.conversations, &mut out);
    take(RecordKind::Agent, &mut state.agents, &mut out);
    take(RecordKind::Outbox, &mut state.outbox, &mut out);
    take(RecordKind::DeadLetter, &mut state.dead_letters, &mut out);
    take(RecordKind::Chain, &mut state.integration_chains, &mut out);
    out
}

/// Starts or stops marking writes in every map of `state`; either way no mark is left.
pub(crate) fn track(state: &mut State, on: bool) {
    state.conversations.set_tracking(on);
    state.agents.set_tracking(on);
    state.outbox.set_tracking(on);
    state.dead_letters.set_tracking(on);
    state.integration_chains.set_tracking(on);
}

/// Every record of `state` (to move a whole snapshot into a record store once).
pub(crate) fn all_records(state: &State) -> Vec<Change> {
    fn all<V: Serialize>(kind: RecordKind, map: &Tracked<String, V>, out: &mut Vec<Change>) {
        out.extend(map.iter().map(|(id, v)| Change {
            kind,
            id: id.clone(),
            value: Some(json(v)),
        }));
    }
    let mut out = vec![Change {
        kind: RecordKind::Engine,
        id: ENGINE_RECORD_ID.into(),
        value: Some(json(&engine_record(state))),
    }];
    all(RecordKind::Conversation, &state.conversations, &mut out);
    all(RecordKind::Agent, &state.agents, &mut out);
    all(RecordKind::Outbox, &state.outbox, &mut out);
    all(RecordKind::DeadLetter, &state.dead_letters, &mut out);
    all(RecordKind::Chain, &state.integration_chains, &mut out);
    out
}

/// Where a record sits in the whole state (`state.conversations.conv_1`; `state` for the engine
/// record), for error paths.
fn place(kind: RecordKind, id: &str) -> String {
    if kind == RecordKind::Engine {
        "state".to_string()
    } else {
        format!("{}.{id}", kind.state_path())
    }
}

/// Reads one record's JSON as `T`, naming its place in the state in errors
/// (`state.conversations.conv_1.status`).
fn read<T: DeserializeOwned>(kind: RecordKind, id: &str, text: &str) -> Result<T, RestoreError> {
    let place = place(kind, id);
    let value: serde_json::Value = crate::wire::limits::from_engine_json(text).map_err(|e| {
        RestoreError::malformed(
            ErrorKind::NotJson,
            place.clone(),
            format!("not valid JSON: {e}"),
        )
    })?;
    deserialize_at(value, &place)
}

/// `value` as `T`, a part of the state at `place` (`state`, `state.conversations.c1`): an error
/// names the path below it and its kind.
pub(crate) fn deserialize_at<T: DeserializeOwned>(
    value: serde_json::Value,
    place: &str,
) -> Result<T, RestoreError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        let kind = ErrorKind::of_serde_message(&message);
        let path = if path == "." {
            place.to_string()
        } else {
            format!("{place}.{path}")
        };
        RestoreError::malformed(kind, path, message)
    })
}

/// Puts a state together from its records `(kind, id, JSON)`, in any order. The queue is rebuilt
/// from the queued conversations. No records at all is the empty state.
///
/// # Errors
/// A [`RestoreError`]: a record twice (`duplicate`), records without the engine record
/// (`missing`), a record that is not JSON or not of its kind's shape (with the path), or of
/// another version (as for a snapshot). Whether the parts agree is checked by the caller.
pub(crate) fn state_from_records<I, S>(records: I) -> Result<State, RestoreError>
where
    I: IntoIterator<Item = (RecordKind, S, S)>,
    S: AsRef<str>,
{
    let mut engine: Option<EngineRecord> = None;
    let mut state = State::default();
    let mut seen: BTreeSet<(RecordKind, String)> = BTreeSet::new();
    let mut count = 0usize;
    for (kind, id, text) in records {
        let (id, text) = (id.as_ref(), text.as_ref());
        count += 1;
        if !seen.insert((kind, id.to_string())) {
            return Err(RestoreError::malformed(
                ErrorKind::Duplicate,
                place(kind, id),
                format!("the {} record {id:?} is given twice", kind.as_str()),
            ));
        }
        match kind {
            RecordKind::Engine => {
                if id != ENGINE_RECORD_ID {
                    return Err(RestoreError::malformed(
                        ErrorKind::Invalid,
                        "state",
                        format!("the engine record's id is {ENGINE_RECORD_ID:?}, not {id:?}"),
                    ));
                }
                engine = Some(read(kind, id, text)?);
            }
            RecordKind::Conversation => {
                state.conversations.insert(id.into(), read(kind, id, text)?);
            }
            RecordKind::Agent => {
                state.agents.insert(id.into(), read(kind, id, text)?);
            }
            RecordKind::Outbox => {
                state.outbox.insert(id.into(), read(kind, id, text)?);
            }
            RecordKind::DeadLetter => {
                state.dead_letters.insert(id.into(), read(kind, id, text)?);
            }
            RecordKind::Chain => {
                state
                    .integration_chains
                    .insert(id.into(), read(kind, id, text)?);
            }
        }
    }
    let Some(engine) = engine else {
        if count == 0 {
            return Ok(State::default());
        }
        return Err(RestoreError::malformed(
            ErrorKind::Missing,
            "state",
            "the engine record (kind \"engine\") is missing",
        ));
    };
    state.version = engine.version;
    state.now = engine.now;
    state.seq = engine.seq;
    state.round_robin_cursor = engine.round_robin_cursor;
    state.disabled_webhooks = engine.disabled_webhooks;
    state.resolutions = engine.resolutions;
    state.handle_times = engine.handle_times;
    state.queue = state
        .conversations
        .values()
        .filter(|c| c.status == Status::Queued)
        .filter_map(|c| c.queue_key.clone())
        .collect();
    Ok(state)
}
