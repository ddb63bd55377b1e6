// The customer-facing chat: the transcript, the composer, the "Talk to a person" button, the
// callback form and the status line. It knows nothing of the engine: widget.js tells it what to
// show, and it tells widget.js what the customer did.

/**
 * Who a transcript line is from, as shown above its text. The engine's messages (`system`) and the
 * page's notes are notices, not a person speaking: no name above them.
 */
const SPEAKER = { customer: 'You', ai: 'Assistant', system: null, note: null };

/** UTF-8 length of `text` (the engine's limits are in bytes). */
const encoder = new TextEncoder();
export function utf8Bytes(text) {
  return encoder.encode(text).length;
}

/** The fields a callback form can ask for (the engine's `collect_callback.fields`). */
const CALLBACK_FIELDS = ['name', 'phone', 'email', 'preferred_time'];

/** What the customer reads when a message is over the engine's limit. */
export const TOO_LONG = 'This message is too long to send. Please shorten it.';

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
  #composerError;
  /** The longest message the engine takes (UTF-8 bytes), once known. */
  #textLimit = Infinity;
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
    this.#composerError = doc.getElementById('composer-error');

    this.#composer.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#submitMessage();
    });
    // Too long is said while typing, before anything looks sent.
    this.#text.addEventListener('input', () => this.#checkLength());
    this.#talk.addEventListener('click', () => this.#handlers.talk?.());
    this.#callback.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#submitCallback();
    });
    doc.getElementById('chat-start-over').addEventListener('click', () => this.#handlers.startOver?.());
  }

  /**
   * `fn(text)` when the customer sends a message; it resolves to `null` when the message was
   * taken, or to the reason it was not (plain words for the customer): the text then stays in the
   * composer.
   */
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

  /** The longest message the engine takes, in UTF-8 bytes (its `limits().text_bytes`). */
  setTextLimit(bytes) {
    this.#textLimit = bytes;
    this.#checkLength();
  }

  /** Shows why the message in the composer cannot be sent (or clears it with `null`). */
  composerError(message) {
    this.#composerError.textContent = message ?? '';
    this.#composerError.hidden = message == null;
    if (message == null) this.#text.removeAttribute('aria-invalid');
    else this.#text.setAttribute('aria-invalid', 'true');
  }

  /** Whether the composer's text is over the engine's limit (then it says so). */
  #checkLength() {
    const over = utf8Bytes(this.#text.value) > this.#textLimit;
    if (over) this.composerError(TOO_LONG);
    else if (this.#text.getAttribute('aria-invalid') === 'true' && this.#composerError.textContent === TOO_LONG) {
      this.composerError(null);
    }
    return over;
  }

  async #submitMessage() {
    const text = this.#text.value.trim();
    if (text === '' || !this.#handlers.send) return;
    if (this.#checkLength()) {
      this.#text.focus();
      return;
    }
    const problem = await this.#handlers.send(text);
    if (problem) {
      this.composerError(problem);
      return;
    }
    this.composerError(null);
    if (this.#text.value.trim() === text) this.#text.value = '';
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

  /**
   * Whether "Talk to a person" makes sense now (only while the assistant has the conversation):
   * after the handoff the button is gone, not left there disabled.
   */
  setCanAskForPerson(can) {
    this.#talk.disabled = !can;
    this.#talk.hidden = !can;
  }

  /**
   * Shows the callback form with the fields the engine asks for.
   * @param {string[]} fields
   * @param {string} opening e.g. "We open again Thursday 09:00 (Asia/Kolkata)."
   * @param {{at: number, label: string}[]} slots the times the customer may choose (business hours)
   */
  showCallbackForm(fields, opening, slots = []) {
    this.#fillSlots(slots);
    const wanted = new Set(fields.filter((f) => CALLBACK_FIELDS.includes(f)));
    for (const label of this.#callback.querySelectorAll('label[data-field]')) {
      const shown = wanted.has(label.dataset.field);
      label.hidden = !shown;
      label.querySelector('input, select').disabled = !shown;
    }
    this.#callback.querySelector('#callback-opening').textContent = opening;
    if (this.#callback.hidden) {
      this.callbackError(null);
      this.#callback.hidden = false;
      this.#log.scrollTop = this.#log.scrollHeight; // the form takes room from the transcript
      this.#callback.querySelector('input:not([disabled]), select:not([disabled])')?.focus();
    }
  }

  hideCallbackForm() {
    this.#callback.hidden = true;
  }

  /** The slot choices: "As soon as we open", then each slot (its epoch ms as the value). */
  #fillSlots(slots) {
    const select = this.#callback.querySelector('select[name="preferred_time"]');
    const wanted = slots.map((s) => String(s.at));
    const have = [...select.options].slice(1).map((o) => o.value);
    if (wanted.join() === have.join()) return; // unchanged: keep the customer's choice
    const chosen = select.value;
    for (const option of [...select.options].slice(1)) option.remove();
    const doc = this.#root.ownerDocument;
    for (const slot of slots) {
      const option = doc.createElement('option');
      option.value = String(slot.at);
      option.textContent = slot.label;
      select.append(option);
    }
    select.value = wanted.includes(chosen) ? chosen : '';
  }

  /**
   * Shows why the details were not taken, under the field it is about (`field`: `name`, `phone`,
   * `email`, `preferred_time`), or above the button when it is about none; `null` clears all.
   * @param {{field: string | null, text: string} | null} problem
   */
  callbackError(problem) {
    for (const label of this.#callback.querySelectorAll('label[data-field]')) {
      const error = label.querySelector('.field-error');
      const control = label.querySelector('input, select');
      const mine = problem != null && problem.field === label.dataset.field;
      error.textContent = mine ? problem.text : '';
      error.hidden = !mine;
      if (mine) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
      if (mine) control.focus();
    }
    const general = this.#callback.querySelector('#callback-error');
    const shownAbove = problem != null && !this.#callback.querySelector(`label[data-field="${problem.field}"]:not([hidden])`);
    general.textContent = shownAbove ? problem.text : '';
    general.hidden = !shownAbove;
  }

  /**
   * Sends the filled fields as they are (the engine checks them and says what is wrong): `{name,
   * phone, email}` as typed, and the chosen slot as `at` (epoch ms) with its label as
   * `preferred_time`, the customer's words for the agent.
   */
  #submitCallback() {
    const details = {};
    for (const input of this.#callback.querySelectorAll('input:not([disabled])')) {
      const value = input.value.trim();
      if (value !== '') details[input.name] = value;
    }
    const select = this.#callback.querySelector('select[name="preferred_time"]:not([disabled])');
    if (select && select.value !== '') {
      details.at = Number(select.value);
      details.preferred_time = select.selectedOptions[0].textContent;
    }
    this.callbackError(null);
    this.#handlers.callback?.(details);
  }
}
