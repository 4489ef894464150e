// Home Assistant's flash on one of three LEDs: it flashes (the simulated
// line's changes, as ledd logs them at debug level, are counted) for
// flash_time_short, then falls back to what it showed, while the other LEDs
// do not change at all. Real mosquitto, real ledd, the real ledd-mqtt.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { sleep, waitFor } from '@ledd/test-kit/wait';

import { ledctl, startLedd } from '../daemon/harness.js';
import { Recorder, retained, startBridge, startBroker, stateOf } from './harness.js';

const THREE_LEDS = ['--led', 'red=GPIO5', '--led', 'green=GPIO6', '--led', 'blue=GPIO13', '--log-level', 'debug'];

test('flash short on one LED of three: a 2 s blink, then what it showed; the others untouched', async (t) => {
  const broker = await startBroker(t);
  const ledd = await startLedd(t, { args: THREE_LEDS });
  const bridge = startBridge(t, broker.url, ledd.key, 'flashy');
  await bridge.ready();
  const ha = await Recorder.connect(t, broker.url);
  await ha.subscribe('ledd/flashy/#');
  await ha.publish('ledd/flashy/red/set', '{"state":"ON"}');
  await ha.waitFor('ledd/flashy/red/state', (payload) => stateOf(payload).state === 'ON');
  await ha.publish('ledd/flashy/blue/set', '{"state":"ON","effect":"slow blink"}');
  await ha.waitFor('ledd/flashy/blue/state', (payload) => stateOf(payload).effect === 'slow blink');

  const edges = (led: string, from: number) =>
    ledd
      .records()
      .slice(from)
      .filter((record) => record.msg === `simulated LED ${led} is ON` || record.msg === `simulated LED ${led} is OFF`);
  const timedEnded = (led: string, from: number) =>
    ledd
      .records()
      .slice(from)
      .some((record) => /^timed state ended: /.test(record.msg) && String(record.leds).startsWith(`${led} `));
  const before = ledd.records().length;
  const statesBefore = ha.messages.length;
  const sent = Date.now();
  // As Home Assistant sends it: the discovery's flash_time_short, in seconds.
  await ha.publish('ledd/flashy/green/set', '{"state":"ON","flash":2}');
  await waitFor('the flash on green to end', () => timedEnded('green', before), { timeoutMs: 10_000 });
  const green = edges('green', before);
  // From OFF: on, off, on, off... every 250 ms for 2 s (an edge due at the very end may come just
  // before the timed state ends), then back to OFF, and no change after.
  assert.ok(green.length >= 8 && green.length <= 10, `green changed ${green.length} times: it flashed`);
  assert.equal(green.at(-1)!.msg, 'simulated LED green is OFF', 'it ends as it was: off');
  const settled = ledd.records().length;
  await sleep(600);
  assert.deepEqual(edges('green', settled), [], 'the flash has ended: green stays off');
  assert.ok(Date.now() - sent >= 2000, 'it lasted its 2 s');
  assert.deepEqual(edges('red', before), [], 'red did not change');
  const status = await ledctl(ledd.key, ['list', '--json']);
  const leds = Object.fromEntries(
    (JSON.parse(status.stdout) as { name: string; led: string; pattern: { label?: string } | null }[]).map((led) => [
      led.name,
      led,
    ]),
  );
  assert.equal(leds.green!.led, 'off');
  assert.equal(leds.green!.pattern, null, 'no flash left playing');
  assert.equal(leds.red!.led, 'on');
  assert.equal(leds.blue!.pattern?.label, 'slow blink', 'blue plays on');

  // Home Assistant never saw green as anything but OFF: a flash is an alert, not a state.
  const greenStates = ha.messages.slice(statesBefore).filter((message) => message.topic === 'ledd/flashy/green/state');
  await bridge.waitLog(/^command applied: LED green a 2 s flash, LED (ON|OFF)$/);
  assert.deepEqual(stateOf((await retained(t, broker.url, 'ledd/flashy/green/state'))!), {
    state: 'OFF',
    effect: null,
  });
  for (const message of greenStates) assert.deepEqual(stateOf(message.payload), { state: 'OFF', effect: null });
  const others = ha.messages
    .slice(statesBefore)
    .filter((message) => message.topic === 'ledd/flashy/red/state' || message.topic === 'ledd/flashy/blue/state');
  assert.deepEqual(others, [], 'no state of the other LEDs published');

  // Over an effect: the flash falls back to the effect, still playing.
  const beforeLong = ledd.records().length;
  await ha.publish('ledd/flashy/blue/set', '{"state":"ON","flash":"short"}');
  await waitFor('the flash on blue to end', () => timedEnded('blue', beforeLong), { timeoutMs: 10_000 });
  assert.ok(edges('blue', beforeLong).length >= 7, 'blue flashed');
  const after = await ledctl(ledd.key, ['list', '--json']);
  assert.equal(after.code, 0, after.stderr);
  const blue = (JSON.parse(after.stdout) as { name: string; pattern: { label?: string } | null }[]).find(
    (led) => led.name === 'blue',
  )!;
  assert.equal(blue.pattern?.label, 'slow blink', 'back to its effect');
});
