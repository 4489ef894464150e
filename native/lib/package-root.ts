// The directory of the package a module belongs to: the nearest one above it
// that holds package.json. Walked up to rather than fixed ('../../..'),
// because the same module runs from dist/native/lib/ and bundled into
// dist/ledctl.cjs.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRootOf(moduleUrl: string): string {
  const start = path.dirname(fileURLToPath(moduleUrl));
  for (let directory = start; ; directory = path.dirname(directory)) {
    if (existsSync(path.join(directory, 'package.json'))) return directory;
    if (path.dirname(directory) === directory) throw new Error(`ledd: no package.json in ${start} or above it`);
  }
}
