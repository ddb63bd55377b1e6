//! The operations, and the input each one stands for in a given state.

use handoff_core::wire::state::{State, Status};
use handoff_core::{Input, MAX_TEXT_BYTES};
use serde_json::{json, Map, Value};

use crate::{AGENTS, CONVS};

/// Customer texts: requests for a person in several languages, anger, neutral questions,
/// sensitive topics, edge cases. [`Op::Customer`]'s `text` past the end stands for a text one
/// byte over the size limit (`TEXTS.len()`) or exactly at it (`TEXTS.len() + 1`).
pub const TEXTS: &[&str] = &[
    "talk to a human",
    "Can I talk to a real person please?",
    "I want to speak to an agent",
    "This is absolutely terrible. I'm furious, you people are useless!!!",
    "worst service ever, I hate this so much",
    "What are your opening hours?",
    "Where is my order ORD-12345?",
    "thanks, that helps a lot",
    "mujhe insaan se baat karni hai",
    "yaar ye service bilkul bekaar hai, bahut gussa aa raha hai",
    "yaar ye service bilkul bekaar hai",
    "quiero hablar con una persona",
    "esto es horrible, estoy muy enojado",
    "I was charged twice, I want to dispute this charge",
    "I'm going to contact my lawyer about this",
    "I'm going to contact my lawyer",
    "I want to file a complaint",
    "",
    "😡😡😡 !!!",
    "I don't want a human",
];

/// Agent presences, by [`Op::AgentUpdate`]'s `status`.
pub const PRESENCE: [&str; 3] = ["online", "away", "offline"];
/// Outcomes, by [`Op::Resolve`]'s `outcome`: the default four, then one that is not configured.
pub const OUTCOMES: [&str; 5] = ["solved", "not_solved", "duplicate", "spam", "sovled"];
/// Who closes, by [`Op::Close`]'s `by`.
pub const BY: [&str; 4] = ["customer", "agent", "ai", "system"];
/// Topics a caller's AI may name, by [`Signals`]'s `topic` (the first three are configured).
pub const TOPICS: &[&str] = &["billing_dispute", "legal", "complaint", "order_status"];
/// Skills an agent may report, by [`Op::AgentUpdate`]'s `skills`.
pub const SKILLS: &[&str] = &["billing", "technical", "legal", "sales"];
/// Keys of [`Attributes`]: plain, empty, path-like, markup, an emoji and a NUL, vendor ids.
pub const ATTRIBUTE_KEYS: &[&str] = &[
    "plan",
    "",
    "a.b[0]",
    "<img src=x onerror=alert(1)>",
    "\u{1F600}\u{0}",
    "zendesk_user_id",
    "intercom_contact_id",
];

