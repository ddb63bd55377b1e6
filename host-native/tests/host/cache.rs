//! The compiled-module cache: the first start compiles and writes the entry, the next loads it
//! (told by `Runtime::origin`, not by timing); a damaged entry is compiled again and replaced;
//! the key follows the wasm bytes and the engine's settings; a cache that cannot be used changes
//! nothing but a reported problem.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use handoff_native::{Host, Limits, ModuleOrigin, Runtime, WASM_ENV};

use crate::common;

/// The bytes of the module under test (the one `common::runtime` compiles).
fn wasm() -> Vec<u8> {
    match std::env::var_os(WASM_ENV) {
        Some(path) if !path.is_empty() => std::fs::read(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", PathBuf::from(path).display())),
        _ => match Runtime::embedded_bytes() {
            Some(bytes) => bytes.to_vec(),
            None => {
                common::runtime(); // fails saying how to build the module
                unreachable!("no module, and common::runtime did not fail")
            }
        },
    }
}

/// A fresh directory path (not created: the cache creates it).
/// An empty directory of its own: a process id comes back after a reboot or many runs, so a
/// directory of an earlier run with the same id is emptied first.
fn fresh_dir(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "handoff-cache-test-{}-{name}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&dir);
    dir
}

fn cached(wasm: &[u8], dir: &Path) -> Runtime {
    Runtime::compile(wasm, Limits::default(), "test", Some(dir)).expect("the module loads")
}

/// What a runtime answers to a few inputs: a cached module must behave as a compiled one.
fn behaviour(runtime: &Runtime) -> Vec<String> {
    let mut host = Host::new(runtime, r#"{"handoff": {}}"#).expect("host");
    let now = 1_768_213_800_000;
    [
        r#"{"type":"agent_update","agent":{"id":"a1","name":"Asha","status":"online"}}"#,
        r#"{"type":"customer_message","conversation_id":"c1","text":"I want to talk to a human"}"#,
    ]
    .iter()
    .map(|input| host.handle_json(*input, now).expect("handled"))
    .collect()
}

/// The `.cwasm` files in `dir`.
fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the cache directory")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "cwasm"))
        .collect();
    found.sort();
    found
}

#[test]
fn the_first_load_writes_the_cache_and_the_second_loads_it_instead_of_compiling() {
    let wasm = wasm();
    let dir = fresh_dir("hit");
    let first = cached(&wasm, &dir);
    assert_eq!(first.origin(), ModuleOrigin::Compiled);
    assert_eq!(first.cache_problem(), None);
    let file = first.cache_file().expect("a cache entry").to_path_buf();
    assert!(file.is_file(), "{} written", file.display());
    assert_eq!(entries(&dir), vec![file.clone()], "no temporary file left");

    let second = cached(&wasm, &dir);
    assert_eq!(second.origin(), ModuleOrigin::Cache);
    assert_eq!(second.cache_file(), Some(file.as_path()));
    assert_eq!(second.cache_problem(), None);
    assert_eq!(behaviour(&second), behaviour(&first));
    // Limits that keep fuel on share the entry.
    let budget = Limits {
        fuel_per_call: Some(Limits::DEFAULT_FUEL / 2),
        ..Limits::default()
    };
    let third = Runtime::compile(&wasm, budget, "test", Some(&dir)).expect("loads");
    assert_eq!(third.origin(), ModuleOrigin::Cache);
}

#[test]
fn a_truncated_or_garbled_cache_entry_is_compiled_again_and_replaced() {
    let wasm = wasm();
    let dir = fresh_dir("damaged");
    let first = cached(&wasm, &dir);
    let file = first.cache_file().expect("a cache entry").to_path_buf();
    let good = std::fs::read(&file).expect("the entry");
    let reference = behaviour(&first);

    let mut garbled = good.clone();
    let middle = garbled.len() / 2;
    garbled[middle] ^= 0x5a;
    let damages: [(&str, Vec<u8>); 3] = [
        ("truncated", good[..good.len() / 2].to_vec()),
        ("garbled", garbled),
        ("empty", Vec::new()),
    ];
    for (how, bytes) in damages {
        std::fs::write(&file, &bytes).expect("damage the entry");
        let again = cached(&wasm, &dir);
        assert_eq!(again.origin(), ModuleOrigin::Compiled, "{how}");
        let problem = again.cache_problem().expect("the damage is reported");
        assert!(
            problem.contains("deleted; compiled again"),
            "{how}: {problem}"
        );
        assert_eq!(behaviour(&again), reference, "{how}");
        // Replaced by a whole entry, which the next load uses.
        assert_eq!(std::fs::read(&file).expect("rewritten"), good, "{how}");
        assert_eq!(
            cached(&wasm, &dir).origin(),
            ModuleOrigin::Cache,
            "{how}: the replacement loads"
        );
    }
}

#[test]
fn another_module_or_fuel_setting_gets_another_cache_entry() {
    let wasm = wasm();
    let dir = fresh_dir("keys");
    let plain = cached(&wasm, &dir);
    // The same code with a custom section appended (id 0, name "x", no payload): other bytes.
    let mut other = wasm.clone();
    other.extend_from_slice(&[0, 2, 1, b'x']);
    let changed = cached(&other, &dir);
    assert_eq!(
        changed.origin(),
        ModuleOrigin::Compiled,
        "not the first's entry"
    );
    assert_ne!(changed.cache_file(), plain.cache_file());
    // Without fuel metering the machine code differs: another entry too.
    let unmetered = Runtime::compile(
        &wasm,
        Limits {
            fuel_per_call: None,
            ..Limits::default()
        },
        "test",
        Some(&dir),
    )
    .expect("loads");
    assert_eq!(unmetered.origin(), ModuleOrigin::Compiled);
    assert_ne!(unmetered.cache_file(), plain.cache_file());
    assert_ne!(unmetered.cache_file(), changed.cache_file());
    assert_eq!(entries(&dir).len(), 3);
    assert_eq!(cached(&other, &dir).origin(), ModuleOrigin::Cache);
}

#[test]
fn a_cache_that_cannot_be_used_is_reported_and_the_module_still_compiles() {
    let wasm = wasm();
    // A directory that cannot be created: its parent is a file.
    let parent = fresh_dir("blocked");
    std::fs::create_dir_all(&parent).expect("temp dir");
    let file = parent.join("not-a-directory");
    std::fs::write(&file, "x").expect("a file");
    let blocked = cached(&wasm, &file.join("cache"));
    assert_eq!(blocked.origin(), ModuleOrigin::Compiled);
    let problem = blocked.cache_problem().expect("reported");
    assert!(problem.contains("cannot create"), "{problem}");
    assert_eq!(behaviour(&blocked), behaviour(common::runtime()));

    // On Unix, a directory others may write to is neither read nor written.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let shared = fresh_dir("shared");
        std::fs::create_dir_all(&shared).expect("temp dir");
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).expect("chmod");
        let runtime = cached(&wasm, &shared);
        assert_eq!(runtime.origin(), ModuleOrigin::Compiled);
        let problem = runtime.cache_problem().expect("reported");
        assert!(
            problem.contains("may be written by other users"),
            "{problem}"
        );
        assert!(entries(&shared).is_empty(), "nothing written there");
    }
}

#[test]
fn locate_does_not_cache() {
    let runtime = common::runtime();
    assert_eq!(runtime.origin(), ModuleOrigin::Compiled);
    assert_eq!(runtime.cache_file(), None);
    assert_eq!(runtime.cache_problem(), None);
}
