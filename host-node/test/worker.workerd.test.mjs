// The worker example (examples/worker/) under the real workerd: chat events over HTTP into one
// Durable Object per tenant, webhooks delivered to a real loopback receiver that verifies their
// Standard Webhooks signatures with the `standardwebhooks` package, a retry fired by the Durable
// Object alarm, workerd killed mid-delivery and started again on the same storage, and the
// engine's every step in workerd replayed in Node with the same inputs and clock.
//
// Needs the workerd binary (`npm ci` in host-node/) and the wasm build (`cargo xtask wasm`); without
// either, every test here fails saying how to get it.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Webhook } from '../test-support/deps.mjs';
import { MISSING, wasmPresent } from '../test-support/engines.mjs';
import { startReceiver } from '../test-support/server.mjs';
import { SECRET } from '../test-support/setup.mjs';
import { WORKER_DIR, WORKERD_CONFIG, killAllWorkerd, startWorkerd, workerdMissing } from '../test-support/worker-workerd.mjs';

const TOKEN = `test-${randomBytes(12).toString('hex')}`;
const TENANT = 'acme';
const CUSTOMER = { id: 'cust_456', name: 'Priya Sharma', email: 'priya@example.com' };
/** The specification's `conversation.handoff_requested` data fields, in its order. */
const HANDOFF_REQUESTED_FIELDS = [
  'conversation_id',
  'customer',
  'trigger',
  'sentiment_score',
  'summary',
  'suggested_actions',
  'priority',
];

