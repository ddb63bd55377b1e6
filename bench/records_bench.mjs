// Per-input persistence cost of `HandoffHost` (the npm package) with the Durable Object store, by
// number of open conversations: one key per changed record (`DurableObjectStore`'s records) against
// the whole state written after every input (a store with only `load`/`save`, as before records:
// the same state, restored from the records host's, so the whole-state host never has to be built
// input by input). Besides the time per `handle`, the keys and characters the storage was given
// per input.
//
//   node bench/records_bench.mjs PACKAGE_ENTRY CONFIG SIZES...   (e.g. 1000 100000)
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

/** The stand-in storage; `written` counts the keys put and the characters of their values. */
function memoryDurableStorage() {
  const map = new Map();
  const written = { keys: 0, chars: 0 };
  const count = (value) => {
    written.keys++;
    written.chars += typeof value === 'string' ? value.length : JSON.stringify(value).length;
  };
  return {
    written,
    async get(key) {
      return map.get(key);
    },
    async put(key, value) {
      if (typeof key === 'string') {
        count(value);
        map.set(key, value);
      } else {
        for (const [k, v] of Object.entries(key)) {
          count(v);
          map.set(k, v);
        }
      }
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

/**
 * `count` inputs (one more customer message each, to conversations spread over all `n`) timed per
 * `handle`, and what the storage was given for them: `{inputs, p50_ms, p99_ms, keys_per_input,
 * chars_per_input}`.
 */
async function measure(host, clock, storage, n, count) {
  const ms = [];
  const before = { ...storage.written };
  for (let k = 0; k < count; k++) {
    clock.t += 1000;
    const t = performance.now();
    await host.handle({ type: 'customer_message', conversation_id: `conv_${(k * 7919) % n}`, text: 'ok, and when will it arrive?' });
    ms.push(performance.now() - t);
  }
  return {
    inputs: count,
    p50_ms: percentile(ms, 50),
    p99_ms: percentile(ms, 99),
    keys_per_input: (storage.written.keys - before.keys) / count,
    chars_per_input: (storage.written.chars - before.chars) / count,
  };
}

const rows = [];
for (const size of sizes) {
  const n = Number(size);
  // Records: n conversations opened through the host (each input writes its changed records).
  const clock = new Clock();
  const storage = memoryDurableStorage();
  const host = await HandoffHost.create({ wasm, config, clock, store: new DurableObjectStore(storage), environment: 'server', fetch: async () => new Response('') });
  const t = performance.now();
  for (let c = 0; c < n; c++) {
    await host.handle({ type: 'customer_message', conversation_id: `conv_${c}`, text: 'Where is my order?' });
  }
  const fillMs = performance.now() - t;
  const records = await measure(host, clock, storage, n, inputs);
  const state = host.engine.stateJson();
  await host.close();

  // The whole state after every input, as before records: the same state restored into a host
  // whose store has only load and save (the whole state chunked into the stand-in storage).
  const wholeClock = new Clock();
  wholeClock.t = clock.t;
  const wholeStorage = memoryDurableStorage();
  const wholeStore = new DurableObjectStore(wholeStorage);
  await wholeStore.save(state);
  const whole = await HandoffHost.create({
    wasm,
    config,
    clock: wholeClock,
    store: { load: () => wholeStore.load(), save: (json) => wholeStore.save(json) },
    environment: 'server',
    fetch: async () => new Response(''),
  });
  const wholeState = await measure(whole, wholeClock, wholeStorage, n, Math.min(inputs, 30));
  await whole.close();
  rows.push({ conversations: n, fill_ms: fillMs, state_chars: state.length, records, whole_state: wholeState });
  console.error(`bench: ${n} conversations: records ${records.p50_ms.toFixed(3)} ms, whole state ${wholeState.p50_ms.toFixed(3)} ms per input`);
}
console.log(JSON.stringify({ rows }));
