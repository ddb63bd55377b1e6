// The Node runner of `cargo xtask bench`: the npm package's `Engine.handleJson` (host-node/, the js
// wasm build) on the same corpus and configuration as the native and wasmtime runners.
//
//   node bench/node_bench.mjs decision PACKAGE_ENTRY CONFIG CORPUS RUNS
//   node bench/node_bench.mjs coldstart PACKAGE_ENTRY CONFIG CORPUS
//
// PACKAGE_ENTRY is host-node/src/node.js. `decision` times each message (the first of its own
// conversation) and, untimed, acknowledges its deliveries and closes the conversation, as the
// other runners do. `coldstart` is run in a fresh process each time: import the package, load and
// instantiate the wasm, create the engine and make the first decision. Prints one JSON object.
// Not a test: nothing is asserted about time.

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const START_MS = 1_768_197_600_000; // as core/benches/common/mod.rs

const [mode, entry, configPath, corpusPath, runsArg] = process.argv.slice(2);
const configJson = readFileSync(configPath, 'utf8');
const texts = readFileSync(corpusPath, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l));

const messageInput = (i, text) =>
  JSON.stringify({
    type: 'customer_message',
    conversation_id: `conv_${i}`,
    text,
    customer: { id: `cust_${i}`, name: 'Sam' },
  });
const closeInput = (i) =>
  JSON.stringify({ type: 'conversation_closed', conversation_id: `conv_${i}`, by: 'agent' });
const deliveredInput = (id) => JSON.stringify({ type: 'delivery_result', delivery_id: id, status: 200 });
const agentsOnline = () =>
  (JSON.parse(configJson).handoff.agents ?? []).map((a) =>
    JSON.stringify({ type: 'agent_update', agent: { id: a.id, status: 'online' } }),
  );
const deliveryIds = (json) =>
  JSON.parse(json)
    .filter((o) => o.type === 'delivery')
    .map((o) => o.delivery_id);

async function decision(runs) {
  const { init } = await import(pathToFileURL(entry).href);
  const { Engine } = await init();
  const inputs = texts.map((t, i) => messageInput(i, t));
  const perMessage = [];
  for (let run = 0; run < runs; run++) {
    const engine = new Engine(configJson);
    for (const u of agentsOnline()) engine.handleJson(u, START_MS);
    let total = 0;
    for (let i = 0; i < inputs.length; i++) {
      const now = START_MS + i * 100;
      const t = performance.now();
      const outputs = engine.handleJson(inputs[i], now);
      total += performance.now() - t;
      const ids = deliveryIds(outputs).concat(deliveryIds(engine.handleJson(closeInput(i), now)));
      for (const id of ids) engine.handleJson(deliveredInput(id), now);
    }
    perMessage.push((total * 1e6) / inputs.length);
    engine.free();
  }
  return { messages: inputs.length, node: process.version, ns_per_message: perMessage };
}

async function coldstart() {
  const t0 = performance.now();
  const { init } = await import(pathToFileURL(entry).href);
  const t1 = performance.now();
  const { Engine } = await init();
  const t2 = performance.now();
  const engine = new Engine(configJson);
  engine.handleJson(messageInput(0, texts[0]), START_MS);
  const t3 = performance.now();
  return {
    node: process.version,
    import_ms: t1 - t0,
    instantiate_ms: t2 - t1,
    engine_and_first_decision_ms: t3 - t2,
    total_ms: t3 - t0,
    since_process_start_ms: t3,
  };
}

const result = mode === 'decision' ? await decision(Number(runsArg ?? 5)) : await coldstart();
process.stdout.write(JSON.stringify(result) + '\n');
