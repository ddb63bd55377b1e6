// The demo desk: what stands in for your agents' tool and your other customers, so the page shows
// a whole handoff with no server. Agents go online (an `agent_update`), accept or decline offers
// (a transfer's too, with its note), reply, write private notes, transfer a chat to the other agent
// (warm: they take over when they accept; cold: at once), hand it back to the assistant and close;
// "Another customer" puts a stand-in customer in the queue ahead of this one. Every text is shown
// as text (textContent), never as HTML.
// It draws everything from the engine's state, so a reload shows the same desk.

/** The demo's agents, in the order they are listed. */
export const DEMO_AGENTS = [
  { id: 'asha', name: 'Asha' },
  { id: 'ben', name: 'Ben' },
];

/** Each demo agent takes one chat at a time, so the queue visibly moves. */
export const AGENT_CAPACITY = 1;

/** Names of the stand-in customers, in turn. */
const OTHER_NAMES = ['Ravi', 'Meera', 'Tom', 'Lena', 'Kenji', 'Sara'];

/** What a stand-in customer says. */
export const OTHER_CUSTOMER_TEXT = "I'd like to speak to a person about my refund, please.";

/** The name of the n-th stand-in customer (1, 2, …). */
export function otherCustomerName(n) {
  const name = OTHER_NAMES[(n - 1) % OTHER_NAMES.length];
  return n > OTHER_NAMES.length ? `${name} ${Math.ceil(n / OTHER_NAMES.length)}` : name;
}

/** How many history lines an agent sees of each chat. */
const HISTORY_SHOWN = 6;

/** How a history line's role is shown to the agent. */
const ROLE_LABEL = { customer: 'Customer', ai: 'Assistant', agent: 'Agent', agent_note: 'Note', system: 'Support' };

/** `h('li', {class: 'x', dataset: {a: 1}}, 'text', child)`: a small element builder. */
function h(doc, tag, attributes = {}, ...children) {
  const element = doc.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value == null || value === false) continue;
    if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name === 'text') element.textContent = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    element.append(child);
  }
  return element;
}

export class Desk {
  #doc;
  #root;
  #agents;
  #queue;
  #backend;
  #target;
  #clock;
  #error;
  #other;
  #handlers;
  #drawn = null;

  /**
   * @param {HTMLElement} root the `#desk` aside of index.html
   * @param {object} handlers `agentStatus(agent, status)`, `accept(conversationId, agentId)`,
   *   `decline(conversationId, agentId)`, `reply(conversationId, agentId, text)`,
   *   `note(conversationId, agentId, text)`, `transfer(conversationId, agentId, toAgentId, mode, note)`,
   *   `handBack(conversationId, agentId)`, `close(conversationId, agentId)`, `otherCustomer()`, `reset()`
   */
  constructor(root, handlers) {
    const doc = root.ownerDocument;
    this.#doc = doc;
    this.#root = root;
    this.#handlers = handlers;
    this.#agents = doc.getElementById('desk-agents');
    this.#queue = doc.getElementById('desk-queue');
    this.#backend = doc.getElementById('desk-backend');
    this.#target = doc.getElementById('desk-backend-target');
    this.#clock = doc.getElementById('desk-clock');
    this.#error = doc.getElementById('desk-error');
    this.#other = doc.getElementById('other-customer');

    this.#other.addEventListener('click', () => handlers.otherCustomer());
    doc.getElementById('reset-demo').addEventListener('click', () => handlers.reset());
    this.#agents.addEventListener('click', (event) => this.#onClick(event));
    this.#agents.addEventListener('submit', (event) => this.#onReply(event));
  }

  /** The engine is running: the desk's buttons work. */
  ready() {
    this.#other.disabled = false;
    this.#root.dataset.state = 'ready';
  }

  /** Shows a failure of a desk action (or clears it with `null`). */
  error(message) {
    this.#error.textContent = message ?? '';
    this.#error.hidden = message == null;
  }

