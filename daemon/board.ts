// Every LED as the daemon sees it: the lines plus each LED's persisted
// commanded state, a steady level or a pattern it plays. LEDs that play one
// pattern together follow one schedule and are set with one call per chip;
// a command for some of them takes those out of the pattern and the others
// play on. The state file is rewritten before the reply goes out; its fsync
// comes after, coalesced, so a burst of commands costs one flush per flush in
// flight. A pattern's edges are not saved, only its start and its end.
import type { LedLines } from './gpio/line.js';
import type { LedReport } from '../protocol/leds.js';
import { type PatternSpec, widthOf } from '../protocol/pattern.js';
import type { LedState } from '../protocol/reply.js';
import { EdgeClock } from './edge-clock.js';
import { type EdgeRecord, type PatternProgress, PatternPlayer } from './pattern-player.js';
import type { StateFile, StoredLed, StoredPattern, StoredState } from './state-file.js';

export interface BoardHooks {
  onPersistError(error: Error): void;
  /** A finite pattern ended by itself (its LEDs are at its `then` level), or the lines failed under it. */
  onPatternEnd?(leds: readonly number[], spec: PatternSpec, error?: unknown): void;
  onEdge?(edge: EdgeRecord, leds: readonly number[]): void;
}

/**
 * A pattern playing on some LEDs: every step sets them all, to one level for
 * all or (columns) each to its own.
 */
class Show {
  readonly members: Set<number>;
  /** The LED of each of a step's levels, null once it left; null for a pattern of one level for all. */
  readonly columns: (number | null)[] | null;
  readonly player: PatternPlayer;
  stored: StoredPattern | undefined;

  constructor(leds: readonly (number | null)[], wide: boolean, player: PatternPlayer) {
    this.members = new Set(leds.filter((led): led is number => led !== null));
    this.columns = wide ? [...leds] : null;
    this.player = player;
  }

  /** Each step's levels by LED, made once (a step's `levels` is the same array every cycle). */
  readonly #byStep = new Map<readonly boolean[], ReadonlyMap<number, boolean>>();

  /** Each member's level for a step's `levels`. */
  levels(levels: readonly boolean[]): ReadonlyMap<number, boolean> {
    let set = this.#byStep.get(levels);
    if (!set) {
      set = this.columns
        ? new Map(this.columns.flatMap((led, column) => (led === null ? [] : [[led, levels[column]!] as const])))
        : new Map([...this.members].map((led) => [led, levels[0]!] as const));
      this.#byStep.set(levels, set);
    }
    return set;
  }

  leave(led: number, names: readonly string[]): void {
    this.#byStep.clear();
    this.members.delete(led);
    if (!this.columns) return;
    const column = this.columns.indexOf(led);
    if (column !== -1) this.columns[column] = null;
    if (this.stored) this.stored.columns = this.columns.map((member) => (member === null ? null : names[member]!));
  }
}

export class Board {
  readonly lines: LedLines;
  readonly names: readonly string[];
  readonly #stateFile: StateFile | null;
  readonly #hooks: BoardHooks;
  /** Each LED's commanded level: steady, or the level its pattern ends in. */
  readonly #commanded: boolean[];
  readonly #shows: (Show | undefined)[];
  /** One timer for every pattern's next edge. */
  readonly #clock = new EdgeClock();
  #unflushed = false;
  #flushing: Promise<void> | undefined;

  constructor(lines: LedLines, names: readonly string[], stateFile: StateFile | null, hooks: BoardHooks) {
    this.lines = lines;
    this.names = names;
    this.#stateFile = stateFile;
    this.#hooks = hooks;
    this.#commanded = names.map((_, led) => lines.get(led));
    this.#shows = names.map(() => undefined);
  }

  get size(): number {
    return this.names.length;
  }

  /** The LED's index, or undefined when no LED has this name. */
  indexOf(name: string): number | undefined {
    const index = this.names.indexOf(name);
    return index === -1 ? undefined : index;
  }

  on(led: number): boolean {
    return this.lines.get(led);
  }

  state(led: number): LedState {
    return this.on(led) ? 'ON' : 'OFF';
  }

  /** The pattern the LED plays, if any (shared with the LEDs playing it too). */
  pattern(led: number): PatternProgress | undefined {
    return this.#shows[led]?.player.progress();
  }

  report(led: number): LedReport {
    const progress = this.pattern(led);
    return {
      name: this.names[led]!,
      state: this.state(led),
      pattern: progress
        ? {
            kind: progress.spec.name,
            cyclesLeft: progress.cyclesLeft,
            then: progress.spec.then ? 'on' : 'off',
            ...(progress.spec.label !== undefined && { label: progress.spec.label }),
          }
        : null,
    };
  }

