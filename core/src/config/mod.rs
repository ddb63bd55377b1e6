//! The configuration: the specification's `handoff` object, with defaults and validation.
//!
//! Every JSON snippet of the specification parses as written. Everything left out gets a sensible
//! default (see README, "Configuration reference"). Parsing reports *every* problem at once, each with
//! its JSON path and the offending value.
//!
//! # Example
//! ```
//! use handoff_core::config::{Config, RoutingMethod};
//!
//! let config = Config::from_json_str(r#"{
//!   "handoff": {
//!     "enabled": true,
//!     "routing": { "method": "load_based", "max_concurrent_per_agent": 5 }
//!   }
//! }"#)?;
//! assert_eq!(config.routing.method, RoutingMethod::LoadBased);
//! assert_eq!(config.triggers.sentiment_threshold, Some(-0.5));
//! # Ok::<(), handoff_core::config::ConfigErrors>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

use crate::hours::BusinessHours;
use crate::json::{index, join, strings_at, type_name, Errors, Obj};
use crate::template::Template;
use crate::topics::{builtin_keywords, TopicMatcher};

pub(crate) mod webhooks;
use crate::wire::error::{ConfigError, ErrorKind};
use crate::wire::state::Priority;
use webhooks::parse_webhooks;
pub use webhooks::{Webhook, EVENT_NAMES};

/// Every problem found in a configuration, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(
            f,
            "{n} configuration error{}",
            if n == 1 { "" } else { "s" }
        )?;
        for e in &self.0 {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// The whole engine configuration (the `handoff` object).
#[derive(Debug, Clone)]
pub struct Config {
    /// `handoff.enabled`: `false` turns handoff off entirely (default `true`).
    pub enabled: bool,
    /// `handoff.triggers`: when a conversation goes to a person.
    pub triggers: Triggers,
    /// `handoff.routing`: who takes it.
    pub routing: Routing,
    /// `handoff.messages`: what the customer is told.
    pub messages: Messages,
    /// `handoff.business_hours`: when people are on duty (always, when absent).
    pub business_hours: Option<BusinessHours>,
    /// `handoff.outside_hours`: what happens when nobody is on duty.
    pub outside_hours: OutsideHours,
    /// `handoff.agents`: known agents with names, skills and capacity.
    pub agents: Vec<AgentProfile>,
    /// `handoff.webhooks`: endpoints told about handoff events (with the enabled
    /// `kind: "webhook"` entries of `handoff.integrations`).
    pub webhooks: Vec<Webhook>,
    /// `handoff.integrations` of a helpdesk kind (Zendesk, Freshdesk, Intercom).
    pub integrations: Vec<crate::integrations::config::Integration>,
    /// `handoff.deliveries`: how deliveries are retried.
    pub deliveries: Deliveries,
    /// Topic keyword matcher built from `triggers.topics` and `routing.topic_skills`.
    pub topic_matcher: TopicMatcher,
}

/// `handoff.triggers`.
#[derive(Debug, Clone, PartialEq)]
pub struct Triggers {
    /// Hand off when the customer asks for a person (default `true`).
    pub customer_request: bool,
    /// Hand off when sentiment is at or below this (default `-0.5`; `null` turns it off).
    pub sentiment_threshold: Option<f64>,
    /// How many recent customer messages the sentiment trend averages (default 3).
    pub sentiment_window: u32,
    /// Hand off after this many unresolved customer/AI exchanges (default 10; `null` turns it off).
    pub max_exchanges: Option<u32>,
    /// Hand off when the AI's confidence is below this (default `0.3`; `null` turns it off).
    pub low_confidence_threshold: Option<f64>,
    /// How many low-confidence replies in a row are needed (default 1).
    pub low_confidence_consecutive: u32,
    /// Topics that go to a person.
    pub topics: Vec<TopicRule>,
}

/// One sensitive topic.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicRule {
    /// Topic name, as the caller's classifier names it (`billing_dispute`).
    pub name: String,
    /// Keywords that detect it in customer text (configured, or built in for known topics).
    pub keywords: Vec<String>,
    /// Priority this topic sets at least (default `normal`).
    pub priority: Option<Priority>,
}

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

