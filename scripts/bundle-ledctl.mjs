// Bundles ledctl (dist/command/main.js and everything it imports, the
// protocol included) into one CommonJS file, dist/ledctl.cjs, the `ledctl`
// that package.json's bin, install.sh and the tests run. Node 20 loads one
// CommonJS file without its ES module loader and without a file read per
// module, which is most of what ledctl spent before its request. The sources
// stay the single truth; this file is built from them by `npm run build`.
// `node scripts/bundle-ledctl.mjs DIR` bundles another tree's dist/ (a
// foreign-architecture root's: the output is the same JavaScript everywhere).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));

await build({
  entryPoints: [path.join(root, 'dist/command/main.js')],
  outfile: path.join(root, 'dist/ledctl.cjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // import.meta.url in CommonJS: this file's own URL (the modules find the package root from it).
  banner: { js: '"use strict";\nconst bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  define: { 'import.meta.url': 'bundleUrl' },
  logLevel: 'warning',
  logOverride: { 'empty-import-meta': 'silent' },
});
