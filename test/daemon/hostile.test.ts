// A hostile or careless local user: floods of garbage, and clients that die
// before reading their replies. ledd keeps serving and the queue stays clean.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { MessageQueue } from '@ledd/sysvmq';
import { compileC } from '@ledd/test-kit/cc';
import { nodeScript, runOk, spawnChild } from '@ledd/test-kit/process';
import { waitFor } from '@ledd/test-kit/wait';

import { ledctl, startLedd } from './harness.js';
import { fromRoot, testBuildDir } from '../helpers/paths.js';
import { FLOOD } from './flood.js';

test('10 000 random payloads of random types and sizes, interleaved with valid commands', async (t) => {
  const ledd = await startLedd(t, { args: ['--housekeeping-interval', '1'] });
  const flood = spawnChild(t, ...nodeScript(FLOOD, [String(ledd.key), '20261125']));

  let commands = 0;
  while (flood.running || commands < 10) {
    const verb = commands % 2 === 0 ? 'on' : 'off';
    const result = await ledctl(ledd.key, ['--timeout', '10', verb]);
    const warnings = (): string =>
      ledd
        .records()
        .filter((record) => record.level >= 40)
        .map((record) => record.msg)
        .join('\n');
    assert.equal(
      result.code,
      0,
      `command ${commands} (${verb}) during the flood: ${result.stderr}\nledd:\n${warnings()}`,
    );
    assert.equal(result.stdout, `LED ${verb.toUpperCase()}\n`);
    commands++;
  }
  const flooded = await flood.succeeds(120_000);
  assert.equal(flooded.stdout, 'sent 10000\n');
  assert.ok(ledd.child.running, 'ledd is still running');

  const status = await ledctl(ledd.key, ['status', '--json']);
  assert.equal(status.code, 0, status.stderr);
  const report = JSON.parse(status.stdout) as { daemon: { rejected: number; repliesDropped: number } };
  assert.ok(report.daemon.rejected > 1000, `ledd rejected ${report.daemon.rejected} messages`);
  assert.equal(report.daemon.repliesDropped, 0, 'every reply got through the flood');

  // Whatever the flood left that ledd never reads is swept away.
  const queue = MessageQueue.open(ledd.key);
  await waitFor('the queue to be swept empty', () => queue.stat().qnum === 0, { timeoutMs: 15_000 });

  const warnings = ledd.records().filter((record) => record.level === 40);
  assert.ok(warnings.length > 0, 'the rejections were logged');
  assert.ok(
    warnings.length <= 30,
    `${warnings.length} warnings logged for ${commands} commands and 10 000 bad messages`,
  );
  assert.ok(
    warnings.some((record) => record.msg.includes('are counted, not logged')),
    'the last warning before the silence says so',
  );

  assert.equal((await ledctl(ledd.key, ['exit'])).code, 0);
  assert.equal((await ledd.child.wait()).code, 0);
});

test('500 clients killed right after sending: ledctl still works and no stale replies stay', async (t) => {
  const client = compileC(fromRoot('test', 'daemon', 'fixtures', 'vanishing-client.c'), { outDir: testBuildDir });
  const ledd = await startLedd(t, { args: ['--housekeeping-interval', '0.5'] });
  await runOk('bash', ['-c', `for i in $(seq 500); do "$0" "$1" 2>/dev/null; done; exit 0`, client, String(ledd.key)], {
    timeoutMs: 120_000,
  });
  const queue = MessageQueue.open(ledd.key);
  const handled = await waitFor('ledd to take all 500 requests', async () => {
    const status = JSON.parse((await ledctl(ledd.key, ['status', '--json'])).stdout) as { daemon: { handled: number } };
    return status.daemon.handled >= 501 ? status.daemon.handled : 0;
  });
  assert.ok(handled >= 501);

  const on = await ledctl(ledd.key, ['--timeout', '2', 'off']);
  assert.equal(on.code, 0, on.stderr);
  assert.equal(on.stdout, 'LED OFF\n');

  await waitFor("the dead clients' replies to be purged", () => queue.stat().qnum === 0, { timeoutMs: 15_000 });
  assert.equal(queue.stat().cbytes, 0);
});
