//! [`Runtime`]: the ABI module compiled once, ready to instantiate for every tenant.
//!
//! Compiling the module with Cranelift takes seconds; with a cache directory
//! ([`Runtime::locate_cached`], [`Runtime::compile`]) the machine code is written there once and
//! loaded on later starts instead (see [`Runtime::default_cache_dir`] and the `cache` module
//! below for the file format and why loading it is sound).

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use wasmtime::{ExternType, InstancePre, Linker, Module, ValType};

use crate::error::HostError;
use crate::store_data::StoreData;

/// The ABI version this host speaks (`handoff_abi_version`).
pub const ABI_VERSION: i32 = 1;

/// The environment variable naming a module file, read by [`Runtime::locate`].
pub const WASM_ENV: &str = "HANDOFF_WASM";

/// The environment variable naming the compiled-module cache directory, read first by
/// [`Runtime::default_cache_dir`].
pub const CACHE_DIR_ENV: &str = "HANDOFF_CACHE_DIR";

/// Where a [`Runtime`]'s machine code came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ModuleOrigin {
    /// Compiled by Cranelift in this process: no cache directory, no cache entry yet, or an entry
    /// that was refused (and deleted; see [`Runtime::cache_problem`]).
    Compiled,
    /// Loaded from the cache entry [`Runtime::cache_file`]: nothing was compiled.
    Cache,
}

/// The module embedded at build time, if `build.rs` found one.
#[cfg(handoff_embedded_wasm)]
const EMBEDDED: Option<&[u8]> = Some(include_bytes!(env!("HANDOFF_EMBEDDED_WASM")));
#[cfg(not(handoff_embedded_wasm))]
const EMBEDDED: Option<&[u8]> = None;

/// Where the embedded module came from at build time, if one was embedded.
#[cfg(handoff_embedded_wasm)]
const EMBEDDED_FROM: Option<&str> = Some(env!("HANDOFF_EMBEDDED_WASM"));
#[cfg(not(handoff_embedded_wasm))]
const EMBEDDED_FROM: Option<&str> = None;

/// Resource limits of each guest call.
///
/// Fuel is wasmtime's deterministic instruction budget: roughly one unit per wasm instruction.
/// Each call (`handle`, `state`, `hours`, ...) starts with the whole budget, so a module or an input
/// that would loop forever traps with [`wasmtime::Trap::OutOfFuel`] instead of hanging the host.
/// Calls whose work grows with the state (restoring a snapshot, fetching the state) get
/// `fuel_per_state_byte` more for each byte of it, so a large but legitimate state is never
/// refused while a runaway call still stops.
///
/// ```
/// use handoff_native::Limits;
/// // Half the default budget per input; the state allowance unchanged.
/// let limits = Limits { fuel_per_call: Some(Limits::DEFAULT_FUEL / 2), ..Limits::default() };
/// assert_eq!(limits.fuel_per_state_byte, Limits::DEFAULT_FUEL_PER_STATE_BYTE);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Fuel per call; `None` turns fuel metering off (slightly faster, no protection).
    pub fuel_per_call: Option<u64>,
    /// Largest linear memory one instance may grow to (bytes).
    pub max_memory_bytes: usize,
    /// Extra fuel per byte of state for `restore` (per byte of the snapshot given) and for a
    /// state fetch (per byte of the guest's memory). Ignored without fuel metering.
    pub fuel_per_state_byte: u64,
}

impl Limits {
    /// The default fuel per call: 2 billion units, about a second of guest work on a
    /// laptop, and hundreds of times what the largest conformance input needs.
    pub const DEFAULT_FUEL: u64 = 2_000_000_000;
    /// The default memory limit: 512 MiB per instance.
    pub const DEFAULT_MEMORY: usize = 512 << 20;
    /// The default extra fuel per byte of state: 1,000 units, about four times the most restoring
    /// needs per byte of snapshot (≈85 parsed straight into the state, ≈250 through the checked
    /// path an older snapshot takes: parse, check, rebuild the routing indexes) and far more than
    /// a fetch needs per byte of memory.
    pub const DEFAULT_FUEL_PER_STATE_BYTE: u64 = 1_000;
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            fuel_per_call: Some(Limits::DEFAULT_FUEL),
            max_memory_bytes: Limits::DEFAULT_MEMORY,
            fuel_per_state_byte: Limits::DEFAULT_FUEL_PER_STATE_BYTE,
        }
    }
}

