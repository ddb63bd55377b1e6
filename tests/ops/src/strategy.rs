//! The proptest strategies (feature `proptest`): the same types as the fuzzer's
//! [`Arbitrary`](arbitrary::Arbitrary) implementations, in the ranges that shrink well and make
//! 160 cases meaningful.

use handoff_core::wire::limits::{MAX_ATTRIBUTES_BYTES, MAX_VALUE_DEPTH};
use proptest::prelude::*;

use crate::op::{Attributes, Op, Signals, Step, ATTRIBUTE_KEYS, SKILLS, TEXTS, TOPICS};
use crate::{World, AGENTS, CONVS};

/// A configuration: every routing method and fallback, hours (mostly always open), sometimes a
/// queue limit of 1 to 3, capacities of 1 to 3, offer timeouts of 5, 60 or 300 s, every
/// `reopen_to`, wrap-ups of 0, 30 or 300 s, reopen windows of 1, 10 or 1440 minutes, ...
pub fn world() -> impl Strategy<Value = World> {
    (
        (
            prop::sample::select(vec!["round_robin", "skill_based", "load_based"]),
            any::<bool>(),
            prop::sample::select(vec!["queue", "queue", "callback", "none"]),
            prop_oneof![3 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)],
            prop::sample::select(vec!["collect_callback", "queue", "message"]),
            prop::option::weighted(0.25, 1u32..4),
        ),
        (
            1u32..=3,
            any::<bool>(),
            prop_oneof![Just(5u32), Just(60u32), Just(300u32)],
            prop_oneof![
                Just(None),
                Just(Some(0u32)),
                Just(Some(60u32)),
                Just(Some(900u32))
            ],
            any::<bool>(),
            prop_oneof![Just(3u32), Just(10u32)],
            any::<bool>(),
            prop_oneof![2 => Just(None), 1 => (0u32..3).prop_map(Some)],
        ),
        (
            prop::sample::select(vec!["last_agent", "ai", "queue"]),
            prop_oneof![Just(0u32), Just(30u32), Just(300u32)],
            prop_oneof![Just(1u32), Just(10u32), Just(1440u32)],
        ),
    )
        .prop_map(
            |(
                (method, auto_accept, fallback, hours, outside, max_queue_length),
                (
                    capacity,
                    configured_agents,
                    offer_timeout,
                    skill_wait,
                    two_webhooks,
                    max_exchanges,
                    away_after_missed_offer,
                    announce_up_to,
                ),
                (reopen_to, wrap_up, reopen_window),
            )| World {
                method,
                auto_accept,
                fallback,
                hours,
                outside,
                max_queue_length,
                capacity,
                configured_agents,
                offer_timeout,
                skill_wait,
                two_webhooks,
                max_exchanges,
                away_after_missed_offer,
                announce_up_to,
                reopen_to,
                wrap_up,
                reopen_window,
            },
        )
}

/// Adversarial attributes: mostly shallow and small; else around the depth limit, 40 levels,
/// or past `serde_json`'s own limit of 128 with the `{"customer":{"attributes":…}}` around it;
/// sometimes half the byte limit or within 64 bytes of it.
pub fn attributes() -> impl Strategy<Value = Attributes> {
    let depth = u8::try_from(MAX_VALUE_DEPTH).expect("the depth limit is small");
    let bytes = u16::try_from(MAX_ATTRIBUTES_BYTES).expect("the byte limit fits a u16 with room");
    (
        0..ATTRIBUTE_KEYS.len() as u8,
        prop_oneof![
            4 => 0u8..3,
            2 => (depth - 1)..=(depth + 1),
            1 => Just(40u8),
            1 => 120u8..=124,
        ],
        any::<bool>(),
        prop_oneof![
            4 => 0u16..64,
            1 => Just(bytes / 2),
            1 => (bytes - 64)..=(bytes + 64),
        ],
    )
        .prop_map(|(key, levels, arrays, pad)| Attributes {
            key,
            levels,
            arrays,
            pad,
        })
}

