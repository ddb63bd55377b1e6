//! `handoff.routing`: who takes a conversation.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::config::agents::AgentProfile;
use crate::config::read::{
    index, join, strings_at, type_name, Default, Errors, Field, Kind, Null, Obj, Section,
};
use crate::wire::error::ErrorKind;

/// `handoff.routing.method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoutingMethod {
    /// Distribute conversations evenly across available agents.
    RoundRobin,
    /// Route to agents whose skills match the conversation topic.
    SkillBased,
    /// Route to the agent with the fewest active conversations.
    LoadBased,
}

/// `handoff.routing.fallback`: what happens when no agent is free.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fallback {
    /// Wait in the queue, told the position (default).
    Queue,
    /// Collect details for a callback.
    Callback,
    /// Stay with the AI and say no one is free.
    None,
}

/// `handoff.routing` (defaults in the README's configuration reference).
#[derive(Debug, Clone, PartialEq)]
pub struct Routing {
    /// How an agent is chosen.
    pub method: RoutingMethod,
    /// When no agent is free.
    pub fallback: Fallback,
    /// Raise priority for negative sentiment.
    pub priority_boost_on_sentiment: bool,
    /// The agents that may be chosen, in round-robin order. `None`: every known agent.
    pub agent_pool: Option<Vec<String>>,
    /// Skill name -> agent ids (`skill_based`).
    pub skills: BTreeMap<String, Vec<String>>,
    /// Topic -> skill, where the names differ (`billing_dispute` -> `billing`).
    pub topic_skills: BTreeMap<String, String>,
    /// Most conversations one agent holds at once, offers included.
    pub max_concurrent_per_agent: u32,
    /// `skill_based`: seconds to wait for an agent with the skill before any agent will do
    /// (`None`: wait for the skill forever).
    pub skill_wait_seconds: Option<u32>,
    /// Seconds an agent has to accept an offer.
    pub offer_timeout_seconds: u32,
    /// Assign without an offer/accept step.
    pub auto_accept: bool,
    /// An agent who lets an offer lapse is set `away` until they say they are online again: a
    /// missed offer usually means they stepped away.
    pub away_after_missed_offer: bool,
    /// Most conversations waiting at once; `None` for no limit.
    pub max_queue_length: Option<u32>,
    /// When the queue moves, only customers now at a position up to this are told their new one
    /// (`0`: nobody). A customer is always told their position on joining, and again
    /// when they write while waiting and it has changed.
    pub announce_positions_up_to: u32,
}

