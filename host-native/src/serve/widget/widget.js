// The demo customer page: one conversation through the service's public API, as its customer.
// Signed in by a customer session (POST /v1/customer/session): an HttpOnly cookie good for this
// conversation only; the widget token never reaches the browser. Lines come from the
// conversation as the customer may read it (GET /v1/customer/conversation), the service's
// messages (queue position, agent connected) live from GET /v1/customer/events. Customer and
// agent text is only ever set as text (dom.js), never as markup.

import { h } from '/console/dom.js';

const $ = (id) => document.getElementById(id);
/** Writes authorised by the session cookie carry this header (the service refuses them without it). */
const HEADERS = { 'X-Handoff-Console': '1' };
const WHO = { customer: 'You', ai: 'Demo AI (scripted)', agent: 'Agent' };

const state = { conversation: null, shown: 0, agentName: null, chain: Promise.resolve() };

async function call(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: method === 'GET' ? {} : { ...HEADERS } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const error = new Error(json?.error?.message ?? `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return json;
}

/** Runs `step` after every earlier one, so lines keep the order things happened in. */
function then(step) {
  state.chain = state.chain.then(step).catch((error) => showError(error));
  return state.chain;
}

function showError(error) {
  $('error').textContent = error ? error.message ?? String(error) : '';
}

function append(kind, text, who) {
  const log = $('log');
  const item = h('li', { class: `line ${kind}`, 'data-role': kind }, who ? h('span', { class: 'who' }, who) : null, h('span', { class: 'text' }, text));
  log.append(item);
  log.scrollTop = log.scrollHeight;
}

function setStatus(kind, text, extra = {}) {
  const node = $('status');
  node.dataset.state = kind;
  // Asking for a person again while waiting for one, or talking to one, would do nothing.
  $('person').disabled = kind === 'queued' || kind === 'waiting' || kind === 'agent';
  node.textContent = text;
  if (extra.position !== undefined) node.dataset.position = String(extra.position);
  else delete node.dataset.position;
}

/** Appends the conversation's lines not shown yet (customer, AI, agent). */
async function sync() {
  let conversation;
  try {
    conversation = await call('GET', '/v1/customer/conversation');
  } catch (error) {
    if (error.status === 404) return;
    throw error;
  }
  const lines = (conversation.history ?? []).filter((l) => l.role in WHO);
  if (lines.length < state.shown) state.shown = 0; // a new conversation under the same id
  for (const line of lines.slice(state.shown)) {
    const who = line.role === 'agent' ? state.agentName ?? WHO.agent : WHO[line.role];
    append(line.role, line.text, who);
  }
  state.shown = lines.length;
}

function customer() {
  const name = $('name').value.trim();
  return name ? { id: `cust_${state.conversation}`, name } : { id: `cust_${state.conversation}` };
}

async function send() {
  const input = $('text');
  const text = input.value.trim();
  if (!text) return;
  $('send').disabled = true;
  await then(async () => {
    try {
      await call('POST', '/v1/customer/messages', { text, customer: customer() });
      input.value = '';
      showError(null);
      await sync();
    } finally {
      $('send').disabled = false;
    }
  });
}

$('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  send();
});
$('text').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    send();
  }
});
$('person').addEventListener('click', () =>
  then(async () => {
    await call('POST', '/v1/customer/handoff', { source: 'widget_button', customer: customer() });
    showError(null);
  }),
);

// --- the rating -------------------------------------------------------------------------------

for (let score = 1; score <= 5; score += 1) {
  $('stars').append(h('label', {}, h('input', { type: 'radio', name: 'score', value: score, required: score === 1 }), String(score)));
}
$('rating').addEventListener('submit', (event) => {
  event.preventDefault();
  const picked = document.querySelector('input[name="score"]:checked');
  if (!picked) return;
  const comment = $('comment').value.trim();
  then(async () => {
    await call('POST', '/v1/customer/csat', comment ? { score: Number(picked.value), comment } : { score: Number(picked.value) });
    $('rating').hidden = true;
    $('thanks').hidden = false;
    setStatus('resolved', 'Resolved: thank you for your rating');
  });
});

// --- live: the customer's side of the conversation's stream -----------------------------------

function data(event) {
  try {
    return JSON.parse(event.data);
  } catch {
    return {};
  }
}

function connect() {
  const stream = new EventSource('/v1/customer/events');
  stream.addEventListener('open', () => then(sync));
  stream.addEventListener('message', (event) => {
    const output = data(event);
    then(() => {
      if (output.text) append('system', output.text);
      if (output.template === 'resolved') {
        setStatus('resolved', 'Resolved: let us know how we did');
        $('rating').hidden = false;
        $('thanks').hidden = true;
      }
      if (output.template === 'handoff_initiated') setStatus('waiting', 'Finding a person for you…');
      if (output.template === 'returned_to_ai') setStatus('ai', 'Chatting with the demo AI');
    });
  });
  stream.addEventListener('queued', (event) => {
    const output = data(event);
    then(() => setStatus('queued', `Waiting for a person: you are number ${output.position} in the queue`, { position: output.position }));
  });
  stream.addEventListener('assigned', (event) => {
    const output = data(event);
    state.agentName = output.agent_name ?? null;
    then(() => setStatus('agent', `Connected with ${output.agent_name ?? 'a person'}`));
  });
  stream.addEventListener('agent_message', () => then(sync));
  stream.addEventListener('agent_left', () => then(() => setStatus('queued', 'Passing you to another person…')));
  stream.addEventListener('collect_callback', (event) => {
    const output = data(event);
    then(() => output.text && append('system', output.text));
  });
  stream.addEventListener('closed', () => then(() => setStatus('closed', 'This conversation has ended. Write again to start a new one.')));
  stream.addEventListener('lagged', () => then(sync));
}

(async () => {
  try {
    const session = await call('POST', '/v1/customer/session');
    state.conversation = session.conversation_id;
    document.body.dataset.conversation = session.conversation_id;
    await then(sync);
    connect();
  } catch (error) {
    showError(error);
  }
})();
