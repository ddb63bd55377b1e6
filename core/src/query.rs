//! Reads: what a host asks the engine without changing it (a conversation, who holds it, a page
//! of the queue, the agents, the gauges, the dead letters), each answered from the state's maps
//! and the routing indexes at a cost that grows with the answer, never with the whole state.
//!
//! A host that serves a console or a metrics scraper asks these instead of serialising the whole
//! state: with 100,000 open conversations the state is tens of megabytes, a queue page is a few
//! hundred bytes.
//!
//! Queries are JSON objects tagged by `"query"`; answers are JSON text, exactly as
//! `serde_json::to_string` writes them on every host.
//!
//! # Example
//! ```
//! use handoff_core::{Config, Engine, Input};
//!
//! let mut engine = Engine::new(Config::from_json_str(r#"{"handoff": {}}"#)?);
//! let now = 1_768_213_800_000;
//! engine.handle_json(r#"{"type":"customer_message","conversation_id":"c1","text":"a human please"}"#, now)?;
//! assert_eq!(
//!     engine.query_json(r#"{"query":"queue","limit":10}"#)?,
//!     r#"{"total":1,"offset":0,"limit":10,"queue":[{"position":1,"conversation_id":"c1","since":1768213800000,"priority":"normal","status":"queued","agent_id":null,"topic":null,"trigger":"customer_request"}]}"#
//! );
//! assert_eq!(engine.query_json(r#"{"query":"holder","conversation_id":"c1"}"#)?, r#"{"status":"queued","agent_id":null}"#);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::index::Index;
use crate::wire::error::{ErrorKind, InputError};
use crate::wire::output::{Audience, TriggerHit};
use crate::wire::state::{
    Agent, Conversation, DeadLetter, Presence, Priority, Role, State, Status,
};

/// The most entries one page of the queue or of the dead letters holds.
pub const MAX_PAGE: usize = 1000;

/// The kinds of query, as written in JSON.
pub const QUERY_KINDS: &[&str] = &[
    "conversation",
    "holder",
    "may_act",
    "queue",
    "agents",
    "gauges",
    "dead_letters",
    "resolutions",
    "callbacks",
    "disabled_webhooks",
];

/// Entries in a page when the query does not say.
pub const DEFAULT_PAGE: usize = 100;

fn default_page() -> usize {
    DEFAULT_PAGE
}

fn operators() -> Audience {
    Audience::Operators
}

/// Something a host asks the engine.
///
/// In JSON the kind is the `"query"` field: `{"query": "queue", "limit": 50}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Query {
    /// One open conversation as the state holds it, as `audience` may read it; `null` when there
    /// is none. The customer's side ([`Audience::Customer`]) reads it without the agents' private
    /// notes (history lines of role `agent_note`) and without a transfer under way (its note is
    /// for the next agent), as the customer's outputs never carry them; agents and operators
    /// read it whole.
    Conversation {
        /// Conversation id.
        conversation_id: String,
        /// Who reads it (default `operators`: the whole record).
        #[serde(default = "operators")]
        audience: Audience,
    },
    /// Where a conversation is and who holds it: `{"status", "agent_id"}` (`agent_id` is the
    /// agent it is offered or assigned to, else `null`); `null` when there is no such conversation.
    Holder {
        /// Conversation id.
        conversation_id: String,
    },
    /// Whether an agent may act on a conversation: `{"allowed": true}`, or `{"allowed": false,
    /// "reason": …}`. Hosts that let agents act through their own tokens check this first.
    MayAct {
        /// The agent.
        agent_id: String,
        /// The conversation.
        conversation_id: String,
        /// What the agent must hold.
        needs: Holding,
    },
    /// A page of the queue in queue order: `{"total", "offset", "limit", "queue": [{"position",
    /// "conversation_id", "since", "priority", "status", "agent_id", "topic", "trigger"}]}`
    /// (`trigger`: the primary trigger of its handoff; `topic`: the conversation's, if any).
    Queue {
        /// Entries to skip (0: from the front).
        #[serde(default)]
        offset: usize,
        /// Entries at most (1 to [`MAX_PAGE`], default [`DEFAULT_PAGE`]).
        #[serde(default = "default_page")]
        limit: usize,
    },
    /// Every agent the engine knows: `{"agents": [...]}`.
    Agents {},
    /// Counts for metrics: `{"queue_length", "conversations", "agents_online", "outbox",
    /// "dead_letters"}`.
    Gauges {},
    /// A page of the dead letters, oldest delivery id first: `{"total", "offset", "limit",
    /// "dead_letters": [...]}`.
    DeadLetters {
        /// Entries to skip.
        #[serde(default)]
        offset: usize,
        /// Entries at most (1 to [`MAX_PAGE`], default [`DEFAULT_PAGE`]).
        #[serde(default = "default_page")]
        limit: usize,
    },
    /// Resolutions and ratings since the state began (they survive restarts with the state):
    /// `{"by_outcome": {"solved": 3}, "csat_responses": 2, "csat_score_sum": 9,
    /// "csat_by_score": {"4": 1, "5": 1}}`.
    Resolutions {},
    /// A page of the scheduled callbacks, soonest first: `{"total", "offset", "limit",
    /// "callbacks": [{"conversation_id", "at", "customer", "callback"}]}` (`at`: when the
    /// callback request goes out, the next opening; `callback`: the details the customer gave).
    Callbacks {
        /// Entries to skip.
        #[serde(default)]
        offset: usize,
        /// Entries at most (1 to [`MAX_PAGE`], default [`DEFAULT_PAGE`]).
        #[serde(default = "default_page")]
        limit: usize,
    },
    /// The webhooks a 410 Gone disabled, by id: `{"disabled_webhooks": [{"webhook_id",
    /// "reason"}]}` (`enable_webhook` turns one on again).
    DisabledWebhooks {},
}

