//! Estimated waits: how long agents take with a conversation (observed, per skill), and from
//! that, the position and the agents on duty, how long a queued customer will wait.
//!
//! - **Handle times.** When an assigned conversation is resolved or closed, the time since its
//!   assignment updates an exponentially weighted mean (each duration moves it a fifth of the
//!   way; whole milliseconds, so every host computes the same) under the conversation's skill
//!   and under `""` (every conversation): [`State::handle_times`](crate::wire::state::State),
//!   one entry per skill the configuration routes by.
//! - **The wait** of the customer at `position`: `position × mean ÷ slots`, rounded up to the
//!   second, where `slots` is the capacity of the agents online who could take it (those with its
//!   skill; everyone online when nobody has it, as routing widens), and `mean` the skill's handle
//!   time (else everyone's). Each slot frees about once per mean handle time, so the customer at
//!   position `p` is served after about `p` slots have freed.
//! - **Too little history** (fewer than [`MIN_SAMPLES`] handle times), or nobody online: no
//!   estimate. `{{wait}}` then renders its fallback (`{{wait|hard to say yet}}`) and
//!   `estimated_wait_seconds` is absent.

use super::Flow;
use crate::wire::state::{HandleTime, Presence};

/// Each observed duration moves the mean `1 / EWMA_DIVISOR` of the way towards it.
pub const EWMA_DIVISOR: i64 = 5;

/// Handle times needed before a wait is estimated.
pub const MIN_SAMPLES: u32 = 3;

/// The key of every conversation's handle time.
const EVERY: &str = "";

/// `mean` moved a fifth of the way towards `ms` (the first duration is the mean).
fn updated(time: HandleTime, ms: i64) -> HandleTime {
    let mean_ms = if time.samples == 0 {
        ms
    } else {
        time.mean_ms + (ms - time.mean_ms) / EWMA_DIVISOR
    };
    HandleTime {
        mean_ms,
        samples: time.samples.saturating_add(1),
    }
}

/// "about 4 minutes", "about 1 hour 5 minutes": a wait told to a customer.
pub(crate) fn wait_text(seconds: u64) -> String {
    let minutes = seconds.div_ceil(60).max(1);
    let plural = |n: u64, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    if minutes < 60 {
        return format!("about {}", plural(minutes, "minute"));
    }
    let (hours, rest) = (minutes / 60, minutes % 60);
    if rest == 0 {
        format!("about {}", plural(hours, "hour"))
    } else {
        format!("about {} {}", plural(hours, "hour"), plural(rest, "minute"))
    }
}

impl Flow<'_> {
    /// Notes a handle time: `id`, assigned at `since`, is resolved or closed now.
    pub(super) fn observe_handle_time(&mut self, skill: Option<&str>, since: i64) {
        let ms = self.now.saturating_sub(since).max(0);
        let times = &mut self.state.handle_times;
        for key in std::iter::once(EVERY).chain(skill) {
            let time = times.get(key).copied().unwrap_or_default();
            times.insert(key.to_string(), updated(time, ms));
        }
    }

    /// The estimated wait (seconds) of queued `id` at `position`: `None` with too little
    /// history or nobody online (see the module documentation).
    pub(super) fn estimated_wait(&self, id: &str, position: u32) -> Option<u64> {
        let skill = self
            .state
            .conversations
            .get(id)
            .and_then(|c| c.required_skill.as_deref());
        let known = |key: &str| {
            self.state
                .handle_times
                .get(key)
                .filter(|t| t.samples >= MIN_SAMPLES)
        };
        let mean = skill.and_then(known).or_else(|| known(EVERY))?.mean_ms;
        let online = || {
            self.state
                .agents
                .values()
                .filter(|a| a.status == Presence::Online)
        };
        let slots_of = |skilled: bool| -> u64 {
            online()
                .filter(|a| {
                    !skilled
                        || skill.is_some_and(|s| self.index.agents.has_skill(self.config, a, s))
                })
                .map(|a| u64::from(self.index.agents.capacity(self.config, a)))
                .sum()
        };
        let slots = match slots_of(skill.is_some()) {
            0 => slots_of(false),
            n => n,
        };
        if slots == 0 {
            return None;
        }
        let wait_ms = u64::from(position).saturating_mul(mean.max(0) as u64);
        Some(wait_ms.div_ceil(slots).div_ceil(1000))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mean_moves_a_fifth_of_the_way_in_whole_milliseconds() {
        let first = updated(HandleTime::default(), 300_000);
        assert_eq!(
            first,
            HandleTime {
                mean_ms: 300_000,
                samples: 1
            }
        );
        let second = updated(first, 600_000);
        assert_eq!(second.mean_ms, 360_000);
        let third = updated(second, 60_000);
        assert_eq!(third.mean_ms, 300_000);
        assert_eq!(third.samples, 3);
    }

    #[test]
    fn waits_read_as_minutes_and_hours() {
        assert_eq!(wait_text(0), "about 1 minute");
        assert_eq!(wait_text(61), "about 2 minutes");
        assert_eq!(wait_text(240), "about 4 minutes");
        assert_eq!(wait_text(3600), "about 1 hour");
        assert_eq!(wait_text(3900), "about 1 hour 5 minutes");
        assert_eq!(wait_text(7260), "about 2 hours 1 minute");
    }
}
