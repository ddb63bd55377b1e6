// HandoffTenant: the Durable Object holding one tenant's handoff engine.
//
// One engine per tenant, not per conversation: routing is a decision across conversations (who is
// free, who is next in the queue, whose turn it is in the round robin), so every conversation of a
// team must go through the same engine. A Durable Object runs one instance at a time, so the
// engine's state has exactly one writer.
//
// The object keeps the state in its storage as one key per record (DurableObjectStore:
// `rec:conversation:<id>`, `rec:agent:<id>`, … chunked above 60 000 characters), so a customer
// message writes two keys (the engine record and that conversation) in one atomic batch, however
// many conversations the team has; a whole state an older version saved under `handoff-state` is
// converted once.
//
// The engine is restored eagerly, from every record, when the object starts, and not lazily
// (the engine record and only the conversations an input touches): the engine cannot run on part
// of its state. `Engine.restoreRecords` refuses a set that leaves out a record another one names
// (the queue names queued conversations, an agent's `active` list the ones it holds), routing reads every agent
// and the whole queue, and a tick may lapse offers and retry deliveries in any conversation, so a
// partly loaded engine would decide wrongly. Measured (`cargo xtask bench`, step `records-workerd`,
// and BENCHMARKS.md): with 10,000 conversations (4.5 MB of records) the first input to a cold
// object took 2.8-3.6 s against 35-100 ms for a cold object without records, on a 2-core machine
// running other builds; `Engine.restoreRecords` alone took 2.4-3.4 s there in Node, so the
// engine reading the records, not `storage.list`, is the cost. It is paid once per object
// instance (after an eviction or a restart); every input after it costs what it changes (9 ms
// from request to answer at 10,000 conversations, 11 ms at 10, on the same loaded machine).
// Restoring lazily would need the engine to keep its cross-conversation indexes (agents, queue,
// timers) as records of their own and fetch conversations from the host on demand: a change in
// core, not here.
//
// It keeps the clock with its alarm (AlarmClock; `alarm()` sends the tick), performs deliveries
// with fetch (webhooks signed with the secret their `secret_ref` names among the worker's bindings;
// helpdesk requests authorized with the token or key their `token_ref`, `username_ref` or
// `password_ref` names there), and is called by the front worker over RPC. It also keeps the open
// streams (server-sent events, `fetch`): every output the host emits goes to the streams whose
// reader may see it (streams.js), by the audience the engine gives it.

import { DurableObject } from 'cloudflare:workers';
import { DurableObjectStore, HandoffHost, init } from 'handoff-engine';
import wasm from 'handoff-engine/handoff_wasm_bg.wasm';
import bundledSettings from './handoff-settings.json';
import { AlarmClock } from './alarm-clock.js';
import { Journal, journalSize } from './journal.js';
import { Streams } from './streams.js';

/** The storage key of an older version's whole state (read once, converted to records). */
export const STATE_KEY = 'handoff-state';

/**
 * The handoff configuration: `HANDOFF_CONFIG` (JSON text, or an object from a `json` binding or a
 * wrangler `[vars]` table) when set, else the bundled `handoff-settings.json`.
 */
export function settingsFrom(env) {
  const value = env.HANDOFF_CONFIG;
  if (value == null || value === '') return bundledSettings;
  if (typeof value === 'object') return value;
  try {
    return JSON.parse(String(value));
  } catch (error) {
    throw new Error(`HANDOFF_CONFIG: not valid JSON (${error.message})`);
  }
}

/**
 * The worker's binding named by a reference (a webhook's `secret_ref`, a helpdesk's `token_ref`,
 * `username_ref` or `password_ref`), when it is text (a secret or a var).
 */
function secretsFrom(env) {
  return (ref) => {
    const value = Object.hasOwn(env, ref) ? env[ref] : undefined;
    return typeof value === 'string' ? value : undefined;
  };
}

/** The engine's error for a bad input, as the body of a 422. */
function inputErrorBody(error) {
  const body = { error: error.message };
  if (error.path !== undefined) body.path = error.path;
  if (error.kind != null) body.kind = error.kind;
  if (Array.isArray(error.errors)) body.errors = error.errors;
  return body;
}

