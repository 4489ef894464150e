// Blink, heartbeat and patterns: ledctl's verbs against a real ledd (sim
// backend) on a real queue; the steps' timing read from ledd's own debug log.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { runOk } from '@ledd/test-kit/process';
import { BOUND_SCALE, sleep, waitFor } from '@ledd/test-kit/wait';

import { buildChapterClient } from './chapter-client.js';
import { ledctl, queueExists, startLedd } from './harness.js';
import { tempDir } from '../helpers/temp-dir.js';
import { stepsOf } from './patterns.js';

const DEBUG = ['--log-level', 'debug'];

interface StatusJson {
  led: string;
  pattern: { name: string; cyclesLeft: number | null; then: string } | null;
}

async function statusJson(key: number): Promise<StatusJson> {
  const result = await ledctl(key, ['status', '--json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as StatusJson;
}

test('blink, heartbeat, pattern: what each prints and its exit code; status shows the pattern', async (t) => {
  const ledd = await startLedd(t);
  const cases: [string[], RegExp][] = [
    [['blink'], /^LED ON; playing: blink 500ms on, 500ms off, forever\n$/],
    [
      ['blink', '--on', '200ms', '--off', '1.5s', '--count', '3', '--then', 'on'],
      /^LED ON; playing: blink 200ms on, 1500ms off, 3 times\n$/,
    ],
    [['blink', '--on', '0.25', '--off', '0.75'], /blink 250ms on, 750ms off, forever/],
    [['heartbeat'], /^LED ON; playing: heartbeat\n$/],
    [['pattern', '1 200 0 800', '--repeat', '2'], /^LED ON; playing: pattern 1:200,0:800, 2 times\n$/],
    [['pattern', '0', '100', '1', '300'], /^LED OFF; playing: pattern 0:100,1:300, forever\n$/],
    [['pattern', '1:50,0:50', '--repeat', '-1'], /pattern 1:50,0:50, forever/],
  ];
  for (const [args, expected] of cases) {
    const result = await ledctl(ledd.key, args);
    assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stdout, expected, args.join(' '));
  }
  assert.deepEqual((await statusJson(ledd.key)).pattern, { name: 'pattern', cyclesLeft: null, then: 'off' });
  assert.match((await ledctl(ledd.key, ['status'])).stdout, /^LED is (ON|OFF), playing pattern \(forever\)\n/);
  // Cycles long enough that none ends before the status request, however slow the machine.
  await ledctl(ledd.key, ['blink', '--on', '600s', '--off', '600s', '--count', '5', '--then', 'on']);
  assert.deepEqual((await statusJson(ledd.key)).pattern, { name: 'blink', cyclesLeft: 5, then: 'on' });
  assert.equal((await ledctl(ledd.key, ['off'])).stdout, 'LED OFF\n');
  assert.equal((await statusJson(ledd.key)).pattern, null, 'off replaced the blink');
});

test('bad pattern values: usage exit code 2 and a one-line message naming the value; ledd keeps running', async (t) => {
  const ledd = await startLedd(t);
  const cases: [string[], RegExp][] = [
    [['blink', '--on', 'abc'], /--on: "abc" is not a duration; give e\.g\. 200ms or 1\.5s/],
    [['blink', '--on', '5ms'], /--on must be a whole number of milliseconds from 10 to 3600000, not 5 \("5ms"\)/],
    [['blink', '--off', '2h'], /--off: "2h" is not a duration/],
    [['blink', '--on', '0.0005'], /--on: "0.0005" is not a whole number of milliseconds/],
    [['blink', '--count', '0'], /--count: "0" is not a whole number from 1 to 1000000/],
    [['blink', '--count', 'many'], /--count: "many" is not a whole number/],
    [['blink', '--then', 'maybe'], /--then: "maybe" is not on or off/],
    [['blink', '--repeat', '3'], /--repeat does not go with blink/],
    [['blink', 'fast'], /blink takes options, not "fast"/],
    [['heartbeat', '--on', '1s'], /--on does not go with heartbeat/],
    [['pattern'], /pattern needs a SPEC/],
    [['pattern', '1 200 0'], /"1 200 0" is not LEVEL DURATION pairs/],
    [['pattern', '2 200'], /level "2" \(step 1\) is not 0 or 1/],
    [['pattern', '1 200', '--repeat', '0'], /--repeat: "0" plays nothing/],
    [['pattern', '1 200', '--repeat', '-2'], /--repeat: "-2" is not a whole number from -1 \(forever\)/],
    [['pattern', Array(17).fill('1 100').join(' ')], /a pattern has 1 to 16 steps, not 17/],
    [['on', '--count', '3'], /--count goes with blink, heartbeat or pattern/],
  ];
  for (const [args, expected] of cases) {
    const result = await ledctl(ledd.key, args);
    assert.equal(result.code, 2, `${args.join(' ')}: exit code`);
    assert.match(result.stderr, expected, args.join(' '));
    assert.equal(result.stderr.trim().split('\n').length, 1, `${args.join(' ')}: one line`);
  }
  assert.equal((await ledctl(ledd.key, ['status'])).code, 0, 'ledd is still there');
});

test('a finite blink ends in its --then state, and the end is recorded', async (t) => {
  const ledd = await startLedd(t, { args: DEBUG });
  // Steps long enough that even an emulated ledd (BOUND_SCALE) sets each one: a late one would be skipped.
  const step = `${20 * BOUND_SCALE}ms`;
  await ledctl(ledd.key, ['blink', '--on', step, '--off', step, '--count', '3', '--then', 'on']);
  await waitFor('the blink to end', () => ledd.records().some((record) => /^the blink .* ended$/.test(record.msg)));
  const steps = stepsOf(ledd);
  assert.deepEqual(
    steps.map((step) => step.on),
    [true, false, true, false, true, false],
    'three cycles',
  );
  const status = await statusJson(ledd.key);
  assert.equal(status.led, 'on');
  assert.equal(status.pattern, null);
  assert.match(readFileSync(ledd.stateFile, 'utf8'), /^\{"led":"on","at":/);
});

test('kill -9 during a blink: the restarted ledd blinks again, on the same schedule; exit leaves the LED off and no queue', async (t) => {
  const stateFile = path.join(tempDir(t), 'state.json');
  const first = await startLedd(t, { stateFile, args: DEBUG });
  await ledctl(first.key, ['blink', '--on', '100ms', '--off', '100ms']);
  await sleep(500 * BOUND_SCALE);
  const firstSteps = stepsOf(first);
  first.child.process.kill('SIGKILL');
  await first.child.wait();

  const second = await startLedd(t, { key: first.key, stateFile, args: DEBUG });
  assert.ok(
    second.records().some((record) => /^resumed the blink 100ms on, 100ms off, forever$/.test(record.msg)),
    'resumed',
  );
  await sleep(600 * BOUND_SCALE);
  const steps = stepsOf(second);
  assert.ok(steps.length >= 4, `${steps.length} steps in ${0.6 * BOUND_SCALE} s after the restart`);
  // The schedule is the one begun before the kill: the steps' due times are whole periods from its start.
  const start = firstSteps[0]!.dueMs;
  for (const step of steps)
    assert.ok(Math.abs(((step.dueMs - start) / 100) % 1) < 1e-6, `step ${step.step} on the old grid`);
  assert.ok(steps[0]!.step > firstSteps.at(-1)!.step, 'counting on from before the kill');

  const exit = await ledctl(second.key, ['exit']);
  assert.equal(exit.stdout, 'ledd exited; LED OFF\n');
  assert.equal((await second.child.wait()).code, 0);
  assert.equal(queueExists(second.key), false);
  const released = second.records().find((record) => record.msg.startsWith('line released'));
  assert.equal(released?.led, 'OFF');
});

test('a finite blink that ended while ledd was down is not played again: the LED restarts in its --then state', async (t) => {
  const stateFile = path.join(tempDir(t), 'state.json');
  const first = await startLedd(t, { stateFile });
  await ledctl(first.key, ['blink', '--on', '100ms', '--off', '100ms', '--count', '3', '--then', 'on']);
  first.child.process.kill('SIGKILL');
  await first.child.wait();
  await sleep(800);
  const second = await startLedd(t, { key: first.key, stateFile, args: DEBUG });
  assert.ok(second.records().some((record) => /ended while ledd was down$/.test(record.msg)));
  const status = await statusJson(second.key);
  assert.equal(status.led, 'on');
  assert.equal(status.pattern, null);
  assert.deepEqual(stepsOf(second), []);
});

test("on, toggle, a new pattern and the chapter's own client (OFF) each replace a running pattern at once", async (t) => {
  const ledd = await startLedd(t);
  const chapterClient = await buildChapterClient(t, ledd.key);
  for (const replace of ['on', 'toggle', 'heartbeat', 'chapter off']) {
    await ledctl(ledd.key, ['blink', '--on', '30ms', '--off', '30ms']);
    if (replace === 'chapter off') await runOk(chapterClient, ['off']);
    else assert.equal((await ledctl(ledd.key, [replace])).code, 0);
    // The status request queues behind the chapter's fire-and-forget OFF.
    const status = await statusJson(ledd.key);
    assert.equal(
      status.pattern?.name ?? null,
      replace === 'heartbeat' ? 'heartbeat' : null,
      `${replace} replaced the blink`,
    );
    if (replace === 'chapter off') assert.equal(status.led, 'off');
  }
});
