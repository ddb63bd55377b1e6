//! `explain`: why the engine would (or would not) hand a conversation to a person, line by line.
//!
//! The lines run through a real [`Engine`] that records, for each customer message and AI reply,
//! what its triggers saw and decided, where it decides it (`Engine::handle_traced`): the
//! sentiment with the words that moved it (the scorer's own parts), the request for a person
//! (the phrase, its language, and a pattern declined because a negation was seen, say), the
//! topic, and every trigger's verdict. Nothing here decides again: a trigger that "fires" in an
//! explanation is one the engine's check fired, and `handoff` is the engine's own `handoff`
//! output.
//!
//! # Example
//! ```
//! use handoff_core::explain::explain_json;
//! use handoff_core::Config;
//!
//! let config = Config::from_json_str(r#"{"handoff": {"triggers": {"sentiment_threshold": -0.6}}}"#)?;
//! let answer = explain_json(config, r#"{"lines": ["this is bad", "I don't want a human"]}"#)?;
//! let answer: serde_json::Value = serde_json::from_str(&answer)?;
//! let first = &answer["lines"][0];
//! assert_eq!(first["sentiment"]["words"][0]["word"], "bad");
//! assert_eq!(first["checks"][1]["outcome"], "close");
//! let reason = first["checks"][1]["reason"].as_str().unwrap();
//! assert!(reason.starts_with("sentiment -0.5423 is above the threshold -0.6; sustained needs 3"));
//! assert_eq!(answer["lines"][1]["request"]["declined"], "negated");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde_json::{json, Value};

use crate::config::Config;
use crate::engine::Engine;
use crate::lifecycle::{by_precedence, Gate, LineTrace, Miss, SUSTAINED_FACTOR};
use crate::wire::conversation_file::DeliveryLog;
use crate::wire::error::{ErrorKind, PathError};
use crate::wire::explain::{
    ExplainRequest, Explanation, LineExplanation, RequestReading, SentimentReading, TopicReading,
    TriggerCheck, WordWeight,
};
use crate::wire::input::Input;
use crate::wire::output::{Output, TriggerHit};

/// When `lines` are written unless the request says: 2026-01-12T10:30:00Z, a Monday morning.
pub const DEFAULT_AT: i64 = 1_768_213_800_000;

/// How near a sentiment score (or the window's average) must be to its bound to have "come
/// close".
pub const CLOSE_SENTIMENT: f64 = 0.2;

/// Explains `request` under `config` (see the module documentation).
///
/// # Errors
/// A [`PathError`] under `request`: both `lines` and `inputs` given; an input that is not one
/// (`request.inputs[2].input.type`), a `$last` reference to no delivery, or an input the engine
/// refused without `expect_error` (its own path, under `request.inputs[i].input`).
pub fn explain(config: Config, request: &ExplainRequest) -> Result<Explanation, PathError> {
    if !request.lines.is_empty() && !request.inputs.is_empty() {
        return Err(PathError::new(
            ErrorKind::Invalid,
            "request",
            "give \"lines\" or \"inputs\", not both",
        ));
    }
    let mut engine = Engine::new(config);
    let mut lines = Vec::new();
    if !request.inputs.is_empty() {
        let mut log = DeliveryLog::default();
        for (index, timed) in request.inputs.iter().enumerate() {
            let path = format!("request.inputs[{index}].input");
            let mut value = timed.input.clone();
            log.resolve(&mut value).map_err(|message| {
                PathError::new(
                    ErrorKind::UnknownDelivery,
                    format!("{path}.delivery_id"),
                    message,
                )
            })?;
            let input = match Input::from_value(value) {
                Ok(input) => input,
                Err(_) if timed.expect_error => continue,
                Err(e) => return Err(under(&path, e.0)),
            };
            match step(&mut engine, index, input, timed.now) {
                Ok((line, outputs)) => {
                    for output in &outputs {
                        if let Output::Delivery(_) = output {
                            let value = serde_json::to_value(output).unwrap_or(Value::Null);
                            log.record_outputs(std::slice::from_ref(&value));
                        }
                    }
                    lines.extend(line);
                }
                Err(_) if timed.expect_error => {}
                Err(e) => return Err(under(&path, e)),
            }
        }
    } else {
        let at = request.at.unwrap_or(DEFAULT_AT);
        for (index, text) in request.lines.iter().enumerate() {
            let path = format!("request.lines[{index}]");
            let value = json!({
                "type": "customer_message",
                "conversation_id": format!("line_{}", index + 1),
                "text": text,
            });
            let input = Input::from_value(value).map_err(|e| under(&path, e.0))?;
            let (line, _) = step(&mut engine, index, input, at).map_err(|e| under(&path, e))?;
            lines.extend(line);
        }
    }
    Ok(Explanation { lines })
}

