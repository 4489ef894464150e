// Waiting for something, always with a bound, and with a message that says what never happened.
import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

/**
 * LEDD_TEST_TIMEOUT_SCALE (default 1) multiplies the deadlines of waitFor and withTimeout
 * (and so of every wait for a child process): under an emulator such as qemu-user a
 * Node.js child takes seconds to start. Only deadlines for giving up are scaled, never a
 * bound a test asserts on how soon something happens.
 */
export const TIMEOUT_SCALE = scale('LEDD_TEST_TIMEOUT_SCALE');

/**
 * LEDD_TEST_BOUND_SCALE (default 1) multiplies the bounds tests assert on how soon
 * something happens (a cancel settles within 100 ms). Only for emulators, where every
 * step is several times slower and a bound kept at its native value measures the
 * emulator: the foreign-architecture test (qemu-user) sets it.
 */
export const BOUND_SCALE = scale('LEDD_TEST_BOUND_SCALE');

function scale(variable: string): number {
  const value = Number(process.env[variable] ?? '1');
  return Number.isFinite(value) && value >= 1 ? value : 1;
}

export interface WaitOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Poll this often (default 10 ms). */
  intervalMs?: number;
}

/** Polls `condition` until it returns a truthy value (which is returned), or fails naming `what`. */
export async function waitFor<T>(
  what: string,
  condition: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 10 }: WaitOptions = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs * TIMEOUT_SCALE;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs * TIMEOUT_SCALE} ms waiting for ${what}`);
    }
    await sleep(intervalMs);
  }
}

/** `promise`, or a rejection naming `what` when it has not settled within `ms`. */
export async function withTimeout<T>(what: string, promise: Promise<T>, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const scaled = ms * TIMEOUT_SCALE;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${scaled} ms waiting for ${what}`)), scaled);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether `promise` is still pending after the microtask queue and `ms` of the event loop have run. */
export async function isPending(promise: Promise<unknown>, ms = 0): Promise<boolean> {
  const marker = Symbol('pending');
  const settled = promise.then(
    () => undefined,
    () => undefined,
  );
  const result = await Promise.race([settled.then(() => undefined), sleep(ms, marker)]);
  return result === marker;
}

/** How a promise settled, for asserting on rejections without unhandled-rejection noise. */
export type Outcome<T> = { ok: true; value: T; at: number } | { ok: false; error: unknown; at: number };

/** Observes `promise` at once; `at` is performance.now() when it settled. */
export function outcome<T>(promise: Promise<T>): Promise<Outcome<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value, at: performance.now() }),
    (error: unknown) => ({ ok: false as const, error, at: performance.now() }),
  );
}
