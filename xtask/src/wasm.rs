//! The wasm steps: the target, `wasm-bindgen-cli`, both builds of `handoff-wasm`, the optional
//! `wasm-opt` pass, clippy for the wasm target and the Node tests.
//!
//! Outputs (stable paths other hosts use):
//! - `target/wasm/handoff_abi.wasm`: the `abi` build (no imports; `wasm/README.md`);
//! - `host-node/wasm/`: the `js` build after `wasm-bindgen --target web` (`handoff_wasm.js`,
//!   `handoff_wasm_bg.wasm`, TypeScript declarations), plus `handoff_wasm_speed.wasm`, the same
//!   build at opt-level 3 that Node loads with the same glue. Generated, not committed.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::process::{command, run, shown};
use crate::Failure;

/// The wasm target both builds use.
pub const TARGET: &str = "wasm32-unknown-unknown";
/// The cargo profile of the wasm builds (root `Cargo.toml`: size over speed). Not named `wasm`, so
/// cargo's own directory for it is not `target/wasm/`, where the `abi` build is put.
pub const PROFILE: &str = "wasm-release";
/// The cargo profile of the builds made for speed (opt-level 3): the `abi` module (wasmtime runs
/// it, no browser loads it) and the npm package's module for Node.
pub const SPEED_PROFILE: &str = "wasm-speed";

/// The profile a build with `features` uses by default: [`SPEED_PROFILE`] for `abi`, [`PROFILE`]
/// otherwise.
pub fn profile_for(features: &str) -> &'static str {
    if features.split(',').any(|f| f.trim() == "abi") {
        SPEED_PROFILE
    } else {
        PROFILE
    }
}
/// The oldest Node the tests run on.
pub const NODE_MAJOR: u32 = 20;
/// Exports the `abi` module must have (`wasm/README.md`).
pub const ABI_EXPORTS: &[&str] = &[
    "memory",
    "handoff_abi_version",
    "handoff_alloc",
    "handoff_free",
    "handoff_new",
    "handoff_restore",
    "handoff_handle",
    "handoff_state",
    "handoff_next_wakeup",
    "handoff_hours",
    "handoff_sign",
    "handoff_secret_refs",
    "handoff_prepare",
    "handoff_restore_records",
    "handoff_take_changes",
];

pub(crate) fn root() -> PathBuf {
    crate::demo::workspace_root()
}

/// Where the filtered-zones builds go (`cargo xtask wasm --zones`).
pub fn zones_dir() -> PathBuf {
    target_dir().join("wasm").join("zones")
}

/// Cargo's target directory (`CARGO_TARGET_DIR` or `target/`).
pub(crate) fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

/// `target/wasm/handoff_abi.wasm`: where hosts find the `abi` build.
pub fn abi_wasm() -> PathBuf {
    target_dir().join("wasm").join("handoff_abi.wasm")
}

/// `host-node/wasm/`: the `js` build after wasm-bindgen.
pub fn js_dir() -> PathBuf {
    root().join("host-node").join("wasm")
}

fn js_wasm() -> PathBuf {
    js_dir().join("handoff_wasm_bg.wasm")
}

/// The npm package's module for Node: the `js` build made for speed, run by the same glue.
fn js_speed_wasm() -> PathBuf {
    js_dir().join("handoff_wasm_speed.wasm")
}

