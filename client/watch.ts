// Watching ledd: subscribe (WATCH), renew within the subscription's lifetime,
// and turn ledd's change notices into events. ledd going away (its queue
// removed, or its process gone while a restart keeps the queue) and coming
// back are events too; the watch outlives both.
import { MessageQueue, QueueError } from '@ledd/sysvmq';

import { TYPE_COMMAND } from '../protocol/constants.js';
import { type LedReport, ledReportsOf, type LedSelector } from '../protocol/leds.js';
import type { PatternName } from '../protocol/pattern.js';
import type { LedState, Reply } from '../protocol/reply.js';
import { formatRequest } from '../protocol/request.js';
import { CHANGE_CAUSES, type ChangeCause, WATCH_RENEW_MS } from '../protocol/watch.js';
import { ClientError, ClientExit } from './errors.js';
import { permissionDenied } from './exchange.js';
import { ReplyRouter } from './reply-router.js';
import { processExists } from '../common/processes.js';

export interface LedSnapshot {
  /** The line's level now (the first LED's of those described). */
  state: LedState;
  pattern?: { name: PatternName; cycles: number | 'forever'; then: 'on' | 'off'; label?: string };
  /** Each LED the notice is about (of those watched): its name, level and pattern. */
  leds: LedReport[];
  /** The notice named its LEDs (a watch with led=, or a ledd whose LEDs are named). */
  named: boolean;
  /** ledd's process. */
  pid: number;
}

export type WatchEvent =
  | ({ kind: 'subscribed' } & LedSnapshot)
  | ({ kind: 'change'; cause: ChangeCause } & LedSnapshot)
  | { kind: 'gone'; reason: string };

export interface WatchOptions {
  key: number;
  /** The LEDs to watch; absent: ledd's first LED. */
  leds?: LedSelector;
  /** Who watches, as ledctl status lists it. */
  name: string;
  signal?: AbortSignal;
}

/** How often a quiet watch makes sure ledd's process is still there. */
const LIVENESS_MS = 250;
/** How often a watch looks for ledd while it is gone. */
const RETRY_MS = 500;
/** How long a subscription waits for ledd's acknowledgement. */
const ANSWER_MS = 5_000;

class Gone extends Error {}

function snapshotOf(reply: Reply & { ok: true }): LedSnapshot {
  const leds = ledReportsOf(reply);
  const snapshot: LedSnapshot = {
    state: reply.state,
    leds,
    named: reply.fields.leds !== undefined,
    pid: Number(reply.fields.pid),
  };
  // The first LED's pattern, in the shape watch --json has always printed.
  const pattern = leds[0]?.pattern;
  if (pattern) {
    snapshot.pattern = {
      name: pattern.kind,
      cycles: pattern.cyclesLeft ?? 'forever',
      then: pattern.then,
      ...(pattern.label !== undefined && { label: pattern.label }),
    };
  }
  return snapshot;
}

const isAbort = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** What the router hands this watch: its replies in order, or the queue's failure. */
class Mailbox {
  readonly #replies: Reply[] = [];
  #error: { error: unknown } | undefined;
  #wake: (() => void) | undefined;

  readonly listener = {
    onReply: (reply: Reply): void => {
      this.#replies.push(reply);
      this.#wake?.();
    },
    onError: (error: unknown): void => {
      this.#error = { error };
      this.#wake?.();
    },
  };

  /** The next reply; null after `ms` (or on `signal`) with none; throws the queue's failure. */
  async take(ms: number, signal: AbortSignal): Promise<Reply | null> {
    if (this.#replies.length === 0 && !this.#error && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.#wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal.addEventListener('abort', done, { once: true });
        this.#wake = done;
      });
    }
    const reply = this.#replies.shift();
    if (reply) return reply;
    if (this.#error) throw this.#error.error;
    return null;
  }
}

class Subscription {
  readonly #key: number;
  readonly #name: string;
  readonly #leds: LedSelector | undefined;
  readonly #signal: AbortSignal;
  // Tells this watch's notices from what an earlier process with our PID left; not a secret.
  readonly #id = Math.floor(Math.random() * 2 ** 48).toString(36);
  #queue: MessageQueue | undefined;
  #replyType = 0;
  #mailbox = new Mailbox();
  #unlisten: (() => void) | undefined;
  #pid = 0;
  #renewAt = 0;

  constructor(options: WatchOptions, signal: AbortSignal) {
    this.#key = options.key;
    this.#name = options.name;
    this.#leds = options.leds;
    this.#signal = signal;
  }

