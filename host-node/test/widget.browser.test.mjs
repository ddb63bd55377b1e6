// The chat widget example (examples/widget/) in real Chromium: a customer types, the engine in the
// page hands the chat off, the queue moves, Asha takes it; the handoff reaches the page's backend
// (this test's own server); a reload keeps everything; outside business hours the callback form
// takes the details and books a slot of the business hours; refusals read in the customer's words
// under their field; a message too long is refused before it looks sent; long URLs wrap; engine
// messages are notices; the wasm is preloaded and served compressed; a configuration with webhook
// secrets is refused. Screenshots go to <cargo target>/screenshots/widget-*.png.
//
// Needs Debian's Chromium (`apt-get install -y chromium`, or $HANDOFF_CHROMIUM) and the wasm build
// (`cargo xtask wasm`); without them every test fails saying so. Nothing here is timed: the tests
// wait for what the page shows, with generous limits.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { GREETING } from '../examples/widget/assistant.js';
import { launchChromium, openPage, screenshot } from '../test-support/widget-browser.mjs';
import { startWidgetServer } from '../test-support/widget-server.mjs';

/** The engine's refusal of the with-secret configuration (browserRefusal, when the host starts). */
const SECRETS_REFUSAL =
  "handoff.webhooks[0].secret_ref: webhook secrets do not belong in a browser: the page would have to hold the signing secret; leave secret_ref out of the widget's configuration (an unsigned webhook is fine) and forward the handoff outputs to your backend, which signs them";

/** Wednesday 11:30 in Asia/Kolkata: the team is in. */
const IN_HOURS = '2026-11-25T06:00:00Z';
/** Wednesday 21:30 in Asia/Kolkata: closed until Thursday 09:00 (03:30 UTC). */
const OUT_OF_HOURS = '2026-11-25T16:00:00Z';
const THURSDAY_OPENING = Date.parse('2026-11-26T03:30:00Z');

/** How long to wait for something the page or the backend should get (a safety net, not a check of speed). */
const PATIENCE_MS = 30_000;

const readJson = async (path) => JSON.parse(await readFile(new URL(path, import.meta.url), 'utf8'));
const SEED = await readJson('../../examples/handoff-settings.json');
const HOURS = await readJson('../../examples/business-hours.json');

const WITH_SECRET = {
  handoff: {
    ...SEED.handoff,
    webhooks: [{ id: 'crm', url: 'https://crm.example/hooks/handoff', secret_ref: 'CRM_WEBHOOK_SECRET' }],
  },
};
const WITH_TYPO = { handoff: { ...SEED.handoff, routing: { ...SEED.handoff.routing, method: 'round_robbin' } } };

/** The backend's answers: `/backend/flaky` fails its first two requests with 503. */
const flakyCount = { n: 0 };
function backendStatus(request) {
  if (request.path !== '/backend/flaky') return 200;
  flakyCount.n += 1;
  return flakyCount.n <= 2 ? 503 : 200;
}

let server;
let browser;

