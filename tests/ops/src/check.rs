//! The invariants, each a function that returns a [`Violation`] when it does not hold.
//!
//! The property tests check them one proptest each (so a failure names the property);
//! [`Invariants::check_step`] checks them all after one step, which is what the fuzz target
//! `engine_ops` does through [`check_scenario`].
//!
//! - [`capacity`]: capacity may be lowered by an `agent_update` while the agent holds
//!   conversations, so "never above capacity" is not an invariant of the state. What holds, and
//!   is checked precisely, is that *no new conversation is given to an agent at or above
//!   capacity*: the outputs of each input are replayed in order against the agent's `active` set
//!   from before the input (`offer_withdrawn` and `closed` remove; `offered`, and `assigned` for a
//!   conversation the agent did not already hold, add), and at every addition the agent must be
//!   online and hold fewer than its capacity. Capacity is the presence `max_concurrent`, else the
//!   configured one, as after the input (an `agent_update` is applied before anything is routed).
//!   Presence is replayed too: as the input leaves it, then changed by `agent_status` outputs (an
//!   agent who lets an offer lapse is set away mid-input). The replay must end exactly at the
//!   state's `active` sets and presences (nothing changes without an output), and `active` must
//!   agree with the conversations' statuses ([`active_consistent`]). As a consequence an agent
//!   above capacity never gains a conversation.
//! - [`who_answers`]: the AI is silent while a person holds or is offered the conversation;
//!   agents' lines and hand-backs come from the holder, the customer's lines go to the agent who
//!   had the conversation, a hand-back leaves it with the AI, a warm transfer only beside another
//!   agent's assignment; `agent_left` and `returned_to_ai` free the agent's slot in [`capacity`].
//!   Through resolving and reopening: only the holder's conversation is resolved (`resolved`
//!   frees the slot unless `wrap_up_started` keeps it, `wrap_up_ended` frees it), wrap-ups and
//!   ratings name the agent who resolved it, a reopening names that agent and, to
//!   `last_agent`, offers or assigns it to them in the same input, and the message that reopened
//!   it goes to whoever it was routed to.
//! - [`queue`]: after every input, `engine.queue()` positions are exactly `1..=n`, every
//!   conversation appears once, the queued ones are exactly the conversations whose status is
//!   `queued`, each of them was told a position (a `queued` output, whose position is within
//!   `1..=queue_length`), the last one is its `told_position`, and for those at positions up to
//!   `routing.announce_positions_up_to` it is their current position.
//! - [`indexes`]: after every input, the engine's routing indexes equal indexes built anew from
//!   its state.
//! - determinism and restore ([`restores`], [`check_scenario`], the proptests
//!   `same_inputs_same_outputs` and `restore_continues_exactly`): the same sequence on two fresh
//!   engines gives byte-identical output JSON; at every step the persisted state restores, and
//!   an engine restored at a cut point continues with exactly the outputs of the uninterrupted
//!   run, ending in the same state.
//! - [`restorable_and_readable`]: every accepted input (adversarial attributes included) leaves
//!   a state that serialises, restores to the same state, and answers every query (each
//!   conversation as the state holds it, its holder, who may act on it, the gauges, the queue
//!   page by page, the agents, the dead letters, the resolutions); its outputs parse back as the engine's own
//!   JSON.
//! - [`refused`]: when `handle` answers `Err`, the state is unchanged, the error's path is `now`
//!   or starts with `input`, and it has a message.
//! - [`Deliveries`]: every delivery id ever emitted (`delivery`, or `delivery_failed` for a
//!   disabled webhook) is at the end delivered, in the outbox, or a dead letter; none is in two
//!   of those places, none is delivered twice, and nothing is in the outbox or dead letters that
//!   was never emitted.
//! - [`wakeup`]: `next_wakeup()`, when some, is no earlier than the earliest `now` ever passed
//!   to the engine and no later than 8 days after the engine's `now`; ticking at it succeeds,
//!   after that tick the next wakeup is strictly later than the engine's `now`, and a second tick
//!   at the same time outputs nothing.
//! - [`early_tick`]: when `next_wakeup()` is none or later than the engine's `now`, a tick
//!   outputs nothing (regressions: `skill_wait_deadline_survives_an_input_at_the_deadline` and
//!   `decline_cooldown_survives_an_input_at_its_end` in `core/tests/regressions.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use handoff_core::query::{Gauges, Holding, Query};
use handoff_core::wire::changes::{apply_changes, RecordKind};
use handoff_core::wire::limits::from_engine_json;
use handoff_core::wire::state::{Presence, State, Status};
use handoff_core::{Config, Engine, Input, InputError, Output};
use serde_json::Value;