/// The compiled ABI module: one per process, shared by every [`Host`](crate::Host).
///
/// Compiling takes a while (the engine is a few hundred KiB of wasm); instantiating is cheap, so
/// build one `Runtime` and create one `Host` per tenant from it. Cloning is cheap (shared).
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<Inner>,
}

struct Inner {
    engine: wasmtime::Engine,
    pre: InstancePre<StoreData>,
    limits: Limits,
    source: String,
    origin: ModuleOrigin,
    cache_file: Option<PathBuf>,
    cache_problem: Option<String>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("source", &self.inner.source)
            .field("limits", &self.inner.limits)
            .field("origin", &self.inner.origin)
            .field("cache_file", &self.inner.cache_file)
            .finish_non_exhaustive()
    }
}

/// The exports the ABI requires, with their parameter and result types.
const EXPORTS: &[(&str, &[ValType], &[ValType])] = {
    use ValType::{I32, I64};
    &[
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
    ]
};

fn wasm_err(e: wasmtime::Error) -> HostError {
    HostError::Wasm(format!("{e:#}"))
}

impl Runtime {
    /// Compiles a module from its bytes with the default [`Limits`] (no cache).
    ///
    /// # Errors
    /// [`HostError::Wasm`] when it does not compile or imports anything; [`HostError::Abi`] when
    /// an export is missing or has the wrong type, or `handoff_abi_version` is not
    /// [`ABI_VERSION`].
    pub fn from_bytes(wasm: &[u8]) -> Result<Runtime, HostError> {
        Runtime::with_limits(wasm, Limits::default(), "bytes")
    }

    /// Compiles the module in the file `path` (no cache).
    ///
    /// # Errors
    /// [`HostError::Io`] when it cannot be read, and as [`Runtime::from_bytes`].
    pub fn from_file(path: impl AsRef<Path>) -> Result<Runtime, HostError> {
        let (bytes, source) = read_module(path.as_ref())?;
        Runtime::with_limits(&bytes, Limits::default(), &source)
    }

    /// Compiles the module embedded in this binary at build time (see the crate documentation;
    /// no cache).
    ///
    /// # Errors
    /// [`HostError::NotBuilt`] when no module was found at build time, and as
    /// [`Runtime::from_bytes`].
    pub fn embedded() -> Result<Runtime, HostError> {
        let (bytes, source) = embedded_module()?;
        Runtime::with_limits(&bytes, Limits::default(), &source)
    }

    /// True when a module was embedded at build time.
    pub fn has_embedded() -> bool {
        EMBEDDED.is_some()
    }

