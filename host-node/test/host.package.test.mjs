// The package: its entry points, init(), and its type declarations.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { realTest, wasmPresent } from '../test-support/engines.mjs';

const root = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

test('package.json: an ES module with node, browser and worker entry points that exist', () => {
  assert.equal(pkg.name, 'handoff-engine');
  assert.equal(pkg.type, 'module');
  const main = pkg.exports['.'];
  for (const condition of ['types', 'node', 'browser', 'workerd', 'worker', 'default']) {
    assert.ok(main[condition], `exports["."].${condition}`);
    assert.ok(existsSync(new URL(main[condition], root)), `${main[condition]} exists`);
  }
  assert.deepEqual(Object.keys(main)[0], 'types', 'types first');
  assert.equal(pkg.exports['./handoff_wasm_bg.wasm'], './wasm/handoff_wasm_bg.wasm');
  assert.equal(pkg.exports['./handoff_wasm_speed.wasm'], './wasm/handoff_wasm_speed.wasm');
  assert.equal(pkg.scripts.test, 'node --test test/');
});

test('the browser and worker entry imports nothing from Node', async () => {
  for (const file of ['src/index.js', 'src/host.js', 'src/stores.js']) {
    const text = await readFile(new URL(file, root), 'utf8');
    assert.doesNotMatch(text, /from\s+['"]node:|import\(\s*['"]node:|require\(/, file);
  }
});

test("import 'handoff-engine' in Node gives the Node entry", async () => {
  const m = await import('handoff-engine');
  for (const name of ['init', 'HandoffHost', 'MemoryStore', 'LocalStorageStore', 'DurableObjectStore', 'FileStore', 'parseRetryAfter']) {
    assert.ok(m[name], name);
  }
  const universal = await import('../src/index.js');
  assert.equal(universal.FileStore, undefined, 'FileStore is for Node only');
  assert.equal(universal.HandoffHost, m.HandoffHost, 'one HandoffHost class');
});

test('init() without the wasm build says how to build it', async () => {
  // A copy of the package without wasm/, imported in a fresh process.
  const dir = await mkdtemp(join(tmpdir(), 'handoff-nowasm-'));
  try {
    await cp(new URL('src/', root), join(dir, 'src'), { recursive: true });
    await writeFile(join(dir, 'package.json'), JSON.stringify(pkg));
    const script = `
      const { init } = await import(${JSON.stringify(pathToFileURL(join(dir, 'src', 'node.js')).href)});
      try { await init(); console.log('loaded'); } catch (e) { console.log(e.message); }
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
    assert.match(stdout, /the wasm build is missing .*cargo xtask wasm/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

realTest('Node loads the speed-built module, and the size-built one when it is absent', async () => {
  const node = await import('../src/node.js');
  assert.match(node.WASM_PATH.pathname, /\/wasm\/handoff_wasm_speed\.wasm$/);
  assert.match(node.WASM_SIZE_PATH.pathname, /\/wasm\/handoff_wasm_bg\.wasm$/);
  // A copy of the package with the glue and the size-built module only, in a fresh process.
  const dir = await mkdtemp(join(tmpdir(), 'handoff-sizeonly-'));
  try {
    await cp(new URL('src/', root), join(dir, 'src'), { recursive: true });
    await mkdir(join(dir, 'wasm'));
    for (const file of ['handoff_wasm.js', 'handoff_wasm_bg.wasm']) {
      await cp(new URL(`wasm/${file}`, root), join(dir, 'wasm', file));
    }
    await writeFile(join(dir, 'package.json'), JSON.stringify(pkg));
    const script = `
      const { init } = await import(${JSON.stringify(pathToFileURL(join(dir, 'src', 'node.js')).href)});
      const { Engine } = await init();
      const outputs = new Engine({ handoff: {} }).handle({ type: 'handoff_request', conversation_id: 'c1' }, 1768213800000);
      console.log(JSON.stringify(outputs.map((o) => o.type)));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
    assert.ok(JSON.parse(stdout).includes('handoff'), stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

realTest('init() loads the engine once, and an Engine works', async (t, wasm) => {
  const { init } = await import('handoff-engine');
  assert.equal(await init(), wasm, 'the same module every time');
  const engine = new wasm.Engine({ handoff: {} });
  const outputs = engine.handle({ type: 'customer_message', conversation_id: 'c1', text: 'I want to talk to a human' }, 1_768_213_800_000);
  assert.ok(outputs.some((o) => o.type === 'handoff'));
  assert.throws(() => engine.handle({ type: 'custmer_message' }, 1_768_213_800_000), /input\.type/);
  assert.throws(() => new wasm.Engine({ handoff: { routing: { method: 'round_robbin' } } }), /handoff\.routing\.method/);
});

realTest('init({ module }) takes a compiled WebAssembly.Module (edge runtimes)', async () => {
  // In a fresh process: the wasm-bindgen glue initialises once per process.
  const script = `
    import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
    const bytes = await readFile(new URL('wasm/handoff_wasm_bg.wasm', ${JSON.stringify(root.href)}));
    const module = await WebAssembly.compile(bytes);
    const { init } = await import(new URL('src/index.js', ${JSON.stringify(root.href)}));
    const wasm = await init({ module });
    const engine = new wasm.Engine({ handoff: {} });
    const outputs = engine.handle({ type: 'handoff_request', conversation_id: 'c1' }, 1768213800000);
    console.log(JSON.stringify(outputs.map((o) => o.type)));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
  assert.ok(JSON.parse(stdout).includes('handoff'), stdout);
});

const tsc = fileURLToPath(new URL('node_modules/typescript/bin/tsc', root));
const repo = new URL('../', root);

/** The kinds of query whose real answers the declarations must fit, by the name of their answer type. */
const ANSWER_TYPES = {
  conversation: 'Conversation | null',
  holder: 'HolderAnswer | null',
  may_act: 'MayActAnswer',
  queue: 'QueuePage',
  agents: 'AgentsAnswer',
  gauges: 'Gauges',
  dead_letters: 'DeadLetterPage',
};

/** The engine's answers to every kind of query after an input, into `answers[kind]`. */
function collectAnswers(engine, input, answers) {
  const id = input.conversation_id;
  const queries = [{ query: 'queue' }, { query: 'agents' }, { query: 'gauges' }, { query: 'dead_letters' }];
  if (typeof id === 'string') {
    queries.push({ query: 'conversation', conversation_id: id }, { query: 'holder', conversation_id: id });
    const agent = input.agent_id ?? input.agent?.id ?? 'agent_1';
    queries.push({ query: 'may_act', agent_id: agent, conversation_id: id, needs: 'offered_or_assigned' });
  }
  for (const q of queries) (answers[q.query] ??= []).push(engine.query(q));
}

/** Replays a conversation file (examples/conversations) through the real engine: every state. */
function replayStates(wasm, lines, answers = {}) {
  const states = [];
  let engine = null;
  const last = {};
  for (const line of lines) {
    if (line.config) {
      engine = new wasm.Engine(line.config);
      continue;
    }
    const input = structuredClone(line.input);
    if (typeof input.delivery_id === 'string' && input.delivery_id.startsWith('$last')) {
      input.delivery_id = last[input.delivery_id.slice('$last:'.length) || '*'];
    }
    let outputs = [];
    try {
      outputs = engine.handle(input, line.now);
    } catch {
      // expect_error lines
    }
    for (const o of outputs) {
      if (o.type === 'delivery') {
        last[o.event] = o.delivery_id;
        last['*'] = o.delivery_id;
      }
    }
    states.push(engine.state());
    collectAnswers(engine, input, answers);
  }
  return states;
}

test(
  "the type declarations check, and fit the engine's real configs, inputs, outputs and states",
  { skip: !existsSync(tsc) && process.env.CI !== 'true' && 'typescript is not installed: run npm ci', timeout: 180_000 },
  async (t) => {
    const conversations = [];
    const dir = new URL('examples/conversations/', repo);
    const names = existsSync(dir) ? ['outside-hours', 'spec-walkthrough', 'webhook-retries', 'helpdesk-zendesk'] : [];
    if (names.length === 0) t.diagnostic('real data not checked: not inside the handoff repository');
    for (const name of names) {
      const text = await readFile(new URL(`${name}.jsonl`, dir), 'utf8');
      const lines = text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
      if (typeof lines[0].config === 'string') {
        lines[0].config = JSON.parse(await readFile(new URL(lines[0].config, dir), 'utf8'));
      }
      const golden = await readFile(new URL(`tests/vectors/${name}.outputs.jsonl`, repo), 'utf8');
      conversations.push({ name, lines, golden: golden.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)) });
    }
    const configs = conversations.map((c) => c.lines[0].config);
    const inputs = conversations.flatMap((c) => c.lines.filter((l) => l.input && !l.expect_error).map((l) => l.input));
    const outputs = conversations.flatMap((c) => c.golden.flatMap((g) => g.outputs ?? []));
    let states = [];
    const answers = {};
    if (wasmPresent) {
      const { init } = await import('handoff-engine');
      const wasm = await init();
      states = conversations.flatMap((c) => replayStates(wasm, c.lines, answers));
      if (names.length) {
        for (const kind of Object.keys(ANSWER_TYPES)) assert.ok(answers[kind]?.length > 0, `real ${kind} answers`);
        assert.ok(answers.conversation.some((a) => a !== null) && answers.may_act.some((a) => a.allowed), 'real answers with content');
      }
    }
    if (names.length) assert.ok(inputs.length > 20 && outputs.length > 20, 'enough real data');

    const tmp = await mkdtemp(join(tmpdir(), 'handoff-types-'));
    t.after(() => rm(tmp, { recursive: true, force: true }));
    const types = relative(tmp, fileURLToPath(new URL('src/index.js', root))).split(sep).join('/');
    const data = (v) => JSON.stringify(v, null, 1);
    await writeFile(
      join(tmp, 'data.check.ts'),
      `import type { AgentsAnswer, Config, Conversation, DeadLetterPage, Gauges, HolderAnswer, Input, MayActAnswer, Output, QueuePage, State } from '${types.startsWith('.') ? types : './' + types}';\n` +
        `export const configs = ${data(configs)} satisfies Config[];\n` +
        `export const inputs = ${data(inputs)} satisfies Input[];\n` +
        `export const outputs = ${data(outputs)} satisfies Output[];\n` +
        `export const states = ${data(states)} satisfies State[];\n` +
        Object.entries(ANSWER_TYPES)
          .map(([kind, type]) => `export const ${kind}_answers = ${data(answers[kind] ?? [])} satisfies Array<${type}>;\n`)
          .join(''),
    );
    const tsconfig = JSON.parse(await readFile(new URL('tsconfig.json', root), 'utf8'));
    tsconfig.files = [
      fileURLToPath(new URL('src/index.d.ts', root)),
      fileURLToPath(new URL('test/types.check.ts', root)),
      join(tmp, 'data.check.ts'),
    ];
    await writeFile(join(tmp, 'tsconfig.json'), JSON.stringify(tsconfig));
    try {
      await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', tmp], { maxBuffer: 16 << 20 });
    } catch (error) {
      assert.fail(`tsc found errors:\n${`${error.stdout}${error.stderr}`.slice(0, 6000)}`);
    }
    if (!wasmPresent) t.diagnostic('states not checked: the wasm build is missing');
  },
);

realTest('the packed tarball installs and works in a fresh project', async () => {
  const run = promisify(execFile);
  const dir = await mkdtemp(join(tmpdir(), 'handoff-pack-'));
  try {
    // What `npm publish` would upload.
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], {
      cwd: fileURLToPath(root),
    });
    const [packed] = JSON.parse(stdout);
    const files = packed.files.map((f) => f.path).sort();
    for (const needed of ['package.json', 'README.md', 'src/index.js', 'src/node.js', 'src/host.js',
      'src/stores.js', 'src/file-store.js', 'src/index.d.ts', 'src/wire.d.ts', 'wasm/handoff_wasm.js',
      'schema/input.schema.json', 'schema/output.schema.json', 'schema/state.schema.json',
      'schema/event.schema.json',
      'wasm/handoff_wasm_bg.wasm', 'wasm/handoff_wasm_speed.wasm']) {
      assert.ok(files.includes(needed), `${needed} is packed (${files.join(', ')})`);
    }
    for (const file of files) {
      assert.doesNotMatch(file, /^(test|test-support|node_modules|examples)\//, `${file} is not for users`);
    }

    // A fresh project installs the tarball (no registry needed: the package has no dependencies).
    const app = join(dir, 'app');
    await mkdir(app);
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(dir, packed.filename)], { cwd: app });
    await writeFile(join(app, 'main.mjs'), `
      import { init, HandoffHost, MemoryStore } from 'handoff-engine';
      const { Engine } = await init();
      const engine = new Engine({ handoff: { routing: { method: 'round_robin' } } });
      const out = engine.handle({ type: 'customer_message', conversation_id: 'c1',
        text: 'Can I talk to a real person please?' }, 1768213800000);
      const host = new HandoffHost({ config: { handoff: {} }, store: new MemoryStore() });
      const wasmPath = import.meta.resolve('handoff-engine/handoff_wasm_bg.wasm');
      console.log(JSON.stringify({ types: out.map((o) => o.type), host: typeof host.handle, wasmPath }));
    `);
    const result = JSON.parse((await run(process.execPath, ['main.mjs'], { cwd: app })).stdout);
    assert.ok(result.types.includes('handoff'), JSON.stringify(result));
    assert.ok(result.types.includes('message'), JSON.stringify(result));
    assert.equal(result.host, 'function');
    assert.match(result.wasmPath, /node_modules\/handoff-engine\/wasm\/handoff_wasm_bg\.wasm$/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
