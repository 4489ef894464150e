// A hostile or careless local user: floods of garbage, and clients that die
// before reading their replies. ledd keeps serving and the queue stays clean.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { MessageQueue } from '../../native/lib/index.js';
import { ledctl, startLedd } from './harness.js';
import { compileC } from '../helpers/cc.js';
import { fromRoot, nativeLibUrl } from '../helpers/paths.js';
import { nodeScript, runOk, spawnChild } from '../helpers/process.js';
import { BOUND_SCALE, waitFor } from '../helpers/wait.js';
import { scheduleProblems, stepsOf } from './patterns.js';

// Our own binding sends the flood: Python's sysv_ipc cannot send types beyond a C int.
const FLOOD = `
import { randomBytes } from 'node:crypto';
import { MessageQueue } from ${JSON.stringify(nativeLibUrl)};
const queue = MessageQueue.open(Number(process.argv[1]));
let seed = Number(process.argv[2]);
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const between = (low, high) => low + Math.floor(random() * (high - low + 1));
const size = () => { const r = random(); return r < 0.6 ? between(0, 64) : r < 0.9 ? between(65, 512) : between(513, 8192); };
const bigBetween = (low, high) => low + (BigInt(Math.floor(random() * 2 ** 52)) * (high - low)) / 2n ** 52n;
function kind() {
  const r = random();
  if (r < 0.5) return 1;                                   // a command with garbage text
  if (r < 0.7) return between(3, 2 ** 30 - 1);             // unknown request types
  if (r < 0.85) return between(2 ** 30, 2 ** 31 - 1);      // the reply range: never read by ledd
  return bigBetween(2n ** 31n, 2n ** 63n - 1n);            // beyond 32 bits: never read by ledd
}
// Type 2 is left out: a valid exit from an authorized user is not an attack.
for (let i = 0; i < 10000; i++) await queue.send(kind(), randomBytes(size()));
console.log('sent', 10000);
`;

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

test('the same flood while a 20 Hz pattern plays: every status request is answered, the pattern keeps its schedule', async (t) => {
  const ledd = await startLedd(t, { args: ['--housekeeping-interval', '1', '--log-level', 'debug'] });
  const started = await ledctl(ledd.key, ['blink', '--on', '25ms', '--off', '25ms']);
  assert.equal(started.code, 0, started.stderr);
  const flood = spawnChild(t, ...nodeScript(FLOOD, [String(ledd.key), '20261202']));
  // Status, not on/off: those would end the pattern.
  let requests = 0;
  while (flood.running || requests < 10) {
    const result = await ledctl(ledd.key, ['--timeout', '10', 'status', '--json']);
    assert.equal(result.code, 0, `status request ${requests} during the flood: ${result.stderr}`);
    assert.equal((JSON.parse(result.stdout) as { pattern: { name: string } | null }).pattern?.name, 'blink');
    requests++;
  }
  assert.equal((await flood.succeeds(120_000)).stdout, 'sent 10000\n');
  const steps = stepsOf(ledd);
  assert.ok(steps.length > 40, `${steps.length} steps during the flood`);
  assert.deepEqual(scheduleProblems(steps, 25, 20 * BOUND_SCALE), []);
  assert.equal((await ledctl(ledd.key, ['exit'])).code, 0);
});

test('500 clients killed right after sending: ledctl still works and no stale replies stay', async (t) => {
  const client = compileC(fromRoot('test', 'daemon', 'fixtures', 'vanishing-client.c'));
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
