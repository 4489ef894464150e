// One request to ledd and its acknowledgement.
import { formatKey, MessageQueue, QueueError, type QueueStatus } from '@ledd/sysvmq';

import { TYPE_COMMAND, TYPE_EXIT } from '../protocol/constants.js';
import type { Reply } from '../protocol/reply.js';
import { type RequestExtras, type Verb, formatRequest } from '../protocol/request.js';
import { ClientError, ClientExit } from './errors.js';
import { ReplyRouter } from './reply-router.js';

export interface Outcome {
  reply: Reply;
  /** IPC_STAT taken before the request, for status. */
  status?: QueueStatus;
  queueId: number;
}

export function notRunning(key: number): ClientError {
  return new ClientError(
    ClientExit.notRunning,
    `ledd is not running: no message queue exists for key ${formatKey(key)}. ` +
      'Start it with `sudo systemctl start ledd`, or try it without GPIO with `ledd --backend sim`.',
  );
}

// Loaded only on this error path: ledctl starts faster without it.
export async function permissionDenied(key: number): Promise<ClientError> {
  const { findQueueInProc } = await import('../common/sysvipc.js');
  const { describeGroup } = await import('../common/accounts.js');
  const entry = findQueueInProc(key);
  const group = entry ? `group ${describeGroup(entry.gid)}` : "the queue's group";
  return new ClientError(
    ClientExit.permission,
    `permission denied on ledd's queue (key ${formatKey(key)}): join ${group} ` +
      '(sudo usermod -aG GROUP $USER, then log in again), or run ledctl as that group',
  );
}

function timedOut(timeoutMs: number): ClientError {
  return new ClientError(
    ClientExit.timeout,
    `no answer from ledd within ${timeoutMs / 1000} s: it may be stopped or overloaded; ` +
      'the command stays queued and runs when ledd resumes (check: systemctl status ledd)',
  );
}

async function translate(error: unknown, key: number, verb: Verb, timeoutMs: number): Promise<never> {
  if (error instanceof ClientError) throw error;
  if (error instanceof QueueError) {
    if (error.code === 'EACCES') throw await permissionDenied(key);
    if (error.code === 'EIDRM' || error.code === 'EINVAL' || error.code === 'ENOENT') {
      throw new ClientError(
        ClientExit.notRunning,
        `ledd's queue (key ${formatKey(key)}) was removed before it answered the ${verb.toLowerCase()} command: ledd has exited`,
      );
    }
  }
  if ((error as Error | undefined)?.name === 'TimeoutError' || (error as Error | undefined)?.name === 'AbortError') {
    throw timedOut(timeoutMs);
  }
  throw new ClientError(ClientExit.failure, `unexpected error: ${(error as Error).message}`);
}

async function send(queue: MessageQueue, key: number, type: number, text: string, signal: AbortSignal): Promise<void> {
  try {
    await queue.send(type, text, { signal });
  } catch (error) {
    if (signal.aborted && !(error instanceof QueueError)) {
      throw new ClientError(
        ClientExit.queueFull,
        `ledd's queue (key ${formatKey(key)}) stayed full: ledd is not taking messages (stopped, or flooded)`,
      );
    }
    throw error;
  }
}

export async function exchange(
  verb: Verb,
  key: number,
  timeoutMs: number,
  extras: Pick<RequestExtras, 'leds' | 'pattern' | 'forMs'> = {},
): Promise<Outcome> {
  let queue: MessageQueue;
  try {
    queue = MessageQueue.open(key);
  } catch (error) {
    if (error instanceof QueueError && error.code === 'ENOENT') throw notRunning(key);
    throw error;
  }
  const signal = AbortSignal.timeout(timeoutMs);
  // Tells this request's reply from one left for an earlier process with our PID; not a secret.
  const id = Math.floor(Math.random() * 2 ** 48).toString(36);
  const router = ReplyRouter.for(queue);
  const replyType = router.replyType;
  try {
    const status = verb === 'STATUS' ? queue.stat() : undefined;
    const type = verb === 'EXIT' ? TYPE_EXIT : TYPE_COMMAND;
    await send(queue, key, type, formatRequest(verb, replyType, id, extras), signal);
    try {
      const reply = await router.next(id, signal);
      return { reply, queueId: queue.id, ...(status && { status }) };
    } catch (error) {
      // ledd removes its queue right after answering an exit; a reply already
      // handed to us arrives, one still queued is gone with the queue.
      if (verb === 'EXIT' && error instanceof QueueError && (error.code === 'EIDRM' || error.code === 'EINVAL')) {
        return {
          reply: { id, ok: true, state: 'OFF', fields: { exiting: 'yes', confirmed: 'queue-removed' } },
          queueId: queue.id,
        };
      }
      throw error;
    }
  } catch (error) {
    return translate(error, key, verb, timeoutMs);
  } finally {
    queue.close();
  }
}
