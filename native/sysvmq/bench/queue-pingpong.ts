// (c) Round trips between two processes on one queue: ping sends type 1 and
// waits for type 2; pong answers. Node↔Node against C↔C, plus Node ping with
// a C pong, which shows how much of the time is our waiting side, and
// Node↔Node with pollMicros 0, every wait on a thread as C's blocking msgrcv.
import { type BenchOptions, type BenchResult, type Benchmark, measureRows } from '@ledd/test-kit/bench';

import { MessageQueue } from '../lib/index.js';
import { nodePeer, queueReference, startPeer, withQueue } from './queues.js';

const SIZE = 64;

// Untimed round trips first: the pong process has just started, and its JIT (or ours) is cold.
const WARMUP = 500;

async function nodePing(queue: MessageQueue, count: number, pollMicros: number | undefined): Promise<number> {
  const data = Buffer.alloc(SIZE, 'x');
  let start = performance.now();
  for (let i = -WARMUP; i < count; i++) {
    if (i === 0) start = performance.now();
    if (!queue.trySend(1, data)) await queue.send(1, data);
    await queue.receive({ type: 2, pollMicros });
  }
  return count / ((performance.now() - start) / 1000);
}

async function pingPong(ping: 'c' | 'node', pong: 'c' | 'node', count: number, pollMicros?: number): Promise<number> {
  return withQueue(async (queue) => {
    const reference = queueReference();
    const args = [String(queue.key), String(SIZE)];
    const pongArgs = ['pong', ...args, String(WARMUP + count)];
    if (pong === 'node' && pollMicros !== undefined) pongArgs.push(String(pollMicros));
    const ponger = pong === 'c' ? startPeer(reference, pongArgs) : nodePeer(pongArgs);
    await ponger.child.nextLine('ready', 30_000);
    if (ping === 'node') {
      const rate = await nodePing(queue, count, pollMicros);
      await ponger.result();
      return rate;
    }
    const pinger = startPeer(reference, ['ping', ...args, String(count), String(WARMUP)]);
    const [pinged] = await Promise.all([pinger.result(), ponger.result()]);
    return pinged['count']! / pinged['seconds']!;
  });
}

export const queuePingPong: Benchmark = {
  name: 'queue-pingpong',
  description: 'round trips between two processes',
  async run(options: BenchOptions): Promise<BenchResult> {
    const count = Math.round(10_000 * options.scale);
    await pingPong('node', 'c', 1000); // warm-up of this process
    const c = 'C ping <-> C pong';
    const rows = await measureRows(options, [
      { label: c, unit: 'round trips/s', measure: () => pingPong('c', 'c', count) },
      {
        label: 'Node ping <-> Node pong',
        unit: 'round trips/s',
        against: c,
        target: 0.5,
        measure: () => pingPong('node', 'node', count),
      },
      {
        label: 'Node ping <-> Node pong, pollMicros 0',
        unit: 'round trips/s',
        against: c,
        measure: () => pingPong('node', 'node', count, 0),
      },
      {
        label: 'Node ping <-> C pong',
        unit: 'round trips/s',
        against: c,
        measure: () => pingPong('node', 'c', count),
      },
    ]);
    return {
      title: `(c) ping-pong round trips between two processes, ${SIZE} B, ${count} round trips`,
      rows,
      notes: [
        'target "within 2x of C" is a ratio >= 0.5; ping runs in this process, pong in a child',
        'our receives poll for 50 us before they wait on a thread; C blocks in msgrcv at once, as pollMicros 0 does',
      ],
    };
  },
};
