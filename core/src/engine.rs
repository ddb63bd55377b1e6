//! [`Engine`]: one input in, the outputs of that input out.

use serde_json::Value;

use crate::config::Config;
use crate::hours::HoursStatus;
use crate::index::Index;
use crate::lifecycle::{Flow, LineTrace};
use crate::records;
use crate::wire::changes::{Change, EngineRecord, RecordKind};
use crate::wire::error::{ErrorKind, InputError, RestoreError};
use crate::wire::input::Input;
use crate::wire::limits::{MAX_TIME, MIN_TIME};
use crate::wire::output::Output;
use crate::wire::state::{State, Status, STATE_VERSION};

/// The handoff engine: deterministic, no I/O, no clock, no randomness.
///
/// See the crate documentation for the contract and a complete host loop.
///
/// # Example
/// ```
/// use handoff_core::{Config, Engine, Input, Output};
///
/// let config = Config::from_json_str(r#"{"handoff": {"routing": {"auto_accept": true}}}"#)?;
/// let mut engine = Engine::new(config);
/// let now = 1_768_213_800_000; // 2026-01-12T10:30:00Z
/// engine.handle(Input::from_json_str(
///     r#"{"type":"agent_update","agent":{"id":"agent_1","name":"Asha","status":"online"}}"#)?, now)?;
/// let outputs = engine.handle(Input::from_json_str(
///     r#"{"type":"customer_message","conversation_id":"conv_1","text":"I want to talk to a human"}"#)?, now)?;
/// assert!(outputs.iter().any(|o| matches!(o, Output::Assigned { agent_id, .. } if agent_id == "agent_1")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Engine {
    config: Config,
    state: State,
    /// Routing indexes over `state` (not persisted: built on `new` and `restore`).
    index: Index,
    /// The engine record as the last change set (or restore) left it: the next change set
    /// carries it only when it differs. `None`: no change set was taken yet, and writes are not
    /// marked (a host that persists whole snapshots pays nothing for records).
    last_engine: Option<EngineRecord>,
}

impl Engine {
    /// A new engine with an empty state.
    pub fn new(config: Config) -> Engine {
        let state = State::default();
        let index = Index::build(&config, &state);
        Engine {
            config,
            state,
            index,
            last_engine: None,
        }
    }

