// Where things are in this package, for its tests and benchmarks (compiled
// to dist/test/ and dist/bench/, run from anywhere).
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The package's directory (this file runs as dist/test/paths.js). */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A path inside the package, from its directory. */
export function fromPackage(...parts: string[]): string {
  return path.join(packageRoot, ...parts);
}

/** The compiled library, as a child's inline script imports it. */
export const libUrl = pathToFileURL(fromPackage('dist', 'lib', 'index.js')).href;

/** Where the tests' and benchmarks' C programs are built (gitignored). */
export const programsDir = fromPackage('build', 'programs');
