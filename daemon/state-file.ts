// The last commanded state of every LED, kept across crashes, restarts and
// reboots.
//
// The file holds one fixed-size record (a memory page), rewritten in place
// with a single pwrite before ledd answers (a process crash cannot tear one
// page's write, and it costs microseconds where a rename costs a block flush), then
// fsync'ed just after, off the hot path, for power cuts. A file that does not
// parse (a torn write after a power cut) is reported and treated as absent,
// so the device still starts.
import {
  closeSync,
  constants,
  fstatSync,
  fsync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';

const fsyncAsync = promisify(fsync);
import path from 'node:path';

import {
  levelText,
  type PatternName,
  PATTERN_NAMES,
  type PatternSpec,
  patternProblem,
  widthOf,
} from '../protocol/pattern.js';

export interface StoredPattern {
  spec: PatternSpec;
  /** Epoch milliseconds: a restart resumes the pattern where its schedule is by then. */
  startedAt: number;
  /**
   * For a pattern that gives each LED its own level: the LED of each level,
   * by name, in order; null for one that has left the pattern since.
   */
  columns?: (string | null)[];
}

/** A timed command, shared by its LEDs: when it ends, and the pattern it plays (if it does). */
export interface StoredTimed {
  /** Epoch milliseconds. */
  until: number;
  pattern?: StoredPattern;
}

/** One LED's part in a timed command. */
export interface StoredTimedLayer {
  timed: StoredTimed;
  /** Its steady level; with a pattern, the level it ends in. */
  on: boolean;
}

/** One LED's saved state. */
export interface StoredLed {
  /** The commanded level; with a pattern, the level it ends in. */
  on: boolean;
  pattern?: StoredPattern;
  /** Timed states over it, the first lowest (each ends before the one under it). */
  timed?: StoredTimedLayer[];
}

/**
 * Every LED's saved state by name. LEDs that play one pattern together share
 * one StoredPattern object (and are saved as one pattern with several LEDs).
 */
export type StoredState = Map<string, StoredLed>;

export class StateFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StateFileError';
  }
}

export type ReadResult = { state: StoredState; problem?: string } | { state: undefined; problem?: string };

/**
 * One memory page: a single write of at most this much at offset 0 is not torn
 * by a crash (the kernel copies a page at a time and stops only between pages).
 */
const RECORD_BYTES = 4096;

interface PatternRecord {
  name: string;
  /** [level, ms]: level 0 or 1, or "101" for a step that gives each LED its own. */
  steps: [number | string, number][];
  repeat: number;
  startedAt: number;
  label?: string;
  columns?: (string | null)[];
}

function patternRecord(pattern: StoredPattern): PatternRecord {
  const { spec } = pattern;
  const wide = widthOf(spec) > 1;
  return {
    name: spec.name,
    steps: spec.steps.map((step) => [wide ? levelText(step.levels) : step.levels[0] ? 1 : 0, step.ms]),
    repeat: spec.repeat,
    startedAt: pattern.startedAt,
    ...(spec.label !== undefined && { label: spec.label }),
    ...(pattern.columns && { columns: pattern.columns }),
  };
}

const levelWord = (on: boolean): 'on' | 'off' => (on ? 'on' : 'off');

/** One LED: the format ledd has always written, which an older ledd reads too (and ignores `timed`). */
function oneLedRecord(led: StoredLed): object {
  const pattern = led.pattern && patternRecord(led.pattern);
  const timed = led.timed?.map(({ timed: entry, on }) => ({
    until: entry.until,
    led: levelWord(on),
    ...(entry.pattern && { pattern: patternRecord(entry.pattern) }),
  }));
  return { led: levelWord(led.on), ...(pattern && { pattern }), ...(timed && timed.length > 0 && { timed }) };
}

/** Every timed command once, with its LEDs' levels; the one ending last first (the order they lie in). */
function timedRecords(state: StoredState): object[] {
  const commands = new Map<StoredTimed, Record<string, 'on' | 'off'>>();
  for (const [name, led] of state)
    for (const { timed, on } of led.timed ?? []) commands.set(timed, { ...commands.get(timed), [name]: levelWord(on) });
  return [...commands]
    .sort(([a], [b]) => b.until - a.until)
    .map(([timed, leds]) => ({
      until: timed.until,
      leds,
      ...(timed.pattern && { pattern: patternRecord(timed.pattern) }),
    }));
}

/** The record's text: padded to one page when it fits in one (most do), else as long as it is. */
function record(state: StoredState): string {
  const text = JSON.stringify(
    state.size === 1 ? { ...oneLedRecord([...state.values()][0]!), at: new Date().toISOString() } : severalLeds(state),
  );
  return text.length < RECORD_BYTES ? text.padEnd(RECORD_BYTES - 1) + '\n' : `${text}\n`;
}

