// The daemon's Board over the simulated backend, in-process with its real
// timers: a pattern over several LEDs sets them all with one call per chip at
// every step (the calls counted at the backend), and an LED a command takes
// out of the pattern is never set by it again while the others play on.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { waitFor } from '@ledd/test-kit/wait';

import { Board } from '../../daemon/board.js';
import type { EdgeRecord } from '../../daemon/pattern-player.js';
import { openSimulatedLines } from '../../daemon/gpio/sim-line.js';
import type { LedLineSpec } from '../../daemon/gpio/line.js';
import type { PatternSpec } from '../../protocol/pattern.js';

/** A chase over three LEDs at 20 Hz: one lit at a time. */
const CHASE: PatternSpec = {
  name: 'pattern',
  steps: [0, 1, 2].map((lit) => ({ levels: [0, 1, 2].map((led) => led === lit), ms: 50 })),
  repeat: -1,
  then: false,
};

function board(leds: LedLineSpec[]) {
  const changes: { led: number; on: boolean; at: number }[] = [];
  const edges: EdgeRecord[] = [];
  const lines = openSimulatedLines({ leds, consumer: 'test' }, (led, on) =>
    changes.push({ led, on, at: performance.now() }),
  );
  const names = leds.map((led) => led.name!);
  const played = new Board(lines, names, null, {
    onPersistError: (error) => {
      throw error;
    },
    onEdge: (edge) => edges.push(edge),
  });
  return { lines, board: played, changes, edges };
}

const led = (name: string, line: string, chip?: string): LedLineSpec => ({
  name,
  line,
  activeLow: false,
  initial: false,
  ...(chip !== undefined && { chip }),
});

test('a 20 Hz chase over three LEDs of one chip for 60 steps (3 s): every step is one call that sets all three', async () => {
  const { lines, board: played, edges } = board([led('a', 'GPIO17'), led('b', 'GPIO27'), led('c', 'GPIO22')]);
  const before = lines.calls;
  assert.equal(played.play([0, 1, 2], CHASE), true);
  // 60 steps: 3 s at 20 Hz (longer where an emulator runs the test).
  await waitFor('60 steps of the chase', () => edges.length >= 60);
  played.stopPatterns();
  const calls = lines.calls - before;
  assert.equal(calls, edges.length, 'one call per step');
  for (const edge of edges) assert.equal(edge.levels, ['100', '010', '001'][(edge.step - 1) % 3]);
  lines.release();
});

test('LEDs of two chips: one call per chip a step; an LED taken out is not set again, the others go on', async () => {
  const {
    lines,
    board: played,
    changes,
    edges,
  } = board([led('a', 'GPIO17'), led('b', 'GPIO27'), led('c', '3', 'gpiochip9')]);
  played.play([0, 1, 2], CHASE);
  await waitFor('20 steps of the chase', () => edges.length >= 20);
  const stepsNow = edges.length;
  assert.equal(lines.calls, 2 * stepsNow, 'two chips: two calls a step');
  played.command([1], [false]);
  const since = performance.now();
  await waitFor('20 more steps', () => edges.length >= stepsNow + 20);
  assert.equal(played.pattern(1), undefined, 'b plays nothing');
  assert.ok(
    played.pattern(0) !== undefined && played.pattern(0)?.spec === played.pattern(2)?.spec,
    'a and c play the chase together',
  );
  played.stopPatterns();
  const after = changes.filter((change) => change.at > since);
  assert.deepEqual(
    after.filter((change) => change.led === 1),
    [],
    'b is not set by the chase any more',
  );
  assert.ok(after.some((change) => change.led === 0) && after.some((change) => change.led === 2), 'a and c go on');
  lines.release();
});
