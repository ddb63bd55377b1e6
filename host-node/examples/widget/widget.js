// The chat widget example: the handoff engine runs in the page (HandoffHost, its state in
// localStorage), a scripted assistant answers, and the handoff and its events are forwarded to the
// page's backend (there are no webhooks in a browser: their secrets cannot be kept in a page).
//
// Page address options (README.md): ?now=<ISO 8601 time> starts the clock at that instant (it runs
// on from there), ?backend=<URL> is where outputs are POSTed, ?config=<URL> the configuration.

import { HandoffHost, LocalStorageStore, init } from 'handoff-engine';
import { GREETING, assistantReply, assistantResumes } from './assistant.js';
import { ChatWidget } from './chat.js';
import { AGENT_CAPACITY, Desk, OTHER_CUSTOMER_TEXT, otherCustomerName } from './desk.js';
import { BackendForwarder } from './forwarder.js';
import { Session } from './session.js';
import { callbackSlots } from './slots.js';
import { callbackProblem, messageProblem } from './wording.js';

/** Where the page keeps everything in localStorage: `${prefix}state` (the engine), `session`, `backend-outbox`. */
export const STORAGE_PREFIX = 'handoff-widget:';

/** The outputs the page forwards to its backend. */
export const FORWARDED = new Set(['handoff', 'event', 'callback_scheduled', 'callback_requested']);

/** The note the demo desk's agents leave for the assistant when they hand a chat back. */
const HAND_BACK_NOTE = 'Answered by a person; over to you.';

/** The configuration used without `?config=`: the specification's seed plus its business hours. */
const DEFAULT_CONFIG = './handoff-settings.json';

/** How often the desk's clock line is redrawn (ms). */
const CLOCK_REDRAW_MS = 15_000;

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Reads `?now=` as epoch ms.
 * @throws {Error} when it is not an ISO 8601 time with a zone
 */
export function parseInstant(text) {
  const ms = ISO_INSTANT.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) {
    throw new Error(`?now= must be an ISO 8601 time with a zone, such as 2026-11-25T06:00:00Z; got "${text}"`);
  }
  return ms;
}

/**
 * The page's options from its address.
 * @param {string} href
 * @returns {{configUrl: string, backendUrl: string | null, startAt: number | null}}
 */
export function optionsFromUrl(href) {
  const query = new URL(href).searchParams;
  const backend = query.get('backend');
  const now = query.get('now');
  return {
    configUrl: new URL(query.get('config') || DEFAULT_CONFIG, href).href,
    backendUrl: backend ? new URL(backend, href).href : null,
    startAt: now ? parseInstant(now) : null,
  };
}

/**
 * The host's clock: real time, or real time moved to start at `startAt` (a fixed offset, so
 * timers still fire when they should).
 * @param {number | null} startAt epoch ms
 */
export function offsetClock(startAt) {
  const offset = startAt == null ? 0 : startAt - Date.now();
  return Object.freeze({
    offset,
    now: () => Date.now() + offset,
    setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle),
  });
}

async function loadConfig(url) {
  let response;
  try {
    response = await fetch(url, { cache: 'no-cache' });
  } catch (error) {
    throw new Error(`could not load the configuration from ${url}: ${error.message}`);
  }
  if (!response.ok) throw new Error(`could not load the configuration from ${url}: HTTP ${response.status}`);
  try {
    return await response.json();
  } catch (error) {
    throw new Error(`the configuration at ${url} is not JSON: ${error.message}`);
  }
}

function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/** The widget page: the engine, the chat, the desk, the forwarder, wired together. */
export class WidgetApp {
  #doc;
  #storage;
  #prefix;
  #renderQueued = false;
  #clockTimer = null;
  #timeZone = 'UTC';
  /** A customer line to show once the engine has taken the input (the callback form's). */
  #heldLine = null;

  /** The customer's chat. */
  chat;
  /** The demo desk. */
  desk;
  /** @type {HandoffHost | null} */
  host = null;
  /** @type {Session | null} */
  session = null;
  /** @type {BackendForwarder | null} */
  forwarder = null;
  clock = null;

