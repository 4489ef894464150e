// What both libgpiod backends share: the chip devices, the search for a line
// by name across them, and the errors they report in the same words.
import { readdirSync, statSync } from 'node:fs';

import { describeGroup } from '../../common/accounts.js';
import { GpioError } from './line.js';

/** An error from a binding: Node-style `code` (EACCES, EBUSY...) and message. */
export interface ErrnoLike {
  code?: string;
  message?: string;
}

export function errnoCode(error: unknown): string | undefined {
  return (error as ErrnoLike | undefined)?.code;
}

export function errorMessage(error: unknown): string {
  return (error as ErrnoLike | undefined)?.message ?? String(error);
}

/** gpiochip0, gpiochip1... as /dev has them, in numeric order. */
export function chipNames(): string[] {
  return readdirSync('/dev')
    .filter((name) => /^gpiochip\d+$/.test(name))
    .sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)));
}

/** /dev/gpiochip4 for gpiochip4; a path stays as it is. */
export function devicePath(chip: string): string {
  return chip.startsWith('/') ? chip : `/dev/${chip}`;
}

export function permissionError(device: string, cause: unknown): GpioError {
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

/** "GPIO17 on gpiochip4 line 17" */
export function lineLocation(name: string | null | undefined, chip: string, offset: number): string {
  return `${name || `line ${offset}`} on ${chip} line ${offset}`;
}

/** What a busy line's message ends with: advice for a start, not for the clean-up (which leaves the line). */
export const BUSY_ADVICE = '; stop that program first';

/** The line is held by another consumer (named when the kernel knows it). */
export function busyError(location: string, consumer: string | null | undefined, cause?: unknown): GpioError {
  const holder = consumer ? `"${consumer}"` : 'another consumer (the kernel or a driver)';
  return new GpioError('busy', `${location} is busy: it is held by ${holder}${BUSY_ADVICE}`, { cause });
}

/** A line of a failed request: where it is, and who holds it now (false: nobody; a throw: unknown). */
export interface RequestedLine {
  location: string;
  holder(): string | null | undefined | false;
}

/**
 * A failed request of a chip's lines as outputs: busy (naming the first line
 * another consumer holds by now, and which of `lines` it is), permission, or io.
 */
export function requestError(
  error: unknown,
  device: string,
  lines: readonly RequestedLine[],
): { failure: GpioError; line: number } {
  const code = errnoCode(error);
  if (code === 'EBUSY') {
    for (const [index, line] of lines.entries()) {
      let holder: string | null | undefined | false;
      try {
        holder = line.holder();
      } catch {
        continue;
      }
      if (holder !== false) return { failure: busyError(line.location, holder, error), line: index };
    }
    return { failure: busyError(lines.map((line) => line.location).join(', '), undefined, error), line: 0 };
  }
  if (code === 'EACCES' || code === 'EPERM') return { failure: permissionError(device, error), line: 0 };
  const where = lines.map((line) => line.location).join(', ');
  const failure = new GpioError('io', `requesting ${where} as outputs failed: ${errorMessage(error)}`, {
    cause: error,
  });
  return { failure, line: 0 };
}

/** Opens `chip` through a binding's `open`: EACCES/EPERM become 'permission', anything else 'no-such-line'. */
export function openChip<C>(chip: string, open: (chip: string) => C): C {
  try {
    return open(chip);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EACCES' || code === 'EPERM') throw permissionError(devicePath(chip), error);
    throw new GpioError('no-such-line', `cannot open GPIO chip ${chip}: ${errorMessage(error)}`, { cause: error });
  }
}

/**
 * Looks at every /dev/gpiochipN in turn with `look` (which opens the chip
 * with openChip) until one returns a result. Chips that cannot be opened are
 * skipped; when none has the line, a permission error met on the way is
 * thrown (the line may be on the chip this user may not open), else 'no-such-line'.
 */
export function searchChips<T>(
  what: string,
  look: (chip: string) => T | undefined,
  advice = 'give --chip and --line OFFSET, or --backend sim on a machine without GPIO',
): T {
  const names = chipNames();
  let denied: GpioError | undefined;
  for (const name of names) {
    try {
      const found = look(name);
      if (found !== undefined) return found;
    } catch (error) {
      if (!(error instanceof GpioError)) throw error;
      if (error.kind === 'permission') denied ??= error;
    }
  }
  if (denied) throw denied;
  const searched = names.length === 0 ? 'no GPIO chips exist (/dev/gpiochip*)' : `searched ${names.join(', ')}`;
  throw new GpioError('no-such-line', `no GPIO ${what} (${searched}); ${advice}`);
}
