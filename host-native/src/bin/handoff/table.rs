//! `handoff replay --format table`: one block of rows per input, for people.

use chrono::{DateTime, Utc};
use handoff_native::replay::{Step, StepError};
use serde_json::Value;

const LINE: usize = 5;
const TIME: usize = 19;
const INPUT: usize = 40;

/// The column headings.
pub fn header() -> String {
    format!(
        "{:>LINE$}  {:<TIME$}  {:<INPUT$}  OUTPUTS",
        "LINE", "TIME (UTC)", "INPUT"
    )
}

/// The rows of one step: the input, then one row per output (or the error).
pub fn rows(step: &Step) -> Vec<String> {
    let mut results: Vec<String> = match &step.result {
        Ok(_) => step.outputs().iter().map(output).collect(),
        Err(StepError::Engine(_)) => {
            let e = step.error().unwrap_or(Value::Null);
            let mut text = format!(
                "✗ {}: {}",
                e["path"].as_str().unwrap_or(""),
                e["message"].as_str().unwrap_or("")
            );
            if let Some(v) = e.get("value").and_then(Value::as_str) {
                text.push_str(&format!(" (got {})", cut(v, 40)));
            }
            text.push_str(if step.expect_error {
                "  [expected]"
            } else {
                "  [UNEXPECTED]"
            });
            vec![text]
        }
        Err(StepError::Trap(message)) => vec![format!("✗ TRAP: {message}")],
    };
    if results.is_empty() {
        results.push("-".into());
    }
    if step.result.is_ok() && step.expect_error {
        results
            .push("✗ expected an error, but the engine accepted this input  [UNEXPECTED]".into());
    }
    let mut rows = Vec::with_capacity(results.len());
    for (i, result) in results.into_iter().enumerate() {
        if i == 0 {
            rows.push(format!(
                "{:>LINE$}  {:<TIME$}  {:<INPUT$}  {result}",
                step.line,
                time(step.now),
                cut(&input(&step.input), INPUT)
            ));
        } else {
            rows.push(format!(
                "{:>LINE$}  {:<TIME$}  {:<INPUT$}  {result}",
                "", "", ""
            ));
        }
    }
    rows
}

fn time(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| ms.to_string())
}

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut v = v;
    for key in path {
        v = v.get(key)?;
    }
    v.as_str()
}

/// `customer_message conv_1`, `agent_update agent_1 online`, `delivery_result msg_… 503`.
fn input(v: &Value) -> String {
    let mut parts = vec![str_at(v, &["type"]).unwrap_or("?").to_string()];
    for path in [
        &["conversation_id"][..],
        &["agent", "id"],
        &["agent", "status"],
        &["agent_id"],
        &["delivery_id"],
        &["webhook_id"],
    ] {
        if let Some(s) = str_at(v, path) {
            parts.push(s.to_string());
        }
    }
    if let Some(status) = v.get("status").and_then(Value::as_u64) {
        parts.push(status.to_string());
    }
    if let Some(err) = str_at(v, &["error"]) {
        parts.push(err.to_string());
    }
    parts.join(" ")
}

/// One output, with the fields that tell what happened.
fn output(v: &Value) -> String {
    let ty = str_at(v, &["type"]).unwrap_or("?");
    let s = |k: &str| str_at(v, &[k]).unwrap_or("").to_string();
    let n = |k: &str| v.get(k).map(|x| x.to_string()).unwrap_or_default();
    let conv = s("conversation_id");
    match ty {
        "message" => format!(
            "message {conv} [{}]: {}",
            s("template"),
            cut(&s("text"), 70)
        ),
        "handoff" => format!(
            "handoff {conv}: {} (priority {})",
            s("primary"),
            s("priority")
        ),
        "queued" => format!(
            "queued {conv}: position {} of {}",
            n("position"),
            n("queue_length")
        ),
        "offered" => format!(
            "offered {conv} to {} until {}",
            s("agent_id"),
            v.get("expires_at")
                .and_then(Value::as_i64)
                .map(time)
                .unwrap_or_default()
        ),
        "offer_withdrawn" => format!(
            "offer_withdrawn {conv} from {}: {}",
            s("agent_id"),
            s("reason")
        ),
        "agent_status" => format!(
            "agent_status {} → {} ({})",
            s("agent_id"),
            s("status"),
            s("reason")
        ),
        "assigned" => format!(
            "assigned {conv} to {} ({}) after {} ms",
            s("agent_id"),
            s("agent_name"),
            n("wait_ms")
        ),
        "collect_callback" => format!("collect_callback {conv}: {}", s("reason")),
        "callback_scheduled" => format!(
            "callback_scheduled {conv} at {}",
            v.get("at")
                .and_then(Value::as_i64)
                .map(time)
                .unwrap_or_default()
        ),
        "delivery" => format!(
            "delivery {} {} to {} (attempt {})",
            s("event"),
            s("delivery_id"),
            s("webhook_id"),
            n("attempt")
        ),
        _ => {
            // Anything else: the type and its short scalar fields.
            let mut parts = vec![ty.to_string()];
            if let Some(map) = v.as_object() {
                for (k, x) in map {
                    if k == "type" {
                        continue;
                    }
                    match x {
                        Value::String(t) => parts.push(format!("{k}={}", cut(t, 40))),
                        Value::Number(n)
                            if k == "at" || k.ends_with("_at") || k == "next_opening" =>
                        {
                            match n.as_i64() {
                                Some(ms) => parts.push(format!("{k}={}", time(ms))),
                                None => parts.push(format!("{k}={x}")),
                            }
                        }
                        Value::Number(_) | Value::Bool(_) => parts.push(format!("{k}={x}")),
                        _ => {}
                    }
                }
            }
            parts.join(" ")
        }
    }
}
