// Acceptance 5 (in this process): blocking calls wait on threads of the
// addon's own, so the event loop and libuv's thread pool stay free; they can
// be cancelled promptly without losing a message; a send waits for space.
//
// "Settles within 100 ms" below is a correctness bound (a cancel that relied
// on a timeout or a poll would miss it by far), not a speed measurement.
import assert from 'node:assert/strict';
import { pbkdf2 } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { threads, threadsSleepingIn } from '@ledd/test-kit/proc';
import { BOUND_SCALE, isPending, outcome, waitFor, withTimeout } from '@ledd/test-kit/wait';

import { MessageQueue, QueueError } from '../lib/index.js';
import { fromPackage } from './paths.js';
import { createPrivateTestQueue } from '../lib/testing.js';

const CANCEL_BOUND_MS = 100 * BOUND_SCALE;

/** Waits until `count` more threads of this process than `baseline` sleep in msgrcv/msgsnd. */
async function blockedInKernel(call: 'msgrcv' | 'msgsnd', count: number, baseline = 0): Promise<void> {
  const pattern = call === 'msgrcv' ? /msgrcv/ : /msgsnd/;
  await waitFor(
    `${count} thread(s) blocked in ${call}`,
    () => threadsSleepingIn(process.pid, pattern) >= baseline + count,
  );
}

test('eight blocked receives leave the event loop and the libuv thread pool free', async (t) => {
  const poolSize = Number(process.env['UV_THREADPOOL_SIZE'] ?? 4);
  assert.ok(poolSize < 8, `UV_THREADPOOL_SIZE=${poolSize}: the test needs a pool smaller than the 8 receives`);
  const queues = Array.from({ length: 8 }, () => createPrivateTestQueue(t));
  const receives = queues.map((queue) => outcome(queue.receive()));
  await blockedInKernel('msgrcv', 8);

  let ticks = 0;
  const interval = setInterval(() => ticks++, 5);
  t.after(() => clearInterval(interval));

  // Work that needs the pool: more jobs than it has threads, so that it would stall if the receives held it.
  const pbkdf2Async = promisify(pbkdf2);
  const work = Promise.all([
    ...Array.from({ length: 6 }, () => readFile(fromPackage('package.json'), 'utf8')),
    ...Array.from({ length: 6 }, (_, i) => pbkdf2Async(`secret ${i}`, 'salt', 2000, 32, 'sha256')),
  ]);
  const results = await withTimeout('fs.readFile and crypto.pbkdf2 on the libuv pool', work, 15_000);
  assert.equal(results.length, 12);
  assert.match(results[0] as string, /"name": "@ledd\/sysvmq"/);
  await waitFor('setInterval to tick while the receives wait', () => ticks >= 5);

  for (const receive of receives) assert.ok(await isPending(receive), 'every receive must still wait');
  assert.ok(threadsSleepingIn(process.pid, /msgrcv/) >= 8);

  queues.forEach((queue, i) => queue.trySend(i + 1, `message ${i}`));
  const received = await withTimeout('the eight receives', Promise.all(receives));
  received.forEach((result, i) => {
    assert.ok(result.ok, `receive ${i} failed: ${result.ok ? '' : String(result.error)}`);
    assert.deepEqual([result.value.type, result.value.data.toString()], [i + 1, `message ${i}`]);
  });
});

test('aborting a blocked receive settles within 100 ms and leaves later messages queued', async (t) => {
  const queue = createPrivateTestQueue(t);
  // Repeated, so that an abort landing between the thread's check and its msgrcv is likely to be hit.
  for (let round = 0; round < 20; round++) {
    const controller = new AbortController();
    const pending = outcome(queue.receive({ signal: controller.signal }));
    if (round % 4 === 0) await blockedInKernel('msgrcv', 1);
    else if (round % 4 === 1) await new Promise((resolve) => setImmediate(resolve));
    const abortedAt = performance.now();
    controller.abort();
    const result = await withTimeout('the aborted receive to settle', pending, 5000);
    assert.equal(result.ok, false, `round ${round}: the receive should have been aborted`);
    if (!result.ok) assert.equal((result.error as Error).name, 'AbortError');
    assert.ok(
      result.at - abortedAt < CANCEL_BOUND_MS,
      `round ${round}: settled ${(result.at - abortedAt).toFixed(1)} ms after abort (bound ${CANCEL_BOUND_MS} ms)`,
    );
    assert.ok(queue.trySend(1, `after abort ${round}`));
    assert.equal(queue.stat().qnum, 1, 'the aborted receive must not take the message sent after it');
    assert.equal(queue.tryReceive()?.data.toString(), `after abort ${round}`);
  }
  assert.equal(threadsSleepingIn(process.pid, /msgrcv/), 0, 'no waiter thread is left behind');
});

test('abort rejects with the signal’s reason; an aborted signal fails at once', async (t) => {
  const queue = createPrivateTestQueue(t);
  const controller = new AbortController();
  const pending = queue.receive({ signal: controller.signal });
  const reason = new Error('stop waiting');
  controller.abort(reason);
  await assert.rejects(pending, (error) => error === reason);
  await assert.rejects(queue.receive({ signal: AbortSignal.abort() }), { name: 'AbortError' });
  // A message already there is taken even so: nothing had to wait.
  queue.trySend(1, 'here');
  assert.equal((await queue.receive({ signal: AbortSignal.abort() })).data.toString(), 'here');
});

