// Acceptance 1: binary payloads and message types survive a round trip
// through a kernel queue; types outside what a C long holds are refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { MessageQueue, native, queueLimits } from '../lib/index.js';
import { createPrivateTestQueue } from '../lib/testing.js';

const { LONG_BITS, LONG_MAX, LONG_MIN } = native.constants;
/** LONG_MAX as a received type reports it: a number while exact (a 32-bit long), else a BigInt. */
const LONG_MAX_TYPE = LONG_MAX > BigInt(Number.MAX_SAFE_INTEGER) ? LONG_MAX : Number(LONG_MAX);
/** Whether the platform's long holds `type`. */
const fits = (type: number | bigint): boolean => BigInt(type) >= LONG_MIN && BigInt(type) <= LONG_MAX;

function roundTrip(queue: MessageQueue, type: number | bigint, data: Buffer): { type: number | bigint; data: Buffer } {
  assert.equal(queue.trySend(type, data), true, 'trySend reported a full queue');
  const message = queue.tryReceive();
  assert.ok(message, 'the message sent was not on the queue');
  return message;
}

test('binary payloads come back byte for byte', (t) => {
  const queue = createPrivateTestQueue(t);
  const payloads: [string, Buffer][] = [
    ['NUL bytes', Buffer.from([0, 0, 1, 0, 0xff, 0])],
    ['invalid UTF-8', Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x90, 0x28, 0xbc, 0xff, 0xfe])],
    ['zero length', Buffer.alloc(0)],
    ['one byte', Buffer.from([0x80])],
    ['every byte value', Buffer.from(Array.from({ length: 256 }, (_, i) => i))],
  ];
  for (const [what, data] of payloads) {
    const message = roundTrip(queue, 3, data);
    assert.ok(Buffer.isBuffer(message.data), `${what}: data is not a Buffer`);
    assert.deepEqual(message.data, data, what);
    assert.equal(message.type, 3, what);
  }
  // A string is sent as its UTF-8 bytes; a plain Uint8Array works too.
  assert.deepEqual(roundTrip(queue, 1, Buffer.from('h\u00e9\u2603')).data.toString('utf8'), 'h\u00e9\u2603');
  queue.trySend(1, 'h\u00e9\u2603');
  assert.equal(queue.tryReceive()!.data.toString('utf8'), 'h\u00e9\u2603');
  queue.trySend(2, new Uint8Array([9, 8, 7]));
  assert.deepEqual([...queue.tryReceive()!.data], [9, 8, 7]);
  // A view into a larger buffer sends only its own bytes.
  const backing = Buffer.from('0123456789');
  queue.trySend(2, backing.subarray(3, 6));
  assert.equal(queue.tryReceive()!.data.toString(), '345');
});

test('a payload of exactly msgmax bytes passes both ways; msgmax + 1 is EINVAL', async (t) => {
  const queue = createPrivateTestQueue(t);
  const { msgmax } = queueLimits();
  const data = Buffer.alloc(msgmax);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7 + 3) & 0xff;

  assert.deepEqual(roundTrip(queue, 1, data).data, data);
  await queue.send(1, data);
  assert.deepEqual((await queue.receive()).data, data);

  assert.throws(
    () => queue.trySend(1, Buffer.alloc(msgmax + 1)),
    (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.equal((error as { code?: string }).code, 'EINVAL');
      assert.equal((error as { syscall?: string }).syscall, 'msgsnd');
      return true;
    },
  );
  await assert.rejects(queue.send(1, Buffer.alloc(msgmax + 1)), { code: 'EINVAL', syscall: 'msgsnd' });
  assert.equal(queue.stat().qnum, 0, 'the oversized message must not be queued');
});

test("message types 1, 7, 2^31 - 1, 2^31 and 2^53 - 1 round-trip as numbers, as far as the platform's long goes", async (t) => {
  const queue = createPrivateTestQueue(t);
  const types = [1, 7, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER].filter(fits);
  assert.equal(types.length, LONG_BITS === 64 ? 6 : 3, `LONG_BITS ${LONG_BITS}`);
  for (const type of types) {
    const message = roundTrip(queue, type, Buffer.from(`type ${type}`));
    assert.equal(message.type, type);
    assert.equal(message.data.toString(), `type ${type}`);
    // The blocking path reports the type the same way.
    const pending = queue.receive({ type });
    await queue.send(type, 'later');
    assert.equal((await pending).type, type);
  }
});