/// What an agent must hold for [`Query::MayAct`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Holding {
    /// The conversation is offered to the agent (accept, decline).
    Offered,
    /// The conversation is assigned to the agent (reply, close).
    Assigned,
    /// Either (read it, follow its events).
    OfferedOrAssigned,
}

impl Query {
    /// The query as JSON text (`{"query":"queue","offset":0,"limit":100}`), as
    /// [`Query::from_json_str`] reads it.
    pub fn to_json(&self) -> String {
        let value = match self {
            Query::Conversation {
                conversation_id,
                audience: Audience::Operators,
            } => json!({"query": "conversation", "conversation_id": conversation_id}),
            Query::Conversation {
                conversation_id,
                audience,
            } => json!({"query": "conversation", "conversation_id": conversation_id,
                        "audience": audience}),
            Query::Holder { conversation_id } => {
                json!({"query": "holder", "conversation_id": conversation_id})
            }
            Query::MayAct {
                agent_id,
                conversation_id,
                needs,
            } => json!({"query": "may_act", "agent_id": agent_id,
                        "conversation_id": conversation_id, "needs": needs}),
            Query::Queue { offset, limit } => {
                json!({"query": "queue", "offset": offset, "limit": limit})
            }
            Query::Agents {} => json!({"query": "agents"}),
            Query::Gauges {} => json!({"query": "gauges"}),
            Query::DeadLetters { offset, limit } => {
                json!({"query": "dead_letters", "offset": offset, "limit": limit})
            }
            Query::Resolutions {} => json!({"query": "resolutions"}),
            Query::Callbacks { offset, limit } => {
                json!({"query": "callbacks", "offset": offset, "limit": limit})
            }
            Query::DisabledWebhooks {} => json!({"query": "disabled_webhooks"}),
        };
        value.to_string()
    }

    /// Parses a query from JSON text.
    ///
    /// # Errors
    /// An [`InputError`] naming the path (`query.limit`) when the text is not a known query.
    ///
    /// # Example
    /// ```
    /// use handoff_core::{query::Query, ErrorKind};
    ///
    /// let query = Query::from_json_str(r#"{"query":"holder","conversation_id":"c1"}"#)?;
    /// assert!(matches!(query, Query::Holder { .. }));
    ///
    /// let refused = Query::from_json_str(r#"{"query":"holders"}"#).unwrap_err();
    /// assert_eq!((refused.path.as_str(), refused.kind), ("query.query", ErrorKind::UnknownVariant));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_json_str(text: &str) -> Result<Query, InputError> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            InputError::new(ErrorKind::NotJson, "query", format!("not valid JSON: {e}"))
        })?;
        let (kind, fields) = InputError::take_tag(value, "query", "query", QUERY_KINDS)?;
        // `{"query": kind, ...fields}` is read as serde's `{kind: {...fields}}`, so errors keep
        // their paths (`may_act.needs` -> `query.needs`).
        let mut tagged = serde_json::Map::new();
        tagged.insert(kind, Value::Object(fields));
        let query: Query =
            serde_path_to_error::deserialize(Value::Object(tagged)).map_err(|e| {
                // Paths start with the kind (`may_act.needs`), the query's own fields below it.
                let path = e.path().to_string();
                let message = e.into_inner().to_string();
                match path.split_once('.') {
                    Some((_, rest)) if !rest.is_empty() => {
                        InputError::from_serde("query", rest, message)
                    }
                    // A field missing from the query itself.
                    None if message.starts_with("missing field") => {
                        InputError::from_serde("query", ".", message)
                    }
                    // The kind itself (`unknown variant`, path `.`).
                    _ => InputError::new(
                        ErrorKind::of_serde_message(&message),
                        "query.query",
                        message,
                    ),
                }
            })?;
        match &query {
            Query::Queue { limit, .. }
            | Query::DeadLetters { limit, .. }
            | Query::Callbacks { limit, .. }
                if !(1..=MAX_PAGE).contains(limit) =>
            {
                Err(InputError::with_value(
                    ErrorKind::OutOfRange,
                    "query.limit",
                    format!("expected 1 to {MAX_PAGE}"),
                    &Value::from(*limit),
                ))
            }
            _ => Ok(query),
        }
    }
}