/// `handoff.routing`.
#[derive(Debug, Clone, PartialEq)]
pub struct Routing {
    /// How an agent is chosen (default `round_robin`).
    pub method: RoutingMethod,
    /// When no agent is free (default `queue`).
    pub fallback: Fallback,
    /// Raise priority for negative sentiment (default `true`).
    pub priority_boost_on_sentiment: bool,
    /// The agents that may be chosen, in round-robin order. `None`: every known agent.
    pub agent_pool: Option<Vec<String>>,
    /// Skill name -> agent ids (`skill_based`).
    pub skills: BTreeMap<String, Vec<String>>,
    /// Topic -> skill, where the names differ (`billing_dispute` -> `billing`).
    pub topic_skills: BTreeMap<String, String>,
    /// Most conversations one agent holds at once, offers included (default 5).
    pub max_concurrent_per_agent: u32,
    /// `skill_based`: seconds to wait for an agent with the skill before any agent will do
    /// (default 60; `null`: wait for the skill forever).
    pub skill_wait_seconds: Option<u32>,
    /// Seconds an agent has to accept an offer (default 60).
    pub offer_timeout_seconds: u32,
    /// Assign without an offer/accept step (default `false`).
    pub auto_accept: bool,
    /// An agent who lets an offer lapse is set `away` until they say they are online again
    /// (default `true`): a missed offer usually means they stepped away.
    pub away_after_missed_offer: bool,
    /// Most conversations waiting at once; `None` for no limit.
    pub max_queue_length: Option<u32>,
    /// When the queue moves, only customers now at a position up to this are told their new one
    /// (default 10; `0`: nobody). A customer is always told their position on joining, and again
    /// when they write while waiting and it has changed.
    pub announce_positions_up_to: u32,
}

/// `handoff.outside_hours.action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutsideHoursAction {
    /// Show the message and collect callback details (default).
    CollectCallback,
    /// Queue anyway; agents take the queue when they come online.
    Queue,
    /// Only show the message; the AI keeps the conversation.
    Message,
}

/// `handoff.outside_hours`.
#[derive(Debug, Clone, PartialEq)]
pub struct OutsideHours {
    /// What happens outside business hours.
    pub action: OutsideHoursAction,
}

/// One agent known from configuration (`handoff.agents[]`).
#[derive(Debug, Clone, PartialEq)]
pub struct AgentProfile {
    /// Agent id as used everywhere else (`agent_1`).
    pub id: String,
    /// Name shown to customers (`{{agent_name}}`); defaults to the id.
    pub name: Option<String>,
    /// Skill -> proficiency (1..=10, default 1).
    pub skills: BTreeMap<String, u8>,
    /// This agent's own capacity, overriding `routing.max_concurrent_per_agent`.
    pub max_concurrent: Option<u32>,
}

/// `handoff.deliveries`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deliveries {
    /// Delay after each failed attempt, in ms (from `retry_schedule_seconds`; the last one
    /// repeats). Default: the Standard Webhooks schedule, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
    /// 14 h, 20 h, 24 h ([`crate::wire::limits::DEFAULT_SCHEDULE_MS`]).
    pub retry_schedule_ms: Vec<i64>,
}

impl Default for Deliveries {
    fn default() -> Self {
        Deliveries {
            retry_schedule_ms: crate::wire::limits::DEFAULT_SCHEDULE_MS.to_vec(),
        }
    }
}

const DELIVERIES_KEYS: &[&str] = &["retry_schedule_seconds"];

/// The longest delay between two attempts (s): a day, as in the default schedule.
const MAX_RETRY_DELAY_SECONDS: u64 = 86_400;

fn parse_deliveries(value: Option<&Value>, path: &str, errors: &mut Errors) -> Deliveries {
    let mut deliveries = Deliveries::default();
    let Some(value) = value else {
        return deliveries;
    };
    let Some(obj) = Obj::new(value, path, DELIVERIES_KEYS, errors) else {
        return deliveries;
    };
    let Some(schedule) = obj.get("retry_schedule_seconds") else {
        return deliveries;
    };
    let schedule_path = obj.path_of("retry_schedule_seconds");
    let most = crate::wire::limits::MAX_ATTEMPTS as usize - 1;
    match schedule {
        Value::Array(items) if !items.is_empty() && items.len() <= most => {
            let mut delays = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                match item.as_u64() {
                    Some(n) if (1..=MAX_RETRY_DELAY_SECONDS).contains(&n) => {
                        delays.push(n as i64 * 1000)
                    }
                    _ => errors.value(
                        ErrorKind::OutOfRange,
                        &index(&schedule_path, i),
                        format!(
                            "expected a whole number of seconds from 1 to {MAX_RETRY_DELAY_SECONDS}"
                        ),
                        item,
                    ),
                }
            }
            if delays.len() == items.len() {
                deliveries.retry_schedule_ms = delays;
            }
        }
        other => errors.value(
            ErrorKind::WrongType,
            &schedule_path,
            format!(
                "expected an array of 1 to {most} delays in seconds (after the 1st, 2nd, ... failed \
                 attempt; the last one repeats), found {}",
                type_name(other)
            ),
            other,
        ),
    }
    deliveries
}

