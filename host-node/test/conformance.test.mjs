// The conformance vectors through the `js` wasm build: every examples/conversations/*.jsonl replayed
// through `Engine` (wasm-bindgen, `--target web`) must give exactly tests/vectors/<name>.outputs.jsonl,
// byte for byte, as the native replay does (tests/src/lib.rs). The file format, `$last` /
// `$last:<event>` references and `expect_error` rules are read by test-support/replay-core.mjs, the
// same code the workerd and Chromium conformance tests run (conformance.workerd.test.mjs,
// conformance.browser.test.mjs, conformance.cross-host.test.mjs).
//
// Byte identity is checked on the JSON text API (`handleJson`, `stateJson`): that text is written by
// serde_json inside the wasm module, exactly as natively. The object API (`handle`, `state`) goes
// through JSON.parse, so it is compared after the same JSON.parse/JSON.stringify on the golden side
// (JS writes the float 0.0 as 0): same fields, same order, same values.
//
// The same vectors are also played through the `abi` build (target/wasm/handoff_abi.wasm, the plain
// ABI of wasm/README.md, one instance per engine), whose `{"ok": ...}` bytes must match as well.
//
// Needs the builds: `cargo xtask wasm` (or `cargo xtask test`, which runs this file).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT as root,
  CONVERSATIONS_DIR as conversationsDir,
  Replayer,
  assertGoldenChanges,
  assertSameLines,
  conversationFiles as listConversations,
  goldenLines,
  goldenPath,
  jobOf,
  loadConversation,
  loadNodeBuilds,
  runJob,
} from '../test-support/conformance.mjs';

// The builds (the size-built `js` module, the speed-built one Node loads, and `abi`), each through
// its own instance of the glue; throws saying `cargo xtask wasm` when they are missing.
const { bindings, builds: BUILDS } = await loadNodeBuilds();
const { Engine } = bindings;

const conversationFiles = listConversations();

test('there are conversations and a golden file for each', () => {
  assert.ok(conversationFiles.length > 0, `no conversations in ${conversationsDir}`);
  for (const file of conversationFiles) {
    const golden = goldenPath(loadConversation(file).name);
    assert.ok(existsSync(golden), `${golden} is missing: write it with \`cargo xtask vectors --bless\``);
  }
});

/**
 * Replays `conv`; before the input at index `split` (if any) the engine is replaced by one restored
 * from its state, taken by `snapshot` ('object': state(), 'json': stateJson()).
 */
function replay(conv, { build = 'js', api = 'json', split = -1, snapshot = 'json' } = {}) {
  const Engine = BUILDS[build];
  const replayer = new Replayer(new Engine(conv.config), api);
  const out = [];
  conv.lines.forEach((line, i) => {
    if (i === split) {
      const before = replayer.engine.stateJson();
      const saved = snapshot === 'object' ? replayer.engine.state() : before;
      replayer.engine = Engine.restore(conv.config, saved);
      assert.equal(
        replayer.engine.stateJson(),
        before,
        `${conv.name}: the state restored before line ${line.number} (from ${snapshot}) differs`,
      );
    }
    const { text, refused } = replayer.step(conv.path, line);
    assert.equal(
      refused,
      line.expectError,
      `${conv.name}:${line.number}: ${line.expectError ? 'expected an error, but the input was accepted' : `unexpected error: ${text}`}`,
    );
    out.push(text);
  });
  return out;
}

