// The conformance vectors in the real workerd: every examples/conversations/*.jsonl (found on each
// run) is sent to the conformance worker (test-support/conformance-worker/: the size-built engine
// loaded as workers load it, `init({ module })`), which replays it with the same replay code as Node
// (test-support/replay-core.mjs: `$last` references resolved in the worker from the outputs it got)
// and answers with the golden vector text: one `{"now":…,"outputs":<handleJson text>}` or
// `{"now":…,"error":{…}}` line per input. Those bytes must be tests/vectors/<name>.outputs.jsonl.
// A mismatch names the vector and the step and shows a readable diff.
//
// Needs the workerd binary (`npm ci` in host-node/) and the wasm build (`cargo xtask wasm`); without
// either, every test here fails saying how to get it.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertGoldenBytes, assertGoldenChanges, assertRefusals, goldenBytes, jobOf, loadConversations } from '../test-support/conformance.mjs';
import { startConformanceWorkerd } from '../test-support/conformance-hosts.mjs';
import { killAllWorkerd } from '../test-support/worker-workerd.mjs';

const conversations = loadConversations();

describe('the conformance vectors in workerd', () => {
  let worker;

  before(async () => {
    worker = await startConformanceWorkerd();
  });

  after(async () => {
    killAllWorkerd();
    await worker?.kill();
  });

  it('finds the conversations', () => {
    assert.ok(conversations.length > 0, 'no conversations in examples/conversations/');
  });

  for (const conv of conversations) {
    it(`${conv.name}: workerd answers the golden vector byte for byte`, async () => {
      goldenBytes(conv); // a missing golden file or a bad conversation fails here, saying what to do
      const bytes = await worker.replay(jobOf(conv));
      const lines = bytes.toString('utf8').replace(/\n$/, '').split('\n');
      assert.equal(lines.length, conv.lines.length, `${conv.name}: one line per input from workerd`);
      assertRefusals(conv, lines, 'workerd');
      assertGoldenBytes(conv, lines, 'workerd');
      assert.ok(bytes.equals(goldenBytes(conv)), `${conv.name}: workerd's answer is the golden file's bytes`);
    });

    it(`${conv.name}: workerd's change sets are the golden ones and their rows restore`, async () => {
      const [result] = await worker.jobs([jobOf(conv, { changes: true })]);
      if (result.failure) assert.fail(`${conv.name}: the replay in workerd failed: ${result.failure}`);
      assertGoldenChanges(conv, result, 'workerd');
    });
  }
});
