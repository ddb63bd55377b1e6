// The conformance vectors from Node: every examples/conversations/*.jsonl (found anew on each run),
// its golden file tests/vectors/<name>.outputs.jsonl, the wasm builds Node runs (the size-built and
// speed-built `js` modules and the `abi` module), and assertions that print the vector, the step
// and a readable diff. Shared by test/conformance.test.mjs (Node), conformance.workerd.test.mjs,
// conformance.browser.test.mjs and conformance.cross-host.test.mjs; the replay itself is
// replay-core.mjs, which workerd and Chromium run too.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMismatch, isRefusal, parseConversation } from './replay-core.mjs';

export * from './replay-core.mjs';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CONVERSATIONS_DIR = join(ROOT, 'examples', 'conversations');
export const VECTORS_DIR = join(ROOT, 'tests', 'vectors');
export const GLUE = join(ROOT, 'host-node', 'wasm', 'handoff_wasm.js');
export const SIZE_WASM = join(ROOT, 'host-node', 'wasm', 'handoff_wasm_bg.wasm');
export const SPEED_WASM = join(ROOT, 'host-node', 'wasm', 'handoff_wasm_speed.wasm');
export const ABI_WASM = join(ROOT, 'target', 'wasm', 'handoff_abi.wasm');

/** How to accept intended changes of the outputs, for failure messages. */
export const BLESS_HINT = 'if the change of outputs is intended: `cargo xtask vectors` shows it, `cargo xtask vectors --bless` accepts it';

/** Why the wasm builds cannot be used, or null. */
export function wasmBuildsMissing() {
  const absent = [GLUE, SIZE_WASM, SPEED_WASM, ABI_WASM].filter((p) => !existsSync(p));
  return absent.length ? `the wasm build is missing (${absent.join(', ')}): run \`cargo xtask wasm\`` : null;
}

/** Every `*.jsonl` in examples/conversations/, sorted by name (read when called). */
export function conversationFiles() {
  return readdirSync(CONVERSATIONS_DIR)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => join(CONVERSATIONS_DIR, f));
}

/** Reads and parses a conversation file (a configuration path is read relative to it). */
export function loadConversation(path) {
  return parseConversation(readFileSync(path, 'utf8'), {
    path,
    readConfig: (relative) => readFileSync(join(dirname(path), relative), 'utf8'),
  });
}

/** Every conversation; a file that does not parse is `{path, name, problem}` instead. */
export function loadConversations() {
  return conversationFiles().map((path) => {
    try {
      return loadConversation(path);
    } catch (error) {
      return { path, name: basename(path, '.jsonl'), problem: error.message, lines: [] };
    }
  });
}

/** The job replay-core.mjs's `runJob` runs: the conversation's path, configuration and lines. */
export function jobOf(conv, extra = {}) {
  return { path: `examples/conversations/${conv.name}.jsonl`, config: conv.config, lines: conv.lines, ...extra };
}

export const goldenPath = (name) => join(VECTORS_DIR, `${name}.outputs.jsonl`);

export const changesPath = (name) => join(VECTORS_DIR, `${name}.changes.jsonl`);

/**
 * A job's change sets (`runJob` with `changes: true`) are tests/vectors/<name>.changes.jsonl byte
 * for byte, and the rows they add up to restored the replay's state.
 */
export function assertGoldenChanges(conv, result, how) {
  const path = changesPath(conv.name);
  if (!existsSync(path)) assert.fail(`${path} is missing: write it with \`cargo xtask vectors --bless\``);
  const golden = readFileSync(path, 'utf8');
  const lines = result.changes ?? [];
  const want = golden.replace(/\n$/, '').split('\n');
  assert.equal(lines.length, want.length, `${conv.name} (${how}): one change set per input`);
  lines.forEach((line, k) => {
    assert.equal(line, want[k], `${conv.name}:${conv.lines[k].number} (${how}): the change set differs from ${path} line ${k + 1}`);
  });
  assert.equal(lines.map((l) => `${l}\n`).join(''), golden, `${conv.name} (${how}): the bytes of ${path}`);
  assert.equal(result.rowsRestore, 'same', `${conv.name} (${how}): restoring from the rows`);
}

/** The golden file's bytes; fails saying how to make it when it is missing or the file is bad. */
export function goldenBytes(conv) {
  if (conv.problem) assert.fail(conv.problem);
  const path = goldenPath(conv.name);
  if (!existsSync(path)) {
    assert.fail(`${path} is missing: the golden outputs of ${conv.path}; write it with \`cargo xtask vectors --bless\``);
  }
  return readFileSync(path);
}

