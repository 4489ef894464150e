// The foreign-architecture stage's binfmt_misc set-up (binfmt-setup.sh) when
// the arm64 and armhf runs do it at the same moment on a machine where
// binfmt_misc is not mounted and no qemu handler is registered: both must end
// with a working emulator (arch-test runs a program of each architecture).
// Rounds from nothing and from everything already set up. The machine's
// binfmt_misc state is put back afterwards.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { runChild } from '@ledd/test-kit/process';
import { requireCommand } from '@ledd/test-kit/tools';

import { fromRoot } from '../helpers/paths.js';

const MOUNT = '/proc/sys/fs/binfmt_misc';
const SETUP = fromRoot('test', 'platforms', 'binfmt-setup.sh');
const ARCHES = [
  { debian: 'arm64', qemu: 'aarch64' },
  { debian: 'armhf', qemu: 'arm' },
];

const mounted = (): boolean => existsSync(`${MOUNT}/status`);
const entry = (qemu: string): string => `${MOUNT}/qemu-${qemu}`;

async function mount(): Promise<void> {
  if (!mounted()) await runChild('mount', ['-t', 'binfmt_misc', 'binfmt_misc', MOUNT], { timeoutMs: 10_000 });
  assert.ok(mounted(), `could not mount binfmt_misc on ${MOUNT}`);
}

/** Handlers unregistered, then binfmt_misc unmounted: a machine that never had either. */
async function forgetAll(): Promise<void> {
  await mount();
  for (const { qemu } of ARCHES) if (existsSync(entry(qemu))) writeFileSync(entry(qemu), '-1');
  const result = await runChild('umount', [MOUNT], { timeoutMs: 10_000 });
  assert.equal(result.code, 0, `umount ${MOUNT}: ${result.stderr}`);
  assert.equal(mounted(), false);
}

let wasMounted = false;
const hadEntry = new Map<string, boolean>();

before(async () => {
  assert.equal(process.getuid?.(), 0, 'binfmt_misc is set up as root');
  requireCommand('update-binfmts', 'binfmt-support', ['--version']);
  requireCommand('arch-test', 'arch-test', ['amd64']);
  for (const { qemu } of ARCHES) requireCommand(`qemu-${qemu}-static`, 'qemu-user-static', ['--version']);
  wasMounted = mounted();
  await mount();
  for (const { qemu } of ARCHES) hadEntry.set(qemu, existsSync(entry(qemu)));
});

after(async () => {
  await mount();
  for (const { qemu } of ARCHES) {
    if (!hadEntry.get(qemu) && existsSync(entry(qemu))) writeFileSync(entry(qemu), '-1');
  }
  if (!wasMounted) await runChild('umount', [MOUNT], { timeoutMs: 10_000 });
});

async function bothAtOnce(): Promise<void> {
  const runs = await Promise.all(ARCHES.map(({ qemu }) => runChild('bash', [SETUP, qemu], { timeoutMs: 60_000 })));
  runs.forEach((run, index) =>
    assert.equal(run.code, 0, `binfmt-setup.sh ${ARCHES[index]!.qemu}: ${run.stdout}${run.stderr}`),
  );
  for (const { debian, qemu } of ARCHES) {
    const check = await runChild('arch-test', [debian], { timeoutMs: 60_000 });
    assert.equal(check.code, 0, `arch-test ${debian}: ${check.stdout}${check.stderr}`);
    assert.match(check.stdout, new RegExp(`^${debian}: ok`, 'm'));
    assert.match(readFileSync(entry(qemu), 'utf8'), /^enabled$/m);
  }
}

test('arm64 and armhf set up binfmt_misc at the same time, from nothing: both get a working emulator', async () => {
  for (let round = 0; round < 3; round++) {
    await forgetAll();
    await bothAtOnce();
  }
});

test('the same with binfmt_misc already mounted and both handlers registered: nothing to do, both still work', async () => {
  await forgetAll();
  await bothAtOnce();
  await bothAtOnce();
});