use crate::sim::{run, run_restored_at, state_json, Record, Scenario, Sim};
use crate::{DAY_MS, MAX_SCENARIO_STEPS, START};

/// An invariant that does not hold: what was seen, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation(pub String);

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Also what makes `?` turn a violation into a proptest failure (proptest converts any error).
impl std::error::Error for Violation {}

/// Returns a [`Violation`] with the message unless `cond` holds.
macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(Violation(format!($($msg)+)));
        }
    };
}

/// Returns a [`Violation`] with the message and both values unless they are equal.
macro_rules! ensure_eq {
    ($left:expr, $right:expr, $($msg:tt)+) => {
        match (&$left, &$right) {
            (left, right) => {
                if left != right {
                    return Err(Violation(format!(
                        "{}\n  left: {:?}\n right: {:?}",
                        format_args!($($msg)+),
                        left,
                        right
                    )));
                }
            }
        }
    };
}

/// Parses a query's answer as the engine's own JSON.
fn answer<T: serde::de::DeserializeOwned>(query: &str, text: &str) -> Result<T, Violation> {
    from_engine_json(text)
        .map_err(|e| Violation(format!("the answer to {query} does not parse: {e}")))
}

/// The agent's capacity: its presence's `max_concurrent`, else the configured one.
fn capacity_of(config: &Config, state: &State, agent: &str) -> u32 {
    state
        .agents
        .get(agent)
        .and_then(|a| a.max_concurrent)
        .unwrap_or_else(|| config.capacity_of(agent))
}

/// `active` agrees with the conversations' statuses, both ways.
pub fn active_consistent(state: &State) -> Result<(), Violation> {
    for (id, conv) in &state.conversations {
        if let Some(agent) = conv.agent().or(conv.wrap_up_agent()) {
            ensure!(
                state
                    .agents
                    .get(agent)
                    .is_some_and(|a| a.active.contains(id)),
                "{id} is held by {agent}, who does not list it as active"
            );
        }
    }
    for (id, agent) in &state.agents {
        for conv in &agent.active {
            ensure!(
                state
                    .conversations
                    .get(conv)
                    .is_some_and(|c| c.occupies(id)),
                "{id} lists {conv} as active but does not hold it, nor is offered it"
            );
        }
    }
    Ok(())
}

/// Each agent's presence as the input itself leaves it (an `agent_update` is applied before
/// anything is routed): the starting point of the replay in [`capacity`].
fn presence_at_start(record: &Record) -> BTreeMap<String, Presence> {
    let mut presence: BTreeMap<String, Presence> = record
        .before
        .agents
        .iter()
        .map(|(id, a)| (id.clone(), a.status))
        .collect();
    if let (Input::AgentUpdate(u), Ok(_)) = (&record.input, &record.result) {
        let p = presence.entry(u.agent.id.clone()).or_default();
        if let Some(status) = u.agent.status {
            *p = status;
        }
    }
    presence
}

