// Replies on a full queue: a reply (or one a sweep put back) that finds no
// room waits for it on a real kernel queue instead of being lost, and is
// given up, with a warning, only after its client's time is up.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';

import { pino } from 'pino';
import type { MessageQueue } from '@ledd/sysvmq';
import { createPrivateTestQueue } from '@ledd/sysvmq/testing';
import { waitFor } from '@ledd/test-kit/wait';

import { REPLY_TTL_MS, ReplyBook } from '../../daemon/replies.js';
import { ReplySender } from '../../daemon/reply-sender.js';
import { REPLY_TYPE_BASE } from '../../protocol/constants.js';

const REPLY_TYPE = REPLY_TYPE_BASE + 4242;

function fill(queue: MessageQueue): number {
  let count = 0;
  while (queue.trySend(5, Buffer.alloc(512))) count++;
  return count;
}

function capturedLog(): { log: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { log: pino({ level: 'info' }, sink), lines };
}

test('a reply put back on a full queue waits for room and then arrives', async (t) => {
  const queue = createPrivateTestQueue(t);
  const { log } = capturedLog();
  const sender = new ReplySender(queue, new ReplyBook(), log);
  assert.ok(fill(queue) > 0);

  sender.putBack(REPLY_TYPE, Buffer.from('OK 1 ON'));
  assert.equal(sender.waiting, 1, 'no room: the reply waits');
  assert.equal(queue.tryReceive({ type: REPLY_TYPE }), null);

  assert.ok(queue.tryReceive({ type: 5 }), 'room for one more message');
  await waitFor('the waiting reply to be sent', () => sender.waiting === 0);
  assert.equal(queue.tryReceive({ type: REPLY_TYPE })?.data.toString(), 'OK 1 ON');
  assert.equal(sender.dropped, 0);
});

test('a new reply calls makeRoom once when the queue is full; given up after its TTL, with a warning', async (t) => {
  const queue = createPrivateTestQueue(t);
  const { log, lines } = capturedLog();
  const book = new ReplyBook();
  const sender = new ReplySender(queue, book, log);
  fill(queue);

  let roomAsked = 0;
  const started = Date.now();
  sender.reply(REPLY_TYPE, 'OK 2 OFF', () => roomAsked++);
  assert.equal(roomAsked, 1);
  assert.equal(sender.waiting, 1);
  assert.ok(book.isLive(REPLY_TYPE), 'booked at once, so a sweep keeps it');

  await waitFor('the reply to be given up', () => sender.dropped === 1, { timeoutMs: REPLY_TTL_MS + 10_000 });
  assert.ok(Date.now() - started >= REPLY_TTL_MS - 50, 'not before its client could have collected it');
  assert.equal(sender.waiting, 0);
  assert.equal(queue.tryReceive({ type: REPLY_TYPE }), null, 'nothing was sent');
  assert.equal(lines.length, 1);
  assert.match(JSON.parse(lines[0]!).msg, /a reply was dropped: the queue stayed full for 3 s/);
});

test('a reply with room goes out at once, without asking for room', (t) => {
  const queue = createPrivateTestQueue(t);
  const { log } = capturedLog();
  const sender = new ReplySender(queue, new ReplyBook(), log);
  sender.reply(REPLY_TYPE, 'OK 3 ON', () => assert.fail('makeRoom called with room to spare'));
  assert.equal(sender.waiting, 0);
  assert.equal(queue.tryReceive({ type: REPLY_TYPE })?.data.toString(), 'OK 3 ON');
});