const METHOD: Field = Field::new(
    "method",
    Kind::OneOf(&["round_robin", "skill_based", "load_based"]),
    Default::Text("round_robin"),
    doc!("how an agent is chosen (see *Choosing* below)"),
);
const FALLBACK: Field = Field::new(
    "fallback",
    Kind::OneOf(&["queue", "callback", "none"]),
    Default::Text("queue"),
    doc!(
        "when nobody is free: `queue` (tell the position), `callback` (collect details), `none` \
         (the AI keeps it: the customer is told nobody is free, and for the next 60 s only an \
         explicit request hands off again, so every message does not repeat that)"
    ),
);
const PRIORITY_BOOST_ON_SENTIMENT: Field = Field::new(
    "priority_boost_on_sentiment",
    Kind::Bool,
    Default::Bool(true),
    doc!("sentiment at or below the threshold raises priority one level (normal → high)"),
);
const AGENT_POOL: Field = Field::new(
    "agent_pool",
    Kind::Texts,
    Default::Absent(doc!("every known agent")),
    doc!("the agents that may be chosen, in round-robin order"),
);
const SKILLS: Field = Field::new(
    "skills",
    Kind::Custom {
        what: doc!("object of skill → agent ids"),
        shape: shape!({
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string", "pattern": "\\S"}}
        }),
    },
    Default::Absent(doc!("`{}`")),
    doc!("skill → agent ids (`skill_based`)"),
);
const TOPIC_SKILLS: Field = Field::new(
    "topic_skills",
    Kind::Custom {
        what: doc!("object of topic → skill"),
        shape: shape!({
            "type": "object",
            "additionalProperties": {"type": "string", "minLength": 1}
        }),
    },
    Default::Absent(doc!("`{}`")),
    doc!(
        "topic → skill where names differ; otherwise a topic maps to the skill of the same name, \
         or one of its `_`-separated words (`billing_dispute` → `billing`)"
    ),
);
const MAX_CONCURRENT_PER_AGENT: Field = Field::new(
    "max_concurrent_per_agent",
    Kind::Whole { min: 1, max: 1000 },
    Default::Whole(5),
    doc!(
        "most conversations per agent (offers count); an agent's own `max_concurrent` overrides it"
    ),
);
const SKILL_WAIT_SECONDS: Field = Field::new(
    "skill_wait_seconds",
    Kind::Whole {
        min: 0,
        max: 86_400,
    },
    Default::Whole(60),
    doc!(
        "`skill_based`: wait this long for an agent with the skill, then any agent will do; \
         `null` waits forever"
    ),
)
.null(Null::Off);
const OFFER_TIMEOUT_SECONDS: Field = Field::new(
    "offer_timeout_seconds",
    Kind::Whole {
        min: 5,
        max: 86_400,
    },
    Default::Whole(60),
    doc!("an offered conversation goes to someone else if not accepted in time"),
);
const AUTO_ACCEPT: Field = Field::new(
    "auto_accept",
    Kind::Bool,
    Default::Bool(false),
    doc!("assign directly, without the offer/accept step"),
);
const AWAY_AFTER_MISSED_OFFER: Field = Field::new(
    "away_after_missed_offer",
    Kind::Bool,
    Default::Bool(true),
    doc!(
        "an agent who lets an offer lapse is set `away` (an `agent_status` output) until an \
         `agent_update` says they are online again"
    ),
);
const MAX_QUEUE_LENGTH: Field = Field::new(
    "max_queue_length",
    Kind::Whole {
        min: 1,
        max: 10_000_000,
    },
    Default::Absent(doc!("no limit")),
    doc!("a full queue offers a callback instead"),
);
const ANNOUNCE_POSITIONS_UP_TO: Field = Field::new(
    "announce_positions_up_to",
    Kind::Whole {
        min: 0,
        max: u32::MAX as u64,
    },
    Default::Whole(10),
    doc!(
        "when the queue moves, only customers now at positions up to this are told their new one \
         (`0`: nobody); everyone is told their position on joining, on asking for a person again, \
         and when they write while waiting and it has changed since they were told"
    ),
);

/// `handoff.routing`, described once.
pub(crate) static ROUTING: Section = Section {
    name: "RoutingConfig",
    path: "handoff.routing",
    fields: &[
        METHOD,
        FALLBACK,
        PRIORITY_BOOST_ON_SENTIMENT,
        AGENT_POOL,
        SKILLS,
        TOPIC_SKILLS,
        MAX_CONCURRENT_PER_AGENT,
        SKILL_WAIT_SECONDS,
        OFFER_TIMEOUT_SECONDS,
        AUTO_ACCEPT,
        AWAY_AFTER_MISSED_OFFER,
        MAX_QUEUE_LENGTH,
        ANNOUNCE_POSITIONS_UP_TO,
    ],
    doc: doc!("Who takes a conversation."),
    notes: doc!(
        "Choosing: round robin takes the next available agent after the last one chosen (the \
         cursor is in the state); load-based takes the fewest active conversations, ties to the \
         agent idle longest, then pool order; skill-based takes the highest proficiency with the \
         skill, then as load-based. *Available* means online, below capacity, and not having \
         declined or let lapse an offer of this conversation in the last `offer_timeout_seconds` \
         (after that it may come back to them, so a one-agent team is never stuck). Queue order \
         is priority (urgent first), then waiting time since the handoff; a declined conversation \
         keeps its turn. A customer who asks for a person again while the callback form is shown \
         gets another try (the team may be open by then). Routing is indexed (free agents per \
         method and skill, queue positions and deadlines), so one decision costs about the same \
         with 10,000 agents and 100,000 queued as with a hundred of each (see BENCHMARKS.md, \
         Routing at scale); what still grows with the queue is telling positions, hence \
         `announce_positions_up_to`."
    ),
};

