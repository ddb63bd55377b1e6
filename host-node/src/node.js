// handoff-engine for Node: everything in index.js, plus FileStore, and an init() that reads the
// wasm from the package folder (Node's fetch cannot read file: URLs).

import { readFile } from 'node:fs/promises';
import { setDefaultLoader } from './host.js';
import { load } from './index.js';

export {
  HandoffHost,
  DEFAULT_TIMEOUT_MS,
  MAX_TIMER_MS,
  RESPONSE_BODY_LIMIT,
  REPORTED_HEADERS,
  systemClock,
  MemoryStore,
  LocalStorageStore,
  DurableObjectStore,
} from './index.js';
export { FileStore } from './file-store.js';

/**
 * Where Node's wasm bytes are: the engine built for speed (opt-level 3), about 2x as fast as the
 * size-built module browsers and workers load, and run by the same glue.
 */
export const WASM_PATH = new URL('../wasm/handoff_wasm_speed.wasm', import.meta.url);
/** The size-built module (what browsers and workers load); Node's fallback. */
export const WASM_SIZE_PATH = new URL('../wasm/handoff_wasm_bg.wasm', import.meta.url);

/** The speed-built module's bytes, or the size-built one's when a build left it out. */
async function readModule() {
  try {
    return await readFile(WASM_PATH);
  } catch (error) {
    if (error?.code !== 'ENOENT') throw error;
    return readFile(WASM_SIZE_PATH);
  }
}

let loading = null;

/**
 * As index.js's `init`, reading `wasm/handoff_wasm_speed.wasm` (else `wasm/handoff_wasm_bg.wasm`)
 * from disk when no source is given.
 */
export function init(options = {}) {
  if (!loading) {
    loading = load(options, readModule);
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/** As index.js's `explain`, with the engine read from disk. */
export async function explain(config, request) {
  return (await init()).explain(config, request);
}

setDefaultLoader(() => init());
