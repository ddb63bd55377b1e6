//! Detects a customer asking for a person. PLACEHOLDER: being written.

/// A request for a person found in a customer's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestMatch {
    /// The words that matched, as the customer wrote them.
    pub phrase: String,
    /// Language of the matched phrase: `"en"`, `"hi-Latn"` or `"es"`.
    pub language: &'static str,
}

/// Finds a request for a human in `text`, respecting negation.
pub fn detect_human_request(_text: &str) -> Option<RequestMatch> {
    None
}
