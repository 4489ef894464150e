// The one interface between the daemon and whatever drives the LED.
//
// Contract for every backend:
// - open (the backend's factory) requests the line as an output with consumer
//   "ledd", already driven to the requested initial level, or fails with a
//   GpioError whose kind tells the daemon what to say: 'no-such-line',
//   'busy' (another consumer holds it; named when known), 'permission'
//   (the character device cannot be opened), 'unavailable' (the backend's
//   library is missing or not built), or 'io'.
// - set(on) drives the logical level (active-low is the backend's business);
//   get() returns the level last driven.
// - release() gives the line back; later calls are errors. It never throws
//   for a line already released.
// Nothing outside gpio/ knows which library drives the line.

export type GpioErrorKind = 'no-such-line' | 'busy' | 'permission' | 'unavailable' | 'io';

export class GpioError extends Error {
  readonly kind: GpioErrorKind;

  constructor(kind: GpioErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GpioError';
    this.kind = kind;
  }
}

/** What drives an open line: node-libgpiod (libgpiod 1.x), ledd's own libgpiod 2.x binding, or the simulation. */
export type BackendName = 'libgpiod1' | 'libgpiod2' | 'sim';

/**
 * What --backend accepts: a backend, or `auto` (the default): the libgpiod
 * binding this machine built, never the simulation. `libgpiod` means `auto`
 * (the name from before there were two bindings).
 */
export const BACKEND_CHOICES = ['auto', 'libgpiod', 'libgpiod1', 'libgpiod2', 'sim'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface LineSpec {
  /** Chip name (gpiochip4), path or label; absent: search every chip for the line by name. */
  chip?: string;
  /** Line name (GPIO17) or offset on `chip`. */
  line: string | number;
  activeLow: boolean;
  consumer: string;
  initial: boolean;
}

export interface LedLine {
  readonly backend: BackendName;
  /** Where the line was found, for logs and status, e.g. "GPIO17 on gpiochip4 line 17". */
  readonly location: string;
  set(on: boolean): void;
  get(): boolean;
  release(): void;
}
