// Running the real ledd and ledctl as child processes against real queues.
import path from 'node:path';
import type { TestContext } from 'node:test';

import { formatKey } from '@ledd/sysvmq';
import { type Child, type ChildOptions, type ChildResult, runChild, spawnChild } from '@ledd/test-kit/process';
import { randomKey, removeQueueQuietly } from '@ledd/sysvmq/testing';

import { fromRoot } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';
import { findQueueInProc } from '../../common/sysvipc.js';

/** ledd as installed: the bundle. */
export const LEDD = fromRoot('dist', 'ledd.cjs');
// The ledctl that ships: the one-file bundle of dist/command/main.js (scripts/bundle.mjs).
export const LEDCTL = fromRoot('dist', 'ledctl.cjs');
// What the units run after ledd stopped: `ledd --cleanup` as one file (scripts/bundle.mjs).
export const LEDD_CLEANUP = fromRoot('dist', 'ledd-cleanup.cjs');

type After = Pick<TestContext, 'after'>;

export interface LogRecord {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface RunningLedd {
  child: Child;
  key: number;
  stateFile: string;
  /** Every JSON log line so far (read from the child's output). */
  records(): LogRecord[];
}

export function parseRecords(stdout: string): LogRecord[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogRecord);
}

export interface StartOptions extends ChildOptions {
  key?: number;
  stateFile?: string;
  args?: string[];
  /** Node's options and the program: the bundle by default (the benchmarks compare others). */
  program?: readonly string[];
  /** Wait for the "ready" line (default true). */
  waitReady?: boolean;
}

/** The arguments of `node ledd` with the simulated LED and JSON logs; `stateFile` may be 'none'. */
export function simLeddArgs(
  key: number,
  stateFile: string,
  extra: readonly string[] = [],
  program: readonly string[] = [LEDD],
): string[] {
  return [
    ...program,
    '--backend',
    'sim',
    '--key',
    String(key),
    '--state-file',
    stateFile,
    '--log-format',
    'json',
    ...extra,
  ];
}

/** Starts `ledd --backend sim` on a fresh key, JSON logs; killed and its queue removed when the test ends. */
export async function startLedd(t: After, options: StartOptions = {}): Promise<RunningLedd> {
  const key = options.key ?? randomKey();
  const stateFile = options.stateFile ?? path.join(tempDir(t), 'state.json');
  const args = simLeddArgs(key, stateFile, options.args, options.program);
  const env = { ...process.env, ...options.env };
  delete env.NOTIFY_SOCKET;
  delete env.JOURNAL_STREAM;
  const child = spawnChild(t, process.execPath, args, { ...options, env });
  t.after(() => {
    const entry = findQueueInProc(key);
    if (entry) removeQueueQuietly(entry.id);
  });
  if (options.waitReady ?? true) await child.nextLine(/"msg":"ready"/, 15_000);
  return { child, key, stateFile, records: () => parseRecords(child.stdout) };
}

export interface LedctlResult extends ChildResult {
  ms: number;
}

/** Runs ledctl against `key`. */
export async function ledctl(
  key: number,
  args: string[],
  options: ChildOptions & { timeoutMs?: number } = {},
): Promise<LedctlResult> {
  const started = performance.now();
  const result = await runChild(process.execPath, [LEDCTL, '--key', String(key), ...args], {
    timeoutMs: 20_000,
    ...options,
  });
  return { ...result, ms: performance.now() - started };
}

/** Runs ledctl against `ledd` and returns what it printed; a failure fails the test, with ledctl's words. */
export async function ledctlOk(ledd: Pick<RunningLedd, 'key'>, args: string[]): Promise<string> {
  const result = await ledctl(ledd.key, args);
  if (result.code !== 0) throw new Error(`ledctl ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

export function queueExists(key: number): boolean {
  return findQueueInProc(key) !== undefined;
}

export function describeKey(key: number): string {
  return formatKey(key);
}
