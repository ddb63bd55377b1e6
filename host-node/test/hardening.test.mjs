// Hardening, through the real engine (no fakes): bounded customer attributes refused with their
// path, states an older engine wrote (nested past serde_json's 128 levels) restored, values JSON
// cannot hold (NaN, Infinity) refused instead of read as null, lone UTF-16 surrogates repaired, a
// clock in seconds refused, structs given as arrays refused, a capacity of 0 refused; and
// `HandoffHost.query`, answered in line with the inputs without reading the whole state, the same
// in the module Node loads (built for speed) and the one browsers load (built for size).

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { HandoffHost, MemoryStore } from 'handoff-engine';
import { FakeClock } from '../test-support/clock.mjs';
import { WASM_BYTES, realTest } from '../test-support/engines.mjs';
import { record } from '../test-support/setup.mjs';

const NOW = Date.UTC(2026, 0, 12, 10, 30);
const SPEED_BYTES = new URL('../wasm/handoff_wasm_speed.wasm', import.meta.url);
/** Customers wait in the queue: nobody is on duty. */
const CONFIG = { handoff: { routing: { fallback: 'queue' } } };

/** `{a: {a: ... 1}}`, `levels` objects deep (`nested(0)` is `1`). */
function nested(levels) {
  let value = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

/** The path the engine names for an attribute `deep` nested past 16 levels: the 17th level. */
const DEEP_PATH = `input.customer.attributes.deep${'.a'.repeat(16)}`;

function ask(conversationId, customer) {
  const input = { type: 'customer_message', conversation_id: conversationId, text: 'I want to talk to a human' };
  if (customer !== undefined) input.customer = customer;
  return input;
}

/** How deeply JSON text nests objects and arrays (brackets inside strings do not count). */
function depthOf(text) {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') deepest = Math.max(deepest, ++depth);
    else if (c === '}' || c === ']') depth--;
  }
  return deepest;
}

/** A started host on the real engine with a fake clock, closed after the test. */
async function startHost(t, wasm, { store = new MemoryStore(), clock = new FakeClock(NOW), config = CONFIG } = {}) {
  const host = await HandoffHost.create({ wasm, config, store, clock, environment: 'server' });
  t.after(() => host.close());
  return host;
}

/** Asserts `promise` rejects with an `InputError` at `path`, its message starting with the path. */
async function refusedAt(promise, path) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof Error, String(e));
    assert.equal(e.name, 'InputError', e.message);
    assert.equal(e.path, path, e.message);
    assert.ok(e.message.startsWith(`${path}: `), e.message);
    return true;
  });
}

let sizeModule = null;

/** The size-built module browsers and workers load, through its own instance of the glue. */
async function sizeWasm() {
  if (!sizeModule) {
    // The query makes it a separate ES module, so both builds are live in this process.
    const glue = await import(new URL('../wasm/handoff_wasm.js?size', import.meta.url));
    await glue.default({ module_or_path: await readFile(WASM_BYTES) });
    sizeModule = Object.freeze({ Engine: glue.Engine, sign: glue.sign });
  }
  return sizeModule;
}

/** The module Node loads (`init()` of the package: the speed build) and the size build. */
async function bothModules(wasm) {
  assert.ok(existsSync(SPEED_BYTES), 'the speed build is missing (host-node/wasm/handoff_wasm_speed.wasm): run `cargo xtask wasm`');
  const size = await sizeWasm();
  assert.notEqual(size.Engine, wasm.Engine, 'two separate instances of the glue');
  return { speed: wasm, size };
}

// ---------------------------------------------------------------------------------------------
// Customer attributes: at most 16 levels of nesting
// ---------------------------------------------------------------------------------------------

