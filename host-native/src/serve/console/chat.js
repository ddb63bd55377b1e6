// One conversation as a chat: the history (customer, AI, agents, private notes), the composer
// (reply or private note; Enter sends, Shift+Enter breaks the line) and the hand-on actions
// (transfer, return to the AI, resolve).

import { h, iso, label, when } from './dom.js';

const WHO = { customer: 'Customer', ai: 'AI assistant', agent: 'Agent', agent_note: 'Private note' };

/** The history as a list: every text set as text (a customer's markup shows literally). */
export function historyLog(record, me) {
  const lines = record?.history ?? [];
  const name = record?.customer?.name || 'Customer';
  return h(
    'ol',
    { class: 'log', 'aria-label': 'Conversation history', 'aria-live': 'polite' },
    lines.map((line) => {
      const human = line.role === 'agent' || line.role === 'agent_note';
      const who = line.role === 'customer' ? name : human && line.agent_id === me ? 'You' : human ? line.agent_id || 'Agent' : WHO[line.role] ?? label(line.role);
      return h(
        'li',
        { class: `line ${line.role}`, 'data-role': line.role },
        h('div', { class: 'meta' }, h('span', { class: 'who' }, line.role === 'agent_note' ? `Private note · ${who === 'You' ? 'you' : who}` : who), h('time', { datetime: iso(line.at) }, when(line.at))),
        h('p', { class: 'bubble' }, line.text),
      );
    }),
  );
}

/** Calls `send(text)` on submit; Enter sends, Shift+Enter breaks the line. */
function submitOnEnter(textarea) {
  textarea.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      textarea.form.requestSubmit();
    }
  });
}

/**
 * The composer: `onSend(mode, text)` with mode `reply` or `note`. Keeps the draft of each
 * conversation in `drafts` across re-renders.
 */
export function composer(id, settings, drafts, onSend) {
  const draft = drafts.get(id) ?? { mode: 'reply', text: '' };
  const textarea = h('textarea', { id: 'composer-text', name: 'text', rows: 3, placeholder: draft.mode === 'note' ? 'Private note: only agents see it' : 'Reply to the customer', 'aria-describedby': 'composer-hint' });
  textarea.value = draft.text;
  textarea.addEventListener('input', () => drafts.set(id, { ...draft, text: textarea.value }));
  submitOnEnter(textarea);
  const mode = (value, text) =>
    h('label', { class: 'mode' }, h('input', { type: 'radio', name: 'mode', value, checked: draft.mode === value, onchange: () => { draft.mode = value; drafts.set(id, { ...draft, text: textarea.value }); form.dataset.mode = value; textarea.placeholder = value === 'note' ? 'Private note: only agents see it' : 'Reply to the customer'; } }), text);
  const canned = cannedPicker(settings.canned_responses ?? [], (text) => {
    const at = textarea.selectionStart ?? textarea.value.length;
    const before = textarea.value.slice(0, at);
    const gap = before && !/\s$/.test(before) ? ' ' : '';
    textarea.value = `${before}${gap}${text}${textarea.value.slice(at)}`;
    drafts.set(id, { ...draft, text: textarea.value });
    textarea.focus();
  });
  const form = h(
    'form',
    { class: 'composer', 'data-mode': draft.mode, 'aria-label': 'Write to the conversation' },
    h('div', { class: 'composer-head' }, h('fieldset', { class: 'modes' }, h('legend', { class: 'sr-only' }, 'Send as'), mode('reply', 'Reply'), mode('note', 'Private note')), canned),
    h('label', { for: 'composer-text', class: 'sr-only' }, 'Message'),
    textarea,
    h('div', { class: 'composer-foot' }, h('span', { class: 'hint', id: 'composer-hint' }, 'Enter sends · Shift+Enter for a new line'), h('button', { type: 'submit', class: 'primary' }, 'Send')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = textarea.value.trim();
    if (!text) return;
    const sent = await onSend(draft.mode, text);
    if (sent) {
      textarea.value = '';
      drafts.set(id, { mode: draft.mode, text: '' });
    }
    textarea.focus();
  });
  return form;
}

/**
 * The canned responses of the configuration (`handoff.console.canned_responses`): pick one by its
 * title and press Insert (keyboard: Tab to the list, arrows, Tab, Enter); `insert(text)` puts its
 * text in the composer for the agent to edit. Nothing when there are none.
 */