/// One thing that happens. Numbers that choose among names (`conv`, `agent`, `text`, ...) are
/// taken modulo the number of names; `pick` chooses among the candidates found in the state at
/// the time (offered conversations, outbox ids, ...), and `wrong` names another agent instead of
/// the one the conversation is with. Fractions are in ten-thousandths (`5000` is `0.5`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// A `customer_message`.
    Customer {
        /// The conversation.
        conv: u8,
        /// Which of [`TEXTS`], or a text at or over the size limit.
        text: u8,
        /// Whether to send the customer's id, name and email.
        customer: bool,
        /// Adversarial `customer.attributes`.
        attributes: Option<Attributes>,
        /// The caller's AI's `signals`.
        signals: Option<Signals>,
    },
    /// An `ai_reply`.
    AiReply {
        /// The conversation.
        conv: u8,
        /// `confidence`, in ten-thousandths (sometimes out of range, which must be refused).
        confidence: Option<i16>,
        /// `resolved`.
        resolved: bool,
    },
    /// A `handoff_request` from the widget's button.
    HandoffRequest {
        /// The conversation.
        conv: u8,
    },
    /// An `agent_update`.
    AgentUpdate {
        /// The agent.
        agent: u8,
        /// Which of [`PRESENCE`], or none sent.
        status: Option<u8>,
        /// `max_concurrent` (over 1000 must be refused).
        max_concurrent: Option<u32>,
        /// Which of [`SKILLS`], or none sent.
        skills: Option<Vec<u8>>,
    },
    /// An `agent_accept` of an offered conversation.
    Accept {
        /// Which offered conversation (any conversation when none is offered).
        pick: u8,
        /// Another agent than the one offered.
        wrong: Option<u8>,
    },
    /// An `agent_decline` of an offered conversation.
    Decline {
        /// Which offered conversation (any conversation when none is offered).
        pick: u8,
        /// Another agent than the one offered.
        wrong: Option<u8>,
    },
    /// An `agent_message` in an assigned conversation.
    AgentMessage {
        /// Which assigned conversation (any conversation when none is assigned).
        pick: u8,
        /// Another agent than the one assigned.
        wrong: Option<u8>,
    },
    /// An `agent_note` in an assigned conversation.
    AgentNote {
        /// Which assigned conversation (any conversation when none is assigned).
        pick: u8,
        /// Another agent than the one assigned.
        wrong: Option<u8>,
    },
    /// A `return_to_ai` of an assigned conversation.
    ReturnToAi {
        /// Which assigned conversation (any conversation, which nobody holds, when none is).
        pick: u8,
        /// Another agent than the one assigned.
        wrong: Option<u8>,
    },
    /// A `transfer` of an assigned conversation.
    Transfer {
        /// Which assigned conversation (any conversation, which nobody holds, when none is).
        pick: u8,
        /// Another agent than the one assigned (`not_held_by`).
        wrong: Option<u8>,
        /// By an admin (no `agent_id`).
        admin: bool,
        /// 0: `{"agent": agent_<target>}`, 1: `{"skill": SKILLS[target]}`, else the queue.
        to: u8,
        /// The agent or skill, by index.
        target: u8,
        /// `mode: "warm"` (else cold).
        warm: bool,
    },
    /// `callback_details` for a conversation collecting them.
    CallbackDetails {
        /// Which conversation (any conversation when none is collecting).
        pick: u8,
        /// 0: name, phone and time; 1: email only; 2: a phone too short; 3: a name only.
        form: u8,
    },
    /// A `conversation_closed`.
    Close {
        /// The conversation.
        conv: u8,
        /// Which of [`BY`].
        by: u8,
        /// The closing agent (`agent_id`), which the engine refuses unless it holds the
        /// conversation (and unless `by` is `agent`).
        agent: Option<u8>,
    },
    /// A `delivery_result` for a delivery in the outbox (`msg_missing` when it is empty).
    DeliveryResult {
        /// Which delivery.
        pick: u8,
        /// The HTTP status; none means the request failed (`error` is sent instead).
        status: Option<u16>,
        /// `retry_after_ms`.
        retry_after_ms: Option<u64>,
    },
    /// A `redrive_delivery` of a dead letter (`msg_missing` when there are none).
    Redrive {
        /// Which dead letter.
        pick: u8,
    },
    /// An `enable_webhook`.
    EnableWebhook {
        /// `crm`, or a webhook that does not exist.
        known: bool,
    },
    /// A `tick`.
    Tick,
    /// Moves the clock to `next_wakeup()` (if later), then ticks.
    TickAtWakeup,
    /// A `resolve` of an assigned conversation.
    Resolve {
        /// Which assigned conversation (any conversation, which nobody holds, when none is).
        pick: u8,
        /// Another agent than the one assigned (`not_held_by`).
        wrong: Option<u8>,
        /// By an admin (no `agent_id`).
        admin: bool,
        /// Which of [`OUTCOMES`] (the last is refused).
        outcome: u8,
    },
    /// A `wrap_up_done` for a resolved conversation in wrap-up.
    WrapUpDone {
        /// Which conversation in wrap-up (any resolved, else any conversation, when none is).
        pick: u8,
        /// Another agent than the one who resolved it.
        wrong: Option<u8>,
    },
    /// A `csat` for a resolved conversation.
    Csat {
        /// Which resolved conversation (any conversation when none is).
        pick: u8,
        /// The score (0 and 6 are refused).
        score: u8,
    },
}

/// Signals a caller's AI may attach; fractions in ten-thousandths, sometimes out of range (which
/// must be refused).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signals {
    /// `sentiment` (-1 to 1).
    pub sentiment: Option<i16>,
    /// `confidence` (0 to 1).
    pub confidence: Option<i16>,
    /// `human_requested`.
    pub human_requested: Option<bool>,
    /// Which of [`TOPICS`].
    pub topic: Option<u8>,
}

