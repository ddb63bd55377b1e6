// Streams of the engine's outputs as server-sent events, each filtered by who reads it. The
// engine decides who may see each output (its audience: `customer`, `agents` or `operators`,
// `HandoffHost`'s `output` event gives it); this module only applies it to three kinds of reader:
//
// - a conversation's customer (`GET /tenants/{t}/conversations/{c}/stream`): that conversation's
//   outputs whose audience is `customer` (`message`, `agent_message`, `queued`, `assigned`,
//   `agent_left`, `closed`, …). Never a private note, the customer's own lines relayed to the
//   agent, `returned_to_ai` with the agent's note for the AI, the context package (`handoff`,
//   `offered`) nor the outbox.
// - an agent (`GET /tenants/{t}/agents/{a}/stream`): outputs for the customer or the agents that
//   concern this agent: the ones naming it (`agent_id`: offered, assigned, offer withdrawn, its
//   own notes, agent left, …) and the ones about a conversation offered or assigned to it after
//   the input (the customer's messages, the other agent's notes). Never the outbox.
// - operators (`GET /tenants/{t}/stream`): every output the host emits.

const encoder = new TextEncoder();

/** How often an idle stream gets a comment line, so proxies keep it open (ms). */
export const KEEPALIVE_MS = 25_000;

/**
 * Whether an output of `audience` is shown to `reader` (`'customer'`, `'agents'` or
 * `'operators'`): core's `Audience::visible_to` (operators see everything, agents all but the
 * operators', the customer only the customer's).
 */
export function visibleTo(audience, reader) {
  const rank = { customer: 0, agents: 1, operators: 2 };
  return audience in rank && rank[audience] <= rank[reader];
}

/**
 * Whether a published output belongs on a stream.
 * @param {{scope: 'operators' | 'customer' | 'agent', id?: string}} scope the reader
 * @param {{output: object, audience: string, agents: string[]}} published
 */
export function belongs(scope, published) {
  const { output, audience, agents } = published;
  switch (scope.scope) {
    case 'operators':
      return true;
    case 'customer':
      return output.conversation_id === scope.id && visibleTo(audience, 'customer');
    case 'agent':
      return visibleTo(audience, 'agents') && agents.includes(scope.id);
    default:
      return false;
  }
}

/** One server-sent event. */
export function sseEvent(id, type, data) {
  return `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The open streams of one Durable Object. */
export class Streams {
  #subscribers = new Set();
  #published = 0;

  /** How many streams are open. */
  get size() {
    return this.#subscribers.size;
  }

  /**
   * A new stream for `scope`: the `Response` to answer with. It starts with a `ready` event
   * naming the scope, then carries each published output that belongs to it.
   */
  open(scope) {
    const { readable, writable } = new TransformStream();
    const writer = writable.getWriter();
    const subscriber = { scope, writer, keepalive: null };
    const drop = () => {
      if (!this.#subscribers.delete(subscriber)) return;
      clearInterval(subscriber.keepalive);
      writer.close().catch(() => {});
    };
    subscriber.drop = drop;
    this.#subscribers.add(subscriber);
    this.#write(subscriber, sseEvent(this.#published, 'ready', scope));
    subscriber.keepalive = setInterval(() => this.#write(subscriber, ': keepalive\n\n'), KEEPALIVE_MS);
    return new Response(readable, {
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
      },
    });
  }

  /**
   * Sends one output to every stream it belongs to.
   * @param {object} output
   * @param {string} audience the engine's audience of it
   * @param {string[]} agents the agents it concerns
   */
  publish(output, audience, agents) {
    if (this.#subscribers.size === 0) return;
    const id = ++this.#published;
    const published = { output, audience, agents };
    let text = null;
    for (const subscriber of this.#subscribers) {
      if (!belongs(subscriber.scope, published)) continue;
      text ??= sseEvent(id, output.type, output);
      this.#write(subscriber, text);
    }
  }

  #write(subscriber, text) {
    // A reader that went away makes the write fail: forget it.
    subscriber.writer.write(encoder.encode(text)).catch(() => subscriber.drop());
  }
}
