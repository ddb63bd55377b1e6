// The engine decides retries, backoff and dead letters; the host performs, reports and keeps the
// clock. Loopback receivers answer from a script; a fake clock jumps time.

import assert from 'node:assert/strict';
import { HandoffHost, RESPONSE_BODY_LIMIT } from 'handoff-engine';
import { engineTest } from '../test-support/engines.mjs';
import { FakeClock } from '../test-support/clock.mjs';
import { startReceiver } from '../test-support/server.mjs';
import { SECRET, ask, ofType, record, secrets, webhookConfig } from '../test-support/setup.mjs';
import { Webhook } from '../test-support/deps.mjs';

async function setup(t, wasm, script, options = {}) {
  const receiver = await startReceiver(script);
  t.after(() => receiver.close());
  const clock = new FakeClock();
  const host = await HandoffHost.create({
    wasm,
    config: webhookConfig(receiver.url),
    secrets,
    clock,
    ...options,
  });
  t.after(() => host.close());
  const seen = record(host);
  return { receiver, clock, host, seen };
}

engineTest('503 with Retry-After, then 200: retried by the timer with the same webhook-id', async (t, wasm) => {
  const { receiver, clock, host, seen } = await setup(t, wasm, [
    { status: 503, headers: { 'retry-after': '1' }, body: 'maintenance' },
    { status: 200 },
  ]);
  const start = clock.now();
  const outputs = await host.handle(ask());
  await host.idle();
  const [delivery] = ofType(outputs, 'delivery');
  assert.equal(receiver.requests.length, 1);
  assert.equal(seen.deliveries[0].result.status, 503);
  assert.deepEqual(seen.deliveries[0].result.headers, { 'retry-after': '1' }, 'reported as it came: the engine reads it');
  assert.equal(seen.deliveries[0].result.body, 'maintenance');

  const [retry] = ofType(seen.outputs, 'delivery_retry');
  assert.equal(retry.delivery_id, delivery.delivery_id);
  assert.equal(retry.attempt, 1);
  assert.ok(retry.at >= start + 1000, 'never sooner than Retry-After');
  assert.equal(host.nextWakeup(), retry.at);
  assert.equal(host.timerAt, retry.at, 'the host armed its timer for the engine wakeup');
  assert.deepEqual(clock.pending(), [{ at: retry.at }]);

  clock.advanceTo(retry.at - 1);
  await host.idle();
  assert.equal(receiver.requests.length, 1, 'nothing before the wakeup');
  clock.advanceTo(retry.at);
  await host.idle();
  assert.equal(receiver.requests.length, 2, 'the tick handed out the second attempt');
  const [first, second] = receiver.requests;
  assert.equal(second.headers['webhook-id'], first.headers['webhook-id']);
  assert.equal(second.headers['webhook-id'], delivery.delivery_id);
  assert.equal(second.headers['handoff-schema'], 'https://handoff.dev/schema/v1/event.schema.json', 'the body names its schema');
  assert.equal(Number(second.headers['webhook-timestamp']), Math.floor(retry.at / 1000), 'signed at the time of this attempt');
  assert.notEqual(second.headers['webhook-signature'], first.headers['webhook-signature']);
  // Verifies (with the verifier's clock set to the attempt's time).
  const wh = new Webhook(SECRET);
  const realNow = Date.now;
  Date.now = () => retry.at;
  try {
    wh.verify(second.body, second.headers);
  } finally {
    Date.now = realNow;
  }
  const [delivered] = ofType(seen.outputs, 'delivered');
  assert.deepEqual(delivered, { type: 'delivered', delivery_id: delivery.delivery_id, attempt: 2 });
  assert.deepEqual(host.state().outbox, {});
  assert.equal(host.nextWakeup(), undefined);
  assert.deepEqual(clock.pending(), [], 'no timer once nothing waits');
});

engineTest('Retry-After as an HTTP date pushes the retry back', async (t, wasm) => {
  const clock = new FakeClock();
  const later = new Date(clock.now() + 120_000).toUTCString();
  const receiver = await startReceiver([{ status: 429, headers: { 'retry-after': later } }, { status: 200 }]);
  t.after(() => receiver.close());
  const host = await HandoffHost.create({ wasm, config: webhookConfig(receiver.url), secrets, clock });
  t.after(() => host.close());
  const seen = record(host);
  await host.handle(ask());
  await host.idle();
  assert.deepEqual(seen.deliveries[0].result.headers, { 'retry-after': later });
  const [retry] = ofType(seen.outputs, 'delivery_retry');
  assert.ok(retry.at >= clock.now() + 120_000, `retry at ${retry.at - clock.now()} ms`);
});