test('close() cancels blocked receives within 100 ms (ERR_QUEUE_CLOSED); the queue keeps later messages', async (t) => {
  for (let round = 0; round < 10; round++) {
    const queue = createPrivateTestQueue(t);
    const pendings = [outcome(queue.receive()), outcome(queue.receive({ type: 5 }))];
    if (round % 2 === 0) await blockedInKernel('msgrcv', 2);
    const closedAt = performance.now();
    queue.close();
    const results = await withTimeout('the closed receives to settle', Promise.all(pendings), 5000);
    for (const result of results) {
      assert.equal(result.ok, false);
      if (!result.ok) {
        assert.ok(result.error instanceof QueueError);
        assert.equal(result.error.code, 'ERR_QUEUE_CLOSED');
      }
      assert.ok(result.at - closedAt < CANCEL_BOUND_MS, `settled ${(result.at - closedAt).toFixed(1)} ms after close`);
    }
    const other = MessageQueue.fromId(queue.id);
    assert.ok(other.trySend(5, 'after close'));
    assert.equal(other.stat().qnum, 1);
    assert.equal(other.tryReceive()?.data.toString(), 'after close');
  }
});

test('aborting one of two receives on a queue leaves the other to get the message', async (t) => {
  const queue = createPrivateTestQueue(t);
  const controller = new AbortController();
  const aborted = outcome(queue.receive({ signal: controller.signal }));
  const kept = queue.receive();
  await blockedInKernel('msgrcv', 2);
  controller.abort();
  assert.equal((await aborted).ok, false);
  queue.trySend(3, 'for the survivor');
  assert.equal((await withTimeout('the remaining receive', kept)).data.toString(), 'for the survivor');
});

test('a send blocked on a full queue completes when space frees', async (t) => {
  const queue = createPrivateTestQueue(t);
  queue.set({ qbytes: 64 });
  assert.ok(queue.trySend(1, Buffer.alloc(40, 1)));
  assert.equal(queue.trySend(2, Buffer.alloc(40, 2)), false);
  const sending = outcome(queue.send(2, Buffer.alloc(40, 2)));
  await blockedInKernel('msgsnd', 1);
  assert.ok(await isPending(sending, 20), 'the send must wait while the queue is full');
  assert.equal(queue.stat().qnum, 1);

  assert.deepEqual(queue.tryReceive()?.data, Buffer.alloc(40, 1));
  const result = await withTimeout('the blocked send', sending);
  assert.ok(result.ok);
  assert.deepEqual(await queue.receive(), { type: 2, data: Buffer.alloc(40, 2) });
});

test('the bytes of a waiting send are copied when it is called', async (t) => {
  const queue = createPrivateTestQueue(t);
  queue.set({ qbytes: 8 });
  queue.trySend(1, Buffer.alloc(8));
  const data = Buffer.from('original');
  const sending = queue.send(1, data);
  data.write('changed!');
  queue.tryReceive();
  await sending;
  assert.equal(queue.tryReceive()?.data.toString(), 'original');
});

test('a blocked send can be aborted (within 100 ms) or cancelled by close(), and sends nothing', async (t) => {
  const queue = createPrivateTestQueue(t);
  queue.set({ qbytes: 64 });
  assert.ok(queue.trySend(1, Buffer.alloc(64)));
  for (let round = 0; round < 10; round++) {
    const controller = new AbortController();
    const sending = outcome(queue.send(2, 'blocked', { signal: controller.signal }));
    if (round % 2 === 0) await blockedInKernel('msgsnd', 1);
    const abortedAt = performance.now();
    controller.abort();
    const result = await withTimeout('the aborted send', sending, 5000);
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal((result.error as Error).name, 'AbortError');
    assert.ok(result.at - abortedAt < CANCEL_BOUND_MS, `settled ${(result.at - abortedAt).toFixed(1)} ms after abort`);
  }
  const sending = outcome(queue.send(2, 'blocked'));
  await blockedInKernel('msgsnd', 1);
  queue.close();
  const result = await withTimeout('the send cancelled by close()', sending, 5000);
  assert.equal(result.ok, false);
  if (!result.ok) assert.equal((result.error as QueueError).code, 'ERR_QUEUE_CLOSED');

  const other = MessageQueue.fromId(queue.id);
  assert.equal(other.stat().qnum, 1, 'no cancelled send may have queued its message');
  other.tryReceive();
  assert.equal(other.tryReceive(), null);
});

test('waiter threads are reused: many waits one after the other do not pile up threads', async (t) => {
  const queue = createPrivateTestQueue(t);
  const before = threads(process.pid).length;
  for (let i = 0; i < 40; i++) {
    const pending = queue.receive();
    if (i % 2 === 0) await blockedInKernel('msgrcv', 1);
    queue.trySend(1, `round ${i}`);
    assert.equal((await pending).data.toString(), `round ${i}`);
  }
  const after = threads(process.pid).length;
  assert.ok(after - before <= 2, `threads went from ${before} to ${after}`);
});
