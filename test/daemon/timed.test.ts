// Timed states (for=, ledctl --for) on real queues with the simulated LEDs:
// a timed state gives way to what lay under it (a blink where its schedule
// has got to, a steady level), a plain command from another client ends it,
// it survives kill -9 until its end and not beyond, and it goes over several
// LEDs and `*`. What the lines did is read from ledd's debug log: "pattern
// step" records and the simulated lines' own "simulated LED x is ON" ones.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { BOUND_SCALE, sleep, waitFor } from '@ledd/test-kit/wait';

import { ledctl, ledctlOk, type LogRecord, type RunningLedd, startLedd } from './harness.js';
import { tempDir } from '../helpers/temp-dir.js';
import { stepsOf } from './patterns.js';

const DEBUG = ['--log-level', 'debug'];
const THREE = ['--led', 'red=GPIO17', '--led', 'amber=GPIO27', '--led', 'green=gpiochip1:22', ...DEBUG];
/** The shortest timed state the tests use: long enough for a ledctl to run inside it, even an emulated one. */
const SPAN_MS = 1500 * BOUND_SCALE;

interface LedJson {
  name: string;
  led: 'on' | 'off';
  pattern: { name: string; label?: string } | null;
  timed: { until: string; after: { kind: string; label?: string } } | null;
}

const ok = ledctlOk;

/**
 * A timed state long enough for the ledctl calls a test makes inside it: SPAN_MS, or six calls as
 * slow as one measured now, on a machine that is loaded (or emulated) more than SPAN_MS allows for.
 */
async function timedSpan(ledd: RunningLedd): Promise<number> {
  const started = performance.now();
  await ok(ledd, ['status']);
  return Math.max(SPAN_MS, Math.ceil(6 * (performance.now() - started)));
}

async function status(ledd: RunningLedd): Promise<Record<string, LedJson>> {
  const reply = JSON.parse(await ok(ledd, ['status', '--json'])) as { leds: LedJson[] };
  return Object.fromEntries(reply.leds.map((led) => [led.name, led]));
}

/** What each LED shows, as one word: its pattern, or its level; "+" when it is in a timed state. */
async function shown(ledd: RunningLedd): Promise<Record<string, string>> {
  return Object.fromEntries(
    Object.values(await status(ledd)).map((led) => [
      led.name,
      `${led.pattern ? led.pattern.name : led.led}${led.timed ? '+' : ''}`,
    ]),
  );
}

const timedEnds = (ledd: RunningLedd): LogRecord[] =>
  ledd.records().filter((record) => /timed state ended/.test(record.msg));

/** The levels the simulated line of `led` was set to from `since` (epoch ms) on. */
function levelsOf(ledd: RunningLedd, led: string, since: number): { on: boolean; time: number }[] {
  return ledd
    .records()
    .filter((record) => /^simulated LED \S+ is (ON|OFF)$/.test(record.msg) && record.led === led)
    .filter((record) => (record.time as number) >= since)
    .map((record) => ({ on: record.state === 'ON', time: record.time as number }));
}

