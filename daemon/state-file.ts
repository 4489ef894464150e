// The last commanded LED state, kept across crashes, restarts and reboots.
// Written atomically (temporary file, fsync, rename) so a power cut leaves
// either the old state or the new one.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface StoredState {
  on: boolean;
}

export class StateFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StateFileError';
  }
}

/** undefined when no state was stored yet; a corrupt file is an error naming it. */
export function readState(file: string): StoredState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(`cannot read the state file ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const parsed = JSON.parse(text) as { led?: unknown };
    if (parsed.led === 'on' || parsed.led === 'off') return { on: parsed.led === 'on' };
  } catch {
    // reported below
  }
  throw new StateFileError(
    `the state file ${file} is not ledd's ({"led":"on"|"off"}); fix or delete it, or start with --start-state off`,
  );
}

export function writeState(file: string, state: StoredState): void {
  const directory = path.dirname(file);
  mkdirSync(directory, { recursive: true, mode: 0o755 });
  const temporary = `${file}.${process.pid}.tmp`;
  const descriptor = openSync(temporary, 'w', 0o644);
  try {
    writeSync(descriptor, `${JSON.stringify({ led: state.on ? 'on' : 'off', at: new Date().toISOString() })}\n`);
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
  renameSync(temporary, file);
  const directoryDescriptor = openSync(directory, 'r');
  try {
    fsyncSync(directoryDescriptor);
  } finally {
    closeSync(directoryDescriptor);
  }
}
