// Typed interface of the libgpiod 2.x addon (native/src/gpiod2/), built only
// where libgpiod 2.x is installed. Its errors carry `code` (EBUSY, EACCES...),
// `errno` (negative, as in Node), `syscall` (the libgpiod call) and `path`.
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

export interface Gpiod2LineRequest {
  /** Drives the logical value (active-low applied by the kernel). */
  setValue(value: 0 | 1): void;
  getValue(): 0 | 1;
  /** Gives the line back; later calls fail with EBADF. Releasing twice is harmless. */
  release(): void;
  readonly released: boolean;
}

export interface Gpiod2Chip {
  readonly path: string;
  info(): Gpiod2ChipInfo;
  /** The offset of the line with this name, or -1 when the chip has none. */
  lineOffset(name: string): number;
  lineInfo(offset: number): Gpiod2LineInfo;
  /** Requests the line as an output driven at `value` (logical) from the start. */
  requestOutput(offset: number, consumer: string, activeLow: boolean, value: 0 | 1): Gpiod2LineRequest;
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