impl std::default::Default for Routing {
    fn default() -> Routing {
        Routing {
            method: RoutingMethod::RoundRobin,
            fallback: Fallback::Queue,
            priority_boost_on_sentiment: PRIORITY_BOOST_ON_SENTIMENT.default_bool(),
            agent_pool: None,
            skills: BTreeMap::new(),
            topic_skills: BTreeMap::new(),
            max_concurrent_per_agent: MAX_CONCURRENT_PER_AGENT.default_whole() as u32,
            skill_wait_seconds: Some(SKILL_WAIT_SECONDS.default_whole() as u32),
            offer_timeout_seconds: OFFER_TIMEOUT_SECONDS.default_whole() as u32,
            auto_accept: AUTO_ACCEPT.default_bool(),
            away_after_missed_offer: AWAY_AFTER_MISSED_OFFER.default_bool(),
            max_queue_length: None,
            announce_positions_up_to: ANNOUNCE_POSITIONS_UP_TO.default_whole() as u32,
        }
    }
}

/// Reads `handoff.routing` (absent: every default); agent ids are checked against `agents`.
pub(super) fn parse_routing(
    value: Option<&Value>,
    path: &str,
    agents: &[AgentProfile],
    errors: &mut Errors,
) -> Routing {
    let mut routing = Routing::default();
    let Some(value) = value else { return routing };
    let Some(obj) = Obj::new(value, path, &ROUTING, errors) else {
        return routing;
    };
    match obj.one_of(&METHOD, errors) {
        Some("skill_based") => routing.method = RoutingMethod::SkillBased,
        Some("load_based") => routing.method = RoutingMethod::LoadBased,
        _ => {}
    }
    match obj.one_of(&FALLBACK, errors) {
        Some("callback") => routing.fallback = Fallback::Callback,
        Some("none") => routing.fallback = Fallback::None,
        _ => {}
    }
    routing.priority_boost_on_sentiment = obj.flag(&PRIORITY_BOOST_ON_SENTIMENT, errors);
    routing.auto_accept = obj.flag(&AUTO_ACCEPT, errors);
    routing.away_after_missed_offer = obj.flag(&AWAY_AFTER_MISSED_OFFER, errors);
    routing.agent_pool = obj
        .texts(&AGENT_POOL, errors)
        .map(|pool| checked_pool(pool, &obj.path_of(AGENT_POOL.key), agents, errors));
    if let Some(n) = obj.whole(&MAX_CONCURRENT_PER_AGENT, errors) {
        routing.max_concurrent_per_agent = n as u32;
    }
    if obj.is_null(&SKILL_WAIT_SECONDS) {
        routing.skill_wait_seconds = None;
    } else if let Some(n) = obj.whole(&SKILL_WAIT_SECONDS, errors) {
        routing.skill_wait_seconds = Some(n as u32);
    }
    if let Some(n) = obj.whole(&OFFER_TIMEOUT_SECONDS, errors) {
        routing.offer_timeout_seconds = n as u32;
    }
    if let Some(n) = obj.whole(&MAX_QUEUE_LENGTH, errors) {
        routing.max_queue_length = Some(n as u32);
    }
    if let Some(n) = obj.whole(&ANNOUNCE_POSITIONS_UP_TO, errors) {
        routing.announce_positions_up_to = n as u32;
    }
    if let Some(skills) = obj.get(SKILLS.key) {
        routing.skills = parse_skills(
            skills,
            &obj.path_of(SKILLS.key),
            routing.agent_pool.as_deref(),
            agents,
            errors,
        );
    }
    if let Some(map) = obj.get(TOPIC_SKILLS.key) {
        routing.topic_skills = parse_topic_skills(map, &obj.path_of(TOPIC_SKILLS.key), errors);
    }
    if routing.method == RoutingMethod::SkillBased {
        check_topic_skills(&routing, &obj.path_of(TOPIC_SKILLS.key), agents, errors);
    }
    routing
}

