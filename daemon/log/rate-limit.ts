// Bounds how often bad input is logged, so a flood of garbage on the queue
// cannot fill the disk: at most `burst` lines per `windowMs`, then one summary
// of how many were suppressed when the window reopens.
export class LogRateLimiter {
  readonly #burst: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  #windowStart = -Infinity;
  #inWindow = 0;
  #suppressed = 0;

  constructor(burst = 10, windowMs = 60_000, now: () => number = Date.now) {
    this.#burst = burst;
    this.#windowMs = windowMs;
    this.#now = now;
  }

  /**
   * null when this line must be dropped; otherwise how many were dropped since
   * the last one logged, and whether this is the last line of its window.
   */
  take(): { suppressed: number; lastInWindow: boolean } | null {
    const now = this.#now();
    if (now - this.#windowStart >= this.#windowMs) {
      this.#windowStart = now;
      this.#inWindow = 0;
    }
    if (this.#inWindow >= this.#burst) {
      this.#suppressed++;
      return null;
    }
    this.#inWindow++;
    const suppressed = this.#suppressed;
    this.#suppressed = 0;
    return { suppressed, lastInWindow: this.#inWindow === this.#burst };
  }

  /** Said on the last line of a window, so that a reader knows the silence after it is deliberate. */
  get silenceNote(): string {
    return ` (more like this in the next ${Math.round(this.#windowMs / 1000)} s are counted, not logged)`;
  }
}