/// A message kind and the placeholders it offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MessageKind {
    /// Said when a handoff starts.
    HandoffInitiated,
    /// Said when the conversation joins the queue.
    WaitingForAgent,
    /// Said when the queue position changes.
    QueuePositionChanged,
    /// Said when an agent takes the conversation.
    AgentConnected,
    /// Said outside business hours.
    OutsideHours,
    /// Said when callback details were taken.
    CallbackConfirmed,
    /// Said when no one is free and the fallback is `none`.
    NoAgentAvailable,
    /// Said when the queue is full.
    QueueFull,
}

impl MessageKind {
    /// Every kind, in documentation order.
    pub const ALL: [MessageKind; 8] = [
        MessageKind::HandoffInitiated,
        MessageKind::WaitingForAgent,
        MessageKind::QueuePositionChanged,
        MessageKind::AgentConnected,
        MessageKind::OutsideHours,
        MessageKind::CallbackConfirmed,
        MessageKind::NoAgentAvailable,
        MessageKind::QueueFull,
    ];

    /// The key under `handoff.messages` (also the `template` field of `message` outputs).
    pub fn key(self) -> &'static str {
        match self {
            MessageKind::HandoffInitiated => "handoff_initiated",
            MessageKind::WaitingForAgent => "waiting_for_agent",
            MessageKind::QueuePositionChanged => "queue_position_changed",
            MessageKind::AgentConnected => "agent_connected",
            MessageKind::OutsideHours => "outside_hours",
            MessageKind::CallbackConfirmed => "callback_confirmed",
            MessageKind::NoAgentAvailable => "no_agent_available",
            MessageKind::QueueFull => "queue_full",
        }
    }

    /// The placeholders this message may use.
    pub fn placeholders(self) -> &'static [&'static str] {
        match self {
            MessageKind::HandoffInitiated => &["customer_name", "conversation_id"],
            MessageKind::WaitingForAgent | MessageKind::QueuePositionChanged => &[
                "position",
                "queue_length",
                "customer_name",
                "conversation_id",
            ],
            MessageKind::AgentConnected => &["agent_name", "customer_name", "conversation_id"],
            MessageKind::CallbackConfirmed => &[
                "callback_time",
                "next_opening",
                "customer_name",
                "conversation_id",
            ],
            MessageKind::OutsideHours | MessageKind::NoAgentAvailable | MessageKind::QueueFull => {
                &["next_opening", "customer_name", "conversation_id"]
            }
        }
    }

    fn default_text(self) -> &'static str {
        match self {
            MessageKind::HandoffInitiated => {
                "I'm connecting you with a team member who can help further."
            }
            MessageKind::WaitingForAgent => {
                "Please hold while I find an available agent. You're {{position}} in queue."
            }
            MessageKind::QueuePositionChanged => "You're now {{position}} in queue.",
            MessageKind::AgentConnected => "You're now connected with {{agent_name}}.",
            MessageKind::OutsideHours => {
                "Our team is currently offline. Can I collect your details for a callback?"
            }
            MessageKind::CallbackConfirmed => {
                "Thank you. Our team will call you back {{callback_time}}."
            }
            MessageKind::NoAgentAvailable => "All our team members are busy right now.",
            MessageKind::QueueFull => {
                "Our queue is full right now. Can I collect your details for a callback?"
            }
        }
    }
}

/// `handoff.messages`: one template per [`MessageKind`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Messages {
    templates: BTreeMap<MessageKind, Template>,
}

impl Messages {
    /// The template for `kind` (always present in a configuration that parsed).
    pub fn template(&self, kind: MessageKind) -> Option<&Template> {
        self.templates.get(&kind)
    }

    /// Renders the message `kind` with `value` giving each placeholder's text.
    pub fn render(&self, kind: MessageKind, value: &dyn Fn(&str) -> Option<String>) -> String {
        self.template(kind)
            .map(|t| t.render(value))
            .unwrap_or_default()
    }
}

