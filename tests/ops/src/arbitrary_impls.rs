//! [`Arbitrary`] for the model's types: the fuzz target `engine_ops` builds a [`Scenario`] from
//! its bytes. The choices follow the proptest strategies (`strategy.rs`), with wider ranges
//! where the fuzzer can afford them: any delivery status, any `Retry-After`, nesting up to 130
//! levels (past `serde_json`'s own limit of 128), offer timeouts from 5 to 260 s, skill waits up
//! to 999 s, any `announce_positions_up_to` up to 12, up to 200 steps of up to ±65,535 s.

use arbitrary::{Arbitrary, Result, Unstructured};
use handoff_core::wire::limits::MAX_ATTRIBUTES_BYTES;

use crate::op::{Attributes, Op, Signals, Step};
use crate::{Scenario, World, MAX_SCENARIO_STEPS};

/// Some value of `f` half the time.
fn maybe<'a, T>(
    u: &mut Unstructured<'a>,
    f: impl FnOnce(&mut Unstructured<'a>) -> Result<T>,
) -> Result<Option<T>> {
    Ok(if u.arbitrary()? { Some(f(u)?) } else { None })
}

/// The index of one of `weights`, chosen in proportion to them.
fn weighted(u: &mut Unstructured<'_>, weights: &[u32]) -> Result<usize> {
    let total: u32 = weights.iter().sum();
    let mut r = u.int_in_range(0..=total - 1)?;
    for (i, w) in weights.iter().enumerate() {
        if r < *w {
            return Ok(i);
        }
        r -= w;
    }
    Ok(weights.len() - 1)
}

/// A fraction in ten-thousandths within `range`.
fn fraction(u: &mut Unstructured<'_>, range: std::ops::RangeInclusive<i16>) -> Result<i16> {
    u.int_in_range(range)
}

impl<'a> Arbitrary<'a> for World {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(World {
            method: u.choose(&["round_robin", "skill_based", "load_based"])?,
            auto_accept: u.arbitrary()?,
            fallback: u.choose(&["queue", "callback", "none"])?,
            hours: u.int_in_range(0..=2)?,
            outside: u.choose(&["collect_callback", "queue", "message"])?,
            max_queue_length: maybe(u, |u| u.int_in_range(1..=4))?,
            capacity: u.int_in_range(1..=3)?,
            configured_agents: u.arbitrary()?,
            offer_timeout: u.int_in_range(5..=260)?,
            skill_wait: maybe(u, |u| u.int_in_range(0..=999))?,
            two_webhooks: u.arbitrary()?,
            max_exchanges: u.int_in_range(1..=10)?,
            away_after_missed_offer: u.arbitrary()?,
            announce_up_to: maybe(u, |u| u.int_in_range(0..=12))?,
            reopen_to: u.choose(&["last_agent", "ai", "queue"])?,
            wrap_up: u.int_in_range(0..=600)?,
            reopen_window: u.int_in_range(1..=1440)?,
        })
    }
}

impl<'a> Arbitrary<'a> for Attributes {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let most = u16::try_from(MAX_ATTRIBUTES_BYTES + 64).unwrap_or(u16::MAX);
        Ok(Attributes {
            key: u.arbitrary()?,
            levels: u.int_in_range(0..=130)?,
            arrays: u.arbitrary()?,
            pad: u.int_in_range(0..=most)?,
        })
    }
}

impl<'a> Arbitrary<'a> for Signals {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Signals {
            sentiment: maybe(u, |u| fraction(u, -15_000..=15_000))?,
            confidence: maybe(u, |u| fraction(u, -5_000..=15_000))?,
            human_requested: u.arbitrary()?,
            topic: u.arbitrary()?,
        })
    }
}

