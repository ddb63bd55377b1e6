// The `abi` build (target/wasm/handoff_abi.wasm) through Node's own WebAssembly API, as any host
// sees it: no imports, handoff_alloc / handoff_free, packed i64 results, `{"ok"}` / `{"error"}`
// envelopes, and bad pointers or lengths answered with errors, never with a trap (wasm/README.md).
//
// Needs the build: `cargo xtask wasm` (or `cargo xtask test`, which runs this file).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const abiPath = join(root, 'target', 'wasm', 'handoff_abi.wasm');
if (!existsSync(abiPath)) throw new Error(`the abi build is missing (${abiPath}): run \`cargo xtask wasm\``);
const module = new WebAssembly.Module(readFileSync(abiPath));

const CONFIG = JSON.stringify({
  handoff: { routing: { auto_accept: true }, webhooks: [{ id: 'crm', url: 'https://hooks.example.com/h' }] },
});
const NOW = 1_768_213_800_000n;
const AGENT = '{"type":"agent_update","agent":{"id":"agent_1","name":"Asha","status":"online"}}';
const ASK = '{"type":"customer_message","conversation_id":"conv_1","text":"I want to talk to a human"}';
const NO_ENGINE = { path: 'engine', kind: 'wrong_state', message: 'no engine: call handoff_new or handoff_restore first' };
const PAGE = 65536;

/** A fresh instance and helpers to move bytes in and out of it. */
function instance() {
  const x = new WebAssembly.Instance(module, {}).exports;
  const bytes = () => new Uint8Array(x.memory.buffer);
  const h = {
    x,
    /** Copies `data` (a string or bytes) into a new guest buffer: [ptr, len]. */
    put(data) {
      const b = typeof data === 'string' ? new TextEncoder().encode(data) : data;
      const ptr = x.handoff_alloc(b.length);
      assert.ok(ptr > 0, `handoff_alloc(${b.length}) failed`);
      bytes().set(b, ptr);
      return [ptr, b.length];
    },
    /** Reads a packed result as text and frees it (unless `keep`). */
    take(packed, { keep = false } = {}) {
      assert.equal(typeof packed, 'bigint');
      assert.notEqual(packed, 0n, 'the guest could not allocate the result');
      const ptr = Number(packed >> 32n);
      const len = Number(packed & 0xffffffffn);
      assert.ok(ptr > 0 && ptr + len <= x.memory.buffer.byteLength, `result ${ptr}+${len} lies in the memory`);
      const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes().slice(ptr, ptr + len));
      if (!keep) x.handoff_free(ptr, len);
      return text;
    },
    /** Calls `f(ptr, len, ...)` with `data` in a buffer, frees it, and returns the parsed envelope. */
    call(f, data, ...rest) {
      const [ptr, len] = h.put(data);
      const text = h.take(f(ptr, len, ...rest));
      x.handoff_free(ptr, len);
      return JSON.parse(text);
    },
    create(config = CONFIG) {
      assert.deepEqual(h.call(x.handoff_new, config), { ok: null });
    },
  };
  return h;
}

test('the module has no imports and exports the ABI', () => {
  assert.deepEqual(WebAssembly.Module.imports(module), []);
  const exports = Object.fromEntries(WebAssembly.Module.exports(module).map((e) => [e.name, e.kind]));
  for (const name of [
    'handoff_abi_version', 'handoff_alloc', 'handoff_free', 'handoff_new', 'handoff_restore', 'handoff_handle',
    'handoff_state', 'handoff_next_wakeup', 'handoff_hours', 'handoff_sign', 'handoff_secret_refs', 'handoff_prepare',
    'handoff_restore_records', 'handoff_take_changes',
  ]) {
    assert.equal(exports[name], 'function', name);
  }
  assert.equal(exports.memory, 'memory');
  assert.equal(instance().x.handoff_abi_version(), 1);
});

test('alloc, call, read the result, free', () => {
  const h = instance();
  const { x } = h;
  assert.deepEqual(JSON.parse(h.take(x.handoff_state())), { error: NO_ENGINE });
  assert.equal(x.handoff_next_wakeup(), -1n);
  h.create();
  const agent = h.call(x.handoff_handle, AGENT, NOW);
  assert.ok(Array.isArray(agent.ok), JSON.stringify(agent));
  const ask = h.call(x.handoff_handle, ASK, NOW + 1000n);
  const types = ask.ok.map((o) => o.type);
  assert.ok(types.includes('handoff') && types.includes('assigned') && types.includes('delivery'), types.join());
  const state = JSON.parse(h.take(x.handoff_state()));
  assert.equal(state.ok.version, 2, "the state version core writes now");
  assert.equal(typeof x.handoff_next_wakeup(), 'bigint');
  assert.ok(x.handoff_next_wakeup() > NOW, 'a delivery waits on time');
  // The ok value is the bytes between {"ok": and } (serde_json's own: JS would write 0.0 as 0).
  const raw = h.take(x.handoff_state());
  assert.ok(raw.startsWith('{"ok":{"version":2,') && raw.endsWith('}}'), raw);
  assert.deepEqual(JSON.parse(raw.slice('{"ok":'.length, -1)), state.ok);
  assert.match(raw, /"sentiment":0\.0[,}]/);
});