/// [`explain`] with the request and the answer as JSON text.
///
/// # Errors
/// As [`explain`], and path `request` when the text is not an explain request.
pub fn explain_json(config: Config, request: &str) -> Result<String, PathError> {
    let request: ExplainRequest = serde_json::from_str(request).map_err(|e| {
        PathError::new(
            ErrorKind::WrongType,
            "request",
            format!("expected {{\"lines\": [...]}} or {{\"inputs\": [{{\"now\", \"input\"}}, ...]}}: {e}"),
        )
    })?;
    let answer = explain(config, &request)?;
    serde_json::to_string(&answer).map_err(|e| {
        PathError::new(
            ErrorKind::Other,
            "explanation",
            format!("not serialisable: {e}"),
        )
    })
}

/// `e` with its path (`input.text`, or a path of the state) placed under `path`.
fn under(path: &str, mut e: PathError) -> PathError {
    e.path = match e.path.strip_prefix("input") {
        Some(rest) if rest.is_empty() || rest.starts_with(['.', '[']) => format!("{path}{rest}"),
        _ => format!("{path}: {}", e.path),
    };
    e
}

/// Runs one input and explains it, when it is a customer message or an AI reply.
fn step(
    engine: &mut Engine,
    index: usize,
    input: Input,
    now: i64,
) -> Result<(Option<LineExplanation>, Vec<Output>), PathError> {
    let line = match &input {
        Input::CustomerMessage(m) => Some((
            m.conversation_id.clone(),
            "customer",
            m.text.clone(),
            m.signals.as_ref().and_then(|s| s.sentiment),
        )),
        Input::AiReply(m) => Some((m.conversation_id.clone(), "ai", m.text.clone(), None)),
        _ => None,
    };
    let (outputs, trace) = engine.handle_traced(input, now).map_err(|e| e.0)?;
    let Some((conversation_id, role, text, caller_score)) = line else {
        return Ok((None, outputs));
    };
    let now = engine.state().now;
    let handoff = outputs.iter().any(|o| matches!(o, Output::Handoff { .. }));
    let customer = role == "customer";
    let sentiment = customer.then(|| sentiment(&trace, caller_score)).flatten();
    let topic = if customer {
        topic(engine, &conversation_id)
    } else {
        None
    };
    let explained = explanation(ExplainedLine {
        index,
        now,
        conversation_id,
        role,
        text,
        sentiment,
        topic,
        trace,
        handoff,
    });
    Ok((Some(explained), outputs))
}

/// What [`explanation`] puts together.
struct ExplainedLine {
    index: usize,
    now: i64,
    conversation_id: String,
    role: &'static str,
    text: String,
    sentiment: Option<SentimentReading>,
    topic: Option<TopicReading>,
    trace: LineTrace,
    handoff: bool,
}

