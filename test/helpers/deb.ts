// The Debian package built from this tree, for the tests that look into it
// and install it: `npm run package` (scripts/package.sh) into a directory
// named after the hash of the project's files, so that a test builds it
// once per content and never looks at a package built from other sources.
// Beside it, the same package repacked with a higher version ("+test1"): a
// newer build, as an upgrade installs it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

import { runOk } from '@ledd/test-kit/process';
import { requireCommand } from '@ledd/test-kit/tools';

import { fromRoot, repoRoot, testBuildDir } from './paths.js';

const SKIPPED = new Set(['.git', 'node_modules', 'dist', 'build', 'test/build', 'native/build', 'bench/build']);

function hashTree(hash: ReturnType<typeof createHash>, relative = ''): void {
  for (const entry of readdirSync(path.join(repoRoot, relative), { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  )) {
    const file = relative ? `${relative}/${entry.name}` : entry.name;
    if (SKIPPED.has(file)) continue;
    if (entry.isDirectory()) hashTree(hash, file);
    else if (entry.isFile()) {
      hash.update(`${file}\0${statSync(path.join(repoRoot, file)).mode & 0o111 ? 'x' : '-'}\0`);
      hash.update(readFileSync(path.join(repoRoot, file)));
    }
  }
}

/** package.json's version: the package's, without a suffix. */
export function projectVersion(): string {
  return (JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { version: string }).version;
}

export interface Packages {
  /** ledd_<version>_<arch>.deb */
  deb: string;
  /** The same contents as version <version>+test1. */
  newer: string;
  version: string;
  arch: string;
}

/** Builds (or finds, for the same sources) the package for this machine, and the newer build. */
export async function packagesForThisTree(): Promise<Packages> {
  requireCommand('dpkg-buildpackage', 'dpkg-dev');
  requireCommand('dh_assistant', 'debhelper', ['--help']);
  requireCommand('help2man', 'help2man');
  const hash = createHash('sha256');
  hashTree(hash);
  const directory = path.join(testBuildDir, 'deb', hash.digest('hex').slice(0, 16));
  const version = projectVersion();
  const arch = (await runOk('dpkg', ['--print-architecture'])).trim();
  const deb = path.join(directory, `ledd_${version}_${arch}.deb`);
  const newer = path.join(directory, `ledd_${version}+test1_${arch}.deb`);
  if (!existsSync(newer)) {
    rmSync(path.join(testBuildDir, 'deb'), { recursive: true, force: true });
    mkdirSync(directory, { recursive: true });
    await runOk('bash', [fromRoot('scripts', 'package.sh'), '--out', directory], { timeoutMs: 15 * 60_000 });
    await runOk('bash', [fromRoot('test', 'helpers', 'newer-deb.sh'), deb, '+test1', newer], { timeoutMs: 300_000 });
  }
  return { deb, newer, version, arch };
}