realTest('attributes nested 17, 64, 123 and 124 levels are refused with their path, and nothing changes', async (t, wasm) => {
  const store = new MemoryStore();
  const host = await startHost(t, wasm, { store });
  const seen = record(host);
  await host.handle(ask('c0'));
  const before = host.engine.stateJson();
  const saved = JSON.stringify(store.rows());
  const emitted = seen.outputs.length;
  for (const levels of [17, 64, 123, 124]) {
    await refusedAt(host.handle(ask('c1', { attributes: { deep: nested(levels) } })), DEEP_PATH);
    assert.equal(host.engine.stateJson(), before, `${levels} levels: the state is unchanged`);
    assert.equal(JSON.stringify(store.rows()), saved, `${levels} levels: nothing was saved`);
    // The same on an engine of each build, called directly.
    for (const [name, { Engine }] of Object.entries(await bothModules(wasm))) {
      const engine = Engine.restore(CONFIG, before);
      assert.throws(
        () => engine.handle(ask('c1', { attributes: { deep: nested(levels) } }), NOW),
        (e) => e.name === 'InputError' && e.path === DEEP_PATH,
        `${name}: ${levels} levels`,
      );
      assert.equal(engine.stateJson(), before, `${name}: ${levels} levels: the state is unchanged`);
      engine.free();
    }
  }
  assert.equal(seen.outputs.length, emitted, 'a refused input emits nothing');
  assert.equal(await host.query({ query: 'conversation', conversation_id: 'c1' }), null);
  assert.deepEqual(await host.query({ query: 'gauges' }), {
    queue_length: 1,
    conversations: 1,
    agents_online: 0,
    outbox: 0,
    dead_letters: 0,
  });
});

realTest('attributes nested 16 levels are accepted, and the saved state restores in a new host that answers queries', async (t, wasm) => {
  const store = new MemoryStore();
  const host = await startHost(t, wasm, { store });
  const attributes = { plan: 'pro', deep: nested(16) };
  const outputs = await host.handle(ask('c1', { name: 'Priya', attributes }));
  const handoff = outputs.find((o) => o.type === 'handoff');
  assert.ok(handoff, JSON.stringify(outputs.map((o) => o.type)));
  assert.deepEqual(handoff.context.customer.attributes, attributes);
  await host.handle(ask('c2'));
  await host.idle();

  const saved = host.engine.stateJson();
  assert.equal(await store.load(), null, 'records, not a whole state');
  assert.ok(store.rows().some((r) => r.kind === 'conversation' && r.id === 'c1'), 'one record per conversation');
  const again = await startHost(t, wasm, { store: new MemoryStore(store.rows()) });
  assert.equal(again.engine.stateJson(), saved, 'restored from the records as it was');

  const conversation = await again.query({ query: 'conversation', conversation_id: 'c1' });
  assert.equal(conversation.id, 'c1');
  assert.equal(conversation.status, 'queued');
  assert.equal(conversation.customer.name, 'Priya');
  assert.deepEqual(conversation.customer.attributes, attributes);
  assert.deepEqual(conversation.history.map((h) => h.text), ['I want to talk to a human']);
  const queue = await again.query({ query: 'queue', offset: 0, limit: 10 });
  assert.deepEqual(queue, {
    total: 2,
    offset: 0,
    limit: 10,
    queue: [
      { position: 1, conversation_id: 'c1', since: NOW, priority: conversation.priority, status: 'queued', agent_id: null, topic: null, trigger: 'customer_request' },
      { position: 2, conversation_id: 'c2', since: NOW, priority: queue.queue[1].priority, status: 'queued', agent_id: null, topic: null, trigger: 'customer_request' },
    ],
  });
  assert.deepEqual(await again.query({ query: 'queue', offset: 1, limit: 1 }), { ...queue, offset: 1, limit: 1, queue: [{ ...queue.queue[1] }] });
  assert.deepEqual(await again.query({ query: 'gauges' }), {
    queue_length: 2,
    conversations: 2,
    agents_online: 0,
    outbox: 0,
    dead_letters: 0,
  });
  assert.deepEqual(await again.query({ query: 'holder', conversation_id: 'c1' }), { status: 'queued', agent_id: null });
  // The first host answers the same.
  for (const q of [
    { query: 'conversation', conversation_id: 'c1' },
    { query: 'queue', offset: 0, limit: 10 },
    { query: 'gauges' },
  ]) {
    assert.deepEqual(await host.query(q), await again.query(q), JSON.stringify(q));
  }
});