fn explanation(line: ExplainedLine) -> LineExplanation {
    let trace = line.trace;
    let request = trace
        .checks
        .iter()
        .find(|(name, _)| *name == "customer_request")
        .and_then(|(_, verdict)| request(verdict));
    let checks = trace
        .checks
        .iter()
        .map(|(name, verdict)| {
            let (outcome, reason) = describe(verdict);
            TriggerCheck {
                trigger: (*name).to_string(),
                outcome: outcome.to_string(),
                reason,
            }
        })
        .collect();
    let fires = by_precedence(
        trace
            .checks
            .iter()
            .filter_map(|(_, v)| v.as_ref().ok().cloned())
            .collect(),
    );
    LineExplanation {
        index: line.index,
        now: line.now,
        conversation_id: line.conversation_id,
        role: line.role.to_string(),
        text: line.text,
        sentiment: line.sentiment,
        request,
        topic: line.topic,
        checked: gate_name(trace.gate).to_string(),
        checks,
        fires,
        handoff: line.handoff,
        deferred_until: trace.deferred_until,
    }
}

fn gate_name(gate: Gate) -> &'static str {
    match gate {
        Gate::None => "none",
        Gate::WithAi => "with_ai",
        Gate::CallbackForm => "callback_form",
        Gate::Disabled => "disabled",
        Gate::Reopened => "reopened",
        Gate::Resolved => "resolved",
        Gate::Status(status) => status,
    }
}

fn sentiment(trace: &LineTrace, caller_score: Option<f64>) -> Option<SentimentReading> {
    if let Some(score) = caller_score {
        return Some(SentimentReading {
            score,
            source: "caller".into(),
            words: Vec::new(),
            emphasis: 0.0,
        });
    }
    let analysis = trace.analysis.as_ref()?;
    Some(SentimentReading {
        score: crate::lifecycle::round4(analysis.score.compound),
        source: "lexicon".into(),
        words: analysis
            .words
            .iter()
            .map(|w| WordWeight {
                word: w.word.clone(),
                lexicon: w.lexicon,
                valence: w.valence,
            })
            .collect(),
        emphasis: analysis.emphasis,
    })
}

fn topic(engine: &Engine, conversation_id: &str) -> Option<TopicReading> {
    let conv = engine.state().conversations.get(conversation_id)?;
    let topic = conv.topic.clone()?;
    Some(TopicReading {
        rule: engine.config().topic_rule(&topic).is_some(),
        keyword: conv.topic_keyword.clone(),
        topic,
    })
}

fn request(verdict: &Result<TriggerHit, Miss>) -> Option<RequestReading> {
    match verdict {
        Ok(TriggerHit::CustomerRequest {
            source,
            phrase,
            language,
        }) => Some(RequestReading {
            requested: true,
            source: source.clone(),
            phrase: phrase.clone(),
            language: language.clone(),
            declined: None,
        }),
        Err(Miss::NoRequest(reading)) => Some(RequestReading {
            requested: false,
            source: "text".into(),
            phrase: reading.as_ref().map(|r| r.phrase.clone()),
            language: reading.as_ref().map(|r| r.language.to_string()),
            declined: reading
                .as_ref()
                .and_then(|r| r.declined)
                .map(|d| d.name().to_string()),
        }),
        Err(Miss::CallerSaidNo) => Some(RequestReading {
            requested: false,
            source: "caller".into(),
            phrase: None,
            language: None,
            declined: None,
        }),
        _ => None,
    }
}

/// `x` rounded to 4 decimals, as text without trailing zeros.
fn num(x: f64) -> String {
    format!("{}", crate::lifecycle::round4(x))
}

/// A verdict's outcome (`fires`, `close`, `no`, `off`) and its reason.
fn describe(verdict: &Result<TriggerHit, Miss>) -> (&'static str, String) {
    match verdict {
        Ok(hit) => ("fires", fired(hit)),
        Err(miss) => missed(miss),
    }
}

