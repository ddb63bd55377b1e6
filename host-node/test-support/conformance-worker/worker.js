// The conformance worker: runs replay jobs (test-support/replay-core.mjs) with the size-built
// engine under workerd, loaded as a worker loads it (`init({ module })`, a compiled
// WebAssembly.Module imported as a `wasm` module).
//
// - GET /health: `{"ok": true}` once the engine is loaded.
// - POST /replay: body `{path, config, lines}` (a parsed conversation, `$last` references still
//   unresolved: this worker resolves them); the answer is the golden vector text itself, one
//   `{"now":…,"outputs":<the engine's handleJson text>}` or `{"now":…,"error":{…}}` line per input,
//   each ending in a newline. A job that throws answers 500 with the message.
// - POST /jobs: body `[job, …]` (see `runJob`: restore a state saved by another host, save the
//   state half way); the answer is `[result | {failure}, …]` as JSON.

import { init } from 'handoff-engine';
import wasm from 'handoff-engine/handoff_wasm_bg.wasm';
import { runJob, runJobs } from './replay-core.mjs';

const ready = init({ module: wasm });

const json = (value, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });

export default {
  async fetch(request) {
    const url = new URL(request.url);
    let Engine;
    try {
      ({ Engine } = await ready);
    } catch (error) {
      return json({ error: `the engine did not load: ${error.message}` }, 500);
    }
    if (request.method === 'GET' && url.pathname === '/health') return json({ ok: true });
    if (request.method !== 'POST') return json({ error: 'POST /replay or /jobs' }, 405);
    let body;
    try {
      body = await request.json();
    } catch (error) {
      return json({ error: `the body is not JSON: ${error.message}` }, 400);
    }
    if (url.pathname === '/replay') {
      try {
        const { lines } = runJob(Engine, body);
        return new Response(lines.map((l) => `${l}\n`).join(''), {
          headers: { 'content-type': 'application/x-ndjson; charset=utf-8' },
        });
      } catch (error) {
        return json({ error: error.message, stack: error.stack }, 500);
      }
    }
    if (url.pathname === '/jobs') return json(runJobs(Engine, body));
    return json({ error: `no route ${url.pathname}` }, 404);
  },
};
