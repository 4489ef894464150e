// The Debian package (npm run package) as dpkg sees it: its control data,
// every file in its place, no development dependency, native modules built
// for this machine, man pages that match the programs' --help, and lintian.
// Installing it under real systemd is the VM stage's part (test/system).
import assert from 'node:assert/strict';
import { readFileSync, openSync, readSync, closeSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { type Packages, packagesForThisTree } from '../helpers/deb.js';
import { fromRoot } from '../helpers/paths.js';
import { runChild, runOk } from '../helpers/process.js';
import { requireCommand } from '../helpers/tools.js';

/** ELF e_machine of each Debian architecture. */
const ELF_MACHINE: Record<string, number> = { amd64: 62, arm64: 183, armhf: 40 };

let packages: Packages;
let files: string[];
let info: string;
let unpacked: string;

function field(name: string): string {
  return new RegExp(`^ ${name}: (.*)$`, 'm').exec(info)?.[1] ?? '';
}

function elfMachine(file: string): number {
  const header = Buffer.alloc(20);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, 20, 0);
  } finally {
    closeSync(fd);
  }
  assert.equal(header.subarray(0, 4).toString('latin1'), '\x7fELF', `${file} is not an ELF file`);
  return header.readUInt16LE(18);
}

describe('the Debian package (npm run package)', () => {
  before(
    async () => {
      requireCommand('dpkg-deb', 'dpkg');
      packages = await packagesForThisTree();
      info = await runOk('dpkg-deb', ['--info', packages.deb]);
      files = (await runOk('dpkg-deb', ['--contents', packages.deb], { timeoutMs: 60_000 }))
        .split('\n')
        .filter(Boolean)
        .map((line) => line.replace(/^.* \.\//, '/').replace(/ -> .*$/, ''));
      unpacked = mkdtempSync(path.join(os.tmpdir(), 'ledd-deb-'));
      await runOk('dpkg-deb', ['--extract', packages.deb, unpacked], { timeoutMs: 60_000 });
    },
    { timeout: 20 * 60_000 },
  );

  after(() => {
    if (unpacked) rmSync(unpacked, { recursive: true, force: true });
  });

  test('control: name, version, architecture, Depends on real Debian packages', async () => {
    assert.equal(field('Package'), 'ledd');
    assert.equal(field('Version'), packages.version);
    assert.equal(field('Architecture'), packages.arch);
    const depends = field('Depends').split(/,\s*/);
    assert.ok(depends.includes('nodejs (>= 20)'), field('Depends'));
    // The libgpiod runtime of this release: libgpiod2 is libgpiod 1.x (bookworm), libgpiod3 is 2.x (trixie).
    const major = (await runOk('pkg-config', ['--modversion', 'libgpiod'])).trim().split('.')[0];
    const runtime = major === '1' ? 'libgpiod2' : 'libgpiod3';
    assert.ok(
      depends.some((dependency) => dependency.startsWith(`${runtime} `)),
      `${runtime} for libgpiod ${major}: ${field('Depends')}`,
    );
    for (const dependency of depends) {
      const name = dependency.split(' ')[0]!;
      const known = await runChild('apt-cache', ['show', '--no-all-versions', name]);
      assert.equal(known.code, 0, `${name} is not a Debian package apt knows: ${known.stderr}`);
    }
  });

  test('every file in its place: programs, units, sysusers, defaults (conffiles), udev rule, man pages, copyright', () => {
    const units = files.some((file) => file === '/usr/lib/systemd/system/ledd.service')
      ? '/usr/lib/systemd/system'
      : '/lib/systemd/system';
    const expected = [
      '/usr/bin/ledd',
      '/usr/bin/ledctl',
      '/usr/bin/ledd-mqtt',
      '/usr/lib/ledd/dist/daemon/main.js',
      '/usr/lib/ledd/dist/ledctl.cjs',
      '/usr/lib/ledd/dist/bridge/main.js',
      '/usr/lib/ledd/native/build/Release/sysv_mq.node',
      '/usr/lib/ledd/package.json',
      `${units}/ledd.service`,
      `${units}/ledd-cleanup.service`,
      `${units}/ledd-mqtt.service`,
      '/usr/lib/sysusers.d/ledd.conf',
      '/etc/default/ledd',
      '/etc/default/ledd-mqtt',
      '/usr/share/ledd/60-ledd-gpio.rules',
      '/usr/share/man/man8/ledd.8.gz',
      '/usr/share/man/man1/ledctl.1.gz',
      '/usr/share/man/man8/ledd-mqtt.8.gz',
      '/usr/share/doc/ledd/copyright',
    ];
    assert.deepEqual(
      expected.filter((file) => !files.includes(file)),
      [],
      'missing',
    );
    const service = readFileSync(path.join(unpacked, units, 'ledd.service'), 'utf8');
    assert.match(service, /^ExecStart=\/usr\/bin\/node \/usr\/lib\/ledd\/dist\/daemon\/main\.js$/m);
    assert.doesNotMatch(service, /@NODE@|@PREFIX@/);
    assert.match(
      readFileSync(path.join(unpacked, units, 'ledd-mqtt.service'), 'utf8'),
      /^ExecStart=\/usr\/bin\/node \/usr\/lib\/ledd\/dist\/bridge\/main\.js$/m,
    );
    assert.match(
      readFileSync(path.join(unpacked, 'usr/bin/ledctl'), 'utf8'),
      /exec \/usr\/bin\/node \/usr\/lib\/ledd\/dist\/ledctl\.cjs "\$@"/,
    );
    assert.equal(
      readFileSync(path.join(unpacked, 'usr/lib/sysusers.d/ledd.conf'), 'utf8'),
      readFileSync(fromRoot('systemd', 'ledd.sysusers'), 'utf8'),
    );
  });

  test('the defaults are conffiles', async () => {
    const control = mkdtempSync(path.join(os.tmpdir(), 'ledd-deb-control-'));
    try {
      await runOk('dpkg-deb', ['--control', packages.deb, control]);
      assert.deepEqual(readFileSync(path.join(control, 'conffiles'), 'utf8').trim().split('\n').sort(), [
        '/etc/default/ledd',
        '/etc/default/ledd-mqtt',
      ]);
    } finally {
      rmSync(control, { recursive: true, force: true });
    }
  });

  test('no development dependency, no tests, benchmarks or sources', () => {
    const lock = JSON.parse(readFileSync(fromRoot('package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const devOnly = Object.entries(lock.packages)
      .filter(([name, entry]) => name.startsWith('node_modules/') && entry.dev)
      .map(([name]) => `/usr/lib/ledd/${name}/`);
    assert.ok(devOnly.length > 10, 'the lock file lists the development packages');
    const shipped = files.filter((file) => devOnly.some((prefix) => file.startsWith(prefix)));
    assert.deepEqual(shipped, [], 'development packages in the package');
    const stray = files.filter((file) =>
      /^\/usr\/lib\/ledd\/(dist\/(test|bench)\/|native\/(src|floor|lib)\/|.*\.ts$|.*\.map$)/.test(file),
    );
    assert.deepEqual(stray, []);
  });

  test(`the native modules are ELF files for this machine`, () => {
    const natives = files.filter((file) => file.endsWith('.node'));
    assert.ok(natives.includes('/usr/lib/ledd/native/build/Release/sysv_mq.node'), natives.join(' '));
    assert.ok(natives.includes('/usr/lib/ledd/node_modules/sd-notify/build/Release/notify.node'), natives.join(' '));
    for (const file of natives) {
      assert.equal(elfMachine(path.join(unpacked, file)), ELF_MACHINE[packages.arch], `${file}'s ELF machine`);
    }
  });

  test('each man page covers every option its program lists in --help', async () => {
    for (const [program, page, script] of [
      ['ledd', 'man8/ledd.8.gz', 'dist/daemon/main.js'],
      ['ledctl', 'man1/ledctl.1.gz', 'dist/ledctl.cjs'],
      ['ledd-mqtt', 'man8/ledd-mqtt.8.gz', 'dist/bridge/main.js'],
    ] as const) {
      const help = await runOk(process.execPath, [fromRoot(script), '--help']);
      const man = (await runOk('zcat', [path.join(unpacked, 'usr/share/man', page)])).replace(/\\-/g, '-');
      const options = [...new Set(help.match(/(?<=^|\s)--[a-z][a-z-]+/gm) ?? [])];
      assert.ok(options.length > 3, `${program} --help lists options`);
      assert.deepEqual(
        options.filter((option) => !man.includes(option)),
        [],
        `${program}'s man page lacks options of its --help`,
      );
    }
  });

  test('lintian: no error and no warning (every override says why, in debian/ledd.lintian-overrides)', async (t) => {
    requireCommand('lintian', 'lintian');
    // lintian leaves its scratch (mldbm-*) in TMPDIR: one of the test's own, removed after.
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'ledd-lintian-'));
    let result;
    try {
      result = await runChild('lintian', ['--fail-on', 'error,warning', packages.deb], {
        timeoutMs: 300_000,
        env: { ...process.env, TMPDIR: scratch },
      });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    const lines = (result.stdout + result.stderr)
      .split('\n')
      .filter((line) => line && !/running with root privileges/.test(line));
    t.diagnostic(`lintian ${path.basename(packages.deb)}: ${lines.length === 0 ? 'clean' : lines.join(' | ')}`);
    assert.deepEqual(lines, []);
    assert.equal(result.code, 0);
  });
});
