//! The context package as helpdesks show it: a subject line, plain text (Zendesk comments) and
//! HTML (Freshdesk descriptions and notes, Intercom notes), and the short follow-up notes.

use serde_json::Value;

use crate::wire::event::{timestamp, EventData};
use crate::wire::output::Context;
use crate::wire::state::Role;

pub(crate) use crate::config::integrations::tag;

/// Tags for a new ticket: the configured ones, `handoff`, the primary trigger and the topic.
pub(crate) fn tags(configured: &[String], primary: &str, context: &Context) -> Vec<String> {
    let mut out: Vec<String> = configured.to_vec();
    for t in ["handoff".to_string(), tag(primary)]
        .into_iter()
        .chain(context.topic.as_deref().map(tag))
    {
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// `Chat handoff: <summary, up to 100 characters>`.
pub(crate) fn subject(context: &Context) -> String {
    let first_line = context.summary.lines().next().unwrap_or_default().trim();
    if first_line.is_empty() {
        format!("Chat handoff {}", context.conversation_id)
    } else {
        format!("Chat handoff: {}", clip(first_line, 100))
    }
}

fn who(role: Role) -> &'static str {
    match role {
        Role::Customer => "Customer",
        Role::Ai => "AI",
        Role::Agent => "Agent",
        Role::AgentNote => "Agent (note)",
    }
}

fn customer_line(context: &Context) -> String {
    let c = &context.customer;
    let mut parts = Vec::new();
    if let Some(name) = &c.name {
        parts.push(name.clone());
    }
    if let Some(email) = &c.email {
        parts.push(format!("<{email}>"));
    }
    if let Some(phone) = &c.phone {
        parts.push(phone.clone());
    }
    if let Some(id) = &c.id {
        parts.push(format!("(id {id})"));
    }
    if parts.is_empty() {
        "unknown".into()
    } else {
        parts.join(" ")
    }
}

/// The facts of the package as (label, value) lines, in the order agents read them.
fn facts(context: &Context, primary: &str) -> Vec<(&'static str, String)> {
    let mut out = vec![
        ("Conversation", context.conversation_id.clone()),
        ("Customer", customer_line(context)),
        ("Trigger", primary.to_string()),
        ("Priority", context.priority.name().to_string()),
    ];
    if let Some(intent) = &context.intent {
        out.push(("Intent", intent.clone()));
    }
    if let Some(topic) = &context.topic {
        out.push(("Topic", topic.clone()));
    }
    if let Some(latest) = context.sentiment.latest {
        out.push((
            "Sentiment",
            format!("{latest} ({})", context.sentiment.trend),
        ));
    }
    if !context.ai_actions.is_empty() {
        out.push(("AI tried", context.ai_actions.join("; ")));
    }
    for (k, v) in &context.customer.attributes {
        let shown = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if !crate::wire::limits::ID_ATTRIBUTES.contains(&k.as_str()) {
            out.push(("Attribute", format!("{k}: {shown}")));
        }
    }
    out
}

/// The whole package as plain text: summary, suggested steps, facts, then the transcript.
pub(crate) fn text(context: &Context, primary: &str) -> String {
    let mut s = format!(
        "Handed off by the AI assistant.\n\nSummary: {}\n",
        context.summary
    );
    if !context.suggested_actions.is_empty() {
        s.push_str("\nSuggested actions:\n");
        for a in &context.suggested_actions {
            s.push_str(&format!("- {a}\n"));
        }
    }
    s.push('\n');
    for (label, value) in facts(context, primary) {
        s.push_str(&format!("{label}: {value}\n"));
    }
    s.push_str("\nTranscript:\n");
    for h in &context.history {
        s.push_str(&format!(
            "[{}] {}: {}\n",
            timestamp(h.at),
            who(h.role),
            h.text
        ));
    }
    s
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The whole package as HTML (every value escaped).
pub(crate) fn html(context: &Context, primary: &str) -> String {
    let mut s = format!(
        "<p><b>Handed off by the AI assistant.</b></p><p><b>Summary:</b> {}</p>",
        escape(&context.summary)
    );
    if !context.suggested_actions.is_empty() {
        s.push_str("<p><b>Suggested actions:</b></p><ul>");
        for a in &context.suggested_actions {
            s.push_str(&format!("<li>{}</li>", escape(a)));
        }
        s.push_str("</ul>");
    }
    s.push_str("<p>");
    let facts = facts(context, primary);
    for (i, (label, value)) in facts.iter().enumerate() {
        let br = if i + 1 < facts.len() { "<br>" } else { "" };
        s.push_str(&format!("<b>{label}:</b> {}{br}", escape(value)));
    }
    s.push_str("</p><p><b>Transcript:</b></p><ul>");
    for h in &context.history {
        s.push_str(&format!(
            "<li>[{}] <b>{}:</b> {}</li>",
            timestamp(h.at),
            who(h.role),
            escape(&h.text)
        ));
    }
    s.push_str("</ul>");
    s
}

/// The short note of a follow-up event, as plain text; `None` for events without one.
pub(crate) fn follow_up(data: &EventData) -> Option<String> {
    Some(match data {
        EventData::Queued(q) => format!(
            "Waiting for an agent: position {} of {} in the queue.",
            q.position, q.queue_length
        ),
        EventData::Assigned(a) => format!(
            "Assigned to {} ({}) after {} s.",
            a.agent_name, a.agent_id, a.wait_seconds
        ),
        EventData::CallbackRequested(c) => {
            let cb = &c.callback;
            let mut parts = vec!["Callback requested.".to_string()];
            for (label, value) in [
                ("Name", &cb.name),
                ("Phone", &cb.phone),
                ("Email", &cb.email),
                ("Preferred time", &cb.preferred_time),
            ] {
                if let Some(v) = value {
                    parts.push(format!("{label}: {v}."));
                }
            }
            parts.join(" ")
        }
        EventData::Closed(c) => format!("Conversation closed by {}.", c.closed_by),
        EventData::ReturnedToAi(r) => match &r.note {
            Some(note) => format!("Returned to the AI by {}. Note: {note}", r.agent_id),
            None => format!("Returned to the AI by {}.", r.agent_id),
        },
        // The handoff creates; messages and notes are written as themselves (not as a
        // follow-up note); transfers do not reach helpdesks.
        EventData::HandoffRequested(_)
        | EventData::Message(_)
        | EventData::Note(_)
        | EventData::Transferred(_)
        | EventData::TransferFailed(_)
        | EventData::Resolved(_)
        | EventData::Reopened(_)
        | EventData::Csat(_) => return None,
    })
}

/// An agent's private note as the helpdesk's internal note: who wrote it, then the note.
pub(crate) fn note_text(n: &crate::wire::event::Note) -> String {
    format!("Note from {}: {}", n.agent_id, n.text)
}
