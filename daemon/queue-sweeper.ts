// Keeps the queue usable when messages pile up that the daemon's receive
// never takes: replies whose client died, and anything a local user sent with
// a type at or above the reply range. Such messages are invisible to
// msgrcv(-REQUEST_TYPE_MAX), so they are found with IPC_STAT and taken in
// FIFO order; requests met on the way are handled, live replies put back.
import type { MessageQueue } from '@ledd/sysvmq';

import type { Logger } from './log/logger.js';
import { LogRateLimiter } from './log/rate-limit.js';
import { MAX_REPLY_BYTES, REPLY_TYPE_BASE } from '../protocol/constants.js';
import { type ReplyBook, purgeExpiredReplies } from './replies.js';
import type { ReplySender } from './reply-sender.js';
import type { RequestHandler } from './request-handler.js';

export interface SweepResult {
  purgedReplies: number;
  discarded: number;
}

export class QueueSweeper {
  readonly #queue: MessageQueue;
  readonly #book: ReplyBook;
  readonly #replies: ReplySender;
  readonly #log: Logger;
  #handler: RequestHandler | undefined;
  readonly #discardLog = new LogRateLimiter(5, 60_000);

  constructor(queue: MessageQueue, book: ReplyBook, replies: ReplySender, log: Logger) {
    this.#queue = queue;
    this.#book = book;
    this.#replies = replies;
    this.#log = log;
  }

  attach(handler: RequestHandler): void {
    this.#handler = handler;
  }

  /**
   * Purges expired replies, then sweeps the whole queue when it is half full,
   * or (`thorough`, from the housekeeping timer) when it holds more messages
   * than the replies clients may still collect.
   */
  maintain(thorough: boolean): SweepResult {
    const purgedReplies = purgeExpiredReplies(this.#queue, this.#book);
    const status = this.#queue.stat();
    const halfFull = status.cbytes * 2 >= status.qbytes;
    const unexplained = status.qnum > this.#book.size;
    const discarded = status.qnum > 0 && (halfFull || (thorough && unexplained)) ? this.sweep(status.qnum) : 0;
    return { purgedReplies, discarded };
  }

  /** Takes up to `count` messages in FIFO order; returns how many were discarded. */
  sweep(count = this.#queue.stat().qnum): number {
    let discarded = 0;
    for (let index = 0; index < count; index++) {
      // Room for a reply to put back whole; a request this long is refused as too long anyway.
      const message = this.#queue.tryReceive({ maxBytes: MAX_REPLY_BYTES + 1, noError: true });
      if (!message) break;
      const type = message.type;
      if (typeof type === 'number' && type < REPLY_TYPE_BASE) {
        this.#handler?.handle(message);
      } else if (typeof type === 'number' && this.#book.isLive(type)) {
        // A reply its client may still collect: back it goes, at once or as soon as there is room.
        this.#replies.putBack(type, message.data);
      } else {
        discarded++;
      }
    }
    if (discarded > 0) {
      const allowed = this.#discardLog.take();
      if (allowed) {
        this.#log.warn(
          { discarded, suppressed: allowed.suppressed },
          'discarded messages no reader would take (types at or above the reply range)' +
            (allowed.lastInWindow ? this.#discardLog.silenceNote : ''),
        );
      }
    }
    return discarded;
  }
}
