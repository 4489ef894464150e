// Loads the compiled addon and describes its raw interface. Everything else
// goes through queue.ts, which validates arguments and shapes errors.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

import type { QueueStatus, QueueTime } from './status.js';

export type MessageType = number | bigint;

/** struct msqid_ds as the addon returns it: times in seconds since the epoch, 0 for never. */
export type RawStatus = Omit<QueueStatus, QueueTime> & Record<QueueTime, number>;

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
  trySend(id: number, type: MessageType, data: Uint8Array, flags: number): boolean;
  /** Receives into `target` at `offset` (the long type, then the payload); the payload's length, or -1. */
  tryReceive(
    id: number,
    type: MessageType,
    maxBytes: number,
    flags: number,
    target: ArrayBuffer,
    offset: number,
  ): number;
  bindTypeSlots(slot: Float64Array, bigSlot: BigInt64Array): void;
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
  };
}

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const addonPath = path.join(packageRoot, 'native/build/Release/sysv_mq.node');

function load(): NativeBinding {
  const require = createRequire(import.meta.url);
  try {
    return require(addonPath) as NativeBinding;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `the System V message queue addon is not built (${addonPath}): ${reason}. ` +
        'Run `npm ci` (or `npm run build`) in the ledd directory; it needs g++, make and python3.',
    );
  }
}

export const native = load();

const typeSlot = new Float64Array(2);
const bigTypeSlot = new BigInt64Array(1);
native.bindTypeSlots(typeSlot, bigTypeSlot);

// Messages taken without waiting are received straight into a shared slab and
// handed out as views of it, as Buffer.allocUnsafe() does with its pool: no
// allocation per message. A new slab starts when the current one has no room
// for maxBytes more; a slab lives as long as a view of it does.
const SLAB_BYTES = 128 * 1024;
// The message's C long type precedes its payload: 8 bytes on LP64, 4 on 32-bit ARM.
const LONG_BYTES = native.constants.LONG_BITS / 8;
let slab = Buffer.allocUnsafeSlow(SLAB_BYTES).buffer;
let slabOffset = 0;

/** msgrcv with IPC_NOWAIT: the payload as a Buffer (its type via lastReceivedType()), or null when none matches. */
export function receiveNow(id: number, type: MessageType, maxBytes: number, flags: number): Buffer | null {
  const room = LONG_BYTES + maxBytes;
  let target: ArrayBuffer;
  let offset = 0;
  if (room <= SLAB_BYTES / 4) {
    if (slabOffset + room > SLAB_BYTES) {
      slab = Buffer.allocUnsafeSlow(SLAB_BYTES).buffer;
      slabOffset = 0;
    }
    target = slab;
    offset = slabOffset;
  } else {
    target = Buffer.allocUnsafeSlow(room).buffer;
  }
  const length = native.tryReceive(id, type, maxBytes, flags, target, offset);
  if (length < 0) return null;
  if (target === slab) slabOffset = offset + ((LONG_BYTES + length + 7) & ~7);
  return Buffer.from(target, offset + LONG_BYTES, length);
}

/** The type of the message the last tryReceive() returned. */
export function lastReceivedType(): MessageType {
  return typeSlot[1] === 0 ? (typeSlot[0] as number) : (bigTypeSlot[0] as bigint);
}
