//! Traps: a fuel limit hit, or a hostile module. The host reports [`HostError::Trap`] (or
//! [`HostError::Abi`]) and never hangs or crashes; after a trap it goes on from the last good
//! state.

use std::time::{Duration, Instant};

use handoff_conformance::Replayer as NativeReplayer;
use handoff_native::replay;
use handoff_native::{Host, HostError, Limits, Runtime};

use crate::common::{root, runtime};

/// Plays `examples/conversations/spec-walkthrough.jsonl` natively and through `host` up to
/// `until` lines; returns the native replayer and the lines.
fn walkthrough() -> (replay::Conversation, handoff_conformance::Conversation) {
    let file = handoff_conformance::conversations_dir().join("spec-walkthrough.jsonl");
    (
        replay::load(&file).unwrap(),
        handoff_conformance::load(&file).unwrap(),
    )
}

#[test]
fn a_fuel_trap_is_reported_and_the_host_goes_on_from_the_last_state() {
    let (conv, native_conv) = walkthrough();
    let mut native = NativeReplayer::new(native_conv.config.clone());
    let mut host = Host::new(runtime(), &conv.config_json).unwrap();
    // Never fetch a snapshot by itself, so recovery must replay accepted inputs too.
    host.set_snapshot_every(usize::MAX);
    let lines = &native_conv.lines;
    let mut k = 0;
    let mut traps = 0;
    while k < lines.len() {
        let step = native.step(&native_conv.path, &lines[k]).unwrap();
        if k % 3 == 1 {
            // Every third input first fails for lack of fuel, then goes through.
            host.set_fuel(1_000).unwrap();
            match host.handle(&step.input, lines[k].now) {
                Err(HostError::Trap(trap)) => {
                    assert!(trap.is_out_of_fuel(), "{trap:?}");
                    assert_eq!(trap.function, "handoff_handle");
                    traps += 1;
                }
                other => panic!("line {}: expected a trap, got {other:?}", lines[k].number),
            }
            host.set_fuel(Limits::DEFAULT_FUEL).unwrap();
        }
        if k % 7 == 3 {
            // Sometimes persist, as a host following the contract would.
            host.state_json().unwrap();
        }
        let got = host
            .handle(&step.input, lines[k].now)
            .map(|outputs| serde_json::to_value(outputs).unwrap());
        match (&got, &step.result) {
            (Ok(got), Ok(want)) => assert_eq!(got, &serde_json::Value::Array(want.clone())),
            (Err(e), Err(want)) => assert_eq!(e.engine_error_json().as_ref(), Some(want)),
            _ => panic!("line {}: {got:?} vs {:?}", lines[k].number, step.result),
        }
        k += 1;
    }
    assert!(traps > 5);
    assert!(host.recoveries() >= traps, "{}", host.recoveries());
    assert_eq!(
        host.state_json().unwrap(),
        serde_json::to_string(native.engine.state()).unwrap()
    );
}

#[test]
fn a_trap_right_after_restore_keeps_the_restored_state() {
    let (conv, _) = walkthrough();
    let mut first = replay::Replayer::new(runtime(), &conv).unwrap();
    for line in &conv.lines[..10] {
        first.step(&conv.path, line).unwrap();
    }
    let persisted = first.host.state_json().unwrap();
    let mut host = Host::restore(runtime(), &conv.config_json, &persisted).unwrap();
    host.set_fuel(10).unwrap();
    assert!(matches!(host.next_wakeup(), Err(HostError::Trap(_))));
    assert!(matches!(host.hours(0), Err(HostError::Trap(_))));
    host.set_fuel(Limits::DEFAULT_FUEL).unwrap();
    assert_eq!(host.state_json().unwrap(), persisted);
    assert_eq!(
        host.next_wakeup().unwrap(),
        first.host.next_wakeup().unwrap()
    );
}

