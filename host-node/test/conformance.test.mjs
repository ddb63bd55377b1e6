// The conformance vectors through the `js` wasm build: every examples/conversations/*.jsonl replayed
// through `Engine` (wasm-bindgen, `--target web`) must give exactly tests/vectors/<name>.outputs.jsonl,
// byte for byte, as the native replay does (tests/src/lib.rs, whose file format, `$last` /
// `$last:<event>` references and `expect_error` rules this file mirrors).
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
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const conversationsDir = join(root, 'examples', 'conversations');
const vectorsDir = join(root, 'tests', 'vectors');
const glue = join(root, 'host-node', 'wasm', 'handoff_wasm.js');
const wasmPath = join(root, 'host-node', 'wasm', 'handoff_wasm_bg.wasm');
const speedWasmPath = join(root, 'host-node', 'wasm', 'handoff_wasm_speed.wasm');
const abiPath = join(root, 'target', 'wasm', 'handoff_abi.wasm');

for (const built of [glue, wasmPath, speedWasmPath, abiPath]) {
  if (!existsSync(built)) throw new Error(`the wasm build is missing (${built}): run \`cargo xtask wasm\``);
}
const bindings = await import(new URL('../wasm/handoff_wasm.js', import.meta.url));
await bindings.default({ module_or_path: readFileSync(wasmPath) });
const { Engine } = bindings;
// The module Node loads (built for speed), through its own instance of the same glue: the query
// makes it a separate ES module, so both builds are live in this process.
const speedBindings = await import(new URL('../wasm/handoff_wasm.js?speed', import.meta.url));
await speedBindings.default({ module_or_path: readFileSync(speedWasmPath) });
assert.notEqual(speedBindings.Engine, Engine, 'two separate instances of the glue');

/**
 * The `abi` build behind the JSON text API of `Engine` (`handleJson`, `stateJson`, `Engine.restore`),
 * one instance per engine, throwing what the envelope's `error` holds as the js build does.
 */
class AbiEngine {
  static module = new WebAssembly.Module(readFileSync(abiPath));

  constructor(config, state) {
    this.x = new WebAssembly.Instance(AbiEngine.module, {}).exports;
    const configText = typeof config === 'string' ? config : JSON.stringify(config);
    if (state === undefined) {
      this.#call('ConfigError', (c) => this.x.handoff_new(...c), configText);
    } else {
      this.#call('RestoreError', (c, s) => this.x.handoff_restore(...c, ...s), configText, state);
    }
  }

  static restore(config, state) {
    return new AbiEngine(config, typeof state === 'string' ? state : JSON.stringify(state));
  }

  /** Calls `f` with each text as a (ptr, len) buffer; returns the exact bytes of the `ok` value. */
  #call(name, f, ...texts) {
    const bufs = texts.map((t) => {
      const bytes = new TextEncoder().encode(t);
      const ptr = this.x.handoff_alloc(bytes.length);
      assert.notEqual(ptr, 0, 'handoff_alloc failed');
      new Uint8Array(this.x.memory.buffer, ptr, bytes.length).set(bytes);
      return [ptr, bytes.length];
    });
    const packed = f(...bufs);
    for (const [ptr, len] of bufs) this.x.handoff_free(ptr, len);
    assert.notEqual(packed, 0n, 'the guest could not allocate the result');
    const ptr = Number(packed >> 32n);
    const len = Number(packed & 0xffffffffn);
    const text = new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(this.x.memory.buffer, ptr, len));
    this.x.handoff_free(ptr, len);
    if (text.startsWith('{"ok":')) return text.slice('{"ok":'.length, -1);
    const { error } = JSON.parse(text);
    const errors = error.errors ?? [error];
    const thrown = new Error(errors.map((e) => `${e.path}: ${e.message}${e.value === undefined ? '' : ` (got ${e.value})`}`).join('\n'));
    Object.assign(thrown, { name, path: errors[0].path, errors });
    throw thrown;
  }

  handleJson(input, now) {
    return this.#call('InputError', (i) => this.x.handoff_handle(...i, BigInt(now)), input);
  }

  handle(input, now) {
    return JSON.parse(this.handleJson(JSON.stringify(input), now));
  }

  stateJson() {
    return this.#call('Error', () => this.x.handoff_state());
  }

  state() {
    return JSON.parse(this.stateJson());
  }
}

