//! The plain ABI of `wasm/README.md` (feature `abi`, wasm32 only): exports that move bytes
//! between the linear memory and a [`Session`]. Nothing here is imported, so the module has no
//! imports at all.
//!
//! Every buffer this module hands out (by `handoff_alloc`, or as a call's result) is recorded with
//! its length until `handoff_free` returns it. An argument must lie inside one of those buffers and
//! inside the memory; anything else is an error result, and freeing anything but a live buffer
//! with its exact length does nothing. So no pointer from the host is ever dereferenced unless it
//! points into memory this module allocated for the host, and a bad pointer is never undefined
//! behaviour.

use std::alloc::{alloc_zeroed, dealloc, Layout};
use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::buffers::{check_range, pack, PAGE};
use crate::session::{self, Arg, Session, ABI_VERSION};

thread_local! {
    // wasm32-unknown-unknown has one thread: these are plain statics, with no imports.
    /// The one engine of this instance.
    static SESSION: RefCell<Session> = RefCell::new(Session::new());
    /// Every buffer handed to the host and not yet freed: start address -> length.
    static LIVE: RefCell<BTreeMap<u32, u32>> = const { RefCell::new(BTreeMap::new()) };
}

/// The size of the linear memory in bytes.
fn memory_bytes() -> u64 {
    core::arch::wasm32::memory_size::<0>() as u64 * PAGE
}

/// A zeroed buffer of `len > 0` bytes, recorded as live; `None` when it cannot be allocated.
fn allocate(len: usize) -> Option<*mut u8> {
    if len == 0 || len > i32::MAX as usize {
        return None;
    }
    let layout = Layout::from_size_align(len, 1).ok()?;
    // SAFETY: `layout` has a non-zero size (checked above). Zeroed, so every byte of a buffer the
    // host passes back is initialised even where the host did not write it.
    let ptr = unsafe { alloc_zeroed(layout) };
    if ptr.is_null() {
        return None;
    }
    LIVE.with(|live| live.borrow_mut().insert(ptr as u32, len as u32));
    Some(ptr)
}

/// Runs `f` with the bytes of the argument `(ptr, len)`, or with why they cannot be read.
/// `(_, 0)` is the empty argument.
fn with_arg<R>(ptr: i32, len: i32, f: impl FnOnce(Arg<'_>) -> R) -> R {
    if len == 0 {
        return f(Ok(&[]));
    }
    let (ptr, len) = (ptr as u32, len as u32);
    let problem = LIVE.with(|live| check_range(ptr, len, memory_bytes(), &live.borrow()));
    if let Some(problem) = problem {
        return f(Err(problem));
    }
    // SAFETY: `ptr..ptr+len` lies inside the memory and inside a live buffer that `allocate`
    // zeroed, so it is allocated and initialised for `len` bytes. The buffer stays allocated for
    // the whole of `f`: only `handoff_free` frees it, and calls are not re-entrant (the module has
    // no imports through which the host could call back). Nothing in this module writes to a
    // buffer it handed out, so the shared slice is not aliased by a mutable one.
    let bytes = unsafe { core::slice::from_raw_parts(ptr as usize as *const u8, len as usize) };
    f(Ok(bytes))
}

/// Packs `(ptr, len)` of a new buffer holding `text` into the i64 result; `0` when it cannot be
/// allocated.
fn result(text: String) -> i64 {
    let bytes = text.as_bytes();
    let Some(ptr) = allocate(bytes.len()) else {
        return 0;
    };
    // SAFETY: `ptr` was just allocated for exactly `bytes.len()` bytes, and a fresh allocation does
    // not overlap `text`.
    unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), ptr, bytes.len()) };
    pack(ptr as u32, bytes.len() as u32)
}

fn session<R>(f: impl FnOnce(&mut Session) -> R) -> R {
    SESSION.with(|s| f(&mut s.borrow_mut()))
}

/// The ABI version: `1`.
#[no_mangle]
pub extern "C" fn handoff_abi_version() -> i32 {
    ABI_VERSION
}

/// A zeroed buffer of `len` bytes for an argument; `0` when `len <= 0` or it cannot be allocated.
#[no_mangle]
pub extern "C" fn handoff_alloc(len: i32) -> i32 {
    match usize::try_from(len).ok().and_then(allocate) {
        Some(ptr) => ptr as i32,
        None => 0,
    }
}

/// Frees a live buffer (from `handoff_alloc` or a result) given with its exact length; anything
/// else (`ptr = 0`, a buffer already freed, a wrong length) does nothing.
#[no_mangle]
pub extern "C" fn handoff_free(ptr: i32, len: i32) {
    let (ptr, len) = (ptr as u32, len as u32);
    let known = LIVE.with(|live| {
        let mut live = live.borrow_mut();
        if live.get(&ptr) == Some(&len) {
            live.remove(&ptr);
            true
        } else {
            false
        }
    });
    if known {
        // A live buffer's length is at least 1 and at most i32::MAX (see `allocate`).
        if let Ok(layout) = Layout::from_size_align(len as usize, 1) {
            // SAFETY: `ptr` was returned by `alloc_zeroed` with exactly this layout (recorded in
            // LIVE with this length, and removed from it now, so it is freed only once).
            unsafe { dealloc(ptr as usize as *mut u8, layout) };
        }
    }
}

/// `handoff_new(config)`: see `Session::create`.
#[no_mangle]
pub extern "C" fn handoff_new(config_ptr: i32, config_len: i32) -> i64 {
    let text = with_arg(config_ptr, config_len, |config| {
        session(|s| s.create(config))
    });
    result(text)
}