#[derive(Serialize)]
struct HolderAnswer<'a> {
    status: &'static str,
    agent_id: Option<&'a str>,
}

#[derive(Serialize)]
struct MayActAnswer {
    allowed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

#[derive(Serialize)]
struct QueueEntry<'a> {
    position: usize,
    conversation_id: &'a str,
    since: i64,
    priority: Option<Priority>,
    status: Option<&'static str>,
    agent_id: Option<&'a str>,
    topic: Option<&'a str>,
    trigger: Option<&'static str>,
}

#[derive(Serialize)]
struct QueuePage<'a> {
    total: usize,
    offset: usize,
    limit: usize,
    queue: Vec<QueueEntry<'a>>,
}

#[derive(Serialize)]
struct Agents<'a> {
    agents: Vec<&'a Agent>,
}

/// Counts for metrics, each read in O(1) from the state's maps, but `agents_online` (one pass
/// over the agents, who are few).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gauges {
    /// Conversations waiting in the queue.
    pub queue_length: usize,
    /// Open conversations.
    pub conversations: usize,
    /// Agents online.
    pub agents_online: usize,
    /// Deliveries not yet acknowledged.
    pub outbox: usize,
    /// Dead letters.
    pub dead_letters: usize,
}

#[derive(Serialize)]
struct ResolutionsAnswer<'a> {
    by_outcome: &'a std::collections::BTreeMap<String, u64>,
    csat_responses: u64,
    csat_score_sum: u64,
    csat_by_score: &'a std::collections::BTreeMap<String, u64>,
}

#[derive(Serialize)]
struct DeadLetterPage<'a> {
    total: usize,
    offset: usize,
    limit: usize,
    dead_letters: Vec<&'a DeadLetter>,
}

#[derive(Serialize)]
struct CallbackEntry<'a> {
    conversation_id: &'a str,
    at: i64,
    customer: Option<&'a crate::wire::values::Customer>,
    callback: Option<&'a crate::wire::values::Callback>,
}

#[derive(Serialize)]
struct CallbackPage<'a> {
    total: usize,
    offset: usize,
    limit: usize,
    callbacks: Vec<CallbackEntry<'a>>,
}

#[derive(Serialize)]
struct DisabledWebhook<'a> {
    webhook_id: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct DisabledWebhooks<'a> {
    disabled_webhooks: Vec<DisabledWebhook<'a>>,
}

/// The name of a status as the state writes it (`"offered"`).
pub(crate) fn status_name(status: &Status) -> &'static str {
    match status {
        Status::Ai => "ai",
        Status::Queued => "queued",
        Status::Offered { .. } => "offered",
        Status::Assigned { .. } => "assigned",
        Status::CollectingCallback => "collecting_callback",
        Status::CallbackScheduled { .. } => "callback_scheduled",
        Status::CallbackRequested => "callback_requested",
        Status::Resolved { .. } => "resolved",
    }
}

/// Whether `agent` may act on `conversation` holding `needs`; the reason when not.
pub(crate) fn may_act(
    conversation: Option<&Conversation>,
    conversation_id: &str,
    agent: &str,
    needs: Holding,
) -> Result<(), String> {
    let (offered, assigned) = match conversation.map(|c| &c.status) {
        Some(Status::Offered { agent_id, .. }) if agent_id == agent => (true, false),
        Some(Status::Assigned { agent_id, .. }) if agent_id == agent => (false, true),
        // A warm transfer's target may answer its offer.
        Some(Status::Assigned { .. }) => (
            conversation.and_then(|c| c.warm_target()) == Some(agent),
            false,
        ),
        _ => (false, false),
    };
    let allowed = match needs {
        Holding::Offered => offered,
        Holding::Assigned => assigned,
        Holding::OfferedOrAssigned => offered || assigned,
    };
    if allowed {
        return Ok(());
    }
    let wanted = match needs {
        Holding::Offered => "offered to",
        Holding::Assigned => "assigned to",
        Holding::OfferedOrAssigned => "offered or assigned to",
    };
    Err(format!(
        "conversation {conversation_id} is not {wanted} agent {agent}"
    ))
}