function settings(receiverUrl) {
  return {
    handoff: {
      routing: { auto_accept: true },
      agents: [{ id: 'agent_1', name: 'Asha', max_concurrent: 1 }],
      webhooks: [
        {
          id: 'crm',
          url: receiverUrl,
          events: ['conversation.handoff_requested', 'conversation.assigned'],
          secret_ref: 'HANDOFF_WEBHOOK_SECRET',
        },
      ],
    },
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns something truthy; fails after a generous `timeoutMs`. */
async function waitFor(what, probe, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** The receiver's answer for each request: scripted per event, conversation and attempt. */
function answer(request) {
  // Verified when it arrives, with the real clock (standardwebhooks checks the timestamp).
  try {
    request.payload = new Webhook(SECRET).verify(request.body, request.headers);
    request.verified = true;
  } catch (error) {
    request.verified = false;
    request.verifyError = error.message;
    return { status: 401 };
  }
  const key = `${request.payload.event} ${request.payload.data.conversation_id}`;
  request.attempt = (answer.seen.get(request.headers['webhook-id']) ?? 0) + 1;
  answer.seen.set(request.headers['webhook-id'], request.attempt);
  if (request.attempt === 1 && key === 'conversation.handoff_requested conv_1') {
    return { status: 503, headers: { 'retry-after': '1' }, body: 'maintenance' };
  }
  if (request.attempt === 1 && key === 'conversation.handoff_requested conv_2') return { hang: true };
  if (request.attempt === 1 && key === 'conversation.assigned conv_2') return { status: 400, body: 'unknown agent' };
  return { status: 204 };
}
answer.seen = new Map();

describe('the worker example under workerd', () => {
  let receiver;
  let storageDir;
  let worker;
  let env;
  let config;
  /** Every input the test sent, with the worker's answer: `{input, handled_at, outputs}`. */
  const sent = [];
  /** The journals of the two workerd runs. */
  const journals = [];
  /** What the workerd runs wrote to stdout and stderr. */
  const logs = [];
  /** The state of the tenant with a large state, before workerd is killed. */
  let bigState;

  before(async () => {
    const missing = [workerdMissing(), wasmPresent ? null : MISSING].filter(Boolean);
    if (missing.length) throw new Error(missing.join('; '));
    receiver = await startReceiver(answer);
    storageDir = await mkdtemp(join(tmpdir(), 'handoff-workerd-'));
    config = settings(receiver.url);
    env = {
      HANDOFF_API_TOKEN: TOKEN,
      HANDOFF_WEBHOOK_SECRET: SECRET,
      HANDOFF_CONFIG: JSON.stringify(config),
      HANDOFF_JOURNAL: '1000',
    };
    worker = await startWorkerd({ storageDir, env });
  });

  after(async () => {
    killAllWorkerd();
    await worker?.kill();
    await receiver?.close();
    if (storageDir) await rm(storageDir, { recursive: true, force: true });
  });

  async function call(method, path, body, { token = TOKEN, raw } = {}) {
    const response = await fetch(`${worker.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await response.text();
    let json;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text };
  }

  /** Sends an input by a route and records what was sent and answered. */
  async function send(method, path, body, input) {
    const res = await call(method, path, body);
    assert.equal(res.status, 200, `${method} ${path}: ${res.text}\nworkerd:\n${worker.output()}`);
    assert.equal(res.json.tenant, TENANT);
    assert.equal(typeof res.json.handled_at, 'number');
    sent.push({ input, handled_at: res.json.handled_at, outputs: res.json.outputs });
    return res.json.outputs;
  }

  const summary = async () => (await call('GET', `/tenants/${TENANT}`)).json;
  const ofType = (outputs, type) => outputs.filter((o) => o.type === type);
  const requestsFor = (deliveryId) => receiver.requests.filter((r) => r.headers['webhook-id'] === deliveryId);

  /** Checks one request the receiver got: the engine's delivery, signed verifiably. */
  function assertSigned(request, delivery) {
    assert.equal(request.verified, true, `signature did not verify: ${request.verifyError}`);
    assert.equal(request.method, 'POST');
    assert.equal(request.url, '/hook');
    assert.equal(request.headers['webhook-id'], delivery.delivery_id);
    assert.equal(request.body, delivery.body, 'the body is sent exactly as the engine wrote it');
    assert.match(request.headers['webhook-signature'], /^v1,[A-Za-z0-9+/]+=*$/);
    assert.throws(
      () => new Webhook(`whsec_${Buffer.from('another key').toString('base64')}`).verify(request.body, request.headers),
      Error,
      'another secret does not verify',
    );
  }

  it('wrangler.toml deploys what config.capnp runs: the same main module, class, binding and date', async () => {
    const toml = await readFile(join(WORKER_DIR, 'wrangler.toml'), 'utf8');
    const capnp = await readFile(WORKERD_CONFIG, 'utf8');
    const one = (text, re, what) => {
      const m = re.exec(text);
      assert.ok(m, `${what} not found`);
      return m[1];
    };
    assert.equal(one(toml, /^main = "([^"]+)"/m, 'main'), one(capnp, /esModule = embed "([^"]+)"/, 'the first module'));
    assert.equal(one(toml, /^compatibility_date = "([^"]+)"/m, 'date'), one(capnp, /compatibilityDate = "([^"]+)"/, 'date'));
    const [binding, className] = [one(toml, /^name = "([^"]+)"\nclass_name/m, 'DO binding'), one(toml, /^class_name = "([^"]+)"/m, 'class')];
    assert.match(capnp, new RegExp(`name = "${binding}", durableObjectNamespace = "${className}"`));
    assert.match(capnp, new RegExp(`className = "${className}"`));
    assert.match(toml, new RegExp(`new_sqlite_classes = \\["${className}"\\]`));
    assert.match(capnp, /enableSql = true/, 'SQLite-backed, as the migration declares');
    assert.match(await readFile(join(WORKER_DIR, 'src/worker.js'), 'utf8'), new RegExp(`export \\{ ${className} \\}`));
    assert.match(toml, /type = "CompiledWasm"/);
  });

  it('refuses a wrong token, unknown routes, malformed bodies and bad inputs, naming what was wrong', async () => {
    const initial = await call('GET', `/tenants/${TENANT}/state`);
    assert.equal(initial.status, 200);

    const unauthorized = await call('GET', `/tenants/${TENANT}`, undefined, { token: 'wrong' });
    assert.equal(unauthorized.status, 401);
    assert.match(unauthorized.json.error, /bearer token/);

    const unknown = await call('GET', '/nowhere');
    assert.equal(unknown.status, 404);
    const method = await call('GET', `/tenants/${TENANT}/inputs`);
    assert.equal(method.status, 405);

    const notJson = await call('POST', `/tenants/${TENANT}/conversations/conv_1/messages`, undefined, { raw: '{"text":' });
    assert.equal(notJson.status, 400);
    assert.equal(notJson.json.path, 'body');
    assert.match(notJson.json.error, /^body: not valid JSON/);

    const typed = await call('POST', `/tenants/${TENANT}/conversations/conv_1/messages`, { type: 'tick', text: 'x' });
    assert.equal(typed.status, 400);
    assert.equal(typed.json.path, 'body.type');

    const forged = await call('POST', `/tenants/${TENANT}/inputs`, { type: 'delivery_result', delivery_id: 'msg_x', status: 200 });
    assert.equal(forged.status, 422);
    assert.equal(forged.json.path, 'input.type');

    // The engine refuses it (the error names the JSON path) and nothing changes.
    const bad = await call('POST', `/tenants/${TENANT}/inputs`, { type: 'customer_message', conversation_id: 3, text: 'hi' });
    assert.equal(bad.status, 422, bad.text);
    assert.equal(bad.json.path, 'input.conversation_id');
    assert.match(bad.json.error, /^input\.conversation_id: .*expected a string/);
    const unchanged = await call('GET', `/tenants/${TENANT}/state`);
    assert.equal(unchanged.text, initial.text, 'a refused input leaves the state unchanged');
  });

  it('a customer asks for a person: handoff, assigned to Asha, conversation.handoff_requested signed to the CRM', async () => {
    const online = { type: 'agent_update', agent: { status: 'online', id: 'agent_1' } };
    assert.deepEqual(await send('PUT', `/tenants/${TENANT}/agents/agent_1`, { status: 'online' }, online), []);

    const message = { text: 'I want to talk to a human', customer: CUSTOMER };
    const outputs = await send('POST', `/tenants/${TENANT}/conversations/conv_1/messages`, message, {
      type: 'customer_message',
      ...message,
      conversation_id: 'conv_1',
    });
    const [handoff] = ofType(outputs, 'handoff');
    assert.equal(handoff.conversation_id, 'conv_1');
    assert.equal(handoff.primary, 'customer_request');
    assert.deepEqual(handoff.context.customer, CUSTOMER);
    assert.deepEqual(
      ofType(outputs, 'message').map((m) => m.text),
      ["I'm connecting you with a team member who can help further.", "You're now connected with Asha."],
    );
    const [assigned] = ofType(outputs, 'assigned');
    assert.deepEqual(
      { conversation_id: assigned.conversation_id, agent_id: assigned.agent_id, agent_name: assigned.agent_name },
      { conversation_id: 'conv_1', agent_id: 'agent_1', agent_name: 'Asha' },
    );
    const deliveries = ofType(outputs, 'delivery');
    assert.deepEqual(
      deliveries.map((d) => d.event),
      ['conversation.handoff_requested', 'conversation.assigned'],
    );
    const [requested] = deliveries;
    assert.deepEqual(requested.auth, { scheme: 'standard_webhooks', secret_ref: 'HANDOFF_WEBHOOK_SECRET' });
    assert.equal(requested.url, receiver.url);
    assert.ok(!JSON.stringify(outputs).includes(SECRET.slice('whsec_'.length)), 'no secret in the outputs');

    // The receiver got it, signed: verified with the standardwebhooks package, the spec's shape.
    const [first] = await waitFor('the handoff_requested delivery', () => requestsFor(requested.delivery_id).length && requestsFor(requested.delivery_id));
    assertSigned(first, requested);
    const body = JSON.parse(first.body);
    assert.deepEqual(Object.keys(body), ['event', 'timestamp', 'data']);
    assert.equal(body.event, 'conversation.handoff_requested');
    assert.match(body.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(Object.keys(body.data), HANDOFF_REQUESTED_FIELDS);
    assert.deepEqual(body.data.customer, CUSTOMER);
    assert.equal(body.data.conversation_id, 'conv_1');
    assert.equal(body.data.trigger, 'customer_request');
    assert.equal(body.data.priority, 'normal');
    assert.equal(typeof body.data.summary, 'string');
    assert.ok(Array.isArray(body.data.suggested_actions));
    assert.deepEqual(first.payload, body);

    const [assignedDelivery] = await waitFor('the assigned delivery', () => requestsFor(deliveries[1].delivery_id).length && requestsFor(deliveries[1].delivery_id));
    assertSigned(assignedDelivery, deliveries[1]);
  });

  it('the 503 is retried by the Durable Object alarm, with the same webhook-id, and then delivered', async () => {
    const [requested] = ofType(sent.at(-1).outputs, 'delivery');
    // The 503 is reported back: the engine schedules a retry and the worker sets its alarm to it.
    const waiting = await waitFor('the retry to be scheduled', async () => {
      const s = await summary();
      return s.outbox.waiting === 1 && s;
    });
    assert.equal(waiting.alarm_at, waiting.next_wakeup, 'the alarm is the engine next wakeup');
    assert.ok(waiting.alarm_at >= sent.at(-1).handled_at + 1000, 'no sooner than Retry-After');

    const [, second] = await waitFor('the second attempt', () => requestsFor(requested.delivery_id).length >= 2 && requestsFor(requested.delivery_id));
    assertSigned(second, requested);
    assert.equal(second.attempt, 2);
    await waitFor('the outbox to empty', async () => {
      const s = await summary();
      return s.outbox.waiting === 0 && s.outbox.in_flight === 0 && s;
    });

    // The journal shows how: the 503 result, then a tick at the retry time (only the alarm sends
    // ticks: HTTP refuses them) handing out attempt 2, then its 2xx result.
    const { json: journal } = await call('GET', `/tenants/${TENANT}/journal`);
    const steps = journal.entries;
    const failed = steps.findIndex((s) => s.input.type === 'delivery_result' && s.input.delivery_id === requested.delivery_id && s.input.status === 503);
    assert.ok(failed >= 0, 'the 503 was reported to the engine');
    assert.deepEqual(steps[failed].input.headers, { 'retry-after': '1' }, 'Retry-After reported for the engine to read');
    const [retry] = ofType(steps[failed].outputs, 'delivery_retry');
    assert.equal(retry.delivery_id, requested.delivery_id);
    const tick = steps.findIndex((s, i) => i > failed && s.input.type === 'tick' && ofType(s.outputs, 'delivery').some((d) => d.delivery_id === requested.delivery_id));
    assert.ok(tick > failed, 'a tick handed the delivery out again');
    assert.ok(steps[tick].now >= retry.at, 'the tick came at the retry time');
    assert.equal(ofType(steps[tick].outputs, 'delivery')[0].attempt, 2);
    assert.ok(
      steps.some((s, i) => i > tick && s.input.type === 'delivery_result' && s.input.delivery_id === requested.delivery_id && s.input.status === 204 &&
        ofType(s.outputs, 'delivered').length === 1),
      'the 2xx was reported and the delivery is done',
    );
  });

  it('a conversation over 60 000 characters (two-byte text) is its own record, saved by DurableObjectStore in chunks', async () => {
    const text = 'Order details and notes नमस्ते धन्यवाद 注文 '.repeat(400); // 16 800 characters
    for (let i = 0; i < 10; i++) {
      const res = await call('POST', '/tenants/bigco/conversations/conv_big/messages', { text });
      assert.equal(res.status, 200, res.text);
    }
    const state = await call('GET', '/tenants/bigco/state');
    assert.equal(state.status, 200);
    assert.ok(state.text.length > 2 * 60_000, `three chunks or more: a state of ${state.text.length} characters`);
    assert.equal(JSON.parse(state.text).conversations.conv_big.history.length, 10);
    bigState = state.text;
    const { json: stored } = await call('GET', '/tenants/bigco/records');
    assert.deepEqual(stored.records.conversation, ['conv_big'], 'one key per conversation');
    assert.deepEqual(stored.records.engine, ['engine']);
    assert.equal(stored.records.whole_state, false, 'no whole state is written');
  });

  it('a second customer is queued while Asha is busy; workerd is killed while the CRM holds that webhook', async () => {
    const message = { text: 'Can I speak to a person please' };
    const outputs = await send('POST', `/tenants/${TENANT}/conversations/conv_2/messages`, message, {
      type: 'customer_message',
      ...message,
      conversation_id: 'conv_2',
    });
    assert.equal(ofType(outputs, 'handoff').length, 1);
    const [queued] = ofType(outputs, 'queued');
    assert.deepEqual(queued, { type: 'queued', conversation_id: 'conv_2', position: 1, queue_length: 1 });
    assert.ok(ofType(outputs, 'message').some((m) => m.text === "Please hold while I find an available agent. You're 1 in queue."));
    const [requested] = ofType(outputs, 'delivery');
    assert.equal(requested.event, 'conversation.handoff_requested');
    await waitFor('the held delivery to reach the receiver', () => requestsFor(requested.delivery_id).length === 1);

    const { json: journal } = await call('GET', `/tenants/${TENANT}/journal`);
    assert.equal(journal.dropped, 0);
    journals.push(journal.entries);
    await worker.kill('SIGKILL');
    logs.push(worker.output());
  });

  it('started again on the same storage: the queue and the assignment are there, the lost delivery is sent again', async () => {
    assert.ok((await readdir(join(storageDir, 'handoff-tenants-v1'))).some((f) => f.endsWith('.sqlite')), 'state on disk');
    worker = await startWorkerd({ storageDir, env });

    const s = await summary();
    assert.deepEqual(s.conversations, {
      conv_1: { status: 'assigned', priority: 'normal', agent_id: 'agent_1' },
      conv_2: { status: 'queued', priority: 'normal' },
    });
    assert.deepEqual(s.queue, [{ conversation_id: 'conv_2', position: 1, priority: 'normal' }]);
    assert.deepEqual(s.agents, [{ id: 'agent_1', status: 'online', active: ['conv_1'] }]);
    const other = (await call('GET', '/tenants/globex')).json;
    assert.deepEqual(other.conversations, {}, 'another tenant has an engine of its own');
    assert.equal((await call('GET', '/tenants/bigco/state')).text, bigState, 'the chunked state, byte for byte');
    const more = await call('POST', '/tenants/bigco/conversations/conv_big/messages', { text: 'one more' });
    assert.equal(more.status, 200, more.text);
    assert.equal(JSON.parse((await call('GET', '/tenants/bigco/state')).text).conversations.conv_big.history.length, 11);

    // The delivery workerd had in flight when it was killed goes out again: same webhook-id.
    const lost = ofType(sent.at(-1).outputs, 'delivery')[0];
    const [, again] = await waitFor('the lost delivery to be sent again', () => requestsFor(lost.delivery_id).length >= 2 && requestsFor(lost.delivery_id));
    assertSigned(again, lost);
    await waitFor('the outbox to empty', async () => {
      const now = await summary();
      return now.outbox.waiting === 0 && now.outbox.in_flight === 0;
    });
  });

  it('the conversation continues: closing conv_1 hands conv_2 to Asha; a 400 is a dead letter, re-driven', async () => {
    const outputs = await send('POST', `/tenants/${TENANT}/conversations/conv_1/close`, { by: 'agent' }, {
      type: 'conversation_closed',
      by: 'agent',
      conversation_id: 'conv_1',
    });
    assert.equal(ofType(outputs, 'closed')[0].conversation_id, 'conv_1');
    const [assigned] = ofType(outputs, 'assigned');
    assert.equal(assigned.conversation_id, 'conv_2');
    assert.equal(assigned.agent_name, 'Asha');
    assert.ok(ofType(outputs, 'message').some((m) => m.conversation_id === 'conv_2' && m.text === "You're now connected with Asha."));
    const [delivery] = ofType(outputs, 'delivery');
    assert.equal(delivery.event, 'conversation.assigned');

    // The receiver answers 400: not retried, a dead letter the worker shows.
    const letters = await waitFor('the dead letter', async () => {
      const res = await call('GET', `/tenants/${TENANT}/dead-letters`);
      return Object.keys(res.json.dead_letters).length === 1 && res.json.dead_letters;
    });
    assert.equal(letters[delivery.delivery_id].status, 400);
    assertSigned(requestsFor(delivery.delivery_id)[0], delivery);
    assert.equal((await summary()).dead_letters, 1);

    const redriven = await send('POST', `/tenants/${TENANT}/dead-letters/${delivery.delivery_id}/redrive`, undefined, {
      type: 'redrive_delivery',
      delivery_id: delivery.delivery_id,
    });
    assert.equal(ofType(redriven, 'delivery')[0].delivery_id, delivery.delivery_id);
    await waitFor('the re-driven delivery', () => requestsFor(delivery.delivery_id).length === 2);
    assertSigned(requestsFor(delivery.delivery_id)[1], delivery);
    const done = await waitFor('the outbox to empty', async () => {
      const s = await summary();
      return s.outbox.waiting === 0 && s.outbox.in_flight === 0 && s;
    });
    assert.equal(done.dead_letters, 0);
    assert.deepEqual(done.conversations, { conv_2: { status: 'assigned', priority: 'normal', agent_id: 'agent_1' } });
    assert.equal(done.alarm_at, null, 'no alarm once nothing waits on time');
    assert.equal(done.next_wakeup, null);
  });

  it('workerd decides exactly as Node: the same inputs at the same times give the same outputs and state bytes', async () => {
    const { json: journal } = await call('GET', `/tenants/${TENANT}/journal`);
    assert.equal(journal.dropped, 0);
    journals.push(journal.entries);
    const [beforeKill, afterRestart] = journals;
    assert.equal(afterRestart[0].input.type, 'host_restarted', 'the restarted object first reports the restart');
    const steps = [...beforeKill, ...afterRestart];

    // Every input the test sent is a step, with the outputs the worker answered.
    for (const s of sent) {
      const step = steps.find((e) => e.now === s.handled_at && JSON.stringify(e.input) === JSON.stringify(s.input));
      assert.ok(step, `the journal has ${JSON.stringify(s.input)}`);
      assert.deepEqual(step.outputs, s.outputs);
    }

    const { init } = await import('handoff-engine');
    const { Engine } = await init();
    const engine = new Engine(config);
    for (const [i, step] of steps.entries()) {
      if (step.error) {
        assert.throws(() => engine.handle(step.input, step.now), { message: step.error.message }, `step ${i}`);
      } else {
        const outputs = JSON.parse(JSON.stringify(engine.handle(step.input, step.now)));
        assert.deepEqual(outputs, step.outputs, `step ${i}: ${JSON.stringify(step.input)}`);
      }
    }
    const state = await call('GET', `/tenants/${TENANT}/state`);
    assert.equal(state.status, 200);
    assert.equal(engine.stateJson(), state.text, 'the same state, byte for byte');
    engine.free();

    // The webhook secret is in no output, state, journal or log.
    const key = SECRET.slice('whsec_'.length);
    for (const [what, text] of [
      ['the answers', JSON.stringify(sent)],
      ['the journals', JSON.stringify(journals)],
      ['the state', state.text],
      ['workerd\'s output', [...logs, worker.output()].join('\n')],
    ]) {
      assert.ok(!text.includes(key), `the secret is in ${what}`);
    }
  });
});
