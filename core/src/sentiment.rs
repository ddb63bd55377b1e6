//! Lexicon sentiment scoring (VADER-style). PLACEHOLDER: being written.

/// Sentiment of one text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SentimentScore {
    /// Normalised compound score in [-1, 1].
    pub compound: f64,
    /// Share of positive intensity in [0, 1].
    pub positive: f64,
    /// Share of neutral intensity in [0, 1].
    pub neutral: f64,
    /// Share of negative intensity in [0, 1].
    pub negative: f64,
}

/// Scores `text`.
pub fn score(_text: &str) -> SentimentScore {
    SentimentScore {
        compound: 0.0,
        positive: 0.0,
        neutral: 1.0,
        negative: 0.0,
    }
}
