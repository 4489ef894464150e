// The handover (SIGUSR2) an upgrade restarts ledd with: the queue, with the
// commands pending on it, and the saved state are left to the next ledd,
// which adopts the queue as after a crash.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { runOk } from '@ledd/test-kit/process';
import { waitFor } from '@ledd/test-kit/wait';

import { buildChapterClient } from './chapter-client.js';
import { ledctl, queueExists, startLedd } from './harness.js';

test('SIGUSR2: exit 75 with the queue and the pending commands left; the next ledd adopts it and carries them out', async (t) => {
  const first = await startLedd(t);
  const chapter = await buildChapterClient(t, first.key);
  assert.equal((await ledctl(first.key, ['on'])).stdout, 'LED ON\n');
  first.child.process.kill('SIGSTOP');
  // Lost commands would leave the LED ON whatever the old ledd took: only carrying out the last gives OFF.
  await runOk(chapter, ['on']);
  await runOk(chapter, ['off']);
  first.child.process.kill('SIGUSR2');
  first.child.process.kill('SIGCONT');
  const exited = await first.child.wait();
  assert.equal(exited.code, 75, first.child.describe());
  assert.ok(queueExists(first.key), 'the queue is left to the next ledd');
  const handover = first.records().find((record) => /^handing over/.test(record.msg));
  assert.ok(handover, first.child.describe());
  assert.equal(handover.reason, 'SIGUSR2');

  const second = await startLedd(t, { key: first.key, stateFile: first.stateFile });
  assert.ok(
    second.records().some((record) => record.adopted === true),
    'the next ledd adopts the queue',
  );
  await waitFor('the pending OFF to be carried out', async () =>
    /^LED is OFF/.test((await ledctl(first.key, ['status'])).stdout),
  );
  assert.equal((await ledctl(first.key, ['exit'])).code, 0);
  await second.child.wait();
  assert.ok(!queueExists(first.key), 'exit removes the queue as always');
});

test('SIGUSR2 while a blink plays: the next ledd resumes the blink from the saved state', async (t) => {
  const first = await startLedd(t);
  await ledctl(first.key, ['blink', '--on', '50ms', '--off', '50ms']);
  first.child.process.kill('SIGUSR2');
  assert.equal((await first.child.wait()).code, 75);
  const second = await startLedd(t, { key: first.key, stateFile: first.stateFile });
  const status = JSON.parse((await ledctl(second.key, ['status', '--json'])).stdout) as {
    pattern: { name: string } | null;
  };
  assert.equal(status.pattern?.name, 'blink');
});
