// Replies on the daemon's own queue, and the book of those sent, so that
// replies nobody collected (their client died) are purged and never wedge
// the queue. Replies are sent without waiting: a full queue costs a reply,
// never the daemon's progress.
import type { MessageQueue } from '@ledd/sysvmq';

/** A live client is already waiting when its reply is sent; one left this long has no reader. */
export const REPLY_TTL_MS = 3_000;

export class ReplyBook {
  readonly #sentAt = new Map<number, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  get size(): number {
    return this.#sentAt.size;
  }

  record(replyType: number): void {
    this.#sentAt.set(replyType, this.#now());
  }

  /** Sent recently enough that its client may still collect it. */
  isLive(replyType: number): boolean {
    const sentAt = this.#sentAt.get(replyType);
    return sentAt !== undefined && this.#now() - sentAt < REPLY_TTL_MS;
  }

  /** Forgets the expired entries and returns their types. */
  takeExpired(): number[] {
    const expired: number[] = [];
    for (const [replyType, sentAt] of this.#sentAt) {
      if (this.#now() - sentAt >= REPLY_TTL_MS) {
        expired.push(replyType);
        this.#sentAt.delete(replyType);
      }
    }
    return expired;
  }
}

/** Takes every message of the expired reply types off the queue; returns how many. */
export function purgeExpiredReplies(queue: MessageQueue, book: ReplyBook): number {
  let purged = 0;
  for (const replyType of book.takeExpired()) {
    while (queue.tryReceive({ type: replyType, maxBytes: 0, noError: true })) purged++;
  }
  return purged;
}
