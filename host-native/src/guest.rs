//! One instance of the ABI module and the memory protocol of `wasm/README.md`: allocate, write,
//! call, read the packed `i64`, free.

use handoff_core::prepare::Prepared;
use handoff_core::PathError;
use serde::Deserialize;
use serde_json::value::RawValue;
use wasmtime::{Instance, Memory, Store, TypedFunc};

use crate::error::{HostError, Trap};
use crate::runtime::Runtime;
pub(crate) use crate::store_data::StoreData;

/// The typed exports of the ABI (see `wasm/README.md`).
struct Exports {
    memory: Memory,
    alloc: TypedFunc<i32, i32>,
    free: TypedFunc<(i32, i32), ()>,
    new: TypedFunc<(i32, i32), i64>,
    restore: TypedFunc<(i32, i32, i32, i32), i64>,
    handle: TypedFunc<(i32, i32, i64), i64>,
    state: TypedFunc<(), i64>,
    restore_records: TypedFunc<(i32, i32, i32, i32), i64>,
    take_changes: TypedFunc<(), i64>,
    next_wakeup: TypedFunc<(), i64>,
    hours: TypedFunc<i64, i64>,
    query: TypedFunc<(i32, i32), i64>,
    sign: TypedFunc<SignParams, i64>,
    secret_refs: TypedFunc<(i32, i32), i64>,
    prepare: TypedFunc<(i32, i32, i32, i32, i64), i64>,
    explain: TypedFunc<(i32, i32, i32, i32), i64>,
}

/// `handoff_sign(secret_ptr, secret_len, id_ptr, id_len, timestamp_s, body_ptr, body_len)`.
type SignParams = (i32, i32, i32, i32, i64, i32, i32);

/// A decoded result envelope: the raw `ok` JSON text, or the engine's error value.
pub(crate) enum Answer {
    /// `{"ok": <value>}`: the exact bytes of `<value>`.
    Ok(String),
    /// `{"error": <error>}`.
    Err(EngineError),
}

/// The `<error>` of an envelope: one `{"path", "kind", "message", "value"?}` or
/// `{"errors": [...]}` (every problem of a configuration), each a [`PathError`].
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum EngineError {
    /// Every problem of a configuration.
    Many {
        /// In document order.
        errors: Vec<PathError>,
    },
    /// One problem.
    One(PathError),
}

impl EngineError {
    /// As a [`HostError::Config`] (a list) or the variant `single` makes of the one error.
    pub(crate) fn into_host_error(self, single: impl FnOnce(PathError) -> HostError) -> HostError {
        match self {
            EngineError::Many { errors } => HostError::Config { errors },
            EngineError::One(e) => single(e),
        }
    }
}

/// One live instance: its store and exports. Dropped after a trap.
pub(crate) struct Guest {
    store: Store<StoreData>,
    exports: Exports,
    fuel: Option<u64>,
    /// Extra fuel per byte of state for calls whose work grows with the state.
    fuel_per_state_byte: u64,
    /// The budget the last call started with (to report what it used).
    last_budget: Option<u64>,
}

fn trap(function: &str, e: wasmtime::Error) -> HostError {
    HostError::Trap(Trap::from_wasmtime(function, &e))
}

impl Guest {
    /// A fresh store and instance of `runtime`'s module (no engine created yet).
    pub(crate) fn new(runtime: &Runtime) -> Result<Guest, HostError> {
        let limits = runtime.limits();
        let mut store = Store::new(
            runtime.engine(),
            StoreData {
                limits: wasmtime::StoreLimitsBuilder::new()
                    .memory_size(limits.max_memory_bytes)
                    .instances(1)
                    .memories(1)
                    .tables(4)
                    .build(),
                max_memory_bytes: limits.max_memory_bytes,
                memory_refused: false,
            },
        );
        store.limiter(|d| d);
        if let Some(fuel) = limits.fuel_per_call {
            store
                .set_fuel(fuel)
                .map_err(|e| HostError::Wasm(format!("{e:#}")))?;
        }
        let instance = runtime
            .instance_pre()
            .instantiate(&mut store)
            .map_err(|e| trap("instantiate", e))?;
        let exports = Exports::get(&mut store, &instance)?;
        Ok(Guest {
            store,
            exports,
            fuel: limits.fuel_per_call,
            fuel_per_state_byte: limits.fuel_per_state_byte,
            last_budget: limits.fuel_per_call,
        })
    }