function severalLeds(state: StoredState): object {
  const patterns = new Map<StoredPattern, string[]>();
  for (const [name, led] of state) {
    if (led.pattern) patterns.set(led.pattern, [...(patterns.get(led.pattern) ?? []), name]);
  }
  const timed = timedRecords(state);
  return {
    leds: Object.fromEntries([...state].map(([name, led]) => [name, levelWord(led.on)])),
    patterns: [...patterns].map(([pattern, leds]) => ({ leds, ...patternRecord(pattern) })),
    ...(timed.length > 0 && { timed }),
    at: new Date().toISOString(),
  };
}

/** The pattern of a parsed record, or undefined when it is not valid. */
function storedPattern(raw: unknown, then: boolean): StoredPattern | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { name, steps, repeat, startedAt, label, columns } = raw as Record<string, unknown>;
  if (!Array.isArray(steps) || typeof repeat !== 'number' || typeof startedAt !== 'number') return undefined;
  if (!(PATTERN_NAMES as readonly unknown[]).includes(name)) return undefined;
  if (label !== undefined && typeof label !== 'string') return undefined;
  const spec: PatternSpec = {
    name: name as PatternName,
    steps: steps.map((step: unknown) => {
      const [level, ms] = Array.isArray(step) ? (step as unknown[]) : [];
      const levels =
        typeof level === 'string' && /^[01]+$/.test(level) ? [...level].map((digit) => digit === '1') : [level === 1];
      return { levels, ms: typeof ms === 'number' ? ms : NaN };
    }),
    repeat,
    then,
    ...(label !== undefined && { label }),
  };
  if (patternProblem(spec) !== undefined || !Number.isFinite(startedAt)) return undefined;
  if (widthOf(spec) === 1) return { spec, startedAt };
  const named = Array.isArray(columns) && columns.length === widthOf(spec);
  if (!named || !columns.every((column) => column === null || typeof column === 'string')) return undefined;
  return { spec, startedAt, columns: columns as (string | null)[] };
}

const isLevel = (value: unknown): value is 'on' | 'off' => value === 'on' || value === 'off';

/**
 * A record of this format: {"leds":{"a":"on",...},"patterns":[{"leds":["a"],...}]}; or the
 * one-LED format of ledd before several LEDs ({"led":"on","pattern":{...}}), which was
 * the first LED's (`firstLed`). Undefined when it is neither; `problem` for what was dropped.
 */
function parseRecord(parsed: unknown, firstLed: string): { state: StoredState; problem?: string } | undefined {
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { led, pattern, leds, patterns, timed } = parsed as Record<string, unknown>;
  if (timed !== undefined && !Array.isArray(timed)) return undefined;
  if (isLevel(led)) {
    const on = led === 'on';
    const restored = pattern === undefined ? undefined : storedPattern(pattern, on);
    const state: StoredState = new Map([[firstLed, { on, ...(restored && { pattern: restored }) }]]);
    const problems = pattern !== undefined && !restored ? ['its pattern is not valid; ignored'] : [];
    // The one-LED format's timed entries hold `led` where the other's hold `leds`.
    const entries = (timed ?? []).map((entry: unknown) => {
      const level = (entry as { led?: unknown } | null)?.led;
      return { entry, levels: isLevel(level) ? { [firstLed]: level } : undefined };
    });
    const dropped = addTimed(state, entries);
    if (dropped > 0) problems.push(`${dropped} of its timed states are not valid; ignored`);
    return problems.length > 0 ? { state, problem: problems.join('; ') } : { state };
  }
  if (typeof leds !== 'object' || leds === null || !Array.isArray(patterns)) return undefined;
  const state: StoredState = new Map();
  for (const [name, level] of Object.entries(leds)) {
    if (!isLevel(level)) return undefined;
    state.set(name, { on: level === 'on' });
  }
  let invalid = 0;
  for (const raw of patterns as unknown[]) {
    const members = (raw as { leds?: unknown } | null)?.leds;
    const names = Array.isArray(members) ? members.filter((name) => state.has(name as string)) : [];
    const restored = names.length > 0 ? storedPattern(raw, state.get(names[0] as string)!.on) : undefined;
    if (!restored) {
      invalid++;
      continue;
    }
    forgetMissing(restored, state);
    for (const name of names) state.set(name as string, { on: restored.spec.then, pattern: restored });
  }
  const problems = invalid > 0 ? [`${invalid} of its patterns are not valid; ignored`] : [];
  const entries = (timed ?? []).map((entry: unknown) => {
    const levels = (entry as { leds?: unknown } | null)?.leds;
    const valid = typeof levels === 'object' && levels !== null && Object.values(levels).every(isLevel);
    return { entry, levels: valid ? (levels as Record<string, 'on' | 'off'>) : undefined };
  });
  const dropped = addTimed(state, entries);
  if (dropped > 0) problems.push(`${dropped} of its timed states are not valid; ignored`);
  return problems.length > 0 ? { state, problem: problems.join('; ') } : { state };
}