    /// The bytes of the module embedded at build time, if one was.
    pub fn embedded_bytes() -> Option<&'static [u8]> {
        EMBEDDED
    }

    /// The module a program should use: `explicit` (a `--wasm PATH` option) if given, else the
    /// file named by the `HANDOFF_WASM` environment variable, else the embedded one. Compiled
    /// without a cache; see [`Runtime::locate_cached`].
    ///
    /// # Errors
    /// As [`Runtime::from_file`] and [`Runtime::embedded`].
    pub fn locate(explicit: Option<&Path>) -> Result<Runtime, HostError> {
        Runtime::locate_cached(explicit, None)
    }

    /// As [`Runtime::locate`], with the compiled-module cache in `cache_dir` (none: compile).
    ///
    /// With a cache directory the module's machine code is loaded from its cache entry when
    /// there is a valid one, and written there after compiling when there is not (see
    /// [`Runtime::compile`]). Pass [`Runtime::default_cache_dir`] for the usual place.
    ///
    /// # Errors
    /// As [`Runtime::from_file`] and [`Runtime::embedded`]. Problems with the cache are never
    /// errors: they are logged and reported by [`Runtime::cache_problem`].
    pub fn locate_cached(
        explicit: Option<&Path>,
        cache_dir: Option<&Path>,
    ) -> Result<Runtime, HostError> {
        let (bytes, source) = match explicit {
            Some(path) => read_module(path)?,
            None => match std::env::var_os(WASM_ENV) {
                Some(path) if !path.is_empty() => read_module(Path::new(&path))?,
                _ => embedded_module()?,
            },
        };
        Runtime::compile(&bytes, Limits::default(), &source, cache_dir)
    }

    /// The usual cache directory: `$HANDOFF_CACHE_DIR` if set (and not empty), else
    /// `$XDG_CACHE_HOME/handoff` (an absolute path), else `$HOME/.cache/handoff`, else none
    /// (no cache). The directory need not exist yet.
    pub fn default_cache_dir() -> Option<PathBuf> {
        cache::default_dir(|name| std::env::var_os(name))
    }

    /// Compiles `wasm` with `limits` (no cache); `source` names it in
    /// [`Debug`](std::fmt::Debug) output.
    ///
    /// # Errors
    /// As [`Runtime::from_bytes`].
    pub fn with_limits(wasm: &[u8], limits: Limits, source: &str) -> Result<Runtime, HostError> {
        Runtime::compile(wasm, limits, source, None)
    }

    /// Compiles `wasm` with `limits`, or loads its machine code from the cache in `cache_dir`.
    ///
    /// The cache entry is `<cache_dir>/<key>.cwasm`, where the key is a SHA-256 of the wasm
    /// bytes and of everything that makes compiled code incompatible: wasmtime's version and
    /// compiler settings, the target and CPU features, and this host's settings (fuel metering),
    /// from [`wasmtime::Engine::precompile_compatibility_hash`]. A valid entry is loaded
    /// ([`Runtime::origin`] is [`ModuleOrigin::Cache`]); otherwise the module is compiled and the
    /// entry written (a temporary file, then renamed: readers never see half of one). An entry
    /// that is truncated, garbled, or refused by wasmtime is deleted and replaced. The directory
    /// is created (mode 0700 on Unix) when missing; on Unix it and the entry must belong to this
    /// user and not be writable by others, or the cache is not used.
    ///
    /// # Errors
    /// As [`Runtime::from_bytes`]. A cache that cannot be read or written is not an error: the
    /// module is compiled, the problem logged (`tracing`, warn) and reported by
    /// [`Runtime::cache_problem`].
    pub fn compile(
        wasm: &[u8],
        limits: Limits,
        source: &str,
        cache_dir: Option<&Path>,
    ) -> Result<Runtime, HostError> {
        let mut config = wasmtime::Config::new();
        config.consume_fuel(limits.fuel_per_call.is_some());
        let engine = wasmtime::Engine::new(&config).map_err(wasm_err)?;
        let loaded = cache::obtain(&engine, wasm, cache_dir)?;
        if let Some(problem) = &loaded.problem {
            tracing::warn!(%problem, "compiled-module cache not used");
        }
        let module = loaded.module;
        check_exports(&module)?;
        let linker: Linker<StoreData> = Linker::new(&engine);
        let pre = linker.instantiate_pre(&module).map_err(|e| {
            let imports: Vec<String> = module
                .imports()
                .map(|i| format!("{}::{}", i.module(), i.name()))
                .collect();
            HostError::Wasm(format!(
                "{e:#} (the handoff ABI module imports nothing; this one imports {})",
                imports.join(", ")
            ))
        })?;
        let runtime = Runtime {
            inner: Arc::new(Inner {
                engine,
                pre,
                limits,
                source: source.to_string(),
                origin: loaded.origin,
                cache_file: loaded.file,
                cache_problem: loaded.problem,
            }),
        };
        let version = runtime.abi_version()?;
        if version != ABI_VERSION {
            return Err(HostError::Abi(format!(
                "handoff_abi_version is {version}; this host speaks version {ABI_VERSION}"
            )));
        }
        Ok(runtime)
    }

    /// The same compiled module with other limits (no recompilation when fuel stays on or off).
    ///
    /// Turning fuel metering on or off needs a different wasmtime configuration, so give a
    /// module that was compiled with fuel (`fuel_per_call: Some(..)`) only `Some` budgets here.
    ///
    /// # Errors
    /// [`HostError::Wasm`] when `limits` switches fuel metering on or off.
    pub fn set_limits(&self, limits: Limits) -> Result<Runtime, HostError> {
        if limits.fuel_per_call.is_some() != self.inner.limits.fuel_per_call.is_some() {
            return Err(HostError::Wasm(
                "fuel metering is chosen when the module is compiled: use Runtime::with_limits"
                    .into(),
            ));
        }
        Ok(Runtime {
            inner: Arc::new(Inner {
                engine: self.inner.engine.clone(),
                pre: self.inner.pre.clone(),
                limits,
                source: self.inner.source.clone(),
                origin: self.inner.origin,
                cache_file: self.inner.cache_file.clone(),
                cache_problem: self.inner.cache_problem.clone(),
            }),
        })
    }

    /// The limits every call runs with.
    pub fn limits(&self) -> Limits {
        self.inner.limits
    }

    /// Whether the machine code was compiled in this process or loaded from the cache.
    pub fn origin(&self) -> ModuleOrigin {
        self.inner.origin
    }

    /// The cache entry of this module: the file it was loaded from, or the one written after
    /// compiling (which exists only when writing it worked: see [`Runtime::cache_problem`]).
    /// `None` without a cache directory.
    pub fn cache_file(&self) -> Option<&Path> {
        self.inner.cache_file.as_deref()
    }

    /// What went wrong with the cache, if anything: an entry refused (and deleted), a directory
    /// that could not be created or is not private, a write that failed. Already logged.
    pub fn cache_problem(&self) -> Option<&str> {
        self.inner.cache_problem.as_deref()
    }

    /// Where the module came from (a path, `embedded (...)` or `bytes`).
    pub fn source(&self) -> &str {
        &self.inner.source
    }

    /// The wasmtime engine (for embedders that want to share it).
    pub fn engine(&self) -> &wasmtime::Engine {
        &self.inner.engine
    }

    /// The compiled module (to instantiate it yourself, e.g. to test the raw ABI).
    pub fn module(&self) -> &Module {
        self.inner.pre.module()
    }

    pub(crate) fn instance_pre(&self) -> &InstancePre<StoreData> {
        &self.inner.pre
    }

    /// Calls `handoff_abi_version` in a scratch instance.
    ///
    /// # Errors
    /// [`HostError::Trap`] when the module traps, [`HostError::Abi`] when the export is unusable.
    pub fn abi_version(&self) -> Result<i32, HostError> {
        let mut store = wasmtime::Store::new(self.engine(), ());
        if let Some(fuel) = self.inner.limits.fuel_per_call {
            store.set_fuel(fuel).map_err(wasm_err)?;
        }
        let linker: Linker<()> = Linker::new(self.engine());
        let instance = linker
            .instantiate(&mut store, self.inner.pre.module())
            .map_err(wasm_err)?;
        let f = instance
            .get_typed_func::<(), i32>(&mut store, "handoff_abi_version")
            .map_err(|e| HostError::Abi(format!("export handoff_abi_version: {e:#}")))?;
        f.call(&mut store, ()).map_err(|e| {
            HostError::Trap(crate::error::Trap::from_wasmtime("handoff_abi_version", &e))
        })
    }
}

