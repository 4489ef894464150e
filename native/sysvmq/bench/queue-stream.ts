// (b) Two processes streaming one way. The consumer times first to last
// message. Rows: C producer -> C consumer (reference); C producer -> Node
// consumer (messages(), isolates our receive side); Node producer (trySend,
// send when full) -> Node consumer (the whole of ours).
import { type BenchOptions, type BenchResult, type Benchmark, measureRows } from '@ledd/test-kit/bench';

import { MessageQueue } from '../lib/index.js';
import { nodePeer, queueReference, startPeer, withQueue } from './queues.js';

const SIZE = 64;

async function nodeConsume(queue: MessageQueue, count: number, started: () => void): Promise<number> {
  let received = 0;
  let first = 0;
  const iterator = queue.messages();
  const consuming = (async () => {
    for await (const message of iterator) {
      if (message.data.length !== SIZE) throw new Error('bad message');
      if (received === 0) first = performance.now();
      if (++received === count) break;
    }
  })();
  started();
  await consuming;
  return (count - 1) / ((performance.now() - first) / 1000);
}

async function stream(producer: 'c' | 'node', consumer: 'c' | 'node', count: number): Promise<number> {
  return withQueue(async (queue) => {
    const reference = queueReference();
    const producerArgs = ['produce', String(queue.key), String(SIZE), String(count)];
    const startProducer = () => (producer === 'c' ? startPeer(reference, producerArgs) : nodePeer(producerArgs));
    if (consumer === 'node') {
      let produced: ReturnType<typeof startProducer> | undefined;
      const rate = await nodeConsume(queue, count, () => (produced = startProducer()));
      await produced!.result();
      return rate;
    }
    const consuming = startPeer(reference, ['consume', String(queue.key), String(SIZE), String(count)]);
    const produced = startProducer();
    const [result] = await Promise.all([consuming.result(), produced.result()]);
    return result['count']! / result['seconds']!;
  });
}

export const queueStream: Benchmark = {
  name: 'queue-stream',
  description: `two processes, one producing ${SIZE} B messages, one consuming`,
  async run(options: BenchOptions): Promise<BenchResult> {
    const count = Math.round(100_000 * options.scale);
    await stream('c', 'node', 10_000); // warm-up
    const c = 'C producer -> C consumer';
    const rows = await measureRows(options, [
      { label: c, unit: 'msg/s', measure: () => stream('c', 'c', count) },
      {
        label: 'C producer -> Node consumer (messages())',
        unit: 'msg/s',
        against: c,
        target: 0.5,
        measure: () => stream('c', 'node', count),
      },
      {
        label: 'Node producer -> Node consumer',
        unit: 'msg/s',
        against: c,
        target: 0.5,
        measure: () => stream('node', 'node', count),
      },
    ]);
    return {
      title: `(b) streaming one way between two processes, ${SIZE} B, ${count} messages`,
      rows,
      notes: ['the Node consumer is this process; producers are child processes'],
    };
  },
};
