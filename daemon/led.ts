// The LED as the daemon sees it: the line plus the persisted commanded state.
import type { LedLine } from './gpio/line.js';
import type { LedState } from './protocol/reply.js';
import { writeState } from './state-file.js';

export class Led {
  readonly #line: LedLine;
  readonly #stateFile: string | null;

  constructor(line: LedLine, stateFile: string | null) {
    this.#line = line;
    this.#stateFile = stateFile;
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

  /**
   * Drives the line (GpioError when that fails), then records the commanded
   * state; returns the error of a failed write, which does not undo the change.
   */
  command(on: boolean): Error | undefined {
    this.#line.set(on);
    if (this.#stateFile === null) return undefined;
    try {
      writeState(this.#stateFile, { on });
      return undefined;
    } catch (error) {
      return error as Error;
    }
  }
}
