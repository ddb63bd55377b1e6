// Helpdesk integrations performed by the host: the real engine builds the requests, the host
// authenticates them at send time (bearer, basic), reports status, body and rate-limit headers,
// and the engine follows up on what was created. Loopback fake vendors check the credentials and
// answer like the vendor; a fake clock moves time.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { HandoffHost, MemoryStore, RESPONSE_BODY_LIMIT } from 'handoff-engine';
import { realTest } from '../test-support/engines.mjs';
import { FakeClock } from '../test-support/clock.mjs';
import { ask, ofType, record } from '../test-support/setup.mjs';
import { basic, startFreshdesk, startIntercom, startZendesk } from '../test-support/vendors.mjs';

const ZENDESK_TOKEN = 'zd-6wiIBWbGkBMo1mRDMuVwkw1EPsNkeUj95PIz2akv';
const FRESHDESK_KEY = 'fd-Abcdef123456GhIjKl';
const INTERCOM_TOKEN = 'dG9rOmIxZTQ5YzVjXzBhNGRfNGYyNF9hN2QzXzQ3OWFjZjJhN2E3NzoxOjA=';

/** Resolves exactly these references, as `(ref) => process.env[ref]` would. */
function secretsOf(map) {
  return (ref) => (Object.hasOwn(map, ref) ? map[ref] : undefined);
}

/** One online agent, assigned without the offer step, and the given integrations. */
function config(...integrations) {
  return {
    handoff: {
      agents: [{ id: 'agent_1', name: 'Asha' }],
      routing: { auto_accept: true },
      integrations,
    },
  };
}

const online = { type: 'agent_update', agent: { id: 'agent_1', status: 'online' } };

function customerWith(attributes) {
  return {
    type: 'customer_message',
    conversation_id: 'conv_1',
    text: 'I want to talk to a human',
    customer: { id: 'cust_456', name: 'Priya Sharma', email: 'priya@example.com', attributes },
  };
}

/** Everything a host exposes, as one text: the secret must appear in none of it. */
async function everythingVisible(host, seen, store) {
  return JSON.stringify({
    outputs: seen.outputs,
    deliveries: seen.deliveries,
    errors: seen.errors.map((e) => e.message),
    state: host.state(),
    stored: await store.load(),
  });
}

async function start(t, wasm, options) {
  const clock = new FakeClock();
  const store = new MemoryStore();
  const host = await HandoffHost.create({ wasm, clock, store, environment: 'server', ...options });
  t.after(() => host.close());
  return { clock, store, host, seen: record(host) };
}

