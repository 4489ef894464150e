// Child processes for tests: run one to completion, or keep one running and
// read its output line by line; optionally as another user (setpriv). Children
// spawned with a test context are killed when that test ends, pass or fail.
import { type ChildProcess, spawn } from 'node:child_process';
import type { TestContext } from 'node:test';

import { withTimeout } from './wait.js';

export interface RunAs {
  /** User name or uid, e.g. 'nobody'. */
  user: string;
  /** Group name or gid; default: the group named like the user's, 'nogroup' for nobody. */
  group?: string;
}

export interface ChildOptions {
  /** Run as another user, with no supplementary groups (needs root; uses setpriv from util-linux). */
  as?: RunAs;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written to standard input, which is then closed. Without it, standard input stays open (a pipe). */
  input?: string | Buffer;
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The command line that runs `command` as `as.user` (setpriv execs, so the pid stays the same). */
export function commandAs(as: RunAs | undefined, command: string, args: readonly string[]): [string, string[]] {
  if (!as) return [command, [...args]];
  const group = as.group ?? (as.user === 'nobody' ? 'nogroup' : as.user);
  return ['setpriv', [`--reuid=${as.user}`, `--regid=${group}`, '--clear-groups', '--', command, ...args]];
}

/** node running an inline ES module; `source` may import file URLs (a package's dist, say). */
export function nodeScript(source: string, args: readonly string[] = []): [string, string[]] {
  return [process.execPath, ['--input-type=module', '--eval', source, '--', ...args]];
}

/** A running child whose output is collected, with standard output readable line by line. */
export class Child {
  readonly process: ChildProcess;
  readonly command: string;
  /** Settles when the child has exited and its output is closed. */
  readonly exited: Promise<ChildResult>;
  #stdout = '';
  #stderr = '';
  #lines: string[] = [];
  #partial = '';
  #waiters = new Set<() => void>();
  #done = false;

  constructor(command: string, args: readonly string[], options: ChildOptions = {}) {
    const [file, argv] = commandAs(options.as, command, args);
    this.command = [file, ...argv].map((arg) => (arg.length > 80 ? `${arg.slice(0, 77)}...` : arg)).join(' ');
    this.process = spawn(file, argv, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.process.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stdout += chunk;
      const parts = (this.#partial + chunk).split('\n');
      this.#partial = parts.pop() ?? '';
      this.#lines.push(...parts);
      this.#wake();
    });
    this.process.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr += chunk;
    });
    this.process.stdin!.on('error', () => undefined);
    if (options.input !== undefined) this.process.stdin!.end(options.input);
    this.exited = new Promise<ChildResult>((resolve, reject) => {
      this.process.once('error', reject);
      this.process.once('close', (code, signal) => {
        if (this.#partial) this.#lines.push(this.#partial);
        this.#partial = '';
        this.#done = true;
        this.#wake();
        resolve({ code, signal, stdout: this.#stdout, stderr: this.#stderr });
      });
    });
    // Observed here so that a spawn failure surfaces where exited is awaited, not as an unhandled rejection.
    this.exited.catch(() => undefined);
  }

  get pid(): number {
    if (this.process.pid === undefined) throw new Error(`${this.command}: not started`);
    return this.process.pid;
  }

  get stdout(): string {
    return this.#stdout;
  }

  get stderr(): string {
    return this.#stderr;
  }

  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  #wake(): void {
    for (const waiter of this.#waiters) waiter();
  }

  /**
   * The next line of standard output (matching `match` when given; lines before it are
   * consumed). Fails when the child exits first or after `timeoutMs`, showing its output.
   */
  async nextLine(match?: string | RegExp | ((line: string) => boolean), timeoutMs = 10_000): Promise<string> {
    const test =
      match === undefined
        ? () => true
        : typeof match === 'string'
          ? (line: string) => line === match
          : match instanceof RegExp
            ? (line: string) => match.test(line)
            : match;
    const found = new Promise<string>((resolve, reject) => {
      const check = (): void => {
        while (this.#lines.length > 0) {
          const line = this.#lines.shift()!;
          if (test(line)) {
            this.#waiters.delete(check);
            resolve(line);
            return;
          }
        }
        if (this.#done) {
          this.#waiters.delete(check);
          reject(new Error(`${this.describe()} exited before printing ${String(match ?? 'a line')}`));
        }
      };
      this.#waiters.add(check);
      check();
    });
    return withTimeout(`${String(match ?? 'a line')} from ${this.describe()}`, found, timeoutMs);
  }

  /** Standard output's next line, parsed as JSON. */
  async nextJson<T = unknown>(timeoutMs?: number): Promise<T> {
    const line = await this.nextLine((candidate) => candidate.startsWith('{') || candidate.startsWith('['), timeoutMs);
    return JSON.parse(line) as T;
  }

  /** Waits for the exit, failing after `timeoutMs`. */
  async wait(timeoutMs = 10_000): Promise<ChildResult> {
    return withTimeout(`the exit of ${this.describe()}`, this.exited, timeoutMs);
  }

  /** Waits for an exit with code 0; otherwise fails showing the output. */
  async succeeds(timeoutMs = 10_000): Promise<ChildResult> {
    const result = await this.wait(timeoutMs);
    if (result.code !== 0) {
      throw new Error(`${this.describe()} failed (code ${result.code}, signal ${result.signal})`);
    }
    return result;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.running) this.process.kill(signal);
  }

  /** The command and what it printed so far, for failure messages. */
  describe(): string {
    const out = this.#stdout.trim();
    const err = this.#stderr.trim();
    return (
      `\`${this.command}\`` +
      (out ? `\n--- stdout ---\n${out.slice(-4000)}` : '') +
      (err ? `\n--- stderr ---\n${err.slice(-4000)}` : '') +
      (out || err ? '\n---' : '')
    );
  }
}

/** Starts a child; with a test context, it is killed (SIGKILL) when the test ends. */
export function spawnChild(
  t: Pick<TestContext, 'after'> | undefined,
  command: string,
  args: readonly string[] = [],
  options: ChildOptions = {},
): Child {
  const child = new Child(command, args, options);
  t?.after(async () => {
    if (child.running) {
      child.kill('SIGKILL');
      await child.exited.catch(() => undefined);
    }
  });
  return child;
}

/** Runs a command to its end, with standard input closed unless `input` is given. */
export async function runChild(
  command: string,
  args: readonly string[] = [],
  options: ChildOptions & { timeoutMs?: number } = {},
): Promise<ChildResult> {
  const child = new Child(command, args, { ...options, input: options.input ?? '' });
  try {
    return await child.wait(options.timeoutMs ?? 10_000);
  } finally {
    child.kill('SIGKILL');
  }
}

/** Runs a command that must succeed; returns its standard output. Fails showing all output otherwise. */
export async function runOk(
  command: string,
  args: readonly string[] = [],
  options: ChildOptions & { timeoutMs?: number } = {},
): Promise<string> {
  const child = new Child(command, args, { ...options, input: options.input ?? '' });
  try {
    await child.succeeds(options.timeoutMs ?? 10_000);
    return child.stdout;
  } finally {
    child.kill('SIGKILL');
  }
}