/// What `cmd` printed on stdout, when it ran and succeeded.
fn output_of(mut cmd: Command) -> Option<String> {
    let out = cmd.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Step `wasm-target`: the `wasm32-unknown-unknown` standard library, added when missing.
pub fn ensure_target() -> Result<(), Failure> {
    let list = ["rustup", "target", "list", "--installed"];
    let installed = output_of(command(&list)).ok_or_else(|| {
        Failure::new(format!(
            "`{}` failed: the wasm builds need rustup (https://rustup.rs) to add the {TARGET} target",
            shown(&list)
        ))
    })?;
    if installed.lines().any(|l| l.trim() == TARGET) {
        println!("{TARGET} is installed");
        return Ok(());
    }
    let add = ["rustup", "target", "add", TARGET];
    println!("{TARGET} is missing: running `{}`", shown(&add));
    run(command(&add), &add).map_err(|f| {
        Failure::new(format!(
            "{}; add the target by hand with `{}`",
            f.message,
            shown(&add)
        ))
    })?;
    let again = output_of(command(&list)).unwrap_or_default();
    if again.lines().any(|l| l.trim() == TARGET) {
        Ok(())
    } else {
        Err(Failure::new(format!(
            "{TARGET} is still not installed after `{}`",
            shown(&add)
        )))
    }
}

/// The version of `package` that Cargo.lock holds (the first, if several).
pub fn locked_version(lock: &str, package: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{package}\"") {
            let version = lines.next()?.trim();
            return version
                .strip_prefix("version = \"")
                .and_then(|v| v.strip_suffix('"'))
                .map(str::to_string);
        }
    }
    None
}

/// The wasm-bindgen version the crate is built with, from Cargo.lock.
fn bindgen_version() -> Result<String, Failure> {
    let lock_path = root().join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", lock_path.display())))?;
    locked_version(&lock, "wasm-bindgen").ok_or_else(|| {
        Failure::new(
            "Cargo.lock holds no wasm-bindgen: run `cargo build -p handoff-wasm --features js` once \
             to lock it",
        )
    })
}

/// Where `cargo install` puts binaries: `$CARGO_HOME/bin` (default `~/.cargo/bin`).
fn cargo_bin(name: &str) -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))?;
    Some(home.join("bin").join(name))
}

/// The `wasm-bindgen` of exactly `version`: the one on PATH, or the one `cargo install` put in
/// cargo's bin directory.
fn bindgen_program(version: &str) -> Option<OsString> {
    let mut candidates: Vec<OsString> = vec!["wasm-bindgen".into()];
    candidates.extend(cargo_bin("wasm-bindgen").map(OsString::from));
    candidates.into_iter().find(|program| {
        let mut cmd = Command::new(program);
        cmd.arg("--version");
        output_of(cmd).is_some_and(|out| out.split_whitespace().nth(1) == Some(version))
    })
}

/// Step `wasm-bindgen-cli`: `wasm-bindgen` of the exact version in Cargo.lock, installed with
/// `cargo install` when missing or of another version.
pub fn ensure_bindgen_cli() -> Result<(), Failure> {
    let version = bindgen_version()?;
    if let Some(program) = bindgen_program(&version) {
        println!(
            "wasm-bindgen {version} is installed ({})",
            Path::new(&program).display()
        );
        return Ok(());
    }
    let mut seen = Command::new("wasm-bindgen");
    seen.arg("--version");
    match output_of(seen) {
        Some(other) => println!(
            "wasm-bindgen on PATH is `{}`, but Cargo.lock has {version}",
            other.trim()
        ),
        None => println!("wasm-bindgen is not installed"),
    }
    let version_arg = version.as_str();
    // `--force`: also when cargo's records say it is installed but the binary is gone or broken.
    let install = [
        "cargo",
        "install",
        "wasm-bindgen-cli",
        "--version",
        version_arg,
        "--force",
    ];
    println!(
        "installing it: `{}` (compiles from source: a few minutes the first time)",
        shown(&install)
    );
    run(command(&install), &install).map_err(|f| {
        Failure::new(format!(
            "{}; install it by hand with `{}`",
            f.message,
            shown(&install)
        ))
    })?;
    match bindgen_program(&version) {
        Some(program) => {
            println!(
                "wasm-bindgen {version} installed ({})",
                Path::new(&program).display()
            );
            Ok(())
        }
        None => Err(Failure::new(format!(
            "`{}` succeeded but no wasm-bindgen {version} is found on PATH or in cargo's bin \
             directory; add `$CARGO_HOME/bin` (~/.cargo/bin) to PATH",
            shown(&install)
        ))),
    }
}

