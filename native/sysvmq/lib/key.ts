// System V IPC keys: range checks and ftok(3). How people write a key is the
// application's (ledd's common/queue-key.ts), not the binding's.
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
