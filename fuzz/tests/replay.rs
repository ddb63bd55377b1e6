//! `cargo test` in `fuzz/`: the targets' code on their seed inputs (`fuzz/seeds/<target>/`),
//! and `engine_ops` on a few fixed byte strings, without libFuzzer. A crash the fuzzer finds
//! belongs in `fuzz/seeds/<target>/` too once fixed (or, for `engine_ops`, as a test in
//! `core/tests/regressions.rs`).

use std::path::Path;

use arbitrary::{Arbitrary, Unstructured};

/// Runs `target` on every file in `fuzz/seeds/<name>`; there must be some.
fn replay(name: &str, target: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("seeds")
        .join(name);
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        eprintln!("{name}: {}", path.display());
        target(&data);
        seen += 1;
    }
    assert!(seen > 0, "no seeds in {}", dir.display());
}

#[test]
fn config_json_seeds() {
    replay("config_json", handoff_fuzz::config_json);
}

#[test]
fn input_json_seeds() {
    replay("input_json", handoff_fuzz::input_json);
}

#[test]
fn snapshot_json_seeds() {
    replay("snapshot_json", handoff_fuzz::snapshot_json);
}

/// `engine_ops` as libFuzzer calls it (`arbitrary_take_rest`), on bytes from a few seeds.
#[test]
fn engine_ops_on_fixed_bytes() {
    for seed in 1..=2u64 {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let data: Vec<u8> = (0..1_500)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x.to_le_bytes()[0]
            })
            .collect();
        let scenario = handoff_fuzz::Scenario::arbitrary_take_rest(Unstructured::new(&data))
            .expect("any bytes make a scenario");
        assert!(!scenario.steps.is_empty(), "seed {seed}");
        handoff_fuzz::run_scenario(&scenario);
    }
}
