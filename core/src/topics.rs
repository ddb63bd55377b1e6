//! Matches configured topic keywords. PLACEHOLDER: being written.

use std::collections::BTreeMap;

/// A topic found in a customer's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicMatch {
    /// The topic name, as configured.
    pub topic: String,
    /// The keyword that matched, as configured.
    pub keyword: String,
}

/// Keyword lists per topic, ready for matching.
#[derive(Debug, Clone, Default)]
pub struct TopicMatcher {
    topics: Vec<(String, Vec<String>)>,
}

impl TopicMatcher {
    /// Builds a matcher from topic -> keywords, checked in the order given.
    pub fn new(topics: Vec<(String, Vec<String>)>) -> Self {
        TopicMatcher { topics }
    }

    /// The best topic for `text`, if any keyword matches.
    pub fn find(&self, _text: &str) -> Option<TopicMatch> {
        let _ = &self.topics;
        None
    }
}

/// Built-in keywords for well-known topics (used when a topic has no configured keywords).
pub fn builtin_keywords(_topic: &str) -> Option<&'static [&'static str]> {
    None
}

#[allow(dead_code)]
fn _unused(_: BTreeMap<String, String>) {}