/// `handoff_restore(config, state)`: see `Session::restore`.
#[no_mangle]
pub extern "C" fn handoff_restore(
    config_ptr: i32,
    config_len: i32,
    state_ptr: i32,
    state_len: i32,
) -> i64 {
    let text = with_arg(config_ptr, config_len, |config| {
        with_arg(state_ptr, state_len, |state| {
            session(|s| s.restore(config, state))
        })
    });
    result(text)
}

/// `handoff_restore_records(config, records)`: see `Session::restore_records`.
#[no_mangle]
pub extern "C" fn handoff_restore_records(
    config_ptr: i32,
    config_len: i32,
    records_ptr: i32,
    records_len: i32,
) -> i64 {
    let text = with_arg(config_ptr, config_len, |config| {
        with_arg(records_ptr, records_len, |records| {
            session(|s| s.restore_records(config, records))
        })
    });
    result(text)
}

/// `handoff_take_changes()`: the records written or removed since the last call.
#[no_mangle]
pub extern "C" fn handoff_take_changes() -> i64 {
    result(session(|s| s.take_changes()))
}

/// `handoff_handle(input, now_ms)`: the outputs of one input.
#[no_mangle]
pub extern "C" fn handoff_handle(input_ptr: i32, input_len: i32, now_ms: i64) -> i64 {
    let text = with_arg(input_ptr, input_len, |input| {
        session(|s| s.handle(input, now_ms))
    });
    result(text)
}

/// `handoff_state()`: the whole state.
#[no_mangle]
pub extern "C" fn handoff_state() -> i64 {
    result(session(|s| s.state()))
}

/// `handoff_next_wakeup()`: epoch ms, or `-1` when nothing waits on time.
#[no_mangle]
pub extern "C" fn handoff_next_wakeup() -> i64 {
    session(|s| s.next_wakeup())
}

/// `handoff_query(query)`: the answer to one query (see `wasm/README.md`).
#[no_mangle]
pub extern "C" fn handoff_query(query_ptr: i32, query_len: i32) -> i64 {
    let text = with_arg(query_ptr, query_len, |query| session(|s| s.query(query)));
    result(text)
}

/// `handoff_hours(at_ms)`: business hours at an instant.
#[no_mangle]
pub extern "C" fn handoff_hours(at_ms: i64) -> i64 {
    result(session(|s| s.hours(at_ms)))
}

/// `handoff_sign(secret, msg_id, timestamp_s, body)`: the Standard Webhooks signature.
#[no_mangle]
pub extern "C" fn handoff_sign(
    secret_ptr: i32,
    secret_len: i32,
    id_ptr: i32,
    id_len: i32,
    timestamp_s: i64,
    body_ptr: i32,
    body_len: i32,
) -> i64 {
    let text = with_arg(secret_ptr, secret_len, |secret| {
        with_arg(id_ptr, id_len, |id| {
            with_arg(body_ptr, body_len, |body| {
                session::sign_call(secret, id, timestamp_s, body)
            })
        })
    });
    result(text)
}

/// `handoff_explain(config, request)`: why the engine would or would not hand off, line by line
/// (`handoff_core::explain`); needs no engine.
#[no_mangle]
pub extern "C" fn handoff_explain(
    config_ptr: i32,
    config_len: i32,
    request_ptr: i32,
    request_len: i32,
) -> i64 {
    let text = with_arg(config_ptr, config_len, |config| {
        with_arg(request_ptr, request_len, |request| {
            session::explain_call(config, request)
        })
    });
    result(text)
}

/// `handoff_secret_refs(delivery)`: the references to resolve for a `delivery` output.
#[no_mangle]
pub extern "C" fn handoff_secret_refs(delivery_ptr: i32, delivery_len: i32) -> i64 {
    result(with_arg(
        delivery_ptr,
        delivery_len,
        session::secret_refs_call,
    ))
}

/// `handoff_prepare(delivery, secrets, unix_secs)`: the request to send for a `delivery` output.
#[no_mangle]
pub extern "C" fn handoff_prepare(
    delivery_ptr: i32,
    delivery_len: i32,
    secrets_ptr: i32,
    secrets_len: i32,
    unix_secs: i64,
) -> i64 {
    let text = with_arg(delivery_ptr, delivery_len, |delivery| {
        with_arg(secrets_ptr, secrets_len, |secrets| {
            session::prepare_call(delivery, secrets, unix_secs)
        })
    });
    result(text)
}

/// `handoff_read_webhook(config, integration_id, request, secrets, now_ms)`: a helpdesk's webhook
/// request verified and read into inputs (`handoff_core::inbound::read`); `request` is
/// `{"headers", "query", "body"}` JSON text, `secrets` `{"<reference>": "<value>"}`.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // four pointer/length pairs and the time
pub extern "C" fn handoff_read_webhook(
    config_ptr: i32,
    config_len: i32,
    id_ptr: i32,
    id_len: i32,
    request_ptr: i32,
    request_len: i32,
    secrets_ptr: i32,
    secrets_len: i32,
    now_ms: i64,
) -> i64 {
    let text = with_arg(config_ptr, config_len, |config| {
        with_arg(id_ptr, id_len, |id| {
            with_arg(request_ptr, request_len, |request| {
                with_arg(secrets_ptr, secrets_len, |secrets| {
                    session::read_webhook_call(config, id, request, secrets, now_ms)
                })
            })
        })
    });
    result(text)
}
