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

import { type PatternName, type PatternSpec, patternProblem } from '../protocol/pattern.js';

export interface StoredPattern {
  spec: PatternSpec;
  /** Epoch milliseconds: a restart resumes the pattern where its schedule is by then. */
  startedAt: number;
}

export interface StoredState {
  /** The commanded state; with a pattern, the state it ends in. */
  on: boolean;
  pattern?: StoredPattern;
}

export class StateFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StateFileError';
  }
}

export type ReadResult = { state: StoredState; problem?: string } | { state: undefined; problem?: string };

/** Room for the longest pattern; one write of it is still atomic against a crash. */
const RECORD_BYTES = 512;

function record(state: StoredState): string {
  const pattern = state.pattern && {
    name: state.pattern.spec.name,
    steps: state.pattern.spec.steps.map((step) => [step.on ? 1 : 0, step.ms]),
    repeat: state.pattern.spec.repeat,
    startedAt: state.pattern.startedAt,
  };
  const text = JSON.stringify({
    led: state.on ? 'on' : 'off',
    ...(pattern && { pattern }),
    at: new Date().toISOString(),
  });
  if (text.length >= RECORD_BYTES) throw new StateFileError(`the state record of ${text.length} bytes does not fit`);
  return text.padEnd(RECORD_BYTES - 1) + '\n';
}

/** The pattern of a parsed record, or undefined when it has none or it is not valid. */
function storedPattern(raw: unknown, then: boolean): StoredPattern | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { name, steps, repeat, startedAt } = raw as Record<string, unknown>;
  if (!Array.isArray(steps) || typeof repeat !== 'number' || typeof startedAt !== 'number') return undefined;
  if (name !== 'blink' && name !== 'heartbeat' && name !== 'pattern') return undefined;
  const spec: PatternSpec = {
    name: name as PatternName,
    steps: steps.map((step: unknown) => {
      const [level, ms] = Array.isArray(step) ? (step as unknown[]) : [];
      return { on: level === 1, ms: typeof ms === 'number' ? ms : NaN };
    }),
    repeat,
    then,
  };
  return patternProblem(spec) === undefined && Number.isFinite(startedAt) ? { spec, startedAt } : undefined;
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
      const parsed = JSON.parse(text) as { led?: unknown; pattern?: unknown };
      if (parsed.led === 'on' || parsed.led === 'off') {
        const on = parsed.led === 'on';
        const pattern = storedPattern(parsed.pattern, on);
        if (parsed.pattern !== undefined && !pattern) {
          return { state: { on }, problem: `the pattern in the state file ${this.path} is not valid; ignored` };
        }
        return { state: { on, ...(pattern && { pattern }) } };
      }
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