realTest('Zendesk: basic {email}/token, the ticket is created, and the assignment updates that ticket', async (t, wasm) => {
  // A 40 KB answer (the echoed description) with the id after it: more than the old 1 KiB of body.
  const zendesk = await startZendesk({ email: 'agent@example.com', token: ZENDESK_TOKEN, firstId: 35436, descriptionBytes: 40_000 });
  t.after(() => zendesk.close());
  const { host, seen, store } = await start(t, wasm, {
    config: config({
      kind: 'zendesk',
      base_url: zendesk.baseUrl,
      email: 'agent@example.com',
      api_token_ref: 'ZENDESK_API_TOKEN',
      agent_map: { agent_1: 381001 },
    }),
    secrets: secretsOf({ ZENDESK_API_TOKEN: ZENDESK_TOKEN }),
  });

  await host.handle(online);
  const outputs = await host.handle(ask());
  assert.equal(ofType(outputs, 'assigned').length, 1, 'assigned at once (auto_accept)');
  const [create] = ofType(outputs, 'delivery');
  assert.equal(create.operation, 'zendesk.create_ticket');
  assert.deepEqual(create.auth, { scheme: 'basic', username: 'agent@example.com/token', password_ref: 'ZENDESK_API_TOKEN' });
  await host.idle();

  const [first, second, ...rest] = zendesk.requests;
  assert.equal(rest.length, 0, `two requests, got ${zendesk.requests.map((r) => `${r.method} ${r.path}`)}`);
  assert.equal(first.method, 'POST');
  assert.equal(first.path, '/api/v2/tickets');
  assert.equal(first.headers.authorization, `Basic ${Buffer.from(`agent@example.com/token:${ZENDESK_TOKEN}`).toString('base64')}`);
  assert.equal(first.headers['idempotency-key'], create.delivery_id);
  assert.ok(first.json.ticket.comment.body.length > 0);

  // The 201's body went back to the engine (whole: 40 KB is under the 64 KiB limit)...
  const created = seen.deliveries.find((d) => d.delivery.delivery_id === create.delivery_id);
  assert.equal(created.result.status, 201);
  assert.ok(Buffer.byteLength(created.result.body) > 40_000 && Buffer.byteLength(created.result.body) <= RESPONSE_BODY_LIMIT);
  // ...so the update went to the ticket it created.
  assert.equal(second.method, 'PUT');
  assert.equal(second.path, '/api/v2/tickets/35436');
  assert.equal(second.headers.authorization, first.headers.authorization);
  assert.equal(second.json.ticket.assignee_id, 381001);
  assert.equal(second.json.ticket.status, 'open');
  const update = seen.deliveries.find((d) => d.delivery.delivery_id !== create.delivery_id).delivery;
  assert.equal(update.operation, 'zendesk.update_ticket');
  assert.equal(ofType(seen.outputs, 'delivered').length, 2);
  assert.deepEqual(host.state().dead_letters, {});

  const visible = await everythingVisible(host, seen, store);
  assert.ok(!visible.includes(ZENDESK_TOKEN), 'the token is nowhere in outputs, results, errors or state');
  assert.ok(!visible.includes(first.headers.authorization.slice('Basic '.length)), 'nor the header built from it');
});

realTest('Freshdesk: basic {api_key}:X, notes go to the created ticket', async (t, wasm) => {
  const freshdesk = await startFreshdesk({ apiKey: FRESHDESK_KEY, firstId: 43 });
  t.after(() => freshdesk.close());
  const { host, seen, store } = await start(t, wasm, {
    config: config({ kind: 'freshdesk', base_url: freshdesk.baseUrl, api_key_ref: 'FRESHDESK_API_KEY', agent_map: { agent_1: 5000067890 } }),
    secrets: secretsOf({ FRESHDESK_API_KEY: FRESHDESK_KEY }),
  });
  await host.handle(online);
  await host.handle(ask());
  await host.idle();

  const expected = `Basic ${Buffer.from(`${FRESHDESK_KEY}:X`).toString('base64')}`;
  assert.equal(basic(FRESHDESK_KEY, 'X'), expected);
  assert.ok(freshdesk.requests.length >= 2, `requests: ${freshdesk.requests.map((r) => `${r.method} ${r.path}`)}`);
  for (const request of freshdesk.requests) assert.equal(request.headers.authorization, expected, `${request.method} ${request.path}`);
  const [create, ...followUps] = freshdesk.requests;
  assert.equal(`${create.method} ${create.path}`, 'POST /api/v2/tickets');
  assert.ok(followUps.some((r) => r.method === 'POST' && r.path === '/api/v2/tickets/43/notes'), 'a note on ticket 43');
  assert.ok(followUps.some((r) => r.method === 'PUT' && r.path === '/api/v2/tickets/43' && r.json.responder_id === 5000067890), 'the responder set on ticket 43');
  assert.ok(followUps.every((r) => r.path.startsWith('/api/v2/tickets/43')));
  assert.equal(ofType(seen.outputs, 'delivered').length, freshdesk.requests.length);
  assert.ok(!(await everythingVisible(host, seen, store)).includes(FRESHDESK_KEY));
});

