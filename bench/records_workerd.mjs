// The Durable Object store under the real workerd: the worker example (host-node/examples/worker,
// its HandoffTenant Durable Object with DurableObjectStore on workerd's SQLite-backed storage on
// disk) with N open conversations in one tenant, then what one more customer message costs.
//
//   node bench/records_workerd.mjs HOST_NODE_DIR SIZES...   (e.g. host-node 10000)
//
// For each size N, in a fresh storage folder:
// - N conversations `conv_0` … opened over HTTP (one customer message each, 8 at a time);
// - `RECORDS_WORKERD_INPUTS` (default 300) more customer messages to conversations spread over
//   all N, one at a time, each timed from request to answer on loopback: the worker's route, the
//   Durable Object's `handle` (the engine, then the changed records written with `put` before the
//   outputs are answered) and workerd's output gate, which holds the answer until the write is
//   durable. The same on a tenant with 10 conversations, for the flat comparison;
// - the eager restore: workerd killed (SIGKILL) and started on the same storage `RESTARTS`
//   times; each time the first input to a tenant with no records (a cold object: instantiation
//   and the engine's `init`) and then the first input to the N-conversation tenant (a cold object
//   that restores every record before handling it), both after a throwaway request that pays for
//   workerd's own start. The difference is what restoring N conversations costs.
//
// Prints one JSON object. Not a test: nothing is asserted about time.

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [hostNode, ...sizes] = process.argv.slice(2);
if (!hostNode || sizes.length === 0) {
  console.error('usage: node bench/records_workerd.mjs HOST_NODE_DIR SIZES...');
  process.exit(2);
}
const support = pathToFileURL(join(resolve(hostNode), 'test-support', 'worker-workerd.mjs')).href;
const { startWorkerd, workerdMissing, killAllWorkerd } = await import(support);
const missing = workerdMissing();
if (missing) {
  console.error(`bench: ${missing}`);
  process.exit(2);
}

const INPUTS = Number(process.env.RECORDS_WORKERD_INPUTS ?? 300);
const RESTARTS = Number(process.env.RECORDS_WORKERD_RESTARTS ?? 3);
const FILL_CONCURRENCY = 8;
const SMALL = 10;
const TOKEN = `bench-${randomBytes(12).toString('hex')}`;
// The bundled settings without webhooks: the bench measures storage, not deliveries.
const CONFIG = {
  handoff: {
    triggers: { customer_request: true, sentiment_threshold: -0.5, max_exchanges: 10 },
    routing: { method: 'round_robin', fallback: 'queue' },
    agents: [{ id: 'agent_1', name: 'Asha', max_concurrent: 3 }],
  },
};

const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.round((p / 100) * (s.length - 1)))];
};

async function post(worker, tenant, conversation, text) {
  const response = await fetch(`${worker.url}/tenants/${tenant}/conversations/${conversation}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text, customer: { id: `cust_${conversation}`, name: 'Sam' } }),
  });
  const body = await response.text();
  if (response.status !== 200) {
    throw new Error(`POST ${tenant}/${conversation}: ${response.status} ${body.slice(0, 300)}\nworkerd:\n${worker.output().slice(-2000)}`);
  }
  return body;
}

async function get(worker, path) {
  const response = await fetch(`${worker.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${body.slice(0, 300)}`);
  return body;
}

/** Opens `conv_0` … `conv_{n-1}` in `tenant`, `FILL_CONCURRENCY` requests at a time. */
async function fill(worker, tenant, n) {
  let next = 0;
  const loop = async () => {
    while (next < n) {
      const c = next++;
      await post(worker, tenant, `conv_${c}`, 'Where is my order?');
    }
  };
  await Promise.all(Array.from({ length: FILL_CONCURRENCY }, loop));
}

/** `INPUTS` customer messages, one at a time, over the tenant's `n` conversations: ms each. */
async function measure(worker, tenant, n) {
  const ms = [];
  for (let k = 0; k < INPUTS; k++) {
    const c = `conv_${(k * 7919) % n}`;
    const t = performance.now();
    await post(worker, tenant, c, 'ok, and when will it arrive?');
    ms.push(performance.now() - t);
  }
  return ms;
}

const rows = [];
for (const size of sizes) {
  const n = Number(size);
  const storageDir = await mkdtemp(join(tmpdir(), 'handoff-bench-workerd-'));
  const env = { HANDOFF_API_TOKEN: TOKEN, HANDOFF_CONFIG: JSON.stringify(CONFIG) };
  let worker = await startWorkerd({ storageDir, env });
  try {
    let t = performance.now();
    await fill(worker, 'big', n);
    const fillS = (performance.now() - t) / 1000;
    console.error(`bench: ${n} conversations opened in ${fillS.toFixed(1)} s`);
    await fill(worker, 'small', SMALL);
    const small = await measure(worker, 'small', SMALL);
    const big = await measure(worker, 'big', n);

    const restarts = [];
    for (let r = 0; r < RESTARTS; r++) {
      await worker.kill('SIGKILL');
      worker = await startWorkerd({ storageDir, env });
      await post(worker, `warm${r}`, 'conv_0', 'hello'); // workerd's own first request
      t = performance.now();
      await post(worker, `empty${r}`, 'conv_0', 'hello');
      const emptyMs = performance.now() - t;
      t = performance.now();
      await post(worker, 'big', `conv_${r}`, 'back again');
      const bigMs = performance.now() - t;
      t = performance.now();
      await post(worker, 'big', `conv_${r + 1}`, 'and again');
      const warmMs = performance.now() - t;
      restarts.push({ empty_first_ms: emptyMs, restored_first_ms: bigMs, second_ms: warmMs });
      console.error(`bench: restart ${r + 1}: first input, no records ${emptyMs.toFixed(1)} ms; ${n} conversations ${bigMs.toFixed(1)} ms; then ${warmMs.toFixed(1)} ms`);
    }
    rows.push({
      conversations: n,
      fill_s: fillS,
      inputs: INPUTS,
      p50_ms: percentile(big, 50),
      p99_ms: percentile(big, 99),
      small: { conversations: SMALL, p50_ms: percentile(small, 50), p99_ms: percentile(small, 99) },
      restarts,
    });
  } finally {
    await worker.kill('SIGKILL');
    killAllWorkerd();
    await rm(storageDir, { recursive: true, force: true });
  }
}
console.log(JSON.stringify({ rows }));