test('errors: input paths, config lists, state unchanged', () => {
  const h = instance();
  const { x } = h;
  const bad = h.call(x.handoff_new, '{"handoff": {"routing": {"method": "nope", "offer_timeout_seconds": -1}}}');
  assert.ok(bad.error.errors.length >= 2, JSON.stringify(bad));
  assert.equal(bad.error.errors[0].path, 'handoff.routing.method');
  assert.equal(bad.error.errors[0].kind, 'unknown_variant');
  assert.deepEqual(h.call(x.handoff_handle, AGENT, NOW), { error: NO_ENGINE }, 'a failed handoff_new makes no engine');
  h.create();
  h.call(x.handoff_handle, AGENT, NOW);
  const before = h.take(x.handoff_state());
  const refused = h.call(x.handoff_handle, '{"type":"customer_message","conversation_id":"c","text":"x","signals":{"sentiment":2}}', NOW);
  assert.equal(refused.error.path, 'input.signals.sentiment');
  assert.equal(refused.error.kind, 'out_of_range');
  assert.match(refused.error.message, /^expected a number from -1 to 1/);
  assert.equal(h.call(x.handoff_handle, AGENT, -5n).error.path, 'now');
  assert.equal(h.take(x.handoff_state()), before);
  // A failed handoff_new keeps the engine there is.
  assert.ok(h.call(x.handoff_new, '{"handoff": 1}').error.errors);
  assert.equal(h.take(x.handoff_state()), before);
});

test('restore from a result buffer, and restore errors', () => {
  const a = instance();
  a.create();
  a.call(a.x.handoff_handle, AGENT, NOW);
  const stateText = a.take(a.x.handoff_state()).slice('{"ok":'.length, -1);

  const b = instance();
  const [cp, cl] = b.put(CONFIG);
  // The host may pass a result buffer straight back as an argument.
  const packed = (() => {
    const [sp, sl] = b.put(stateText);
    const r = b.x.handoff_restore(cp, cl, sp, sl);
    b.x.handoff_free(sp, sl);
    return r;
  })();
  assert.deepEqual(JSON.parse(b.take(packed)), { ok: null });
  const stateResult = b.x.handoff_state();
  const sp = Number(stateResult >> 32n) + '{"ok":'.length;
  const sl = Number(stateResult & 0xffffffffn) - '{"ok":'.length - 1;
  const c = b; // restore the same instance from its own result buffer
  assert.deepEqual(JSON.parse(c.take(c.x.handoff_restore(cp, cl, sp, sl))), { ok: null });
  c.take(stateResult); // frees it
  assert.equal(
    JSON.stringify(a.call(a.x.handoff_handle, ASK, NOW + 1n)),
    JSON.stringify(b.call(b.x.handoff_handle, ASK, NOW + 1n)),
    'the restored engine continues exactly',
  );
  const [vp, vl] = b.put('{"version": 999}');
  const newer = JSON.parse(b.take(b.x.handoff_restore(cp, cl, vp, vl)));
  assert.equal(newer.error.path, 'state.version');
  assert.match(newer.error.message, /newer/);
  b.x.handoff_free(vp, vl);
  b.x.handoff_free(cp, cl);
});

