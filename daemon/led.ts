// The LED as the daemon sees it: the line plus the persisted commanded state.
// The state file is rewritten before the reply goes out; its fsync comes after,
// coalesced, so a burst of commands costs one flush per flush in flight.
import type { LedLine } from './gpio/line.js';
import type { LedState } from '../protocol/reply.js';
import type { StateFile } from './state-file.js';

export class Led {
  readonly #line: LedLine;
  readonly #stateFile: StateFile | null;
  readonly #onPersistError: (error: Error) => void;
  #unflushed = false;
  #flushing: Promise<void> | undefined;

  constructor(line: LedLine, stateFile: StateFile | null, onPersistError: (error: Error) => void) {
    this.#line = line;
    this.#stateFile = stateFile;
    this.#onPersistError = onPersistError;
  }

  get on(): boolean {
    return this.#line.get();
  }

  get state(): LedState {
    return this.on ? 'ON' : 'OFF';
  }

  get line(): LedLine {
    return this.#line;
  }

  /** Drives the line (GpioError when that fails), then records the commanded state. */
  command(on: boolean): void {
    this.#line.set(on);
    if (this.#stateFile === null) return;
    try {
      this.#stateFile.save({ on });
    } catch (error) {
      this.#onPersistError(error as Error);
      return;
    }
    this.#unflushed = true;
    this.#flushing ??= this.#flushLoop(this.#stateFile);
  }

  /** Resolves once every recorded state is on the disk (or its failure reported), then closes the file. */
  async close(): Promise<void> {
    await this.#flushing;
    this.#stateFile?.close();
  }

  async #flushLoop(file: StateFile): Promise<void> {
    // Let the reply leave first.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.#unflushed) {
      this.#unflushed = false;
      try {
        await file.flush();
      } catch (error) {
        this.#onPersistError(error as Error);
      }
    }
    this.#flushing = undefined;
  }
}
