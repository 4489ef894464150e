// ledctl's own behaviour (command/): its usage errors and --help, and what it
// does when its answer cannot be written. The cycle with ledd is
// test/daemon/cycle.test.ts's.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { runChild } from '@ledd/test-kit/process';

import { LEDCTL, ledctl, startLedd } from '../daemon/harness.js';

test('ledctl usage errors exit 2 with a one-line message', async () => {
  const cases: [string[], RegExp][] = [
    [[], /no command given/],
    [
      ['flash'],
      /"flash" is not a command: use on, off, toggle, blink, heartbeat, pattern, status, list, watch or exit/,
    ],
    [['on', 'off'], /one command at a time/],
    [['--timeout', 'soon', 'on'], /--timeout: "soon" is not valid/],
    [['--json', 'on'], /--json goes with status/],
  ];
  for (const [args, expected] of cases) {
    const result = await ledctl(1234, args);
    assert.equal(result.code, 2, `ledctl ${args.join(' ')}`);
    assert.match(result.stderr, expected);
    assert.equal(result.stderr.trim().split('\n').length, 1);
  }
  const help = await ledctl(1234, ['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Exit status: 0 done/);
});

test("ledctl's answer: a reader that has gone is no error; a full device is exit 7 with one line; the command is carried out either way", async (t) => {
  const ledd = await startLedd(t);
  // fd 1 is a pipe whose read end is closed before ledctl starts: its write gets EPIPE.
  const closedReader = await runChild('python3', [
    '-c',
    'import os, subprocess, sys\nr, w = os.pipe()\nos.close(r)\nsys.exit(subprocess.run(sys.argv[1:], stdout=w).returncode)',
    process.execPath,
    LEDCTL,
    '--key',
    String(ledd.key),
    'on',
  ]);
  assert.equal(closedReader.code, 0, closedReader.stderr);
  assert.equal(closedReader.stderr, '');
  assert.equal(
    (await ledctl(ledd.key, ['status'])).stdout.split('\n')[0],
    'LED is ON',
    'carried out with nobody reading',
  );
  const full = await runChild('bash', [
    '-c',
    '"$@" > /dev/full',
    'ledctl',
    process.execPath,
    LEDCTL,
    '--key',
    String(ledd.key),
    'off',
  ]);
  assert.equal(full.code, 7);
  assert.equal(full.stderr, 'ledctl: could not write to standard output (ENOSPC)\n');
  assert.equal(
    (await ledctl(ledd.key, ['status'])).stdout.split('\n')[0],
    'LED is OFF',
    'carried out with nowhere to write',
  );
});
