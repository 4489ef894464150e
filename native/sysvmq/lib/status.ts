// IPC_STAT data of a queue, with times as Dates (null for "never").
export type QueueTime = 'stime' | 'rtime' | 'ctime';

export interface QueueStatus {
  key: number;
  /** Owner. */
  uid: number;
  gid: number;
  /** Creator. */
  cuid: number;
  cgid: number;
  /** Permission bits (0o777) of msg_perm.mode. */
  mode: number;
  /** Messages on the queue. */
  qnum: number;
  /** Capacity in bytes (msg_qbytes). */
  qbytes: number;
  /** Bytes on the queue. */
  cbytes: number;
  /** PID of the last msgsnd, 0 for none. */
  lspid: number;
  /** PID of the last msgrcv, 0 for none. */
  lrpid: number;
  /** Last msgsnd. */
  stime: Date | null;
  /** Last msgrcv. */
  rtime: Date | null;
  /** Last change (creation or IPC_SET). */
  ctime: Date | null;
}

/** struct msqid_ds as the addon returns it: times in seconds since the epoch, 0 for never. */
export type RawStatus = Omit<QueueStatus, QueueTime> & Record<QueueTime, number>;

function toDate(seconds: number): Date | null {
  return seconds === 0 ? null : new Date(seconds * 1000);
}

export function toQueueStatus(raw: RawStatus): QueueStatus {
  return {
    ...raw,
    mode: raw.mode & 0o777,
    stime: toDate(raw.stime),
    rtime: toDate(raw.rtime),
    ctime: toDate(raw.ctime),
  };
}
