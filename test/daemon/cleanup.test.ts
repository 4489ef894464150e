// The clean-up after the daemon stopped: `ledd --cleanup`, and the one-file
// dist/ledd-cleanup.cjs that the units run (ExecStopPost=, ExecStop=).
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { runChild } from '@ledd/test-kit/process';

import { restartExpected } from '../../daemon/cleanup.js';
import { driveToExitState } from '../../daemon/exit-state-lines.js';
import { GpioError, type LedLineSpec } from '../../daemon/gpio/line.js';
import { openSimulatedLines } from '../../daemon/gpio/sim-line.js';
import { LEDD, LEDD_CLEANUP, parseRecords, queueExists, startLedd } from './harness.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fromRoot } from '../helpers/paths.js';

test('a restart is expected after a crash, not after a clean stop or a hopeless exit status', () => {
  assert.equal(restartExpected({}), false, 'outside systemd');
  assert.equal(restartExpected({ SERVICE_RESULT: 'success', EXIT_CODE: 'exited', EXIT_STATUS: '0' }), false);
  assert.equal(restartExpected({ SERVICE_RESULT: 'signal', EXIT_CODE: 'killed', EXIT_STATUS: 'KILL' }), true);
  assert.equal(restartExpected({ SERVICE_RESULT: 'watchdog', EXIT_CODE: 'killed', EXIT_STATUS: 'ABRT' }), true);
  assert.equal(restartExpected({ SERVICE_RESULT: 'exit-code', EXIT_CODE: 'exited', EXIT_STATUS: '1' }), true);
  assert.equal(restartExpected({ SERVICE_RESULT: 'exit-code', EXIT_CODE: 'exited', EXIT_STATUS: '3' }), false);
});

const entryPoints = [
  { name: 'ledd --cleanup', command: [LEDD, '--cleanup'] },
  { name: 'dist/ledd-cleanup.cjs', command: [LEDD_CLEANUP] },
];

for (const { name, command } of entryPoints) {
  test(`${name}: after kill -9 the queue is left while systemd restarts, removed when it does not`, async (t) => {
    const ledd = await startLedd(t);
    ledd.child.kill('SIGKILL');
    await ledd.child.wait();
    assert.ok(queueExists(ledd.key));
    const args = [...command, '--backend', 'sim', '--key', String(ledd.key), '--log-format', 'json'];

    const restarting = await runChild(process.execPath, args, {
      env: { ...process.env, SERVICE_RESULT: 'signal', EXIT_CODE: 'killed', EXIT_STATUS: 'KILL' },
    });
    assert.equal(restarting.code, 0, restarting.stdout + restarting.stderr);
    assert.ok(queueExists(ledd.key), 'left for the restarted daemon');
    assert.match(parseRecords(restarting.stdout).at(-1)!.msg, /systemd restarts ledd/);

    const final = await runChild(process.execPath, args);
    assert.equal(final.code, 0, final.stdout + final.stderr);
    assert.equal(queueExists(ledd.key), false);
    assert.match(parseRecords(final.stdout).at(-1)!.msg, /removed the queue the daemon left behind/);

    const again = await runChild(process.execPath, args);
    assert.equal(again.code, 0, 'nothing left is fine');
  });
}

test('dist/ledd-cleanup.cjs in a half-removed tree: one line that names what is missing, the queue left', async (t) => {
  const ledd = await startLedd(t);
  ledd.child.kill('SIGKILL');
  await ledd.child.wait();
  // What is left of an installation that is being deleted: the bundle and package.json, not the queue binding.
  const tree = tempDir(t);
  mkdirSync(path.join(tree, 'dist'));
  copyFileSync(fromRoot('package.json'), path.join(tree, 'package.json'));
  copyFileSync(LEDD_CLEANUP, path.join(tree, 'dist', 'ledd-cleanup.cjs'));

  const result = await runChild(process.execPath, [
    path.join(tree, 'dist', 'ledd-cleanup.cjs'),
    '--backend',
    'sim',
    '--key',
    String(ledd.key),
  ]);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.equal(result.stdout, '');
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line, no stack trace:\n${result.stderr}`);
  assert.match(lines[0]!, /^ledd-cleanup: not run: a part of ledd cannot be loaded, so the queue and the LED are left/);
  assert.ok(lines[0]!.includes(`no node_modules/@ledd/sysvmq in ${path.join(tree, 'dist')} or above it`), lines[0]);
  assert.ok(queueExists(ledd.key), 'nothing was done');

  // Under journald the line carries the error priority.
  const journald = await runChild(process.execPath, [path.join(tree, 'dist', 'ledd-cleanup.cjs')], {
    env: { ...process.env, JOURNAL_STREAM: '8:1' },
  });
  assert.match(journald.stderr, /^<3>ledd-cleanup: not run: /);
});

test('dist/ledd-cleanup.cjs: a bad option or environment value is one line and exit 2', async () => {
  const option = await runChild(process.execPath, [LEDD_CLEANUP, '--exit-state', 'dim']);
  assert.equal(option.code, 2);
  assert.match(option.stderr, /^ledd-cleanup: .*--exit-state.*dim.*\n$/);
  const environment = await runChild(process.execPath, [LEDD_CLEANUP], {
    env: { ...process.env, LEDD_KEY: 'nonsense' },
  });
  assert.equal(environment.code, 2);
  assert.match(environment.stderr, /^ledd-cleanup: .*nonsense.*\n$/);
});

// The per-LED logic; the VM (item 18) shows it under systemd with gpioset holding a line.
test('the clean-up drives each LED on its own: a line another program holds is left to it, the rest are driven', async () => {
  const specs: LedLineSpec[] = ['red', 'amber', 'green', 'fan'].map((name, line) => ({
    name,
    line,
    activeLow: false,
    initial: false,
  }));
  const requested: string[] = [];
  const outcome = await driveToExitState(specs, async (spec) => {
    requested.push(spec.name!);
    if (spec.name === 'green') throw new GpioError('busy', 'LED green: line 2 is busy: it is held by "gpioset"');
    if (spec.name === 'fan') throw new GpioError('no-such-line', 'LED fan: there is no line 3');
    return openSimulatedLines({ leds: [spec], consumer: 'ledd-cleanup' }, () => undefined);
  });
  assert.deepEqual(requested, ['red', 'amber', 'green', 'fan'], 'each LED requested, one at a time');
  assert.deepEqual(outcome.driven, ['red: simulated 0', 'amber: simulated 1']);
  assert.deepEqual(
    outcome.held.map((error) => error.message),
    ['LED green: line 2 is busy: it is held by "gpioset"'],
  );
  assert.deepEqual(
    outcome.failed.map((error) => (error as Error).message),
    ['LED fan: there is no line 3'],
  );
});

test('the clean-up stops at the first LED when no libgpiod binding is built: one failure, not one per LED', async () => {
  const specs: LedLineSpec[] = [0, 1, 2].map((line) => ({ line, activeLow: false, initial: false }));
  let calls = 0;
  const outcome = await driveToExitState(specs, async () => {
    calls++;
    throw new GpioError('unavailable', 'no libgpiod binding is built');
  });
  assert.equal(calls, 1);
  assert.equal(outcome.failed.length, 1);
  assert.deepEqual(outcome.driven, []);
});
