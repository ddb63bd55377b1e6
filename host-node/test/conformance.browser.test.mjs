// The conformance vectors in real Chromium: a page served from a loopback HTTP server loads the
// size-built engine as web pages do (the package's src/index.js, `init()` fetching
// wasm/handoff_wasm_bg.wasm) and the replay code of test-support/replay-core.mjs; every
// examples/conversations/*.jsonl (found on each run) is replayed there in one batch (one page load,
// one call), `$last` references resolved in the page from the outputs it got. Each vector's lines
// (`{"now":…,"outputs":<handleJson text>}` or `{"now":…,"error":{…}}`) must be
// tests/vectors/<name>.outputs.jsonl byte for byte; a mismatch names the vector and the step and
// shows a readable diff.
//
// Needs Debian's Chromium (/usr/bin/chromium, or $HANDOFF_CHROMIUM; `apt-get install -y chromium`),
// playwright-core (`npm ci`) and the wasm build (`cargo xtask wasm`); without them every test here
// fails saying how to get them.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertGoldenBytes, assertGoldenChanges, assertRefusals, goldenBytes, jobOf, loadConversations } from '../test-support/conformance.mjs';
import { startConformancePage } from '../test-support/conformance-hosts.mjs';

const conversations = loadConversations();
const runnable = conversations.filter((c) => !c.problem);

describe('the conformance vectors in Chromium', () => {
  let page;
  /** name -> the page's result for the whole conversation. */
  const results = new Map();

  before(async () => {
    page = await startConformancePage();
    const all = await page.jobs(runnable.map((conv) => jobOf(conv, { changes: true })));
    runnable.forEach((conv, i) => results.set(conv.name, all[i]));
  });

  after(async () => {
    await page?.close();
  });

  it('finds the conversations and loads the size-built module, with nothing on the console', () => {
    assert.ok(conversations.length > 0, 'no conversations in examples/conversations/');
    const wasm = page.requests.filter((url) => url.endsWith('.wasm')).map((url) => new URL(url).pathname);
    assert.deepEqual(wasm, ['/wasm/handoff_wasm_bg.wasm'], 'the page loads the size build, once');
    assert.deepEqual(page.problems, []);
  });

  for (const conv of conversations) {
    it(`${conv.name}: Chromium gives the golden vector byte for byte`, () => {
      goldenBytes(conv); // a missing golden file or a bad conversation fails here, saying what to do
      const result = results.get(conv.name);
      assert.ok(result, `${conv.name}: no result from the page`);
      if (result.failure) assert.fail(`${conv.name}: the replay in Chromium failed: ${result.failure}`);
      assert.equal(result.lines.length, conv.lines.length, `${conv.name}: one line per input from Chromium`);
      assertRefusals(conv, result.lines, 'Chromium');
      assertGoldenBytes(conv, result.lines, 'Chromium');
      assertGoldenChanges(conv, result, 'Chromium');
    });
  }
});
