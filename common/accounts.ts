// User and group names from /etc/passwd and /etc/group, without a native call.
import { readFileSync } from 'node:fs';

interface Entry {
  name: string;
  id: number;
}

/** name:x:id:... files: /etc/passwd and /etc/group share the first three fields. */
function readEntries(file: string): Entry[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .map((line) => line.split(':'))
      .filter((fields) => fields.length >= 3 && /^\d+$/.test(fields[2]!))
      .map((fields) => ({ name: fields[0]!, id: Number(fields[2]) }));
  } catch {
    return [];
  }
}

const readGroups = (): Entry[] => readEntries('/etc/group');

export function userName(uid: number): string | undefined {
  return readEntries('/etc/passwd').find((user) => user.id === uid)?.name;
}

/** "root (uid 0)" or "uid 1000". */
export function describeUser(uid: number): string {
  const name = userName(uid);
  return name === undefined ? `uid ${uid}` : `${name} (uid ${uid})`;
}

export function groupName(gid: number): string | undefined {
  return readGroups().find((group) => group.id === gid)?.name;
}

export function groupId(name: string): number | undefined {
  return readGroups().find((group) => group.name === name)?.id;
}

/** "gpio (gid 993)" or "gid 993". */
export function describeGroup(gid: number): string {
  const name = groupName(gid);
  return name === undefined ? `gid ${gid}` : `${name} (gid ${gid})`;
}