before(async () => {
  server = await startWidgetServer({ configs: { 'with-secret': WITH_SECRET, 'with-typo': WITH_TYPO }, backendStatus });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

function widgetUrl(params) {
  return `${server.origin}/examples/widget/?${new URLSearchParams(params)}`;
}

/** Runs `fn(page, problems)` in a fresh browser context; a failure leaves a screenshot. */
async function withPage(t, name, fn) {
  if (!browser) throw new Error('Chromium did not start (see the error of the `before` hook)');
  const { context, page, problems } = await openPage(browser);
  try {
    await fn(page, problems);
  } catch (error) {
    const path = await screenshot(page, `${name}-failed`).catch(() => null);
    if (path) t.diagnostic(`screenshot of the failure: ${path}`);
    throw error;
  } finally {
    await context.close();
  }
}

async function shoot(t, page, name) {
  const path = await screenshot(page, name);
  t.diagnostic(`screenshot: ${path}`);
  return path;
}

const require = createRequire(import.meta.url);

/** axe-core's serious and critical violations on the page, as `id: target…` lines. */
async function axeViolations(page) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const result = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Waits for `promise`, or fails saying what never came. */
async function within(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still waiting after ${PATIENCE_MS / 1000} s`)), PATIENCE_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function open(page, params) {
  await page.goto(widgetUrl(params));
  await page.locator('#chat[data-state="ready"]').waitFor();
  return page.locator('#chat').getAttribute('data-conversation');
}

/** The customer types `text` into the widget and sends it. */
async function say(page, text) {
  await page.fill('#composer-text', text);
  await page.press('#composer-text', 'Enter');
}

/** The text of the last engine message with `template`, once it is shown. */
async function engineLine(page, template) {
  const line = page.locator(`#chat-log li[data-template="${template}"]`).last();
  await line.waitFor();
  return line.locator('.line__text').textContent();
}

async function statusShows(page, text) {
  await page.locator('#chat-status', { hasText: text }).waitFor();
}

/** Every transcript line as `[role, text]`. */
function transcript(page) {
  return page
    .locator('#chat-log li')
    .evaluateAll((items) => items.map((li) => [li.dataset.role, li.querySelector('.line__text').textContent]));
}

/** Clicks a desk button: `agent` (`asha`, `ben`), `action`, and the conversation it is about. */
async function desk(page, agent, action, conversation) {
  const scope = conversation ? `[data-agent="${agent}"] [data-conversation="${conversation}"]` : `[data-agent="${agent}"] header`;
  await page.click(`#desk ${scope} button[data-action="${action}"]`);
}

/** The backend requests about `conversationId`, as parsed outputs. */
function forwarded(conversationId, path = '/backend/handoff') {
  return server.backend.filter((r) => r.path === path && r.json?.conversation_id === conversationId).map((r) => r.json);
}

function eventsOf(outputs) {
  return outputs.filter((o) => o.type === 'event').map((o) => o.event);
}

test("the widget's configuration is the specification's seed plus its business hours", async () => {
  const widget = await readJson('../examples/widget/handoff-settings.json');
  assert.deepEqual(widget, { handoff: { ...SEED.handoff, ...HOURS.handoff } });
  assert.equal(widget.handoff.webhooks, undefined, 'no webhooks in a browser');
});

test('a customer asks for a person, waits second in the queue, and is connected with Asha', async (t) => {
  await withPage(t, 'widget-handoff', async (page, problems) => {
    const id = await open(page, { now: IN_HOURS, backend: '/backend/handoff' });
    assert.match(id, /^web_[0-9a-f]{12}$/);
    await statusShows(page, 'Chatting with our assistant');

    // Another customer is already waiting: this one will be second.
    await page.click('#other-customer');
    await page.locator('#desk-queue li[data-conversation="demo_other_1"]').waitFor();

    // The scripted assistant answers first.
    await say(page, 'Where is my order?');
    await page.locator('#chat-log li[data-role="ai"]', { hasText: 'ORD-12345' }).waitFor();

    await say(page, 'I want to talk to a real person');
    assert.equal(await engineLine(page, 'handoff_initiated'), "I'm connecting you with a team member who can help further.");
    assert.equal(
      await engineLine(page, 'waiting_for_agent'),
      "Please hold while I find an available agent. You're 2 in queue.",
    );
    await statusShows(page, 'Waiting for a team member: 2 in queue');
    assert.equal(await page.isDisabled('#talk-to-person'), true, 'no second handoff button while waiting');
    await shoot(t, page, 'widget-queued');

    // Ben comes online and is offered the customer ahead: this one moves up.
    await desk(page, 'ben', 'online');
    assert.equal(await engineLine(page, 'queue_position_changed'), "You're now 1 in queue.");
    await statusShows(page, 'Waiting for a team member: 1 in queue');
    await desk(page, 'ben', 'accept', 'demo_other_1');

    // Asha comes online, is offered this conversation, and accepts it.
    await desk(page, 'asha', 'online');
    await desk(page, 'asha', 'accept', id);
    assert.equal(await engineLine(page, 'agent_connected'), "You're now connected with Asha.");
    await statusShows(page, 'Connected with Asha');

    // Now the customer and Asha talk; the assistant stays out of it.
    await page.fill(`#desk [data-agent="asha"] [data-conversation="${id}"] form[data-action="reply"] input`, "Hi, I'm Asha. Let me check that order.");
    await page.press(`#desk [data-agent="asha"] [data-conversation="${id}"] form[data-action="reply"] input`, 'Enter');
    await page.locator('#chat-log li[data-role="agent"]', { hasText: "Hi, I'm Asha." }).waitFor();
    assert.equal(await page.locator('#chat-log li[data-role="agent"] .line__who').last().textContent(), 'Asha');
    const aiLines = await page.locator('#chat-log li[data-role="ai"]').count();
    await say(page, 'Thank you!');
    await page.locator(`#desk [data-conversation="${id}"] .chat-card__history li`, { hasText: 'Thank you!' }).waitFor();
    assert.equal(await page.locator('#chat-log li[data-role="ai"]').count(), aiLines, 'the assistant did not answer');
    await shoot(t, page, 'widget-connected');

    // The backend got the handoff and its events, in order, each once.
    await within(
      server.waitForBackend((r) => r.json?.type === 'event' && r.json.event.event === 'conversation.assigned' && r.json.conversation_id === id),
      'the assigned event at the backend',
    );
    const outputs = forwarded(id);
    const handoffs = outputs.filter((o) => o.type === 'handoff');
    assert.equal(handoffs.length, 1, 'one handoff forwarded');
    const [handoff] = handoffs;
    assert.equal(handoff.primary, 'customer_request');
    assert.deepEqual(handoff.triggers.map((h) => [h.trigger, h.phrase]), [['customer_request', 'I want to talk to a real person']]);
    assert.equal(handoff.context.conversation_id, id);
    assert.deepEqual(
      handoff.context.history.map((l) => l.role),
      ['customer', 'ai', 'customer'],
      'the whole conversation goes to the agent',
    );
    assert.equal(handoff.context.history[0].text, 'Where is my order?');
    assert.match(handoff.context.history[1].text, /ORD-12345/);
    assert.ok(handoff.context.ai_actions.includes('looked_up_order'), `ai_actions: ${handoff.context.ai_actions}`);

    const events = eventsOf(outputs);
    assert.deepEqual(
      events.map((e) => e.event),
      // Asha's reply and the customer's answer: conversation.message each (the live conversation).
      ['conversation.handoff_requested', 'conversation.queued', 'conversation.assigned', 'conversation.message', 'conversation.message'],
    );
    assert.deepEqual(
      events.slice(3).map((e) => [e.data.from, e.data.agent_id ?? null, e.data.text]),
      [
        ['agent', 'asha', "Hi, I'm Asha. Let me check that order."],
        ['customer', null, 'Thank you!'],
      ],
    );
    assert.equal(events[0].data.trigger, 'customer_request');
    assert.deepEqual([events[1].data.position, events[1].data.queue_length], [2, 2]);
    assert.deepEqual([events[2].data.agent_id, events[2].data.agent_name], ['asha', 'Asha']);

    const requests = server.backend.filter((r) => r.path === '/backend/handoff');
    for (const r of requests) {
      assert.match(r.headers['content-type'], /^application\/json/);
      assert.ok(r.headers['idempotency-key'], 'every forward has an idempotency key');
    }
    assert.equal(new Set(requests.map((r) => r.headers['idempotency-key'])).size, requests.length, 'each output sent once');
    assert.deepEqual(problems, [], 'no console errors or warnings');
  });
});

test('a reload keeps the conversation and the queue (localStorage); "Reset the demo" forgets them', async (t) => {
  await withPage(t, 'widget-reload', async (page, problems) => {
    const id = await open(page, { now: IN_HOURS, backend: '/backend/handoff' });
    await say(page, 'Hello');
    await page.locator('#chat-log li[data-role="ai"]', { hasText: 'Happy to help' }).waitFor();
    await page.click('#talk-to-person');
    assert.equal(
      await engineLine(page, 'waiting_for_agent'),
      "Please hold while I find an available agent. You're 1 in queue.",
    );
    const before = await transcript(page);
    const saved = await page.evaluate((cid) => JSON.parse(localStorage.getItem(`handoff-widget:rec:conversation:${cid}`)), id);
    assert.equal(saved.status, 'queued', 'the conversation is its own record in localStorage');
    assert.equal(await page.evaluate(() => localStorage.getItem('handoff-widget:state')), null, 'no whole state');

    await page.reload();
    await page.locator('#chat[data-state="ready"]').waitFor();
    assert.equal(await page.locator('#chat').getAttribute('data-conversation'), id, 'the same conversation');
    assert.deepEqual(await transcript(page), before, 'the same transcript');
    await statusShows(page, 'Waiting for a team member: 1 in queue');
    assert.equal(await page.isDisabled('#talk-to-person'), true);

    // The restored engine still has this customer queued: Asha gets it.
    await desk(page, 'asha', 'online');
    await desk(page, 'asha', 'accept', id);
    assert.equal(await engineLine(page, 'agent_connected'), "You're now connected with Asha.");

    await page.reload();
    await page.locator('#chat[data-state="ready"]').waitFor();
    await statusShows(page, 'Connected with Asha');
    assert.deepEqual((await transcript(page)).slice(0, before.length), before);
    assert.deepEqual((await transcript(page)).at(-1), ['system', "You're now connected with Asha."]);
    await page.locator(`#desk [data-agent="asha"][data-status="online"] [data-conversation="${id}"]`).waitFor();
    await shoot(t, page, 'widget-after-reload');

    // The button's handoff reached the backend, once, though the page was reloaded.
    await within(
      server.waitForBackend((r) => r.json?.type === 'event' && r.json.event.event === 'conversation.assigned' && r.json.conversation_id === id),
      'the assigned event at the backend',
    );
    const handoffs = forwarded(id).filter((o) => o.type === 'handoff');
    assert.equal(handoffs.length, 1);
    assert.deepEqual(handoffs[0].triggers, [{ trigger: 'customer_request', source: 'widget_button' }]);

    // "Reset the demo" forgets it all: a new conversation with only the greeting.
    await Promise.all([page.waitForEvent('load'), page.click('#reset-demo')]);
    await page.locator('#chat[data-state="ready"]').waitFor();
    const fresh = await page.locator('#chat').getAttribute('data-conversation');
    assert.notEqual(fresh, id);
    assert.deepEqual(await transcript(page), [['ai', GREETING]]);
    await statusShows(page, 'Chatting with our assistant');
    await page.locator('#desk [data-agent="asha"][data-status="offline"]').waitFor();
    assert.deepEqual(problems, [], 'no console errors or warnings');
  });
});

test('outside business hours the callback form offers the business hours\' slots and books the chosen one', async (t) => {
  await withPage(t, 'widget-callback', async (page, problems) => {
    const id = await open(page, { now: OUT_OF_HOURS, backend: '/backend/handoff' });
    await page.locator('#desk-clock', { hasText: 'the team is out until Thursday 09:00' }).waitFor();

    await say(page, 'I want to talk to a real person');
    assert.equal(
      await engineLine(page, 'outside_hours'),
      'Our team is currently offline. Can I collect your details for a callback?',
    );
    const form = page.locator('#callback-form');
    await form.waitFor();
    await statusShows(page, 'leave your details for a callback');
    const shown = await form.locator('label[data-field]:not([hidden])').evaluateAll((ls) => ls.map((l) => l.dataset.field));
    assert.deepEqual(shown, ['name', 'phone', 'email', 'preferred_time'], 'the fields the engine asked for');
    assert.equal(await page.textContent('#callback-opening'), 'We open again Thursday 09:00 (Asia/Kolkata time).');
    // The slots are the engine's business hours (Thursday 09:00-18:00 IST), hourly from the opening.
    const slots = await form.locator('select[name="preferred_time"] option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
    assert.deepEqual(slots.slice(0, 4), [
      ['', 'As soon as we open'],
      [String(THURSDAY_OPENING), 'Thursday 26 November, 09:00'],
      [String(THURSDAY_OPENING + 3_600_000), 'Thursday 26 November, 10:00'],
      [String(THURSDAY_OPENING + 7_200_000), 'Thursday 26 November, 11:00'],
    ]);
    assert.equal(slots.length, 9, 'eight slots');
    await shoot(t, page, 'widget-callback-form');

    // The engine checks the details; the form says what is wrong in plain words, under the field
    // it is about, never the engine's path.
    await form.locator('button[type="submit"]').click();
    const phoneError = page.locator('#callback-phone-error');
    await phoneError.waitFor();
    assert.equal(await phoneError.textContent(), 'Please give a phone number or an email address, so that we can reach you.');
    assert.equal(await form.locator('input[name="phone"]').getAttribute('aria-invalid'), 'true');
    await form.locator('input[name="email"]').fill('priya.example.com');
    await form.locator('button[type="submit"]').click();
    const emailError = page.locator('#callback-email-error');
    await emailError.waitFor();
    assert.equal(await emailError.textContent(), 'This does not look like an email address.');
    assert.equal(await phoneError.isHidden(), true, 'the earlier error is gone');
    await shoot(t, page, 'widget-callback-error');
    assert.deepEqual(await axeViolations(page), [], 'the form with its error: no serious or critical axe violations');
    assert.equal(
      await form.locator('input[name="email"]').getAttribute('aria-describedby'),
      'callback-email-error',
      'the error is the field\'s description',
    );
    const formText = await form.textContent();
    assert.doesNotMatch(formText, /input\.|expected|callback_details/, 'no engine wording in the form');
    assert.equal(await form.isVisible(), true);
    assert.equal(await page.locator('#chat-log li[data-role="customer"]').count(), 1, 'no line for refused details');

    await form.locator('input[name="name"]').fill('Priya Sharma');
    await form.locator('input[name="phone"]').fill('+91 98765 43210');
    await form.locator('input[name="email"]').fill('priya@example.com');
    await form.locator('select[name="preferred_time"]').selectOption(String(THURSDAY_OPENING + 3_600_000));
    await form.locator('button[type="submit"]').click();
    assert.equal(
      await engineLine(page, 'callback_confirmed'),
      'Thank you. Our team will call you back at the time you chose (Thursday 10:00 IST).',
    );
    await form.waitFor({ state: 'hidden' });
    await statusShows(page, 'Callback booked for Thursday 10:00');
    await shoot(t, page, 'widget-callback-confirmed');

    // The backend has the details and the chosen time.
    const scheduled = await within(
      server.waitForBackend((r) => r.json?.type === 'callback_scheduled' && r.json.conversation_id === id),
      'callback_scheduled at the backend',
    );
    assert.deepEqual(scheduled.json.callback, {
      name: 'Priya Sharma',
      phone: '+91 98765 43210',
      email: 'priya@example.com',
      preferred_time: 'Thursday 26 November, 10:00',
    });
    assert.equal(scheduled.json.at, THURSDAY_OPENING + 3_600_000, 'booked at the chosen slot');
    assert.equal(forwarded(id).filter((o) => o.type === 'handoff').length, 1, 'the handoff was forwarded too');

    // After a reload the form stays answered.
    await page.reload();
    await page.locator('#chat[data-state="ready"]').waitFor();
    await statusShows(page, 'Callback booked for Thursday 10:00');
    assert.equal(await page.isHidden('#callback-form'), true);
    const lines = await transcript(page);
    assert.deepEqual(lines.slice(-2), [
      ['customer', 'Please call me back: Priya Sharma, +91 98765 43210, priya@example.com, Thursday 26 November, 10:00'],
      ['system', 'Thank you. Our team will call you back at the time you chose (Thursday 10:00 IST).'],
    ]);
    // The engine's own words went to the console, for the developer.
    assert.deepEqual(
      problems,
      [
        'error: handoff widget: input.phone: a phone number or an email is needed for a callback',
        'error: handoff widget: input.email: expected an email address (got "priya.example.com")',
      ],
      'the two refusals, and no other console errors or warnings',
    );
  });
});

test('an over-long message is refused before it looks sent, in plain words; a long URL wraps in its bubble', async (t) => {
  await withPage(t, 'widget-long', async (page, problems) => {
    await open(page, { now: IN_HOURS });
    const before = await transcript(page);
    // 70,000 characters: over the engine's 64 KiB (its limits().text_bytes).
    await page.fill('#composer-text', 'a'.repeat(70_000));
    const error = page.locator('#composer-error');
    await error.waitFor();
    assert.equal(await error.textContent(), 'This message is too long to send. Please shorten it.');
    await page.press('#composer-text', 'Enter');
    assert.deepEqual(await transcript(page), before, 'nothing looks sent');
    assert.equal((await page.inputValue('#composer-text')).length, 70_000, 'the text stays, to be shortened');
    assert.equal(await page.getAttribute('#composer-text', 'aria-invalid'), 'true');
    await shoot(t, page, 'widget-too-long');
    assert.deepEqual(await axeViolations(page), []);

    // Shortened, it may go; multi-byte text counts in bytes, as the engine does: 22,000 "€" are
    // 66,000 bytes, over the limit though only 22,000 characters.
    await page.fill('#composer-text', '€'.repeat(21_000));
    await error.waitFor({ state: 'hidden' });
    await page.fill('#composer-text', '€'.repeat(22_000));
    await error.waitFor();
    await page.fill('#composer-text', 'Here is the page: https://shop.example.com/orders/ORD-12345/tracking?session=' + 'x'.repeat(180));
    await error.waitFor({ state: 'hidden' });
    await page.press('#composer-text', 'Enter');
    const bubble = page.locator('#chat-log li[data-role="customer"]').last();
    await bubble.waitFor();
    const fits = await bubble.evaluate((li) => {
      const log = li.closest('#chat-log');
      return { bubble: li.scrollWidth <= li.clientWidth, log: log.scrollWidth <= log.clientWidth };
    });
    assert.deepEqual(fits, { bubble: true, log: true }, 'the URL wraps inside the bubble');
    assert.equal(await page.inputValue('#composer-text'), '', 'a message taken clears the composer');
    await shoot(t, page, 'widget-long-url');
    assert.deepEqual(problems, [], 'refused before the engine saw it: nothing in the console');
  });
});

test('after the handoff "Talk to a person" is gone, and engine messages read as notices, not a person', async (t) => {
  await withPage(t, 'widget-notices', async (page, problems) => {
    const id = await open(page, { now: IN_HOURS });
    assert.equal(await page.isVisible('#talk-to-person'), true);
    await page.click('#talk-to-person');
    await engineLine(page, 'waiting_for_agent');
    await page.locator('#talk-to-person').waitFor({ state: 'hidden' });
    await desk(page, 'asha', 'online');
    await desk(page, 'asha', 'accept', id);
    await engineLine(page, 'agent_connected');
    await page.fill(`#desk [data-agent="asha"] [data-conversation="${id}"] form[data-action="reply"] input`, 'Hi, Asha here.');
    await page.press(`#desk [data-agent="asha"] [data-conversation="${id}"] form[data-action="reply"] input`, 'Enter');
    await page.locator('#chat-log li[data-role="agent"]').waitFor();
    assert.equal(await page.isHidden('#talk-to-person'), true, 'still gone while connected');

    // A notice has no speaker and no bubble of its own; Asha's line has her name and a bubble.
    const look = (selector) =>
      page.locator(selector).first().evaluate((li) => {
        const style = getComputedStyle(li);
        return { who: li.querySelector('.line__who')?.textContent ?? null, align: style.alignSelf, radius: style.borderTopLeftRadius, border: style.borderLeftWidth };
      });
    const notice = await look('#chat-log li[data-role="system"]');
    const person = await look('#chat-log li[data-role="agent"]');
    assert.equal(notice.who, null, 'no "Support" speaker above an engine message');
    assert.equal(person.who, 'Asha');
    assert.equal(notice.align, 'stretch', 'a notice spans the conversation');
    assert.notEqual(notice.border, person.border, 'and is marked as one');
    await shoot(t, page, 'widget-notices');
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
  });
});

test('the wasm is fetched with the page (preloaded, before the configuration) and sent compressed', async (t) => {
  await withPage(t, 'widget-loading', async (page, problems) => {
    await open(page, { now: IN_HOURS });
    const entries = await page.evaluate(() =>
      performance.getEntriesByType('resource').map((e) => ({ name: e.name, start: e.startTime, initiator: e.initiatorType, encoded: e.encodedBodySize, decoded: e.decodedBodySize })),
    );
    const wasm = entries.find((e) => e.name.endsWith('/wasm/handoff_wasm_bg.wasm'));
    const config = entries.find((e) => e.name.includes('handoff-settings.json'));
    assert.ok(wasm && config, JSON.stringify(entries));
    assert.equal(wasm.initiator, 'link', 'the preload fetched it');
    assert.ok(wasm.start < config.start, `the wasm (at ${wasm.start} ms) before the configuration (at ${config.start} ms)`);
    assert.equal(entries.filter((e) => e.name.endsWith('.wasm')).length, 1, 'fetched once');
    assert.ok(wasm.encoded < wasm.decoded / 2, `compressed on the wire: ${wasm.encoded} of ${wasm.decoded} bytes`);
    const response = await fetch(`${server.origin}/wasm/handoff_wasm_bg.wasm`, { headers: { 'accept-encoding': 'br, gzip' } });
    assert.equal(response.headers.get('content-encoding'), 'br');
    assert.equal(response.headers.get('content-type'), 'application/wasm');
    const cold = await page.evaluate(() => performance.getEntriesByType('navigation')[0].duration);
    t.diagnostic(`page load ${Math.round(cold)} ms; wasm ${wasm.encoded} bytes on the wire (${wasm.decoded} decoded)`);
    assert.deepEqual(problems, []);
  });
});

test('a configuration with webhook secrets is refused in the browser, with the clear error', async (t) => {
  await withPage(t, 'widget-refused', async (page, problems) => {
    await page.goto(widgetUrl({ config: '/test-config/with-secret.json', now: IN_HOURS }));
    await page.locator('#chat[data-state="failed"]').waitFor();
    assert.equal(await page.textContent('#chat-failure-text'), `The chat could not start: ${SECRETS_REFUSAL}`);
    assert.equal(await page.isDisabled('#composer-text'), true);
    assert.deepEqual(problems, [`error: handoff widget: ${SECRETS_REFUSAL}`], 'that error, and nothing else');
    const stored = await page.evaluate(() => Object.keys(localStorage));
    assert.deepEqual(stored, [], 'nothing was stored');
    await shoot(t, page, 'widget-refused');
  });
});

test('a configuration error is shown with its JSON path', async (t) => {
  await withPage(t, 'widget-config-error', async (page, problems) => {
    await page.goto(widgetUrl({ config: '/test-config/with-typo.json' }));
    await page.locator('#chat[data-state="failed"]').waitFor();
    const text = await page.textContent('#chat-failure-text');
    assert.match(text, /^The chat could not start: 1 configuration error\n\s*handoff\.routing\.method: /);
    assert.match(text, /round_robbin/);
    assert.equal(problems.length, 1, `one console error: ${problems}`);
    assert.match(problems[0], /^error: handoff widget: 1 configuration error\n\s*handoff\.routing\.method: /);
  });
});

test('a bad ?now= is refused with what it should look like', async (t) => {
  await withPage(t, 'widget-bad-now', async (page, problems) => {
    await page.goto(widgetUrl({ now: 'yesterday' }));
    await page.locator('#chat[data-state="failed"]').waitFor();
    assert.equal(
      await page.textContent('#chat-failure-text'),
      'The chat could not start: ?now= must be an ISO 8601 time with a zone, such as 2026-11-25T06:00:00Z; got "yesterday"',
    );
    assert.equal(problems.length, 1, `one console error: ${problems}`);
  });
});

test('while the backend fails, forwards wait and are retried with the same idempotency key', async (t) => {
  await withPage(t, 'widget-backend-retry', async (page, problems) => {
    const id = await open(page, { now: IN_HOURS, backend: '/backend/flaky' });
    await say(page, 'I want to talk to a real person');
    await engineLine(page, 'waiting_for_agent');
    // The first two POSTs get 503: the chat goes on, and the desk shows the output waiting.
    await page.locator('#desk-backend li[data-state="pending"]', { hasText: 'HTTP 503' }).waitFor();

    const wanted = ['handoff', 'conversation.handoff_requested', 'conversation.queued'];
    const delivered = () =>
      server.backend.filter((r) => r.path === '/backend/flaky' && r.status === 200 && r.json?.conversation_id === id);
    await within(
      server.waitForBackend(() => delivered().length >= wanted.length),
      'every output delivered once the backend recovers',
    );
    const ok = delivered();
    assert.deepEqual(
      ok.map((r) => (r.json.type === 'event' ? r.json.event.event : r.json.type)),
      wanted,
      'delivered in the order the engine gave them',
    );
    const flaky = server.backend.filter((r) => r.path === '/backend/flaky');
    assert.equal(flaky[0].headers['idempotency-key'], flaky[1].headers['idempotency-key'], 'a retry keeps its key');
    assert.equal(flaky[0].headers['idempotency-key'], ok[0].headers['idempotency-key']);
    await page.locator('#desk-backend li[data-state="pending"]').first().waitFor({ state: 'detached' });
    assert.equal(await page.locator('#desk-backend li[data-state="sent"]').count(), wanted.length);

    // Chromium reports each 503 as a failed resource load; anything else is a problem.
    const unexpected = problems.filter((p) => !/^error: Failed to load resource: .* 503/.test(p));
    assert.deepEqual(unexpected, [], 'no other console errors or warnings');
  });
});
