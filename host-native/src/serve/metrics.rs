//! Counters for `/metrics`, in the Prometheus text format.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use handoff_core::query::Gauges;
use serde_json::Value;

/// Upper bounds (seconds) of the wait-time histogram's buckets.
const WAIT_BUCKETS: [f64; 10] = [
    5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 14400.0,
];

/// The service's counters. Gauges (queue length, …) are the engine's own counts
/// ([`handoff_core::query::Gauges`]), asked for when scraped.
#[derive(Debug, Default)]
pub struct Metrics {
    handoffs: Mutex<BTreeMap<String, u64>>,
    wait: Mutex<Histogram>,
    deliveries: Mutex<BTreeMap<&'static str, u64>>,
    attempts: Mutex<BTreeMap<&'static str, u64>>,
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    inputs: AtomicU64,
    rejected: AtomicU64,
    batches: AtomicU64,
    /// Handoffs and waits by 15-minute slot, for the supervisor's charts.
    pub timeline: super::timeline::Timeline,
}

#[derive(Debug, Default)]
struct Histogram {
    buckets: [u64; WAIT_BUCKETS.len()],
    count: u64,
    sum: f64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding a counter lock leaves counters that are still valid numbers.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Escapes a label value.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    /// Counts what an accepted input's output says.
    pub fn observe(&self, output: &Value) {
        self.timeline.observe(output);
        match output.get("type").and_then(Value::as_str) {
            Some("handoff") => {
                let trigger = output
                    .get("primary")
                    .and_then(Value::as_str)
                    .unwrap_or("unknown")
                    .to_string();
                *lock(&self.handoffs).entry(trigger).or_default() += 1;
            }
            Some("assigned") => {
                let secs = output.get("wait_ms").and_then(Value::as_f64).unwrap_or(0.0) / 1000.0;
                let mut h = lock(&self.wait);
                for (i, bound) in WAIT_BUCKETS.iter().enumerate() {
                    if secs <= *bound {
                        h.buckets[i] += 1;
                    }
                }
                h.count += 1;
                h.sum += secs;
            }
            Some(
                kind @ ("delivered" | "delivery_retry" | "delivery_failed" | "webhook_disabled"),
            ) => {
                let outcome = match kind {
                    "delivered" => "delivered",
                    "delivery_retry" => "retry_scheduled",
                    "delivery_failed" => "dead_lettered",
                    _ => "webhook_disabled",
                };
                *lock(&self.deliveries).entry(outcome).or_default() += 1;
            }
            _ => {}
        }
    }

    /// Counts one delivery attempt by its result class (`2xx`, `5xx`, `error`, …).
    pub fn attempt(&self, class: &'static str) {
        *lock(&self.attempts).entry(class).or_default() += 1;
    }

    /// Counts one committed batch of `inputs` inputs.
    pub fn batch(&self, inputs: usize) {
        self.batches.fetch_add(1, Ordering::Relaxed);
        self.inputs.fetch_add(inputs as u64, Ordering::Relaxed);
    }

    /// Counts one input the engine refused.
    pub fn rejected(&self) {
        self.rejected.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one HTTP request.
    pub fn request(&self, method: &str, route: &str, status: u16) {
        *lock(&self.requests)
            .entry((method.to_string(), route.to_string(), status))
            .or_default() += 1;
    }

    /// The Prometheus text exposition.
    pub fn render(&self, gauges: Gauges) -> String {
        let mut out = String::new();
        let metric = |out: &mut String, name: &str, kind: &str, help: &str| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        };
        metric(
            &mut out,
            "handoff_handoffs_total",
            "counter",
            "Handoffs to a human, by primary trigger.",
        );
        for (trigger, n) in lock(&self.handoffs).iter() {
            let _ = writeln!(
                out,
                "handoff_handoffs_total{{trigger=\"{}\"}} {n}",
                label(trigger)
            );
        }
        for (name, help, value) in [
            (
                "handoff_queue_length",
                "Conversations waiting in the queue.",
                gauges.queue_length,
            ),
            (
                "handoff_conversations_open",
                "Open conversations.",
                gauges.conversations,
            ),
            (
                "handoff_agents_online",
                "Agents online.",
                gauges.agents_online,
            ),
            (
                "handoff_outbox_pending",
                "Deliveries not yet acknowledged.",
                gauges.outbox,
            ),
            (
                "handoff_dead_letters",
                "Deliveries given up (redrive them).",
                gauges.dead_letters,
            ),
        ] {
            metric(&mut out, name, "gauge", help);
            let _ = writeln!(out, "{name} {value}");
        }
        metric(
            &mut out,
            "handoff_wait_seconds",
            "histogram",
            "Time from handoff to an agent's assignment.",
        );
        {
            let h = lock(&self.wait);
            for (i, bound) in WAIT_BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "handoff_wait_seconds_bucket{{le=\"{bound}\"}} {}",
                    h.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "handoff_wait_seconds_bucket{{le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(out, "handoff_wait_seconds_sum {}", h.sum);
            let _ = writeln!(out, "handoff_wait_seconds_count {}", h.count);
        }
        metric(
            &mut out,
            "handoff_deliveries_total",
            "counter",
            "Delivery outcomes decided by the engine (delivered, retry_scheduled, dead_lettered, webhook_disabled).",
        );
        for (outcome, n) in lock(&self.deliveries).iter() {
            let _ = writeln!(out, "handoff_deliveries_total{{outcome=\"{outcome}\"}} {n}");
        }
        metric(
            &mut out,
            "handoff_delivery_attempts_total",
            "counter",
            "HTTP delivery attempts by result (2xx, 4xx, 5xx, error).",
        );
        for (class, n) in lock(&self.attempts).iter() {
            let _ = writeln!(
                out,
                "handoff_delivery_attempts_total{{result=\"{class}\"}} {n}"
            );
        }
        metric(
            &mut out,
            "handoff_http_requests_total",
            "counter",
            "HTTP requests by route and status.",
        );
        for ((method, route, status), n) in lock(&self.requests).iter() {
            let _ = writeln!(
                out,
                "handoff_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {n}",
                label(method),
                label(route)
            );
        }
        metric(
            &mut out,
            "handoff_inputs_total",
            "counter",
            "Inputs accepted and committed.",
        );
        let _ = writeln!(
            out,
            "handoff_inputs_total {}",
            self.inputs.load(Ordering::Relaxed)
        );
        metric(
            &mut out,
            "handoff_inputs_rejected_total",
            "counter",
            "Inputs the engine refused.",
        );
        let _ = writeln!(
            out,
            "handoff_inputs_rejected_total {}",
            self.rejected.load(Ordering::Relaxed)
        );
        metric(
            &mut out,
            "handoff_commits_total",
            "counter",
            "Group commits (one transaction each).",
        );
        let _ = writeln!(
            out,
            "handoff_commits_total {}",
            self.batches.load(Ordering::Relaxed)
        );
        out
    }
}

