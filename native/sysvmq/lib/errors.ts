// Errors from the queue calls, shaped like Node's fs errors (code, errno,
// syscall) with a message that says what went wrong in the queue's terms.
import os from 'node:os';
import util from 'node:util';

export class QueueError extends Error {
  readonly code: string;
  readonly errno: number;
  readonly syscall: string;

  constructor(message: string, code: string, errno: number, syscall: string) {
    super(message);
    this.name = 'QueueError';
    this.code = code;
    this.errno = errno;
    this.syscall = syscall;
  }
}

const descriptions: Record<string, string> = {
  'msgget:ENOENT': 'no message queue exists for this key',
  'msgget:EEXIST': 'a message queue already exists for this key',
  'msgget:EACCES': 'a queue exists for this key, but its mode does not give this user the access asked for',
  'msgget:ENOSPC': 'the system-wide limit on message queues (kernel.msgmni) is reached',
  'msgsnd:EACCES': 'no write permission on the queue (its mode does not allow this user to send)',
  'msgsnd:EAGAIN': 'the queue is full (kernel.msgmnb bytes or messages) and IPC_NOWAIT was given',
  'msgsnd:EIDRM': 'the queue was removed (IPC_RMID)',
  'msgsnd:EINVAL': 'the message is larger than kernel.msgmax',
  'msgrcv:EACCES': 'no read permission on the queue (its mode does not allow this user to receive)',
  'msgrcv:E2BIG': 'the message is longer than maxBytes; it was left on the queue (pass noError to take it truncated)',
  'msgrcv:ENOMSG': 'no message of the requested type is on the queue',
  'msgrcv:EIDRM': 'the queue was removed (IPC_RMID)',
  'msgrcv:EINVAL': 'maxBytes or the flags are invalid',
  'msgctl:EACCES': 'no read permission on the queue',
  'msgctl:EPERM': "only the queue's owner, its creator or a privileged process may change or remove it",
  'msgctl:EINVAL': 'the queue does not exist (any more)',
  'msgctl:EIDRM': 'the queue was removed',
  'ftok:ENOENT': 'the path given for the key does not exist',
  'ftok:EACCES': 'the path given for the key cannot be reached (permission denied)',
};

interface NativeErrnoError {
  errno: number;
  syscall: string;
}

function isNativeErrnoError(error: unknown): error is Error & NativeErrnoError {
  return error instanceof Error && typeof (error as Partial<NativeErrnoError>).errno === 'number';
}

// libuv's own map lacks the System V codes (EIDRM, ENOMSG), so names come from os.constants.
// Where two names share a number (EAGAIN and EWOULDBLOCK), the first listed wins, as with
// util.getSystemErrorName: the descriptions above and callers match on EAGAIN.
const errnoNames = new Map<number, string>();
for (const [name, value] of Object.entries(os.constants.errno)) {
  if (!errnoNames.has(value)) errnoNames.set(value, name);
}

export function errnoName(errno: number): string {
  return errnoNames.get(Math.abs(errno)) ?? `errno ${Math.abs(errno)}`;
}

/** errno as Node gives it: negative. */
export function queueError(errno: number, syscall: string, context?: string): QueueError {
  const code = errnoName(errno);
  const description =
    descriptions[`${syscall}:${code}`] ?? util.getSystemErrorMap().get(errno)?.[1] ?? `system error ${code}`;
  const prefix = context ? `${syscall} (${context})` : syscall;
  return new QueueError(`${prefix}: ${description} (${code})`, code, errno, syscall);
}

/** A native call's errno error as a QueueError; any other error as it is. */
export function asQueueError(error: unknown, context: string | undefined): unknown {
  return isNativeErrnoError(error) ? queueError(error.errno, error.syscall, context) : error;
}

/** Runs a native call, turning its errno errors into QueueErrors. */
export function withQueueErrors<T>(context: string | undefined, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw asQueueError(error, context);
  }
}
