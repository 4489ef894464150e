// Acceptance 3: failures come back as QueueErrors with Node-style code,
// errno and syscall, and arguments that would do something else than asked
// (key 0, a mode beyond 0o777) are refused before any system call.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { test } from 'node:test';

import { nodeScript, runOk, spawnChild } from '@ledd/test-kit/process';
import { requireCommand, requireSetpriv } from '@ledd/test-kit/tools';
import { isPending, outcome, withTimeout } from '@ledd/test-kit/wait';

import { MessageQueue, QueueError, formatKey, ftok, native, toKeyT } from '../lib/index.js';
import { libUrl } from './paths.js';
import { createPrivateTestQueue, createTestQueue, removeAfter, unusedKey } from '../lib/testing.js';

const E = os.constants.errno;

/** An assertion for assert.throws/rejects: a QueueError with this code, its errno, and this syscall. */
function queueError(code: keyof typeof E, syscall: string, message?: RegExp) {
  return (error: unknown): true => {
    assert.ok(error instanceof QueueError, `expected a QueueError, got ${String(error)}`);
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'QueueError');
    assert.equal(error.code, code);
    assert.equal(error.errno, -E[code], 'errno is negative, as in Node');
    assert.equal(error.syscall, syscall);
    assert.match(error.message, new RegExp(`^${syscall}\\b.*\\(${code}\\)$`));
    if (message) assert.match(error.message, message);
    return true;
  };
}

test('opening a key no queue has fails with ENOENT, naming the key', () => {
  const key = unusedKey();
  assert.throws(
    () => MessageQueue.open(key),
    queueError('ENOENT', 'msgget', new RegExp(`\\(key ${formatKey(key)}\\): no message queue exists`)),
  );
});

test('an exclusive create of an existing key fails with EEXIST; a plain create opens it', (t) => {
  const queue = createTestQueue(t);
  assert.throws(
    () => MessageQueue.create(queue.key!, { exclusive: true }),
    queueError('EEXIST', 'msgget', /already exists/),
  );
  const again = MessageQueue.create(queue.key!);
  assert.equal(again.id, queue.id);
  assert.equal(MessageQueue.open(queue.key!).id, queue.id);
});

test('receive with nowait on an empty queue fails with ENOMSG; tryReceive gives null', async (t) => {
  const queue = createPrivateTestQueue(t);
  assert.equal(queue.tryReceive(), null);
  await assert.rejects(queue.receive({ nowait: true }), queueError('ENOMSG', 'msgrcv', /no message/));
  queue.trySend(2, 'x');
  await assert.rejects(queue.receive({ nowait: true, type: 3 }), queueError('ENOMSG', 'msgrcv'));
  assert.equal(queue.tryReceive({ type: 3 }), null);
});

test('a full queue: send with nowait fails with EAGAIN, trySend returns false', async (t) => {
  const queue = createPrivateTestQueue(t);
  queue.set({ qbytes: 100 });
  let sent = 0;
  while (queue.trySend(1, Buffer.alloc(30))) sent++;
  assert.equal(sent, 3, 'a queue of 100 bytes holds three messages of 30 bytes');
  assert.equal(queue.trySend(1, Buffer.alloc(30)), false);
  await assert.rejects(queue.send(1, Buffer.alloc(30), { nowait: true }), queueError('EAGAIN', 'msgsnd', /full/));
  // Still room for a small one.
  assert.equal(queue.trySend(1, Buffer.alloc(10)), true);
  assert.equal(queue.stat().qnum, 4);
});

