//! `explain`: what it is asked (customer lines, or a conversation's timed inputs) and what it
//! answers, line by line: the sentiment and the words that moved it, the request for a person,
//! the topic, and every trigger's verdict (fires, came close and why not, or off).
//!
//! The answer is made by [`crate::explain::explain`] from the engine's own verdicts, recorded
//! where the engine makes them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::wire::output::TriggerHit;

/// What `explain` is asked: `lines` (customer messages, each its own conversation) or `inputs`
/// (timed inputs, as in a conversation file), not both.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ExplainRequest {
    /// Customer lines: each is a `customer_message` of its own conversation (`line_1`,
    /// `line_2`, ...), all at `at`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<String>,
    /// When `lines` are written (epoch ms; default 2026-01-12T10:30:00Z, a Monday morning).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<i64>,
    /// Timed inputs played in order through one engine, as a conversation file's lines: a
    /// `delivery_id` of `"$last"` or `"$last:<event>"` names the latest delivery handed out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<TimedInput>,
}

/// One timed input of [`ExplainRequest::inputs`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TimedInput {
    /// `now` for this input (epoch ms).
    pub now: i64,
    /// The input, as `handle` takes it.
    pub input: Value,
    /// The input is deliberately bad: the engine refuses it and the explanation skips it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub expect_error: bool,
}

/// The answer of `explain`: one entry per customer message and AI reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Explanation {
    /// The lines, in order.
    pub lines: Vec<LineExplanation>,
}

/// One customer message or AI reply explained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LineExplanation {
    /// Its position in the request's `lines` or `inputs` (from 0).
    pub index: usize,
    /// `now` of the line (epoch ms).
    pub now: i64,
    /// The conversation.
    pub conversation_id: String,
    /// `customer` or `ai`.
    #[cfg_attr(feature = "schema", schemars(extend("enum" = ["customer", "ai"])))]
    pub role: String,
    /// What was written.
    pub text: String,
    /// The line's sentiment (customer lines).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<SentimentReading>,
    /// The request for a person read in the text (customer lines, when the trigger read it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<RequestReading>,
    /// The conversation's topic after the line (customer lines).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<TopicReading>,
    /// Whether the triggers were checked: `with_ai` (all of them), `callback_form` (only a
    /// request for a person hands off), `disabled` (`handoff.enabled` is false), `reopened` (the
    /// line reopened a resolved conversation and was routed like a handoff), `resolved` (the AI
    /// said the matter is resolved: the counters restart), or the conversation's status when it
    /// is not with the AI (`queued`, `assigned`, ...).
    pub checked: String,
    /// Every trigger's verdict, in configuration order (empty when not checked).
    pub checks: Vec<TriggerCheck>,
    /// The triggers that fire on this line, primary first: what a handoff on this line carries.
    pub fires: Vec<TriggerHit>,
    /// The engine hands the conversation to a person on this line.
    pub handoff: bool,
    /// The handoff the triggers asked for is held back until this time (epoch ms): outside
    /// hours with `outside_hours.action` `message`, only a request for a person goes through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferred_until: Option<i64>,
}

/// A line's sentiment and the words that moved it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SentimentReading {
    /// The score the triggers saw (-1 ..= 1, 4 decimals).
    pub score: f64,
    /// `lexicon` (the engine's scorer) or `caller` (`signals.sentiment`).
    #[cfg_attr(feature = "schema", schemars(extend("enum" = ["lexicon", "caller"])))]
    pub source: String,
    /// The words that counted, in text order (lexicon only).
    pub words: Vec<WordWeight>,
    /// Emphasis from `!` and `?`, added away from zero before normalising (lexicon only).
    pub emphasis: f64,
}

/// One word's part in a sentiment score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WordWeight {
    /// The word, emoji or emoticon, as looked up (lower case).
    pub word: String,
    /// Its valence in the lexicon (-4 ..= 4).
    pub lexicon: f64,
    /// What it added to the sum after the rules (capitals, boosters, negation, idioms, "but",
    /// sarcasm); the score is `sum / sqrt(sum² + 15)`.
    pub valence: f64,
}

/// The request for a person read in a customer's text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RequestReading {
    /// A request that counts.
    pub requested: bool,
    /// `text` (read in the words) or `caller` (`signals.human_requested`).
    #[cfg_attr(feature = "schema", schemars(extend("enum" = ["text", "caller"])))]
    pub source: String,
    /// The words that matched, as written (also for a declined one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phrase: Option<String>,
    /// `en`, `hi-Latn` or `es`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Why the words do not count: `negated` (a negation seen), `narrative` (told in the past),
    /// `question` (a question about need), `settled` (words after it say it is resolved).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(extend("enum" = ["negated", "narrative", "question", "settled"])))]
    pub declined: Option<String>,
}

/// The conversation's topic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TopicReading {
    /// The topic.
    pub topic: String,
    /// The keyword that matched (topics read in the text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyword: Option<String>,
    /// A rule in `triggers.topics` hands it off.
    pub rule: bool,
}

/// One trigger's verdict on a line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TriggerCheck {
    /// The trigger, as in `handoff.triggers`.
    pub trigger: String,
    /// `fires`; `close` (did not fire, but near: sentiment within 0.2 of the threshold or of the
    /// sustained bound, one low-confidence answer or one exchange short, a request for a person
    /// declined); `no`; `off` (not configured).
    #[cfg_attr(feature = "schema", schemars(extend("enum" = ["fires", "close", "no", "off"])))]
    pub outcome: String,
    /// Why, with the numbers: "sentiment -0.41, threshold -0.5".
    pub reason: String,
}
