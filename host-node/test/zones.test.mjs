// The filtered-zones build (`cargo xtask wasm --zones ...`), the browsers' widget build: a smaller
// engine with only the time zones a deployment names and without the helpdesk integrations (a
// browser may not hold their credentials). It must behave like the full build for those zones and
// for webhooks, refuse a configuration naming any other zone with a clear error listing what it
// has, and refuse a helpdesk at its path saying why.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const repo = new URL('../../', import.meta.url);
const dir = process.env.HANDOFF_ZONES_DIR
  ? pathToFileURL(`${process.env.HANDOFF_ZONES_DIR.replace(/\/$/, '')}/`)
  : new URL('target/wasm/zones/js/', repo);
const glue = new URL('handoff_wasm.js', dir);
const bytes = new URL('handoff_wasm_bg.wasm', dir);
const full = new URL('../wasm/handoff_wasm_bg.wasm', import.meta.url);
const present = existsSync(glue) && existsSync(bytes);
const MISSING =
  `the filtered-zones build is missing (${fileURLToPath(dir)}): run ` +
  '`cargo xtask wasm --zones-from examples/business-hours.json` (cargo xtask test builds it)';

/** Runs `body` (an async function body using `Engine`) in a fresh process with the filtered build. */
async function withFiltered(body) {
  const script = `
    import { readFile } from 'node:fs/promises';
    const glue = await import(${JSON.stringify(glue.href)});
    await glue.default({ module_or_path: await readFile(new URL(${JSON.stringify(bytes.href)})) });
    const { Engine } = glue;
    const result = await (async () => { ${body} })();
    console.log(JSON.stringify(result));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
  return JSON.parse(stdout);
}

const options = present
  ? {}
  : process.env.CI === 'true'
    ? {}
    : { skip: MISSING };

test('the filtered build is smaller than the full one', options, () => {
  assert.ok(present, MISSING);
  const filtered = statSync(bytes).size;
  const all = statSync(full).size;
  assert.ok(filtered < all, `filtered ${filtered} bytes, full ${all} bytes`);
});

test('the filtered build keeps the business hours of the zone it was built for', options, async () => {
  assert.ok(present, MISSING);
  const result = await withFiltered(`
    const config = { handoff: { business_hours: { timezone: 'Asia/Kolkata',
      schedule: { monday: { start: '09:00', end: '18:00' } } } } };
    const engine = new Engine(config);
    // Monday 2026-01-12 10:00 in Kolkata (04:30 UTC) is open; 20:00 (14:30 UTC) is closed.
    return [engine.hours(Date.UTC(2026, 0, 12, 4, 30)), engine.hours(Date.UTC(2026, 0, 12, 14, 30))];
  `);
  assert.equal(result[0].open, true, JSON.stringify(result[0]));
  assert.equal(result[1].open, false, JSON.stringify(result[1]));
});

test('a zone the build left out is refused with the list of zones it has', options, async () => {
  assert.ok(present, MISSING);
  const result = await withFiltered(`
    try {
      new Engine({ handoff: { business_hours: { timezone: 'America/New_York' } } });
      return { refused: false };
    } catch (e) {
      return { refused: true, message: String(e.message), path: e.path };
    }
  `);
  assert.equal(result.refused, true);
  assert.match(result.message, /handoff\.business_hours\.timezone/);
  assert.match(result.message, /built with only these time zones: .*Asia\/Kolkata/);
  assert.match(result.message, /cargo xtask wasm --zones/);
});

test('the widget build has no helpdesk integrations: a helpdesk is refused at its path, webhooks work', options, async () => {
  assert.ok(present, MISSING);
  const result = await withFiltered(`
    const zendesk = { kind: 'zendesk', subdomain: 'acme', email: 'agent@example.com', api_token_ref: 'ZENDESK_API_TOKEN' };
    let refusal = null;
    try {
      new Engine({ handoff: { integrations: [{ kind: 'webhook', url: 'https://x.test/a' }, zendesk] } });
    } catch (e) {
      refusal = { name: e.name, path: e.path, kind: e.kind, message: e.message, count: e.errors.length };
    }
    // A webhook entry of handoff.integrations is a webhook, as in every build.
    const engine = new Engine({ handoff: { integrations: [{ kind: 'webhook', id: 'crm', url: 'https://x.test/h' }] } });
    const outputs = engine.handle({ type: 'customer_message', conversation_id: 'c1', text: 'I want to talk to a human' }, Date.UTC(2026, 0, 12, 4, 30));
    const deliveries = outputs.filter((o) => o.type === 'delivery' && o.event === 'conversation.handoff_requested')
      .map((d) => [d.webhook_id, d.url, d.operation ?? null]);
    return { refusal, deliveries };
  `);
  assert.deepEqual(
    { ...result.refusal, message: undefined },
    { name: 'ConfigError', path: 'handoff.integrations[1]', kind: 'invalid', message: undefined, count: 1 },
  );
  assert.match(result.refusal.message, /handoff\.integrations\[1\]: "zendesk": this build of the engine has no helpdesk integrations/);
  assert.match(result.refusal.message, /a browser may not hold a helpdesk's credentials/);
  assert.match(result.refusal.message, /use a webhook/);
  assert.deepEqual(result.deliveries, [['crm', 'https://x.test/h', null]]);
});
