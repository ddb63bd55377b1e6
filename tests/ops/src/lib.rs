//! One model of the engine's world, shared by the property tests and the fuzz targets.
//!
//! The world is small on purpose, so that things collide: five agents (`agent_0`..`agent_4`),
//! twelve conversations (`conv_0`..`conv_11`) and one or two webhooks, so every event becomes a
//! delivery. A [`World`] is a configuration (each routing method, `auto_accept` on and off, each
//! fallback, business hours or not, a queue limit or not, ...), and a case is a list of
//! [`Step`]s: the host's clock moves (forward, sometimes backwards) and one [`Op`] is turned into
//! an [`Input`](handoff_core::Input) *from the current state* ([`Op::to_json`]: an accept names
//! the agent the conversation is offered to, or sometimes a wrong one; a delivery result names an
//! id that is in the outbox, or a made-up one when it is empty), so that most inputs are
//! meaningful and some are refused. [`Sim`] is the engine and the host's clock; it turns a step
//! into a [`Record`] (the input, the state before, the result).
//!
//! Two generators produce the same types:
//! - the module `strategy` (feature `proptest`): the proptest strategies of `tests/tests/properties.rs`,
//!   which shrink a failure to a short sequence;
//! - the [`arbitrary::Arbitrary`] implementations (always there), which the fuzz target
//!   `engine_ops` drives from bytes ([`Scenario`]); their ranges are wider (any delivery status,
//!   `Retry-After` up to `u64::MAX`, nesting past `serde_json`'s own limit, up to 200 steps).
//!
//! The invariants are in [`check`]: plain functions that return a [`Violation`], which proptest
//! reports as a failure (`?` converts it, as any error) and the fuzzer as a crash (the target
//! panics with it). [`check`]'s documentation defines each one.
//!
//! Floats in generated inputs have four decimal places (ten-thousandths are what [`Op`] holds):
//! full-precision floats once hid every other restore difference behind a parsing one
//! (`restore_keeps_full_precision_floats` in `core/tests/regressions.rs` checks those).

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod arbitrary_impls;
pub mod check;
pub mod op;
mod sim;
#[cfg(feature = "proptest")]
pub mod strategy;
mod world;

pub use check::{check_scenario, Invariants, Violation};
pub use op::{Attributes, Op, Signals, Step};
pub use sim::{run, run_restored_at, state_json, Record, Scenario, Sim};
pub use world::World;

/// Agents in the world: `agent_0` to `agent_4`.
pub const AGENTS: u8 = 5;
/// Conversations in the world: `conv_0` to `conv_11`.
pub const CONVS: u8 = 12;
/// Where the host's clock starts: Monday 2026-01-12 10:30:00 UTC (16:00 in Kolkata).
pub const START: i64 = 1_768_213_800_000;
/// A day in milliseconds.
pub const DAY_MS: i64 = 86_400_000;
/// The most steps a [`Scenario`] runs (a fuzz input may describe more).
pub const MAX_SCENARIO_STEPS: usize = 200;

#[cfg(test)]
mod tests {
    use arbitrary::{Arbitrary, Unstructured};

    use super::*;