/** Whether `error` is the engine refusing an input (it names a JSON path), not a failure. */
function isInputError(error) {
  return error != null && (error.name === 'InputError' || typeof error.path === 'string');
}

export class HandoffTenant extends DurableObject {
  #starting = null;
  #host = null;
  #module = null;
  #clock;
  #journal;
  #streams = new Streams();

  constructor(ctx, env) {
    super(ctx, env);
    this.#clock = new AlarmClock(ctx.storage, (error) => this.#report(error));
  }

  #report(error) {
    // Messages only: they name a secret_ref at most, never a secret.
    console.error(`handoff: ${error?.message ?? error}`);
  }

  /** The started host: the engine restored from storage, the alarm armed. */
  #ready() {
    if (!this.#starting) {
      this.#starting = this.#start();
      this.#starting.catch(() => {
        this.#starting = null; // the next call tries again (and reports the same problem)
      });
    }
    return this.#starting;
  }

  async #start() {
    this.#journal = new Journal(journalSize(this.env.HANDOFF_JOURNAL));
    const engine = await init({ module: wasm });
    this.#module = engine;
    const host = await HandoffHost.create({
      wasm: this.#journal.wrap(engine),
      config: settingsFrom(this.env),
      store: new DurableObjectStore(this.ctx.storage, STATE_KEY),
      secrets: secretsFrom(this.env),
      clock: this.#clock,
      environment: 'server',
      onError: (error) => this.#report(error),
    });
    // Emitted right after the state is saved, before the next input: the holder is this input's.
    host.on('output', (output, audience) => this.#publish(host, output, audience));
    // A new instance after a crash, a restart or an eviction: deliveries the last one had in
    // flight were never reported. The engine hands them out again (same webhook-id) at once.
    // Asked as a query (a count kept by the engine), never `host.state()`: that would serialise
    // and parse every conversation the object just restored.
    if (host.engine.query({ query: 'gauges' }).outbox > 0) {
      await host.handle({ type: 'host_restarted' });
    }
    this.#host = host;
    return host;
  }

  /**
   * Handles one engine input. Resolves to `{status, body}`: 200 with `{handled_at, outputs}`
   * (every output, deliveries included; they are being performed), or 422 with the engine's error
   * (`error`, `path`, `errors`; nothing changed).
   */
  async input(input) {
    const host = await this.#ready();
    try {
      const outputs = await host.handle(input);
      return { status: 200, body: { handled_at: this.#journal.timeOf(input), outputs } };
    } catch (error) {
      if (isInputError(error)) return { status: 422, body: inputErrorBody(error) };
      throw error;
    }
  }

  /**
   * A helpdesk's own webhook to integration `integrationId` (`request`: `{headers, query, body}`,
   * the body as received): the engine verifies it with the secrets it names among the worker's
   * bindings and reads it into inputs, which are handled in order. Resolves to `{status, body}`:
   * 200 `{accepted, outputs}`, 401 (bad signature), 404 (unknown integration) or 422 (a payload
   * the engine cannot use, or a ticket it does not know), with the engine's `error`, `path`, `kind`.
   */
  async webhook(integrationId, request) {
    const host = await this.#ready();
    const module = this.#module;
    if (typeof module?.readHelpdeskWebhook !== 'function') {
      return { status: 404, body: { error: 'this engine build reads no helpdesk webhooks' } };
    }
    const config = settingsFrom(this.env);
    const lookup = secretsFrom(this.env);
    const secrets = {};
    for (const ref of module.webhookSecretRefs(config, integrationId)) secrets[ref] = lookup(ref);
    let inputs;
    try {
      inputs = module.readHelpdeskWebhook(config, integrationId, request, secrets, Date.now());
    } catch (error) {
      if (error?.name !== 'WebhookError') throw error;
      const status = error.kind === 'bad_signature' ? 401 : error.kind === 'unknown_delivery' ? 404 : 422;
      return { status, body: inputErrorBody(error) };
    }
    const outputs = [];
    for (const input of inputs) {
      try {
        outputs.push(...(await host.handle(input)));
      } catch (error) {
        if (isInputError(error)) return { status: 422, body: inputErrorBody(error) };
        throw error;
      }
    }
    return { status: 200, body: { accepted: inputs.length, outputs } };
  }

  /** Sends an output to the streams that may see it (none open: nothing to do). */
  #publish(host, output, audience) {
    if (this.#streams.size === 0) return;
    this.#streams.publish(output, audience, this.#agentsOf(host, output));
  }

  /**
   * The agents an output concerns: the one it names (`agent_id`) and the one its conversation is
   * offered or assigned to now (the engine's `holder`).
   */
  #agentsOf(host, output) {
    const agents = [];
    if (typeof output.agent_id === 'string') agents.push(output.agent_id);
    if (typeof output.conversation_id === 'string') {
      const holder = host.engine.query({ query: 'holder', conversation_id: output.conversation_id });
      if (holder?.agent_id && !agents.includes(holder.agent_id)) agents.push(holder.agent_id);
    }
    return agents;
  }

  /**
   * Streams (server-sent events), called by the front worker with the route it parsed:
   * `GET https://tenant/stream?scope=operators|customer|agent&id=...`.
   */
  async fetch(request) {
    const url = new URL(request.url);
    const scope = url.searchParams.get('scope');
    const id = url.searchParams.get('id') ?? undefined;
    if (url.pathname !== '/stream' || !['operators', 'customer', 'agent'].includes(scope)) {
      return new Response('not found', { status: 404 });
    }
    await this.#ready();
    return this.#streams.open(scope === 'operators' ? { scope } : { scope, id });
  }

  /** The alarm went off: send the engine its tick, and let the deliveries it hands out finish. */
  async alarm() {
    const host = await this.#ready();
    this.#clock.fired();
    await host.handle({ type: 'tick' });
    await host.idle();
  }

  /** A summary of the tenant: conversations, queue, agents, outbox, dead letters, the clock. */
  async summary() {
    const host = await this.#ready();
    const state = host.state();
    const conversations = {};
    for (const [id, c] of Object.entries(state.conversations ?? {})) {
      conversations[id] = { status: c.status, priority: c.priority };
      if (c.agent_id != null) conversations[id].agent_id = c.agent_id;
    }
    const outbox = { in_flight: 0, waiting: 0 };
    for (const entry of Object.values(state.outbox ?? {})) {
      if (entry.state === 'waiting') outbox.waiting++;
      else outbox.in_flight++;
    }
    return {
      conversations,
      queue: (state.queue ?? []).map((key, i) => ({
        conversation_id: key.conversation_id,
        position: i + 1,
        priority: state.conversations?.[key.conversation_id]?.priority,
      })),
      agents: Object.values(state.agents ?? {}).map((a) => ({ id: a.id, status: a.status, active: a.active ?? [] })),
      outbox,
      dead_letters: Object.keys(state.dead_letters ?? {}).length,
      disabled_webhooks: state.disabled_webhooks ?? {},
      next_wakeup: host.nextWakeup() ?? null,
      alarm_at: await this.ctx.storage.getAlarm(),
    };
  }

  /** The engine's state as JSON text: the exact bytes saved (and that a native host writes). */
  async stateJson() {
    const host = await this.#ready();
    return host.engine.stateJson();
  }

  /** The dead letters: `{delivery_id: {delivery, reason, status?, at, ...}}`, re-drivable. */
  async deadLetters() {
    const host = await this.#ready();
    return host.state().dead_letters ?? {};
  }

  /** The journal of this instance's engine steps, or null when HANDOFF_JOURNAL is off. */
  async journal() {
    await this.#ready();
    return this.#journal.enabled ? this.#journal.toJSON() : null;
  }

  /**
   * What the storage holds, for operators: the record ids by kind (`{conversation: [...], ...}`)
   * and whether an older version's whole state is still there. Lists every record key: a
   * diagnostic, not a request path.
   */
  async records() {
    await this.#ready();
    const byKind = {};
    for (const key of (await this.ctx.storage.list({ prefix: 'rec:' })).keys()) {
      if (key.includes('#')) continue; // a chunk of a large record
      const [, kind, ...id] = key.split(':');
      (byKind[kind] ??= []).push(id.join(':'));
    }
    return { ...byKind, whole_state: (await this.ctx.storage.get(STATE_KEY)) != null };
  }
}
