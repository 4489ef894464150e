// Queues and child processes for the queue benchmarks.
import { randomInt } from 'node:crypto';

import { compileC } from '@ledd/test-kit/cc';
import { Child } from '@ledd/test-kit/process';

import { MessageQueue, QueueError } from '../lib/index.js';
import { fromPackage, programsDir } from '../test/paths.js';

/** The C reference program (bench/queue_ref.c), built with cc -O2. */
export function queueReference(): string {
  return compileC(fromPackage('bench/queue_ref.c'), { outDir: programsDir, flags: ['-O2', '-Wall'] });
}

/** Runs `body` with a new keyed queue, removed afterwards. */
export async function withQueue<T>(body: (queue: MessageQueue) => Promise<T> | T): Promise<T> {
  let queue: MessageQueue | undefined;
  while (!queue) {
    try {
      queue = MessageQueue.create(0x7d00_0000 + randomInt(1, 0x0100_0000), { exclusive: true });
    } catch (error) {
      if (!(error instanceof QueueError) || error.code !== 'EEXIST') throw error;
    }
  }
  try {
    return await body(queue);
  } finally {
    queue.close();
    queue.remove();
  }
}

/** Starts a process of a benchmark; `result()` waits for its JSON line. */
export function startPeer(
  command: string,
  args: string[],
): { child: Child; result: () => Promise<Record<string, number>> } {
  const child = new Child(command, args);
  return {
    child,
    async result() {
      const done = await child.wait(300_000);
      if (done.code !== 0) throw new Error(`${child.describe()} failed with code ${done.code}`);
      return JSON.parse(done.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
    },
  };
}

/** The Node side of two-process benchmarks (bench/queue-peer.ts). */
export function nodePeer(args: string[]): ReturnType<typeof startPeer> {
  return startPeer(process.execPath, [fromPackage('dist/bench/queue-peer.js'), ...args]);
}
