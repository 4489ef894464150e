// Loads the compiled addon and describes its raw interface. Everything else
// goes through queue.ts, which validates arguments and shapes errors.
import { Buffer } from 'node:buffer';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { RawStatus } from './status.js';

export type MessageType = number | bigint;

export interface RawMessage {
  type: MessageType;
  data: Buffer;
}

/** errno is negative (as in Node's own errors), 0 on success. */
export type ReceiveCallback = (errno: number, cancelled: boolean, messages: RawMessage[]) => void;
export type SendCallback = (errno: number, cancelled: boolean) => void;

export interface NativeBinding {
  msgget(key: number, flags: number): number;
  ftok(path: string, projId: number): number;
  // The hot calls take their numeric arguments from the call arguments (see below).
  /** msgsnd with IPC_NOWAIT to the queue whose id is the call argument ARG_ID. */
  trySend(type: MessageType, data: Uint8Array): boolean;
  /**
   * Takes up to maxCount messages into `target` from `offset` on (each its long type, then the
   * payload, 8-byte aligned); their lengths and types go to the batch slots. How many were taken.
   */
  tryReceive(type: MessageType, target: ArrayBuffer): number;
  /** Takes one message's payload into `target`; its length and type go to batch slot 0. 1 when taken, else 0. */
  tryReceiveInto(type: MessageType, target: Uint8Array): number;
  bindSlots(callArgs: Float64Array, batchSlots: Float64Array, bigTypeSlots: BigInt64Array): void;
  stat(id: number): RawStatus;
  set(id: number, uid: number, gid: number, mode: number, qbytes: number): void;
  remove(id: number): void;
  startReceive(
    id: number,
    type: MessageType,
    maxBytes: number,
    flags: number,
    batchMax: number,
    callback: ReceiveCallback,
  ): number;
  startSend(id: number, type: MessageType, data: Uint8Array, flags: number, callback: SendCallback): number;
  cancel(jobId: number): boolean;
  setRef(jobId: number, keepsProcessAlive: boolean): void;
  constants: {
    IPC_PRIVATE: number;
    IPC_CREAT: number;
    IPC_EXCL: number;
    IPC_NOWAIT: number;
    MSG_NOERROR: number;
    MSG_EXCEPT: number;
    LONG_BITS: number;
    LONG_MAX: bigint;
    LONG_MIN: bigint;
    /** Most messages one tryReceive() call takes. */
    MAX_BATCH: number;
    /** The slot of each call argument in callArgs, and how many there are. */
    CALL_ARGS: { id: number; maxBytes: number; flags: number; offset: number; maxCount: number; count: number };
  };
}

const require = createRequire(import.meta.url);

/**
 * The addon, found through this package's own name: the same from the
 * package's dist/lib/ and from a program bundled with it (ledd's
 * dist/ledd.cjs, whose node_modules holds this package's package.json and addon).
 */
function load(): NativeBinding {
  let packageJson: string;
  try {
    packageJson = require.resolve('@ledd/sysvmq/package.json');
  } catch {
    const from = path.dirname(fileURLToPath(import.meta.url));
    throw new Error(
      `the System V message queue binding is not installed: no node_modules/@ledd/sysvmq in ${from} or above it. ` +
        'Run `npm ci` in the ledd directory.',
    );
  }
  const addonPath = path.join(path.dirname(packageJson), 'build/Release/sysv_mq.node');
  try {
    return require(addonPath) as NativeBinding;
  } catch (error) {
    // The loader's first line ("Cannot find module ..."), not its require stack.
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new Error(
      `the System V message queue addon is not built (${addonPath}): ${reason}. ` +
        'Run `npm ci` (or `npm run build`) in the ledd directory; it needs g++, make and python3.',
    );
  }
}

export const native = load();

/** Most messages one receiveNow() takes. */
export const MAX_BATCH = native.constants.MAX_BATCH;
// For message i of the last tryReceive(): its payload length at [2i], its type
// at [2i + 1], or NaN there and the type in bigTypeSlots[i] beyond 2^53.
const batchSlots = new Float64Array(2 * MAX_BATCH);
const bigTypeSlots = new BigInt64Array(MAX_BATCH);
// The numeric arguments of trySend(), tryReceive() and tryReceiveInto(), written
// here before each call instead of passed: the addon reads them from memory,
// where converting each passed argument costs a Node-API call. The slots are
// the addon's CallArg (src/sync_calls.h).
const {
  id: ARG_ID,
  maxBytes: ARG_MAX_BYTES,
  flags: ARG_FLAGS,
  offset: ARG_OFFSET,
  maxCount: ARG_MAX_COUNT,
  count: CALL_ARG_COUNT,
} = native.constants.CALL_ARGS;
const callArgs = new Float64Array(CALL_ARG_COUNT);
native.bindSlots(callArgs, batchSlots, bigTypeSlots);

