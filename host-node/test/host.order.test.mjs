// The state is saved before any output is performed: a crash can repeat a delivery, never lose one.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HandoffHost, MemoryStore } from 'handoff-engine';
import { engineTest } from '../test-support/engines.mjs';
import { FakeClock } from '../test-support/clock.mjs';
import { ask, ofType, record, secrets, webhookConfig } from '../test-support/setup.mjs';

/** A store and a fetch that write what happens, in order, into one log. */
function recorder() {
  const log = [];
  let saved = null;
  const store = {
    async load() {
      return saved;
    },
    async save(json) {
      await new Promise((r) => setTimeout(r, 5)); // a slow disk: fetch must still wait for it
      saved = json;
      log.push({ what: 'save', outbox: Object.keys(JSON.parse(json).outbox) });
    },
  };
  const fetch = async (url, init) => {
    log.push({ what: 'fetch', id: init.headers['webhook-id'] });
    return new Response('ok', { status: 200 });
  };
  return { log, store, fetch, saved: () => saved };
}

engineTest('the state is saved before a delivery is attempted', async (t, wasm) => {
  const r = recorder();
  const host = await HandoffHost.create({
    wasm,
    config: webhookConfig('https://hooks.example.test/h'),
    store: r.store,
    fetch: r.fetch,
    secrets,
    clock: new FakeClock(),
  });
  t.after(() => host.close());
  const outputs = await host.handle(ask());
  await host.idle();
  const [delivery] = ofType(outputs, 'delivery');
  assert.ok(delivery, 'the handoff produced a delivery');
  const firstFetch = r.log.findIndex((e) => e.what === 'fetch');
  assert.ok(firstFetch > 0, `a fetch happened after something: ${JSON.stringify(r.log)}`);
  const before = r.log.slice(0, firstFetch);
  assert.ok(
    before.some((e) => e.what === 'save' && e.outbox.includes(delivery.delivery_id)),
    `the outbox entry was saved before the fetch: ${JSON.stringify(r.log)}`,
  );
  assert.equal(r.log[firstFetch].id, delivery.delivery_id);
  // The result was handled and saved too: nothing left in the outbox.
  assert.deepEqual(r.log.at(-1), { what: 'save', outbox: [] });
});

engineTest('a failed save performs nothing and leaves the engine as it was', async (t, wasm) => {
  let fail = false;
  let saved = null;
  const store = {
    async load() {
      return saved;
    },
    async save(json) {
      if (fail) throw new Error('disk full');
      saved = json;
    },
  };
  let fetched = 0;
  const host = await HandoffHost.create({
    wasm,
    config: webhookConfig('https://hooks.example.test/h'),
    store,
    secrets,
    clock: new FakeClock(),
    fetch: async () => {
      fetched++;
      return new Response('', { status: 200 });
    },
  });
  t.after(() => host.close());
  const seen = record(host);
  await host.handle({ type: 'tick' });
  const before = JSON.stringify(host.state());
  fail = true;
  await assert.rejects(host.handle(ask()), /could not save the state, so the input was not applied: disk full/);
  await host.idle();
  assert.equal(fetched, 0, 'no delivery was attempted');
  assert.equal(seen.outputs.length, 0, 'no output was emitted');
  assert.equal(JSON.stringify(host.state()), before, 'the engine went back to the saved state');
  fail = false;
  const outputs = await host.handle(ask());
  await host.idle();
  assert.equal(ofType(outputs, 'handoff').length, 1, 'the same input works once the store does');
  assert.equal(fetched, 1);
});

engineTest('an input the engine refuses rejects with its path and changes nothing', async (t, wasm) => {
  const store = new MemoryStore();
  const host = await HandoffHost.create({ wasm, config: { handoff: {} }, store, clock: new FakeClock() });
  t.after(() => host.close());
  await host.handle(ask());
  const before = await store.load();
  await assert.rejects(host.handle({ type: 'delivery_result', delivery_id: 'msg_nope', status: 200 }), /input\.delivery_id/);
  assert.equal(await store.load(), before);
  // The host goes on.
  await host.handle({ type: 'tick' });
});

test('inputs are handled one at a time, in call order', async (t) => {
  const { fakeWasm } = await import('../test-support/fake-engine.mjs');
  const order = [];
  const store = {
    saved: null,
    async load() {
      return null;
    },
    async save(json) {
      await new Promise((r) => setTimeout(r, 3));
      order.push(Object.keys(JSON.parse(json).conversations).length);
    },
  };
  const host = await HandoffHost.create({ wasm: fakeWasm, config: { handoff: {} }, store, clock: new FakeClock() });
  t.after(() => host.close());
  await Promise.all([1, 2, 3, 4].map((n) => host.handle(ask(`conv_${n}`))));
  assert.deepEqual(order, [1, 2, 3, 4]);
});