/// Resolutions and satisfaction ratings in the Prometheus text format, from the engine's answer
/// to the `resolutions` query. They are kept in the engine's state, so unlike the service's own
/// counters they survive restarts.
pub fn render_resolutions(answer: &Value) -> String {
    let mut out = String::new();
    let metric = |out: &mut String, name: &str, kind: &str, help: &str| {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
    };
    let counts = |key: &str| {
        answer
            .get(key)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
            .collect::<Vec<_>>()
    };
    metric(
        &mut out,
        "handoff_resolutions_total",
        "counter",
        "Conversations resolved, by outcome.",
    );
    for (outcome, n) in counts("by_outcome") {
        let _ = writeln!(
            out,
            "handoff_resolutions_total{{outcome=\"{}\"}} {n}",
            label(&outcome)
        );
    }
    metric(
        &mut out,
        "handoff_csat_responses_total",
        "counter",
        "Satisfaction ratings received after resolving, by score (1 to 5).",
    );
    for (score, n) in counts("csat_by_score") {
        let _ = writeln!(
            out,
            "handoff_csat_responses_total{{score=\"{}\"}} {n}",
            label(&score)
        );
    }
    metric(
        &mut out,
        "handoff_csat_score_sum",
        "counter",
        "The sum of every rating received (divided by handoff_csat_responses_total: the mean).",
    );
    let sum = answer
        .get("csat_score_sum")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let _ = writeln!(out, "handoff_csat_score_sum {sum}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn outputs_are_counted() {
        let m = Metrics::default();
        m.observe(&json!({"type":"handoff","primary":"sentiment_threshold"}));
        m.observe(&json!({"type":"assigned","wait_ms":20_000}));
        m.observe(&json!({"type":"delivered","delivery_id":"d","attempt":1}));
        m.attempt("5xx");
        m.request("POST", "/v1/conversations/{id}/messages", 200);
        let text = m.render(Gauges {
            queue_length: 2,
            ..Gauges::default()
        });
        assert!(text.contains("handoff_handoffs_total{trigger=\"sentiment_threshold\"} 1"));
        assert!(text.contains("handoff_queue_length 2"));
        assert!(text.contains("handoff_wait_seconds_bucket{le=\"15\"} 0"));
        assert!(text.contains("handoff_wait_seconds_bucket{le=\"30\"} 1"));
        assert!(text.contains("handoff_wait_seconds_count 1"));
        assert!(text.contains("handoff_deliveries_total{outcome=\"delivered\"} 1"));
        assert!(text.contains("handoff_delivery_attempts_total{result=\"5xx\"} 1"));
        assert!(text.contains(
            "handoff_http_requests_total{method=\"POST\",route=\"/v1/conversations/{id}/messages\",status=\"200\"} 1"
        ));
    }

    #[test]
    fn resolutions_and_ratings_are_rendered() {
        let text = render_resolutions(&json!({
            "by_outcome": {"solved": 3, "spam": 1},
            "csat_responses": 2, "csat_score_sum": 9, "csat_by_score": {"4": 1, "5": 1}
        }));
        assert!(text.contains("handoff_resolutions_total{outcome=\"solved\"} 3"));
        assert!(text.contains("handoff_resolutions_total{outcome=\"spam\"} 1"));
        assert!(text.contains("handoff_csat_responses_total{score=\"5\"} 1"));
        assert!(text.contains("handoff_csat_score_sum 9"));
        assert!(render_resolutions(&json!({})).contains("handoff_csat_score_sum 0"));
    }
}