realTest('a state an older engine wrote, with attributes nested 124 levels, restores and the conversation goes on', async (t, wasm) => {
  const first = await startHost(t, wasm);
  await first.handle({ type: 'customer_message', conversation_id: 'c1', text: 'hello', customer: { attributes: { deep: 'MARK' } } });
  const written = first.engine.stateJson();
  // What an engine before the 16-level bound could write: the attribute as it came, 124 levels.
  const marker = '"deep":"MARK"';
  assert.equal(written.split(marker).length, 2, `the attribute appears once in ${written}`);
  const old = written.replace(marker, `"deep":${JSON.stringify(nested(124))}`);
  assert.ok(depthOf(old) > 128, `past serde_json's 128 levels: ${depthOf(old)}`);

  const store = new MemoryStore(old);
  const host = await startHost(t, wasm, { store });
  const restored = await host.query({ query: 'conversation', conversation_id: 'c1' });
  assert.deepEqual(restored.customer.attributes.deep, nested(124));
  assert.equal(restored.status, 'ai');

  const outputs = await host.handle({ type: 'handoff_request', conversation_id: 'c1', source: 'widget_button' });
  const handoff = outputs.find((o) => o.type === 'handoff');
  assert.ok(handoff, JSON.stringify(outputs.map((o) => o.type)));
  assert.deepEqual(handoff.context.customer.attributes.deep, nested(124), 'the agent receives the attribute as it was');
  assert.ok(outputs.some((o) => o.type === 'queued'), JSON.stringify(outputs.map((o) => o.type)));
  assert.deepEqual(await host.query({ query: 'holder', conversation_id: 'c1' }), { status: 'queued', agent_id: null });

  // The old whole state was converted to records once; what they hold restores again, in both
  // builds.
  assert.equal(await store.load(), null, 'the whole state is gone, converted to records');
  const saved = host.engine.stateJson();
  assert.notEqual(saved, old);
  assert.equal(wasm.Engine.restoreRecords(CONFIG, store.rows()).stateJson(), saved, 'the records restore it');
  for (const [name, { Engine }] of Object.entries(await bothModules(wasm))) {
    const engine = Engine.restore(CONFIG, saved);
    assert.equal(engine.stateJson(), saved, name);
    assert.deepEqual(engine.query({ query: 'conversation', conversation_id: 'c1' }).customer.attributes.deep, nested(124), name);
    engine.free();
  }
});

// ---------------------------------------------------------------------------------------------
// Values JSON cannot hold, text JavaScript may send, clocks, shapes
// ---------------------------------------------------------------------------------------------

realTest('confidence NaN or Infinity is refused with path input.signals.confidence, not read as null', async (t, wasm) => {
  const store = new MemoryStore();
  const host = await startHost(t, wasm, { store });
  await host.handle({ type: 'customer_message', conversation_id: 'c1', text: 'hello' });
  const before = host.engine.stateJson();
  const saved = JSON.stringify(store.rows());
  for (const confidence of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    const input = { type: 'customer_message', conversation_id: 'c1', text: 'and now?', signals: { confidence } };
    await refusedAt(host.handle(input), 'input.signals.confidence');
    assert.equal(host.engine.stateJson(), before, `${confidence}: the state is unchanged`);
    assert.equal(JSON.stringify(store.rows()), saved, `${confidence}: nothing was saved`);
    for (const [name, { Engine }] of Object.entries(await bothModules(wasm))) {
      const engine = new Engine(CONFIG);
      const fresh = engine.stateJson();
      assert.throws(
        () => engine.handle(input, NOW),
        (e) => {
          assert.equal(e.name, 'InputError', `${name}: ${e.message}`);
          assert.equal(e.path, 'input.signals.confidence', `${name}: ${e.message}`);
          assert.match(e.message, /finite number/);
          return true;
        },
      );
      assert.equal(engine.stateJson(), fresh, `${name}: the state is unchanged`);
      engine.free();
    }
  }
  const history = (await host.query({ query: 'conversation', conversation_id: 'c1' })).history;
  assert.deepEqual(history.map((h) => h.text), ['hello']);
});