/// No new conversation goes to an agent at or above capacity, or not online; the outputs account
/// for every change of `active` and presence (see the [module documentation](self)).
///
/// # Errors
///
/// The first output that breaks it, or the first agent the outputs do not account for.
pub fn capacity(config: &Config, record: &Record, after: &State) -> Result<(), Violation> {
    let mut held: BTreeMap<String, BTreeSet<String>> = record
        .before
        .agents
        .iter()
        .map(|(id, a)| (id.clone(), a.active.clone()))
        .collect();
    let mut presence = presence_at_start(record);
    for output in record.outputs() {
        match output {
            Output::AgentStatus {
                agent_id, status, ..
            } => {
                presence.insert(agent_id.clone(), *status);
            }
            Output::OfferWithdrawn {
                conversation_id,
                agent_id,
                ..
            } => {
                let removed = held
                    .get_mut(agent_id)
                    .is_some_and(|s| s.remove(conversation_id));
                ensure!(
                    removed,
                    "offer of {conversation_id} withdrawn from {agent_id}, who did not hold it"
                );
            }
            // A resolved conversation's agent let go when it was resolved (or when its wrap-up
            // ended, `wrap_up_ended` before this); only an assigned one is let go now.
            Output::Closed {
                conversation_id,
                agent_id: Some(agent_id),
                ..
            } if record
                .before
                .conversations
                .get(conversation_id)
                .is_some_and(|c| matches!(c.status, Status::Resolved { .. })) =>
            {
                let still = held
                    .get(agent_id)
                    .is_some_and(|s| s.contains(conversation_id));
                ensure!(
                    !still,
                    "resolved {conversation_id} closed while {agent_id} still counts it"
                );
            }
            // A wrap-up keeps the slot the conversation had: no new conversation for the agent.
            Output::WrapUpStarted {
                conversation_id,
                agent_id,
                ..
            } => {
                let set = held.entry(agent_id.clone()).or_default();
                ensure!(
                    set.insert(conversation_id.clone()),
                    "{conversation_id}: a wrap-up for {agent_id}, who still held it"
                );
            }
            Output::Closed {
                conversation_id,
                agent_id: Some(agent_id),
                ..
            }
            | Output::Resolved {
                conversation_id,
                agent_id,
                ..
            }
            | Output::WrapUpEnded {
                conversation_id,
                agent_id,
                ..
            }
            | Output::AgentLeft {
                conversation_id,
                agent_id,
                ..
            }
            | Output::ReturnedToAi {
                conversation_id,
                agent_id,
                ..
            } => {
                let removed = held
                    .get_mut(agent_id)
                    .is_some_and(|s| s.remove(conversation_id));
                ensure!(
                    removed,
                    "{conversation_id} closed, resolved, wrapped up, transferred or returned to the AI from {agent_id}, who did not hold it"
                );
            }
            Output::Offered {
                conversation_id,
                agent_id,
                ..
            }
            | Output::Assigned {
                conversation_id,
                agent_id,
                ..
            } => {
                let set = held.entry(agent_id.clone()).or_default();
                if set.contains(conversation_id) {
                    // An accept: the agent already held the offer.
                    ensure!(
                        matches!(output, Output::Assigned { .. }),
                        "{conversation_id} offered again to {agent_id}, who already holds it"
                    );
                    continue;
                }
                let cap = capacity_of(config, after, agent_id);
                ensure_eq!(
                    presence.get(agent_id).copied(),
                    Some(Presence::Online),
                    "{conversation_id} given to {agent_id}, who is not online"
                );
                ensure!(
                    (set.len() as u64) < u64::from(cap),
                    "{conversation_id} given to {agent_id}, who already held {} of {cap}: {set:?}",
                    set.len()
                );
                set.insert(conversation_id.clone());
            }
            _ => {}
        }
    }
    for (id, agent) in &after.agents {
        ensure_eq!(
            held.remove(id).unwrap_or_default(),
            agent.active,
            "the outputs do not account for {id}'s active conversations"
        );
        ensure_eq!(
            presence.remove(id),
            Some(agent.status),
            "the outputs do not account for {id}'s presence"
        );
    }
    for (id, rest) in held {
        ensure!(rest.is_empty(), "unknown agent {id} holds {rest:?}");
    }
    active_consistent(after)
}

