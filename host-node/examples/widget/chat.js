// The customer-facing chat: the transcript, the composer, the "Talk to a person" button, the
// callback form and the status line. It knows nothing of the engine: widget.js tells it what to
// show, and it tells widget.js what the customer did.

/** Who a transcript line is from, as shown above its text. */
const SPEAKER = { customer: 'You', ai: 'Assistant', system: 'Support', note: null };

/** The fields a callback form can ask for (the engine's `collect_callback.fields`). */
const CALLBACK_FIELDS = ['name', 'phone', 'email', 'preferred_time'];

export class ChatWidget {
  #root;
  #log;
  #status;
  #talk;
  #composer;
  #text;
  #send;
  #failure;
  #callback;
  #handlers = { send: null, talk: null, callback: null, startOver: null };

  /** @param {HTMLElement} root the `#chat` section of index.html */
  constructor(root) {
    const doc = root.ownerDocument;
    this.#root = root;
    this.#log = doc.getElementById('chat-log');
    this.#status = doc.getElementById('chat-status');
    this.#talk = doc.getElementById('talk-to-person');
    this.#composer = doc.getElementById('composer');
    this.#text = doc.getElementById('composer-text');
    this.#send = this.#composer.querySelector('button[type="submit"]');
    this.#failure = doc.getElementById('chat-failure');
    this.#callback = doc.getElementById('callback-form');

    this.#composer.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = this.#text.value.trim();
      if (text === '' || !this.#handlers.send) return;
      this.#text.value = '';
      this.#handlers.send(text);
    });
    this.#talk.addEventListener('click', () => this.#handlers.talk?.());
    this.#callback.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#submitCallback();
    });
    doc.getElementById('chat-start-over').addEventListener('click', () => this.#handlers.startOver?.());
  }

  /** `fn(text)` when the customer sends a message. */
  onSend(fn) {
    this.#handlers.send = fn;
  }

  /** `fn()` when the customer presses "Talk to a person". */
  onTalkToPerson(fn) {
    this.#handlers.talk = fn;
  }

  /** `fn(details)` with `{name, phone, email, preferred_time}` (the filled fields) on submit. */
  onCallback(fn) {
    this.#handlers.callback = fn;
  }

  /** `fn()` when the customer presses "Start over" after a failure. */
  onStartOver(fn) {
    this.#handlers.startOver = fn;
  }

  /** The chat is ready: the customer can type. */
  ready(conversationId) {
    this.#root.dataset.state = 'ready';
    this.#root.dataset.conversation = conversationId;
    this.#text.disabled = false;
    this.#send.disabled = false;
  }

  /** The chat cannot work (`message` says why): shown in place of the conversation. */
  fail(message) {
    this.#root.dataset.state = 'failed';
    this.#failure.querySelector('#chat-failure-text').textContent = message;
    this.#failure.hidden = false;
    this.#text.disabled = true;
    this.#send.disabled = true;
    this.#talk.disabled = true;
    this.#callback.hidden = true;
    this.setStatus('Unavailable', 'failed');
  }

  /**
   * Shows one transcript line: `{role, text, template?, agent_name?}`. `role` is `customer`, `ai`,
   * `agent`, `system` (the engine's messages; `template` names which) or `note`.
   */
  show(line) {
    const doc = this.#root.ownerDocument;
    const item = doc.createElement('li');
    item.className = `line line--${line.role}`;
    item.dataset.role = line.role;
    if (line.template) item.dataset.template = line.template;
    const speaker = line.role === 'agent' ? line.agent_name : SPEAKER[line.role];
    if (speaker) {
      const who = doc.createElement('span');
      who.className = 'line__who';
      who.textContent = speaker;
      item.append(who);
    }
    const text = doc.createElement('p');
    text.className = 'line__text';
    text.textContent = line.text;
    item.append(text);
    this.#log.append(item);
    this.#log.scrollTop = this.#log.scrollHeight;
  }

  /** The status line under the title; `kind` is the conversation's status (a CSS hook). */
  setStatus(text, kind) {
    this.#status.textContent = text;
    this.#status.dataset.status = kind;
  }

  /** Whether "Talk to a person" makes sense now (only while the assistant has the conversation). */
  setCanAskForPerson(can) {
    this.#talk.disabled = !can;
  }

  /**
   * Shows the callback form with the fields the engine asks for.
   * @param {string[]} fields
   * @param {string} opening e.g. "We open again Thursday 09:00 (Asia/Kolkata)."
   */
  showCallbackForm(fields, opening) {
    const wanted = new Set(fields.filter((f) => CALLBACK_FIELDS.includes(f)));
    for (const label of this.#callback.querySelectorAll('label[data-field]')) {
      const shown = wanted.has(label.dataset.field);
      label.hidden = !shown;
      label.querySelector('input').disabled = !shown;
    }
    this.#callback.querySelector('#callback-opening').textContent = opening;
    if (this.#callback.hidden) {
      this.callbackError(null);
      this.#callback.hidden = false;
      this.#log.scrollTop = this.#log.scrollHeight; // the form takes room from the transcript
      this.#callback.querySelector('input:not([disabled])')?.focus();
    }
  }

  hideCallbackForm() {
    this.#callback.hidden = true;
  }

  /** Shows why the details were not taken (or clears it with `null`). */
  callbackError(message) {
    const error = this.#callback.querySelector('#callback-error');
    error.textContent = message ?? '';
    error.hidden = message == null;
  }

  /** Sends the filled fields as they are: the engine checks them and says what is wrong. */
  #submitCallback() {
    const inputs = [...this.#callback.querySelectorAll('input:not([disabled])')];
    const details = {};
    for (const input of inputs) {
      const value = input.value.trim();
      if (value !== '') details[input.name] = value;
    }
    this.callbackError(null);
    this.#handlers.callback?.(details);
  }
}
