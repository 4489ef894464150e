// The event-loop polling that precedes a wait on a thread (pollMicros), and
// messages() giving back what it took but did not hand out.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { threadsSleepingIn } from '@ledd/test-kit/proc';
import { BOUND_SCALE, outcome, waitFor, withTimeout } from '@ledd/test-kit/wait';

import { MessageQueue } from '../lib/index.js';
import { createPrivateTestQueue } from '../lib/testing.js';

test('a receive that finds nothing polls from the event loop, with no thread in msgrcv, and takes what comes', async (t) => {
  const queue = createPrivateTestQueue(t);
  const baseline = threadsSleepingIn(process.pid, /msgrcv/);
  // A poll of up to a second; the message is sent from an interval, which runs only
  // because the poll leaves the event loop free, after the test saw no waiter thread.
  const receiving = queue.receive({ pollMicros: 1_000_000 });
  let ticks = 0;
  let waiting = -1;
  const interval = setInterval(() => {
    if (++ticks < 5) return;
    clearInterval(interval);
    waiting = threadsSleepingIn(process.pid, /msgrcv/) - baseline;
    queue.trySend(3, 'polled');
  }, 1);
  t.after(() => clearInterval(interval));
  const message = await withTimeout('the polled receive', receiving, 5000);
  assert.equal(message.data.toString(), 'polled');
  assert.equal(waiting, 0, 'no thread was waiting in msgrcv while the receive polled');
});

test('abort and close() end a receive that is still polling, and take nothing', async (t) => {
  const queue = createPrivateTestQueue(t);
  const controller = new AbortController();
  const aborted = outcome(queue.receive({ pollMicros: 1_000_000, signal: controller.signal }));
  const batch = outcome(queue.receiveBatch({ pollMicros: 1_000_000, signal: controller.signal }));
  setTimeout(() => controller.abort(), 10);
  const [receiveResult, batchResult] = await withTimeout('aborted polls', Promise.all([aborted, batch]), 5000);
  assert.ok(!receiveResult.ok && (receiveResult.error as Error).name === 'AbortError', 'receive() rejects on abort');
  assert.ok(batchResult.ok && batchResult.value.length === 0, 'receiveBatch() gives [] on abort');

  const closing = outcome(queue.receive({ pollMicros: 1_000_000 }));
  const closedAt = performance.now();
  setImmediate(() => queue.close());
  const closed = await withTimeout('a closed poll', closing, 5000);
  assert.ok(!closed.ok && (closed.error as { code?: string }).code === 'ERR_QUEUE_CLOSED');
  assert.ok(closed.at - closedAt < 100 * BOUND_SCALE, 'close() ends the poll at its next turn');
  const other = MessageQueue.fromId(queue.id);
  other.trySend(1, 'later');
  assert.equal(other.stat().qnum, 1, 'nothing was taken by the cancelled receives');
});

test('pollMicros 0 waits on a thread at once; a bad pollMicros is a RangeError, checked before anything is taken', async (t) => {
  const queue = createPrivateTestQueue(t);
  const baseline = threadsSleepingIn(process.pid, /msgrcv/);
  const receiving = queue.receive({ pollMicros: 0 });
  await waitFor('a waiter thread in msgrcv', () => threadsSleepingIn(process.pid, /msgrcv/) > baseline);
  queue.trySend(1, 'threaded');
  assert.equal((await withTimeout('the threaded receive', receiving, 5000)).data.toString(), 'threaded');
  queue.trySend(1, 'waiting');
  for (const pollMicros of [-1, Number.NaN, Infinity, 2_000_000]) {
    await assert.rejects(queue.receive({ pollMicros }), RangeError, `receive pollMicros ${pollMicros}`);
    await assert.rejects(queue.receiveBatch({ pollMicros }), RangeError, `receiveBatch pollMicros ${pollMicros}`);
  }
  assert.equal(queue.stat().qnum, 1, 'a refused call takes nothing, even with a message waiting');
});

/** Sends "0" to "19", then takes five through messages({ batch: 16 }) and leaves the loop; close() after three if asked. */
async function takeFiveOfTwenty(queue: MessageQueue, closeAfterThree: boolean): Promise<string[]> {
  for (let i = 0; i < 20; i++) queue.trySend(1, String(i));
  const seen: string[] = [];
  for await (const message of queue.messages({ batch: 16 })) {
    seen.push(message.data.toString());
    if (closeAfterThree && seen.length === 3) queue.close();
    if (seen.length === 5) break;
  }
  return seen;
}

function drain(queue: MessageQueue): string[] {
  const texts: string[] = [];
  for (let message = queue.tryReceive(); message; message = queue.tryReceive()) texts.push(message.data.toString());
  return texts;
}

// The four never taken come first; the eleven put back follow, in their order.
const AFTER_PUT_BACK = [16, 17, 18, 19, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15].map(String);

test('leaving a messages() loop early puts the messages taken but not handed out back on the queue', async (t) => {
  const queue = createPrivateTestQueue(t);
  assert.deepEqual(await takeFiveOfTwenty(queue, false), ['0', '1', '2', '3', '4']);
  assert.equal(queue.stat().qnum, 15, 'the loop ends once the rest is back');
  assert.deepEqual(drain(queue), AFTER_PUT_BACK);
});

test('leaving messages() early after close() still puts the untaken messages back', async (t) => {
  const queue = createPrivateTestQueue(t);
  const seen = await takeFiveOfTwenty(queue, true);
  assert.deepEqual(seen, ['0', '1', '2', '3', '4'], 'the batch already taken is still handed out after close()');
  const other = MessageQueue.fromId(queue.id);
  assert.equal(other.stat().qnum, 15);
  assert.deepEqual(drain(other), AFTER_PUT_BACK);
});

test('concurrent next() calls on messages() each get their own message, in order', async (t) => {
  const queue = createPrivateTestQueue(t);
  const stream = queue.messages({ batch: 2 });
  const pending = [stream.next(), stream.next(), stream.next()];
  for (const text of ['a', 'b', 'c']) queue.trySend(1, text);
  const results = await withTimeout('three messages', Promise.all(pending), 5000);
  assert.deepEqual(
    results.map((result) => (result.done ? 'done' : result.value.data.toString())),
    ['a', 'b', 'c'],
  );
  await stream.return?.();
});