/// Who answers the customer is always clear and consistent: an accepted `ai_reply` was for a
/// conversation no agent held or was offered; `agent_message`, `agent_note` and `returned_to_ai`
/// come from the agent who held the conversation; a `customer_message` goes to the agent who
/// held or was offered it (nobody while queued); after `returned_to_ai` the AI has the
/// conversation; a warm transfer's offer exists only beside an assignment to another agent.
///
/// # Errors
///
/// The first output or conversation that breaks it.
pub fn who_answers(record: &Record, after: &State) -> Result<(), Violation> {
    let before = |id: &str| record.before.conversations.get(id);
    if let (Input::AiReply(m), Ok(_)) = (&record.input, &record.result) {
        let held = before(&m.conversation_id)
            .is_some_and(|c| matches!(c.status, Status::Offered { .. } | Status::Assigned { .. }));
        ensure!(
            !held,
            "ai_reply accepted while a person has {}",
            m.conversation_id
        );
    }
    let holder = |id: &str| match before(id).map(|c| &c.status) {
        Some(Status::Assigned { agent_id, .. }) => Some(agent_id.as_str()),
        _ => None,
    };
    let resolver = |id: &str| match before(id).map(|c| &c.status) {
        Some(Status::Resolved { agent_id, .. }) => Some(agent_id.as_str()),
        _ => None,
    };
    for output in record.outputs() {
        match output {
            Output::AgentMessage {
                conversation_id,
                agent_id,
                ..
            }
            | Output::AgentNote {
                conversation_id,
                agent_id,
                ..
            } => ensure_eq!(
                holder(conversation_id),
                Some(agent_id.as_str()),
                "{conversation_id}: an agent line from an agent who does not hold it"
            ),
            Output::ReturnedToAi {
                conversation_id,
                agent_id,
                ..
            } => {
                ensure_eq!(
                    holder(conversation_id),
                    Some(agent_id.as_str()),
                    "{conversation_id} returned to the AI by an agent who did not hold it"
                );
                ensure_eq!(
                    after.conversations.get(conversation_id).map(|c| &c.status),
                    Some(&Status::Ai),
                    "{conversation_id} returned to the AI but the AI does not have it"
                );
            }
            Output::CustomerMessage {
                conversation_id,
                agent_id,
                ..
            } => {
                // A warm transfer's target reads along: it gets the message too, in its own
                // output, beside the one for the agent who holds it.
                let warm_target = before(conversation_id).and_then(|c| c.warm_target());
                if warm_target.is_some() && warm_target == agent_id.as_deref() {
                    continue;
                }
                // The message that reopened a resolved conversation goes to whom it was routed.
                let had = match before(conversation_id) {
                    Some(c) if matches!(c.status, Status::Resolved { .. }) => after
                        .conversations
                        .get(conversation_id)
                        .and_then(|c| c.agent()),
                    c => c.and_then(|c| c.agent()),
                };
                ensure_eq!(
                    had,
                    agent_id.as_deref(),
                    "{conversation_id}: the customer's message went to another agent than the one who had it"
                )
            }
            Output::Resolved {
                conversation_id,
                agent_id,
                ..
            } => {
                ensure_eq!(
                    holder(conversation_id),
                    Some(agent_id.as_str()),
                    "{conversation_id} resolved for an agent who did not hold it"
                );
                ensure!(
                    after
                        .conversations
                        .get(conversation_id)
                        .is_some_and(|c| matches!(c.status, Status::Resolved { .. })),
                    "{conversation_id} resolved but not resolved after"
                );
            }
            Output::Reopened {
                conversation_id,
                to,
                from_agent_id,
                agent_id,
                ..
            } => {
                let was = resolver(conversation_id);
                ensure_eq!(
                    was,
                    Some(from_agent_id.as_str()),
                    "{conversation_id} reopened but it was not resolved by {from_agent_id}"
                );
                if to == "last_agent" {
                    ensure_eq!(
                        agent_id.as_deref(),
                        Some(from_agent_id.as_str()),
                        "{conversation_id} reopened to the last agent but given to another"
                    );
                    let given = record.outputs().iter().any(|o| {
                        matches!(o, Output::Offered { conversation_id: c, agent_id: a, .. }
                            | Output::Assigned { conversation_id: c, agent_id: a, .. }
                            if c == conversation_id && a == from_agent_id)
                    });
                    ensure!(
                        given,
                        "{conversation_id} reopened to {from_agent_id}, who was not offered it"
                    );
                } else {
                    ensure!(
                        agent_id.is_none(),
                        "{conversation_id} reopened to {to} names an agent"
                    );
                }
            }
            Output::WrapUpStarted {
                conversation_id,
                agent_id,
                ..
            }
            | Output::WrapUpEnded {
                conversation_id,
                agent_id,
                ..
            }
            | Output::CsatRecorded {
                conversation_id,
                agent_id,
                ..
            } => {
                let ok = holder(conversation_id) == Some(agent_id.as_str())
                    || resolver(conversation_id) == Some(agent_id.as_str());
                ensure!(
                    ok,
                    "{conversation_id}: a wrap-up or rating for {agent_id}, who neither held nor resolved it"
                );
            }
            _ => {}
        }
    }
    for (id, conv) in &after.conversations {
        if let Some(target) = conv.warm_target() {
            let ok =
                matches!(&conv.status, Status::Assigned { agent_id, .. } if agent_id != target);
            ensure!(
                ok,
                "{id}: a warm transfer to {target} without another agent holding it"
            );
        }
    }
    Ok(())
}