  get #request(): string {
    return formatRequest('WATCH', this.#replyType, this.#id, {
      name: this.#name,
      ...(this.#leds && { leds: this.#leds }),
    });
  }

  /** Opens the queue, subscribes, and returns what ledd acknowledged; Gone while ledd is not there. */
  async subscribe(): Promise<LedSnapshot> {
    this.close();
    let queue: MessageQueue;
    try {
      queue = MessageQueue.open(this.#key);
    } catch (error) {
      if (error instanceof QueueError && error.code === 'EACCES') throw await permissionDenied(this.#key);
      if (error instanceof QueueError && error.code === 'ENOENT') throw new Gone('ledd is not running (no queue)');
      throw error;
    }
    this.#queue = queue;
    const router = ReplyRouter.for(queue);
    this.#replyType = router.replyType;
    this.#mailbox = new Mailbox();
    this.#unlisten = router.listen(this.#id, this.#mailbox.listener);
    const deadline = Date.now() + ANSWER_MS;
    try {
      await queue.send(TYPE_COMMAND, this.#request, {
        signal: AbortSignal.any([this.#signal, AbortSignal.timeout(ANSWER_MS)]),
      });
      for (;;) {
        const reply = await this.#mailbox.take(Math.max(0, deadline - Date.now()), this.#signal);
        if (this.#signal.aborted) throw this.#signal.reason;
        if (reply === null) throw new Gone(`no answer from ledd within ${ANSWER_MS / 1000} s`);
        if (!reply.ok) throw new ClientError(ClientExit.refused, `ledd refused to be watched: ${reply.message}`);
        // A notice sent before a subscription lapsed: the acknowledgement brings the state anyway.
        if (reply.fields.watch === undefined) continue;
        const snapshot = snapshotOf(reply);
        this.#pid = snapshot.pid;
        this.#renewAt = Date.now() + WATCH_RENEW_MS;
        return snapshot;
      }
    } catch (error) {
      if (error instanceof ClientError || error instanceof Gone) throw error;
      if (this.#signal.aborted) throw error;
      if (isAbort(error)) throw new Gone(`no answer from ledd within ${ANSWER_MS / 1000} s`);
      throw new Gone(goneReason(error));
    }
  }

  /** The next change; Gone when ledd went away; undefined once the watch is stopped. */
  async next(): Promise<WatchEvent | undefined> {
    const queue = this.#queue!;
    while (!this.#signal.aborted) {
      let reply: Reply | null;
      try {
        reply = await this.#mailbox.take(LIVENESS_MS, this.#signal);
      } catch (error) {
        throw new Gone(goneReason(error));
      }
      if (reply?.ok) {
        const cause = reply.fields.event as ChangeCause | undefined;
        if (cause !== undefined && CHANGE_CAUSES.includes(cause))
          return { kind: 'change', cause, ...snapshotOf(reply) };
        // A renewal's acknowledgement from a ledd we did not subscribe with: it restarted in between.
        if (reply.fields.watch !== undefined && Number(reply.fields.pid) !== this.#pid) {
          this.#pid = Number(reply.fields.pid);
          return { kind: 'subscribed', ...snapshotOf(reply) };
        }
      } else if (reply) {
        throw new Gone(`ledd dropped the watch: ${reply.message}`);
      }
      if (!processExists(this.#pid)) throw new Gone(`ledd (pid ${this.#pid}) has exited`);
      if (Date.now() >= this.#renewAt) this.#renew(queue);
    }
    return undefined;
  }

  #renew(queue: MessageQueue): void {
    // A full queue retries at the next check: the subscription outlives several missed renewals.
    if (queue.trySend(TYPE_COMMAND, this.#request)) this.#renewAt = Date.now() + WATCH_RENEW_MS;
  }

  /** Ends the subscription at ledd (best effort) and closes the queue handle. */
  close(unwatch = false): void {
    this.#unlisten?.();
    this.#unlisten = undefined;
    const queue = this.#queue;
    this.#queue = undefined;
    if (!queue) return;
    try {
      if (unwatch) queue.trySend(TYPE_COMMAND, formatRequest('UNWATCH', this.#replyType, this.#id));
    } catch {
      // ledd is gone: nothing to end.
    }
    queue.close();
  }
}

function goneReason(error: unknown): string {
  if (error instanceof QueueError && (error.code === 'EIDRM' || error.code === 'EINVAL')) {
    return 'its queue was removed (ledd exited)';
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Every change of the LED's commanded state, from the moment of subscribing
 * until `signal` aborts. Throws ClientError only for what waiting will not
 * mend (permission denied, ledd refusing the watch).
 */
export async function* watchLed(options: WatchOptions): AsyncGenerator<WatchEvent, void, undefined> {
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const subscription = new Subscription(options, signal);
  let gone: string | undefined;
  try {
    while (!signal.aborted) {
      try {
        const snapshot = await subscription.subscribe();
        gone = undefined;
        yield { kind: 'subscribed', ...snapshot };
        for (let event = await subscription.next(); event; event = await subscription.next()) yield event;
      } catch (error) {
        if (!(error instanceof Gone)) {
          if (signal.aborted) return;
          throw error;
        }
        // Said once per absence, not at every retry.
        if (gone === undefined) yield { kind: 'gone', reason: error.message };
        gone = error.message;
        subscription.close();
        await sleep(RETRY_MS, signal);
      }
    }
  } finally {
    stop.abort();
    subscription.close(true);
  }
}
