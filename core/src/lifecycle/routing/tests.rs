//! The indexed choice against the scan, and the index kept in step against one built anew.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::config::AgentProfile;
use crate::index::agents::AgentIndex;
use crate::wire::state::{Agent, Presence};

const NOW: i64 = 10_000;
const IDS: [&str; 8] = ["a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7"];
const SKILLS: [&str; 3] = ["s0", "s1", "s2"];

fn id() -> impl Strategy<Value = String> {
    prop::sample::select(&IDS[..]).prop_map(str::to_string)
}

fn skills() -> impl Strategy<Value = BTreeMap<String, u8>> {
    prop::collection::btree_map(
        prop::sample::select(&SKILLS[..]).prop_map(str::to_string),
        0u8..4,
        0..3,
    )
}

fn agent() -> impl Strategy<Value = Agent> {
    (
        id(),
        prop::sample::select(vec![
            Presence::Online,
            Presence::Online,
            Presence::Away,
            Presence::Offline,
        ]),
        skills(),
        prop::option::of(0u32..4),
        prop::collection::btree_set("c[0-5]", 0..4),
        0i64..3,
    )
        .prop_map(|(id, status, skills, max_concurrent, active, last)| Agent {
            id,
            name: None,
            status,
            skills,
            max_concurrent,
            active,
            last_assigned_at: last,
        })
}

fn profile() -> impl Strategy<Value = AgentProfile> {
    (id(), skills(), prop::option::of(0u32..4)).prop_map(|(id, skills, max_concurrent)| {
        AgentProfile {
            id,
            name: None,
            skills,
            max_concurrent,
        }
    })
}

/// A configuration, a state's agents and cursor, and a conversation to route, all random.
#[derive(Debug)]
struct Case {
    config: Config,
    state: State,
    conv: Conversation,
}

fn case() -> impl Strategy<Value = Case> {
    let method = prop::sample::select(vec![
        RoutingMethod::RoundRobin,
        RoutingMethod::LoadBased,
        RoutingMethod::SkillBased,
    ]);
    let pool =
        prop::option::of(prop::sample::subsequence(IDS.to_vec(), 0..=IDS.len()).prop_shuffle());
    let skill_map = prop::collection::btree_map(
        prop::sample::select(&SKILLS[..]).prop_map(str::to_string),
        prop::collection::vec(id(), 0..4),
        0..3,
    );
    let config_part = (
        method,
        pool,
        skill_map,
        prop::collection::vec(profile(), 0..4),
        1u32..4,
        prop::option::of(0u32..3),
    );
    let state_part = (
        prop::collection::vec(agent(), 0..8),
        prop::option::of(prop::sample::select(vec!["a0", "a3", "a7", "zz"])),
    );
    let conv_part = (
        prop::option::of(prop::sample::select(vec!["s0", "s1", "s2", "s9"])),
        prop::collection::btree_map(id(), NOW - 1..=NOW + 1, 0..4),
        prop::option::of(NOW - 2_000..NOW + 2_000),
    );
    (config_part, state_part, conv_part).prop_map(
        |(
            (method, pool, skill_map, profiles, default_capacity, wait),
            (agents, cursor),
            (skill, declined, handoff_at),
        )| {
            let mut config = Config::from_json_str(r#"{"handoff": {}}"#)
                .unwrap_or_else(|e| panic!("empty config refused: {e}"));
            config.routing.method = method;
            config.routing.agent_pool = pool.map(|p| p.into_iter().map(String::from).collect());
            config.routing.skills = skill_map;
            config.routing.max_concurrent_per_agent = default_capacity;
            config.routing.skill_wait_seconds = wait;
            config.agents = profiles;
            let mut state = State {
                now: NOW,
                ..State::default()
            };
            for agent in agents {
                state.agents.insert(agent.id.clone(), agent);
            }
            state.round_robin_cursor = cursor.map(String::from);
            let mut conv = Conversation::new("c9");
            conv.status = crate::wire::state::Status::Queued;
            conv.required_skill = skill.map(String::from);
            conv.declined_by = declined;
            conv.handoff_at = handoff_at;
            Case {
                config,
                state,
                conv,
            }
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    /// The indexed choice is the scan's, for every method, pool, capacity, skill source,
    /// presence, load, tie, cursor and decline.
    #[test]
    fn indexed_choice_is_the_scans(case in case()) {
        let Case { config, state, conv } = case;
        let index = AgentIndex::build(&config, &state);
        prop_assert_eq!(
            choose(&config, &state, &index, &conv, NOW),
            scan::choose_by_scan(&config, &state, &conv, NOW)
        );
    }

    /// Changing agents one at a time and refreshing each leaves the index as built anew.
    #[test]
    fn refreshed_index_is_the_built_one(case in case(), changes in prop::collection::vec((0usize..8, agent()), 0..12)) {
        let Case { config, mut state, conv } = case;
        let mut index = AgentIndex::build(&config, &state);
        for (pick, mut changed) in changes {
            // Change an agent the state has (keeping its id), or add one.
            if let Some(existing) = state.agents.keys().nth(pick).cloned() {
                changed.id = existing;
            }
            let id = changed.id.clone();
            state.agents.insert(id.clone(), changed);
            index.refresh(&config, &state, &id);
            prop_assert_eq!(&index, &AgentIndex::build(&config, &state));
            prop_assert_eq!(
                choose(&config, &state, &index, &conv, NOW),
                scan::choose_by_scan(&config, &state, &conv, NOW)
            );
        }
    }
}

#[test]
fn round_robin_continues_after_the_cursor_and_wraps() {
    let config =
        Config::from_json_str(r#"{"handoff": {"routing": {"agent_pool": ["b", "c", "a"]}}}"#)
            .unwrap_or_else(|e| panic!("{e}"));
    let mut state = State::default();
    for id in ["a", "b", "c"] {
        let mut agent = Agent::new(id);
        agent.status = Presence::Online;
        state.agents.insert(id.into(), agent);
    }
    let conv = Conversation::new("c");
    let pick = |state: &State| choose(&config, state, &AgentIndex::build(&config, state), &conv, 0);
    assert_eq!(pick(&state).as_deref(), Some("b"));
    state.round_robin_cursor = Some("c".into());
    assert_eq!(pick(&state).as_deref(), Some("a"));
    state.round_robin_cursor = Some("a".into());
    assert_eq!(pick(&state).as_deref(), Some("b"));
}
