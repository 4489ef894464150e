// The LEDs' lines through ledd's own libgpiod 2.x binding (native/src/gpiod2/),
// as on Raspberry Pi OS trixie, where node-libgpiod (1.x only) does not build.
// The lines of one chip are one line request, each with its own polarity,
// and several are set with one call.
import { type Gpiod2Binding, type Gpiod2Chip, type Gpiod2LineRequest, loadGpiod2 } from '../../native/lib/gpiod2.js';
import { busyError, devicePath, errorMessage, lineLocation, openChip, requestError, searchChips } from './chips.js';
import { aboutLed, type ChipRequest, groupByChip, type LedPlace, LineBank } from './line-bank.js';
import { GpioError, type LedLines, type LedLineSpec, type LinesSpec } from './line.js';

function loadLibrary(): Gpiod2Binding {
  try {
    return loadGpiod2();
  } catch (error) {
    throw new GpioError(
      'unavailable',
      "ledd's binding for libgpiod 2.x (native/build/Release/gpiod2.node) is not built or does not load: " +
        'install libgpiod-dev 2.x and pkg-config, then run `npm ci` again; ' +
        'or start ledd with --backend sim to simulate the LED',
      { cause: error },
    );
  }
}

/** The libgpiod version the binding runs with, e.g. "2.2.1"; 'unavailable' when it is not built. */
export function libgpiod2Version(): string {
  return loadLibrary().version();
}

/** A call on an open chip; its failure is an I/O error of that chip. */
function onChip<T>(chip: Gpiod2Chip, what: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw new GpioError('io', `${what} of ${chip.path} failed: ${errorMessage(error)}`, { cause: error });
  }
}

/** Opens each chip device once, and closes them all when the lines are requested. */
class OpenChips {
  readonly #library: Gpiod2Binding;
  readonly #byPath = new Map<string, Gpiod2Chip>();

  constructor(library: Gpiod2Binding) {
    this.#library = library;
  }

  open(path: string): Gpiod2Chip {
    let chip = this.#byPath.get(path);
    if (!chip) {
      chip = openChip(path, (device) => new this.#library.Chip(device));
      this.#byPath.set(path, chip);
    }
    return chip;
  }

  /** Closes the chips; requests made through them stay valid. */
  close(): void {
    for (const chip of this.#byPath.values()) chip.close();
    this.#byPath.clear();
  }
}

/** --chip as a device path: a path, gpiochipN, N, or a label (as libgpiod 1.x's gpiod_chip_open_lookup takes). */
function chipPath(chips: OpenChips, chip: string): string {
  if (chip.startsWith('/')) return chip;
  if (/^\d+$/.test(chip)) return `/dev/gpiochip${chip}`;
  if (/^gpiochip\d+$/.test(chip)) return devicePath(chip);
  return searchChips(
    `chip is named or labelled ${chip}`,
    (name) => {
      const candidate = chips.open(devicePath(name));
      return onChip(candidate, 'reading the label', () => candidate.info().label) === chip ? candidate.path : undefined;
    },
    'give --chip as gpiochipN, a /dev path, or a label that gpiodetect shows',
  );
}

interface FoundLine {
  chip: Gpiod2Chip;
  /** gpiochip4: what tells two chips apart whatever path reached them. */
  chipName: string;
  offset: number;
  location: string;
}

function findLine(chips: OpenChips, spec: LedLineSpec): FoundLine {
  let chip: Gpiod2Chip;
  let offset: number;
  if (spec.chip !== undefined) {
    chip = chips.open(chipPath(chips, spec.chip));
    const candidate = chip;
    offset =
      typeof spec.line === 'number'
        ? spec.line
        : onChip(candidate, 'reading the line names', () => candidate.lineOffset(String(spec.line)));
    if (offset < 0 || offset >= onChip(candidate, 'reading the chip information', () => candidate.info().lines))
      throw new GpioError('no-such-line', `GPIO chip ${spec.chip} has no line ${String(spec.line)}`);
  } else {
    ({ chip, offset } = searchChips(`line is named ${String(spec.line)}`, (name) => {
      const candidate = chips.open(devicePath(name));
      const found = onChip(candidate, 'reading the line names', () => candidate.lineOffset(String(spec.line)));
      return found >= 0 ? { chip: candidate, offset: found } : undefined;
    }));
  }
  const info = onChip(chip, `reading line ${offset}`, () => chip.lineInfo(offset));
  const chipName = onChip(chip, 'reading the chip information', () => chip.info().name);
  const location = lineLocation(info.name, chipName, offset);
  if (info.used) throw busyError(location, info.consumer);
  return { chip, chipName, offset, location };
}

class OutputRequest implements ChipRequest {
  readonly #request: Gpiod2LineRequest;
  /** The request's offsets in the order requested (read once: the binding builds a new array each time). */
  readonly #offsets: readonly number[];

  constructor(request: Gpiod2LineRequest) {
    this.#request = request;
    this.#offsets = request.offsets;
  }

  set(slots: readonly number[], levels: readonly boolean[]): void {
    this.#request.setValues(
      slots.map((slot) => this.#offsets[slot]!),
      levels.map((on) => (on ? 1 : 0)),
    );
  }

  release(): void {
    this.#request.release();
  }
}

export async function openLibgpiod2Lines(spec: LinesSpec): Promise<LedLines> {
  const library = loadLibrary();
  const chips = new OpenChips(library);
  const { leds } = spec;
  const requests: OutputRequest[] = [];
  try {
    const found = leds.map((led) => {
      try {
        return findLine(chips, led);
      } catch (error) {
        throw aboutLed(led, error);
      }
    });
    const byChip = groupByChip(
      leds,
      (led) => found[led]!.chipName,
      (led) => found[led]!.offset,
      (led) => found[led]!.location,
    );
    const places = new Array<LedPlace>(leds.length);
    for (const members of byChip.values()) {
      const lines = members.map((led) => found[led]!);
      let request: Gpiod2LineRequest;
      try {
        request = lines[0]!.chip.requestOutputs(
          members.map((led) => ({
            offset: found[led]!.offset,
            activeLow: leds[led]!.activeLow,
            value: leds[led]!.initial ? 1 : 0,
          })),
          spec.consumer,
        );
      } catch (error) {
        const held = lines.map(({ chip, offset, location }) => ({
          location,
          holder: () => {
            const info = chip.lineInfo(offset);
            return info.used && info.consumer;
          },
        }));
        const { failure, line } = requestError(error, lines[0]!.chip.path, held);
        throw aboutLed(leds[members[line]!]!, failure);
      }
      const output = new OutputRequest(request);
      requests.push(output);
      members.forEach((led, slot) => (places[led] = { request: output, slot, location: found[led]!.location }));
    }
    return new LineBank(
      'libgpiod2',
      places,
      leds.map((led) => led.initial),
    );
  } catch (error) {
    for (const request of requests) request.release();
    throw error;
  } finally {
    chips.close();
  }
}