realTest('a lone UTF-16 surrogate in text is stored as U+FFFD', async (t, wasm) => {
  const store = new MemoryStore();
  const host = await startHost(t, wasm, { store });
  await host.handle({ type: 'customer_message', conversation_id: 'c1', text: 'hi \ud83d' });
  await host.handle({ type: 'customer_message', conversation_id: 'c1', text: '\udc00 and a pair \ud83d\ude00 stays' });
  const conversation = await host.query({ query: 'conversation', conversation_id: 'c1' });
  assert.deepEqual(conversation.history.map((h) => h.text), ['hi \ufffd', '\ufffd and a pair \ud83d\ude00 stays']);
  assert.deepEqual(host.state().conversations.c1.history.map((h) => h.text), ['hi \ufffd', '\ufffd and a pair \ud83d\ude00 stays']);
  const saved = store.rows().map((r) => r.value).join('\n');
  assert.ok(saved.includes('"hi \ufffd"'), 'saved as U+FFFD');
  assert.doesNotThrow(() => new TextEncoder().encode(saved));
  assert.equal(new TextDecoder('utf-8', { fatal: true }).decode(new TextEncoder().encode(saved)), saved, 'well-formed text');
});

realTest('a clock in seconds (Date.now() / 1000) is refused with path now', async (t, wasm) => {
  const store = new MemoryStore();
  const clock = {
    now: () => Date.now() / 1000,
    setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle),
  };
  const host = await startHost(t, wasm, { store, clock });
  await assert.rejects(host.handle(ask('c1')), (e) => {
    assert.equal(e.name, 'InputError', e.message);
    assert.equal(e.path, 'now', e.message);
    assert.match(e.message, /^now: .*2000.*seconds/);
    return true;
  });
  assert.deepEqual(store.rows(), [], 'nothing was saved');
  assert.equal(await host.query({ query: 'conversation', conversation_id: 'c1' }), null);
  assert.deepEqual((await host.query({ query: 'gauges' })).conversations, 0);
});

realTest('customer: [] is refused with path input.customer', async (t, wasm) => {
  const store = new MemoryStore();
  const host = await startHost(t, wasm, { store });
  await refusedAt(host.handle(ask('c1', [])), 'input.customer');
  await assert.rejects(host.handle(ask('c1', ['Priya'])), (e) => e.path === 'input.customer' && /expected an object/.test(e.message));
  await refusedAt(host.handle({ type: 'handoff_request', conversation_id: 'c1', customer: [] }), 'input.customer');
  assert.deepEqual(store.rows(), [], 'nothing was saved');
  assert.equal(await host.query({ query: 'conversation', conversation_id: 'c1' }), null);
});

realTest('an agent with max_concurrent 0 is refused with path input.agent.max_concurrent', async (t, wasm) => {
  const store = new MemoryStore();
  const host = await startHost(t, wasm, { store });
  await refusedAt(host.handle({ type: 'agent_update', agent: { id: 'a1', status: 'online', max_concurrent: 0 } }), 'input.agent.max_concurrent');
  assert.deepEqual(await host.query({ query: 'agents' }), { agents: [] });
  assert.deepEqual(store.rows(), [], 'nothing was saved');
  await host.handle({ type: 'agent_update', agent: { id: 'a1', status: 'online', max_concurrent: 1 } });
  const { agents } = await host.query({ query: 'agents' });
  assert.deepEqual(agents.map((a) => [a.id, a.status, a.max_concurrent]), [['a1', 'online', 1]]);
});

// ---------------------------------------------------------------------------------------------
// HandoffHost.query
// ---------------------------------------------------------------------------------------------

