// Acceptance 2: which message msgrcv takes for a type selector, and what
// happens to a message longer than the receiver accepts.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { MessageQueue } from '../lib/index.js';
import { createPrivateTestQueue } from '../lib/testing.js';

function fill(queue: MessageQueue, messages: [number, string][]): void {
  for (const [type, text] of messages) assert.ok(queue.trySend(type, text));
}

function drain(queue: MessageQueue, options: Parameters<MessageQueue['tryReceive']>[0] = {}): [number, string][] {
  const out: [number, string][] = [];
  for (let message = queue.tryReceive(options); message; message = queue.tryReceive(options)) {
    out.push([message.type as number, message.data.toString()]);
  }
  return out;
}

const MIXED: [number, string][] = [
  [5, 'a'],
  [2, 'b'],
  [9, 'c'],
  [2, 'd'],
  [1, 'e'],
  [5, 'f'],
];

test('type 0 (the default) takes messages first in, first out whatever their type', (t) => {
  const queue = createPrivateTestQueue(t);
  fill(queue, MIXED);
  assert.deepEqual(drain(queue), MIXED);
  fill(queue, MIXED);
  assert.deepEqual(drain(queue, { type: 0 }), MIXED);
});

test('a positive type takes the first message of exactly that type', async (t) => {
  const queue = createPrivateTestQueue(t);
  fill(queue, MIXED);
  assert.deepEqual(drain(queue, { type: 2 }), [
    [2, 'b'],
    [2, 'd'],
  ]);
  assert.deepEqual(drain(queue, { type: 5 }), [
    [5, 'a'],
    [5, 'f'],
  ]);
  assert.equal(queue.tryReceive({ type: 3 }), null);
  assert.deepEqual(drain(queue), [
    [9, 'c'],
    [1, 'e'],
  ]);
  // The blocking path selects the same way: a message of another type does not wake it.
  const pending = queue.receive({ type: 4 });
  await queue.send(3, 'not this');
  await queue.send(4, 'this');
  assert.deepEqual((await pending).data.toString(), 'this');
  assert.deepEqual(drain(queue), [[3, 'not this']]);
});

test('a negative type takes the lowest type up to its absolute value, FIFO among equals', async (t) => {
  const queue = createPrivateTestQueue(t);
  fill(queue, MIXED);
  assert.deepEqual(drain(queue, { type: -5 }), [
    [1, 'e'],
    [2, 'b'],
    [2, 'd'],
    [5, 'a'],
    [5, 'f'],
  ]);
  assert.deepEqual(drain(queue), [[9, 'c']]);
  fill(queue, MIXED);
  assert.deepEqual(drain(queue, { type: -1 }), [[1, 'e']]);
  assert.deepEqual(drain(queue, { type: -100 }), [
    [2, 'b'],
    [2, 'd'],
    [5, 'a'],
    [5, 'f'],
    [9, 'c'],
  ]);
  // Blocking: waits for a type <= 3.
  const pending = queue.receive({ type: -3 });
  await queue.send(7, 'too high');
  await queue.send(3, 'low enough');
  assert.equal((await pending).data.toString(), 'low enough');
  assert.deepEqual(drain(queue), [[7, 'too high']]);
});

test('except takes the first message whose type differs', async (t) => {
  const queue = createPrivateTestQueue(t);
  fill(queue, MIXED);
  assert.deepEqual(drain(queue, { type: 5, except: true }), [
    [2, 'b'],
    [9, 'c'],
    [2, 'd'],
    [1, 'e'],
  ]);
  assert.deepEqual(drain(queue), [
    [5, 'a'],
    [5, 'f'],
  ]);
  const pending = queue.receive({ type: 8, except: true });
  await queue.send(8, 'same');
  await queue.send(6, 'other');
  assert.equal((await pending).data.toString(), 'other');
  assert.deepEqual(drain(queue), [[8, 'same']]);
});

test('a message longer than maxBytes fails with E2BIG and stays queued', async (t) => {
  const queue = createPrivateTestQueue(t);
  fill(queue, [[4, 'twelve bytes']]);
  assert.throws(() => queue.tryReceive({ maxBytes: 11 }), { code: 'E2BIG', syscall: 'msgrcv', message: /maxBytes/ });
  await assert.rejects(queue.receive({ maxBytes: 5 }), { code: 'E2BIG' });
  assert.equal(queue.stat().qnum, 1, 'the message must stay on the queue after E2BIG');

  // A blocking receive that meets an oversized message reports E2BIG too, and leaves it there.
  const other = createPrivateTestQueue(t);
  const pending = other.receive({ maxBytes: 3 });
  await other.send(1, 'too long for three');
  await assert.rejects(pending, { code: 'E2BIG' });
  assert.equal(other.stat().qnum, 1);

  // Exactly maxBytes is fine.
  const message = queue.tryReceive({ maxBytes: 12 });
  assert.equal(message?.data.toString(), 'twelve bytes');
  assert.equal(message?.type, 4);
});

test('noError takes a longer message truncated to maxBytes', async (t) => {
  const queue = createPrivateTestQueue(t);
  fill(queue, [
    [4, 'twelve bytes'],
    [6, 'another long one'],
  ]);
  const truncated = queue.tryReceive({ maxBytes: 6, noError: true });
  assert.equal(truncated?.data.toString(), 'twelve');
  assert.equal(truncated?.type, 4);
  assert.equal((await queue.receive({ maxBytes: 0, noError: true })).data.length, 0);
  assert.equal(queue.stat().qnum, 0, 'noError removes the message it truncated');

  const pending = queue.receive({ maxBytes: 3, noError: true });
  await queue.send(1, 'abcdef');
  assert.equal((await pending).data.toString(), 'abc');
});