/// Queue positions are `1..=n`, match the statuses, and are what the customers were told (see
/// the [module documentation](self)). `told` is the last `queued` position output for each
/// conversation so far; this adds the record's.
///
/// # Errors
///
/// The first position or conversation that breaks it.
pub fn queue(
    engine: &Engine,
    record: &Record,
    told: &mut BTreeMap<String, u32>,
) -> Result<(), Violation> {
    for output in record.outputs() {
        if let Output::Queued {
            conversation_id,
            position,
            queue_length,
            ..
        } = output
        {
            ensure!(
                *position >= 1 && position <= queue_length,
                "{conversation_id} told position {position} of {queue_length}"
            );
            told.insert(conversation_id.clone(), *position);
        }
    }
    let queue: Vec<(String, u32)> = engine.queue().map(|(c, p)| (c.to_string(), p)).collect();
    let positions: Vec<u32> = queue.iter().map(|(_, p)| *p).collect();
    let expected: Vec<u32> = (1..=queue.len() as u32).collect();
    ensure_eq!(positions, expected, "queue positions");
    let ids: BTreeSet<&str> = queue.iter().map(|(c, _)| c.as_str()).collect();
    ensure_eq!(ids.len(), queue.len(), "a conversation is queued twice");
    let queued: BTreeSet<&str> = engine
        .state()
        .conversations
        .values()
        .filter(|c| c.status == Status::Queued)
        .map(|c| c.id.as_str())
        .collect();
    ensure_eq!(
        ids,
        queued,
        "the queue and the conversations with status queued differ"
    );
    let up_to = engine.config().routing.announce_positions_up_to;
    for (conv, position) in &queue {
        // Everyone was told a position on joining; the queue moving is announced only up to
        // `announce_positions_up_to`.
        ensure!(
            told.contains_key(conv),
            "{conv} is queued but was never told its position"
        );
        if *position <= up_to {
            ensure_eq!(
                told.get(conv),
                Some(position),
                "{conv} is at position {position} but was last told otherwise"
            );
        }
        ensure_eq!(
            engine.state().conversations[conv].told_position.as_ref(),
            told.get(conv),
            "{conv}'s told_position is not the position it was last told"
        );
    }
    Ok(())
}

/// The routing indexes the engine keeps input by input equal indexes built anew from its state.
///
/// # Errors
///
/// When they differ.
pub fn indexes(engine: &Engine, record: &Record) -> Result<(), Violation> {
    ensure!(
        engine.indexes_match_state(),
        "after {:?} the indexes differ from those built from the state",
        record.input
    );
    Ok(())
}

/// The persisted state restores to the same state (the same JSON, and equal); returns the
/// restored engine.
///
/// # Errors
///
/// When it does not restore, or restores to another state.
pub fn restores(engine: &Engine) -> Result<Engine, Violation> {
    let json = state_json(engine.state());
    let restored = Engine::restore_json(engine.config().clone(), &json)
        .map_err(|e| Violation(format!("the persisted state does not restore: {e}")))?;
    ensure_eq!(
        state_json(restored.state()),
        json,
        "the restored state persists differently"
    );
    ensure!(
        restored.state() == engine.state(),
        "the restored state differs from the persisted one"
    );
    Ok(restored)
}

/// A host that keeps one row per record ([`Engine::take_changes`]) holds the whole state: after
/// `record`'s change set is applied to `store`, the engine restored from the rows (in key order,
/// as a table returns them) is the engine's state, byte for byte; a refused input changes no
/// record (but a new engine's first change set, which carries the engine record).
///
/// # Errors
///
/// When a refused input has changes, the rows do not restore, or restore to another state.
pub fn records(
    store: &mut BTreeMap<(RecordKind, String), String>,
    engine: &Engine,
    record: &Record,
) -> Result<(), Violation> {
    if record.result.is_err() {
        // A new engine's first change set carries the engine record, whatever the input did.
        let first = !store.contains_key(&(RecordKind::Engine, "engine".to_string()));
        ensure!(
            record
                .changes
                .iter()
                .all(|c| first && c.kind == RecordKind::Engine),
            "a refused input changed records: {:?}",
            record.changes
        );
    }
    apply_changes(store, record.changes.clone());
    let rows = store
        .iter()
        .map(|((kind, id), json)| (*kind, id.as_str(), json.as_str()));
    let restored = Engine::restore_records(engine.config().clone(), rows)
        .map_err(|e| Violation(format!("the records do not restore: {e}")))?;
    ensure_eq!(
        state_json(restored.state()),
        state_json(engine.state()),
        "the state restored from the records"
    );
    Ok(())
}

