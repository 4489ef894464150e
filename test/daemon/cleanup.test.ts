// ledd --cleanup, as systemd's ExecStopPost= runs it after the daemon stopped.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { restartExpected } from '../../daemon/cleanup.js';
import { LEDD, parseRecords, queueExists, startLedd } from './harness.js';
import { runChild } from '../helpers/process.js';

test('a restart is expected after a crash, not after a clean stop or a hopeless exit status', () => {
  assert.equal(restartExpected({}), false, 'outside systemd');
  assert.equal(restartExpected({ SERVICE_RESULT: 'success', EXIT_CODE: 'exited', EXIT_STATUS: '0' }), false);
  assert.equal(restartExpected({ SERVICE_RESULT: 'signal', EXIT_CODE: 'killed', EXIT_STATUS: 'KILL' }), true);
  assert.equal(restartExpected({ SERVICE_RESULT: 'watchdog', EXIT_CODE: 'killed', EXIT_STATUS: 'ABRT' }), true);
  assert.equal(restartExpected({ SERVICE_RESULT: 'exit-code', EXIT_CODE: 'exited', EXIT_STATUS: '1' }), true);
  assert.equal(restartExpected({ SERVICE_RESULT: 'exit-code', EXIT_CODE: 'exited', EXIT_STATUS: '3' }), false);
});

test('after kill -9: the queue is left while systemd restarts, removed when it does not', async (t) => {
  const ledd = await startLedd(t);
  ledd.child.kill('SIGKILL');
  await ledd.child.wait();
  assert.ok(queueExists(ledd.key));
  const args = [LEDD, '--cleanup', '--backend', 'sim', '--key', String(ledd.key), '--log-format', 'json'];

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
