//! Triggers: *when* a conversation must go to a person.
//!
//! Each check looks at the conversation after the latest input was recorded and returns the
//! [`TriggerHit`]s that fired, with their evidence. The primary trigger is the hit with the lowest
//! [`TriggerHit::precedence`]: an explicit request, then a sensitive topic, sentiment, low
//! confidence, and conversation length.

use crate::config::Config;
use crate::language::request::RequestReading;
use crate::language::tokens::Text;
use crate::wire::output::TriggerHit;
use crate::wire::state::Conversation;

/// Why one trigger did not fire on a line: the values it was held to (read by `explain`; the
/// engine only keeps the hits).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Miss {
    /// Not configured (`null`, `false`, or no topics).
    Off,
    /// The caller's `signals.human_requested` was `false`: the text is not read.
    CallerSaidNo,
    /// No request in the text; or a request pattern that was declined (negated, narrative, ...).
    NoRequest(Option<RequestReading>),
    /// The latest line has no sentiment score.
    NoScore,
    /// Sentiment: neither the message nor the window reached the threshold.
    Sentiment {
        /// The latest score.
        score: f64,
        /// Average over the window (rounded to 4 decimals).
        average: f64,
        /// `triggers.sentiment_threshold`.
        threshold: f64,
        /// `triggers.sentiment_window`.
        window: u32,
        /// Scores in the window so far.
        count: usize,
        /// Every score in the window is negative.
        all_negative: bool,
    },
    /// No topic detected or given.
    NoTopic,
    /// A topic without a rule in `triggers.topics`.
    TopicWithoutRule(String),
    /// Fewer low-confidence answers in a row than needed.
    Confidence {
        /// Low-confidence answers in a row.
        streak: u32,
        /// `triggers.low_confidence_consecutive`.
        needed: u32,
        /// `triggers.low_confidence_threshold`.
        threshold: f64,
    },
    /// Fewer exchanges than the maximum.
    Exchanges {
        /// Exchanges so far.
        exchanges: u32,
        /// `triggers.max_exchanges`.
        max: u32,
    },
}

/// One trigger's verdict on a line: its hit, or why it did not fire.
pub(crate) type Verdict = Result<TriggerHit, Miss>;

/// Every trigger checked on a line, by name, in configuration order.
pub(crate) type Checks = Vec<(&'static str, Verdict)>;

/// Change of sentiment per message (least-squares slope over the window) that makes the trend
/// worsening or improving: -0.3, -0.45, -0.65 is worsening; -0.44, -0.48, -0.49 is steady.
pub const TREND_SLOPE: f64 = 0.05;

/// Sustained frustration: when every message of a full window is negative and their average is at
/// or below this share of the (negative) threshold, the trigger fires even though no single
/// message reached the threshold (-0.44, -0.48, -0.49 against -0.5).
pub const SUSTAINED_FACTOR: f64 = 0.8;

/// Where a sentiment score came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScoreSource {
    /// Supplied by the caller's AI.
    Caller,
    /// The engine's own lexicon scorer.
    Lexicon,
}

impl ScoreSource {
    fn name(self) -> &'static str {
        match self {
            ScoreSource::Caller => "caller",
            ScoreSource::Lexicon => "lexicon",
        }
    }
}

/// Average of the last `window` scores, if there are any.
pub(crate) fn recent_average(conv: &Conversation, window: u32) -> Option<f64> {
    let scores: Vec<f64> = conv.sentiments().collect();
    let n = scores.len().min(window as usize);
    if n == 0 {
        return None;
    }
    Some(scores[scores.len() - n..].iter().sum::<f64>() / n as f64)
}

/// `worsening`, `improving` or `steady`: the least-squares slope of the last `window` scores (at
/// least two), per message, against [`TREND_SLOPE`].
pub(crate) fn trend(conv: &Conversation, window: u32) -> &'static str {
    let scores: Vec<f64> = conv.sentiments().collect();
    let n = scores.len().min((window as usize).max(2));
    if n < 2 {
        return "steady";
    }
    let ys = &scores[scores.len() - n..];
    let mean_x = (n - 1) as f64 / 2.0;
    let mean_y = ys.iter().sum::<f64>() / n as f64;
    let (mut num, mut den) = (0.0, 0.0);
    for (i, y) in ys.iter().enumerate() {
        let dx = i as f64 - mean_x;
        num += dx * (y - mean_y);
        den += dx * dx;
    }
    let slope = num / den;
    if slope <= -TREND_SLOPE {
        "worsening"
    } else if slope >= TREND_SLOPE {
        "improving"
    } else {
        "steady"
    }
}

/// Every trigger's verdict after a customer message: request, sentiment, topic, confidence,
/// length (the hits hand the conversation off).
pub(crate) fn check_customer_message(
    config: &Config,
    conv: &Conversation,
    text: &Text<'_>,
    caller_requested: Option<bool>,
    score_source: ScoreSource,
    topic_from_caller: bool,
) -> Checks {
    vec![
        (
            "customer_request",
            customer_request(config, text, caller_requested),
        ),
        ("sentiment_threshold", sentiment(config, conv, score_source)),
        ("topics", topic(config, conv, topic_from_caller)),
        ("low_confidence_threshold", low_confidence(config, conv)),
        ("max_exchanges", max_exchanges(config, conv)),
    ]
}

