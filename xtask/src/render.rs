//! Renders inputs and outputs (JSON wire format) for people.
//!
//! Works on JSON values rather than the engine's types so that anything the engine adds later is
//! still shown (as raw JSON) instead of breaking the demo.

use chrono::DateTime;
use serde_json::Value;

/// `HH:MM:SS` (UTC).
pub fn hms(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%H:%M:%S").to_string())
        .unwrap_or_else(|| format!("{ms}ms"))
}

/// `Monday 2026-01-12` (UTC).
pub fn day(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%A %Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// `HH:MM:SS` when `at` is on the same UTC day as `now`, else `Mon 2026-01-12 03:30:00`.
pub fn when(at: i64, now: i64) -> String {
    if day(at) == day(now) {
        hms(at)
    } else {
        DateTime::from_timestamp_millis(at)
            .map(|t| t.format("%a %Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_else(|| format!("{at}ms"))
    }
}

/// `45s`, `2m 05s`, `1h 02m`.
pub fn wait(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, s % 3600 / 60),
    }
}

fn str_at<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("?")
}

fn opt_str<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn quoted(s: &str) -> String {
    // JSON string quoting keeps line breaks and quotes visible on one line.
    Value::String(s.to_string()).to_string()
}

fn num(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        Value::Null => "none".into(),
        other => other.to_string(),
    }
}

/// The width of the actor column.
const ACTOR: usize = 8;

/// One line for an input: `10:30:00  customer  conv_1  "I want to talk to a human"`.
pub fn input(now: i64, input: &Value) -> String {
    let (actor, subject, detail) = describe_input(input);
    let mut line = format!("{}  {actor:<ACTOR$}  {subject}", hms(now));
    if !detail.is_empty() {
        line.push_str("  ");
        line.push_str(&detail);
    }
    line
}

