// tryReceiveInto(): a message's payload into the caller's own buffer, with
// the same selection and size rules as tryReceive(), on real kernel queues.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { native } from '../lib/index.js';
import { createPrivateTestQueue } from '../lib/testing.js';

test('tryReceiveInto() fills the given buffer and reports type and length; null when nothing matches', (t) => {
  const queue = createPrivateTestQueue(t);
  const target = Buffer.alloc(64, 0xee);
  assert.equal(queue.tryReceiveInto(target), null);
  const payload = Buffer.from([0, 1, 0xff, 0xfe, 0, 0x80]);
  queue.trySend(7, payload);
  queue.trySend(3, 'three');
  assert.deepEqual(queue.tryReceiveInto(target, { type: -5 }), { type: 3, length: 5 });
  assert.equal(target.subarray(0, 5).toString(), 'three');
  assert.deepEqual(queue.tryReceiveInto(target), { type: 7, length: payload.length });
  assert.deepEqual(target.subarray(0, payload.length), payload);
  assert.equal(target[payload.length], 0xee, 'bytes past the payload are left as they were');
  queue.trySend(1, Buffer.alloc(0));
  assert.deepEqual(queue.tryReceiveInto(target), { type: 1, length: 0 });
  assert.equal(queue.stat().qnum, 0);
});

test('tryReceiveInto() gives E2BIG for a message longer than the buffer and leaves it queued; noError truncates', (t) => {
  const queue = createPrivateTestQueue(t);
  queue.trySend(1, 'a message of 24 bytes..!');
  const small = new Uint8Array(8);
  assert.throws(() => queue.tryReceiveInto(small), { code: 'E2BIG', syscall: 'msgrcv' });
  assert.throws(() => queue.tryReceiveInto(Buffer.alloc(64), { maxBytes: 8 }), { code: 'E2BIG' });
  assert.equal(queue.stat().qnum, 1, 'the message stays on the queue');
  assert.deepEqual(queue.tryReceiveInto(small, { noError: true }), { type: 1, length: 8 });
  assert.equal(Buffer.from(small).toString(), 'a messag');
  assert.equal(queue.stat().qnum, 0);
});

test('tryReceiveInto() takes types beyond 2^53 as BigInts and MSG_EXCEPT; refuses a target that is no Uint8Array', (t) => {
  const queue = createPrivateTestQueue(t);
  const target = Buffer.alloc(16);
  if (native.constants.LONG_BITS === 64) {
    queue.trySend(2n ** 60n, 'big');
    assert.deepEqual(queue.tryReceiveInto(target), { type: 2n ** 60n, length: 3 });
  }
  queue.trySend(4, 'four');
  queue.trySend(5, 'five');
  assert.deepEqual(queue.tryReceiveInto(target, { type: 4, except: true }), { type: 5, length: 4 });
  for (const bad of [new Uint16Array(4), 'text', null, new ArrayBuffer(8)]) {
    assert.throws(() => queue.tryReceiveInto(bad as unknown as Uint8Array), TypeError, String(bad));
  }
  assert.equal(queue.stat().qnum, 1, 'a refused call takes nothing');
});