#[test]
fn creating_a_host_with_too_little_fuel_is_a_trap_not_a_hang() {
    let runtime = runtime()
        .set_limits(Limits {
            fuel_per_call: Some(50),
            ..Limits::default()
        })
        .unwrap();
    match Host::new(&runtime, r#"{"handoff": {}}"#) {
        Err(HostError::Trap(t)) => assert!(t.is_out_of_fuel(), "{t:?}"),
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Hostile modules, assembled by hand: every ABI export, each with a body chosen by the test.

#[derive(Clone, Copy)]
enum Body {
    /// `loop br 0 end unreachable`: never returns.
    Loop,
    /// Returns this constant (i32 or i64, by the export's result type); nothing for no result.
    Const(i64),
    /// `unreachable`.
    Trap,
}

const I32: u8 = 0x7f;
const I64: u8 = 0x7e;

const EXPORTS: &[(&str, &[u8], &[u8])] = &[
    ("handoff_abi_version", &[], &[I32]),
    ("handoff_alloc", &[I32], &[I32]),
    ("handoff_free", &[I32, I32], &[]),
    ("handoff_new", &[I32, I32], &[I64]),
    ("handoff_restore", &[I32, I32, I32, I32], &[I64]),
    ("handoff_handle", &[I32, I32, I64], &[I64]),
    ("handoff_state", &[], &[I64]),
    ("handoff_next_wakeup", &[], &[I64]),
    ("handoff_hours", &[I64], &[I64]),
    ("handoff_query", &[I32, I32], &[I64]),
    ("handoff_sign", &[I32, I32, I32, I32, I64, I32, I32], &[I64]),
    ("handoff_secret_refs", &[I32, I32], &[I64]),
    ("handoff_prepare", &[I32, I32, I32, I32, I64], &[I64]),
    ("handoff_explain", &[I32, I32, I32, I32], &[I64]),
    ("handoff_restore_records", &[I32, I32, I32, I32], &[I64]),
    ("handoff_take_changes", &[], &[I64]),
];

fn leb_u(mut n: u64, out: &mut Vec<u8>) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn leb_s(mut n: i64, out: &mut Vec<u8>) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        let done = (n == 0 && byte & 0x40 == 0) || (n == -1 && byte & 0x40 != 0);
        out.push(if done { byte } else { byte | 0x80 });
        if done {
            return;
        }
    }
}

fn section(id: u8, content: Vec<u8>, out: &mut Vec<u8>) {
    out.push(id);
    leb_u(content.len() as u64, out);
    out.extend(content);
}

fn vec_of(items: Vec<Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::new();
    leb_u(items.len() as u64, &mut out);
    for i in items {
        out.extend(i);
    }
    out
}

fn name(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    leb_u(s.len() as u64, &mut out);
    out.extend(s.as_bytes());
    out
}

/// A module exporting a 1-page memory and every ABI function; `body(name)` says what each does.
/// `data` is written at address 1024. `import` adds a function import (which the host refuses).
fn module(body: impl Fn(&str) -> Body, data: &[u8], import: bool, skip: Option<&str>) -> Vec<u8> {
    let exports: Vec<_> = EXPORTS.iter().filter(|e| Some(e.0) != skip).collect();
    let mut out = b"\0asm\x01\0\0\0".to_vec();
    let types = exports
        .iter()
        .map(|(_, params, results)| {
            let mut t = vec![0x60];
            t.extend(vec_of(params.iter().map(|p| vec![*p]).collect()));
            t.extend(vec_of(results.iter().map(|r| vec![*r]).collect()));
            t
        })
        .chain(import.then(|| vec![0x60, 0, 0]))
        .collect();
    section(1, vec_of(types), &mut out);
    let offset = usize::from(import);
    if import {
        let mut i = name("env");
        i.extend(name("clock"));
        i.push(0x00);
        leb_u(exports.len() as u64, &mut i);
        section(2, vec_of(vec![i]), &mut out);
    }
    section(
        3,
        vec_of(
            (0..exports.len())
                .map(|i| {
                    let mut v = Vec::new();
                    leb_u(i as u64, &mut v);
                    v
                })
                .collect(),
        ),
        &mut out,
    );
    section(5, vec_of(vec![vec![0x00, 0x01]]), &mut out);
    let mut ex: Vec<Vec<u8>> = exports
        .iter()
        .enumerate()
        .map(|(i, (n, _, _))| {
            let mut e = name(n);
            e.push(0x00);
            leb_u((i + offset) as u64, &mut e);
            e
        })
        .collect();
    ex.push({
        let mut e = name("memory");
        e.extend([0x02, 0x00]);
        e
    });
    section(7, vec_of(ex), &mut out);
    let code = exports
        .iter()
        .map(|(n, _, results)| {
            let mut f = vec![0x00]; // no locals
            match body(n) {
                Body::Loop => f.extend([0x03, 0x40, 0x0c, 0x00, 0x0b, 0x00]),
                Body::Trap => f.push(0x00),
                Body::Const(c) => match results.first() {
                    Some(&I32) => {
                        f.push(0x41);
                        leb_s(c, &mut f);
                    }
                    Some(_) => {
                        f.push(0x42);
                        leb_s(c, &mut f);
                    }
                    None => {}
                },
            }
            f.push(0x0b);
            let mut sized = Vec::new();
            leb_u(f.len() as u64, &mut sized);
            sized.extend(f);
            sized
        })
        .collect();
    section(10, vec_of(code), &mut out);
    if !data.is_empty() {
        let mut d = vec![0x00, 0x41];
        leb_s(1024, &mut d);
        d.push(0x0b);
        leb_u(data.len() as u64, &mut d);
        d.extend(data);
        section(11, vec_of(vec![d]), &mut out);
    }
    out
}

