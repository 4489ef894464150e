// The last commanded LED state, kept across crashes, restarts and reboots.
// Replaced atomically (temporary file, rename) before ledd answers, so a crash
// right after the answer cannot lose it; flushed to the disk (fsync of the
// file and its directory) just after, off the hot path, for power cuts.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
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

export function saveState(file: string, state: StoredState): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ led: state.on ? 'on' : 'off', at: new Date().toISOString() })}\n`, {
    mode: 0o644,
  });
  renameSync(temporary, file);
}

async function fsyncPath(target: string): Promise<void> {
  const handle = await open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function flushState(file: string): Promise<void> {
  await fsyncPath(file);
  await fsyncPath(path.dirname(file));
}
