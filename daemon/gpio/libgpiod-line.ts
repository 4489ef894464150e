// The LEDs' lines through node-libgpiod (libgpiod 1.x, as on Raspberry Pi OS
// bookworm): the lines of one chip are one bulk request, set in one call.
// libgpiod 1.x's request flags apply to a whole request, so a chip whose
// LEDs all share a polarity gets the kernel's ACTIVE_LOW flag (or none), and
// one with both kinds is requested active-high and ledd inverts the
// active-low ones itself.
import { busyError, devicePath, lineLocation, openChip, requestError, searchChips } from './chips.js';
import { aboutLed, type ChipRequest, groupByChip, type LedPlace, LineBank } from './line-bank.js';
import { GpioError, type LedLines, type LedLineSpec, type LinesSpec } from './line.js';

// node-libgpiod is an optional dependency, absent where libgpiod 2.x is
// installed, so its typings cannot be relied on at build time: this is the
// part of its API (0.5) used here.
interface Chip {
  readonly name: string;
  readonly lineNames: string[];
}

interface Line {
  readonly name: string;
  readonly offset: number;
  readonly used: boolean;
  readonly consumer: string;
  /** Re-reads name, consumer and flags from the kernel. */
  update(): void;
}

interface Bulk {
  /** `flags` is a bitwise OR of Line.RequestFlags; `values` as the lines are given to the constructor. */
  requestOutputFlags(consumer: string, flags: number, values: number[]): void;
  setValues(values: number[]): void;
  release(): void;
}

interface NodeLibgpiod {
  /** libgpiod's version, e.g. "1.6.3". */
  version: string;
  Chip: new (name: string) => Chip;
  Line: { new (chip: Chip, line: string | number): Line; RequestFlags: { ACTIVE_LOW: number } };
  Bulk: new (chip: Chip, offsets: number[]) => Bulk;
}

const packageName = 'node-libgpiod';

async function loadLibrary(): Promise<NodeLibgpiod> {
  try {
    const module = (await import(packageName)) as NodeLibgpiod & { default?: NodeLibgpiod };
    return module.default ?? module;
  } catch (error) {
    throw new GpioError(
      'unavailable',
      'node-libgpiod (the binding for libgpiod 1.x) is not installed or not built: install libgpiod-dev 1.x ' +
        'and pkg-config, then run `npm ci` again; or start ledd with --backend sim to simulate the LED',
      { cause: error },
    );
  }
}

/** The libgpiod version node-libgpiod was built against, e.g. "1.6.3"; 'unavailable' when it is not built. */
export async function libgpiod1Version(): Promise<string> {
  return (await loadLibrary()).version;
}

interface FoundLine {
  chip: Chip;
  line: Line;
  location: string;
}

/** Opens each chip once: every line of a chip must come from the one Chip its bulk request is made on. */
function chipOpener(library: NodeLibgpiod): (name: string) => Chip {
  const opened = new Map<string, Chip>();
  return (name) => {
    let chip = opened.get(name);
    if (!chip) {
      chip = openChip(name, (chipName) => new library.Chip(chipName));
      chip = opened.get(chip.name) ?? chip;
      opened.set(name, chip);
      opened.set(chip.name, chip);
    }
    return chip;
  };
}

function findLine(library: NodeLibgpiod, open: (name: string) => Chip, spec: LedLineSpec): FoundLine {
  let found: { chip: Chip; line: Line };
  if (spec.chip !== undefined) {
    const chip = open(spec.chip);
    try {
      found = { chip, line: new library.Line(chip, spec.line) };
    } catch (error) {
      throw new GpioError('no-such-line', `GPIO chip ${spec.chip} has no line ${String(spec.line)}`, { cause: error });
    }
  } else {
    found = searchChips(`line is named ${String(spec.line)}`, (name) => {
      const chip = open(name);
      return chip.lineNames.includes(String(spec.line)) ? { chip, line: new library.Line(chip, spec.line) } : undefined;
    });
  }
  const location = lineLocation(found.line.name, found.chip.name, found.line.offset);
  if (found.line.used) throw busyError(location, found.line.consumer);
  return { ...found, location };
}

/** One chip's bulk request; it holds the Chip and Lines too (a collected Chip would close the chip under it). */
class BulkRequest implements ChipRequest {
  readonly #bulk: Bulk;
  // eslint-disable-next-line no-unused-private-class-members -- held, never read
  readonly #keepAlive: unknown;
  /** Physical values as last set, in request order; `#invert[i]` for the lines ledd inverts itself. */
  readonly #values: number[];
  readonly #invert: boolean[];
  #released = false;

  constructor(bulk: Bulk, values: number[], invert: boolean[], keepAlive: unknown) {
    this.#bulk = bulk;
    this.#values = values;
    this.#invert = invert;
    this.#keepAlive = keepAlive;
  }

  set(slots: readonly number[], levels: readonly boolean[]): void {
    const values = [...this.#values];
    slots.forEach((slot, index) => (values[slot] = levels[index]! !== this.#invert[slot] ? 1 : 0));
    this.#bulk.setValues(values);
    values.forEach((value, slot) => (this.#values[slot] = value));
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#bulk.release();
  }
}

export async function openLibgpiodLines(spec: LinesSpec): Promise<LedLines> {
  const library = await loadLibrary();
  const open = chipOpener(library);
  const { leds } = spec;
  const found = leds.map((led) => {
    try {
      return findLine(library, open, led);
    } catch (error) {
      throw aboutLed(led, error);
    }
  });
  const chips = groupByChip(
    leds,
    (led) => found[led]!.chip.name,
    (led) => found[led]!.line.offset,
    (led) => found[led]!.location,
  );
  const places = new Array<LedPlace>(leds.length);
  const requests: BulkRequest[] = [];
  try {
    for (const members of chips.values()) {
      const lines = members.map((led) => found[led]!);
      const chip = lines[0]!.chip;
      const allActiveLow = members.every((led) => leds[led]!.activeLow);
      const flags = allActiveLow ? library.Line.RequestFlags.ACTIVE_LOW : 0;
      const invert = members.map((led) => leds[led]!.activeLow && !allActiveLow);
      const values = members.map((led, slot) => (leds[led]!.initial !== invert[slot] ? 1 : 0));
      const bulk = new library.Bulk(
        chip,
        lines.map((line) => line.line.offset),
      );
      try {
        bulk.requestOutputFlags(spec.consumer, flags, values);
      } catch (error) {
        const held = lines.map(({ line, location }) => ({
          location,
          holder: () => {
            line.update();
            return line.used && line.consumer;
          },
        }));
        const { failure, line } = requestError(error, devicePath(chip.name), held);
        throw aboutLed(leds[members[line]!]!, failure);
      }
      const request = new BulkRequest(bulk, values, invert, { chip, lines });
      requests.push(request);
      members.forEach((led, slot) => (places[led] = { request, slot, location: found[led]!.location }));
    }
  } catch (error) {
    for (const request of requests) request.release();
    throw error;
  }
  return new LineBank(
    'libgpiod1',
    places,
    leds.map((led) => led.initial),
  );
}
