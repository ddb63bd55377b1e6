// The host keeps the engine's clock: one timer for nextWakeup(), clamped, cleared by close().

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HandoffHost, MAX_TIMER_MS, MemoryStore } from 'handoff-engine';
import { fakeWasm } from '../test-support/fake-engine.mjs';
import { realTest } from '../test-support/engines.mjs';
import { FakeClock } from '../test-support/clock.mjs';
import { ask, record, webhookConfig } from '../test-support/setup.mjs';

/** A fake engine whose wakeup the test sets, counting ticks. */
function wakeEngine() {
  const calls = [];
  class Engine {
    wake = undefined;
    constructor() {
      Engine.last = this;
    }
    static restore() {
      return new Engine();
    }
    handle(input, now) {
      calls.push({ type: input.type, now });
      if (input.type === 'tick' && this.wake !== undefined && now >= this.wake) this.wake = undefined;
      if (input.type === 'wake_at') this.wake = input.at;
      return [];
    }
    state() {
      return { version: 1, calls: calls.length };
    }
    nextWakeup() {
      return this.wake;
    }
  }
  return { wasm: { Engine }, calls, engine: () => Engine.last };
}

test('a tick is sent at nextWakeup, and the timer follows the engine', async (t) => {
  const clock = new FakeClock(1_000_000);
  const { wasm, calls } = wakeEngine();
  const host = await HandoffHost.create({ wasm, config: { handoff: {} }, clock });
  t.after(() => host.close());
  assert.deepEqual(clock.pending(), []);
  await host.handle({ type: 'wake_at', at: 1_005_000 });
  assert.deepEqual(clock.pending(), [{ at: 1_005_000 }]);
  await host.handle({ type: 'wake_at', at: 1_002_000 });
  assert.deepEqual(clock.pending(), [{ at: 1_002_000 }], 'one timer, re-armed');
  clock.advance(2_000);
  await host.idle();
  assert.deepEqual(calls.at(-1), { type: 'tick', now: 1_002_000 });
  assert.deepEqual(clock.pending(), [], 'nothing waits any more');
});

test('a wakeup further than setTimeout allows is clamped, and re-armed without a tick', async (t) => {
  const clock = new FakeClock(0);
  const { wasm, calls } = wakeEngine();
  const saves = [];
  const store = new MemoryStore();
  const save = store.save.bind(store);
  store.save = async (json) => {
    saves.push(json);
    return save(json);
  };
  const host = await HandoffHost.create({ wasm, config: { handoff: {} }, clock, store });
  t.after(() => host.close());
  const far = 40 * 86_400_000; // 40 days
  await host.handle({ type: 'wake_at', at: far });
  assert.deepEqual(clock.pending(), [{ at: MAX_TIMER_MS }]);
  clock.advanceTo(MAX_TIMER_MS);
  await host.idle();
  assert.equal(calls.filter((c) => c.type === 'tick').length, 0, 'no early tick');
  assert.equal(saves.length, 1);
  assert.deepEqual(clock.pending(), [{ at: far }]);
  clock.advanceTo(far);
  await host.idle();
  assert.deepEqual(calls.at(-1), { type: 'tick', now: far });
});

test('a wakeup in the past ticks at once', async (t) => {
  const clock = new FakeClock(10_000);
  const { wasm, calls } = wakeEngine();
  const host = await HandoffHost.create({ wasm, config: { handoff: {} }, clock });
  t.after(() => host.close());
  await host.handle({ type: 'wake_at', at: 5_000 });
  assert.deepEqual(clock.pending(), [{ at: 10_000 }]);
  clock.advance(0);
  await host.idle();
  assert.equal(calls.at(-1).type, 'tick');
});

test('close() clears the timer and refuses inputs', async () => {
  const clock = new FakeClock(0);
  const { wasm } = wakeEngine();
  const host = await HandoffHost.create({ wasm, config: { handoff: {} }, clock });
  await host.handle({ type: 'wake_at', at: 60_000 });
  assert.equal(clock.pending().length, 1);
  await host.close();
  assert.deepEqual(clock.pending(), []);
  assert.equal(host.closed, true);
  await assert.rejects(host.handle({ type: 'tick' }), /HandoffHost is closed/);
});