/// `cargo build -p handoff-wasm` for the wasm target in the wasm profile with one feature; returns
/// the module it wrote.
fn cargo_build(feature: &str) -> Result<PathBuf, Failure> {
    cargo_build_with(feature, &[])
}

/// [`cargo_build`] with `features` (comma-separated) and extra environment variables.
pub(crate) fn cargo_build_with(features: &str, env: &[(&str, &str)]) -> Result<PathBuf, Failure> {
    cargo_build_in(profile_for(features), features, env)
}

/// [`cargo_build_with`] in the cargo profile `profile`.
pub(crate) fn cargo_build_in(
    profile: &str,
    features: &str,
    env: &[(&str, &str)],
) -> Result<PathBuf, Failure> {
    let feature = features;
    let argv = [
        "cargo",
        "build",
        "-p",
        "handoff-wasm",
        "--target",
        TARGET,
        "--profile",
        profile,
        "--no-default-features",
        "--features",
        feature,
    ];
    let shown_env: String = env.iter().map(|(k, v)| format!("{k}='{v}' ")).collect();
    println!("--- {shown_env}{}", shown(&argv));
    let mut cmd = command(&argv);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(cmd, &argv)?;
    let built = target_dir()
        .join(TARGET)
        .join(profile)
        .join("handoff_wasm.wasm");
    if built.is_file() {
        Ok(built)
    } else {
        Err(Failure::new(format!(
            "`{}` succeeded but wrote no {}",
            shown(&argv),
            built.display()
        )))
    }
}

/// Custom sections the shipped modules leave out: function names and the toolchain's producers.
/// (`target_features` stays: wasm-bindgen and wasm-opt read it.)
const STRIPPED_SECTIONS: &[&str] = &["name", "producers"];

/// Copies the module at `from` to `to` without the custom sections in [`STRIPPED_SECTIONS`].
pub(crate) fn copy_stripped(from: &Path, to: &Path) -> Result<(), Failure> {
    let bytes = std::fs::read(from)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", from.display())))?;
    let stripped = strip_custom_sections(&bytes, STRIPPED_SECTIONS)
        .map_err(|e| Failure::new(format!("{} is not a wasm module: {e}", from.display())))?;
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::new(format!("cannot create {}: {e}", dir.display())))?;
    }
    std::fs::write(to, stripped)
        .map_err(|e| Failure::new(format!("cannot write {}: {e}", to.display())))
}

/// The module without the custom sections named in `names`; every other section is kept as is.
pub fn strip_custom_sections(bytes: &[u8], names: &[&str]) -> Result<Vec<u8>, String> {
    if bytes.len() < 8 || &bytes[..4] != b"\0asm" {
        return Err("no \\0asm header".into());
    }
    let mut out = bytes[..8].to_vec();
    let mut r = Reader { bytes, at: 8 };
    while r.at < bytes.len() {
        let start = r.at;
        let id = r.byte()?;
        let size = r.leb()? as usize;
        let body = r.take(size)?;
        if id == 0 {
            let name = Reader { bytes: body, at: 0 }.name()?;
            if names.contains(&name.as_str()) {
                continue;
            }
        }
        out.extend_from_slice(&bytes[start..r.at]);
    }
    Ok(out)
}

/// Step `wasm-build`: both builds, once per run.
pub fn build() -> Result<(), Failure> {
    // The `abi` build: a plain module with no imports, at a stable path.
    let built = cargo_build("abi")?;
    let abi = abi_wasm();
    copy_stripped(&built, &abi)?;
    check_abi(&abi)?;
    println!("abi module: {} (no imports)", abi.display());

    // The `js` build through wasm-bindgen, for browsers and workers (which run helpdesks too).
    let built = cargo_build("js,integrations")?;
    let out = js_dir();
    bindgen(&built, &out)?;
    println!("js module: {}", out.display());

    // The `js` build again for speed, for Node (`src/node.js`), where size matters little: the
    // glue must be the same file, so only the module is kept beside the size-built one.
    let built = cargo_build_in(SPEED_PROFILE, "js,direct-restore,integrations", &[])?;
    let speed_dir = target_dir().join("wasm").join("js-speed");
    bindgen(&built, &speed_dir)?;
    let glue = |dir: &Path| std::fs::read(dir.join("handoff_wasm.js")).ok();
    let speed_glue = glue(&speed_dir);
    if speed_glue.is_none() || speed_glue != glue(&out) {
        return Err(Failure::new(format!(
            "wasm-bindgen wrote different glue for the speed-built js module ({}) than for the \
             size-built one ({}): Node could not load it with the package's glue",
            speed_dir.display(),
            out.display()
        )));
    }
    let speed = js_speed_wasm();
    std::fs::copy(speed_dir.join("handoff_wasm_bg.wasm"), &speed)
        .map_err(|e| Failure::new(format!("cannot write {}: {e}", speed.display())))?;
    println!("js module for Node: {}", speed.display());
    print_sizes();
    Ok(())
}

