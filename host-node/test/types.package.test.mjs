// The package as a newcomer meets it: the tarball `npm pack` makes, installed into a fresh project.
// A TypeScript file importing it exactly as users do is compiled with `tsc --strict` and then RUN
// (declarations that promise an export the package does not have fail here, not in a user's
// production); the browsers' conditions see no Node-only declarations; README's links point at
// files the tarball has, and its first-steps script prints what README shows and exits by itself;
// the licences and third-party notices ship; the Node-only speed module does not.
//
// Needs the wasm build (`cargo xtask wasm`) and typescript (a devDependency: `npm ci`); without
// them the tests are skipped saying so, and fail under CI=true.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MISSING, wasmPresent } from '../test-support/engines.mjs';

const run = promisify(execFile);
const root = new URL('../', import.meta.url);
const ROOT = fileURLToPath(root);
const TSC = fileURLToPath(new URL('node_modules/typescript/bin/tsc', root));
const README = readFileSync(new URL('README.md', root), 'utf8');
/** A generous limit for a script that should exit by itself (it exits in well under a second). */
const EXIT_PATIENCE_MS = 60_000;

const missing = !wasmPresent ? MISSING : !existsSync(TSC) ? 'typescript is not installed: run npm ci' : null;
const skip = missing && process.env.CI !== 'true' ? missing : false;

let dir;
let app;
let packed;

