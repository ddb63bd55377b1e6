// The agent console: signs in, keeps the agent's offers and conversations in step with its event
// stream, and acts through the public HTTP API (docs/serve.md). Customer text is only ever set
// as text (dom.js), never as markup.

import * as api from './api.js';
import { actions, composer, historyLog } from './chat.js';
import { contextPanel } from './context.js';
import { clock, fill, h, iso, label, when } from './dom.js';

const $ = (id) => document.getElementById(id);

/** Every output type the agent's stream may carry that the console follows. */
const EVENTS = ['handoff', 'offered', 'offer_withdrawn', 'assigned', 'transfer_received', 'agent_message', 'agent_note', 'customer_message', 'message', 'agent_left', 'returned_to_ai', 'closed', 'resolved', 'wrap_up_started', 'wrap_up_ended', 'reopened', 'agent_status', 'queued'];

const state = {
  me: null,
  settings: { outcomes: [], skills: [], agents: [], canned_responses: [] },
  agents: [],
  offers: new Map(), // id -> {record, expiresAt, transfer}
  held: new Map(), // id -> record
  wrapUps: new Map(), // id -> until
  contexts: new Map(), // id -> the handoff output's context
  drafts: new Map(),
  selected: null,
  shown: null, // the id and kind the main view was built for
  stream: null,
};

function toast(text, kind = 'info') {
  const node = $('toast');
  node.textContent = text;
  node.dataset.kind = kind;
  node.dataset.visible = 'true';
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (node.dataset.visible = 'false'), 5000);
}

function failed(error) {
  if (error?.status === 401) return showSignIn('Your session has ended: sign in again.');
  toast(error?.message ?? String(error), 'error');
}

// --- signing in -------------------------------------------------------------------------------

function showSignIn(message = '') {
  state.stream?.close();
  state.stream = null;
  $('app').hidden = true;
  $('me').hidden = true;
  $('signin').hidden = false;
  $('signin-error').textContent = message;
  $('token').focus();
}

$('signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = $('token');
  const token = input.value.trim();
  input.value = '';
  try {
    const who = await api.signIn(token);
    await start(who);
  } catch (error) {
    $('signin-error').textContent = error.status === 401 ? 'That token is not valid.' : error.message;
  }
});

$('sign-out').addEventListener('click', async () => {
  try {
    await api.signOut();
  } finally {
    state.offers.clear();
    state.held.clear();
    state.selected = null;
    state.shown = null;
    showSignIn('You are signed out.');
  }
});

async function boot() {
  try {
    await start(await api.whoAmI());
  } catch (error) {
    showSignIn(error.status === 401 ? '' : error.message);
  }
}

async function start(who) {
  if (who.role !== 'agent') {
    await api.signOut().catch(() => null);
    showSignIn('This console is for agents: sign in with an agent token (supervisors: /console/supervisor).');
    return;
  }
  state.me = who.agent_id;
  state.settings = await api.settings();
  $('signin').hidden = true;
  $('app').hidden = false;
  $('me').hidden = false;
  await refreshAgents();
  await resync();
  connect();
  render();
  $('presence').focus();
}

// --- the agent, its load and presence ---------------------------------------------------------

function self() {
  return state.agents.find((a) => a.id === state.me) ?? { id: state.me, status: 'offline', active: [] };
}

function capacity(agent) {
  const configured = state.settings.agents?.find((a) => a.id === agent.id);
  return agent.max_concurrent ?? configured?.max_concurrent ?? state.settings.max_concurrent_per_agent ?? 1;
}

function agentName(agent) {
  return agent.name ?? state.settings.agents?.find((a) => a.id === agent.id)?.name ?? agent.id;
}

async function refreshAgents() {
  try {
    const answer = await api.agents();
    const known = new Map((state.settings.agents ?? []).map((a) => [a.id, { id: a.id, name: a.name, status: 'offline', active: [] }]));
    for (const a of answer.agents) known.set(a.id, a);
    state.agents = [...known.values()];
  } catch (error) {
    failed(error);
  }
  renderMe();
}

