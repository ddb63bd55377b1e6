// After the handoff, in real Chromium (examples/widget/): a customer in the widget and an agent in
// the demo desk write to each other live, the agent leaves a private note (never in the
// customer's chat), transfers the chat warm to Ben, who accepts and hands it on cold back to
// Asha, who hands it back to the assistant: the customer sees "… handed you back to our
// assistant", and the assistant answers again. Driven with the keyboard where the controls allow
// it; axe-core checks the page (no serious or critical violations). Screenshots go to
// `<cargo target>/screenshots/live-*.png` (`$CARGO_TARGET_DIR` or the repository's `target/`).
//
// Needs Debian's Chromium and the wasm build, like widget.browser.test.mjs: without them it fails
// saying how to get them.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { launchChromium, openPage } from '../test-support/widget-browser.mjs';
import { startWidgetServer } from '../test-support/widget-server.mjs';

const IN_HOURS = '2026-11-25T06:00:00Z';
const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** Where the screenshots go: under cargo's target directory, as the other artefacts. */
export const SCREENSHOTS = resolve(REPO, process.env.CARGO_TARGET_DIR ?? 'target', 'screenshots');

const require = createRequire(import.meta.url);

let server;
let browser;

before(async () => {
  server = await startWidgetServer();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function shoot(t, page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = resolve(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  t.diagnostic(`screenshot: ${path}`);
  return path;
}

/** axe-core's serious and critical violations on the page, as `id: target…` lines. */
async function axeViolations(page) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const result = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('customer and agent talk live; a note, a warm and a cold transfer, the hand-back, the assistant again', async (t) => {
  const { context, page, problems } = await openPage(browser);
  try {
    await page.goto(`${server.origin}/examples/widget/?now=${IN_HOURS}`);
    await page.locator('#chat[data-state="ready"]').waitFor();
    const id = await page.locator('#chat').getAttribute('data-conversation');
    const card = (agent) => `#desk [data-agent="${agent}"] [data-conversation="${id}"]`;
    const chatLine = (role, text) => page.locator(`#chat-log li[data-role="${role}"]`, { hasText: text });
    const say = async (text) => {
      await page.fill('#composer-text', text);
      await page.press('#composer-text', 'Enter');
    };

    // Both agents online (keyboard: focus the button, press Enter), then the customer asks for a person.
    for (const agent of ['asha', 'ben']) {
      await page.focus(`#desk [data-agent="${agent}"] header button[data-action="online"]`);
      await page.keyboard.press('Enter');
      await page.locator(`#desk [data-agent="${agent}"][data-status="online"]`).waitFor();
    }
    await say('I want to talk to a real person');
    // Round robin: Asha first.
    await page.locator(`${card('asha')} button[data-action="accept"]`).waitFor();
    await page.focus(`${card('asha')} button[data-action="accept"]`);
    await page.keyboard.press('Enter');
    await page.locator('#chat-status', { hasText: 'Connected with Asha' }).waitFor();

    // Agent → customer, live, as text (markup is shown, never run).
    await page.fill(`${card('asha')} form[data-action="reply"] input`, 'Hi, I am Asha. <b>Checking</b> your order now.');
    await page.press(`${card('asha')} form[data-action="reply"] input`, 'Enter');
    const agentLine = chatLine('agent', 'Checking');
    await agentLine.waitFor();
    assert.equal(await agentLine.locator('.line__who').textContent(), 'Asha');
    assert.equal(await agentLine.locator('.line__text').textContent(), 'Hi, I am Asha. <b>Checking</b> your order now.');
    assert.equal(await agentLine.locator('b').count(), 0, 'agent text is text, never HTML');

    // Customer → agent, live; the assistant stays quiet.
    const aiBefore = await page.locator('#chat-log li[data-role="ai"]').count();
    await say('Thanks! It is order <i>1234</i>.');
    await page.locator(`${card('asha')} .chat-card__history li[data-role="customer"]`, { hasText: 'order <i>1234</i>' }).waitFor();
    assert.equal(await page.locator(`${card('asha')} .chat-card__history i`).count(), 0, 'customer text is text');
    assert.equal(await page.locator('#chat-log li[data-role="ai"]').count(), aiBefore, 'the assistant is silent');

    // A private note: on the desk, never in the customer's chat.
    await page.fill(`${card('asha')} form[data-action="note"] input`, 'VIP customer: refund approved');
    await page.press(`${card('asha')} form[data-action="note"] input`, 'Enter');
    await page.locator(`${card('asha')} .chat-card__history li[data-role="agent_note"]`, { hasText: 'VIP customer' }).waitFor();
    assert.equal(await page.locator('#chat-log', { hasText: 'VIP customer' }).count(), 0, 'the note never reaches the customer');
    await shoot(t, page, 'live-conversation');

    // Warm transfer to Ben, with a note; Asha keeps the chat until Ben accepts.
    await page.selectOption(`${card('asha')} form[data-action="transfer"] select[name="to"]`, 'ben');
    await page.selectOption(`${card('asha')} form[data-action="transfer"] select[name="mode"]`, 'warm');
    await page.fill(`${card('asha')} form[data-action="transfer"] input[name="note"]`, 'Billing question, order 1234');
    await page.press(`${card('asha')} form[data-action="transfer"] input[name="note"]`, 'Enter');
    const benOffer = page.locator(`#desk [data-agent="ben"] li.offer[data-conversation="${id}"][data-transfer="warm"]`);
    await benOffer.waitFor();
    assert.match(await benOffer.textContent(), /Warm transfer from Asha.*Note: Billing question, order 1234/);
    await page.locator(`${card('asha')} .chat-card__pending`, { hasText: 'Waiting for Ben' }).waitFor();
    // Asha still answers meanwhile.
    await page.fill(`${card('asha')} form[data-action="reply"] input`, 'I am bringing in Ben from billing.');
    await page.press(`${card('asha')} form[data-action="reply"] input`, 'Enter');
    await chatLine('agent', 'bringing in Ben').waitFor();
    await shoot(t, page, 'live-warm-transfer');

    await page.focus(`#desk [data-agent="ben"] li.offer[data-conversation="${id}"] button[data-action="accept"]`);
    await page.keyboard.press('Enter');
    await page.locator('#chat-status', { hasText: 'Connected with Ben' }).waitFor();
    await page.locator(card('ben')).waitFor();
    assert.equal(await page.locator(card('asha')).count(), 0, 'Asha let go');

    await page.fill(`${card('ben')} form[data-action="reply"] input`, 'Ben here: the refund for 1234 is on its way.');
    await page.press(`${card('ben')} form[data-action="reply"] input`, 'Enter');
    const benLine = chatLine('agent', 'Ben here');
    await benLine.waitFor();
    assert.equal(await benLine.locator('.line__who').textContent(), 'Ben');
    await say('Great, thank you Ben');
    await page.locator(`${card('ben')} .chat-card__history li[data-role="customer"]`, { hasText: 'thank you Ben' }).waitFor();

    // Cold transfer back to Asha: Ben lets go at once; Asha is offered it with the transfer.
    await page.selectOption(`${card('ben')} form[data-action="transfer"] select[name="mode"]`, 'cold');
    await page.click(`${card('ben')} form[data-action="transfer"] button[type="submit"]`);
    await page.locator(`#desk [data-agent="asha"] li.offer[data-conversation="${id}"][data-transfer="cold"]`).waitFor();
    await chatLine('note', 'Ben passed your chat to a colleague').waitFor();
    await page.click(`#desk [data-agent="asha"] li.offer[data-conversation="${id}"] button[data-action="accept"]`);
    await page.locator('#chat-status', { hasText: 'Connected with Asha' }).waitFor();

    // The hand-back: the customer is told, and the assistant answers again.
    await page.focus(`${card('asha')} button[data-action="hand-back"]`);
    await page.keyboard.press('Enter');
    const handedBack = page.locator('#chat-log li[data-template="returned_to_ai"]');
    await handedBack.waitFor();
    assert.equal(
      await handedBack.locator('.line__text').textContent(),
      'Asha has handed you back to our assistant. You can ask for a person again at any time.',
    );
    await chatLine('ai', "I'm back").waitFor();
    await page.locator('#chat-status', { hasText: 'Chatting with our assistant' }).waitFor();
    assert.equal(await page.isDisabled('#talk-to-person'), false, 'the customer may ask for a person again');
    await say('Where is my order?');
    await chatLine('ai', 'ORD-12345').waitFor();
    await shoot(t, page, 'live-handed-back');

    // The transcript, in order: nothing of the agents' side leaked in.
    const lines = await page
      .locator('#chat-log li')
      .evaluateAll((items) => items.map((li) => [li.dataset.role, li.querySelector('.line__text').textContent]));
    const texts = lines.map(([, text]) => text).join('\n');
    for (const secret of ['VIP customer', 'Billing question', 'Answered by a person']) {
      assert.ok(!texts.includes(secret), `the customer's chat shows "${secret}"`);
    }
    const order = ['Checking', 'order <i>1234</i>', 'bringing in Ben', 'Ben here', 'handed you back', "I'm back", 'ORD-12345'].map((s) =>
      lines.findIndex(([, text]) => text.includes(s)),
    );
    assert.ok(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1])), `transcript order: ${JSON.stringify(lines)}`);

    // Labels and axe on the page as it is now, with a chat card open again.
    await say('I want to talk to a real person');
    await page.locator(`#desk li.offer[data-conversation="${id}"]`).waitFor();
    const accept = page.locator(`#desk li.offer[data-conversation="${id}"] button[data-action="accept"]`);
    await accept.click();
    const holder = (await page.locator(`#desk [data-conversation="${id}"].chat-card`).first().evaluate((li) => li.closest('[data-agent]').dataset.agent));
    for (const control of await page.locator(`${card(holder)} input, ${card(holder)} select`).all()) {
      const name = await control.evaluate((el) => el.labels?.[0]?.textContent || el.getAttribute('aria-label') || '');
      assert.notEqual(name.trim(), '', `a control without a label: ${await control.evaluate((el) => el.outerHTML)}`);
    }
    await shoot(t, page, 'live-desk-controls');
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
  } catch (error) {
    await shoot(t, page, 'live-failed').catch(() => {});
    throw error;
  } finally {
    await context.close();
  }
});
