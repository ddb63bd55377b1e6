// The service's public HTTP API, as the console uses it (docs/serve.md). Signed in by the
// session cookie: the token is sent once, to POST /v1/session, and forgotten.

/** Writes signed in by the cookie carry this header (the service refuses them without it). */
const CONSOLE_HEADER = 'X-Handoff-Console';

/** An error answer of the API: `{error: {path, kind, message}}` with its HTTP status. */
export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.path = error?.path;
    this.kind = error?.kind;
  }
}

async function call(method, path, body, headers = {}) {
  const init = { method, headers: { ...headers }, credentials: 'same-origin' };
  if (method !== 'GET') init.headers[CONSOLE_HEADER] = '1';
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) throw new ApiError(response.status, json?.error);
  return json;
}

/** Trades `token` for a session cookie: `{role, agent_id?}`. */
export function signIn(token) {
  return call('POST', '/v1/session', undefined, { Authorization: `Bearer ${token}` });
}

export const signOut = () => call('DELETE', '/v1/session');
export const whoAmI = () => call('GET', '/v1/session');
export const settings = () => call('GET', '/v1/settings');
export const agents = () => call('GET', '/v1/agents');
export const queue = () => call('GET', '/v1/queue?limit=100');
export const conversation = (id) => call('GET', `/v1/conversations/${encodeURIComponent(id)}`);
export const setPresence = (agentId, status) => call('PUT', `/v1/agents/${encodeURIComponent(agentId)}`, { status });

const act = (id, route, body) => call('POST', `/v1/conversations/${encodeURIComponent(id)}/${route}`, body ?? {});
export const accept = (id) => act(id, 'accept');
export const decline = (id, reason) => act(id, 'decline', reason ? { reason } : {});
export const reply = (id, text) => act(id, 'agent-messages', { text });
export const note = (id, text) => act(id, 'notes', { text });
export const transfer = (id, to, note) => act(id, 'transfer', note ? { to, note } : { to });
export const returnToAi = (id, note) => act(id, 'return-to-ai', note ? { note } : {});
export const resolve = (id, outcome, note) => act(id, 'resolve', note ? { outcome, note } : { outcome });
export const wrapUpDone = (id) => act(id, 'wrap-up-done');

/** The agent's own event stream (authorised by the cookie). */
export function agentEvents(agentId) {
  return new EventSource(`/v1/agents/${encodeURIComponent(agentId)}/events`);
}

export const deadLetters = () => call('GET', '/v1/dead-letters?limit=100');
export const redrive = (id) => call('POST', `/v1/dead-letters/${encodeURIComponent(id)}/redrive`);
export const enableWebhook = (id) => call('POST', `/v1/webhooks/${encodeURIComponent(id)}/enable`);
export const callbacks = () => call('GET', '/v1/callbacks?limit=100');
export const disabledWebhooks = () => call('GET', '/v1/webhooks/disabled');
export const timeline = () => call('GET', '/v1/stats/timeline');