function renderMe() {
  const me = self();
  $('me-name').textContent = agentName(me);
  $('presence').value = me.status;
  document.body.dataset.presence = me.status;
  const load = me.active?.length ?? 0;
  const cap = capacity(me);
  fill($('load'), h('span', { class: 'load-label' }, 'Load'), h('meter', { min: 0, max: cap, value: load, 'aria-label': `Load: ${load} of ${cap} conversations` }), h('span', { class: 'load-value' }, `${load} / ${cap}`));
}

$('presence').addEventListener('change', async (event) => {
  try {
    await api.setPresence(state.me, event.target.value);
    toast(`You are ${event.target.value}.`);
  } catch (error) {
    failed(error);
  }
  await refreshAgents();
});

// --- keeping in step --------------------------------------------------------------------------

/** Reads every conversation the agent has (offered, held, in wrap-up) from the API. */
async function resync() {
  const active = self().active ?? [];
  const seen = new Set();
  await Promise.all(active.map(async (id) => {
    seen.add(id);
    await load(id);
  }));
  for (const id of [...state.offers.keys(), ...state.held.keys()]) if (!seen.has(id)) forget(id);
}

/** Reads conversation `id` and files it as an offer or a held conversation. */
async function load(id, expiresAt) {
  let record;
  try {
    record = await api.conversation(id);
  } catch (error) {
    if (error.status === 404 || error.status === 403) forget(id);
    else failed(error);
    return;
  }
  if (record.status === 'offered' && record.agent_id === state.me) {
    const offer = state.offers.get(id) ?? {};
    state.offers.set(id, { ...offer, record, expiresAt: expiresAt ?? record.expires_at ?? offer.expiresAt });
    state.held.delete(id);
  } else if (record.status === 'assigned' && record.agent_id === state.me) {
    state.offers.delete(id);
    state.held.set(id, record);
  } else {
    forget(id);
  }
}

function forget(id) {
  state.offers.delete(id);
  state.held.delete(id);
  if (state.selected === id) state.selected = null;
}

const pending = new Map();
/** Reads `id` again soon (several events of one batch cost one read). */
function reload(id) {
  if (pending.has(id)) return;
  pending.set(id, setTimeout(async () => {
    pending.delete(id);
    await load(id);
    render();
  }, 60));
}

function connect() {
  state.stream?.close();
  const stream = api.agentEvents(state.me);
  state.stream = stream;
  const live = $('live');
  stream.addEventListener('open', async () => {
    live.dataset.state = 'live';
    live.textContent = 'Live';
    await refreshAgents();
    await resync();
    render();
  });
  stream.addEventListener('error', () => {
    live.dataset.state = 'reconnecting';
    live.textContent = 'Reconnecting…';
  });
  for (const type of EVENTS) {
    stream.addEventListener(type, (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      handle(type, data);
    });
  }
}

async function handle(type, data) {
  const id = data.conversation_id;
  const mine = data.agent_id === state.me;
  switch (type) {
    case 'handoff':
      state.contexts.set(id, data.context);
      break;
    case 'offered':
      if (!mine) break;
      state.offers.set(id, { ...(state.offers.get(id) ?? {}), expiresAt: data.expires_at, transfer: data.transfer });
      await load(id, data.expires_at);
      toast(`New offer: ${customerName(state.offers.get(id)?.record) ?? id}`);
      await refreshAgents();
      render();
      break;
    case 'offer_withdrawn':
      if (!mine) break;
      forget(id);
      toast(`The offer of ${id} was withdrawn (${label(data.reason)}).`);
      await refreshAgents();
      render();
      break;
    case 'assigned':
    case 'reopened':
      await load(id);
      await refreshAgents();
      render();
      break;
    case 'agent_left':
    case 'returned_to_ai':
    case 'closed':
      if (data.agent_id && !mine) break;
      forget(id);
      await refreshAgents();
      render();
      break;
    case 'resolved':
      forget(id);
      await refreshAgents();
      render();
      break;
    case 'wrap_up_started':
      if (mine) state.wrapUps.set(id, data.until);
      await refreshAgents();
      render();
      break;
    case 'wrap_up_ended':
      state.wrapUps.delete(id);
      await refreshAgents();
      render();
      break;
    case 'agent_status':
      if (mine) await refreshAgents();
      break;
    default:
      if (id && (state.offers.has(id) || state.held.has(id))) reload(id);
  }
}

