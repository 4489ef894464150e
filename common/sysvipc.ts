// /proc/sysvipc/msg is readable by every user: it tells a queue's owner and
// group even to a process that may not IPC_STAT the queue.
import { readFileSync } from 'node:fs';

import { describeGroup } from './accounts.js';

export interface ProcQueueEntry {
  key: number;
  id: number;
  mode: number;
  uid: number;
  gid: number;
  cuid: number;
  cgid: number;
}

export function findQueueInProc(key: number): ProcQueueEntry | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/sysvipc/msg', 'utf8');
  } catch {
    return undefined;
  }
  const [header, ...rows] = text.trim().split('\n');
  const columns = header!.trim().split(/\s+/);
  const at = (fields: string[], name: string): number => Number(fields[columns.indexOf(name)]);
  for (const row of rows) {
    const fields = row.trim().split(/\s+/);
    if ((at(fields, 'key') | 0) !== (key | 0)) continue;
    return {
      key: at(fields, 'key'),
      id: at(fields, 'msqid'),
      mode: Number.parseInt(fields[columns.indexOf('perms')]!, 8),
      uid: at(fields, 'uid'),
      gid: at(fields, 'gid'),
      cuid: at(fields, 'cuid'),
      cgid: at(fields, 'cgid'),
    };
  }
  return undefined;
}

export function describeQueueFromProc(key: number): string | undefined {
  const entry = findQueueInProc(key);
  if (!entry) return undefined;
  return `belongs to uid ${entry.uid}, group ${describeGroup(entry.gid)} (created by uid ${entry.cuid}, mode 0${(entry.mode & 0o777).toString(8)})`;
}