// Messages taken without waiting are received straight into a shared slab and
// handed out as views of it, as Buffer.allocUnsafe() does with its pool: no
// allocation per message. A new slab starts when the current one has no room
// for maxBytes more; a slab lives as long as a view of it does.
// 64 KiB: below glibc's mmap threshold (128 KiB), so that a new slab is heap
// memory that malloc reuses, not a fresh mapping to fault in page by page and
// unmap again (a 4 KiB sync loop ran 1.45 times as fast as with 128 KiB), and
// still room for four messages of the default maxBytes (msgmax, 8 KiB).
const SLAB_BYTES = 64 * 1024;
// The message's C long type precedes its payload: 8 bytes on LP64, 4 on 32-bit ARM.
const LONG_BYTES = native.constants.LONG_BITS / 8;
let slab = Buffer.allocUnsafeSlow(SLAB_BYTES).buffer;
let slabOffset = 0;

const aligned = (bytes: number): number => (bytes + 7) & ~7;

function typeAt(index: number): MessageType {
  const type = batchSlots[2 * index + 1]!;
  return Number.isNaN(type) ? bigTypeSlots[index]! : type;
}

// Where the next tryReceive() puts its messages: the slab at its free offset,
// or (for a maxBytes too big for the slab) an ArrayBuffer of its own. `cursor`
// is where the next message of the last tryReceive() starts in `target`.
let target: ArrayBuffer = slab;
let cursor = 0;

function reserve(maxBytes: number): void {
  const room = LONG_BYTES + maxBytes;
  if (room > SLAB_BYTES / 4) {
    target = Buffer.allocUnsafeSlow(room).buffer;
    cursor = 0;
    return;
  }
  if (slabOffset + room > SLAB_BYTES) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES).buffer;
    slabOffset = 0;
  }
  target = slab;
  cursor = slabOffset;
}

/** Message `index` of the last tryReceive(), as a view of where it was received. */
function nextMessage(index: number): RawMessage {
  const length = batchSlots[2 * index]!;
  const message = { type: typeAt(index), data: Buffer.from(target, cursor + LONG_BYTES, length) };
  cursor += aligned(LONG_BYTES + length);
  if (target === slab) slabOffset = cursor;
  return message;
}

/**
 * msgrcv with IPC_NOWAIT, up to `maxCount` (at most MAX_BATCH) times in one call: the messages
 * taken (none when none matches). An error after the first message ends the
 * batch early; the next call meets it.
 */
export function receiveNow(
  id: number,
  type: MessageType,
  maxBytes: number,
  flags: number,
  maxCount: number,
): RawMessage[] {
  const count = receiveIntoSlab(id, type, maxBytes, flags, maxCount);
  const messages: RawMessage[] = [];
  for (let i = 0; i < count; i++) messages.push(nextMessage(i));
  return messages;
}

/** receiveNow() for one message: the message, or null when none matches. */
export function receiveOneNow(id: number, type: MessageType, maxBytes: number, flags: number): RawMessage | null {
  return receiveIntoSlab(id, type, maxBytes, flags, 1) === 0 ? null : nextMessage(0);
}

function receiveIntoSlab(id: number, type: MessageType, maxBytes: number, flags: number, maxCount: number): number {
  reserve(maxBytes);
  callArgs[ARG_ID] = id;
  callArgs[ARG_MAX_BYTES] = maxBytes;
  callArgs[ARG_FLAGS] = flags;
  callArgs[ARG_OFFSET] = cursor;
  callArgs[ARG_MAX_COUNT] = maxCount;
  return native.tryReceive(type, target);
}

/** msgsnd with IPC_NOWAIT: true when sent, false when the queue is full. */
export function sendNow(id: number, type: MessageType, data: Uint8Array): boolean {
  callArgs[ARG_ID] = id;
  return native.trySend(type, data);
}

export interface ReceivedInto {
  type: MessageType;
  /** How many bytes of the target the payload fills. */
  length: number;
}

/** msgrcv with IPC_NOWAIT into the caller's `target`: the message's type and length, or null when none matches. */
export function receiveIntoNow(
  id: number,
  type: MessageType,
  maxBytes: number,
  flags: number,
  target: Uint8Array,
): ReceivedInto | null {
  callArgs[ARG_ID] = id;
  callArgs[ARG_MAX_BYTES] = maxBytes;
  callArgs[ARG_FLAGS] = flags;
  if (native.tryReceiveInto(type, target) === 0) return null;
  return { type: typeAt(0), length: batchSlots[0]! };
}
