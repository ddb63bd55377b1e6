//! The curl tour `cargo xtask demo` prints: one whole conversation through `handoff serve`, from
//! the AI to a handoff, the agent's chat both ways, a private note, a warm transfer, the
//! hand-back to the AI, the AI again, a second handoff, the resolution and the customer's rating.
//!
//! The steps are data, with the output types each answer must carry, so that the tour the demo
//! prints is the tour `host-native/tests/serve/tour.rs` runs against the real binary (it includes
//! this file: keep it free of anything but `std`, and `serde_json` in its tests).

/// One request of the tour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// What the step does, printed as a `#` comment above it.
    pub say: String,
    /// `GET`, `POST` or `PUT`.
    pub method: &'static str,
    /// The path under the base URL (`/v1/…`).
    pub path: String,
    /// The shell variable holding the token: `W` (widget), `ADMIN`, or an agent's id in capitals.
    pub token: String,
    /// The JSON body, if any.
    pub body: Option<String>,
    /// Output types the answer's `outputs` must hold (in any order).
    pub expect: Vec<&'static str>,
}

/// The conversation the tour goes through.
pub const CONVERSATION: &str = "conv_1";

/// The shell variable of an agent's token (`agent_1` → `AGENT_1`).
pub fn token_var(agent: &str) -> String {
    agent.to_uppercase()
}

