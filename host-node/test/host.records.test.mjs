// Record stores: `HandoffHost` writes only the records each input changed (one key per record in a
// Durable Object and in localStorage, one appended line in a FileStore), restores from them, and
// reads a whole state an older version saved once, converting it. Each store is held to the same
// behaviour: round trip, removal, atomic change sets, the upgrade, and what one input writes in a
// state of many conversations (counted, not timed).

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DurableObjectStore, FileStore, HandoffHost, LocalStorageStore, MemoryStore } from 'handoff-engine';
import { FakeClock } from '../test-support/clock.mjs';
import { realTest } from '../test-support/engines.mjs';

const CONFIG = { handoff: { routing: { fallback: 'queue' } } };

async function tempDir(t) {
  const dir = await mkdtemp(join(tmpdir(), 'handoff-records-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A Durable Object's storage in memory: get, put (one key or an object of up to 128), delete
 * (one key or an array), list({prefix}); counts the keys written and deleted. */
function durableStorage() {
  const map = new Map();
  const counts = { put: 0, deleted: 0 };
  return {
    map,
    counts,
    failNext: false,
    async get(key) {
      return structuredClone(map.get(key));
    },
    async put(key, value) {
      if (this.failNext) {
        this.failNext = false;
        throw new Error('storage crashed');
      }
      const entries = typeof key === 'string' ? { [key]: value } : key;
      assert.ok(Object.keys(entries).length <= 128, 'at most 128 keys per put');
      for (const [k, v] of Object.entries(entries)) {
        map.set(k, structuredClone(v));
        counts.put++;
      }
    },
    async delete(keys) {
      for (const k of Array.isArray(keys) ? keys : [keys]) {
        if (map.delete(k)) counts.deleted++;
      }
    },
    async list({ prefix = '' } = {}) {
      return new Map([...map.entries()].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : 1)));
    },
  };
}

/** localStorage in memory, counting the keys written. */
function localStorageLike() {
  const map = new Map();
  return {
    map,
    writes: 0,
    getItem: (k) => (map.has(k) ? map.get(k) : null),
    setItem(k, v) {
      this.writes++;
      map.set(k, String(v));
    },
    removeItem: (k) => map.delete(k),
    key: (i) => [...map.keys()][i] ?? null,
    get length() {
      return map.size;
    },
  };
}

const change = (kind, id, value) => ({ kind, id, value });

/** Every store kind, fresh, with a way to open the same data again. */
async function stores(t) {
  const dir = await tempDir(t);
  const storage = durableStorage();
  const local = localStorageLike();
  const memory = new MemoryStore();
  return [
    ['MemoryStore', memory, () => memory],
    ['FileStore', new FileStore(join(dir, 'handoff.records')), () => new FileStore(join(dir, 'handoff.records'))],
    ['LocalStorageStore', new LocalStorageStore('w:', local), () => new LocalStorageStore('w:', local)],
    ['DurableObjectStore', new DurableObjectStore(storage), () => new DurableObjectStore(storage)],
  ];
}

const sorted = (rows) => [...(rows ?? [])].sort((a, b) => (`${a.kind}:${a.id}` < `${b.kind}:${b.id}` ? -1 : 1));

test('every store writes, replaces and removes records, and a new store object reads them back', async (t) => {
  for (const [name, store, reopen] of await stores(t)) {
    assert.equal(await store.loadRecords(), null, `${name}: nothing yet`);
    await store.writeChanges([change('engine', 'engine', '{"seq":1}'), change('conversation', 'c:1', '{"id":"c:1","x":1.0}')]);
    await store.writeChanges([change('conversation', 'c:1', '{"id":"c:1","x":2.0}'), change('agent', 'a1', '{"id":"a1"}')]);
    await store.writeChanges([change('agent', 'a1', null)]);
    assert.deepEqual(
      sorted(await reopen().loadRecords()),
      [change('conversation', 'c:1', '{"id":"c:1","x":2.0}'), change('engine', 'engine', '{"seq":1}')],
      `${name}: the records as written, byte for byte`,
    );
  }
});

test('a large record is chunked in a Durable Object and old chunks go', async () => {
  const storage = durableStorage();
  const store = new DurableObjectStore(storage);
  const big = JSON.stringify({ history: 'ü'.repeat(150_000) });
  await store.writeChanges([change('conversation', 'c1', big)]);
  for (const [key, value] of storage.map) {
    if (typeof value === 'string') assert.ok(value.length * 2 < 128 * 1024, `${key} fits in a value`);
  }
  assert.equal((await new DurableObjectStore(storage).loadRecords())[0].value, big);
  const again = new DurableObjectStore(storage);
  await again.loadRecords();
  await again.writeChanges([change('conversation', 'c1', '{"small":true}')]);
  assert.deepEqual([...storage.map.keys()], ['rec:conversation:c1'], 'the chunks went with the change');
  await again.writeChanges([change('conversation', 'c1', null)]);
  assert.equal(storage.map.size, 0);
});

test('a LocalStorageStore change set left half-applied is finished by the next load', async () => {
  const local = localStorageLike();
  const store = new LocalStorageStore('w:', local);
  await store.writeChanges([change('engine', 'engine', '{"seq":1}')]);
  // A page closed between writing the change set and applying it.
  local.setItem('w:changes', JSON.stringify([change('engine', 'engine', '{"seq":2}'), change('conversation', 'c1', '{}')]));
  assert.deepEqual(sorted(await new LocalStorageStore('w:', local).loadRecords()), [
    change('conversation', 'c1', '{}'),
    change('engine', 'engine', '{"seq":2}'),
  ]);
  assert.equal(local.getItem('w:changes'), null);
});

test('a FileStore appends one line per change set, skips a torn last line, and rewrites itself when grown', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'handoff.records');
  const store = new FileStore(path);
  await store.writeChanges([change('engine', 'engine', '{"n":0}')]);
  await store.writeChanges([change('conversation', 'c1', '{"n":1}')]);
  const text = await readFile(path, 'utf8');
  assert.equal(text.split('\n').length, 4, 'a header, two change sets, the last newline');
  // A crash in the middle of an append: the torn line was never acknowledged.
  await appendFile(path, '[{"kind":"conversation","id":"c2","val');
  const reopened = new FileStore(path);
  assert.deepEqual(sorted(await reopened.loadRecords()), [change('conversation', 'c1', '{"n":1}'), change('engine', 'engine', '{"n":0}')]);
  await reopened.writeChanges([change('conversation', 'c3', '{"n":3}')]);
  assert.deepEqual(
    sorted(await new FileStore(path).loadRecords()).map((r) => r.id),
    ['c1', 'c3', 'engine'],
    'the next change set starts on its own line',
  );
  // Many changes of one record: the file is rewritten as the live records, staying small.
  const pad = 'x'.repeat(10_000);
  for (let i = 0; i < 600; i++) await reopened.writeChanges([change('engine', 'engine', `{"n":${i},"pad":"${pad}"}`)]);
  const size = (await readFile(path, 'utf8')).length;
  assert.ok(size < 6 * 1024 * 1024, `rewritten when grown: ${size} bytes`);
  const rows = await new FileStore(path).loadRecords();
  assert.equal(rows.find((r) => r.kind === 'engine').value, `{"n":599,"pad":"${pad}"}`);
});

