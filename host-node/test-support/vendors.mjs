// Fake helpdesks on the loopback interface (127.0.0.1, a free port) for the integration tests: each
// checks the `Authorization` header it expects and answers like the vendor (the shapes of their
// API references), recording every request. A wrong or missing credential gets the vendor's 401, so
// a host that authenticates wrongly fails the flow instead of passing it.
//
// Zendesk: create ticket 201 `{"ticket": {"id", ...}}` (which echoes the first comment as
// `description`, so real answers run to kilobytes), update ticket 200.
// https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#create-ticket
// Freshdesk: create ticket 201 `{"id", ...}`, add note 201, update ticket 200.
// https://developers.freshdesk.com/api/#create_ticket
// Intercom: reply / parts 200 with the conversation; 429 with `X-RateLimit-Reset` when throttled.
// https://developers.intercom.com/docs/references/rest-api/errors/rate-limiting

import { createServer } from 'node:http';

/** `Basic base64(user:password)` as RFC 7617 builds it (UTF-8). */
export function basic(user, password) {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

function json(status, value, headers = {}) {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(value) };
}

/**
 * A loopback server answering with `route(request)` (`{status, headers, body}`), after checking
 * `authorization` equals `expectedAuth` (else `unauthorized`).
 */
async function startVendor({ expectedAuth, unauthorized, route }) {
  const requests = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const request = { method: req.method, path: req.url, headers: { ...req.headers }, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      let answer;
      if (request.headers.authorization !== expectedAuth) {
        answer = unauthorized;
      } else {
        try {
          request.json = request.body === '' ? undefined : JSON.parse(request.body);
          answer = route(request, requests.length) ?? json(404, { error: 'RecordNotFound', description: 'Not found' });
        } catch (error) {
          answer = json(400, { error: 'BadRequest', description: String(error.message) });
        }
      }
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Zendesk Support with API-token auth (`{email}/token:{token}`). Tickets get ids from `firstId`
 * on; `descriptionBytes` pads the echoed description the way a long first comment does.
 */
export function startZendesk({ email, token, firstId = 35436, descriptionBytes = 0 }) {
  const tickets = new Map();
  let nextId = firstId;
  return startVendor({
    expectedAuth: basic(`${email}/token`, token),
    unauthorized: json(401, { error: "Couldn't authenticate you" }),
    route(request) {
      if (request.method === 'POST' && request.path === '/api/v2/tickets') {
        const ticket = request.json?.ticket;
        if (!ticket || !ticket.comment) {
          return json(422, { error: 'RecordInvalid', description: 'Record validation errors', details: { base: [{ description: 'Comment: cannot be blank' }] } });
        }
        const id = nextId++;
        tickets.set(id, { status: 'new', ...ticket });
        // The id after the description, as Zendesk's own field order has it.
        const description = `${ticket.comment.body ?? ''}${' '.repeat(descriptionBytes)}`;
        return json(201, { ticket: { url: `${request.headers.host}/api/v2/tickets/${id}.json`, description, id, status: 'new', subject: ticket.subject } }, { location: `/api/v2/tickets/${id}.json` });
      }
      const update = /^\/api\/v2\/tickets\/(\d+)$/.exec(request.path);
      if (request.method === 'PUT' && update) {
        const id = Number(update[1]);
        if (!tickets.has(id)) return json(404, { error: 'RecordNotFound', description: 'Not found' });
        const ticket = { ...tickets.get(id), ...(request.json?.ticket ?? {}) };
        tickets.set(id, ticket);
        return json(200, { ticket: { id, status: ticket.status } });
      }
      return undefined;
    },
  });
}

/** Freshdesk with its API key as the basic user name and `X` as the password. */
export function startFreshdesk({ apiKey, firstId = 43 }) {
  const tickets = new Set();
  let nextId = firstId;
  return startVendor({
    expectedAuth: basic(apiKey, 'X'),
    unauthorized: json(401, { code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' }),
    route(request) {
      if (request.method === 'POST' && request.path === '/api/v2/tickets') {
        const id = nextId++;
        tickets.add(id);
        return json(201, { id, subject: request.json?.subject, status: request.json?.status, priority: request.json?.priority });
      }
      const note = /^\/api\/v2\/tickets\/(\d+)\/notes$/.exec(request.path);
      if (request.method === 'POST' && note) {
        if (!tickets.has(Number(note[1]))) return json(404, { code: 'not_found', message: 'Ticket not found' });
        return json(201, { id: 9000 + tickets.size, ticket_id: Number(note[1]), private: request.json?.private, body: request.json?.body });
      }
      const update = /^\/api\/v2\/tickets\/(\d+)$/.exec(request.path);
      if (request.method === 'PUT' && update) {
        if (!tickets.has(Number(update[1]))) return json(404, { code: 'not_found', message: 'Ticket not found' });
        return json(200, { id: Number(update[1]), ...request.json });
      }
      return undefined;
    },
  });
}

/**
 * Intercom with a bearer access token. `throttle(request, n)` returning a unix-seconds reset time
 * answers that request 429 with Intercom's rate-limit headers.
 */
export function startIntercom({ token, throttle = () => undefined }) {
  return startVendor({
    expectedAuth: `Bearer ${token}`,
    unauthorized: json(401, { type: 'error.list', errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] }),
    route(request, n) {
      const reset = throttle(request, n);
      if (reset !== undefined) {
        return json(
          429,
          { type: 'error.list', errors: [{ code: 'rate_limit_exceeded', message: 'Exceeded rate limit of 1000 in 60 seconds' }] },
          { 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
        );
      }
      const part = /^\/conversations\/([^/]+)\/(reply|parts)$/.exec(request.path);
      if (request.method === 'POST' && part) {
        return json(200, { type: 'conversation', id: part[1], state: request.json?.message_type === 'close' ? 'closed' : 'open' });
      }
      return undefined;
    },
  });
}