realTest('Intercom: bearer and Intercom-Version; a 429 with X-RateLimit-Reset puts the retry after the reset', async (t, wasm) => {
  let resetSecs;
  const intercom = await startIntercom({
    token: INTERCOM_TOKEN,
    // The first request is throttled until two minutes from now (the host's fake clock).
    throttle: (request, n) => (n === 1 ? resetSecs : undefined),
  });
  t.after(() => intercom.close());
  const { clock, host, seen, store } = await start(t, wasm, {
    config: config({
      kind: 'intercom',
      base_url: intercom.baseUrl,
      access_token_ref: 'INTERCOM_ACCESS_TOKEN',
      admin_id: '814860',
      team_id: '5017691',
    }),
    secrets: secretsOf({ INTERCOM_ACCESS_TOKEN: INTERCOM_TOKEN }),
  });
  resetSecs = Math.floor(clock.now() / 1000) + 120;
  await host.handle({ ...online, agent: { id: 'agent_1', status: 'offline' } });
  const outputs = await host.handle(customerWith({ intercom_conversation_id: '215468453214597' }));
  const [note] = ofType(outputs, 'delivery');
  assert.equal(note.operation, 'intercom.note');
  assert.deepEqual(note.auth, { scheme: 'bearer', token_ref: 'INTERCOM_ACCESS_TOKEN' });
  await host.idle();

  assert.equal(intercom.requests.length, 1, 'the assignment waits behind the throttled note');
  const [throttled] = intercom.requests;
  assert.equal(throttled.path, '/conversations/215468453214597/reply');
  assert.equal(throttled.headers.authorization, `Bearer ${INTERCOM_TOKEN}`);
  assert.equal(throttled.headers['intercom-version'], '2.14');
  // The host reported the rate-limit headers as they came; the engine decided when to retry.
  const [attempt] = seen.deliveries;
  assert.equal(attempt.result.status, 429);
  assert.deepEqual(attempt.result.headers, { 'x-ratelimit-reset': String(resetSecs) });
  assert.equal(attempt.result.retry_after_ms, undefined, 'the engine reads the headers itself');
  const [retry] = ofType(seen.outputs, 'delivery_retry');
  assert.equal(retry.delivery_id, note.delivery_id);
  assert.ok(retry.at >= resetSecs * 1000, `retry at ${new Date(retry.at).toISOString()}, reset ${new Date(resetSecs * 1000).toISOString()}`);
  assert.ok(retry.at - clock.now() > 60_000, 'later than the engine would retry on its own (5 s)');
  assert.equal(host.timerAt, retry.at);

  clock.advanceTo(retry.at - 1);
  await host.idle();
  assert.equal(intercom.requests.length, 1, 'nothing before the reset');
  clock.advanceTo(retry.at);
  await host.idle();
  const paths = intercom.requests.map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(paths, [
    'POST /conversations/215468453214597/reply',
    'POST /conversations/215468453214597/reply',
    'POST /conversations/215468453214597/parts',
  ]);
  const assign = intercom.requests[2];
  assert.equal(assign.json.message_type, 'assignment');
  assert.equal(assign.json.assignee_id, '5017691');
  for (const request of intercom.requests) {
    assert.equal(request.headers.authorization, `Bearer ${INTERCOM_TOKEN}`);
    assert.equal(request.headers['intercom-version'], '2.14');
  }
  assert.equal(ofType(seen.outputs, 'delivered').length, 2);
  assert.ok(!(await everythingVisible(host, seen, store)).includes(INTERCOM_TOKEN));
});

