// A small stand-in for the wasm engine, with the same JS interface (`new Engine(config)`,
// `handle(input, nowMs)`, `state()`, `Engine.restore(config, state)`, `nextWakeup()`), so the
// driver's tests run without the wasm build. It copies the real engine's output shapes and its
// outbox rules (2xx delivered; 408/429/5xx retried no sooner than `retry_after_ms`, else the
// reported `retry-after` or `x-ratelimit-reset` header; 410 disables the webhook; anything else is
// a dead letter; a lease of 60 s), not its decisions about people.

const LEASE_MS = 60_000;
const RETRY_MS = 5_000;
const MAX_ATTEMPTS = 10;

function fail(path, message) {
  return new Error(`${path}: ${message}`);
}

function clone(value) {
  return JSON.parse(JSON.stringify(value));
}

/** `retry-after` in ms from `now`: whole or decimal seconds, or an HTTP date (a minimal copy of the
 * engine's reading; the real one is the module's `retryAfterMs`, tested in host.clock.test.mjs). */
function retryAfterMs(value, now) {
  const text = value == null ? '' : String(value).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  const at = /[a-z]/i.test(text) ? Date.parse(text) : NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** As the engine: `retry_after_ms`, else `retry-after` (seconds or a date), else `x-ratelimit-reset`. */
function retryAfterOf(input, now) {
  if (input.retry_after_ms !== undefined) return input.retry_after_ms;
  const headers = input.headers ?? {};
  const retryAfter = retryAfterMs(headers['retry-after'], now);
  if (retryAfter !== undefined) return retryAfter;
  const reset = Number(headers['x-ratelimit-reset']);
  return headers['x-ratelimit-reset'] !== undefined && Number.isSafeInteger(reset) ? Math.max(0, reset * 1000 - now) : undefined;
}

export class Engine {
  #config;
  #state;

  constructor(config, state) {
    if (config == null || typeof config !== 'object') throw fail('$', 'expected a configuration object');
    this.#config = config.handoff ?? config;
    this.#state = state ?? {
      version: 1,
      now: 0,
      seq: 0,
      conversations: {},
      queue: [],
      outbox: {},
      dead_letters: {},
      disabled_webhooks: {},
    };
  }

  static restore(config, state) {
    const value = typeof state === 'string' ? JSON.parse(state) : clone(state);
    if (value.version !== 1) throw fail('state.version', `unsupported version ${value.version}`);
    return new Engine(config, value);
  }

  state() {
    return clone(this.#state);
  }

  nextWakeup() {
    let wake;
    for (const entry of Object.values(this.#state.outbox)) {
      const at = entry.state === 'waiting' ? entry.at : entry.since + LEASE_MS;
      if (wake === undefined || at < wake) wake = at;
    }
    return wake;
  }

  handle(input, now) {
    if (input == null || typeof input !== 'object') throw fail('input', 'expected an object with a "type"');
    if (!Number.isInteger(now)) throw fail('now', 'expected epoch milliseconds');
    const before = clone(this.#state); // errors leave the state unchanged
    try {
      this.#state.now = Math.max(now, this.#state.now);
      const out = [];
      this.#apply(input, this.#state.now, out);
      return out;
    } catch (error) {
      this.#state = before;
      throw error;
    }
  }

  #apply(input, now, out) {
    const s = this.#state;
    switch (input.type) {
      case 'customer_message': {
        if (typeof input.conversation_id !== 'string') throw fail('input.conversation_id', 'expected a string');
        if (typeof input.text !== 'string') throw fail('input.text', 'expected a string');
        const conv = (s.conversations[input.conversation_id] ??= {
          id: input.conversation_id,
          status: 'ai',
          history: [],
        });
        conv.history.push({ role: 'customer', text: input.text, at: now });
        if (conv.status === 'ai' && /\b(human|person)\b/i.test(input.text)) this.#handoff(conv, now, out);
        return;
      }
      case 'handoff_request': {
        const conv = (s.conversations[input.conversation_id] ??= {
          id: input.conversation_id,
          status: 'ai',
          history: [],
        });
        if (conv.status === 'ai') this.#handoff(conv, now, out);
        return;
      }
      case 'conversation_closed': {
        const conv = s.conversations[input.conversation_id];
        if (!conv) throw fail('input.conversation_id', 'unknown conversation');
        delete s.conversations[input.conversation_id];
        const wasQueued = s.queue.includes(conv.id);
        s.queue = s.queue.filter((id) => id !== conv.id);
        out.push({ type: 'closed', conversation_id: conv.id, by: input.by ?? 'system' });
        if (wasQueued) {
          s.queue.forEach((id, i) =>
            out.push({ type: 'queued', conversation_id: id, position: i + 1, queue_length: s.queue.length }),
          );
        }
        return;
      }
      case 'delivery_result':
        return this.#result(input, now, out);
      case 'redrive_delivery': {
        const letter = s.dead_letters[input.delivery_id];
        if (!letter) throw fail('input.delivery_id', 'no dead letter with this id');
        delete s.dead_letters[input.delivery_id];
        const delivery = { ...letter.delivery, attempt: 1 };
        out.push(clone(delivery));
        s.outbox[delivery.delivery_id] = { delivery, state: 'in_flight', since: now };
        return;
      }
      case 'enable_webhook':
        delete s.disabled_webhooks[input.webhook_id];
        return;
      case 'tick':
        return this.#tick(now, out);
      default:
        throw fail('input.type', `unknown input type "${input.type}"`);
    }
  }

  #handoff(conv, now, out) {
    const s = this.#state;
    conv.status = 'queued';
    s.queue.push(conv.id);
    out.push({
      type: 'handoff',
      conversation_id: conv.id,
      primary: 'customer_request',
      triggers: [{ trigger: 'customer_request', source: 'text' }],
      priority: 'normal',
      context: { conversation_id: conv.id, history: clone(conv.history) },
    });
    out.push({
      type: 'message',
      conversation_id: conv.id,
      template: 'handoff_initiated',
      text: "I'm connecting you with a team member who can help further.",
    });
    const position = s.queue.length;
    out.push({ type: 'queued', conversation_id: conv.id, position, queue_length: s.queue.length });
    const timestamp = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const event = {
      event: 'conversation.handoff_requested',
      timestamp,
      data: { conversation_id: conv.id, trigger: 'customer_request', priority: 'normal' },
    };
    out.push({ type: 'event', conversation_id: conv.id, event });
    this.#enqueue(conv.id, event, now, out);
  }

  #enqueue(conversationId, event, now, out) {
    const s = this.#state;
    (this.#config.webhooks ?? []).forEach((hook, i) => {
      const id = hook.id ?? `webhook_${i}`;
      if (hook.events?.length && !hook.events.includes(event.event)) return;
      s.seq += 1;
      const delivery = {
        type: 'delivery',
        delivery_id: `msg_fake${String(s.seq).padStart(6, '0')}`,
        webhook_id: id,
        conversation_id: conversationId,
        event: event.event,
        method: 'POST',
        url: hook.url,
        headers: { 'content-type': 'application/json', 'user-agent': 'handoff/fake' },
        body: JSON.stringify(event),
        attempt: 1,
        auth: hook.secret_ref ? { scheme: 'standard_webhooks', secret_ref: hook.secret_ref } : { scheme: 'none' },
      };
      if (s.disabled_webhooks[id]) {
        this.#deadLetter(delivery, `webhook ${id} is disabled`, undefined, now, out);
        return;
      }
      out.push(clone(delivery));
      s.outbox[delivery.delivery_id] = { delivery, state: 'in_flight', since: now };
    });
  }

  #deadLetter(delivery, reason, status, now, out) {
    out.push({ type: 'delivery_failed', delivery_id: delivery.delivery_id, attempts: delivery.attempt, reason });
    this.#state.dead_letters[delivery.delivery_id] = { delivery, reason, ...(status ? { status } : {}), at: now };
  }

  #result(input, now, out) {
    const s = this.#state;
    const entry = s.outbox[input.delivery_id];
    if (!entry) throw fail('input.delivery_id', 'no delivery with this id is waiting for a result');
    delete s.outbox[input.delivery_id];
    const { delivery } = entry;
    const status = input.status;
    if (status >= 200 && status <= 299) {
      out.push({ type: 'delivered', delivery_id: delivery.delivery_id, attempt: delivery.attempt });
    } else if (status === 410) {
      const reason = '410 Gone: the receiver asked to stop sending';
      s.disabled_webhooks[delivery.webhook_id] = reason;
      out.push({ type: 'webhook_disabled', webhook_id: delivery.webhook_id, reason });
      this.#deadLetter(delivery, reason, 410, now, out);
    } else if (status === undefined || status === 408 || status === 429 || status >= 500) {
      this.#retry(entry, status === undefined ? input.error ?? 'network error' : `HTTP ${status}`, retryAfterOf(input, now), now, out);
    } else {
      this.#deadLetter(delivery, `HTTP ${status} (not retried)`, status, now, out);
    }
  }

  #retry(entry, error, retryAfter, now, out) {
    const { delivery } = entry;
    if (delivery.attempt >= MAX_ATTEMPTS) {
      this.#deadLetter(delivery, `gave up after ${delivery.attempt} attempts: ${error}`, undefined, now, out);
      return;
    }
    const at = now + Math.max(RETRY_MS, retryAfter ?? 0);
    out.push({ type: 'delivery_retry', delivery_id: delivery.delivery_id, attempt: delivery.attempt, at, error });
    this.#state.outbox[delivery.delivery_id] = { delivery, state: 'waiting', at, last_error: error };
  }

  #tick(now, out) {
    const s = this.#state;
    for (const [id, entry] of Object.entries(s.outbox)) {
      if (entry.state === 'waiting' && entry.at <= now) {
        entry.delivery.attempt += 1;
        s.outbox[id] = { delivery: entry.delivery, state: 'in_flight', since: now };
        out.push({ type: 'delivery', ...clone(entry.delivery) });
      } else if (entry.state === 'in_flight' && entry.since + LEASE_MS <= now) {
        delete s.outbox[id];
        this.#retry(entry, 'no result reported within the lease', undefined, now, out);
      }
    }
  }
}