  /**
   * @param {Document} doc
   * @param {{storage?: Storage, prefix?: string}} [options]
   */
  constructor(doc, { storage = globalThis.localStorage, prefix = STORAGE_PREFIX } = {}) {
    this.#doc = doc;
    this.#storage = storage;
    this.#prefix = prefix;
    this.chat = new ChatWidget(doc.getElementById('chat'));
    this.desk = new Desk(doc.getElementById('desk'), {
      agentStatus: (agent, status) =>
        this.#send({ type: 'agent_update', agent: { ...agent, status, max_concurrent: AGENT_CAPACITY } }, 'desk'),
      accept: (conversationId, agentId) =>
        this.#send({ type: 'agent_accept', conversation_id: conversationId, agent_id: agentId }, 'desk'),
      decline: (conversationId, agentId) =>
        this.#send({ type: 'agent_decline', conversation_id: conversationId, agent_id: agentId }, 'desk'),
      reply: (conversationId, agentId, text) =>
        this.#send({ type: 'agent_message', conversation_id: conversationId, agent_id: agentId, text }, 'desk'),
      note: (conversationId, agentId, text) =>
        this.#send({ type: 'agent_note', conversation_id: conversationId, agent_id: agentId, text }, 'desk'),
      transfer: (conversationId, agentId, to, mode, note) =>
        this.#send(
          { type: 'transfer', conversation_id: conversationId, agent_id: agentId, to: { agent: to }, mode, note },
          'desk',
        ),
      handBack: (conversationId, agentId) =>
        this.#send({ type: 'return_to_ai', conversation_id: conversationId, agent_id: agentId, note: HAND_BACK_NOTE }, 'desk'),
      close: (conversationId) =>
        this.#send({ type: 'conversation_closed', conversation_id: conversationId, by: 'agent' }, 'desk'),
      otherCustomer: () => this.#otherCustomer(),
      reset: () => this.reset(),
    });
    this.chat.onSend((text) => this.#customerSays(text));
    this.chat.onTalkToPerson(() =>
      this.#send({ type: 'handoff_request', conversation_id: this.session.conversationId, source: 'widget_button' }, 'chat'),
    );
    this.chat.onCallback((details) => this.#callbackDetails(details));
    this.chat.onStartOver(() => this.reset());
  }

  /** This customer's conversation id. */
  get conversationId() {
    return this.session?.conversationId ?? null;
  }

  /**
   * Starts the engine: loads the configuration, restores the saved state (or starts afresh) and
   * shows the conversation. Any failure (a config with webhook secrets, a bad `?now=`, a config
   * error with its JSON path) is shown in the chat and logged with console.error.
   * @param {{configUrl: string, backendUrl?: string | null, startAt?: number | null,
   *          forward?: (output: object, id: string) => Promise<unknown>} | (() => object)} options
   *   or a function giving them (so a bad page address is reported like any other failure)
   */
  async start(options) {
    // The engine's wasm is fetched and compiled while the configuration loads, not after it
    // (index.html preloads it too); a failure is reported below, when it is awaited.
    const loading = init();
    loading.catch(() => {});
    try {
      const { configUrl, backendUrl = null, startAt = null, forward = null } =
        typeof options === 'function' ? options() : options;
      this.clock = offsetClock(startAt);
      const [config, engine] = await Promise.all([loadConfig(configUrl), loading]);
      // What a browser may not run (webhook secrets, helpdesks) is refused here, before the session
      // below stores anything; the host's start() asks the engine the same.
      engine.browserRefusal(config);
      this.host = new HandoffHost({
        wasm: engine,
        config,
        store: new LocalStorageStore(this.#prefix, this.#storage),
        clock: this.clock,
        environment: 'browser',
      });
      this.#timeZone = (config.handoff ?? config).business_hours?.timezone ?? 'UTC';
      // Ready for outputs before the engine starts: a restored state may have a tick due at once.
      this.session = new Session(this.#storage, this.#prefix);
      this.forwarder = new BackendForwarder({
        url: backendUrl,
        send: forward,
        storage: this.#storage,
        key: `${this.#prefix}backend-outbox`,
        onChange: () => this.#scheduleRender(),
        retryAfterMs: engine.retryAfterMs,
      });
      this.host.on('output', (output, audience) => this.#onOutput(output, audience));
      this.host.on('error', (error) => this.#report(error, 'desk'));
      await this.host.start();

      // The engine's own limit: a message over it is refused before it looks sent.
      if (typeof engine.limits === 'function') this.chat.setTextLimit(engine.limits().text_bytes);
      if (this.session.lines.length === 0) this.session.add({ role: 'ai', text: GREETING });
      for (const line of this.session.lines) this.chat.show(line);
      this.chat.ready(this.session.conversationId);
      this.desk.ready();
      this.forwarder.resume();
      this.#render();
      this.#clockTimer = setInterval(() => this.#scheduleRender(), CLOCK_REDRAW_MS);
    } catch (error) {
      this.chat.fail(`The chat could not start: ${messageOf(error)}`);
      console.error(`handoff widget: ${messageOf(error)}`);
    }
  }

  /** Stops the engine and the forwarder, forgets everything saved, and reloads the page. */
  async reset() {
    if (this.#clockTimer != null) clearInterval(this.#clockTimer);
    this.forwarder?.stop();
    await this.host?.close();
    const keys = [];
    for (let i = 0; i < this.#storage.length; i++) {
      const key = this.#storage.key(i);
      if (key.startsWith(this.#prefix)) keys.push(key);
    }
    for (const key of keys) this.#storage.removeItem(key);
    this.#doc.defaultView.location.reload();
  }

  /** Hands one input to the engine; a refused input is shown (`where`: `chat` or `desk`). */
  async #send(input, where) {
    try {
      const outputs = await this.host.handle(input);
      if (where === 'desk') this.desk.error(null);
      return outputs;
    } catch (error) {
      this.#report(error, where);
      return null;
    } finally {
      this.#scheduleRender();
    }
  }

  /** The engine's error in full for the console (and the demo desk); plain words for the customer. */
  #report(error, where) {
    const text = messageOf(error);
    console.error(`handoff widget: ${text}`);
    if (where === 'desk') this.desk.error(text);
    else this.#line({ role: 'note', text: 'Something went wrong on our side. Please try again.' });
  }

  /** Adds a line to the transcript: saved first, then shown. */
  #line(line) {
    const saved = { ...line, at: this.clock.now() };
    this.session.add(saved);
    this.chat.show(saved);
  }

  /**
   * The customer sent `text`: their line is shown once the engine has taken it (before its
   * answer), never before. Resolves to `null`, or to why it was not sent, in plain words.
   */
  async #customerSays(text) {
    const conversationId = this.session.conversationId;
    this.#heldLine = { role: 'customer', text };
    try {
      await this.host.handle({ type: 'customer_message', conversation_id: conversationId, text });
    } catch (error) {
      this.#heldLine = null;
      console.error(`handoff widget: ${messageOf(error)}`);
      return messageProblem(error);
    } finally {
      this.#scheduleRender();
    }
    this.#releaseHeldLine();
    void this.#assistantTurn(conversationId, text);
    return null;
  }

  /** The assistant answers while the conversation is still its own. */
  async #assistantTurn(conversationId, text) {
    const conversation = this.host.state().conversations[conversationId];
    if (conversation?.status !== 'ai' || !conversation.awaiting_ai) return;
    const reply = assistantReply(text);
    this.#line({ role: 'ai', text: reply.text });
    await this.#send(
      {
        type: 'ai_reply',
        conversation_id: conversationId,
        text: reply.text,
        confidence: reply.confidence,
        actions: reply.actions,
      },
      'chat',
    );
  }

  /**
   * The agent gave the chat back: the assistant (this page is also the AI's host) answers again,
   * after the engine's message to the customer.
   */
  async #assistantAnswersAgain(returned) {
    const conversationId = returned.conversation_id;
    const reply = assistantResumes(returned.note);
    this.#line({ role: 'ai', text: reply.text });
    await this.#send(
      { type: 'ai_reply', conversation_id: conversationId, text: reply.text, confidence: reply.confidence },
      'chat',
    );
  }

