//! The configuration: the specification's `handoff` object, with defaults and validation.
//!
//! Every JSON snippet of the specification parses as written. Everything left out gets a sensible
//! default (see README, "Configuration reference"). Parsing reports *every* problem at once, each with
//! its JSON path and the offending value.
//!
//! One module per section (`triggers`, `routing`, `agents`, `messages` with `outside_hours`,
//! `hours` for `business_hours`, `webhooks`, `integrations`, `deliveries`), each describing its
//! keys once as a table (key, type and range, default, what `null` means, doc) that the reader
//! (`read`) walks: the known keys, the range checks and the defaults come from it. With the cargo
//! feature `schema`, `config::schema` writes the same tables out as the JSON Schema and as README's
//! reference, so a default is written in one place.
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

use std::collections::BTreeSet;
use std::fmt;

use serde_json::Value;

use crate::language::topics::{builtin_keywords, TopicMatcher};
use crate::wire::error::{ConfigError, ErrorKind, PathError};
use read::{index, join, Default, Errors, Field, Kind, Obj, Section};

/// A doc text of a field table ([`read::Doc`]): kept only with the `schema` feature.
#[cfg(feature = "schema")]
macro_rules! doc {
    ($text:expr) => {
        $text
    };
}
/// A doc text of a field table ([`read::Doc`]): kept only with the `schema` feature.
#[cfg(not(feature = "schema"))]
macro_rules! doc {
    ($text:expr) => {
        ()
    };
}
/// The JSON Schema of a [`read::Kind::Custom`] field: kept only with the `schema` feature.
#[cfg(feature = "schema")]
macro_rules! shape {
    ($($json:tt)+) => {
        || serde_json::json!($($json)+)
    };
}
/// The JSON Schema of a [`read::Kind::Custom`] field: kept only with the `schema` feature.
#[cfg(not(feature = "schema"))]
macro_rules! shape {
    ($($json:tt)+) => {
        ()
    };
}

/// A hand-written JSON Schema kept in a constant: itself with the `schema` feature, `()` otherwise.
#[cfg(feature = "schema")]
macro_rules! shape_of {
    ($shape:expr) => {
        $shape
    };
}
/// A hand-written JSON Schema kept in a constant: itself with the `schema` feature, `()` otherwise.
#[cfg(not(feature = "schema"))]
macro_rules! shape_of {
    ($shape:expr) => {
        ()
    };
}

mod agents;
mod console;
mod deliveries;
pub(crate) mod hours;
pub(crate) mod integrations;
mod messages;
pub(crate) mod read;
mod resolution;
mod routing;
#[cfg(feature = "schema")]
pub mod schema;
pub mod template;
mod triggers;
pub(crate) mod webhooks;

pub use agents::AgentProfile;
pub use console::{CannedResponse, Console};
pub use deliveries::Deliveries;
pub use hours::BusinessHours;
pub use integrations::{Freshdesk, Integration, Intercom, Sunshine, Ticketing, Vendor, Zendesk};
pub use messages::{MessageKind, Messages, OutsideHours, OutsideHoursAction};
pub use resolution::{ReopenTo, Resolution, DEFAULT_OUTCOMES};
pub use routing::{Fallback, Routing, RoutingMethod};
pub use triggers::{TopicRule, Triggers};
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
    /// `handoff.enabled`: `false` turns handoff off entirely.
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
    pub integrations: Vec<Integration>,
    /// `handoff.deliveries`: how deliveries are retried.
    pub deliveries: Deliveries,
    /// `handoff.resolution`: resolving, reopening, wrap-up and the satisfaction question.
    pub resolution: Resolution,
    /// `handoff.console`: what the agents' consoles offer (canned responses); the engine only
    /// checks it.
    pub console: Console,
    /// Topic keyword matcher built from `triggers.topics` and `routing.topic_skills`.
    pub topic_matcher: TopicMatcher,
    /// What a browser may not run of this configuration ([`Config::refuse_for_browser`]), found
    /// while reading it, where the paths are known.
    browser_refusal: Option<PathError>,
}

