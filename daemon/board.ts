// Every LED as the daemon sees it: the lines plus each LED's persisted
// commanded state, a steady level or a pattern it plays. LEDs that play one
// pattern together follow one schedule and are set with one call per chip;
// a command for some of them takes those out of the pattern and the others
// play on. A timed command lies over an LED's state as a layer of its own
// until its end; what lies under it keeps its schedule unseen (a pattern
// with no LED showing it is paused, and resumed where its schedule has got
// to), and shows again when the layer goes. The state file is rewritten
// before the reply goes out; its fsync comes after, coalesced, so a burst of
// commands costs one flush per flush in flight. A pattern's edges are not
// saved, only its start and its end.
import type { LedLines } from './gpio/line.js';
import type { LedReport } from '../protocol/leds.js';
import { type PatternSpec, widthOf } from '../protocol/pattern.js';
import type { LedState } from '../protocol/reply.js';
import { type AfterReport, MAX_TIMED_DEPTH } from '../protocol/timed.js';
import { EdgeClock, type TimedEdge } from './edge-clock.js';
import { type EdgeRecord, type PatternProgress, PatternPlayer } from './pattern-player.js';
import type { StateFile, StoredLed, StoredPattern, StoredState, StoredTimed } from './state-file.js';

export interface BoardHooks {
  onPersistError(error: Error): void;
  /** A finite pattern ended by itself (its LEDs are at its `then` level), or the lines failed under it. */
  onPatternEnd?(leds: readonly number[], spec: PatternSpec, error?: unknown): void;
  onEdge?(edge: EdgeRecord, leds: readonly number[]): void;
  /** A timed state ended: `leds` show what lay under it (or the lines failed doing so). */
  onTimedEnd?(leds: readonly number[], error?: unknown): void;
}

/**
 * A pattern playing on some LEDs: every step sets them all, to one level for
 * all or (columns) each to its own.
 */
class Show {
  /** Its LEDs, in whichever layer. */
  readonly members: Set<number>;
  /** The members it is the top layer of: the LEDs it sets. */
  readonly visible: Set<number>;
  /** The LED of each of a step's levels, null once it left; null for a pattern of one level for all. */
  readonly columns: (number | null)[] | null;
  readonly player: PatternPlayer;
  stored: StoredPattern | undefined;

  constructor(leds: readonly (number | null)[], wide: boolean, player: PatternPlayer) {
    this.members = new Set(leds.filter((led): led is number => led !== null));
    this.visible = new Set(this.members);
    this.columns = wide ? [...leds] : null;
    this.player = player;
  }

  /** Each step's levels by LED, made once (a step's `levels` is the same array every cycle). */
  readonly #byStep = new Map<readonly boolean[], ReadonlyMap<number, boolean>>();

  /** Each visible member's level for a step's `levels`. */
  levels(levels: readonly boolean[]): ReadonlyMap<number, boolean> {
    let set = this.#byStep.get(levels);
    if (!set) {
      const shown = (led: number | null): led is number => led !== null && this.visible.has(led);
      set = this.columns
        ? new Map(this.columns.flatMap((led, column) => (shown(led) ? [[led, levels[column]!] as const] : [])))
        : new Map([...this.visible].map((led) => [led, levels[0]!] as const));
      this.#byStep.set(levels, set);
    }
    return set;
  }

  /** Sets which members it shows on; true when that changed. */
  showOn(visible: ReadonlySet<number>): boolean {
    if (visible.size === this.visible.size && [...visible].every((led) => this.visible.has(led))) return false;
    this.visible.clear();
    for (const led of visible) this.visible.add(led);
    this.#byStep.clear();
    return true;
  }

  get paused(): boolean {
    return this.player.progress() === undefined;
  }

  leave(led: number, names: readonly string[]): void {
    this.#byStep.clear();
    this.members.delete(led);
    this.visible.delete(led);
    if (!this.columns) return;
    const column = this.columns.indexOf(led);
    if (column !== -1) this.columns[column] = null;
    if (this.stored) this.stored.columns = this.columns.map((member) => (member === null ? null : names[member]!));
  }
}

/** A timed command: when it ends, its layer goes from each of its LEDs. */
class Timed implements TimedEdge {
  readonly members = new Set<number>();
  /** What the state file keeps of it: its end, and the pattern it plays. */
  readonly stored: StoredTimed;

  constructor(
    readonly dueMs: number,
    readonly fire: () => void,
  ) {
    this.stored = { until: dueMs };
  }
}

/** One layer of an LED's state: the base, or a timed one over it. */
interface Layer {
  /** The steady level, or the level its pattern ends in. */
  level: boolean;
  show?: Show | undefined;
  timed?: Timed;
}

