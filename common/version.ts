// The package's version, read from its package.json.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { packageRootOf } from '../native/lib/package-root.js';

export function packageVersion(): string {
  const file = path.join(packageRootOf(import.meta.url), 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
