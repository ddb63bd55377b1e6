// The state stores: memory, localStorage, a Durable Object's storage, and a file that a crash never
// leaves half-written. And a restart: a new host from the same file continues where the old one was.

import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DurableObjectStore, FileStore, HandoffHost, LocalStorageStore, MemoryStore } from 'handoff-engine';
import { engineTest } from '../test-support/engines.mjs';
import { FakeClock } from '../test-support/clock.mjs';
import { startReceiver } from '../test-support/server.mjs';
import { ask, ofType, record, secrets, webhookConfig } from '../test-support/setup.mjs';

/**
 * The ids of each kind a FileStore at `path` holds: its records, or (a host whose engine lists no
 * changes, like the fake) the keys of the whole state it saved.
 */
async function storedIds(path) {
  const rows = await new FileStore(path).loadRecords();
  if (rows != null) {
    return (kind) => rows.filter((r) => r.kind === kind).map((r) => r.id).sort();
  }
  const state = JSON.parse(await readFile(path, 'utf8'));
  const field = { conversation: 'conversations', outbox: 'outbox' };
  return (kind) => Object.keys(state[field[kind]] ?? {}).sort();
}

async function tempDir(t) {
  const dir = await mkdtemp(join(tmpdir(), 'handoff-host-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('MemoryStore keeps what was saved', async () => {
  const store = new MemoryStore();
  assert.equal(await store.load(), null);
  await store.save('{"a":1}');
  assert.equal(await store.load(), '{"a":1}');
  assert.equal(await new MemoryStore('{"b":2}').load(), '{"b":2}');
});

test('LocalStorageStore keeps the state under its prefix', async () => {
  const map = new Map();
  const storage = {
    getItem: (k) => (map.has(k) ? map.get(k) : null),
    setItem: (k, v) => map.set(k, String(v)),
  };
  const store = new LocalStorageStore('shop-widget:', storage);
  assert.equal(store.key, 'shop-widget:state');
  assert.equal(await store.load(), null);
  await store.save('{"x":1}');
  assert.deepEqual([...map.keys()], ['shop-widget:state']);
  assert.equal(await new LocalStorageStore('shop-widget:', storage).load(), '{"x":1}');
  assert.equal(await new LocalStorageStore('other:', storage).load(), null);
  assert.throws(() => new LocalStorageStore('x:', undefined), /localStorage is not available/);
});

function durableStorage() {
  const map = new Map();
  return {
    map,
    failAfter: Infinity,
    async get(key) {
      return structuredClone(map.get(key));
    },
    async put(key, value) {
      if (this.failAfter-- <= 0) throw new Error('storage crashed');
      map.set(key, structuredClone(value));
    },
    async delete(key) {
      return map.delete(key);
    },
  };
}

test('DurableObjectStore keeps small and large states, in chunks under 128 KiB', async () => {
  const storage = durableStorage();
  const store = new DurableObjectStore(storage, 'st');
  assert.equal(await store.load(), null);
  await store.save('{"small":true}');
  assert.equal(storage.map.get('st'), '{"small":true}');
  const big = JSON.stringify({ history: 'ü'.repeat(250_000) });
  await store.save(big);
  assert.equal(await new DurableObjectStore(storage, 'st').load(), big);
  for (const [key, value] of storage.map) {
    if (typeof value === 'string') assert.ok(value.length * 2 < 128 * 1024, `${key} fits in a value`);
  }
  const bigger = JSON.stringify({ history: 'ö'.repeat(300_000) });
  await store.save(bigger);
  assert.equal(await new DurableObjectStore(storage, 'st').load(), bigger);
  assert.equal([...storage.map.keys()].filter((k) => k.startsWith('st:1:')).length, 0, 'old chunks deleted');
  await store.save('{"small":2}');
  assert.deepEqual([...storage.map.keys()], ['st'], 'only the state is left');
});

test('DurableObjectStore: a crash part-way through a save leaves the previous state whole', async () => {
  const storage = durableStorage();
  const first = JSON.stringify({ n: 1, pad: 'a'.repeat(200_000) });
  await new DurableObjectStore(storage).save(first);
  // A new store object (a restarted Durable Object) that has not loaded: it must not write over
  // the chunks the saved state is made of.
  const store = new DurableObjectStore(storage);
  storage.failAfter = 2;
  await assert.rejects(store.save(JSON.stringify({ n: 2, pad: 'b'.repeat(200_000) })), /storage crashed/);
  storage.failAfter = Infinity;
  assert.equal(await new DurableObjectStore(storage).load(), first);
  assert.throws(() => new DurableObjectStore({}), /async get and put/);
});

test('FileStore writes a temporary file and renames it: never half a state', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'nested', 'state.json');
  const store = new FileStore(path);
  assert.equal(await store.load(), null);
  await store.save('{"v":1}');
  await store.save('{"v":2}');
  assert.equal(await readFile(path, 'utf8'), '{"v":2}');
  assert.deepEqual(await readdir(join(dir, 'nested')), ['state.json'], 'no temporary file left');
  if (process.platform !== 'win32') assert.equal((await stat(path)).mode & 0o777, 0o600);
  // A crash during a write leaves a stray temporary file: the state is still the last whole one.
  await writeFile(`${path}.999.1.tmp`, '{"v":3, "half');
  assert.equal(await new FileStore(path).load(), '{"v":2}');
});

