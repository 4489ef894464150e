// The Debian package (npm run package) as dpkg sees it: its control data,
// every file in its place, no development dependency, native modules built
// for this machine, man pages that match the programs' --help, and lintian.
// Installing it under real systemd is the VM stage's part (test/system); the
// arm64 and armhf packages are checked in test/platforms.
import { after, before, describe, test } from 'node:test';

import { runChild, runOk } from '@ledd/test-kit/process';

import { type Packages, packagesForThisTree } from '../helpers/deb.js';
import {
  type OpenedDeb,
  checkConffiles,
  checkControl,
  checkFiles,
  checkLintian,
  checkManPages,
  checkNativeModules,
  checkNoDevelopmentFiles,
  openDeb,
} from '../helpers/deb-checks.js';

let packages: Packages;
let opened: OpenedDeb;

describe('the Debian package (npm run package)', () => {
  before(
    async () => {
      packages = await packagesForThisTree();
      opened = await openDeb(packages.deb);
    },
    { timeout: 20 * 60_000 },
  );

  after(() => opened?.close());

  test('control: name, version, architecture, Depends on real Debian packages', async () => {
    // The libgpiod runtime of this release: libgpiod2 is libgpiod 1.x (bookworm), libgpiod3 is 2.x (trixie).
    const major = (await runOk('pkg-config', ['--modversion', 'libgpiod'])).trim().split('.')[0];
    await checkControl(opened, {
      version: packages.version,
      arch: packages.arch,
      libgpiodRuntime: major === '1' ? 'libgpiod2' : 'libgpiod3',
      isDebianPackage: async (name) => (await runChild('apt-cache', ['show', '--no-all-versions', name])).code === 0,
    });
  });

  test('every file in its place: programs, units, sysusers, defaults (conffiles), udev rule, man pages, copyright', () =>
    checkFiles(opened));

  test('the defaults are conffiles', () => checkConffiles(opened));

  test('no development dependency, no tests, benchmarks or sources', () => checkNoDevelopmentFiles(opened));

  test('the native modules are ELF files for this machine', () =>
    checkNativeModules(opened, packages.arch, [
      '/usr/lib/ledd/node_modules/@ledd/sysvmq/build/Release/sysv_mq.node',
      '/usr/lib/ledd/native/build/Release/edge_timer.node',
      '/usr/lib/ledd/node_modules/sd-notify/build/Release/notify.node',
    ]));

  test('each man page covers every option its program lists in --help', () => checkManPages(opened));

  test('lintian: no error and no warning (every override says why, in debian/ledd.lintian-overrides)', (t) =>
    checkLintian(packages.deb, (line) => t.diagnostic(line)));
});