impl Config {
    /// Parses a configuration from JSON text: `{"handoff": {...}}` (or the bare `handoff` object).
    ///
    /// # Errors
    /// Every problem, each with its JSON path, when the text is not valid JSON or not a valid
    /// configuration.
    pub fn from_json_str(text: &str) -> Result<Config, ConfigErrors> {
        match serde_json::from_str::<Value>(text) {
            Ok(value) => Config::from_value(&value),
            Err(e) => Err(ConfigErrors(vec![ConfigError::new(
                ErrorKind::NotJson,
                "$",
                format!(
                    "not valid JSON: {e} (line {}, column {})",
                    e.line(),
                    e.column()
                ),
            )])),
        }
    }

    /// Parses a configuration from a JSON value: `{"handoff": {...}}` (or the bare `handoff` object).
    ///
    /// # Errors
    /// Every problem found, each with its JSON path and the offending value.
    pub fn from_value(value: &Value) -> Result<Config, ConfigErrors> {
        let mut errors = Errors::default();
        let handoff = match value {
            Value::Object(map) if map.len() == 1 && map.contains_key("handoff") => &map["handoff"],
            Value::Object(map) if map.contains_key("handoff") => {
                let top = Obj::new(value, "$", &["handoff"], &mut errors);
                drop(top);
                &map["handoff"]
            }
            other => other,
        };
        let config = parse_handoff(handoff, &mut errors);
        match config {
            Some(c) if errors.list.is_empty() => Ok(c),
            _ => Err(ConfigErrors(errors.list)),
        }
    }

    /// The capacity of `agent_id` from configuration (its own, or the routing default).
    pub fn capacity_of(&self, agent_id: &str) -> u32 {
        self.agents
            .iter()
            .find(|a| a.id == agent_id)
            .and_then(|a| a.max_concurrent)
            .unwrap_or(self.routing.max_concurrent_per_agent)
    }

    /// The configured profile of `agent_id`, if any.
    pub fn agent(&self, agent_id: &str) -> Option<&AgentProfile> {
        self.agents.iter().find(|a| a.id == agent_id)
    }

    /// The topic rule named `topic`, if it is one of `triggers.topics`.
    pub fn topic_rule(&self, topic: &str) -> Option<&TopicRule> {
        self.triggers.topics.iter().find(|t| t.name == topic)
    }

    /// The skill a topic needs under `skill_based` routing: `routing.topic_skills`, else a skill
    /// with the topic's own name, else a skill named by one of the topic's `_`-separated words
    /// (`billing_dispute` -> `billing`).
    pub fn skill_for_topic(&self, topic: &str) -> Option<String> {
        if let Some(skill) = self.routing.topic_skills.get(topic) {
            return Some(skill.clone());
        }
        let known = self.known_skills();
        if known.contains(topic) {
            return Some(topic.to_string());
        }
        topic
            .split(['_', '-', ' '])
            .find(|w| known.contains(*w))
            .map(str::to_string)
    }

    /// Every skill named in `routing.skills` or agent profiles.
    pub fn known_skills(&self) -> BTreeSet<&str> {
        let mut set: BTreeSet<&str> = self.routing.skills.keys().map(String::as_str).collect();
        for agent in &self.agents {
            set.extend(agent.skills.keys().map(String::as_str));
        }
        set
    }
}

const HANDOFF_KEYS: &[&str] = &[
    "enabled",
    "triggers",
    "routing",
    "messages",
    "business_hours",
    "outside_hours",
    "agents",
    "webhooks",
    "integrations",
    "deliveries",
];

fn parse_handoff(value: &Value, errors: &mut Errors) -> Option<Config> {
    let path = "handoff";
    let obj = Obj::new(value, path, HANDOFF_KEYS, errors)?;
    let enabled = obj.bool("enabled", true, errors);
    let agents = match obj.get("agents") {
        Some(v) => parse_agents(v, &obj.path_of("agents"), errors),
        None => Vec::new(),
    };
    let triggers = parse_triggers(obj.get("triggers"), &obj.path_of("triggers"), errors);
    let routing = parse_routing(obj.get("routing"), &obj.path_of("routing"), &agents, errors);
    let business_hours = obj.get("business_hours").and_then(|v| {
        BusinessHours::from_json(v, &obj.path_of("business_hours"), &mut errors.list)
    });
    let (outside_hours, outside_message) = parse_outside_hours(
        obj.get("outside_hours"),
        &obj.path_of("outside_hours"),
        errors,
    );
    let messages = parse_messages(
        obj.get("messages"),
        &obj.path_of("messages"),
        outside_message,
        errors,
    );
    let mut webhooks = match obj.get("webhooks") {
        Some(v) => parse_webhooks(v, &obj.path_of("webhooks"), errors),
        None => Vec::new(),
    };
    let integrations = match obj.get("integrations") {
        Some(v) => {
            let taken: Vec<String> = webhooks.iter().map(|w| w.id.clone()).collect();
            let parsed =
                crate::integrations::config::parse(v, &obj.path_of("integrations"), &taken, errors);
            webhooks.extend(parsed.webhooks);
            parsed.integrations
        }
        None => Vec::new(),
    };
    let deliveries = parse_deliveries(obj.get("deliveries"), &obj.path_of("deliveries"), errors);
    let mut matcher_topics: Vec<(String, Vec<String>)> = triggers
        .topics
        .iter()
        .map(|t| (t.name.clone(), t.keywords.clone()))
        .collect();
    for topic in routing.topic_skills.keys() {
        if !matcher_topics.iter().any(|(name, _)| name == topic) {
            let keywords = builtin_keywords(topic)
                .map(|k| k.iter().map(|s| s.to_string()).collect())
                .unwrap_or_default();
            matcher_topics.push((topic.clone(), keywords));
        }
    }
    Some(Config {
        enabled,
        triggers,
        routing,
        messages,
        business_hours,
        outside_hours,
        agents,
        webhooks,
        integrations,
        deliveries,
        topic_matcher: TopicMatcher::new(matcher_topics),
    })
}

