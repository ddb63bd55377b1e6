// The clock of a HandoffHost living in a Durable Object: the engine's next wakeup is kept as the
// object's alarm (`storage.setAlarm`) instead of a setTimeout, so it survives eviction and
// restarts. The alarm handler sends the tick (`HandoffTenant.alarm()`); the timer callback the host
// passes to `setTimeout` is never called.

/**
 * A `clock` option for HandoffHost (`{now, setTimeout, clearTimeout}`) backed by a Durable Object
 * alarm.
 *
 * The host re-arms its timer after every input (clear, then set to `engine.nextWakeup()`); the
 * clock writes the alarm once per input, after both calls, and only when the time changed. The
 * write is a storage operation, so the Durable Object's output gate holds back the response and
 * every delivery fetch until the alarm (and the state saved before it) are durable.
 */
export class AlarmClock {
  #storage;
  #onError;
  /** The alarm the host asked for last: epoch ms, or null for none. */
  #wanted = null;
  /** The alarm known to be set: epoch ms, null for none, undefined when not known. */
  #armed = undefined;
  #flushQueued = false;

  /**
   * @param {{setAlarm(at: number): Promise<void>, deleteAlarm(): Promise<void>}} storage
   *   `ctx.storage` of the Durable Object
   * @param {(error: Error) => void} onError told when an alarm cannot be written
   */
  constructor(storage, onError) {
    this.#storage = storage;
    this.#onError = onError;
  }

  /** The current time (Workers advance it at I/O, which is all an engine needs). */
  now() {
    return Date.now();
  }

  /** Arms the alarm `ms` from now. The callback is not kept: the alarm handler sends the tick. */
  setTimeout(_callback, ms) {
    this.#want(Date.now() + Math.max(0, ms));
    return 1;
  }

  /** Disarms the alarm, unless the same input arms it again. */
  clearTimeout(_handle) {
    this.#want(null);
  }

  /** Says that the alarm just went off: it is no longer set, so the next one is written. */
  fired() {
    this.#armed = undefined;
  }

  /** The alarm this clock last asked for (epoch ms), or null. */
  get wanted() {
    return this.#wanted;
  }

  #want(at) {
    this.#wanted = at;
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    queueMicrotask(() => this.#flush());
  }

  #flush() {
    this.#flushQueued = false;
    const at = this.#wanted;
    if (at === this.#armed) return;
    this.#armed = at;
    const write = at == null ? this.#storage.deleteAlarm() : this.#storage.setAlarm(at);
    Promise.resolve(write).catch((error) => {
      this.#armed = undefined; // unknown now: the next input writes it again
      this.#onError(new Error(`could not ${at == null ? 'delete' : 'set'} the alarm: ${error?.message ?? error}`));
    });
  }
}
