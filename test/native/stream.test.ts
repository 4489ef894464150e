// Acceptance 5 (streaming): messages() takes a burst from another process in
// order and without loss, and ends when aborted or closed.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { Message } from '../../native/lib/index.js';
import { nativeLibUrl } from '../helpers/paths.js';
import { nodeScript, spawnChild } from '../helpers/process.js';
import { createPrivateTestQueue, createTestQueue } from '../helpers/queues.js';
import { BOUND_SCALE, outcome, waitFor, withTimeout } from '../helpers/wait.js';

const BURST = 10_000;

/** A child that sends `count` messages: type 1 + i % 7, data = i (u32 BE) + i % 50 bytes of i & 0xff. */
function producer(count: number): string {
  return `
    import { MessageQueue } from ${JSON.stringify(nativeLibUrl)};
    const q = MessageQueue.open(Number(process.argv[1]));
    const count = ${count};
    let blocked = 0;
    for (let i = 0; i < count; i++) {
      const data = Buffer.alloc(4 + (i % 50), i & 0xff);
      data.writeUInt32BE(i, 0);
      if (!q.trySend(1 + (i % 7), data)) { blocked++; await q.send(1 + (i % 7), data); }
    }
    console.log(JSON.stringify({ sent: count, blocked }));
  `;
}

function check(message: Message, i: number): void {
  if (message.type !== 1 + (i % 7) || message.data.length !== 4 + (i % 50) || message.data.readUInt32BE(0) !== i) {
    assert.fail(`message ${i} out of order or damaged: type ${message.type}, index ${message.data.readUInt32BE(0)}`);
  }
  for (let j = 4; j < message.data.length; j++) assert.equal(message.data[j], i & 0xff);
}

test(`messages() takes a burst of ${BURST} messages from another process in order, then ends on abort`, async (t) => {
  const queue = createTestQueue(t);
  const controller = new AbortController();
  let received = 0;
  let last: Message | undefined;
  const consuming = (async () => {
    for await (const message of queue.messages({ signal: controller.signal })) {
      check(message, received);
      last = message;
      if (++received === BURST) controller.abort();
    }
  })();
  const child = spawnChild(t, ...nodeScript(producer(BURST), [String(queue.key)]));
  await child.succeeds(30_000);
  const report = JSON.parse(child.stdout.trim()) as { sent: number; blocked: number };
  assert.equal(report.sent, BURST);
  // The queue (16 KiB by default) holds a few hundred of these: the producer had to wait for the consumer.
  assert.ok(report.blocked > 0, 'the burst should have filled the queue at least once');
  await withTimeout('messages() to end after abort', consuming, 30_000);
  assert.equal(received, BURST);
  assert.equal(last!.data.readUInt32BE(0), BURST - 1);
  assert.equal(queue.stat().qnum, 0);
});

test('messages() ends when aborted while waiting, and leaves later messages queued', async (t) => {
  const queue = createPrivateTestQueue(t);
  const controller = new AbortController();
  const seen: string[] = [];
  const consuming = outcome(
    (async () => {
      for await (const message of queue.messages({ signal: controller.signal })) seen.push(message.data.toString());
    })(),
  );
  queue.trySend(1, 'one');
  await waitFor('the first message', () => seen.length === 1);
  const abortedAt = performance.now();
  controller.abort();
  const result = await withTimeout('messages() to end', consuming, 5000);
  assert.ok(result.ok, 'an aborted iteration ends quietly');
  assert.ok(result.at - abortedAt < 100 * BOUND_SCALE, `ended ${(result.at - abortedAt).toFixed(1)} ms after abort`);
  queue.trySend(1, 'two');
  assert.deepEqual(seen, ['one']);
  assert.equal(queue.stat().qnum, 1);
  assert.equal(queue.tryReceive()?.data.toString(), 'two');
});

test('messages() aborted in the middle of a backlog yields what it took and leaves the rest', async (t) => {
  const queue = createPrivateTestQueue(t);
  for (let i = 0; i < 200; i++) queue.trySend(1, String(i));
  const controller = new AbortController();
  const seen: number[] = [];
  for await (const message of queue.messages({ signal: controller.signal, batch: 16 })) {
    seen.push(Number(message.data.toString()));
    if (seen.length === 10) controller.abort();
  }
  // Messages already taken in the current batch are still yielded; no further batch is taken.
  assert.ok(seen.length >= 10 && seen.length <= 16, `yielded ${seen.length} after abort at 10`);
  assert.deepEqual(
    seen,
    Array.from({ length: seen.length }, (_, i) => i),
  );
  assert.equal(queue.stat().qnum, 200 - seen.length, 'nothing is taken without being yielded');
  assert.equal(queue.tryReceive()?.data.toString(), String(seen.length));
});

test('messages() ends when the handle is closed, and respects type and batch', async (t) => {
  const queue = createPrivateTestQueue(t);
  const seen: [number, string][] = [];
  const consuming = outcome(
    (async () => {
      for await (const message of queue.messages({ type: 2, batch: 3 })) {
        seen.push([message.type as number, message.data.toString()]);
      }
    })(),
  );
  for (const [type, text] of [
    [1, 'a'],
    [2, 'b'],
    [2, 'c'],
    [3, 'd'],
    [2, 'e'],
  ] as const) {
    queue.trySend(type, text);
  }
  await waitFor('three messages of type 2', () => seen.length === 3);
  queue.close();
  const result = await withTimeout('messages() to end after close()', consuming, 5000);
  assert.ok(result.ok, result.ok ? '' : String(result.error));
  assert.deepEqual(seen, [
    [2, 'b'],
    [2, 'c'],
    [2, 'e'],
  ]);
  const open = createPrivateTestQueue(t);
  for (const batch of [0, 4097, 1.5])
    await assert.rejects(open.messages({ batch }).next(), RangeError, `batch ${batch}`);
});
