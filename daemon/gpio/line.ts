// The one interface between the daemon and whatever drives the LED.
//
// Contract for every backend:
// - open (the backend's factory) requests every LED's line as an output with
//   consumer "ledd", all the lines of one chip in one request, each already
//   driven to its initial level; or it fails, holding nothing, with a
//   GpioError whose kind tells the daemon what to say: 'no-such-line',
//   'busy' (another consumer holds it; named when known), 'conflict' (two
//   LEDs on one line), 'permission' (the character device cannot be
//   opened), 'unavailable' (the backend's library is missing or not built),
//   or 'io'. When LEDs are named, the message starts with "LED <name>: ".
// - set(levels) drives the logical levels (active-low is the backend's
//   business) of several LEDs with one call per chip, so that the LEDs of
//   one chip change at the same instant; get(led) returns the level last
//   driven.
// - release() gives every line back; later calls are errors. It never
//   throws for lines already released.
// Nothing outside gpio/ knows which library drives the lines.

export type GpioErrorKind = 'no-such-line' | 'busy' | 'conflict' | 'permission' | 'unavailable' | 'io';

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

/** One LED's line as configured. */
export interface LedLineSpec {
  /** The LED's name, put before every error about its line; absent for ledd's one unnamed LED. */
  name?: string;
  /** Chip name (gpiochip4), path or label; absent: search every chip for the line by name. */
  chip?: string;
  /** Line name (GPIO17) or offset on `chip`. */
  line: string | number;
  activeLow: boolean;
  /** The level the line is driven at from the request on. */
  initial: boolean;
}

export interface LinesSpec {
  leds: readonly LedLineSpec[];
  consumer: string;
}

/** Every LED's line, requested together; an LED is its index in LinesSpec.leds. */
export interface LedLines {
  readonly backend: BackendName;
  readonly size: number;
  /** Where the LED's line was found, for logs and status, e.g. "GPIO17 on gpiochip4 line 17". */
  location(led: number): string;
  /** Drives each LED in `levels` to its level: one call per chip, so one chip's LEDs change together. */
  set(levels: ReadonlyMap<number, boolean>): void;
  get(led: number): boolean;
  /** Calls made to the library so far (each one request's set of values), for tests and benchmarks. */
  readonly calls: number;
  release(): void;
}
