// explain(): the engine's own reasons, line by line, through the npm package. Its verdicts are the
// engine's: a conversation played through `Engine` hands off on exactly the lines, and with exactly
// the triggers, that explain() says fire.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explain, init } from '../src/node.js';

const config = {
  handoff: {
    triggers: { sentiment_threshold: -0.5, topics: ['billing_dispute'] },
    routing: { auto_accept: true },
  },
};

test('explain() shows the words, the request, the topic and every trigger per line', async () => {
  const answer = await explain(config, {
    lines: [
      'This is useless, I want to talk to a human!',
      "I don't want a human, just tell me the price",
      'not great, honestly',
      'a bit slow today',
      'I will dispute this charge with my bank',
    ],
  });
  assert.equal(answer.lines.length, 5);
  const [asked, negated, notGreat, slow, billing] = answer.lines;

  assert.equal(asked.conversation_id, 'line_1');
  assert.equal(asked.request.requested, true);
  assert.equal(asked.request.language, 'en');
  assert.match(asked.request.phrase, /talk to a human/);
  assert.equal(asked.fires[0].trigger, 'customer_request');
  assert.equal(asked.handoff, true);
  const useless = asked.sentiment.words.find((w) => w.word === 'useless');
  assert.ok(useless && useless.valence < 0, JSON.stringify(asked.sentiment));

  assert.equal(negated.request.requested, false);
  assert.equal(negated.request.declined, 'negated');
  const requestCheck = negated.checks.find((c) => c.trigger === 'customer_request');
  assert.equal(requestCheck.outcome, 'close');
  assert.match(requestCheck.reason, /a negation was seen/);
  assert.equal(negated.handoff, false);

  // "great" negated by "not": the word counts against, by less than its lexicon value.
  const great = notGreat.sentiment.words.find((w) => w.word === 'great');
  assert.ok(great.lexicon > 0 && great.valence < 0, JSON.stringify(notGreat.sentiment));
  assert.ok(notGreat.sentiment.score <= -0.5);
  assert.deepEqual(notGreat.fires.map((h) => h.trigger), ['sentiment_threshold']);

  // Mildly negative: the sentiment trigger says why not, with the numbers.
  const sentimentCheck = slow.checks.find((c) => c.trigger === 'sentiment_threshold');
  assert.equal(sentimentCheck.outcome, 'no');
  assert.match(sentimentCheck.reason, /^sentiment -0\.25 is above the threshold -0\.5/);
  assert.equal(slow.handoff, false);

  assert.equal(billing.topic.topic, 'billing_dispute');
  assert.equal(billing.topic.rule, true);
  assert.equal(billing.topic.keyword, 'dispute*');
  assert.deepEqual(billing.fires.map((h) => h.trigger), ['topics']);
});

test("explain()'s verdicts are the Engine's handoffs on a conversation", async () => {
  const { Engine } = await init();
  const t0 = 1768213800000;
  const inputs = [
    { now: t0, input: { type: 'agent_update', agent: { id: 'a1', name: 'Asha', status: 'online' } } },
    { now: t0 + 1000, input: { type: 'customer_message', conversation_id: 'c1', text: 'hello, where is my order?' } },
    { now: t0 + 2000, input: { type: 'ai_reply', conversation_id: 'c1', text: 'It ships today.', confidence: 0.9 } },
    { now: t0 + 3000, input: { type: 'customer_message', conversation_id: 'c1', text: 'that is awful, it was promised last week' } },
    { now: t0 + 4000, input: { type: 'customer_message', conversation_id: 'c1', text: 'get me a real person' } },
  ];
  const answer = await explain(config, { inputs });
  const engine = new Engine(config);
  const handoffs = new Map();
  inputs.forEach(({ now, input }, index) => {
    for (const output of engine.handle(input, now)) {
      if (output.type === 'handoff') handoffs.set(index, output);
    }
  });
  assert.equal(answer.lines.length, 4, 'customer messages and the AI reply');
  assert.ok(handoffs.size > 0, 'the conversation is handed off');
  for (const line of answer.lines) {
    const handoff = handoffs.get(line.index);
    assert.equal(line.handoff, Boolean(handoff), `line ${line.index}`);
    if (handoff) assert.deepEqual(line.fires, handoff.triggers, `line ${line.index}`);
    else assert.deepEqual(line.fires, [], `line ${line.index}`);
  }
  // Once with a person, a message is relayed, not checked.
  const last = answer.lines.at(-1);
  if (!last.handoff) assert.equal(last.checks.length, 0);
});

test('explain() refuses a bad request at its path, and a bad configuration', async () => {
  await assert.rejects(explain(config, { lines: ['a'], inputs: [] , nope: 1 }), (e) => {
    assert.equal(e.name, 'InputError');
    assert.equal(e.path, 'request');
    return true;
  });
  await assert.rejects(
    explain(config, { inputs: [{ now: 1768213800000, input: { type: 'customer_mesage' } }] }),
    (e) => e.name === 'InputError' && e.path === 'request.inputs[0].input.type',
  );
  await assert.rejects(
    explain({ handoff: { triggers: { sentiment_threshold: 5 } } }, { lines: ['x'] }),
    (e) => e.name === 'ConfigError' && e.path === 'handoff.triggers.sentiment_threshold',
  );
});
