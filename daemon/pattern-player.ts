// Plays a pattern on the lines with the daemon's own timers. Every edge is
// scheduled from the pattern's start time (its absolute schedule), never from
// the previous timer, so lateness does not add up: an hour of 2 Hz blinking
// ends on its 7200th edge's time, give or take one timer's lateness. One
// timer per step, and nothing else runs between edges.
import { FOREVER, levelText, type PatternSpec } from '../protocol/pattern.js';

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

const epochNow = (): number => performance.timeOrigin + performance.now();

// Node's timers have millisecond resolution and read the loop's clock once a
// turn, so one fires up to a millisecond or two off its edge. The timer is
// armed this much before the edge and the rest is slept on a futex
// (Atomics.wait), which wakes within microseconds: the edge is set on time
// at the cost of blocking the event loop for at most this long per edge.
const LEAD_MS = 2;
const futex = new Int32Array(new SharedArrayBuffer(4));
const sleepExactly = (ms: number): void => {
  if (ms > 0) Atomics.wait(futex, 0, 0, ms);
};

export class PatternPlayer {
  readonly #hooks: PlayerHooks;
  #spec: PatternSpec | undefined;
  #startedAt = 0;
  /** Offsets of each step's start within a cycle, and the cycle's length. */
  #offsets: number[] = [];
  #cycle = 0;
  /** The next step to set, counted from the start. */
  #next = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(hooks: PlayerHooks) {
    this.#hooks = hooks;
  }

  get running(): boolean {
    return this.#spec !== undefined;
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
  start(spec: PatternSpec, startedAt = epochNow()): boolean {
    this.stop();
    const offsets: number[] = [];
    let total = 0;
    for (const step of spec.steps) {
      offsets.push(total);
      total += step.ms;
    }
    const now = epochNow();
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

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#spec = undefined;
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

  /** Sets the step due now, and arms the timer for the next. */
  #play(starting = false): void {
    const spec = this.#spec!;
    const steps = spec.steps.length;
    const last = spec.repeat === FOREVER ? Infinity : spec.repeat * steps;
    let now = epochNow();
    if (this.#next > 0) {
      const early = this.#dueOf(this.#next) - now;
      // Fired well before the edge (a timer is never early by more than its lead, but the clock may step).
      if (early > LEAD_MS + 1) {
        this.#arm(early);
        return;
      }
      if (early > 0) {
        sleepExactly(early);
        now = epochNow();
      }
    }
    // Late by more than a step (a stalled event loop): the level due now, not each missed one.
    let step = this.#next;
    while (step + 1 < last && this.#dueOf(step + 1) <= now) step++;
    if (step >= last) {
      this.stop();
      this.#hooks.onEnd(spec);
      return;
    }
    const { levels } = spec.steps[step % steps]!;
    const on = levels[0]!;
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
      on,
      ...(levels.length > 1 && { levels: levelText(levels) }),
      dueMs: this.#dueOf(step),
      atMs: now,
    });
    this.#next = step + 1;
    this.#arm(this.#dueOf(this.#next) - epochNow());
  }

  /** Fires LEAD_MS before `delayMs` from now (or at once); #play() sleeps out the rest. */
  #arm(delayMs: number): void {
    this.#timer = setTimeout(() => this.#play(), Math.max(0, Math.floor(delayMs - LEAD_MS)));
  }
}