const TRIGGER_KEYS: &[&str] = &[
    "customer_request",
    "sentiment_threshold",
    "sentiment_window",
    "max_exchanges",
    "low_confidence_threshold",
    "low_confidence_consecutive",
    "topics",
];

fn parse_triggers(value: Option<&Value>, path: &str, errors: &mut Errors) -> Triggers {
    let mut triggers = Triggers {
        customer_request: true,
        sentiment_threshold: Some(-0.5),
        sentiment_window: 3,
        max_exchanges: Some(10),
        low_confidence_threshold: Some(0.3),
        low_confidence_consecutive: 1,
        topics: Vec::new(),
    };
    let Some(value) = value else { return triggers };
    let Some(obj) = Obj::new(value, path, TRIGGER_KEYS, errors) else {
        return triggers;
    };
    triggers.customer_request = obj.bool("customer_request", true, errors);
    // An explicit `null` turns a numeric trigger off; absent keeps the default.
    let explicit_null = |key: &str| matches!(obj.map.get(key), Some(Value::Null));
    if explicit_null("sentiment_threshold") {
        triggers.sentiment_threshold = None;
    } else if obj.get("sentiment_threshold").is_some() {
        triggers.sentiment_threshold = obj.number("sentiment_threshold", -1.0, 1.0, errors);
    }
    if let Some(n) = obj.uint("sentiment_window", 1, 50, errors) {
        triggers.sentiment_window = n as u32;
    }
    if explicit_null("max_exchanges") {
        triggers.max_exchanges = None;
    } else if obj.get("max_exchanges").is_some() {
        triggers.max_exchanges = obj
            .uint("max_exchanges", 1, 10_000, errors)
            .map(|n| n as u32);
    }
    if explicit_null("low_confidence_threshold") {
        triggers.low_confidence_threshold = None;
    } else if obj.get("low_confidence_threshold").is_some() {
        triggers.low_confidence_threshold =
            obj.number("low_confidence_threshold", 0.0, 1.0, errors);
    }
    if let Some(n) = obj.uint("low_confidence_consecutive", 1, 100, errors) {
        triggers.low_confidence_consecutive = n as u32;
    }
    if let Some(topics) = obj.get("topics") {
        triggers.topics = parse_topics(topics, &obj.path_of("topics"), errors);
    }
    triggers
}