/// Adversarial customer attributes: nested around and far past the depth limit, sized around
/// the byte limit, under keys that need escaping or name vendor ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attributes {
    /// Which of [`ATTRIBUTE_KEYS`].
    pub key: u8,
    /// Levels of nesting around the value.
    pub levels: u8,
    /// Whether every other level is an array (else all are objects).
    pub arrays: bool,
    /// The value's size in bytes: a string of `pad / 2` two-byte characters (`null` for 0).
    pub pad: u16,
}

impl Attributes {
    /// The `attributes` object.
    pub fn value(&self) -> Value {
        let mut v = if self.pad == 0 {
            json!(null)
        } else {
            json!("\u{e9}".repeat(usize::from(self.pad / 2)))
        };
        for i in 0..self.levels {
            v = if self.arrays && i % 2 == 0 {
                json!([v])
            } else {
                json!({ "k": v })
            };
        }
        json!({ pick(ATTRIBUTE_KEYS, self.key): v })
    }
}

/// The clock moves by `dt` milliseconds (backwards when negative; never below 0), then `op`
/// happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// How far the host's clock moves first, in ms.
    pub dt: i64,
    /// What happens then.
    pub op: Op,
}

/// `conv_<i mod 12>`.
pub fn conv_id(i: u8) -> String {
    format!("conv_{}", i % CONVS)
}

/// `agent_<i mod 5>`.
pub fn agent_id(i: u8) -> String {
    format!("agent_{}", i % AGENTS)
}

/// `names[i mod len]`.
fn pick<'a>(names: &[&'a str], i: u8) -> &'a str {
    names[usize::from(i) % names.len()]
}

/// `names[i mod len]` (for callers where `pick` is a variable's name).
fn pick_name<'a>(names: &[&'a str], i: u8) -> &'a str {
    pick(names, i)
}

/// One of `items` chosen by `pick`, if there are any.
fn nth<T: Clone>(items: &[T], pick: u8) -> Option<T> {
    (!items.is_empty()).then(|| items[usize::from(pick) % items.len()].clone())
}

/// A fraction from ten-thousandths.
fn fraction(n: i16) -> f64 {
    f64::from(n) / 10_000.0
}

