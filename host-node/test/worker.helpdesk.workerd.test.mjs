// Helpdesks both ways in the worker example under the real workerd: a loopback stand-in for
// Zendesk (answering the ticket API as the vendor does) gets the ticket and the customer's
// follow-up as a comment by the requester; an agent "answers in Zendesk" and Zendesk's signed
// ticket.comment_added webhook goes to POST /tenants/{t}/integrations/zendesk/webhook (no bearer
// token): the customer's stream shows the agent's message. A wrong signature is 401, an unknown
// integration 404, an unknown ticket 422.
//
// Needs the workerd binary (`npm ci` in host-node/) and the wasm build (`cargo xtask wasm`).

import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MISSING, wasmPresent } from '../test-support/engines.mjs';
import { openStream, waitFor } from '../test-support/sse.mjs';
import { killAllWorkerd, startWorkerd, workerdMissing } from '../test-support/worker-workerd.mjs';

const TOKEN = `test-${randomBytes(12).toString('hex')}`;
const ZENDESK_TOKEN = `zd-${randomBytes(8).toString('hex')}`;
const HOOK_SECRET = `hook-${randomBytes(8).toString('hex')}`;
const T = 'helpdesk';
const C = 'conv_zd';
const TICKET = 35436;


/** A stand-in for Zendesk's ticket API: create (201 with the ids), update (200). */
async function fakeZendesk() {
  const requests = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      const expected = `Basic ${Buffer.from(`bot@acme.com/token:${ZENDESK_TOKEN}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: "Couldn't authenticate you" }));
        return;
      }
      const ticket = { id: TICKET, requester_id: 20978392, submitter_id: 1200, status: 'new' };
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ticket }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, requests, close: () => server.close() };
}


/** Zendesk's ticket.comment_added for `ticket`, signed as Zendesk signs (timestamp + body). */
function commentAdded(ticket, text, secret = HOOK_SECRET) {
  const body = JSON.stringify({
    id: `ev-${randomBytes(6).toString('hex')}`,
    type: 'zen:event-type:ticket.comment_added',
    subject: `zen:ticket:${ticket}`,
    detail: { id: String(ticket), requester_id: '20978392', submitter_id: '1200' },
    event: { comment: { id: '1', body: text, is_public: true, author: { id: '9001', is_staff: true, name: 'Asha K' } } },
  });
  const timestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const signature = createHmac('sha256', secret).update(timestamp + body).digest('base64');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-zendesk-webhook-signature': signature,
      'x-zendesk-webhook-signature-timestamp': timestamp,
    },
  };
}

describe('the worker example: helpdesk webhooks, under workerd', () => {
  let worker;
  let zendesk;
  let storageDir;
  let stream;

  before(async () => {
    const missing = [workerdMissing(), wasmPresent ? null : MISSING].filter(Boolean);
    if (missing.length) throw new Error(missing.join('; '));
    zendesk = await fakeZendesk();
    const config = {
      handoff: {
        agents: [{ id: 'asha', name: 'Asha' }],
        routing: { auto_accept: true },
        integrations: [
          {
            kind: 'zendesk', base_url: zendesk.url, email: 'bot@acme.com',
            api_token_ref: 'HANDOFF_HELPDESK_TOKEN', agent_map: { asha: 9001 },
            webhook_secret_ref: 'HANDOFF_HELPDESK_WEBHOOK_SECRET',
          },
        ],
      },
    };
    storageDir = await mkdtemp(join(tmpdir(), 'handoff-workerd-helpdesk-'));
    worker = await startWorkerd({
      storageDir,
      env: {
        HANDOFF_API_TOKEN: TOKEN,
        HANDOFF_CONFIG: JSON.stringify(config),
        HANDOFF_HELPDESK_TOKEN: ZENDESK_TOKEN,
        HANDOFF_HELPDESK_WEBHOOK_SECRET: HOOK_SECRET,
      },
    });
  });

  after(async () => {
    await stream?.close();
    killAllWorkerd();
    await worker?.kill();
    zendesk?.close();
    if (storageDir) await rm(storageDir, { recursive: true, force: true });
  });

  async function call(method, path, body) {
    const response = await fetch(`${worker.url}/tenants/${T}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: await response.json() };
  }
  async function webhook(integration, { body, headers }) {
    const response = await fetch(`${worker.url}/tenants/${T}/integrations/${integration}/webhook`, {
      method: 'POST',
      headers,
      body,
    });
    return { status: response.status, json: await response.json() };
  }

  it("carries the customer's follow-up to Zendesk and the agent's reply from it to the customer", async () => {
    assert.equal((await call('PUT', '/agents/asha', { name: 'Asha', status: 'online' })).status, 200);
    const handoff = await call('POST', `/conversations/${C}/handoff`, {
      customer: { name: 'Priya', email: 'priya@example.com' },
    });
    assert.equal(handoff.status, 200, JSON.stringify(handoff.json));
    stream = await openStream(`${worker.url}/tenants/${T}/conversations/${C}/stream`, TOKEN);
    await waitFor('the ticket', () => zendesk.requests.some((r) => r.method === 'POST'));
    const message = await call('POST', `/conversations/${C}/messages`, { text: 'Is my refund on its way?' });
    assert.equal(message.status, 200, JSON.stringify(message.json));
    const comment = await waitFor("the customer's comment", () =>
      zendesk.requests.find((r) => r.method === 'PUT' && r.body.includes('Is my refund on its way?')),
    );
    assert.equal(comment.url, `/api/v2/tickets/${TICKET}`);
    assert.equal(JSON.parse(comment.body).ticket.comment.author_id, 20978392);

    const answered = await webhook('zendesk', commentAdded(TICKET, 'Yes: it went out this morning.'));
    assert.equal(answered.status, 200, JSON.stringify(answered.json));
    assert.equal(answered.json.accepted, 1);
    const shown = await waitFor("the agent's message on the customer's stream", () =>
      stream.outputs().find((o) => o.type === 'agent_message' && o.text === 'Yes: it went out this morning.'),
    );
    assert.equal(shown.agent_id, 'asha');
    assert.equal(shown.agent_name, 'Asha');
  });

  it('refuses a wrong signature (401), an unknown integration (404) and an unknown ticket (422)', async () => {
    const forged = await webhook('zendesk', commentAdded(TICKET, 'forged', 'not-the-secret'));
    assert.equal(forged.status, 401, JSON.stringify(forged.json));
    assert.equal(forged.json.kind, 'bad_signature');
    const nowhere = await webhook('nope', commentAdded(TICKET, 'x'));
    assert.equal(nowhere.status, 404, JSON.stringify(nowhere.json));
    const unknown = await webhook('zendesk', commentAdded(777777, 'x'));
    assert.equal(unknown.status, 422, JSON.stringify(unknown.json));
    assert.equal(unknown.json.path, 'input.vendor_id');
    // None of them reached the customer.
    assert.ok(!stream.outputs().some((o) => o.type === 'agent_message' && ['forged', 'x'].includes(o.text)));
  });
});