  #onClick(event) {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    const agent = DEMO_AGENTS.find((a) => a.id === button.closest('[data-agent]')?.dataset.agent);
    const conversation = button.closest('[data-conversation]')?.dataset.conversation;
    if (!agent) return;
    switch (button.dataset.action) {
      case 'online':
      case 'offline':
        this.#handlers.agentStatus(agent, button.dataset.action);
        break;
      case 'accept':
        this.#handlers.accept(conversation, agent.id);
        break;
      case 'decline':
        this.#handlers.decline(conversation, agent.id);
        break;
      case 'close':
        this.#handlers.close(conversation, agent.id);
        break;
      case 'hand-back':
        this.#handlers.handBack(conversation, agent.id);
        break;
    }
  }

  /** The chat cards' forms: reply, note, transfer. */
  #onReply(event) {
    const form = event.target.closest('form[data-action]');
    if (!form) return;
    event.preventDefault();
    const agentId = form.closest('[data-agent]').dataset.agent;
    const conversationId = form.closest('[data-conversation]').dataset.conversation;
    const field = (name) => form.elements.namedItem(name);
    switch (form.dataset.action) {
      case 'reply':
      case 'note': {
        const input = field('text');
        const text = input.value.trim();
        if (text === '') return;
        input.value = '';
        this.#handlers[form.dataset.action](conversationId, agentId, text);
        break;
      }
      case 'transfer': {
        const note = field('note').value.trim();
        field('note').value = '';
        this.#handlers.transfer(conversationId, agentId, field('to').value, field('mode').value, note || null);
        break;
      }
    }
  }

  /**
   * Draws the agents and the queue from the engine's state.
   * @param {object} state the engine's state (`host.state()`)
   * @param {string} widgetConversation this page's customer's conversation id
   * @param {string} clockText the clock line
   */
  render(state, widgetConversation, clockText) {
    const view = this.#view(state, widgetConversation);
    const signature = JSON.stringify([view, clockText]);
    if (signature === this.#drawn) return; // unchanged: keep what the agent is typing
    this.#drawn = signature;
    this.#clock.textContent = clockText;

    // Redraw, keeping drafts (replies, notes, transfer choices) and focus.
    const drafts = new Map();
    let focused = null;
    const keyOf = (control) =>
      [
        control.closest('[data-agent]').dataset.agent,
        control.closest('[data-conversation]').dataset.conversation,
        control.closest('form')?.dataset.action ?? '',
        control.name || control.dataset.action || '',
      ].join(' ');
    const controls = () => this.#agents.querySelectorAll('[data-conversation] input, [data-conversation] select, [data-conversation] button');
    for (const control of controls()) {
      const key = keyOf(control);
      if (control.tagName !== 'BUTTON') drafts.set(key, control.value);
      if (control === this.#doc.activeElement) focused = key;
    }
    this.#agents.replaceChildren(...view.agents.map((agent) => this.#agentCard(agent)));
    for (const control of controls()) {
      const key = keyOf(control);
      if (drafts.has(key)) control.value = drafts.get(key);
      if (key === focused) control.focus();
    }

    const doc = this.#doc;
    this.#queue.replaceChildren(
      ...view.queue.map((entry) =>
        h(doc, 'li', { dataset: { conversation: entry.id }, text: `${entry.who} (${entry.id})` }),
      ),
    );
    if (view.queue.length === 0) this.#queue.append(h(doc, 'li', { class: 'desk__empty', text: 'Nobody is waiting.' }));
  }

  /** The plain data the desk shows (compared to skip redraws that change nothing). */
  #view(state, widgetConversation) {
    const who = (id) => {
      const name = state.conversations[id]?.customer?.name;
      if (id === widgetConversation) return name ? `${name} (this page)` : 'this page’s customer';
      return name ?? id;
    };
    const conversations = Object.values(state.conversations);
    const nameOf = (agentId) => DEMO_AGENTS.find((a) => a.id === agentId)?.name ?? state.agents[agentId]?.name ?? agentId;
    /** What an offer says of the transfer it comes by, if any. */
    const transferOf = (c) =>
      c.transfer ? { from: nameOf(c.transfer.from_agent_id), mode: c.transfer.mode, note: c.transfer.note ?? null } : null;
    const agents = DEMO_AGENTS.map(({ id, name }) => ({
      id,
      name,
      status: state.agents[id]?.status ?? 'offline',
      offers: conversations
        .filter((c) => (c.status === 'offered' && c.agent_id === id) || c.transfer?.offer?.agent_id === id)
        .map((c) => ({ id: c.id, who: who(c.id), transfer: transferOf(c) })),
      chats: conversations
        .filter((c) => c.status === 'assigned' && c.agent_id === id)
        .map((c) => ({
          id: c.id,
          who: who(c.id),
          history: c.history.slice(-HISTORY_SHOWN).map((l) => ({ role: l.role, text: l.text, by: l.agent_id ? nameOf(l.agent_id) : null })),
          // A warm transfer waiting for the other agent's answer.
          pending: c.transfer?.offer ? nameOf(c.transfer.offer.agent_id) : null,
          others: DEMO_AGENTS.filter((a) => a.id !== id).map((a) => ({ id: a.id, name: a.name })),
        })),
    }));
    const queue = state.queue.map((key, i) => ({ id: key.conversation_id, position: i + 1, who: who(key.conversation_id) }));
    return { agents, queue };
  }

  #agentCard(agent) {
    const doc = this.#doc;
    const online = agent.status === 'online';
    return h(
      doc,
      'article',
      { class: 'agent', dataset: { agent: agent.id, status: agent.status } },
      h(
        doc,
        'header',
        {},
        h(doc, 'strong', { text: agent.name }),
        h(doc, 'span', { class: 'agent__status', text: agent.status }),
        h(doc, 'button', {
          type: 'button',
          dataset: { action: online ? 'offline' : 'online' },
          text: online ? 'Go offline' : 'Go online',
        }),
      ),
      h(
        doc,
        'ul',
        { class: 'agent__work' },
        agent.offers.map((offer) =>
          h(
            doc,
            'li',
            { class: 'offer', dataset: { conversation: offer.id, transfer: offer.transfer?.mode } },
            h(
              doc,
              'span',
              {},
              offer.transfer ? `${offer.transfer.mode === 'warm' ? 'Warm' : 'Cold'} transfer from ${offer.transfer.from}: ${offer.who}` : `Offered: ${offer.who}`,
              offer.transfer?.note ? h(doc, 'span', { class: 'offer__note', text: `Note: ${offer.transfer.note}` }) : null,
            ),
            h(doc, 'button', { type: 'button', dataset: { action: 'accept' }, 'aria-label': `Accept ${offer.who} as ${agent.name}`, text: 'Accept' }),
            h(doc, 'button', { type: 'button', dataset: { action: 'decline' }, 'aria-label': `Decline ${offer.who} as ${agent.name}`, text: 'Decline' }),
          ),
        ),
        agent.chats.map((chat) => this.#chatCard(agent, chat)),
        agent.offers.length + agent.chats.length === 0
          ? h(doc, 'li', { class: 'desk__empty', text: online ? 'Free' : 'Not taking chats' })
          : null,
      ),
    );
  }

  /** One chat an agent holds: its last lines, reply, private note, transfer, hand back, close. */
  #chatCard(agent, chat) {
    const doc = this.#doc;
    const label = (text, control) => h(doc, 'label', {}, h(doc, 'span', { text }), control);
    return h(
      doc,
      'li',
      { class: 'chat-card', dataset: { conversation: chat.id } },
      h(doc, 'span', { text: `Chatting with ${chat.who}` }),
      h(
        doc,
        'ol',
        { class: 'chat-card__history', 'aria-label': `Last lines with ${chat.who}` },
        chat.history.map((line) =>
          h(
            doc,
            'li',
            { dataset: { role: line.role } },
            h(doc, 'strong', { text: `${ROLE_LABEL[line.role] ?? line.role}${line.by ? ` (${line.by})` : ''}: ` }),
            h(doc, 'span', { text: line.text }),
          ),
        ),
      ),
      chat.pending ? h(doc, 'p', { class: 'chat-card__pending', role: 'status', text: `Waiting for ${chat.pending} to accept the transfer…` }) : null,
      h(
        doc,
        'form',
        { dataset: { action: 'reply' } },
        h(doc, 'input', { name: 'text', autocomplete: 'off', 'aria-label': `${agent.name}'s reply to ${chat.who}` }),
        h(doc, 'button', { type: 'submit', text: 'Send' }),
      ),
      h(
        doc,
        'form',
        { dataset: { action: 'note' } },
        h(doc, 'input', {
          name: 'text',
          autocomplete: 'off',
          placeholder: 'Private note (agents only)',
          'aria-label': `${agent.name}'s private note on ${chat.who} (agents only)`,
        }),
        h(doc, 'button', { type: 'submit', text: 'Add note' }),
      ),
      h(
        doc,
        'form',
        { class: 'chat-card__transfer', dataset: { action: 'transfer' }, 'aria-label': `Transfer ${chat.who}` },
        label(
          'To',
          h(doc, 'select', { name: 'to' }, chat.others.map((other) => h(doc, 'option', { value: other.id, text: other.name }))),
        ),
        label(
          'How',
          h(
            doc,
            'select',
            { name: 'mode' },
            h(doc, 'option', { value: 'warm', text: 'Warm (I stay until they accept)' }),
            h(doc, 'option', { value: 'cold', text: 'Cold (hand over now)' }),
          ),
        ),
        label('Note for them', h(doc, 'input', { name: 'note', autocomplete: 'off' })),
        h(doc, 'button', { type: 'submit', disabled: chat.pending != null, text: 'Transfer' }),
      ),
      h(
        doc,
        'div',
        { class: 'chat-card__actions' },
        h(doc, 'button', { type: 'button', dataset: { action: 'hand-back' }, text: 'Hand back to the assistant' }),
        h(doc, 'button', { type: 'button', dataset: { action: 'close' }, text: 'Close the chat' }),
      ),
    );
  }

  /**
   * Lists what was sent to the backend.
   * @param {string | null} target where outputs go
   * @param {Array<{output: object, state: string, detail?: string}>} entries
   */
  showBackend(target, entries) {
    const doc = this.#doc;
    this.#target.textContent = target
      ? `POST ${target}`
      : 'No backend configured: add ?backend=URL to the page address to POST these.';
    this.#backend.replaceChildren(
      ...entries.map((entry) => {
        const o = entry.output;
        const what = o.type === 'event' ? o.event.event : o.type;
        return h(
          doc,
          'li',
          { dataset: { state: entry.state } },
          h(doc, 'code', { text: what }),
          ` ${o.conversation_id} · ${entry.state}${entry.detail ? ` (${entry.detail})` : ''}`,
        );
      }),
    );
  }
}
