// The supervisor's two charts, drawn by hand as SVG (no library): handoffs today by trigger
// (horizontal bars) and the wait for a person over the day (a column per hour of the viewer's
// day). Both come from GET /v1/stats/timeline's 15-minute slots, added up in the viewer's time
// zone. Each chart has labelled axes and a text summary for screen readers.

import { label } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Local midnight of today (epoch ms) in the viewer's time zone. */
export function startOfToday(now = new Date()) {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
}

/**
 * Today's numbers from the timeline's slots: `{byTrigger: Map, waits: [{hour, count, sumMs, maxMs}] (24)}`,
 * each slot counted in the viewer's hour it starts in.
 */
export function today(timeline, now = new Date()) {
  const midnight = startOfToday(now);
  const byTrigger = new Map();
  const waits = Array.from({ length: 24 }, (_, hour) => ({ hour, count: 0, sumMs: 0, maxMs: 0 }));
  for (const slot of timeline?.slots ?? []) {
    if (slot.start < midnight) continue;
    const start = new Date(slot.start);
    if (startOfToday(start) !== midnight) continue;
    for (const [trigger, n] of Object.entries(slot.handoffs ?? {})) byTrigger.set(trigger, (byTrigger.get(trigger) ?? 0) + n);
    const w = waits[start.getHours()];
    w.count += slot.waits?.count ?? 0;
    w.sumMs += slot.waits?.sum_ms ?? 0;
    w.maxMs = Math.max(w.maxMs, slot.waits?.max_ms ?? 0);
  }
  return { byTrigger, waits };
}

/** A round upper bound for an axis: 1, 2, 5, 10, 20, 50, … at or above `max`. */
function niceMax(max) {
  if (max <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * step >= max) return m * step;
  return 10 * step;
}

/** Handoffs today by trigger: one bar each, the count at its end; x axis "Handoffs". */
export function triggerChart(byTrigger) {
  const rows = [...byTrigger.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const width = 520;
  const left = 150;
  const right = 40;
  const barH = 22;
  const top = 8;
  const height = top + Math.max(rows.length, 1) * (barH + 8) + 40;
  const max = niceMax(Math.max(0, ...rows.map((r) => r[1])));
  const x = (v) => left + (v / max) * (width - left - right);
  const summary = rows.length ? `Handoffs today by trigger: ${rows.map(([t, n]) => `${label(t)} ${n}`).join(', ')}` : 'No handoffs today yet';
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': summary, 'data-chart': 'triggers' });
  const axisY = height - 32;
  // Counts are whole: the middle tick only when it is one.
  for (const tick of Number.isInteger(max / 2) ? [0, max / 2, max] : [0, max]) {
    chart.append(svg('line', { x1: x(tick), x2: x(tick), y1: top - 4, y2: axisY, class: 'grid' }));
    chart.append(svg('text', { x: x(tick), y: axisY + 14, 'text-anchor': 'middle', class: 'tick' }, String(tick)));
  }
  chart.append(svg('text', { x: (left + width - right) / 2, y: height - 4, 'text-anchor': 'middle', class: 'axis-label' }, 'Handoffs today'));
  rows.forEach(([trigger, n], i) => {
    const y = top + i * (barH + 8);
    chart.append(svg('text', { x: left - 8, y: y + barH / 2 + 4, 'text-anchor': 'end', class: 'bar-label' }, label(trigger)));
    chart.append(svg('rect', { x: left, y, width: Math.max(1, x(n) - left), height: barH, rx: 3, class: 'bar', 'data-trigger': trigger }));
    chart.append(svg('text', { x: x(n) + 6, y: y + barH / 2 + 4, class: 'bar-value' }, String(n)));
  });
  if (!rows.length) chart.append(svg('text', { x: left, y: top + barH / 2 + 4, class: 'tick' }, 'None yet'));
  return chart;
}

/** `ms` as a short duration: `45 s`, `3.5 min`. */
function short(ms) {
  const s = ms / 1000;
  return s < 90 ? `${Math.round(s)} s` : `${(s / 60).toFixed(1)} min`;
}

/** The average wait for a person by hour of the viewer's day (0 to 23): columns, y in seconds or minutes. */
export function waitChart(waits) {
  const width = 620;
  const height = 230;
  const left = 52;
  const right = 12;
  const top = 12;
  const bottom = 44;
  const averages = waits.map((w) => (w.count ? w.sumMs / w.count : 0));
  const inMinutes = Math.max(...averages) >= 120_000;
  const unit = inMinutes ? 60_000 : 1000;
  const max = niceMax(Math.max(...averages) / unit);
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const colW = plotW / 24;
  const y = (v) => top + plotH - (v / max) * plotH;
  const busy = waits.filter((w) => w.count);
  const summary = busy.length
    ? `Average wait for a person by hour today: ${busy.map((w) => `${String(w.hour).padStart(2, '0')}:00 ${short(w.sumMs / w.count)} (${w.count} assigned)`).join(', ')}`
    : 'Nobody has waited for a person today yet';
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': summary, 'data-chart': 'waits' });
  for (const tick of [0, max / 2, max]) {
    chart.append(svg('line', { x1: left, x2: width - right, y1: y(tick), y2: y(tick), class: 'grid' }));
    chart.append(svg('text', { x: left - 6, y: y(tick) + 4, 'text-anchor': 'end', class: 'tick' }, String(tick)));
  }
  chart.append(svg('text', { x: 14, y: top + plotH / 2, 'text-anchor': 'middle', class: 'axis-label', transform: `rotate(-90 14 ${top + plotH / 2})` }, inMinutes ? 'Average wait (min)' : 'Average wait (s)'));
  const nowHour = new Date().getHours();
  waits.forEach((w, hour) => {
    const x = left + hour * colW;
    if (w.count) {
      const v = averages[hour] / unit;
      chart.append(svg('rect', { x: x + 2, y: y(v), width: colW - 4, height: Math.max(1, y(0) - y(v)), rx: 2, class: 'column', 'data-hour': hour }));
    }
    if (hour % 3 === 0) chart.append(svg('text', { x: x + colW / 2, y: top + plotH + 16, 'text-anchor': 'middle', class: 'tick' }, `${String(hour).padStart(2, '0')}:00`));
    if (hour === nowHour) chart.append(svg('line', { x1: x + colW / 2, x2: x + colW / 2, y1: top, y2: top + plotH, class: 'now' }));
  });
  chart.append(svg('line', { x1: left, x2: width - right, y1: y(0), y2: y(0), class: 'axis' }));
  chart.append(svg('text', { x: left + plotW / 2, y: height - 6, 'text-anchor': 'middle', class: 'axis-label' }, 'Hour of the day (your time zone)'));
  return chart;
}