// ---- prepare: the engine's request for a delivery, as `handoff_core::prepare` builds it ----

/** The engine's response rules (`handoff_core::prepare::RESPONSE`). */
const RESPONSE = Object.freeze({
  follow_redirects: false,
  body_limit: 64 * 1024,
  headers: ['retry-after', 'x-ratelimit-reset'],
  header_value_limit: 8 * 1024,
});

/** An error as the real module throws it: `errors[0].message` is the text hosts report. */
function prepareError(field, kind, message) {
  const error = new Error(`delivery.auth.${field}: auth.${field}: ${message}`);
  error.name = 'PrepareError';
  Object.assign(error, { path: `delivery.auth.${field}`, kind });
  error.errors = [{ path: `delivery.auth.${field}`, kind, message: `auth.${field}: ${message}` }];
  return error;
}

/** As `secretRefs` of the real module. */
export function secretRefs(delivery) {
  const auth = delivery.auth ?? { scheme: 'none' };
  return ['secret_ref', 'token_ref', 'username_ref', 'password_ref'].map((k) => auth[k]).filter((r) => typeof r === 'string');
}

/** As `prepare` of the real module (the fake signs with WebCrypto, so it resolves a promise). */
export async function prepare(delivery, secrets, unixSecs) {
  const auth = delivery.auth ?? { scheme: 'none' };
  const value = (field) => {
    const v = secrets[auth[field]];
    if (typeof v !== 'string' || v === '') {
      throw prepareError(field, 'missing', `credential ${auth[field]} is not set (an environment variable or worker secret)`);
    }
    return v;
  };
  const headers = { ...(delivery.headers ?? {}) };
  // A webhook names its body's schema (`handoff_core::prepare::SCHEMA_HEADER`); helpdesk requests do not.
  if (delivery.operation == null) headers['handoff-schema'] = 'https://handoff.dev/schema/v1/event.schema.json';
  if (auth.scheme === 'standard_webhooks') {
    const secret = value('secret_ref');
    let signature;
    try {
      signature = await signWithWebCrypto(secret, delivery.delivery_id, unixSecs, delivery.body);
    } catch (error) {
      throw prepareError('secret_ref', 'invalid', `the secret ${auth.secret_ref} is not valid: ${error.message}`);
    }
    Object.assign(headers, { 'webhook-id': delivery.delivery_id, 'webhook-timestamp': String(unixSecs), 'webhook-signature': signature });
  } else if (auth.scheme === 'bearer') {
    headers.authorization = `Bearer ${value('token_ref')}`;
  } else if (auth.scheme === 'basic') {
    const user = auth.username ?? value('username_ref');
    const pass = auth.password ?? value('password_ref');
    headers.authorization = `Basic ${base64Encode(new TextEncoder().encode(`${user}:${pass}`))}`;
  }
  return { method: delivery.method, url: delivery.url, headers, body: delivery.body, response: RESPONSE };
}