    /// An engine that continues exactly where `state` stopped.
    ///
    /// # Errors
    /// A [`RestoreError`] of kind [`ErrorKind::NewerVersion`] for a snapshot from a newer engine,
    /// [`ErrorKind::OutOfRange`] for an unsupported older version, and [`ErrorKind::Inconsistent`]
    /// when its parts contradict each other.
    ///
    /// # Example
    /// ```
    /// use handoff_core::{Config, Engine, ErrorKind, State};
    ///
    /// let config = Config::from_json_str(r#"{"handoff": {}}"#)?;
    /// let engine = Engine::restore(config.clone(), State::default())?;
    /// assert_eq!(engine.state(), &State::default());
    ///
    /// let future = State { version: u32::MAX, ..State::default() };
    /// let refused = Engine::restore(config, future).unwrap_err();
    /// assert_eq!(refused.kind, ErrorKind::NewerVersion);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn restore(config: Config, mut state: State) -> Result<Engine, RestoreError> {
        check_version(state.version)?;
        check_consistent(&state)?;
        records::track(&mut state, false);
        // The engine record as the host holds it: when the version changes below, the next
        // change set writes it again.
        let last_engine = None;
        // An older version reads as it is (its fields are a subset): from now on it is written
        // as this version, which may hold what older engines cannot read.
        state.version = STATE_VERSION;
        let index = Index::build(&config, &state);
        Ok(Engine {
            config,
            state,
            index,
            last_engine,
        })
    }

    /// An engine that continues from the records a host kept ([`Engine::take_changes`]), given
    /// in any order as `(kind, id, JSON text)`. No records at all is a new engine.
    ///
    /// # Errors
    /// A [`RestoreError`] naming the place in the state (`state.conversations.conv_1.status`):
    /// a record that is not JSON or not of its kind's shape, a record given twice
    /// ([`ErrorKind::Duplicate`]), records without the engine record ([`ErrorKind::Missing`]),
    /// then as [`Engine::restore`] (version, and parts that contradict each other).
    ///
    /// # Example
    /// ```
    /// use std::collections::BTreeMap;
    /// use handoff_core::wire::changes::apply_changes;
    /// use handoff_core::{Config, Engine, ErrorKind};
    ///
    /// let config = Config::from_json_str(r#"{"handoff": {}}"#)?;
    /// let mut engine = Engine::new(config.clone());
    /// let mut table = BTreeMap::new(); // (kind, id) -> JSON: one row per record
    /// engine.handle_json(r#"{"type":"customer_message","conversation_id":"c1","text":"hi"}"#, 1_768_213_800_000)?;
    /// apply_changes(&mut table, engine.take_changes());
    ///
    /// let rows = table.iter().map(|((kind, id), json)| (*kind, id.as_str(), json.as_str()));
    /// let restored = Engine::restore_records(config.clone(), rows)?;
    /// assert_eq!(restored.state(), engine.state());
    ///
    /// let conversation_only = table.iter().skip(1).map(|((k, id), json)| (*k, id.as_str(), json.as_str()));
    /// let refused = Engine::restore_records(config, conversation_only).unwrap_err();
    /// assert_eq!(refused.kind, ErrorKind::Missing);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn restore_records<I, S>(config: Config, records: I) -> Result<Engine, RestoreError>
    where
        I: IntoIterator<Item = (RecordKind, S, S)>,
        S: AsRef<str>,
    {
        let state = records::state_from_records(records)?;
        let held_version = state.version;
        let mut engine = Engine::restore(config, state)?;
        // The host holds these rows: from here on it gets what changes (and the engine record
        // again when the restore raised the version).
        records::track(&mut engine.state, true);
        let mut held = records::engine_record(&engine.state);
        held.version = held_version;
        engine.last_engine = Some(held);
        Ok(engine)
    }

    /// The records written or removed since the last call, for a host that persists one row
    /// per record instead of the whole state: the engine record first when it changed, then by
    /// kind and id. Call it after every accepted input and write the rows before performing the
    /// outputs. The cost is that of what changed, never of the whole state; the same inputs give
    /// the same change sets on every host.
    ///
    /// The first call (on an engine made by [`Engine::new`] or restored from a snapshot) lists
    /// every record, so an empty table plus every change set since is the whole state; only then
    /// does the engine start marking writes, so a host that never asks pays nothing for it.
    /// After [`Engine::restore_records`] the first call lists only what changed.
    ///
    /// # Example
    /// ```
    /// use handoff_core::wire::changes::RecordKind;
    /// use handoff_core::{Config, Engine};
    ///
    /// let mut engine = Engine::new(Config::from_json_str(r#"{"handoff": {}}"#)?);
    /// engine.handle_json(r#"{"type":"agent_update","agent":{"id":"a1","status":"online"}}"#, 1_768_213_800_000)?;
    /// let changes = engine.take_changes();
    /// let kinds: Vec<_> = changes.iter().map(|c| (c.kind, c.id.as_str())).collect();
    /// assert_eq!(kinds, [(RecordKind::Engine, "engine"), (RecordKind::Agent, "a1")]);
    /// assert!(engine.take_changes().is_empty(), "nothing changed since");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn take_changes(&mut self) -> Vec<Change> {
        if self.last_engine.is_none() {
            records::track(&mut self.state, true);
            self.last_engine = Some(records::engine_record(&self.state));
            return records::all_records(&self.state);
        }
        records::take_changes(&mut self.state, &mut self.last_engine)
    }

    /// Every record of the state, the engine record first: to move a whole snapshot into a
    /// record store once (an old host's data), or to compare stores in tests.
    pub fn records(&self) -> Vec<Change> {
        records::all_records(&self.state)
    }

    /// [`Engine::restore`] from the JSON a host persisted (`serde_json::to_string(engine.state())`).
    ///
    /// # Errors
    /// As [`Engine::restore`]; a snapshot that is not JSON or not shaped like the state is
    /// a [`RestoreError`] with the path (`state.conversations.conv_1.status`).
    ///
    /// # Example
    /// ```
    /// use handoff_core::{Config, Engine, ErrorKind};
    ///
    /// let config = Config::from_json_str(r#"{"handoff": {}}"#)?;
    /// let mut engine = Engine::new(config.clone());
    /// engine.handle_json(r#"{"type":"customer_message","conversation_id":"c1","text":"hi"}"#, 1_768_213_800_000)?;
    /// let snapshot = serde_json::to_string(engine.state())?;
    /// let restored = Engine::restore_json(config.clone(), &snapshot)?;
    /// assert_eq!(restored.state(), engine.state());
    ///
    /// let refused = Engine::restore_json(config, "{not json").unwrap_err();
    /// assert_eq!((refused.path.as_str(), refused.kind), ("state", ErrorKind::NotJson));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn restore_json(config: Config, snapshot: &str) -> Result<Engine, RestoreError> {
        // Straight to the typed state when it parses and is of this version: the JSON tree the
        // checked path below builds first takes several times the snapshot's size in memory (a
        // 72 MB snapshot did not fit in a 512 MiB wasm instance). Anything else (refused, or of
        // another version) goes the checked way, which names the path.
        #[cfg(feature = "direct-restore")]
        if let Ok(state) = crate::wire::limits::from_engine_json::<State>(snapshot) {
            if state.version == STATE_VERSION {
                return Engine::restore(config, state);
            }
        }
        let value: Value =
            crate::wire::limits::from_engine_json(snapshot).map_err(|e| match e {
                crate::wire::limits::EngineJsonError::Json(e) => RestoreError::malformed(
                    ErrorKind::NotJson,
                    "state",
                    format!("not valid JSON: {e}"),
                ),
                too_deep => {
                    RestoreError::malformed(ErrorKind::TooLarge, "state", too_deep.to_string())
                }
            })?;
        Engine::restore_value(config, value)
    }

    /// [`Engine::restore`] from a JSON value.
    ///
    /// # Errors
    /// As [`Engine::restore_json`].
    ///
    /// # Example
    /// ```
    /// use handoff_core::{Config, Engine, ErrorKind};
    ///
    /// let config = Config::from_json_str(r#"{"handoff": {}}"#)?;
    /// let state = serde_json::to_value(Engine::new(config.clone()).state())?;
    /// assert!(Engine::restore_value(config.clone(), state).is_ok());
    ///
    /// let refused = Engine::restore_value(config, serde_json::json!({"conversations": {}})).unwrap_err();
    /// assert_eq!((refused.path.as_str(), refused.kind), ("state.version", ErrorKind::Missing));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn restore_value(config: Config, value: Value) -> Result<Engine, RestoreError> {
        let version = match value.get("version") {
            Some(v) => v
                .as_u64()
                .and_then(|v| u32::try_from(v).ok())
                .ok_or_else(|| {
                    RestoreError::malformed(
                        ErrorKind::WrongType,
                        "state.version",
                        format!("expected a whole number, found {v}"),
                    )
                })?,
            None => {
                return Err(RestoreError::malformed(
                    ErrorKind::Missing,
                    "state.version",
                    "missing field \"version\"",
                ))
            }
        };
        check_version(version)?;
        let state: State = records::deserialize_at(value, "state")?;
        Engine::restore(config, state)
    }

    /// Handles one input at `now` (epoch ms) and returns what the host must do, in order.
    ///
    /// Time never goes backwards: a `now` earlier than one seen before is taken as the latest seen.
    ///
    /// # Errors
    /// An [`InputError`] with the JSON path when the input is not acceptable (a value out of range,
    /// an unknown conversation or delivery, an agent acting on a conversation that is not theirs).
    /// The state is then exactly as it was.
    ///
    /// # Example
    /// ```
    /// use handoff_core::{Config, Engine, ErrorKind, Input, Output};
    ///
    /// let mut engine = Engine::new(Config::from_json_str(r#"{"handoff": {}}"#)?);
    /// let input = Input::from_json_str(r#"{"type":"customer_message","conversation_id":"c1","text":"hello"}"#)?;
    /// let outputs = engine.handle(input, 1_768_213_800_000)?;
    /// assert!(!outputs.iter().any(|o| matches!(o, Output::Handoff { .. })));
    ///
    /// // An agent accepting a conversation that was never offered: refused, state unchanged.
    /// let before = engine.state().clone();
    /// let accept = Input::from_json_str(r#"{"type":"agent_accept","conversation_id":"c1","agent_id":"a1"}"#)?;
    /// let refused = engine.handle(accept, 1_768_213_801_000).unwrap_err();
    /// assert_eq!(refused.kind, ErrorKind::NotOfferedTo);
    /// assert_eq!(engine.state(), &before);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn handle(&mut self, input: Input, now: i64) -> Result<Vec<Output>, InputError> {
        Ok(self.apply(input, now, false)?.0)
    }

    /// [`Engine::handle`], with the record of what the triggers saw and decided on the line (for
    /// `explain`): the same decisions, recorded where they are made.
    pub(crate) fn handle_traced(
        &mut self,
        input: Input,
        now: i64,
    ) -> Result<(Vec<Output>, LineTrace), InputError> {
        let (outputs, trace) = self.apply(input, now, true)?;
        Ok((outputs, trace.unwrap_or_default()))
    }

    fn apply(
        &mut self,
        input: Input,
        now: i64,
        record: bool,
    ) -> Result<(Vec<Output>, Option<LineTrace>), InputError> {
        if !(MIN_TIME..=MAX_TIME).contains(&now) {
            let hint = if (0..MIN_TIME).contains(&now) {
                " (this is before 2000: is the clock in seconds?)"
            } else {
                ""
            };
            return Err(InputError::with_value(
                ErrorKind::OutOfRange,
                "now",
                format!("expected epoch milliseconds from 2000-01-01 to the end of 9999{hint}"),
                &Value::from(now),
            ));
        }
        crate::check::check(&self.config, &self.state, &self.index, &input)?;
        let before = self.state.now;
        let now = now.max(before);
        self.state.now = now;
        self.index.queue.advance(now);
        let mut flow = Flow::new(&self.config, &mut self.state, &mut self.index, before, now);
        if record {
            flow.start_trace();
        }
        flow.apply(input);
        let trace = flow.take_trace();
        Ok((flow.into_outputs(), trace))
    }

    /// [`Engine::handle`] for an input given as JSON text.
    ///
    /// # Errors
    /// As [`Engine::handle`], and when the text is not a valid input.
    ///
    /// # Example
    /// ```
    /// use handoff_core::{Config, Engine, ErrorKind};
    ///
    /// let mut engine = Engine::new(Config::from_json_str(r#"{"handoff": {}}"#)?);
    /// let now = 1_768_213_800_000;
    /// engine.handle_json(r#"{"type":"customer_message","conversation_id":"c1","text":"hi"}"#, now)?;
    ///
    /// let refused = engine.handle_json(r#"{"type":"customer_mesage"}"#, now).unwrap_err();
    /// assert_eq!((refused.path.as_str(), refused.kind), ("input.type", ErrorKind::UnknownVariant));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn handle_json(&mut self, input: &str, now: i64) -> Result<Vec<Output>, InputError> {
        let input = Input::from_json_str(input)?;
        self.handle(input, now)
    }

    /// The whole state, for the host to persist.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// When the host must send [`Input::Tick`] next (epoch ms), if anything is waiting on time.
    pub fn next_wakeup(&self) -> Option<i64> {
        let mut wake = crate::outbox::next_wakeup(&self.state);
        let mut consider = |t: Option<i64>| {
            if let Some(t) = t {
                wake = Some(wake.map_or(t, |w| w.min(t)));
            }
        };
        // An offer lapses, a scheduled callback is due, or a resolved conversation's wrap-up or
        // reopen window ends.
        consider(self.index.timers.first());
        // A queued conversation's skill wait ends, or an agent who declined it may be offered it
        // again after the cooldown.
        consider(self.index.queue.next_deadline_after(self.state.now));
        wake
    }

    /// Whether the routing indexes kept in step with the state equal indexes built from it anew
    /// (they always should; for property tests).
    #[doc(hidden)]
    pub fn indexes_match_state(&self) -> bool {
        self.index == Index::build(&self.config, &self.state)
    }

    /// Answers a [`Query`](crate::query::Query) as JSON text, from the state's maps and the
    /// routing indexes: the cost grows with the answer, not with the state.
    pub fn query(&self, query: &crate::query::Query) -> String {
        crate::query::answer(&self.state, &self.index, query)
    }

    /// [`Engine::query`] for a query given as JSON text (`{"query":"queue","limit":50}`).
    ///
    /// # Errors
    /// An [`InputError`] naming the path (`query.limit`) when the text is not a known query.
    ///
    /// # Example
    /// ```
    /// use handoff_core::{Config, Engine, ErrorKind};
    ///
    /// let engine = Engine::new(Config::from_json_str(r#"{"handoff": {}}"#)?);
    /// let answer: serde_json::Value = serde_json::from_str(&engine.query_json(r#"{"query":"queue"}"#)?)?;
    /// assert!(answer.is_object());
    ///
    /// let refused = engine.query_json(r#"{"query":"queue","limit":-1}"#).unwrap_err();
    /// assert_eq!(refused.path, "query.limit");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn query_json(&self, query: &str) -> Result<String, InputError> {
        Ok(self.query(&crate::query::Query::from_json_str(query)?))
    }

    /// Counts for metrics (queue length, open conversations, agents online, outbox, dead letters).
    pub fn gauges(&self) -> crate::query::Gauges {
        crate::query::gauges(&self.state, &self.index)
    }

    /// Whether `agent_id` may act on `conversation_id` holding `needs`.
    ///
    /// # Errors
    /// The reason, when the conversation is not offered or assigned to that agent as needed.
    ///
    /// # Example
    /// ```
    /// use handoff_core::{Config, Engine};
    /// use handoff_core::query::Holding;
    ///
    /// let config = r#"{"handoff": {"routing": {"auto_accept": true}}}"#;
    /// let mut engine = Engine::new(Config::from_json_str(config)?);
    /// let now = 1_768_213_800_000;
    /// engine.handle_json(r#"{"type":"agent_update","agent":{"id":"a1","status":"online"}}"#, now)?;
    /// engine.handle_json(r#"{"type":"handoff_request","conversation_id":"c1"}"#, now)?;
    /// assert!(engine.may_act("a1", "c1", Holding::Assigned).is_ok());
    /// assert!(engine.may_act("a2", "c1", Holding::Assigned).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn may_act(
        &self,
        agent_id: &str,
        conversation_id: &str,
        needs: crate::query::Holding,
    ) -> Result<(), String> {
        crate::query::may_act(
            self.state.conversations.get(conversation_id),
            conversation_id,
            agent_id,
            needs,
        )
    }

    /// Business hours at `at_ms`: open or closed and the next changes; `None` when the
    /// configuration has no business hours (always open).
    pub fn hours(&self, at_ms: i64) -> Option<HoursStatus> {
        self.config.business_hours.as_ref().map(|h| h.status(at_ms))
    }

    /// Queue positions (1-based) in order: `(conversation_id, position)`.
    pub fn queue(&self) -> impl Iterator<Item = (&str, u32)> {
        self.state
            .queue
            .iter()
            .enumerate()
            .map(|(i, k)| (k.conversation_id.as_str(), i as u32 + 1))
    }
}

