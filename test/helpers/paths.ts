// Where things are, for tests compiled to dist/test/ and run from anywhere.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/helpers/paths.ts, run as dist/test/helpers/paths.js). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Compiled output of the TypeScript sources. */
export const distRoot = path.join(repoRoot, 'dist');

/** Scratch space for what tests build (C programs and the like); gitignored. */
export const testBuildDir = path.join(repoRoot, 'test', 'build');

/** A path inside the repository, from its root. */
export function fromRoot(...parts: string[]): string {
  return path.join(repoRoot, ...parts);
}

/** The queue binding (the workspace @ledd/sysvmq), as a child's inline script imports it. */
export const sysvmqUrl = import.meta.resolve('@ledd/sysvmq');
