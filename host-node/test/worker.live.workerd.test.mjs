// After the handoff, in the worker example under the real workerd: the routes for notes,
// transfers and the hand-back (agent-scoped: the engine refuses an agent who does not hold the
// conversation, with its path and kind), and the streams (server-sent events) filtered by the
// engine's audience: the customer's stream never carries a note, the customer's own lines relayed
// to the agent, `returned_to_ai`, the context package or the outbox; an agent's stream carries its
// own conversations' agent side and nobody else's.
//
// Needs the workerd binary (`npm ci` in host-node/) and the wasm build (`cargo xtask wasm`).

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MISSING, wasmPresent } from '../test-support/engines.mjs';
import { openStream as openStreamWith, waitFor } from '../test-support/sse.mjs';
import { killAllWorkerd, startWorkerd, workerdMissing } from '../test-support/worker-workerd.mjs';
import { route } from '../examples/worker/src/routes.js';
import { belongs, visibleTo } from '../examples/worker/src/streams.js';

const TOKEN = `test-${randomBytes(12).toString('hex')}`;
const T = 'live';
const C = 'conv_1';
const openStream = (url) => openStreamWith(url, TOKEN);
const CONFIG = {
  handoff: {
    routing: { fallback: 'queue' },
    agents: [
      { id: 'asha', name: 'Asha', max_concurrent: 2 },
      { id: 'ben', name: 'Ben', max_concurrent: 2 },
      { id: 'cleo', name: 'Cleo', max_concurrent: 2 },
    ],
  },
};


