// The LED line through ledd's own libgpiod 2.x binding (native/src/gpiod2/),
// as on Raspberry Pi OS trixie, where node-libgpiod (1.x only) does not build.
import { type Gpiod2Binding, type Gpiod2Chip, type Gpiod2LineRequest, loadGpiod2 } from '../../native/lib/gpiod2.js';
import { busyError, devicePath, errorMessage, lineLocation, openChip, requestError, searchChips } from './chips.js';
import { GpioError, type LedLine, type LineSpec } from './line.js';
import { RequestedLine } from './requested-line.js';

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

function open(library: Gpiod2Binding, path: string): Gpiod2Chip {
  return openChip(path, (device) => new library.Chip(device));
}

/** --chip as a device path: a path, gpiochipN, N, or a label (as libgpiod 1.x's gpiod_chip_open_lookup takes). */
function chipPath(library: Gpiod2Binding, chip: string): string {
  if (chip.startsWith('/')) return chip;
  if (/^\d+$/.test(chip)) return `/dev/gpiochip${chip}`;
  if (/^gpiochip\d+$/.test(chip)) return devicePath(chip);
  return searchChips(
    `chip is named or labelled ${chip}`,
    (name) => {
      const candidate = open(library, devicePath(name));
      try {
        return onChip(candidate, 'reading the label', () => candidate.info().label) === chip
          ? candidate.path
          : undefined;
      } finally {
        candidate.close();
      }
    },
    'give --chip as gpiochipN, a /dev path, or a label that gpiodetect shows',
  );
}

function findLine(library: Gpiod2Binding, spec: LineSpec): { chip: Gpiod2Chip; offset: number } {
  if (spec.chip !== undefined) {
    const chip = open(library, chipPath(library, spec.chip));
    const offset =
      typeof spec.line === 'number'
        ? spec.line
        : onChip(chip, 'reading the line names', () => chip.lineOffset(String(spec.line)));
    if (offset < 0 || offset >= onChip(chip, 'reading the chip information', () => chip.info().lines)) {
      chip.close();
      throw new GpioError('no-such-line', `GPIO chip ${spec.chip} has no line ${String(spec.line)}`);
    }
    return { chip, offset };
  }
  return searchChips(`line is named ${String(spec.line)}`, (name) => {
    const chip = open(library, devicePath(name));
    const offset = onChip(chip, 'reading the line names', () => chip.lineOffset(String(spec.line)));
    if (offset >= 0) return { chip, offset };
    chip.close();
    return undefined;
  });
}

export async function openLibgpiod2Line(spec: LineSpec): Promise<LedLine> {
  const library = loadLibrary();
  const { chip, offset } = findLine(library, spec);
  try {
    const info = onChip(chip, `reading line ${offset}`, () => chip.lineInfo(offset));
    const chipName = onChip(chip, 'reading the chip information', () => chip.info().name);
    const location = lineLocation(info.name, chipName, offset);
    if (info.used) throw busyError(location, info.consumer);
    let request: Gpiod2LineRequest;
    try {
      request = chip.requestOutput(offset, spec.consumer, spec.activeLow, spec.initial ? 1 : 0);
    } catch (error) {
      throw requestError(error, location, chip.path, () => chip.lineInfo(offset).consumer);
    }
    return new RequestedLine('libgpiod2', request, location, spec.initial);
  } finally {
    chip.close();
  }
}
