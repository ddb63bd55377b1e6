// Forwards outputs to the page's own backend. In a browser the engine has no webhooks (their
// secrets cannot be kept in a page), so the page POSTs the handoff and its events to its server,
// which passes them on (CRM, helpdesk, signed webhooks).
//
// Nothing is lost: an output is saved in localStorage before it is sent, and removed only when the
// backend answers 2xx. Network errors, 408, 429 and 5xx are retried with backoff (honouring
// Retry-After), after a reload too; another 4xx is kept as failed (shown on the desk), not retried
// forever. Every POST carries an `idempotency-key` header, the same on each retry, so the backend
// can drop a repeat. Outputs go out one at a time, in the order the engine gave them.

/** First retry delay, doubled each attempt up to RETRY_MAX_MS. */
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 60_000;

/** How many sent outputs the desk lists. */
const SENT_SHOWN = 30;

function newId() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes); // randomUUID needs a secure context; this does not
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export class BackendForwarder {
  #url;
  #send;
  #fetch;
  #storage;
  #key;
  #onChange;
  #retryAfterMs;
  #pending;
  #failed;
  #sent = [];
  #unsent = [];
  #timer = null;
  #busy = false;
  #stopped = false;

  /**
   * @param {object} options
   * @param {string | null} [options.url] where to POST each output as JSON
   * @param {((output: object, id: string) => Promise<unknown>) | null} [options.send] instead of
   *   POSTing: a function that delivers one output (rejecting means "retry later")
   * @param {Storage} options.storage
   * @param {string} options.key the localStorage key of the outbox
   * @param {() => void} [options.onChange] called when an entry changes state
   * @param {typeof fetch} [options.fetch]
   * @param {(value: string | null, nowMs: number) => number | undefined} options.retryAfterMs how
   *   to read a `Retry-After` header: the engine module's `retryAfterMs` (`(await init()).retryAfterMs`)
   */
  constructor({ url = null, send = null, storage, key, onChange = () => {}, fetch = globalThis.fetch, retryAfterMs }) {
    if (typeof retryAfterMs !== 'function') throw new TypeError('BackendForwarder: options.retryAfterMs must be the engine module\'s retryAfterMs');
    this.#retryAfterMs = retryAfterMs;
    this.#url = url;
    this.#send = send;
    this.#fetch = fetch.bind(globalThis);
    this.#storage = storage;
    this.#key = key;
    this.#onChange = onChange;
    const saved = this.#load();
    this.#pending = saved.pending;
    this.#failed = saved.failed;
  }

  /** Whether outputs go anywhere (`?backend=` or a `send` function). */
  get configured() {
    return this.#url != null || this.#send != null;
  }

  /** Where outputs go, for the desk: the URL, "a send function", or null. */
  get target() {
    return this.#url ?? (this.#send ? 'a send function' : null);
  }

  #load() {
    try {
      const data = JSON.parse(this.#storage.getItem(this.#key) ?? 'null');
      if (Array.isArray(data?.pending) && Array.isArray(data?.failed)) return data;
    } catch {
      // An outbox we cannot read is dropped rather than blocking the chat.
    }
    return { pending: [], failed: [] };
  }

  #save() {
    this.#storage.setItem(this.#key, JSON.stringify({ pending: this.#pending, failed: this.#failed }));
  }

  /** Sends what a previous page left unsent. */
  resume() {
    if (this.#pending.length > 0) this.#pump();
  }

  /** Queues one output (saved at once) and sends it when its turn comes. */
  push(output) {
    const entry = { id: newId(), output, attempts: 0 };
    if (!this.configured) {
      this.#unsent = [...this.#unsent, entry].slice(-SENT_SHOWN);
      this.#onChange();
      return;
    }
    this.#pending.push(entry);
    this.#save();
    this.#onChange();
    this.#pump();
  }

  /**
   * Every entry the desk shows, oldest first: `{id, output, state, detail}` with `state` one of
   * `sent`, `pending`, `failed`, `unsent` (no backend configured).
   */
  entries() {
    return [
      ...this.#sent.map((e) => ({ ...e, state: 'sent' })),
      ...this.#failed.map((e) => ({ ...e, state: 'failed' })),
      ...this.#pending.map((e) => ({ ...e, state: 'pending', detail: e.last_error ?? '' })),
      ...this.#unsent.map((e) => ({ ...e, state: 'unsent', detail: 'no backend: add ?backend=URL' })),
    ];
  }

  async #pump() {
    // One at a time; a retry waits for its timer.
    if (this.#busy || this.#timer != null || this.#stopped) return;
    this.#busy = true;
    try {
      while (this.#pending.length > 0 && !this.#stopped) {
        const entry = this.#pending[0];
        const outcome = await this.#attempt(entry);
        if (outcome.ok || outcome.permanent) {
          this.#pending.shift();
          if (outcome.ok) {
            this.#sent = [...this.#sent, { id: entry.id, output: entry.output, detail: outcome.detail }].slice(-SENT_SHOWN);
          } else {
            this.#failed.push({ id: entry.id, output: entry.output, detail: outcome.detail });
          }
          this.#save();
          this.#onChange();
          continue;
        }
        entry.attempts += 1;
        const backoff = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (entry.attempts - 1));
        const delay = outcome.retryAfterMs ?? backoff;
        entry.last_error = `${outcome.detail}; retry ${entry.attempts} in ${Math.ceil(delay / 1000)} s`;
        this.#save();
        this.#onChange();
        if (!this.#stopped) {
          this.#timer = setTimeout(() => {
            this.#timer = null;
            this.#pump();
          }, delay);
        }
        return;
      }
    } finally {
      this.#busy = false;
    }
  }

  /** One attempt: `{ok}`, `{permanent}` or a retry, each with a `detail` for the desk. */
  async #attempt(entry) {
    try {
      if (this.#send) {
        await this.#send(entry.output, entry.id);
        return { ok: true, detail: 'delivered' };
      }
      const response = await this.#fetch(this.#url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': entry.id },
        body: JSON.stringify(entry.output),
      });
      await response.arrayBuffer().catch(() => {}); // let the connection go back to the pool
      const detail = `HTTP ${response.status}`;
      if (response.ok) return { ok: true, detail };
      const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
      if (!retryable) return { permanent: true, detail };
      return { detail, retryAfterMs: this.#retryAfterMs(response.headers.get('retry-after'), Date.now()) };
    } catch (error) {
      return { detail: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Stops the retry timer (the outbox stays saved for the next page). */
  stop() {
    this.#stopped = true;
    if (this.#timer != null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
