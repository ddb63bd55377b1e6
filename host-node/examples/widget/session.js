// What the page remembers besides the engine's state, in localStorage under `${prefix}session`:
// this customer's conversation id, the transcript as shown (the engine keeps the conversation's
// history for the agent, not the lines the page showed), the callback form the engine asked for,
// and how many stand-in customers the demo desk has made.

/** A new conversation id: `web_` and 12 random hex digits. */
function newConversationId() {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return `web_${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export class Session {
  #storage;
  #key;
  #data;

  /**
   * @param {Storage} storage
   * @param {string} prefix the same prefix as the engine's LocalStorageStore
   */
  constructor(storage, prefix) {
    this.#storage = storage;
    this.#key = `${prefix}session`;
    this.#data = this.#load() ?? { conversation_id: newConversationId(), lines: [], callback: null, others: 0 };
    this.#save();
  }

  #load() {
    const text = this.#storage.getItem(this.#key);
    if (text == null) return null;
    try {
      const data = JSON.parse(text);
      if (typeof data?.conversation_id === 'string' && Array.isArray(data.lines)) return data;
    } catch {
      // Not ours, or cut short: start a new session rather than fail.
    }
    return null;
  }

  #save() {
    this.#storage.setItem(this.#key, JSON.stringify(this.#data));
  }

  /** This customer's conversation. */
  get conversationId() {
    return this.#data.conversation_id;
  }

  /** The transcript lines shown so far. */
  get lines() {
    return this.#data.lines;
  }

  /** Adds a transcript line (saved before it is shown). */
  add(line) {
    this.#data.lines.push(line);
    this.#save();
  }

  /** The callback form the engine asked for (`{fields, next_opening}`), if it is still wanted. */
  get callback() {
    return this.#data.callback;
  }

  set callback(request) {
    this.#data.callback = request;
    this.#save();
  }

  /** The next stand-in customer's number (1, 2, …). */
  nextOther() {
    this.#data.others += 1;
    this.#save();
    return this.#data.others;
  }
}
