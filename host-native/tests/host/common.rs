//! Shared by every test: the runtime, the workspace's files, temporary files.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use handoff_native::Runtime;

/// The module under test, compiled once for the whole test binary.
///
/// # Panics
/// When there is no module: a test that needs the wasm fails loudly, never skips.
pub fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| match Runtime::locate(None) {
        Ok(runtime) => runtime,
        Err(e) => panic!(
            "{e}\n\nThe handoff-native tests run the engine's abi wasm: `cargo xtask wasm` writes \
             target/wasm/handoff_abi.wasm (embedded by build.rs at the next build), or set \
             HANDOFF_WASM to a module, e.g. after\n  cargo build -p handoff-wasm --release --target \
             wasm32-unknown-unknown --no-default-features --features abi\n  HANDOFF_WASM=$PWD/target/\
             wasm32-unknown-unknown/release/handoff_wasm.wasm cargo test -p handoff-native{}",
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                "\n(CI=true: a missing module is a failure)"
            } else {
                ""
            }
        ),
    })
}

/// The workspace root.
pub fn root() -> PathBuf {
    handoff_conformance::workspace_root()
}

/// `examples/<name>`.
pub fn example(name: &str) -> PathBuf {
    root().join("examples").join(name)
}

/// Reads a file of the workspace.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// A new file with `text` in a fresh temporary directory; returns its path.
pub fn temp_file(name: &str, text: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "handoff-native-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("create a temporary directory");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a temporary file");
    path
}