  /**
   * Drives `leds` to steady `levels` in one call per chip (GpioError when that
   * fails, nothing recorded), taking them out of any pattern, then records it.
   */
  command(leds: readonly number[], levels: readonly boolean[]): void {
    this.lines.set(new Map(leds.map((led, index) => [led, levels[index]!])));
    this.#leave(leds);
    leds.forEach((led, index) => (this.#commanded[led] = levels[index]!));
    this.#save();
  }

  /**
   * Plays `spec` on `leds` together, replacing whatever they did, and records
   * it; resumed from `startedAt` after a restart. A pattern whose steps give
   * several levels gives the LEDs in `leds` one each, in order (null: a level
   * for an LED no longer in it); one of one level sets them all alike. False
   * when a finite pattern resumed after its end: the LEDs are then put to its
   * `then` level instead. A failure to set the first level throws (GpioError)
   * and changes nothing.
   */
  play(leds: readonly (number | null)[], spec: PatternSpec, startedAt?: number): boolean {
    const wide = widthOf(spec) > 1;
    if (wide && leds.length !== widthOf(spec))
      throw new RangeError(`a pattern of ${widthOf(spec)} levels a step played on ${leds.length} LEDs`);
    const show: Show = new Show(
      leds,
      wide,
      new PatternPlayer(
        {
          set: (levels) => this.lines.set(show.levels(levels)),
          onEnd: (ended) => this.#ended(show, ended),
          onFailure: (failed, error) => this.#failed(show, failed, error),
          ...(this.#hooks.onEdge && { onEdge: (edge) => this.#hooks.onEdge!(edge, [...show.members]) }),
        },
        this.#clock,
      ),
    );
    const members = [...show.members];
    if (members.length === 0) throw new RangeError('a pattern for no LED');
    if (!show.player.start(spec, startedAt)) {
      this.command(
        members,
        members.map(() => spec.then),
      );
      return false;
    }
    this.#leave(members);
    show.stored = {
      spec,
      startedAt: show.player.progress()!.startedAt,
      ...(show.columns && { columns: show.columns.map((led) => (led === null ? null : this.names[led]!)) }),
    };
    for (const led of members) {
      this.#shows[led] = show;
      this.#commanded[led] = spec.then;
    }
    this.#save();
    return true;
  }

  /** Ends every pattern without a new state (at exit: the exit state follows, or the next ledd resumes them). */
  stopPatterns(): void {
    for (const show of new Set(this.#shows)) show?.player.stop();
    this.#shows.fill(undefined);
  }

  /** Takes `leds` out of the patterns they play; a pattern left with no LED stops. */
  #leave(leds: readonly number[]): void {
    for (const led of leds) {
      const show = this.#shows[led];
      if (!show) continue;
      show.leave(led, this.names);
      this.#shows[led] = undefined;
      if (show.members.size === 0) show.player.stop();
    }
  }

  #ended(show: Show, spec: PatternSpec): void {
    const leds = [...show.members];
    for (const led of leds) this.#shows[led] = undefined;
    try {
      this.lines.set(new Map(leds.map((led) => [led, spec.then])));
    } catch (error) {
      this.#hooks.onPatternEnd?.(leds, spec, error);
      return;
    }
    this.#save();
    this.#hooks.onPatternEnd?.(leds, spec);
  }

  #failed(show: Show, spec: PatternSpec, error: unknown): void {
    const leds = [...show.members];
    for (const led of leds) this.#shows[led] = undefined;
    this.#hooks.onPatternEnd?.(leds, spec, error);
  }

  /** What the state file holds: every LED's commanded level, and the patterns with their LEDs. */
  #stored(): StoredState {
    return new Map(
      this.names.map((name, led): [string, StoredLed] => {
        const stored = this.#shows[led]?.stored;
        return [name, { on: this.#commanded[led]!, ...(stored && { pattern: stored }) }];
      }),
    );
  }

  #save(): void {
    if (this.#stateFile === null) return;
    try {
      this.#stateFile.save(this.#stored());
    } catch (error) {
      this.#hooks.onPersistError(error as Error);
      return;
    }
    this.#unflushed = true;
    this.#flushing ??= this.#flushLoop(this.#stateFile);
  }

  /** Resolves once every recorded state is on the disk (or its failure reported), then closes the file. */
  async close(): Promise<void> {
    this.#clock.close();
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
