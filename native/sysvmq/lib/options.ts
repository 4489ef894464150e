// The messages and the options of the queue calls (types only).
import type { MessageType } from './binding.js';

export interface Message {
  /** A number while exact, a BigInt beyond 2^53. */
  type: MessageType;
  /**
   * The payload. Like the Buffers of Buffer.allocUnsafe() or of a socket's reads, it
   * may be a view into a larger shared ArrayBuffer (data.buffer): use data.byteOffset
   * and data.length, or copy it, when passing the underlying memory on.
   */
  data: Buffer;
}

export interface CreateOptions {
  /** IPC_EXCL: fail with EEXIST when a queue already exists for the key. */
  exclusive?: boolean;
  /** Permission bits, 0o600 unless given; nothing above 0o777. */
  mode?: number;
}

export interface ReceiveOptions {
  /** As msgrcv(2): 0 any (FIFO), > 0 that type, < 0 the lowest type up to |type|. Default 0. */
  type?: MessageType;
  /**
   * A receive that finds nothing first polls the queue from the event loop for
   * this many microseconds (each poll one turn of the loop, so timers and I/O
   * go on) before it waits on a thread. Default 50; 0 waits at once.
   */
  pollMicros?: number;
  /** Longest payload accepted; default kernel.msgmax. */
  maxBytes?: number;
  /** MSG_NOERROR: take a longer message truncated instead of failing with E2BIG. */
  noError?: boolean;
  /** MSG_EXCEPT: the first message whose type is not `type` (type must be > 0). */
  except?: boolean;
}

export interface WaitOptions {
  /** IPC_NOWAIT: fail at once (EAGAIN on a full queue, ENOMSG when nothing matches). */
  nowait?: boolean;
  /** Cancels a waiting call. A message it already took is still returned. */
  signal?: AbortSignal;
}

export interface StreamOptions extends ReceiveOptions {
  /** Ends the iteration (after messages already taken are yielded). */
  signal?: AbortSignal;
  /** Most messages taken per wake-up. Default 64. */
  batch?: number;
}

export interface QueueChanges {
  uid?: number;
  gid?: number;
  mode?: number;
  qbytes?: number;
}
