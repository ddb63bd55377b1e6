// State stores: where a host keeps the engine's state between inputs and across restarts.
//
// Record stores (every store here): the state as one entry per record (`kind`, `id` -> the
// record's JSON text: the engine record, each open conversation, agent, outbox entry, dead letter
// and helpdesk chain). `async loadRecords() -> Array<{kind, id, value}> | null` (null: no records
// yet) and `async writeChanges(changes)`, where `changes` is `engine.takeChanges()`: write each
// `value`, delete each `value: null`, as one unit (a failure leaves what was there). The host
// writes after every input and before performing its outputs, so one customer message writes two
// entries (the engine record and that conversation), whatever the number of conversations.
//
// Whole-state stores (the interface before records, still read): `async load() -> string | null`
// and `async save(json)`. A record store's `load()` returns a whole state an older version saved,
// which `HandoffHost` converts once (`writeChanges(all, {replacesState: true})` then deletes it).
// The host never calls two of these at once.

/** The key of a record within a store: `rec:<kind>:<id>`. */
export function recordKey({ kind, id }) {
  return `rec:${kind}:${id}`;
}

/** The record `{kind, id}` a key names (`rec:<kind>:<id>`), or null. */
function parseRecordKey(key) {
  if (!key.startsWith('rec:')) return null;
  const rest = key.slice(4);
  const colon = rest.indexOf(':');
  if (colon < 0) return null;
  return { kind: rest.slice(0, colon), id: rest.slice(colon + 1) };
}

/** Keeps the records in memory only (tests, or a host that does not survive restarts anyway). */
export class MemoryStore {
  #json;
  #rows = new Map();

  /**
   * @param {string | Array<{kind: string, id: string, value: string}> | null} [initial] records
   *   (`rows()` of another store), or a whole state saved by an older version (converted at start)
   */
  constructor(initial = null) {
    if (Array.isArray(initial)) {
      for (const row of initial) this.#rows.set(recordKey(row), { ...row });
      this.#json = null;
    } else {
      this.#json = initial;
    }
  }

  /** A whole state saved by an older version (or with `save`), if any. */
  async load() {
    return this.#json;
  }

  async save(json) {
    this.#json = json;
  }

  async loadRecords() {
    return this.#rows.size === 0 ? null : this.rows();
  }

  async writeChanges(changes, { replacesState = false } = {}) {
    for (const change of changes) {
      if (change.value == null) this.#rows.delete(recordKey(change));
      else this.#rows.set(recordKey(change), { kind: change.kind, id: change.id, value: change.value });
    }
    if (replacesState) this.#json = null;
  }

  /** Every record held, by key: `[{kind, id, value}]` (copies). */
  rows() {
    return [...this.#rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => ({ ...row }));
  }
}

/**
 * Keeps the records in `localStorage` (browsers): one key per record, `${prefix}rec:<kind>:<id>`,
 * so an input writes only what it changed. A change set is first written whole under
 * `${prefix}changes` and removed once applied; a load applies one left there (a page closed
 * half-way), so the records are never half of one change set. A quota error fails the write, and
 * the host then does not apply the input. A whole state under `${prefix}state` (an older version)
 * is read once and converted.
 */
export class LocalStorageStore {
  #storage;
  #prefix;
  #key;

  /**
   * @param {string} [prefix] key prefix, so several widgets can share an origin (default `handoff:`)
   * @param {Storage} [storage] default `globalThis.localStorage`
   */
  constructor(prefix = 'handoff:', storage = globalThis.localStorage) {
    if (!storage) throw new Error('LocalStorageStore: localStorage is not available here');
    this.#storage = storage;
    this.#prefix = prefix;
    this.#key = `${prefix}state`;
  }

  /** The key an older version kept the whole state under. */
  get key() {
    return this.#key;
  }

  async load() {
    return this.#storage.getItem(this.#key);
  }

  async save(json) {
    this.#storage.setItem(this.#key, json);
  }

  #apply(changes) {
    for (const change of changes) {
      const key = this.#prefix + recordKey(change);
      if (change.value == null) this.#storage.removeItem(key);
      else this.#storage.setItem(key, change.value);
    }
  }