fn check_version(version: u32) -> Result<(), RestoreError> {
    if version > STATE_VERSION {
        return Err(RestoreError::newer_version(version, STATE_VERSION));
    }
    if version < 1 {
        return Err(RestoreError::malformed(
            ErrorKind::OutOfRange,
            "state.version",
            format!(
                "version {version} is not a state version this engine knows (1..={STATE_VERSION})"
            ),
        ));
    }
    Ok(())
}

/// Every instant in the state, with its path.
fn times(state: &State) -> Vec<(String, i64)> {
    let mut out = vec![("state.now".to_string(), state.now)];
    for (id, c) in &state.conversations {
        let p = format!("state.conversations.{id}");
        out.extend(c.handoff_at.map(|t| (format!("{p}.handoff_at"), t)));
        out.extend(c.deferred_until.map(|t| (format!("{p}.deferred_until"), t)));
        out.extend(
            c.queue_key
                .as_ref()
                .map(|k| (format!("{p}.queue_key.since"), k.since)),
        );
        match &c.status {
            Status::Offered { expires_at, .. } => {
                out.push((format!("{p}.expires_at"), *expires_at))
            }
            Status::Assigned { since, .. } => out.push((format!("{p}.since"), *since)),
            Status::CallbackScheduled { at } => out.push((format!("{p}.at"), *at)),
            Status::Resolved {
                resolved_at,
                reopen_until,
                wrap_up_until,
                ..
            } => {
                out.push((format!("{p}.resolved_at"), *resolved_at));
                out.push((format!("{p}.reopen_until"), *reopen_until));
                out.extend(wrap_up_until.map(|t| (format!("{p}.wrap_up_until"), t)));
            }
            _ => {}
        }
        for (i, h) in c.history.iter().enumerate() {
            out.push((format!("{p}.history[{i}].at"), h.at));
        }
        for (agent, until) in &c.declined_by {
            out.push((format!("{p}.declined_by.{agent}"), *until));
        }
        if let Some(t) = &c.transfer {
            out.push((format!("{p}.transfer.at"), t.at));
            if let Some(offer) = &t.offer {
                out.push((format!("{p}.transfer.offer.expires_at"), offer.expires_at));
            }
        }
    }
    for (id, a) in &state.agents {
        out.push((
            format!("state.agents.{id}.last_assigned_at"),
            a.last_assigned_at,
        ));
    }
    for key in &state.queue {
        out.push(("state.queue".to_string(), key.since));
    }
    for (id, e) in &state.outbox {
        let t = match e.state {
            crate::wire::state::DeliveryState::InFlight { since } => since,
            crate::wire::state::DeliveryState::Waiting { at } => at,
        };
        out.push((format!("state.outbox.{id}"), t));
    }
    for (id, d) in &state.dead_letters {
        out.push((format!("state.dead_letters.{id}.at"), d.at));
    }
    out
}

