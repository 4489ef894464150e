#!/usr/bin/env node
// debian/runtime-modules.mjs PACKAGE...: prints the node_modules directories
// that PACKAGE... need at run time: each, then its dependencies and theirs, as
// package-lock.json records them (optional ones only when installed). The
// programs ship as bundles (scripts/bundle.mjs); only the npm packages with an
// addon of their own stay packages, and debian/rules ships them with these.
import { existsSync, readFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const wanted = process.argv.slice(2);
if (wanted.length === 0) {
  console.error('usage: debian/runtime-modules.mjs PACKAGE...');
  process.exit(2);
}
const shipped = new Set();
while (wanted.length > 0) {
  const name = wanted.pop();
  const directory = `node_modules/${name}`;
  if (shipped.has(directory)) continue;
  const entry = lock.packages[directory];
  if (entry === undefined) {
    console.error(`debian/runtime-modules.mjs: ${name} is not in package-lock.json`);
    process.exit(1);
  }
  if (!existsSync(directory)) {
    if (entry.optional) continue;
    console.error(`debian/runtime-modules.mjs: ${directory} is missing: run npm ci`);
    process.exit(1);
  }
  shipped.add(directory);
  wanted.push(...Object.keys({ ...entry.dependencies, ...entry.optionalDependencies }));
}
console.log([...shipped].sort().join('\n'));
