// Compiling a C program for a test (or a benchmark) with the system's cc.
// Binaries go to the caller's build directory (gitignored), and are rebuilt
// only when the source or the flags change.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, existsSync } from 'node:fs';
import path from 'node:path';

import { MissingToolError } from './tools.js';

export interface CompileOptions {
  /** Where the binaries go: a gitignored build directory of the caller's. */
  outDir: string;
  /** Extra flags for cc, e.g. ['-O2']; default ['-O2', '-Wall', '-Wextra', '-Werror']. */
  flags?: string[];
  /** Name of the binary; default the source's name without .c. */
  name?: string;
}

/** Compiles `source` (a .c file) and returns the binary's path. */
export function compileC(source: string, options: CompileOptions): string {
  const outDir = options.outDir;
  const flags = options.flags ?? ['-O2', '-Wall', '-Wextra', '-Werror'];
  const name = options.name ?? path.basename(source, '.c');
  const text = readFileSync(source);
  const digest = createHash('sha256').update(text).update(JSON.stringify(flags)).digest('hex').slice(0, 16);
  const binary = path.join(outDir, `${name}-${digest}`);
  if (existsSync(binary)) return binary;

  mkdirSync(outDir, { recursive: true });
  const temporary = `${binary}.${process.pid}.tmp`;
  const result = spawnSync('cc', [...flags, '-o', temporary, source], { encoding: 'utf8' });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new MissingToolError('the C compiler cc', 'gcc', 'needed to build a test program');
  }
  if (result.status !== 0) {
    throw new Error(`cc failed for ${source} (status ${result.status}):\n${result.stderr}${result.stdout}`);
  }
  renameSync(temporary, binary);
  return binary;
}