fn check_consistent(state: &State) -> Result<(), RestoreError> {
    let bad = |path: String, message: String| Err(RestoreError::inconsistent(path, message));
    // Deadlines may lie a little past the last input (an offer timeout, a retry in 24 h), never
    // past the end of the accepted range plus a day.
    for (path, t) in times(state) {
        if !(0..=MAX_TIME + 2 * 86_400_000).contains(&t) {
            return bad(path, format!("time {t} is outside 1970..9999"));
        }
    }
    if state.now > MAX_TIME {
        return bad(
            "state.now".into(),
            format!("time {} is outside 1970..9999", state.now),
        );
    }
    for key in &state.queue {
        match state.conversations.get(&key.conversation_id) {
            Some(c) if c.status == Status::Queued => {}
            _ => {
                return bad(
                    "state.queue".into(),
                    format!(
                        "{} is queued but is not a queued conversation",
                        key.conversation_id
                    ),
                )
            }
        }
    }
    for (id, conv) in &state.conversations {
        if &conv.id != id {
            return bad(
                format!("state.conversations.{id}.id"),
                format!("id {} differs from its key", conv.id),
            );
        }
        if conv.status == Status::Queued
            && !conv
                .queue_key
                .as_ref()
                .is_some_and(|k| state.queue.contains(k))
        {
            return bad(
                format!("state.conversations.{id}"),
                "queued but missing from state.queue".into(),
            );
        }
        if let Some(agent) = conv.agent() {
            if !state
                .agents
                .get(agent)
                .is_some_and(|a| a.active.contains(id))
            {
                return bad(
                    format!("state.conversations.{id}"),
                    format!("held by agent {agent}, who does not list it as active"),
                );
            }
        }
        if let Some(agent) = conv.wrap_up_agent() {
            if !state
                .agents
                .get(agent)
                .is_some_and(|a| a.active.contains(id))
            {
                return bad(
                    format!("state.conversations.{id}.wrap_up_until"),
                    format!("in the wrap-up of agent {agent}, who does not list it as active"),
                );
            }
        }
        if let Some(transfer) = &conv.transfer {
            if let Some(offer) = &transfer.offer {
                let warm_ok = matches!(&conv.status, Status::Assigned { agent_id, .. } if *agent_id != offer.agent_id)
                    && state
                        .agents
                        .get(&offer.agent_id)
                        .is_some_and(|a| a.active.contains(id));
                if !warm_ok {
                    return bad(
                        format!("state.conversations.{id}.transfer.offer"),
                        format!(
                            "a warm transfer to {} needs an assigned conversation that agent lists as active",
                            offer.agent_id
                        ),
                    );
                }
            }
        }
    }
    for (id, agent) in &state.agents {
        for conv in &agent.active {
            if state
                .conversations
                .get(conv)
                .is_none_or(|c| !c.occupies(id))
            {
                return bad(
                    format!("state.agents.{id}.active"),
                    format!(
                        "{conv} is not offered, assigned, warm-transferred to {id} or in their wrap-up"
                    ),
                );
            }
        }
    }
    Ok(())
}
