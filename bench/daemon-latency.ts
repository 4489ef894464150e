// The daemon's own time per message: from msgrcv returning it to the line set,
// the state file replaced and the reply sent (the real RequestHandler, Board with
// a state file, simulated line, pino logging to /dev/null), over 10 000
// messages. Reference: the bare binding doing the same receive and reply.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import pino from 'pino';
import { MessageQueue } from '@ledd/sysvmq';
import { type BenchOptions, type BenchResult, type Benchmark } from '@ledd/test-kit/bench';

import { openSimulatedLines } from '../daemon/gpio/sim-line.js';
import { Board } from '../daemon/board.js';
import { StateFile } from '../daemon/state-file.js';
import { RECEIVE_BYTES, REQUEST_TYPE_MAX, replyTypeFor } from '../protocol/constants.js';
import { formatOk } from '../protocol/reply.js';
import { ReplyBook } from '../daemon/replies.js';
import { ReplySender } from '../daemon/reply-sender.js';
import { RequestHandler } from '../daemon/request-handler.js';
import { Watchers } from '../daemon/watchers.js';

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

function measure(
  queue: MessageQueue,
  messages: number,
  handle: (message: ReturnType<MessageQueue['tryReceive']> & object) => void,
): number[] {
  const replyType = replyTypeFor(process.pid);
  const request = `TOGGLE reply=${replyType} id=bench`;
  const micros: number[] = [];
  for (let i = 0; i < messages; i++) {
    if (!queue.trySend(1, request)) throw new Error('queue full');
    const start = process.hrtime.bigint();
    const message = queue.tryReceive({ type: -REQUEST_TYPE_MAX, maxBytes: RECEIVE_BYTES, noError: true });
    if (!message) throw new Error('no request');
    handle(message);
    micros.push(Number(process.hrtime.bigint() - start) / 1000);
    if (!queue.tryReceive({ type: replyType, maxBytes: RECEIVE_BYTES })) throw new Error('no reply');
  }
  return micros.sort((a, b) => a - b);
}

export const daemonLatency: Benchmark = {
  name: 'daemon-latency',
  description: "ledd's time from a message arriving to the line set and the reply sent",
  async run(options: BenchOptions): Promise<BenchResult> {
    const messages = 10_000 * options.scale;
    const directory = mkdtempSync(path.join(os.tmpdir(), 'ledd-bench-'));
    const queue = MessageQueue.createPrivate();
    try {
      const log = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: true }));
      const lines = openSimulatedLines(
        { leds: [{ line: 'GPIO17', activeLow: false, initial: false }], consumer: 'ledd' },
        () => undefined,
      );
      const board = new Board(lines, ['led'], new StateFile(path.join(directory, 'state.json')), {
        onPersistError: (error) => {
          throw error;
        },
      });
      const replies = new ReplySender(queue, new ReplyBook(), log);
      const makeRoom = (): void => undefined;
      const handler = new RequestHandler({
        board,
        named: false,
        log,
        replies,
        makeRoom,
        watchers: new Watchers({ queue, replies, makeRoom }),
        onStateChange: () => undefined,
      });
      const daemon = measure(queue, messages, (message) => handler.handle(message));
      await board.close();
      const bare = measure(queue, messages, () => queue.trySend(replyTypeFor(process.pid), formatOk('bench', 'ON')));
      const p99 = percentile(daemon, 0.99);
      const rows = [
        { label: 'bare binding: receive + reply', micros: bare },
        { label: 'ledd handler: receive, set line, save state, reply, log', micros: daemon },
      ].map(({ label, micros }, index) => ({
        label,
        rate: 1e6 / percentile(micros, 0.5),
        samples: [],
        unit: `msg/s (median ${percentile(micros, 0.5).toFixed(1)} µs, p99 ${percentile(micros, 0.99).toFixed(1)} µs)`,
        ...(index === 1 && { against: 'bare binding: receive + reply' }),
      }));
      return {
        title: `ledd's own time per message: ${messages} messages, simulated line, state file in ${os.tmpdir()}`,
        rows,
        notes: [`p99 ${p99.toFixed(1)} µs (target: under 1 ms: ${p99 < 1000 ? 'met' : 'MISSED'})`],
      };
    } finally {
      queue.remove();
      rmSync(directory, { recursive: true, force: true });
    }
  },
};
