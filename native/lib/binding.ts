// Loads the compiled addon and describes its raw interface. Everything else
// goes through queue.ts, which validates arguments and shapes errors.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export type MessageType = number | bigint;

export interface RawStatus {
  key: number;
  uid: number;
  gid: number;
  cuid: number;
  cgid: number;
  mode: number;
  qnum: number;
  qbytes: number;
  cbytes: number;
  lspid: number;
  lrpid: number;
  stime: number;
  rtime: number;
  ctime: number;
}

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
  tryReceive(id: number, type: MessageType, maxBytes: number, flags: number): Buffer | null;
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

/** The type of the message the last tryReceive() returned. */
export function lastReceivedType(): MessageType {
  return typeSlot[1] === 0 ? (typeSlot[0] as number) : (bigTypeSlot[0] as bigint);
}
