// ledd --backend sim with ledctl: the whole cycle, signals, and restart after kill -9.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';

import { runChild, runOk } from '@ledd/test-kit/process';
import { randomKey } from '@ledd/sysvmq/testing';

import { LEDD, ledctl, queueExists, startLedd } from './harness.js';
import { fromRoot } from '../helpers/paths.js';

test('ledctl on, off, toggle, status --json and exit against ledd --backend sim', async (t) => {
  const ledd = await startLedd(t);

  const on = await ledctl(ledd.key, ['on']);
  assert.equal(on.code, 0, on.stderr);
  assert.equal(on.stdout, 'LED ON\n');

  const off = await ledctl(ledd.key, ['off']);
  assert.equal(off.code, 0, off.stderr);
  assert.equal(off.stdout, 'LED OFF\n');

  const toggled = await ledctl(ledd.key, ['toggle']);
  assert.equal(toggled.stdout, 'LED ON\n');
  assert.equal((await ledctl(ledd.key, ['toggle'])).stdout, 'LED OFF\n');
  await ledctl(ledd.key, ['on']);

  const status = await ledctl(ledd.key, ['status', '--json']);
  assert.equal(status.code, 0, status.stderr);
  const report = JSON.parse(status.stdout) as {
    led: string;
    daemon: { pid: number; backend: string; handled: number };
    queue: { key: string; messages: number; maxBytes: number; mode: string; lastSendPid: number; uid: number };
  };
  assert.equal(report.led, 'on');
  assert.equal(report.daemon.pid, ledd.child.pid);
  assert.equal(report.daemon.backend, 'sim');
  assert.equal(report.daemon.handled, 6);
  assert.equal(report.queue.key, `0x${ledd.key.toString(16).padStart(8, '0')}`);
  assert.equal(report.queue.messages, 0);
  assert.equal(report.queue.mode, '0660');
  assert.equal(report.queue.uid, process.getuid!());
  assert.ok(report.queue.maxBytes > 0);
  // The last sender before the status request was ledd, answering the previous command.
  assert.equal(report.queue.lastSendPid, ledd.child.pid);

  const text = await ledctl(ledd.key, ['status']);
  assert.match(text.stdout, /^LED is ON\n/);
  assert.match(text.stdout, /last send: +pid \d+ at \d{4}-/);

  assert.deepEqual(JSON.parse(readFileSync(ledd.stateFile, 'utf8')).led, 'on');

  const exit = await ledctl(ledd.key, ['exit']);
  assert.equal(exit.code, 0, exit.stderr);
  assert.equal(exit.stdout, 'ledd exited; LED OFF\n');
  const ended = await ledd.child.wait();
  assert.equal(ended.code, 0, ledd.child.describe());
  assert.equal(queueExists(ledd.key), false, 'the queue is gone after exit');
  const ipcs = await runOk('ipcs', ['-q']);
  assert.doesNotMatch(ipcs, new RegExp(`0x${ledd.key.toString(16).padStart(8, '0')}`));
  const last = ledd.records().at(-1)!;
  assert.equal(last.led, 'OFF', 'the LED was switched off before the line was released');
  assert.match(last.msg, /line released, queue removed/);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal}: LED off, queue removed, exit 0`, async (t) => {
    const ledd = await startLedd(t);
    assert.equal((await ledctl(ledd.key, ['on'])).code, 0);
    ledd.child.kill(signal);
    const ended = await ledd.child.wait();
    assert.equal(ended.code, 0, ledd.child.describe());
    assert.equal(queueExists(ledd.key), false);
    const last = ledd.records().at(-1)!;
    assert.equal(last.led, 'OFF');
    assert.equal(last.reason, signal);
  });
}

test('a second signal during shutdown still leaves no queue behind', async (t) => {
  const ledd = await startLedd(t);
  ledd.child.kill('SIGTERM');
  ledd.child.kill('SIGINT');
  ledd.child.kill('SIGTERM');
  const ended = await ledd.child.wait();
  assert.equal(ended.code, 0, ledd.child.describe());
  assert.equal(queueExists(ledd.key), false);
});

test('kill -9, then a restart restores the last commanded state', async (t) => {
  const first = await startLedd(t);
  assert.equal((await ledctl(first.key, ['on'])).code, 0);
  first.child.kill('SIGKILL');
  await first.child.wait();
  assert.equal(queueExists(first.key), true, 'a killed daemon leaves its queue (systemd removes it)');

  const second = await startLedd(t, { key: first.key, stateFile: first.stateFile });
  const ready = second.records().find((record) => record.msg === 'ready')!;
  assert.equal(ready.led, 'ON', 'restored from the state file');
  assert.ok(
    second.records().some((record) => record.adopted === true),
    'the orphaned queue of the same user is adopted',
  );
  const status = await ledctl(second.key, ['status', '--json']);
  assert.equal(JSON.parse(status.stdout).led, 'on');
  assert.equal((await ledctl(second.key, ['exit'])).code, 0);
  assert.equal((await second.child.wait()).code, 0);
});

test('ledd --help and --version; a bad option names the flag and the accepted form', async () => {
  const help = await runChild(process.execPath, [LEDD, '--help']);
  assert.equal(help.code, 0);
  for (const flag of ['--key', '--mode', '--group', '--backend', '--line', '--chip', '--active-low', '--state-file']) {
    assert.match(help.stdout, new RegExp(`${flag}\\b`));
  }
  assert.match(
    (await runChild(process.execPath, [LEDD, '--version'])).stdout,
    /^ledd \d+\.\d+\.\d+ \(GPIO: (node-libgpiod|native binding) for libgpiod \d+\.\d+(\.\d+)?(; [^)]+)?\)\n$/,
  );

  const cases: [string[], RegExp][] = [
    [['--mode', '0666'], /--mode \(LEDD_MODE\): "0666" is not valid; it gives every user/],
    [['--mode', 'rw'], /--mode \(LEDD_MODE\): "rw" is not valid; give octal permission bits/],
    [['--key', 'zzz'], /--key \(LEDD_KEY\): "zzz" is not valid; give a decimal number/],
    [['--key', '0'], /--key \(LEDD_KEY\).*IPC_PRIVATE/],
    [
      ['--backend', 'gpio'],
      /--backend \(LEDD_BACKEND\): "gpio" is not valid; use one of auto, libgpiod, libgpiod1, libgpiod2, sim/,
    ],
    [['--line', '17'], /--line \(LEDD_LINE\): "17" is not valid; a line offset needs --chip/],
    [['--group', 'no-such-group-here'], /--group \(LEDD_GROUP\).*no such group/],
    [['--frobnicate'], /unknown option --frobnicate/],
    [['--key'], /--key needs a value/],
  ];
  for (const [args, expected] of cases) {
    const result = await runChild(process.execPath, [LEDD, ...args]);
    assert.equal(result.code, 2, `ledd ${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, expected);
  }
  const fromEnv = await runChild(process.execPath, [LEDD], { env: { ...process.env, LEDD_EXIT_STATE: 'dim' } });
  assert.equal(fromEnv.code, 2);
  assert.match(fromEnv.stderr, /--exit-state \(LEDD_EXIT_STATE\): "dim" is not valid; use one of off, on, keep/);
});