test('on --for over a blink: the line stays on, then the blink goes on where its schedule has got to', async (t) => {
  const ledd = await startLedd(t, { args: DEBUG });
  const SPAN = await timedSpan(ledd);
  const span = `${SPAN}ms`;
  const period = 100 * BOUND_SCALE;
  await ok(ledd, ['blink', '--on', `${period}ms`, '--off', `${period}ms`]);
  await waitFor('four steps of the blink', () => stepsOf(ledd).length >= 4);
  const start = stepsOf(ledd)[0]!.dueMs;

  const reply = await ok(ledd, ['on', '--for', span]);
  assert.match(reply, /^LED ON; until \d\d:\d\d:\d\d UTC \([\d.]+ s left\), then blink\n$/);
  const timed = (await status(ledd)).led!;
  assert.equal(timed.led, 'on');
  assert.equal(timed.pattern, null, 'what shows is the steady on');
  assert.deepEqual(timed.timed?.after, { kind: 'blink' }, 'and what follows is the blink');
  const until = Date.parse(timed.timed!.until);

  await waitFor('the timed state to end', () => timedEnds(ledd).length === 1, { timeoutMs: SPAN + 10_000 });
  assert.equal(timedEnds(ledd)[0]!.msg, 'the timed state ended: LED blinking');
  await waitFor('four steps after it', () => stepsOf(ledd, until).length >= 4);
  // By the order of ledd's own records, not by when the test read them: under
  // emulation the log arrives late, and a step can land just before the command.
  const records = ledd.records();
  const commanded = records.findIndex((record) => record.until !== undefined && /^LED led ON/.test(record.msg));
  assert.ok(commanded > 0, 'ledd logged the timed on');
  const resumed = records.findIndex((record, index) => index > commanded && record.msg === 'pattern step');
  // `until` is to the millisecond; the step is set at the end of the timed on, on the same clock.
  assert.ok(
    (records[resumed]!.atMs as number) > until - 1,
    'the first step after the timed on came at its end, not before',
  );
  const under = records.slice(commanded + 1, resumed);
  const offs = under.filter((record) => /^simulated LED led is OFF$/.test(record.msg));
  // The resumed step logs its line's change just before its own record; that one is not under the timed on.
  assert.ok(offs.length <= 1 && (offs.length === 0 || under.at(-1) === offs[0]), 'the line stayed on until the end');
  const lastBefore = records
    .slice(0, commanded)
    .filter((record) => record.msg === 'pattern step')
    .at(-1)!;
  const after = stepsOf(ledd, until);
  for (const step of after) {
    assert.ok(Math.abs(((step.dueMs - start) / period) % 1) < 1e-6, `step ${step.step} is on the blink's old grid`);
    assert.equal(step.step, Math.round((step.dueMs - start) / period) + 1, `step ${step.step} counts from its start`);
  }
  const passed = (until - (lastBefore.atMs as number)) / period;
  assert.ok(after[0]!.step > (lastBefore.step as number) + passed - 2, 'the steps under it were passed');
  assert.equal((await status(ledd)).led!.timed, null);
});

test('blink --for over on gives way to on; a finite blink inside it ends in its then, the timed state still lasts', async (t) => {
  const ledd = await startLedd(t, { args: DEBUG });
  const SPAN = await timedSpan(ledd);
  const span = `${SPAN}ms`;
  await ok(ledd, ['on']);
  const reply = await ok(ledd, ['blink', '--on', '50ms', '--off', '50ms', '--for', span]);
  assert.match(reply, /^LED ON; playing: blink 50ms on, 50ms off, forever; until .* then on\n$/);
  assert.deepEqual(await shown(ledd), { led: 'blink+' });
  await waitFor('the timed blink to end', () => timedEnds(ledd).length === 1, { timeoutMs: SPAN + 10_000 });
  assert.deepEqual(await shown(ledd), { led: 'on' });
  assert.equal(levelsOf(ledd, 'led', 0).at(-1)?.on, true, 'the line is on again');

  await ok(ledd, ['off']);
  await ok(ledd, ['blink', '--on', '20ms', '--off', '20ms', '--count', '2', '--then', 'on', '--for', span]);
  await waitFor('the two blinks to end', () => ledd.records().some((record) => /blink .* ended$/.test(record.msg)));
  assert.deepEqual(await shown(ledd), { led: 'on+' }, 'on (its then) until the timed state ends');
  await waitFor('the timed state to end', () => timedEnds(ledd).length === 2, { timeoutMs: SPAN + 10_000 });
  assert.deepEqual(await shown(ledd), { led: 'off' });
});