/// Runs wasm-bindgen (`--target web`) on the `js` build at `built`, writing `handoff_wasm.js`,
/// `handoff_wasm_bg.wasm` and the declarations into `out` (cleared first).
pub(crate) fn bindgen(built: &Path, out: &Path) -> Result<(), Failure> {
    let version = bindgen_version()?;
    let program = bindgen_program(&version).ok_or_else(|| {
        Failure::new(format!(
            "wasm-bindgen {version} is not installed: run `cargo xtask wasm` (it installs it) or \
             `cargo install wasm-bindgen-cli --version {version}`"
        ))
    })?;
    if out.exists() {
        std::fs::remove_dir_all(out)
            .map_err(|e| Failure::new(format!("cannot clear {}: {e}", out.display())))?;
    }
    let built_text = built.to_string_lossy().into_owned();
    let out_text = out.to_string_lossy().into_owned();
    let argv = [
        "wasm-bindgen",
        "--target",
        "web",
        "--out-dir",
        &out_text,
        "--out-name",
        "handoff_wasm",
        "--remove-name-section",
        "--remove-producers-section",
        &built_text,
    ];
    println!("--- {}", shown(&argv));
    let mut cmd = Command::new(&program);
    cmd.args(&argv[1..]).current_dir(root());
    run(cmd, &argv)?;
    let wasm = out.join("handoff_wasm_bg.wasm");
    if !wasm.is_file() {
        return Err(Failure::new(format!(
            "wasm-bindgen wrote no {}",
            wasm.display()
        )));
    }
    Ok(())
}

/// Fails unless the `abi` module at `path` has no imports and every export of the ABI.
pub(crate) fn check_abi(path: &Path) -> Result<(), Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", path.display())))?;
    let module = parse_module(&bytes)
        .map_err(|e| Failure::new(format!("{} is not a wasm module: {e}", path.display())))?;
    if !module.imports.is_empty() {
        return Err(Failure::new(format!(
            "the abi module must have no imports, but {} imports {}",
            path.display(),
            module.imports.join(", ")
        )));
    }
    let missing: Vec<&str> = ABI_EXPORTS
        .iter()
        .copied()
        .filter(|name| !module.exports.iter().any(|e| e == name))
        .collect();
    if !missing.is_empty() {
        return Err(Failure::new(format!(
            "the abi module {} lacks the exports {}",
            path.display(),
            missing.join(", ")
        )));
    }
    Ok(())
}

/// The imports (`module.name`) and export names of a wasm module.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ModuleItems {
    /// `module.name` of every import.
    pub imports: Vec<String>,
    /// The name of every export.
    pub exports: Vec<String>,
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, String> {
        let b = *self
            .bytes
            .get(self.at)
            .ok_or_else(|| format!("unexpected end at byte {}", self.at))?;
        self.at += 1;
        Ok(b)
    }

    fn leb(&mut self) -> Result<u32, String> {
        let mut value: u64 = 0;
        for shift in (0..35).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return u32::try_from(value).map_err(|_| "LEB128 value too large".to_string());
            }
        }
        Err("LEB128 value too long".into())
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| format!("{n} bytes at {} run past the end", self.at))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn name(&mut self) -> Result<String, String> {
        let len = self.leb()? as usize;
        Ok(String::from_utf8_lossy(self.take(len)?).into_owned())
    }

    fn limits(&mut self) -> Result<(), String> {
        let flags = self.byte()?;
        self.leb()?;
        if flags & 1 != 0 {
            self.leb()?;
        }
        Ok(())
    }
}