fn check_exports(module: &Module) -> Result<(), HostError> {
    let mut problems = Vec::new();
    match module.get_export("memory") {
        Some(ExternType::Memory(m)) if !m.is_64() => {}
        Some(_) => problems.push("\"memory\" is not a 32-bit memory".to_string()),
        None => problems.push("no \"memory\" export".to_string()),
    }
    for (name, params, results) in EXPORTS {
        let Some(ExternType::Func(ty)) = module.get_export(name) else {
            problems.push(format!("no function {name}"));
            continue;
        };
        let same = |want: &[ValType], got: Vec<ValType>| {
            want.len() == got.len() && want.iter().zip(&got).all(|(a, b)| a.matches(b))
        };
        if !same(params, ty.params().collect()) || !same(results, ty.results().collect()) {
            problems.push(format!(
                "{name} has the type {ty}, expected ({}) -> ({})",
                list(params),
                list(results)
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(HostError::Abi(problems.join("; ")))
    }
}

fn list(types: &[ValType]) -> String {
    types
        .iter()
        .map(|t| t.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The bytes of the module file `path`, and its name for [`Runtime::source`].
fn read_module(path: &Path) -> Result<(Cow<'static, [u8]>, String), HostError> {
    let bytes = std::fs::read(path).map_err(|e| HostError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    Ok((Cow::Owned(bytes), path.display().to_string()))
}

/// The embedded module's bytes and its name for [`Runtime::source`].
fn embedded_module() -> Result<(Cow<'static, [u8]>, String), HostError> {
    match EMBEDDED {
        Some(bytes) => Ok((
            Cow::Borrowed(bytes),
            format!("embedded ({})", EMBEDDED_FROM.unwrap_or("build time")),
        )),
        None => Err(HostError::NotBuilt),
    }
}

/// The compiled-module cache.
///
/// # The entry
/// `<dir>/<key>.cwasm`, where `<key>` is the hex SHA-256 of a format tag, wasmtime's
/// [`precompile_compatibility_hash`](wasmtime::Engine::precompile_compatibility_hash) of the
/// engine (wasmtime's version, the target triple and CPU features, the compiler flags, tunables
/// such as fuel metering, wasm features) and the wasm bytes. The file is
/// `MAGIC (16 bytes) | key (32) | SHA-256 of the payload (32) | payload`, the payload being
/// [`Module::serialize`]'s output.
///
/// # Why loading it is sound
/// [`Module::deserialize`] is `unsafe` because it runs whatever machine code it is given; it is
/// sound for bytes that [`Module::serialize`] produced and nobody changed since. We pass it only
/// such bytes:
/// - the file is one we wrote: in a directory that (on Unix) belongs to this user and that no
///   one else may write to, and the file itself belongs to this user and no one else may write
///   to it (both checked before reading; anything else is not used);
/// - it is the one for this module and engine: its name and its header carry the key, which
///   covers the wasm bytes and the engine's compatibility hash (and wasmtime itself refuses
///   code from another version or configuration, with an error, never by running it);
/// - it is whole and unchanged: the payload's SHA-256 is checked against the header, on the
///   bytes read into memory, and those same bytes are what we deserialize (so nothing can change
///   in between, unlike [`Module::deserialize_file`], which maps the file and would need it left
///   unchanged for the module's whole life);
/// - it was written whole: a temporary file in the same directory, synced, then renamed.
///
/// An entry failing any check is deleted (if it is ours) and the module compiled again.
mod cache {
    use std::ffi::OsString;
    use std::hash::{Hash, Hasher};
    use std::io::Write;
    use std::path::{Path, PathBuf};

    use sha2::{Digest, Sha256};
    use wasmtime::Module;

    use super::{wasm_err, ModuleOrigin};
    use crate::error::HostError;

    /// The start of every entry: the format and its version.
    const MAGIC: &[u8; 16] = b"handoff-cwasm-1\0";
    /// Hashed into the key before anything else.
    const TAG: &[u8] = b"handoff compiled module cache, format 1";
    const HEADER: usize = MAGIC.len() + 32 + 32;

    /// What [`obtain`] got.
    pub(super) struct Obtained {
        pub(super) module: Module,
        pub(super) origin: ModuleOrigin,
        pub(super) file: Option<PathBuf>,
        pub(super) problem: Option<String>,
    }

    /// `$HANDOFF_CACHE_DIR`, `$XDG_CACHE_HOME/handoff`, `$HOME/.cache/handoff`, or none.
    pub(super) fn default_dir(env: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
        let set = |name: &str| env(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        if let Some(dir) = set(super::CACHE_DIR_ENV) {
            return Some(dir);
        }
        // The XDG spec says relative values are invalid and must be ignored.
        if let Some(xdg) = set("XDG_CACHE_HOME").filter(|p| p.is_absolute()) {
            return Some(xdg.join("handoff"));
        }
        set("HOME").map(|home| home.join(".cache").join("handoff"))
    }

    /// A [`Hasher`] feeding SHA-256, for wasmtime's compatibility hash.
    struct Sha(Sha256);

    impl Hasher for Sha {
        fn finish(&self) -> u64 {
            0 // unused: the digest is taken from the inner SHA-256
        }
        fn write(&mut self, bytes: &[u8]) {
            self.0.update(bytes);
        }
    }

    /// The cache key of `wasm` compiled by `engine`.
    pub(super) fn key(engine: &wasmtime::Engine, wasm: &[u8]) -> [u8; 32] {
        let mut h = Sha(Sha256::new());
        h.write(TAG);
        engine.precompile_compatibility_hash().hash(&mut h);
        h.write_u64(wasm.len() as u64);
        h.write(wasm);
        h.0.finalize().into()
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The module from the cache, or compiled (and then cached).
    ///
    /// # Errors
    /// [`HostError::Wasm`] when the module does not compile; never for the cache.
    pub(super) fn obtain(
        engine: &wasmtime::Engine,
        wasm: &[u8],
        dir: Option<&Path>,
    ) -> Result<Obtained, HostError> {
        let Some(dir) = dir else {
            return Ok(Obtained {
                module: Module::new(engine, wasm).map_err(wasm_err)?,
                origin: ModuleOrigin::Compiled,
                file: None,
                problem: None,
            });
        };
        let key = key(engine, wasm);
        let file = dir.join(format!("{}.cwasm", hex(&key)));
        let mut problems = Vec::new();
        let mut writable = true;
        match read(dir, &file, &key) {
            Ok(Some(payload)) => {
                // SAFETY: `read` returned the payload of an entry we wrote, for this wasm and
                // this engine, whole and unchanged (its SHA-256 matched the header); these are
                // bytes `Module::serialize` produced. See the module docs.
                #[allow(unsafe_code)]
                let module = unsafe { Module::deserialize(engine, &payload) };
                match module {
                    Ok(module) => {
                        tracing::debug!(file = %file.display(), "module loaded from the cache");
                        return Ok(Obtained {
                            module,
                            origin: ModuleOrigin::Cache,
                            file: Some(file),
                            problem: None,
                        });
                    }
                    Err(e) => problems.push(format!(
                        "{} was refused by wasmtime ({e:#}); {}",
                        file.display(),
                        remove(&file)
                    )),
                }
            }
            Ok(None) => {}
            Err(Refused::Corrupt(why)) => {
                problems.push(format!("{}: {why}; {}", file.display(), remove(&file)));
            }
            Err(Refused::NotPrivate(why)) => {
                problems.push(why);
                writable = false;
            }
            Err(Refused::Io(why)) => problems.push(why),
        }
        let module = Module::new(engine, wasm).map_err(wasm_err)?;
        if writable {
            match write(dir, &file, &key, &module) {
                Ok(()) => {
                    tracing::debug!(file = %file.display(), "compiled module written to the cache");
                }
                Err(why) => problems.push(why),
            }
        }
        Ok(Obtained {
            module,
            origin: ModuleOrigin::Compiled,
            file: Some(file),
            problem: (!problems.is_empty()).then(|| problems.join("; ")),
        })
    }

    /// Why an entry was not used.
    enum Refused {
        /// Not a whole entry for this key: delete it and compile.
        Corrupt(String),
        /// The directory or file may have been written by someone else: leave it alone.
        NotPrivate(String),
        /// It could not be read.
        Io(String),
    }

    fn remove(file: &Path) -> String {
        match std::fs::remove_file(file) {
            Ok(()) => "deleted; compiled again".to_string(),
            Err(e) => format!("could not delete it ({e}); compiled again"),
        }
    }

    /// The payload of the entry `file`, `None` when there is none.
    fn read(dir: &Path, file: &Path, key: &[u8; 32]) -> Result<Option<Vec<u8>>, Refused> {
        use std::io::Read;
        let opened = match std::fs::File::open(file) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // Also check the directory now, so a shared one is reported and not written.
                return match std::fs::metadata(dir) {
                    Ok(meta) => private(&meta, dir).map(|()| None),
                    Err(_) => Ok(None),
                };
            }
            Err(e) => return Err(Refused::Io(format!("cannot open {}: {e}", file.display()))),
        };
        let dir_meta = std::fs::metadata(dir)
            .map_err(|e| Refused::Io(format!("cannot inspect {}: {e}", dir.display())))?;
        private(&dir_meta, dir)?;
        let meta = opened
            .metadata()
            .map_err(|e| Refused::Io(format!("cannot inspect {}: {e}", file.display())))?;
        private(&meta, file)?;
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        (&opened)
            .read_to_end(&mut bytes)
            .map_err(|e| Refused::Io(format!("cannot read {}: {e}", file.display())))?;
        if bytes.len() < HEADER {
            return Err(Refused::Corrupt(format!(
                "{} bytes, shorter than the header",
                bytes.len()
            )));
        }
        let (magic, rest) = bytes.split_at(MAGIC.len());
        let (stored_key, rest) = rest.split_at(32);
        let (digest, payload) = rest.split_at(32);
        if magic != MAGIC {
            return Err(Refused::Corrupt("not a handoff cache entry".into()));
        }
        if stored_key != key {
            return Err(Refused::Corrupt("the entry is for another module".into()));
        }
        if Sha256::digest(payload).as_slice() != digest {
            return Err(Refused::Corrupt(
                "the payload does not match its SHA-256 (truncated or garbled)".into(),
            ));
        }
        Ok(Some(payload.to_vec()))
    }

    /// Writes the entry: a temporary file, synced, renamed over `file`.
    fn write(dir: &Path, file: &Path, key: &[u8; 32], module: &Module) -> Result<(), String> {
        let payload = module
            .serialize()
            .map_err(|e| format!("cannot serialize the module: {e:#}"))?;
        create_dir(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let meta =
            std::fs::metadata(dir).map_err(|e| format!("cannot inspect {}: {e}", dir.display()))?;
        private(&meta, dir).map_err(|r| match r {
            Refused::Corrupt(s) | Refused::NotPrivate(s) | Refused::Io(s) => s,
        })?;
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = dir.join(format!(".{name}.{}.{stamp}.tmp", std::process::id()));
        write_then_rename(&temp, file, key, &payload).map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            format!("cannot write {}: {e}", file.display())
        })
    }

    /// The whole entry into the new file `temp`, synced, then renamed to `file`.
    fn write_then_rename(
        temp: &Path,
        file: &Path,
        key: &[u8; 32],
        payload: &[u8],
    ) -> std::io::Result<()> {
        let mut out = create_new(temp)?;
        out.write_all(MAGIC)?;
        out.write_all(key)?;
        out.write_all(&Sha256::digest(payload))?;
        out.write_all(payload)?;
        out.sync_all()?;
        drop(out);
        std::fs::rename(temp, file)
    }

    #[cfg(unix)]
    fn create_dir(dir: &Path) -> std::io::Result<()> {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }

    #[cfg(not(unix))]
    fn create_dir(dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)
    }

    #[cfg(unix)]
    fn create_new(path: &Path) -> std::io::Result<std::fs::File> {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
    }

    #[cfg(not(unix))]
    fn create_new(path: &Path) -> std::io::Result<std::fs::File> {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
    }

    /// On Unix: `path` belongs to this user and no one else may write to it.
    #[cfg(unix)]
    fn private(meta: &std::fs::Metadata, path: &Path) -> Result<(), Refused> {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: geteuid takes nothing, touches no memory of ours and cannot fail.
        #[allow(unsafe_code)]
        let me = unsafe { libc::geteuid() };
        if meta.uid() != me {
            return Err(Refused::NotPrivate(format!(
                "{} belongs to user {}, not to this user ({me}): cache not used",
                path.display(),
                meta.uid()
            )));
        }
        if meta.mode() & 0o022 != 0 {
            return Err(Refused::NotPrivate(format!(
                "{} may be written by other users (mode {:o}): cache not used",
                path.display(),
                meta.mode() & 0o7777
            )));
        }
        Ok(())
    }

    /// Elsewhere the user's cache directory's own permissions are relied on.
    #[cfg(not(unix))]
    fn private(_meta: &std::fs::Metadata, _path: &Path) -> Result<(), Refused> {
        Ok(())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn env<'a>(vars: &'a [(&str, &str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
            move |name| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| OsString::from(v))
            }
        }

        #[test]
        fn the_default_directory_is_handoff_cache_dir_then_xdg_then_home() {
            let all = [
                ("HANDOFF_CACHE_DIR", "/srv/cache"),
                ("XDG_CACHE_HOME", "/x"),
                ("HOME", "/home/u"),
            ];
            assert_eq!(default_dir(env(&all)), Some(PathBuf::from("/srv/cache")));
            assert_eq!(
                default_dir(env(&all[1..])),
                Some(PathBuf::from("/x/handoff"))
            );
            assert_eq!(
                default_dir(env(&[
                    ("HANDOFF_CACHE_DIR", ""),
                    ("XDG_CACHE_HOME", "rel"),
                    ("HOME", "/home/u")
                ])),
                Some(PathBuf::from("/home/u/.cache/handoff"))
            );
            assert_eq!(default_dir(env(&[])), None);
        }

        #[test]
        fn the_key_covers_the_wasm_bytes_and_the_engine_settings() {
            let plain = wasmtime::Engine::default();
            let mut config = wasmtime::Config::new();
            config.consume_fuel(true);
            let fuel = wasmtime::Engine::new(&config).expect("engine");
            let wasm = b"\0asm\x01\0\0\0";
            let other = b"\0asm\x01\0\0\0\0\x02\x01x";
            assert_eq!(key(&plain, wasm), key(&plain, wasm));
            assert_ne!(key(&plain, wasm), key(&plain, other));
            assert_ne!(key(&plain, wasm), key(&fuel, wasm));
        }
    }
}
