// A System V message queue: msgget/msgsnd/msgrcv/msgctl with typed options.
// Calls that may block wait on a thread of the addon's own, never on the
// event loop and never in libuv's thread pool.
import os from 'node:os';

import {
  MAX_BATCH,
  type MessageType,
  type RawMessage,
  type ReceivedInto,
  native,
  receiveIntoNow,
  receiveNow,
  receiveOneNow,
  sendNow,
} from './binding.js';
import { QueueError, asQueueError, queueError, withQueueErrors } from './errors.js';
import { formatKey, toKeyT } from './key.js';
import { queueLimits } from './limits.js';
import { MessageStream } from './message-stream.js';
import type { CreateOptions, Message, QueueChanges, ReceiveOptions, StreamOptions, WaitOptions } from './options.js';
import { type QueueStatus, toQueueStatus } from './status.js';

const { IPC_CREAT, IPC_EXCL, IPC_PRIVATE, MSG_EXCEPT, MSG_NOERROR } = native.constants;
const EAGAIN = -os.constants.errno.EAGAIN;
const ENOMSG = -os.constants.errno.ENOMSG;
const EIDRM = -os.constants.errno.EIDRM;

export type { MessageType, ReceivedInto };

function checkMode(mode: number): number {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o777) {
    throw new RangeError(`queue mode must be permission bits from 0 to 0o777, not ${String(mode)}`);
  }
  return mode;
}

// msgsnd(2) takes only positive types (the kernel says EINVAL, as for a missing queue).
function checkSendType(type: MessageType): MessageType {
  if ((typeof type === 'number' || typeof type === 'bigint') && type <= 0) {
    throw new RangeError(`a message type to send must be positive, not ${String(type)}`);
  }
  return type;
}

/** maxBytes as given, else kernel.msgmax. */
function checkMaxBytes(maxBytes: number | undefined): number {
  if (maxBytes === undefined) return queueLimits().msgmax;
  if (!Number.isInteger(maxBytes) || maxBytes < 0 || maxBytes > 0x7fff_ffff) {
    throw new RangeError(`maxBytes must be a non-negative integer, not ${String(maxBytes)}`);
  }
  return maxBytes;
}

/**
 * Handing a wait to a thread costs two thread wake-ups per message (the
 * kernel wakes the waiter, the waiter wakes the event loop) where a blocking C
 * receiver has one, and each is several microseconds on a virtual machine. An
 * answer that comes within a few turns of the event loop (a request/reply
 * round trip, a producer about as fast as its consumer) is taken by polling
 * instead, as adaptive mutexes spin before they sleep.
 */
const DEFAULT_POLL_MICROS = 50;

function checkPollMicros(micros: number | undefined): number {
  if (micros === undefined) return DEFAULT_POLL_MICROS;
  if (!Number.isFinite(micros) || micros < 0 || micros > 1_000_000) {
    throw new RangeError(`pollMicros must be a number of microseconds from 0 to 1000000, not ${String(micros)}`);
  }
  return micros;
}

// process.hrtime, not performance.now(): the global `performance` loads
// perf_hooks on first use, about 2.5 ms of a client's start-up.
function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

function nextTurn(keepsProcessAlive: boolean): Promise<void> {
  return new Promise((resolve) => {
    const immediate = setImmediate(resolve);
    if (!keepsProcessAlive) immediate.unref();
  });
}

function receiveFlags(options: ReceiveOptions): number {
  return (options.noError ? MSG_NOERROR : 0) | (options.except ? MSG_EXCEPT : 0);
}

function toBytes(data: Uint8Array | string): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return data;
  throw new TypeError('message data must be a Buffer, a Uint8Array or a string');
}

/**
 * Linux says EIDRM only to a send or receive asleep on a queue when it is
 * removed; one that comes later (a poll, the next batch, a try*) gets EINVAL
 * for the same event. A caller must see one error for one event, so EINVAL
 * from a queue that no longer exists is EIDRM. (msgsnd's other EINVAL, a
 * message above kernel.msgmax, comes from a queue that still exists.)
 */
function removedQueueAsEidrm(error: unknown, id: number, context: string): unknown {
  if (!(error instanceof QueueError) || error.code !== 'EINVAL') return error;
  if (error.syscall !== 'msgsnd' && error.syscall !== 'msgrcv') return error;
  try {
    native.stat(id);
    return error;
  } catch {
    return queueError(EIDRM, error.syscall, context);
  }
}