test("another client's plain off during a timed state ends it: off is what shows, then and after its end", async (t) => {
  const ledd = await startLedd(t, { args: DEBUG });
  const SPAN = await timedSpan(ledd);
  const span = `${SPAN}ms`;
  await ok(ledd, ['blink', '--on', '100ms', '--off', '100ms']);
  const reply = JSON.parse(await ok(ledd, ['status', '--json'])) as { leds: LedJson[] };
  assert.equal(reply.leds[0]!.timed, null);
  await ok(ledd, ['on', '--for', span]);
  assert.deepEqual(await shown(ledd), { led: 'on+' });
  assert.equal(await ok(ledd, ['off']), 'LED OFF\n');
  assert.deepEqual(await shown(ledd), { led: 'off' }, 'the plain off ended the timed state and the blink under it');
  const at = Date.now();
  await sleep(SPAN + 300);
  assert.deepEqual(await shown(ledd), { led: 'off' }, 'still off after the timed state would have ended');
  assert.deepEqual(timedEnds(ledd), [], 'no timed state ended');
  assert.deepEqual(stepsOf(ledd, at), [], 'and the blink never came back');
});

test('a timed state over a timed state: the later ends first, then the earlier one shows until its own end', async (t) => {
  const ledd = await startLedd(t, { args: DEBUG });
  const SPAN = await timedSpan(ledd);
  const span = `${SPAN}ms`;
  // Long enough for two ledctl calls after the on's end, even emulated.
  await ok(ledd, ['blink', '--on', '100ms', '--off', '100ms', '--for', `${4 * SPAN}ms`]);
  await ok(ledd, ['on', '--for', span]);
  const nested = (await status(ledd)).led!;
  assert.deepEqual(nested.timed?.after, { kind: 'blink' });
  await waitFor('the on to end', () => timedEnds(ledd).length === 1, { timeoutMs: SPAN + 10_000 });
  assert.deepEqual(await shown(ledd), { led: 'blink+' }, 'the timed blink shows again');
  assert.deepEqual((await status(ledd)).led!.timed?.after, { kind: 'off' });
  await waitFor('the blink to end', () => timedEnds(ledd).length === 2, { timeoutMs: 4 * SPAN + 10_000 });
  assert.deepEqual(await shown(ledd), { led: 'off' });

  // A timed state ending after one under it replaces that one: it would never show again.
  // The on surely lasts until the blink comes; had it stayed under the blink, the blink would give way to it.
  await ok(ledd, ['on', '--for', `${3 * SPAN}ms`]);
  await ok(ledd, ['blink', '--for', `${4 * SPAN}ms`]);
  assert.deepEqual((await status(ledd)).led!.timed?.after, { kind: 'off' }, 'the shorter on is gone from under it');
});

test('kill -9 during a timed state: restarted before its end it lasts to its end; after its end it is gone', async (t) => {
  const stateFile = path.join(tempDir(t), 'state.json');
  const first = await startLedd(t, { stateFile, args: DEBUG });
  const SPAN = await timedSpan(first);
  const span = `${SPAN}ms`;
  const period = 100 * BOUND_SCALE;
  await ok(first, ['blink', '--on', `${period}ms`, '--off', `${period}ms`, '--label', 'slow one']);
  await waitFor('a step of the blink', () => stepsOf(first).length >= 2);
  const start = stepsOf(first)[0]!.dueMs;
  await ok(first, ['on', '--for', `${4 * SPAN}ms`]);
  const until = Date.parse((await status(first)).led!.timed!.until);
  first.child.process.kill('SIGKILL');
  await first.child.wait();

  const second = await startLedd(t, { key: first.key, stateFile, args: DEBUG });
  assert.ok(Date.now() < until, 'restarted before the end');
  assert.ok(second.records().some((record) => /^resumed the timed state until /.test(record.msg)));
  const resumed = (await status(second)).led!;
  assert.equal(resumed.led, 'on');
  assert.equal(Date.parse(resumed.timed!.until), until, 'the same end');
  assert.deepEqual(resumed.timed!.after, { kind: 'blink', label: 'slow one' });
  await waitFor('the timed state to end', () => timedEnds(second).length === 1, { timeoutMs: 4 * SPAN + 10_000 });
  await waitFor('steps of the blink again', () => stepsOf(second, until).length >= 2);
  for (const step of stepsOf(second, until))
    assert.ok(Math.abs(((step.dueMs - start) / period) % 1) < 1e-6, `step ${step.step} on the grid of before the kill`);

  await ok(second, ['off', '--for', span]);
  const ends = Date.parse((await status(second)).led!.timed!.until);
  second.child.process.kill('SIGKILL');
  await second.child.wait();
  await sleep(Math.max(0, ends - Date.now()) + 200);
  const third = await startLedd(t, { key: first.key, stateFile, args: DEBUG });
  assert.ok(third.records().some((record) => /^the timed state ended while ledd was down/.test(record.msg)));
  const after = (await status(third)).led!;
  assert.equal(after.timed, null, 'the ended timed state is gone');
  assert.equal(after.pattern?.label, 'slow one', 'and the blink under it plays');
});

