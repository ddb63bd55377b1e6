// In a browser the host refuses webhook secrets: the widget forwards outputs to its backend.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BROWSER_SECRETS_ERROR, HandoffHost, LocalStorageStore } from 'handoff-engine';
import { fakeWasm } from '../test-support/fake-engine.mjs';
import { engineTest } from '../test-support/engines.mjs';
import { FakeClock } from '../test-support/clock.mjs';
import { ask, ofType, record, webhookConfig } from '../test-support/setup.mjs';

const MESSAGE =
  "webhook secrets do not belong in a browser: leave handoff.webhooks out of the widget's config and forward the handoff outputs to your backend";

test("environment: 'browser' refuses a config with webhook secrets", () => {
  assert.equal(BROWSER_SECRETS_ERROR, MESSAGE);
  assert.throws(
    () => new HandoffHost({ wasm: fakeWasm, environment: 'browser', config: webhookConfig('https://x.test/h') }),
    { message: MESSAGE },
  );
  // The bare handoff object too.
  assert.throws(
    () =>
      new HandoffHost({
        wasm: fakeWasm,
        environment: 'browser',
        config: { webhooks: [{ url: 'https://x.test/h', secret_ref: 'S' }] },
      }),
    { message: MESSAGE },
  );
  // The same config is fine on a server.
  new HandoffHost({ wasm: fakeWasm, environment: 'server', config: webhookConfig('https://x.test/h') });
});

test('a global window means a browser, unless told otherwise', (t) => {
  globalThis.window = {};
  t.after(() => delete globalThis.window);
  assert.throws(() => new HandoffHost({ wasm: fakeWasm, config: webhookConfig('https://x.test/h') }), {
    message: MESSAGE,
  });
  new HandoffHost({ wasm: fakeWasm, environment: 'server', config: webhookConfig('https://x.test/h') });
  // Unsigned webhooks, or none, are fine in a browser.
  new HandoffHost({ wasm: fakeWasm, config: webhookConfig('https://x.test/h', { signed: false }) });
  new HandoffHost({ wasm: fakeWasm, config: { handoff: {} } });
});

engineTest('a widget without webhooks gets the outputs to show and forward', async (t, wasm) => {
  const map = new Map();
  const storage = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => map.set(k, v) };
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
  assert.ok(map.get('widget:state'), 'the state is in localStorage');
});
