// HandoffHost: the thin driver around the handoff engine.
//
// The engine decides everything (triggers, routing, retries, backoff, dead letters) and prepares
// every request (`prepare`: headers with `authorization` or the Standard Webhooks signature, and how
// to read the answer); this driver only keeps the clock, persists the state *before* performing any
// output, resolves the secrets a delivery names, sends the prepared request with fetch, reports the
// answer back as a `delivery_result` input (as the engine's rules say: the status, redirects not
// followed, the start of the body, the rate-limit headers), and hands every other output to listeners.
//
// It never logs secrets: resolved secrets go to the engine's `prepare` and then are dropped; error
// texts are the engine's, which name the reference (`auth.secret_ref`, …), never its value.

import { MemoryStore } from './stores.js';

/** Default timeout of one delivery attempt (ms). */
export const DEFAULT_TIMEOUT_MS = 15_000;

/** Longest delay setTimeout accepts (ms); later wakeups are re-armed when this one fires. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * How much of a receiver's response body is reported back to the engine (bytes): the engine's own
 * limit (`prepare(...).response.body_limit`, `handoff_core::prepare::RESPONSE_BODY_LIMIT`), which
 * the host reads from every prepared request; this constant is for documentation and tests.
 */
export const RESPONSE_BODY_LIMIT = 64 * 1024;

/**
 * The response headers reported in `delivery_result.headers` (when present), by lower-case name:
 * the engine's own list (`reportedHeaders()` of the wasm module, `handoff_core::rate_limit::
 * REPORTED_HEADERS`; a test holds the two equal). The engine reads `retry-after` (seconds, also
 * decimal, or an HTTP date) and `x-ratelimit-reset` (unix seconds) to set the earliest retry, so
 * every host reports the same and waits the same.
 */
export const REPORTED_HEADERS = Object.freeze(['retry-after', 'x-ratelimit-reset']);

/**
 * The real clock. Its timers do not keep a Node process alive by themselves (`unref()`): a
 * service's server keeps it running, and a script that has done its work exits.
 */
export const systemClock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (fn, ms) => unref(globalThis.setTimeout(fn, ms)),
  clearTimeout: (handle) => globalThis.clearTimeout(handle),
});

/** `handle.unref()` where timers have it (Node, Deno, Bun); browsers' numeric handles as they are. */
function unref(handle) {
  if (handle != null && typeof handle.unref === 'function') handle.unref();
  return handle;
}

let defaultLoader = null;

/**
 * Sets how a host without an injected `wasm` option loads the engine (the package entry points set
 * it to their `init`). Not needed by applications.
 * @param {() => Promise<{Engine: Function, prepare: Function, secretRefs: Function}>} loader
 */
export function setDefaultLoader(loader) {
  defaultLoader = loader;
}

function isBrowser(environment) {
  if (environment === 'browser') return true;
  if (environment != null) return false;
  return typeof window !== 'undefined';
}