/// The counts of [`Query::Gauges`].
pub(crate) fn gauges(state: &State, index: &Index) -> Gauges {
    Gauges {
        queue_length: index.queue.len(),
        conversations: state.conversations.len(),
        agents_online: state
            .agents
            .values()
            .filter(|a| a.status == Presence::Online)
            .count(),
        outbox: state.outbox.len(),
        dead_letters: state.dead_letters.len(),
    }
}

/// `conv` as the customer's side may read it: without private notes or a transfer under way.
fn for_the_customer(conv: &Conversation) -> Conversation {
    let mut shown = conv.clone();
    shown.transfer = None;
    shown.history.retain(|line| line.role != Role::AgentNote);
    shown
}

/// The answer to `query` as JSON text.
pub(crate) fn answer(state: &State, index: &Index, query: &Query) -> String {
    let text = match query {
        Query::Conversation {
            conversation_id,
            audience,
        } => {
            let conversation = state.conversations.get(conversation_id);
            match conversation {
                Some(c) if *audience == Audience::Customer => {
                    serde_json::to_string(&for_the_customer(c))
                }
                _ => serde_json::to_string(&conversation),
            }
        }
        Query::Holder { conversation_id } => {
            let holder = state
                .conversations
                .get(conversation_id)
                .map(|c| HolderAnswer {
                    status: status_name(&c.status),
                    agent_id: c.agent(),
                });
            serde_json::to_string(&holder)
        }
        Query::MayAct {
            agent_id,
            conversation_id,
            needs,
        } => {
            let conversation = state.conversations.get(conversation_id);
            let reason = may_act(conversation, conversation_id, agent_id, *needs).err();
            serde_json::to_string(&MayActAnswer {
                allowed: reason.is_none(),
                reason,
            })
        }
        Query::Queue { offset, limit } => {
            let queue = index
                .queue
                .page(*offset, *limit)
                .enumerate()
                .map(|(i, key)| {
                    let conv = state.conversations.get(&key.conversation_id);
                    QueueEntry {
                        position: offset + i + 1,
                        conversation_id: &key.conversation_id,
                        since: key.since,
                        priority: conv.map(|c| c.priority),
                        status: conv.map(|c| status_name(&c.status)),
                        agent_id: conv.and_then(Conversation::agent),
                        topic: conv.and_then(|c| c.topic.as_deref()),
                        trigger: conv.and_then(|c| {
                            c.triggers
                                .iter()
                                .min_by_key(|t| t.precedence())
                                .map(TriggerHit::name)
                        }),
                    }
                })
                .collect();
            serde_json::to_string(&QueuePage {
                total: index.queue.len(),
                offset: *offset,
                limit: *limit,
                queue,
            })
        }
        Query::Agents {} => serde_json::to_string(&Agents {
            agents: state.agents.values().collect(),
        }),
        Query::Gauges {} => serde_json::to_string(&gauges(state, index)),
        Query::DeadLetters { offset, limit } => serde_json::to_string(&DeadLetterPage {
            total: state.dead_letters.len(),
            offset: *offset,
            limit: *limit,
            dead_letters: state
                .dead_letters
                .values()
                .skip(*offset)
                .take(*limit)
                .collect(),
        }),
        Query::Resolutions {} => {
            let stats = &state.resolutions;
            serde_json::to_string(&ResolutionsAnswer {
                by_outcome: &stats.by_outcome,
                csat_responses: stats.csat_responses(),
                csat_score_sum: stats.csat_score_sum,
                csat_by_score: &stats.csat_by_score,
            })
        }
        Query::Callbacks { offset, limit } => serde_json::to_string(&CallbackPage {
            total: index.timers.callbacks_len(),
            offset: *offset,
            limit: *limit,
            callbacks: index
                .timers
                .callbacks()
                .skip(*offset)
                .take(*limit)
                .map(|(at, id)| {
                    let conv = state.conversations.get(id);
                    CallbackEntry {
                        conversation_id: id,
                        at: *at,
                        customer: conv.map(|c| &c.customer),
                        callback: conv.and_then(|c| c.callback.as_ref()),
                    }
                })
                .collect(),
        }),
        Query::DisabledWebhooks {} => serde_json::to_string(&DisabledWebhooks {
            disabled_webhooks: state
                .disabled_webhooks
                .iter()
                .map(|(id, reason)| DisabledWebhook {
                    webhook_id: id,
                    reason,
                })
                .collect(),
        }),
    };
    // Every answer is made of strings, numbers and the state's own serialisable parts.
    text.unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_parse_with_defaults_and_paths() {
        assert_eq!(
            Query::from_json_str(r#"{"query":"queue"}"#).unwrap(),
            Query::Queue {
                offset: 0,
                limit: DEFAULT_PAGE
            }
        );
        let e = Query::from_json_str(r#"{"query":"queue","limit":0}"#).unwrap_err();
        assert_eq!(e.path, "query.limit");
        let e = Query::from_json_str(r#"{"query":"queue","limt":5}"#).unwrap_err();
        assert!(e.message.contains("unknown field"), "{e}");
        let e = Query::from_json_str(r#"{"query":"qeue"}"#).unwrap_err();
        assert!(e.message.contains("unknown variant"), "{e}");
        assert_eq!(e.path, "query.query");
        assert_eq!(
            Query::from_json_str(r#"{"query":"gauges"}"#).unwrap(),
            Query::Gauges {}
        );
        let e = Query::from_json_str(r#"{"query":"agents","x":1}"#).unwrap_err();
        assert_eq!(e.path, "query.x");
        let e = Query::from_json_str(
            r#"{"query":"may_act","agent_id":"a","conversation_id":"c","needs":"held"}"#,
        )
        .unwrap_err();
        assert_eq!(e.path, "query.needs");
        let e = Query::from_json_str(r#"{"query":"holder"}"#).unwrap_err();
        assert_eq!(e.path, "query.conversation_id");
        for q in [
            Query::Conversation {
                conversation_id: "c".into(),
                audience: Audience::Operators,
            },
            Query::Conversation {
                conversation_id: "c".into(),
                audience: Audience::Customer,
            },
            Query::Holder {
                conversation_id: "c".into(),
            },
            Query::MayAct {
                agent_id: "a".into(),
                conversation_id: "c".into(),
                needs: Holding::OfferedOrAssigned,
            },
            Query::Queue {
                offset: 3,
                limit: 7,
            },
            Query::Agents {},
            Query::Gauges {},
            Query::DeadLetters {
                offset: 0,
                limit: 1,
            },
            Query::Resolutions {},
            Query::Callbacks {
                offset: 2,
                limit: 5,
            },
            Query::DisabledWebhooks {},
        ] {
            assert_eq!(Query::from_json_str(&q.to_json()).unwrap(), q);
        }
        let e = Query::from_json_str("[").unwrap_err();
        assert_eq!(e.path, "query");
    }

    #[test]
    fn scheduled_callbacks_and_disabled_webhooks_are_listed() {
        use crate::{Config, Engine};
        // Sunday in Kolkata, outside these hours: the callback waits for Monday's opening.
        let config = Config::from_json_str(
            r#"{"handoff": {"business_hours": {"timezone": "Asia/Kolkata",
                "schedule": {"monday": {"start": "09:00", "end": "18:00"}}},
                "outside_hours": {"action": "collect_callback"}}}"#,
        )
        .unwrap();
        let mut engine = Engine::new(config);
        let now = 1_768_141_800_000;
        engine
            .handle_json(
                r#"{"type":"customer_message","conversation_id":"c1","text":"a person please","customer":{"id":"u1","name":"Ana"}}"#,
                now,
            )
            .unwrap();
        engine
            .handle_json(
                r#"{"type":"callback_details","conversation_id":"c1","phone":"+44 20 7946 0000"}"#,
                now + 1000,
            )
            .unwrap();
        let page = engine
            .query_json(r#"{"query":"callbacks","limit":10}"#)
            .unwrap();
        let page: Value = serde_json::from_str(&page).unwrap();
        assert_eq!(page["total"], 1, "{page}");
        assert_eq!(page["callbacks"][0]["conversation_id"], "c1");
        assert_eq!(
            page["callbacks"][0]["callback"]["phone"],
            "+44 20 7946 0000"
        );
        assert_eq!(page["callbacks"][0]["customer"]["name"], "Ana");
        assert!(page["callbacks"][0]["at"].as_i64() > Some(now), "{page}");
        let e = Query::from_json_str(r#"{"query":"callbacks","limit":0}"#).unwrap_err();
        assert_eq!(e.path, "query.limit");
        assert_eq!(
            engine
                .query_json(r#"{"query":"disabled_webhooks"}"#)
                .unwrap(),
            r#"{"disabled_webhooks":[]}"#
        );
    }
}
