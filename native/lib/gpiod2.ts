// Typed interface of the libgpiod 2.x addon (native/src/gpiod2/), built only
// where libgpiod 2.x is installed. Several lines of a chip are requested as
// outputs in one line request and set in one call. A failed libgpiod call
// throws a Gpiod2Error: `code` (EBUSY, EACCES...), `errno` (negative, as in
// Node), `syscall` (the libgpiod call) and `path`; bad arguments throw a
// TypeError saying what is wrong.
import { createRequire } from 'node:module';
import path from 'node:path';

import { packageRootOf } from './package-root.js';

export interface Gpiod2ChipInfo {
  /** gpiochip4 */
  name: string;
  /** pinctrl-rp1 */
  label: string;
  lines: number;
}

export interface Gpiod2LineInfo {
  offset: number;
  name: string | null;
  used: boolean;
  consumer: string | null;
}

export interface Gpiod2OutputLine {
  offset: number;
  /** Each line's own polarity: the kernel applies it (per-line settings in one request). */
  activeLow: boolean;
  /** The initial logical value. */
  value: 0 | 1;
}

/**
 * Lines of one chip requested together. Values are logical (each line's polarity applied by the kernel).
 * `offsets` given to setValues/getValues: 1 or more of the request's, none twice (else a TypeError).
 */
export interface Gpiod2LineRequest {
  /** The offsets requested, in the order given to requestOutputs. */
  readonly offsets: number[];
  /**
   * Drives the lines at `offsets` (each one of the request's) to `values` (logical), in one call
   * (gpiod_line_request_set_values_subset).
   */
  setValues(offsets: readonly number[], values: readonly (0 | 1)[]): void;
  /** The logical values of `offsets`, in one call (gpiod_line_request_get_values_subset). */
  getValues(offsets: readonly number[]): (0 | 1)[];
  /** Gives the lines back; later calls fail with EBADF. Releasing twice is harmless. */
  release(): void;
  readonly released: boolean;
}

export interface Gpiod2Chip {
  readonly path: string;
  info(): Gpiod2ChipInfo;
  /** The offset of the line with this name, or -1 when the chip has none. */
  lineOffset(name: string): number;
  lineInfo(offset: number): Gpiod2LineInfo;
  /**
   * Requests `lines` as outputs in one request, each driven at its `value` from the start.
   * 1 to 64 lines (GPIO_V2_LINES_MAX), no offset twice (else a TypeError).
   */
  requestOutputs(lines: readonly Gpiod2OutputLine[], consumer: string): Gpiod2LineRequest;
  /** Closes the chip; requests made through it stay valid. */
  close(): void;
}

export interface Gpiod2Binding {
  /** libgpiod's version, e.g. "2.2.1". */
  version(): string;
  Chip: new (path: string) => Gpiod2Chip;
}

/** What the addon's calls throw for a failed system call. */
export interface Gpiod2Error extends Error {
  code: string;
  errno: number;
  syscall: string;
  path?: string;
}

const packageRoot = packageRootOf(import.meta.url);
export const gpiod2AddonPath = path.join(packageRoot, 'native/build/Release/gpiod2.node');

let loaded: Gpiod2Binding | undefined;

/** Loads the addon; throws (the loader's error) when it was not built or libgpiod 2.x is missing. */
export function loadGpiod2(): Gpiod2Binding {
  loaded ??= createRequire(import.meta.url)(gpiod2AddonPath) as Gpiod2Binding;
  return loaded;
}