  async loadRecords() {
    const pending = this.#storage.getItem(`${this.#prefix}changes`);
    if (pending != null) {
      this.#apply(JSON.parse(pending));
      this.#storage.removeItem(`${this.#prefix}changes`);
    }
    const rows = [];
    const start = `${this.#prefix}rec:`;
    for (let i = 0; i < this.#storage.length; i++) {
      const key = this.#storage.key(i);
      if (key == null || !key.startsWith(start)) continue;
      const record = parseRecordKey(key.slice(this.#prefix.length));
      if (record) rows.push({ ...record, value: this.#storage.getItem(key) });
    }
    return rows.length === 0 ? null : rows;
  }

  async writeChanges(changes, { replacesState = false } = {}) {
    const log = `${this.#prefix}changes`;
    // Removals first (they free room), then the rest; the log makes it one unit.
    const ordered = [...changes.filter((c) => c.value == null), ...changes.filter((c) => c.value != null)];
    this.#storage.setItem(log, JSON.stringify(ordered.map(({ kind, id, value }) => ({ kind, id, value }))));
    try {
      this.#apply(ordered);
    } catch (error) {
      // Undo nothing: the log holds the whole change set and the next load applies it (or, if
      // the quota keeps refusing it, fails saying so). Leave it for that load.
      throw error;
    }
    this.#storage.removeItem(log);
    if (replacesState) this.#storage.removeItem(this.#key);
  }
}

/** Longest string kept in one storage value: Durable Object values are limited to 128 KiB. */
const CHUNK_CHARS = 60_000;

/**
 * Keeps the state in a Durable Object's storage (`this.ctx.storage` / `state.storage`: anything
 * with async `get(key)` and `put(key, value)`; `delete(key)` is used when present).
 *
 * A state up to 60 000 characters is one value. A larger one (Durable Object values are limited to
 * 128 KiB) is split into chunks written under a new generation, and the value under `key` (the
 * manifest) is replaced last, so a crash part-way leaves the previous state whole.
 */
export class DurableObjectStore {
  #storage;
  #key;
  #generation = 0;
  #chunks = 0;
  #known = false;
  #prefix;
  /** Keys of records this store wrote in chunks (their old chunks go when they change). */
  #chunked = new Set();

  /**
   * @param {{get(key: string): Promise<unknown>, put(key: string, value: unknown): Promise<void>,
   *          delete?(key: string): Promise<unknown>}} storage
   * @param {string} [key] default `handoff-state`: where an older version kept the whole state
   * @param {{prefix?: string}} [options] `prefix` of the record keys (default `''`: `rec:<kind>:<id>`)
   */
  constructor(storage, key = 'handoff-state', { prefix = '' } = {}) {
    if (!storage || typeof storage.get !== 'function' || typeof storage.put !== 'function') {
      throw new TypeError('DurableObjectStore: expected a storage object with async get and put');
    }
    this.#storage = storage;
    this.#key = key;
    this.#prefix = prefix;
  }

  #chunkKey(generation, index) {
    return `${this.#key}:${generation}:${index}`;
  }

  /** Reads the manifest, so a save never writes over the chunks the saved state is made of. */
  async #readManifest() {
    const value = await this.#storage.get(this.#key);
    const chunked =
      value != null && typeof value === 'object' && Number.isInteger(value.chunks) && Number.isInteger(value.generation);
    this.#generation = chunked ? value.generation : this.#generation;
    this.#chunks = chunked ? value.chunks : 0;
    this.#known = true;
    return value;
  }

  async load() {
    const value = await this.#readManifest();
    if (value == null) return null;
    if (typeof value === 'string') return value;
    if (typeof value === 'object' && Number.isInteger(value.chunks) && Number.isInteger(value.generation)) {
      const parts = [];
      for (let i = 0; i < value.chunks; i++) {
        const part = await this.#storage.get(this.#chunkKey(value.generation, i));
        if (typeof part !== 'string') {
          throw new Error(`DurableObjectStore: chunk ${i} of the saved state is missing`);
        }
        parts.push(part);
      }
      return parts.join('');
    }
    throw new Error(`DurableObjectStore: the value under "${this.#key}" is not a saved state`);
  }

  async save(json) {
    if (!this.#known) await this.#readManifest();
    const previous = { generation: this.#generation, chunks: this.#chunks };
    if (json.length <= CHUNK_CHARS) {
      await this.#storage.put(this.#key, json);
      this.#chunks = 0;
    } else {
      const generation = previous.generation + 1;
      const count = Math.ceil(json.length / CHUNK_CHARS);
      for (let i = 0; i < count; i++) {
        await this.#storage.put(this.#chunkKey(generation, i), json.slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS));
      }
      await this.#storage.put(this.#key, { generation, chunks: count });
      this.#generation = generation;
      this.#chunks = count;
    }
    if (previous.chunks > 0 && typeof this.#storage.delete === 'function') {
      for (let i = 0; i < previous.chunks; i++) {
        await this.#storage.delete(this.#chunkKey(previous.generation, i));
      }
    }
  }

  /** The storage key of record `change` (`${prefix}rec:<kind>:<id>`). */
  #recordKey(change) {
    return this.#prefix + recordKey(change);
  }

  async loadRecords() {
    if (typeof this.#storage.list !== 'function') {
      throw new TypeError('DurableObjectStore: records need storage.list (a Durable Object storage)');
    }
    const start = `${this.#prefix}rec:`;
    const listed = await this.#storage.list({ prefix: start });
    const rows = [];
    for (const [key, value] of listed) {
      if (key.includes('#')) continue; // a chunk of a large record
      const record = parseRecordKey(key.slice(this.#prefix.length));
      if (!record) continue;
      if (typeof value === 'string') {
        rows.push({ ...record, value });
      } else if (value != null && typeof value === 'object' && Number.isInteger(value.chunks)) {
        const parts = [];
        for (let i = 0; i < value.chunks; i++) {
          const part = listed.get(`${key}#${value.generation}:${i}`);
          if (typeof part !== 'string') throw new Error(`DurableObjectStore: chunk ${i} of ${key} is missing`);
          parts.push(part);
        }
        rows.push({ ...record, value: parts.join('') });
        this.#chunked.add(key);
      }
    }
    return rows.length === 0 ? null : rows;
  }

  /**
   * Writes each changed record under its own key and deletes the removed ones. Every put and
   * delete is issued before any is awaited: a Durable Object commits writes made without an
   * await in between as one atomic batch, so a change set is written whole or not at all. A
   * record over 60 000 characters is split into chunks (`<key>#<generation>:<i>`), the value under
   * its key naming them.
   */
  async writeChanges(changes, { replacesState = false } = {}) {
    if (typeof this.#storage.delete !== 'function') {
      throw new TypeError('DurableObjectStore: records need storage.delete (a Durable Object storage)');
    }
    const puts = {};
    const deletes = [];
    // Old chunks of records written in chunks (known from loadRecords or earlier writes): read
    // before anything is written (an await).
    const before = new Map();
    for (const change of changes) {
      const key = this.#recordKey(change);
      if (this.#chunked.has(key)) {
        const old = await this.#storage.get(key);
        if (old != null && typeof old === 'object' && Number.isInteger(old.chunks)) before.set(key, old);
      }
    }
    for (const change of changes) {
      const key = this.#recordKey(change);
      const old = before.get(key);
      if (change.value == null) {
        deletes.push(key);
        this.#chunked.delete(key);
      } else if (change.value.length <= CHUNK_CHARS) {
        puts[key] = change.value;
        this.#chunked.delete(key);
      } else {
        const generation = (old?.generation ?? 0) + 1;
        const count = Math.ceil(change.value.length / CHUNK_CHARS);
        for (let i = 0; i < count; i++) {
          puts[`${key}#${generation}:${i}`] = change.value.slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS);
        }
        puts[key] = { generation, chunks: count };
        this.#chunked.add(key);
      }
      if (old) {
        for (let i = 0; i < old.chunks; i++) deletes.push(`${key}#${old.generation}:${i}`);
      }
    }
    if (replacesState) {
      const legacy = await this.#readManifest();
      deletes.push(this.#key);
      if (legacy != null && typeof legacy === 'object') {
        for (let i = 0; i < legacy.chunks; i++) deletes.push(this.#chunkKey(legacy.generation, i));
      }
    }
    // No await from here until every write is issued: one atomic batch.
    const writes = [];
    const keys = Object.keys(puts);
    for (let i = 0; i < keys.length; i += 128) {
      const part = {};
      for (const k of keys.slice(i, i + 128)) part[k] = puts[k];
      writes.push(this.#storage.put(part));
    }
    for (let i = 0; i < deletes.length; i += 128) writes.push(this.#storage.delete(deletes.slice(i, i + 128)));
    await Promise.all(writes);
  }
}
