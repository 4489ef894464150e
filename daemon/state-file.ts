// The last commanded LED state, kept across crashes, restarts and reboots.
//
// The file holds one fixed-size record, rewritten in place with a single
// pwrite before ledd answers (a process crash cannot tear one small write,
// and it costs microseconds where a rename costs a block flush), then
// fsync'ed just after, off the hot path, for power cuts. A file that does not
// parse (a torn write after a power cut) is reported and treated as absent,
// so the device still starts.
import { closeSync, constants, fsync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';

const fsyncAsync = promisify(fsync);
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

export type ReadResult = { state: StoredState } | { state: undefined; problem?: string };

const RECORD_BYTES = 64;

function record(state: StoredState): string {
  return (
    `${JSON.stringify({ led: state.on ? 'on' : 'off', at: new Date().toISOString() })}`.padEnd(RECORD_BYTES - 1) + '\n'
  );
}

export class StateFile {
  readonly path: string;
  #descriptor: number | undefined;
  #created = false;

  constructor(file: string) {
    this.path = file;
  }

  /** The stored state; undefined with a `problem` when the file is not ledd's. I/O errors throw. */
  read(): ReadResult {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: undefined };
      throw new StateFileError(`cannot read the state file ${this.path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    try {
      const parsed = JSON.parse(text) as { led?: unknown };
      if (parsed.led === 'on' || parsed.led === 'off') return { state: { on: parsed.led === 'on' } };
    } catch {
      // reported below
    }
    return { state: undefined, problem: `the state file ${this.path} does not hold ledd's state ({"led":"on"|"off"})` };
  }

  /** Records the state (not yet flushed to the disk). */
  save(state: StoredState): void {
    let opened = false;
    if (this.#descriptor === undefined) {
      mkdirSync(path.dirname(this.path), { recursive: true, mode: 0o755 });
      // Not 'w': its O_TRUNC would leave the file empty until the write below,
      // and a kill -9 in between would lose the state the restart restores.
      this.#descriptor = openSync(this.path, constants.O_WRONLY | constants.O_CREAT, 0o644);
      this.#created = true;
      opened = true;
    }
    const text = record(state);
    writeSync(this.#descriptor, text, 0);
    // Only a longer file of someone else's could leave anything past the record.
    if (opened) ftruncateSync(this.#descriptor, Buffer.byteLength(text));
  }

  /** fsync of the record, and of the directory after the file was created. */
  async flush(): Promise<void> {
    if (this.#descriptor === undefined) return;
    await fsyncAsync(this.#descriptor);
    if (this.#created) {
      this.#created = false;
      const directory = await open(path.dirname(this.path), 'r');
      try {
        await directory.sync();
      } finally {
        await directory.close();
      }
    }
  }

  close(): void {
    if (this.#descriptor !== undefined) closeSync(this.#descriptor);
    this.#descriptor = undefined;
  }
}
