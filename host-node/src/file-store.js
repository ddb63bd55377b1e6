// FileStore: the state in one file (Node). Every save writes a temporary file next to it, flushes it
// to disk and renames it over the old one, so a crash leaves either the old state or the new one,
// never half of one.

import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

let counter = 0;

export class FileStore {
  #path;
  #dirReady = false;

  /** @param {string} path the state file (created on the first save; its folder too) */
  constructor(path) {
    if (typeof path !== 'string' || path === '') throw new TypeError('FileStore: expected a file path');
    this.#path = resolve(path);
  }

  /** The state file's absolute path. */
  get path() {
    return this.#path;
  }

  async load() {
    try {
      return await readFile(this.#path, 'utf8');
    } catch (error) {
      if (error && error.code === 'ENOENT') return null;
      throw error;
    }
  }

  async save(json) {
    const dir = dirname(this.#path);
    if (!this.#dirReady) {
      await mkdir(dir, { recursive: true });
      this.#dirReady = true;
    }
    counter += 1;
    const tmp = `${this.#path}.${process.pid}.${counter}.tmp`;
    try {
      // 0o600: the state holds customers' messages and contact details.
      const file = await open(tmp, 'w', 0o600);
      try {
        await file.writeFile(json, 'utf8');
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
