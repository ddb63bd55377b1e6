//! Scenarios for the estimated wait told to queued customers (`{{wait}}` and
//! `estimated_wait_seconds`): none before three handle times are known; then the position times
//! the mean handle time (an exponentially weighted mean, each duration moving it a fifth of the
//! way) over the capacity of the agents online; updated when the queue moves; kept in the state
//! and its records.
//!
//! Hand-computed: handle times 300 s, 600 s, 60 s give the means 300 000, 360 000 and
//! 360 000 + (60 000 - 360 000) / 5 = 300 000 ms. With one agent of capacity 1, position 1 waits
//! 300 s ("about 5 minutes") and position 2 600 s ("about 10 minutes"); with a second agent
//! online, position 1 waits 300 000 / 2 = 150 s ("about 3 minutes", rounded up).

mod support;

use handoff_core::{Config, Engine};
use serde_json::{json, Value};
use support::{event, one, Sim};

fn sim() -> Sim {
    Sim::new(json!({"handoff": {
        "routing": {"fallback": "queue", "auto_accept": true, "max_concurrent_per_agent": 1},
        "messages": {
            "waiting_for_agent": "You're {{position}} in queue. The wait is {{wait|hard to say yet}}.",
            "queue_position_changed": "You're now {{position}} in queue, {{wait|wait unknown}}."
        }
    }}))
}

/// `conv` goes to the free agent and is closed by it `secs` later.
fn handled(sim: &mut Sim, conv: &str, secs: i64) {
    sim.button(conv);
    sim.advance_secs(secs);
    sim.close(conv, "agent");
}

fn queued<'a>(out: &'a [Value], conv: &str) -> &'a Value {
    out.iter()
        .find(|o| o["type"] == "queued" && o["conversation_id"] == conv)
        .unwrap_or_else(|| panic!("no queued output for {conv} in {out:#?}"))
}

#[test]
fn without_enough_history_the_message_says_so_and_no_estimate_is_given() {
    let mut sim = sim();
    sim.online("a1", "Asha");
    sim.button("c1");
    let out = sim.button("c2");
    let q = queued(&out, "c2");
    assert_eq!(q["position"], 1);
    assert!(q.get("estimated_wait_seconds").is_none(), "{q}");
    assert_eq!(
        sim.texts_for("c2").last().unwrap(),
        "You're 1 in queue. The wait is hard to say yet."
    );
    // Two handle times are still too few.
    sim.advance_secs(300);
    sim.close("c1", "agent"); // c2 now with a1
    sim.advance_secs(600);
    sim.close("c2", "agent");
    sim.button("c3");
    let out = sim.button("c4");
    assert!(queued(&out, "c4").get("estimated_wait_seconds").is_none());
    assert_eq!(
        sim.engine.state().handle_times[""].samples,
        2,
        "{:?}",
        sim.engine.state().handle_times
    );
}

#[test]
fn the_wait_is_the_position_times_the_handle_time_over_the_agents_online() {
    let mut sim = sim();
    sim.online("a1", "Asha");
    handled(&mut sim, "c1", 300);
    handled(&mut sim, "c2", 600);
    handled(&mut sim, "c3", 60);
    let mean = &sim.engine.state().handle_times[""];
    assert_eq!((mean.mean_ms, mean.samples), (300_000, 3));

    sim.button("c4"); // with a1
    let out = sim.button("c5");
    assert_eq!(queued(&out, "c5")["estimated_wait_seconds"], 300);
    assert_eq!(
        sim.texts_for("c5").last().unwrap(),
        "You're 1 in queue. The wait is about 5 minutes."
    );
    assert_eq!(
        event(&out, "conversation.queued")["data"]["estimated_wait_seconds"],
        300
    );
    let out = sim.button("c6");
    assert_eq!(queued(&out, "c6")["estimated_wait_seconds"], 600);
    assert_eq!(
        sim.texts_for("c6").last().unwrap(),
        "You're 2 in queue. The wait is about 10 minutes."
    );

    // A second agent: c5 goes to her, c6 moves up and waits for one of two slots.
    let out = sim.online("a2", "Bo");
    assert_eq!(one(&out, "assigned")["conversation_id"], "c5");
    let q = queued(&out, "c6");
    assert_eq!(
        (q["position"].clone(), q["estimated_wait_seconds"].clone()),
        (json!(1), json!(150))
    );
    assert_eq!(
        sim.texts_for("c6").last().unwrap(),
        "You're now 1 in queue, about 3 minutes."
    );
}

#[test]
fn handle_times_survive_snapshots_and_records_and_an_old_snapshot_still_restores() {
    let mut sim = sim();
    sim.online("a1", "Asha");
    let before_any = sim.state_json();
    assert!(
        !before_any.contains("handle_times"),
        "no field until the first"
    );
    handled(&mut sim, "c1", 300);
    handled(&mut sim, "c2", 600);
    handled(&mut sim, "c3", 60);
    let config = sim.engine.config().clone();
    let snapshot = sim.state_json();
    let restored = Engine::restore_json(config.clone(), &snapshot).expect("restores");
    assert_eq!(restored.state(), sim.engine.state());
    let rows: Vec<_> = sim.engine.records();
    let from_records = Engine::restore_records(
        config.clone(),
        rows.iter()
            .map(|c| (c.kind, c.id.clone(), c.value.clone().unwrap_or_default())),
    )
    .expect("records restore");
    assert_eq!(
        from_records.state().handle_times,
        sim.engine.state().handle_times
    );
    // A snapshot written before handle times existed reads as no history.
    let old = Engine::restore_json(Config::clone(&config), &before_any).expect("old snapshot");
    assert!(old.state().handle_times.is_empty());
}
