// The daemon's start-up order: a line that fails while a saved pattern
// resumes is the documented GPIO failure (exit code 4, the queue it created
// removed, the line released), never a call into a daemon not yet built.
// The line here is a stand-in whose set() fails on demand: what is tested is
// the wiring of real parts (a real queue, the real state file, the real
// Led and Daemon) around it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { randomKey, removeQueueQuietly } from '@ledd/sysvmq/testing';

import { parseCommandLine } from '../../daemon/config.js';
import { GpioError, type LedLines } from '../../daemon/gpio/line.js';
import { createLogger } from '../../daemon/log/logger.js';
import { exitCodeFor, type LinesOpener, startDaemon } from '../../daemon/start.js';
import { queueExists } from './harness.js';
import { tempDir } from '../helpers/temp-dir.js';

/** One LED's line whose set() fails from call `failFrom` on (counting from 1); it records every call. */
function failingLine(failFrom: number): { line: LedLines; sets: boolean[]; released: () => boolean } {
  const sets: boolean[] = [];
  let level = false;
  let released = false;
  const line: LedLines = {
    backend: 'sim',
    size: 1,
    location: () => 'stand-in line',
    set(levels) {
      const on = levels.get(0)!;
      sets.push(on);
      if (sets.length >= failFrom) throw new GpioError('io', `setting the stand-in line failed (call ${sets.length})`);
      level = on;
    },
    get: () => level,
    get calls() {
      return sets.length;
    },
    release: () => {
      released = true;
    },
  };
  return { line, sets, released: () => released };
}

/** A blink forever, `offMs` off after 200 ms on, started a second ago: the restart resumes it in its off step. */
function configWithPattern(t: Parameters<typeof tempDir>[0], key: number, offMs: number) {
  const stateFile = path.join(tempDir(t), 'state.json');
  const record = {
    led: 'off',
    pattern: {
      name: 'blink',
      steps: [
        [1, 200],
        [0, offMs],
      ],
      repeat: -1,
      startedAt: Date.now() - 1000,
    },
  };
  writeFileSync(stateFile, JSON.stringify(record));
  const parsed = parseCommandLine(['--backend', 'sim', '--key', String(key), '--state-file', stateFile], {});
  assert.equal(parsed.kind, 'run');
  return parsed.config;
}

test("a line that fails on the resumed pattern's first level: GpioError (exit 4), queue removed, line released", async (t) => {
  const key = randomKey();
  t.after(() => removeQueueQuietly(key));
  // Off for ten minutes from 200 ms on: however slow the start (an emulator), the resumed level is off.
  const config = configWithPattern(t, key, 600_000);
  const stand = failingLine(1);
  const open: LinesOpener = async () => stand.line;

  const failure = await startDaemon(config, createLogger('fatal', 'json'), open).then(
    () => assert.fail('startDaemon resolved although the line failed'),
    (error: unknown) => error,
  );
  assert.ok(failure instanceof GpioError, `a GpioError, not ${String(failure)}`);
  assert.match(failure.message, /setting the stand-in line failed \(call 1\)/);
  assert.equal(exitCodeFor(failure), 4);
  assert.deepEqual(stand.sets, [false], 'the resumed blink tried once the level its schedule has reached');
  assert.equal(stand.released(), true, 'the line is given back');
  assert.equal(queueExists(key), false, 'the queue ledd created is removed');
});

test('a line that fails on a later step of the resumed pattern: the daemon hears of the end and goes on', async (t) => {
  const key = randomKey();
  t.after(() => removeQueueQuietly(key));
  // 1000 ms into 200 on, 200 off: either level, the next is due within 200 ms.
  const config = configWithPattern(t, key, 200);
  const stand = failingLine(2);
  const daemon = await startDaemon(config, createLogger('fatal', 'json'), async () => stand.line);
  assert.equal(queueExists(key), true);
  // The second level is due within 200 ms; then the pattern has ended by the failure.
  const ended = Date.now() + 2000;
  while (stand.sets.length < 2 && Date.now() < ended) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(stand.sets.length, 2, 'the blink went on to its second level');
  await new Promise((resolve) => setTimeout(resolve, 450));
  assert.equal(stand.sets.length, 2, 'after the failure nothing plays');
  daemon.stop('test');
  assert.equal(await daemon.run(), false);
  assert.equal(queueExists(key), false, 'an orderly stop removes the queue');
});