/** Standard Webhooks with WebCrypto: HMAC-SHA256 over `id.timestamp.body`, key after `whsec_`. */
export async function signWithWebCrypto(secret, msgId, timestampSecs, body) {
  const invalid = () => new Error('webhook secret is not valid: expected "whsec_" followed by base64');
  if (typeof secret !== 'string' || !secret.startsWith('whsec_')) throw invalid();
  const clean = secret.slice('whsec_'.length).replace(/=+$/, '');
  if (clean === '' || !/^[A-Za-z0-9+/]*$/.test(clean)) throw invalid();
  const key = Uint8Array.from(atob(clean + '='.repeat((4 - (clean.length % 4)) % 4)), (c) => c.charCodeAt(0));
  const subtle = globalThis.crypto.subtle;
  const cryptoKey = await subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await subtle.sign('HMAC', cryptoKey, new TextEncoder().encode(`${msgId}.${timestampSecs}.${body}`)));
  return `v1,${base64Encode(mac)}`;
}

function base64Encode(bytes) {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** The engine module shape `init()` resolves to: `{ Engine, prepare, secretRefs }` (the fake signs with WebCrypto). */
/** As the engine's `browserRefusal`, roughly: a webhook `secret_ref` or a helpdesk, by path. */
function browserRefusal(config) {
  const handoff = config.handoff ?? config;
  const refuse = (path, message) => Object.assign(new Error(`${path}: ${message}`), { name: 'ConfigError', path, kind: 'invalid' });
  const lists = ['webhooks', 'integrations'].map((key) => [key, Array.isArray(handoff[key]) ? handoff[key] : []]);
  for (const [key, list] of lists) {
    const i = list.findIndex((w) => w?.secret_ref != null);
    if (i >= 0) throw refuse(`handoff.${key}[${i}].secret_ref`, 'webhook secrets do not belong in a browser');
  }
  const i = lists[1][1].findIndex((entry) => entry?.kind !== 'webhook');
  if (i >= 0) throw refuse(`handoff.integrations[${i}]`, 'helpdesk integrations do not belong in a browser');
}

export const fakeWasm = Object.freeze({ Engine, prepare, secretRefs, browserRefusal, retryAfterMs });
