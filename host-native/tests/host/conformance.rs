//! Every conversation of `examples/conversations/` through wasmtime gives the golden vectors of
//! `tests/vectors/` byte for byte, and the state, wake-ups, hours and signatures equal the native
//! engine's.

use handoff_conformance::{conversation_files, conversations_dir, golden_path};
use handoff_core::{Config, Engine, ErrorKind, Output};
use handoff_native::replay::{self, Replayer};
use handoff_native::{Host, HostError, Limits};
use serde_json::Value;

use crate::common::{example, read, runtime};

fn conversations() -> Vec<std::path::PathBuf> {
    let files = conversation_files(&conversations_dir()).expect("examples/conversations/");
    assert!(!files.is_empty(), "no conversation files");
    files
}

fn name(path: &std::path::Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

/// The first line where two golden texts differ, for the failure message.
fn first_difference(got: &str, want: &str) -> String {
    let (g, w): (Vec<&str>, Vec<&str>) = (got.lines().collect(), want.lines().collect());
    for i in 0..g.len().max(w.len()) {
        if g.get(i) != w.get(i) {
            return format!(
                "line {}:\n  wasmtime: {}\n  golden:   {}",
                i + 1,
                g.get(i).unwrap_or(&"<none>"),
                w.get(i).unwrap_or(&"<none>")
            );
        }
    }
    "only in line endings".into()
}

#[test]
fn every_conversation_gives_its_golden_vector_byte_for_byte() {
    let mut failures = Vec::new();
    for file in conversations() {
        let conversation = replay::load(&file).unwrap_or_else(|e| panic!("{e}"));
        let steps = replay::replay(runtime(), &conversation).unwrap_or_else(|e| panic!("{e}"));
        let unexpected: Vec<usize> = steps
            .iter()
            .filter(|s| s.is_unexpected())
            .map(|s| s.line)
            .collect();
        if !unexpected.is_empty() {
            failures.push(format!(
                "{}: unexpected results on lines {unexpected:?}",
                name(&file)
            ));
        }
        let golden = golden_path(&name(&file));
        let want = read(&golden);
        let got = replay::golden(&steps);
        if got != want {
            failures.push(format!(
                "{} differs from {}: {}",
                name(&file),
                golden.display(),
                first_difference(&got, &want)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn state_wakeups_and_typed_outputs_equal_the_native_engine_after_every_input() {
    for file in conversations() {
        let native_conv = handoff_conformance::load(&file).unwrap();
        let conv = replay::load(&file).unwrap();
        let mut native = handoff_conformance::Replayer::new(native_conv.config.clone());
        let mut host = Host::new(runtime(), &conv.config_json).unwrap();
        let mut most_fuel = 0;
        for line in &native_conv.lines {
            let step = native.step(&file, line).unwrap();
            let at = format!("{}:{}", name(&file), line.number);
            match (host.handle(&step.input, line.now), &step.result) {
                (Ok(outputs), Ok(want)) => {
                    most_fuel = most_fuel.max(host.last_fuel_used().unwrap_or(0));
                    let got: Vec<Value> = outputs
                        .iter()
                        .map(|o: &Output| serde_json::to_value(o).unwrap())
                        .collect();
                    assert_eq!(&got, want, "{at}: typed outputs");
                }
                (Err(e), Err(want)) => {
                    assert_eq!(e.engine_error_json().as_ref(), Some(want), "{at}: error")
                }
                (got, want) => panic!("{at}: wasmtime gave {got:?}, native {want:?}"),
            }
            assert_eq!(
                host.state_json().unwrap(),
                serde_json::to_string(native.engine.state()).unwrap(),
                "{at}: state"
            );
            assert_eq!(
                host.next_wakeup().unwrap(),
                native.engine.next_wakeup(),
                "{at}: next_wakeup"
            );
        }
        assert_eq!(host.state().unwrap(), *native.engine.state());
        // The default budget leaves a wide margin over what real inputs need.
        println!("{}: at most {most_fuel} fuel for one input", name(&file));
        assert!(
            most_fuel > 0 && most_fuel < Limits::DEFAULT_FUEL / 100,
            "{most_fuel}"
        );
    }
}

#[test]
fn a_host_restored_half_way_continues_with_the_same_outputs() {
    for file in conversations() {
        let conv = replay::load(&file).unwrap();
        let half = conv.lines.len() / 2;
        let mut first = Replayer::new(runtime(), &conv).unwrap();
        let mut got = Vec::new();
        for line in &conv.lines[..half] {
            got.push(first.step(&conv.path, line).unwrap());
        }
        let persisted = first.host.state_json().unwrap();
        let mut second = Replayer {
            host: Host::restore(runtime(), &conv.config_json, &persisted).unwrap(),
            deliveries: first.deliveries.clone(),
        };
        drop(first);
        for line in &conv.lines[half..] {
            got.push(second.step(&conv.path, line).unwrap());
        }
        assert_eq!(
            replay::golden(&got),
            read(&golden_path(&name(&file))),
            "{}: restored at line {half}",
            name(&file)
        );
    }
}

#[test]
fn business_hours_equal_the_native_engine() {
    let text = read(&example("business-hours.json"));
    let native = Engine::new(Config::from_json_str(&text).unwrap());
    let mut host = Host::new(runtime(), &text).unwrap();
    // Every 97 minutes over two weeks from Sunday 2026-01-11 00:00 UTC.
    let start = 1_768_089_600_000_i64;
    for k in 0..210 {
        let at = start + k * 97 * 60_000;
        assert_eq!(host.hours(at).unwrap(), native.hours(at), "at {at}");
    }
    let open = host.hours(1_768_199_400_000).unwrap().unwrap(); // Monday 12:00 IST
    assert!(open.open);

    let mut always = Host::new(runtime(), &read(&example("handoff-settings.json"))).unwrap();
    assert_eq!(always.hours(start).unwrap(), None);
}

#[test]
fn signatures_equal_the_native_engine() {
    let cases: [(&str, &str, i64, &[u8]); 3] = [
        (
            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
            1_649_367_553,
            br#"{"email":"test@example.com","username":"test_user"}"#,
        ),
        (
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_1",
            1_700_000_000,
            b"",
        ),
        (
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "",
            0,
            "ünïcødé \u{1F600}".as_bytes(),
        ),
    ];
    for (secret, id, ts, body) in cases {
        assert_eq!(
            runtime().sign(secret, id, ts, body).unwrap(),
            handoff_core::signing::sign(secret, id, ts, body).unwrap()
        );
    }
    assert_eq!(
        runtime()
            .sign(
                "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
                "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
                1_649_367_553,
                br#"{"email":"test@example.com","username":"test_user"}"#
            )
            .unwrap(),
        "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw="
    );
    match runtime().sign("not-a-secret-at-all", "msg_1", 0, b"{}") {
        Err(HostError::Input(e)) => {
            assert_eq!(e.path, "secret");
            assert_eq!(e.kind, ErrorKind::Invalid);
            assert!(!e.message.contains("not-a-secret-at-all"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn configuration_errors_are_the_native_ones_with_paths() {
    let bad = r#"{"handoff": {"routing": {"method": "telepathy", "max_concurrent_per_agent": 0},
                 "triggers": {"sentiment_threshold": 5}, "surprise": 1}}"#;
    let native = Config::from_json_str(bad).unwrap_err().0;
    assert!(native.len() >= 3, "{native:?}");
    match Host::new(runtime(), bad) {
        Err(HostError::Config { errors }) => assert_eq!(errors, native),
        other => panic!("{other:?}"),
    }
    match Host::new(runtime(), "{not json") {
        Err(HostError::Config { errors }) => assert_eq!(errors[0].path, "$"),
        other => panic!("{other:?}"),
    }
    let ok = read(&example("handoff-settings.json"));
    match Host::restore(runtime(), &ok, r#"{"version": 999}"#) {
        Err(HostError::State(e)) => {
            assert_eq!(e.path, "state.version");
            assert_eq!(e.kind, ErrorKind::NewerVersion);
            assert!(e.message.contains("newer"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    match Host::restore(runtime(), &ok, "[1,2") {
        Err(HostError::State(e)) => assert!(e.path.starts_with("state"), "{e}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_refused_input_names_its_path_and_leaves_the_state_unchanged() {
    let mut host = Host::new(runtime(), &read(&example("handoff-settings.json"))).unwrap();
    let now = 1_768_213_800_000;
    host.handle(
        r#"{"type":"agent_update","agent":{"id":"agent_1","name":"Asha","status":"online"}}"#,
        now,
    )
    .unwrap();
    let before = host.state_json().unwrap();
    for (input, path) in [
        (
            r#"{"type":"conversation_closed","conversation_id":"nope","by":"ai"}"#,
            "input.conversation_id",
        ),
        (
            r#"{"type":"customer_message","conversation_id":"c","text":1}"#,
            "input.text",
        ),
        (r#"{"type":"teleport"}"#, "input.type"),
        ("{not json", "input"),
        ("", "input"),
    ] {
        match host.handle(input, now + 1000) {
            Err(HostError::Input(e)) => assert_eq!(e.path, path, "{input}"),
            other => panic!("{input}: {other:?}"),
        }
        assert_eq!(host.state_json().unwrap(), before);
    }
    match host.handle(r#"{"type":"tick"}"#, -5) {
        Err(HostError::Input(e)) => {
            assert_eq!(e.path, "now");
            assert_eq!(e.kind, ErrorKind::OutOfRange);
        }
        other => panic!("{other:?}"),
    }
    // Typed inputs work too.
    let input = handoff_core::Input::from_json_str(
        r#"{"type":"customer_message","conversation_id":"conv_1","text":"I want a human"}"#,
    )
    .unwrap();
    let outputs = host.handle(&input, now + 2000).unwrap();
    assert!(
        outputs.iter().any(|o| matches!(o, Output::Handoff { .. })),
        "{outputs:?}"
    );
}

#[test]
fn every_conversation_gives_its_golden_change_sets_and_the_rows_restore() {
    use handoff_core::wire::changes::changes_to_json;
    let mut failures = Vec::new();
    for file in conversations() {
        let conv = replay::load(&file).unwrap();
        let mut replayer = Replayer::new(runtime(), &conv).unwrap();
        let mut got = String::new();
        for line in &conv.lines {
            replayer.step(&conv.path, line).unwrap();
            got.push_str(&changes_to_json(&replayer.host.take_changes().unwrap()));
            got.push('\n');
        }
        let golden = handoff_conformance::changes_path(&name(&file));
        let want = read(&golden);
        if got != want {
            failures.push(format!(
                "{} differs from {}: {}",
                name(&file),
                golden.display(),
                first_difference(&got, &want)
            ));
            continue;
        }
        let rows = handoff_conformance::rows_of_changes(&got).unwrap();
        let mut restored = Host::restore_records(runtime(), &conv.config_json, rows).unwrap();
        assert_eq!(
            restored.state_json().unwrap(),
            replayer.host.state_json().unwrap(),
            "{}: the rows restore another state",
            name(&file)
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