// --- rendering --------------------------------------------------------------------------------

const customerName = (record) => record?.customer?.name || record?.customer?.id || null;

function lastLine(record) {
  const lines = (record?.history ?? []).filter((l) => l.role !== 'agent_note');
  return lines.at(-1);
}

function render() {
  renderMe();
  renderLists();
  renderMain();
}

function renderLists() {
  const offers = [...state.offers.entries()];
  $('offers-count').textContent = String(offers.length);
  $('offers-empty').hidden = offers.length > 0;
  fill(
    $('offers'),
    offers.map(([id, offer]) =>
      h(
        'li',
        {},
        h(
          'button',
          { type: 'button', class: 'item offer', 'data-conversation': id, 'aria-current': state.selected === id ? 'true' : false, onclick: () => select(id) },
          h('span', { class: 'item-top' }, h('span', { class: 'item-name' }, customerName(offer.record) ?? id), h('span', { class: 'countdown', 'data-expires': offer.expiresAt ?? '' }, countdownText(offer.expiresAt))),
          h('span', { class: 'item-sub' }, offer.transfer ? `Transfer from ${offer.transfer.from_agent_id}` : offer.record?.summary ?? state.contexts.get(id)?.summary ?? 'New handoff'),
          offer.record?.priority ? h('span', { class: `chip prio-${offer.record.priority}` }, label(offer.record.priority)) : null,
        ),
      ),
    ),
  );
  const held = [...state.held.entries()];
  $('held-count').textContent = String(held.length);
  $('held-empty').hidden = held.length > 0 || state.wrapUps.size > 0;
  fill(
    $('held'),
    held.map(([id, record]) => {
      const last = lastLine(record);
      return h(
        'li',
        {},
        h(
          'button',
          { type: 'button', class: 'item', 'data-conversation': id, 'aria-current': state.selected === id ? 'true' : false, onclick: () => select(id) },
          h('span', { class: 'item-top' }, h('span', { class: 'item-name' }, customerName(record) ?? id), last ? h('time', { datetime: iso(last.at) }, when(last.at)) : null),
          h('span', { class: 'item-sub' }, last ? last.text : 'No messages yet'),
        ),
      );
    }),
    [...state.wrapUps.entries()].map(([id, until]) =>
      h('li', { class: 'wrapup' }, h('span', {}, `Wrap-up of ${id} until ${when(until)}`), h('button', { type: 'button', class: 'ghost small', onclick: () => run(() => api.wrapUpDone(id), 'Wrap-up ended.') }, 'End wrap-up')),
    ),
  );
}

function countdownText(expiresAt) {
  if (!expiresAt) return '';
  const left = expiresAt - Date.now();
  return left > 0 ? `${clock(left)} left` : 'Expiring';
}

setInterval(() => {
  for (const node of document.querySelectorAll('[data-expires]')) {
    const at = Number(node.dataset.expires);
    if (!at) continue;
    node.textContent = countdownText(at);
    node.dataset.urgent = String(at - Date.now() < 15_000);
  }
}, 1000);

function select(id) {
  state.selected = id;
  render();
  $('main').focus();
}

/** Runs an API call, then says `done` or the error. */
async function run(call, done) {
  try {
    await call();
    if (done) toast(done);
    return true;
  } catch (error) {
    failed(error);
    return false;
  }
}

function renderMain() {
  const id = state.selected;
  const offer = id ? state.offers.get(id) : null;
  const record = id ? state.held.get(id) : null;
  const kind = offer ? 'offer' : record ? 'held' : null;
  $('placeholder').hidden = kind !== null;
  const view = $('view');
  if (!kind) {
    state.shown = null;
    fill(view);
    return;
  }
  const key = `${kind}:${id}`;
  if (state.shown === key) {
    // Same conversation: refresh what the events change, keep the composer and forms as typed.
    const rec = offer ? offer.record : record;
    const log = view.querySelector('[data-slot="log"]');
    if (log) {
      const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
      fill(log, historyLog(rec, state.me));
      if (atBottom) log.scrollTop = log.scrollHeight;
    }
    const ctx = view.querySelector('[data-slot="context"]');
    if (ctx) fill(ctx, contextPanel(rec, state.contexts.get(id)));
    return;
  }
  state.shown = key;
  fill(view, offer ? offerView(id, offer) : conversationView(id, record));
  const log = view.querySelector('[data-slot="log"]');
  if (log) log.scrollTop = log.scrollHeight;
}

