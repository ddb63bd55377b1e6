// After the handoff, through HandoffHost and the real engine: the conversation both ways (the
// agent's words reach the customer as `agent_message`, the customer's reach the agent as
// `customer_message`), private notes, cold and warm transfers, the hand-back to the AI, and who
// may see each output (the engine's audience: on the `output` event, `host.audienceOf`, the
// module's `audience` and `outputAudiences`). Bad input is refused with the engine's path and
// kind, and the store is unchanged.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HandoffHost, MemoryStore } from 'handoff-engine';
import { FakeClock } from '../test-support/clock.mjs';
import { fakeWasm } from '../test-support/fake-engine.mjs';
import { realTest } from '../test-support/engines.mjs';

const NOW = Date.UTC(2026, 0, 12, 10, 30);
const C = 'conv_1';
const CONFIG = {
  handoff: {
    routing: { fallback: 'queue' },
    agents: [
      { id: 'asha', name: 'Asha', max_concurrent: 2 },
      { id: 'ben', name: 'Ben', max_concurrent: 2 },
    ],
    messages: { returned_to_ai: '{{agent_name}} handed you back to our assistant.' },
  },
};

/** A started host whose `output` events are recorded as `[type, audience, output]`. */
async function startHost(t, wasm) {
  const store = new MemoryStore();
  const clock = new FakeClock(NOW);
  const host = await HandoffHost.create({ wasm, config: CONFIG, store, clock, environment: 'server' });
  t.after(() => host.close());
  const seen = [];
  host.on('output', (output, audience) => seen.push([output.type, audience, output]));
  return { host, store, clock, seen };
}

const online = (id) => ({ type: 'agent_update', agent: { id, status: 'online' } });
const types = (outputs) => outputs.map((o) => o.type);

/** The customer's side: what a widget may show (audience `customer`). */
function customerSide(seen) {
  return seen.filter(([, audience]) => audience === 'customer').map(([type]) => type);
}

realTest('the audience of every output comes from the engine', async (t, wasm) => {
  assert.equal(typeof wasm.audience, 'function');
  const table = wasm.outputAudiences();
  // The table covers every output type this engine writes, each with one of the three audiences.
  for (const type of ['message', 'agent_message', 'queued', 'assigned', 'agent_left', 'closed']) {
    assert.equal(table[type], 'customer', type);
  }
  for (const type of ['handoff', 'offered', 'agent_note', 'customer_message', 'returned_to_ai', 'event']) {
    assert.equal(table[type], 'agents', type);
  }
  for (const type of ['delivery', 'delivered', 'delivery_retry', 'delivery_failed', 'webhook_disabled']) {
    assert.equal(table[type], 'operators', type);
  }
  for (const [type, audience] of Object.entries(table)) {
    assert.equal(wasm.audience(type), audience, type);
    assert.equal(wasm.audience({ type }), audience, type);
  }
  // A fresh object on each call: changing one changes nothing else.
  table.message = 'operators';
  assert.equal(wasm.outputAudiences().message, 'customer');
  assert.equal(wasm.audience('telepathy'), undefined);
  assert.throws(() => wasm.audience(42), (e) => e.name === 'InputError' && e.path === 'output' && e.kind === 'wrong_type');
  assert.throws(() => wasm.audience({ text: 'no type' }), (e) => e.path === 'output.type' && e.kind === 'wrong_type');

  const { host } = await startHost(t, wasm);
  assert.equal(host.audienceOf({ type: 'agent_note', conversation_id: C, agent_id: 'asha', text: 'x' }), 'agents');
  assert.equal(host.audienceOf('agent_message'), 'customer');
  assert.equal(host.audienceOf('delivery'), 'operators');
});

