// The LED as the daemon sees it: the line plus the persisted commanded state,
// a steady level or a pattern playing. The state file is rewritten before the
// reply goes out; its fsync comes after, coalesced, so a burst of commands
// costs one flush per flush in flight. A pattern's edges are not saved, only
// its start and its end.
import type { LedLine } from './gpio/line.js';
import type { PatternSpec } from '../protocol/pattern.js';
import type { LedState } from '../protocol/reply.js';
import { type EdgeRecord, type PatternProgress, PatternPlayer } from './pattern-player.js';
import type { StateFile, StoredState } from './state-file.js';

export interface LedHooks {
  onPersistError(error: Error): void;
  /** A finite pattern ended by itself (the line is at its `then` state), or the line failed under it. */
  onPatternEnd?(spec: PatternSpec, error?: unknown): void;
  onEdge?(edge: EdgeRecord): void;
}

export class Led {
  readonly #line: LedLine;
  readonly #stateFile: StateFile | null;
  readonly #hooks: LedHooks;
  readonly #player: PatternPlayer;
  #unflushed = false;
  #flushing: Promise<void> | undefined;

  constructor(line: LedLine, stateFile: StateFile | null, hooks: LedHooks) {
    this.#line = line;
    this.#stateFile = stateFile;
    this.#hooks = hooks;
    this.#player = new PatternPlayer({
      set: (on) => this.#line.set(on),
      onEnd: (spec) => {
        try {
          this.#line.set(spec.then);
        } catch (error) {
          this.#hooks.onPatternEnd?.(spec, error);
          return;
        }
        this.#save({ on: spec.then });
        this.#hooks.onPatternEnd?.(spec);
      },
      onFailure: (spec, error) => this.#hooks.onPatternEnd?.(spec, error),
      ...(hooks.onEdge && { onEdge: hooks.onEdge }),
    });
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

  /** The pattern playing, if any. */
  get pattern(): PatternProgress | undefined {
    return this.#player.progress();
  }

  /** Drives the line to a steady level (GpioError when that fails), ending any pattern, then records it. */
  command(on: boolean): void {
    this.#player.stop();
    this.#line.set(on);
    this.#save({ on });
  }

  /**
   * Plays `spec`, replacing whatever played before, and records it; resumed
   * from `startedAt` after a restart. False when a finite pattern resumed
   * after its end: the LED is then put to its `then` state instead.
   */
  play(spec: PatternSpec, startedAt?: number): boolean {
    if (this.#player.start(spec, startedAt)) {
      this.#save({ on: spec.then, pattern: { spec, startedAt: this.#player.progress()!.startedAt } });
      return true;
    }
    this.command(spec.then);
    return false;
  }

  /** Ends a pattern without a new state (at exit: the exit state follows). */
  stopPattern(): void {
    this.#player.stop();
  }

  #save(state: StoredState): void {
    if (this.#stateFile === null) return;
    try {
      this.#stateFile.save(state);
    } catch (error) {
      this.#hooks.onPersistError(error as Error);
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
        this.#hooks.onPersistError(error as Error);
      }
    }
    this.#flushing = undefined;
  }
}