/// Signals: mostly in range, one in ten out of it; four decimal places.
pub fn signals() -> impl Strategy<Value = Signals> {
    (
        prop::option::of(prop_oneof![9 => -10_000i16..=10_000, 1 => -15_000i16..15_000]),
        prop::option::of(prop_oneof![9 => 0i16..=10_000, 1 => -5_000i16..15_000]),
        prop::option::of(any::<bool>()),
        prop::option::of(0..TOPICS.len() as u8),
    )
        .prop_map(|(sentiment, confidence, human_requested, topic)| Signals {
            sentiment,
            confidence,
            human_requested,
            topic,
        })
}

/// Which text: one of [`TEXTS`] or one over the size limit; one in a hundred exactly at the
/// limit (accepted, so the state then carries 64 KiB through every later check: rare, or each
/// case takes three times as long).
fn text() -> impl Strategy<Value = u8> {
    let over = TEXTS.len() as u8;
    prop_oneof![99 => 0..=over, 1 => Just(over + 1)]
}

/// One operation; customer messages most often, then agents and deliveries.
pub fn op() -> impl Strategy<Value = Op> {
    let wrong = || prop::option::weighted(0.15, 0..AGENTS);
    prop_oneof![
        12 => (0..CONVS, text(), any::<bool>(), prop::option::weighted(0.15, attributes()), prop::option::weighted(0.3, signals()))
            .prop_map(|(conv, text, customer, attributes, signals)| Op::Customer { conv, text, customer, attributes, signals }),
        5 => (0..CONVS, prop::option::of(-1_000i16..11_000), prop::bool::weighted(0.2))
            .prop_map(|(conv, confidence, resolved)| Op::AiReply { conv, confidence, resolved }),
        3 => (0..CONVS).prop_map(|conv| Op::HandoffRequest { conv }),
        6 => (
            0..AGENTS,
            prop::option::weighted(0.8, prop_oneof![3 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)]),
            prop::option::weighted(0.4, prop_oneof![19 => 0u32..=3, 1 => Just(1001u32)]),
            prop::option::weighted(0.2, prop::collection::vec(0..SKILLS.len() as u8, 0..3)),
        )
            .prop_map(|(agent, status, max_concurrent, skills)| Op::AgentUpdate {
                agent,
                status,
                max_concurrent,
                skills,
            }),
        6 => (any::<u8>(), wrong()).prop_map(|(pick, wrong)| Op::Accept { pick, wrong }),
        3 => (any::<u8>(), wrong()).prop_map(|(pick, wrong)| Op::Decline { pick, wrong }),
        2 => (any::<u8>(), wrong()).prop_map(|(pick, wrong)| Op::AgentMessage { pick, wrong }),
        1 => (any::<u8>(), wrong()).prop_map(|(pick, wrong)| Op::AgentNote { pick, wrong }),
        2 => (any::<u8>(), wrong()).prop_map(|(pick, wrong)| Op::ReturnToAi { pick, wrong }),
        4 => (any::<u8>(), wrong(), prop::bool::weighted(0.2), 0u8..3, any::<u8>(), any::<bool>())
            .prop_map(|(pick, wrong, admin, to, target, warm)| Op::Transfer { pick, wrong, admin, to, target, warm }),
        3 => (any::<u8>(), 0u8..4).prop_map(|(pick, form)| Op::CallbackDetails { pick, form }),
        3 => (0..CONVS, 0u8..4, proptest::option::of(0..AGENTS))
            .prop_map(|(conv, by, agent)| Op::Close { conv, by, agent }),
        6 => (
            any::<u8>(),
            prop_oneof![
                4 => Just(Some(200u16)),
                1 => Just(Some(410u16)),
                2 => Just(Some(429u16)),
                2 => Just(Some(500u16)),
                1 => Just(Some(400u16)),
                2 => Just(None),
                1 => Just(Some(600u16)),
            ],
            prop::option::weighted(0.2, 0u64..100_000_000),
        )
            .prop_map(|(pick, status, retry_after_ms)| Op::DeliveryResult { pick, status, retry_after_ms }),
        1 => any::<u8>().prop_map(|pick| Op::Redrive { pick }),
        1 => any::<bool>().prop_map(|known| Op::EnableWebhook { known }),
        3 => Just(Op::Tick),
        3 => (any::<u8>(), wrong(), prop::bool::weighted(0.2), prop_oneof![9 => 0u8..4, 1 => Just(4u8)])
            .prop_map(|(pick, wrong, admin, outcome)| Op::Resolve { pick, wrong, admin, outcome }),
        1 => (any::<u8>(), wrong()).prop_map(|(pick, wrong)| Op::WrapUpDone { pick, wrong }),
        1 => (any::<u8>(), prop_oneof![9 => 1u8..=5, 1 => Just(0u8), 1 => Just(6u8)])
            .prop_map(|(pick, score)| Op::Csat { pick, score }),
        2 => Just(Op::TickAtWakeup),
    ]
}

