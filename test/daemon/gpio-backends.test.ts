// The libgpiod backends on this machine, without GPIO hardware: `auto` uses
// the binding npm ci built (never the simulation), the other binding is
// reported unavailable, and a chip that cannot be opened is a clean exit 4.
// (The lines themselves are driven in the VM tests: test/system, test/platforms.)
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { runChild } from '@ledd/test-kit/process';
import { unusedKey } from '@ledd/sysvmq/testing';

import { LEDD, queueExists } from './harness.js';

const GPIO_EXIT = 4;

async function leddFails(args: string[]): Promise<{ message: string }> {
  const key = unusedKey();
  const result = await runChild(process.execPath, [
    LEDD,
    '--key',
    String(key),
    '--state-file',
    'none',
    '--log-format',
    'json',
    ...args,
  ]);
  assert.equal(result.code, GPIO_EXIT, `ledd ${args.join(' ')}: ${result.stdout}${result.stderr}`);
  assert.equal(queueExists(key), false, 'the queue ledd created is removed when the line fails');
  const fatal = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string })
    .find((record) => record.level === 60);
  assert.ok(fatal, `a fatal log line: ${result.stdout}`);
  return { message: fatal.msg };
}

async function builtBinding(): Promise<'libgpiod1' | 'libgpiod2'> {
  const version = await runChild(process.execPath, [LEDD, '--version']);
  assert.equal(version.code, 0, version.stderr);
  const match = /\(GPIO: (node-libgpiod|native binding) for libgpiod (\d+)\./.exec(version.stdout);
  assert.ok(match, `ledd --version names the libgpiod binding npm ci built: ${version.stdout}`);
  return match[1] === 'node-libgpiod' ? 'libgpiod1' : 'libgpiod2';
}

test('--backend auto, libgpiod and the built binding open a chip through it; a missing chip is exit 4', async () => {
  const built = await builtBinding();
  for (const backend of ['auto', 'libgpiod', built]) {
    const { message } = await leddFails(['--backend', backend, '--chip', '/nonexistent/gpiochip9', '--line', '3']);
    assert.match(message, /^cannot open GPIO chip \/nonexistent\/gpiochip9: /, `--backend ${backend}`);
  }
});

test('the binding that was not built is reported unavailable, with what to install', async () => {
  const other = (await builtBinding()) === 'libgpiod1' ? 'libgpiod2' : 'libgpiod1';
  const { message } = await leddFails(['--backend', other, '--chip', 'gpiochip0', '--line', '17']);
  assert.match(message, other === 'libgpiod1' ? /^node-libgpiod .* not built/ : /^ledd's binding for libgpiod 2\.x/);
  assert.match(message, /install libgpiod-dev .* then run `npm ci` again; or start ledd with --backend sim/);
});
