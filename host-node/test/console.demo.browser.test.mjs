// The demo a newcomer plays in two tabs, end to end in real Chromium against the real
// `handoff serve --demo-widget`: customers in the widget page (a customer session each, never the
// widget token) talk to the scripted demo AI and ask for a person; the agent, signed in by a
// one-time link (a ticket, refused when used again), takes the offer with its context, and they
// write both ways live; `<img src=x onerror=alert(1)>` shows literally on both sides. A second
// and a third customer queue and the third watches its position fall; the agent returns one
// conversation to the AI, transfers another to Ben, resolves a third with a wrap-up, and the
// customer rates it. The supervisor, signed in by its own link, redrives a dead letter of a
// webhook whose receiver answered 500. axe-core finds no serious or critical violations on any
// page. Screenshots: `<cargo target>/screenshots/demo-*.png`.
//
// Needs Debian's Chromium, the `handoff` binary and the abi module (test-support/handoff-serve.mjs
// says how to get what is missing); it fails, never skips, without them.

import assert from 'node:assert/strict';
import { accessSync, constants, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startServe } from '../test-support/handoff-serve.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SCREENSHOTS = resolve(REPO, process.env.CARGO_TARGET_DIR ?? 'target', 'screenshots');
const CHROMIUM = process.env.HANDOFF_CHROMIUM || '/usr/bin/chromium';
const require = createRequire(import.meta.url);
const XSS = '<img src=x onerror=alert(1)>';

const TOKENS = {
  admin: 'admin-token-demo-0123456789',
  widget: 'widget-token-demo-0123456789',
  asha: 'asha-token-demo-0123456789',
  ben: 'ben-token-demo-0123456789',
};

const CONFIG = {
  handoff: {
    triggers: { customer_request: true, sentiment_threshold: -0.5 },
    routing: { method: 'round_robin', fallback: 'queue', offer_timeout_seconds: 600 },
    agents: [
      { id: 'asha', name: 'Asha', max_concurrent: 1 },
      { id: 'ben', name: 'Ben', max_concurrent: 3 },
    ],
    resolution: { wrap_up_seconds: 600, csat: true },
    console: {
      canned_responses: [
        { title: 'Greeting', text: 'Hi, thanks for waiting!' },
        { title: 'Checking', text: 'Let me check that for you.' },
      ],
    },
    deliveries: { retry_schedule_seconds: [1] },
    webhooks: [{ id: 'crm', url: 'http://127.0.0.1:1/replaced-in-before', events: ['conversation.resolved'], secret_ref: 'DEMO_TEST_WEBHOOK_SECRET' }],
  },
};

/** The CRM's receiver: answers 500 until `accept` is set (its deliveries end as dead letters). */
const receiver = { server: null, accept: false, accepted: 0 };

let serve;
let browser;

before(async () => {
  accessSync(CHROMIUM, constants.X_OK);
  receiver.server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (receiver.accept) receiver.accepted += 1;
      res.writeHead(receiver.accept ? 200 : 500).end();
    });
  });
  await new Promise((ok) => receiver.server.listen(0, '127.0.0.1', ok));
  CONFIG.handoff.webhooks[0].url = `http://127.0.0.1:${receiver.server.address().port}/hook`;
  serve = await startServe({
    config: CONFIG,
    args: ['--demo-widget'],
    env: {
      DEMO_TEST_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      HANDOFF_ADMIN_TOKEN: TOKENS.admin,
      HANDOFF_WIDGET_TOKEN: TOKENS.widget,
      HANDOFF_AGENT_TOKENS: `asha=${TOKENS.asha},ben=${TOKENS.ben}`,
    },
  });
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close();
  await serve?.close();
  receiver.server?.close();
});