const BUILDS = { js: Engine, speed: speedBindings.Engine, abi: AbiEngine };

/** A problem with a conversation file itself, named as the Rust replay names it. */
function replayError(file, line, message) {
  return new Error(line == null ? `${file}: ${message}` : `${file}:${line}: ${message}`);
}

/** Parses a conversation file as `handoff_conformance::parse` does. */
function parseConversation(path) {
  const text = readFileSync(path, 'utf8');
  let config; // JSON text (a file's own bytes) or an inline object
  const lines = [];
  // Rust's str::lines: split on \n, drop one trailing \r.
  const raw = text.split('\n');
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  raw.forEach((rawLine, i) => {
    const number = i + 1;
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === '') return;
    const err = (message) => replayError(path, number, message);
    let value;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw err(`not valid JSON: ${e.message}`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw err('expected a JSON object');
    }
    if (config === undefined) {
      if (!('config' in value)) {
        throw err('the first line must be {"config": "<path>"} or {"config": {...}}');
      }
      const extra = Object.keys(value).find((k) => k !== 'config');
      if (extra !== undefined) throw err(`unknown key "${extra}" on the config line (only "config")`);
      const spec = value.config;
      if (typeof spec === 'string') {
        config = readFileSync(join(dirname(path), spec), 'utf8');
      } else if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) {
        config = spec;
      } else {
        throw err(`"config" must be a path or an object, found ${JSON.stringify(spec)}`);
      }
      return;
    }
    const { now, input, expect_error: expectError, ...rest } = value;
    if (now === undefined) throw err('missing "now" (epoch milliseconds)');
    if (!Number.isSafeInteger(now)) throw err(`"now" must be epoch milliseconds, found ${JSON.stringify(now)}`);
    if (input === undefined) throw err('missing "input"');
    if (expectError !== undefined && typeof expectError !== 'boolean') {
      throw err(`"expect_error" must be true or false, found ${JSON.stringify(expectError)}`);
    }
    const extra = Object.keys(rest)[0];
    if (extra !== undefined) {
      throw err(`unknown key "${extra}" (expected "now", "input" and optionally "expect_error")`);
    }
    lines.push({ number, now, input, expectError: expectError ?? false });
  });
  if (config === undefined) throw replayError(path, null, 'empty: expected a {"config": ...} line first');
  return { path, name: basename(path, '.jsonl'), config, lines };
}

/**
 * Plays inputs through one engine, resolving delivery references, as `handoff_conformance::Replayer`.
 * `api` is 'json' (handleJson: the exact bytes) or 'object' (handle: JS values).
 */
class Replayer {
  constructor(engine, api) {
    this.engine = engine;
    this.api = api;
    /** Every delivery handed out so far, oldest first: [event, delivery_id]. */
    this.deliveries = [];
  }

  resolve(conv, line) {
    const input = structuredClone(line.input);
    if (input !== null && typeof input === 'object' && !Array.isArray(input) && typeof input.delivery_id === 'string') {
      const id = input.delivery_id;
      if (id.startsWith('$last')) {
        const reference = id.slice('$last'.length);
        let event = null;
        if (reference !== '') {
          if (!reference.startsWith(':')) {
            throw replayError(conv.path, line.number, `bad delivery reference "${id}": write "$last" or "$last:<event>"`);
          }
          event = reference.slice(1);
        }
        const found = [...this.deliveries].reverse().find(([e]) => event === null || e === event);
        if (!found) {
          throw replayError(
            conv.path,
            line.number,
            event === null
              ? '"$last": no delivery has been handed out yet'
              : `"$last:${event}": no ${event} delivery has been handed out yet`,
          );
        }
        input.delivery_id = found[1];
      }
    }
    return input;
  }