    /// Bytes from a seed (xorshift), for scenarios that do not depend on a fuzzer.
    fn bytes(seed: u64, len: usize) -> Vec<u8> {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x.to_le_bytes()[0]
            })
            .collect()
    }

    fn world() -> World {
        World {
            method: "skill_based",
            auto_accept: false,
            fallback: "queue",
            hours: 0,
            outside: "queue",
            max_queue_length: None,
            capacity: 1,
            configured_agents: true,
            offer_timeout: 60,
            skill_wait: Some(60),
            two_webhooks: true,
            max_exchanges: 3,
            away_after_missed_offer: true,
            announce_up_to: None,
            reopen_to: "last_agent",
            wrap_up: 30,
            reopen_window: 10,
        }
    }

    /// Every kind of operation, with the edge cases of each (texts at and over the size limit,
    /// attributes past the depth and byte limits, signals out of range, unknown ids).
    fn every_op() -> Vec<Op> {
        let attributes = |levels, pad| Attributes {
            key: 3,
            levels,
            arrays: true,
            pad,
        };
        // Two agents online first, so that conversations are offered and assigned.
        let mut ops: Vec<Op> = (0..2)
            .map(|agent| Op::AgentUpdate {
                agent,
                status: Some(0),
                max_concurrent: Some(2),
                skills: None,
            })
            .collect();
        for text in 0..(op::TEXTS.len() + 2) as u8 {
            ops.push(Op::Customer {
                conv: text,
                text,
                customer: text % 2 == 0,
                attributes: None,
                signals: None,
            });
        }
        for (levels, pad) in [(0, 0), (17, 10), (130, 16_448)] {
            ops.push(Op::Customer {
                conv: 1,
                text: 0,
                customer: false,
                attributes: Some(attributes(levels, pad)),
                signals: Some(Signals {
                    sentiment: Some(-15_000),
                    confidence: Some(15_000),
                    human_requested: Some(true),
                    topic: Some(255),
                }),
            });
        }
        ops.extend([
            Op::AiReply {
                conv: 1,
                confidence: Some(-5_000),
                resolved: true,
            },
            Op::HandoffRequest { conv: 2 },
            Op::AgentUpdate {
                agent: 0,
                status: Some(0),
                max_concurrent: Some(u32::MAX),
                skills: Some(vec![0, 255]),
            },
            Op::Accept {
                pick: 0,
                wrong: None,
            },
            Op::Decline {
                pick: 1,
                wrong: Some(4),
            },
            Op::AgentMessage {
                pick: 0,
                wrong: None,
            },
            Op::CallbackDetails { pick: 0, form: 2 },
            Op::Close {
                conv: 3,
                by: 255,
                agent: None,
            },
            Op::DeliveryResult {
                pick: 0,
                status: Some(u16::MAX),
                retry_after_ms: Some(u64::MAX),
            },
            Op::DeliveryResult {
                pick: 1,
                status: None,
                retry_after_ms: None,
            },
            Op::Redrive { pick: 0 },
            Op::EnableWebhook { known: false },
            Op::Tick,
            Op::TickAtWakeup,
            Op::Resolve {
                pick: 0,
                wrong: None,
                admin: false,
                outcome: 4,
            },
            Op::Resolve {
                pick: 0,
                wrong: None,
                admin: false,
                outcome: 0,
            },
            Op::Csat { pick: 0, score: 6 },
            Op::Csat { pick: 0, score: 5 },
            Op::WrapUpDone {
                pick: 0,
                wrong: Some(4),
            },
            Op::Customer {
                conv: 0,
                text: 5,
                customer: false,
                attributes: None,
                signals: None,
            },
            Op::Accept {
                pick: 0,
                wrong: None,
            },
            Op::Resolve {
                pick: 0,
                wrong: None,
                admin: true,
                outcome: 1,
            },
            Op::WrapUpDone {
                pick: 0,
                wrong: None,
            },
            Op::TickAtWakeup,
        ]);
        ops
    }

    #[test]
    fn every_op_becomes_an_input_and_keeps_every_invariant() {
        let steps: Vec<Step> = every_op()
            .into_iter()
            .map(|op| Step { dt: 1_000, op })
            .collect();
        let mut accepted = 0;
        let mut invariants = Invariants::default();
        let sim = run(&world(), &steps, |sim, record| {
            accepted += usize::from(record.result.is_ok());
            invariants.check_step(sim, record)
        })
        .unwrap_or_else(|v| panic!("{v}"));
        invariants.finish(&sim).unwrap();
        assert!(
            accepted > steps.len() / 2,
            "{accepted} of {} accepted",
            steps.len()
        );
    }

    /// What the fuzz target `engine_ops` does, on a few fixed inputs: the `Arbitrary`
    /// implementations give meaningful scenarios (long, mostly accepted) that keep every
    /// invariant.
    #[test]
    fn arbitrary_scenarios_keep_every_invariant() {
        for seed in 1..=2 {
            let data = bytes(seed, 1_500);
            let scenario = Scenario::arbitrary(&mut Unstructured::new(&data)).unwrap();
            assert!(
                scenario.steps.len() >= 20,
                "seed {seed}: {} steps",
                scenario.steps.len()
            );
            let mut accepted = 0;
            run(&scenario.world, &scenario.steps, |_, r| {
                accepted += usize::from(r.result.is_ok());
                Ok::<_, Violation>(())
            })
            .unwrap();
            assert!(
                accepted * 3 > scenario.steps.len(),
                "seed {seed}: {accepted} of {} accepted",
                scenario.steps.len()
            );
            if let Err(v) = check_scenario(&scenario) {
                panic!("seed {seed}: {v}\n{scenario:#?}");
            }
        }
    }
}
