// In a browser the engine refuses webhook secrets (and helpdesk integrations) when the host starts:
// the widget forwards outputs to its backend.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HandoffHost, LocalStorageStore, MemoryStore } from 'handoff-engine';
import { fakeWasm } from '../test-support/fake-engine.mjs';
import { engineTest, realTest } from '../test-support/engines.mjs';
import { FakeClock } from '../test-support/clock.mjs';
import { ask, ofType, record, webhookConfig } from '../test-support/setup.mjs';

const MESSAGE =
  "webhook secrets do not belong in a browser: the page would have to hold the signing secret; leave secret_ref out of the widget's configuration (an unsigned webhook is fine) and forward the handoff outputs to your backend, which signs them";

/** A store that records every save. */
class WatchedStore extends MemoryStore {
  saves = 0;
  async save(json) {
    this.saves++;
    return super.save(json);
  }

  async writeChanges(changes, options) {
    this.saves++;
    return super.writeChanges(changes, options);
  }
}

/** `start()` refuses `config` in a browser at `path`, before anything is stored or sent. */
async function assertRefused(wasm, config, path, options = {}) {
  const store = new WatchedStore();
  let fetched = 0;
  // The constructor takes the configuration: the engine is what refuses it, once loaded.
  const host = new HandoffHost({
    wasm,
    config,
    store,
    fetch: async () => {
      fetched++;
      return new Response('');
    },
    ...options,
  });
  await assert.rejects(host.start(), (error) => {
    assert.equal(error.path, path);
    assert.equal(error.kind, 'invalid');
    assert.ok(error.message.startsWith(`${path}: `), error.message);
    return true;
  });
  // handle() starts the host too: refused the same way.
  await assert.rejects(host.handle(ask()), { path });
  assert.equal(store.saves, 0, 'nothing stored');
  assert.equal(await store.load(), null);
  assert.equal(fetched, 0, 'nothing sent');
  await host.close();
}

engineTest("environment: 'browser' refuses a config with webhook secrets when it starts", async (t, wasm, engine) => {
  await assertRefused(wasm, webhookConfig('https://x.test/h'), 'handoff.webhooks[0].secret_ref', { environment: 'browser' });
  // The bare handoff object too.
  await assertRefused(wasm, { webhooks: [{ url: 'https://x.test/h', secret_ref: 'S' }] }, 'handoff.webhooks[0].secret_ref', {
    environment: 'browser',
  });
  if (engine.real) {
    await assert.rejects(HandoffHost.create({ wasm, environment: 'browser', config: webhookConfig('https://x.test/h') }), {
      name: 'ConfigError',
      message: `handoff.webhooks[0].secret_ref: ${MESSAGE}`,
      path: 'handoff.webhooks[0].secret_ref',
      kind: 'invalid',
    });
  }
  // The same config is fine on a server.
  const server = await HandoffHost.create({ wasm, environment: 'server', config: webhookConfig('https://x.test/h') });
  await server.close();
});

engineTest('a global window means a browser, unless told otherwise', async (t, wasm) => {
  globalThis.window = {};
  t.after(() => delete globalThis.window);
  await assertRefused(wasm, webhookConfig('https://x.test/h'), 'handoff.webhooks[0].secret_ref');
  const started = [
    await HandoffHost.create({ wasm, environment: 'server', config: webhookConfig('https://x.test/h') }),
    // Unsigned webhooks, or none, are fine in a browser.
    await HandoffHost.create({ wasm, config: webhookConfig('https://x.test/h', { signed: false }) }),
    await HandoffHost.create({ wasm, config: { handoff: {} } }),
  ];
  for (const host of started) await host.close();
});

test('a browser host with an engine module that cannot refuse does not start', async () => {
  const { browserRefusal, ...old } = fakeWasm;
  assert.equal(typeof browserRefusal, 'function');
  const host = new HandoffHost({ wasm: old, environment: 'browser', config: { handoff: {} } });
  await assert.rejects(host.start(), /this engine module has no browserRefusal/);
  // On a server it is not needed.
  const server = await HandoffHost.create({ wasm: old, environment: 'server', config: { handoff: {} } });
  await server.close();
});

realTest('browserRefusal: the js module refuses by path, and reports a bad configuration as one', async (t, wasm) => {
  assert.equal(wasm.browserRefusal({ handoff: { webhooks: [{ url: 'https://x.test/h' }] } }), undefined);
  assert.equal(wasm.browserRefusal('{"handoff": {}}'), undefined);
  assert.throws(() => wasm.browserRefusal(webhookConfig('https://x.test/h')), {
    name: 'ConfigError',
    path: 'handoff.webhooks[0].secret_ref',
    kind: 'invalid',
    message: `handoff.webhooks[0].secret_ref: ${MESSAGE}`,
  });
  assert.throws(() => wasm.browserRefusal({ handoff: { enabled: 'yes' } }), (error) => {
    assert.equal(error.name, 'ConfigError');
    assert.equal(error.path, 'handoff.enabled');
    assert.equal(error.errors.length, 1);
    return true;
  });
});

engineTest('a widget without webhooks gets the outputs to show and forward', async (t, wasm) => {
  const map = new Map();
  const storage = {
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => map.set(k, String(v)),
    removeItem: (k) => map.delete(k),
    key: (i) => [...map.keys()][i] ?? null,
    get length() {
      return map.size;
    },
  };
  let fetched = 0;
  const host = await HandoffHost.create({
    wasm,
    environment: 'browser',
    config: { handoff: {} },
    store: new LocalStorageStore('widget:', storage),
    clock: new FakeClock(),
    fetch: async () => {
      fetched++;
      return new Response('');
    },
  });
  t.after(() => host.close());
  const seen = record(host);
  await host.handle(ask());
  await host.idle();
  assert.equal(fetched, 0);
  assert.equal(ofType(seen.outputs, 'handoff').length, 1, 'the handoff, to forward to the backend');
  assert.equal(ofType(seen.outputs, 'event').length >= 1, true, 'the webhook event bodies, to forward');
  const shown = ofType(seen.outputs, 'message').map((m) => m.template);
  assert.ok(shown.includes('handoff_initiated'), `messages to show: ${shown}`);
  if (typeof wasm.Engine.restoreRecords === 'function') {
    assert.ok(map.get('widget:rec:engine:engine'), 'the engine record is in localStorage');
    assert.ok(
      [...map.keys()].some((k) => k.startsWith('widget:rec:conversation:')),
      'one key per conversation',
    );
    assert.equal(map.get('widget:state'), undefined, 'no whole state');
    assert.equal(map.get('widget:changes'), undefined, 'no change set left half-applied');
  } else {
    // An engine without records (the fake): the whole state, as before.
    assert.ok(map.get('widget:state'), 'the state is in localStorage');
  }
});