fn fired(hit: &TriggerHit) -> String {
    match hit {
        TriggerHit::CustomerRequest {
            source,
            phrase: Some(phrase),
            language,
        } if source == "text" => format!(
            "asked for a person: \"{phrase}\" ({})",
            language.as_deref().unwrap_or("en")
        ),
        TriggerHit::CustomerRequest { source, .. } => match source.as_str() {
            "caller" => "the caller's signals.human_requested is true".into(),
            other => format!("asked for a person ({other})"),
        },
        TriggerHit::SentimentThreshold {
            score,
            average,
            threshold,
            basis,
            ..
        } => {
            if basis == "sustained" {
                format!(
                    "sustained: every message of the window negative, average {} at or below {} (80 % of the threshold {})",
                    num(*average),
                    num(threshold * SUSTAINED_FACTOR),
                    num(*threshold)
                )
            } else {
                format!(
                    "sentiment {} at or below the threshold {}",
                    num(*score),
                    num(*threshold)
                )
            }
        }
        TriggerHit::Topics {
            topic,
            keyword,
            source,
        } => match keyword {
            Some(keyword) => format!("topic \"{topic}\" (keyword \"{keyword}\")"),
            None => format!("topic \"{topic}\" ({source})"),
        },
        TriggerHit::LowConfidenceThreshold {
            confidence,
            threshold,
            consecutive,
        } => format!(
            "{consecutive} low-confidence answers in a row below {} (latest {})",
            num(*threshold),
            num(*confidence)
        ),
        TriggerHit::MaxExchanges { exchanges, max } => {
            format!("{exchanges} exchanges, maximum {max}")
        }
    }
}

fn missed(miss: &Miss) -> (&'static str, String) {
    match miss {
        Miss::Off => ("off", "not configured".into()),
        Miss::CallerSaidNo => ("no", "the caller's signals.human_requested is false".into()),
        Miss::NoRequest(None) => ("no", "no request for a person in the text".into()),
        Miss::NoRequest(Some(r)) => {
            let why = match r.declined.map(|d| d.name()) {
                Some("negated") => "a negation was seen",
                Some("narrative") => "told as something past",
                Some("question") => "a question about what is needed",
                Some("settled") => "the words after it say it is settled",
                _ => "declined",
            };
            (
                "close",
                format!("\"{}\" ({}) does not count: {why}", r.phrase, r.language),
            )
        }
        Miss::NoScore => ("no", "no sentiment score on the line".into()),
        Miss::Sentiment {
            score,
            average,
            threshold,
            window,
            count,
            all_negative,
        } => {
            let sustained_bound = threshold * SUSTAINED_FACTOR;
            let full = *window >= 2 && count >= &(*window as usize);
            let near_message = score - threshold <= CLOSE_SENTIMENT;
            let near_window = full && *all_negative && average - sustained_bound <= CLOSE_SENTIMENT;
            let mut reason = format!(
                "sentiment {} is above the threshold {}",
                num(*score),
                num(*threshold)
            );
            if *window >= 2 && *threshold < 0.0 {
                let state = if !full {
                    format!("{count} of {window} messages so far")
                } else if !all_negative {
                    "not all negative".into()
                } else {
                    format!("average {}", num(*average))
                };
                reason.push_str(&format!(
                    "; sustained needs {window} negative messages averaging at most {} ({state})",
                    num(sustained_bound)
                ));
            }
            (
                if near_message || near_window {
                    "close"
                } else {
                    "no"
                },
                reason,
            )
        }
        Miss::NoTopic => ("no", "no topic".into()),
        Miss::TopicWithoutRule(topic) => (
            "no",
            format!("topic \"{topic}\" has no rule in triggers.topics"),
        ),
        Miss::Confidence {
            streak,
            needed,
            threshold,
        } => (
            if *streak > 0 && streak + 1 >= *needed {
                "close"
            } else {
                "no"
            },
            format!(
                "{streak} low-confidence answers in a row below {}, {needed} needed",
                num(*threshold)
            ),
        ),
        Miss::Exchanges { exchanges, max } => (
            if exchanges + 1 >= *max { "close" } else { "no" },
            format!("{exchanges} exchanges, maximum {max}"),
        ),
    }
}
