// Kill workerd in the middle of inputs: the worker example under the real workerd takes customer
// messages from several clients at once, each asking for a person (a handoff, and a signed
// `conversation.handoff_requested` webhook to a loopback receiver), and workerd is killed
// (SIGKILL) while requests are still arriving. Started again on the same storage, every input it
// had answered 2xx is in the state, and every delivery those answers listed reaches the receiver;
// a delivery is repeated only under its own webhook-id, never sent as a second delivery.
//
// Needs the workerd binary (`npm ci` in host-node/) and the wasm build (`cargo xtask wasm`).

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Webhook } from '../test-support/deps.mjs';
import { MISSING, wasmPresent } from '../test-support/engines.mjs';
import { startReceiver } from '../test-support/server.mjs';
import { SECRET } from '../test-support/setup.mjs';
import { killAllWorkerd, startWorkerd, workerdMissing } from '../test-support/worker-workerd.mjs';

const TOKEN = `test-${randomBytes(12).toString('hex')}`;
const TENANT = 'acme';
/** Clients posting at once. */
const CLIENTS = 4;
/** workerd is killed when this many inputs have been answered 2xx (the clients still posting). */
const KILL_AFTER = 40;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what, probe, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

describe('workerd killed mid-input', () => {
  let receiver;
  let storageDir;
  let worker;
  let env;

  before(async () => {
    const missing = [workerdMissing(), wasmPresent ? null : MISSING].filter(Boolean);
    if (missing.length) throw new Error(missing.join('; '));
    // Every request verified with the standardwebhooks package, then 204.
    receiver = await startReceiver((request) => {
      try {
        request.payload = new Webhook(SECRET).verify(request.body, request.headers);
      } catch (error) {
        request.verifyError = error.message;
        return { status: 401 };
      }
      return { status: 204 };
    });
    storageDir = await mkdtemp(join(tmpdir(), 'handoff-workerd-kill-'));
    env = {
      HANDOFF_API_TOKEN: TOKEN,
      HANDOFF_WEBHOOK_SECRET: SECRET,
      HANDOFF_CONFIG: JSON.stringify({
        handoff: {
          routing: { fallback: 'queue' },
          webhooks: [
            { id: 'crm', url: receiver.url, events: ['conversation.handoff_requested'], secret_ref: 'HANDOFF_WEBHOOK_SECRET' },
          ],
        },
      }),
    };
    worker = await startWorkerd({ storageDir, env });
  });

  after(async () => {
    killAllWorkerd();
    await worker?.kill();
    await receiver?.close();
    if (storageDir) await rm(storageDir, { recursive: true, force: true });
  });

  async function call(method, path, body) {
    const response = await fetch(`${worker.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, json: text ? JSON.parse(text) : undefined };
  }

  /** Inputs answered 2xx: `{conversation, text, outputs}`. */
  const accepted = [];
  /** Inputs sent and never answered (workerd died first) or refused: `{conversation, text, error}`. */
  const unanswered = [];

  it('clients post customer messages; workerd is killed with SIGKILL while they are still posting', async () => {
    let next = 0;
    let killing = null;
    // Each client posts until workerd is gone under it: its last request was in flight or refused.
    const client = async (c) => {
      for (;;) {
        const k = next++;
        const conversation = `conv_${k}`;
        const text = `I want to talk to a human, message ${k} from client ${c}`;
        try {
          const res = await call('POST', `/tenants/${TENANT}/conversations/${conversation}/messages`, { text });
          if (res.status >= 200 && res.status < 300) {
            accepted.push({ conversation, text, outputs: res.json.outputs });
            if (accepted.length === KILL_AFTER && !killing) killing = worker.kill('SIGKILL');
          } else {
            unanswered.push({ conversation, text, error: `${res.status} ${res.text}` });
          }
        } catch (error) {
          unanswered.push({ conversation, text, error: error.message });
          if (killing || unanswered.length > 100) return;
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
    await killing;
    assert.ok(accepted.length >= KILL_AFTER, `${accepted.length} inputs answered`);
    assert.ok(unanswered.length >= CLIENTS, 'every client was still posting when workerd died');
    for (const a of accepted) {
      const handoff = a.outputs.filter((o) => o.type === 'handoff');
      assert.equal(handoff.length, 1, `${a.conversation} handed off: ${JSON.stringify(a.outputs)}`);
      assert.equal(a.outputs.filter((o) => o.type === 'delivery').length, 1, `${a.conversation}: one webhook delivery`);
    }
  });

  it('started again on the same storage: every accepted input is there, and so is every delivery', async () => {
    worker = await startWorkerd({ storageDir, env });
    const state = await call('GET', `/tenants/${TENANT}/state`);
    assert.equal(state.status, 200, state.text);
    const conversations = JSON.parse(state.text).conversations;
    for (const a of accepted) {
      const stored = conversations[a.conversation];
      assert.ok(stored, `accepted ${a.conversation} is in the state`);
      assert.deepEqual(
        stored.history.filter((line) => line.role === 'customer').map((line) => line.text),
        [a.text],
        `${a.conversation}'s message, once`,
      );
      assert.equal(stored.status, 'queued');
    }
    // An input workerd died before answering is either wholly there or not at all.
    for (const u of unanswered) {
      const stored = conversations[u.conversation];
      if (stored) assert.deepEqual(stored.history.filter((l) => l.role === 'customer').map((l) => l.text), [u.text]);
    }
    // Nothing is there that nobody sent.
    const sent = new Set([...accepted, ...unanswered].map((x) => x.conversation));
    for (const id of Object.keys(conversations)) assert.ok(sent.has(id), `${id} was sent`);

    // Every delivery an accepted answer listed reaches the receiver (those workerd had in flight
    // are handed out again on restart, with the same webhook-id), verified.
    const deliveries = accepted.flatMap((a) => a.outputs.filter((o) => o.type === 'delivery'));
    const arrived = (id) => receiver.requests.some((r) => r.headers['webhook-id'] === id && r.payload);
    await waitFor('every accepted delivery at the receiver', () => deliveries.every((d) => arrived(d.delivery_id)));
    await waitFor('the outbox to empty', async () => {
      const s = (await call('GET', `/tenants/${TENANT}`)).json;
      return s.outbox.waiting === 0 && s.outbox.in_flight === 0;
    });
    for (const d of deliveries) {
      for (const r of receiver.requests.filter((x) => x.headers['webhook-id'] === d.delivery_id)) {
        assert.equal(r.body, d.body, 'the same body on every attempt');
      }
    }

    // No delivery lost, none doubled: one webhook-id per conversation's handoff request, and
    // every conversation in the state (accepted or not) had its request delivered.
    assert.deepEqual(receiver.requests.filter((r) => !r.payload).map((r) => r.verifyError), [], 'every request verifies');
    const idsByConversation = new Map();
    for (const r of receiver.requests) {
      const key = r.payload.data.conversation_id;
      if (!idsByConversation.has(key)) idsByConversation.set(key, new Set());
      idsByConversation.get(key).add(r.headers['webhook-id']);
    }
    for (const [conversation, ids] of idsByConversation) {
      assert.equal(ids.size, 1, `${conversation}: one webhook-id, repeats only under it (${[...ids]})`);
    }
    assert.deepEqual(
      [...idsByConversation.keys()].sort(),
      Object.keys(conversations).sort(),
      'a delivery for every conversation in the state, and for no other',
    );
  });
});
