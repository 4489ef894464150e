// System V IPC keys: range checks, ftok(3), and the textual forms accepted on
// command lines and in configuration files.
import { native } from './binding.js';
import { withQueueErrors } from './errors.js';

export const KEY_MIN = -0x8000_0000;
export const KEY_MAX = 0xffff_ffff;

/** The key as the kernel's signed 32-bit key_t. Key 0 is IPC_PRIVATE and is refused here. */
export function toKeyT(key: number): number {
  if (!Number.isInteger(key) || key < KEY_MIN || key > KEY_MAX) {
    throw new RangeError(`key ${key} is not a 32-bit integer (from ${KEY_MIN} to 0x${KEY_MAX.toString(16)})`);
  }
  if (key === 0) {
    throw new RangeError('key 0 is IPC_PRIVATE, which never names a shared queue; use MessageQueue.createPrivate()');
  }
  return key | 0;
}

/** How ipcs(1) prints a key: 0x and eight hex digits. */
export function formatKey(key: number): string {
  return `0x${(key >>> 0).toString(16).padStart(8, '0')}`;
}

export function ftok(path: string, projId: number): number {
  if (!Number.isInteger(projId) || projId < 1 || projId > 255) {
    throw new RangeError(`ftok project id must be an integer from 1 to 255, not ${projId}`);
  }
  return withQueueErrors(`path ${path}`, () => native.ftok(path, projId));
}

/** The project id used when a key is given as a bare path. */
export const DEFAULT_FTOK_PROJ_ID = 'L'.charCodeAt(0);

export const KEY_FORMS =
  'a decimal number (1234), 0x hex (0x4d2), 0o octal (0o2322), or an existing path for ftok(3) (/etc/ledd.key or /etc/ledd.key:76)';

/**
 * Parses a key as written by a person: decimal, 0x hex, 0o octal, or a path
 * (optionally `path:projId`) that ftok(3) turns into a key.
 */
export function parseKey(text: string): number {
  const trimmed = text.trim();
  if (trimmed.startsWith('/') || trimmed.startsWith('.')) {
    const match = /^(.*):(\d{1,3})$/.exec(trimmed);
    const path = match ? (match[1] as string) : trimmed;
    const projId = match ? Number(match[2]) : DEFAULT_FTOK_PROJ_ID;
    return ftok(path, projId);
  }
  let value: number;
  if (/^-?\d+$/.test(trimmed)) value = Number(trimmed);
  else if (/^0x[0-9a-f]+$/i.test(trimmed)) value = Number.parseInt(trimmed.slice(2), 16);
  else if (/^0o[0-7]+$/i.test(trimmed)) value = Number.parseInt(trimmed.slice(2), 8);
  else throw new RangeError(`"${text}" is not a queue key: give ${KEY_FORMS}`);
  return toKeyT(value);
}