realTest('each input writes only what it changed, whatever the number of conversations', async (t, wasm) => {
  const storage = durableStorage();
  const clock = new FakeClock(Date.UTC(2026, 0, 12));
  const host = await HandoffHost.create({ wasm, config: CONFIG, clock, store: new DurableObjectStore(storage), environment: 'server' });
  t.after(() => host.close());
  for (let i = 0; i < 300; i++) await host.handle({ type: 'customer_message', conversation_id: `c${i}`, text: 'Where is my order?' });
  assert.equal([...storage.map.keys()].filter((k) => k.startsWith('rec:conversation:')).length, 300, 'one key per conversation');
  storage.counts.put = 0;
  clock.advanceTo(clock.now() + 1000); // the engine record's clock moves too
  await host.handle({ type: 'customer_message', conversation_id: 'c7', text: 'Still waiting' });
  assert.equal(storage.counts.put, 2, 'the engine record and that conversation');
  assert.ok(![...storage.map.keys()].includes('handoff-state'), 'no whole state');

  // A restart restores from the records alone.
  const again = await HandoffHost.create({ wasm, config: CONFIG, clock: new FakeClock(Date.UTC(2026, 0, 12)), store: new DurableObjectStore(storage), environment: 'server' });
  t.after(() => again.close());
  assert.equal(again.engine.stateJson(), host.engine.stateJson());
});

