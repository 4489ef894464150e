// Where things are, for tests compiled to dist/test/ and run from anywhere.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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

/** A file URL for `import` in a child's inline script, e.g. of dist/native/lib/index.js. */
export function importUrl(...partsFromRoot: string[]): string {
  return pathToFileURL(fromRoot(...partsFromRoot)).href;
}

/** The compiled queue library, as a child script imports it. */
export const nativeLibUrl = importUrl('dist', 'native', 'lib', 'index.js');