test("the addon's LONG_BITS, LONG_MAX and LONG_MIN describe a C long of this platform", () => {
  assert.ok(LONG_BITS === 64 || LONG_BITS === 32, `LONG_BITS ${LONG_BITS}`);
  // Node's own word size: LP64 (x86-64, arm64) or ILP32 (armhf).
  assert.equal(LONG_BITS, ['ia32', 'arm'].includes(process.arch) ? 32 : 64, `on ${process.arch}`);
  assert.equal(LONG_MAX, 2n ** BigInt(LONG_BITS - 1) - 1n);
  assert.equal(LONG_MIN, -(2n ** BigInt(LONG_BITS - 1)));
});

test("types beyond 2^53 up to the platform's LONG_MAX round-trip as BigInts (64-bit long)", async (t) => {
  const queue = createPrivateTestQueue(t);
  // A 32-bit long has no type beyond 2^53: only LONG_MAX's edge, checked below, applies.
  const types = LONG_BITS === 64 ? [2n ** 53n, 2n ** 53n + 1n, 2n ** 62n + 12345n, LONG_MAX] : [];
  for (const type of types) {
    const message = roundTrip(queue, type, Buffer.from('big'));
    assert.equal(typeof message.type, 'bigint');
    assert.equal(message.type, type);
    // Selecting by a BigInt type works for receive too, on both paths.
    queue.trySend(type, 'again');
    assert.equal(queue.tryReceive({ type })!.type, type);
    const pending = queue.receive({ type });
    await queue.send(type, 'blocking');
    const received = await pending;
    assert.equal(received.type, type);
    assert.equal(received.data.toString(), 'blocking');
  }
  // A small type given as a BigInt comes back as a number; so does LONG_MAX where it is exact.
  assert.equal(roundTrip(queue, 5n, Buffer.from('x')).type, 5);
  assert.equal(roundTrip(queue, LONG_MAX, Buffer.from('x')).type, LONG_MAX_TYPE);
  const pending = queue.receive({ type: LONG_MAX });
  await queue.send(LONG_MAX, 'blocking');
  assert.equal((await pending).type, LONG_MAX_TYPE);
});

test("one beyond the platform's LONG_MAX (2^31 for a 32-bit long, 2^63 for a 64-bit one) is a RangeError", async (t) => {
  const queue = createPrivateTestQueue(t);
  const beyond = LONG_MAX + 1n;
  assert.equal(beyond, LONG_BITS === 32 ? 2n ** 31n : 2n ** 63n);
  const outOfRange = { name: 'RangeError', message: /the range of a C long on this platform/ };
  // 2^31 is exact as a number, and refused as out of range; 2^63 is not exact, and refused asking for a BigInt.
  const asNumber = LONG_BITS === 32 ? outOfRange : { name: 'RangeError', message: /BigInt/ };
  const cases: [number | bigint, object][] = [
    [beyond, outOfRange],
    [Number(beyond), asNumber],
  ];
  for (const [type, refused] of cases) {
    assert.throws(() => queue.trySend(type, 'x'), refused, `trySend(${type})`);
    await assert.rejects(queue.send(type, 'x'), refused, `send(${type})`);
    assert.throws(() => queue.tryReceive({ type }), refused, `tryReceive(${type})`);
    await assert.rejects(queue.receive({ type }), refused, `receive(${type})`);
  }
  // Below LONG_MIN, as a receive selector.
  for (const [type, refused] of [
    [LONG_MIN - 1n, outOfRange],
    [Number(LONG_MIN) - (LONG_BITS === 32 ? 1 : 2 ** 11), asNumber],
  ] as [number | bigint, object][]) {
    assert.throws(() => queue.tryReceive({ type }), refused, `tryReceive(${type})`);
    await assert.rejects(queue.receive({ type }), refused, `receive(${type})`);
  }
  assert.equal(queue.stat().qnum, 0);
});