/// Reads the import and export sections of a wasm binary (enough to check the `abi` build
/// without a wasm toolchain).
pub fn parse_module(bytes: &[u8]) -> Result<ModuleItems, String> {
    if bytes.len() < 8 || &bytes[..4] != b"\0asm" {
        return Err("no \\0asm header".into());
    }
    let mut r = Reader { bytes, at: 8 };
    let mut items = ModuleItems::default();
    while r.at < bytes.len() {
        let id = r.byte()?;
        let size = r.leb()? as usize;
        let body = r.take(size)?;
        let mut s = Reader { bytes: body, at: 0 };
        match id {
            2 => {
                for _ in 0..s.leb()? {
                    let module = s.name()?;
                    let name = s.name()?;
                    match s.byte()? {
                        // function: type index
                        0 => {
                            s.leb()?;
                        }
                        // table: reference type, limits
                        1 => {
                            s.byte()?;
                            s.limits()?;
                        }
                        // memory: limits
                        2 => s.limits()?,
                        // global: value type, mutability; tag: attribute, type index
                        3 | 4 => {
                            s.byte()?;
                            s.leb()?;
                        }
                        kind => return Err(format!("unknown import kind {kind}")),
                    }
                    items.imports.push(format!("{module}.{name}"));
                }
            }
            7 => {
                for _ in 0..s.leb()? {
                    let name = s.name()?;
                    s.byte()?;
                    s.leb()?;
                    items.exports.push(name);
                }
            }
            _ => {}
        }
    }
    Ok(items)
}

/// Bytes of `path` gzipped at level 9 (`gzip -9 -c`), when gzip is there.
pub(crate) fn gzip_size(path: &Path) -> Option<u64> {
    let out = Command::new("gzip")
        .arg("-9")
        .arg("-c")
        .arg(path)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout.len() as u64)
}

pub(crate) fn kib(bytes: u64) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

fn print_sizes() {
    for (what, path) in [
        ("abi", abi_wasm()),
        ("js", js_wasm()),
        ("js for Node", js_speed_wasm()),
    ] {
        let shown_path = path
            .strip_prefix(root())
            .unwrap_or(&path)
            .display()
            .to_string();
        match std::fs::metadata(&path) {
            Ok(meta) => {
                let gzip = match gzip_size(&path) {
                    Some(g) => format!("{} ({g} bytes) gzip -9", kib(g)),
                    None => "gzip size unknown (no gzip on PATH)".into(),
                };
                println!(
                    "size {what}: {shown_path}: {} ({} bytes) raw, {gzip}",
                    kib(meta.len()),
                    meta.len()
                );
            }
            Err(e) => println!("size {what}: {shown_path}: cannot read: {e}"),
        }
    }
}

