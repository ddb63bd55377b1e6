// Deliveries are signed at send time with Standard Webhooks, verified here independently with the
// `standardwebhooks` package against a real loopback HTTP server.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Webhook } from '../test-support/deps.mjs';
import { HandoffHost } from 'handoff-engine';
import { engineTest, realTest } from '../test-support/engines.mjs';
import { signWithWebCrypto } from '../test-support/fake-engine.mjs';
import { startReceiver } from '../test-support/server.mjs';
import { SECRET, SECRET_REF, ask, ofType, record, secrets, webhookConfig } from '../test-support/setup.mjs';

// The Standard Webhooks reference vector.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

test("the fake engine's WebCrypto signer gives the reference signature", async () => {
  assert.equal(await signWithWebCrypto(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body), VECTOR.signature);
  await assert.rejects(signWithWebCrypto('not-a-secret', 'msg_1', 0, '{}'), /webhook secret is not valid/);
});

realTest("the engine's sign gives the reference signature", async (t, wasm) => {
  assert.equal(wasm.sign(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body), VECTOR.signature);
});

engineTest("the engine's prepare signs with the reference signature", async (t, wasm) => {
  const delivery = {
    type: 'delivery', delivery_id: VECTOR.id, webhook_id: 'crm', conversation_id: 'c', event: 'conversation.closed',
    method: 'POST', url: 'https://crm.example.com/h', headers: { 'content-type': 'application/json' },
    body: VECTOR.body, attempt: 1, auth: { scheme: 'standard_webhooks', secret_ref: 'WH' },
  };
  assert.deepEqual(wasm.secretRefs(delivery), ['WH']);
  const request = await wasm.prepare(delivery, { WH: VECTOR.secret }, VECTOR.timestamp);
  assert.deepEqual(request, {
    method: 'POST', url: 'https://crm.example.com/h', body: VECTOR.body,
    headers: {
      'content-type': 'application/json',
      'handoff-schema': 'https://handoff.dev/schema/v1/event.schema.json',
      'webhook-id': VECTOR.id,
      'webhook-timestamp': String(VECTOR.timestamp),
      'webhook-signature': VECTOR.signature,
    },
    response: { follow_redirects: false, body_limit: 65536, headers: ['retry-after', 'x-ratelimit-reset'], header_value_limit: 8192 },
  });
});

engineTest('a signed delivery verifies with the standardwebhooks package', async (t, wasm) => {
  const receiver = await startReceiver([{ status: 204 }]);
  t.after(() => receiver.close());
  // The real clock: standardwebhooks checks the timestamp against its own clock (5 minutes).
  const host = await HandoffHost.create({ wasm, config: webhookConfig(receiver.url), secrets });
  t.after(() => host.close());
  const seen = record(host);
  const before = Math.floor(Date.now() / 1000);
  const outputs = await host.handle(ask());
  await host.idle();
  const after = Math.floor(Date.now() / 1000);

  const [delivery] = ofType(outputs, 'delivery');
  assert.deepEqual(delivery.auth, { scheme: 'standard_webhooks', secret_ref: SECRET_REF });
  assert.equal(receiver.requests.length, 1);
  const request = receiver.requests[0];
  assert.equal(request.method, 'POST');
  assert.equal(request.body, delivery.body, 'the body is sent exactly as the engine wrote it');
  assert.equal(request.headers['content-type'], 'application/json');
  assert.equal(request.headers['webhook-id'], delivery.delivery_id);
  const ts = Number(request.headers['webhook-timestamp']);
  assert.ok(ts >= before && ts <= after, `webhook-timestamp ${ts} is the time of the attempt`);
  const payload = new Webhook(SECRET).verify(request.body, request.headers);
  assert.equal(payload.event, 'conversation.handoff_requested');
  assert.throws(() => new Webhook('whsec_' + Buffer.from('another key').toString('base64')).verify(request.body, request.headers));
  assert.equal(ofType(seen.outputs, 'delivered').length, 1);
  assert.deepEqual(seen.errors, []);
});

engineTest('an unsigned webhook gets no signature headers', async (t, wasm) => {
  const receiver = await startReceiver([{ status: 200 }]);
  t.after(() => receiver.close());
  const host = await HandoffHost.create({ wasm, config: webhookConfig(receiver.url, { signed: false }) });
  t.after(() => host.close());
  await host.handle(ask());
  await host.idle();
  assert.equal(receiver.requests.length, 1);
  assert.equal(receiver.requests[0].headers['webhook-signature'], undefined);
});

engineTest('a secret that cannot be resolved is a failed attempt, retried, and no request', async (t, wasm) => {
  const receiver = await startReceiver([{ status: 200 }]);
  t.after(() => receiver.close());
  const host = await HandoffHost.create({ wasm, config: webhookConfig(receiver.url), secrets: () => undefined });
  t.after(() => host.close());
  const seen = record(host);
  await host.handle(ask());
  await host.idle();
  assert.equal(receiver.requests.length, 0);
  const [retry] = ofType(seen.outputs, 'delivery_retry');
  assert.ok(retry, 'the engine schedules a retry');
  assert.equal(retry.error, 'auth.secret_ref: credential HANDOFF_TEST_SECRET is not set (an environment variable or worker secret)');
});

engineTest('secrets never appear in outputs, errors, state or logs', async (t, wasm) => {
  const bad = 'whsec_!!!this-is-not-base64-TOPSECRET';
  const receiver = await startReceiver([{ status: 200 }]);
  t.after(() => receiver.close());
  const logged = [];
  const original = { error: console.error, warn: console.warn, log: console.log, info: console.info };
  for (const k of Object.keys(original)) console[k] = (...args) => logged.push(args.map(String).join(' '));
  t.after(() => Object.assign(console, original));
  const host = await HandoffHost.create({ wasm, config: webhookConfig(receiver.url), secrets: () => bad });
  t.after(() => host.close());
  const seen = record(host);
  const outputs = await host.handle(ask());
  await host.idle();
  // And once more with no error listener, so the host's own fallback logging is exercised.
  const host2 = await HandoffHost.create({ wasm, config: webhookConfig(receiver.url), secrets: () => bad });
  t.after(() => host2.close());
  await host2.handle({ type: 'delivery_result', delivery_id: 'msg_unknown', status: 200 }).catch(() => {});
  await host2.handle(ask());
  await host2.idle();
  const everything = JSON.stringify([outputs, seen, host.state(), host2.state(), logged]) + seen.errors.map(String).join();
  assert.ok(!everything.includes('TOPSECRET'), 'the secret leaked');
  assert.equal(receiver.requests.length, 0, 'nothing was sent unsigned');
  const [retry] = ofType(seen.outputs, 'delivery_retry');
  assert.match(retry.error, /^auth\.secret_ref: the secret HANDOFF_TEST_SECRET is not valid: webhook secret is not valid/);
});