engineTest('a new host from the same file continues: queue positions, deliveries', async (t, wasm) => {
  const dir = await tempDir(t);
  const path = join(dir, 'state.json');
  const receiver = await startReceiver((request, n) => (n === 1 ? { hang: true } : { status: 200 }));
  t.after(() => receiver.close());
  const config = webhookConfig(receiver.url);
  const clock = new FakeClock();

  // First life: three customers wait; the first one's webhook delivery is in flight at the crash.
  const first = await HandoffHost.create({ wasm, config, secrets, clock, store: new FileStore(path) });
  const outs = [];
  for (const id of ['conv_a', 'conv_b', 'conv_c']) outs.push(...(await first.handle(ask(id))));
  const positions = Object.fromEntries(ofType(outs, 'queued').map((q) => [q.conversation_id, q.position]));
  assert.deepEqual(positions, { conv_a: 1, conv_b: 2, conv_c: 3 });
  const delivery = ofType(outs, 'delivery')[0];
  await first.close(); // the crash: the hanging delivery is never reported
  const saved = first.state(); // what it had stored when it stopped
  const ids = await storedIds(path);
  assert.ok(ids('outbox').includes(delivery.delivery_id), 'the unreported delivery is in the saved outbox');
  assert.deepEqual(ids('conversation'), ['conv_a', 'conv_b', 'conv_c']);

  // Second life, from the same file.
  const second = await HandoffHost.create({ wasm, config, secrets, clock, store: new FileStore(path) });
  t.after(() => second.close());
  const seen2 = record(second);
  assert.deepEqual(second.state(), saved, 'restored exactly');
  const closed = await second.handle({ type: 'conversation_closed', conversation_id: 'conv_a', by: 'customer' });
  const moved = Object.fromEntries(ofType(closed, 'queued').map((q) => [q.conversation_id, q.position]));
  assert.deepEqual(moved, { conv_b: 1, conv_c: 2 }, 'the queue moved up');

  // The delivery handed out before the crash comes back after its lease, with the same id.
  assert.ok(second.timerAt !== undefined, 'the restored host armed its timer');
  const delivered = () => seen2.outputs.some((o) => o.type === 'delivered' && o.delivery_id === delivery.delivery_id);
  for (let i = 0; i < 10 && !delivered(); i++) {
    clock.advanceTo(second.timerAt ?? clock.now());
    await second.idle();
  }
  const again = receiver.requests.filter((r) => r.headers['webhook-id'] === delivery.delivery_id);
  assert.ok(again.length >= 2, 'sent again after the restart');
  assert.ok(delivered(), 'and delivered');
  assert.ok(!(await storedIds(path))('outbox').includes(delivery.delivery_id), 'no longer owed');
});
