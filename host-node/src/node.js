// handoff-engine for Node: everything in index.js, plus FileStore, and an init() that reads the
// wasm from the package folder (Node's fetch cannot read file: URLs).

import { readFile } from 'node:fs/promises';
import { setDefaultLoader } from './host.js';
import { load } from './index.js';

export {
  HandoffHost,
  BROWSER_SECRETS_ERROR,
  BROWSER_INTEGRATIONS_ERROR,
  DEFAULT_TIMEOUT_MS,
  MAX_TIMER_MS,
  RESPONSE_BODY_LIMIT,
  REPORTED_HEADERS,
  parseRetryAfter,
  signWithWebCrypto,
  systemClock,
  MemoryStore,
  LocalStorageStore,
  DurableObjectStore,
} from './index.js';
export { FileStore } from './file-store.js';

/** Where the wasm bytes are: next to the package. */
export const WASM_PATH = new URL('../wasm/handoff_wasm_bg.wasm', import.meta.url);

let loading = null;

/** As index.js's `init`, reading `wasm/handoff_wasm_bg.wasm` from disk when no source is given. */
export function init(options = {}) {
  if (!loading) {
    loading = load(options, () => readFile(WASM_PATH));
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

setDefaultLoader(() => init());