describe('the worker example: the conversation after the handoff, under workerd', () => {
  let worker;
  let storageDir;
  const streams = {};

  before(async () => {
    const missing = [workerdMissing(), wasmPresent ? null : MISSING].filter(Boolean);
    if (missing.length) throw new Error(missing.join('; '));
    storageDir = await mkdtemp(join(tmpdir(), 'handoff-workerd-live-'));
    worker = await startWorkerd({
      storageDir,
      env: { HANDOFF_API_TOKEN: TOKEN, HANDOFF_CONFIG: JSON.stringify(CONFIG) },
    });
  });

  after(async () => {
    for (const stream of Object.values(streams)) await stream.close();
    killAllWorkerd();
    await worker?.kill();
    if (storageDir) await rm(storageDir, { recursive: true, force: true });
  });

  async function call(method, path, body) {
    const response = await fetch(`${worker.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
  }
  const post = (path, body) => call('POST', `/tenants/${T}${path}`, body);
  const conv = (action, body) => post(`/conversations/${C}/${action}`, body);

  it('routes the new inputs and the streams (no I/O)', () => {
    assert.deepEqual(route('POST', `/tenants/${T}/conversations/${C}/notes`).input.type, 'agent_note');
    assert.deepEqual(route('POST', `/tenants/${T}/conversations/${C}/transfer`).input.type, 'transfer');
    assert.deepEqual(route('POST', `/tenants/${T}/conversations/${C}/return-to-ai`).input.type, 'return_to_ai');
    assert.deepEqual(route('POST', `/tenants/${T}/conversations/${C}/resolve`).input.type, 'resolve');
    assert.deepEqual(route('POST', `/tenants/${T}/conversations/${C}/wrap-up-done`).input.type, 'wrap_up_done');
    assert.deepEqual(route('POST', `/tenants/${T}/conversations/${C}/csat`).input.type, 'csat');
    assert.deepEqual(route('GET', `/tenants/${T}/conversations/${C}/stream`), { tenant: T, stream: { scope: 'customer', id: C } });
    assert.deepEqual(route('GET', `/tenants/${T}/agents/asha/stream`), { tenant: T, stream: { scope: 'agent', id: 'asha' } });
    assert.deepEqual(route('GET', `/tenants/${T}/stream`), { tenant: T, stream: { scope: 'operators' } });
    assert.throws(() => route('POST', `/tenants/${T}/agents/asha/stream`), (e) => e.status === 405);
    // The reader rule is core's Audience::visible_to.
    assert.equal(visibleTo('customer', 'customer'), true);
    assert.equal(visibleTo('agents', 'customer'), false);
    assert.equal(visibleTo('operators', 'agents'), false);
    assert.equal(visibleTo('operators', 'operators'), true);
    assert.equal(visibleTo(undefined, 'operators'), false);
    const note = { output: { type: 'agent_note', conversation_id: C, agent_id: 'asha' }, audience: 'agents', agents: ['asha'] };
    assert.equal(belongs({ scope: 'customer', id: C }, note), false);
    assert.equal(belongs({ scope: 'agent', id: 'asha' }, note), true);
    assert.equal(belongs({ scope: 'agent', id: 'ben' }, note), false);
    assert.equal(belongs({ scope: 'operators' }, note), true);
  });

  it('streams the conversation both ways, each side what it may see', async () => {
    for (const agent of ['asha', 'ben', 'cleo']) {
      assert.equal((await call('PUT', `/tenants/${T}/agents/${agent}`, { status: 'online' })).status, 200);
    }
    streams.customer = await openStream(`${worker.url}/tenants/${T}/conversations/${C}/stream`);
    streams.other = await openStream(`${worker.url}/tenants/${T}/conversations/conv_2/stream`);
    streams.asha = await openStream(`${worker.url}/tenants/${T}/agents/asha/stream`);
    streams.ben = await openStream(`${worker.url}/tenants/${T}/agents/ben/stream`);
    streams.cleo = await openStream(`${worker.url}/tenants/${T}/agents/cleo/stream`);
    streams.operators = await openStream(`${worker.url}/tenants/${T}/stream`);

    const asked = await conv('messages', { text: 'I want to talk to a human' });
    assert.equal(asked.status, 200);
    const offered = asked.json.outputs.find((o) => o.type === 'offered');
    assert.equal(offered.agent_id, 'asha', 'round robin: the first agent');
    assert.equal((await conv('accept', { agent_id: 'asha' })).status, 200);

    // Both ways.
    assert.equal((await conv('agent-messages', { agent_id: 'asha', text: 'Hi, Asha here' })).status, 200);
    assert.equal((await conv('messages', { text: 'My order is late' })).status, 200);
    const noted = await conv('notes', { agent_id: 'asha', text: 'VIP customer' });
    assert.equal(noted.status, 200);
    assert.ok(noted.json.outputs.some((o) => o.type === 'agent_note'));

    // Warm transfer to Ben, accepted; then cold back to Asha, accepted; then the hand-back.
    const warm = await conv('transfer', { agent_id: 'asha', to: { agent: 'ben' }, mode: 'warm', note: 'billing' });
    assert.equal(warm.status, 200, JSON.stringify(warm.json));
    assert.equal((await conv('accept', { agent_id: 'ben' })).status, 200);
    assert.equal((await conv('agent-messages', { agent_id: 'ben', text: 'Ben from billing' })).status, 200);
    const cold = await conv('transfer', { agent_id: 'ben', to: { agent: 'asha' } });
    assert.equal(cold.status, 200, JSON.stringify(cold.json));
    assert.equal((await conv('accept', { agent_id: 'asha' })).status, 200);
    const back = await conv('return-to-ai', { agent_id: 'asha', note: 'refund issued' });
    assert.equal(back.status, 200, JSON.stringify(back.json));
    assert.ok(back.json.outputs.some((o) => o.type === 'returned_to_ai'));
    assert.equal((await conv('ai-replies', { text: 'Anything else?', confidence: 0.9 })).status, 200);

    await waitFor('the hand-back on every stream', () =>
      streams.customer.outputs().some((o) => o.type === 'message' && o.template === 'returned_to_ai') &&
      streams.asha.types().includes('returned_to_ai') &&
      streams.operators.types().includes('returned_to_ai'),
    );

    // The customer's stream: the customer's side of this conversation only.
    const customer = streams.customer.outputs();
    for (const type of ['agent_note', 'customer_message', 'returned_to_ai', 'handoff', 'offered', 'event', 'delivery', 'delivered']) {
      assert.ok(!streams.customer.types().includes(type), `the customer's stream carries ${type}`);
    }
    assert.ok(customer.every((o) => o.conversation_id === C));
    assert.ok(!JSON.stringify(customer).includes('VIP customer'), 'the note leaked to the customer');
    assert.ok(!JSON.stringify(customer).includes('refund issued'), "the agent's note for the AI leaked");
    assert.ok(!JSON.stringify(customer).includes('"context"'), 'the context package leaked');
    const said = customer.filter((o) => o.type === 'agent_message').map((o) => [o.agent_name, o.text]);
    assert.deepEqual(said, [
      ['Asha', 'Hi, Asha here'],
      ['Ben', 'Ben from billing'],
    ]);
    assert.ok(streams.customer.types().includes('assigned'));
    assert.ok(streams.customer.types().includes('agent_left'));
    assert.deepEqual(streams.other.outputs(), [], 'another conversation hears nothing');

    // Asha's stream: her conversation's agent side, the customer's words, her note, the hand-back.
    const asha = streams.asha.outputs();
    assert.ok(asha.some((o) => o.type === 'customer_message' && o.text === 'My order is late'));
    assert.ok(asha.some((o) => o.type === 'agent_note' && o.text === 'VIP customer'));
    assert.ok(asha.some((o) => o.type === 'offered' && o.transfer?.from_agent_id === 'ben' && o.transfer.mode === 'cold'));
    assert.ok(asha.some((o) => o.type === 'returned_to_ai' && o.note === 'refund issued'));
    assert.ok(!streams.asha.types().some((t) => t.startsWith('deliver')), 'no outbox for agents');

    // Ben's: the warm offer with the note and context, the customer while he held it; not Asha's note.
    const ben = streams.ben.outputs();
    const warmOffer = ben.find((o) => o.type === 'offered' && o.transfer?.mode === 'warm');
    assert.ok(warmOffer, JSON.stringify(streams.ben.types()));
    assert.equal(warmOffer.transfer.note, 'billing');
    assert.ok(warmOffer.transfer.context, 'the next agent gets the context package');
    assert.ok(ben.some((o) => o.type === 'agent_left' && o.agent_id === 'ben'));
    assert.ok(!ben.some((o) => o.type === 'agent_note'), "Ben never held it when Asha wrote her note");
    assert.ok(!ben.some((o) => o.type === 'returned_to_ai'), 'the hand-back is Asha’s');

    // Cleo never had it: nothing of this conversation.
    assert.deepEqual(streams.cleo.outputs().filter((o) => o.conversation_id === C), []);
    // Operators see everything, the agents' side included.
    for (const type of ['agent_note', 'customer_message', 'agent_message', 'returned_to_ai', 'offered', 'agent_left']) {
      assert.ok(streams.operators.types().includes(type), `operators miss ${type}`);
    }
  });

  it('refuses what an agent may not do, with the engine\'s path and kind, and changes nothing', async () => {
    await conv('messages', { text: 'I want a person again' });
    const holder = await waitFor('an offer', async () => {
      const summary = await call('GET', `/tenants/${T}`);
      const c = summary.json.conversations[C];
      return c?.status === 'offered' ? c.agent_id : null;
    });
    assert.equal((await conv('accept', { agent_id: holder })).status, 200);
    const state = (await fetch(`${worker.url}/tenants/${T}/state`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.text()));

    const unknown = await conv('transfer', { agent_id: holder, to: { agent: 'zoe' } });
    assert.equal(unknown.status, 422);
    assert.equal(unknown.json.path, 'input.to.agent');
    assert.equal(unknown.json.kind, 'unknown_agent');
    const other = holder === 'asha' ? 'ben' : 'asha';
    for (const [action, body] of [
      ['agent-messages', { agent_id: other, text: 'hi' }],
      ['notes', { agent_id: other, text: 'hi' }],
      ['transfer', { agent_id: other, to: { queue: true } }],
      ['return-to-ai', { agent_id: other }],
    ]) {
      const refused = await conv(action, body);
      assert.equal(refused.status, 422, `${action}: ${JSON.stringify(refused.json)}`);
      assert.equal(typeof refused.json.path, 'string');
      assert.equal(typeof refused.json.kind, 'string');
    }
    const badBody = await conv('notes', { agent_id: holder, text: 'x', type: 'agent_message' });
    assert.equal(badBody.status, 400);
    assert.equal(badBody.json.path, 'body.type');
    const after = await fetch(`${worker.url}/tenants/${T}/state`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.text());
    assert.equal(after, state, 'the state is unchanged');
    // The customer's stream heard none of it.
    assert.ok(!streams.customer.outputs().some((o) => o.text === 'hi'));
  });

  it('resolves, rates and reopens: refusals name the field, the customer hears only its side', async () => {
    const summary = await call('GET', `/tenants/${T}`);
    const holder = summary.json.conversations[C].agent_id;
    assert.equal(summary.json.conversations[C].status, 'assigned');
    const other = holder === 'asha' ? 'ben' : 'asha';
    const state = () => fetch(`${worker.url}/tenants/${T}/state`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.text());
    const before = await state();
    for (const [action, body, path, kind] of [
      ['resolve', { agent_id: other, outcome: 'solved' }, 'input.agent_id', 'not_held_by'],
      ['resolve', { agent_id: holder, outcome: 'sovled' }, 'input.outcome', 'unknown_variant'],
      ['csat', { score: 5 }, 'input.conversation_id', 'wrong_state'],
    ]) {
      const refused = await conv(action, body);
      assert.equal(refused.status, 422, `${action}: ${JSON.stringify(refused.json)}`);
      assert.equal(refused.json.path, path);
      assert.equal(refused.json.kind, kind);
    }
    assert.equal(await state(), before, 'the state is unchanged');

    const resolved = await conv('resolve', { agent_id: holder, outcome: 'solved', note: 'parcel re-sent' });
    assert.equal(resolved.status, 200, JSON.stringify(resolved.json));
    assert.ok(resolved.json.outputs.some((o) => o.type === 'resolved' && o.agent_id === holder));
    const outOfRange = await conv('csat', { score: 9 });
    assert.equal(outOfRange.status, 422);
    assert.equal(outOfRange.json.path, 'input.score');
    const rated = await conv('csat', { score: 4, comment: 'fine' });
    assert.equal(rated.status, 200, JSON.stringify(rated.json));
    assert.ok(rated.json.outputs.some((o) => o.type === 'csat_recorded' && o.score === 4));

    const again = await conv('messages', { text: 'It is broken again' });
    const reopened = again.json.outputs.find((o) => o.type === 'reopened');
    assert.equal(reopened.to, 'last_agent');
    assert.ok(again.json.outputs.some((o) => o.type === 'offered' && o.agent_id === holder));

    await waitFor('the resolution on the streams', () =>
      streams.customer.outputs().some((o) => o.type === 'message' && o.template === 'resolved') &&
      streams.operators.types().includes('csat_recorded') &&
      streams[holder].types().includes('reopened'),
    );
    for (const type of ['resolved', 'csat_recorded', 'reopened']) {
      assert.ok(!streams.customer.types().includes(type), `the customer's stream carries ${type}`);
    }
    assert.ok(!JSON.stringify(streams.customer.outputs()).includes('parcel re-sent'), "the resolve note leaked");
  });
});