realTest('customer and agent write both ways; notes stay with the agents', async (t, wasm) => {
  const { host, seen } = await startHost(t, wasm);
  await host.handle(online('asha'));
  await host.handle({ type: 'customer_message', conversation_id: C, text: 'I want to talk to a human' });
  await host.handle({ type: 'agent_accept', conversation_id: C, agent_id: 'asha' });
  seen.length = 0;

  const reply = await host.handle({ type: 'agent_message', conversation_id: C, agent_id: 'asha', text: 'Hi, Asha here <b>' });
  const shown = reply.find((o) => o.type === 'agent_message');
  assert.deepEqual(shown, { type: 'agent_message', conversation_id: C, agent_id: 'asha', agent_name: 'Asha', text: 'Hi, Asha here <b>' });
  assert.deepEqual(seen.find(([type]) => type === 'agent_message').slice(0, 2), ['agent_message', 'customer']);

  seen.length = 0;
  const back = await host.handle({ type: 'customer_message', conversation_id: C, text: 'My order 1234 is late' });
  assert.deepEqual(back.find((o) => o.type === 'customer_message'), {
    type: 'customer_message',
    conversation_id: C,
    agent_id: 'asha',
    text: 'My order 1234 is late',
  });
  assert.deepEqual(seen.find(([type]) => type === 'customer_message').slice(0, 2), ['customer_message', 'agents']);
  // The AI is silent while Asha holds it: its reply is refused, nothing changes.
  const before = host.engine.stateJson();
  await assert.rejects(
    host.handle({ type: 'ai_reply', conversation_id: C, text: 'I can help!', confidence: 0.9 }),
    (e) => e.kind === 'wrong_state',
  );
  assert.equal(host.engine.stateJson(), before);

  seen.length = 0;
  const note = await host.handle({ type: 'agent_note', conversation_id: C, agent_id: 'asha', text: 'VIP, refund approved' });
  assert.deepEqual(types(note.filter((o) => o.type !== 'event')), ['agent_note']);
  assert.deepEqual(customerSide(seen), [], 'a note is never for the customer');
  for (const [, audience] of seen) assert.notEqual(audience, 'customer');

  const conversation = await host.query({ query: 'conversation', conversation_id: C });
  assert.deepEqual(
    conversation.history.slice(-3).map((h) => [h.role, h.text]),
    [
      ['agent', 'Hi, Asha here <b>'],
      ['customer', 'My order 1234 is late'],
      ['agent_note', 'VIP, refund approved'],
    ],
  );
});

realTest('a warm transfer, a cold one, and the hand-back to the AI', async (t, wasm) => {
  const { host, seen } = await startHost(t, wasm);
  await host.handle(online('asha'));
  await host.handle(online('ben'));
  await host.handle({ type: 'customer_message', conversation_id: C, text: 'I want to talk to a human' });
  const holder = await host.query({ query: 'holder', conversation_id: C });
  const first = holder.agent_id;
  const second = first === 'asha' ? 'ben' : 'asha';
  await host.handle({ type: 'agent_accept', conversation_id: C, agent_id: first });

  // Warm: the second agent is offered it with the note and the context; the first keeps it.
  seen.length = 0;
  const warm = await host.handle({ type: 'transfer', conversation_id: C, agent_id: first, to: { agent: second }, mode: 'warm', note: 'billing question' });
  const offer = warm.find((o) => o.type === 'offered');
  assert.equal(offer.agent_id, second);
  assert.equal(offer.transfer.from_agent_id, first);
  assert.equal(offer.transfer.mode, 'warm');
  assert.equal(offer.transfer.note, 'billing question');
  assert.ok(offer.transfer.context, 'the next agent gets the context package');
  assert.equal(host.audienceOf(offer), 'agents');
  assert.deepEqual(customerSide(seen), [], 'the customer hears nothing of a warm offer');
  assert.equal((await host.query({ query: 'holder', conversation_id: C })).agent_id, first);

  seen.length = 0;
  await host.handle({ type: 'agent_accept', conversation_id: C, agent_id: second });
  assert.equal((await host.query({ query: 'holder', conversation_id: C })).agent_id, second);
  assert.ok(customerSide(seen).includes('assigned'), `the customer is told who answers now: ${customerSide(seen)}`);
  assert.ok(seen.some(([type, , o]) => type === 'agent_left' && o.agent_id === first));

  // Cold, back to the first agent: the second lets go at once.
  const cold = await host.handle({ type: 'transfer', conversation_id: C, agent_id: second, to: { agent: first } });
  assert.ok(types(cold).includes('agent_left'), types(cold).join());
  assert.equal(cold.find((o) => o.type === 'offered')?.agent_id, first);
  await host.handle({ type: 'agent_accept', conversation_id: C, agent_id: first });

  // The hand-back: the customer sees the configured message; the AI's host gets the note.
  seen.length = 0;
  const handBack = await host.handle({ type: 'return_to_ai', conversation_id: C, agent_id: first, note: 'refund issued' });
  const returned = handBack.find((o) => o.type === 'returned_to_ai');
  assert.deepEqual(returned, { type: 'returned_to_ai', conversation_id: C, agent_id: first, note: 'refund issued' });
  const said = handBack.find((o) => o.type === 'message');
  assert.equal(said.template, 'returned_to_ai');
  assert.equal(said.text, `${first === 'asha' ? 'Asha' : 'Ben'} handed you back to our assistant.`);
  assert.deepEqual(customerSide(seen), ['message']);
  assert.equal(seen.find(([type]) => type === 'returned_to_ai')[1], 'agents');
  assert.equal((await host.query({ query: 'holder', conversation_id: C })).status, 'ai');
  const agents = (await host.query({ query: 'agents' })).agents;
  assert.deepEqual(agents.map((a) => [a.id, a.active.length]), [['asha', 0], ['ben', 0]], 'capacity freed');

  // The AI answers again.
  const ai = await host.handle({ type: 'ai_reply', conversation_id: C, text: 'Anything else?', confidence: 0.9 });
  assert.deepEqual(ai, []);
  await host.handle({ type: 'customer_message', conversation_id: C, text: 'No, thanks' });
  await host.handle({ type: 'ai_reply', conversation_id: C, text: 'Bye!', confidence: 0.9 });
});

