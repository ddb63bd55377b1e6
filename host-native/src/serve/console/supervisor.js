// The supervisor view: handoffs today by trigger and waits over the day (charts.js), the queue,
// the agents, callbacks due, dead-lettered deliveries (redrive) and webhooks disabled by a 410
// Gone (re-enable), kept live by the admin's stream of every output.

import * as api from './api.js';
import { today, triggerChart, waitChart } from './charts.js';
import { fill, h, iso, label, when } from './dom.js';

const $ = (id) => document.getElementById(id);
const state = { settings: null, stream: null };

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
  stream.onmessage = soon;
  for (const type of ['queued', 'offered', 'assigned', 'agent_status', 'closed', 'resolved', 'returned_to_ai', 'agent_left', 'offer_withdrawn', 'delivery_failed', 'delivered', 'webhook_disabled', 'handoff', 'wrap_up_ended', 'callback_scheduled', 'callback_requested']) stream.addEventListener(type, soon);
}

let timer = null;
function soon() {
  clearTimeout(timer);
  timer = setTimeout(refresh, 150);
}

function waited(at) {
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
  let callbacks;
  let hooks;
  let timeline;
  try {
    [queue, agents, dead, callbacks, hooks, timeline] = await Promise.all([api.queue(), api.agents(), api.deadLetters(), api.callbacks(), api.disabledWebhooks(), api.timeline()]);
  } catch (error) {
    if (error.status === 401) return showSignIn('Your session has ended: sign in again.');
    return toast(error.message, 'error');
  }
  const day = today(timeline);
  $('handoffs-count').textContent = String([...day.byTrigger.values()].reduce((a, b) => a + b, 0));
  fill($('triggers-chart'), triggerChart(day.byTrigger));
  fill($('waits-chart'), waitChart(day.waits));
  const since = timeline.since > Date.parse(new Date().toDateString()) ? `Counted since the service started at ${when(timeline.since)}.` : 'Counted since midnight.';
  $('charts-note').textContent = `${since} Times in your time zone.`;

  $('queue-count').textContent = String(queue.total);
  fill($('queue'), table('The queue', ['#', 'Conversation', 'Priority', 'Waiting', 'Topic', 'Trigger', 'Status'], queue.queue.map((q) => h('tr', { 'data-conversation': q.conversation_id }, h('td', {}, String(q.position)), h('td', { class: 'mono' }, q.conversation_id), h('td', {}, h('span', { class: `chip prio-${q.priority}` }, label(q.priority))), h('td', {}, h('time', { datetime: iso(q.since) }, waited(q.since))), h('td', {}, q.topic ? label(q.topic) : '—'), h('td', {}, q.trigger ? label(q.trigger) : '—'), h('td', {}, q.agent_id ? `${label(q.status)} (${q.agent_id})` : label(q.status)))), 'Nobody is waiting.'));

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

  $('callbacks-count').textContent = String(callbacks.total);
  fill($('callbacks'), table('Callbacks due', ['Due', 'Conversation', 'Customer', 'Phone', 'Email', 'Preferred time'], callbacks.callbacks.map((c) => h('tr', { 'data-conversation': c.conversation_id }, h('td', {}, h('time', { datetime: iso(c.at) }, when(c.at))), h('td', { class: 'mono' }, c.conversation_id), h('td', {}, c.callback?.name ?? c.customer?.name ?? '—'), h('td', {}, c.callback?.phone ?? '—'), h('td', {}, c.callback?.email ?? c.customer?.email ?? '—'), h('td', {}, c.callback?.preferred_time ?? '—'))), 'No callbacks waiting.'));

  $('dead-count').textContent = String(dead.total);
  fill($('dead'), table('Dead letters', ['Delivery', 'Webhook', 'Event', 'Last error', 'When', ''], dead.dead_letters.map((d) => h('tr', { 'data-delivery': d.delivery.delivery_id }, h('td', { class: 'mono' }, d.delivery.delivery_id), h('td', {}, d.delivery.webhook_id), h('td', {}, d.delivery.event), h('td', {}, d.reason), h('td', {}, h('time', { datetime: iso(d.at) }, when(d.at))), h('td', {}, h('button', { type: 'button', class: 'small', 'data-action': 'redrive', 'aria-label': `Redrive ${d.delivery.delivery_id}`, onclick: () => act(() => api.redrive(d.delivery.delivery_id), 'Sent again.') }, 'Redrive')))), 'No dead letters.'));

  const disabled = hooks.disabled_webhooks;
  $('hooks-count').textContent = String(disabled.length);
  fill($('hooks'), disabled.length ? h('ul', { class: 'plain' }, disabled.map((w) => h('li', { class: 'hook', 'data-webhook': w.webhook_id }, h('span', {}, h('span', { class: 'mono' }, w.webhook_id), ' ', h('span', { class: 'muted' }, w.reason)), h('button', { type: 'button', class: 'small', 'data-action': 'enable', 'aria-label': `Re-enable webhook ${w.webhook_id}`, onclick: () => act(() => api.enableWebhook(w.webhook_id), `Webhook ${w.webhook_id} enabled.`) }, 'Re-enable')))) : h('p', { class: 'empty' }, 'Every webhook is taking events.'));
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
  for (const node of document.querySelectorAll('#queue time')) node.textContent = waited(Date.parse(node.getAttribute('datetime')));
}, 1000);

(async () => {
  try {
    await start(await api.whoAmI());
  } catch (error) {
    showSignIn(error.status === 401 ? '' : error.message);
  }
})();