test('a queue that is gone: EIDRM from every send and receive, EINVAL from msgctl, with the queue named', async (t) => {
  const queue = createPrivateTestQueue(t);
  queue.remove();
  const byId = new RegExp(`queue id ${queue.id}.*the queue was removed`);
  assert.throws(() => queue.trySend(1, 'x'), queueError('EIDRM', 'msgsnd', byId));
  assert.throws(() => queue.tryReceive(), queueError('EIDRM', 'msgrcv', byId));
  assert.throws(() => queue.tryReceiveInto(Buffer.alloc(8)), queueError('EIDRM', 'msgrcv', byId));
  await assert.rejects(queue.receiveBatch(), queueError('EIDRM', 'msgrcv', byId));
  await assert.rejects(queue.receive(), queueError('EIDRM', 'msgrcv'));
  await assert.rejects(queue.send(1, 'x'), queueError('EIDRM', 'msgsnd'));
  assert.throws(() => queue.stat(), queueError('EINVAL', 'msgctl', new RegExp(`queue id ${queue.id}.*does not exist`)));
  assert.throws(() => queue.remove(), queueError('EINVAL', 'msgctl'));
});

test('removed while a receive polls (pollMicros 1 s, ipcrm -q run synchronously): EIDRM', async (t) => {
  requireCommand('ipcrm', 'util-linux', ['-V']);
  for (let round = 0; round < 5; round++) {
    const queue = createTestQueue(t);
    const pending = outcome(queue.receive({ pollMicros: 1_000_000 }));
    assert.ok(await isPending(pending), 'the receive must be polling');
    // Blocks the event loop, so the removal lands between two polls.
    execFileSync('ipcrm', ['-q', String(queue.id)]);
    const result = await withTimeout('the polling receive to fail', pending, 5000);
    assert.equal(result.ok, false, `round ${round}: the receive must fail`);
    if (!result.ok) queueError('EIDRM', 'msgrcv', /the queue was removed/)(result.error);
  }
});

test('removed while messages() is between batches: the loop ends with EIDRM', async (t) => {
  requireCommand('ipcrm', 'util-linux', ['-V']);
  const queue = createTestQueue(t);
  for (let i = 0; i < 3; i++) queue.trySend(1, `m${i}`);
  const seen: string[] = [];
  const loop = outcome(
    (async () => {
      for await (const message of queue.messages({ batch: 1, pollMicros: 1_000_000 })) {
        seen.push(message.data.toString());
        if (seen.length === 3) execFileSync('ipcrm', ['-q', String(queue.id)]);
      }
    })(),
  );
  const result = await withTimeout('the stream to fail', loop, 5000);
  assert.deepEqual(seen, ['m0', 'm1', 'm2']);
  assert.equal(result.ok, false);
  if (!result.ok) queueError('EIDRM', 'msgrcv', /the queue was removed/)(result.error);
});

test('removed by another process during a busy stream: EIDRM in every round, whatever the phase', async (t) => {
  requireCommand('ipcrm', 'util-linux', ['-V']);
  const codes: string[] = [];
  for (let round = 0; round < 10; round++) {
    const queue = createTestQueue(t);
    // A producer in another process keeps the stream busy until the queue is gone.
    const producer = spawnChild(
      t,
      ...nodeScript(
        `import { MessageQueue } from ${JSON.stringify(libUrl)};
         const q = MessageQueue.fromId(Number(process.argv[1]));
         for (;;) { try { await q.send(1, 'x'); } catch { break; } }`,
        [String(queue.id)],
      ),
    );
    let taken = 0;
    const loop = outcome(
      (async () => {
        for await (const message of queue.messages()) {
          taken += message.data.length;
          if (taken === 2000) void runOk('ipcrm', ['-q', String(queue.id)]);
        }
      })(),
    );
    const result = await withTimeout(`round ${round}: the stream to fail`, loop, 20_000);
    codes.push(result.ok ? 'ended without an error' : String((result.error as { code?: string }).code));
    await producer.wait(10_000);
  }
  assert.deepEqual(codes, Array<string>(10).fill('EIDRM'));
});

