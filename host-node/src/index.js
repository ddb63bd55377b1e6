// handoff-engine: the handoff engine (WebAssembly) and its driver, for browsers, edge workers and
// any runtime with fetch and WebAssembly. Node gets src/node.js (the same, plus FileStore and
// loading the wasm from disk).

import { setDefaultLoader } from './host.js';

export {
  HandoffHost,
  DEFAULT_TIMEOUT_MS,
  MAX_TIMER_MS,
  RESPONSE_BODY_LIMIT,
  REPORTED_HEADERS,
  systemClock,
} from './host.js';
export { MemoryStore, LocalStorageStore, DurableObjectStore } from './stores.js';
export { EngineError, ENGINE_ERROR_NAMES } from './errors.js';

const WASM_GLUE = '../wasm/handoff_wasm.js';

let loading = null;

/** Imports the wasm-bindgen glue, with a clear error when the wasm build is missing. */
export async function importGlue() {
  try {
    return await import('../wasm/handoff_wasm.js');
  } catch (error) {
    const missing = error && (error.code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module|Failed to fetch/i.test(String(error.message)));
    if (!missing) throw error;
    const wrapped = new Error(
      `handoff-engine: the wasm build is missing (${new URL(WASM_GLUE, import.meta.url).pathname}): ` +
        'build it with `cargo xtask wasm`',
    );
    wrapped.cause = error;
    throw wrapped;
  }
}

/**
 * Loads the engine and resolves to `{ Engine, sign, prepare, secretRefs, reportedHeaders,
 * browserRefusal, retryAfterMs, audience, outputAudiences, limits, webhookSecretRefs, readHelpdeskWebhook }`. Loads once; later calls give the same.
 *
 * - `init()`: fetches `../wasm/handoff_wasm_bg.wasm` next to this file (browsers, workers that
 *   allow it; Node's entry reads it from disk instead).
 * - `init({ module })`: a `WebAssembly.Module` imported statically (edge runtimes that forbid
 *   compiling wasm from bytes: `import wasm from 'handoff-engine/handoff_wasm_bg.wasm'`).
 * - `init({ bytes })`: the wasm bytes; `init({ url })`: where to fetch them.
 */
export function init(options = {}) {
  if (!loading) {
    loading = load(options, defaultSource);
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/** The wasm source when none is given: fetched from next to the package. */
function defaultSource() {
  return fetch(new URL('../wasm/handoff_wasm_bg.wasm', import.meta.url));
}

/**
 * Loads the glue and instantiates the wasm from `options` (or `fallback()`). Shared with node.js.
 * @param {{module?: WebAssembly.Module, bytes?: BufferSource, url?: string | URL}} options
 * @param {() => unknown | Promise<unknown>} fallback
 */
export async function load(options, fallback) {
  const glue = await importGlue();
  const source = options.module ?? options.bytes ?? options.url ?? (await fallback());
  await glue.default({ module_or_path: await source });
  return Object.freeze({
    Engine: glue.Engine,
    sign: glue.sign,
    prepare: glue.prepare,
    secretRefs: glue.secretRefs,
    reportedHeaders: glue.reportedHeaders,
    browserRefusal: glue.browserRefusal,
    retryAfterMs: glue.retryAfterMs,
    audience: glue.audience,
    outputAudiences: glue.outputAudiences,
    // What the engine accepts at most (a page refuses a message too long before showing it).
    limits: glue.limits,
    // Helpdesk webhooks in (absent from the browsers' widget build, which has no helpdesks).
    webhookSecretRefs: glue.webhookSecretRefs,
    readHelpdeskWebhook: glue.readHelpdeskWebhook,
    explain: glue.explain,
  });
}

/**
 * Why the engine would or would not hand off, line by line (core's `explain`): `request` is
 * `{ lines: string[] }` (customer lines, each its own conversation) or `{ inputs: [{ now, input,
 * expect_error? }] }` (a conversation's timed inputs). Resolves to the `Explanation`; rejects with
 * a `ConfigError` or an `InputError` whose `path` is under `request`.
 */
export async function explain(config, request) {
  return (await init()).explain(config, request);
}

setDefaultLoader(() => init());
