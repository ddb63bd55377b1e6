//! When to snapshot a growing state: once replaying what came since would cost a few times what
//! the snapshot costs.
//!
//! The [`Host`](crate::Host) keeps a state for recovery after a trap plus the inputs accepted
//! since, and replays those inputs to get back (until it is in records mode: then the rows it
//! handed out are the base, and it never fetches a state by itself). `handoff serve` used to
//! snapshot by this cadence too; it writes changed records per batch now. A snapshot costs time proportional to the state
//! (10,000 open conversations are megabytes of JSON); replaying costs time proportional to the
//! inputs. Snapshotting every N inputs is wrong at both ends: with a small state it could be
//! done far more often, and with a large one it costs many times the decisions themselves. So a
//! [`Cadence`] measures both and takes a snapshot once the time spent handling inputs since the
//! last one reaches [`Cadence::ratio`] times what that one cost: snapshots then take at most
//! about `1 / ratio` of the busy time, and a replay takes about `ratio` snapshots' worth.

use std::time::Duration;

/// Tracks the work since the last snapshot and says when the next one is due.
///
/// ```ignore
/// let mut cadence = Cadence::new(64, 4, Duration::from_millis(1));
/// cadence.handled(1, Duration::from_micros(300)); // after every accepted input
/// if cadence.due() {
///     let started = Instant::now();
///     /* take the snapshot */
///     cadence.taken(started.elapsed());
/// }
/// ```
#[derive(Debug, Clone)]
pub(crate) struct Cadence {
    min_inputs: usize,
    ratio: u32,
    inputs: usize,
    busy: Duration,
    last_cost: Duration,
}

impl Cadence {
    /// At least `min_inputs` inputs between snapshots, and handling time of at least `ratio`
    /// times the last snapshot's cost (`first_cost` until one was taken).
    pub(crate) fn new(min_inputs: usize, ratio: u32, first_cost: Duration) -> Cadence {
        Cadence {
            min_inputs,
            ratio,
            inputs: 0,
            busy: Duration::ZERO,
            last_cost: first_cost,
        }
    }

    /// `inputs` inputs were handled and took `took` in all.
    pub(crate) fn handled(&mut self, inputs: usize, took: Duration) {
        self.inputs += inputs;
        self.busy += took;
    }

    /// Is a snapshot worth taking now?
    pub(crate) fn due(&self) -> bool {
        self.inputs >= self.min_inputs && self.busy >= self.last_cost * self.ratio
    }

    /// A snapshot was taken and cost `cost`: start counting again.
    pub(crate) fn taken(&mut self, cost: Duration) {
        self.inputs = 0;
        self.busy = Duration::ZERO;
        self.last_cost = cost;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn a_costly_snapshot_waits_for_proportionally_more_work() {
        let mut c = Cadence::new(2, 4, MS);
        c.handled(1, MS * 10);
        assert!(!c.due(), "fewer inputs than the minimum");
        c.handled(1, MS);
        assert!(c.due());
        c.taken(MS * 100);
        for _ in 0..399 {
            c.handled(1, MS);
        }
        assert!(!c.due(), "399 ms of work is less than 4 × 100 ms");
        c.handled(1, MS);
        assert!(c.due());
        c.taken(MS);
        assert!(!c.due(), "counting starts again");
    }

    #[test]
    fn a_cheap_snapshot_is_due_after_the_minimum() {
        let mut c = Cadence::new(3, 4, Duration::ZERO);
        c.handled(1, Duration::ZERO);
        c.handled(1, Duration::ZERO);
        assert!(!c.due());
        c.handled(1, Duration::ZERO);
        assert!(c.due());
    }
}