realTest('a missing credential: the attempt fails naming the reference, nothing is sent, no value leaks', async (t, wasm) => {
  const zendesk = await startZendesk({ email: 'agent@example.com', token: ZENDESK_TOKEN });
  t.after(() => zendesk.close());
  const intercom = await startIntercom({ token: INTERCOM_TOKEN });
  t.after(() => intercom.close());
  const { host, seen, store } = await start(t, wasm, {
    config: config(
      { kind: 'zendesk', base_url: zendesk.baseUrl, email: 'agent@example.com', api_token_ref: 'ZENDESK_API_TOKEN' },
      { kind: 'intercom', base_url: intercom.baseUrl, access_token_ref: 'INTERCOM_ACCESS_TOKEN', admin_id: '814860', team_id: '5017691' },
    ),
    // Zendesk's token is not set; the vault fails for Intercom's with an error holding a secret.
    secrets: (ref) => {
      if (ref === 'INTERCOM_ACCESS_TOKEN') throw new Error(`vault refused: cached value ${INTERCOM_TOKEN} expired`);
      return undefined;
    },
  });
  await host.handle(customerWith({ intercom_conversation_id: '215468453214597' }));
  await host.idle();

  assert.equal(zendesk.requests.length, 0, 'never sent without its credential');
  assert.equal(intercom.requests.length, 0, 'never sent without its credential');
  const byOperation = Object.fromEntries(seen.deliveries.map((d) => [d.delivery.operation, d.result]));
  assert.deepEqual(byOperation['zendesk.create_ticket'], {
    error: 'auth.password_ref: credential ZENDESK_API_TOKEN is not set (an environment variable or worker secret)',
  });
  assert.deepEqual(byOperation['intercom.note'], { error: 'could not resolve the credential INTERCOM_ACCESS_TOKEN (an environment variable or worker secret)' });
  // Reported as failed attempts: the engine retries them, the reference in the error.
  const retries = ofType(seen.outputs, 'delivery_retry');
  assert.equal(retries.length, 2);
  assert.ok(retries.some((r) => r.error.includes('credential ZENDESK_API_TOKEN ')));
  assert.ok(retries.some((r) => r.error.includes('credential INTERCOM_ACCESS_TOKEN ')));
  assert.ok(!(await everythingVisible(host, seen, store)).includes(INTERCOM_TOKEN));
});

realTest("a basic-auth user name holding ':' is refused by the engine, not sent, with the vector's error", async (t, wasm) => {
  const freshdesk = await startFreshdesk({ apiKey: FRESHDESK_KEY, firstId: 43 });
  t.after(() => freshdesk.close());
  const colonKey = `${FRESHDESK_KEY}:oops`;
  const { host, seen, store } = await start(t, wasm, {
    config: config({ kind: 'freshdesk', base_url: freshdesk.baseUrl, api_key_ref: 'FRESHDESK_API_KEY' }),
    secrets: secretsOf({ FRESHDESK_API_KEY: colonKey }),
  });
  await host.handle(online);
  await host.handle(ask());
  await host.idle();
  assert.equal(freshdesk.requests.length, 0, 'RFC 7617: a user-id holding a colon is not sent');
  // Exactly what the conformance vector scripts for this exchange (and what the native host reports).
  const vector = readFileSync(new URL('../../examples/conversations/helpdesk-basic-auth-colon.jsonl', import.meta.url), 'utf8');
  const scripted = JSON.parse(vector.split('\n')[2]).input.error;
  assert.deepEqual(seen.deliveries[0].result, { error: scripted });
  assert.equal(ofType(seen.outputs, 'delivery_retry')[0].error, scripted);
  assert.ok(!(await everythingVisible(host, seen, store)).includes(colonKey));
});

realTest('a credential with a line break is refused by name, not sent, not echoed', async (t, wasm) => {
  const intercom = await startIntercom({ token: INTERCOM_TOKEN });
  t.after(() => intercom.close());
  const { host, seen, store } = await start(t, wasm, {
    config: config({ kind: 'intercom', base_url: intercom.baseUrl, access_token_ref: 'INTERCOM_ACCESS_TOKEN', admin_id: '814860', team_id: '5017691' }),
    secrets: secretsOf({ INTERCOM_ACCESS_TOKEN: `${INTERCOM_TOKEN}\n` }),
  });
  await host.handle(customerWith({ intercom_conversation_id: '215468453214597' }));
  await host.idle();
  assert.equal(intercom.requests.length, 0);
  assert.match(seen.deliveries[0].result.error, /^auth\.token_ref: credential INTERCOM_ACCESS_TOKEN holds characters an HTTP header cannot carry/);
  assert.ok(!(await everythingVisible(host, seen, store)).includes(INTERCOM_TOKEN));
});