realTest('HandoffHost.query starts the host, answers in line with the inputs, and never reads the whole state', async (t, wasm) => {
  const store = new MemoryStore();
  const host = new HandoffHost({ wasm, config: CONFIG, store, clock: new FakeClock(NOW), environment: 'server' });
  t.after(() => host.close());
  assert.deepEqual(await host.query({ query: 'gauges' }), {
    queue_length: 0,
    conversations: 0,
    agents_online: 0,
    outbox: 0,
    dead_letters: 0,
  });

  // Not awaited one by one: each answer sees the inputs handed over before it, none after.
  const engine = host.engine;
  const reads = [];
  for (const name of ['state', 'stateJson']) {
    const own = engine[name].bind(engine);
    engine[name] = () => {
      reads.push(name);
      return own();
    };
  }
  const first = host.handle(ask('c1'));
  const afterOne = host.query({ query: 'queue' });
  const second = host.handle(ask('c2'));
  const afterTwo = host.query({ query: 'queue', limit: 1 });
  const holder = host.query({ query: 'holder', conversation_id: 'c2' });
  const gauges = host.query('{"query":"gauges"}');
  const third = host.handle({ type: 'agent_update', agent: { id: 'a1', status: 'online' } });
  const may = host.query({ query: 'may_act', agent_id: 'a1', conversation_id: 'c1', needs: 'offered' });
  await Promise.all([first, second, third]);
  assert.deepEqual((await afterOne).queue.map((e) => e.conversation_id), ['c1']);
  assert.equal((await afterOne).total, 1);
  assert.equal((await afterTwo).total, 2);
  assert.deepEqual((await afterTwo).queue.map((e) => e.conversation_id), ['c1']);
  assert.deepEqual(await holder, { status: 'queued', agent_id: null });
  assert.equal((await gauges).queue_length, 2);
  assert.deepEqual(await may, { allowed: true }, 'a1 came online and was offered c1');
  assert.deepEqual(await host.query({ query: 'holder', conversation_id: 'c1' }), { status: 'offered', agent_id: 'a1' });
  const denied = await host.query({ query: 'may_act', agent_id: 'a1', conversation_id: 'c2', needs: 'assigned' });
  assert.equal(denied.allowed, false);
  assert.match(denied.reason, /c2/);
  // The host never read the whole state: it writes each input's changed records, and queries
  // read the engine's indexes.
  assert.deepEqual(reads, []);

  // A query the engine does not know: an InputError with the path; the host goes on.
  await refusedAt(host.query({ query: 'queue', limit: 0 }), 'query.limit');
  await refusedAt(host.query({ query: 'queue', limit: Number.NaN }), 'query.limit');
  await assert.rejects(host.query({ query: 'qeue' }), (e) => e.name === 'InputError' && e.path === 'query.query');
  assert.deepEqual(await host.query({ query: 'dead_letters', limit: 5 }), { total: 0, offset: 0, limit: 5, dead_letters: [] });
  assert.equal((await host.query({ query: 'gauges' })).agents_online, 1);
});

realTest('queries answer byte for byte the same in the module Node loads and the one browsers load', async (t, wasm) => {
  const modules = await bothModules(wasm);
  const config = {
    handoff: {
      routing: { fallback: 'queue', max_concurrent_per_agent: 1 },
      agents: [{ id: 'a1', name: 'Asha' }, { id: 'a2', name: 'Ravi' }],
      webhooks: [{ id: 'crm', url: 'http://127.0.0.1:9/hook', events: ['conversation.handoff_requested'] }],
    },
  };
  const queries = [
    { query: 'conversation', conversation_id: 'c1' },
    { query: 'conversation', conversation_id: 'c3' },
    { query: 'conversation', conversation_id: 'nobody' },
    { query: 'holder', conversation_id: 'c1' },
    { query: 'holder', conversation_id: 'c2' },
    { query: 'holder', conversation_id: 'c3' },
    { query: 'holder', conversation_id: 'nobody' },
    { query: 'may_act', agent_id: 'a1', conversation_id: 'c1', needs: 'assigned' },
    { query: 'may_act', agent_id: 'a2', conversation_id: 'c2', needs: 'offered' },
    { query: 'may_act', agent_id: 'a2', conversation_id: 'c1', needs: 'offered_or_assigned' },
    { query: 'queue' },
    { query: 'queue', offset: 1, limit: 1 },
    { query: 'queue', offset: 50, limit: 1000 },
    { query: 'agents' },
    { query: 'gauges' },
    { query: 'dead_letters' },
    { query: 'dead_letters', offset: 1, limit: 1 },
  ];
  const answers = {};
  const states = {};
  for (const [name, { Engine }] of Object.entries(modules)) {
    const engine = new Engine(config);
    let now = NOW;
    const deliveries = [];
    const step = (input) => {
      for (const o of engine.handle(input, (now += 1000))) if (o.type === 'delivery') deliveries.push(o.delivery_id);
    };
    step({ type: 'agent_update', agent: { id: 'a1', status: 'online' } });
    step({ type: 'agent_update', agent: { id: 'a2', status: 'online' } });
    step(ask('c1', { name: 'Priya', attributes: { plan: 'pro', deep: nested(16) } }));
    step({ type: 'agent_accept', conversation_id: 'c1', agent_id: 'a1' });
    step({ type: 'customer_message', conversation_id: 'c2', text: 'this is terrible, I am furious', signals: { sentiment: -0.9 } });
    for (let i = 3; i <= 6; i++) step(ask(`c${i}`));
    step({ type: 'customer_message', conversation_id: 'c7', text: 'hi \ud83d' });
    step({ type: 'delivery_result', delivery_id: deliveries[0], status: 400, body: 'bad request' });
    step({ type: 'delivery_result', delivery_id: deliveries[1], status: 500 });
    answers[name] = queries.map((q) => engine.queryJson(JSON.stringify(q)));
    for (const [i, q] of queries.entries()) {
      assert.deepEqual(engine.query(q), JSON.parse(answers[name][i]), `${name}: query and queryJson agree on ${JSON.stringify(q)}`);
    }
    states[name] = engine.stateJson();
    engine.free();
  }
  for (const [i, q] of queries.entries()) {
    assert.equal(answers.size[i], answers.speed[i], `${JSON.stringify(q)}: the builds differ`);
  }
  assert.equal(states.size, states.speed, 'the same state');
  // Each build, restored from the state the other one wrote, answers the same.
  for (const [name, other] of [['speed', 'size'], ['size', 'speed']]) {
    const restored = modules[name].Engine.restore(config, states[other]);
    assert.deepEqual(queries.map((q) => restored.queryJson(JSON.stringify(q))), answers[other], `${name} from ${other}'s state`);
    restored.free();
  }
  // The conversation the answers describe is the one played, not an empty one.
  const gauges = JSON.parse(answers.speed[queries.findIndex((q) => q.query === 'gauges')]);
  assert.equal(gauges.dead_letters, 1, answers.speed.join('\n'));
  assert.ok(gauges.queue_length >= 3, answers.speed.join('\n'));
  assert.equal(JSON.parse(answers.speed[3]).agent_id, 'a1');
});

