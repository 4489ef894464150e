// Acceptance 6: the same kernel queues used by implementations nobody here
// wrote: util-linux ipcmk/ipcs/ipcrm, Python sysv_ipc, Perl IPC::Msg, and a C
// program compiled here. A missing tool fails the test, naming its Debian package.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { compileC } from '@ledd/test-kit/cc';
import { threadsSleepingIn } from '@ledd/test-kit/proc';
import { type Child, runOk, spawnChild } from '@ledd/test-kit/process';
import { SYSTEM_PYTHON, requireCommand, requirePerlModule, requirePythonModule } from '@ledd/test-kit/tools';
import { isPending, outcome, waitFor, withTimeout } from '@ledd/test-kit/wait';

import { MessageQueue, type MessageType, native } from '../lib/index.js';
import { fromPackage, programsDir } from './paths.js';
import { createTestQueue, removeAfter } from '../lib/testing.js';

const { LONG_BITS, LONG_MAX } = native.constants;
/** LONG_MAX as a received type reports it: a number while exact (a 32-bit long), else a BigInt. */
const LONG_MAX_TYPE: MessageType = LONG_MAX > BigInt(Number.MAX_SAFE_INTEGER) ? LONG_MAX : Number(LONG_MAX);
/** A type above a C int's range where the long has room for one (LP64); else the largest type (2^31 - 1). */
const WIDE_TYPE = LONG_BITS === 64 ? 2 ** 31 : 2 ** 31 - 1;

// ---------------------------------------------------------------- util-linux

interface IpcsRow {
  key: number;
  id: number;
  owner: string;
  perms: number;
  usedBytes: number;
  messages: number;
}

/** The queue's row in `ipcs -q`. */
async function ipcsRow(id: number): Promise<IpcsRow | undefined> {
  const output = await runOk('ipcs', ['-q']);
  for (const line of output.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length === 6 && /^0x[0-9a-f]+$/.test(fields[0]!) && Number(fields[1]) === id) {
      return {
        key: Number.parseInt(fields[0]!, 16) | 0,
        id,
        owner: fields[2]!,
        perms: Number.parseInt(fields[3]!, 8),
        usedBytes: Number(fields[4]),
        messages: Number(fields[5]),
      };
    }
  }
  return undefined;
}

test('util-linux: a queue made by ipcmk -Q is opened by its key; ipcs counts our messages', async (t) => {
  requireCommand('ipcmk', 'util-linux', ['-V']);
  requireCommand('ipcs', 'util-linux', ['-V']);
  const made = await runOk('ipcmk', ['-Q', '-p', '0620']);
  const match = /Message queue id: (\d+)/.exec(made);
  assert.ok(match, `unexpected ipcmk output: ${made}`);
  const id = Number(match[1]);
  removeAfter(t, id);

  const row = await ipcsRow(id);
  assert.ok(row, `ipcs -q does not list queue ${id}`);
  assert.equal(row.perms, 0o620);
  assert.deepEqual([row.usedBytes, row.messages], [0, 0]);
  const queue = MessageQueue.open(row.key);
  assert.equal(queue.id, id, 'opening the key ipcs shows gives the queue ipcmk made');
  assert.equal(queue.stat().mode, 0o620);

  queue.trySend(1, Buffer.alloc(10));
  queue.trySend(2, Buffer.alloc(20));
  await queue.send(3, Buffer.alloc(30));
  assert.deepEqual(await ipcsRow(id), { ...row, usedBytes: 60, messages: 3 });
  queue.tryReceive({ type: 2 });
  assert.deepEqual(await ipcsRow(id), { ...row, usedBytes: 40, messages: 2 });
  // ipcs -q -i shows the details of one queue, among them the last sender's pid.
  const details = await runOk('ipcs', ['-q', '-i', String(id)]);
  assert.match(details, new RegExp(`lspid=${process.pid}\\b`));
  assert.match(details, new RegExp(`lrpid=${process.pid}\\b`));
});

test('util-linux: ipcrm -q on a queue from ipcmk makes our blocked receive fail with EIDRM', async (t) => {
  requireCommand('ipcmk', 'util-linux', ['-V']);
  requireCommand('ipcrm', 'util-linux', ['-V']);
  const id = Number(/Message queue id: (\d+)/.exec(await runOk('ipcmk', ['-Q']))?.[1]);
  assert.ok(Number.isInteger(id));
  removeAfter(t, id);
  const key = (await ipcsRow(id))!.key;
  const queue = MessageQueue.open(key);
  const pending = outcome(queue.receive({ type: 5 }));
  await waitFor('the receive to block in msgrcv', () => threadsSleepingIn(process.pid, /msgrcv/) >= 1);
  await runOk('ipcrm', ['-q', String(id)]);
  const result = await withTimeout('the receive to fail', pending, 5000);
  assert.equal(result.ok, false);
  if (!result.ok) assert.equal((result.error as { code?: string }).code, 'EIDRM');
  assert.equal(await ipcsRow(id), undefined, 'ipcs must no longer list the queue');
  assert.throws(() => MessageQueue.open(key), { code: 'ENOENT' });
});

