//! The demo's scripted assistant (`handoff serve --demo-widget` only): it stands in for the
//! customer's AI so that a newcomer can play both sides in two tabs. It is not an AI: it matches
//! a few words and answers from a script, and the demo widget labels its lines "Demo AI
//! (scripted)". It answers through the public input `ai_reply`, as a real AI's backend would,
//! and only while the conversation is with the AI (the engine's `holder` query says `ai`).

use serde_json::{json, Value};

use super::app::{ApiError, App};
use handoff_core::query::Query as EngineQuery;

/// One scripted answer: its text, the confidence it claims and the action it says it took.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// What the customer reads.
    pub text: &'static str,
    /// The confidence reported with `ai_reply` (below the seed's 0.3 only never: the demo
    /// hands off when the customer asks, or by sentiment, topics and exchanges).
    pub confidence: f64,
    /// The AI action recorded in the context package (`actions`).
    pub action: &'static str,
}

/// The script: the first entry with a word the customer's text contains answers.
const SCRIPT: &[(&[&str], Reply)] = &[
    (
        &["order", "parcel", "delivery", "package", "shipping", "ord-"],
        Reply {
            text: "I looked your order up: it left our warehouse yesterday and the courier expects to deliver it within two working days. Is there anything else?",
            confidence: 0.72,
            action: "looked up the order's shipping status (demo script)",
        },
    ),
    (
        &["refund", "charge", "charged", "invoice", "billing", "bill", "payment"],
        Reply {
            text: "I can see the payments on your account, but I cannot change or refund them myself. A person can: press \"Talk to a person\" whenever you like.",
            confidence: 0.45,
            action: "listed the account's recent payments (demo script)",
        },
    ),
    (
        &["password", "login", "log in", "sign in", "locked"],
        Reply {
            text: "You can reset your password from the sign-in page with \"Forgot password\": the link we email you works for 30 minutes.",
            confidence: 0.9,
            action: "sent the password reset instructions (demo script)",
        },
    ),
    (
        &["hello", "hi", "hey", "good morning", "good afternoon"],
        Reply {
            text: "Hello! I am the demo's scripted assistant. Ask me about an order, a payment or your password, or press \"Talk to a person\".",
            confidence: 0.9,
            action: "greeted the customer (demo script)",
        },
    ),
    (
        &["thank", "thanks", "great", "perfect"],
        Reply {
            text: "You're welcome! Anything else I can help with?",
            confidence: 0.85,
            action: "acknowledged thanks (demo script)",
        },
    ),
];

/// When nothing in the script matches.
const UNSURE: Reply = Reply {
    text: "I'm only the demo's scripted assistant and know a few topics: orders, payments and passwords. Ask about one of them, or press \"Talk to a person\".",
    confidence: 0.4,
    action: "did not recognise the question (demo script)",
};

/// The scripted answer to `text`: the first script entry one of whose words `text` contains as a
/// whole word (case folded), else [`UNSURE`].
pub fn reply(text: &str) -> Reply {
    let folded = text.to_lowercase();
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .collect();
    let has = |key: &str| {
        if key.contains(' ') || key.ends_with('-') {
            folded.contains(key)
        } else {
            words.contains(&key)
        }
    };
    SCRIPT
        .iter()
        .find(|(keys, _)| keys.iter().any(|k| has(k)))
        .map_or(UNSURE, |(_, r)| r.clone())
}

/// Answers the customer's `text` in `conversation_id` with an `ai_reply`, when the conversation
/// is with the AI. A refusal (a person took it meanwhile) is not the customer's error: it is
/// logged and nothing is answered.
pub async fn answer(app: &App, conversation_id: &str, text: &str) -> Result<(), ApiError> {
    let holder = app
        .query(EngineQuery::Holder {
            conversation_id: conversation_id.to_string(),
        })
        .await?;
    let status = serde_json::from_str::<Value>(&holder)
        .ok()
        .and_then(|v| v.get("status").and_then(Value::as_str).map(str::to_string));
    if status.as_deref() != Some("ai") {
        return Ok(());
    }
    let r = reply(text);
    let input = json!({
        "type": "ai_reply",
        "conversation_id": conversation_id,
        "text": r.text,
        "confidence": r.confidence,
        "actions": [r.action],
    });
    if let Err(e) = app.input_outputs(input).await {
        tracing::info!(conversation_id, error = ?e, "the demo assistant's reply was refused");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_answers_by_whole_words() {
        assert!(reply("Where is my order ORD-12345?").text.contains("order"));
        assert!(reply("I was charged twice").text.contains("payments"));
        assert_eq!(reply("Something else entirely"), UNSURE);
        // "this" holds "hi" but is not the word "hi".
        assert_eq!(reply("this and that"), UNSURE);
        assert!(reply("HELLO").text.starts_with("Hello"));
    }
}
