// The handoff worker: chat events over HTTP, one Durable Object (one engine) per tenant.
//
//   POST /tenants/{t}/inputs                            an engine input, as JSON ({"type": ...})
//   POST /tenants/{t}/conversations/{c}/messages        customer_message  {text, customer?, signals?}
//   POST /tenants/{t}/conversations/{c}/ai-replies      ai_reply          {text, confidence?, actions?, resolved?}
//   POST /tenants/{t}/conversations/{c}/handoff         handoff_request   {customer?, source?}
//   POST /tenants/{t}/conversations/{c}/accept          agent_accept      {agent_id}
//   POST /tenants/{t}/conversations/{c}/decline         agent_decline     {agent_id, reason?}
//   POST /tenants/{t}/conversations/{c}/agent-messages  agent_message     {agent_id, text}
//   POST /tenants/{t}/conversations/{c}/notes           agent_note        {agent_id, text}
//   POST /tenants/{t}/conversations/{c}/transfer        transfer          {agent_id, to, mode?, note?} or {by: "admin", to, ...}
//   POST /tenants/{t}/conversations/{c}/return-to-ai    return_to_ai      {agent_id, note?}
//   POST /tenants/{t}/conversations/{c}/callback        callback_details  {name?, phone?, email?, preferred_time?}
//   POST /tenants/{t}/conversations/{c}/close           conversation_closed {by?}
//   POST /tenants/{t}/conversations/{c}/resolve         resolve           {agent_id, outcome, note?} or {by: "admin", outcome, note?}
//   POST /tenants/{t}/conversations/{c}/wrap-up-done    wrap_up_done      {agent_id}
//   POST /tenants/{t}/conversations/{c}/csat            csat              {score (1 to 5), comment?}
//   PUT  /tenants/{t}/agents/{a}                        agent_update      {name?, status?, skills?, max_concurrent?}
//   POST /tenants/{t}/dead-letters/{d}/redrive          redrive_delivery
//   POST /tenants/{t}/webhooks/{w}/enable               enable_webhook
//   POST /tenants/{t}/integrations/{i}/webhook          a helpdesk's own webhook (Zendesk, Intercom, Sunshine
//                                                       Conversations, Freshdesk): no bearer token, the vendor's
//                                                       signature or secret; 200, 401, 404 or 422
//   GET  /tenants/{t}                                   summary
//   GET  /tenants/{t}/state                             the engine's state (JSON, as saved)
//   GET  /tenants/{t}/dead-letters                      dead letters
//   GET  /tenants/{t}/journal                           the last engine steps (when HANDOFF_JOURNAL is set)
//   GET  /tenants/{t}/conversations/{c}/stream          the customer's outputs (server-sent events)
//   GET  /tenants/{t}/agents/{a}/stream                 the agent's outputs (server-sent events)
//   GET  /tenants/{t}/stream                            every output (server-sent events, operators)
//
// Every request but the helpdesks' webhooks needs `Authorization: Bearer <HANDOFF_API_TOKEN>`. Inputs answer
// `{"tenant", "handled_at", "outputs"}`; errors answer `{"error", "path"?}` with 400, 401, 404,
// 405, 413, 422 (the engine refused the input: nothing changed) or 500.

import { HttpError, inputFrom, route } from './routes.js';

export { HandoffTenant } from './tenant.js';

/** Largest request body accepted (bytes). (The main module exports only entrypoints.) */
const MAX_BODY_BYTES = 1_000_000;

function json(status, body) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
}

async function sha256(text) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** Compares the bearer token with the configured one in constant time (over their digests). */
async function authorized(request, env) {
  const expected = env.HANDOFF_API_TOKEN;
  if (typeof expected !== 'string' || expected === '') {
    throw new HttpError(500, 'the worker is not configured: set the HANDOFF_API_TOKEN secret');
  }
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer[ ]+(.+)$/i.exec(header);
  if (!match) return false;
  const [a, b] = await Promise.all([sha256(match[1].trim()), sha256(expected)]);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** The request body as text, at most MAX_BODY_BYTES. */
async function readText(request) {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, `body: larger than ${MAX_BODY_BYTES} bytes`, 'body');
  const text = await request.text();
  if (new TextEncoder().encode(text).length > MAX_BODY_BYTES) {
    throw new HttpError(413, `body: larger than ${MAX_BODY_BYTES} bytes`, 'body');
  }
  return text;
}

/** The request body as parsed JSON, or `undefined` when there is none. */
async function readBody(request) {
  const text = await readText(request);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `body: not valid JSON (${error.message})`, 'body');
  }
}

async function serve(request, env) {
  const url = new URL(request.url);
  const parsed = route(request.method, url.pathname);
  if (parsed.helpdesk !== undefined) {
    // The vendor's signature is the authentication: the tenant's engine checks it.
    const body = await readText(request);
    const headers = {};
    for (const [name, value] of request.headers) headers[name.toLowerCase()] = value;
    const tenant = env.HANDOFF_TENANTS.get(env.HANDOFF_TENANTS.idFromName(parsed.tenant));
    const query = url.search.startsWith('?') ? url.search.slice(1) : url.search;
    const { status, body: answer } = await tenant.webhook(parsed.helpdesk, { headers, query, body });
    return json(status, { tenant: parsed.tenant, ...answer });
  }
  if (!(await authorized(request, env))) {
    return json(401, { error: 'missing or wrong bearer token (Authorization: Bearer <HANDOFF_API_TOKEN>)' });
  }
  const tenant = env.HANDOFF_TENANTS.get(env.HANDOFF_TENANTS.idFromName(parsed.tenant));

  if (parsed.stream) {
    const target = new URL('https://tenant/stream');
    target.searchParams.set('scope', parsed.stream.scope);
    if (parsed.stream.id !== undefined) target.searchParams.set('id', parsed.stream.id);
    return tenant.fetch(new Request(target, { signal: request.signal }));
  }
  if (parsed.input) {
    const input = inputFrom(parsed.input, await readBody(request));
    const { status, body } = await tenant.input(input);
    return json(status, { tenant: parsed.tenant, ...body });
  }
  switch (parsed.read) {
    case 'summary':
      return json(200, { tenant: parsed.tenant, ...(await tenant.summary()) });
    case 'state':
      return new Response(await tenant.stateJson(), {
        headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      });
    case 'dead_letters':
      return json(200, { tenant: parsed.tenant, dead_letters: await tenant.deadLetters() });
    case 'journal': {
      const journal = await tenant.journal();
      if (journal == null) return json(404, { error: 'the journal is off: set HANDOFF_JOURNAL to the number of steps to keep' });
      return json(200, { tenant: parsed.tenant, ...journal });
    }
    case 'records':
      return json(200, { tenant: parsed.tenant, records: await tenant.records() });
    default:
      throw new HttpError(404, `no route for ${request.method} ${url.pathname}`);
  }
}

export default {
  async fetch(request, env) {
    try {
      return await serve(request, env);
    } catch (error) {
      if (error instanceof HttpError) {
        const body = { error: error.message };
        if (error.path !== undefined) body.path = error.path;
        return json(error.status, body);
      }
      // A configuration the engine refuses, storage failing...: the message says which; it never
      // holds a secret (the host and the engine name a secret_ref, never its value).
      console.error(`handoff: ${error?.message ?? error}`);
      return json(500, { error: error?.message ?? String(error) });
    }
  },
};
