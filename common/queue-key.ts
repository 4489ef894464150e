// The queue key as people write it, on command lines and in configuration
// files: a number in decimal, hex or octal, or a path (with an optional
// project id) that ftok(3) turns into a key. The binding takes only numbers.
import { ftok, toKeyT } from '@ledd/sysvmq';

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