impl Config {
    /// Parses a configuration from JSON text: `{"handoff": {...}}` (or the bare `handoff` object).
    ///
    /// # Errors
    /// Every problem, each with its JSON path, when the text is not valid JSON or not a valid
    /// configuration.
    ///
    /// # Example
    /// ```
    /// use handoff_core::{Config, ErrorKind};
    ///
    /// let config = Config::from_json_str(r#"{"handoff": {"routing": {"method": "skill_based"}}}"#)?;
    /// assert_eq!(config.routing.method, handoff_core::config::RoutingMethod::SkillBased);
    ///
    /// let errors = Config::from_json_str(r#"{"handoff": {"routing": {"metod": "load_based"}}}"#).unwrap_err();
    /// assert_eq!(errors.0[0].path, "handoff.routing.metod");
    /// assert_eq!(errors.0[0].kind, ErrorKind::UnknownField);
    /// assert!(errors.0[0].message.contains("method")); // did you mean
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
    ///
    /// # Example
    /// ```
    /// use handoff_core::{Config, ErrorKind};
    ///
    /// let config = Config::from_value(&serde_json::json!({"handoff": {"routing": {"offer_timeout_seconds": 45}}}))?;
    /// assert_eq!(config.routing.offer_timeout_seconds, 45);
    ///
    /// let errors = Config::from_value(&serde_json::json!({"handoff": {"routing": {"offer_timeout_seconds": -1}}})).unwrap_err();
    /// assert_eq!(errors.0[0].path, "handoff.routing.offer_timeout_seconds");
    /// assert_eq!(errors.0[0].kind, ErrorKind::OutOfRange);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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