impl<'a> Arbitrary<'a> for Op {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        // The weights of `strategy::op`: the variants in the order below (a transfer's 4 split
        // over two slots; resolve, wrap-up done and csat), the tick at wakeup last.
        let variant = weighted(
            u,
            &[
                12, 5, 3, 6, 6, 3, 2, 3, 3, 6, 1, 1, 3, 1, 2, 2, 2, 3, 1, 1, 2,
            ],
        )?;
        Ok(match variant {
            0 => Op::Customer {
                conv: u.arbitrary()?,
                text: u.arbitrary()?,
                customer: u.arbitrary()?,
                attributes: u.arbitrary()?,
                signals: u.arbitrary()?,
            },
            1 => Op::AiReply {
                conv: u.arbitrary()?,
                confidence: maybe(u, |u| fraction(u, -5_000..=15_000))?,
                resolved: u.arbitrary()?,
            },
            2 => Op::HandoffRequest {
                conv: u.arbitrary()?,
            },
            3 => Op::AgentUpdate {
                agent: u.arbitrary()?,
                status: u.arbitrary()?,
                // Mostly 0 to 3; else any number (over 1000 is refused).
                max_concurrent: maybe(u, |u| match u.int_in_range(0..=4u32)? {
                    4 => u.arbitrary(),
                    n => Ok(n),
                })?,
                skills: u.arbitrary()?,
            },
            4 => Op::Accept {
                pick: u.arbitrary()?,
                wrong: u.arbitrary()?,
            },
            5 => Op::Decline {
                pick: u.arbitrary()?,
                wrong: u.arbitrary()?,
            },
            6 => Op::AgentMessage {
                pick: u.arbitrary()?,
                wrong: u.arbitrary()?,
            },
            7 => Op::CallbackDetails {
                pick: u.arbitrary()?,
                form: u.arbitrary()?,
            },
            8 => Op::Close {
                conv: u.arbitrary()?,
                by: u.arbitrary()?,
                agent: u.arbitrary()?,
            },
            9 => Op::DeliveryResult {
                pick: u.arbitrary()?,
                status: u.arbitrary()?,
                retry_after_ms: u.arbitrary()?,
            },
            10 => Op::Redrive {
                pick: u.arbitrary()?,
            },
            11 => Op::EnableWebhook {
                known: u.arbitrary()?,
            },
            12 => Op::Tick,
            13 => Op::AgentNote {
                pick: u.arbitrary()?,
                wrong: u.arbitrary()?,
            },
            14 => Op::ReturnToAi {
                pick: u.arbitrary()?,
                wrong: u.arbitrary()?,
            },
            15 | 16 => Op::Transfer {
                pick: u.arbitrary()?,
                wrong: u.arbitrary()?,
                admin: u.arbitrary()?,
                to: u.arbitrary()?,
                target: u.arbitrary()?,
                warm: u.arbitrary()?,
            },
            17 => Op::Resolve {
                pick: u.arbitrary()?,
                wrong: u.arbitrary()?,
                admin: u.arbitrary()?,
                outcome: u.arbitrary()?,
            },
            18 => Op::WrapUpDone {
                pick: u.arbitrary()?,
                wrong: u.arbitrary()?,
            },
            19 => Op::Csat {
                pick: u.arbitrary()?,
                score: u.int_in_range(0..=6)?,
            },
            _ => Op::TickAtWakeup,
        })
    }
}

impl<'a> Arbitrary<'a> for Step {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let seconds: u16 = u.arbitrary()?;
        let back: bool = u.arbitrary()?;
        let dt = i64::from(seconds) * 1_000;
        Ok(Step {
            dt: if back { -dt } else { dt },
            op: u.arbitrary()?,
        })
    }
}

/// A scenario is always the whole input: its steps take the rest of the bytes (up to
/// [`MAX_SCENARIO_STEPS`]), as `arbitrary_take_rest` would.
impl<'a> Arbitrary<'a> for Scenario {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let world = u.arbitrary()?;
        let cut = u.arbitrary()?;
        let mut steps = Vec::new();
        while !u.is_empty() && steps.len() < MAX_SCENARIO_STEPS {
            steps.push(u.arbitrary()?);
        }
        Ok(Scenario { world, steps, cut })
    }
}
