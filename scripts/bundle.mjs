// Bundles the two programs that must not depend on a graph of modules loaded
// one by one, each into one CommonJS file with everything it imports:
// - dist/ledctl.cjs (from dist/command/main.js): Node 20 loads one CommonJS
//   file without its ES module loader and without a file read per module,
//   which is most of what ledctl spent before its request;
// - dist/ledd-cleanup.cjs (from dist/daemon/cleanup-entry.js): the clean-up,
//   which runs while a removal or an upgrade deletes or replaces ledd's files.
// The sources stay the single truth; these files are built from them by `npm
// run build`. `node scripts/bundle.mjs DIR` bundles another tree's dist/ (a
// foreign-architecture root's: the output is the same JavaScript everywhere).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));

const bundles = [
  { entry: 'dist/command/main.js', out: 'dist/ledctl.cjs' },
  { entry: 'dist/daemon/cleanup-entry.js', out: 'dist/ledd-cleanup.cjs' },
];

for (const { entry, out } of bundles) {
  await build({
    entryPoints: [path.join(root, entry)],
    outfile: path.join(root, out),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // The GPIO binding for libgpiod 1.x, an npm package with an addon of its own, stays a package.
    external: ['node-libgpiod'],
    // import.meta.url in CommonJS: this file's own URL (the modules find the package root from it).
    banner: { js: '"use strict";\nconst bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
    define: { 'import.meta.url': 'bundleUrl' },
    logLevel: 'warning',
    logOverride: { 'empty-import-meta': 'silent' },
  });
}
