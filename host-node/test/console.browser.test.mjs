// The agent console of `handoff serve` (/console), in real Chromium against the real binary: an
// agent signs in with its token (traded for an HttpOnly session cookie, never put in the URL),
// goes online, and a customer (driven through the HTTP API as the widget's backend would) asks
// for a person. The agent sees the offer with its context and a countdown, accepts, and they
// write to each other live; a customer's `<img src=x onerror=alert(1)>` shows literally; a
// private note never reaches the customer's side; a second conversation is transferred to
// another agent, a third returned to the AI, and the first resolved with an outcome. axe-core
// finds no serious or critical violations. Screenshots: `<cargo target>/screenshots/console-*.png`.
//
// Needs Debian's Chromium, the `handoff` binary and the abi module (test-support/handoff-serve.mjs
// says how to get what is missing); it fails, never skips, without them.

import assert from 'node:assert/strict';
import { accessSync, constants, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { startServe } from '../test-support/handoff-serve.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SCREENSHOTS = resolve(REPO, process.env.CARGO_TARGET_DIR ?? 'target', 'screenshots');
const CHROMIUM = process.env.HANDOFF_CHROMIUM || '/usr/bin/chromium';
const require = createRequire(import.meta.url);

const TOKENS = {
  admin: 'admin-token-console-0123456789',
  widget: 'widget-token-console-0123456789',
  asha: 'asha-token-console-0123456789',
  ben: 'ben-token-console-0123456789',
};

const CONFIG = {
  handoff: {
    triggers: { customer_request: true, sentiment_threshold: -0.5 },
    routing: { method: 'round_robin', offer_timeout_seconds: 300, max_concurrent_per_agent: 3 },
    agents: [
      { id: 'asha', name: 'Asha', skills: { billing: 3 } },
      { id: 'ben', name: 'Ben', skills: { shipping: 2 } },
    ],
    resolution: { outcomes: ['solved', 'not_solved', 'refunded'] },
    webhooks: [{ id: 'crm', url: 'http://127.0.0.1:1/replaced-in-before', secret_ref: 'CONSOLE_TEST_WEBHOOK_SECRET' }],
  },
};

/** A webhook receiver: answers 410 Gone (the webhook is disabled, the delivery dead-lettered) until `accept` is set. */
const receiver = { server: null, accept: false, received: [] };

let serve;
let browser;

before(async () => {
  accessSync(CHROMIUM, constants.X_OK);
  receiver.server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      receiver.received.push({ body, accepted: receiver.accept });
      res.writeHead(receiver.accept ? 200 : 410).end();
    });
  });
  await new Promise((ok) => receiver.server.listen(0, '127.0.0.1', ok));
  CONFIG.handoff.webhooks[0].url = `http://127.0.0.1:${receiver.server.address().port}/hook`;
  serve = await startServe({
    config: CONFIG,
    env: {
      CONSOLE_TEST_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
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

/** The customer's side, as the widget's backend drives it. */
const customer = {
  say: (id, text, extra = {}) => http('POST', `/v1/conversations/${id}/messages`, TOKENS.widget, { text, ...extra }),
  ai: (id, text, extra = {}) => http('POST', `/v1/conversations/${id}/ai-replies`, TOKENS.widget, { text, ...extra }),
  askForPerson: (id) => http('POST', `/v1/conversations/${id}/handoff`, TOKENS.widget, { source: 'widget_button' }),
  read: (id) => http('GET', `/v1/conversations/${id}`, TOKENS.widget),
};

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

test('an agent signs in, takes an offer with its context, chats, transfers, returns to the AI and resolves', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const problems = [];
  const dialogs = [];
  const requests = [];
  page.on('console', (m) => (m.type() === 'error' ? problems.push(m.text()) : null));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  page.on('request', (r) => requests.push(r.url()));
  page.on('response', (r) => (r.status() >= 400 ? t.diagnostic(`${r.status()} ${r.request().method()} ${r.url()}`) : null));
  try {
    // The page comes with a strict policy.
    const response = await page.goto(`${serve.origin}/console`);
    const csp = response.headers()['content-security-policy'];
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);

    // Sign in: the token goes in a header once; the browser keeps an HttpOnly, SameSite=Strict cookie.
    await page.locator('#token').waitFor();
    await shoot(t, page, 'console-signin');
    await page.fill('#token', 'not-a-real-token-000000');
    await page.press('#token', 'Enter');
    await page.locator('#signin-error', { hasText: 'not valid' }).waitFor();
    await page.fill('#token', TOKENS.asha);
    await page.press('#token', 'Enter');
    await page.locator('#me-name', { hasText: 'Asha' }).waitFor();
    await page.locator('#live[data-state="live"]').waitFor();
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'handoff_session');
    assert.ok(session, 'a session cookie');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.equal(await page.evaluate(() => document.cookie), '', 'scripts cannot read the cookie');
    for (const url of requests) assert.ok(!url.includes(TOKENS.asha), `the token is in no URL: ${url}`);

    // Online (keyboard), Ben online through the API.
    await page.focus('#presence');
    await page.selectOption('#presence', 'online');
    await page.locator('#load', { hasText: '0 / 3' }).waitFor();
    await page.waitForFunction(() => document.body.dataset.presence === 'online');
    await http('PUT', '/v1/agents/ben', TOKENS.ben, { status: 'online' });

    // A customer asks for a person.
    await customer.say('conv_1', 'Where is my order ORD-12345? It is a week late.', {
      customer: { id: 'cust_456', name: 'Priya Sharma', email: 'priya@example.com', attributes: { plan: 'Pro', orders: 14 } },
      signals: { sentiment: -0.3 },
    });
    await customer.ai('conv_1', 'Let me check the courier for you.', { confidence: 0.4, actions: ['looked up order ORD-12345'] });
    await customer.say('conv_1', 'This is ridiculous, I need a real person now.', {
      signals: { sentiment: -0.8, summary: 'Order ORD-12345 is a week late; the customer is upset.', suggested_actions: ['Check the courier status', 'Offer a refund of the shipping'] },
    });
    await customer.askForPerson('conv_1').catch(() => null); // the message may have handed off already
    const offer = page.locator('#offers button[data-conversation="conv_1"]');
    await offer.waitFor();
    await offer.locator('.countdown', { hasText: /\d:\d\d left/ }).waitFor();
    await offer.focus();
    await page.keyboard.press('Enter');
    const view = page.locator('#view [data-kind="offer"][data-conversation="conv_1"]');
    await view.waitFor();
    await view.locator('.summary', { hasText: 'a week late' }).waitFor();
    await view.locator('.steps li', { hasText: 'Check the courier status' }).waitFor();
    await view.locator('.trigger .chip').first().waitFor();
    await view.locator('svg.spark polyline').waitFor();
    await view.locator('.facts dd', { hasText: 'priya@example.com' }).waitFor();
    await view.locator('.plain li', { hasText: 'looked up order ORD-12345' }).waitFor();
    await view.locator('.log li[data-role="customer"]', { hasText: 'ridiculous' }).waitFor();
    assert.ok(await view.locator('.countdown[role="timer"]').isVisible());
    assert.deepEqual(await axeViolations(page), [], 'axe: the offer');
    await shoot(t, page, 'console-offer');

    // Accept (keyboard): the conversation is the agent's.
    await view.locator('button[data-action="accept"]').focus();
    await page.keyboard.press('Enter');
    const chat = page.locator('#view [data-kind="held"][data-conversation="conv_1"]');
    await page.locator('#held button[data-conversation="conv_1"]').click();
    await chat.waitFor();
    await page.locator('#load', { hasText: '1 / 3' }).waitFor();

    // Both ways: the agent replies with Enter; the customer's answer arrives live, as text.
    await page.fill('#composer-text', 'Hi Priya, Asha here. I am checking with the courier.');
    await page.press('#composer-text', 'Enter');
    await chat.locator('.log li[data-role="agent"]', { hasText: 'Asha here' }).waitFor();
    const seen = await customer.read('conv_1');
    assert.ok(seen.history.some((l) => l.role === 'agent' && l.text.includes('Asha here')), 'the customer has the reply');
    const xss = '<img src=x onerror=alert(1)>';
    await customer.say('conv_1', xss);
    await chat.locator('.log li[data-role="customer"] .bubble', { hasText: xss }).waitFor();
    assert.equal(await page.locator('#view img').count(), 0, 'no <img> was made from the message');
    assert.equal(await chat.locator('.log li[data-role="customer"] .bubble').last().textContent(), xss);

    // Shift+Enter breaks the line; a private note stays on the agents' side.
    await page.check('input[name="mode"][value="note"]');
    await page.fill('#composer-text', 'VIP customer');
    await page.press('#composer-text', 'Shift+Enter');
    await page.keyboard.type('refund the shipping if late again');
    await page.press('#composer-text', 'Enter');
    await chat.locator('.log li[data-role="agent_note"]', { hasText: 'refund the shipping' }).waitFor();
    assert.match(await chat.locator('.log li[data-role="agent_note"] .bubble').textContent(), /VIP customer\nrefund/);
    const customerView = await customer.read('conv_1');
    assert.ok(!customerView.history.some((l) => l.text.includes('VIP customer')), 'the note never reaches the customer');
    await page.check('input[name="mode"][value="reply"]');
    assert.deepEqual(await axeViolations(page), [], 'axe: the conversation');
    await shoot(t, page, 'console-chat');

    // A second and a third customer; the agent takes both.
    for (const [id, name, text] of [
      ['conv_2', 'Tom Becker', 'My invoice shows a double charge, can a person look?'],
      ['conv_3', 'Lena Ito', 'Can I talk to someone about my delivery address?'],
    ]) {
      await customer.say(id, text, { customer: { id: `cust_${id}`, name } });
      await customer.askForPerson(id).catch(() => null);
    }
    // Round robin may offer one to Ben: whichever reaches Asha she accepts; Ben takes his through the API.
    const accepted = [];
    for (const id of ['conv_2', 'conv_3']) {
      const rec = await http('GET', `/v1/conversations/${id}`, TOKENS.admin);
      if (rec.status === 'offered' && rec.agent_id === 'ben') {
        await http('POST', `/v1/conversations/${id}/decline`, TOKENS.ben, { reason: 'busy' });
      }
    }
    for (const id of ['conv_2', 'conv_3']) {
      const button = page.locator(`#offers button[data-conversation="${id}"]`);
      await button.waitFor();
      await button.click();
      await page.locator(`#view [data-kind="offer"][data-conversation="${id}"] button[data-action="accept"]`).click();
      await page.locator(`#held button[data-conversation="${id}"]`).waitFor();
      accepted.push(id);
    }
    await page.locator('#load', { hasText: '3 / 3' }).waitFor();

    // Transfer conv_2 to Ben with a note.
    await page.locator('#held button[data-conversation="conv_2"]').click();
    await page.locator('#view [data-kind="held"][data-conversation="conv_2"]').waitFor();
    await page.selectOption('#transfer-kind', 'agent');
    await page.selectOption('#transfer-agent', 'ben');
    await page.fill('#transfer-note', 'Double charge on the March invoice; billing knows.');
    await page.locator('form[aria-labelledby="transfer-title"] button[type="submit"]').click();
    await page.locator('#held button[data-conversation="conv_2"]').waitFor({ state: 'detached' });
    const moved = await http('GET', '/v1/conversations/conv_2', TOKENS.admin);
    assert.equal(moved.agent_id, 'ben');

    // Return conv_3 to the AI.
    await page.locator('#held button[data-conversation="conv_3"]').click();
    await page.fill('#ai-note', 'Address changed; nothing else needed.');
    await page.locator('form[aria-labelledby="ai-title"] button[type="submit"]').click();
    await page.locator('#held button[data-conversation="conv_3"]').waitFor({ state: 'detached' });
    assert.equal((await http('GET', '/v1/conversations/conv_3', TOKENS.admin)).status, 'ai');

    // Resolve conv_1 with a configured outcome; first, a narrow window shows it too.
    await page.locator('#held button[data-conversation="conv_1"]').click();
    await page.setViewportSize({ width: 420, height: 900 });
    await page.locator('#view [data-kind="held"][data-conversation="conv_1"]').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'axe: a narrow window');
    await shoot(t, page, 'console-narrow');
    await page.setViewportSize({ width: 1280, height: 720 });
    const outcomes = await page.locator('#resolve-outcome option').evaluateAll((os) => os.map((o) => o.value));
    assert.deepEqual(outcomes, ['solved', 'not_solved', 'refunded']);
    await page.selectOption('#resolve-outcome', 'refunded');
    await page.fill('#resolve-note', 'Shipping refunded; parcel due Friday.');
    await page.locator('form[aria-labelledby="resolve-title"] button[type="submit"]').click();
    await page.locator('#held button[data-conversation="conv_1"]').waitFor({ state: 'detached' });
    const resolved = await http('GET', '/v1/conversations/conv_1', TOKENS.admin);
    assert.equal(resolved.status, 'resolved');
    assert.equal(resolved.outcome, 'refunded');

    // Declining with a reason: Ben is away, so the next customer is offered to Asha, who declines.
    await http('PUT', '/v1/agents/ben', TOKENS.ben, { status: 'away' });
    await customer.say('conv_5', 'A person please, about a return.', { customer: { name: 'Omar' } });
    await customer.askForPerson('conv_5').catch(() => null);
    await page.locator('#offers button[data-conversation="conv_5"]').click();
    await page.fill('#decline-reason', 'Stepping away for a meeting');
    await page.press('#decline-reason', 'Enter');
    await page.locator('#offers button[data-conversation="conv_5"]').waitFor({ state: 'detached' });
    const declined = await http('GET', '/v1/conversations/conv_5', TOKENS.admin);
    assert.notEqual(declined.agent_id, 'asha', 'no longer offered to Asha');
    assert.ok('asha' in (declined.declined_by ?? {}), 'the engine recorded the decline');

    // Sign out: the session ends; the cookie no longer authorises the API.
    await page.click('#sign-out');
    await page.locator('#signin-error', { hasText: 'signed out' }).waitFor();
    const after = await page.evaluate(async () => (await fetch('/v1/session')).status);
    assert.equal(after, 401);

    assert.deepEqual(dialogs, [], 'no script ran from a message');
    assert.deepEqual(problems.filter((p) => !p.includes('401')), [], 'no errors in the console');
  } finally {
    await context.close();
  }
});

