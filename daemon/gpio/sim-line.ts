// A simulated LED for machines without GPIO: it holds the level in memory and
// reports each change through the logger.
import type { LedLine, LineSpec } from './line.js';

export type LevelListener = (on: boolean) => void;

export class SimulatedLine implements LedLine {
  readonly backend = 'sim';
  readonly location: string;
  #on: boolean;
  #released = false;
  readonly #onChange: LevelListener;

  constructor(spec: LineSpec, onChange: LevelListener) {
    this.location = `simulated ${String(spec.line)}${spec.activeLow ? ' (active-low)' : ''}`;
    this.#on = spec.initial;
    this.#onChange = onChange;
    onChange(this.#on);
  }

  set(on: boolean): void {
    if (this.#released) throw new Error('the simulated line was released');
    if (on === this.#on) return;
    this.#on = on;
    this.#onChange(on);
  }

  get(): boolean {
    return this.#on;
  }

  release(): void {
    this.#released = true;
  }
}
