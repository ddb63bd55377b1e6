//! `handoff.triggers`: when a conversation goes to a person.

use serde_json::Value;

use crate::config::read::{index, type_name, Default, Errors, Field, Kind, Null, Obj, Section};
use crate::language::topics::builtin_keywords;
use crate::wire::error::ErrorKind;
use crate::wire::state::Priority;

/// `handoff.triggers` (defaults in the README's configuration reference).
#[derive(Debug, Clone, PartialEq)]
pub struct Triggers {
    /// Hand off when the customer asks for a person.
    pub customer_request: bool,
    /// Hand off when sentiment is at or below this (`None`: off).
    pub sentiment_threshold: Option<f64>,
    /// How many recent customer messages the sentiment trend averages.
    pub sentiment_window: u32,
    /// Hand off after this many unresolved customer/AI exchanges (`None`: off).
    pub max_exchanges: Option<u32>,
    /// Hand off when the AI's confidence is below this (`None`: off).
    pub low_confidence_threshold: Option<f64>,
    /// How many low-confidence replies in a row are needed.
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
    /// Priority this topic sets at least (`None`: `normal`).
    pub priority: Option<Priority>,
}

const CUSTOMER_REQUEST: Field = Field::new(
    "customer_request",
    Kind::Bool,
    Default::Bool(true),
    doc!("hand off when the customer asks for a person"),
);
const SENTIMENT_THRESHOLD: Field = Field::new(
    "sentiment_threshold",
    Kind::Number {
        min: -1.0,
        max: 1.0,
    },
    Default::Number(-0.5),
    doc!(
        "hand off when the last message's sentiment is at or below this, or when frustration is \
         sustained: every one of the last `sentiment_window` messages is negative and their \
         average is at or below 80 % of the threshold (-0.44, -0.48, -0.49 against -0.5); `null` \
         turns it off"
    ),
)
.null(Null::Off);
const SENTIMENT_WINDOW: Field = Field::new(
    "sentiment_window",
    Kind::Whole { min: 1, max: 50 },
    Default::Whole(3),
    doc!("messages averaged for the trend"),
);
const MAX_EXCHANGES: Field = Field::new(
    "max_exchanges",
    Kind::Whole {
        min: 1,
        max: 10_000,
    },
    Default::Whole(10),
    doc!("hand off after this many customer/AI exchanges without `resolved: true`; `null` off"),
)
.null(Null::Off);
const LOW_CONFIDENCE_THRESHOLD: Field = Field::new(
    "low_confidence_threshold",
    Kind::Number { min: 0.0, max: 1.0 },
    Default::Number(0.3),
    doc!("hand off when the AI's confidence is below this; `null` off"),
)
.null(Null::Off);
const LOW_CONFIDENCE_CONSECUTIVE: Field = Field::new(
    "low_confidence_consecutive",
    Kind::Whole { min: 1, max: 100 },
    Default::Whole(1),
    doc!("how many low-confidence replies in a row"),
);
const TOPICS: Field = Field::new(
    "topics",
    Kind::Custom {
        what: doc!("array of topic names or [topic objects](#handofftriggerstopics)"),
        shape: shape!({
            "type": "array",
            "items": {"anyOf": [
                {"type": "string", "pattern": "^[\\p{L}\\p{N}_.-]+$"},
                {"$ref": "#/$defs/TopicConfig"}
            ]}
        }),
    },
    Default::Absent(doc!("`[]`")),
    doc!(
        "sensitive topics: names (`\"billing_dispute\"`) or objects. Known names \
         (`billing_dispute`, `legal`, `complaint`, `refund`, `cancellation`, `technical`, \
         `sales`, `billing`, `privacy`, `fraud`, `shipping`, `delivery`) come with built-in \
         keywords"
    ),
);

/// `handoff.triggers`, described once.
pub(crate) static TRIGGERS: Section = Section {
    name: "TriggersConfig",
    path: "handoff.triggers",
    fields: &[
        CUSTOMER_REQUEST,
        SENTIMENT_THRESHOLD,
        SENTIMENT_WINDOW,
        MAX_EXCHANGES,
        LOW_CONFIDENCE_THRESHOLD,
        LOW_CONFIDENCE_CONSECUTIVE,
        TOPICS,
    ],
    doc: doc!("When a conversation goes to a person."),
    notes: doc!(
        "The primary trigger, when several fire, follows this precedence: `customer_request`, \
         `topics`, `sentiment_threshold`, `low_confidence_threshold`, `max_exchanges`. Every \
         trigger that fired is listed with its evidence."
    ),
};

