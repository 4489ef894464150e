#!/usr/bin/env node
// Checks, at the end of `npm ci` (package.json's install script) and in CI
// (.ci/check-native-builds, with --strict), that the GPIO binding that applies
// to this machine's libgpiod was built and loads:
//   libgpiod 1.x (Raspberry Pi OS / Debian bookworm): node-libgpiod, an optional dependency
//   libgpiod 2.x (Raspberry Pi OS / Debian trixie):   native/build/Release/gpiod2.node, our own
// Which libgpiod is installed is what `pkg-config --modversion libgpiod` says,
// as in native/src/gpiod2/gpiod2.gypi. Exit 1 when the binding that applies is
// missing; without libgpiod's development files a warning that only
// `ledd --backend sim` works (exit 0; exit 1 with --strict).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const strict = process.argv.includes('--strict');
const require = createRequire(import.meta.url);

const bindings = {
  1: {
    label: 'node-libgpiod',
    name: 'node-libgpiod (an optional dependency)',
    file: 'node_modules/node-libgpiod/build/Release/node-libgpiod.node',
    howToSee:
      'its install script failed or was skipped (see allowScripts in package.json); ' +
      '`npm rebuild node-libgpiod --foreground-scripts` shows why',
  },
  2: {
    label: 'native binding',
    name: "ledd's native binding for libgpiod 2.x",
    file: 'native/build/Release/gpiod2.node',
    howToSee: '`node-gyp rebuild --directory=native` shows why',
  },
};

function say(line) {
  process.stdout.write(`ledd: ${line}\n`);
}
function complain(line) {
  process.stderr.write(`ledd: ${line}\n`);
}

/** { version } from pkg-config, or { problem } saying why there is none. */
function installedLibgpiod() {
  const result = spawnSync('pkg-config', ['--modversion', 'libgpiod'], { encoding: 'utf8' });
  if (result.error) return { problem: 'pkg-config is not installed', noPkgConfig: true };
  if (result.status !== 0) return { problem: 'pkg-config finds no libgpiod' };
  return { version: result.stdout.trim() };
}

/** The libgpiod version a built binding reports, or the reason it does not load. */
function probe(binding) {
  const file = path.join(root, binding.file);
  if (!existsSync(file)) return { problem: `${binding.file} does not exist` };
  try {
    const addon = require(file);
    return { version: typeof addon.version === 'function' ? addon.version() : String(addon.version) };
  } catch (error) {
    return { problem: `${binding.file} does not load: ${error.message.split('\n')[0]}` };
  }
}

const installed = installedLibgpiod();
const built = { 1: probe(bindings[1]), 2: probe(bindings[2]) };
const working = [1, 2].filter((major) => built[major].version !== undefined);
// As `ledd --version` says it.
const describe = (major) => `${bindings[major].label} for libgpiod ${built[major].version}`;

if (installed.version !== undefined) {
  const major = Number(installed.version.split('.')[0]);
  const binding = bindings[major];
  if (binding === undefined) {
    complain(
      `libgpiod ${installed.version} is installed, but ledd has bindings for libgpiod 1.x (node-libgpiod) ` +
        'and 2.x (its own) only: install libgpiod-dev 1.x or 2.x, then run `npm ci` again',
    );
    process.exit(1);
  }
  if (built[major].version === undefined) {
    complain(
      `libgpiod ${installed.version} is installed, but ${binding.name} was not built: ${built[major].problem}. ` +
        `Without it ledd cannot drive a GPIO line here; ${binding.howToSee}. Fix that, then run \`npm ci\` again.`,
    );
    process.exit(1);
  }
  say(`GPIO: ${working.map(describe).join('; ')}; \`ledd --backend auto\` uses ${bindings[major].label}`);
  process.exit(0);
}

if (working.length > 0) {
  // libgpiod's .pc file is missing, but a binding built earlier still loads.
  say(`GPIO: ${working.map(describe).join('; ')} (${installed.problem})`);
  process.exit(0);
}
if (installed.noPkgConfig && existsSync('/usr/include/gpiod.h')) {
  complain(
    'libgpiod-dev is installed but pkg-config is not, so the build cannot tell libgpiod 1.x from 2.x and ' +
      'built no GPIO binding: install pkg-config (apt-get install pkg-config), then run `npm ci` again',
  );
  process.exit(1);
}
const level = strict ? 'error' : 'warning';
complain(
  `${level}: no GPIO binding was built (${installed.problem}): only \`ledd --backend sim\` (a simulated LED) ` +
    'will work. For a real LED install libgpiod-dev and pkg-config (apt-get install libgpiod-dev pkg-config), ' +
    'then run `npm ci` again.',
);
process.exit(strict ? 1 : 0);
