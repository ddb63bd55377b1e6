//! The context package a human agent receives at handoff.

use super::triggers::{recent_average, round4, trend};
use crate::config::Config;
use crate::summary::extractive_summary;
use crate::wire::output::{Context, SentimentSummary, TriggerHit};
use crate::wire::state::{Conversation, Role};

/// Builds the package for `conv` (after its triggers and priority are set).
pub(crate) fn build(config: &Config, conv: &Conversation) -> Context {
    let window = config.triggers.sentiment_window;
    let customer_lines: Vec<&str> = conv
        .history
        .iter()
        .filter(|h| h.role == Role::Customer)
        .map(|h| h.text.as_str())
        .collect();
    let mut ai_actions: Vec<String> = Vec::new();
    for action in &conv.ai_actions {
        if !ai_actions.contains(action) {
            ai_actions.push(action.clone());
        }
    }
    let (summary, summary_source) = match &conv.summary {
        Some(s) => (s.clone(), "ai"),
        None => (
            extractive_summary(&customer_lines, &ai_actions),
            "extractive",
        ),
    };
    let suggested_actions = if conv.suggested_actions.is_empty() {
        default_suggestions(conv)
    } else {
        conv.suggested_actions.clone()
    };
    Context {
        conversation_id: conv.id.clone(),
        customer: conv.customer.clone(),
        history: conv.history.clone(),
        intent: conv.intent.clone(),
        topic: conv.topic.clone(),
        sentiment: SentimentSummary {
            latest: conv.history.iter().rev().find_map(|h| h.sentiment),
            average: recent_average(conv, window).map(round4),
            trend: trend(conv, window).into(),
            history: conv.sentiments().collect(),
        },
        ai_actions,
        summary,
        summary_source: summary_source.into(),
        suggested_actions,
        triggers: conv.triggers.clone(),
        priority: conv.priority,
        exchanges: conv.exchanges,
    }
}

/// Generic first steps by topic and trigger, when the caller's AI suggests none.
fn default_suggestions(conv: &Conversation) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let topic = conv.topic.as_deref().unwrap_or("");
    let topic_step = match topic {
        t if t.contains("billing") || t.contains("refund") => {
            Some("Review the customer's recent charges and refunds before replying")
        }
        t if t.contains("legal") => {
            Some("Follow the legal escalation policy; do not admit liability in chat")
        }
        t if t.contains("complaint") => {
            Some("Acknowledge the complaint and log it in the complaints register")
        }
        t if t.contains("cancel") => {
            Some("Confirm which subscription or order the customer wants to cancel")
        }
        t if t.contains("delivery") || t.contains("shipping") || t.contains("order") => {
            Some("Check the order's shipping status with the carrier")
        }
        t if t.contains("technical") => {
            Some("Ask for the exact error and the steps that lead to it")
        }
        _ => None,
    };
    out.extend(topic_step.map(str::to_string));
    for hit in &conv.triggers {
        let step = match hit {
            TriggerHit::SentimentThreshold { .. } => {
                "Acknowledge the customer's frustration before solving"
            }
            TriggerHit::LowConfidenceThreshold { .. } | TriggerHit::MaxExchanges { .. } => {
                "Read the AI's answers so far: do not repeat what did not help"
            }
            TriggerHit::CustomerRequest { .. } => {
                "Greet the customer by name and confirm the issue in one line"
            }
            TriggerHit::Topics { .. } => continue,
        };
        if !out.iter().any(|s| s == step) {
            out.push(step.to_string());
        }
    }
    out
}
