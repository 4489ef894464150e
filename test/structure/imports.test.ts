// The shape of the source tree, read from the import statements of the
// TypeScript sources: no import circles, and daemon/ and the clients share only
// what is meant to be shared (protocol/: the wire format; common/: argument
// parsing, user and group names, the version; native/lib: the queue binding).
// client/ is the clients' own library (one request, a watch), used by ledctl
// (command/) and ledd-mqtt (bridge/).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { repoRoot } from '../helpers/paths.js';

const SOURCE_DIRS = ['protocol', 'common', 'client', 'daemon', 'command', 'bridge', 'native/lib'];

function sources(directory: string): string[] {
  return readdirSync(path.join(repoRoot, directory), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(directory, entry.name);
    if (entry.isDirectory()) return sources(relative);
    return entry.name.endsWith('.ts') ? [relative] : [];
  });
}

/** Each source file's relative imports (static, dynamic, type-only, re-exports), as repo paths of .ts files. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const specifier = /(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)['"](\.[^'"]+)\.js['"]/gm;
  for (const file of SOURCE_DIRS.flatMap(sources)) {
    const text = readFileSync(path.join(repoRoot, file), 'utf8');
    const targets = [...text.matchAll(specifier)].map((match) =>
      path.posix.normalize(path.posix.join(path.posix.dirname(file), `${match[1]}.ts`)),
    );
    graph.set(file, targets);
  }
  return graph;
}

const graph = importGraph();
const top = (file: string): string => (file.startsWith('native/lib/') ? 'native/lib' : file.split('/')[0]!);

test('the sources have no import circles', () => {
  const circles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (file: string, trail: string[]): void => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      circles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
      return;
    }
    state.set(file, 'open');
    for (const target of graph.get(file) ?? []) visit(target, [...trail, file]);
    state.set(file, 'done');
  };
  for (const file of graph.keys()) visit(file, []);
  assert.deepEqual(circles, []);
});

test('every relative import names a source file that exists', () => {
  const missing = [...graph].flatMap(([file, targets]) =>
    targets.filter((target) => !graph.has(target)).map((target) => `${file} imports ${target}`),
  );
  assert.deepEqual(missing, []);
});

test('daemon/ and the clients (client/, command/, bridge/) import nothing of each other; protocol/ and common/ import neither of them', () => {
  const allowed: Record<string, string[]> = {
    protocol: ['protocol'],
    // The package's root is found the same way by the addons' loaders and by the version.
    common: ['common', 'native/lib'],
    'native/lib': ['native/lib'],
    client: ['client', 'protocol', 'common', 'native/lib'],
    daemon: ['daemon', 'protocol', 'common', 'native/lib'],
    command: ['command', 'client', 'protocol', 'common', 'native/lib'],
    bridge: ['bridge', 'protocol', 'common', 'native/lib', 'client'],
  };
  const crossings = [...graph].flatMap(([file, targets]) =>
    targets.filter((target) => !allowed[top(file)]!.includes(top(target))).map((target) => `${file} -> ${target}`),
  );
  assert.deepEqual(crossings, []);
});