    /// A trap of the call of `function`, naming the memory limit when the guest hit it.
    fn trapped(&self, function: &str, e: wasmtime::Error) -> HostError {
        let mut trap = Trap::from_wasmtime(function, &e);
        let data = self.store.data();
        if data.memory_refused {
            trap.message = format!(
                "the guest ran out of memory: it needed more than the limit of {} MiB \
                 (Limits::max_memory_bytes) ({})",
                data.max_memory_bytes >> 20,
                trap.message
            );
        }
        HostError::Trap(trap)
    }

    /// Sets the fuel of the next call: the whole per-call budget, plus
    /// `fuel_per_state_byte` for each of `state_bytes` (calls whose work grows with the state).
    fn refuel(&mut self, state_bytes: usize) -> Result<(), HostError> {
        self.store.data_mut().memory_refused = false;
        if let Some(fuel) = self.fuel {
            let extra = self
                .fuel_per_state_byte
                .saturating_mul(u64::try_from(state_bytes).unwrap_or(u64::MAX));
            let budget = fuel.saturating_add(extra);
            self.last_budget = Some(budget);
            self.store
                .set_fuel(budget)
                .map_err(|e| HostError::Wasm(format!("{e:#}")))?;
        }
        Ok(())
    }

    /// Fuel the last call used (`None` without fuel metering).
    pub(crate) fn fuel_used(&self) -> Option<u64> {
        let left = self.store.get_fuel().ok()?;
        Some(self.fuel.and(self.last_budget)?.saturating_sub(left))
    }

    /// The size of the guest's linear memory in bytes.
    pub(crate) fn memory_bytes(&self) -> usize {
        self.exports.memory.data_size(&self.store)
    }

    /// Changes the fuel given to each call from now on (`None`: unlimited, only if the runtime
    /// was built with fuel).
    pub(crate) fn set_fuel(&mut self, fuel: Option<u64>) {
        self.fuel = fuel;
    }

    /// Copies `bytes` into a guest buffer: `(0, 0)` for an empty argument.
    fn put(&mut self, function: &str, bytes: &[u8]) -> Result<(i32, i32), HostError> {
        if bytes.is_empty() {
            return Ok((0, 0));
        }
        let len = i32::try_from(bytes.len()).map_err(|_| {
            HostError::Abi(format!(
                "an argument of {} bytes is too large for wasm32",
                bytes.len()
            ))
        })?;
        let ptr = self
            .exports
            .alloc
            .call(&mut self.store, len)
            .map_err(|e| trap(function, e))?;
        if ptr == 0 {
            return Err(HostError::Trap(Trap::host(
                "handoff_alloc",
                format!("the guest could not allocate {len} bytes"),
            )));
        }
        self.exports
            .memory
            .write(&mut self.store, ptr as u32 as usize, bytes)
            .map_err(|e| {
                HostError::Abi(format!(
                    "handoff_alloc returned {ptr:#x} for {len} bytes, outside the memory: {e}"
                ))
            })?;
        Ok((ptr, len))
    }

    fn release(&mut self, function: &str, (ptr, len): (i32, i32)) -> Result<(), HostError> {
        if ptr == 0 {
            return Ok(());
        }
        self.exports
            .free
            .call(&mut self.store, (ptr, len))
            .map_err(|e| trap(function, e))
    }

    /// Reads and frees a packed `i64` result buffer.
    fn take(&mut self, function: &str, packed: i64) -> Result<Vec<u8>, HostError> {
        if packed == 0 {
            return Err(HostError::Trap(Trap::host(
                function,
                "the guest could not allocate its result (returned 0)".into(),
            )));
        }
        let ptr = (packed as u64 >> 32) as u32;
        let len = packed as u64 as u32;
        let data = self.exports.memory.data(&self.store);
        let Some(bytes) = data.get(ptr as usize..ptr as usize + len as usize) else {
            return Err(HostError::Abi(format!(
                "{function} returned the buffer {ptr:#x}+{len}, outside the memory ({} bytes)",
                data.len()
            )));
        };
        let buf = bytes.to_vec();
        self.release(function, (ptr as i32, len as i32))?;
        Ok(buf)
    }