fn parse_topics(value: &Value, path: &str, errors: &mut Errors) -> Vec<TopicRule> {
    let Value::Array(items) = value else {
        errors.value(
            ErrorKind::WrongType,
            path,
            format!(
                "expected an array of topic names or objects, found {}",
                type_name(value)
            ),
            value,
        );
        return Vec::new();
    };
    let mut out: Vec<TopicRule> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let item_path = index(path, i);
        let rule = match item {
            Value::String(name) if is_identifier(name) => Some(TopicRule {
                name: name.clone(),
                keywords: builtin(name),
                priority: None,
            }),
            Value::String(_) => {
                errors.value(
                    ErrorKind::Invalid,
                    &item_path,
                    "expected a topic name of letters, digits, '_' or '-'",
                    item,
                );
                None
            }
            Value::Object(_) => {
                let obj = Obj::new(item, &item_path, &["name", "keywords", "priority"], errors);
                obj.and_then(|obj| {
                    let name = obj.nonempty_string("name", errors);
                    if name.is_none() && obj.get("name").is_none() {
                        errors.at(
                            ErrorKind::Missing,
                            &obj.path_of("name"),
                            "missing field \"name\"",
                        );
                    }
                    let keywords = obj.strings("keywords", errors);
                    let priority = obj
                        .variant("priority", Priority::NAMES, errors)
                        .and_then(Priority::from_name);
                    name.map(|name| TopicRule {
                        name: name.to_string(),
                        keywords: keywords.unwrap_or_else(|| builtin(name)),
                        priority,
                    })
                })
            }
            other => {
                errors.value(
                    ErrorKind::WrongType,
                    &item_path,
                    format!(
                        "expected a topic name or object, found {}",
                        type_name(other)
                    ),
                    other,
                );
                None
            }
        };
        if let Some(rule) = rule {
            if out.iter().any(|t| t.name == rule.name) {
                errors.value(ErrorKind::Duplicate, &item_path, "topic listed twice", item);
            } else {
                out.push(rule);
            }
        }
    }
    out
}

fn builtin(topic: &str) -> Vec<String> {
    builtin_keywords(topic)
        .map(|k| k.iter().map(|s| s.to_string()).collect())
        .unwrap_or_default()
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.')
}

const ROUTING_KEYS: &[&str] = &[
    "method",
    "fallback",
    "priority_boost_on_sentiment",
    "agent_pool",
    "skills",
    "topic_skills",
    "max_concurrent_per_agent",
    "skill_wait_seconds",
    "offer_timeout_seconds",
    "auto_accept",
    "away_after_missed_offer",
    "max_queue_length",
    "announce_positions_up_to",
];

fn parse_routing(
    value: Option<&Value>,
    path: &str,
    agents: &[AgentProfile],
    errors: &mut Errors,
) -> Routing {
    let mut routing = Routing {
        method: RoutingMethod::RoundRobin,
        fallback: Fallback::Queue,
        priority_boost_on_sentiment: true,
        agent_pool: None,
        skills: BTreeMap::new(),
        topic_skills: BTreeMap::new(),
        max_concurrent_per_agent: 5,
        skill_wait_seconds: Some(60),
        offer_timeout_seconds: 60,
        auto_accept: false,
        away_after_missed_offer: true,
        max_queue_length: None,
        announce_positions_up_to: 10,
    };
    let Some(value) = value else { return routing };
    let Some(obj) = Obj::new(value, path, ROUTING_KEYS, errors) else {
        return routing;
    };
    match obj.variant(
        "method",
        &["round_robin", "skill_based", "load_based"],
        errors,
    ) {
        Some("skill_based") => routing.method = RoutingMethod::SkillBased,
        Some("load_based") => routing.method = RoutingMethod::LoadBased,
        _ => {}
    }
    match obj.variant("fallback", &["queue", "callback", "none"], errors) {
        Some("callback") => routing.fallback = Fallback::Callback,
        Some("none") => routing.fallback = Fallback::None,
        _ => {}
    }
    routing.priority_boost_on_sentiment = obj.bool("priority_boost_on_sentiment", true, errors);
    routing.auto_accept = obj.bool("auto_accept", false, errors);
    routing.away_after_missed_offer = obj.bool("away_after_missed_offer", true, errors);
    routing.agent_pool = obj
        .strings("agent_pool", errors)
        .map(|pool| checked_pool(pool, &obj.path_of("agent_pool"), agents, errors));
    if let Some(n) = obj.uint("max_concurrent_per_agent", 1, 1000, errors) {
        routing.max_concurrent_per_agent = n as u32;
    }
    if matches!(obj.map.get("skill_wait_seconds"), Some(Value::Null)) {
        routing.skill_wait_seconds = None;
    } else if let Some(n) = obj.uint("skill_wait_seconds", 0, 86_400, errors) {
        routing.skill_wait_seconds = Some(n as u32);
    }
    if let Some(n) = obj.uint("offer_timeout_seconds", 5, 86_400, errors) {
        routing.offer_timeout_seconds = n as u32;
    }
    if let Some(n) = obj.uint("max_queue_length", 1, 10_000_000, errors) {
        routing.max_queue_length = Some(n as u32);
    }
    if let Some(n) = obj.uint("announce_positions_up_to", 0, u64::from(u32::MAX), errors) {
        routing.announce_positions_up_to = n as u32;
    }
    if let Some(skills) = obj.get("skills") {
        routing.skills = parse_skills(
            skills,
            &obj.path_of("skills"),
            routing.agent_pool.as_deref(),
            agents,
            errors,
        );
    }
    if let Some(map) = obj.get("topic_skills") {
        routing.topic_skills = parse_topic_skills(map, &obj.path_of("topic_skills"), errors);
    }
    if routing.method == RoutingMethod::SkillBased {
        let known: BTreeSet<&String> = routing
            .skills
            .keys()
            .chain(agents.iter().flat_map(|a| a.skills.keys()))
            .collect();
        for (topic, skill) in &routing.topic_skills {
            if !known.contains(skill) {
                errors.value(
                    ErrorKind::Invalid,
                    &join(&obj.path_of("topic_skills"), topic),
                    "no agent has this skill (add it to handoff.routing.skills or an agent's skills)",
                    &Value::String(skill.clone()),
                );
            }
        }
    }
    routing
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
                ErrorKind::Invalid,
                &join(ts_path, topic),
                "expected a skill name",
                other,
            ),
        }
    }
    out
}