test('--for on several LEDs and on *: each LED goes back to its own state; the others never change', async (t) => {
  const ledd = await startLedd(t, { args: THREE });
  const SPAN = await timedSpan(ledd);
  const span = `${SPAN}ms`;
  await ok(ledd, ['blink', '--led', 'red', '--on', '100ms', '--off', '100ms']);
  await ok(ledd, ['on', '--led', 'amber']);
  assert.deepEqual(await shown(ledd), { red: 'blink', amber: 'on', green: 'off' });

  const reply = await ok(ledd, ['--led', 'amber,green', 'blink', '--on', '50ms', '--off', '50ms', '--for', span]);
  assert.match(reply, /^LED amber ON; playing: .* then on\nLED green ON; playing: .* then off\n$/);
  const since = Date.now();
  assert.deepEqual(await shown(ledd), { red: 'blink', amber: 'blink+', green: 'blink+' });
  await waitFor('the timed blink to end', () => timedEnds(ledd).length === 1, { timeoutMs: SPAN + 10_000 });
  assert.equal(timedEnds(ledd)[0]!.msg, 'timed state ended: amber ON, green OFF');
  assert.deepEqual(await shown(ledd), { red: 'blink', amber: 'on', green: 'off' });
  assert.ok(
    stepsOf(ledd, since).some((step) => step.on) && levelsOf(ledd, 'red', since).length > 2,
    'red blinked on all along',
  );

  // Long enough for two ledctl calls inside it, even emulated.
  await ok(ledd, ['--led', '*', 'off', '--for', `${3 * SPAN}ms`]);
  assert.deepEqual(await shown(ledd), { red: 'off+', amber: 'off+', green: 'off+' });
  const everyAfter = Object.fromEntries(Object.values(await status(ledd)).map((led) => [led.name, led.timed?.after]));
  assert.deepEqual(everyAfter, { red: { kind: 'blink' }, amber: { kind: 'on' }, green: { kind: 'off' } });
  await waitFor('the timed off to end', () => timedEnds(ledd).length === 2, { timeoutMs: 3 * SPAN + 10_000 });
  assert.deepEqual(await shown(ledd), { red: 'blink', amber: 'on', green: 'off' });
});

test('for= that is not valid is refused with what is accepted; ledd goes on', async (t) => {
  const ledd = await startLedd(t);
  for (const [args, message] of [
    [['on', '--for', '5ms'], /--for: "5ms" is out of range: give 10ms to 7d/],
    [['on', '--for', '8d'], /--for: "8d" is out of range/],
    [['on', '--for', 'soon'], /--for: "soon" is not a duration; give e.g. 500ms, 10s, 5m, 2h or 1d/],
    [['status', '--for', '1s'], /--for goes with on, off, toggle, blink, heartbeat or pattern, not status/],
    [['list', '--for', '1s'], /--for goes with .*, not list/],
  ] as const) {
    const result = await ledctl(ledd.key, [...args]);
    assert.equal(result.code, 2, `ledctl ${args.join(' ')}`);
    assert.match(result.stderr, message);
  }
  assert.match(
    await ok(ledd, ['on', '--for', '1m']),
    /^LED ON; until \d\d:\d\d:\d\d UTC \((59|60) s left\), then off\n$/,
  );
});