/// The clock stays (3 in 10), moves up to 10 minutes forward (6 in 10) or up to 10 minutes
/// back (1 in 10); then an [`op`].
pub fn step() -> impl Strategy<Value = Step> {
    (
        prop_oneof![3 => Just(0i64), 6 => 0i64..600_000, 1 => -600_000i64..0],
        op(),
    )
        .prop_map(|(dt, op)| Step { dt, op })
}

/// 1 to 59 [`step`]s.
pub fn steps() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(step(), 1..60)
}

/// One operation of the life after a handoff, resolving and reopening: customers asking for a
/// person or writing, agents accepting, coming and going, resolving (sometimes with an unknown
/// outcome or by an admin), ending wrap-ups, ratings (sometimes out of range), closes and time.
pub fn reopen_op() -> impl Strategy<Value = Op> {
    let wrong = || prop::option::weighted(0.1, 0..AGENTS);
    prop_oneof![
        6 => (0..CONVS / 2, prop_oneof![Just(0u8), Just(5u8), Just(7u8)])
            .prop_map(|(conv, text)| Op::Customer { conv, text, customer: false, attributes: None, signals: None }),
        4 => (any::<u8>(), wrong()).prop_map(|(pick, wrong)| Op::Accept { pick, wrong }),
        1 => (any::<u8>(), wrong()).prop_map(|(pick, wrong)| Op::Decline { pick, wrong }),
        2 => (0..AGENTS, prop_oneof![3 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)], prop::option::weighted(0.3, 1u32..=3))
            .prop_map(|(agent, status, max_concurrent)| Op::AgentUpdate { agent, status: Some(status), max_concurrent, skills: None }),
        5 => (any::<u8>(), wrong(), prop::bool::weighted(0.2), prop_oneof![9 => 0u8..4, 1 => Just(4u8)])
            .prop_map(|(pick, wrong, admin, outcome)| Op::Resolve { pick, wrong, admin, outcome }),
        2 => (any::<u8>(), wrong()).prop_map(|(pick, wrong)| Op::WrapUpDone { pick, wrong }),
        2 => (any::<u8>(), prop_oneof![9 => 1u8..=5, 1 => Just(6u8)]).prop_map(|(pick, score)| Op::Csat { pick, score }),
        1 => (any::<u8>(), wrong(), prop::bool::weighted(0.2), 0u8..3, any::<u8>(), any::<bool>())
            .prop_map(|(pick, wrong, admin, to, target, warm)| Op::Transfer { pick, wrong, admin, to, target, warm }),
        1 => (0..CONVS / 2, 0u8..4).prop_map(|(conv, by)| Op::Close { conv, by, agent: None }),
        2 => Just(Op::TickAtWakeup),
    ]
}

/// Three agents come online, then 1 to 59 [`reopen_op`]s, the clock moving up to 5 minutes
/// forward between them.
pub fn reopen_steps() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(
        (
            prop_oneof![1 => Just(0i64), 2 => 0i64..300_000],
            reopen_op(),
        )
            .prop_map(|(dt, op)| Step { dt, op }),
        1..60,
    )
    .prop_map(|steps| {
        let online = (0..3).map(|agent| Step {
            dt: 0,
            op: Op::AgentUpdate {
                agent,
                status: Some(0),
                max_concurrent: None,
                skills: None,
            },
        });
        online.chain(steps).collect()
    })
}