    /// Refuses what a browser may not run: a webhook signed with a secret (`secret_ref`, in
    /// `handoff.webhooks` or a `kind: "webhook"` entry of `handoff.integrations`, enabled or not)
    /// and any helpdesk integration (Zendesk, Freshdesk, Intercom). The page would have to hold
    /// their credentials, and whatever a page holds its visitors can read. An unsigned webhook is
    /// allowed. Hosts that run in a browser call this before they start the engine (the npm
    /// package's `HandoffHost` does, through the js module's `browserRefusal`); servers and edge
    /// workers, which hold credentials as environment variables or secrets, do not.
    ///
    /// # Errors
    /// The first thing refused, as a [`PathError`] of kind [`ErrorKind::Invalid`] naming its path:
    /// `handoff.webhooks[0].secret_ref`, `handoff.integrations[1].secret_ref` (a webhook entry) or
    /// `handoff.integrations[0]` (a helpdesk); signed webhooks come before helpdesks. The
    /// reference itself is not repeated (it may be a secret pasted in by mistake).
    ///
    /// # Example
    /// ```
    /// use handoff_core::{Config, ErrorKind};
    ///
    /// let unsigned = r#"{"handoff": {"webhooks": [{"url": "https://example.com/h"}]}}"#;
    /// assert!(Config::from_json_str(unsigned)?.refuse_for_browser().is_ok());
    ///
    /// let signed = r#"{"handoff": {"webhooks": [
    ///   {"url": "https://example.com/h", "secret_ref": "HANDOFF_WEBHOOK_SECRET"}]}}"#;
    /// let refusal = Config::from_json_str(signed)?.refuse_for_browser().unwrap_err();
    /// assert_eq!(refusal.path, "handoff.webhooks[0].secret_ref");
    /// assert_eq!(refusal.kind, ErrorKind::Invalid);
    /// assert!(refusal.message.starts_with("webhook secrets do not belong in a browser"));
    /// # Ok::<(), handoff_core::ConfigErrors>(())
    /// ```
    pub fn refuse_for_browser(&self) -> Result<(), PathError> {
        match &self.browser_refusal {
            Some(refusal) => Err(refusal.clone()),
            None => Ok(()),
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

const ENABLED: Field = Field::new(
    "enabled",
    Kind::Bool,
    Default::Bool(true),
    doc!("`false` turns handoff off entirely: no trigger fires, `handoff_request` does nothing"),
);
const TRIGGERS_FIELD: Field = Field::new(
    "triggers",
    Kind::Object(&triggers::TRIGGERS),
    Default::Absent(doc!("see below")),
    doc!("when"),
);
const ROUTING_FIELD: Field = Field::new(
    "routing",
    Kind::Object(&routing::ROUTING),
    Default::Absent(doc!("see below")),
    doc!("who"),
);
const MESSAGES_FIELD: Field = Field::new(
    "messages",
    Kind::Object(&messages::MESSAGES),
    Default::Absent(doc!("see below")),
    doc!("what the customer is told"),
);
const BUSINESS_HOURS_FIELD: Field = Field::new(
    "business_hours",
    Kind::Object(&hours::BUSINESS_HOURS),
    Default::Absent(doc!("always open")),
    doc!("when people are on duty"),
);
const OUTSIDE_HOURS_FIELD: Field = Field::new(
    "outside_hours",
    Kind::Object(&messages::OUTSIDE_HOURS),
    Default::Absent(doc!("`collect_callback`")),
    doc!("what happens outside business hours"),
);
const AGENTS_FIELD: Field = Field::new(
    "agents",
    Kind::List(&agents::AGENT),
    Default::Absent(doc!("`[]`")),
    doc!("agent records"),
);
const WEBHOOKS_FIELD: Field = Field::new(
    "webhooks",
    Kind::List(&webhooks::WEBHOOK),
    Default::Absent(doc!("`[]`")),
    doc!("endpoints told about handoff events"),
);
const INTEGRATIONS_FIELD: Field = Field::new(
    "integrations",
    Kind::Custom {
        what: doc!("array of integration objects"),
        shape: integrations::SHAPE,
    },
    Default::Absent(doc!("`[]`")),
    doc!("Zendesk, Freshdesk, Intercom and custom webhooks: see [Integrations](#integrations)"),
);
const DELIVERIES_FIELD: Field = Field::new(
    "deliveries",
    Kind::Object(&deliveries::DELIVERIES),
    Default::Absent(doc!("see below")),
    doc!("how deliveries are retried"),
);
const RESOLUTION_FIELD: Field = Field::new(
    "resolution",
    Kind::Object(&resolution::RESOLUTION),
    Default::Absent(doc!("see below")),
    doc!("resolving, reopening, wrap-up and the satisfaction question"),
);

const CONSOLE_FIELD: Field = Field::new(
    "console",
    Kind::Object(&console::CONSOLE),
    Default::Absent(doc!("see below")),
    doc!("what the agents' consoles offer: canned responses"),
);

/// The `handoff` object, described once.
pub(crate) static HANDOFF: Section = Section {
    name: "HandoffConfig",
    path: "handoff",
    fields: &[
        ENABLED,
        TRIGGERS_FIELD,
        ROUTING_FIELD,
        MESSAGES_FIELD,
        BUSINESS_HOURS_FIELD,
        OUTSIDE_HOURS_FIELD,
        AGENTS_FIELD,
        WEBHOOKS_FIELD,
        INTEGRATIONS_FIELD,
        DELIVERIES_FIELD,
        RESOLUTION_FIELD,
        CONSOLE_FIELD,
    ],
    doc: doc!(
        "Everything is optional; `{\"handoff\": {}}` is a working configuration. The \
         configuration may also be the bare `handoff` object."
    ),
    notes: doc!(""),
};

fn parse_handoff(value: &Value, errors: &mut Errors) -> Option<Config> {
    let obj = Obj::new(value, HANDOFF.path, &HANDOFF, errors)?;
    let enabled = obj.flag(&ENABLED, errors);
    let at = |field: &Field| (obj.get(field.key), obj.path_of(field.key));
    let agents = match at(&AGENTS_FIELD) {
        (Some(v), path) => agents::parse_agents(v, &path, errors),
        (None, _) => Vec::new(),
    };
    let (v, path) = at(&TRIGGERS_FIELD);
    let triggers = triggers::parse_triggers(v, &path, errors);
    let (v, path) = at(&ROUTING_FIELD);
    let routing = routing::parse_routing(v, &path, &agents, errors);
    let business_hours = match at(&BUSINESS_HOURS_FIELD) {
        (Some(v), path) => hours::parse_business_hours(v, &path, errors),
        (None, _) => None,
    };
    let (v, path) = at(&OUTSIDE_HOURS_FIELD);
    let (outside_hours, outside_message) = messages::parse_outside_hours(v, &path, errors);
    let (v, path) = at(&MESSAGES_FIELD);
    let messages = messages::parse_messages(v, &path, outside_message, errors);
    let mut webhooks = match at(&WEBHOOKS_FIELD) {
        (Some(v), path) => webhooks::parse_webhooks(v, &path, errors),
        (None, _) => Vec::new(),
    };
    let integrations = match at(&INTEGRATIONS_FIELD) {
        (Some(v), path) => {
            let taken: Vec<String> = webhooks.iter().map(|w| w.id.clone()).collect();
            let parsed = integrations::parse(v, &path, &taken, errors);
            webhooks.extend(parsed.webhooks);
            parsed.integrations
        }
        (None, _) => Vec::new(),
    };
    let (v, path) = at(&DELIVERIES_FIELD);
    let deliveries = deliveries::parse_deliveries(v, &path, errors);
    let (v, path) = at(&RESOLUTION_FIELD);
    let resolution = resolution::parse_resolution(v, &path, errors);
    let (v, path) = at(&CONSOLE_FIELD);
    let console = console::parse_console(v, &path, errors);
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
        resolution,
        console,
        topic_matcher: TopicMatcher::new(matcher_topics),
        browser_refusal: browser_refusal(value),
    })
}

/// What [`Config::refuse_for_browser`] refuses in the `handoff` object `handoff` (already read
/// without errors): the first signed webhook, else the first helpdesk.
fn browser_refusal(handoff: &Value) -> Option<PathError> {
    let list = |field: &Field| {
        let path = join(HANDOFF.path, field.key);
        let items = handoff.get(field.key).and_then(Value::as_array);
        items
            .into_iter()
            .flatten()
            .enumerate()
            .map(move |(i, item)| (index(&path, i), item))
    };
    let signed = |(path, item): (String, &Value)| {
        // The reference is not repeated: it may be a secret pasted in by mistake.
        item.get("secret_ref").filter(|r| !r.is_null())?;
        Some(PathError::new(
            ErrorKind::Invalid,
            join(&path, "secret_ref"),
            "webhook secrets do not belong in a browser: the page would have to hold the signing \
             secret; leave secret_ref out of the widget's configuration (an unsigned webhook is \
             fine) and forward the handoff outputs to your backend, which signs them",
        ))
    };
    let helpdesk = |(path, item): (String, &Value)| {
        let kind = item.get("kind").and_then(Value::as_str)?;
        (kind != "webhook").then(|| {
            PathError::new(
                ErrorKind::Invalid,
                path,
                format!(
                    "helpdesk integrations do not belong in a browser: \"{kind}\" needs \
                     credentials the page must not hold; leave it out of the widget's \
                     configuration and forward the handoff outputs to your backend"
                ),
            )
        })
    };
    list(&WEBHOOKS_FIELD)
        .chain(list(&INTEGRATIONS_FIELD))
        .find_map(signed)
        .or_else(|| list(&INTEGRATIONS_FIELD).find_map(helpdesk))
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
