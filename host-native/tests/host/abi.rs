//! The raw ABI of `wasm/README.md`, called through wasmtime directly: bad pointers, oversized
//! lengths, non-UTF-8 bytes and double frees give error envelopes (or do nothing), never a trap.

use handoff_native::wasmtime::{
    Instance, Linker, Memory, Store, StoreLimits, StoreLimitsBuilder, Val,
};
use serde_json::Value;

use crate::common::{example, read, runtime};

const NOW: i64 = 1_768_213_800_000;

struct Raw {
    store: Store<StoreLimits>,
    instance: Instance,
    memory: Memory,
}

impl Raw {
    fn new() -> Raw {
        let rt = runtime();
        // 64 MiB of memory at most, so a huge allocation fails quickly instead of succeeding.
        let mut store = Store::new(
            rt.engine(),
            StoreLimitsBuilder::new().memory_size(64 << 20).build(),
        );
        store.limiter(|l| l);
        if rt.limits().fuel_per_call.is_some() {
            store.set_fuel(u64::MAX / 4).unwrap();
        }
        let instance = Linker::new(rt.engine())
            .instantiate(&mut store, rt.module())
            .unwrap();
        let memory = instance.get_memory(&mut store, "memory").unwrap();
        Raw {
            store,
            instance,
            memory,
        }
    }

    /// Calls `name`; every call must return normally (a trap fails the test).
    fn call(&mut self, name: &str, args: &[Val]) -> Option<Val> {
        let f = self
            .instance
            .get_func(&mut self.store, name)
            .unwrap_or_else(|| panic!("no export {name}"));
        let n = f.ty(&self.store).results().len();
        let mut results = vec![Val::I32(0); n];
        f.call(&mut self.store, args, &mut results)
            .unwrap_or_else(|e| panic!("{name}{args:?} trapped: {e:#}"));
        results.into_iter().next()
    }

    fn alloc(&mut self, len: i32) -> i32 {
        self.call("handoff_alloc", &[Val::I32(len)])
            .unwrap()
            .unwrap_i32()
    }

    fn put(&mut self, bytes: &[u8]) -> (i32, i32) {
        let ptr = self.alloc(bytes.len() as i32);
        assert_ne!(ptr, 0);
        self.memory
            .write(&mut self.store, ptr as usize, bytes)
            .unwrap();
        (ptr, bytes.len() as i32)
    }

    /// Reads, checks and frees a packed result: `{"ok": ...}` or `{"error": ...}`.
    fn envelope(&mut self, packed: Option<Val>) -> Value {
        let packed = packed.unwrap().unwrap_i64();
        assert_ne!(packed, 0, "result allocation failed");
        let (ptr, len) = ((packed as u64 >> 32) as usize, packed as u32 as usize);
        let bytes = self.memory.data(&self.store)[ptr..ptr + len].to_vec();
        self.call(
            "handoff_free",
            &[Val::I32(ptr as i32), Val::I32(len as i32)],
        );
        let v: Value = serde_json::from_slice(&bytes).expect("an envelope is JSON");
        let map = v.as_object().expect("an envelope is an object");
        assert_eq!(map.len(), 1, "{v}");
        assert!(map.contains_key("ok") || map.contains_key("error"), "{v}");
        v
    }

    fn new_engine(&mut self, (ptr, len): (i32, i32)) -> Value {
        let r = self.call("handoff_new", &[Val::I32(ptr), Val::I32(len)]);
        self.envelope(r)
    }

    fn handle(&mut self, (ptr, len): (i32, i32), now: i64) -> Value {
        let r = self.call(
            "handoff_handle",
            &[Val::I32(ptr), Val::I32(len), Val::I64(now)],
        );
        self.envelope(r)
    }
}

fn error_path(v: &Value) -> &str {
    v["error"]["path"]
        .as_str()
        .or_else(|| v["error"]["errors"][0]["path"].as_str())
        .unwrap_or_else(|| panic!("not an error: {v}"))
}