test('the real clock: the timer is a real setTimeout, and close() lets the process exit', async () => {
  const { wasm, calls } = wakeEngine();
  const host = await HandoffHost.create({ wasm, config: { handoff: {} } });
  await host.handle({ type: 'wake_at', at: Date.now() + 30 });
  await new Promise((r) => setTimeout(r, 80));
  await host.idle();
  assert.equal(calls.at(-1).type, 'tick');
  await host.handle({ type: 'wake_at', at: Date.now() + 60_000 });
  await host.close(); // if the timer were left armed, this test file would hang for a minute
});

test('a host restored from a store arms its timer for the restored wakeup', async (t) => {
  const clock = new FakeClock();
  const store = new MemoryStore();
  // A saved state with a delivery in flight: its lease is the wakeup.
  const s = new fakeWasm.Engine(webhookConfig('http://127.0.0.1:9/h'));
  s.handle(ask(), clock.now());
  await store.save(JSON.stringify(s.state()));
  const second = await HandoffHost.create({ wasm: fakeWasm, config: webhookConfig('http://127.0.0.1:9/h'), clock, store });
  t.after(() => second.close());
  assert.equal(second.timerAt, clock.now() + 60_000);
});

test('listeners that throw do not stop the host; errors go to the error listeners', async (t) => {
  const clock = new FakeClock();
  const host = await HandoffHost.create({ wasm: fakeWasm, config: { handoff: {} }, clock });
  t.after(() => host.close());
  const errors = [];
  host.on('error', (e) => errors.push(e.message));
  host.on('output', () => {
    throw new Error('widget bug');
  });
  const seen = record(host);
  const outputs = await host.handle(ask());
  assert.ok(outputs.length > 0);
  assert.equal(seen.outputs.length, outputs.length, 'the other listeners still got everything');
  assert.equal(errors.length, outputs.length);
  assert.ok(errors.every((m) => m === 'widget bug'));
  const off = host.on('output', () => {});
  off();
});

test('the onOutput option and handle() before start()', async () => {
  const got = [];
  const host = new HandoffHost({ wasm: fakeWasm, config: { handoff: {} }, clock: new FakeClock(), onOutput: (o) => got.push(o.type) });
  const outputs = await host.handle(ask());
  assert.deepEqual(got, outputs.map((o) => o.type));
  await host.close();
});

test('a host without an engine and without options.config says what is wrong', () => {
  assert.throws(() => new HandoffHost({}), /options\.config must be the configuration object/);
});

realTest("Retry-After: seconds, an HTTP date, or nothing (the engine's retryAfterMs)", (t, { retryAfterMs }) => {
  const now = Date.UTC(2026, 0, 12, 10, 30);
  assert.equal(retryAfterMs('1', now), 1000);
  assert.equal(retryAfterMs(' 120 ', now), 120_000);
  assert.equal(retryAfterMs('1.5', now), 1500);
  assert.equal(retryAfterMs('0', now), 0);
  assert.equal(retryAfterMs(new Date(now + 90_000).toUTCString(), now), 90_000);
  assert.equal(retryAfterMs('Mon, 12 Jan 2026 10:31:00 GMT', now), 60_000);
  assert.equal(retryAfterMs('Mon, 12 Jan 2026 10:00:00 GMT', now), 0, 'a date in the past: now');
  assert.equal(retryAfterMs('-5', now), undefined);
  assert.equal(retryAfterMs('soon', now), undefined);
  assert.equal(retryAfterMs('', now), undefined);
  assert.equal(retryAfterMs(null, now), undefined);
  assert.equal(retryAfterMs(undefined, now), undefined);
  // The obsolete date forms the engine also reads (RFC 9110 §5.6.7).
  assert.equal(retryAfterMs('Monday, 12-Jan-26 10:31:00 GMT', now), 60_000);
  assert.equal(retryAfterMs('Mon Jan 12 10:32:00 2026', now), 120_000);
  assert.throws(() => retryAfterMs('1', 1.5), { name: 'InputError', path: 'nowMs' });
});
