//! Extractive summaries. PLACEHOLDER: being written.

/// A factual summary built from the customer's own words and the AI's actions.
pub fn extractive_summary(customer_messages: &[&str], _ai_actions: &[String]) -> String {
    customer_messages
        .first()
        .map(|s| s.to_string())
        .unwrap_or_default()
}