/** The golden lines (text, without their newlines). */
export function goldenLines(conv) {
  const text = goldenBytes(conv).toString('utf8');
  assert.ok(text.endsWith('\n'), `${goldenPath(conv.name)}: the golden file ends with a newline`);
  return text.slice(0, -1).split('\n');
}

/**
 * Fails with the vector, the first differing steps and a readable diff unless `actual` (a host's
 * golden lines for steps `from…`) equals `expected` line for line.
 */
export function assertSameLines(conv, actual, expected, how, from = 0) {
  const report = describeMismatch(conv, actual, expected, how, from);
  if (report !== null) assert.fail(`${report}\n(${BLESS_HINT})`);
}

/**
 * The whole golden file, byte for byte: `lines` (a host's golden lines for every step) joined with
 * newlines must be exactly the file's bytes.
 */
export function assertGoldenBytes(conv, lines, how) {
  const golden = goldenBytes(conv);
  const expected = goldenLines(conv);
  assertSameLines(conv, lines, expected, how);
  const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8');
  assert.ok(bytes.equals(golden), `${conv.name} (${how}): the same lines but not the same bytes as ${goldenPath(conv.name)}`);
}

/** Each step refused exactly when its line says `"expect_error": true`. */
export function assertRefusals(conv, lines, how, from = 0) {
  lines.forEach((text, k) => {
    const line = conv.lines[from + k];
    const refused = isRefusal(text);
    assert.equal(
      refused,
      line.expectError,
      `${conv.name}:${line.number} (${how}): ${line.expectError ? 'expected an error, but the input was accepted' : `unexpected error: ${text}`}`,
    );
  });
}

/**
 * The `abi` build behind the JSON text API of `Engine` (`handleJson`, `stateJson`, `Engine.restore`),
 * one instance per engine, throwing what the envelope's `error` holds as the js build does.
 */
export class AbiEngine {
  static #module = null;

  static get module() {
    AbiEngine.#module ??= new WebAssembly.Module(readFileSync(ABI_WASM));
    return AbiEngine.#module;
  }

  constructor(config, state, records) {
    this.x = new WebAssembly.Instance(AbiEngine.module, {}).exports;
    const configText = typeof config === 'string' ? config : JSON.stringify(config);
    if (records !== undefined) {
      this.#call('RestoreError', (c, r) => this.x.handoff_restore_records(...c, ...r), configText, records);
    } else if (state === undefined) {
      this.#call('ConfigError', (c) => this.x.handoff_new(...c), configText);
    } else {
      this.#call('RestoreError', (c, s) => this.x.handoff_restore(...c, ...s), configText, state);
    }
  }

  static restore(config, state) {
    return new AbiEngine(config, typeof state === 'string' ? state : JSON.stringify(state));
  }

  /** `handoff_restore_records` from `[{kind, id, value}]` (`value` JSON text) or that array's JSON text. */
  static restoreRecords(config, records) {
    const text =
      typeof records === 'string'
        ? records
        : `[${records.map(({ kind, id, value }) => `{"kind":${JSON.stringify(kind)},"id":${JSON.stringify(id)},"value":${value}}`).join(',')}]`;
    return new AbiEngine(config, undefined, text);
  }

  takeChangesJson() {
    return this.#call('Error', () => this.x.handoff_take_changes());
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

/**
 * The builds Node runs, each through its own instance of the wasm-bindgen glue: `js` (the
 * size-built module browsers and workers load), `speed` (the module Node loads) and `abi`.
 * Throws saying how to build them when they are missing.
 */
export async function loadNodeBuilds() {
  const missing = wasmBuildsMissing();
  if (missing) throw new Error(missing);
  const bindings = await import(new URL('../wasm/handoff_wasm.js', import.meta.url));
  await bindings.default({ module_or_path: readFileSync(SIZE_WASM) });
  // The query makes it a separate ES module, so both builds are live in this process.
  const speedBindings = await import(new URL('../wasm/handoff_wasm.js?speed', import.meta.url));
  await speedBindings.default({ module_or_path: readFileSync(SPEED_WASM) });
  assert.notEqual(speedBindings.Engine, bindings.Engine, 'two separate instances of the glue');
  return { bindings, speedBindings, builds: { js: bindings.Engine, speed: speedBindings.Engine, abi: AbiEngine } };
}
