//! Records through wasmtime: `Host::take_changes` gives the native engine's change sets, the
//! rows restore with `Host::restore_records`, and a trap in records mode recovers from the rows
//! without losing a change.

use std::collections::BTreeMap;

use handoff_conformance::Replayer as NativeReplayer;
use handoff_core::wire::changes::{apply_changes, changes_to_json, RecordKind};
use handoff_native::replay;
use handoff_native::{Host, HostError, Limits};

use crate::common::runtime;

type Rows = BTreeMap<(RecordKind, String), String>;

fn walkthrough() -> (replay::Conversation, handoff_conformance::Conversation) {
    let file = handoff_conformance::conversations_dir().join("spec-walkthrough.jsonl");
    (
        replay::load(&file).unwrap(),
        handoff_conformance::load(&file).unwrap(),
    )
}

fn rows(table: &Rows) -> Vec<(RecordKind, String, String)> {
    table
        .iter()
        .map(|((kind, id), value)| (*kind, id.clone(), value.clone()))
        .collect()
}

#[test]
fn change_sets_equal_the_native_engine_s_and_the_rows_restore() {
    let (conv, native_conv) = walkthrough();
    let mut native = NativeReplayer::new(native_conv.config.clone());
    let mut host = Host::new(runtime(), &conv.config_json).unwrap();
    let mut table = Rows::new();
    let half = native_conv.lines.len() / 2;
    for (k, line) in native_conv.lines.iter().enumerate() {
        if k == half {
            // Restart from the rows alone, as a service does.
            host = Host::restore_records(runtime(), &conv.config_json, rows(&table)).unwrap();
        }
        let step = native.step(&native_conv.path, line).unwrap();
        let _ = host.handle(&step.input, line.now);
        let got = host.take_changes().unwrap();
        let want = native.engine.take_changes();
        assert_eq!(
            changes_to_json(&got),
            changes_to_json(&want),
            "line {}",
            line.number
        );
        apply_changes(&mut table, got);
    }
    assert_eq!(
        host.state_json().unwrap(),
        serde_json::to_string(native.engine.state()).unwrap()
    );
    let again = Host::restore_records(runtime(), &conv.config_json, rows(&table));
    assert_eq!(
        again.unwrap().state_json().unwrap(),
        serde_json::to_string(native.engine.state()).unwrap()
    );
}

#[test]
fn a_trap_in_records_mode_recovers_from_the_rows_and_loses_no_change() {
    let (conv, native_conv) = walkthrough();
    let mut native = NativeReplayer::new(native_conv.config.clone());
    let mut host = Host::new(runtime(), &conv.config_json).unwrap();
    let mut table = Rows::new();
    let mut traps = 0;
    for (k, line) in native_conv.lines.iter().enumerate() {
        let step = native.step(&native_conv.path, line).unwrap();
        if k % 3 == 1 {
            host.set_fuel(1_000).unwrap();
            assert!(matches!(
                host.handle(&step.input, line.now),
                Err(HostError::Trap(_))
            ));
            traps += 1;
            host.set_fuel(Limits::DEFAULT_FUEL).unwrap();
        }
        let _ = host.handle(&step.input, line.now);
        if k % 4 == 2 {
            // Changes taken only now and then: the inputs between wait for the replay.
            apply_changes(&mut table, host.take_changes().unwrap());
        }
    }
    apply_changes(&mut table, host.take_changes().unwrap());
    assert!(traps > 5 && host.recoveries() >= traps);
    let mut want = Rows::new();
    apply_changes(&mut want, native.engine.take_changes());
    assert_eq!(table, want, "the rows are the native engine's records");
    match Host::restore_records(
        runtime(),
        &conv.config_json,
        [(RecordKind::Agent, "a".to_string(), "{}".to_string())],
    ) {
        Err(HostError::State(e)) => assert!(e.path.starts_with("state"), "{e}"),
        other => panic!("{other:?}"),
    }
}