function cannedPicker(responses, insert) {
  if (!responses.length) return null;
  const select = h('select', { id: 'canned', name: 'canned' }, responses.map((c, i) => h('option', { value: String(i) }, c.title ?? c.text)));
  const button = h('button', { type: 'button', class: 'small', 'data-action': 'insert-canned' }, 'Insert');
  button.addEventListener('click', () => {
    const picked = responses[Number(select.value)];
    if (picked) insert(picked.text);
  });
  select.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      button.click();
    }
  });
  return h('div', { class: 'canned' }, h('label', { for: 'canned' }, 'Canned response'), select, button);
}

/** Transfer, return to the AI and resolve, each a small form. */
export function actions(record, settings, me, agentsList, on) {
  const id = record.id;
  const others = agentsList.filter((a) => a.id !== me);
  const targetAgent = h('select', { id: 'transfer-agent', name: 'agent' }, others.map((a) => h('option', { value: a.id }, `${a.name || a.id} (${a.status})`)));
  const targetSkill = h('select', { id: 'transfer-skill', name: 'skill' }, (settings.skills ?? []).map((s) => h('option', { value: s }, label(s))));
  const kind = h('select', { id: 'transfer-kind', name: 'kind' }, h('option', { value: 'agent', disabled: !others.length }, 'An agent'), h('option', { value: 'skill', disabled: !settings.skills?.length }, 'A skill'), h('option', { value: 'queue' }, 'The queue'));
  kind.value = others.length ? 'agent' : 'queue';
  const agentRow = h('div', { class: 'row', 'data-for': 'agent' }, h('label', { for: 'transfer-agent' }, 'Agent'), targetAgent);
  const skillRow = h('div', { class: 'row', 'data-for': 'skill' }, h('label', { for: 'transfer-skill' }, 'Skill'), targetSkill);
  const show = () => {
    agentRow.hidden = kind.value !== 'agent';
    skillRow.hidden = kind.value !== 'skill';
  };
  kind.addEventListener('change', show);
  show();
  const transferNote = h('textarea', { id: 'transfer-note', name: 'note', rows: 2, placeholder: 'What the next agent should know' });
  const transfer = h(
    'form',
    { class: 'action', 'aria-labelledby': 'transfer-title' },
    h('h3', { id: 'transfer-title' }, 'Transfer'),
    h('div', { class: 'row' }, h('label', { for: 'transfer-kind' }, 'To'), kind),
    agentRow,
    skillRow,
    h('label', { for: 'transfer-note' }, 'Note for the next agent'),
    transferNote,
    h('button', { type: 'submit' }, 'Transfer'),
  );
  transfer.addEventListener('submit', (event) => {
    event.preventDefault();
    const to = kind.value === 'agent' ? { agent: targetAgent.value } : kind.value === 'skill' ? { skill: targetSkill.value } : { queue: true };
    on.transfer(id, to, transferNote.value.trim());
  });

  const aiNote = h('textarea', { id: 'ai-note', name: 'note', rows: 2, placeholder: 'What the AI should know (optional)' });
  const giveBack = h('form', { class: 'action', 'aria-labelledby': 'ai-title' }, h('h3', { id: 'ai-title' }, 'Return to the AI'), h('label', { for: 'ai-note' }, 'Note for the AI'), aiNote, h('button', { type: 'submit' }, 'Return to the AI'));
  giveBack.addEventListener('submit', (event) => {
    event.preventDefault();
    on.returnToAi(id, aiNote.value.trim());
  });

  const outcome = h('select', { id: 'resolve-outcome', name: 'outcome' }, (settings.outcomes ?? ['solved']).map((o) => h('option', { value: o }, label(o))));
  const resolveNote = h('textarea', { id: 'resolve-note', name: 'note', rows: 2, placeholder: 'How it ended (optional)' });
  const resolve = h('form', { class: 'action', 'aria-labelledby': 'resolve-title' }, h('h3', { id: 'resolve-title' }, 'Resolve'), h('div', { class: 'row' }, h('label', { for: 'resolve-outcome' }, 'Outcome'), outcome), h('label', { for: 'resolve-note' }, 'Resolution note'), resolveNote, h('button', { type: 'submit', class: 'primary' }, 'Resolve'));
  resolve.addEventListener('submit', (event) => {
    event.preventDefault();
    on.resolve(id, outcome.value, resolveNote.value.trim());
  });
  return h('div', { class: 'actions' }, resolve, transfer, giveBack);
}