/// Every trigger's verdict after an AI reply: confidence and length.
pub(crate) fn check_ai_reply(config: &Config, conv: &Conversation) -> Checks {
    vec![
        ("low_confidence_threshold", low_confidence(config, conv)),
        ("max_exchanges", max_exchanges(config, conv)),
    ]
}

fn customer_request(config: &Config, text: &Text<'_>, caller_requested: Option<bool>) -> Verdict {
    if !config.triggers.customer_request {
        return Err(Miss::Off);
    }
    match caller_requested {
        Some(true) => Ok(TriggerHit::CustomerRequest {
            source: "caller".into(),
            phrase: None,
            language: None,
        }),
        Some(false) => Err(Miss::CallerSaidNo),
        None => match text.read_request() {
            Some(r) if r.declined.is_none() => Ok(TriggerHit::CustomerRequest {
                source: "text".into(),
                phrase: Some(r.phrase),
                language: Some(r.language.into()),
            }),
            other => Err(Miss::NoRequest(other)),
        },
    }
}

fn topic(config: &Config, conv: &Conversation, topic_from_caller: bool) -> Verdict {
    if config.triggers.topics.is_empty() {
        return Err(Miss::Off);
    }
    let Some(topic) = &conv.topic else {
        return Err(Miss::NoTopic);
    };
    if config.topic_rule(topic).is_none() {
        return Err(Miss::TopicWithoutRule(topic.clone()));
    }
    Ok(TriggerHit::Topics {
        topic: topic.clone(),
        source: if topic_from_caller {
            "caller"
        } else {
            "keywords"
        }
        .into(),
        keyword: if topic_from_caller {
            None
        } else {
            conv.topic_keyword.clone()
        },
    })
}

fn sentiment(config: &Config, conv: &Conversation, source: ScoreSource) -> Verdict {
    let threshold = config.triggers.sentiment_threshold.ok_or(Miss::Off)?;
    let latest = conv
        .history
        .last()
        .and_then(|h| h.sentiment)
        .ok_or(Miss::NoScore)?;
    let window = config.triggers.sentiment_window;
    let average = recent_average(conv, window).ok_or(Miss::NoScore)?;
    let scores: Vec<f64> = conv.sentiments().collect();
    let recent = &scores[scores.len().saturating_sub(window as usize)..];
    let sustained = threshold < 0.0
        && window >= 2
        && recent.len() >= window as usize
        && recent.iter().all(|s| *s < 0.0)
        && average <= threshold * SUSTAINED_FACTOR;
    let basis = if latest <= threshold {
        "message"
    } else if sustained {
        "sustained"
    } else {
        return Err(Miss::Sentiment {
            score: latest,
            average: round4(average),
            threshold,
            window,
            count: recent.len(),
            all_negative: recent.iter().all(|s| *s < 0.0),
        });
    };
    Ok(TriggerHit::SentimentThreshold {
        score: latest,
        average: round4(average),
        threshold,
        trend: trend(conv, window).into(),
        basis: basis.into(),
        source: source.name().into(),
    })
}

fn low_confidence(config: &Config, conv: &Conversation) -> Verdict {
    let threshold = config.triggers.low_confidence_threshold.ok_or(Miss::Off)?;
    let needed = config.triggers.low_confidence_consecutive;
    if conv.low_confidence_streak < needed {
        return Err(Miss::Confidence {
            streak: conv.low_confidence_streak,
            needed,
            threshold,
        });
    }
    let confidence = conv
        .history
        .iter()
        .rev()
        .find_map(|h| h.confidence)
        .unwrap_or(0.0);
    Ok(TriggerHit::LowConfidenceThreshold {
        confidence,
        threshold,
        consecutive: conv.low_confidence_streak,
    })
}

fn max_exchanges(config: &Config, conv: &Conversation) -> Verdict {
    let max = config.triggers.max_exchanges.ok_or(Miss::Off)?;
    if conv.exchanges >= max {
        Ok(TriggerHit::MaxExchanges {
            exchanges: conv.exchanges,
            max,
        })
    } else {
        Err(Miss::Exchanges {
            exchanges: conv.exchanges,
            max,
        })
    }
}

/// Sorts hits by precedence (stable) so the first is the primary.
pub(crate) fn by_precedence(mut hits: Vec<TriggerHit>) -> Vec<TriggerHit> {
    hits.sort_by_key(TriggerHit::precedence);
    hits
}

pub(crate) fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::state::{HistoryEntry, Role};

    fn with_scores(scores: &[f64]) -> Conversation {
        let mut conv = Conversation::new("c");
        for (i, s) in scores.iter().enumerate() {
            conv.history.push(HistoryEntry {
                role: Role::Customer,
                text: String::new(),
                at: i as i64,
                agent_id: None,
                sentiment: Some(*s),
                confidence: None,
            });
        }
        conv
    }

    #[test]
    fn falling_scores_are_worsening_and_flat_ones_steady() {
        assert_eq!(trend(&with_scores(&[-0.3, -0.45, -0.65]), 3), "worsening");
        assert_eq!(trend(&with_scores(&[-0.44, -0.48, -0.49]), 3), "steady");
        assert_eq!(trend(&with_scores(&[-0.8, -0.2, 0.4]), 3), "improving");
        assert_eq!(trend(&with_scores(&[-0.8]), 3), "steady");
        // Only the window counts: an old spike does not make today's flat scores a trend.
        assert_eq!(trend(&with_scores(&[0.9, -0.1, -0.1, -0.1]), 3), "steady");
    }
}
