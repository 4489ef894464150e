// The clients watching LEDs (WATCH): who they are, which LEDs they watch,
// until when, and the delivery of each change of those LEDs to them as a reply. A subscriber whose process is
// gone is dropped, and what was sent to it taken off the queue, the moment
// ledd notices: at the next change, and at every housekeeping round.
import type { MessageQueue } from '@ledd/sysvmq';

import { REPLY_TYPE_BASE } from '../protocol/constants.js';
import { formatOk, type LedState } from '../protocol/reply.js';
import { type ChangeCause, MAX_WATCHERS, WATCH_TTL_MS } from '../protocol/watch.js';
import type { ReplySender } from './reply-sender.js';
import { processExists } from '../common/processes.js';

interface Watcher {
  id: string;
  name: string;
  /** The LEDs watched. */
  leds: ReadonlySet<number>;
  /** Its notices list the LEDs (leds=). */
  list: boolean;
  expiresAt: number;
}

export class Watchers {
  readonly #byReplyType = new Map<number, Watcher>();
  readonly #queue: MessageQueue;
  readonly #replies: ReplySender;
  readonly #makeRoom: () => void;
  readonly #now: () => number;
  #sequence = 0;

  constructor(deps: { queue: MessageQueue; replies: ReplySender; makeRoom: () => void; now?: () => number }) {
    this.#queue = deps.queue;
    this.#replies = deps.replies;
    this.#makeRoom = deps.makeRoom;
    this.#now = deps.now ?? Date.now;
  }

  get size(): number {
    return this.#byReplyType.size;
  }

  /** Subscribes to changes of `leds` or renews; false when MAX_WATCHERS others already watch. */
  subscribe(replyType: number, id: string, name: string, leds: readonly number[], list: boolean): boolean {
    if (!this.#byReplyType.has(replyType) && this.#byReplyType.size >= MAX_WATCHERS) {
      this.prune();
      if (this.#byReplyType.size >= MAX_WATCHERS) return false;
    }
    this.#byReplyType.set(replyType, { id, name, leds: new Set(leds), list, expiresAt: this.#now() + WATCH_TTL_MS });
    return true;
  }

  unsubscribe(replyType: number): boolean {
    return this.#byReplyType.delete(replyType);
  }

  /**
   * Sends a change of `changed` LEDs to every live subscriber watching any of
   * them: the head state is the first such LED's, `describe` gives the fields
   * for those it watches (listing them when it asked for leds=).
   */
  notify(
    cause: ChangeCause,
    changed: readonly number[],
    describe: (leds: number[], list: boolean) => { state: LedState; fields: Record<string, string> },
  ): void {
    this.prune();
    const sequence = String(++this.#sequence);
    for (const [replyType, watcher] of this.#byReplyType) {
      const leds = changed.filter((led) => watcher.leds.has(led));
      if (leds.length === 0) continue;
      const { state, fields } = describe(leds, watcher.list);
      const text = formatOk(watcher.id, state, { event: cause, seq: sequence, ...fields, pid: String(process.pid) });
      this.#replies.reply(replyType, text, this.#makeRoom);
    }
  }

  /** Drops lapsed subscriptions and dead subscribers (taking their undelivered changes off the queue). */
  prune(): number {
    const now = this.#now();
    let dropped = 0;
    for (const [replyType, watcher] of this.#byReplyType) {
      const alive = processExists(replyType - REPLY_TYPE_BASE);
      if (alive && watcher.expiresAt > now) continue;
      this.#byReplyType.delete(replyType);
      dropped++;
      if (!alive) while (this.#queue.tryReceive({ type: replyType, maxBytes: 0, noError: true }));
    }
    return dropped;
  }

  /** "ledd-mqtt:812,ledctl:901" for status, "...,+3" beyond `maxLength` (a reply is at most 255 bytes). */
  describe(maxLength = 120): string {
    const shown: string[] = [];
    let length = 0;
    for (const [replyType, { name }] of this.#byReplyType) {
      const entry = `${name}:${replyType - REPLY_TYPE_BASE}`;
      if (length + entry.length > maxLength) {
        shown.push(`+${this.#byReplyType.size - shown.length}`);
        break;
      }
      shown.push(entry);
      length += entry.length + 1;
    }
    return shown.join(',');
  }
}
