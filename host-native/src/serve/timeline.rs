//! The supervisor's charts: handoffs by trigger and waits for a person, in 15-minute slots over
//! the last two days, counted from the outputs as they are committed (like `/metrics`, kept in
//! memory since the service started). Slots are 15 minutes because every time zone's offset is a
//! multiple of it, so a viewer adds them up into its own hours and its own "today".

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde_json::{json, Value};

/// One slot's length (ms).
pub const SLOT_MS: i64 = 15 * 60 * 1000;
/// Slots kept: two days, so "today" is whole in every time zone.
const SLOTS_KEPT: usize = 2 * 24 * 4;

/// What happened in one slot.
#[derive(Debug, Default, Clone)]
struct Slot {
    handoffs: BTreeMap<String, u64>,
    waits: u64,
    wait_sum_ms: u64,
    wait_max_ms: u64,
}

/// Handoffs and waits by slot, since the service started.
#[derive(Debug)]
pub struct Timeline {
    started: i64,
    slots: Mutex<BTreeMap<i64, Slot>>,
}

impl Default for Timeline {
    fn default() -> Self {
        Timeline {
            started: now_ms(),
            slots: Mutex::default(),
        }
    }
}

/// The host's clock (epoch ms).
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl Timeline {
    /// Counts `output` (a `handoff` by its primary trigger, an `assigned` by its `wait_ms`) in the
    /// slot of `at`.
    pub fn record(&self, output: &Value, at: i64) {
        let kind = output.get("type").and_then(Value::as_str);
        if !matches!(kind, Some("handoff" | "assigned")) {
            return;
        }
        let start = at - at.rem_euclid(SLOT_MS);
        let mut slots = self
            .slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let slot = slots.entry(start).or_default();
        if kind == Some("handoff") {
            let trigger = output
                .get("primary")
                .and_then(Value::as_str)
                .unwrap_or("unknown");
            *slot.handoffs.entry(trigger.to_string()).or_default() += 1;
        } else {
            let wait = output.get("wait_ms").and_then(Value::as_u64).unwrap_or(0);
            slot.waits += 1;
            slot.wait_sum_ms += wait;
            slot.wait_max_ms = slot.wait_max_ms.max(wait);
        }
        while slots.len() > SLOTS_KEPT {
            slots.pop_first();
        }
    }

    /// Counts `output` now.
    pub fn observe(&self, output: &Value) {
        self.record(output, now_ms());
    }

    /// `GET /v1/stats/timeline`: `{"since", "slot_ms", "slots": [{"start", "handoffs": {trigger:
    /// n}, "waits": {"count", "sum_ms", "max_ms"}}]}`, oldest first, only slots with something
    /// in them.
    pub fn answer(&self) -> Value {
        let slots = self
            .slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let list: Vec<Value> = slots
            .iter()
            .map(|(start, s)| {
                json!({
                    "start": start,
                    "handoffs": s.handoffs,
                    "waits": {"count": s.waits, "sum_ms": s.wait_sum_ms, "max_ms": s.wait_max_ms},
                })
            })
            .collect();
        json!({"since": self.started, "slot_ms": SLOT_MS, "slots": list})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_land_in_their_slots() {
        let t = Timeline::default();
        let at = 1_780_000_000_000;
        t.record(
            &json!({"type": "handoff", "primary": "customer_request"}),
            at,
        );
        t.record(
            &json!({"type": "handoff", "primary": "customer_request"}),
            at + 1,
        );
        t.record(&json!({"type": "assigned", "wait_ms": 4000}), at + SLOT_MS);
        t.record(&json!({"type": "assigned", "wait_ms": 9000}), at + SLOT_MS);
        t.record(&json!({"type": "message", "text": "x"}), at);
        let a = t.answer();
        let slots = a["slots"].as_array().expect("slots");
        assert_eq!(slots.len(), 2);
        assert_eq!(slots[0]["start"], at - at.rem_euclid(SLOT_MS));
        assert_eq!(slots[0]["handoffs"]["customer_request"], 2);
        assert_eq!(
            slots[1]["waits"],
            json!({"count": 2, "sum_ms": 13000, "max_ms": 9000})
        );
        for i in 0..(SLOTS_KEPT as i64 + 5) {
            t.record(
                &json!({"type": "handoff", "primary": "x"}),
                at + i * SLOT_MS,
            );
        }
        assert_eq!(
            t.answer()["slots"].as_array().map(Vec::len),
            Some(SLOTS_KEPT)
        );
    }
}
