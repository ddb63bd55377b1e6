// The shared replay code of the conformance tests (test-support/replay-core.mjs), which Node,
// workerd and Chromium all run: conversation parsing with the Rust reader's messages, `$last`
// resolution, the delivery log a golden vector implies, and the readable report of a mismatch
// (the vector, the step, a JSON diff and the bytes around the first difference).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DeliveryLog,
  deliveriesOfGolden,
  describeMismatch,
  isRefusal,
  jsonDiff,
  parseConversation,
} from '../test-support/replay-core.mjs';

const parse = (text) => parseConversation(text, { path: 'x.jsonl', readConfig: (p) => `{"from": "${p}"}` });

test('conversation files are read as handoff_core::conversation reads them, errors naming file and line', () => {
  const conv = parse('{"config": "../settings.json"}\r\n\n{"now": 5, "input": {"type": "tick"}, "expect_error": true}\n');
  assert.equal(conv.name, 'x');
  assert.equal(conv.config, '{"from": "../settings.json"}');
  assert.deepEqual(conv.lines, [{ number: 3, now: 5, input: { type: 'tick' }, expectError: true }]);
  assert.deepEqual(parse('{"config": {"handoff": {}}}').config, { handoff: {} });
  const fails = (text, message) => assert.throws(() => parse(text), { message });
  fails('{"config": {}}\n\n{"now": 1}\n', 'x.jsonl:3: missing "input"');
  fails('{"now": 1, "input": {}}', /^x\.jsonl:1: the first line must be/);
  fails('{"config": {}}\n{"now": 1, "input": {}, "note": 1}', /unknown key "note"/);
  fails('{"config": {}}\n{"config": {}}', 'x.jsonl:2: a second {"config": ...} line: a file has one configuration, on its first line');
  fails('{"config": {}}\n{"now": 1.5, "input": {}}', 'x.jsonl:2: "now" must be epoch milliseconds, found 1.5');
  fails('{"config": {}}\n{"now": 1, "input": {}, "expect_error": "yes"}', /"expect_error" must be true or false/);
  fails('{"config": 3}', 'x.jsonl:1: "config" must be a path or an object, found 3');
  fails('[1]', 'x.jsonl:1: expected a JSON object');
  fails('{', /^x\.jsonl:1: not valid JSON/);
  fails('\n\n', 'x.jsonl: empty: expected a {"config": ...} line first');
});

test('$last and $last:<event> resolve to the latest delivery handed out', () => {
  const log = new DeliveryLog();
  const at = { path: 'x.jsonl', number: 7 };
  assert.throws(() => log.resolve({ delivery_id: '$last' }, at), { message: 'x.jsonl:7: "$last": no delivery has been handed out yet' });
  log.recordOutputs([
    { type: 'delivery', event: 'conversation.handoff_requested', delivery_id: 'msg_1' },
    { type: 'message', text: 'hi' },
    { type: 'delivery', event: 'conversation.assigned', delivery_id: 'msg_2' },
  ]);
  const input = { type: 'delivery_result', delivery_id: '$last:conversation.handoff_requested', status: 200 };
  assert.equal(log.resolve(input, at).delivery_id, 'msg_1');
  assert.equal(input.delivery_id, '$last:conversation.handoff_requested', 'the line itself is left as written');
  assert.equal(log.resolve({ delivery_id: '$last' }, at).delivery_id, 'msg_2');
  assert.equal(log.resolve({ delivery_id: 'msg_9' }, at).delivery_id, 'msg_9');
  assert.throws(() => log.resolve({ delivery_id: '$lastly' }, at), /bad delivery reference "\$lastly"/);
  assert.throws(() => log.resolve({ delivery_id: '$last:conversation.closed' }, at), {
    message: 'x.jsonl:7: "$last:conversation.closed": no conversation.closed delivery has been handed out yet',
  });
  const golden = [
    '{"now":1,"outputs":[{"type":"delivery","event":"a","delivery_id":"msg_1"}]}',
    '{"now":2,"error":{"path":"input","message":"no"}}',
    '{"now":3,"outputs":[{"type":"delivery","event":"b","delivery_id":"msg_2"}]}',
  ];
  assert.deepEqual(deliveriesOfGolden(golden), [['a', 'msg_1'], ['b', 'msg_2']]);
  assert.deepEqual(golden.map(isRefusal), [false, true, false]);
});

test('a JSON diff names each differing path, aligning arrays', () => {
  const golden = { outputs: [{ type: 'handoff', priority: 'high' }, { type: 'message', text: 'a' }, { type: 'queued', position: 1 }] };
  const got = { outputs: [{ type: 'handoff', priority: 'normal' }, { type: 'queued', position: 2 }], extra: true };
  assert.deepEqual(jsonDiff(golden, got), [
    'outputs[0].priority: golden "high", got "normal"',
    'outputs[1]: missing; the golden vector has {"type":"message","text":"a"}',
    'outputs[1].position: golden 1, got 2',
    'extra: extra true, not in the golden vector',
  ]);
  const event = (priority) => ({ type: 'event', conversation_id: 'c1', event: { event: 'conversation.queued', data: { priority } } });
  assert.deepEqual(jsonDiff([{ type: 'queued' }, event('low')], [{ type: 'queued' }, event('normal')]), [
    '[1].event.data.priority: golden "low", got "normal"',
  ]);
  assert.deepEqual(jsonDiff({ a: 1, b: 2 }, { b: 2, a: 1 }), ['(top): the same fields in another order: golden ["a","b"], got ["b","a"]']);
  assert.deepEqual(jsonDiff({ 'odd key': [1] }, { 'odd key': [1, 2] }), ['["odd key"][1]: extra 2, not in the golden vector']);
});

test('a mismatch report names the vector, the step and its input, with a diff and the bytes around it', () => {
  const conv = {
    name: 'demo',
    lines: [
      { number: 2, now: 10, input: { type: 'agent_update' } },
      { number: 3, now: 20, input: { type: 'customer_message' } },
      { number: 5, now: 30, input: { type: 'tick' } },
    ],
  };
  const golden = ['{"now":10,"outputs":[]}', '{"now":20,"outputs":[{"type":"queued","position":1}]}', '{"now":30,"outputs":[]}'];
  assert.equal(describeMismatch(conv, [...golden], golden, 'workerd'), null);

  const report = describeMismatch(conv, [golden[0], '{"now":20,"outputs":[{"type":"queued","position":2}]}', '{"now":30,"outputs":[] }'], golden, 'workerd');
  assert.equal(
    report,
    [
      'demo (workerd): the outputs differ from tests/vectors/demo.outputs.jsonl',
      '  step 2 of 3 (input line 3, "customer_message", now 20):',
      '    outputs[0].position: golden 1, got 2',
      '    first different character: 49',
      '      golden: {"now":20,"outputs":[{"type":"queued","position":1}]}',
      '      got:    {"now":20,"outputs":[{"type":"queued","position":2}]}',
      '  step 3 of 3 (input line 5, "tick", now 30):',
      '    the same JSON values, different bytes (number format, escaping or field order)',
      '    first different character: 22',
      '      golden: {"now":30,"outputs":[]}',
      '      got:    {"now":30,"outputs":[] }',
    ].join('\n'),
  );

  // The second half only (a restored host), one line short.
  const short = describeMismatch(conv, [golden[1]], golden.slice(1), 'Chromium restored', 1);
  assert.match(short, /^demo \(Chromium restored\): /);
  assert.match(short, /1 lines from the host for 2 golden lines \(steps 2…\)/);
  assert.match(short, /golden line 3 is missing: \{"now":30,"outputs":\[\]\}/);
});