test('a write authorised only by the session cookie must carry the console header', async () => {
  const signIn = await fetch(`${serve.origin}/v1/session`, { method: 'POST', headers: { Authorization: `Bearer ${TOKENS.ben}` } });
  assert.equal(signIn.status, 200);
  assert.deepEqual(await signIn.json(), { role: 'agent', agent_id: 'ben' });
  const cookie = signIn.headers.get('set-cookie').split(';')[0];
  const forged = await fetch(`${serve.origin}/v1/agents/ben`, { method: 'PUT', headers: { Cookie: cookie }, body: '{"status":"away"}' });
  assert.equal(forged.status, 403);
  const own = await fetch(`${serve.origin}/v1/agents/ben`, { method: 'PUT', headers: { Cookie: cookie, 'X-Handoff-Console': '1' }, body: '{"status":"away"}' });
  assert.equal(own.status, 200);
  const read = await fetch(`${serve.origin}/v1/session`, { headers: { Cookie: cookie } });
  assert.deepEqual(await read.json(), { role: 'agent', agent_id: 'ben' });
  const widget = await fetch(`${serve.origin}/v1/session`, { method: 'POST', headers: { Authorization: `Bearer ${TOKENS.widget}` } });
  assert.equal(widget.status, 403, 'the widget token does not sign in to the console');
});

