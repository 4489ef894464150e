// Plays a pattern on the lines on the daemon's edge clock. Every edge is
// scheduled from the pattern's start time (its absolute schedule), never from
// the previous edge, so lateness does not add up: an hour of 2 Hz blinking
// ends on its 7200th edge's time, give or take one timer's lateness. The
// clock is the player's to be given (the daemon's edge clock and the epoch;
// a manual one in the tests of its schedule).
import { FOREVER, levelText, type PatternSpec } from '../protocol/pattern.js';
import { type EdgeScheduler, epochNow, type TimedEdge } from './edge-clock.js';

export interface EdgeRecord {
  /** Steps played since the start, counting from 1 (the first step's level is set at the start). */
  step: number;
  /** The step's (first) level. */
  on: boolean;
  /** Each LED's level ("100") when the step gives several. */
  levels?: string;
  /** When the step was due and when it was set, as epoch milliseconds (fractional). */
  dueMs: number;
  atMs: number;
}

export interface PatternProgress {
  spec: PatternSpec;
  /** Epoch milliseconds of the pattern's start (what the state file keeps). */
  startedAt: number;
  /** Cycles still to play, this one included; null forever. */
  cyclesLeft: number | null;
}

export interface PlayerHooks {
  /** Drives the lines to a step's levels; a throw ends the pattern (reported through onFailure). */
  set(levels: readonly boolean[]): void;
  /** A finite pattern played its last step: the line is to go to `then`. */
  onEnd(spec: PatternSpec): void;
  onFailure(spec: PatternSpec, error: unknown): void;
  /** Every step set, for the debug log. */
  onEdge?(edge: EdgeRecord): void;
}

export class PatternPlayer implements TimedEdge {
  readonly #hooks: PlayerHooks;
  readonly #clock: EdgeScheduler;
  readonly #now: () => number;
  #spec: PatternSpec | undefined;
  #startedAt = 0;
  /** Offsets of each step's start within a cycle, and the cycle's length. */
  #offsets: number[] = [];
  #cycle = 0;
  /** The next step to set, counted from the start. */
  #next = 0;
  /** When the next step is due (epoch ms), while the clock holds this player. */
  dueMs = Infinity;

  /** `now`: epoch milliseconds, the time `clock` keeps. */
  constructor(hooks: PlayerHooks, clock: EdgeScheduler, now: () => number = epochNow) {
    this.#hooks = hooks;
    this.#clock = clock;
    this.#now = now;
  }

  progress(): PatternProgress | undefined {
    const spec = this.#spec;
    if (!spec) return undefined;
    const cyclesLeft =
      spec.repeat === FOREVER ? null : spec.repeat - Math.floor(Math.max(0, this.#next - 1) / spec.steps.length);
    return { spec, startedAt: this.#startedAt, cyclesLeft };
  }

  /**
   * Starts `spec` as if it had started at `startedAt` (epoch ms; now by
   * default, earlier when a restart resumes it). Returns false, playing
   * nothing, when a finite pattern would have ended by now. When setting the
   * first level fails, the error is thrown to the caller (nothing plays);
   * later failures go to onFailure.
   */
  start(spec: PatternSpec, startedAt = this.#now()): boolean {
    this.stop();
    const offsets: number[] = [];
    let total = 0;
    for (const step of spec.steps) {
      offsets.push(total);
      total += step.ms;
    }
    const now = this.#now();
    // A start in the future (the clock was set back): start now.
    const begin = startedAt > now ? now : startedAt;
    const elapsedSteps = this.#stepAt(now - begin, offsets, total, spec.steps.length);
    if (spec.repeat !== FOREVER && elapsedSteps >= spec.repeat * spec.steps.length) return false;
    this.#spec = spec;
    this.#startedAt = begin;
    this.#offsets = offsets;
    this.#cycle = total;
    this.#next = elapsedSteps;
    this.#play(true);
    return true;
  }

  /** The levels of the step under way; undefined when nothing plays. */
  currentLevels(): readonly boolean[] | undefined {
    const spec = this.#spec;
    return spec && spec.steps[Math.max(0, this.#next - 1) % spec.steps.length]!.levels;
  }

  stop(): void {
    this.#clock.remove(this);
    this.#spec = undefined;
  }

  /** The clock's call when the next step is due. */
  fire(): void {
    this.#play();
  }

  /** How many steps have begun `elapsed` ms into the pattern (at least 0; the step under way counts). */
  #stepAt(elapsed: number, offsets: number[], cycle: number, steps: number): number {
    if (elapsed <= 0) return 0;
    const cycles = Math.floor(elapsed / cycle);
    const within = elapsed - cycles * cycle;
    let index = 0;
    while (index + 1 < steps && offsets[index + 1]! <= within) index++;
    return cycles * steps + index;
  }

  #dueOf(step: number): number {
    const steps = this.#offsets.length;
    return this.#startedAt + Math.floor(step / steps) * this.#cycle + this.#offsets[step % steps]!;
  }

  /** Sets the step due now (or, late by more than a step, the one due now), and waits for the next on the clock. */
  #play(starting = false): void {
    const spec = this.#spec!;
    const steps = spec.steps.length;
    const last = spec.repeat === FOREVER ? Infinity : spec.repeat * steps;
    const now = this.#now();
    let step = this.#next;
    while (step + 1 < last && this.#dueOf(step + 1) <= now) step++;
    if (step >= last) {
      this.stop();
      this.#hooks.onEnd(spec);
      return;
    }
    const { levels } = spec.steps[step % steps]!;
    try {
      this.#hooks.set(levels);
    } catch (error) {
      this.stop();
      if (starting) throw error;
      this.#hooks.onFailure(spec, error);
      return;
    }
    this.#hooks.onEdge?.({
      step: step + 1,
      on: levels[0]!,
      ...(levels.length > 1 && { levels: levelText(levels) }),
      dueMs: this.#dueOf(step),
      atMs: now,
    });
    this.#next = step + 1;
    this.dueMs = this.#dueOf(this.#next);
    this.#clock.add(this);
  }
}
