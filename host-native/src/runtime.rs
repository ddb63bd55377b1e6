//! [`Runtime`]: the ABI module compiled once, ready to instantiate for every tenant.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use wasmtime::{ExternType, InstancePre, Linker, Module, ValType};

use crate::error::HostError;
use crate::guest::{Answer, Guest, StoreData};

/// The ABI version this host speaks (`handoff_abi_version`).
pub const ABI_VERSION: i32 = 1;

/// The environment variable naming a module file, read by [`Runtime::locate`].
pub const WASM_ENV: &str = "HANDOFF_WASM";

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
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("source", &self.inner.source)
            .field("limits", &self.inner.limits)
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
        ("handoff_sign", &[I32, I32, I32, I32, I64, I32, I32], &[I64]),
    ]
};

fn wasm_err(e: wasmtime::Error) -> HostError {
    HostError::Wasm(format!("{e:#}"))
}

impl Runtime {
    /// Compiles a module from its bytes with the default [`Limits`].
    ///
    /// # Errors
    /// [`HostError::Wasm`] when it does not compile or imports anything; [`HostError::Abi`] when
    /// an export is missing or has the wrong type, or `handoff_abi_version` is not
    /// [`ABI_VERSION`].
    pub fn from_bytes(wasm: &[u8]) -> Result<Runtime, HostError> {
        Runtime::with_limits(wasm, Limits::default(), "bytes")
    }

    /// Compiles the module in the file `path`.
    ///
    /// # Errors
    /// [`HostError::Io`] when it cannot be read, and as [`Runtime::from_bytes`].
    pub fn from_file(path: impl AsRef<Path>) -> Result<Runtime, HostError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| HostError::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        Runtime::with_limits(&bytes, Limits::default(), &path.display().to_string())
    }

    /// Compiles the module embedded in this binary at build time (see the crate documentation).
    ///
    /// # Errors
    /// [`HostError::NotBuilt`] when no module was found at build time, and as
    /// [`Runtime::from_bytes`].
    pub fn embedded() -> Result<Runtime, HostError> {
        match EMBEDDED {
            Some(bytes) => Runtime::with_limits(
                bytes,
                Limits::default(),
                &format!("embedded ({})", EMBEDDED_FROM.unwrap_or("build time")),
            ),
            None => Err(HostError::NotBuilt),
        }
    }

    /// True when a module was embedded at build time.
    pub fn has_embedded() -> bool {
        EMBEDDED.is_some()
    }

    /// The module a program should use: `explicit` (a `--wasm PATH` option) if given, else the
    /// file named by the `HANDOFF_WASM` environment variable, else the embedded one.
    ///
    /// # Errors
    /// As [`Runtime::from_file`] and [`Runtime::embedded`].
    pub fn locate(explicit: Option<&Path>) -> Result<Runtime, HostError> {
        if let Some(path) = explicit {
            return Runtime::from_file(path);
        }
        match std::env::var_os(WASM_ENV) {
            Some(path) if !path.is_empty() => Runtime::from_file(PathBuf::from(path)),
            _ => Runtime::embedded(),
        }
    }

    /// Compiles `wasm` with `limits`; `source` names it in [`Debug`](std::fmt::Debug) output.
    ///
    /// # Errors
    /// As [`Runtime::from_bytes`].
    pub fn with_limits(wasm: &[u8], limits: Limits, source: &str) -> Result<Runtime, HostError> {
        let mut config = wasmtime::Config::new();
        config.consume_fuel(limits.fuel_per_call.is_some());
        let engine = wasmtime::Engine::new(&config).map_err(wasm_err)?;
        let module = Module::new(&engine, wasm).map_err(wasm_err)?;
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
            }),
        })
    }

    /// The limits every call runs with.
    pub fn limits(&self) -> Limits {
        self.inner.limits
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

    /// Signs one webhook attempt with the Standard Webhooks scheme (`handoff_sign`): returns
    /// `v1,<base64>` for the `webhook-signature` header. Runs in a scratch instance.
    ///
    /// # Errors
    /// [`HostError::Input`] (path `secret`) when the secret is not `whsec_<base64>`; the secret is
    /// never part of the message.
    pub fn sign(
        &self,
        secret: &str,
        msg_id: &str,
        timestamp_s: i64,
        body: &[u8],
    ) -> Result<String, HostError> {
        let mut guest = Guest::new(self)?;
        match guest.sign(secret, msg_id, timestamp_s, body)? {
            Answer::Ok(json) => serde_json::from_str::<String>(&json).map_err(|e| {
                HostError::Abi(format!("handoff_sign returned {json}, not a string: {e}"))
            }),
            Answer::Err(e) => Err(e.into_host_error(|path, message, value| HostError::Input {
                path,
                message,
                value,
            })),
        }
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