const TOPIC_NAME: Field = Field::new(
    "name",
    Kind::Text,
    Default::Absent(doc!("required")),
    doc!("the topic, as the caller's classifier names it"),
)
.required();
const TOPIC_KEYWORDS: Field = Field::new(
    "keywords",
    Kind::Texts,
    Default::Absent(doc!("the built-in keywords of a known name")),
    doc!("words and phrases that detect it in customer text; `*` ends a prefix (`\"refund*\"`)"),
);
const TOPIC_PRIORITY: Field = Field::new(
    "priority",
    Kind::OneOf(Priority::NAMES),
    Default::Text("normal"),
    doc!("the priority this topic sets at least"),
);

/// One object of `handoff.triggers.topics`, described once.
pub(crate) static TOPIC: Section = Section {
    name: "TopicConfig",
    path: "handoff.triggers.topics[]",
    fields: &[TOPIC_NAME, TOPIC_KEYWORDS, TOPIC_PRIORITY],
    doc: doc!(
        "A topic of `triggers.topics` written as an object, e.g. `{\"name\": \"billing_dispute\", \
         \"keywords\": [\"charged twice\", \"refund*\"], \"priority\": \"urgent\"}`."
    ),
    notes: doc!(""),
};

impl std::default::Default for Triggers {
    fn default() -> Triggers {
        Triggers {
            customer_request: CUSTOMER_REQUEST.default_bool(),
            sentiment_threshold: Some(SENTIMENT_THRESHOLD.default_number()),
            sentiment_window: SENTIMENT_WINDOW.default_whole() as u32,
            max_exchanges: Some(MAX_EXCHANGES.default_whole() as u32),
            low_confidence_threshold: Some(LOW_CONFIDENCE_THRESHOLD.default_number()),
            low_confidence_consecutive: LOW_CONFIDENCE_CONSECUTIVE.default_whole() as u32,
            topics: Vec::new(),
        }
    }
}

/// Reads `handoff.triggers` (absent: every default).
pub(super) fn parse_triggers(value: Option<&Value>, path: &str, errors: &mut Errors) -> Triggers {
    let mut triggers = Triggers::default();
    let Some(value) = value else { return triggers };
    let Some(obj) = Obj::new(value, path, &TRIGGERS, errors) else {
        return triggers;
    };
    triggers.customer_request = obj.flag(&CUSTOMER_REQUEST, errors);
    // An explicit `null` turns a numeric trigger off; absent keeps the default.
    if obj.is_null(&SENTIMENT_THRESHOLD) {
        triggers.sentiment_threshold = None;
    } else if obj.get(SENTIMENT_THRESHOLD.key).is_some() {
        triggers.sentiment_threshold = obj.real(&SENTIMENT_THRESHOLD, errors);
    }
    if let Some(n) = obj.whole(&SENTIMENT_WINDOW, errors) {
        triggers.sentiment_window = n as u32;
    }
    if obj.is_null(&MAX_EXCHANGES) {
        triggers.max_exchanges = None;
    } else if obj.get(MAX_EXCHANGES.key).is_some() {
        triggers.max_exchanges = obj.whole(&MAX_EXCHANGES, errors).map(|n| n as u32);
    }
    if obj.is_null(&LOW_CONFIDENCE_THRESHOLD) {
        triggers.low_confidence_threshold = None;
    } else if obj.get(LOW_CONFIDENCE_THRESHOLD.key).is_some() {
        triggers.low_confidence_threshold = obj.real(&LOW_CONFIDENCE_THRESHOLD, errors);
    }
    if let Some(n) = obj.whole(&LOW_CONFIDENCE_CONSECUTIVE, errors) {
        triggers.low_confidence_consecutive = n as u32;
    }
    if let Some(topics) = obj.get(TOPICS.key) {
        triggers.topics = parse_topics(topics, &obj.path_of(TOPICS.key), errors);
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
            Value::Object(_) => parse_topic(item, &item_path, errors),
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

/// One topic written as an object.
fn parse_topic(item: &Value, item_path: &str, errors: &mut Errors) -> Option<TopicRule> {
    let obj = Obj::new(item, item_path, &TOPIC, errors)?;
    let name = obj.text(&TOPIC_NAME, errors);
    if name.is_none() && obj.get(TOPIC_NAME.key).is_none() {
        errors.at(
            ErrorKind::Missing,
            &obj.path_of(TOPIC_NAME.key),
            "missing field \"name\"",
        );
    }
    let keywords = obj.texts(&TOPIC_KEYWORDS, errors);
    let priority = obj
        .one_of(&TOPIC_PRIORITY, errors)
        .and_then(Priority::from_name);
    name.map(|name| TopicRule {
        name: name.to_string(),
        keywords: keywords.unwrap_or_else(|| builtin(name)),
        priority,
    })
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
