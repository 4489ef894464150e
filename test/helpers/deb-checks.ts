// What a built ledd .deb must hold, checked with dpkg-deb and lintian: the
// checks test/package runs on this machine's package and test/platforms on
// the arm64 and armhf packages built in their roots.
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { runChild, runOk } from '@ledd/test-kit/process';
import { requireCommand } from '@ledd/test-kit/tools';

import { fromRoot } from './paths.js';

/** ELF e_machine of each Debian architecture. */
export const ELF_MACHINE: Record<string, number> = { amd64: 62, arm64: 183, armhf: 40 };

export interface OpenedDeb {
  deb: string;
  /** dpkg-deb --info */
  info: string;
  /** Every path in the package, as /usr/bin/ledctl. */
  files: string[];
  /** Where the package was extracted; removed by close(). */
  unpacked: string;
  close(): void;
}

export async function openDeb(deb: string): Promise<OpenedDeb> {
  requireCommand('dpkg-deb', 'dpkg');
  const info = await runOk('dpkg-deb', ['--info', deb]);
  const files = (await runOk('dpkg-deb', ['--contents', deb], { timeoutMs: 60_000 }))
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replace(/^.* \.\//, '/').replace(/ -> .*$/, ''));
  const unpacked = mkdtempSync(path.join(os.tmpdir(), 'ledd-deb-'));
  const close = (): void => rmSync(unpacked, { recursive: true, force: true });
  try {
    await runOk('dpkg-deb', ['--extract', deb, unpacked], { timeoutMs: 60_000 });
  } catch (error) {
    close();
    throw error;
  }
  return { deb, info, files, unpacked, close };
}

export function controlField(opened: OpenedDeb, name: string): string {
  return new RegExp(`^ ${name}: (.*)$`, 'm').exec(opened.info)?.[1] ?? '';
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

export interface ControlExpectations {
  version: string;
  arch: string;
  /** libgpiod2 (libgpiod 1.x, bookworm) or libgpiod3 (2.x, trixie). */
  libgpiodRuntime: string;
  /** Whether the release the package is for has a package of this name. */
  isDebianPackage(name: string): Promise<boolean>;
}

export async function checkControl(opened: OpenedDeb, expected: ControlExpectations): Promise<void> {
  assert.equal(controlField(opened, 'Package'), 'ledd');
  assert.equal(controlField(opened, 'Version'), expected.version);
  assert.equal(controlField(opened, 'Architecture'), expected.arch);
  const depends = controlField(opened, 'Depends').split(/,\s*/);
  assert.ok(depends.includes('nodejs (>= 20)'), controlField(opened, 'Depends'));
  assert.ok(
    depends.some((dependency) => dependency.startsWith(`${expected.libgpiodRuntime} `)),
    `${expected.libgpiodRuntime} in Depends: ${controlField(opened, 'Depends')}`,
  );
  const unknown: string[] = [];
  for (const dependency of depends) {
    const name = dependency.split(' ')[0]!;
    if (!(await expected.isDebianPackage(name))) unknown.push(name);
  }
  assert.deepEqual(unknown, [], `Depends names packages the release does not have: ${controlField(opened, 'Depends')}`);
}

export function checkFiles(opened: OpenedDeb): void {
  const { files, unpacked } = opened;
  const units = files.some((file) => file === '/usr/lib/systemd/system/ledd.service')
    ? '/usr/lib/systemd/system'
    : '/lib/systemd/system';
  const expected = [
    '/usr/bin/ledd',
    '/usr/bin/ledctl',
    '/usr/bin/ledd-mqtt',
    '/usr/lib/ledd/dist/ledd.cjs',
    '/usr/lib/ledd/dist/ledctl.cjs',
    '/usr/lib/ledd/dist/ledd-cleanup.cjs',
    '/usr/lib/ledd/dist/ledd-mqtt.cjs',
    '/usr/lib/ledd/node_modules/@ledd/sysvmq/build/Release/sysv_mq.node',
    '/usr/lib/ledd/native/build/Release/edge_timer.node',
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
  assert.match(service, /^ExecStart=\/usr\/bin\/node \/usr\/lib\/ledd\/dist\/ledd\.cjs$/m);
  assert.doesNotMatch(service, /@NODE@|@PREFIX@/);
  // The clean-up runs as the one bundled file, which a removal cannot leave half there.
  assert.match(service, /^ExecStopPost=\/usr\/bin\/node \/usr\/lib\/ledd\/dist\/ledd-cleanup\.cjs$/m);
  assert.match(
    readFileSync(path.join(unpacked, units, 'ledd-cleanup.service'), 'utf8'),
    /^ExecStop=\/usr\/bin\/node \/usr\/lib\/ledd\/dist\/ledd-cleanup\.cjs$/m,
  );
  assert.match(
    readFileSync(path.join(unpacked, units, 'ledd-mqtt.service'), 'utf8'),
    /^ExecStart=\/usr\/bin\/node \/usr\/lib\/ledd\/dist\/ledd-mqtt\.cjs$/m,
  );
  assert.match(
    readFileSync(path.join(unpacked, 'usr/bin/ledctl'), 'utf8'),
    /exec \/usr\/bin\/node \/usr\/lib\/ledd\/dist\/ledctl\.cjs "\$@"/,
  );
  assert.equal(
    readFileSync(path.join(unpacked, 'usr/lib/sysusers.d/ledd.conf'), 'utf8'),
    readFileSync(fromRoot('systemd', 'ledd.sysusers'), 'utf8'),
  );
}

export async function checkConffiles(opened: OpenedDeb): Promise<void> {
  const control = mkdtempSync(path.join(os.tmpdir(), 'ledd-deb-control-'));
  try {
    await runOk('dpkg-deb', ['--control', opened.deb, control]);
    assert.deepEqual(readFileSync(path.join(control, 'conffiles'), 'utf8').trim().split('\n').sort(), [
      '/etc/default/ledd',
      '/etc/default/ledd-mqtt',
    ]);
  } finally {
    rmSync(control, { recursive: true, force: true });
  }
}

export function checkNoDevelopmentFiles(opened: OpenedDeb): void {
  const lock = JSON.parse(readFileSync(fromRoot('package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  const devOnly = Object.entries(lock.packages)
    .filter(([name, entry]) => name.startsWith('node_modules/') && entry.dev)
    .map(([name]) => `/usr/lib/ledd/${name}/`);
  assert.ok(devOnly.length > 10, 'the lock file lists the development packages');
  const shipped = opened.files.filter((file) => devOnly.some((prefix) => file.startsWith(prefix)));
  assert.deepEqual(shipped, [], 'development packages in the package');
  const stray = opened.files.filter((file) =>
    /^\/usr\/lib\/ledd\/(dist\/[^/]+\/|native\/(src|common|floor|lib)\/|.*napi_floor|.*\.ts$|.*\.map$)/.test(file),
  );
  assert.deepEqual(stray, []);
}

/** Every .node file is an ELF file of `arch`; `required` lists addons that must be there. */
export function checkNativeModules(opened: OpenedDeb, arch: string, required: string[]): void {
  const natives = opened.files.filter((file) => file.endsWith('.node'));
  assert.deepEqual(
    required.filter((file) => !natives.includes(file)),
    [],
    `native modules missing; present: ${natives.join(' ')}`,
  );
  for (const file of natives) {
    assert.equal(elfMachine(path.join(opened.unpacked, file)), ELF_MACHINE[arch], `${file}'s ELF machine`);
  }
}

/** Each man page covers every option its program's --help lists (the programs of this tree). */
export async function checkManPages(opened: OpenedDeb): Promise<void> {
  for (const [program, page, script] of [
    ['ledd', 'man8/ledd.8.gz', 'dist/ledd.cjs'],
    ['ledctl', 'man1/ledctl.1.gz', 'dist/ledctl.cjs'],
    ['ledd-mqtt', 'man8/ledd-mqtt.8.gz', 'dist/ledd-mqtt.cjs'],
  ] as const) {
    const help = await runOk(process.execPath, [fromRoot(script), '--help']);
    const man = (await runOk('zcat', [path.join(opened.unpacked, 'usr/share/man', page)])).replace(/\\-/g, '-');
    const options = [...new Set(help.match(/(?<=^|\s)--[a-z][a-z-]+/gm) ?? [])];
    assert.ok(options.length > 3, `${program} --help lists options`);
    assert.deepEqual(
      options.filter((option) => !man.includes(option)),
      [],
      `${program}'s man page lacks options of its --help`,
    );
  }
}

/** lintian --fail-on error,warning finds nothing; what it printed goes to `report` first, as one line. */
export async function checkLintian(deb: string, report: (line: string) => void): Promise<void> {
  const { code, lines } = await lintian(deb);
  report(`lintian ${path.basename(deb)}: ${lines.length === 0 ? 'clean' : lines.join(' | ')}`);
  assert.deepEqual(lines, []);
  assert.equal(code, 0);
}

async function lintian(deb: string): Promise<{ code: number | null; lines: string[] }> {
  requireCommand('lintian', 'lintian');
  // lintian leaves its scratch (mldbm-*) in TMPDIR: one of our own, removed after.
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'ledd-lintian-'));
  try {
    const result = await runChild('lintian', ['--fail-on', 'error,warning', deb], {
      timeoutMs: 300_000,
      env: { ...process.env, TMPDIR: scratch },
    });
    const lines = (result.stdout + result.stderr)
      .split('\n')
      .filter((line) => line && !/running with root privileges/.test(line));
    return { code: result.code, lines };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