realTest('bad input: refused with the engine\'s path and kind, the store unchanged', async (t, wasm) => {
  const { host, store } = await startHost(t, wasm);
  await host.handle(online('asha'));
  await host.handle({ type: 'customer_message', conversation_id: C, text: 'I want to talk to a human' });
  await host.handle({ type: 'agent_accept', conversation_id: C, agent_id: 'asha' });
  const saved = JSON.stringify(store.rows());
  const state = host.engine.stateJson();

  await assert.rejects(
    host.handle({ type: 'transfer', conversation_id: C, agent_id: 'asha', to: { agent: 'zoe' } }),
    (e) => e.name === 'InputError' && e.path === 'input.to.agent' && e.kind === 'unknown_agent' && /zoe/.test(e.message),
  );
  // Ben is not the holder: he may not write, note, transfer or hand back.
  await host.handle(online('ben'));
  const afterBen = JSON.stringify(store.rows());
  const benState = host.engine.stateJson();
  for (const input of [
    { type: 'agent_message', conversation_id: C, agent_id: 'ben', text: 'hi' },
    { type: 'agent_note', conversation_id: C, agent_id: 'ben', text: 'hi' },
    { type: 'transfer', conversation_id: C, agent_id: 'ben', to: { queue: true } },
    { type: 'return_to_ai', conversation_id: C, agent_id: 'ben' },
  ]) {
    await assert.rejects(host.handle(input), (e) => e.name === 'InputError' && typeof e.path === 'string' && e.kind != null, input.type);
    assert.equal(JSON.stringify(store.rows()), afterBen, `${input.type}: the store is unchanged`);
    assert.equal(host.engine.stateJson(), benState);
  }
  // A hand-back of a conversation nobody holds.
  await assert.rejects(
    host.handle({ type: 'return_to_ai', conversation_id: 'nobody', agent_id: 'asha' }),
    (e) => e.name === 'InputError' && e.path != null,
  );
  // A transfer with no target at all.
  await assert.rejects(
    host.handle({ type: 'transfer', conversation_id: C, agent_id: 'asha' }),
    (e) => e.name === 'InputError' && e.path.startsWith('input'),
  );
  assert.equal(JSON.stringify(store.rows()), afterBen);
  assert.notEqual(saved, '[]');
  assert.notEqual(state, null);
});

test('an engine module without audience: the output event says undefined, audienceOf explains', async (t) => {
  const host = await HandoffHost.create({ wasm: fakeWasm, config: CONFIG, clock: new FakeClock(NOW), environment: 'server' });
  t.after(() => host.close());
  const seen = [];
  host.on('output', (...args) => seen.push(args));
  await host.handle({ type: 'customer_message', conversation_id: C, text: 'I want to talk to a human' });
  assert.ok(seen.length > 0);
  for (const [output, audience] of seen) {
    assert.equal(typeof output.type, 'string');
    assert.equal(audience, undefined);
  }
  assert.throws(() => host.audienceOf('message'), /no audience\(\): rebuild the wasm/);
});
