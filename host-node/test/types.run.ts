// A user's TypeScript program: test/types.package.test.mjs packs the package, installs the tarball
// into a fresh project, compiles this file there with `tsc --strict` and then RUNS the output with
// node. Everything imported here must exist at runtime as declared (an import the declarations
// allow but the package does not export fails the run, not only the compile). It prints one JSON
// line the test reads.

import {
  DEFAULT_TIMEOUT_MS,
  ENGINE_ERROR_NAMES,
  Engine,
  EngineError,
  FileStore,
  HandoffHost,
  MAX_TIMER_MS,
  MemoryStore,
  REPORTED_HEADERS,
  RESPONSE_BODY_LIMIT,
  WASM_SIZE_PATH,
  init,
  systemClock,
  type CallbackReason,
  type Config,
  type EmittedOutput,
  type HoursStatus,
  type MessageTemplate,
  type Output,
} from 'handoff-engine';

const config: Config = {
  handoff: {
    business_hours: {
      timezone: 'Asia/Kolkata',
      schedule: { monday: { start: '09:00', end: '18:00' }, wednesday: { start: '09:00', end: '18:00' } },
    },
    outside_hours: { action: 'collect_callback', message: 'We are offline.' },
  },
};
// Wednesday 2026-11-25 21:30 in Kolkata: closed until Monday 09:00.
const NOW = Date.UTC(2026, 10, 25, 16, 0);

// `Engine` is the type; the class comes from init().
const loaded = await init();
const engine: Engine = new loaded.Engine(config);
const outputs: Output[] = engine.handle({ type: 'handoff_request', conversation_id: 'c1' }, NOW);
const reasons: CallbackReason[] = [];
const templates: MessageTemplate[] = [];
for (const o of outputs) {
  if (o.type === 'collect_callback') reasons.push(o.reason);
  if (o.type === 'message') templates.push(o.template);
}

// Errors: a real class, recognised with instanceof.
let caught: { instance: boolean; name: string; path: string | null; kind: string | null } | null = null;
try {
  engine.handle({ type: 'callback_details', conversation_id: 'c1', phone: '' }, NOW);
} catch (error) {
  if (error instanceof EngineError) caught = { instance: true, name: error.name, path: error.path, kind: error.kind };
  else caught = { instance: false, name: String(error), path: null, kind: null };
}
const made = new EngineError('InputError', [{ path: 'input.text', kind: 'too_large', message: 'text is too long' }]);

// The driver: host.engine is the real engine (hours() included), FileStore for Node (in the
// project's folder, which the test removes).
const seen: EmittedOutput['type'][] = [];
const host = await HandoffHost.create({
  config,
  store: new FileStore('handoff-state.jsonl'),
  clock: { ...systemClock, now: () => NOW },
});
host.on('output', (o) => seen.push(o.type));
await host.handle({ type: 'customer_message', conversation_id: 'c2', text: 'I want to talk to a human' });
const hours: HoursStatus | null = host.engine.hours(NOW);
const gauges = await host.query({ query: 'gauges' });
const callbacks = await host.query({ query: 'callbacks', limit: 10 });
const disabled = await host.query({ query: 'disabled_webhooks' });
await host.close();

const memory = new MemoryStore();
console.log(
  JSON.stringify({
    outputs: outputs.map((o) => o.type),
    reasons,
    templates,
    caught,
    made: { instance: made instanceof EngineError, isError: made instanceof Error, message: made.message },
    plainError: new Error('x') instanceof EngineError,
    names: ENGINE_ERROR_NAMES,
    seen,
    hours,
    conversations: gauges.conversations,
    callbacks: [callbacks.total, callbacks.limit, callbacks.callbacks.map((c) => c.at)],
    disabled: disabled.disabled_webhooks.map((w) => w.webhook_id),
    rows: memory.rows().length,
    constants: [DEFAULT_TIMEOUT_MS, MAX_TIMER_MS, RESPONSE_BODY_LIMIT, REPORTED_HEADERS.length],
    sizePath: WASM_SIZE_PATH.href.endsWith('/wasm/handoff_wasm_bg.wasm'),
  }),
);