fn describe_input(i: &Value) -> (&'static str, String, String) {
    let conv = || str_at(i, "conversation_id").to_string();
    match i.get("type").and_then(Value::as_str).unwrap_or("") {
        "customer_message" => {
            let mut notes = Vec::new();
            if let Some(name) = i.pointer("/customer/name").and_then(Value::as_str) {
                notes.push(name.to_string());
            }
            if let Some(s) = i.get("signals") {
                if let Some(v) = s.get("sentiment") {
                    notes.push(format!("sentiment {}", num(v)));
                }
                if let Some(v) = s.get("confidence") {
                    notes.push(format!("confidence {}", num(v)));
                }
                for key in ["intent", "topic"] {
                    if let Some(v) = opt_str(s, key) {
                        notes.push(format!("{key} {v}"));
                    }
                }
                if s.get("summary").is_some() {
                    notes.push("with summary".into());
                }
                if let Some(n) = s.get("suggested_actions").and_then(Value::as_array) {
                    notes.push(format!("{} suggested actions", n.len()));
                }
                if s.get("human_requested") == Some(&Value::Bool(true)) {
                    notes.push("asks for a person".into());
                }
            }
            let mut detail = quoted(str_at(i, "text"));
            if !notes.is_empty() {
                detail.push_str(&format!("  ({})", notes.join("; ")));
            }
            ("customer", conv(), detail)
        }
        "ai_reply" => {
            let mut notes = Vec::new();
            if let Some(c) = i.get("confidence") {
                notes.push(format!("confidence {}", num(c)));
            }
            if let Some(actions) = i.get("actions").and_then(Value::as_array) {
                notes.extend(actions.iter().filter_map(Value::as_str).map(str::to_string));
            }
            if i.get("resolved") == Some(&Value::Bool(true)) {
                notes.push("resolved".into());
            }
            let mut detail = quoted(str_at(i, "text"));
            if !notes.is_empty() {
                detail.push_str(&format!("  ({})", notes.join("; ")));
            }
            ("ai", conv(), detail)
        }
        "handoff_request" => (
            "customer",
            conv(),
            format!(
                "asks for a person ({})",
                opt_str(i, "source").unwrap_or("button")
            ),
        ),
        "agent_update" => {
            let a = i.get("agent").cloned().unwrap_or(Value::Null);
            let mut parts = Vec::new();
            if let Some(name) = opt_str(&a, "name") {
                parts.push(name.to_string());
            }
            if let Some(status) = opt_str(&a, "status") {
                parts.push(format!("is {status}"));
            }
            if let Some(m) = a.get("max_concurrent") {
                parts.push(format!("(max {})", num(m)));
            }
            if let Some(skills) = a.get("skills").and_then(Value::as_array) {
                let skills: Vec<&str> = skills.iter().filter_map(Value::as_str).collect();
                parts.push(format!("skills: {}", skills.join(", ")));
            }
            ("agent", str_at(&a, "id").to_string(), parts.join(" "))
        }
        "agent_accept" => (
            "agent",
            conv(),
            format!("{} accepts", str_at(i, "agent_id")),
        ),
        "agent_decline" => {
            let mut d = format!("{} declines", str_at(i, "agent_id"));
            if let Some(r) = opt_str(i, "reason") {
                d.push_str(&format!(" ({})", quoted(r)));
            }
            ("agent", conv(), d)
        }
        "agent_message" => (
            "agent",
            conv(),
            format!("{}: {}", str_at(i, "agent_id"), quoted(str_at(i, "text"))),
        ),
        "callback_details" => {
            let parts: Vec<String> = ["name", "phone", "email"]
                .iter()
                .filter_map(|k| opt_str(i, k).map(str::to_string))
                .chain(opt_str(i, "preferred_time").map(|t| format!("preferred {}", quoted(t))))
                .collect();
            (
                "customer",
                conv(),
                format!("callback details: {}", parts.join(", ")),
            )
        }
        "conversation_closed" => (
            "host",
            conv(),
            format!(
                "conversation closed by {}",
                opt_str(i, "by").unwrap_or("system")
            ),
        ),
        "delivery_result" => {
            let mut d = match i.get("status") {
                Some(s) => format!("HTTP {}", num(s)),
                None => format!(
                    "no response: {}",
                    opt_str(i, "error").unwrap_or("network error")
                ),
            };
            if let Some(ms) = i.get("retry_after_ms").and_then(Value::as_i64) {
                d.push_str(&format!(" (Retry-After {})", wait(ms)));
            }
            if let Some(body) = opt_str(i, "body") {
                d.push_str(&format!(" {}", quoted(body)));
            }
            ("host", str_at(i, "delivery_id").to_string(), d)
        }
        "redrive_delivery" => (
            "admin",
            str_at(i, "delivery_id").to_string(),
            "redrive".into(),
        ),
        "enable_webhook" => (
            "admin",
            str_at(i, "webhook_id").to_string(),
            "enable webhook".into(),
        ),
        "tick" => ("clock", "tick".into(), String::new()),
        "helpdesk_event" => (
            "helpdesk",
            format!("{} {}", str_at(i, "integration_id"), str_at(i, "vendor_id")),
            format!("{} {}", str_at(i, "kind"), quoted(str_at(i, "text"))),
        ),
        _ => ("?", i.to_string(), String::new()),
    }
}

