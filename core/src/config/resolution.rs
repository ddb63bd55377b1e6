//! `handoff.resolution`: how an agent resolves a conversation, what a later customer message
//! does with it (reopen to the AI, the last agent or the queue), the agent's wrap-up time and the
//! satisfaction question.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::config::read::{index, Default, Errors, Field, Kind, Obj, Section};
use crate::wire::error::ErrorKind;

/// Where a customer message sends a resolved conversation (`handoff.resolution.reopen_to`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReopenTo {
    /// Offered to the agent who resolved it when they are online and free; else routed as a new
    /// handoff (another free agent, else the queue or `routing.fallback`).
    LastAgent,
    /// Back to the AI, as after `return_to_ai`: the message goes through the triggers.
    Ai,
    /// Routed as a new handoff: a free agent is offered it, else it waits in the queue (or
    /// `routing.fallback` applies).
    Queue,
}

impl ReopenTo {
    /// The name as written in the configuration and in `reopened` (`last_agent`).
    pub fn name(self) -> &'static str {
        match self {
            ReopenTo::LastAgent => "last_agent",
            ReopenTo::Ai => "ai",
            ReopenTo::Queue => "queue",
        }
    }
}

/// The outcomes an agent may resolve with when `handoff.resolution.outcomes` is not given.
pub const DEFAULT_OUTCOMES: [&str; 4] = ["solved", "not_solved", "duplicate", "spam"];

/// `handoff.resolution`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// The outcomes `resolve` accepts, in the configuration's order.
    pub outcomes: Vec<String>,
    /// Where a customer message sends a resolved conversation.
    pub reopen_to: ReopenTo,
    /// How long after resolving a customer message reopens it (ms); then it is forgotten.
    pub reopen_window_ms: i64,
    /// How long the agent's slot stays taken after resolving (ms; 0: no wrap-up).
    pub wrap_up_ms: i64,
    /// Whether the customer is asked for a rating after resolving (`messages.csat_question`).
    pub csat: bool,
}

const OUTCOMES: Field = Field::new(
    "outcomes",
    Kind::Texts,
    Default::Absent(doc!(
        "`[\"solved\", \"not_solved\", \"duplicate\", \"spam\"]`"
    )),
    doc!(
        "the outcomes `resolve` accepts (each a label of at most 64 bytes, no duplicates); any \
         other outcome is refused naming these"
    ),
);
const REOPEN_TO: Field = Field::new(
    "reopen_to",
    Kind::OneOf(&["last_agent", "ai", "queue"]),
    Default::Text("last_agent"),
    doc!(
        "where a customer message sends a resolved conversation: `last_agent` (offered to the \
         agent who resolved it when online and free, else routed like a new handoff), `ai` (the \
         AI answers again; a later handoff goes to that agent first when free) or `queue` (routed \
         like a new handoff: a free agent, else the queue or `routing.fallback`). Outside \
         business hours it goes to the AI"
    ),
);
const REOPEN_WINDOW_MINUTES: Field = Field::new(
    "reopen_window_minutes",
    Kind::Whole {
        min: 1,
        max: 43_200,
    },
    Default::Whole(1440),
    doc!(
        "how long a resolved conversation may be reopened by a customer message; then it is \
         forgotten (`closed` by `system`, `conversation.closed`)"
    ),
);
const WRAP_UP_SECONDS: Field = Field::new(
    "wrap_up_seconds",
    Kind::Whole { min: 0, max: 3600 },
    Default::Whole(0),
    doc!(
        "after resolving, the agent's slot stays taken this long (`wrap_up_started`) unless \
         they send `wrap_up_done` first; 0: no wrap-up"
    ),
);
const CSAT: Field = Field::new(
    "csat",
    Kind::Bool,
    Default::Bool(false),
    doc!(
        "ask the customer for a rating after resolving (`messages.csat_question`); a `csat` \
         input (1 to 5) is accepted once per resolution either way"
    ),
);

/// `handoff.resolution`, described once.
pub(crate) static RESOLUTION: Section = Section {
    name: "ResolutionConfig",
    path: "handoff.resolution",
    fields: &[
        OUTCOMES,
        REOPEN_TO,
        REOPEN_WINDOW_MINUTES,
        WRAP_UP_SECONDS,
        CSAT,
    ],
    doc: doc!(
        "Resolving (`resolve`), reopening by a later customer message, the agent's wrap-up time \
         and the satisfaction question."
    ),
    notes: doc!(""),
};

impl std::default::Default for Resolution {
    fn default() -> Self {
        Resolution {
            outcomes: DEFAULT_OUTCOMES.iter().map(|s| s.to_string()).collect(),
            reopen_to: ReopenTo::LastAgent,
            reopen_window_ms: REOPEN_WINDOW_MINUTES.default_whole() as i64 * 60_000,
            wrap_up_ms: WRAP_UP_SECONDS.default_whole() as i64 * 1000,
            csat: CSAT.default_bool(),
        }
    }
}

/// The longest outcome label (bytes).
const MAX_OUTCOME_BYTES: usize = 64;

