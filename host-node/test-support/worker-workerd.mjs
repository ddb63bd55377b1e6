// Runs the worker example (examples/worker/config.capnp) under the real workerd binary from the
// npm package `workerd`: a loopback socket on a port the kernel picks (reported on workerd's
// control descriptor), Durable Object storage in a folder the test owns, and the environment the
// config's `fromEnvironment` bindings read.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const HOST_NODE = new URL('../', import.meta.url);
export const WORKER_DIR = fileURLToPath(new URL('examples/worker/', HOST_NODE));
export const WORKERD_CONFIG = fileURLToPath(new URL('examples/worker/config.capnp', HOST_NODE));
export const WORKERD_BIN = fileURLToPath(new URL('node_modules/workerd/bin/workerd', HOST_NODE));

/** Why workerd cannot run here, or null. */
export function workerdMissing() {
  if (!existsSync(WORKERD_BIN)) {
    return (
      `the workerd binary is missing (${WORKERD_BIN}): run \`npm ci\` in host-node/ ` +
      '(it installs the pinned devDependency workerd and its platform binary)'
    );
  }
  return null;
}

/** Every workerd this module started and has not seen exit, so a test can kill them all. */
const running = new Set();

/** Kills (SIGKILL) every workerd still running. For `after` hooks; never throws. */
export function killAllWorkerd() {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

process.on('exit', killAllWorkerd);

/** The conformance worker's configuration (test-support/conformance-worker/). */
export const CONFORMANCE_WORKER_DIR = fileURLToPath(new URL('test-support/conformance-worker/', HOST_NODE));
export const CONFORMANCE_WORKERD_CONFIG = fileURLToPath(new URL('test-support/conformance-worker/config.capnp', HOST_NODE));

/**
 * Starts `workerd serve config.capnp` and resolves once it listens. (workerd 1.20260730.1 runs
 * `durableObjectStorage = (localDisk = ...)` without `--experimental`, though its schema marks it
 * experimental.)
 *
 * `config` and `cwd` default to the worker example's; `storageDir` is the folder of its `state`
 * service (leave it out for a configuration without one). The socket named `http` is moved to a
 * loopback port the kernel picks.
 *
 * @param {{storageDir?: string, env?: Record<string, string>, timeoutMs?: number,
 *          config?: string, cwd?: string}} options
 * @returns {Promise<{url: string, port: number, pid: number, output: () => string,
 *                    kill: (signal?: string) => Promise<void>}>}
 */
export async function startWorkerd({ storageDir, env = {}, timeoutMs = 60_000, config = WORKERD_CONFIG, cwd = WORKER_DIR }) {
  const missing = workerdMissing();
  if (missing) throw new Error(missing);
  const args = ['serve', config, '--socket-addr=http=127.0.0.1:0'];
  if (storageDir !== undefined) args.push(`--directory-path=state=${storageDir}`);
  args.push('--control-fd=3');
  const child = spawn(WORKERD_BIN, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });

  const port = await new Promise((resolve, reject) => {
    let control = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`workerd did not report a listening socket within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.stdio[3].on('data', (chunk) => {
      control += chunk;
      for (const line of control.split('\n')) {
        let message;
        try {
          message = JSON.parse(line);
        } catch {
          continue;
        }
        if (message.event === 'listen' && message.socket === 'http') {
          clearTimeout(timer);
          resolve(message.port);
        }
      }
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`workerd could not be started (${WORKERD_BIN}): ${error.message}`));
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`workerd exited (code ${code}, signal ${signal}) before listening:\n${output}`));
    });
  });

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    output: () => output,
    /** Kills this workerd (SIGKILL by default: a crash, nothing flushed on the way out). */
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