fn parse_agents(value: &Value, path: &str, errors: &mut Errors) -> Vec<AgentProfile> {
    let Value::Array(items) = value else {
        errors.value(
            ErrorKind::WrongType,
            path,
            format!("expected an array of agents, found {}", type_name(value)),
            value,
        );
        return Vec::new();
    };
    let mut out: Vec<AgentProfile> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let item_path = index(path, i);
        let Some(obj) = Obj::new(
            item,
            &item_path,
            &["id", "name", "skills", "max_concurrent"],
            errors,
        ) else {
            continue;
        };
        let id = obj.nonempty_string("id", errors);
        if obj.get("id").is_none() {
            errors.at(
                ErrorKind::Missing,
                &obj.path_of("id"),
                "missing field \"id\"",
            );
        }
        let name = obj.nonempty_string("name", errors).map(str::to_string);
        let max_concurrent = obj
            .uint("max_concurrent", 1, 1000, errors)
            .map(|n| n as u32);
        let mut skills = BTreeMap::new();
        if let Some(v) = obj.get("skills") {
            let skills_path = obj.path_of("skills");
            match v {
                Value::Array(_) => {
                    for s in strings_at(v, &skills_path, errors).unwrap_or_default() {
                        skills.insert(s, 1);
                    }
                }
                Value::Object(map) => {
                    for (skill, level) in map {
                        match level.as_u64() {
                            Some(l) if (1..=10).contains(&l) => {
                                skills.insert(skill.clone(), l as u8);
                            }
                            _ => errors.value(
                                ErrorKind::OutOfRange,
                                &join(&skills_path, skill),
                                "expected a proficiency from 1 to 10",
                                level,
                            ),
                        }
                    }
                }
                other => errors.value(
                    ErrorKind::WrongType,
                    &skills_path,
                    format!(
                        "expected a list of skills or an object of skill -> proficiency, found {}",
                        type_name(other)
                    ),
                    other,
                ),
            }
        }
        if let Some(id) = id {
            if out.iter().any(|a| a.id == id) {
                errors.value(
                    ErrorKind::Duplicate,
                    &obj.path_of("id"),
                    "agent id listed twice",
                    &Value::String(id.into()),
                );
                continue;
            }
            out.push(AgentProfile {
                id: id.to_string(),
                name,
                skills,
                max_concurrent,
            });
        }
    }
    out
}

fn parse_outside_hours(
    value: Option<&Value>,
    path: &str,
    errors: &mut Errors,
) -> (OutsideHours, Option<String>) {
    let mut outside = OutsideHours {
        action: OutsideHoursAction::CollectCallback,
    };
    let Some(value) = value else {
        return (outside, None);
    };
    let Some(obj) = Obj::new(value, path, &["action", "message"], errors) else {
        return (outside, None);
    };
    match obj.variant("action", &["collect_callback", "queue", "message"], errors) {
        Some("queue") => outside.action = OutsideHoursAction::Queue,
        Some("message") => outside.action = OutsideHoursAction::Message,
        _ => {}
    }
    let message = obj.nonempty_string("message", errors).map(str::to_string);
    (outside, message)
}

