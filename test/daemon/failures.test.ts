// What ledctl and ledd say when things are wrong: no daemon, no permission, a
// stopped daemon, a full queue, a queue another user planted.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { runChild, runOk } from '@ledd/test-kit/process';
import { randomKey, removeQueueQuietly } from '@ledd/sysvmq/testing';
import { requirePythonModule, requireSetpriv } from '@ledd/test-kit/tools';
import { BOUND_SCALE } from '@ledd/test-kit/wait';

import { LEDCTL, ledctl, queueExists, simLeddArgs, startLedd } from './harness.js';
import { groupId } from '../../common/accounts.js';
import { findQueueInProc } from '../../common/sysvipc.js';
import { sysvmqUrl } from '../helpers/paths.js';

function asNobody(groups: number[] = []): string[] {
  requireSetpriv();
  const groupFlag = groups.length > 0 ? `--groups=${groups.join(',')}` : '--clear-groups';
  return ['--reuid=nobody', '--regid=nogroup', groupFlag, '--', process.execPath];
}

test('ledctl without a daemon: exit 3 and how to start it', async () => {
  const result = await ledctl(randomKey(), ['on']);
  assert.equal(result.code, 3);
  assert.match(
    result.stderr,
    /^ledctl: ledd is not running: no message queue exists for key 0x[0-9a-f]{8}\. Start it with `sudo systemctl start ledd`/,
  );
});

test('ledctl as a user outside the queue group: exit 4 naming the group; a member succeeds', async (t) => {
  const users = groupId('users');
  assert.ok(users !== undefined, 'the group "users" exists on Debian');
  const ledd = await startLedd(t, { args: ['--group', 'users'] });

  const outsider = await runChild('setpriv', [...asNobody(), LEDCTL, '--key', String(ledd.key), 'on']);
  assert.equal(outsider.code, 4, outsider.stderr);
  assert.match(
    outsider.stderr,
    /permission denied on ledd's queue \(key 0x[0-9a-f]{8}\): join group users \(gid 100\)/,
  );

  const member = await runChild('setpriv', [...asNobody([users]), LEDCTL, '--key', String(ledd.key), 'on']);
  assert.equal(member.code, 0, member.stderr);
  assert.equal(member.stdout, 'LED ON\n');
});

test('ledctl against a daemon stopped with SIGSTOP: exit 6 within its timeout; the command runs on SIGCONT', async (t) => {
  const ledd = await startLedd(t);
  ledd.child.process.kill('SIGSTOP');
  t.after(() => ledd.child.process.kill('SIGCONT'));
  const result = await ledctl(ledd.key, ['--timeout', '1', 'on']);
  assert.equal(result.code, 6, result.stderr);
  assert.match(result.stderr, /no answer from ledd within 1 s/);
  assert.ok(result.ms < 5_000 * BOUND_SCALE, `ledctl gave up after ${Math.round(result.ms)} ms`);

  ledd.child.process.kill('SIGCONT');
  const status = await ledctl(ledd.key, ['status', '--json']);
  assert.equal(JSON.parse(status.stdout).led, 'on', 'the queued command was carried out, not lost');
});

test('ledctl when the queue stays full: exit 5', async (t) => {
  const python = requirePythonModule('sysv_ipc', 'python3-sysv-ipc');
  const ledd = await startLedd(t);
  ledd.child.process.kill('SIGSTOP');
  t.after(() => ledd.child.process.kill('SIGCONT'));
  await runOk(python, [
    '-c',
    `import sysv_ipc
q = sysv_ipc.MessageQueue(${ledd.key})
try:
    while True: q.send(b"x" * 1024, block=False, type=1)
except sysv_ipc.BusyError:
    pass`,
  ]);
  const result = await ledctl(ledd.key, ['--timeout', '1', 'off']);
  assert.equal(result.code, 5, result.stderr);
  assert.match(result.stderr, /stayed full/);
});

test('ledd refuses a queue another user created with mode 0666, and says why', async (t) => {
  const key = randomKey();
  const planted = await runChild('setpriv', [
    ...asNobody(),
    '--input-type=module',
    '--eval',
    `import { MessageQueue } from ${JSON.stringify(sysvmqUrl)};
     console.log(MessageQueue.create(${key}, { mode: 0o666 }).id);`,
  ]);
  assert.equal(planted.code, 0, planted.stderr);
  t.after(() => removeQueueQuietly(Number(planted.stdout)));
  assert.equal(findQueueInProc(key)?.uid, 65534);

  const result = await runChild(process.execPath, simLeddArgs(key, 'none'));
  assert.equal(result.code, 3, result.stdout + result.stderr);
  assert.match(
    result.stdout,
    /already exists and belongs to uid 65534 \(created by uid 65534, mode 0666\); ledd only adopts a queue its own user created/,
  );
  assert.match(result.stdout, /ipcrm -Q 0x[0-9a-f]{8}/);
  assert.equal(findQueueInProc(key)?.mode, 0o666, 'the planted queue is left as it was');
  assert.ok(queueExists(key));
});
