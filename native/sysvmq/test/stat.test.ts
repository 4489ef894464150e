// Acceptance 4: IPC_STAT reflects what was done to a queue, by whom and when;
// IPC_SET changes show up in it.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { nodeScript, spawnChild } from '@ledd/test-kit/process';

import { MessageQueue } from '../lib/index.js';
import { libUrl } from './paths.js';
import { createPrivateTestQueue, createTestQueue } from '../lib/testing.js';

// The kernel stamps these with ktime_get_real_seconds(): the clock as of the
// last timer tick, which may still be in the second before Date.now()'s.
const TICK_SLACK_MS = 20;

/** Seconds-resolution times: `date` within [before (less a tick) rounded down, after rounded up]. */
function assertTimeBetween(date: Date | null, before: number, after: number, what: string): void {
  assert.ok(date instanceof Date, `${what} should be a Date, is ${String(date)}`);
  const lower = Math.floor((before - TICK_SLACK_MS) / 1000) * 1000;
  const upper = Math.ceil(after / 1000) * 1000;
  assert.ok(
    date.getTime() >= lower && date.getTime() <= upper,
    `${what} ${date.toISOString()} not within ${new Date(lower).toISOString()}..${new Date(upper).toISOString()}`,
  );
}

test('a new queue: no messages, never sent to or received from, created now by us', (t) => {
  const before = Date.now();
  const queue = createTestQueue(t, { mode: 0o640 });
  const after = Date.now();
  const status = queue.stat();
  assert.equal(status.key, queue.key);
  assert.equal(status.qnum, 0);
  assert.equal(status.cbytes, 0);
  assert.equal(status.lspid, 0);
  assert.equal(status.lrpid, 0);
  assert.equal(status.stime, null);
  assert.equal(status.rtime, null);
  assertTimeBetween(status.ctime, before, after, 'ctime');
  assert.equal(status.uid, process.getuid!());
  assert.equal(status.cuid, process.getuid!());
  assert.equal(status.gid, process.getgid!());
  assert.equal(status.cgid, process.getgid!());
  assert.equal(status.mode, 0o640);
  assert.ok(status.qbytes > 0);
  assert.equal(createPrivateTestQueue(t).stat().key, 0, 'a private queue has key 0 (IPC_PRIVATE)');
});

test('qnum, cbytes, lspid, lrpid and the times follow sends and receives', async (t) => {
  const queue = createTestQueue(t);
  const before = Date.now();
  queue.trySend(1, Buffer.alloc(10));
  queue.trySend(2, Buffer.alloc(25));
  await queue.send(3, Buffer.alloc(0));
  const afterSends = Date.now();
  let status = queue.stat();
  assert.equal(status.qnum, 3);
  assert.equal(status.cbytes, 35);
  assert.equal(status.lspid, process.pid);
  assert.equal(status.lrpid, 0);
  assertTimeBetween(status.stime, before, afterSends, 'stime');
  assert.equal(status.rtime, null);

  queue.tryReceive({ type: 2 });
  const afterReceive = Date.now();
  status = queue.stat();
  assert.equal(status.qnum, 2);
  assert.equal(status.cbytes, 10);
  assert.equal(status.lrpid, process.pid);
  assertTimeBetween(status.rtime, before, afterReceive, 'rtime');

  // A child process sends, then receives: lspid and lrpid name it.
  const script = `
    import { MessageQueue } from ${JSON.stringify(libUrl)};
    const q = MessageQueue.open(Number(process.argv[1]));
    await q.send(9, 'from the child');
    console.log('sent');
    const m = await q.receive({ type: 1 });
    console.log(JSON.stringify({ type: m.type, length: m.data.length }));
  `;
  const child = spawnChild(t, ...nodeScript(script, [String(queue.key)]));
  await child.succeeds();
  assert.deepEqual(JSON.parse(child.stdout.trim().split('\n').at(-1)!), { type: 1, length: 10 });
  status = queue.stat();
  assert.equal(status.lspid, child.pid, 'lspid should be the child that sent');
  assert.equal(status.lrpid, child.pid, 'lrpid should be the child that received');
  assert.equal(status.qnum, 2);
  assert.equal(status.cbytes, 14);

  const message = await queue.receive({ type: 9 });
  assert.equal(message.data.toString(), 'from the child');
  assert.equal(queue.stat().lrpid, process.pid);
  assert.equal(queue.stat().lspid, child.pid);
});

test('set() changes mode, qbytes and owner, and stat() shows it; ctime moves', async (t) => {
  const queue = createTestQueue(t);
  const created = queue.stat();
  // ctime has one-second resolution: wait into the next second so that the change shows.
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
  queue.set({ mode: 0o620, qbytes: 4096 });
  let status = queue.stat();
  assert.equal(status.mode, 0o620);
  assert.equal(status.qbytes, 4096);
  assert.ok(status.ctime!.getTime() > created.ctime!.getTime(), 'IPC_SET updates ctime');

  // Fields not given keep their values.
  queue.set({ qbytes: 100 });
  status = queue.stat();
  assert.equal(status.mode, 0o620);
  assert.equal(status.qbytes, 100);
  assert.equal(queue.trySend(1, Buffer.alloc(100)), true);
  assert.equal(queue.trySend(1, Buffer.alloc(1)), false, 'qbytes 100 holds 100 bytes');

  queue.set({ uid: 65534, gid: 65534 });
  status = queue.stat();
  assert.equal(status.uid, 65534);
  assert.equal(status.gid, 65534);
  assert.equal(status.cuid, process.getuid!(), 'the creator stays');
  assert.equal(status.mode, 0o620);
  assert.equal(MessageQueue.open(queue.key!).stat().uid, 65534);
});
