// The conformance replay, host-independent: parsing a conversation file's text, resolving `$last`
// delivery references, playing inputs through an engine and writing golden vector lines, and a
// readable diff of two golden lines. Plain JavaScript with no imports, so the very same code runs in
// Node (test/conformance*.test.mjs), in workerd (test-support/conformance-worker/) and in a
// Chromium page (test-support/conformance-page.html).
//
// It mirrors the one Rust reader, `handoff_core::conversation` (format, error messages, `$last` /
// `$last:<event>` resolution), and `handoff_conformance::Step::golden_line`: a golden line is
// `{"now":…,"outputs":<the engine's handleJson text>}` or `{"now":…,"error":{…}}`.
//
// An engine class here is anything with the js build's JSON text API: `new Engine(config)`,
// `Engine.restore(config, stateJson)`, `engine.handleJson(inputJson, now)` (throwing an Error with
// `name` 'InputError', `path` and `errors`), `engine.stateJson()`, optionally `engine.handle` (the
// object API) and `engine.free()`.

/** A problem with a conversation file itself, named as the Rust replay names it (`file:line: …`). */
export function replayError(file, line, message) {
  return new Error(line == null ? `${file}: ${message}` : `${file}:${line}: ${message}`);
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The file name without its folder and `.jsonl` (`spec-walkthrough`). */
export function conversationName(path) {
  return String(path).split(/[\\/]/).pop().replace(/\.jsonl$/, '');
}

/**
 * Parses a conversation file's text as `handoff_core::conversation::parse(text, true)` does.
 * `readConfig(relative)` returns the text of a configuration file named relative to the
 * conversation (`{"config": "../handoff-settings.json"}`); an inline configuration stays an object.
 *
 * @returns {{path: string, name: string, config: string | object,
 *            lines: Array<{number: number, now: number, input: unknown, expectError: boolean}>}}
 */
export function parseConversation(text, { path, readConfig }) {
  let config; // JSON text (a file's own bytes) or an inline object
  let seenConfig = false;
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
    if (!isObject(value)) throw err('expected a JSON object');
    if (!seenConfig) {
      if (!('config' in value)) {
        throw err('the first line must be {"config": "<path>"} or {"config": {...}}');
      }
      const extra = Object.keys(value).find((k) => k !== 'config');
      if (extra !== undefined) throw err(`unknown key "${extra}" on the config line (only "config")`);
      const spec = value.config;
      if (typeof spec === 'string') {
        config = readConfig(spec);
      } else if (isObject(spec)) {
        config = spec;
      } else {
        throw err(`"config" must be a path or an object, found ${JSON.stringify(spec)}`);
      }
      seenConfig = true;
      return;
    }
    if ('config' in value) {
      throw err('a second {"config": ...} line: a file has one configuration, on its first line');
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
  if (!seenConfig) throw replayError(path, null, 'empty: expected a {"config": ...} line first');
  return { path, name: conversationName(path), config, lines };
}

/** The deliveries handed out so far, oldest first, as `[event, delivery_id]` pairs. */
export class DeliveryLog {
  constructor(deliveries = []) {
    this.deliveries = deliveries.map(([event, id]) => [event, id]);
  }

  record(event, deliveryId) {
    this.deliveries.push([event, deliveryId]);
  }

  /** Notes every `delivery` among `outputs` (parsed JSON values). */
  recordOutputs(outputs) {
    for (const output of outputs) {
      if (isObject(output) && output.type === 'delivery') this.record(output.event ?? '', output.delivery_id ?? '');
    }
  }

  /** A copy of `input` with a `"$last"` / `"$last:<event>"` `delivery_id` replaced by the id it names. */
  resolve(input, { path, number }) {
    const resolved = structuredClone(input);
    if (!isObject(resolved) || typeof resolved.delivery_id !== 'string') return resolved;
    const id = resolved.delivery_id;
    if (!id.startsWith('$last')) return resolved;
    const reference = id.slice('$last'.length);
    let event = null;
    if (reference !== '') {
      if (!reference.startsWith(':')) {
        throw replayError(path, number, `bad delivery reference "${id}": write "$last" or "$last:<event>"`);
      }
      event = reference.slice(1);
    }
    const found = [...this.deliveries].reverse().find(([e]) => event === null || e === event);
    if (!found) {
      throw replayError(
        path,
        number,
        event === null
          ? '"$last": no delivery has been handed out yet'
          : `"$last:${event}": no ${event} delivery has been handed out yet`,
      );
    }
    resolved.delivery_id = found[1];
    return resolved;
  }
}

/** The delivery log a replay has after the given golden lines (text): what `$last` sees next. */
export function deliveriesOfGolden(goldenLines) {
  const log = new DeliveryLog();
  for (const line of goldenLines) {
    const { outputs } = JSON.parse(line);
    if (Array.isArray(outputs)) log.recordOutputs(outputs);
  }
  return log.deliveries;
}

/** Whether a golden line records a refused input (`{"now":…,"error":…}`). */
export function isRefusal(goldenLine) {
  return /^\{"now":-?\d+,"error":/.test(goldenLine);
}

/**
 * Plays inputs through one engine, resolving delivery references, as `handoff_conformance::Replayer`.
 * `api` is 'json' (handleJson: the exact bytes) or 'object' (handle: JS values).
 */
export class Replayer {
  constructor(engine, api = 'json', deliveries = []) {
    this.engine = engine;
    this.api = api;
    this.log = new DeliveryLog(deliveries);
  }

  /** Every delivery handed out so far, oldest first: [event, delivery_id]. */
  get deliveries() {
    return this.log.deliveries;
  }

  /** One golden line for `line` of the conversation at `path`, and whether the input was refused. */
  step(path, line) {
    const input = this.log.resolve(line.input, { path, number: line.number });
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
      const where = `${path}:${line.number}`;
      if (!(error instanceof Error)) throw new Error(`${where}: the engine threw something not an Error: ${error}`);
      if (error.name !== 'InputError') throw new Error(`${where}: the engine threw ${error.name}: ${error.message}`);
      if (!Array.isArray(error.errors) || error.errors.length !== 1) {
        throw new Error(`${where}: an InputError has exactly one entry in errors: ${JSON.stringify(error.errors)}`);
      }
      if (error.path !== error.errors[0].path) {
        throw new Error(`${where}: error.path ${error.path} is not errors[0].path ${error.errors[0].path}`);
      }
      if (!error.message.startsWith(`${error.path}: `)) {
        throw new Error(`${where}: the message does not start with the path: ${error.message}`);
      }
      return { text: `{"now":${line.now},"error":${JSON.stringify(error.errors[0])}}`, refused: true };
    }
    this.log.recordOutputs(outputs);
    return { text: `{"now":${line.now},"outputs":${outputsText}}`, refused: false };
  }
}

/**
 * Runs one replay job with `Engine` and returns plain data (it crosses HTTP and page boundaries).
 *
 * job: `{path, config, lines, api?, from?, restore?, saveAt?}`
 * - plays `lines[from…]` (`from` is 0, or `restore.at` when restoring);
 * - `restore: {state, deliveries, at}`: the engine is `Engine.restore(config, state)` and the
 *   delivery log `deliveries`, before `lines[at]` (a state saved by another host);
 * - `saveAt: k`: the state (`stateJson()`) and delivery log before `lines[k]` are returned as
 *   `saved` (k = lines.length: after the last line);
 * - `to`: stop before `lines[to]` (default: the end);
 * - `changes: true`: after every line the engine's change set (`takeChangesJson()`) is kept in
 *   `changes`, and at the end an engine restored from the rows they add up to
 *   (`Engine.restoreRecords`) is compared with the replay's: `rowsRestore` is `'same'` or says how
 *   it differs.
 *
 * @returns {{from: number, lines: string[], refused: boolean[], restoredState?: string,
 *            saved?: {at: number, state: string, deliveries: Array<[string, string]>}}}
 */
export function runJob(Engine, job) {
  const { path, config, lines } = job;
  const to = job.to ?? lines.length;
  let engine;
  let from;
  let deliveries = [];
  const result = { lines: [], refused: [] };
  if (job.restore) {
    from = job.restore.at;
    engine = Engine.restore(config, job.restore.state);
    deliveries = job.restore.deliveries;
    result.restoredState = engine.stateJson();
  } else {
    from = job.from ?? 0;
    engine = new Engine(config);
  }
  result.from = from;
  const replayer = new Replayer(engine, job.api ?? 'json', deliveries);
  try {
    for (let i = from; i <= to; i++) {
      if (i === job.saveAt) {
        result.saved = { at: i, state: replayer.engine.stateJson(), deliveries: replayer.deliveries.map((d) => [...d]) };
      }
      if (i === to) break;
      const { text, refused } = replayer.step(path, lines[i]);
      result.lines.push(text);
      result.refused.push(refused);
      if (job.changes) (result.changes ??= []).push(replayer.engine.takeChangesJson());
    }
    if (job.changes) {
      const restored = Engine.restoreRecords(config, rowsOfChanges(result.changes ?? []));
      const [want, got] = [replayer.engine.stateJson(), restored.stateJson()];
      result.rowsRestore = got === want ? 'same' : `different: the rows restore ${got.slice(0, 300)}…, the replay has ${want.slice(0, 300)}…`;
      restored.free?.();
    }
  } finally {
    engine.free?.();
  }
  return result;
}

/**
 * The rows an empty record store holds after applying change sets (each the JSON text of
 * `takeChangesJson()`): `[{kind, id, value}]`, `value` the record's JSON text, as
 * `Engine.restoreRecords` takes them.
 */
export function rowsOfChanges(changeSets) {
  const rows = new Map();
  for (const text of changeSets) {
    for (const { kind, id, value } of JSON.parse(text)) {
      const key = `${kind}\u0000${id}`;
      if (value === null) rows.delete(key);
      else rows.set(key, { kind, id, value: JSON.stringify(value) });
    }
  }
  return [...rows.values()];
}

/** Runs jobs one by one; a job that throws gives `{failure}` (message and stack) instead of a result. */
export function runJobs(Engine, jobs) {
  return jobs.map((job) => {
    try {
      return runJob(Engine, job);
    } catch (error) {
      return { failure: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) };
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Readable differences

const SHOWN = 160;

/** `value` as compact JSON, cut to about `max` characters. */
export function brief(value, max = SHOWN) {
  const text = value === undefined ? '(nothing)' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `text` cut to about `max` characters. */
function cut(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Up to `width` characters of `s` on each side of `at`. */
function around(s, at, width = 80) {
  const start = Math.max(0, at - width);
  const end = Math.min(s.length, at + width);
  return `${start > 0 ? '…' : ''}${s.slice(start, end)}${end < s.length ? '…' : ''}`;
}

const pathOf = (base, key) => {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (/^[A-Za-z_]\w*$/.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
};

/** The longest common subsequence of `a` and `b` (arrays of strings), as edit operations. */
function editScript(a, b) {
  const n = a.length;
  const m = b.length;
  const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }
  const ops = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ op: 'same', i: i++, j: j++ });
    } else if (j < m && (i === n || table[i][j + 1] >= table[i + 1][j])) {
      ops.push({ op: 'added', j: j++ });
    } else {
      ops.push({ op: 'removed', i: i++ });
    }
  }
  return ops;
}

/**
 * Hunks of two sequences compared by `key`: `{pairs: [[i, j]…], removed: [i…], added: [j…]}` per
 * run of differences, where a removed and an added element at the same place are paired.
 */
export function hunks(a, b, key = (x) => x) {
  const ops = editScript(a.map(key), b.map(key));
  const out = [];
  let current = null;
  for (const op of ops) {
    if (op.op === 'same') {
      current = null;
      continue;
    }
    if (!current) {
      current = { removed: [], added: [] };
      out.push(current);
    }
    current[op.op].push(op.op === 'removed' ? op.i : op.j);
  }
  return out.map(({ removed, added }) => {
    const k = Math.min(removed.length, added.length);
    return { pairs: removed.slice(0, k).map((i, n) => [i, added[n]]), removed: removed.slice(k), added: added.slice(k) };
  });
}

/**
 * The differences between two JSON values, each `path: golden X, got Y` (at most `limit`).
 * Arrays are aligned (an output more or less shows as one, not as every later one differing).
 */
export function jsonDiff(expected, actual, { path = '', limit = 20 } = {}) {
  const found = [];
  const walk = (e, a, at) => {
    if (found.length >= limit) return;
    if (JSON.stringify(e) === JSON.stringify(a)) return;
    if (Array.isArray(e) && Array.isArray(a)) {
      // Equal elements first, then, among the rest, elements of the same kind (an output's type
      // and conversation), so one output more or less is shown as that, not as every later one.
      for (const hunk of hunks(e, a, (x) => JSON.stringify(x))) {
        const removed = [...hunk.removed, ...hunk.pairs.map(([i]) => i)].sort((x, y) => x - y);
        const added = [...hunk.added, ...hunk.pairs.map(([, j]) => j)].sort((x, y) => x - y);
        // Scalars only: an event output's `event` is its whole body.
        const scalar = (v) => (v !== null && typeof v === 'object' ? null : v);
        const kind = (x) => (isObject(x) ? JSON.stringify([x.type, x.conversation_id, x.event, x.id].map(scalar)) : Array.isArray(x) ? 'array' : typeof x);
        for (const { op, i, j } of editScript(removed.map((k) => kind(e[k])), added.map((k) => kind(a[k])))) {
          if (op === 'same') walk(e[removed[i]], a[added[j]], pathOf(at, added[j]));
          else if (found.length >= limit) return;
          else if (op === 'removed') found.push(`${pathOf(at, removed[i])}: missing; the golden vector has ${brief(e[removed[i]])}`);
          else found.push(`${pathOf(at, added[j])}: extra ${brief(a[added[j]])}, not in the golden vector`);
        }
      }
      return;
    }
    if (isObject(e) && isObject(a)) {
      for (const key of Object.keys(e)) {
        if (!Object.hasOwn(a, key)) found.length < limit && found.push(`${pathOf(at, key)}: missing; the golden vector has ${brief(e[key])}`);
        else walk(e[key], a[key], pathOf(at, key));
      }
      for (const key of Object.keys(a)) {
        if (!Object.hasOwn(e, key)) found.length < limit && found.push(`${pathOf(at, key)}: extra ${brief(a[key])}, not in the golden vector`);
      }
      if (found.length === 0 && Object.keys(e).join('\0') !== Object.keys(a).join('\0')) {
        found.push(`${at || '(top)'}: the same fields in another order: golden ${brief(Object.keys(e))}, got ${brief(Object.keys(a))}`);
      }
      return;
    }
    found.push(`${at || '(top)'}: golden ${brief(e)}, got ${brief(a)}`);
  };
  walk(expected, actual, path);
  return found;
}

/** A readable account of how one golden line and the host's line differ (several lines of text). */
export function lineDiff(expected, actual) {
  const out = [];
  let e;
  let a;
  try {
    e = JSON.parse(expected);
  } catch {
    // shown as bytes below
  }
  try {
    a = JSON.parse(actual);
  } catch (error) {
    out.push(`    the host's line is not JSON (${error.message})`);
  }
  if (e !== undefined && a !== undefined) {
    const found = jsonDiff(e, a);
    for (const d of found) out.push(`    ${d}`);
    if (found.length === 0) out.push('    the same JSON values, different bytes (number format, escaping or field order)');
  }
  let first = 0;
  while (first < expected.length && first < actual.length && expected[first] === actual[first]) first++;
  out.push(`    first different character: ${first}`);
  out.push(`      golden: ${around(expected, first)}`);
  out.push(`      got:    ${around(actual, first)}`);
  return out.join('\n');
}

/**
 * Compares a host's golden lines with the golden file's and returns null when they are the same,
 * else a readable report: the vector, each differing step (its index, input line, input type and
 * `now`) with a JSON diff and the bytes around the first difference.
 *
 * @param {{name: string, path?: string, lines: Array<{number: number, now: number, input: any}>}} conv
 * @param {string[]} actual the host's lines for `conv.lines[from…]`
 * @param {string[]} expected the golden lines for the same steps
 * @param {string} how which host and how (`workerd`, `Chromium restored from workerd's state`)
 * @param {number} [from] the index of the first step compared
 */
export function describeMismatch(conv, actual, expected, how, from = 0) {
  if (actual.length === expected.length && actual.every((l, i) => l === expected[i])) return null;
  const out = [`${conv.name} (${how}): the outputs differ from tests/vectors/${conv.name}.outputs.jsonl`];
  if (actual.length !== expected.length) {
    out.push(`  ${actual.length} lines from the host for ${expected.length} golden lines (steps ${from + 1}…)`);
  }
  const step = (k) => {
    const line = conv.lines[from + k];
    const input = line ? ` (input line ${line.number}, ${brief(line.input?.type ?? line.input, 60)}, now ${line.now})` : ' (past the last input)';
    return `step ${from + k + 1} of ${conv.lines.length}${input}`;
  };
  let shown = 0;
  for (const hunk of hunks(expected, actual)) {
    for (const [i, j] of hunk.pairs) {
      if (shown++ >= 5) break;
      out.push(`  ${step(j)}:`, lineDiff(expected[i], actual[j]));
    }
    for (const i of hunk.removed) {
      if (shown++ >= 5) break;
      out.push(`  golden line ${from + i + 1} is missing: ${cut(expected[i], 300)}`);
    }
    for (const j of hunk.added) {
      if (shown++ >= 5) break;
      out.push(`  ${step(j)} is not in the golden vector: ${cut(actual[j], 300)}`);
    }
    if (shown > 5) {
      out.push('  (more differences not shown)');
      break;
    }
  }
  return out.join('\n');
}