  /** Sends the callback form. The engine checks it (`input.phone: …`); the page does not. */
  async #callbackDetails(details) {
    // The customer's line goes before the engine's answer, but only if the engine takes the details.
    this.#heldLine = { role: 'customer', text: describeCallback(details) };
    try {
      await this.host.handle({ type: 'callback_details', conversation_id: this.session.conversationId, ...details });
      this.#releaseHeldLine();
    } catch (error) {
      // Refused: the form stays, with the reason in plain words under its field (the engine's
      // path says which); the engine's own text goes to the console.
      this.#heldLine = null;
      console.error(`handoff widget: ${messageOf(error)}`);
      this.chat.callbackError(callbackProblem(error));
    } finally {
      this.#scheduleRender();
    }
  }

  #releaseHeldLine() {
    if (this.#heldLine == null) return;
    const line = this.#heldLine;
    this.#heldLine = null;
    this.#line(line);
  }

  async #otherCustomer() {
    const n = this.session.nextOther();
    await this.#send(
      {
        type: 'customer_message',
        conversation_id: `demo_other_${n}`,
        text: OTHER_CUSTOMER_TEXT,
        customer: { name: otherCustomerName(n) },
      },
      'desk',
    );
  }

  /**
   * One output of the engine, with who may see it (`audience`, the engine's: `customer`, `agents`
   * or `operators`). The customer's chat shows only the customer's outputs; this page also plays
   * the AI's host, which hears `returned_to_ai` (an agents' output) and answers again.
   */
  #onOutput(output, audience) {
    if (FORWARDED.has(output.type)) this.forwarder.push(output);
    const mine = output.conversation_id === this.session?.conversationId;
    if (mine && output.type === 'returned_to_ai') {
      // After every output of this input is shown (the customer's `message` comes next).
      Promise.resolve().then(() => this.#assistantAnswersAgain(output));
    }
    if (mine && audience === 'customer') {
      this.#releaseHeldLine();
      switch (output.type) {
        case 'message':
          this.#line({ role: 'system', text: output.text, template: output.template });
          break;
        case 'agent_message':
          this.#line({ role: 'agent', text: output.text, agent_name: output.agent_name });
          break;
        case 'agent_left':
          this.#line({ role: 'note', text: `${this.#agentName(output.agent_id)} passed your chat to a colleague.` });
          break;
        case 'collect_callback':
          this.session.callback = { fields: output.fields, next_opening: output.next_opening ?? null };
          break;
        case 'callback_scheduled':
          this.session.callback = null;
          break;
        case 'closed': {
          const by = output.agent_id ? ` by ${this.#agentName(output.agent_id)}` : '';
          this.#line({ role: 'note', text: `The chat was closed${by}. Write again any time.` });
          break;
        }
      }
    }
    this.#scheduleRender();
  }

  #agentName(agentId) {
    return this.host.state().agents[agentId]?.name ?? agentId;
  }

  #scheduleRender() {
    if (this.#renderQueued) return;
    this.#renderQueued = true;
    queueMicrotask(() => {
      this.#renderQueued = false;
      this.#render();
    });
  }

  /** Draws what the engine's state says: the status line, the callback form, the desk. */
  #render() {
    if (!this.host || !this.session || this.host.closed) return;
    const state = this.host.state();
    const conversation = state.conversations[this.session.conversationId];
    const status = conversation?.status ?? 'ai';
    this.chat.setStatus(this.#statusText(state, conversation), status);
    this.chat.setCanAskForPerson(status === 'ai');

    const wanted = this.session.callback;
    if (status === 'collecting_callback') {
      const fields = wanted?.fields ?? ['name', 'phone', 'email', 'preferred_time'];
      const opening = wanted?.next_opening;
      const slots = callbackSlots((at) => this.host.engine.hours(at), this.clock.now()).map((at) => ({
        at,
        label: this.#slotLabel(at),
      }));
      this.chat.showCallbackForm(
        fields,
        opening ? `We open again ${this.#when(opening)} (${this.#timeZone} time).` : '',
        slots,
      );
    } else {
      this.chat.hideCallbackForm();
      if (wanted) this.session.callback = null;
    }

    this.desk.render(state, this.session.conversationId, this.#clockText());
    this.desk.showBackend(this.forwarder.target, this.forwarder.entries());
  }

  #statusText(state, conversation) {
    switch (conversation?.status) {
      case 'queued': {
        const position = state.queue.findIndex((k) => k.conversation_id === conversation.id) + 1;
        return `Waiting for a team member: ${position} in queue`;
      }
      case 'offered':
        return 'A team member is about to join';
      case 'assigned':
        return `Connected with ${this.#agentName(conversation.agent_id)}`;
      case 'collecting_callback':
        return 'Our team is offline: leave your details for a callback';
      case 'callback_scheduled':
        return `Callback booked for ${this.#when(conversation.at)}`;
      case 'callback_requested':
        return 'Our team has your callback request';
      default:
        return 'Chatting with our assistant';
    }
  }

  /** `Thursday 09:00` in the business time zone. */
  #when(ms) {
    return new Intl.DateTimeFormat('en-GB', {
      weekday: 'long',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: this.#timeZone,
    }).format(ms);
  }

  /** A callback slot as the customer reads it: `Thursday 26 November, 10:00`, in the business time zone. */
  #slotLabel(ms) {
    const parts = new Intl.DateTimeFormat('en-GB', {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: this.#timeZone,
    }).formatToParts(ms);
    const part = (type) => parts.find((p) => p.type === type)?.value ?? '';
    return `${part('weekday')} ${part('day')} ${part('month')}, ${part('hour')}:${part('minute')}`;
  }

  #clockText() {
    const now = this.clock.now();
    const shown = new Intl.DateTimeFormat('en-GB', {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: this.#timeZone,
    }).format(now);
    const hours = this.host.engine.hours(now);
    const team = hours == null ? '' : hours.open ? ' · the team is in' : ` · the team is out until ${this.#when(hours.next_opening)}`;
    const set = this.clock.offset !== 0 ? ' (set by ?now=)' : '';
    return `Clock: ${shown} ${this.#timeZone}${set}${team}`;
  }
}

/** The customer's own line after sending the callback form. */
function describeCallback(details) {
  const parts = [details.name, details.phone, details.email].filter(Boolean);
  const time = details.preferred_time ? `, ${details.preferred_time}` : '';
  return `Please call me back: ${parts.join(', ')}${time}`;
}

// As the page's script: start the widget from the page's address.
if (typeof document !== 'undefined' && document.getElementById('chat') && document.getElementById('desk')) {
  const app = new WidgetApp(document);
  globalThis.handoffWidget = app; // for poking at in the console: handoffWidget.host.state()
  app.start(() => optionsFromUrl(globalThis.location.href));
}
