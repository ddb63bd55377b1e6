// Per-input persistence cost of `HandoffHost` (the npm package) with the Durable Object store, by
// number of open conversations: one key per changed record (`DurableObjectStore`'s records) against
// the whole state written after every input (a store with only `load`/`save`, as before records).
//
//   node bench/records_bench.mjs PACKAGE_ENTRY CONFIG SIZES...   (e.g. 1000 10000)
//
// The Durable Object storage is an in-memory stand-in with the same API (get, put of up to 128
// keys, delete, list), so this measures what the host and the engine do per input (the change
// set, or the whole state serialised and chunked), not workerd's own storage. PACKAGE_ENTRY is
// host-node/src/node.js. `RECORDS_INPUTS` inputs per size (default 300). Prints one JSON object.
// Not a test: nothing is asserted about time.

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const START_MS = 1_768_197_600_000; // as core/benches/common/mod.rs

const [entry, configPath, ...sizes] = process.argv.slice(2);
const { HandoffHost, DurableObjectStore, init } = await import(pathToFileURL(entry).href);
const wasm = await init();
const config = JSON.parse(readFileSync(configPath, 'utf8'));
// No deliveries performed: the bench measures persistence, not HTTP.
delete config.handoff.webhooks;
delete config.handoff.integrations;
const inputs = Number(process.env.RECORDS_INPUTS ?? 300);

function memoryDurableStorage() {
  const map = new Map();
  return {
    async get(key) {
      return map.get(key);
    },
    async put(key, value) {
      if (typeof key === 'string') map.set(key, value);
      else for (const [k, v] of Object.entries(key)) map.set(k, v);
    },
    async delete(keys) {
      for (const k of Array.isArray(keys) ? keys : [keys]) map.delete(k);
    },
    async list({ prefix = '' } = {}) {
      return new Map([...map.entries()].filter(([k]) => k.startsWith(prefix)));
    },
  };
}

class Clock {
  t = START_MS;
  now() {
    return this.t;
  }
  setTimeout() {
    return 0;
  }
  clearTimeout() {}
}

const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.round((p / 100) * (s.length - 1)))];
};

async function measure(n, store) {
  const clock = new Clock();
  const host = await HandoffHost.create({ wasm, config, clock, store, environment: 'server', fetch: async () => new Response('') });
  for (let c = 0; c < n; c++) {
    await host.handle({ type: 'customer_message', conversation_id: `conv_${c}`, text: 'Where is my order?' });
  }
  const ms = [];
  const count = store.whole ? Math.min(inputs, 30) : inputs;
  for (let k = 0; k < count; k++) {
    clock.t += 1000;
    const t = performance.now();
    await host.handle({ type: 'customer_message', conversation_id: `conv_${(k * 7919) % n}`, text: 'ok, and when will it arrive?' });
    ms.push(performance.now() - t);
  }
  await host.close();
  return { inputs: count, p50_ms: percentile(ms, 50), p99_ms: percentile(ms, 99) };
}

const rows = [];
for (const size of sizes) {
  const n = Number(size);
  const records = await measure(n, new DurableObjectStore(memoryDurableStorage()));
  // The whole state after every input, as before records (the same store without its records).
  const wholeStore = new DurableObjectStore(memoryDurableStorage());
  const whole = await measure(n, { whole: true, load: () => wholeStore.load(), save: (json) => wholeStore.save(json) });
  rows.push({ conversations: n, records, whole_state: whole });
}
console.log(JSON.stringify({ rows }));