for (const file of conversationFiles) {
  const conv = loadConversation(file);

  test(`${conv.name}: wasm outputs are byte-identical to the golden vectors`, () => {
    const expected = goldenLines(conv);
    const actual = replay(conv);
    assert.equal(actual.length, conv.lines.length);
    assertSameLines(conv, actual, expected, 'handleJson');
    const goldenText = readFileSync(goldenPath(conv.name), 'utf8');
    assert.equal(actual.map((l) => `${l}\n`).join(''), goldenText);
  });

  test(`${conv.name}: the abi build's outputs are byte-identical to the golden vectors`, () => {
    const expected = goldenLines(conv);
    assertSameLines(conv, replay(conv, { build: 'abi' }), expected, 'abi handoff_handle');
    const half = Math.floor(conv.lines.length / 2);
    assertSameLines(conv, replay(conv, { build: 'abi', split: half }), expected, `abi restored before input ${half + 1}`);
  });

  test(`${conv.name}: the speed-built module Node loads gives byte-identical outputs`, () => {
    const expected = goldenLines(conv);
    assertSameLines(conv, replay(conv, { build: 'speed' }), expected, 'speed handleJson');
    const half = Math.floor(conv.lines.length / 2);
    assertSameLines(conv, replay(conv, { build: 'speed', split: half }), expected, `speed restored before input ${half + 1}`);
  });

  test(`${conv.name}: every build's change sets are the golden ones byte for byte, and their rows restore`, () => {
    for (const build of ['js', 'speed', 'abi']) {
      assertGoldenChanges(conv, runJob(BUILDS[build], jobOf(conv, { changes: true })), `${build} takeChangesJson`);
    }
  });

  test(`${conv.name}: the object API gives the same fields in the same order`, () => {
    const expected = goldenLines(conv).map((l) => JSON.stringify(JSON.parse(l)));
    assertSameLines(conv, replay(conv, { api: 'object' }), expected, 'handle');
  });

  test(`${conv.name}: restoring half way from state() continues with identical outputs`, () => {
    const expected = goldenLines(conv);
    const half = Math.floor(conv.lines.length / 2);
    assertSameLines(conv, replay(conv, { split: half, snapshot: 'object' }), expected, `restored from state() before input ${half + 1}`);
    assertSameLines(conv, replay(conv, { split: half, snapshot: 'json' }), expected, `restored from stateJson() before input ${half + 1}`);
  });

  test(`${conv.name}: restoring before any input continues with identical outputs`, () => {
    const expected = goldenLines(conv);
    for (let split = 0; split <= conv.lines.length; split++) {
      assertSameLines(conv, replay(conv, { split }), expected, `restored before input ${split + 1}`);
    }
  });
}

test('errors are thrown as Error with the JSON path, and leave the state unchanged', () => {
  const engine = new Engine({ handoff: { routing: { auto_accept: true } } });
  const now = 1_768_213_800_000;
  engine.handle({ type: 'agent_update', agent: { id: 'agent_1', name: 'Asha', status: 'online' } }, now);
  const before = engine.stateJson();
  assert.throws(
    () => engine.handle({ type: 'customer_message', conversation_id: 'c1', text: 'hi', signals: { sentiment: 2 } }, now),
    (e) =>
      e instanceof Error &&
      e.name === 'InputError' &&
      e.path === 'input.signals.sentiment' &&
      e.kind === 'out_of_range' &&
      e.value === '2.0' &&
      e.errors[0].kind === 'out_of_range' &&
      e.message.startsWith('input.signals.sentiment: expected a number from -1 to 1'),
  );
  assert.throws(() => engine.handleJson('{"type": ', now), (e) => e.path === 'input' && e.kind === 'not_json' && /not valid JSON/.test(e.message));
  assert.throws(() => engine.handle({ type: 'tick' }, 1.5), (e) => e.path === 'now' && e.errors[0].value === '1.5');
  assert.throws(() => engine.handle({ type: 'tick' }, -1), (e) => e.path === 'now');
  assert.throws(() => engine.handle(undefined, now), (e) => e.path === 'input');
  assert.equal(engine.stateJson(), before);
});

test('configuration errors list every problem', () => {
  const bad = { handoff: { routing: { method: 'nope', offer_timeout_seconds: -1 } } };
  assert.throws(
    () => new Engine(bad),
    (e) => {
      assert.equal(e.name, 'ConfigError');
      assert.ok(e.errors.length >= 2, JSON.stringify(e.errors));
      assert.equal(e.path, e.errors[0].path);
      assert.equal(e.kind, e.errors[0].kind);
      assert.deepEqual(
        e.errors.map(({ path, kind }) => [path, kind]),
        [
          ['handoff.routing.method', 'unknown_variant'],
          ['handoff.routing.offer_timeout_seconds', 'out_of_range'],
        ],
      );
      for (const { path } of e.errors) assert.ok(e.message.includes(`${path}: `), `${path} in: ${e.message}`);
      assert.ok(e.message.startsWith(`${e.errors.length} configuration errors`), e.message);
      return true;
    },
  );
  assert.throws(() => new Engine('{not json'), (e) => e.name === 'ConfigError' && e.errors.length === 1);
  assert.throws(
    () => Engine.restore({ handoff: {} }, '{"version": 999}'),
    (e) => e.name === 'RestoreError' && e.path === 'state.version' && /newer/.test(e.message),
  );
});

