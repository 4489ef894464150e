// Creating the queue, or adopting one that this same user created before
// (after a crash). A queue another user created or owns is never adopted:
// its owner could read and forge every command.
import { formatKey, MessageQueue, QueueError } from '@ledd/sysvmq';

import { describeQueueFromProc } from '../common/sysvipc.js';

export class QueueOwnershipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueueOwnershipError';
  }
}

export interface QueueSettings {
  key: number;
  mode: number;
  gid: number | undefined;
}

export interface OwnedQueue {
  queue: MessageQueue;
  adopted: boolean;
}

function refuse(key: number, owner: string): QueueOwnershipError {
  const shown = formatKey(key);
  return new QueueOwnershipError(
    `a message queue for key ${shown} already exists and ${owner}; ledd only adopts a queue its own user created. ` +
      `If it is stale, remove it (ipcrm -Q ${shown}); otherwise give ledd another --key.`,
  );
}

export function ownQueue(settings: QueueSettings): OwnedQueue {
  const uid = process.geteuid!();
  let queue: MessageQueue;
  let adopted = false;
  try {
    queue = MessageQueue.create(settings.key, { exclusive: true, mode: settings.mode });
  } catch (error) {
    if (!(error instanceof QueueError) || error.code !== 'EEXIST') throw error;
    queue = MessageQueue.open(settings.key);
    adopted = true;
    let status;
    try {
      status = queue.stat();
    } catch (statError) {
      if (statError instanceof QueueError && statError.code === 'EACCES') {
        throw refuse(settings.key, describeQueueFromProc(settings.key) ?? 'ledd may not even read it');
      }
      throw statError;
    }
    if (status.uid !== uid || status.cuid !== uid) {
      throw refuse(
        settings.key,
        `belongs to uid ${status.uid} (created by uid ${status.cuid}, mode 0${status.mode.toString(8)})`,
      );
    }
  }
  // The mode is set again on an adopted queue; the group is set on every queue.
  queue.set({ mode: settings.mode, ...(settings.gid !== undefined && { gid: settings.gid }) });
  return { queue, adopted };
}
