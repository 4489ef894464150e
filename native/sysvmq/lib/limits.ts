// The kernel's message queue limits for this IPC namespace.
import { readFileSync } from 'node:fs';

function readLimit(name: string, fallback: number): number {
  try {
    const value = Number.parseInt(readFileSync(`/proc/sys/kernel/${name}`, 'utf8'), 10);
    return Number.isSafeInteger(value) && value > 0 ? value : fallback;
  } catch {
    return fallback;
  }
}

export interface QueueLimits {
  /** Largest message payload in bytes. */
  msgmax: number;
  /** Default capacity of a new queue in bytes. */
  msgmnb: number;
  /** Most queues the system allows. */
  msgmni: number;
}

let cached: QueueLimits | undefined;

export function queueLimits(): QueueLimits {
  cached ??= {
    msgmax: readLimit('msgmax', 8192),
    msgmnb: readLimit('msgmnb', 16384),
    msgmni: readLimit('msgmni', 32000),
  };
  return cached;
}