test('another user (nobody) gets EACCES on a 0600 queue of root, and EPERM removing it', async (t) => {
  requireSetpriv();
  assert.equal(process.getuid?.(), 0, 'this test runs as root, to start a child as nobody');
  const queue = createTestQueue(t);
  queue.trySend(1, 'secret');
  const script = `
    import { MessageQueue } from ${JSON.stringify(libUrl)};
    const key = Number(process.argv[1]);
    const attempt = (what, call) => {
      try { call(); console.log(JSON.stringify({ what, ok: true })); }
      catch (e) { console.log(JSON.stringify({ what, name: e.name, code: e.code, errno: e.errno, syscall: e.syscall, message: e.message })); }
    };
    console.log(JSON.stringify({ uid: process.getuid(), gid: process.getgid(), groups: process.getgroups() }));
    const q = MessageQueue.open(key); // msgget(key, 0) asks for no permission
    attempt('trySend', () => q.trySend(1, 'x'));
    attempt('tryReceive', () => q.tryReceive());
    attempt('stat', () => q.stat());
    attempt('create', () => MessageQueue.create(key));
    attempt('remove', () => q.remove());
    try { await q.receive(); } catch (e) { console.log(JSON.stringify({ what: 'receive', code: e.code })); }
    try { await q.send(1, 'x'); } catch (e) { console.log(JSON.stringify({ what: 'send', code: e.code })); }
  `;
  const child = spawnChild(t, ...nodeScript(script, [String(queue.key)]), {
    as: { user: 'nobody', group: 'nogroup' },
  });
  await child.succeeds(15_000);
  const [identity, ...results] = child.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  // Node lists the effective group among the groups; --clear-groups leaves no other.
  assert.deepEqual(identity, { uid: 65534, gid: 65534, groups: [65534] });
  const byWhat = new Map(results.map((r) => [r['what'], r]));
  const expect = [
    ['trySend', 'EACCES', 'msgsnd', /no write permission/],
    ['tryReceive', 'EACCES', 'msgrcv', /no read permission/],
    ['stat', 'EACCES', 'msgctl', /permission/],
    ['create', 'EACCES', 'msgget', /does not give this user/],
    ['remove', 'EPERM', 'msgctl', /owner/],
  ] as const;
  for (const [what, code, syscall, message] of expect) {
    const result = byWhat.get(what);
    assert.ok(result, `no result for ${what}: ${child.describe()}`);
    assert.equal(result['name'], 'QueueError', what);
    assert.equal(result['code'], code, what);
    assert.equal(result['errno'], -E[code], what);
    assert.equal(result['syscall'], syscall, what);
    assert.match(String(result['message']), message, what);
  }
  assert.equal(byWhat.get('receive')?.['code'], 'EACCES');
  assert.equal(byWhat.get('send')?.['code'], 'EACCES');
  // Nothing was taken or added.
  assert.equal(queue.stat().qnum, 1);
  assert.equal(queue.tryReceive()?.data.toString(), 'secret');
});

test('a receive blocked when another process removes the queue (ipcrm -q) fails with EIDRM', async (t) => {
  requireCommand('ipcrm', 'util-linux', ['-V']);
  const queue = createTestQueue(t);
  const pending = outcome(queue.receive());
  assert.ok(await isPending(pending, 50), 'the receive must be waiting');
  await runOk('ipcrm', ['-q', String(queue.id)]);
  const result = await withTimeout('the blocked receive to fail', pending, 5000);
  assert.equal(result.ok, false);
  if (!result.ok) queueError('EIDRM', 'msgrcv', /the queue was removed/)(result.error);
});

test('a send blocked on a full queue when another process removes it fails with EIDRM', async (t) => {
  requireCommand('ipcrm', 'util-linux', ['-V']);
  const queue = createTestQueue(t);
  queue.set({ qbytes: 16 });
  assert.equal(queue.trySend(1, Buffer.alloc(16)), true);
  const pending = outcome(queue.send(1, Buffer.alloc(16)));
  assert.ok(await isPending(pending, 50), 'the send must be waiting');
  await runOk('ipcrm', ['-q', String(queue.id)]);
  const result = await withTimeout('the blocked send to fail', pending, 5000);
  assert.equal(result.ok, false);
  if (!result.ok) queueError('EIDRM', 'msgsnd', /the queue was removed/)(result.error);
});