realTest('an auth scheme the host does not know is a failed attempt, never sent unauthenticated', async (t, wasm) => {
  const zendesk = await startZendesk({ email: 'agent@example.com', token: ZENDESK_TOKEN });
  t.after(() => zendesk.close());
  // An engine newer than this host: its deliveries use a scheme the host has never heard of.
  const wrap = (engine) =>
    new Proxy(engine, {
      get(target, prop) {
        if (prop === 'handle') {
          return (input, now) => target.handle(input, now).map((o) => (o.type === 'delivery' ? { ...o, auth: { scheme: 'digest', realm_ref: 'X' } } : o));
        }
        const value = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  const newer = {
    ...wasm,
    Engine: Object.assign(function Engine(c) {
      return wrap(new wasm.Engine(c));
    }, { restore: (c, s) => wrap(wasm.Engine.restore(c, s)) }),
  };
  const { host, seen } = await start(t, newer, {
    config: config({ kind: 'zendesk', base_url: zendesk.baseUrl, email: 'agent@example.com', api_token_ref: 'ZENDESK_API_TOKEN' }),
    secrets: secretsOf({ ZENDESK_API_TOKEN: ZENDESK_TOKEN }),
  });
  await host.handle(ask());
  await host.idle();
  assert.equal(zendesk.requests.length, 0);
  assert.match(seen.deliveries[0].result.error, /^auth\.scheme: unknown auth scheme "digest" \(this engine knows none, standard_webhooks, bearer, basic\): not sent/);
  assert.equal(ofType(seen.outputs, 'delivery_retry').length, 1, 'reported as a failed attempt');
});

realTest('a browser host refuses a helpdesk integration when it starts, naming its path', async (t, wasm) => {
  const zendesk = { kind: 'zendesk', subdomain: 'acme', email: 'agent@example.com', api_token_ref: 'ZENDESK_API_TOKEN' };
  const webhook = { kind: 'webhook', url: 'https://hooks.example.com/h' };
  const refused = async (config, path, message) => {
    const store = new MemoryStore();
    await assert.rejects(HandoffHost.create({ wasm, environment: 'browser', config, store }), (error) => {
      assert.equal(error.name, 'ConfigError');
      assert.equal(error.path, path);
      assert.equal(error.kind, 'invalid');
      assert.ok(error.message.startsWith(`${path}: ${message}`), error.message);
      return true;
    });
    assert.equal(await store.load(), null, 'nothing stored');
  };
  const HELPDESK = 'helpdesk integrations do not belong in a browser: "zendesk" needs credentials the page must not hold';
  await refused({ handoff: { integrations: [zendesk] } }, 'handoff.integrations[0]', HELPDESK);
  // Disabled, after a webhook entry, and in a bare config.
  await refused({ integrations: [webhook, { ...zendesk, enabled: false }] }, 'handoff.integrations[1]', HELPDESK);
  // A webhook entry is a webhook: refused when signed (enabled or not), at its secret_ref...
  for (const enabled of [true, false]) {
    await refused(
      { handoff: { integrations: [{ ...webhook, secret_ref: 'HANDOFF_WEBHOOK_SECRET', enabled }] } },
      'handoff.integrations[0].secret_ref',
      'webhook secrets do not belong in a browser',
    );
  }
  // ...and fine unsigned, as in handoff.webhooks.
  const unsigned = await HandoffHost.create({ wasm, environment: 'browser', config: { integrations: [webhook, { ...webhook, id: 'off', enabled: false }] } });
  t.after(() => unsigned.close());
  // The same configuration on a server starts; a browser without integrations does too.
  const server = await HandoffHost.create({ wasm, environment: 'server', config: { handoff: { integrations: [zendesk] } } });
  t.after(() => server.close());
  const browser = await HandoffHost.create({ wasm, environment: 'browser', config: { handoff: { integrations: [] } } });
  t.after(() => browser.close());
});
