// Commands on the set topic reach the LED; ledd's own changes (ledctl, the
// chapter's C client, a pattern ending) reach the state topic; bad commands
// change nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { runOk } from '@ledd/test-kit/process';

import { buildChapterClient } from '../daemon/chapter-client.js';
import { ledctl, startLedd } from '../daemon/harness.js';
import { Recorder, retained, startBridge, startBroker, stateOf } from './harness.js';

async function ledStatus(key: number): Promise<string> {
  const result = await ledctl(key, ['status']);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout;
}

test("ON, OFF and effects on the command topic drive the LED; ledctl, the chapter's client and a finished pattern are published", async (t) => {
  const broker = await startBroker(t);
  const ledd = await startLedd(t);
  const chapter = await buildChapterClient(t, ledd.key);
  const bridge = startBridge(t, broker.url, ledd.key, 'cmd');
  await bridge.ready();
  const ha = await Recorder.connect(t, broker.url);
  await ha.subscribe('ledd/cmd/state');
  const state = (from: number, expected: string, effect: string | null = null) =>
    ha.waitFor(
      'ledd/cmd/state',
      (payload) => stateOf(payload).state === expected && stateOf(payload).effect === effect,
      from,
    );

  let from = ha.messages.length;
  await ha.publish('ledd/cmd/set', '{"state":"ON"}');
  await state(from, 'ON');
  assert.match(await ledStatus(ledd.key), /^LED is ON\n/);
  assert.match(await ledStatus(ledd.key), /watched by: ledd-mqtt \(pid \d+\)/);

  from = ha.messages.length;
  await ha.publish('ledd/cmd/set', '{"state":"ON","effect":"heartbeat"}');
  await state(from, 'ON', 'heartbeat');
  assert.match(await ledStatus(ledd.key), /^LED is (ON|OFF), playing heartbeat/);

  // The bridge labels the pattern with the effect's name, which ledd keeps and shows to every client.
  from = ha.messages.length;
  await ha.publish('ledd/cmd/set', '{"state":"ON","effect":"fast blink"}');
  await state(from, 'ON', 'fast blink');
  assert.match(await ledStatus(ledd.key), /^LED is (ON|OFF), playing "fast blink" \(blink, forever\)/);

  from = ha.messages.length;
  await ha.publish('ledd/cmd/set', '{"state":"OFF"}');
  await state(from, 'OFF');
  assert.match(await ledStatus(ledd.key), /^LED is OFF\n/);
  assert.deepEqual(stateOf((await retained(t, broker.url, 'ledd/cmd/state'))!), { state: 'OFF', effect: null });

  // A change made beside the bridge.
  from = ha.messages.length;
  assert.equal((await ledctl(ledd.key, ['on'])).code, 0);
  await state(from, 'ON');
  from = ha.messages.length;
  assert.equal((await ledctl(ledd.key, ['off'])).code, 0);
  await state(from, 'OFF');
  // The chapter's C client, which waits for no answer, as written.
  from = ha.messages.length;
  await runOk(chapter, ['on']);
  await state(from, 'ON');
  from = ha.messages.length;
  await runOk(chapter, ['off']);
  await state(from, 'OFF');

  // "flash": three short flashes, then on. Its end comes from ledd (pattern-end), not from the bridge.
  from = ha.messages.length;
  await ha.publish('ledd/cmd/set', '{"state":"ON","effect":"flash"}');
  await state(from, 'ON', 'flash');
  await state(from, 'ON', null);
  await bridge.waitLog(/^ledd changed$/);
  assert.ok(
    bridge.records().some((record) => record.msg === 'ledd changed' && record.cause === 'pattern-end'),
    'the end came as a pattern-end event',
  );
  assert.match(await ledStatus(ledd.key), /^LED is ON\n/);
});

test('bad commands are refused in one log line each, the state republished unchanged; the bridge lives on', async (t) => {
  const broker = await startBroker(t);
  const ledd = await startLedd(t);
  const bridge = startBridge(t, broker.url, ledd.key, 'bad');
  await bridge.ready();
  const ha = await Recorder.connect(t, broker.url);
  await ha.subscribe('ledd/bad/state');
  await ha.publish('ledd/bad/set', '{"state":"ON"}');
  await ha.waitFor('ledd/bad/state', (payload) => stateOf(payload).state === 'ON');

  const cases: [string, RegExp][] = [
    ['garbage', /^command refused: "garbage" is not JSON/],
    ['[1,2]', /^command refused: the command is not a JSON object/],
    ['{"state":"MAYBE"}', /^command refused: "state":"MAYBE" is not ON or OFF/],
    ['{"state":"ON","effect":"disco"}', /^command refused: the effect "disco" is unknown; use one of blink, /],
    ['{"state":42}', /^command refused: "state" must be "ON" or "OFF"/],
    ['{}', /^command refused: the command has neither "state" nor "effect"/],
    ['x'.repeat(5000), /^command refused: the command is 5000 bytes/],
  ];
  for (const [payload, expected] of cases) {
    const from = ha.messages.length;
    await ha.publish('ledd/bad/set', payload);
    const line = await bridge.waitLog(expected);
    assert.equal(line.level, 40, 'a warning');
    const again = await ha.waitFor('ledd/bad/state', () => true, from);
    assert.deepEqual(stateOf(again.payload), { state: 'ON', effect: null }, `unchanged after ${payload.slice(0, 20)}`);
  }
  assert.ok(bridge.child.running);
  assert.match(await ledStatus(ledd.key), /^LED is ON\n/);
  const from = ha.messages.length;
  await ha.publish('ledd/bad/set', '{"state":"OFF"}');
  await ha.waitFor('ledd/bad/state', (payload) => stateOf(payload).state === 'OFF', from);
});

test('the effect survives a restart of the bridge: ledd keeps its name and a new bridge publishes it', async (t) => {
  const broker = await startBroker(t);
  const ledd = await startLedd(t);
  const first = startBridge(t, broker.url, ledd.key, 'keep');
  await first.ready();
  const ha = await Recorder.connect(t, broker.url);
  await ha.subscribe('ledd/keep/state');
  let from = ha.messages.length;
  await ha.publish('ledd/keep/set', '{"state":"ON","effect":"slow blink"}');
  await ha.waitFor('ledd/keep/state', (payload) => stateOf(payload).effect === 'slow blink', from);
  first.child.process.kill('SIGTERM');
  await first.child.exited;

  // Its state topic cleared, a new bridge learns what plays from ledd alone.
  await ha.publish('ledd/keep/state', '', true);
  from = ha.messages.length;
  const second = startBridge(t, broker.url, ledd.key, 'keep');
  await second.ready();
  await ha.waitFor(
    'ledd/keep/state',
    (payload) => payload !== '' && stateOf(payload).state === 'ON' && stateOf(payload).effect === 'slow blink',
    from,
  );
});
