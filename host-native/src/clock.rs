//! The host's one clock: the engine never reads a clock, so every `now` it sees comes from here.

use std::time::{SystemTime, UNIX_EPOCH};

/// The wall clock in epoch milliseconds (0 before 1970, which no real clock reports).
pub fn epoch_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The wall clock in epoch seconds (the `webhook-timestamp` of a signature).
pub fn epoch_secs() -> i64 {
    epoch_ms() / 1000
}

/// A clock that never goes backwards: the engine takes an earlier `now` as the latest it saw, so
/// the host keeps its own `now` at least as late too (a wall clock stepped back by NTP holds
/// until it catches up).
#[derive(Debug, Clone, Copy, Default)]
pub struct Clock {
    last: i64,
}

impl Clock {
    /// A clock that has seen `last` (the `now` of the last input restored from a store).
    pub fn starting_at(last: i64) -> Clock {
        Clock { last }
    }

    /// The current instant in epoch ms, never before one this clock returned or started at.
    pub fn now(&mut self) -> i64 {
        self.last = self.last.max(epoch_ms());
        self.last
    }

    /// Raises the clock to `at` if it is later (an instant read back from a store).
    pub fn saw(&mut self, at: i64) {
        self.last = self.last.max(at);
    }

    /// The latest instant this clock returned or saw.
    pub fn last(&self) -> i64 {
        self.last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_goes_backwards() {
        let far = epoch_ms() + 3_600_000;
        let mut clock = Clock::starting_at(far);
        assert_eq!(clock.now(), far, "a clock ahead of the wall clock holds");
        clock.saw(far - 1);
        assert_eq!(clock.last(), far);
        let mut fresh = Clock::default();
        let a = fresh.now();
        assert!(a >= epoch_ms() - 1000 && fresh.now() >= a);
    }
}
