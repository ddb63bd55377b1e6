// A clock for tests: time moves only when the test says so, and timers fire in order as it does.

export class FakeClock {
  #now;
  #timers = new Map();
  #next = 1;

  constructor(now = Date.UTC(2026, 0, 12, 10, 30)) {
    this.#now = now;
  }

  now() {
    return this.#now;
  }

  setTimeout(fn, ms) {
    const id = this.#next++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn, id });
    return id;
  }

  clearTimeout(id) {
    this.#timers.delete(id);
  }

  /** Timers still armed, as `{at}` (epoch ms), earliest first. */
  pending() {
    return [...this.#timers.values()].sort((a, b) => a.at - b.at || a.id - b.id).map(({ at }) => ({ at }));
  }

  /** Moves time forward by `ms`, firing every timer due on the way (in order). */
  advance(ms) {
    this.advanceTo(this.#now + ms);
  }

  advanceTo(target) {
    for (;;) {
      const due = [...this.#timers.values()]
        .filter((t) => t.at <= target)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.#timers.delete(due.id);
      this.#now = Math.max(this.#now, due.at);
      due.fn();
    }
    this.#now = Math.max(this.#now, target);
  }
}
