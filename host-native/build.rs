//! Embeds the ABI module when one has been built.
//!
//! Looks for `$HANDOFF_WASM`, else `$CARGO_TARGET_DIR/wasm/handoff_abi.wasm`, else
//! `../target/wasm/handoff_abi.wasm` (what `cargo xtask` builds). When found, sets the cfg
//! `handoff_embedded_wasm` and the env `HANDOFF_EMBEDDED_WASM` (its absolute path) for
//! `include_bytes!`; when not, the crate still builds and `Runtime::embedded()` returns
//! `HostError::NotBuilt`.

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rustc-check-cfg=cfg(handoff_embedded_wasm)");
    println!("cargo:rerun-if-env-changed=HANDOFF_WASM");
    println!("cargo:rerun-if-env-changed=CARGO_TARGET_DIR");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let mut candidates = Vec::new();
    if let Some(p) = std::env::var_os("HANDOFF_WASM").filter(|p| !p.is_empty()) {
        // A relative path is taken from the workspace root, where cargo is usually run.
        candidates.push(manifest.join("..").join(p));
    } else {
        if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|p| !p.is_empty()) {
            candidates.push(
                manifest
                    .join("..")
                    .join(dir)
                    .join("wasm")
                    .join("handoff_abi.wasm"),
            );
        }
        candidates.push(manifest.join("../target/wasm/handoff_abi.wasm"));
    }
    for path in &candidates {
        // Also when missing: the build reruns until the module appears.
        println!("cargo:rerun-if-changed={}", path.display());
    }
    if let Some(found) = candidates.iter().find(|p| p.is_file()) {
        let found = absolute(found);
        println!("cargo:rustc-cfg=handoff_embedded_wasm");
        println!("cargo:rustc-env=HANDOFF_EMBEDDED_WASM={}", found.display());
    } else if std::env::var_os("HANDOFF_WASM").is_some() {
        println!(
            "cargo:warning=HANDOFF_WASM names {}, which does not exist: no wasm embedded",
            candidates[0].display()
        );
    }
}

fn absolute(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}