/** A call of the HTTP API with `token`; throws on an error answer. */
async function http(method, path, token, body) {
  const response = await fetch(`${serve.origin}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function shoot(t, page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = resolve(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  t.diagnostic(`screenshot: ${path}`);
}

async function axeViolations(page) {
  // Evaluated through the debugging protocol: the page's policy rightly refuses an injected <script>.
  if (!(await page.evaluate(() => Boolean(globalThis.axe)))) await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const result = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** A new tab in its own browser profile (its own cookies), watched for errors and dialogs. */
async function tab(t, watch) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.on('console', (m) => (m.type() === 'error' ? watch.problems.push(m.text()) : null));
  page.on('pageerror', (e) => watch.problems.push(`pageerror: ${e.message}`));
  page.on('dialog', async (d) => {
    watch.dialogs.push(d.message());
    await d.dismiss();
  });
  page.on('request', (r) => watch.urls.push(r.url()));
  page.on('response', (r) => (r.status() >= 400 ? t.diagnostic(`${r.status()} ${r.request().method()} ${r.url()}`) : null));
  return { context, page };
}

/** A customer in the widget page: its conversation id once the page has a session. */
async function openWidget(page, name) {
  const response = await page.goto(`${serve.origin}/widget`);
  assert.match(response.headers()['content-security-policy'], /script-src 'self'/);
  await page.waitForFunction(() => Boolean(document.body.dataset.conversation));
  await page.fill('#name', name);
  return page.evaluate(() => document.body.dataset.conversation);
}

async function say(page, text) {
  const before = await page.locator('#log li[data-role="customer"]').count();
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
  await page.locator('#log li[data-role="customer"]').nth(before).waitFor();
}

test('two tabs: a customer in the widget and an agent in the console, then the supervisor', async (t) => {
  const watch = { problems: [], dialogs: [], urls: [] };
  const tabs = [];
  try {
    // The agent's one-time link: the service trades its ticket for a cookie and drops it from the address.
    const link = await http('POST', '/v1/session/links', TOKENS.admin, { agent_id: 'asha' });
    const agent = await tab(t, watch);
    tabs.push(agent);
    const console_ = agent.page;
    await console_.goto(`${serve.origin}${link.url}`);
    assert.equal(new URL(console_.url()).pathname, '/console');
    assert.ok(!console_.url().includes('ticket'), 'the ticket is gone from the address');
    await console_.locator('#me-name', { hasText: 'Asha' }).waitFor();
    await console_.locator('#live[data-state="live"]').waitFor();
    const reused = await fetch(`${serve.origin}${link.url}`, { redirect: 'manual' });
    assert.equal(reused.status, 401, 'a used link is refused');
    await console_.selectOption('#presence', 'online');
    await console_.waitForFunction(() => document.body.dataset.presence === 'online');

    // Customer 1 talks to the scripted demo AI, then asks for a person.
    const first = await tab(t, watch);
    tabs.push(first);
    const widget = first.page;
    const c1 = await openWidget(widget, 'Priya');
    assert.match(c1, /^web_/);
    const cookies = await first.context.cookies();
    const customerCookie = cookies.find((c) => c.name === 'handoff_customer');
    assert.ok(customerCookie?.httpOnly, 'an HttpOnly customer session');
    assert.equal(customerCookie.path, '/v1/customer');
    await say(widget, 'Where is my order ORD-12345?');
    await widget.locator('#log li[data-role="ai"]', { hasText: 'order' }).waitFor();
    assert.match(await widget.locator('#log li[data-role="ai"] .who').first().textContent(), /Demo AI/);
    await say(widget, XSS);
    assert.equal(await widget.locator('#log li[data-role="customer"] .text').last().textContent(), XSS);
    assert.equal(await widget.locator('#log img').count(), 0, 'no <img> was made from the message');
    await widget.click('#person');
    await widget.locator('#log li[data-role="system"]', { hasText: 'connecting you' }).waitFor();
    assert.deepEqual(await axeViolations(widget), [], 'axe: the widget');

    // The agent sees the offer with its context and accepts.
    const offer = console_.locator(`#offers button[data-conversation="${c1}"]`);
    await offer.waitFor();
    await offer.click();
    const offerView = console_.locator(`#view [data-kind="offer"][data-conversation="${c1}"]`);
    await offerView.waitFor();
    await offerView.locator('.log li[data-role="ai"]', { hasText: 'left our warehouse' }).waitFor();
    assert.equal(await offerView.locator('.log li[data-role="customer"] .bubble').last().textContent(), XSS);
    assert.equal(await console_.locator('#view img').count(), 0);
    await offerView.locator('button[data-action="accept"]').click();
    await widget.locator('#status[data-state="agent"]', { hasText: 'Asha' }).waitFor();

    // Both ways, live; a canned response from the configuration (keyboard: pick, Enter inserts).
    await console_.locator(`#held button[data-conversation="${c1}"]`).click();
    const chat = console_.locator(`#view [data-kind="held"][data-conversation="${c1}"]`);
    await chat.waitFor();
    await console_.focus('#canned');
    await console_.selectOption('#canned', { label: 'Greeting' });
    await console_.press('#canned', 'Enter');
    assert.equal(await console_.inputValue('#composer-text'), 'Hi, thanks for waiting!');
    await console_.locator('#composer-text').press('End');
    await console_.keyboard.type(' Asha here, checking the courier.');
    await console_.press('#composer-text', 'Enter');
    await widget.locator('#log li[data-role="agent"]', { hasText: 'Asha here' }).waitFor();
    await say(widget, 'Thanks, it is a birthday present.');
    await chat.locator('.log li[data-role="customer"]', { hasText: 'birthday present' }).waitFor();
    assert.deepEqual(await axeViolations(console_), [], 'axe: the console');
    await shoot(t, console_, 'demo-console');
    await shoot(t, widget, 'demo-widget-chat');

    // Two more customers: Asha is full (one at a time) and Ben is offline, so they queue.
    const second = await tab(t, watch);
    const third = await tab(t, watch);
    tabs.push(second, third);
    const c2 = await openWidget(second.page, 'Tom');
    await say(second.page, 'I want to talk to a person about an invoice.');
    await second.page.locator('#status[data-position="1"]').waitFor();
    const c3 = await openWidget(third.page, 'Lena');
    await say(third.page, 'Can I speak to a human please?');
    await third.page.locator('#status[data-position="2"]').waitFor();
    assert.deepEqual(await axeViolations(third.page), [], 'axe: a queued customer');
    await shoot(t, third.page, 'demo-widget-queued');

    // Asha returns customer 1 to the AI: customer 2 is offered to her, customer 3 moves up.
    await console_.fill('#ai-note', 'Courier checked; the AI can take it from here.');
    await console_.locator('form[aria-labelledby="ai-title"] button[type="submit"]').click();
    await console_.locator(`#held button[data-conversation="${c1}"]`).waitFor({ state: 'detached' });
    await widget.locator('#status[data-state="ai"]').waitFor();
    await third.page.locator('#status[data-position="1"]').waitFor();
    await console_.locator(`#offers button[data-conversation="${c2}"]`).click();
    await console_.locator(`#view [data-kind="offer"][data-conversation="${c2}"] button[data-action="accept"]`).click();
    await second.page.locator('#status[data-state="agent"]', { hasText: 'Asha' }).waitFor();

    // Ben comes online and takes customer 3; Asha transfers customer 2 to him with a note.
    await http('PUT', '/v1/agents/ben', TOKENS.ben, { status: 'online' });
    const waitFor = async (check) => {
      for (;;) {
        if (await check()) return;
        await new Promise((ok) => setTimeout(ok, 100));
      }
    };
    await waitFor(async () => (await http('GET', `/v1/conversations/${c3}`, TOKENS.admin)).agent_id === 'ben');
    await http('POST', `/v1/conversations/${c3}/accept`, TOKENS.ben);
    await third.page.locator('#status[data-state="agent"]', { hasText: 'Ben' }).waitFor();
    await console_.locator(`#held button[data-conversation="${c2}"]`).click();
    await console_.selectOption('#transfer-kind', 'agent');
    await console_.selectOption('#transfer-agent', 'ben');
    await console_.fill('#transfer-note', 'Invoice question; the customer is waiting.');
    await console_.locator('form[aria-labelledby="transfer-title"] button[type="submit"]').click();
    await console_.locator(`#held button[data-conversation="${c2}"]`).waitFor({ state: 'detached' });
    await http('POST', `/v1/conversations/${c2}/accept`, TOKENS.ben);
    await second.page.locator('#status[data-state="agent"]', { hasText: 'Ben' }).waitFor();
    await http('PUT', '/v1/agents/ben', TOKENS.ben, { status: 'away' });

    // Customer 1 asks for a person again; Asha takes it and resolves it, then her wrap-up.
    await widget.click('#person');
    await console_.locator(`#offers button[data-conversation="${c1}"]`).click();
    await console_.locator(`#view [data-kind="offer"][data-conversation="${c1}"] button[data-action="accept"]`).click();
    await console_.locator(`#held button[data-conversation="${c1}"]`).click();
    await console_.selectOption('#resolve-outcome', 'solved');
    await console_.fill('#resolve-note', 'Parcel due Friday.');
    await console_.locator('form[aria-labelledby="resolve-title"] button[type="submit"]').click();
    const wrapUp = console_.locator('li.wrapup', { hasText: c1 });
    await wrapUp.waitFor();
    await wrapUp.locator('button').click();
    await wrapUp.waitFor({ state: 'detached' });

    // The customer rates it.
    await widget.locator('#rating').waitFor();
    await widget.check('#rating input[name="score"][value="5"]');
    await widget.fill('#comment', 'Quick and friendly');
    await widget.locator('#rating button[type="submit"]').click();
    await widget.locator('#thanks').waitFor();
    const metrics = await (await fetch(`${serve.origin}/metrics`, { headers: { Authorization: `Bearer ${TOKENS.admin}` } })).text();
    assert.match(metrics, /handoff_csat_responses_total\{score="5"\} 1/);
    await shoot(t, widget, 'demo-widget-rated');

    // The supervisor, by its own link: the resolution's webhook answered 500 until it was dead-lettered.
    const supervisorLink = await http('POST', '/v1/session/links', TOKENS.admin, {});
    const supervisor = await tab(t, watch);
    tabs.push(supervisor);
    const board = supervisor.page;
    await board.goto(`${serve.origin}${supervisorLink.url}`);
    assert.equal(new URL(board.url()).pathname, '/console/supervisor');
    await board.locator('#live[data-state="live"]').waitFor();
    const dead = board.locator('#dead tr[data-delivery]');
    await dead.first().waitFor({ timeout: 90_000 });
    assert.deepEqual(await axeViolations(board), [], 'axe: the supervisor view');
    await shoot(t, board, 'demo-supervisor');
    receiver.accept = true;
    const id = await dead.first().getAttribute('data-delivery');
    await dead.first().locator('button[data-action="redrive"]').click();
    await board.locator(`#dead tr[data-delivery="${id}"]`).waitFor({ state: 'detached' });
    await waitFor(async () => receiver.accepted > 0);

    for (const url of watch.urls) {
      for (const token of Object.values(TOKENS)) assert.ok(!url.includes(token), `no token in a URL: ${url}`);
    }
    assert.ok(!serve.log().includes(link.url.split('=')[1]), 'the ticket is never logged');
    assert.deepEqual(watch.dialogs, [], 'no script ran from a message');
    assert.deepEqual(watch.problems.filter((p) => !/40[14]/.test(p)), [], 'no errors in the pages');
  } finally {
    for (const { context } of tabs) await context.close();
  }
});
