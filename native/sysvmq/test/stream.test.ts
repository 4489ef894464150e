// Acceptance 5 (streaming): messages() takes a burst from another process in
// order and without loss, and ends when aborted or closed.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { nodeScript, spawnChild } from '@ledd/test-kit/process';
import { BOUND_SCALE, outcome, waitFor, withTimeout } from '@ledd/test-kit/wait';

import { type Message, native } from '../lib/index.js';
import { libUrl } from './paths.js';
import { createPrivateTestQueue, createTestQueue } from '../lib/testing.js';

const BURST = 10_000;

/** A child that sends `count` messages: type 1 + i % 7, data = i (u32 BE) + i % 50 bytes of i & 0xff. */
function producer(count: number): string {
  return `
    import { MessageQueue } from ${JSON.stringify(libUrl)};
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

test('receiveBatch() takes every waiting message in one call, in order, through many shared slabs', async (t) => {
  const queue = createPrivateTestQueue(t);
  const sent: Buffer[] = [];
  const taken: Message[] = [];
  let rounds = 0;
  let cutShort = 0;
  // Rounds of filling the queue (its default 16 KiB) and taking what waits: 4 000 messages
  // of up to 700 bytes pass through many 64 KiB slabs, so some batches meet a slab's end.
  while (sent.length < 4000) {
    for (let i = sent.length; ; i++) {
      const data = Buffer.alloc(4 + ((i * 37) % 700), i & 0xff);
      data.writeUInt32BE(i, 0);
      if (!queue.trySend(1 + (i % 5), data)) break;
      sent.push(data);
    }
    const waiting = queue.stat().qnum;
    const batch = await queue.receiveBatch({ batch: 4096 });
    assert.ok(batch.length > 0 && batch.length <= waiting, `round ${rounds}: ${batch.length} of ${waiting}`);
    taken.push(...batch);
    if (batch.length < waiting) {
      // The slab had no room for maxBytes more: the next call takes the rest.
      cutShort++;
      const rest = await queue.receiveBatch({ batch: 4096 });
      assert.equal(rest.length, waiting - batch.length, `round ${rounds}: the rest`);
      taken.push(...rest);
    }
    rounds++;
  }
  assert.equal(taken.length, sent.length);
  taken.forEach((message, i) => {
    assert.equal(message.type, 1 + (i % 5), `type of message ${i}`);
    assert.deepEqual(message.data, sent[i], `message ${i}`);
  });
  assert.ok(cutShort < rounds / 2, `${cutShort} of ${rounds} batches were cut short`);
  assert.equal(queue.stat().qnum, 0);
});

test('receiveBatch() stops before a message too long for maxBytes: E2BIG comes next, and the message stays', async (t) => {
  const queue = createPrivateTestQueue(t);
  for (const text of ['one', 'two', 'a longer message', 'four']) queue.trySend(1, text);
  const first = await queue.receiveBatch({ maxBytes: 8 });
  assert.deepEqual(
    first.map((message) => message.data.toString()),
    ['one', 'two'],
  );
  await assert.rejects(queue.receiveBatch({ maxBytes: 8 }), { code: 'E2BIG' });
  assert.equal(queue.stat().qnum, 2);
  const rest = await queue.receiveBatch({ maxBytes: 8, noError: true });
  assert.deepEqual(
    rest.map((message) => message.data.toString()),
    ['a longer', 'four'],
  );
});

test('receiveBatch() gives each message its own type, BigInts beyond 2^53 included (64-bit long)', async (t) => {
  const queue = createPrivateTestQueue(t);
  const types: (number | bigint)[] =
    native.constants.LONG_BITS === 64 ? [5, 2n ** 60n, 7, 2n ** 53n + 1n, 2 ** 31] : [5, 2 ** 31 - 1, 7];
  types.forEach((type, i) => queue.trySend(type, String(i)));
  const batch = await queue.receiveBatch();
  assert.deepEqual(
    batch.map((message) => [message.type, message.data.toString()]),
    types.map((type, i) => [type, String(i)]),
  );
});
