// State stores: where a host keeps the engine's state between inputs and across restarts.
//
// A store holds one JSON text. Interface: `async load() -> string | null` (null: nothing saved yet)
// and `async save(json)`. The host saves after every input and before performing its outputs, and
// never calls two of these at once.

/** Keeps the state in memory only (tests, or a host that does not survive restarts anyway). */
export class MemoryStore {
  #json;

  /** @param {string | null} [initial] */
  constructor(initial = null) {
    this.#json = initial;
  }

  async load() {
    return this.#json;
  }

  async save(json) {
    this.#json = json;
  }
}

/**
 * Keeps the state in `localStorage` (browsers), under `${prefix}state`. A quota error fails the
 * save, and the host then does not apply the input.
 */
export class LocalStorageStore {
  #storage;
  #key;

  /**
   * @param {string} [prefix] key prefix, so several widgets can share an origin (default `handoff:`)
   * @param {Storage} [storage] default `globalThis.localStorage`
   */
  constructor(prefix = 'handoff:', storage = globalThis.localStorage) {
    if (!storage) throw new Error('LocalStorageStore: localStorage is not available here');
    this.#storage = storage;
    this.#key = `${prefix}state`;
  }

  /** The key the state is kept under. */
  get key() {
    return this.#key;
  }

  async load() {
    return this.#storage.getItem(this.#key);
  }

  async save(json) {
    this.#storage.setItem(this.#key, json);
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

  /**
   * @param {{get(key: string): Promise<unknown>, put(key: string, value: unknown): Promise<void>,
   *          delete?(key: string): Promise<unknown>}} storage
   * @param {string} [key] default `handoff-state`
   */
  constructor(storage, key = 'handoff-state') {
    if (!storage || typeof storage.get !== 'function' || typeof storage.put !== 'function') {
      throw new TypeError('DurableObjectStore: expected a storage object with async get and put');
    }
    this.#storage = storage;
    this.#key = key;
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
}
