// Starts the real `handoff serve` binary for browser tests: a configuration and tokens the test
// gives, a fresh SQLite file, a free port. The binary is $HANDOFF_BIN, else
// `<cargo target>/debug/handoff` ($CARGO_TARGET_DIR or the repository's target/); its engine
// module is $HANDOFF_WASM, else `<cargo target>/wasm/handoff_abi.wasm`. Anything missing fails
// with a message saying how to build it.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TARGET = resolve(REPO, process.env.CARGO_TARGET_DIR ?? 'target');

/** The `handoff` binary the tests run. */
export const HANDOFF_BIN = process.env.HANDOFF_BIN || join(TARGET, 'debug', 'handoff');
/** The abi module it runs. */
export const HANDOFF_WASM = process.env.HANDOFF_WASM ? resolve(REPO, process.env.HANDOFF_WASM) : join(TARGET, 'wasm', 'handoff_abi.wasm');

/**
 * Starts `handoff serve` and waits until it listens.
 * @param {{config: object, env: Record<string, string>, args?: string[]}} options
 *   `config`: `{"handoff": {...}}`; `env`: the tokens (`HANDOFF_ADMIN_TOKEN`, …); `args`: more
 *   options of `handoff serve` (`--demo-widget`)
 * @returns {Promise<{origin: string, log: () => string, close(): Promise<void>}>}
 */
export async function startServe({ config, env, args: extra = [] }) {
  if (!existsSync(HANDOFF_BIN)) {
    throw new Error(`the handoff binary is missing at ${HANDOFF_BIN}: run \`cargo build -p handoff-native --bin handoff\` (or set HANDOFF_BIN)`);
  }
  if (!existsSync(HANDOFF_WASM)) {
    throw new Error(`the abi module is missing at ${HANDOFF_WASM}: run \`cargo xtask wasm\` (or set HANDOFF_WASM)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'handoff-serve-'));
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify(config));
  const args = ['--wasm', HANDOFF_WASM, '--cache-dir', join(TARGET, 'handoff-cache'), 'serve', '--config', configFile, '--db', join(dir, 'handoff.db'), '--listen', '127.0.0.1:0', ...extra];
  const child = spawn(HANDOFF_BIN, args, {
    env: { PATH: process.env.PATH, RUST_LOG: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk) => (err += chunk));
  const origin = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`handoff serve did not start within 60 s:\n${out}\n${err}`)), 60_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const found = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (found) {
        clearTimeout(timer);
        ok(found[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`handoff serve exited with ${code}:\n${out}\n${err}`));
    });
  });
  return {
    origin,
    log: () => err,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((ok) => child.once('exit', ok));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
