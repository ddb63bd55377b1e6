// The supervisor view: the queue, the agents, dead-lettered deliveries (redrive) and webhooks
// disabled by a 410 Gone (re-enable), kept live by the admin's stream of every output.

import * as api from './api.js';
import { fill, h, iso, label, when } from './dom.js';

const $ = (id) => document.getElementById(id);
const state = { settings: null, disabled: new Set(), enabledAt: new Map(), stream: null };

function toast(text, kind = 'info') {
  const node = $('toast');
  node.textContent = text;
  node.dataset.kind = kind;
  node.dataset.visible = 'true';
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (node.dataset.visible = 'false'), 5000);
}

function showSignIn(message = '') {
  state.stream?.close();
  $('app').hidden = true;
  $('me').hidden = true;
  $('signin').hidden = false;
  $('signin-error').textContent = message;
  $('token').focus();
}

$('signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = $('token').value.trim();
  $('token').value = '';
  try {
    await start(await api.signIn(token));
  } catch (error) {
    $('signin-error').textContent = error.status === 401 ? 'That token is not valid.' : error.message;
  }
});

$('sign-out').addEventListener('click', async () => {
  try {
    await api.signOut();
  } finally {
    showSignIn('You are signed out.');
  }
});

async function start(who) {
  if (who.role !== 'admin') {
    await api.signOut().catch(() => null);
    return showSignIn('The supervisor view needs the admin token.');
  }
  state.settings = await api.settings();
  $('signin').hidden = true;
  $('app').hidden = false;
  $('me').hidden = false;
  await refresh();
  const stream = new EventSource('/v1/events');
  state.stream = stream;
  stream.addEventListener('open', () => {
    $('live').dataset.state = 'live';
    $('live').textContent = 'Live';
    refresh();
  });
  stream.addEventListener('error', () => {
    $('live').dataset.state = 'reconnecting';
    $('live').textContent = 'Reconnecting…';
  });
  stream.addEventListener('webhook_disabled', (event) => {
    try {
      state.disabled.add(JSON.parse(event.data).webhook_id);
    } catch {
      return;
    }
    soon();
  });
  stream.onmessage = soon;
  for (const type of ['queued', 'offered', 'assigned', 'agent_status', 'closed', 'resolved', 'returned_to_ai', 'agent_left', 'offer_withdrawn', 'delivery_failed', 'delivered', 'handoff', 'wrap_up_ended']) stream.addEventListener(type, soon);
}

let timer = null;
function soon() {
  clearTimeout(timer);
  timer = setTimeout(refresh, 150);
}

function since(at) {
  const seconds = Math.max(0, Math.round((Date.now() - at) / 1000));
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
}

function table(caption, heads, rows, empty) {
  if (!rows.length) return h('p', { class: 'empty' }, empty);
  return h('table', {}, h('caption', { class: 'sr-only' }, caption), h('thead', {}, h('tr', {}, heads.map((x) => h('th', { scope: 'col' }, x)))), h('tbody', {}, rows));
}

async function refresh() {
  let queue;
  let agents;
  let dead;
  try {
    [queue, agents, dead] = await Promise.all([api.queue(), api.agents(), api.deadLetters()]);
  } catch (error) {
    if (error.status === 401) return showSignIn('Your session has ended: sign in again.');
    return toast(error.message, 'error');
  }
  $('queue-count').textContent = String(queue.total);
  fill($('queue'), table('The queue', ['#', 'Conversation', 'Priority', 'Waiting', 'Status', 'Agent'], queue.queue.map((q) => h('tr', { 'data-conversation': q.conversation_id }, h('td', {}, String(q.position)), h('td', { class: 'mono' }, q.conversation_id), h('td', {}, h('span', { class: `chip prio-${q.priority}` }, label(q.priority))), h('td', {}, h('time', { datetime: iso(q.since) }, since(q.since))), h('td', {}, label(q.status)), h('td', {}, q.agent_id ?? '—'))), 'Nobody is waiting.'));

  const configured = new Map((state.settings.agents ?? []).map((a) => [a.id, a]));
  const list = [...agents.agents];
  for (const a of configured.values()) if (!list.some((b) => b.id === a.id)) list.push({ id: a.id, status: 'offline', active: [], skills: {} });
  $('agents-count').textContent = String(list.length);
  fill($('agents'), table('The agents', ['Agent', 'Presence', 'Load', 'Skills'], list.map((a) => {
    const cfg = configured.get(a.id);
    const cap = a.max_concurrent ?? cfg?.max_concurrent ?? state.settings.max_concurrent_per_agent ?? 1;
    const skills = [...new Set([...Object.keys(a.skills ?? {}), ...(cfg?.skills ?? [])])];
    return h('tr', { 'data-agent': a.id }, h('td', {}, a.name ?? cfg?.name ?? a.id), h('td', {}, h('span', { class: `presence-dot ${a.status}` }, label(a.status))), h('td', {}, `${a.active?.length ?? 0} / ${cap}`), h('td', {}, skills.length ? skills.map(label).join(', ') : '—'));
  }), 'No agents configured.'));

  $('dead-count').textContent = String(dead.total);
  // A 410 Gone disabled its webhook, unless the webhook was re-enabled since.
  for (const d of dead.dead_letters) if (d.status === 410 && d.at > (state.enabledAt.get(d.delivery.webhook_id) ?? 0)) state.disabled.add(d.delivery.webhook_id);
  fill($('dead'), table('Dead letters', ['Delivery', 'Webhook', 'Event', 'Last error', 'When', ''], dead.dead_letters.map((d) => h('tr', { 'data-delivery': d.delivery.delivery_id }, h('td', { class: 'mono' }, d.delivery.delivery_id), h('td', {}, d.delivery.webhook_id), h('td', {}, d.delivery.event), h('td', {}, d.reason), h('td', {}, h('time', { datetime: iso(d.at) }, when(d.at))), h('td', {}, h('button', { type: 'button', class: 'small', 'data-action': 'redrive', 'aria-label': `Redrive ${d.delivery.delivery_id}`, onclick: () => act(() => api.redrive(d.delivery.delivery_id), 'Sent again.') }, 'Redrive')))), 'No dead letters.'));

  const hooks = [...state.disabled];
  $('hooks-count').textContent = String(hooks.length);
  fill($('hooks'), hooks.length ? h('ul', { class: 'plain' }, hooks.map((id) => h('li', { class: 'hook', 'data-webhook': id }, h('span', { class: 'mono' }, id), h('button', { type: 'button', class: 'small', 'data-action': 'enable', 'aria-label': `Re-enable webhook ${id}`, onclick: () => act(() => api.enableWebhook(id), `Webhook ${id} enabled.`).then((ok) => {
    if (!ok) return;
    state.enabledAt.set(id, Date.now());
    state.disabled.delete(id);
    refresh();
  }) }, 'Re-enable')))) : h('p', { class: 'empty' }, 'Every webhook is taking events.'));
}

async function act(call, done) {
  try {
    await call();
    toast(done);
    soon();
    return true;
  } catch (error) {
    toast(error.message, 'error');
    return false;
  }
}

setInterval(() => {
  for (const node of document.querySelectorAll('#queue time')) node.textContent = since(Date.parse(node.getAttribute('datetime')));
}, 1000);

(async () => {
  try {
    await start(await api.whoAmI());
  } catch (error) {
    showSignIn(error.status === 401 ? '' : error.message);
  }
})();
