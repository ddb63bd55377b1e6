// handoff-engine for Node: everything in index.js, plus FileStore, and an init() that reads the
// wasm from the package folder (Node's fetch cannot read file: URLs).

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
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
  EngineError,
  ENGINE_ERROR_NAMES,
} from './index.js';
export { FileStore } from './file-store.js';

/**
 * Where Node's wasm bytes are in a build of the repository: the engine built for speed (opt-level
 * 3), about 2x as fast as the size-built module browsers and workers load, and run by the same
 * glue. The published package leaves it out (3.4 MB every install would carry); the optional
 * companion package `handoff-engine-speed` brings it (`npm install handoff-engine-speed`).
 */
export const WASM_PATH = new URL('../wasm/handoff_wasm_speed.wasm', import.meta.url);
/** The size-built module (what browsers and workers load); Node's fallback. */
export const WASM_SIZE_PATH = new URL('../wasm/handoff_wasm_bg.wasm', import.meta.url);
/** The companion package's module, as `require.resolve` names it. */
const SPEED_PACKAGE_MODULE = 'handoff-engine-speed/handoff_wasm_speed.wasm';

/** The companion package's speed-built module, or `null` when it is not installed. */
function companionPath() {
  try {
    return createRequire(import.meta.url).resolve(SPEED_PACKAGE_MODULE);
  } catch (error) {
    if (error?.code === 'MODULE_NOT_FOUND' || error?.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') return null;
    throw error;
  }
}

/** Reads `path`, or resolves to `null` when there is no such file. */
async function readIfPresent(path) {
  try {
    return await readFile(path);
  } catch (error) {
    if (error?.code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * The speed-built module's bytes (next to this package, else from `handoff-engine-speed`), or
 * the size-built one's when neither is there.
 */
async function readModule() {
  const local = await readIfPresent(WASM_PATH);
  if (local) return local;
  const companion = companionPath();
  const speed = companion && (await readIfPresent(companion));
  return speed ?? readFile(WASM_SIZE_PATH);
}

let loading = null;

/**
 * As index.js's `init`, reading the speed-built module (`wasm/handoff_wasm_speed.wasm` in a
 * build of the repository, else the `handoff-engine-speed` package's) or else
 * `wasm/handoff_wasm_bg.wasm` from disk when no source is given.
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