/// One line per output (most take one), without indentation.
pub fn output(now: i64, o: &Value) -> Vec<String> {
    let conv = str_at(o, "conversation_id");
    let line = match o.get("type").and_then(Value::as_str).unwrap_or("") {
        "message" => format!("says: {}", quoted(str_at(o, "text"))),
        "handoff" => {
            let primary = str_at(o, "primary");
            let mut also: Vec<&str> = Vec::new();
            for t in o
                .get("triggers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = str_at(t, "trigger");
                if name != primary && !also.contains(&name) {
                    also.push(name);
                }
            }
            let also = if also.is_empty() {
                String::new()
            } else {
                format!("; also: {}", also.join(", "))
            };
            let mut lines = vec![format!(
                "HANDOFF {conv} (primary: {primary}{also}) priority {}",
                str_at(o, "priority")
            )];
            if let Some(evidence) = o
                .get("triggers")
                .and_then(Value::as_array)
                .and_then(|t| t.first())
                .map(evidence)
            {
                lines.push(format!("  evidence: {evidence}"));
            }
            if let Some(ctx) = o.get("context") {
                lines.push(format!(
                    "  summary ({}): {}",
                    str_at(ctx, "summary_source"),
                    quoted(str_at(ctx, "summary"))
                ));
            }
            return lines;
        }
        "queued" => format!(
            "QUEUED {conv} position {} of {}",
            num(&o["position"]),
            num(&o["queue_length"])
        ),
        "offered" => format!(
            "OFFERED {conv} to {} (expires {})",
            str_at(o, "agent_id"),
            o.get("expires_at")
                .and_then(Value::as_i64)
                .map_or("?".into(), |t| when(t, now))
        ),
        "offer_withdrawn" => format!(
            "OFFER WITHDRAWN {conv} from {} ({})",
            str_at(o, "agent_id"),
            str_at(o, "reason")
        ),
        "agent_status" => format!(
            "AGENT {} is now {} ({})",
            str_at(o, "agent_id"),
            str_at(o, "status"),
            str_at(o, "reason")
        ),
        "assigned" => format!(
            "ASSIGNED {conv} to {} after {}",
            str_at(o, "agent_name"),
            wait(o.get("wait_ms").and_then(Value::as_i64).unwrap_or(0))
        ),
        "collect_callback" => {
            let fields: Vec<&str> = o
                .get("fields")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let next = o
                .get("next_opening")
                .and_then(Value::as_i64)
                .map(|t| format!("; next opening {} UTC", when(t, now)))
                .unwrap_or_default();
            format!(
                "COLLECT CALLBACK {conv} ({}{next}) asks for {}",
                str_at(o, "reason"),
                fields.join(", ")
            )
        }
        "callback_scheduled" => format!(
            "CALLBACK SCHEDULED {conv} for {} UTC ({})",
            o.get("at")
                .and_then(Value::as_i64)
                .map_or("?".into(), |t| when(t, now)),
            callback(&o["callback"])
        ),
        "callback_requested" => format!(
            "CALLBACK REQUESTED {conv}: call back {}",
            callback(&o["callback"])
        ),
        "closed" => {
            let agent = opt_str(o, "agent_id")
                .map(|a| format!(" ({a})"))
                .unwrap_or_default();
            format!("CLOSED {conv} by {}{agent}", str_at(o, "by"))
        }
        "event" => format!(
            "EVENT {}",
            o.get("event").map_or("?", |e| str_at(e, "event"))
        ),
        "delivery" => format!(
            "WEBHOOK {} → {} (delivery {}, attempt {})",
            str_at(o, "event"),
            str_at(o, "url"),
            str_at(o, "delivery_id"),
            num(&o["attempt"])
        ),
        "delivered" => format!(
            "DELIVERED {} (attempt {})",
            str_at(o, "delivery_id"),
            num(&o["attempt"])
        ),
        "delivery_retry" => format!(
            "RETRY {}: attempt {} failed ({}); next attempt at {}",
            str_at(o, "delivery_id"),
            num(&o["attempt"]),
            str_at(o, "error"),
            o.get("at")
                .and_then(Value::as_i64)
                .map_or("?".into(), |t| when(t, now))
        ),
        "delivery_failed" => format!(
            "DEAD LETTER {} after {} attempt(s): {}",
            str_at(o, "delivery_id"),
            num(&o["attempts"]),
            str_at(o, "reason")
        ),
        "webhook_disabled" => format!(
            "WEBHOOK DISABLED {}: {}",
            str_at(o, "webhook_id"),
            str_at(o, "reason")
        ),
        _ => o.to_string(),
    };
    vec![line]
}

fn callback(c: &Value) -> String {
    let mut parts: Vec<String> = ["name", "phone", "email"]
        .iter()
        .filter_map(|k| opt_str(c, k).map(str::to_string))
        .collect();
    if let Some(t) = opt_str(c, "preferred_time") {
        parts.push(format!("preferred {}", quoted(t)));
    }
    parts.join(", ")
}