function messageOf(error) {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A network error's text: fetch's "fetch failed" plus the cause Node gives (ECONNREFUSED…). */
function describeNetworkError(error) {
  let text = messageOf(error);
  const cause = error && error.cause;
  if (cause) {
    const detail = cause.code ? `${cause.code}${cause.message ? ` (${cause.message})` : ''}` : messageOf(cause);
    if (detail && !text.includes(detail)) text = `${text}: ${detail}`;
  }
  return text;
}

/** `text` with every one of `secrets` blanked out. */
function redact(text, secrets) {
  let out = String(text);
  for (const secret of secrets) {
    if (secret) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/** The engine's message of an error it threw (`errors[0].message`: the text every host reports). */
function engineMessage(error) {
  const first = error && Array.isArray(error.errors) ? error.errors[0] : undefined;
  return first && typeof first.message === 'string' ? first.message : messageOf(error);
}

/** The response headers `rules` name that are present and within its limit, by lower-case name. */
function reportedHeaders(response, rules) {
  const out = {};
  for (const name of rules.headers) {
    const value = response.headers.get(name);
    if (value != null && new TextEncoder().encode(value).length <= rules.header_value_limit) out[name] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Reads at most `limit` bytes of a response body as text, then stops reading. */
async function readLimited(response, limit) {
  if (!response.body || typeof response.body.getReader !== 'function') {
    const text = await response.text();
    return truncateUtf8(new TextEncoder().encode(text), limit);
  }
  const reader = response.body.getReader();
  const chunks = [];
  let size = 0;
  try {
    while (size <= limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    if (size > limit) reader.cancel().catch(() => {});
    else reader.releaseLock?.();
  }
  const bytes = new Uint8Array(Math.min(size, limit + 4));
  let offset = 0;
  for (const chunk of chunks) {
    if (offset >= bytes.length) break;
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.length;
  }
  return truncateUtf8(bytes.subarray(0, offset), limit);
}

function truncateUtf8(bytes, limit) {
  if (bytes.length <= limit) return new TextDecoder().decode(bytes);
  let end = limit;
  // Do not cut a UTF-8 sequence in half: step back over continuation bytes.
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return new TextDecoder().decode(bytes.subarray(0, end));
}

/**
 * The driver: one engine, its persisted state, its clock and its deliveries.
 *
 * ```js
 * const host = await HandoffHost.create({ config, store: new FileStore('state.json'),
 *                                         secrets: (ref) => process.env[ref] });
 * host.on('output', (o) => console.log(o.type));
 * await host.handle({ type: 'customer_message', conversation_id: 'c1', text: 'a human please' });
 * ```
 */
export class HandoffHost {
  #config;
  #browser;
  #wasm;
  #store;
  #secrets;
  #clock;
  #fetch;
  #timeoutMs;
  #maxTimerMs;
  #engine = null;
  #lastSaved = null;
  /** The store keeps records and the engine lists its changes: write only what changed. */
  #records = false;
  #starting = null;
  #closed = false;
  #queue = Promise.resolve();
  #queued = 0;
  #inflight = new Set();
  #controllers = new Set();
  #timer = null;
  #timerAt = null;
  #listeners = new Map();

  /**
   * @param {object} options see `HandoffHostOptions` in index.d.ts
   */
  constructor(options = {}) {
    const { config } = options;
    if (config == null || typeof config !== 'object') {
      throw new TypeError('HandoffHost: options.config must be the configuration object ({"handoff": {...}})');
    }
    this.#browser = isBrowser(options.environment);
    this.#config = config;
    this.#wasm = options.wasm ?? null;
    this.#store = options.store ?? new MemoryStore();
    this.#secrets = options.secrets ?? ((ref) => globalThis.process?.env?.[ref]);
    this.#clock = options.clock ?? systemClock;
    const fetchImpl = options.fetch ?? globalThis.fetch;
    this.#fetch = typeof fetchImpl === 'function' ? fetchImpl.bind(globalThis) : null;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxTimerMs = Math.min(options.maxTimerMs ?? MAX_TIMER_MS, MAX_TIMER_MS);
    if (typeof options.onOutput === 'function') this.on('output', options.onOutput);
    if (typeof options.onError === 'function') this.on('error', options.onError);
    if (typeof options.onDelivery === 'function') this.on('delivery', options.onDelivery);
  }

  /** Creates a host and starts it (loads the engine and the persisted state). */
  static async create(options) {
    const host = new HandoffHost(options);
    await host.start();
    return host;
  }

  /**
   * Loads the engine module (unless injected) and the persisted state: restores the engine from it,
   * or starts a new one, then arms the clock. Called by `create` and by the first `handle`. In a
   * browser the engine first refuses a configuration a page may not run (`browserRefusal`: webhook
   * secrets, helpdesk integrations): the returned promise rejects with its `ConfigError`, and
   * nothing has been loaded, stored or sent.
   */
  start() {
    if (!this.#starting) {
      this.#starting = this.#start();
      this.#starting.catch(() => {
        this.#starting = null; // a later call may try again
      });
    }
    return this.#starting.then(() => this);
  }

  async #start() {
    if (this.#closed) throw new Error('HandoffHost is closed');
    if (!this.#wasm) {
      if (!defaultLoader) throw new Error('HandoffHost: no engine: pass options.wasm (the result of init())');
      this.#wasm = await defaultLoader();
    }
    if (this.#browser) this.#refuseForBrowser();
    this.#records =
      typeof this.#store.loadRecords === 'function' &&
      typeof this.#store.writeChanges === 'function' &&
      typeof this.#wasm.Engine.restoreRecords === 'function';
    if (this.#records) {
      this.#engine = await this.#openRecords();
    } else {
      const saved = await this.#store.load();
      this.#engine = saved == null ? new this.#wasm.Engine(this.#config) : this.#restore(saved);
      this.#lastSaved = saved ?? null;
    }
    this.#schedule();
  }

  /**
   * The engine from the store's records; from a whole state an older version saved, converted
   * to records once (every record written, the old save deleted); or a new engine, whose first
   * change set lists every record.
   */
  async #openRecords() {
    const rows = await this.#store.loadRecords();
    if (rows != null && rows.length > 0) return this.#wasm.Engine.restoreRecords(this.#config, rows);
    const saved = typeof this.#store.load === 'function' ? await this.#store.load() : null;
    if (saved == null) return new this.#wasm.Engine(this.#config);
    const engine = this.#restore(saved);
    await this.#store.writeChanges(engine.takeChanges(), { replacesState: true });
    return engine;
  }

  /**
   * In a browser, before anything is loaded, stored or sent: the engine refuses what a page may not
   * run (a webhook `secret_ref`, any helpdesk integration), throwing a `ConfigError` that names its
   * path (`handoff.webhooks[0].secret_ref`).
   */
  #refuseForBrowser() {
    if (typeof this.#wasm.browserRefusal !== 'function') {
      throw new Error(
        'HandoffHost: this engine module has no browserRefusal, which a browser host needs to check ' +
          'its configuration: load the module of this package (init())',
      );
    }
    this.#wasm.browserRefusal(this.#config);
  }

  #restore(json) {
    return this.#wasm.Engine.restore(this.#config, json);
  }

  /** The engine (after `start`). */
  get engine() {
    if (!this.#engine) throw new Error('HandoffHost is not started: await host.start() or HandoffHost.create()');
    return this.#engine;
  }

  /** The store the state is persisted in. */
  get store() {
    return this.#store;
  }

  /** The engine's whole state, parsed. */
  state() {
    const s = this.engine.state();
    return typeof s === 'string' ? JSON.parse(s) : s;
  }

  /** When the engine next needs a tick (epoch ms), if anything waits on time. */
  nextWakeup() {
    const wake = this.engine.nextWakeup();
    return wake == null ? undefined : Number(wake);
  }

  /**
   * Who may see `output` (an output object, or its `type`): `'customer'` (the customer, agents and
   * operators), `'agents'` (agents and operators, never the customer: `handoff` and its context,
   * `agent_note`, `customer_message`, `returned_to_ai`, …) or `'operators'` (the outbox). The
   * engine decides it (`audience` of the wasm module, core's `Output::audience`); `undefined` for
   * a type this engine does not write. Throws before `start()` or with an engine module that has
   * no `audience` (rebuild the wasm with `cargo xtask wasm`).
   * @param {{type: string} | string} output
   * @returns {'customer' | 'agents' | 'operators' | undefined}
   */
  audienceOf(output) {
    const wasm = this.#wasm;
    if (!wasm) throw new Error('HandoffHost is not started: await host.start() or HandoffHost.create()');
    if (typeof wasm.audience !== 'function') {
      throw new Error('HandoffHost.audienceOf: this engine module has no audience(): rebuild the wasm with `cargo xtask wasm`');
    }
    return wasm.audience(output);
  }

  /** `audienceOf(output)` for the `output` event's second argument: `undefined` without one. */
  #audienceOrUndefined(output) {
    if (typeof this.#wasm?.audience !== 'function') return undefined;
    try {
      return this.#wasm.audience(output);
    } catch {
      return undefined;
    }
  }

  /**
   * Listens to `output` (every output but `delivery`; the listener's second argument is the
   * output's audience, as `audienceOf` gives it), `delivery` (`{delivery, result}` after each
   * attempt; no secrets), or `error` (failures in the background: a tick, a delivery result, a
   * listener). Returns a function that removes the listener.
   */
  on(event, fn) {
    if (typeof fn !== 'function') throw new TypeError('listener must be a function');
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
    this.#listeners.get(event).add(fn);
    return () => this.off(event, fn);
  }

  off(event, fn) {
    this.#listeners.get(event)?.delete(fn);
  }

  #emit(event, value, ...more) {
    const listeners = this.#listeners.get(event);
    if (!listeners) return;
    for (const fn of [...listeners]) {
      try {
        fn(value, ...more);
      } catch (error) {
        if (event === 'error') continue;
        this.#emitError(error);
      }
    }
  }

  #emitError(error) {
    if (this.#listeners.get('error')?.size) {
      this.#emit('error', error);
    } else {
      // Nobody listens: say so once per error, without anything but the message (never secrets).
      console.error(`handoff-engine: ${messageOf(error)}`);
    }
  }

  /**
   * Handles one input at the clock's `now`: the engine decides, the state is saved, then outputs are
   * performed (deliveries) or emitted (the rest). Resolves to every output of the input; rejects with
   * the engine's error (its message names the JSON path) and then nothing changed.
   * Inputs are handled one at a time, in call order.
   */
  handle(input) {
    if (this.#closed) return Promise.reject(new Error('HandoffHost is closed'));
    return this.#enqueue(() => this.#step(input));
  }

  /**
   * Asks the engine one query (`{query: 'queue', limit: 50}`, `{query: 'holder', conversation_id}`,
   * `{query: 'gauges'}`, …: see the README) and resolves to its answer, parsed. The engine reads it
   * from its indexes, at a cost that grows with the answer, never with the whole state (a console
   * or a metrics scraper asks these instead of `state()`).
   *
   * Queries wait in line with inputs: the answer sees every input handed to `handle` before it, and
   * none after. Starts the host first if needed. Rejects with the engine's `InputError` (path
   * `query...`) for a query it does not know.
   * @param {object | string} query a query object, or its JSON text
   * @returns {Promise<unknown>}
   */
  query(query) {
    return this.#enqueue(async () => {
      if (!this.#engine) await this.start();
      const engine = this.#engine;
      if (typeof engine.query === 'function') return engine.query(query);
      if (typeof engine.queryJson === 'function') {
        const text = typeof query === 'string' ? query : JSON.stringify(query);
        return JSON.parse(engine.queryJson(text));
      }
      // Never the whole state instead: that is what queries exist to avoid.
      throw new Error('HandoffHost.query: this engine has no query(): rebuild the wasm with `cargo xtask wasm`');
    });
  }

  #enqueue(fn) {
    this.#queued++;
    const run = this.#queue.then(fn);
    this.#queue = run.then(
      () => {
        this.#queued--;
      },
      () => {
        this.#queued--;
      },
    );
    return run;
  }

  async #step(input) {
    if (!this.#engine) await this.start();
    const now = Math.floor(this.#clock.now());
    const outputs = this.#engine.handle(input, now);
    if (this.#records) {
      // Only what this input changed (one customer message: the engine record and its
      // conversation), whatever the number of conversations.
      const changes = this.#engine.takeChanges();
      try {
        if (changes.length > 0) await this.#store.writeChanges(changes);
      } catch (error) {
        // Not written: go back to what the store holds, so memory never runs ahead of it (if
        // the store cannot be read either, the next input starts again from it).
        try {
          this.#engine = await this.#openRecords();
        } catch {
          this.#engine = null;
          this.#starting = null;
        }
        this.#schedule();
        const wrapped = new Error(`could not save the state, so the input was not applied: ${messageOf(error)}`);
        wrapped.cause = error;
        throw wrapped;
      }
      this.#schedule();
      this.#act(outputs);
      return outputs;
    }
    const json = this.#stateJson();
    try {
      await this.#store.save(json);
    } catch (error) {
      // Not persisted: go back to the last saved state, so memory never runs ahead of the store.
      this.#engine = this.#lastSaved == null ? new this.#wasm.Engine(this.#config) : this.#restore(this.#lastSaved);
      this.#schedule();
      const wrapped = new Error(`could not save the state, so the input was not applied: ${messageOf(error)}`);
      wrapped.cause = error;
      throw wrapped;
    }
    this.#lastSaved = json;
    this.#schedule();
    this.#act(outputs);
    return outputs;
  }

  /** After the state is stored: deliveries start, the other outputs are emitted. */
  #act(outputs) {
    for (const output of outputs) {
      if (output.type === 'delivery') {
        if (!this.#closed) this.#startDelivery(output);
      } else {
        this.#emit('output', output, this.#audienceOrUndefined(output));
      }
    }
  }

  /** The state as JSON text: the engine's own bytes (`stateJson`) where it has them. */
  #stateJson() {
    if (typeof this.#engine.stateJson === 'function') return this.#engine.stateJson();
    const s = this.#engine.state();
    return typeof s === 'string' ? s : JSON.stringify(s);
  }

  // ---- the clock ----

  #schedule() {
    if (this.#timer != null) {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = null;
      this.#timerAt = null;
    }
    if (this.#closed || !this.#engine) return;
    const raw = this.#engine.nextWakeup();
    if (raw == null) return;
    const wake = Number(raw);
    const delay = Math.min(Math.max(0, wake - this.#clock.now()), this.#maxTimerMs);
    this.#timerAt = wake;
    this.#timer = this.#clock.setTimeout(() => this.#onTimer(wake), delay);
  }

  #onTimer(wake) {
    this.#timer = null;
    if (this.#closed) return;
    if (this.#clock.now() < wake) {
      // A wakeup past the longest setTimeout, or a timer that fired a little early: wait again.
      this.#schedule();
      return;
    }
    this.handle({ type: 'tick' }).catch((error) => this.#emitError(error));
  }

  /** When the armed timer will send a tick (epoch ms), if one is armed. */
  get timerAt() {
    return this.#timerAt ?? undefined;
  }

  // ---- deliveries ----

  #startDelivery(delivery) {
    const task = this.#deliver(delivery).finally(() => this.#inflight.delete(task));
    this.#inflight.add(task);
  }

  async #deliver(delivery) {
    const started = this.#clock.now();
    let result;
    try {
      result = await this.#perform(delivery);
    } catch (error) {
      result = { error: describeNetworkError(error) };
    }
    if (this.#closed) return; // not reported: the engine retries it after its lease
    this.#emit('delivery', { delivery, result, started });
    const input = { type: 'delivery_result', delivery_id: delivery.delivery_id };
    for (const key of ['status', 'body', 'headers', 'error']) {
      if (result[key] !== undefined) input[key] = result[key];
    }
    try {
      await this.handle(input);
    } catch (error) {
      if (!this.#closed) this.#emitError(error);
    }
  }

  /** Performs one attempt. Resolves to `{status, body?, headers?}` or `{error}`. */
  async #perform(delivery) {
    if (!this.#fetch) return { error: 'no fetch implementation to deliver with' };
    const prepared = await this.#prepare(delivery);
    if (prepared.error) return { error: prepared.error };
    const { request, secrets } = prepared;
    const rules = request.response;
    const controller = new AbortController();
    this.#controllers.add(controller);
    let timedOut = false;
    // The request itself keeps a Node process alive while it is in flight; its timeout need not.
    const timer = unref(
      globalThis.setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.#timeoutMs),
    );
    try {
      let response;
      try {
        response = await this.#fetch(request.url, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          signal: controller.signal,
          redirect: rules.follow_redirects ? 'follow' : 'manual',
        });
      } catch (error) {
        if (timedOut) return { error: `timed out after ${this.#timeoutMs} ms` };
        return { error: redact(describeNetworkError(error), secrets) };
      }
      if (response.type === 'opaqueredirect' || response.status === 0) {
        // A browser hides a redirect's status from the page: nothing to report but that.
        return { error: 'the receiver answered with a redirect, which is not followed' };
      }
      // The status as it came (a 3xx included), and the headers the engine reads.
      const result = { status: response.status };
      const reported = reportedHeaders(response, rules);
      if (reported) result.headers = reported;
      try {
        const body = await readLimited(response, rules.body_limit);
        if (body !== '') result.body = body;
      } catch {
        // The status is what matters; a body cut off by the timeout is left out.
      }
      return result;
    } finally {
      globalThis.clearTimeout(timer);
      this.#controllers.delete(controller);
    }
  }

  /**
   * The engine's request for one attempt, with the secrets it names resolved now:
   * `{request, secrets}` (the resolved values, only to blank them out of error texts), or
   * `{error}` (the engine's text, naming the reference, never its value): then nothing is sent.
   */
  async #prepare(delivery) {
    const wasm = this.#wasm;
    if (typeof wasm?.prepare !== 'function' || typeof wasm?.secretRefs !== 'function') {
      return { error: 'this engine module has no prepare(): rebuild the wasm with `cargo xtask wasm`' };
    }
    const values = {};
    const secrets = [];
    try {
      for (const ref of wasm.secretRefs(delivery)) {
        let value;
        try {
          value = await this.#secrets(ref);
        } catch {
          return { error: `could not resolve the credential ${ref} (an environment variable or worker secret)` };
        }
        if (typeof value === 'string' && value !== '') {
          values[ref] = value;
          secrets.push(value);
        }
      }
      const request = await wasm.prepare(delivery, values, Math.floor(this.#clock.now() / 1000));
      return { request, secrets };
    } catch (error) {
      return { error: redact(engineMessage(error), secrets) };
    }
  }

  /**
   * Resolves when nothing is left to do right now: no input waiting, no delivery in flight (and
   * every result reported). Timers for later are not waited for. In a worker, pass it to
   * `ctx.waitUntil(...)`.
   */
  async idle() {
    for (;;) {
      await Promise.allSettled([this.#queue, ...this.#inflight]);
      if (this.#queued === 0 && this.#inflight.size === 0) return;
    }
  }

  /**
   * Stops the host: clears the timer, aborts deliveries in flight (their results are not reported;
   * the engine retries them with the same id after its lease) and refuses further inputs. Await
   * `idle()` first to let deliveries finish. Resolves when the input being handled is done.
   */
  async close() {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer != null) {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = null;
      this.#timerAt = null;
    }
    for (const controller of this.#controllers) controller.abort();
    await Promise.allSettled([this.#queue, ...this.#inflight]);
  }

  /** Whether `close()` was called. */
  get closed() {
    return this.#closed;
  }
}