// The review found the two hosts reporting different response headers (2 natively, 5 from Node)
// and parsing `Retry-After` differently: the engine now names the headers and parses them.
realTest('HandoffHost reports exactly the headers the engine reads, its own list', async (t, wasm) => {
  const { REPORTED_HEADERS, RESPONSE_BODY_LIMIT } = await import('handoff-engine');
  assert.deepEqual([...REPORTED_HEADERS], wasm.reportedHeaders());
  assert.deepEqual(wasm.reportedHeaders(), ['retry-after', 'x-ratelimit-reset']);
  // The host reads the answer by the rules `prepare` hands it with every request: the same ones.
  const delivery = {
    type: 'delivery', delivery_id: 'd1', webhook_id: 'w', conversation_id: 'c', event: 'conversation.closed',
    method: 'POST', url: 'https://x.test/h', headers: {}, body: '{}', attempt: 1, auth: { scheme: 'none' },
  };
  const { response } = wasm.prepare(delivery, {}, 0);
  assert.deepEqual(response, { follow_redirects: false, body_limit: RESPONSE_BODY_LIMIT, headers: [...REPORTED_HEADERS], header_value_limit: 8192 });
});

realTest('Retry-After: 1.5 is read by the engine the same on every host (1,500 ms, not the schedule)', async (t, wasm) => {
  const config = {
    handoff: {
      webhooks: [{ id: 'crm', url: 'https://crm.example.test/h', events: ['conversation.handoff_requested'] }],
      // A 1 s first retry, so the receiver's 1.5 s is what decides.
      deliveries: { retry_schedule_seconds: [1] },
    },
  };
  const engine = new wasm.Engine(config);
  const now = 1_768_213_800_000;
  const [delivery] = engine
    .handle({ type: 'handoff_request', conversation_id: 'c1' }, now)
    .filter((o) => o.type === 'delivery');
  const outputs = engine.handle(
    { type: 'delivery_result', delivery_id: delivery.delivery_id, status: 429, headers: { 'retry-after': '1.5' } },
    now,
  );
  const retry = outputs.find((o) => o.type === 'delivery_retry');
  assert.equal(retry.at - now, 1_500, JSON.stringify(retry));
});