fn parse_messages(
    value: Option<&Value>,
    path: &str,
    outside_message: Option<String>,
    errors: &mut Errors,
) -> Messages {
    const KEYS: &[&str] = &[
        "handoff_initiated",
        "waiting_for_agent",
        "queue_position_changed",
        "agent_connected",
        "outside_hours",
        "callback_confirmed",
        "no_agent_available",
        "queue_full",
    ];
    let obj = value.and_then(|v| Obj::new(v, path, KEYS, errors));
    let mut templates = BTreeMap::new();
    for kind in MessageKind::ALL {
        let configured = obj
            .as_ref()
            .and_then(|o| o.nonempty_string(kind.key(), errors));
        let (source, source_path) = match (configured, kind) {
            (Some(text), _) => (text.to_string(), join(path, kind.key())),
            (None, MessageKind::OutsideHours) if outside_message.is_some() => (
                outside_message.clone().unwrap_or_default(),
                "handoff.outside_hours.message".to_string(),
            ),
            (None, _) => (kind.default_text().to_string(), join(path, kind.key())),
        };
        match Template::parse(&source, kind.placeholders()) {
            Ok(t) => {
                templates.insert(kind, t);
            }
            Err(e) => {
                errors.value(
                    ErrorKind::Invalid,
                    &source_path,
                    e.to_string(),
                    &Value::String(source.clone()),
                );
            }
        }
    }
    Messages { templates }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn errors_of(value: Value) -> Vec<ConfigError> {
        match Config::from_value(&value) {
            Ok(_) => Vec::new(),
            Err(e) => e.0,
        }
    }

    #[test]
    fn an_empty_handoff_object_gets_every_default() {
        let config = Config::from_value(&json!({"handoff": {}})).unwrap();
        assert!(config.enabled);
        assert!(config.triggers.customer_request);
        assert_eq!(config.triggers.max_exchanges, Some(10));
        assert_eq!(config.routing.method, RoutingMethod::RoundRobin);
        assert_eq!(config.routing.fallback, Fallback::Queue);
        assert_eq!(config.routing.max_concurrent_per_agent, 5);
        assert!(config.business_hours.is_none());
    }

    #[test]
    fn all_errors_are_reported_at_once_with_paths() {
        let errors = errors_of(json!({"handoff": {
            "enabled": "yes",
            "triggers": {"sentiment_threshold": -1.5, "max_exchanges": 0, "topcs": []},
            "routing": {"method": "round_robbin"},
            "messages": {"waiting_for_agent": "You're {{postion}} in queue."}
        }}));
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "handoff.enabled",
                "handoff.triggers.topcs",
                "handoff.triggers.sentiment_threshold",
                "handoff.triggers.max_exchanges",
                "handoff.routing.method",
                "handoff.messages.waiting_for_agent",
            ]
        );
        assert!(errors[4]
            .message
            .contains("unknown variant \"round_robbin\""));
        assert_eq!(errors[2].value.as_deref(), Some("-1.5"));
    }

    #[test]
    fn announce_positions_up_to_defaults_to_ten_and_must_be_a_whole_number() {
        let config = Config::from_value(&json!({"handoff": {}})).unwrap();
        assert_eq!(config.routing.announce_positions_up_to, 10);
        let config =
            Config::from_value(&json!({"handoff": {"routing": {"announce_positions_up_to": 0}}}))
                .unwrap();
        assert_eq!(config.routing.announce_positions_up_to, 0);
        for bad in [json!(-1), json!(2.5), json!("10"), json!(5_000_000_000u64)] {
            let errors =
                errors_of(json!({"handoff": {"routing": {"announce_positions_up_to": bad}}}));
            assert_eq!(errors.len(), 1, "{bad}");
            assert_eq!(errors[0].path, "handoff.routing.announce_positions_up_to");
            assert!(
                errors[0].message.contains("whole number from 0"),
                "{}",
                errors[0]
            );
        }
    }

    #[test]
    fn null_turns_a_numeric_trigger_off() {
        let config =
            Config::from_value(&json!({"handoff": {"triggers": {"max_exchanges": null}}})).unwrap();
        assert_eq!(config.triggers.max_exchanges, None);
    }

    #[test]
    fn inline_secrets_are_refused_without_echoing_them() {
        let errors = errors_of(
            json!({"handoff": {"webhooks": [{"url": "https://x.test/h", "secret": "whsec_TOPSECRET"}]}}),
        );
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].path, "handoff.webhooks[0].secret");
        assert!(!errors[0].to_string().contains("TOPSECRET"));
    }

    #[test]
    fn skill_map_must_name_pool_agents() {
        let errors = errors_of(json!({"handoff": {"routing": {
            "method": "skill_based",
            "agent_pool": ["agent_1"],
            "skills": {"billing": ["agent_1", "agent_9"]}
        }}}));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].path, "handoff.routing.skills.billing[1]");
        assert_eq!(errors[0].value.as_deref(), Some("\"agent_9\""));
    }
}