test('a timed chase over three LEDs survives kill -9 and gives each LED back its own state', async (t) => {
  const stateFile = path.join(tempDir(t), 'state.json');
  const first = await startLedd(t, { stateFile, args: THREE });
  const SPAN = await timedSpan(first);
  await ok(first, ['on', '--led', 'red']);
  await ok(first, ['heartbeat', '--led', 'green']);
  const chase = ['pattern', '100 100ms 010 100ms 001 100ms', '--label', 'chase'];
  await ok(first, ['--led', 'red,amber,green', ...chase, '--for', `${4 * SPAN}ms`]);
  first.child.process.kill('SIGKILL');
  await first.child.wait();

  const second = await startLedd(t, { key: first.key, stateFile, args: THREE });
  const resumed = await status(second);
  assert.deepEqual(
    Object.values(resumed).map((led) => [led.name, led.pattern?.label, led.timed?.after]),
    [
      ['red', 'chase', { kind: 'on' }],
      ['amber', 'chase', { kind: 'off' }],
      ['green', 'chase', { kind: 'heartbeat' }],
    ],
  );
  const chaseSteps = (): LogRecord[] =>
    second.records().filter((record) => record.msg === 'pattern step' && record.leds === 'red,amber,green');
  await waitFor('three steps of the chase on all three LEDs', () => chaseSteps().length >= 3);
  assert.ok(chaseSteps().every((record) => ['100', '010', '001'].includes(record.levels as string)));
  await waitFor('the chase to end', () => timedEnds(second).length === 1, { timeoutMs: 4 * SPAN + 10_000 });
  assert.deepEqual(await shown(second), { red: 'on', amber: 'off', green: 'heartbeat' });
});

test('a timed state over one LED of a group blink: the others blink on; it rejoins them in step', async (t) => {
  const ledd = await startLedd(t, { args: THREE });
  const SPAN = await timedSpan(ledd);
  const span = `${SPAN}ms`;
  const period = 100 * BOUND_SCALE;
  await ok(ledd, ['--led', 'red,amber', 'blink', '--on', `${period}ms`, '--off', `${period}ms`]);
  const steps = (leds: string, since = 0): LogRecord[] =>
    ledd
      .records()
      .filter((record) => record.msg === 'pattern step' && record.leds === leds && (record.atMs as number) >= since);
  await waitFor('steps on red and amber together', () => steps('red,amber').length >= 2);
  await ok(ledd, ['--led', 'red', 'off', '--for', span]);
  const until = Date.parse((await status(ledd)).red!.timed!.until);
  await waitFor('steps on amber alone', () => steps('amber').length >= 3);
  await waitFor('the timed off to end', () => timedEnds(ledd).length === 1, { timeoutMs: SPAN + 10_000 });
  await waitFor('steps on both again', () => steps('red,amber', until).length >= 3);
  assert.deepEqual(await shown(ledd), { red: 'blink', amber: 'blink', green: 'off' });
  const during = levelsOf(ledd, 'red', 0).filter((level) => level.time > until - SPAN + 200 && level.time < until);
  assert.ok(
    during.every((level) => !level.on),
    'red stayed off during its timed off',
  );
  // One blink again: from a step set on both after the end, red's changes are amber's, one for one (each
  // step sets both in one call, and the simulated lines log their changes before the step's own record).
  const records = ledd.records();
  const from = records.findIndex(
    (record) => record.msg === 'pattern step' && record.leds === 'red,amber' && (record.atMs as number) > until,
  );
  const changes = (led: string): unknown[] =>
    records
      .slice(from)
      .filter((record) => /^simulated LED \S+ is (ON|OFF)$/.test(record.msg) && record.led === led)
      .map((record) => record.state);
  const [red, amber] = [changes('red'), changes('amber')];
  const both = Math.min(red.length, amber.length);
  assert.ok(from !== -1 && both >= 2, `${both} changes of both after the end`);
  assert.deepEqual(red.slice(0, both), amber.slice(0, both));
});