    /// Calls an export that takes byte arguments and returns an envelope: allocates and writes
    /// every argument, calls, reads the result, frees everything.
    /// `state_bytes` is how much state the call works through (see [`Guest::refuel`]).
    fn call_envelope(
        &mut self,
        function: &str,
        args: &[&[u8]],
        state_bytes: usize,
        call: impl FnOnce(&mut Self, &[(i32, i32)]) -> wasmtime::Result<i64>,
    ) -> Result<Answer, HostError> {
        self.refuel(state_bytes)?;
        let mut placed = Vec::with_capacity(args.len());
        for arg in args {
            placed.push(self.put(function, arg)?);
        }
        let packed = call(self, &placed).map_err(|e| self.trapped(function, e))?;
        for p in placed {
            self.release(function, p)?;
        }
        let bytes = self.take(function, packed)?;
        parse_envelope(function, bytes)
    }

    pub(crate) fn new_engine(&mut self, config: &str) -> Result<Answer, HostError> {
        self.call_envelope("handoff_new", &[config.as_bytes()], 0, |g, a| {
            g.exports.new.call(&mut g.store, (a[0].0, a[0].1))
        })
    }

    pub(crate) fn restore(&mut self, config: &str, state: &str) -> Result<Answer, HostError> {
        self.call_envelope(
            "handoff_restore",
            &[config.as_bytes(), state.as_bytes()],
            state.len(),
            |g, a| {
                g.exports
                    .restore
                    .call(&mut g.store, (a[0].0, a[0].1, a[1].0, a[1].1))
            },
        )
    }

    pub(crate) fn handle(&mut self, input: &str, now: i64) -> Result<Answer, HostError> {
        self.call_envelope("handoff_handle", &[input.as_bytes()], 0, |g, a| {
            g.exports.handle.call(&mut g.store, (a[0].0, a[0].1, now))
        })
    }

    /// The state as JSON. Its work grows with the state, which lives in the guest's memory, so
    /// the memory's size stands for the state's.
    pub(crate) fn state(&mut self) -> Result<Answer, HostError> {
        let memory = self.memory_bytes();
        self.call_envelope("handoff_state", &[], memory, |g, _| {
            g.exports.state.call(&mut g.store, ())
        })
    }

    /// `handoff_restore_records`: `records` is the rows as a JSON array (`changes_to_json`).
    pub(crate) fn restore_records(
        &mut self,
        config: &str,
        records: &str,
    ) -> Result<Answer, HostError> {
        self.call_envelope(
            "handoff_restore_records",
            &[config.as_bytes(), records.as_bytes()],
            records.len(),
            |g, a| {
                g.exports
                    .restore_records
                    .call(&mut g.store, (a[0].0, a[0].1, a[1].0, a[1].1))
            },
        )
    }

    /// `handoff_take_changes`: the first call lists every record, so it gets fuel as a state
    /// fetch does (later ones cost what changed and need far less).
    pub(crate) fn take_changes(&mut self) -> Result<Answer, HostError> {
        let memory = self.memory_bytes();
        self.call_envelope("handoff_take_changes", &[], memory, |g, _| {
            g.exports.take_changes.call(&mut g.store, ())
        })
    }

    pub(crate) fn hours(&mut self, at: i64) -> Result<Answer, HostError> {
        self.call_envelope("handoff_hours", &[], 0, |g, _| {
            g.exports.hours.call(&mut g.store, at)
        })
    }

    /// One query's answer: its work grows with the answer (a page, a conversation), so it runs
    /// on the flat per-call fuel.
    pub(crate) fn query(&mut self, query: &str) -> Result<Answer, HostError> {
        self.call_envelope("handoff_query", &[query.as_bytes()], 0, |g, a| {
            g.exports.query.call(&mut g.store, (a[0].0, a[0].1))
        })
    }

    pub(crate) fn sign(
        &mut self,
        secret: &str,
        id: &str,
        timestamp_s: i64,
        body: &[u8],
    ) -> Result<Answer, HostError> {
        self.call_envelope(
            "handoff_sign",
            &[secret.as_bytes(), id.as_bytes(), body],
            0,
            |g, a| {
                g.exports.sign.call(
                    &mut g.store,
                    (a[0].0, a[0].1, a[1].0, a[1].1, timestamp_s, a[2].0, a[2].1),
                )
            },
        )
    }

    pub(crate) fn secret_refs(&mut self, delivery: &str) -> Result<Answer, HostError> {
        self.call_envelope("handoff_secret_refs", &[delivery.as_bytes()], 0, |g, a| {
            g.exports.secret_refs.call(&mut g.store, (a[0].0, a[0].1))
        })
    }

