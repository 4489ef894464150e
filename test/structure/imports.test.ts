// The shape of the source tree, read from the import statements of the
// TypeScript sources: no import circles, and daemon/ and the clients share only
// what is meant to be shared (protocol/: the wire format; common/: argument
// parsing, user and group names, the version; the queue binding, the workspace
// native/sysvmq/ imported as @ledd/sysvmq). client/ is the clients' own
// library (one request, a watch), used by ledctl (command/) and ledd-mqtt
// (bridge/). The workspaces (native/sysvmq/, test/kit/) are packages of their
// own: nothing in them reaches outside by a relative path.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { repoRoot } from '../helpers/paths.js';

const SOURCE_DIRS = [
  'protocol',
  'common',
  'client',
  'daemon',
  'command',
  'bridge',
  'native/lib',
  'native/sysvmq/lib',
  'test/kit/src',
];
const WORKSPACES: Record<string, { dirs: string[]; packages: string[] }> = {
  'native/sysvmq': { dirs: ['lib', 'test', 'bench'], packages: ['@ledd/test-kit'] },
  'test/kit': { dirs: ['src'], packages: [] },
};

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
const top = (file: string): string =>
  ['native/lib', 'native/sysvmq', 'test/kit'].find((prefix) => file.startsWith(`${prefix}/`)) ?? file.split('/')[0]!;

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
    'native/sysvmq': ['native/sysvmq'],
    'test/kit': ['test/kit'],
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

test('the workspaces are packages of their own: no relative import leaves one, and they import no package of the repository but what they depend on', () => {
  const relative = /(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)['"](\.[^'"]+)['"]/gm;
  const ours = /(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)['"](@ledd\/[^/'"]+)/gm;
  const escapes: string[] = [];
  for (const [workspace, { dirs, packages }] of Object.entries(WORKSPACES)) {
    for (const file of dirs.flatMap((dir) => sources(path.posix.join(workspace, dir)))) {
      const text = readFileSync(path.join(repoRoot, file), 'utf8');
      for (const [, target] of text.matchAll(relative)) {
        const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), target!));
        if (!resolved.startsWith(`${workspace}/`)) escapes.push(`${file} -> ${resolved}`);
      }
      for (const [, name] of text.matchAll(ours)) {
        if (!packages.includes(name!)) escapes.push(`${file} -> ${name}`);
      }
    }
  }
  assert.deepEqual(escapes, []);
});

test("ledd's programs never import the test kit", () => {
  const kit = /(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)['"]@ledd\/test-kit/m;
  const programs = ['protocol', 'common', 'client', 'daemon', 'command', 'bridge', 'native/lib', 'native/sysvmq/lib'];
  const importers = programs
    .flatMap(sources)
    .filter((file) => kit.test(readFileSync(path.join(repoRoot, file), 'utf8')));
  assert.deepEqual(importers, []);
});
