// The LED line through node-libgpiod (libgpiod 1.x, as on Raspberry Pi OS bookworm).
import { busyError, devicePath, lineLocation, openChip, requestError, searchChips } from './chips.js';
import { GpioError, type LedLine, type LineSpec } from './line.js';
import { RequestedLine } from './requested-line.js';

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
  /** `flags` is a bitwise OR of Line.RequestFlags. */
  requestOutputModeFlags(consumer: string, flags: number, value: 0 | 1): void;
  setValue(value: 0 | 1): void;
  release(): void;
}

interface NodeLibgpiod {
  /** libgpiod's version, e.g. "1.6.3". */
  version: string;
  Chip: new (name: string) => Chip;
  Line: { new (chip: Chip, line: string | number): Line; RequestFlags: { ACTIVE_LOW: number } };
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

function findLine(library: NodeLibgpiod, spec: LineSpec): { chip: Chip; line: Line } {
  if (spec.chip !== undefined) {
    const chip = openChip(spec.chip, (name) => new library.Chip(name));
    try {
      return { chip, line: new library.Line(chip, spec.line) };
    } catch (error) {
      throw new GpioError('no-such-line', `GPIO chip ${spec.chip} has no line ${String(spec.line)}`, { cause: error });
    }
  }
  return searchChips(`line is named ${String(spec.line)}`, (name) => {
    const chip = openChip(name, (chipName) => new library.Chip(chipName));
    return chip.lineNames.includes(String(spec.line)) ? { chip, line: new library.Line(chip, spec.line) } : undefined;
  });
}

export async function openLibgpiodLine(spec: LineSpec): Promise<LedLine> {
  const library = await loadLibrary();
  const { chip, line } = findLine(library, spec);
  const location = lineLocation(line.name, chip.name, line.offset);
  if (line.used) throw busyError(location, line.consumer);
  const flags = spec.activeLow ? library.Line.RequestFlags.ACTIVE_LOW : 0;
  try {
    line.requestOutputModeFlags(spec.consumer, flags, spec.initial ? 1 : 0);
  } catch (error) {
    throw requestError(error, location, devicePath(chip.name), () => {
      line.update();
      return line.consumer;
    });
  }
  return new RequestedLine('libgpiod1', line, location, spec.initial, chip);
}