realTest('a whole state an older version saved is read once and converted to records, in every store', async (t, wasm) => {
  const clock = () => new FakeClock(Date.UTC(2026, 0, 12));
  // The whole state as the host before records saved it.
  const old = await HandoffHost.create({ wasm, config: CONFIG, clock: clock(), store: { load: async () => null, save: async () => {} }, environment: 'server' });
  t.after(() => old.close());
  await old.handle({ type: 'customer_message', conversation_id: 'c1', text: 'I want to talk to a human' });
  await old.handle({ type: 'customer_message', conversation_id: 'c2', text: 'Hello' });
  const whole = old.engine.stateJson();

  const dir = await tempDir(t);
  const storage = durableStorage();
  await new DurableObjectStore(storage).save(whole);
  const local = localStorageLike();
  local.setItem('w:state', whole);
  await writeFile(join(dir, 'state.json'), whole);
  const cases = [
    ['MemoryStore', () => new MemoryStore(whole), null],
    ['FileStore', () => new FileStore(join(dir, 'state.json')), null],
    ['LocalStorageStore', () => new LocalStorageStore('w:', local), () => assert.equal(local.getItem('w:state'), null)],
    ['DurableObjectStore', () => new DurableObjectStore(storage), () => assert.ok(!storage.map.has('handoff-state'))],
  ];
  for (const [name, open, gone] of cases) {
    const store = open();
    const host = await HandoffHost.create({ wasm, config: CONFIG, clock: clock(), store, environment: 'server' });
    t.after(() => host.close());
    assert.equal(host.engine.stateJson(), whole, `${name}: restored as saved`);
    assert.equal(await store.load(), null, `${name}: the whole state is gone`);
    gone?.();
    const rows = await store.loadRecords();
    assert.deepEqual(rows.filter((r) => r.kind === 'conversation').map((r) => r.id).sort(), ['c1', 'c2'], name);
    await host.handle({ type: 'customer_message', conversation_id: 'c2', text: 'Anyone?' });
    const third = await HandoffHost.create({ wasm, config: CONFIG, clock: clock(), store: name === 'MemoryStore' ? store : open(), environment: 'server' });
    t.after(() => third.close());
    assert.equal(third.engine.stateJson(), host.engine.stateJson(), `${name}: goes on from the records`);
  }
});

realTest('a failed write leaves the store as it was and the host goes back to it', async (t, wasm) => {
  const storage = durableStorage();
  const host = await HandoffHost.create({ wasm, config: CONFIG, clock: new FakeClock(Date.UTC(2026, 0, 12)), store: new DurableObjectStore(storage), environment: 'server' });
  t.after(() => host.close());
  await host.handle({ type: 'customer_message', conversation_id: 'c1', text: 'Hello' });
  const before = host.engine.stateJson();
  const keys = [...storage.map.entries()];
  storage.failNext = true;
  await assert.rejects(host.handle({ type: 'customer_message', conversation_id: 'c2', text: 'Hi' }), /could not save the state/);
  assert.deepEqual([...storage.map.entries()], keys, 'nothing of the change set was written');
  assert.equal(host.engine.stateJson(), before, 'the engine went back to the stored records');
  await host.handle({ type: 'customer_message', conversation_id: 'c2', text: 'Hi' });
  assert.equal(await host.query({ query: 'conversation', conversation_id: 'c2' }).then((c) => c.id), 'c2');
});
