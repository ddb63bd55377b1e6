// The worker's HTTP routes: which tenant a request is for, and the engine input or the read it
// asks for. No I/O here: `route` parses a method and a path, `inputFrom` builds the input from the
// route and the request body. Errors are `HttpError`s whose message names what was wrong.

/** An error answered with `status` and `{"error": message, "path"?}`. */
export class HttpError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {string} [path] the JSON path of the offending value (`body.text`)
   */
  constructor(status, message, path) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    if (path !== undefined) this.path = path;
  }
}

/** Tenant ids: they name a Durable Object, so keep them plain. */
const TENANT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Longest conversation, agent, delivery or webhook id taken from a path. */
const MAX_ID = 200;

/**
 * Inputs the worker sends itself: the clock (`tick`, from the alarm), delivery results (after its
 * own fetch), `host_restarted`, and `helpdesk_event` (read from a helpdesk's verified webhook).
 * Accepting them over HTTP would let a caller forge them.
 */
export const INTERNAL_INPUTS = Object.freeze(['tick', 'delivery_result', 'host_restarted', 'helpdesk_event']);

/** `POST /tenants/{t}/conversations/{c}/{action}`: the input type each action sends. */
export const CONVERSATION_ACTIONS = Object.freeze({
  messages: 'customer_message',
  'ai-replies': 'ai_reply',
  handoff: 'handoff_request',
  accept: 'agent_accept',
  decline: 'agent_decline',
  'agent-messages': 'agent_message',
  notes: 'agent_note',
  transfer: 'transfer',
  'return-to-ai': 'return_to_ai',
  callback: 'callback_details',
  close: 'conversation_closed',
  resolve: 'resolve',
  'wrap-up-done': 'wrap_up_done',
  csat: 'csat',
});

/** `GET /tenants/{t}/{read}`: what can be read. */
export const READS = Object.freeze({
  '': 'summary',
  state: 'state',
  'dead-letters': 'dead_letters',
  journal: 'journal',
  records: 'records',
});

function segment(raw, what) {
  let value;
  try {
    value = decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, `${what}: not a valid URL-encoded path segment`);
  }
  if (value === '' || value.length > MAX_ID) {
    throw new HttpError(400, `${what}: expected 1 to ${MAX_ID} characters`);
  }
  return value;
}

/**
 * Parses a request line.
 *
 * @param {string} method
 * @param {string} pathname
 * @returns {{tenant: string, read: string} |
 *           {tenant: string, stream: {scope: 'operators' | 'customer' | 'agent', id?: string}} |
 *           {tenant: string, input: {type?: string, fixed: object, key?: string}} |
 *           {tenant: string, helpdesk: string}}
 *   `read`: a key of READS' values; `input`: the input to build from the body, where `type` (if
 *   set) and `fixed` come from the route and `key` is where the body goes (`agent` for
 *   agent_update), absent when the body is the input's own fields; `stream`: a stream of outputs
 *   (server-sent events) for operators (every output), a conversation's customer (`id`: the
 *   conversation) or an agent (`id`: the agent); `helpdesk`: a helpdesk's own webhook to that
 *   integration (authenticated by the vendor's signature, not the bearer token).
 * @throws {HttpError} 404 for an unknown path, 405 for a known path with another method
 */
