// The clean-up after the daemon stopped: `ledd --cleanup`, and the one-file
// dist/ledd-cleanup.cjs that the units run (ExecStopPost=, ExecStop=).
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { restartExpected } from '../../daemon/cleanup.js';
import { LEDD, LEDD_CLEANUP, parseRecords, queueExists, startLedd, tempDir } from './harness.js';
import { fromRoot } from '../helpers/paths.js';
import { runChild } from '../helpers/process.js';

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
  // What is left of an installation that is being deleted: the bundle and package.json, not the addon.
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
  assert.ok(lines[0]!.includes(path.join(tree, 'native/build/Release/sysv_mq.node')), lines[0]);
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
