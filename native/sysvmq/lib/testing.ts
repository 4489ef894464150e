// System V message queues for tests: fresh keys that no other test (or other
// user of the machine) holds, and removal when the test ends, pass or fail.
import { randomInt } from 'node:crypto';
import type { TestContext } from 'node:test';

import { MessageQueue } from './queue.js';
import { QueueError } from './errors.js';
import type { CreateOptions } from './options.js';

type AfterHook = Pick<TestContext, 'after'>;

/** A random key in 0x7e000000..0x7effffff, a range unlikely to meet real applications' keys. */
export function randomKey(): number {
  return 0x7e00_0000 + randomInt(1, 0x0100_0000);
}

/** Removes a queue by id, ignoring that it is already gone. */
export function removeQueueQuietly(id: number): void {
  try {
    MessageQueue.fromId(id).remove();
  } catch (error) {
    if (!(error instanceof QueueError) || (error.code !== 'EINVAL' && error.code !== 'EIDRM')) throw error;
  }
}

/** Removes the queue with this id when the test ends. */
export function removeAfter(t: AfterHook, id: number): void {
  t.after(() => removeQueueQuietly(id));
}

/** A new queue under a fresh key (exclusive create, retried on a collision), removed when the test ends. */
export function createTestQueue(t: AfterHook, options: Omit<CreateOptions, 'exclusive'> = {}): MessageQueue {
  for (let attempt = 0; ; attempt++) {
    try {
      const queue = MessageQueue.create(randomKey(), { ...options, exclusive: true });
      t.after(() => {
        queue.close();
        removeQueueQuietly(queue.id);
      });
      return queue;
    } catch (error) {
      if (!(error instanceof QueueError) || error.code !== 'EEXIST' || attempt >= 20) throw error;
    }
  }
}

/** A new IPC_PRIVATE queue, removed when the test ends. */
export function createPrivateTestQueue(t: AfterHook, options: Pick<CreateOptions, 'mode'> = {}): MessageQueue {
  const queue = MessageQueue.createPrivate(options);
  t.after(() => {
    queue.close();
    removeQueueQuietly(queue.id);
  });
  return queue;
}

/** A key for which no queue exists now (to test ENOENT, or to hand to a program that creates it). */
export function unusedKey(): number {
  for (;;) {
    const key = randomKey();
    try {
      MessageQueue.open(key);
    } catch (error) {
      if (error instanceof QueueError && error.code === 'ENOENT') return key;
      throw error;
    }
  }
}