impl Op {
    /// The input this operation stands for in `state`, as the JSON a host would send.
    pub fn to_json(&self, state: &State) -> Value {
        // Conversations in the wanted status, with their agent.
        let with_status = |want: fn(&Status) -> bool| -> Vec<(String, Option<String>)> {
            state
                .conversations
                .values()
                .filter(|c| want(&c.status))
                .map(|c| (c.id.clone(), c.agent().map(str::to_string)))
                .collect()
        };
        // A conversation in the wanted status and its agent, else any conversation and
        // `agent_0`; `wrong` names another agent.
        let target = |candidates: Vec<(String, Option<String>)>, pick: u8, wrong: Option<u8>| {
            let (conv, agent) = nth(&candidates, pick).unwrap_or((conv_id(pick), None));
            let agent = match wrong {
                Some(w) => agent_id(w),
                None => agent.unwrap_or_else(|| agent_id(0)),
            };
            (conv, agent)
        };
        match self {
            Op::Customer {
                conv,
                text,
                customer,
                attributes,
                signals,
            } => customer_message(*conv, *text, *customer, attributes, signals),
            Op::AiReply {
                conv,
                confidence,
                resolved,
            } => {
                let mut v = json!({
                    "type": "ai_reply",
                    "conversation_id": conv_id(*conv),
                    "text": "Let me check that for you.",
                    "actions": ["looked up order"],
                    "resolved": resolved,
                });
                if let Some(c) = confidence {
                    v["confidence"] = json!(fraction(*c));
                }
                v
            }
            Op::HandoffRequest { conv } => json!({
                "type": "handoff_request",
                "conversation_id": conv_id(*conv),
                "source": "widget_button",
            }),
            Op::AgentUpdate {
                agent,
                status,
                max_concurrent,
                skills,
            } => {
                let mut a =
                    json!({"id": agent_id(*agent), "name": format!("Agent {}", agent % AGENTS)});
                if let Some(s) = status {
                    a["status"] = json!(pick(&PRESENCE, *s));
                }
                if let Some(n) = max_concurrent {
                    a["max_concurrent"] = json!(n);
                }
                if let Some(skills) = skills {
                    a["skills"] =
                        json!(skills.iter().map(|s| pick(SKILLS, *s)).collect::<Vec<_>>());
                }
                json!({"type": "agent_update", "agent": a})
            }
            Op::Accept { pick, wrong } | Op::Decline { pick, wrong } => {
                let (conv, agent) = target(
                    with_status(|s| matches!(s, Status::Offered { .. })),
                    *pick,
                    *wrong,
                );
                let kind = if matches!(self, Op::Accept { .. }) {
                    "agent_accept"
                } else {
                    "agent_decline"
                };
                json!({"type": kind, "conversation_id": conv, "agent_id": agent})
            }
            Op::AgentMessage { pick, wrong } => {
                let (conv, agent) = target(
                    with_status(|s| matches!(s, Status::Assigned { .. })),
                    *pick,
                    *wrong,
                );
                json!({
                    "type": "agent_message",
                    "conversation_id": conv,
                    "agent_id": agent,
                    "text": "Hi, I'm looking into this now.",
                })
            }
            Op::AgentNote { pick, wrong } => {
                let (conv, agent) = target(
                    with_status(|s| matches!(s, Status::Assigned { .. })),
                    *pick,
                    *wrong,
                );
                json!({
                    "type": "agent_note",
                    "conversation_id": conv,
                    "agent_id": agent,
                    "text": "Checked the order: refund is due.",
                })
            }
            Op::ReturnToAi { pick, wrong } => {
                let (conv, agent) = target(
                    with_status(|s| matches!(s, Status::Assigned { .. })),
                    *pick,
                    *wrong,
                );
                json!({
                    "type": "return_to_ai",
                    "conversation_id": conv,
                    "agent_id": agent,
                    "note": "Done; the assistant can take it from here.",
                })
            }
            Op::Transfer {
                pick,
                wrong,
                admin,
                to,
                target: which,
                warm,
            } => {
                let (conv, agent) = target(
                    with_status(|s| matches!(s, Status::Assigned { .. })),
                    *pick,
                    *wrong,
                );
                let to = match to % 3 {
                    0 => json!({"agent": agent_id(*which)}),
                    1 => json!({"skill": pick_name(SKILLS, *which)}),
                    _ => json!({"queue": true}),
                };
                let mut v = json!({
                    "type": "transfer",
                    "conversation_id": conv,
                    "to": to,
                    "mode": if *warm { "warm" } else { "cold" },
                    "note": "Over to you.",
                });
                if *admin {
                    v["by"] = json!("admin");
                } else {
                    v["agent_id"] = json!(agent);
                }
                v
            }
            Op::CallbackDetails { pick, form } => {
                let (conv, _) = target(
                    with_status(|s| *s == Status::CollectingCallback),
                    *pick,
                    None,
                );
                let mut v = json!({"type": "callback_details", "conversation_id": conv});
                match form % 4 {
                    0 => {
                        v["name"] = json!("Priya");
                        v["phone"] = json!("+91 98765 43210");
                        v["preferred_time"] = json!("after 5pm");
                    }
                    1 => v["email"] = json!("priya@example.com"),
                    2 => {
                        v["name"] = json!("Priya");
                        v["phone"] = json!("12");
                    }
                    _ => v["name"] = json!("Priya"),
                }
                v
            }
            Op::Close { conv, by, agent } => {
                let mut v = json!({
                    "type": "conversation_closed",
                    "conversation_id": conv_id(*conv),
                    "by": pick(&BY, *by),
                });
                if let Some(agent) = agent {
                    v["agent_id"] = json!(agent_id(*agent));
                }
                v
            }
            Op::DeliveryResult {
                pick,
                status,
                retry_after_ms,
            } => {
                let ids: Vec<String> = state.outbox.keys().cloned().collect();
                let id = nth(&ids, *pick).unwrap_or_else(|| "msg_missing".into());
                let mut v = json!({"type": "delivery_result", "delivery_id": id, "body": "oops"});
                match status {
                    Some(s) => v["status"] = json!(s),
                    None => v["error"] = json!("connection reset"),
                }
                if let Some(ms) = retry_after_ms {
                    v["retry_after_ms"] = json!(ms);
                }
                v
            }
            Op::Redrive { pick } => {
                let ids: Vec<String> = state.dead_letters.keys().cloned().collect();
                let id = nth(&ids, *pick).unwrap_or_else(|| "msg_missing".into());
                json!({"type": "redrive_delivery", "delivery_id": id})
            }
            Op::EnableWebhook { known } => json!({
                "type": "enable_webhook",
                "webhook_id": if *known { "crm" } else { "nope" },
            }),
            Op::Tick | Op::TickAtWakeup => json!({"type": "tick"}),
            Op::Resolve {
                pick,
                wrong,
                admin,
                outcome,
            } => {
                let (conv, agent) = target(
                    with_status(|s| matches!(s, Status::Assigned { .. })),
                    *pick,
                    *wrong,
                );
                let mut v = json!({
                    "type": "resolve",
                    "conversation_id": conv,
                    "outcome": OUTCOMES[usize::from(*outcome) % OUTCOMES.len()],
                    "note": "Sorted.",
                });
                if *admin {
                    v["by"] = json!("admin");
                } else {
                    v["agent_id"] = json!(agent);
                }
                v
            }
            Op::WrapUpDone { pick, wrong } => {
                let in_wrap_up: Vec<(String, Option<String>)> = state
                    .conversations
                    .values()
                    .filter_map(|c| Some((c.id.clone(), Some(c.wrap_up_agent()?.to_string()))))
                    .collect();
                let (conv, agent) = target(in_wrap_up, *pick, *wrong);
                json!({"type": "wrap_up_done", "conversation_id": conv, "agent_id": agent})
            }
            Op::Csat { pick, score } => {
                let (conv, _) = target(
                    with_status(|s| matches!(s, Status::Resolved { .. })),
                    *pick,
                    None,
                );
                json!({"type": "csat", "conversation_id": conv, "score": score, "comment": "ok"})
            }
        }
    }