export class Board {
  readonly lines: LedLines;
  readonly names: readonly string[];
  readonly #stateFile: StateFile | null;
  readonly #hooks: BoardHooks;
  /** Each LED's layers, the base first; the last is what the LED shows. */
  readonly #stacks: Layer[][];
  /** One timer for every pattern's next edge and every timed state's end. */
  readonly #clock = new EdgeClock();
  #unflushed = false;
  #flushing: Promise<void> | undefined;

  constructor(lines: LedLines, names: readonly string[], stateFile: StateFile | null, hooks: BoardHooks) {
    this.lines = lines;
    this.names = names;
    this.#stateFile = stateFile;
    this.#hooks = hooks;
    this.#stacks = names.map((_, led) => [{ level: lines.get(led) }]);
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

  #top(led: number): Layer {
    return this.#stacks[led]!.at(-1)!;
  }

  /** The pattern the LED shows, if any (shared with the LEDs playing it too). */
  pattern(led: number): PatternProgress | undefined {
    return this.#top(led).show?.player.progress();
  }

  /** When the LED's timed state ends (epoch ms), if it is in one. */
  until(led: number): number | undefined {
    return this.#top(led).timed?.dueMs;
  }

  report(led: number): LedReport {
    const progress = this.pattern(led);
    const stack = this.#stacks[led]!;
    const timed = this.#top(led).timed;
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
      ...(timed && { timed: { until: timed.dueMs, after: this.#after(stack.at(-2)!) } }),
    };
  }

  /** What a layer shows once the layers over it are gone. */
  #after(layer: Layer): AfterReport {
    const spec = layer.show?.stored?.spec;
    if (!spec) return { kind: layer.level ? 'on' : 'off' };
    return { kind: spec.name, ...(spec.label !== undefined && { label: spec.label }) };
  }

  /**
   * Why a timed state ending at `until` cannot go over `leds`' (they hold as
   * many as they may, each ending later than the one over it), or undefined.
   */
  timedProblem(leds: readonly number[], until: number): string | undefined {
    for (const led of leds) {
      const under = this.#stacks[led]!.filter((layer) => layer.timed && layer.timed.dueMs > until).length;
      if (under >= MAX_TIMED_DEPTH)
        return (
          `LED ${this.names[led]} holds ${under} timed states, each ending before the one under it: ` +
          `wait for one to end, or send the command without for=`
        );
    }
    return undefined;
  }

  /**
   * Drives `leds` to steady `levels` in one call per chip (GpioError when that
   * fails, nothing recorded) and records it: until `until` (epoch ms) over
   * what they show, or for good, ending their patterns and timed states.
   */
  command(leds: readonly number[], levels: readonly boolean[], until?: number): void {
    this.lines.set(new Map(leds.map((led, index) => [led, levels[index]!])));
    const timed = this.#timed(until);
    this.#place(leds, (led, index) => ({ level: levels[index]!, ...(timed && { timed }) }), timed);
    this.#save();
  }

  /**
   * Plays `spec` on `leds` together, until `until` (epoch ms) over what they
   * show or for good, and records it; resumed from `startedAt` after a
   * restart. A pattern whose steps give several levels gives the LEDs in
   * `leds` one each, in order (null: a level for an LED no longer in it); one
   * of one level sets them all alike. False when a finite pattern resumed
   * after its end: the LEDs are then put to its `then` level instead. A
   * failure to set the first level throws (GpioError) and changes nothing.
   */
  play(leds: readonly (number | null)[], spec: PatternSpec, startedAt?: number, until?: number): boolean {
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
          ...(this.#hooks.onEdge && { onEdge: (edge) => this.#hooks.onEdge!(edge, [...show.visible]) }),
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
        until,
      );
      return false;
    }
    show.stored = {
      spec,
      startedAt: show.player.progress()!.startedAt,
      ...(show.columns && { columns: show.columns.map((led) => (led === null ? null : this.names[led]!)) }),
    };
    const timed = this.#timed(until);
    if (timed) timed.stored.pattern = show.stored;
    this.#place(members, () => ({ level: spec.then, show, ...(timed && { timed }) }), timed);
    this.#save();
    return true;
  }

  /** Ends every pattern without a new state (at exit: the exit state follows, or the next ledd resumes them). */
  stopPatterns(): void {
    for (const show of this.#allShows()) show.player.stop();
  }

  #allShows(): Set<Show> {
    const shows = new Set<Show>();
    for (const stack of this.#stacks) for (const layer of stack) if (layer.show) shows.add(layer.show);
    return shows;
  }

  #timed(until: number | undefined): Timed | undefined {
    if (until === undefined) return undefined;
    const timed: Timed = new Timed(until, () => this.#expire(timed));
    this.#clock.add(timed);
    return timed;
  }

  /**
   * Puts a new top layer on each of `leds`: a timed one over what they show
   * (timed layers ending no later than it go: they would never show again),
   * or a new base in place of everything. The shows that lost LEDs to it pause
   * or go on without them.
   */
  #place(leds: readonly number[], layerOf: (led: number, index: number) => Layer, timed: Timed | undefined): void {
    const hidden = new Set<Show>();
    leds.forEach((led, index) => {
      const stack = this.#stacks[led]!;
      const covered = stack.at(-1)!.show;
      if (covered) hidden.add(covered);
      const kept = stack.filter((layer, depth) => (timed ? depth === 0 || layer.timed!.dueMs > timed.dueMs : false));
      for (const layer of stack) if (!kept.includes(layer)) this.#drop(led, layer);
      const layer = layerOf(led, index);
      stack.splice(0, stack.length, ...kept, layer);
      timed?.members.add(led);
    });
    for (const show of hidden) this.#refresh(show);
  }