/// The evidence of one trigger hit, in a few words.
fn evidence(t: &Value) -> String {
    match str_at(t, "trigger") {
        "customer_request" => {
            let mut s = format!("customer asked ({})", str_at(t, "source"));
            if let Some(p) = opt_str(t, "phrase") {
                s.push_str(&format!(": {}", quoted(p)));
            }
            if let Some(l) = opt_str(t, "language") {
                s.push_str(&format!(" [{l}]"));
            }
            s
        }
        "sentiment_threshold" => {
            let basis = opt_str(t, "basis")
                .map(|b| format!(", on the {b}"))
                .unwrap_or_default();
            format!(
                "sentiment {} (average {}, {}{basis}) ≤ {} [{}]",
                num(&t["score"]),
                num(&t["average"]),
                str_at(t, "trend"),
                num(&t["threshold"]),
                str_at(t, "source")
            )
        }
        "max_exchanges" => format!(
            "{} exchanges without resolution (max {})",
            num(&t["exchanges"]),
            num(&t["max"])
        ),
        "low_confidence_threshold" => format!(
            "AI confidence {} < {} ({} in a row)",
            num(&t["confidence"]),
            num(&t["threshold"]),
            num(&t["consecutive"])
        ),
        "topics" => {
            let mut s = format!("topic {} [{}]", str_at(t, "topic"), str_at(t, "source"));
            if let Some(k) = opt_str(t, "keyword") {
                s.push_str(&format!(" keyword {}", quoted(k)));
            }
            s
        }
        _ => t.to_string(),
    }
}

/// `✗ input.conversation_id: no open conversation with this id (got "x")`.
pub fn error(e: &Value, expected: bool) -> String {
    let mut s = format!("✗ {}: {}", str_at(e, "path"), str_at(e, "message"));
    if let Some(v) = opt_str(e, "value") {
        s.push_str(&format!(" (got {v})"));
    }
    if expected {
        s.push_str("  [expected]");
    } else {
        s.push_str("  [UNEXPECTED]");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_768_213_800_000; // 2026-01-12T10:30:00Z

    #[test]
    fn inputs_read_as_a_transcript() {
        let i = json!({"type":"customer_message","conversation_id":"conv_1","text":"I want to talk to a human"});
        assert_eq!(
            input(NOW, &i),
            r#"10:30:00  customer  conv_1  "I want to talk to a human""#
        );
        assert_eq!(
            input(NOW, &json!({"type":"tick"})),
            "10:30:00  clock     tick"
        );
    }

    #[test]
    fn outputs_read_as_decisions() {
        let o = json!({"type":"handoff","conversation_id":"conv_1","primary":"customer_request",
            "triggers":[{"trigger":"customer_request","source":"text","phrase":"talk to a human","language":"en"},
                        {"trigger":"sentiment_threshold","score":-0.6,"average":-0.6,"threshold":-0.5,"trend":"steady","source":"lexicon"}],
            "priority":"high"});
        let lines = output(NOW, &o);
        assert_eq!(
            lines[0],
            "HANDOFF conv_1 (primary: customer_request; also: sentiment_threshold) priority high"
        );
        let o = json!({"type":"offered","conversation_id":"conv_1","agent_id":"agent_1","expires_at":NOW + 60_000});
        assert_eq!(
            output(NOW, &o),
            ["OFFERED conv_1 to agent_1 (expires 10:31:00)"]
        );
        let o = json!({"type":"assigned","conversation_id":"conv_1","agent_id":"agent_1","agent_name":"Asha","wait_ms":45_000});
        assert_eq!(output(NOW, &o), ["ASSIGNED conv_1 to Asha after 45s"]);
        let o = json!({"type":"queued","conversation_id":"conv_2","position":2,"queue_length":2});
        assert_eq!(output(NOW, &o), ["QUEUED conv_2 position 2 of 2"]);
        let o = json!({"type":"something_new","x":1});
        assert_eq!(output(NOW, &o), [r#"{"type":"something_new","x":1}"#]);
    }

    #[test]
    fn times() {
        assert_eq!(when(NOW + 86_400_000, NOW), "Tue 2026-01-13 10:30:00");
        assert_eq!(wait(125_000), "2m 05s");
        assert_eq!(wait(3_720_000), "1h 02m");
    }
}
