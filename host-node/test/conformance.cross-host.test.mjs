// A state saved by one host restores in another and continues identically. For every
// examples/conversations/*.jsonl (found on each run), cut at the middle (before input
// floor(n / 2) + 1): each host plays the first half and saves the state (`stateJson()`) and its
// `$last` delivery log; the states must be the same bytes on every host, the first halves the
// golden lines, and the log the one the golden vector gives. Then every other host restores each
// saved state (`Engine.restore`: the restored `stateJson()` must be the saved bytes) and plays the
// second half, which must be the rest of tests/vectors/<name>.outputs.jsonl byte for byte.
//
// The hosts: Node (the speed-built module Node loads), the abi module in Node, the real workerd
// (test-support/conformance-worker/) and a real Chromium page (test-support/conformance-page.html),
// the last two with the size-built module; all run test-support/replay-core.mjs, batched (one
// request to workerd and one call into the page per phase). The native engine is the golden replay
// (its states equal wasmtime's, host-native/tests/host/conformance.rs).
//
// Needs workerd (`npm ci`), Chromium (/usr/bin/chromium) and the wasm builds (`cargo xtask wasm`);
// without them every test here fails saying how to get them.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  assertSameLines,
  deliveriesOfGolden,
  goldenLines,
  jobOf,
  jsonDiff,
  loadConversations,
  loadNodeBuilds,
  runJobs,
} from '../test-support/conformance.mjs';
import { startConformancePage, startConformanceWorkerd } from '../test-support/conformance-hosts.mjs';
import { killAllWorkerd } from '../test-support/worker-workerd.mjs';

const conversations = loadConversations();
const HOSTS = ['Node', 'abi in Node', 'workerd', 'Chromium'];
const cut = (conv) => Math.floor(conv.lines.length / 2);

describe('a state saved by one host restores in another', () => {
  let worker;
  let page;
  /** host -> name -> the result of playing the first half and saving. */
  const saved = new Map(HOSTS.map((h) => [h, new Map()]));
  /** `${name} ${origin} ${target}` -> the result of restoring origin's state in target. */
  const restored = new Map();

  before(async () => {
    const { builds } = await loadNodeBuilds();
    [worker, page] = await Promise.all([startConformanceWorkerd(), startConformancePage()]);
    const run = {
      Node: async (jobs) => runJobs(builds.speed, jobs),
      'abi in Node': async (jobs) => runJobs(builds.abi, jobs),
      workerd: (jobs) => worker.jobs(jobs),
      Chromium: (jobs) => page.jobs(jobs),
    };
    const runnable = conversations.filter((c) => !c.problem);

    // The first halves, and the states saved at the cut.
    const firstHalves = runnable.map((conv) => jobOf(conv, { to: cut(conv), saveAt: cut(conv) }));
    await Promise.all(
      HOSTS.map(async (host) => {
        const results = await run[host](firstHalves);
        runnable.forEach((conv, i) => saved.get(host).set(conv.name, results[i]));
      }),
    );

    // Every saved state restored in every other host, for the second half.
    const plan = new Map(HOSTS.map((h) => [h, []]));
    for (const conv of runnable) {
      for (const origin of HOSTS) {
        const first = saved.get(origin).get(conv.name);
        if (!first?.saved) continue;
        for (const target of HOSTS.filter((h) => h !== origin)) {
          plan.get(target).push({
            key: `${conv.name} ${origin} ${target}`,
            job: jobOf(conv, { restore: { state: first.saved.state, deliveries: first.saved.deliveries, at: cut(conv) } }),
          });
        }
      }
    }
    await Promise.all(
      HOSTS.map(async (target) => {
        const entries = plan.get(target);
        const results = await run[target](entries.map((e) => e.job));
        entries.forEach((e, i) => restored.set(e.key, results[i]));
      }),
    );
  });

  after(async () => {
    killAllWorkerd();
    await worker?.kill();
    await page?.close();
  });

  it('finds the conversations', () => {
    assert.ok(conversations.length > 0, 'no conversations in examples/conversations/');
  });

  for (const conv of conversations) {
    it(`${conv.name}: the state each host saves half way restores in every other host and continues identically`, () => {
      if (conv.problem) assert.fail(conv.problem);
      const golden = goldenLines(conv);
      const at = cut(conv);
      const where = `before step ${at + 1} of ${conv.lines.length}${conv.lines[at] ? ` (input line ${conv.lines[at].number})` : ''}`;

      // Each host's first half is the golden one, and all save the same state and delivery log.
      const reference = saved.get('Node').get(conv.name);
      for (const host of HOSTS) {
        const result = saved.get(host).get(conv.name);
        assert.ok(result, `${conv.name}: no result from ${host}`);
        if (result.failure) assert.fail(`${conv.name}: the first half in ${host} failed: ${result.failure}`);
        assertSameLines(conv, result.lines, golden.slice(0, at), `${host}, the first half`);
        assert.deepEqual(
          result.saved.deliveries,
          deliveriesOfGolden(golden.slice(0, at)),
          `${conv.name}: ${host}'s delivery log ${where} is the golden replay's`,
        );
        if (host !== 'Node' && result.saved.state !== reference.saved.state) {
          const diff = jsonDiff(JSON.parse(reference.saved.state), JSON.parse(result.saved.state));
          assert.fail(
            `${conv.name}: the state ${host} saved ${where} is not the bytes Node saved:\n` +
              `${diff.map((d) => `  ${d}`).join('\n') || '  the same JSON values, different bytes'}\n` +
              `  ("golden" is Node's state: ${reference.saved.state.length} characters; ${host}'s: ${result.saved.state.length})`,
          );
        }
      }

      // Each saved state, restored in every other host, gives the rest of the golden vector.
      for (const origin of HOSTS) {
        for (const target of HOSTS.filter((h) => h !== origin)) {
          const how = `${target} restored from the state ${origin} saved ${where}`;
          const result = restored.get(`${conv.name} ${origin} ${target}`);
          assert.ok(result, `${conv.name}: no result for ${how}`);
          if (result.failure) assert.fail(`${conv.name} (${how}): ${result.failure}`);
          assert.equal(
            result.restoredState,
            saved.get(origin).get(conv.name).saved.state,
            `${conv.name} (${how}): stateJson() after restore is not the saved state`,
          );
          assertSameLines(conv, result.lines, golden.slice(at), how, at);
        }
      }
    });
  }
});