test('numbers beyond 2^53 are refused with a RangeError that says to use a BigInt (or, for a 32-bit long, gives the range)', async (t) => {
  const queue = createPrivateTestQueue(t);
  // A BigInt cannot help where the long is 32 bits: the message gives the long's range instead.
  const useBigInt = LONG_BITS === 64 ? /BigInt/ : /between -2147483648 and 2147483647 \(the range of a C long/;
  for (const type of [2 ** 53, 2 ** 60, 2 ** 63]) {
    assert.throws(() => queue.trySend(type, 'x'), { name: 'RangeError', message: useBigInt }, `trySend(${type})`);
    await assert.rejects(queue.send(type, 'x'), { name: 'RangeError', message: useBigInt }, `send(${type})`);
  }
  for (const type of [2 ** 53, 2 ** 63, -(2 ** 53), -(2 ** 63)]) {
    assert.throws(() => queue.tryReceive({ type }), { name: 'RangeError', message: useBigInt }, `tryReceive(${type})`);
    await assert.rejects(queue.receive({ type }), { name: 'RangeError', message: useBigInt }, `receive(${type})`);
  }
  for (const type of [1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => queue.trySend(type, 'x'), RangeError, `trySend(${type})`);
  }
  assert.equal(queue.stat().qnum, 0);
});

test('BigInt types beyond LONG_MAX (or below LONG_MIN) are refused with a RangeError', async (t) => {
  const queue = createPrivateTestQueue(t);
  for (const type of [LONG_MAX + 1n, 2n ** 64n, 2n ** 64n + 1n]) {
    assert.throws(() => queue.trySend(type, 'x'), { name: 'RangeError', message: /long/ }, `trySend(${type})`);
    await assert.rejects(queue.send(type, 'x'), RangeError, `send(${type})`);
  }
  for (const type of [LONG_MAX + 1n, 2n ** 64n, LONG_MIN - 1n]) {
    assert.throws(() => queue.tryReceive({ type }), { name: 'RangeError', message: /long/ }, `tryReceive(${type})`);
    await assert.rejects(queue.receive({ type }), RangeError, `receive(${type})`);
  }
  // LONG_MIN itself is a valid selector (the kernel reads it as "any type up to LONG_MAX").
  queue.trySend(LONG_MAX, 'top');
  queue.trySend(4, 'low');
  assert.equal(queue.tryReceive({ type: LONG_MIN })?.type, 4);
  assert.equal(queue.tryReceive({ type: LONG_MIN })?.type, LONG_MAX_TYPE);
  assert.equal(queue.stat().qnum, 0);
});

test('a message type must be positive to be sent', async (t) => {
  const queue = createPrivateTestQueue(t);
  for (const type of [0, -1, -5n]) {
    assert.throws(() => queue.trySend(type, 'x'), RangeError, `trySend(${type})`);
    await assert.rejects(queue.send(type, 'x'), RangeError, `send(${type})`);
  }
  assert.equal(queue.stat().qnum, 0);
});

test('message data must be bytes or a string', (t) => {
  const queue = createPrivateTestQueue(t);
  for (const data of [123, null, [1, 2], new Uint16Array(2)]) {
    assert.throws(() => queue.trySend(1, data as unknown as Uint8Array), TypeError);
  }
});

test('messages taken earlier stay intact while later ones are received (shared receive memory)', (t) => {
  const queue = createPrivateTestQueue(t);
  const kept: { expected: Buffer; message: { data: Buffer } }[] = [];
  let seed = 12345;
  const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  // Enough bytes in all to pass through several of the shared slabs.
  for (let i = 0; i < 3000; i++) {
    const expected = Buffer.alloc(next() % 400);
    for (let j = 0; j < expected.length; j++) expected[j] = next() & 0xff;
    queue.trySend(1 + (i % 3), expected);
    // Sometimes a maxBytes too large for the shared memory, which takes another path.
    const message = queue.tryReceive(i % 10 === 0 ? { maxBytes: 100_000 } : {});
    assert.ok(message);
    kept.push({ expected, message });
  }
  kept.forEach(({ expected, message }, i) => assert.deepEqual(message.data, expected, `message ${i}`));
  // A received Buffer may share its ArrayBuffer, but never extends past its own bytes.
  const last = kept.at(-1)!.message.data;
  assert.ok(last.byteOffset + last.length <= last.buffer.byteLength);
});
