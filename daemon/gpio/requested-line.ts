// The LedLine both libgpiod backends hand out: a line already requested as an
// output, driven through whatever handle the library returned for it.
import { errorMessage } from './chips.js';
import { type BackendName, GpioError, type LedLine } from './line.js';

/** What a libgpiod binding gives for a requested output line. */
export interface OutputHandle {
  setValue(value: 0 | 1): void;
  release(): void;
}

export class RequestedLine implements LedLine {
  readonly backend: BackendName;
  readonly location: string;
  readonly #handle: OutputHandle;
  // eslint-disable-next-line no-unused-private-class-members -- held, never read
  readonly #keepAlive: unknown;
  #on: boolean;
  #released = false;

  /**
   * `keepAlive` is held for as long as the line is: node-libgpiod's Line does
   * not keep its Chip alive, and a collected Chip closes the chip
   * (gpiod_chip_close), which releases and frees the line under us.
   */
  constructor(backend: BackendName, handle: OutputHandle, location: string, initial: boolean, keepAlive?: unknown) {
    this.backend = backend;
    this.#handle = handle;
    this.location = location;
    this.#on = initial;
    this.#keepAlive = keepAlive;
  }

  set(on: boolean): void {
    try {
      this.#handle.setValue(on ? 1 : 0);
    } catch (error) {
      throw new GpioError('io', `setting ${this.location} failed: ${errorMessage(error)}`, { cause: error });
    }
    this.#on = on;
  }

  get(): boolean {
    return this.#on;
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#handle.release();
  }
}