/// The usual bodies: version 1, alloc at 2048, free does nothing, everything else as given.
fn hostile(f: impl Fn(&str) -> Option<Body>, data: &[u8]) -> Vec<u8> {
    module(
        |n| {
            f(n).unwrap_or(match n {
                "handoff_abi_version" => Body::Const(1),
                "handoff_alloc" => Body::Const(2048),
                "handoff_next_wakeup" => Body::Const(-1),
                _ => Body::Const(0),
            })
        },
        data,
        false,
        None,
    )
}

fn packed(ptr: u32, len: u32) -> i64 {
    ((ptr as u64) << 32 | len as u64) as i64
}

fn quick(wasm: &[u8]) -> Result<Runtime, HostError> {
    Runtime::with_limits(
        wasm,
        Limits {
            fuel_per_call: Some(5_000_000),
            ..Limits::default()
        },
        "hostile",
    )
}

#[test]
fn a_module_that_loops_forever_runs_out_of_fuel() {
    let wasm = hostile(
        |n| (n != "handoff_abi_version" && n != "handoff_free").then_some(Body::Loop),
        b"",
    );
    let runtime = quick(&wasm).unwrap();
    let started = Instant::now();
    match Host::new(&runtime, "{}") {
        Err(HostError::Trap(t)) => assert!(t.is_out_of_fuel(), "{t:?}"),
        other => panic!("{other:?}"),
    }
    match runtime.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "m", 0, b"x") {
        Err(HostError::Trap(t)) => assert!(t.is_out_of_fuel(), "{t:?}"),
        other => panic!("{other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_looping_handle_traps_and_the_host_recovers() {
    // new/restore answer {"ok":null} (at 1024); handle loops; state answers {"ok":{}}.
    let data = br#"{"ok":null}{"ok":{"v":1}}"#;
    let wasm = hostile(
        |n| match n {
            "handoff_new" | "handoff_restore" => Some(Body::Const(packed(1024, 11))),
            "handoff_state" => Some(Body::Const(packed(1035, 14))),
            "handoff_handle" => Some(Body::Loop),
            _ => None,
        },
        data,
    );
    let runtime = quick(&wasm).unwrap();
    let mut host = Host::new(&runtime, "{}").unwrap();
    assert_eq!(host.state_json().unwrap(), r#"{"v":1}"#);
    for _ in 0..3 {
        assert!(matches!(
            host.handle(r#"{"type":"tick"}"#, 0),
            Err(HostError::Trap(_))
        ));
    }
    assert_eq!(host.recoveries(), 3);
    assert_eq!(host.next_wakeup().unwrap(), None);
}

#[test]
fn a_module_breaking_the_protocol_is_an_abi_error_or_a_trap_never_a_crash() {
    type Expect = fn(&HostError) -> bool;
    let cases: Vec<(&str, Vec<u8>, Expect)> = vec![
        (
            "result outside the memory",
            hostile(
                |n| (n == "handoff_new").then_some(Body::Const(packed(0xffff_0000, 64))),
                b"",
            ),
            |e| matches!(e, HostError::Abi(m) if m.contains("outside the memory")),
        ),
        (
            "result longer than the memory",
            hostile(
                |n| (n == "handoff_new").then_some(Body::Const(packed(1024, 0xffff_ffff))),
                b"",
            ),
            |e| matches!(e, HostError::Abi(m) if m.contains("outside the memory")),
        ),
        (
            "not an envelope",
            hostile(
                |n| (n == "handoff_new").then_some(Body::Const(packed(1024, 8))),
                b"not json",
            ),
            |e| matches!(e, HostError::Abi(m) if m.contains("malformed envelope")),
        ),
        (
            "not UTF-8",
            hostile(
                |n| (n == "handoff_new").then_some(Body::Const(packed(1024, 4))),
                b"\xff\xfe\xfd\xfc",
            ),
            |e| matches!(e, HostError::Abi(m) if m.contains("not UTF-8")),
        ),
        (
            "result 0",
            hostile(|n| (n == "handoff_new").then_some(Body::Const(0)), b""),
            |e| matches!(e, HostError::Trap(t) if t.code.is_none()),
        ),
        (
            "alloc fails",
            hostile(|n| (n == "handoff_alloc").then_some(Body::Const(0)), b""),
            |e| matches!(e, HostError::Trap(t) if t.message.contains("could not allocate")),
        ),
        (
            "alloc outside the memory",
            hostile(
                |n| (n == "handoff_alloc").then_some(Body::Const(0x7fff_0000)),
                b"",
            ),
            |e| matches!(e, HostError::Abi(m) if m.contains("outside the memory")),
        ),
        (
            "unreachable",
            hostile(|n| (n == "handoff_new").then_some(Body::Trap), b""),
            |e| matches!(e, HostError::Trap(t) if t.code == Some(handoff_native::wasmtime::Trap::UnreachableCodeReached)),
        ),
    ];
    for (what, wasm, ok) in cases {
        let runtime = quick(&wasm).unwrap_or_else(|e| panic!("{what}: {e}"));
        match Host::new(&runtime, r#"{"handoff": {}}"#) {
            Err(e) if ok(&e) => {}
            other => panic!("{what}: {other:?}"),
        }
    }
}

#[test]
fn modules_that_do_not_fit_the_abi_are_refused_when_loaded() {
    match quick(b"\0asm\x01\0\0\0") {
        Err(HostError::Abi(m)) => {
            assert!(
                m.contains("no function handoff_handle") && m.contains("no \"memory\""),
                "{m}"
            )
        }
        other => panic!("{other:?}"),
    }
    match quick(&module(
        |_| Body::Const(1),
        b"",
        false,
        Some("handoff_sign"),
    )) {
        Err(HostError::Abi(m)) => assert_eq!(m, "no function handoff_sign"),
        other => panic!("{other:?}"),
    }
    match quick(&module(|_| Body::Const(1), b"", true, None)) {
        Err(HostError::Wasm(m)) => assert!(m.contains("env::clock"), "{m}"),
        other => panic!("{other:?}"),
    }
    match quick(&hostile(
        |n| (n == "handoff_abi_version").then_some(Body::Const(2)),
        b"",
    )) {
        Err(HostError::Abi(m)) => assert!(m.contains("version 1"), "{m}"),
        other => panic!("{other:?}"),
    }
    match quick(b"definitely not wasm") {
        Err(HostError::Wasm(_)) => {}
        other => panic!("{other:?}"),
    }
    match Runtime::from_file("/nonexistent/handoff_abi.wasm") {
        Err(HostError::Io { .. }) => {}
        other => panic!("{other:?}"),
    }
}

/// A host with `fuel_per_call` and `fuel_per_state_byte`, and `n` conversations in its state.
fn host_with_conversations(
    fuel_per_call: u64,
    fuel_per_state_byte: u64,
    n: usize,
) -> (Runtime, String, Host) {
    let runtime = runtime()
        .set_limits(Limits {
            fuel_per_call: Some(fuel_per_call),
            fuel_per_state_byte,
            ..Limits::default()
        })
        .unwrap();
    let config = std::fs::read_to_string(root().join("bench/config.json")).unwrap();
    let mut host = Host::new(&runtime, &config).unwrap();
    host.set_snapshot_every(usize::MAX);
    for c in 0..n {
        let input = serde_json::json!({
            "type": "customer_message",
            "conversation_id": format!("conv_{c}"),
            "text": "my parcel is late, where is it? I want a refund",
        });
        host.handle_json(&input.to_string(), 1_767_000_000_000 + c as i64)
            .unwrap();
    }
    (runtime, config, host)
}

#[test]
fn a_state_larger_than_one_calls_fuel_is_still_fetched_and_restored() {
    // 30 million units: ten times the largest conformance input, but a state of 1,000
    // conversations (about 2 MB) takes about 120 million to fetch and 550 million to restore.
    let (runtime, config, mut host) =
        host_with_conversations(30_000_000, Limits::DEFAULT_FUEL_PER_STATE_BYTE, 1_000);
    let state = host.state_json().unwrap();
    assert!(state.len() > 1_000_000, "{}", state.len());
    let fetch_fuel = host.last_fuel_used().unwrap();
    assert!(
        fetch_fuel > 30_000_000,
        "the fetch needed only {fetch_fuel}: the test proves nothing"
    );
    let restored = Host::restore(&runtime, &config, &state).unwrap();
    assert!(restored.last_fuel_used().unwrap() > 30_000_000);
    let mut restored = restored;
    assert_eq!(restored.state_json().unwrap(), state);
    // An input gets only fuel_per_call, however big the state: a runaway input still stops.
    assert!(restored.memory_bytes().unwrap() > state.len());
    restored.set_fuel(100_000).unwrap();
    let input =
        r#"{"type": "customer_message", "conversation_id": "conv_1", "text": "still here"}"#;
    match restored.handle_json(input, 1_767_000_100_000) {
        Err(HostError::Trap(t)) => assert!(t.is_out_of_fuel(), "{t:?}"),
        other => panic!("expected the input to run out of fuel, got {other:?}"),
    }
}

#[test]
fn without_the_state_allowance_a_large_state_cannot_be_restored() {
    let (runtime, config, mut host) = host_with_conversations(30_000_000, 0, 1_000);
    match host.state_json() {
        Err(HostError::Trap(t)) => assert!(t.is_out_of_fuel(), "{t:?}"),
        other => panic!(
            "expected the fetch to run out of fuel, got {:?}",
            other.map(|s| s.len())
        ),
    }
    // The allowance is what the restore of the same state needs.
    let (_, _, mut big) =
        host_with_conversations(30_000_000, Limits::DEFAULT_FUEL_PER_STATE_BYTE, 1_000);
    let state = big.state_json().unwrap();
    match Host::restore(&runtime, &config, &state) {
        Err(HostError::Trap(t)) => assert!(t.is_out_of_fuel(), "{t:?}"),
        other => panic!(
            "expected the restore to run out of fuel, got {:?}",
            other.map(|_| ())
        ),
    }
}

#[test]
fn running_out_of_memory_is_named_as_such() {
    let (_, config, mut host) = host_with_conversations(
        Limits::DEFAULT_FUEL,
        Limits::DEFAULT_FUEL_PER_STATE_BYTE,
        1_000,
    );
    let state = host.state_json().unwrap();
    let small = runtime()
        .set_limits(Limits {
            max_memory_bytes: 8 << 20,
            ..Limits::default()
        })
        .unwrap();
    match Host::restore(&small, &config, &state) {
        Err(HostError::Trap(t)) => {
            assert_eq!(t.function, "handoff_restore");
            assert!(
                t.to_string().contains("ran out of memory")
                    && t.to_string().contains("8 MiB (Limits::max_memory_bytes)"),
                "{t}"
            );
        }
        other => panic!("expected a memory trap, got {:?}", other.map(|_| ())),
    }
    // With the default limit the same state restores.
    assert!(Host::restore(runtime(), &config, &state).is_ok());
}

#[test]
fn a_restored_host_does_not_fetch_its_big_state_again_after_a_few_inputs() {
    let (runtime, config, mut host) = host_with_conversations(
        Limits::DEFAULT_FUEL,
        Limits::DEFAULT_FUEL_PER_STATE_BYTE,
        1_000,
    );
    let state = host.state_json().unwrap();
    let fetch_fuel = host.last_fuel_used().unwrap();
    let mut restored = Host::restore(&runtime, &config, &state).unwrap();
    // A hundred small inputs are far less work than the restore was: none of them may be
    // followed by a fetch of the whole state (which would show as the call's fuel).
    for k in 0..100 {
        let input = serde_json::json!({
            "type": "customer_message",
            "conversation_id": format!("conv_{}", k % 1_000),
            "text": "ok thanks",
        });
        restored
            .handle_json(&input.to_string(), 1_767_000_100_000 + k)
            .unwrap();
        let used = restored.last_fuel_used().unwrap();
        assert!(
            used < fetch_fuel / 4,
            "input {k} was followed by a state fetch ({used} fuel; a fetch is {fetch_fuel})"
        );
    }
}