test('takeChanges gives records as JSON text; restoreRecords refuses bad rows with their paths', () => {
  const config = { handoff: { routing: { auto_accept: true } } };
  const engine = new Engine(config);
  const now = 1_768_213_800_000;
  engine.handle({ type: 'agent_update', agent: { id: 'agent_1', name: 'Asha', status: 'online' } }, now);
  const first = engine.takeChanges();
  assert.deepEqual(first.map(({ kind, id }) => [kind, id]), [['engine', 'engine'], ['agent', 'agent_1']]);
  assert.equal(typeof first[1].value, 'string');
  assert.equal(JSON.parse(first[1].value).name, 'Asha');
  assert.deepEqual(engine.takeChanges(), [], 'nothing changed since');
  engine.handle({ type: 'customer_message', conversation_id: 'c1', text: 'I want a human' }, now + 1000);
  const rows = new Map(first.map((r) => [`${r.kind}/${r.id}`, r]));
  for (const r of engine.takeChanges()) {
    if (r.value === null) rows.delete(`${r.kind}/${r.id}`);
    else rows.set(`${r.kind}/${r.id}`, r);
  }
  assert.ok(rows.has('conversation/c1'));
  const restored = Engine.restoreRecords(config, [...rows.values()].reverse());
  assert.equal(restored.stateJson(), engine.stateJson());
  assert.equal(restored.takeChangesJson(), '[]', 'it holds those rows');
  const asObjects = [...rows.values()].map((r) => ({ ...r, value: JSON.parse(r.value) }));
  assert.equal(Engine.restoreRecords(config, asObjects).stateJson(), engine.stateJson());
  assert.throws(
    () => Engine.restoreRecords(config, [{ kind: 'agents', id: 'a', value: '{}' }]),
    (e) => e.name === 'RestoreError' && e.path === 'records[0].kind' && e.kind === 'unknown_variant',
  );
  assert.throws(
    () => Engine.restoreRecords(config, [{ kind: 'agent', id: 'a', value: null }]),
    (e) => e.name === 'RestoreError' && e.path === 'records[0].value',
  );
  assert.throws(
    () => Engine.restoreRecords(config, [{ kind: 'conversation', id: 'c1', value: rows.get('conversation/c1').value }]),
    (e) => e.name === 'RestoreError' && e.kind === 'missing',
  );
  assert.throws(() => Engine.restoreRecords(config, '[{"kind":"agent"}]'), (e) => e.name === 'RestoreError' && e.path === 'records[0]');
});

test('nextWakeup, hours and sign', () => {
  const engine = new Engine({ handoff: {} });
  assert.equal(engine.nextWakeup(), undefined);
  assert.equal(engine.hours(0), null);
  const kolkata = new Engine(readFileSync(join(root, 'examples', 'business-hours.json'), 'utf8'));
  // Monday 2026-01-12 16:00 in Kolkata: open until 18:00 (12:30Z), open again Tuesday 09:00.
  assert.deepEqual(kolkata.hours(1_768_213_800_000), {
    open: true,
    next_opening: 1_768_275_000_000,
    next_closing: 1_768_221_000_000,
  });
  assert.throws(() => kolkata.hours(Number.NaN), (e) => e.path === 'atMs');
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const expected = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
  assert.equal(bindings.sign(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}'), expected);
  const bytes = new TextEncoder().encode('{"test": 2432232314}');
  assert.equal(bindings.sign(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, bytes), expected);
  assert.throws(
    () => bindings.sign('not-a-secret', 'm', 1, ''),
    (e) => e.name === 'SigningError' && e.path === 'secret' && !e.message.includes('not-a-secret'),
  );
  assert.throws(() => bindings.sign(secret, 'm', 1, 42), (e) => e.path === 'body');
});