#[test]
fn version_and_calls_before_an_engine() {
    let mut raw = Raw::new();
    assert_eq!(
        raw.call("handoff_abi_version", &[]).unwrap().unwrap_i32(),
        1
    );
    let r = raw.call("handoff_state", &[]);
    assert_eq!(error_path(&raw.envelope(r)), "engine");
    let r = raw.call("handoff_hours", &[Val::I64(NOW)]);
    assert_eq!(error_path(&raw.envelope(r)), "engine");
    let input = raw.put(br#"{"type":"tick"}"#);
    assert_eq!(error_path(&raw.handle(input, NOW)), "engine");
    assert_eq!(
        raw.call("handoff_next_wakeup", &[]).unwrap().unwrap_i64(),
        -1
    );
}

#[test]
fn bad_pointers_and_lengths_are_error_envelopes() {
    let mut raw = Raw::new();
    let pages = raw.memory.data_size(&raw.store) as i64;
    let config = read(&example("handoff-settings.json"));
    let good = raw.put(config.as_bytes());
    for (what, arg) in [
        ("past the memory", (i32::MAX - 16, 100)),
        ("straddling the end", ((pages - 4) as i32, 64)),
        ("negative length", (good.0, -5)),
        ("oversized length", (good.0, i32::MAX)),
        ("longer than its buffer", (good.0, good.1 + 1)),
        ("not allocated by the module", (8, 16)),
        ("null with a length", (0, 10)),
        ("negative pointer", (-4096, 10)),
    ] {
        let v = raw.new_engine(arg);
        assert_eq!(error_path(&v), "config", "{what}: {v}");
    }
    // A range inside a live buffer is a valid argument: here, not valid JSON.
    let v = raw.new_engine((good.0 + 1, good.1 - 1));
    assert_eq!(error_path(&v), "$", "{v}");
    // The engine was never created; the real configuration still works afterwards.
    assert_eq!(raw.new_engine(good), serde_json::json!({"ok": null}));
    let agent = raw.put(
        br#"{"type":"agent_update","agent":{"id":"agent_1","name":"Asha","status":"online"}}"#,
    );
    assert!(raw.handle(agent, NOW)["ok"].is_array());
    for arg in [(i32::MAX - 16, 100), (agent.0, agent.1 + 1), (agent.0, -1)] {
        let v = raw.handle(arg, NOW);
        assert_eq!(error_path(&v), "input", "{arg:?}: {v}");
    }
}

#[test]
fn non_utf8_and_non_json_are_error_envelopes() {
    let mut raw = Raw::new();
    let bad = raw.put(b"\xff\xfe{\"handoff\":{}}");
    assert_eq!(error_path(&raw.new_engine(bad)), "config");
    let config = raw.put(br#"{"handoff":{}}"#);
    assert!(raw.new_engine(config).get("ok").is_some());
    for bytes in [
        &b"\xc3\x28"[..],
        b"{\"type\":\"tick\"\xff}",
        b"not json",
        b"[]",
        b"null",
    ] {
        let input = raw.put(bytes);
        let v = raw.handle(input, NOW);
        assert!(error_path(&v).starts_with("input"), "{bytes:?}: {v}");
    }
    // An empty argument is (0, 0): empty JSON text, the engine's own error.
    assert!(error_path(&raw.handle((0, 0), NOW)).starts_with("input"));
    // A bad state: not JSON, or not UTF-8.
    let config = raw.put(br#"{"handoff":{}}"#);
    for state in [&b"{"[..], b"\xff", b"{\"version\": 1, \"now\": -7}"] {
        let s = raw.put(state);
        let r = raw.call(
            "handoff_restore",
            &[
                Val::I32(config.0),
                Val::I32(config.1),
                Val::I32(s.0),
                Val::I32(s.1),
            ],
        );
        let v = raw.envelope(r);
        assert!(error_path(&v).starts_with("state"), "{state:?}: {v}");
    }
    // A bad secret (and a non-UTF-8 one) for signing.
    for secret in [&b"whsec_!!!"[..], b"\xff\xfe"] {
        let s = raw.put(secret);
        let id = raw.put(b"msg_1");
        let r = raw.call(
            "handoff_sign",
            &[
                Val::I32(s.0),
                Val::I32(s.1),
                Val::I32(id.0),
                Val::I32(id.1),
                Val::I64(0),
                Val::I32(0),
                Val::I32(0),
            ],
        );
        assert_eq!(error_path(&raw.envelope(r)), "secret");
    }
}

#[test]
fn allocation_limits_and_bogus_frees_do_nothing_harmful() {
    let mut raw = Raw::new();
    assert_eq!(raw.alloc(0), 0);
    assert_eq!(raw.alloc(-1), 0);
    assert_eq!(raw.alloc(i32::MIN), 0);
    assert_eq!(raw.alloc(i32::MAX), 0, "a 2 GiB buffer in a 64 MiB memory");
    let p = raw.alloc(100);
    assert_ne!(p, 0);
    for (ptr, len) in [
        (0, 0),
        (0, 100),
        (p, 99),
        (p + 1, 99),
        (12345, 7),
        (-1, -1),
        (p, 100),
        (p, 100),
    ] {
        raw.call("handoff_free", &[Val::I32(ptr), Val::I32(len)]);
    }
    // Still fully working.
    let config = raw.put(br#"{"handoff":{}}"#);
    assert!(raw.new_engine(config).get("ok").is_some());
    let r = raw.call("handoff_state", &[]);
    assert!(raw.envelope(r)["ok"]["version"].is_u64());
}

#[test]
fn random_arguments_never_trap() {
    let mut raw = Raw::new();
    let config = raw.put(br#"{"handoff":{"routing":{"auto_accept":true}}}"#);
    assert!(raw.new_engine(config).get("ok").is_some());
    let size = raw.memory.data_size(&raw.store) as u64;
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..300 {
        let ptr = match next() % 3 {
            0 => (next() % size) as i32,
            1 => next() as i32,
            _ => 0,
        };
        let len = match next() % 3 {
            0 => (next() % 256) as i32,
            1 => next() as i32,
            _ => 0,
        };
        let now = next() as i64;
        let v = raw.handle((ptr, len), now);
        assert!(v.get("error").is_some() || v["ok"].is_array(), "{v}");
        let r = raw.call("handoff_hours", &[Val::I64(now)]);
        raw.envelope(r);
    }
    let r = raw.call("handoff_state", &[]);
    assert!(raw.envelope(r)["ok"]["version"].is_u64());
}