/// The tour with two agents, `(id, name)` each: the first takes the handoff and transfers it,
/// warm, to the second, who gives it back to the AI and takes the second handoff.
pub fn steps(first: (&str, &str), second: (&str, &str)) -> Vec<Step> {
    let (a1, n1) = first;
    let (a2, n2) = second;
    let c = format!("/v1/conversations/{CONVERSATION}");
    let step = |say: String,
                method: &'static str,
                path: String,
                token: String,
                body: Option<&str>,
                expect: &[&'static str]| Step {
        say,
        method,
        path,
        token,
        body: body.map(str::to_string),
        expect: expect.to_vec(),
    };
    let w = || "W".to_string();
    let t1 = || token_var(a1);
    let t2 = || token_var(a2);
    let online = |name: &str| format!("{{\"name\": \"{name}\", \"status\": \"online\"}}");
    vec![
        step(
            format!("{n1} comes online"),
            "PUT",
            format!("/v1/agents/{a1}"),
            t1(),
            Some(&online(n1)),
            &[],
        ),
        step(
            "the customer writes; the AI answers (no handoff yet)".into(),
            "POST",
            format!("{c}/messages"),
            w(),
            Some(r#"{"text": "Hi, where is my order ORD-12345?"}"#),
            &[],
        ),
        step(
            "the AI's reply, with its confidence".into(),
            "POST",
            format!("{c}/ai-replies"),
            w(),
            Some(r#"{"text": "Let me check that for you.", "confidence": 0.9}"#),
            &[],
        ),
        step(
            format!("the customer asks for a person: handoff, offered to {n1}"),
            "POST",
            format!("{c}/messages"),
            w(),
            Some(r#"{"text": "I want to talk to a real person", "customer": {"name": "Priya"}}"#),
            &["handoff", "offered"],
        ),
        step(
            format!("{n1} accepts: \"You're now connected with {n1}.\""),
            "POST",
            format!("{c}/accept"),
            t1(),
            None,
            &["assigned", "message"],
        ),
        step(
            format!("{n1} writes to the customer (agent_message on the conversation's stream)"),
            "POST",
            format!("{c}/agent-messages"),
            t1(),
            Some(&format!(
                "{{\"text\": \"Hi Priya, {n1} here. Checking with the courier.\"}}"
            )),
            &["agent_message"],
        ),
        step(
            format!("the customer answers (customer_message on {n1}'s stream)"),
            "POST",
            format!("{c}/messages"),
            w(),
            Some(r#"{"text": "Thanks! I also have a billing question."}"#),
            &["customer_message"],
        ),
        step(
            format!("{n1}'s private note: agents only, never the customer"),
            "POST",
            format!("{c}/notes"),
            t1(),
            Some(r#"{"text": "Courier says Friday. Billing question open."}"#),
            &["agent_note"],
        ),
        step(
            format!("{n2} comes online"),
            "PUT",
            format!("/v1/agents/{a2}"),
            t2(),
            Some(&online(n2)),
            &[],
        ),
        step(
            format!("{n1} transfers warm to {n2}, with a note: {n2} is offered it"),
            "POST",
            format!("{c}/transfer"),
            t1(),
            Some(&format!(
                "{{\"to\": {{\"agent\": \"{a2}\"}}, \"mode\": \"warm\", \"note\": \"Billing question; delivery answered\"}}"
            )),
            &["offered"],
        ),
        step(
            format!("{n2} accepts: {n1} leaves (agent_left), {n2} has it"),
            "POST",
            format!("{c}/accept"),
            t2(),
            None,
            &["agent_left", "assigned"],
        ),
        step(
            format!("{n2} writes to the customer"),
            "POST",
            format!("{c}/agent-messages"),
            t2(),
            Some(r#"{"text": "Hi, I can help with billing: your refund is on its way."}"#),
            &["agent_message"],
        ),
        step(
            format!("{n2} gives it back to the AI, with a note for it"),
            "POST",
            format!("{c}/return-to-ai"),
            t2(),
            Some(r#"{"note": "Refund issued; delivery due Friday."}"#),
            &["returned_to_ai", "message"],
        ),
        step(
            "the AI answers again".into(),
            "POST",
            format!("{c}/ai-replies"),
            w(),
            Some(r#"{"text": "Anything else I can help with?", "confidence": 0.95}"#),
            &[],
        ),
        step(
            format!("the customer asks for a person again: offered to {n2} first"),
            "POST",
            format!("{c}/messages"),
            w(),
            Some(r#"{"text": "Sorry, I want to talk to a real person again"}"#),
            &["handoff", "offered"],
        ),
        step(
            format!("{n2} accepts"),
            "POST",
            format!("{c}/accept"),
            t2(),
            None,
            &["assigned"],
        ),
        step(
            format!("{n2} resolves it with an outcome (a customer message within 24 h reopens it to {n2})"),
            "POST",
            format!("{c}/resolve"),
            t2(),
            Some(r#"{"outcome": "solved", "note": "Refund confirmed; parcel due Friday."}"#),
            &["resolved", "message"],
        ),
        step(
            "the customer rates the help (1 to 5; counted in /metrics)".into(),
            "POST",
            format!("{c}/csat"),
            w(),
            Some(r#"{"score": 5, "comment": "Quick and friendly"}"#),
            &["csat_recorded"],
        ),
        step(
            "the queue (empty again)".into(),
            "GET",
            "/v1/queue".into(),
            "ADMIN".into(),
            None,
            &[],
        ),
    ]
}

/// The step as a curl command line (`$H` is the base URL, `$W`, `$ADMIN`, `$AGENT_1` tokens).
pub fn curl(step: &Step) -> String {
    let mut line = String::from("curl -s");
    if step.method != "GET" {
        line.push_str(&format!(" -X {}", step.method));
    }
    line.push_str(&format!(
        " $H{} -H \"Authorization: Bearer ${}\"",
        step.path, step.token
    ));
    if let Some(body) = &step.body {
        line.push_str(&format!(" -d '{body}'"));
    }
    line
}

/// The streams to watch while the tour runs, as `(what, curl -N …)`.
pub fn streams(first: &str, second: &str) -> Vec<(String, String)> {
    let agent = |id: &str| {
        (
            format!("{id}'s offers and conversations"),
            format!(
                "curl -N $H/v1/agents/{id}/events -H \"Authorization: Bearer ${}\"",
                token_var(id)
            ),
        )
    };
    vec![
        (
            "the customer's side of the conversation".into(),
            format!(
                "curl -N $H/v1/conversations/{CONVERSATION}/events -H \"Authorization: Bearer $W\""
            ),
        ),
        agent(first),
        agent(second),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tour_goes_through_the_whole_conversation_and_prints_as_curl() {
        let steps = steps(("agent_1", "Asha"), ("agent_2", "Ben"));
        let routes: Vec<&str> = steps.iter().map(|s| s.path.as_str()).collect();
        for route in [
            "notes",
            "transfer",
            "return-to-ai",
            "agent-messages",
            "resolve",
            "csat",
        ] {
            assert!(
                routes.iter().any(|r| r.ends_with(route)),
                "the tour misses {route}"
            );
        }
        let transfer = steps
            .iter()
            .find(|s| s.path.ends_with("/transfer"))
            .expect("a transfer");
        assert_eq!(
            curl(transfer),
            "curl -s -X POST $H/v1/conversations/conv_1/transfer -H \"Authorization: Bearer $AGENT_1\" \
             -d '{\"to\": {\"agent\": \"agent_2\"}, \"mode\": \"warm\", \"note\": \"Billing question; delivery answered\"}'"
        );
        assert_eq!(
            curl(steps.last().expect("steps")),
            "curl -s $H/v1/queue -H \"Authorization: Bearer $ADMIN\""
        );
        // Every body is JSON the shell passes as it is (no single quote inside).
        for s in &steps {
            if let Some(body) = &s.body {
                assert!(!body.contains('\''), "{body}");
                serde_json::from_str::<serde_json::Value>(body).expect("JSON");
            }
        }
    }
}