test('the supervisor sees the queue and the agents live, redrives a dead letter and re-enables a webhook', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const problems = [];
  page.on('console', (m) => (m.type() === 'error' ? problems.push(m.text()) : null));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  try {
    const response = await page.goto(`${serve.origin}/console/supervisor`);
    assert.match(response.headers()['content-security-policy'], /script-src 'self'/);
    await page.fill('#token', TOKENS.asha);
    await page.press('#token', 'Enter');
    await page.locator('#signin-error', { hasText: 'admin token' }).waitFor();
    await page.fill('#token', TOKENS.admin);
    await page.press('#token', 'Enter');
    await page.locator('#live[data-state="live"]').waitFor();
    await page.locator('#agents tr[data-agent="asha"]', { hasText: 'Asha' }).waitFor();

    // Nobody free: a customer queues, and the queue shows them live.
    await http('PUT', '/v1/agents/asha', TOKENS.asha, { status: 'offline' });
    await http('PUT', '/v1/agents/ben', TOKENS.ben, { status: 'offline' });
    await customer.say('conv_9', 'I need a person please', { customer: { name: 'Maya' } });
    await customer.askForPerson('conv_9').catch(() => null);
    await page.locator('#queue tr[data-conversation="conv_9"]').waitFor();

    // The webhook answered 410 Gone: its deliveries are dead letters and it is disabled.
    const dead = page.locator('#dead tr[data-delivery]');
    await dead.first().waitFor();
    await page.locator('#hooks li[data-webhook="crm"]').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'axe: the supervisor view');
    await shoot(t, page, 'console-supervisor');

    receiver.accept = true;
    await page.locator('#hooks button[data-action="enable"]').click();
    await page.locator('#hooks li[data-webhook="crm"]').waitFor({ state: 'detached' });
    const before = await dead.count();
    const first = await dead.first().getAttribute('data-delivery');
    await dead.first().locator('button[data-action="redrive"]').click();
    await page.locator(`#dead tr[data-delivery="${first}"]`).waitFor({ state: 'detached' });
    assert.equal(await dead.count(), before - 1);
    const deadline = Date.now() + 15_000;
    while (!receiver.received.some((r) => r.accepted) && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 100));
    assert.ok(receiver.received.some((r) => r.accepted), 'the redriven delivery reached the receiver');
    assert.deepEqual(problems.filter((p) => !p.includes('401')), [], 'no errors in the console');
  } finally {
    await context.close();
  }
});
