// One clock for every pattern's edges. Each pattern keeps its own absolute
// schedule and tells the clock when its next edge is due; the clock keeps one
// timer, for the earliest, and sets every edge due when it fires, in the order
// they were due. The timer is a timerfd the event loop watches (edge-timer.ts):
// it wakes the loop once, within microseconds of the edge, and never blocks it.
// A Node timer has millisecond resolution and is read from the loop's clock
// once a turn, so it fires a millisecond or two off; bridging that by sleeping
// out the last milliseconds blocked the loop for a share of every edge.
import { createEdgeTimer, type EdgeTimer } from './edge-timer.js';

export interface TimedEdge {
  /** Epoch milliseconds (fractional) when the edge is due. */
  readonly dueMs: number;
  /** Sets the edge; the owner adds itself again for its next one. */
  fire(): void;
}

export const epochNow = (): number => performance.timeOrigin + performance.now();

/** What a pattern needs of a clock: to be woken when its next edge is due. */
export interface EdgeScheduler {
  add(edge: TimedEdge): void;
  remove(edge: TimedEdge): void;
}

export class EdgeClock implements EdgeScheduler {
  readonly #waiting = new Set<TimedEdge>();
  #timer: EdgeTimer | undefined;
  /** The due time the timer is armed for. */
  #armedFor = Infinity;
  #running = false;

  add(edge: TimedEdge): void {
    this.#waiting.add(edge);
    if (!this.#running && edge.dueMs < this.#armedFor) this.#arm(edge.dueMs);
  }

  remove(edge: TimedEdge): void {
    if (!this.#waiting.delete(edge) || this.#running) return;
    if (this.#waiting.size === 0) this.#disarm();
  }

  /** Gives the timer back (ledd's exit); the clock can still be used, with a new one. */
  close(): void {
    this.#waiting.clear();
    this.#timer?.close();
    this.#timer = undefined;
    this.#armedFor = Infinity;
  }

  #earliest(): TimedEdge | undefined {
    let earliest: TimedEdge | undefined;
    for (const edge of this.#waiting) if (earliest === undefined || edge.dueMs < earliest.dueMs) earliest = edge;
    return earliest;
  }

  #arm(dueMs: number): void {
    this.#timer ??= createEdgeTimer(() => this.#run());
    this.#armedFor = dueMs;
    this.#timer.arm(dueMs - epochNow());
  }

  #disarm(): void {
    this.#timer?.disarm();
    this.#armedFor = Infinity;
  }

  /** Sets every edge due by now, earliest first (one may add itself again, due later). */
  #run(): void {
    this.#armedFor = Infinity;
    this.#running = true;
    try {
      for (;;) {
        const next = this.#earliest();
        if (next === undefined || next.dueMs > epochNow()) return;
        this.#waiting.delete(next);
        next.fire();
      }
    } finally {
      this.#running = false;
      const next = this.#earliest();
      if (next !== undefined) this.#arm(next.dueMs);
    }
  }
}