test('util-linux: ipcrm -Q removes a queue of ours by its key', async (t) => {
  requireCommand('ipcrm', 'util-linux', ['-V']);
  const queue = createTestQueue(t);
  queue.trySend(1, 'x');
  await runOk('ipcrm', ['-Q', String(queue.key)]);
  assert.throws(() => queue.stat(), { code: 'EINVAL' });
});

// ---------------------------------------------------- Python and Perl peers

interface Peer {
  name: string;
  /** Fails naming the Debian package when the peer cannot run. */
  require(): void;
  command: string;
  args: string[];
  /** Largest message type the peer handles (sysv_ipc converts types with a C int). */
  largestType: MessageType;
}

const peers: Peer[] = [
  {
    name: 'Python sysv_ipc',
    require: () => requirePythonModule('sysv_ipc', 'python3-sysv-ipc'),
    command: SYSTEM_PYTHON,
    args: [fromPackage('test/fixtures/peer.py')],
    largestType: 2 ** 31 - 1,
  },
  {
    name: 'Perl IPC::Msg',
    require: () => requirePerlModule('IPC::Msg', 'libperl5.36'),
    command: 'perl',
    args: [fromPackage('test/fixtures/peer.pl')],
    largestType: LONG_MAX_TYPE,
  },
];

/** Messages for a peer; [3] has a type found nowhere else, [4] the largest type the peer handles. */
function samples(peer: Peer): [MessageType, Buffer][] {
  // Types beyond 32 bits for a peer that takes them; none exist where the long is 32 bits.
  const big = BigInt(peer.largestType) > 2n ** 31n - 1n;
  return [
    [1, Buffer.from([0, 1, 0, 2, 0])],
    [7, Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x80])],
    [big ? 2 ** 31 : 2 ** 31 - 2, Buffer.alloc(0)],
    [big ? 2n ** 62n + 1n : 2 ** 30 + 3, Buffer.from('big type')],
    [peer.largestType, Buffer.from('the largest type')],
    [7, Buffer.from('seven again')],
  ];
}

function sampleSpec([type, data]: [MessageType, Buffer]): string {
  return `${type}:${data.toString('hex')}`;
}

/** Parses the peer's "TYPE HEX" lines. */
function parsePeerLine(line: string): [MessageType, Buffer] {
  const [type, hex] = line.split(' ') as [string, string];
  const big = BigInt(type);
  return [big > BigInt(Number.MAX_SAFE_INTEGER) ? big : Number(big), Buffer.from(hex === '-' ? '' : hex, 'hex')];
}

async function peerReceives(child: Child, count: number): Promise<[MessageType, Buffer][]> {
  const out: [MessageType, Buffer][] = [];
  for (let i = 0; i < count; i++) out.push(parsePeerLine(await child.nextLine(/^\d+ /)));
  return out;
}