    /// The input this operation stands for in `state`.
    ///
    /// # Panics
    ///
    /// When [`Op::to_json`] is not an input the engine reads: the model only writes inputs of
    /// the right shape (values out of range are for [`Engine::handle`](handoff_core::Engine::handle)
    /// to refuse).
    pub fn to_input(&self, state: &State) -> Input {
        let json = self.to_json(state);
        Input::from_value(json.clone())
            .unwrap_or_else(|e| panic!("the model's input {json} must parse: {e}"))
    }
}

/// The `customer_message` of [`Op::Customer`].
fn customer_message(
    conv: u8,
    text: u8,
    customer: bool,
    attributes: &Option<Attributes>,
    signals: &Option<Signals>,
) -> Value {
    let text = match usize::from(text) % (TEXTS.len() + 2) {
        i if i < TEXTS.len() => TEXTS[i].to_string(),
        i if i == TEXTS.len() => "a".repeat(MAX_TEXT_BYTES + 1),
        _ => "a".repeat(MAX_TEXT_BYTES),
    };
    let mut m = Map::new();
    m.insert("type".into(), json!("customer_message"));
    m.insert("conversation_id".into(), json!(conv_id(conv)));
    m.insert("text".into(), json!(text));
    if customer {
        m.insert(
            "customer".into(),
            json!({"id": format!("cust_{}", conv % CONVS), "name": "Priya Sharma", "email": "priya@example.com"}),
        );
    }
    if let Some(a) = attributes {
        let customer = m.entry("customer").or_insert_with(|| json!({}));
        customer["attributes"] = a.value();
    }
    if let Some(s) = signals {
        let mut sm = Map::new();
        if let Some(v) = s.sentiment {
            sm.insert("sentiment".into(), json!(fraction(v)));
        }
        if let Some(v) = s.confidence {
            sm.insert("confidence".into(), json!(fraction(v)));
        }
        if let Some(v) = s.human_requested {
            sm.insert("human_requested".into(), json!(v));
        }
        if let Some(t) = s.topic {
            sm.insert("topic".into(), json!(pick(TOPICS, t)));
        }
        m.insert("signals".into(), Value::Object(sm));
    }
    Value::Object(m)
}