export function route(method, pathname) {
  const parts = pathname.split('/').slice(1);
  if (parts[0] !== 'tenants' || parts.length < 2) {
    throw new HttpError(404, `no route for ${pathname}: routes start with /tenants/{tenant}`);
  }
  const tenant = segment(parts[1], 'tenant');
  if (!TENANT.test(tenant)) {
    throw new HttpError(400, 'tenant: expected 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit');
  }
  const rest = parts.slice(2);
  const allow = (expected) => {
    if (method !== expected) throw new HttpError(405, `${method} ${pathname}: this route takes ${expected}`);
  };

  if (rest.length === 0 || (rest.length === 1 && Object.hasOwn(READS, rest[0]))) {
    allow('GET');
    return { tenant, read: READS[rest[0] ?? ''] };
  }
  if (rest.length === 1 && rest[0] === 'stream') {
    allow('GET');
    return { tenant, stream: { scope: 'operators' } };
  }
  if (rest.length === 3 && rest[0] === 'conversations' && rest[2] === 'stream') {
    allow('GET');
    return { tenant, stream: { scope: 'customer', id: segment(rest[1], 'conversation') } };
  }
  if (rest.length === 3 && rest[0] === 'agents' && rest[2] === 'stream') {
    allow('GET');
    return { tenant, stream: { scope: 'agent', id: segment(rest[1], 'agent') } };
  }
  if (rest.length === 1 && rest[0] === 'inputs') {
    allow('POST');
    return { tenant, input: { fixed: {} } };
  }
  if (rest.length === 3 && rest[0] === 'conversations' && Object.hasOwn(CONVERSATION_ACTIONS, rest[2])) {
    allow('POST');
    const conversation_id = segment(rest[1], 'conversation');
    return { tenant, input: { type: CONVERSATION_ACTIONS[rest[2]], fixed: { conversation_id } } };
  }
  if (rest.length === 2 && rest[0] === 'agents') {
    allow('PUT');
    const id = segment(rest[1], 'agent');
    return { tenant, input: { type: 'agent_update', fixed: { id }, key: 'agent' } };
  }
  if (rest.length === 3 && rest[0] === 'dead-letters' && rest[2] === 'redrive') {
    allow('POST');
    return { tenant, input: { type: 'redrive_delivery', fixed: { delivery_id: segment(rest[1], 'delivery') } } };
  }
  if (rest.length === 3 && rest[0] === 'webhooks' && rest[2] === 'enable') {
    allow('POST');
    return { tenant, input: { type: 'enable_webhook', fixed: { webhook_id: segment(rest[1], 'webhook') } } };
  }
  if (rest.length === 3 && rest[0] === 'integrations' && rest[2] === 'webhook') {
    allow('POST');
    return { tenant, helpdesk: segment(rest[1], 'integration') };
  }
  throw new HttpError(404, `no route for ${method} ${pathname}`);
}

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Builds the engine input from a parsed route and the request body (already parsed JSON, or
 * `undefined` for an empty body).
 *
 * - `POST /tenants/{t}/inputs`: the body is the input, as the engine takes it (`{"type": ...}`);
 *   the worker's own inputs (INTERNAL_INPUTS) are refused.
 * - the other routes: the body holds the input's other fields; `type` and the ids in the path
 *   are set by the route, and a body that names them differently is refused.
 *
 * @throws {HttpError} 400 naming the body's JSON path, or 422 for a refused input type
 */
export function inputFrom(spec, body) {
  if (spec.type === undefined) {
    if (!isPlainObject(body)) throw new HttpError(400, 'body: expected a JSON object with a "type" (an engine input)', 'body');
    if (INTERNAL_INPUTS.includes(body.type)) {
      throw new HttpError(
        422,
        `input.type: "${body.type}" is sent by the worker itself (its alarm and its deliveries), not accepted over HTTP`,
        'input.type',
      );
    }
    return body;
  }
  const fields = body === undefined ? {} : body;
  if (!isPlainObject(fields)) throw new HttpError(400, 'body: expected a JSON object (or no body)', 'body');
  if (Object.hasOwn(fields, 'type')) {
    throw new HttpError(
      400,
      `body.type: set by the route (${spec.type}); to send another input use POST /tenants/{tenant}/inputs`,
      'body.type',
    );
  }
  const merged = { ...fields };
  for (const [key, value] of Object.entries(spec.fixed)) {
    if (Object.hasOwn(merged, key) && merged[key] !== value) {
      throw new HttpError(400, `body.${key}: ${JSON.stringify(merged[key])} differs from the path's ${JSON.stringify(value)}`, `body.${key}`);
    }
    merged[key] = value;
  }
  return spec.key ? { type: spec.type, [spec.key]: merged } : { type: spec.type, ...merged };
}