/// The binaryen features the modules may use (what rustc enables for the wasm target and what
/// wasm-bindgen emits), so wasm-opt validates them instead of refusing them.
const WASM_OPT_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Step `wasm-opt`: `wasm-opt -O3` on the speed-built modules and `-Oz` on the size-built one when `npx wasm-opt` (npm package `binaryen`)
/// is installed; otherwise says so and why. Never downloads it.
pub fn optimize() -> Result<(), Failure> {
    let dir = root().join("host-node");
    let probe = ["npx", "--no-install", "wasm-opt", "--version"];
    let mut cmd = Command::new("npx");
    cmd.args(&probe[1..]).current_dir(&dir);
    let Some(version) = output_of(cmd) else {
        println!(
            "wasm-opt skipped: `{}` in host-node/ failed (the npm package binaryen is not \
             installed; `npm install --save-dev binaryen` in host-node/ enables this step). The \
             modules stay as cargo and wasm-bindgen wrote them.",
            shown(&probe)
        );
        return Ok(());
    };
    println!("using {}", version.trim());
    // The abi module is built for speed, the js one for size: wasm-opt keeps to each aim.
    for (path, level) in [
        (abi_wasm(), "-O3"),
        (js_wasm(), "-Oz"),
        (js_speed_wasm(), "-O3"),
    ] {
        if !path.is_file() {
            return Err(Failure::new(format!(
                "{} is missing: run the wasm-build step first (`cargo xtask wasm`)",
                path.display()
            )));
        }
        let file = path.to_string_lossy().into_owned();
        let mut argv = vec!["npx", "--no-install", "wasm-opt", level];
        argv.extend(WASM_OPT_FEATURES);
        argv.extend(["-o", &file, &file]);
        println!("--- {}", shown(&argv));
        let mut cmd = Command::new("npx");
        cmd.args(&argv[1..]).current_dir(&dir);
        run(cmd, &argv)?;
    }
    check_abi(&abi_wasm())?;
    print_sizes();
    Ok(())
}

/// Step `wasm-clippy`: clippy on the code only the wasm builds compile (the exports of `abi`, the
/// wasm-bindgen class of `js`), with and without the helpdesk integrations (`js` alone is the
/// widget build's set), and on core's tests without its default features (no `integrations`, no
/// `direct-restore`), as the widget build compiles it.
pub fn clippy() -> Result<(), Failure> {
    for feature in ["abi", "js", "js,integrations"] {
        let argv = [
            "cargo",
            "clippy",
            "-p",
            "handoff-wasm",
            "--target",
            TARGET,
            "--no-default-features",
            "--features",
            feature,
            "--",
            "-D",
            "warnings",
        ];
        println!("--- {}", shown(&argv));
        run(command(&argv), &argv)?;
    }
    let argv = [
        "cargo",
        "clippy",
        "-p",
        "handoff-core",
        "--all-targets",
        "--no-default-features",
        "--",
        "-D",
        "warnings",
    ];
    println!("--- {}", shown(&argv));
    run(command(&argv), &argv)
}

/// The major version in `node --version` output (`v20.20.2`).
pub fn node_major(version: &str) -> Option<u32> {
    version
        .trim()
        .strip_prefix('v')?
        .split('.')
        .next()?
        .parse()
        .ok()
}

/// Step `test`: every Rust test, with `HANDOFF_WASM` naming the abi module (handoff-native's
/// tests run it).
pub fn cargo_test() -> Result<(), Failure> {
    let abi = abi_wasm();
    if !abi.is_file() {
        return Err(Failure::new(format!(
            "{} is not built: run `cargo xtask wasm` first",
            abi.display()
        )));
    }
    let argv = ["cargo", "test", "--workspace"];
    let mut cmd = command(&argv);
    cmd.env("HANDOFF_WASM", &abi);
    run(cmd, &argv)
}

/// Fails unless `node --version` is 20 or later.
fn check_node() -> Result<(), Failure> {
    let get = "Node.js 20 or later (with npm) is needed for the wasm tests: install it \
               (https://nodejs.org, or `apt-get install nodejs npm` where that gives 20+)";
    let mut cmd = Command::new("node");
    cmd.arg("--version");
    let version =
        output_of(cmd).ok_or_else(|| Failure::new(format!("`node --version` failed. {get}")))?;
    match node_major(&version) {
        Some(major) if major >= NODE_MAJOR => {
            println!("node {}", version.trim());
            Ok(())
        }
        _ => Err(Failure::new(format!(
            "found node {}, which is too old. {get}",
            version.trim()
        ))),
    }
}