engineTest('410 Gone disables the webhook: no retries, later events are dead letters', async (t, wasm) => {
  const { receiver, clock, host, seen } = await setup(t, wasm, [{ status: 410 }]);
  const outputs = await host.handle(ask('conv_1'));
  await host.idle();
  const [delivery] = ofType(outputs, 'delivery');
  const [disabled] = ofType(seen.outputs, 'webhook_disabled');
  assert.equal(disabled.webhook_id, 'crm');
  assert.equal(ofType(seen.outputs, 'delivery_retry').length, 0);
  const state = host.state();
  assert.ok(state.disabled_webhooks.crm);
  assert.equal(state.dead_letters[delivery.delivery_id].status, 410);
  assert.equal(host.nextWakeup(), undefined, 'nothing to retry');
  clock.advance(24 * 3_600_000);
  await host.idle();
  assert.equal(receiver.requests.length, 1);
  // A later event for the disabled webhook goes straight to the dead letters.
  const later = await host.handle(ask('conv_2'));
  await host.idle();
  assert.equal(ofType(later, 'delivery').length, 0);
  assert.equal(ofType(later, 'delivery_failed').length, 1);
  assert.equal(receiver.requests.length, 1);
});

engineTest('400 is a dead letter in the state, and a redrive sends it again', async (t, wasm) => {
  const { receiver, host, seen } = await setup(t, wasm, [{ status: 400, body: 'bad payload' }, { status: 200 }]);
  const outputs = await host.handle(ask());
  await host.idle();
  const [delivery] = ofType(outputs, 'delivery');
  const [failed] = ofType(seen.outputs, 'delivery_failed');
  assert.equal(failed.delivery_id, delivery.delivery_id);
  const letter = host.state().dead_letters[delivery.delivery_id];
  assert.ok(letter, 'visible in engine.state().dead_letters');
  assert.equal(letter.status, 400);
  assert.match(letter.reason, /400/);
  assert.equal(host.nextWakeup(), undefined);

  await host.handle({ type: 'redrive_delivery', delivery_id: delivery.delivery_id });
  await host.idle();
  assert.equal(receiver.requests.length, 2);
  assert.equal(receiver.requests[1].headers['webhook-id'], delivery.delivery_id);
  assert.equal(ofType(seen.outputs, 'delivered').length, 1);
  assert.deepEqual(host.state().dead_letters, {});
});

engineTest('a refused connection is a network error, retried', async (t, wasm) => {
  const receiver = await startReceiver();
  const url = receiver.url;
  await receiver.close(); // nothing listens there any more
  const clock = new FakeClock();
  const host = await HandoffHost.create({ wasm, config: webhookConfig(url), secrets, clock });
  t.after(() => host.close());
  const seen = record(host);
  await host.handle(ask());
  await host.idle();
  const [attempt] = seen.deliveries;
  assert.equal(attempt.result.status, undefined);
  assert.match(attempt.result.error, /ECONNREFUSED|fetch failed/);
  assert.equal(ofType(seen.outputs, 'delivery_retry').length, 1);
});

engineTest('a receiver that does not answer in time is a timeout, retried', async (t, wasm) => {
  const { host, seen } = await setup(t, wasm, [{ hang: true }], { timeoutMs: 150 });
  await host.handle(ask());
  await host.idle();
  assert.equal(seen.deliveries[0].result.error, 'timed out after 150 ms');
  const [retry] = ofType(seen.outputs, 'delivery_retry');
  assert.match(retry.error, /timed out after 150 ms/);
});

engineTest('only the first 64 KiB of a response body are reported, cut at a character boundary', async (t, wasm) => {
  // 'x' then two-byte characters: byte 65 536 is the middle of one, which is left out whole.
  const { host, seen } = await setup(t, wasm, [{ status: 500, body: `x${'é'.repeat(40_000)}` }]);
  await host.handle(ask());
  await host.idle();
  const body = seen.deliveries[0].result.body;
  assert.equal(RESPONSE_BODY_LIMIT, 65_536);
  assert.equal(body, `x${'é'.repeat(32_767)}`);
  assert.equal(Buffer.byteLength(body), 65_535);
});

engineTest("a redirect is reported as its status (not followed), as the engine's rules say", async (t, wasm) => {
  const { host, seen } = await setup(t, wasm, [{ status: 302, headers: { location: '/elsewhere', 'retry-after': '1' }, body: 'moved' }]);
  await host.handle(ask());
  await host.idle();
  assert.deepEqual(seen.deliveries[0].result, { status: 302, headers: { 'retry-after': '1' }, body: 'moved' });
});

engineTest('a reported header longer than the engine accepts (8 KiB) is left out, the others kept', async (t, wasm) => {
  const headers = { 'retry-after': '9'.repeat(8 * 1024 + 1), 'x-ratelimit-reset': '1774000000' };
  const { host, seen } = await setup(t, wasm, [{ status: 429, headers }]);
  await host.handle(ask());
  await host.idle();
  assert.deepEqual(seen.deliveries[0].result, { status: 429, headers: { 'x-ratelimit-reset': '1774000000' } });
  assert.deepEqual(seen.errors, [], 'the engine took the result');
});