/// After an accepted input with these `outputs`: the outputs parse back as the engine's own
/// JSON, the state [`restores`], and the restored engine answers every query as the state says.
///
/// # Errors
///
/// The first output, restore or answer that breaks it.
pub fn restorable_and_readable(engine: &Engine, outputs: &[Output]) -> Result<(), Violation> {
    let text = serde_json::to_string(outputs).expect("outputs serialise");
    let back: Vec<Output> = from_engine_json(&text)
        .map_err(|e| Violation(format!("the outputs do not parse back: {e}")))?;
    ensure_eq!(back.len(), outputs.len(), "outputs parsed back");
    let restored = restores(engine)?;
    let state = restored.state();
    for (id, conv) in &state.conversations {
        let query = Query::Conversation {
            conversation_id: id.clone(),
            audience: handoff_core::wire::output::Audience::Operators,
        };
        let value: Value = answer("conversation", &restored.query(&query))?;
        ensure_eq!(
            value,
            serde_json::to_value(conv).expect("a conversation serialises"),
            "the conversation query for {id}"
        );
        let query = Query::Holder {
            conversation_id: id.clone(),
        };
        let holder: Value = answer("holder", &restored.query(&query))?;
        ensure_eq!(
            holder["agent_id"].as_str(),
            conv.agent(),
            "the holder of {id}"
        );
        if let Some(agent) = conv.agent() {
            ensure!(
                restored
                    .may_act(agent, id, Holding::OfferedOrAssigned)
                    .is_ok(),
                "{agent} holds {id} but may not act on it"
            );
        }
        ensure_eq!(
            restored
                .may_act("nobody", id, Holding::OfferedOrAssigned)
                .is_ok(),
            conv.agent() == Some("nobody"),
            "whether `nobody` may act on {id}"
        );
    }
    let gauges: Gauges = answer("gauges", &restored.query(&Query::Gauges {}))?;
    ensure_eq!(
        gauges.queue_length,
        state.queue.len(),
        "gauges: queue_length"
    );
    ensure_eq!(
        gauges.conversations,
        state.conversations.len(),
        "gauges: conversations"
    );
    ensure_eq!(gauges.outbox, state.outbox.len(), "gauges: outbox");
    ensure_eq!(
        gauges.dead_letters,
        state.dead_letters.len(),
        "gauges: dead_letters"
    );
    ensure_eq!(
        gauges,
        engine.gauges(),
        "the gauges query and Engine::gauges"
    );
    for (offset, limit) in [(1, 3), (0, 1000)] {
        let page: Value = answer("queue", &restored.query(&Query::Queue { offset, limit }))?;
        let want: Vec<&str> = state
            .queue
            .iter()
            .skip(offset)
            .take(limit)
            .map(|k| k.conversation_id.as_str())
            .collect();
        let got: Vec<&str> = page["queue"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e["conversation_id"].as_str())
                    .collect()
            })
            .unwrap_or_default();
        ensure_eq!(got, want, "the queue page at {offset}, {limit}");
        ensure_eq!(
            page["total"].as_u64(),
            Some(state.queue.len() as u64),
            "the queue page's total"
        );
    }
    let page: Value = answer(
        "callbacks",
        &restored.query(&Query::Callbacks {
            offset: 0,
            limit: 1000,
        }),
    )?;
    let mut want: Vec<(i64, &str)> = state
        .conversations
        .values()
        .filter_map(|c| match c.status {
            Status::CallbackScheduled { at } => Some((at, c.id.as_str())),
            _ => None,
        })
        .collect();
    want.sort_unstable();
    want.truncate(1000);
    let got: Vec<(i64, &str)> = page["callbacks"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| Some((e["at"].as_i64()?, e["conversation_id"].as_str()?)))
                .collect()
        })
        .unwrap_or_default();
    ensure_eq!(got, want, "the callbacks page, soonest first");
    let disabled: Value = answer(
        "disabled_webhooks",
        &restored.query(&Query::DisabledWebhooks {}),
    )?;
    let got: Vec<&str> = disabled["disabled_webhooks"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["webhook_id"].as_str()).collect())
        .unwrap_or_default();
    let want: Vec<&str> = state.disabled_webhooks.keys().map(String::as_str).collect();
    ensure_eq!(got, want, "the disabled webhooks");
    for q in [
        r#"{"query":"agents"}"#,
        r#"{"query":"dead_letters","limit":1000}"#,
        r#"{"query":"resolutions"}"#,
    ] {
        let text = restored
            .query_json(q)
            .map_err(|e| Violation(format!("{q} is refused: {e}")))?;
        answer::<Value>(q, &text)?;
    }
    Ok(())
}

