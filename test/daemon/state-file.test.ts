// The state file's timed states: written and read back, one LED and several;
// entries that are not valid are reported and dropped, the rest kept. Real
// files in a temporary directory; the daemon's use of them is in timed.test.ts.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { blinkSpec } from '../../protocol/pattern.js';
import { StateFile, type StoredState, type StoredTimed } from '../../daemon/state-file.js';
import { tempDir } from '../helpers/temp-dir.js';

test('timed states round-trip: one LED in its own format, several sharing one timed command', (t) => {
  const file = path.join(tempDir(t), 'state.json');
  const blink = { spec: blinkSpec(100, 100, 0, false), startedAt: 1_796_000_000_000.5 };
  const later: StoredTimed = { until: 1_796_000_060_000, pattern: { spec: blinkSpec(50, 50, 0, true), startedAt: 1 } };
  const sooner: StoredTimed = { until: 1_796_000_010_000 };
  const one: StoredState = new Map([
    [
      'led',
      {
        on: false,
        pattern: blink,
        timed: [
          { timed: later, on: true },
          { timed: sooner, on: false },
        ],
      },
    ],
  ]);
  const stateFile = new StateFile(file);
  stateFile.save(one);
  const record = JSON.parse(readFileSync(file, 'utf8')) as { led: string; timed: unknown[] };
  assert.equal(record.led, 'off', 'the one-LED format, which an older ledd reads too');
  assert.equal(record.timed.length, 2);
  assert.deepEqual(stateFile.read('led'), { state: one });

  const several: StoredState = new Map([
    [
      'red',
      {
        on: true,
        timed: [
          { timed: later, on: true },
          { timed: sooner, on: true },
        ],
      },
    ],
    ['amber', { on: false, timed: [{ timed: sooner, on: false }] }],
    ['green', { on: false }],
  ]);
  stateFile.save(several);
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { timed: { until: number; leds: object }[] };
  assert.deepEqual(
    saved.timed.map((entry) => [entry.until, entry.leds]),
    [
      [later.until, { red: 'on' }],
      [sooner.until, { red: 'on', amber: 'off' }],
    ],
    'each timed command once, with the levels of its LEDs, the one ending last first',
  );
  const read = stateFile.read('red');
  assert.deepEqual(read, { state: several });
  const [red, amber] = [read.state!.get('red')!, read.state!.get('amber')!];
  assert.equal(red.timed![1]!.timed, amber.timed![0]!.timed, 'LEDs of one timed command share it');
  stateFile.close();
});

test('timed entries that are not valid are dropped and reported; those of LEDs not in the file are nobody’s', (t) => {
  const file = path.join(tempDir(t), 'state.json');
  writeFileSync(
    file,
    JSON.stringify({
      leds: { red: 'on', amber: 'off' },
      patterns: [],
      timed: [
        { until: 1_796_000_000_000, leds: { red: 'off' } },
        { until: 'tomorrow', leds: { red: 'on' } },
        { until: 1_796_000_000_000, leds: { red: 'dim' } },
        { until: 1_796_000_000_000, leds: { amber: 'on' }, pattern: { name: 'blink', steps: [] } },
        { until: 1_796_000_000_000, leds: { gone: 'on' } },
      ],
    }),
  );
  const read = new StateFile(file).read('red');
  assert.equal(read.problem, `the state file ${file}: 3 of its timed states are not valid; ignored`);
  assert.deepEqual(
    read.state,
    new Map([
      ['red', { on: true, timed: [{ timed: { until: 1_796_000_000_000 }, on: false }] }],
      ['amber', { on: false }],
    ]),
  );

  writeFileSync(file, JSON.stringify({ led: 'on', timed: { until: 1 } }));
  assert.equal(new StateFile(file).read('led').state, undefined, 'timed that is not a list: not ledd’s file');
});