test('mode defaults to 0600; modes beyond 0777 or negative are refused', (t) => {
  const queue = createTestQueue(t);
  assert.equal(queue.stat().mode, 0o600);
  assert.equal(createPrivateTestQueue(t).stat().mode, 0o600);
  assert.equal(createTestQueue(t, { mode: 0o640 }).stat().mode, 0o640);
  assert.equal(createPrivateTestQueue(t, { mode: 0o604 }).stat().mode, 0o604);
  for (const mode of [0o1000, 0o1777, 0o4600, -1, 1.5, Number.NaN]) {
    assert.throws(() => MessageQueue.create(unusedKey(), { mode }), RangeError, `create mode ${mode}`);
    assert.throws(() => MessageQueue.createPrivate({ mode }), RangeError, `createPrivate mode ${mode}`);
    assert.throws(() => queue.set({ mode }), RangeError, `set mode ${mode}`);
  }
  assert.equal(queue.stat().mode, 0o600);
});

test('key 0 is refused everywhere (never silently IPC_PRIVATE)', () => {
  assert.throws(() => MessageQueue.create(0), { name: 'RangeError', message: /IPC_PRIVATE/ });
  assert.throws(() => MessageQueue.create(-0), RangeError);
  assert.throws(() => MessageQueue.open(0), RangeError);
  assert.throws(() => toKeyT(0), RangeError);
});

test('keys outside 32 bits, or not integers, are refused; the two spellings of a 32-bit key agree', () => {
  for (const key of [2 ** 32, -(2 ** 31) - 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
    assert.throws(() => MessageQueue.create(key), RangeError, `key ${key}`);
    assert.throws(() => MessageQueue.open(key), RangeError, `key ${key}`);
  }
  assert.equal(toKeyT(0xffff_ffff), -1);
  assert.equal(toKeyT(0x8000_0000), -(2 ** 31));
  assert.equal(toKeyT(-(2 ** 31)), -(2 ** 31));
  assert.equal(formatKey(-1), '0xffffffff');
  assert.equal(formatKey(0x4d2), '0x000004d2');
});

test('ftok: the key of an existing path; a missing path is ENOENT; the project id is 1 to 255', () => {
  const key = ftok('/', 76);
  assert.equal(key, ftok('/', 76));
  assert.notEqual(key, ftok('/', 77));
  assert.throws(() => ftok('/nonexistent/ledd-test', 76), queueError('ENOENT', 'ftok'));
  for (const projId of [0, 256, 1.5]) assert.throws(() => ftok('/', projId), RangeError, `projId ${projId}`);
});

test('queue ids are range-checked', () => {
  for (const id of [-1, 2 ** 31, 1.5]) assert.throws(() => MessageQueue.fromId(id), RangeError, `id ${id}`);
});

test('a closed handle refuses calls with ERR_QUEUE_CLOSED; the queue itself stays', async (t) => {
  const queue = createPrivateTestQueue(t);
  queue.close();
  assert.throws(() => queue.trySend(1, 'x'), { code: 'ERR_QUEUE_CLOSED' });
  assert.throws(() => queue.tryReceive(), { code: 'ERR_QUEUE_CLOSED' });
  await assert.rejects(queue.receive(), { code: 'ERR_QUEUE_CLOSED' });
  await assert.rejects(queue.send(1, 'x'), { code: 'ERR_QUEUE_CLOSED' });
  assert.equal(MessageQueue.fromId(queue.id).stat().qnum, 0);
});

test('removing a queue makes its key free; removeAfter cleans up queues made by others', (t) => {
  const queue = createTestQueue(t);
  const key = queue.key!;
  queue.remove();
  assert.throws(() => MessageQueue.open(key), { code: 'ENOENT' });
  const recreated = MessageQueue.create(key, { exclusive: true });
  removeAfter(t, recreated.id);
  assert.notEqual(recreated.id, queue.id);
});

test("the addon's own error for a failed call has the one shape of every ledd addon (native/common/errno_error.h)", () => {
  assert.throws(
    () => native.msgget(unusedKey(), 0),
    (error: unknown) => {
      assert.ok(error instanceof Error && !(error instanceof QueueError));
      assert.deepEqual(
        { ...error, message: error.message },
        { code: 'ENOENT', errno: -E.ENOENT, syscall: 'msgget', message: 'ENOENT: No such file or directory, msgget' },
      );
      return true;
    },
  );
});
