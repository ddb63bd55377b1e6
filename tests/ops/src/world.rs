//! The world's configuration.

use handoff_core::Config;
use serde_json::{json, Value};

/// A configuration of the small world: one of the combinations the engine must handle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct World {
    /// `routing.method`: `round_robin`, `skill_based` or `load_based`.
    pub method: &'static str,
    /// `routing.auto_accept`.
    pub auto_accept: bool,
    /// `routing.fallback`: `queue`, `callback` or `none`.
    pub fallback: &'static str,
    /// 0: always open; 1: short windows in UTC, an overnight window and a holiday; 2: the
    /// specification's Kolkata hours.
    pub hours: u8,
    /// `outside_hours.action`: `collect_callback`, `queue` or `message`.
    pub outside: &'static str,
    /// `routing.max_queue_length` (`None`: no limit).
    pub max_queue_length: Option<u32>,
    /// `routing.max_concurrent_per_agent`.
    pub capacity: u32,
    /// Whether `handoff.agents` lists the five agents (with their own capacities and skills).
    pub configured_agents: bool,
    /// `routing.offer_timeout_seconds`.
    pub offer_timeout: u32,
    /// `routing.skill_wait_seconds` (`None`: written as `null`).
    pub skill_wait: Option<u32>,
    /// A second webhook (`slack`, two events only) beside `crm`.
    pub two_webhooks: bool,
    /// `triggers.max_exchanges`.
    pub max_exchanges: u32,
    /// `routing.away_after_missed_offer`.
    pub away_after_missed_offer: bool,
    /// `routing.announce_positions_up_to` (`None`: the default, 10).
    pub announce_up_to: Option<u32>,
    /// `resolution.reopen_to`: `last_agent`, `ai` or `queue`.
    pub reopen_to: &'static str,
    /// `resolution.wrap_up_seconds` (0: none).
    pub wrap_up: u32,
    /// `resolution.reopen_window_minutes`.
    pub reopen_window: u32,
}

impl World {
    /// The configuration as JSON.
    pub fn config_json(&self) -> Value {
        let mut routing = json!({
            "method": self.method,
            "fallback": self.fallback,
            "auto_accept": self.auto_accept,
            "max_concurrent_per_agent": self.capacity,
            "offer_timeout_seconds": self.offer_timeout,
            "skill_wait_seconds": self.skill_wait,
            "away_after_missed_offer": self.away_after_missed_offer,
        });
        if let Some(n) = self.max_queue_length {
            routing["max_queue_length"] = json!(n);
        }
        if let Some(n) = self.announce_up_to {
            routing["announce_positions_up_to"] = json!(n);
        }
        if self.method == "skill_based" {
            routing["skills"] = json!({
                "billing": ["agent_0", "agent_1"],
                "technical": ["agent_2"],
                "legal": ["agent_3"],
            });
            routing["topic_skills"] = json!({"complaint": "billing"});
        }
        let mut webhooks = vec![
            json!({"id": "crm", "url": "https://crm.example.test/hook", "secret_ref": "CRM_SECRET"}),
        ];
        if self.two_webhooks {
            webhooks.push(json!({
                "id": "slack",
                "url": "https://slack.example.test/hook",
                "events": ["conversation.handoff_requested", "conversation.closed"],
            }));
        }
        let mut handoff = json!({
            "triggers": {
                "max_exchanges": self.max_exchanges,
                "low_confidence_threshold": 0.3,
                "topics": ["billing_dispute", "legal", "complaint"],
            },
            "routing": routing,
            "outside_hours": {"action": self.outside},
            "webhooks": webhooks,
            "resolution": {
                "reopen_to": self.reopen_to,
                "wrap_up_seconds": self.wrap_up,
                "reopen_window_minutes": self.reopen_window,
                "csat": true,
            },
        });
        if self.configured_agents {
            handoff["agents"] = json!([
                {"id": "agent_0", "name": "Asha", "max_concurrent": 1},
                {"id": "agent_1", "name": "Ben", "skills": {"billing": 3}},
                {"id": "agent_2", "name": "Chen", "max_concurrent": 2},
                {"id": "agent_3"},
                {"id": "agent_4", "skills": ["sales"]},
            ]);
        }
        match self.hours {
            1 => handoff["business_hours"] = utc_windows(),
            2 => handoff["business_hours"] = kolkata(),
            _ => {}
        }
        json!({ "handoff": handoff })
    }

    /// The configuration.
    ///
    /// # Panics
    ///
    /// When it does not parse: every `World` must be a valid configuration.
    pub fn config(&self) -> Config {
        let json = self.config_json();
        Config::from_value(&json)
            .unwrap_or_else(|e| panic!("the test world's configuration must parse: {e}\n{json}"))
    }
}

/// Short windows in UTC on Monday (the clock starts at 10:30, inside the first), an overnight
/// window on Thursday, and Wednesday a holiday.
fn utc_windows() -> Value {
    json!({
        "timezone": "UTC",
        "schedule": {
            "monday": [
                {"start": "10:00", "end": "10:45"},
                {"start": "11:00", "end": "11:30"},
                {"start": "12:00", "end": "18:00"},
            ],
            "tuesday": {"start": "09:00", "end": "17:00"},
            "thursday": {"start": "22:00", "end": "02:00", "overnight": true},
        },
        "holidays": ["2026-01-14"],
    })
}

/// The specification's example: Kolkata, weekdays 09:00-18:00, Saturday mornings.
fn kolkata() -> Value {
    json!({
        "timezone": "Asia/Kolkata",
        "schedule": {
            "monday": {"start": "09:00", "end": "18:00"},
            "tuesday": {"start": "09:00", "end": "18:00"},
            "wednesday": {"start": "09:00", "end": "18:00"},
            "thursday": {"start": "09:00", "end": "18:00"},
            "friday": {"start": "09:00", "end": "18:00"},
            "saturday": {"start": "10:00", "end": "14:00"},
        },
    })
}
