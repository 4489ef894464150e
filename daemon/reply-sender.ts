// Sends replies on the daemon's own queue without ever holding the daemon up.
// A reply that finds the queue full, even after room was made, waits for room
// on a thread of the queue binding for as long as its client may still
// collect it: a flood from another sender takes freed room at once, and a
// reply given up then would leave its client waiting for nothing.
import type { MessageQueue } from '@ledd/sysvmq';

import type { Logger } from './log/logger.js';
import { LogRateLimiter } from './log/rate-limit.js';
import { REPLY_TTL_MS, type ReplyBook } from './replies.js';

export class ReplySender {
  /** Replies given up (the queue stayed full for REPLY_TTL_MS, or went away). */
  dropped = 0;
  /** Replies waiting for room now. */
  waiting = 0;

  readonly #queue: MessageQueue;
  readonly #book: ReplyBook;
  readonly #log: Logger;
  readonly #dropLog = new LogRateLimiter(10, 60_000);

  constructor(queue: MessageQueue, book: ReplyBook, log: Logger) {
    this.#queue = queue;
    this.#book = book;
    this.#log = log;
  }

  /**
   * Sends a new reply now if there is room; else calls `makeRoom` and tries
   * once more; else waits for room in the background. The bytes are copied
   * before this returns.
   */
  reply(replyType: number, data: string | Uint8Array, makeRoom: () => void): void {
    // Booked before it is in the queue, so that a sweep meanwhile keeps it.
    this.#book.record(replyType);
    if (this.#queue.trySend(replyType, data)) return;
    makeRoom();
    if (this.#queue.trySend(replyType, data)) return;
    this.#waitForRoom(replyType, data);
  }

  /** Puts back a reply a sweep took off, keeping its booking (and so its expiry). */
  putBack(replyType: number, data: Uint8Array): void {
    if (!this.#queue.trySend(replyType, data)) this.#waitForRoom(replyType, data);
  }

  #waitForRoom(replyType: number, data: string | Uint8Array): void {
    this.waiting++;
    this.#queue.send(replyType, data, { signal: AbortSignal.timeout(REPLY_TTL_MS) }).then(
      () => this.waiting--,
      (error: unknown) => {
        this.waiting--;
        this.#dropped(replyType, error);
      },
    );
  }

  #dropped(replyType: number, error: unknown): void {
    this.dropped++;
    const allowed = this.#dropLog.take();
    if (!allowed) return;
    const why =
      error instanceof Error && error.name === 'TimeoutError'
        ? `the queue stayed full for ${REPLY_TTL_MS / 1000} s`
        : error instanceof Error
          ? error.message
          : String(error);
    const note = allowed.lastInWindow ? this.#dropLog.silenceNote : '';
    this.#log.warn({ replyTo: replyType, suppressed: allowed.suppressed }, `a reply was dropped: ${why}${note}`);
  }
}