/// A refused input left the state as it was `before`, and names `now` or an input path, with a
/// message.
///
/// # Errors
///
/// When the state changed or the error says too little.
pub fn refused(before: &State, engine: &Engine, error: &InputError) -> Result<(), Violation> {
    ensure_eq!(
        state_json(before),
        state_json(engine.state()),
        "the state changed on a refused input ({error})"
    );
    ensure!(before == engine.state(), "the state changed on {error}");
    ensure!(
        error.path == "now" || error.path == "input" || error.path.starts_with("input."),
        "error path {:?} ({error})",
        error.path
    );
    ensure!(
        !error.message.is_empty(),
        "an error without a message at {}",
        error.path
    );
    Ok(())
}

/// Every delivery id emitted so far, and those delivered (see the [module documentation](self)).
#[derive(Debug, Default, Clone)]
pub struct Deliveries {
    emitted: BTreeSet<String>,
    delivered: BTreeSet<String>,
}

impl Deliveries {
    /// Takes in one step's outputs, then checks the outbox and the dead letters of the state
    /// after it.
    ///
    /// # Errors
    ///
    /// A delivery delivered twice or never emitted, or in two places at once.
    pub fn observe(&mut self, record: &Record, state: &State) -> Result<(), Violation> {
        for o in record.outputs() {
            match o {
                Output::Delivery(d) => {
                    self.emitted.insert(d.delivery_id.clone());
                }
                Output::DeliveryFailed { delivery_id, .. } => {
                    self.emitted.insert(delivery_id.clone());
                }
                Output::Delivered { delivery_id, .. } => {
                    ensure!(
                        self.emitted.contains(delivery_id),
                        "{delivery_id} delivered but never emitted"
                    );
                    ensure!(
                        self.delivered.insert(delivery_id.clone()),
                        "{delivery_id} delivered twice"
                    );
                }
                _ => {}
            }
        }
        for id in state.outbox.keys() {
            ensure!(
                !state.dead_letters.contains_key(id),
                "{id} in the outbox and dead letters"
            );
            ensure!(
                !self.delivered.contains(id),
                "{id} delivered but still in the outbox"
            );
            ensure!(
                self.emitted.contains(id),
                "{id} in the outbox but never emitted"
            );
        }
        for id in state.dead_letters.keys() {
            ensure!(
                !self.delivered.contains(id),
                "{id} delivered but a dead letter"
            );
            ensure!(
                self.emitted.contains(id),
                "{id} is a dead letter but never emitted"
            );
        }
        Ok(())
    }

    /// At the end: every delivery emitted is delivered, in the outbox, or a dead letter.
    ///
    /// # Errors
    ///
    /// The first one lost.
    pub fn finish(&self, state: &State) -> Result<(), Violation> {
        for id in &self.emitted {
            ensure!(
                self.delivered.contains(id)
                    || state.outbox.contains_key(id)
                    || state.dead_letters.contains_key(id),
                "delivery {id} was lost"
            );
        }
        Ok(())
    }
}

/// `next_wakeup()` is sane, and ticking at it is harmless (see the [module documentation](self));
/// on a copy of the engine.
///
/// # Errors
///
/// The first of those that does not hold.
pub fn wakeup(sim: &Sim) -> Result<(), Violation> {
    let now = sim.engine.state().now;
    let Some(w) = sim.engine.next_wakeup() else {
        return Ok(());
    };
    ensure!(
        w >= sim.earliest,
        "next_wakeup {w} is before the world began ({})",
        sim.earliest
    );
    ensure!(
        w <= now.saturating_add(8 * DAY_MS),
        "next_wakeup {w} is more than 8 days after now {now}"
    );
    let mut engine = sim.engine.clone();
    let first = engine.handle(Input::Tick, w);
    ensure!(first.is_ok(), "tick at next_wakeup {w}: {:?}", first.err());
    let now2 = engine.state().now;
    if let Some(w2) = engine.next_wakeup() {
        ensure!(
            w2 > now2,
            "after a tick at {now2}, next_wakeup {w2} is not later"
        );
    }
    let second = engine.handle(Input::Tick, now2);
    ensure!(
        second.as_ref().is_ok_and(Vec::is_empty),
        "a second tick at {now2} output {second:?}"
    );
    Ok(())
}