for (const peer of peers) {
  const SAMPLES = samples(peer);
  const LARGEST = peer.largestType;

  test(`${peer.name} → Node: bytes and types arrive intact, selectable by type`, async (t) => {
    peer.require();
    const queue = createTestQueue(t);
    await runOk(peer.command, [...peer.args, 'send', String(queue.key), ...SAMPLES.map(sampleSpec)]);
    assert.equal(queue.stat().qnum, SAMPLES.length);
    // By type first, then the rest in FIFO order.
    const big = queue.tryReceive({ type: LARGEST });
    assert.deepEqual(big, { type: LARGEST, data: Buffer.from('the largest type') });
    const sevens = [queue.tryReceive({ type: 7 }), queue.tryReceive({ type: 7 })];
    assert.deepEqual(
      sevens.map((m) => m?.data),
      [SAMPLES[1]![1], SAMPLES[5]![1]],
    );
    const rest = [await queue.receive(), await queue.receive(), await queue.receive()];
    assert.deepEqual(
      rest.map((m) => [m.type, m.data]),
      [SAMPLES[0], SAMPLES[2], SAMPLES[3]],
    );
  });

  test(`Node → ${peer.name}: bytes and types arrive intact, selectable by type`, async (t) => {
    peer.require();
    const queue = createTestQueue(t);
    for (const [type, data] of SAMPLES) assert.ok(queue.trySend(type, data));
    const byType = await runOk(peer.command, [...peer.args, 'recv', String(queue.key), String(SAMPLES[3]![0]), '1']);
    assert.deepEqual(parsePeerLine(byType.trim().split('\n')[1]!), SAMPLES[3]);
    const lowest = await runOk(peer.command, [...peer.args, 'recv', String(queue.key), '-7', '2']);
    assert.deepEqual(
      lowest
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => parsePeerLine(line)),
      [SAMPLES[0], SAMPLES[1]],
    );
    const fifo = await runOk(peer.command, [...peer.args, 'recv', String(queue.key), '0', '3']);
    assert.deepEqual(
      fifo
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => parsePeerLine(line)),
      [SAMPLES[2], SAMPLES[4], SAMPLES[5]],
    );
    assert.equal(queue.stat().qnum, 0);
  });

  test(`${peer.name} and Node wake each other from blocking calls`, async (t) => {
    peer.require();
    const queue = createTestQueue(t);
    // The peer waits first; our send wakes it.
    const receiver = spawnChild(t, peer.command, [...peer.args, 'recv', String(queue.key), '9', '2']);
    await receiver.nextLine('ready');
    await waitFor(`${peer.name} to block in msgrcv`, () => threadsSleepingIn(receiver.pid, /msgrcv/) === 1);
    queue.trySend(8, 'not for the peer');
    await queue.send(9, Buffer.from([1, 2, 3]));
    await queue.send(9, 'second');
    assert.deepEqual(await peerReceives(receiver, 2), [
      [9, Buffer.from([1, 2, 3])],
      [9, Buffer.from('second')],
    ]);
    await receiver.succeeds();
    assert.deepEqual(queue.tryReceive(), { type: 8, data: Buffer.from('not for the peer') });

    // We wait first; the peer's send wakes us.
    const pending = queue.receive({ type: LARGEST });
    assert.ok(await isPending(pending, 20));
    await runOk(peer.command, [...peer.args, 'send', String(queue.key), `3:00`, `${LARGEST}:6869`]);
    assert.deepEqual(await withTimeout('our receive', pending), { type: LARGEST, data: Buffer.from('hi') });
    assert.deepEqual(queue.tryReceive(), { type: 3, data: Buffer.from([0]) });
  });
}

// ----------------------------------------------------------------- C program

function cPeer(): string {
  return compileC(fromPackage('test/fixtures/msg-peer.c'), { outDir: programsDir });
}

test('C program → Node: a struct { long type; char text[256]; } arrives as 256 bytes', async (t) => {
  const peer = cPeer();
  const queue = createTestQueue(t);
  await runOk(peer, ['send', String(queue.key), '7', 'hello from C']);
  await runOk(peer, ['send', String(queue.key), String(LONG_MAX), 'largest']);
  const message = await queue.receive({ type: 7 });
  assert.equal(message.type, 7);
  assert.equal(message.data.length, 256);
  assert.equal(message.data.subarray(0, 12).toString(), 'hello from C');
  assert.ok(
    message.data.subarray(12).every((byte) => byte === 0),
    'the rest of text[] is NUL padding',
  );
  const big = queue.tryReceive();
  assert.equal(big?.type, LONG_MAX_TYPE);
  assert.equal(big?.data.subarray(0, 7).toString(), 'largest');
});

test('Node → C program: the C struct receives our bytes; a longer message is E2BIG for it and stays', async (t) => {
  const peer = cPeer();
  const queue = createTestQueue(t);
  queue.trySend(3, Buffer.from('hello from Node\0'));
  const out = await runOk(peer, ['recv', String(queue.key), '3']);
  assert.equal(out, 'ready\n3 16 hello from Node\n');

  const high = LONG_BITS === 64 ? 2 ** 40 : 2 ** 31 - 1;
  queue.trySend(BigInt(high), Buffer.alloc(300, 0x41));
  const tooLong = spawnChild(t, peer, ['recv', String(queue.key), '0']);
  const result = await tooLong.wait();
  assert.equal(result.code, 1);
  assert.match(result.stderr, /msgrcv: Argument list too long/);
  const left = queue.tryReceive();
  assert.equal(left?.type, high);
  assert.equal(left?.data.length, 300);
});

test('C program and Node wake each other from blocking calls', async (t) => {
  const peer = cPeer();
  const queue = createTestQueue(t);
  const receiver = spawnChild(t, peer, ['recv', String(queue.key), '-5']);
  await receiver.nextLine('ready');
  await waitFor('the C program to block in msgrcv', () => threadsSleepingIn(receiver.pid, /msgrcv/) === 1);
  await queue.send(6, 'too high a type');
  await queue.send(4, 'low enough\0');
  assert.equal(await receiver.nextLine(/^\d/), '4 11 low enough');
  await receiver.succeeds();

  const pending = queue.receive({ type: WIDE_TYPE });
  assert.ok(await isPending(pending, 20));
  await runOk(peer, ['send', String(queue.key), String(WIDE_TYPE), 'from C']);
  const message = await withTimeout('our receive', pending);
  assert.equal(message.type, WIDE_TYPE);
  assert.equal(message.data.subarray(0, 7).toString('latin1'), 'from C\0');
  assert.deepEqual(queue.tryReceive(), { type: 6, data: Buffer.from('too high a type') });
});
