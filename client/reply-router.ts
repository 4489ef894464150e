// The one receiver of this process's replies. ledd addresses every reply to
// a client by its PID (type REPLY_TYPE_BASE + PID), so two receivers in one
// process (a watch and a request, as in ledd-mqtt) would take each other's
// replies off the queue. Each queue gets one router per process: a single
// receive loop that hands each reply to whoever waits for its id, and runs
// only while someone does.
import { MessageQueue } from '@ledd/sysvmq';

import { MAX_REPLY_BYTES, replyTypeFor } from '../protocol/constants.js';
import { type Reply, parseReply } from '../protocol/reply.js';

export interface ReplyListener {
  onReply(reply: Reply): void;
  /** The queue failed (removed: EIDRM); the listener is gone with it. */
  onError(error: unknown): void;
}

const routers = new Map<number, ReplyRouter>();

export class ReplyRouter {
  readonly replyType = replyTypeFor(process.pid);
  readonly #queueId: number;
  readonly #listeners = new Map<string, ReplyListener>();
  #queue: MessageQueue | undefined;
  #stop: AbortController | undefined;
  #running: Promise<void> | undefined;

  private constructor(queueId: number) {
    this.#queueId = queueId;
  }

  /** The router of `queue`'s kernel queue in this process. */
  static for(queue: MessageQueue): ReplyRouter {
    let router = routers.get(queue.id);
    if (!router) {
      router = new ReplyRouter(queue.id);
      routers.set(queue.id, router);
    }
    return router;
  }

  /** Hands every reply with this id to `listener` until the returned function is called. */
  listen(id: string, listener: ReplyListener): () => void {
    this.#listeners.set(id, listener);
    this.#ensureRunning();
    return () => {
      if (this.#listeners.get(id) !== listener) return;
      this.#listeners.delete(id);
      if (this.#listeners.size === 0) this.#stop?.abort();
    };
  }

  /** The next reply with this id; rejects on `signal` or a queue failure. */
  next(id: string, signal: AbortSignal): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        unlisten();
        signal.removeEventListener('abort', aborted);
      };
      const aborted = (): void => {
        done();
        reject(signal.reason);
      };
      const unlisten = this.listen(id, {
        onReply: (reply) => {
          done();
          resolve(reply);
        },
        onError: (error) => {
          done();
          reject(error);
        },
      });
      if (signal.aborted) aborted();
      else signal.addEventListener('abort', aborted, { once: true });
    });
  }

  #ensureRunning(): void {
    if (this.#running) return;
    this.#running = this.#run().finally(() => {
      this.#running = undefined;
      // A listener that came while the loop was ending.
      if (this.#listeners.size > 0) this.#ensureRunning();
      else this.#close();
    });
  }

  async #run(): Promise<void> {
    this.#queue ??= MessageQueue.fromId(this.#queueId);
    while (this.#listeners.size > 0) {
      const stop = new AbortController();
      this.#stop = stop;
      let data: Buffer;
      try {
        ({ data } = await this.#queue.receive({
          type: this.replyType,
          maxBytes: MAX_REPLY_BYTES + 1,
          noError: true,
          signal: stop.signal,
        }));
      } catch (error) {
        // Stopped for want of listeners; one that came meanwhile gets a new receive.
        if (stop.signal.aborted) continue;
        const listeners = [...this.#listeners.values()];
        this.#listeners.clear();
        this.#close();
        for (const listener of listeners) listener.onError(error);
        return;
      }
      const reply = parseReply(data);
      // Anything else on our reply type was left for an earlier process with our PID.
      if (reply) this.#listeners.get(reply.id)?.onReply(reply);
    }
  }

  #close(): void {
    if (routers.get(this.#queueId) === this) routers.delete(this.#queueId);
    this.#queue?.close();
    this.#queue = undefined;
  }
}