/// A tick when nothing is due (`next_wakeup()` none or later than the engine's `now`) outputs
/// nothing: everything the engine can do without a tick, it has done. On a copy of the engine.
///
/// # Errors
///
/// When that tick outputs something.
pub fn early_tick(sim: &Sim) -> Result<(), Violation> {
    // A new engine's `now` is 0, before any time the engine accepts: start from START then.
    let now = sim.engine.state().now.max(START);
    let wake = sim.engine.next_wakeup();
    if wake.is_none_or(|w| w > now) {
        let early = sim.engine.clone().handle(Input::Tick, now);
        ensure!(
            early.as_ref().is_ok_and(Vec::is_empty),
            "a tick at {now} with nothing due (next_wakeup {wake:?}) output {early:?}"
        );
    }
    Ok(())
}

/// Every invariant at once, with what they remember between steps.
#[derive(Debug, Default, Clone)]
pub struct Invariants {
    /// The last position each conversation was told ([`queue`]).
    told: BTreeMap<String, u32>,
    /// [`Deliveries`].
    deliveries: Deliveries,
    /// Steps checked so far.
    steps: usize,
    /// The records as a host keeping one row per record holds them ([`records`]).
    store: BTreeMap<(RecordKind, String), String>,
}

impl Invariants {
    /// Checks every invariant after the step that made `record`: [`restorable_and_readable`]
    /// or [`refused`], [`capacity`], [`queue`], [`indexes`], [`Deliveries::observe`],
    /// [`wakeup`] and [`early_tick`].
    ///
    /// # Errors
    ///
    /// The first invariant that does not hold, with the step's number, input and `now`.
    pub fn check_step(&mut self, sim: &Sim, record: &Record) -> Result<(), Violation> {
        self.steps += 1;
        self.check_all(sim, record).map_err(|v| {
            Violation(format!(
                "step {} ({:?} at {}): {v}",
                self.steps, record.input, record.now
            ))
        })
    }

    fn check_all(&mut self, sim: &Sim, record: &Record) -> Result<(), Violation> {
        let state = sim.engine.state();
        match &record.result {
            Ok(outputs) => restorable_and_readable(&sim.engine, outputs)?,
            Err(e) => refused(&record.before, &sim.engine, e)?,
        }
        records(&mut self.store, &sim.engine, record)?;
        capacity(&sim.config, record, state)?;
        who_answers(record, state)?;
        queue(&sim.engine, record, &mut self.told)?;
        indexes(&sim.engine, record)?;
        self.deliveries.observe(record, state)?;
        wakeup(sim)?;
        early_tick(sim)
    }

    /// At the end of a run: [`Deliveries::finish`].
    ///
    /// # Errors
    ///
    /// A delivery that was lost.
    pub fn finish(&self, sim: &Sim) -> Result<(), Violation> {
        self.deliveries.finish(sim.engine.state())
    }
}

/// The fuzz target `engine_ops`: runs the scenario's steps (at most
/// [`MAX_SCENARIO_STEPS`]) checking every invariant after each ([`Invariants`]), then again on
/// a fresh engine restored from a snapshot after step `cut`, which must give the same results,
/// byte for byte, and end in the same state (determinism and restore).
///
/// # Errors
///
/// The first invariant that does not hold.
pub fn check_scenario(scenario: &Scenario) -> Result<(), Violation> {
    let steps = &scenario.steps[..scenario.steps.len().min(MAX_SCENARIO_STEPS)];
    let mut invariants = Invariants::default();
    let mut results = Vec::with_capacity(steps.len());
    let sim = run(&scenario.world, steps, |sim, record| {
        results.push(record.json());
        invariants.check_step(sim, record)
    })?;
    invariants.finish(&sim)?;
    let cut = usize::from(scenario.cut) % (steps.len() + 1);
    let (again, restored) = run_restored_at(&scenario.world, steps, cut)?;
    if let Some(i) = (0..results.len()).find(|&i| results[i] != again[i]) {
        return Err(Violation(format!(
            "restored after step {cut}, step {} answers otherwise:\n  first: {}\n  again: {}",
            i + 1,
            results[i],
            again[i]
        )));
    }
    ensure_eq!(
        state_json(sim.engine.state()),
        state_json(restored.engine.state()),
        "restored after step {cut}, the run ends in another state"
    );
    Ok(())
}
