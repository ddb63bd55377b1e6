// Building the page without innerHTML: every string becomes a text node, so whatever a customer
// writes is shown as text, never read as markup.

/**
 * An element: `h('button', {type: 'button', 'data-action': 'accept'}, 'Accept')`.
 * Attributes whose value is `false`, `null` or `undefined` are left out; `on*` functions become
 * listeners; children are nodes or strings (text nodes), arrays are flattened.
 */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2), value);
    } else if (value === true) {
      node.setAttribute(name, '');
    } else {
      node.setAttribute(name, String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces `node`'s children. */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** `at` (epoch ms) in the viewer's time zone: the time today, else date and time. */
export function when(at) {
  const date = new Date(at);
  const today = new Date();
  return date.toDateString() === today.toDateString() ? timeFormat.format(date) : dayTimeFormat.format(date);
}

/** An ISO string for `<time datetime>`. */
export const iso = (at) => new Date(at).toISOString();

/** `ms` as `m:ss`. */
export function clock(ms) {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** A label from an identifier: `not_solved` → `Not solved`. */
export function label(text) {
  const words = String(text).replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
