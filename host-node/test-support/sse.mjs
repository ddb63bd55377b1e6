// An open server-sent-event stream of the worker example, and polling until something holds:
// shared by the workerd tests of the live conversation and of the helpdesk webhooks.

import assert from 'node:assert/strict';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** An open SSE stream read with `token`: every event read so far, `{event, id, data}`. */
export async function openStream(url, token) {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  assert.equal(response.status, 200, await (response.status === 200 ? '' : response.text()));
  assert.match(response.headers.get('content-type'), /^text\/event-stream/);
  const events = [];
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const pump = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const colon = line.indexOf(': ');
            if (colon > 0) event[line.slice(0, colon)] = line.slice(colon + 2);
          }
          if (event.data !== undefined) events.push({ ...event, data: JSON.parse(event.data) });
        }
      }
    } catch {
      // aborted
    }
  })();
  await waitFor('the stream to say ready', () => events.some((e) => e.event === 'ready'));
  return {
    events,
    outputs: () => events.filter((e) => e.event !== 'ready').map((e) => e.data),
    types: () => events.filter((e) => e.event !== 'ready').map((e) => e.event),
    close: async () => {
      controller.abort();
      await pump;
    },
  };
}

/** Polls `probe` until it returns something truthy (that value), or fails naming `what`. */
export async function waitFor(what, probe, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}