test('the demo (npm run demo) shows the whole cycle without GPIO', async () => {
  const key = randomKey();
  const result = await runChild(process.execPath, [fromRoot('dist', 'command', 'demo.js')], {
    env: { ...process.env, LEDD_KEY: String(key) },
    timeoutMs: 30_000,
  });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  for (const expected of [
    /\$ ledctl on\n(.*\n)*LED ON\n/,
    /LED is ON/,
    /\$ ledctl toggle\n(.*\n)*LED OFF/,
    /ledd exited; LED OFF/,
    /ledd exited with status 0/,
  ]) {
    assert.match(result.stdout, expected);
  }
  assert.equal(queueExists(key), false);
});

test('a state file that does not parse (a torn write) is reported, and ledd starts with the LED off', async (t) => {
  const first = await startLedd(t);
  await ledctl(first.key, ['on']);
  await ledctl(first.key, ['exit']);
  await first.child.wait();
  writeFileSync(first.stateFile, '{"led":"o\0\0\0');
  const second = await startLedd(t, { stateFile: first.stateFile });
  const warning = second.records().find((record) => record.level === 40);
  assert.match(String(warning?.msg), /does not hold ledd's state .*; starting with the LED off/);
  assert.equal(second.records().find((record) => record.msg === 'ready')!.led, 'OFF');
  assert.equal((await ledctl(second.key, ['on'])).code, 0);
  assert.equal(JSON.parse(readFileSync(first.stateFile, 'utf8')).led, 'on', 'rewritten whole');
});