  /** One golden line: `{"now":…,"outputs":[…]}` or `{"now":…,"error":{…}}`, and whether it was refused. */
  step(conv, line) {
    const input = this.resolve(conv, line);
    let outputsText;
    let outputs;
    try {
      if (this.api === 'json') {
        outputsText = this.engine.handleJson(JSON.stringify(input), line.now);
        outputs = JSON.parse(outputsText);
      } else {
        outputs = this.engine.handle(input, line.now);
        outputsText = JSON.stringify(outputs);
      }
    } catch (error) {
      assert.ok(error instanceof Error, `line ${line.number}: not an Error: ${error}`);
      assert.equal(error.name, 'InputError', `line ${line.number}: ${error}`);
      assert.ok(Array.isArray(error.errors) && error.errors.length === 1, `line ${line.number}: ${error}`);
      assert.equal(error.path, error.errors[0].path);
      assert.ok(error.message.startsWith(`${error.path}: `), `the message names the path: ${error.message}`);
      return { text: `{"now":${line.now},"error":${JSON.stringify(error.errors[0])}}`, refused: true };
    }
    for (const output of outputs) {
      if (output.type === 'delivery') this.deliveries.push([output.event, output.delivery_id]);
    }
    return { text: `{"now":${line.now},"outputs":${outputsText}}`, refused: false };
  }
}

const conversationFiles = readdirSync(conversationsDir)
  .filter((f) => f.endsWith('.jsonl'))
  .sort()
  .map((f) => join(conversationsDir, f));

test('there are conversations and a golden file for each', () => {
  assert.ok(conversationFiles.length > 0, `no conversations in ${conversationsDir}`);
  for (const file of conversationFiles) {
    const golden = join(vectorsDir, `${basename(file, '.jsonl')}.outputs.jsonl`);
    assert.ok(existsSync(golden), `${golden} is missing`);
  }
});

function goldenLines(conv) {
  const text = readFileSync(join(vectorsDir, `${conv.name}.outputs.jsonl`), 'utf8');
  assert.ok(text.endsWith('\n'), `${conv.name}: the golden file ends with a newline`);
  return text.slice(0, -1).split('\n');
}

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
    const { text, refused } = replayer.step(conv, line);
    assert.equal(
      refused,
      line.expectError,
      `${conv.name}:${line.number}: ${line.expectError ? 'expected an error, but the input was accepted' : `unexpected error: ${text}`}`,
    );
    out.push(text);
  });
  return out;
}

/** The first differing line, shown as the native conformance test shows it. */
function assertSameLines(conv, actual, expected, how) {
  for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
    if (actual[i] !== expected[i]) {
      const at = [...(actual[i] ?? '')].findIndex((c, k) => c !== [...(expected[i] ?? '')][k]);
      const line = conv.lines[i]?.number ?? '?';
      assert.fail(
        `${conv.name} (${how}): output line ${i + 1} (input line ${line}) differs at character ${at}\n` +
          `  expected: ${expected[i]}\n  actual:   ${actual[i]}`,
      );
    }
  }
}

for (const file of conversationFiles) {
  const conv = parseConversation(file);

  test(`${conv.name}: wasm outputs are byte-identical to the golden vectors`, () => {
    const expected = goldenLines(conv);
    const actual = replay(conv);
    assert.equal(actual.length, conv.lines.length);
    assertSameLines(conv, actual, expected, 'handleJson');
    const goldenText = readFileSync(join(vectorsDir, `${conv.name}.outputs.jsonl`), 'utf8');
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
      e.message.startsWith('input.signals.sentiment: expected a number from -1 to 1'),
  );
  assert.throws(() => engine.handleJson('{"type": ', now), (e) => e.path === 'input' && /not valid JSON/.test(e.message));
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
