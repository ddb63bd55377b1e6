// The context package laid out for a person: the AI's summary and suggested steps first, then
// the triggers with their evidence, sentiment over the conversation, the customer, the AI's
// actions. Built from the conversation record and, when the stream brought it, the `handoff`
// output's context.

import { h, label } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  for (const child of children) node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  return node;
}

/** The customer's sentiment scores, oldest first: the context's, else the history's. */
export function sentimentScores(record, context) {
  if (context?.sentiment?.history?.length) return context.sentiment.history;
  return (record?.history ?? []).filter((line) => typeof line.sentiment === 'number').map((line) => line.sentiment);
}

/**
 * A small line chart of `scores` (each −1 to 1) with the zero line; its accessible name says
 * what it shows in words.
 */
export function sentimentChart(scores, trend) {
  const width = 220;
  const height = 56;
  const pad = 6;
  const y = (score) => pad + ((1 - score) / 2) * (height - 2 * pad);
  const x = (i) => (scores.length < 2 ? width / 2 : pad + (i * (width - 2 * pad)) / (scores.length - 1));
  const latest = scores.at(-1);
  const words = scores.length
    ? `Sentiment over ${scores.length} customer message${scores.length === 1 ? '' : 's'}, latest ${latest.toFixed(2)}${trend ? `, ${trend}` : ''}`
    : 'No sentiment scores yet';
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'spark', role: 'img', 'aria-label': words });
  chart.append(svg('title', {}, words));
  chart.append(svg('line', { x1: pad, x2: width - pad, y1: y(0), y2: y(0), class: 'spark-zero' }));
  if (scores.length) {
    const points = scores.map((s, i) => `${x(i).toFixed(1)},${y(s).toFixed(1)}`).join(' ');
    chart.append(svg('polyline', { points, class: 'spark-line' }));
    scores.forEach((s, i) => {
      chart.append(svg('circle', { cx: x(i).toFixed(1), cy: y(s).toFixed(1), r: 2.6, class: s < 0 ? 'spark-dot neg' : 'spark-dot' }));
    });
  }
  return chart;
}

/** One trigger and its evidence, e.g. "Sentiment threshold — score −0.72, threshold −0.5". */
function trigger(hit) {
  const evidence = Object.entries(hit)
    .filter(([key]) => key !== 'trigger')
    .map(([key, value]) => `${label(key)}: ${typeof value === 'number' ? Number(value.toFixed(2)) : value}`);
  return h('li', { class: 'trigger' }, h('span', { class: 'chip' }, label(hit.trigger)), evidence.length ? h('span', { class: 'evidence' }, evidence.join(' · ')) : null);
}

function customer(record) {
  const c = record?.customer ?? {};
  const rows = [
    ['Name', c.name],
    ['Customer id', c.id],
    ['Email', c.email],
    ['Phone', c.phone],
    ...Object.entries(c.attributes ?? {}).map(([k, v]) => [label(k), typeof v === 'string' ? v : JSON.stringify(v)]),
  ].filter(([, v]) => v !== undefined && v !== null && v !== '');
  if (!rows.length) return h('p', { class: 'muted' }, 'No customer details given.');
  return h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]));
}

/** The whole package as a list of sections. */
export function contextPanel(record, context) {
  const summary = context?.summary ?? record?.summary;
  const steps = context?.suggested_actions?.length ? context.suggested_actions : record?.suggested_actions ?? [];
  const triggers = context?.triggers ?? record?.triggers ?? [];
  const actions = context?.ai_actions ?? record?.ai_actions ?? [];
  const scores = sentimentScores(record, context);
  const topic = context?.topic ?? record?.topic;
  const intent = context?.intent ?? record?.intent;
  return h(
    'div',
    { class: 'context' },
    h(
      'section',
      { class: 'ctx-block ctx-summary', 'aria-label': 'Summary' },
      h('h3', {}, 'Summary'),
      h('p', { class: 'summary' }, summary || 'No summary.'),
      h('div', { class: 'tags' }, record?.priority ? h('span', { class: `chip prio-${record.priority}` }, `${label(record.priority)} priority`) : null, topic ? h('span', { class: 'chip' }, `Topic: ${label(topic)}`) : null, intent ? h('span', { class: 'chip' }, `Intent: ${label(intent)}`) : null),
    ),
    h('section', { class: 'ctx-block', 'aria-label': 'Suggested steps' }, h('h3', {}, 'Suggested steps'), steps.length ? h('ol', { class: 'steps' }, steps.map((s) => h('li', {}, s))) : h('p', { class: 'muted' }, 'None suggested.')),
    h('section', { class: 'ctx-block', 'aria-label': 'Why it was handed off' }, h('h3', {}, 'Why it was handed off'), triggers.length ? h('ul', { class: 'triggers' }, triggers.map(trigger)) : h('p', { class: 'muted' }, 'No trigger recorded.')),
    h('section', { class: 'ctx-block', 'aria-label': 'Sentiment' }, h('h3', {}, 'Sentiment'), sentimentChart(scores, context?.sentiment?.trend), h('p', { class: 'spark-caption' }, scores.length ? `Latest ${scores.at(-1).toFixed(2)} over ${scores.length} message${scores.length === 1 ? '' : 's'}${context?.sentiment?.trend ? ` · ${context.sentiment.trend}` : ''} (−1 to +1)` : 'No scores yet')),
    h('section', { class: 'ctx-block', 'aria-label': 'Customer' }, h('h3', {}, 'Customer'), customer(record)),
    h('section', { class: 'ctx-block', 'aria-label': 'AI actions' }, h('h3', {}, 'What the AI did'), actions.length ? h('ul', { class: 'plain' }, actions.map((a) => h('li', {}, a))) : h('p', { class: 'muted' }, 'No actions recorded.')),
  );
}
