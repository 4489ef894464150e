// The async iterator of MessageQueue#messages(). Written by hand rather than as
// an async generator: a generator's `yield` costs several promise hops per
// message, which held a consumer to half of what receiveBatch() delivers.
import type { Message, StreamOptions } from './options.js';

/** What the stream takes its batches from: a MessageQueue. */
export interface BatchSource {
  readonly closed: boolean;
  receiveBatch(options: StreamOptions): Promise<Message[]>;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

export class MessageStream implements AsyncIterableIterator<Message> {
  readonly #queue: BatchSource;
  readonly #putBack: (message: Message) => Promise<void>;
  readonly #options: StreamOptions;
  readonly #batchSize: number;
  #batch: Message[] = [];
  #next = 0;
  #ended = false;
  #refilling: Promise<void> | undefined;

  /** `putBack` sends a message back to the queue, also once the handle is closed. */
  constructor(queue: BatchSource, options: StreamOptions, putBack: (message: Message) => Promise<void>) {
    this.#queue = queue;
    this.#putBack = putBack;
    this.#options = options;
    this.#batchSize = options.batch ?? 64;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Message, undefined>> {
    if (this.#next < this.#batch.length) return Promise.resolve({ value: this.#batch[this.#next++]!, done: false });
    if (this.#ended) return Promise.resolve(DONE);
    // Calls made while a batch is on its way wait for it and then take from it in turn.
    this.#refilling ??= this.#refill().finally(() => (this.#refilling = undefined));
    return this.#refilling.then(() => this.next());
  }

  /** Ends the iteration; messages taken from the queue but not handed out are put back on it (at its end). */
  async return(): Promise<IteratorReturnResult<undefined>> {
    this.#ended = true;
    await this.#refilling;
    const untaken = this.#batch.slice(this.#next);
    this.#batch = [];
    this.#next = 0;
    for (const message of untaken) await this.#putBack(message);
    return DONE;
  }

  /** Takes the next batch, or ends the iteration when there is none to come. */
  async #refill(): Promise<void> {
    const { signal } = this.#options;
    // A queue that never empties must not starve timers and I/O.
    if (this.#batch.length === this.#batchSize) await new Promise((resolve) => setImmediate(resolve));
    this.#batch = [];
    this.#next = 0;
    if (this.#ended || signal?.aborted || this.#queue.closed) {
      this.#ended = true;
      return;
    }
    try {
      this.#batch = await this.#queue.receiveBatch(this.#options);
    } catch (error) {
      this.#ended = true;
      throw error;
    }
    if (this.#batch.length === 0) this.#ended = true;
  }
}