    pub(crate) fn prepare(
        &mut self,
        delivery: &str,
        secrets: &str,
        unix_secs: i64,
    ) -> Result<Answer, HostError> {
        self.call_envelope(
            "handoff_prepare",
            &[delivery.as_bytes(), secrets.as_bytes()],
            0,
            |g, a| {
                g.exports
                    .prepare
                    .call(&mut g.store, (a[0].0, a[0].1, a[1].0, a[1].1, unix_secs))
            },
        )
    }

    /// `explain` runs a whole conversation through a scratch engine: its work grows with the
    /// request, so it is fuelled like a restore of that many bytes.
    pub(crate) fn explain(&mut self, config: &str, request: &str) -> Result<Answer, HostError> {
        self.call_envelope(
            "handoff_explain",
            &[config.as_bytes(), request.as_bytes()],
            request.len(),
            |g, a| {
                g.exports
                    .explain
                    .call(&mut g.store, (a[0].0, a[0].1, a[1].0, a[1].1))
            },
        )
    }

    pub(crate) fn next_wakeup(&mut self) -> Result<Option<i64>, HostError> {
        self.refuel(0)?;
        let at = self
            .exports
            .next_wakeup
            .call(&mut self.store, ())
            .map_err(|e| self.trapped("handoff_next_wakeup", e))?;
        Ok((at >= 0).then_some(at))
    }
}

impl Exports {
    fn get(store: &mut Store<StoreData>, instance: &Instance) -> Result<Exports, HostError> {
        fn func<P: wasmtime::WasmParams, R: wasmtime::WasmResults>(
            store: &mut Store<StoreData>,
            instance: &Instance,
            name: &str,
        ) -> Result<TypedFunc<P, R>, HostError> {
            instance
                .get_typed_func::<P, R>(&mut *store, name)
                .map_err(|e| HostError::Abi(format!("export {name}: {e:#}")))
        }
        let memory = instance.get_memory(&mut *store, "memory").ok_or_else(|| {
            HostError::Abi("the module exports no memory named \"memory\"".into())
        })?;
        Ok(Exports {
            memory,
            alloc: func(store, instance, "handoff_alloc")?,
            free: func(store, instance, "handoff_free")?,
            new: func(store, instance, "handoff_new")?,
            restore: func(store, instance, "handoff_restore")?,
            handle: func(store, instance, "handoff_handle")?,
            state: func(store, instance, "handoff_state")?,
            restore_records: func(store, instance, "handoff_restore_records")?,
            take_changes: func(store, instance, "handoff_take_changes")?,
            next_wakeup: func(store, instance, "handoff_next_wakeup")?,
            hours: func(store, instance, "handoff_hours")?,
            query: func(store, instance, "handoff_query")?,
            sign: func(store, instance, "handoff_sign")?,
            secret_refs: func(store, instance, "handoff_secret_refs")?,
            prepare: func(store, instance, "handoff_prepare")?,
            explain: func(store, instance, "handoff_explain")?,
        })
    }
}

/// Decodes `{"ok": <value>}` / `{"error": <error>}`, keeping `<value>`'s exact bytes.
pub(crate) fn parse_envelope(function: &str, bytes: Vec<u8>) -> Result<Answer, HostError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Envelope<'a> {
        #[serde(borrow, default)]
        ok: Option<&'a RawValue>,
        #[serde(default)]
        error: Option<EngineError>,
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        HostError::Abi(format!(
            "{function} returned a result that is not UTF-8: {e}"
        ))
    })?;
    let bad = |why: String| {
        let mut shown = text.clone();
        if shown.len() > 200 {
            let mut cut = 200;
            while !shown.is_char_boundary(cut) {
                cut -= 1;
            }
            shown.truncate(cut);
            shown.push_str("...");
        }
        HostError::Abi(format!(
            "{function} returned a malformed envelope ({why}): {shown}"
        ))
    };
    let envelope: Envelope = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    match (envelope.ok, envelope.error) {
        (Some(ok), None) => Ok(Answer::Ok(ok.get().to_string())),
        (None, Some(error)) => Ok(Answer::Err(error)),
        // `{"ok": null}` deserialises `ok` as None: tell it apart from a missing key.
        (None, None) if has_null_ok(&text) => Ok(Answer::Ok("null".into())),
        _ => Err(bad("expected exactly one of \"ok\" and \"error\"".into())),
    }
}

fn has_null_ok(text: &str) -> bool {
    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text)
        .is_ok_and(|m| m.len() == 1 && m.get("ok") == Some(&serde_json::Value::Null))
}

