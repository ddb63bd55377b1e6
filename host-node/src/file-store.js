// FileStore: the records in one append-only file (Node).
//
// Why one log file rather than one file per record: a record store must write a change set as one
// unit and durably before the outputs are performed. One file per record needs a write, an fsync
// and a rename per changed record plus a directory fsync, and still no unit across files; a log
// needs one append and one fsync per input, and a change set is one line, so a crash leaves it
// whole or (a torn last line, never acknowledged) absent. The file is
//
//   {"handoff_records":1}
//   [{"kind":"engine","id":"engine","value":"{…}"},{"kind":"conversation","id":"c1","value":"{…}"}]
//   [{"kind":"outbox","id":"msg_…","value":null}]
//
// a header, then one change set per line (`value` the record's JSON text, null when removed).
// Loading applies the lines in order. When the file has grown past four times its size after
// the last rewrite (plus 1 MiB), it is rewritten as one line of the live records (a temporary
// file, flushed and renamed over it: never half a file), so its size stays proportional to the
// state and each byte is rewritten a bounded number of times.
//
// A file holding a whole state (an older version's FileStore) is read by `load()` once; the host
// then converts it (`writeChanges(all, {replacesState: true})`), which rewrites the file as a log.

import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

const HEADER = '{"handoff_records":1}';

/** Rewrite once the log is this many times its size after the last rewrite (plus 1 MiB). */
const GROWTH = 4;

let counter = 0;

const keyOf = ({ kind, id }) => `${kind}\u0000${id}`;

export class FileStore {
  #path;
  #dirReady = false;
  /** The live records by key, once read. */
  #rows = null;
  /** Whether the file is a log (false: missing, or an older version's whole state). */
  #isLog = false;
  /** The log's size in bytes, and its size after the last rewrite. */
  #bytes = 0;
  #base = 0;
  /** The file does not end with a newline (a torn append): the next one starts a new line. */
  #torn = false;

  /** @param {string} path the records file (created on the first write; its folder too) */
  constructor(path) {
    if (typeof path !== 'string' || path === '') throw new TypeError('FileStore: expected a file path');
    this.#path = resolve(path);
  }

  /** The records file's absolute path. */
  get path() {
    return this.#path;
  }

  async #read() {
    try {
      return await readFile(this.#path, 'utf8');
    } catch (error) {
      if (error && error.code === 'ENOENT') return null;
      throw error;
    }
  }

  /** A whole state an older version saved in this file (or `save` wrote), else null. */
  async load() {
    const text = await this.#read();
    if (text == null || text.startsWith(HEADER)) return null;
    return text;
  }

  /** Writes a whole state (the interface before records), replacing the file. */
  async save(json) {
    await this.#writeAtomic(json);
    this.#rows = null;
    this.#isLog = false;
  }

  async loadRecords() {
    const text = await this.#read();
    this.#rows = new Map();
    this.#isLog = text != null && text.startsWith(HEADER);
    if (!this.#isLog) return null;
    const lines = text.split('\n');
    for (const line of lines.slice(1)) {
      if (line === '') continue;
      let changes;
      try {
        changes = JSON.parse(line);
      } catch {
        continue; // a torn append: never acknowledged, so never applied
      }
      this.#apply(changes);
    }
    this.#bytes = Buffer.byteLength(text, 'utf8');
    this.#base = this.#bytes;
    this.#torn = !text.endsWith('\n');
    return this.#rows.size === 0 ? null : [...this.#rows.values()].map((r) => ({ ...r }));
  }

  #apply(changes) {
    for (const { kind, id, value } of changes) {
      if (value == null) this.#rows.delete(keyOf({ kind, id }));
      else this.#rows.set(keyOf({ kind, id }), { kind, id, value });
    }
  }

  async writeChanges(changes, { replacesState = false } = {}) {
    if (this.#rows == null) await this.loadRecords();
    const line = JSON.stringify(changes.map(({ kind, id, value }) => ({ kind, id, value: value ?? null })));
    if (!this.#isLog || replacesState) {
      const rows = new Map(replacesState ? [] : this.#rows);
      const before = this.#rows;
      this.#rows = rows;
      this.#apply(changes);
      try {
        await this.#rewrite();
      } catch (error) {
        this.#rows = before;
        throw error;
      }
      return;
    }
    const text = `${this.#torn ? '\n' : ''}${line}\n`;
    const file = await open(this.#path, 'a', 0o600);
    try {
      this.#torn = true; // until the append is known whole
      await file.writeFile(text, 'utf8');
      await file.sync();
      this.#torn = false;
    } finally {
      await file.close();
    }
    this.#apply(changes);
    this.#bytes += Buffer.byteLength(text, 'utf8');
    if (this.#bytes > GROWTH * this.#base + (1 << 20)) await this.#rewrite();
  }

  /** Writes the live records as a new log (header and one line), atomically. */
  async #rewrite() {
    const text = `${HEADER}\n${JSON.stringify([...this.#rows.values()])}\n`;
    await this.#writeAtomic(text);
    this.#isLog = true;
    this.#torn = false;
    this.#bytes = Buffer.byteLength(text, 'utf8');
    this.#base = this.#bytes;
  }

  /** A temporary file next to the target, flushed, then renamed over it: never half a file. */
  async #writeAtomic(text) {
    const dir = dirname(this.#path);
    if (!this.#dirReady) {
      await mkdir(dir, { recursive: true });
      this.#dirReady = true;
    }
    counter += 1;
    const tmp = `${this.#path}.${process.pid}.${counter}.tmp`;
    try {
      // 0o600: the records hold customers' messages and contact details.
      const file = await open(tmp, 'w', 0o600);
      try {
        await file.writeFile(text, 'utf8');
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(tmp, this.#path);
    } catch (error) {
      await unlink(tmp).catch(() => {});
      throw error;
    }
    // Make the rename itself durable (not possible on every platform: best effort).
    try {
      const handle = await open(dir, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch {
      // Directories cannot be opened or synced here (Windows): the rename is still atomic.
    }
  }
}
