// The LedLines every backend hands out: the LEDs' lines grouped by chip, one
// request per chip, and each set() of several LEDs turned into one call per
// chip concerned. What a request is and how it is set is the backend's
// (ChipRequest); the bookkeeping and the errors are shared here.
import { errorMessage } from './chips.js';
import { type BackendName, GpioError, type LedLineSpec, type LedLines } from './line.js';

/** One chip's request of several lines, as a backend made it. */
export interface ChipRequest {
  /** Drives the request's lines at `slots` (positions in the order requested) to logical `levels`, in one call. */
  set(slots: readonly number[], levels: readonly boolean[]): void;
  release(): void;
}

/** Where an LED's line is: its chip's request, its position in it, and its description. */
export interface LedPlace {
  request: ChipRequest;
  slot: number;
  location: string;
}

/** The LEDs of one chip that one set() changes, and their levels. */
interface Batch {
  request: ChipRequest;
  leds: number[];
  slots: number[];
  levels: boolean[];
}

export class LineBank implements LedLines {
  readonly backend: BackendName;
  readonly #places: readonly LedPlace[];
  readonly #requests: readonly ChipRequest[];
  readonly #levels: boolean[];
  #calls = 0;
  #released = false;

  /** `places[i]` is LED i's; its initial level is `initial[i]` (already driven by the request). */
  constructor(backend: BackendName, places: readonly LedPlace[], initial: readonly boolean[]) {
    this.backend = backend;
    this.#places = places;
    this.#requests = [...new Set(places.map((place) => place.request))];
    this.#levels = [...initial];
  }

  get size(): number {
    return this.#places.length;
  }

  get calls(): number {
    return this.#calls;
  }

  location(led: number): string {
    return this.#place(led).location;
  }

  get(led: number): boolean {
    this.#place(led);
    return this.#levels[led]!;
  }

  set(levels: ReadonlyMap<number, boolean>): void {
    if (this.#released) throw new GpioError('io', 'the GPIO lines were released');
    let batches = this.#batchesOf.get(levels);
    if (!batches) {
      batches = this.#batches(levels);
      this.#batchesOf.set(levels, batches);
    }
    for (const batch of batches) {
      const { request } = batch;
      this.#calls++;
      try {
        request.set(batch.slots, batch.levels);
      } catch (error) {
        const where = batch.leds.map((led) => this.#places[led]!.location).join(', ');
        throw new GpioError('io', `setting ${where} failed: ${errorMessage(error)}`, { cause: error });
      }
      batch.leds.forEach((led, index) => (this.#levels[led] = batch.levels[index]!));
    }
  }

  /**
   * A set()'s calls, one per chip. A pattern sets the same maps over and over,
   * so they are kept (as long as the map is) rather than made at every step;
   * a caller never changes a map it has passed.
   */
  readonly #batchesOf = new WeakMap<ReadonlyMap<number, boolean>, Batch[]>();

  #batches(levels: ReadonlyMap<number, boolean>): Batch[] {
    const byRequest = new Map<ChipRequest, Batch>();
    for (const [led, on] of levels) {
      const place = this.#place(led);
      let batch = byRequest.get(place.request);
      if (!batch) byRequest.set(place.request, (batch = { request: place.request, leds: [], slots: [], levels: [] }));
      batch.leds.push(led);
      batch.slots.push(place.slot);
      batch.levels.push(on);
    }
    return [...byRequest.values()];
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    for (const request of this.#requests) request.release();
  }

  #place(led: number): LedPlace {
    const place = this.#places[led];
    if (!place) throw new RangeError(`there is no LED ${led} (${this.#places.length} configured)`);
    return place;
  }
}

/** The error as it concerns a named LED: "LED error: <message>" (same kind and cause). */
export function aboutLed(spec: LedLineSpec, error: unknown): unknown {
  if (!(error instanceof GpioError) || spec.name === undefined) return error;
  return new GpioError(error.kind, `LED ${spec.name}: ${error.message}`, { cause: error.cause ?? error });
}

/** A line two LEDs were given: a 'conflict'. */
function conflictError(spec: LedLineSpec, location: string, other: LedLineSpec): GpioError {
  const owner = other.name === undefined ? 'another LED' : `LED ${other.name}`;
  return new GpioError('conflict', `${location} is also the line of ${owner}; give each LED a line of its own`);
}

/**
 * Groups resolved LEDs by chip: `chipOf(i)` names LED i's chip and `lineOf(i)`
 * its line on it; a line given twice is a conflict (thrown for the later LED).
 */
export function groupByChip(
  specs: readonly LedLineSpec[],
  chipOf: (led: number) => string,
  lineOf: (led: number) => number | string,
  locationOf: (led: number) => string,
): Map<string, number[]> {
  const chips = new Map<string, number[]>();
  const owner = new Map<string, number>();
  specs.forEach((spec, led) => {
    const key = `${chipOf(led)}:${lineOf(led)}`;
    const first = owner.get(key);
    if (first !== undefined) throw aboutLed(spec, conflictError(spec, locationOf(led), specs[first]!));
    owner.set(key, led);
    const leds = chips.get(chipOf(led)) ?? [];
    leds.push(led);
    chips.set(chipOf(led), leds);
  });
  return chips;
}