impl Runtime {
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
            Answer::Err(e) => Err(e.into_host_error(HostError::Input)),
        }
    }
}

impl Runtime {
    /// Why the engine would or would not hand off, line by line (`handoff_explain`): `request`
    /// is `{"lines": [...]}` or `{"inputs": [{"now", "input", "expect_error"?}]}` as JSON text;
    /// the answer is the explanation's JSON text (`schema/explanation.schema.json`). Runs in a
    /// scratch instance.
    ///
    /// # Errors
    /// [`HostError::Config`] for a bad configuration; [`HostError::Input`] with a path under
    /// `request` for a bad request.
    pub fn explain(&self, config: &str, request: &str) -> Result<String, HostError> {
        let mut guest = Guest::new(self)?;
        match guest.explain(config, request)? {
            Answer::Ok(json) => Ok(json),
            Answer::Err(e) => Err(e.into_host_error(HostError::Input)),
        }
    }
}

impl Runtime {
    /// The references to resolve for the `delivery` output `delivery` (its JSON text)
    /// (`handoff_secret_refs`). Runs in a scratch instance.
    ///
    /// # Errors
    /// [`HostError::Input`] (path `delivery`) when the text is not a delivery output.
    pub fn secret_refs(&self, delivery: &str) -> Result<Vec<String>, HostError> {
        let mut guest = Guest::new(self)?;
        match guest.secret_refs(delivery)? {
            Answer::Ok(json) => serde_json::from_str(&json)
                .map_err(|e| HostError::Abi(format!("handoff_secret_refs returned {json}: {e}"))),
            Answer::Err(e) => Err(e.into_host_error(HostError::Input)),
        }
    }

    /// The request to send for the `delivery` output `delivery` (its JSON text), with the
    /// secrets `secrets` (`{"<reference>": "<value>"}` as JSON text) and the Standard Webhooks
    /// timestamp `unix_secs` (`handoff_prepare`). Runs in a scratch instance.
    ///
    /// # Errors
    /// [`HostError::Input`] when the delivery cannot be prepared: path `delivery.auth.<field>`
    /// (a secret unset or unusable: the message names the reference, never its value),
    /// `delivery` or `secrets` (not what was expected).
    pub fn prepare(
        &self,
        delivery: &str,
        secrets: &str,
        unix_secs: i64,
    ) -> Result<Prepared, HostError> {
        let mut guest = Guest::new(self)?;
        match guest.prepare(delivery, secrets, unix_secs)? {
            // Never quote the answer: it holds the credentials.
            Answer::Ok(json) => serde_json::from_str(&json).map_err(|e| {
                HostError::Abi(format!(
                    "handoff_prepare returned something other than a request (line {}, column {})",
                    e.line(),
                    e.column()
                ))
            }),
            Answer::Err(e) => Err(e.into_host_error(HostError::Input)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> String {
        match parse_envelope("f", text.as_bytes().to_vec()) {
            Ok(Answer::Ok(v)) => v,
            Ok(Answer::Err(e)) => panic!("error: {e:?}"),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn ok_keeps_exact_bytes() {
        assert_eq!(
            ok(r#"{"ok":[{"a":1.50,"b":"x"}]}"#),
            r#"[{"a":1.50,"b":"x"}]"#
        );
        assert_eq!(ok(r#"{"ok":null}"#), "null");
        assert_eq!(ok(r#"{"ok": "v1,abc"}"#), r#""v1,abc""#);
    }

    #[test]
    fn errors_and_malformed() {
        match parse_envelope(
            "f",
            br#"{"error":{"path":"input","kind":"missing","message":"m"}}"#.to_vec(),
        ) {
            Ok(Answer::Err(EngineError::One(e))) => {
                assert_eq!(e.path, "input");
                assert_eq!(e.kind, handoff_core::ErrorKind::Missing);
            }
            _ => panic!(),
        }
        for bad in [
            &b"{}"[..],
            b"[]",
            b"{\"ok\":1,\"error\":{}}",
            b"{\"error\":{\"path\":\"x\"}}",
            b"{\"error\":{\"path\":\"x\",\"message\":\"m\"}}",
            b"\xff\xfe",
            b"{\"ok\":1,\"extra\":2}",
        ] {
            assert!(
                matches!(parse_envelope("f", bad.to_vec()), Err(HostError::Abi(_))),
                "{bad:?}"
            );
        }
    }
}