/** A level for an LED that is not in the file any more plays for nobody. */
function forgetMissing(pattern: StoredPattern, state: StoredState): void {
  if (pattern.columns)
    pattern.columns = pattern.columns.map((column) => (column !== null && state.has(column) ? column : null));
}

/**
 * Lays the timed entries over the LEDs of `state` they name, the one ending
 * last lowest; returns how many were not valid. An entry whose LEDs are none
 * of the file's is dropped as nobody's.
 */
function addTimed(
  state: StoredState,
  entries: { entry: unknown; levels: Record<string, 'on' | 'off'> | undefined }[],
): number {
  let invalid = 0;
  const valid: { timed: StoredTimed; levels: [string, boolean][] }[] = [];
  for (const { entry, levels } of entries) {
    const { until, pattern } = (entry ?? {}) as Record<string, unknown>;
    const members = Object.entries(levels ?? {}).filter(([name]) => state.has(name));
    const first = members[0];
    const restored = pattern === undefined || !first ? undefined : storedPattern(pattern, first[1] === 'on');
    if (!levels || typeof until !== 'number' || !Number.isFinite(until) || (pattern !== undefined && !restored)) {
      invalid++;
      continue;
    }
    if (!first) continue;
    if (restored) forgetMissing(restored, state);
    valid.push({
      timed: { until, ...(restored && { pattern: restored }) },
      levels: members.map(([name, level]) => [name, level === 'on']),
    });
  }
  valid.sort((a, b) => b.timed.until - a.timed.until);
  for (const { timed, levels } of valid)
    for (const [name, on] of levels) {
      const led = state.get(name)!;
      (led.timed ??= []).push({ timed, on });
    }
  return invalid;
}

export class StateFile {
  readonly path: string;
  #descriptor: number | undefined;
  #created = false;
  /** The file's length: a page, unless a longer record was written. */
  #size = 0;

  constructor(file: string) {
    this.path = file;
  }

  /**
   * The stored state; undefined with a `problem` when the file is not ledd's.
   * A file from ledd before several LEDs is read as `firstLed`'s. I/O errors throw.
   */
  read(firstLed: string): ReadResult {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: undefined };
      throw new StateFileError(`cannot read the state file ${this.path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    let parsed: ReturnType<typeof parseRecord>;
    try {
      parsed = parseRecord(JSON.parse(text), firstLed);
    } catch {
      // reported below
    }
    if (!parsed)
      return { state: undefined, problem: `the state file ${this.path} does not hold ledd's state ({"leds":{...}})` };
    return parsed.problem ? { state: parsed.state, problem: `the state file ${this.path}: ${parsed.problem}` } : parsed;
  }

  /**
   * Records the state (not yet flushed to the disk): one page written in
   * place; a record longer than a page (patterns of many steps on many LEDs),
   * or the first one after such a record, replaces the file by rename instead.
   */
  save(state: StoredState): void {
    const text = record(state);
    if (this.#descriptor === undefined) {
      mkdirSync(path.dirname(this.path), { recursive: true, mode: 0o755 });
      // Not 'w': its O_TRUNC would leave the file empty until the write below,
      // and a kill -9 in between would lose the state the restart restores.
      this.#descriptor = openSync(this.path, constants.O_WRONLY | constants.O_CREAT, 0o644);
      this.#created = true;
      this.#size = fstatSync(this.#descriptor).size;
    }
    const bytes = Buffer.byteLength(text);
    if (bytes > RECORD_BYTES || this.#size > RECORD_BYTES) {
      this.#replace(text);
      return;
    }
    writeSync(this.#descriptor, text, 0);
    this.#size = Math.max(this.#size, bytes);
  }

  /** Writes `text` to a new file and renames it over the state file: never a mix of two records. */
  #replace(text: string): void {
    const next = `${this.path}.new`;
    const descriptor = openSync(next, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o644);
    try {
      writeSync(descriptor, text, 0);
      renameSync(next, this.path);
    } catch (error) {
      closeSync(descriptor);
      throw error;
    }
    if (this.#descriptor !== undefined) closeSync(this.#descriptor);
    this.#descriptor = descriptor;
    this.#created = true;
    this.#size = Buffer.byteLength(text);
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

/** The level `led` starts at when it resumes `pattern`: its own of the first step's levels. */
export function firstLevel(pattern: StoredPattern, led: string): boolean {
  const levels = pattern.spec.steps[0]!.levels;
  const column = pattern.columns ? pattern.columns.indexOf(led) : 0;
  return levels[column === -1 ? 0 : column]!;
}
