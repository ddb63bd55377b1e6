// Which engines a test runs with: always the fake (test-support/fake-engine.mjs), and the real wasm
// build when host-node/wasm/ has it. Without the build a real-engine test is skipped with the reason
// printed, except under CI=true, where it fails saying what is missing.

import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fakeWasm } from './fake-engine.mjs';

export const WASM_GLUE = new URL('../wasm/handoff_wasm.js', import.meta.url);
export const WASM_BYTES = new URL('../wasm/handoff_wasm_bg.wasm', import.meta.url);
export const wasmPresent = existsSync(WASM_GLUE) && existsSync(WASM_BYTES);
export const MISSING =
  'the wasm build is missing (host-node/wasm/handoff_wasm.js, handoff_wasm_bg.wasm): run `cargo xtask wasm`';
const inCI = process.env.CI === 'true';

/** The real engine module, `{ Engine, sign }`, through the package's own `init()`. */
export async function realWasm() {
  const { init } = await import('handoff-engine');
  return init();
}

export const ENGINES = [
  { name: 'fake', real: false, load: async () => fakeWasm },
  { name: 'wasm', real: true, load: realWasm },
];

/** A test with the real engine only: skipped (or failing under CI=true) without the build. */
export function realTest(name, fn) {
  if (wasmPresent) {
    test(`${name} [wasm]`, async (t) => fn(t, await realWasm()));
  } else if (inCI) {
    test(`${name} [wasm]`, () => {
      throw new Error(`${MISSING} (CI=true: the real-engine tests must run)`);
    });
  } else {
    test(`${name} [wasm]`, { skip: MISSING }, () => {});
  }
}

/** The same test once per engine: `fn(t, wasm, engine)` with `engine.name` 'fake' or 'wasm'. */
export function engineTest(name, fn) {
  for (const engine of ENGINES) {
    if (engine.real) {
      realTest(name, (t, wasm) => fn(t, wasm, engine));
    } else {
      test(`${name} [fake]`, async (t) => fn(t, await engine.load(), engine));
    }
  }
}