/// `skill_based`: every skill `routing.topic_skills` names is one some agent has.
fn check_topic_skills(
    routing: &Routing,
    ts_path: &str,
    agents: &[AgentProfile],
    errors: &mut Errors,
) {
    let known: BTreeSet<&String> = routing
        .skills
        .keys()
        .chain(agents.iter().flat_map(|a| a.skills.keys()))
        .collect();
    for (topic, skill) in &routing.topic_skills {
        if !known.contains(skill) {
            errors.value(
                ErrorKind::Invalid,
                &join(ts_path, topic),
                "no agent has this skill (add it to handoff.routing.skills or an agent's skills)",
                &Value::String(skill.clone()),
            );
        }
    }
}

/// `routing.agent_pool`: each agent once, and one of `handoff.agents` when those are listed.
fn checked_pool(
    pool: Vec<String>,
    pool_path: &str,
    agents: &[AgentProfile],
    errors: &mut Errors,
) -> Vec<String> {
    let mut seen = BTreeSet::new();
    for (i, id) in pool.iter().enumerate() {
        if !seen.insert(id) {
            errors.value(
                ErrorKind::Duplicate,
                &index(pool_path, i),
                "agent listed twice in the pool",
                &Value::String(id.clone()),
            );
        } else if !agents.is_empty() && !agents.iter().any(|a| &a.id == id) {
            errors.value(
                ErrorKind::Invalid,
                &index(pool_path, i),
                "agent is not in handoff.agents",
                &Value::String(id.clone()),
            );
        }
    }
    pool
}

/// `routing.skills`: skill name -> agent ids, each in the pool (or `handoff.agents`).
fn parse_skills(
    skills: &Value,
    skills_path: &str,
    pool: Option<&[String]>,
    agents: &[AgentProfile],
    errors: &mut Errors,
) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let Value::Object(map) = skills else {
        errors.value(
            ErrorKind::WrongType,
            skills_path,
            format!(
                "expected an object of skill name -> agent ids, found {}",
                type_name(skills)
            ),
            skills,
        );
        return out;
    };
    for (skill, members) in map {
        let member_path = join(skills_path, skill);
        let Some(ids) = strings_at(members, &member_path, errors) else {
            continue;
        };
        for (i, id) in ids.iter().enumerate() {
            let in_pool = match pool {
                Some(pool) => pool.contains(id),
                None => agents.is_empty() || agents.iter().any(|a| &a.id == id),
            };
            if !in_pool {
                let where_ = if pool.is_some() {
                    "handoff.routing.agent_pool"
                } else {
                    "handoff.agents"
                };
                errors.value(
                    ErrorKind::Invalid,
                    &index(&member_path, i),
                    format!("agent is not in {where_}"),
                    &Value::String(id.clone()),
                );
            }
        }
        out.insert(skill.clone(), ids);
    }
    out
}

/// `routing.topic_skills`: topic -> skill name.
fn parse_topic_skills(map: &Value, ts_path: &str, errors: &mut Errors) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Value::Object(map) = map else {
        errors.value(
            ErrorKind::WrongType,
            ts_path,
            format!(
                "expected an object of topic -> skill, found {}",
                type_name(map)
            ),
            map,
        );
        return out;
    };
    for (topic, skill) in map {
        match skill {
            Value::String(s) if !s.is_empty() => {
                out.insert(topic.clone(), s.clone());
            }
            other => errors.value(
                if other.is_string() {
                    ErrorKind::Invalid
                } else {
                    ErrorKind::WrongType
                },
                &join(ts_path, topic),
                "expected a skill name",
                other,
            ),
        }
    }
    out
}