before(async () => {
  if (skip) return;
  if (missing) throw new Error(`${missing} (CI=true: these tests must run)`);
  dir = await mkdtemp(join(tmpdir(), 'handoff-newcomer-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, maxBuffer: 16 << 20 });
  [packed] = JSON.parse(stdout);
  packed.paths = packed.files.map((f) => f.path);
  // A fresh project, as `npm init` leaves it, with the tarball installed (no registry needed: the
  // package has no dependencies).
  app = join(dir, 'app');
  await mkdir(app);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(dir, packed.filename)], { cwd: app });
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs tsc in the app with `tsconfig` written there; fails with tsc's own report. */
async function tsc(name, tsconfig) {
  await writeFile(join(app, name), JSON.stringify(tsconfig));
  try {
    await run(process.execPath, [TSC, '-p', name], { cwd: app, maxBuffer: 16 << 20 });
  } catch (error) {
    assert.fail(`tsc -p ${name} found errors:\n${`${error.stdout}${error.stderr}`.slice(0, 6000)}`);
  }
}

/** Runs `node file` in the app; rejects if it has not exited by itself within the patience. */
async function runNode(file) {
  try {
    return await run(process.execPath, [file], { cwd: app, timeout: EXIT_PATIENCE_MS, killSignal: 'SIGKILL' });
  } catch (error) {
    if (error.killed) assert.fail(`${file} did not exit by itself within ${EXIT_PATIENCE_MS / 1000} s`);
    throw error;
  }
}

test('a TypeScript program importing the package as users do compiles with tsc --strict, then runs', { skip }, async () => {
  for (const file of ['types.run.ts', 'types.check.ts']) await copyFile(new URL(file, import.meta.url), join(app, file));
  await tsc('tsconfig.json', {
    compilerOptions: {
      strict: true,
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: ['ES2022', 'DOM'],
      types: [],
      skipLibCheck: false,
      noUnusedLocals: true,
      outDir: 'out',
    },
    files: ['types.run.ts', 'types.check.ts'],
  });
  const { stdout } = await runNode('out/types.run.js');
  const seen = JSON.parse(stdout);
  // The engine, loaded with init(): outside business hours the callback form.
  assert.deepEqual(seen.outputs, ['handoff', 'event', 'message', 'collect_callback'], stdout);
  assert.deepEqual(seen.reasons, ['outside_hours']);
  assert.ok(seen.templates.includes('outside_hours'), stdout);
  // What the engine throws is an EngineError.
  assert.deepEqual(seen.caught, { instance: true, name: 'InputError', path: 'input.phone', kind: 'missing' });
  assert.deepEqual(seen.made, { instance: true, isError: true, message: 'input.text: text is too long' });
  assert.equal(seen.plainError, false, 'a plain Error is not an EngineError');
  assert.deepEqual(seen.names, ['InputError', 'ConfigError', 'RestoreError', 'SigningError', 'PrepareError', 'WebhookError']);
  // The driver with a FileStore; host.engine.hours() is the engine's.
  assert.deepEqual(seen.seen, ['handoff', 'event', 'message', 'collect_callback'], stdout);
  assert.deepEqual(seen.hours, { open: false, next_opening: Date.UTC(2026, 10, 30, 3, 30), next_closing: Date.UTC(2026, 10, 30, 12, 30) });
  assert.equal(seen.conversations, 1);
  // The callbacks and disabled_webhooks queries, typed (c2 is still collecting its details).
  assert.deepEqual(seen.callbacks, [0, 10, []]);
  assert.deepEqual(seen.disabled, []);
  assert.equal(seen.rows, 0);
  assert.ok(seen.sizePath);
  assert.equal(seen.constants.length, 4);
});

test("the package exports no Engine value (it is a type: the class comes from init())", { skip }, async () => {
  await writeFile(join(app, 'exports.mjs'), "const m = await import('handoff-engine'); console.log(JSON.stringify(Object.keys(m).sort()));");
  const names = JSON.parse((await runNode('exports.mjs')).stdout);
  assert.equal(names.includes('Engine'), false, names.join(', '));
  for (const name of ['init', 'HandoffHost', 'EngineError', 'FileStore', 'MemoryStore']) assert.ok(names.includes(name), name);
  // types.check.ts holds `new Engine(...)` under @ts-expect-error: the compile above fails if it
  // typechecks, so the declarations and the exports agree.
});

test("a browser build's declarations are the browsers' entry's: no FileStore", { skip }, async () => {
  await copyFile(new URL('types.browser.check.ts', import.meta.url), join(app, 'types.browser.check.ts'));
  await tsc('tsconfig.browser.json', {
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'bundler',
      customConditions: ['browser'],
      lib: ['ES2022', 'DOM'],
      types: [],
      skipLibCheck: false,
    },
    files: ['types.browser.check.ts'],
  });
  // And the browsers' entry indeed exports no FileStore.
  const entry = join(app, 'node_modules', 'handoff-engine', 'src', 'index.js');
  await writeFile(join(app, 'browser-exports.mjs'), `const m = await import(${JSON.stringify(entry)}); console.log(JSON.stringify(Object.keys(m)));`);
  const names = JSON.parse((await runNode('browser-exports.mjs')).stdout);
  assert.equal(names.includes('FileStore'), false);
  assert.ok(names.includes('EngineError'));
});

test('README: npm install, the agent side (agent_update, offers, agent_accept), links only to packed files', { skip }, () => {
  assert.match(README, /^npm install handoff-engine$/m);
  for (const word of ["type: 'agent_update'", "type: 'agent_accept'", 'offered']) assert.ok(README.includes(word), word);
  const links = [...README.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  for (const link of links) {
    if (/^(https?:|mailto:|#)/.test(link)) continue;
    const path = link.replace(/#.*$/, '').replace(/^\.\//, '');
    assert.ok(packed.paths.includes(path), `README links to ${link}, which is not in the tarball`);
  }
  for (const file of ['LICENSE-MIT', 'LICENSE-APACHE', 'THIRD-PARTY-NOTICES.md', 'README.md']) {
    assert.ok(packed.paths.includes(file), `${file} is packed`);
  }
});

/** README's first-steps script (the first js block after the heading) and the output it shows. */
function firstSteps() {
  const section = README.slice(README.indexOf('## First steps (Node)'));
  const script = /```js\n([\s\S]*?)```/.exec(section)[1];
  const printed = /It prints[\s\S]*?```\n([\s\S]*?)```/.exec(section)[1];
  return { script, printed };
}

test("README's first-steps script prints what README shows, and exits by itself", { skip }, async () => {
  const { script, printed } = firstSteps();
  assert.ok(script.includes('await host.close()'), 'the example closes the host');
  await writeFile(join(app, 'handoff.mjs'), script);
  const { stdout } = await runNode('handoff.mjs');
  assert.equal(stdout, printed);
  assert.match(stdout, /offered +asha/);
});

test('a script that forgets host.close() still exits: the host keeps no timer alive (unref)', { skip }, async () => {
  const { script, printed } = firstSteps();
  const forgetful = script.replace(/^await host\.close\(\).*$/m, '');
  assert.notEqual(forgetful, script);
  await writeFile(join(app, 'forgetful.mjs'), forgetful);
  // The offer waits 120 s for an answer: a timer that kept Node running would hold it that long.
  const { stdout } = await runNode('forgetful.mjs');
  assert.equal(stdout, printed);
});

test('licences: MIT and Apache-2.0 texts, the same at the root and in the package; notices for what ships from others', { skip }, async () => {
  for (const file of ['LICENSE-MIT', 'LICENSE-APACHE']) {
    const here = await readFile(new URL(file, root), 'utf8');
    assert.equal(here, await readFile(new URL(`../${file}`, root), 'utf8'), `${file} as at the repository root`);
  }
  assert.match(await readFile(new URL('LICENSE-MIT', root), 'utf8'), /^MIT License\n\nCopyright \(c\) /);
  assert.match(await readFile(new URL('LICENSE-APACHE', root), 'utf8'), /Apache License\s+Version 2\.0, January 2004[\s\S]*END OF TERMS AND CONDITIONS/);
  const notices = await readFile(join(app, 'node_modules', 'handoff-engine', 'THIRD-PARTY-NOTICES.md'), 'utf8');
  assert.ok(notices.includes('Copyright (c) 2016 C.J. Hutto'), 'VADER');
  assert.match(notices, /IANA time zone database[\s\S]*public domain/);
  assert.ok(notices.includes('wasm-bindgen'), 'the generated glue');
  const pkg = JSON.parse(await readFile(new URL('package.json', root), 'utf8'));
  assert.equal(pkg.license, 'MIT OR Apache-2.0');
  for (const field of ['repository', 'homepage', 'bugs']) assert.ok(pkg[field], field);
});

test('every install carries the size-built module only; the speed-built one is the optional handoff-engine-speed', { skip }, async () => {
  assert.ok(packed.paths.includes('wasm/handoff_wasm_bg.wasm'));
  assert.equal(packed.paths.some((p) => p.includes('speed')), false, packed.paths.join(', '));
  const pkg = JSON.parse(await readFile(new URL('package.json', root), 'utf8'));
  assert.equal(pkg.peerDependenciesMeta['handoff-engine-speed'].optional, true, 'npm does not install it by itself');
  assert.equal(existsSync(join(app, 'node_modules', 'handoff-engine-speed')), false);
  const speedPackage = JSON.parse(await readFile(new URL('speed/package.json', root), 'utf8'));
  assert.equal(speedPackage.version, pkg.version);
  assert.equal(speedPackage.exports['./handoff_wasm_speed.wasm'], './handoff_wasm_speed.wasm');
});

test('with handoff-engine-speed installed, Node loads its module (and only then)', { skip }, async () => {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], {
    cwd: fileURLToPath(new URL('speed/', root)),
    maxBuffer: 16 << 20,
  });
  const [speed] = JSON.parse(stdout);
  assert.deepEqual(
    speed.files.map((f) => f.path).sort(),
    ['LICENSE-APACHE', 'LICENSE-MIT', 'README.md', 'THIRD-PARTY-NOTICES.md', 'handoff_wasm_speed.wasm', 'package.json'],
  );
  const withSpeed = join(dir, 'with-speed');
  await mkdir(withSpeed);
  await writeFile(join(withSpeed, 'package.json'), JSON.stringify({ name: 'with-speed', private: true, type: 'module' }));
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(dir, packed.filename), join(dir, speed.filename)], {
    cwd: withSpeed,
  });
  const script = `
    import { init } from 'handoff-engine';
    try {
      const { Engine } = await init();
      const out = new Engine({ handoff: {} }).handle({ type: 'handoff_request', conversation_id: 'c1' }, 1768213800000);
      console.log(out.map((o) => o.type).join(' '));
    } catch (error) {
      console.log('failed: ' + error.message);
    }
  `;
  await writeFile(join(withSpeed, 'main.mjs'), script);
  const works = await run(process.execPath, ['main.mjs'], { cwd: withSpeed });
  assert.match(works.stdout, /handoff/);
  // The module it reads is the companion's: spoilt, init() fails; without the companion (the
  // first project), the size-built module loads.
  const installed = join(withSpeed, 'node_modules', 'handoff-engine-speed', 'handoff_wasm_speed.wasm');
  await writeFile(installed, 'not wasm');
  const spoilt = await run(process.execPath, ['main.mjs'], { cwd: withSpeed });
  assert.match(spoilt.stdout, /^failed: /, spoilt.stdout);
  await writeFile(join(app, 'main.mjs'), script);
  assert.match((await runNode('main.mjs')).stdout, /handoff/);
});