/// Step `npm-ci`: the exact dependencies of `host-node/package-lock.json` (the package's tests
/// need them).
pub fn npm_ci() -> Result<(), Failure> {
    check_node()?;
    let dir = root().join("host-node");
    if !dir.join("package.json").is_file() {
        println!("host-node/package.json does not exist: no npm dependencies to install");
        return Ok(());
    }
    if !dir.join("package-lock.json").is_file() {
        return Err(Failure::new(
            "host-node/package-lock.json is missing: run `npm install` in host-node/ and commit \
             the lock file, so CI installs exactly the same dependencies",
        ));
    }
    let argv = ["npm", "ci", "--no-audit", "--no-fund"];
    println!("--- (in host-node/) {}", shown(&argv));
    let mut cmd = Command::new("npm");
    cmd.args(&argv[1..]).current_dir(&dir);
    run(cmd, &argv).map_err(|f| {
        Failure::new(format!(
            "{} (in host-node/); npm comes with Node.js 20+",
            f.message
        ))
    })
}

/// Step `node-test`: `node --test` on every test file in `host-node/test/`, with Node >= 20.
pub fn node_test() -> Result<(), Failure> {
    check_node()?;
    if !js_wasm().is_file() || !abi_wasm().is_file() {
        return Err(Failure::new(
            "the wasm modules are not built: run `cargo xtask wasm` first",
        ));
    }
    let dir = root().join("host-node").join("test");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", dir.display())))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            [".test.mjs", ".test.js", ".test.cjs"]
                .iter()
                .any(|ext| name.ends_with(ext))
        })
        .filter_map(|p| {
            p.strip_prefix(root())
                .ok()
                .map(|p| p.to_string_lossy().into_owned())
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Failure::new(format!(
            "no *.test.mjs files in {}",
            dir.display()
        )));
    }
    let mut argv = vec!["node", "--test"];
    argv.extend(files.iter().map(String::as_str));
    println!("--- CI=true {}", shown(&argv));
    let mut cmd = command(&argv);
    // The suites skip a test whose prerequisite is missing only outside CI; here they must fail.
    cmd.env("CI", "true");
    cmd.env("HANDOFF_ZONES_DIR", zones_dir().join("js"));
    run(cmd, &argv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_versions_are_read() {
        let lock = "[[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"0.2.1\"\n\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\nsource = \"x\"\n";
        assert_eq!(
            locked_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(locked_version(lock, "js-sys"), None);
    }

    #[test]
    fn node_versions_are_read() {
        assert_eq!(node_major("v20.20.2\n"), Some(20));
        assert_eq!(node_major("v18.1.0"), Some(18));
        assert_eq!(node_major("20"), None);
    }

    fn section(id: u8, body: &[u8]) -> Vec<u8> {
        let mut s = vec![id, body.len() as u8];
        s.extend(body);
        s
    }

    #[test]
    fn imports_and_exports_are_read() {
        let mut module = b"\0asm\x01\0\0\0".to_vec();
        // type section (skipped), one import "env"."f" of function type 0
        module.extend(section(1, &[1, 0x60, 0, 0]));
        module.extend(section(2, &[1, 3, b'e', b'n', b'v', 1, b'f', 0, 0]));
        // exports: "memory" (memory 0) and "g" (function 1)
        let mut exports = vec![2, 6];
        exports.extend(b"memory");
        exports.extend([2, 0, 1, b'g', 0, 1]);
        module.extend(section(7, &exports));
        let items = parse_module(&module).unwrap();
        assert_eq!(items.imports, ["env.f"]);
        assert_eq!(items.exports, ["memory", "g"]);

        let bare = b"\0asm\x01\0\0\0".to_vec();
        assert_eq!(parse_module(&bare).unwrap(), ModuleItems::default());
        assert!(parse_module(b"nope").is_err());
        let mut named = module.clone();
        let mut custom = vec![4];
        custom.extend(b"name");
        custom.extend([1, 2, 3]);
        named.extend(section(0, &custom));
        assert_eq!(strip_custom_sections(&named, &["name"]).unwrap(), module);
        assert_eq!(
            strip_custom_sections(&named, &["producers"]).unwrap(),
            named
        );
        let mut truncated = b"\0asm\x01\0\0\0".to_vec();
        truncated.extend([2, 9, 1]);
        assert!(parse_module(&truncated).is_err());
    }
}