  /** Takes `led` out of a layer's pattern and timed state; a pattern left with no LED stops. */
  #drop(led: number, layer: Layer): void {
    const { show, timed } = layer;
    if (show) {
      show.leave(led, this.names);
      if (show.members.size === 0) show.player.stop();
    }
    if (timed) {
      timed.members.delete(led);
      if (timed.members.size === 0) this.#clock.remove(timed);
    }
  }

  /**
   * Shows a pattern on the members it is the top layer of: paused when there
   * are none; resumed where its schedule has got to when there are again.
   */
  #refresh(show: Show): void {
    if (show.members.size === 0) return;
    const visible = new Set([...show.members].filter((led) => this.#top(led).show === show));
    const grew = [...visible].some((led) => !show.visible.has(led));
    if (!show.showOn(visible)) return;
    if (visible.size === 0) {
      show.player.stop();
      return;
    }
    const stored = show.stored!;
    if (!show.paused) {
      // LEDs it shows again take the step under way, with the ones it never stopped showing on.
      const levels = show.player.currentLevels();
      if (!grew || !levels) return;
      try {
        this.lines.set(show.levels(levels));
      } catch (error) {
        show.player.stop();
        this.#failed(show, stored.spec, error);
      }
      return;
    }
    let resumed: boolean;
    try {
      resumed = show.player.start(stored.spec, stored.startedAt);
    } catch (error) {
      this.#failed(show, stored.spec, error);
      return;
    }
    if (!resumed) this.#ended(show, stored.spec);
  }

  /** A timed state's end: its layer goes, and the LEDs it was the top of show what lay under it. */
  #expire(timed: Timed): void {
    const revealed: number[] = [];
    for (const led of [...timed.members]) {
      const stack = this.#stacks[led]!;
      const depth = stack.findIndex((layer) => layer.timed === timed);
      this.#drop(led, stack[depth]!);
      stack.splice(depth, 1);
      if (depth === stack.length) revealed.push(led);
    }
    if (revealed.length === 0) return;
    let failure: unknown;
    try {
      const steady = revealed.filter((led) => !this.#top(led).show);
      this.lines.set(new Map(steady.map((led) => [led, this.#top(led).level])));
    } catch (error) {
      failure = error;
    }
    const shows = new Set(revealed.map((led) => this.#top(led).show).filter((show) => show !== undefined));
    for (const show of shows) this.#refresh(show);
    this.#save();
    this.#hooks.onTimedEnd?.(revealed, failure);
  }

  /** The layer of `led` that `show` plays in. */
  #layerOf(led: number, show: Show): Layer | undefined {
    return this.#stacks[led]!.find((layer) => layer.show === show);
  }

  /** A finite pattern played its last step: every LED of it is steady at its `then` level from now on. */
  #ended(show: Show, spec: PatternSpec): void {
    const shown = [...show.visible];
    for (const led of show.members) {
      const layer = this.#layerOf(led, show)!;
      layer.show = undefined;
      if (layer.timed) delete layer.timed.stored.pattern;
    }
    try {
      this.lines.set(new Map(shown.map((led) => [led, spec.then])));
    } catch (error) {
      this.#hooks.onPatternEnd?.(shown, spec, error);
      return;
    }
    this.#save();
    if (shown.length > 0) this.#hooks.onPatternEnd?.(shown, spec);
  }

  #failed(show: Show, spec: PatternSpec, error: unknown): void {
    const shown = [...show.visible];
    for (const led of show.members) this.#layerOf(led, show)!.show = undefined;
    this.#hooks.onPatternEnd?.(shown, spec, error);
  }

  /** What the state file holds: every LED's base state and timed layers, with the patterns and their LEDs. */
  #stored(): StoredState {
    return new Map(
      this.names.map((name, led): [string, StoredLed] => {
        const [base, ...timed] = this.#stacks[led]!;
        const pattern = base!.show?.stored;
        return [
          name,
          {
            on: base!.level,
            ...(pattern && { pattern }),
            ...(timed.length > 0 && { timed: timed.map((layer) => ({ timed: layer.timed!.stored, on: layer.level })) }),
          },
        ];
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
