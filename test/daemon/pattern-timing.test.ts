// That ledd plays a pattern on its schedule: every step in order, due at its
// exact time from the pattern's start, set before the next one is due (none
// missed), read from ledd's own debug log ("pattern step" records), alone and
// under a flood. How late each step is set, in fractions of a millisecond,
// is for the benchmark (npm run bench -- pattern-timing), not a test: a busy
// machine must not fail a correct schedule. Run natively: under qemu-user (test/platforms, the foreign
// architectures) an emulated process's timers measure the emulator, so that
// suite leaves this file out (run-foreign-arch.sh, suite_files).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { nodeScript, spawnChild } from '@ledd/test-kit/process';
import { sleep } from '@ledd/test-kit/wait';

import { ledctl, startLedd } from './harness.js';
import { FLOOD } from './flood.js';
import { scheduleProblems, stepsOf } from './patterns.js';

const DEBUG = ['--log-level', 'debug'];

test('a 10 Hz blink for 3 s: every step on schedule, none missing; off ends it within one step', async (t) => {
  const ledd = await startLedd(t, { args: DEBUG });
  const result = await ledctl(ledd.key, ['blink', '--on', '50ms', '--off', '50ms']);
  assert.equal(result.code, 0, result.stderr);
  await sleep(3000);
  const off = await ledctl(ledd.key, ['off']);
  const offAt = performance.timeOrigin + performance.now();
  assert.equal(off.stdout, 'LED OFF\n');
  await sleep(300);
  const steps = stepsOf(ledd);
  assert.ok(steps.length >= 55, `${steps.length} steps in 3 s at 10 Hz (20 a second)`);
  assert.equal(steps[0]!.step, 1);
  assert.deepEqual(scheduleProblems(steps, 50, 50), []);
  const afterOff = steps.filter((step) => step.atMs > offAt);
  assert.deepEqual(afterOff, [], 'no step after off was answered');
  assert.match((await ledctl(ledd.key, ['status'])).stdout, /^LED is OFF\n/);
});

test('the same flood while a 20 Hz pattern plays: every status request is answered, the pattern keeps its schedule', async (t) => {
  const ledd = await startLedd(t, { args: ['--housekeeping-interval', '1', '--log-level', 'debug'] });
  const started = await ledctl(ledd.key, ['blink', '--on', '25ms', '--off', '25ms']);
  assert.equal(started.code, 0, started.stderr);
  const flood = spawnChild(t, ...nodeScript(FLOOD, [String(ledd.key), '20261202']));
  // Status, not on/off: those would end the pattern. Until the flood is sent
  // and the pattern has played enough steps to judge its schedule by: how
  // fast the flood goes is the machine's, not ledd's.
  let requests = 0;
  const giveUpAt = performance.now() + 60_000;
  while (flood.running || requests < 10 || stepsOf(ledd).length <= 40) {
    assert.ok(performance.now() < giveUpAt, `after a minute, ${stepsOf(ledd).length} pattern steps logged`);
    const result = await ledctl(ledd.key, ['--timeout', '10', 'status', '--json']);
    assert.equal(result.code, 0, `status request ${requests} during the flood: ${result.stderr}`);
    assert.equal((JSON.parse(result.stdout) as { pattern: { name: string } | null }).pattern?.name, 'blink');
    requests++;
  }
  assert.equal((await flood.succeeds(120_000)).stdout, 'sent 10000\n');
  const steps = stepsOf(ledd);
  assert.deepEqual(scheduleProblems(steps, 25, 25), []);
  assert.equal((await ledctl(ledd.key, ['exit'])).code, 0);
});