function closedError(): QueueError {
  return new QueueError('the queue handle was closed', 'ERR_QUEUE_CLOSED', 0, 'close');
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

interface PendingJob {
  cancel(reason: 'abort' | 'close'): void;
}

export class MessageQueue {
  readonly id: number;
  /** The key the queue was opened by; null for a private queue or one opened by id. */
  readonly key: number | null;
  readonly #pending = new Map<number, PendingJob>();
  #keepsProcessAlive = true;
  #closed = false;

  /** How errors name the queue; computed once, as every call may need it. */
  readonly #context: string;

  private constructor(id: number, key: number | null) {
    this.id = id;
    this.key = key;
    this.#context = key === null ? `queue id ${id}` : `key ${formatKey(key)}`;
  }

  /** An existing queue; ENOENT when none exists for the key. */
  static open(key: number): MessageQueue {
    const keyT = toKeyT(key);
    const id = withQueueErrors(`key ${formatKey(keyT)}`, () => native.msgget(keyT, 0));
    return new MessageQueue(id, keyT);
  }

  /** The queue for the key, created with `mode` if none exists (or EEXIST with `exclusive`). */
  static create(key: number, options: CreateOptions = {}): MessageQueue {
    const keyT = toKeyT(key);
    const flags = IPC_CREAT | (options.exclusive ? IPC_EXCL : 0) | checkMode(options.mode ?? 0o600);
    const id = withQueueErrors(`key ${formatKey(keyT)}`, () => native.msgget(keyT, flags));
    return new MessageQueue(id, keyT);
  }

  /** A new queue no key names (IPC_PRIVATE). */
  static createPrivate(options: Pick<CreateOptions, 'mode'> = {}): MessageQueue {
    const flags = IPC_CREAT | checkMode(options.mode ?? 0o600);
    const id = withQueueErrors('IPC_PRIVATE', () => native.msgget(IPC_PRIVATE, flags));
    return new MessageQueue(id, null);
  }

  /** A queue by its identifier (as ipcs(1) prints it), without any check. */
  static fromId(id: number): MessageQueue {
    if (!Number.isInteger(id) || id < 0 || id > 0x7fff_ffff) throw new RangeError(`queue id ${id} is not valid`);
    return new MessageQueue(id, null);
  }

  /** A send's or receive's error as the caller should see it (see removedQueueAsEidrm). */
  #transferError(error: unknown): unknown {
    return removedQueueAsEidrm(asQueueError(error, this.#context), this.id, this.#context);
  }

  #assertOpen(): void {
    if (this.#closed) throw closedError();
  }

  /** msgsnd with IPC_NOWAIT: true when sent, false when the queue is full. */
  trySend(type: MessageType, data: Uint8Array | string): boolean {
    this.#assertOpen();
    checkSendType(type);
    const bytes = toBytes(data);
    // No closure here: this is the hot path of every send.
    try {
      return sendNow(this.id, type, bytes);
    } catch (error) {
      throw this.#transferError(error);
    }
  }

  /** msgsnd. The bytes are copied before this returns; it waits while the queue is full unless `nowait`. */
  async send(type: MessageType, data: Uint8Array | string, options: WaitOptions = {}): Promise<void> {
    if (this.trySend(type, data)) return;
    if (options.nowait) throw queueError(EAGAIN, 'msgsnd', this.#context);
    options.signal?.throwIfAborted();
    const bytes = toBytes(data);
    return new Promise<void>((resolve, reject) => {
      let cancelledBy: 'abort' | 'close' = 'abort';
      const jobId = withQueueErrors(this.#context, () =>
        native.startSend(this.id, type, bytes, 0, (errno, cancelled) => {
          this.#finish(jobId, options.signal, onAbort);
          if (errno === 0 && !cancelled) resolve();
          else if (cancelled) reject(cancelledBy === 'close' ? closedError() : abortError(options.signal!));
          else reject(this.#transferError(queueError(errno, 'msgsnd', this.#context)));
        }),
      );
      const onAbort = (): void => void native.cancel(jobId);
      this.#track(jobId, options.signal, onAbort, (reason) => {
        cancelledBy = reason;
        native.cancel(jobId);
      });
    });
  }

  /** msgrcv with IPC_NOWAIT: the message, or null when none matches. */
  tryReceive(options?: ReceiveOptions): Message | null {
    this.#assertOpen();
    // No intermediate objects or closures here: this is the hot path of every receive.
    const type = options?.type ?? 0;
    const maxBytes = checkMaxBytes(options?.maxBytes);
    const flags = options === undefined ? 0 : receiveFlags(options);
    try {
      return receiveOneNow(this.id, type, maxBytes, flags);
    } catch (error) {
      throw this.#transferError(error);
    }
  }

  /**
   * msgrcv with IPC_NOWAIT into `target`, as fs.readSync() reads into a buffer
   * the caller keeps: the message's type and length, or null when none matches.
   * A message longer than target.length (or maxBytes) gives E2BIG and stays
   * queued, unless `noError` takes it truncated.
   */
  tryReceiveInto(target: Uint8Array, options?: ReceiveOptions): ReceivedInto | null {
    this.#assertOpen();
    if (!(target instanceof Uint8Array)) throw new TypeError('target must be a Buffer or a Uint8Array');
    const type = options?.type ?? 0;
    const maxBytes = checkMaxBytes(options?.maxBytes);
    const flags = options === undefined ? 0 : receiveFlags(options);
    try {
      return receiveIntoNow(this.id, type, maxBytes, flags, target);
    } catch (error) {
      throw this.#transferError(error);
    }
  }

  /** msgrcv. Waits for a matching message unless `nowait`. */
  async receive(options: ReceiveOptions & WaitOptions = {}): Promise<Message> {
    const pollMicros = checkPollMicros(options.pollMicros);
    const message = this.tryReceive(options);
    if (message) return message;
    if (options.nowait) throw queueError(ENOMSG, 'msgrcv', this.#context);
    const messages = await this.#waitForMessages(options, 1, pollMicros, options.signal, true);
    return messages[0] as Message;
  }

  /**
   * The messages already waiting (up to `batch`), taken without a thread hop;
   * when none is waiting, waits for one and takes what else has arrived by
   * then. Resolves with [] when `signal` aborts or close() is called: a
   * message is never taken and then dropped.
   */
  async receiveBatch(options: StreamOptions = {}): Promise<Message[]> {
    const batch = options.batch ?? 64;
    if (!Number.isInteger(batch) || batch < 1 || batch > MAX_BATCH) {
      throw new RangeError(`batch must be an integer from 1 to ${MAX_BATCH}, not ${batch}`);
    }
    const pollMicros = checkPollMicros(options.pollMicros);
    this.#assertOpen();
    const { type, maxBytes, flags } = this.#receiveArguments(options);
    const taken = this.#takeWaiting(type, maxBytes, flags, batch);
    if (taken.length > 0 || options.signal?.aborted || this.#closed) return taken;
    return this.#waitForMessages(options, batch, pollMicros, options.signal, false);
  }

  /**
   * Every matching message as it arrives, taken in batches (see receiveBatch);
   * ends when `signal` aborts or the handle is closed, after the messages of
   * the batch already taken. Leaving the loop early (break, return, throw) puts
   * the messages taken but not yet handed out back on the queue, at its end.
   */
  messages(options: StreamOptions = {}): AsyncIterableIterator<Message> {
    return new MessageStream(this, options, (message) => this.#putBack(message));
  }

  /** Sends a message taken but not handed out back to the queue: through another handle once this one is closed. */
  async #putBack(message: Message): Promise<void> {
    const handle = this.#closed ? MessageQueue.fromId(this.id) : this;
    await handle.send(message.type, message.data);
  }

  /** close() was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The matching messages already waiting, up to `batch`, in one call into the addon. */
  #takeWaiting(type: MessageType, maxBytes: number, flags: number, batch: number): Message[] {
    try {
      return receiveNow(this.id, type, maxBytes, flags, batch);
    } catch (error) {
      throw this.#transferError(error);
    }
  }

  #receiveArguments(options: ReceiveOptions): { type: MessageType; maxBytes: number; flags: number } {
    return { type: options.type ?? 0, maxBytes: checkMaxBytes(options.maxBytes), flags: receiveFlags(options) };
  }

  /** Resolves with the messages taken; a cancelled wait rejects when `rejectOnCancel`, else gives []. */
  async #waitForMessages(
    options: ReceiveOptions,
    batch: number,
    pollMicros: number,
    signal: AbortSignal | undefined,
    rejectOnCancel: boolean,
  ): Promise<Message[]> {
    signal?.throwIfAborted();
    this.#assertOpen();
    const { type, maxBytes, flags } = this.#receiveArguments(options);
    const polled = await this.#poll(type, maxBytes, flags, batch, pollMicros, signal);
    if (polled.length > 0) return polled;
    if (signal?.aborted || this.#closed) {
      if (!rejectOnCancel) return [];
      throw this.#closed ? closedError() : abortError(signal!);
    }
    return this.#waitOnThread(type, maxBytes, flags, batch, signal, rejectOnCancel);
  }

  /** The messages taken by polling once per turn of the event loop for `micros`; [] when none came or on cancel. */
  async #poll(
    type: MessageType,
    maxBytes: number,
    flags: number,
    batch: number,
    micros: number,
    signal: AbortSignal | undefined,
  ): Promise<Message[]> {
    const deadline = monotonicMs() + micros / 1000;
    while (monotonicMs() < deadline) {
      await nextTurn(this.#keepsProcessAlive);
      if (signal?.aborted || this.#closed) return [];
      const taken = this.#takeWaiting(type, maxBytes, flags, batch);
      if (taken.length > 0) return taken;
    }
    return [];
  }

  #waitOnThread(
    type: MessageType,
    maxBytes: number,
    flags: number,
    batch: number,
    signal: AbortSignal | undefined,
    rejectOnCancel: boolean,
  ): Promise<Message[]> {
    return new Promise<Message[]>((resolve, reject) => {
      let cancelledBy: 'abort' | 'close' = 'abort';
      const jobId = withQueueErrors(this.#context, () =>
        native.startReceive(this.id, type, maxBytes, flags, batch, (errno, cancelled, messages: RawMessage[]) => {
          this.#finish(jobId, signal, onAbort);
          if (messages.length > 0) resolve(messages);
          else if (cancelled && !rejectOnCancel) resolve([]);
          else if (cancelled) reject(cancelledBy === 'close' ? closedError() : abortError(signal!));
          else reject(this.#transferError(queueError(errno, 'msgrcv', this.#context)));
        }),
      );
      const onAbort = (): void => void native.cancel(jobId);
      this.#track(jobId, signal, onAbort, (reason) => {
        cancelledBy = reason;
        native.cancel(jobId);
      });
    });
  }

  #track(
    jobId: number,
    signal: AbortSignal | undefined,
    onAbort: () => void,
    cancel: (reason: 'abort' | 'close') => void,
  ): void {
    this.#pending.set(jobId, { cancel });
    if (!this.#keepsProcessAlive) native.setRef(jobId, false);
    signal?.addEventListener('abort', onAbort, { once: true });
  }

  #finish(jobId: number, signal: AbortSignal | undefined, onAbort: () => void): void {
    this.#pending.delete(jobId);
    signal?.removeEventListener('abort', onAbort);
  }

  /** IPC_STAT. */
  stat(): QueueStatus {
    return toQueueStatus(withQueueErrors(this.#context, () => native.stat(this.id)));
  }

  /** IPC_SET for the fields given; the others keep their values. */
  set(changes: QueueChanges): void {
    const mode = changes.mode === undefined ? -1 : checkMode(changes.mode);
    withQueueErrors(this.#context, () =>
      native.set(this.id, changes.uid ?? -1, changes.gid ?? -1, mode, changes.qbytes ?? -1),
    );
  }

  /** IPC_RMID: the queue and its messages are gone; waiting callers everywhere get EIDRM. */
  remove(): void {
    withQueueErrors(this.#context, () => native.remove(this.id));
  }

  /** Cancels this handle's waiting calls (they reject with ERR_QUEUE_CLOSED); the queue itself stays. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const job of this.#pending.values()) job.cancel('close');
  }

  /** Waiting calls keep the process alive (the default). */
  ref(): this {
    this.#keepsProcessAlive = true;
    for (const jobId of this.#pending.keys()) native.setRef(jobId, true);
    return this;
  }

  /** Waiting calls no longer keep the process alive. */
  unref(): this {
    this.#keepsProcessAlive = false;
    for (const jobId of this.#pending.keys()) native.setRef(jobId, false);
    return this;
  }
}