function offerView(id, offer) {
  const record = offer.record;
  const reason = h('input', { id: 'decline-reason', name: 'reason', type: 'text', placeholder: 'e.g. busy, wrong skill' });
  const declineForm = h('form', { class: 'decline' }, h('label', { for: 'decline-reason' }, 'Reason for declining'), reason, h('button', { type: 'submit', 'data-action': 'decline' }, 'Decline'));
  declineForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (await run(() => api.decline(id, reason.value.trim()), 'Offer declined.')) {
      forget(id);
      render();
    }
  });
  return h(
    'article',
    { class: 'offer-view', 'aria-labelledby': 'view-title', 'data-conversation': id, 'data-kind': 'offer' },
    h(
      'header',
      { class: 'view-head' },
      h('div', {}, h('p', { class: 'eyebrow' }, offer.transfer ? `Transfer from ${offer.transfer.from_agent_id}` : 'New handoff'), h('h2', { id: 'view-title' }, customerName(record) ?? id), h('p', { class: 'muted mono' }, id)),
      h('div', { class: 'offer-actions' }, h('span', { class: 'countdown big', 'data-expires': offer.expiresAt ?? '', role: 'timer' }, countdownText(offer.expiresAt)), h('button', { type: 'button', class: 'primary', 'data-action': 'accept', onclick: () => run(() => api.accept(id), 'Accepted: the conversation is yours.') }, 'Accept')),
    ),
    offer.transfer?.note ? h('p', { class: 'transfer-note' }, h('strong', {}, 'Note from the previous agent: '), offer.transfer.note) : null,
    h('div', { class: 'offer-body' }, h('div', { 'data-slot': 'context' }, contextPanel(record, state.contexts.get(id))), h('section', { class: 'history-panel', 'aria-label': 'Full history' }, h('h3', {}, 'Full history'), h('div', { class: 'log-wrap', 'data-slot': 'log', tabindex: '0', 'aria-label': 'Full history' }, historyLog(record, state.me)))),
    declineForm,
  );
}

function conversationView(id, record) {
  const on = {
    transfer: (cid, to, note) => run(() => api.transfer(cid, to, note), 'Transferred.'),
    returnToAi: (cid, note) => run(() => api.returnToAi(cid, note), 'Returned to the AI.'),
    resolve: (cid, outcome, note) => run(() => api.resolve(cid, outcome, note), `Resolved: ${label(outcome)}.`),
  };
  const send = (mode, text) => run(() => (mode === 'note' ? api.note(id, text) : api.reply(id, text)));
  return h(
    'article',
    { class: 'conversation-view', 'aria-labelledby': 'view-title', 'data-conversation': id, 'data-kind': 'held' },
    h('header', { class: 'view-head' }, h('div', {}, h('p', { class: 'eyebrow' }, `With you since ${when(record.since ?? Date.now())}`), h('h2', { id: 'view-title' }, customerName(record) ?? id), h('p', { class: 'muted mono' }, id))),
    h(
      'div',
      { class: 'conversation-body' },
      h('section', { class: 'chat', 'aria-label': 'Chat' }, h('div', { class: 'log-wrap', 'data-slot': 'log', tabindex: '0', 'aria-label': 'Messages' }, historyLog(record, state.me)), composer(id, state.settings, state.drafts, send)),
      h('aside', { class: 'side', 'aria-label': 'Context and actions' }, h('details', { class: 'ctx-details', open: true }, h('summary', {}, 'Context'), h('div', { 'data-slot': 'context' }, contextPanel(record, state.contexts.get(id)))), actions(record, state.settings, state.me, state.agents, on)),
    ),
  );
}

boot();
