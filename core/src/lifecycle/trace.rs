//! What the triggers saw and decided on one line, kept only when a caller asks
//! (`Engine::handle_traced`, for `explain`): the engine's own verdicts, recorded where they are
//! made, so an explanation never recomputes a decision.

use super::triggers::{Checks, Verdict};
use super::Flow;
use crate::language::sentiment::Analysis;
use crate::wire::output::TriggerHit;
use crate::wire::state::Status;

/// Whether the triggers were checked on a line, and why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Gate {
    /// Nothing was checked (an input that is neither a customer message nor an AI reply).
    #[default]
    None,
    /// With the AI: every trigger was checked, and any hit hands it off.
    WithAi,
    /// Filling in the callback form: only a request for a person hands it off.
    CallbackForm,
    /// `handoff.enabled` is false.
    Disabled,
    /// The message reopened a resolved conversation and was routed like a handoff.
    Reopened,
    /// The AI reply said `resolved: true`: the counters restarted, nothing was checked.
    Resolved,
    /// Not with the AI (the status's name): triggers are not checked.
    Status(&'static str),
}

/// The record of one line.
#[derive(Debug, Clone, Default)]
pub(crate) struct LineTrace {
    /// The lexicon's analysis, when the engine scored the text itself.
    pub(crate) analysis: Option<Analysis>,
    /// Whether and how the triggers were checked.
    pub(crate) gate: Gate,
    /// Every trigger's verdict, when checked.
    pub(crate) checks: Checks,
    /// A handoff the triggers asked for was held back until this time (`defer` outside hours).
    pub(crate) deferred_until: Option<i64>,
}

/// The name of a status, as in the state (`queued`, `assigned`, ...).
pub(crate) fn status_name(status: &Status) -> &'static str {
    match status {
        Status::Ai => "ai",
        Status::Queued => "queued",
        Status::Offered { .. } => "offered",
        Status::Assigned { .. } => "assigned",
        Status::CollectingCallback => "collecting_callback",
        Status::CallbackScheduled { .. } => "callback_scheduled",
        Status::CallbackRequested => "callback_requested",
        Status::Resolved { .. } => "resolved",
    }
}

impl Flow<'_> {
    /// Starts recording this input's line.
    pub(crate) fn start_trace(&mut self) {
        self.trace = Some(LineTrace::default());
    }

    /// The line recorded, if recording.
    pub(crate) fn take_trace(&mut self) -> Option<LineTrace> {
        self.trace.take()
    }

    /// Records the gate, when recording.
    pub(super) fn gate(&mut self, gate: Gate) {
        if let Some(t) = &mut self.trace {
            t.gate = gate;
        }
    }

    /// The hits of `checks`; the verdicts themselves are kept when recording.
    pub(super) fn verdicts(&mut self, checks: Checks) -> Vec<TriggerHit> {
        match &mut self.trace {
            Some(t) => {
                let hits = checks
                    .iter()
                    .filter_map(|(_, v): &(&str, Verdict)| v.as_ref().ok().cloned())
                    .collect();
                t.checks = checks;
                hits
            }
            None => checks.into_iter().filter_map(|(_, v)| v.ok()).collect(),
        }
    }
}
