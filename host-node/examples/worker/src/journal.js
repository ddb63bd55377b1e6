// Every engine step of one Durable Object instance: the input, the time it was handled at, and the
// outputs or the error. The worker answers an HTTP input with the time its step ran at, and, when
// `HANDOFF_JOURNAL` allows it, keeps the last steps in memory for `GET /tenants/{t}/journal`, so
// the same inputs and clock can be replayed elsewhere (Node, native) to check that the engine
// decides the same everywhere.
//
// The journal holds what the state holds (customers' messages): it is off unless configured, and
// it is never persisted. It holds no secrets: deliveries are signed after the engine, at send time.

/** Most steps a journal keeps (the newest are kept). */
export const MAX_JOURNAL = 10_000;

/**
 * Reads `HANDOFF_JOURNAL` (how many steps to keep): absent, "" or "0" turn the journal off.
 * @returns {number}
 * @throws {Error} for anything but a whole number from 0 to MAX_JOURNAL
 */
export function journalSize(value) {
  if (value == null || value === '') return 0;
  const text = String(value).trim();
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n > MAX_JOURNAL) {
    throw new Error(`HANDOFF_JOURNAL: expected a whole number of steps from 0 to ${MAX_JOURNAL} (got ${JSON.stringify(String(value))})`);
  }
  return n;
}

/** The last `size` engine steps, oldest first. */
export class Journal {
  #size;
  #entries = [];
  #dropped = 0;
  #times = new WeakMap();

  /** @param {number} size steps kept; 0 keeps none (the times of HTTP inputs are still known) */
  constructor(size) {
    this.#size = size;
  }

  /** Whether steps are kept. */
  get enabled() {
    return this.#size > 0;
  }

  /** Records one step. */
  record(input, now, result) {
    if (input !== null && typeof input === 'object') this.#times.set(input, now);
    if (this.#size === 0) return;
    const entry = { input: structuredClone(input), now };
    if ('outputs' in result) entry.outputs = structuredClone(result.outputs);
    else entry.error = { name: result.error?.name, message: result.error?.message ?? String(result.error) };
    this.#entries.push(entry);
    if (this.#entries.length > this.#size) {
      this.#entries.shift();
      this.#dropped++;
    }
  }

  /** The time (epoch ms) the step of this very input object ran at. */
  timeOf(input) {
    return this.#times.get(input);
  }

  /** `{size, dropped, entries}`: `dropped` counts steps that no longer fit. */
  toJSON() {
    return { size: this.#size, dropped: this.#dropped, entries: this.#entries };
  }

  /**
   * Wraps the engine module (`{Engine, sign}` from `init()`) so that every `handle` of its engines
   * is recorded here. The engines behave exactly as the module's own.
   */
  wrap(module) {
    const journal = this;
    class JournaledEngine {
      #inner;

      constructor(config, inner) {
        this.#inner = inner ?? new module.Engine(config);
      }

      static restore(config, state) {
        return new JournaledEngine(config, module.Engine.restore(config, state));
      }

      static restoreRecords(config, records) {
        return new JournaledEngine(config, module.Engine.restoreRecords(config, records));
      }

      takeChanges() {
        return this.#inner.takeChanges();
      }

      handle(input, nowMs) {
        let outputs;
        try {
          outputs = this.#inner.handle(input, nowMs);
        } catch (error) {
          journal.record(input, nowMs, { error });
          throw error;
        }
        journal.record(input, nowMs, { outputs });
        return outputs;
      }

      state() {
        return this.#inner.state();
      }

      stateJson() {
        return this.#inner.stateJson();
      }

      nextWakeup() {
        return this.#inner.nextWakeup();
      }

      hours(atMs) {
        return this.#inner.hours(atMs);
      }

      query(query) {
        return this.#inner.query(query);
      }

      queryJson(query) {
        return this.#inner.queryJson(query);
      }

      free() {
        this.#inner.free?.();
      }
    }
    return Object.freeze({ ...module, Engine: JournaledEngine });
  }
}
