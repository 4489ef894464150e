// The LED line through node-libgpiod (libgpiod 1.x, as on Raspberry Pi OS bookworm).
import { readdirSync, statSync } from 'node:fs';

import { describeGroup } from '../os/accounts.js';
import { GpioError, type LedLine, type LineSpec } from './line.js';

type NodeLibgpiod = typeof import('node-libgpiod');
type Chip = InstanceType<NodeLibgpiod['Chip']>;
type Line = InstanceType<NodeLibgpiod['Line']>;

interface ErrnoLike {
  code?: string;
  message?: string;
}

async function loadLibrary(): Promise<NodeLibgpiod> {
  try {
    const module = (await import('node-libgpiod')) as NodeLibgpiod & { default?: NodeLibgpiod };
    return module.default ?? module;
  } catch (error) {
    throw new GpioError(
      'unavailable',
      'node-libgpiod is not installed or not built: install libgpiod-dev (libgpiod 1.x), then run `npm ci` again; ' +
        'or start ledd with --backend sim to simulate the LED',
      { cause: error },
    );
  }
}

function chipNames(): string[] {
  return readdirSync('/dev')
    .filter((name) => /^gpiochip\d+$/.test(name))
    .sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)));
}

function permissionError(device: string, cause: unknown): GpioError {
  let owner = 'the group that owns it';
  try {
    owner = `group ${describeGroup(statSync(device).gid)}`;
  } catch {
    // keep the generic wording
  }
  return new GpioError(
    'permission',
    `permission denied opening ${device}: add the user running ledd to ${owner} ` +
      '(sudo usermod -aG GROUP USER, then log in again), or run ledd as its systemd service',
    { cause },
  );
}

function devicePath(chip: string): string {
  return chip.startsWith('/') ? chip : `/dev/${chip}`;
}

function openChip(library: NodeLibgpiod, name: string): Chip {
  try {
    return new library.Chip(name);
  } catch (error) {
    if ((error as ErrnoLike).code === 'EACCES') throw permissionError(devicePath(name), error);
    throw new GpioError('no-such-line', `cannot open GPIO chip ${name}: ${(error as ErrnoLike).message}`, {
      cause: error,
    });
  }
}

function findLine(library: NodeLibgpiod, spec: LineSpec): { chip: Chip; line: Line } {
  if (spec.chip !== undefined) {
    const chip = openChip(library, spec.chip);
    try {
      return { chip, line: new library.Line(chip, spec.line) };
    } catch (error) {
      throw new GpioError('no-such-line', `GPIO chip ${spec.chip} has no line ${String(spec.line)}`, { cause: error });
    }
  }
  const names = chipNames();
  let denied: GpioError | undefined;
  for (const name of names) {
    let chip: Chip;
    try {
      chip = openChip(library, name);
    } catch (error) {
      if (error instanceof GpioError && error.kind === 'permission') denied ??= error;
      continue;
    }
    if (chip.lineNames.includes(String(spec.line))) return { chip, line: new library.Line(chip, spec.line) };
  }
  if (denied) throw denied;
  const searched = names.length === 0 ? 'no GPIO chips exist (/dev/gpiochip*)' : `searched ${names.join(', ')}`;
  throw new GpioError(
    'no-such-line',
    `no GPIO line is named ${String(spec.line)} (${searched}); give --chip and --line OFFSET, ` +
      'or --backend sim on a machine without GPIO',
  );
}

class LibgpiodLine implements LedLine {
  readonly backend = 'libgpiod';
  readonly location: string;
  readonly #line: Line;
  #on: boolean;
  #released = false;

  constructor(line: Line, location: string, initial: boolean) {
    this.#line = line;
    this.location = location;
    this.#on = initial;
  }

  set(on: boolean): void {
    try {
      this.#line.setValue(on ? 1 : 0);
    } catch (error) {
      throw new GpioError('io', `setting ${this.location} failed: ${(error as ErrnoLike).message}`, { cause: error });
    }
    this.#on = on;
  }

  get(): boolean {
    return this.#on;
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#line.release();
  }
}

export async function openLibgpiodLine(spec: LineSpec): Promise<LedLine> {
  const library = await loadLibrary();
  const { chip, line } = findLine(library, spec);
  const location = `${line.name || `line ${line.offset}`} on ${chip.name} line ${line.offset}`;
  if (line.used) {
    const holder = line.consumer ? `"${line.consumer}"` : 'another consumer (the kernel or a driver)';
    throw new GpioError('busy', `${location} is busy: it is held by ${holder}; stop that program first`);
  }
  // node-libgpiod's typings describe the flags as the constants object; the call takes their bitwise OR.
  const flags = (spec.activeLow
    ? library.Line.RequestFlags.ACTIVE_LOW
    : 0) as unknown as typeof library.Line.RequestFlags;
  try {
    line.requestOutputModeFlags(spec.consumer, flags, spec.initial ? 1 : 0);
  } catch (error) {
    const code = (error as ErrnoLike).code;
    if (code === 'EBUSY') {
      line.update();
      throw new GpioError('busy', `${location} is busy: it is held by "${line.consumer}"`, { cause: error });
    }
    if (code === 'EACCES' || code === 'EPERM') throw permissionError(devicePath(chip.name), error);
    throw new GpioError('io', `requesting ${location} as an output failed: ${(error as ErrnoLike).message}`, {
      cause: error,
    });
  }
  return new LibgpiodLine(line, location, spec.initial);
}