/// Reads `handoff.resolution` (absent: the defaults).
pub(super) fn parse_resolution(
    value: Option<&Value>,
    path: &str,
    errors: &mut Errors,
) -> Resolution {
    let mut resolution = Resolution::default();
    let Some(value) = value else {
        return resolution;
    };
    let Some(obj) = Obj::new(value, path, &RESOLUTION, errors) else {
        return resolution;
    };
    if let Some(outcomes) = obj.texts(&OUTCOMES, errors) {
        let list_path = obj.path_of(OUTCOMES.key);
        let before = errors.len();
        let mut seen = BTreeSet::new();
        for (i, outcome) in outcomes.iter().enumerate() {
            let at = index(&list_path, i);
            let shown = Value::String(outcome.clone());
            if outcome.len() > MAX_OUTCOME_BYTES {
                errors.value(
                    ErrorKind::TooLarge,
                    &at,
                    format!("an outcome is a short label of at most {MAX_OUTCOME_BYTES} bytes"),
                    &shown,
                );
            } else if !seen.insert(outcome.as_str()) {
                errors.value(
                    ErrorKind::Duplicate,
                    &at,
                    "this outcome is listed twice",
                    &shown,
                );
            }
        }
        if outcomes.is_empty() {
            errors.at(
                ErrorKind::Invalid,
                &list_path,
                "expected at least one outcome (leave the key out for the defaults)",
            );
        } else if errors.len() == before {
            resolution.outcomes = outcomes;
        }
    }
    match obj.one_of(&REOPEN_TO, errors) {
        Some("ai") => resolution.reopen_to = ReopenTo::Ai,
        Some("queue") => resolution.reopen_to = ReopenTo::Queue,
        _ => {}
    }
    if let Some(n) = obj.whole(&REOPEN_WINDOW_MINUTES, errors) {
        resolution.reopen_window_ms = n as i64 * 60_000;
    }
    if let Some(n) = obj.whole(&WRAP_UP_SECONDS, errors) {
        resolution.wrap_up_ms = n as i64 * 1000;
    }
    resolution.csat = obj.flag(&CSAT, errors);
    resolution
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::wire::error::ErrorKind;

    use super::ReopenTo;

    #[test]
    fn defaults_when_absent() {
        let config = Config::from_json_str(r#"{"handoff": {}}"#).unwrap();
        let r = &config.resolution;
        assert_eq!(r.outcomes, ["solved", "not_solved", "duplicate", "spam"]);
        assert_eq!(r.reopen_to, ReopenTo::LastAgent);
        assert_eq!(r.reopen_window_ms, 1440 * 60_000);
        assert_eq!(r.wrap_up_ms, 0);
        assert!(!r.csat);
    }

    #[test]
    fn every_key_is_read() {
        let config = Config::from_json_str(
            r#"{"handoff": {"resolution": {"outcomes": ["fixed", "refunded"], "reopen_to": "queue",
                "reopen_window_minutes": 60, "wrap_up_seconds": 90, "csat": true}}}"#,
        )
        .unwrap();
        let r = &config.resolution;
        assert_eq!(r.outcomes, ["fixed", "refunded"]);
        assert_eq!(r.reopen_to, ReopenTo::Queue);
        assert_eq!(r.reopen_window_ms, 3_600_000);
        assert_eq!(r.wrap_up_ms, 90_000);
        assert!(r.csat);
    }

    #[test]
    fn mistakes_are_reported_with_their_paths() {
        let errors = Config::from_json_str(
            r#"{"handoff": {"resolution": {"outcomes": ["solved", "solved", ""], "reopen_to": "last_agnt",
                "reopen_window_minutes": 0, "wrap_up_seconds": 3601, "csat": "yes", "wrapup": 1}}}"#,
        )
        .unwrap_err();
        let found: Vec<(&str, ErrorKind)> =
            errors.0.iter().map(|e| (e.path.as_str(), e.kind)).collect();
        for expected in [
            ("handoff.resolution.wrapup", ErrorKind::UnknownField),
            ("handoff.resolution.reopen_to", ErrorKind::UnknownVariant),
            (
                "handoff.resolution.reopen_window_minutes",
                ErrorKind::OutOfRange,
            ),
            ("handoff.resolution.wrap_up_seconds", ErrorKind::OutOfRange),
            ("handoff.resolution.csat", ErrorKind::WrongType),
        ] {
            assert!(found.contains(&expected), "{expected:?} in {found:?}");
        }
        assert!(
            found
                .iter()
                .any(|(p, _)| p.starts_with("handoff.resolution.outcomes")),
            "{found:?}"
        );
        let errors =
            Config::from_json_str(r#"{"handoff": {"resolution": {"outcomes": ["a", "a"]}}}"#)
                .unwrap_err();
        assert_eq!(errors.0[0].path, "handoff.resolution.outcomes[1]");
        assert_eq!(errors.0[0].kind, ErrorKind::Duplicate);
        let errors =
            Config::from_json_str(r#"{"handoff": {"resolution": {"outcomes": []}}}"#).unwrap_err();
        assert_eq!(errors.0[0].path, "handoff.resolution.outcomes");
    }
}