test('bad pointers and oversized lengths are error results, not traps', () => {
  const h = instance();
  const { x } = h;
  h.create();
  const size = () => x.memory.buffer.byteLength;
  const handleAt = (ptr, len) => JSON.parse(h.take(x.handoff_handle(ptr, len, NOW)));

  const outside = handleAt(size() - 4, 100);
  assert.equal(outside.error.path, 'input');
  assert.match(outside.error.message, /outside the memory/);
  assert.match(handleAt(-8, 16).error.message, /outside the memory/, 'a negative pointer is a high address');
  assert.match(handleAt(16, -1).error.message, /outside the memory/, 'a negative length is oversized');
  assert.match(handleAt(0x7fff_0000, 0x7fff_ffff).error.message, /outside the memory/);
  assert.match(handleAt(0, 1).error.message, /not inside a buffer from handoff_alloc/, 'the null page');
  assert.match(handleAt(1024, 8).error.message, /not inside a buffer from handoff_alloc/, 'the guest’s own data');
  const [ptr, len] = h.put(AGENT);
  assert.match(handleAt(ptr, len + 1).error.message, /not inside a buffer/, 'one byte past a buffer');
  assert.ok(Array.isArray(handleAt(ptr, len).ok), 'the buffer itself is fine');
  x.handoff_free(ptr, len);
  assert.match(handleAt(ptr, len).error.message, /not inside a buffer/, 'a freed buffer');
  // Empty argument: (0, 0) is empty text, which is not JSON.
  assert.equal(handleAt(0, 0).error.path, 'input');
  // Not UTF-8.
  const notUtf8 = h.call(x.handoff_handle, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), NOW);
  assert.equal(notUtf8.error.path, 'input');
  assert.match(notUtf8.error.message, /UTF-8/);
  // The engine is still fine.
  assert.ok(Array.isArray(h.call(x.handoff_handle, AGENT, NOW).ok));
});

test('handoff_alloc and handoff_free: sizes, double frees, wrong lengths', () => {
  const h = instance();
  const { x } = h;
  assert.equal(x.handoff_alloc(0), 0);
  assert.equal(x.handoff_alloc(-1), 0);
  assert.equal(x.handoff_alloc(-0x8000_0000), 0);
  const a = x.handoff_alloc(10);
  assert.ok(a > 0);
  assert.deepEqual([...new Uint8Array(x.memory.buffer, a, 10)], new Array(10).fill(0), 'buffers are zeroed');
  x.handoff_free(a, 11); // wrong length: ignored, the buffer stays live
  assert.deepEqual(JSON.parse(h.take(x.handoff_handle(a, 10, NOW))).error, NO_ENGINE, 'still a live buffer');
  x.handoff_free(a, 10);
  x.handoff_free(a, 10); // double free: ignored
  x.handoff_free(0, 0);
  x.handoff_free(12345, 7); // never allocated: ignored
  x.handoff_free(-1, -1);
  const b = x.handoff_alloc(64 * PAGE);
  assert.ok(b > 0 && b + 64 * PAGE <= x.memory.buffer.byteLength, 'a 4 MiB buffer');
  x.handoff_free(b, 64 * PAGE);
});

test('no leak: memory stays flat over many calls that free their buffers', () => {
  const h = instance();
  const { x } = h;
  h.create();
  h.call(x.handoff_handle, AGENT, NOW);
  const warm = () => {
    for (let i = 0; i < 200; i++) {
      h.call(x.handoff_handle, '{"type":"tick"}', NOW + BigInt(i));
      h.take(x.handoff_state());
      h.take(x.handoff_hours(NOW));
    }
  };
  warm();
  const after = x.memory.buffer.byteLength;
  for (let round = 0; round < 5; round++) warm();
  assert.equal(x.memory.buffer.byteLength, after);
});

test('hours and sign', () => {
  const h = instance();
  const { x } = h;
  assert.deepEqual(JSON.parse(h.take(x.handoff_hours(NOW))), { error: NO_ENGINE });
  h.create(readFileSync(join(root, 'examples', 'business-hours.json'), 'utf8'));
  assert.equal(
    h.take(x.handoff_hours(NOW)),
    '{"ok":{"open":true,"next_opening":1768275000000,"next_closing":1768221000000}}',
  );
  h.create();
  assert.equal(h.take(x.handoff_hours(NOW)), '{"ok":null}');

  const sign = (secret, id, ts, body) => {
    const bufs = [secret, id, body].map((t) => (t.length ? h.put(t) : [0, 0]));
    const text = h.take(x.handoff_sign(...bufs[0], ...bufs[1], ts, ...bufs[2]));
    for (const [p, l] of bufs) x.handoff_free(p, l);
    return JSON.parse(text);
  };
  assert.deepEqual(
    sign('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330n, '{"test": 2432232314}'),
    { ok: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' },
  );
  const refused = sign('not-a-secret', 'm', 1n, '');
  assert.equal(refused.error.path, 'secret');
  assert.ok(!JSON.stringify(refused).includes('not-a-secret'));
  const end = x.memory.buffer.byteLength;
  const badBody = JSON.parse(h.take(x.handoff_sign(0, 0, 0, 0, 1n, end, 1)));
  assert.equal(badBody.error.path, 'body');
  assert.match(badBody.error.message, /outside the memory/);
  const badSecret = JSON.parse(h.take(x.handoff_sign(end, 1, 0, 0, 1n, 0, 0)));
  assert.equal(badSecret.error.path, 'secret');
});
