// What is the simulated backend's own: the changes it reports to its
// listener, its locations ("simulated GPIO27 (active-low)"), its chips by
// --chip or "sim". The contract every backend keeps (requests, one call per
// chip, refusals) is the conformance suite's (led-lines-conformance.test.ts
// here, test/platforms/guest/drive-lines.mjs on real chips in the VMs).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { GpioError, type LedLineSpec } from '../../daemon/gpio/line.js';
import { openSimulatedLines } from '../../daemon/gpio/sim-line.js';

const leds: LedLineSpec[] = [
  { name: 'red', line: 'GPIO17', activeLow: false, initial: false },
  { name: 'amber', line: 'GPIO27', activeLow: true, initial: true },
  { name: 'green', line: 'GPIO22', activeLow: false, initial: false },
  { name: 'fan', chip: 'gpiochip0', line: 3, activeLow: false, initial: false },
];

function open(specs: readonly LedLineSpec[] = leds) {
  const changes: [number, boolean][] = [];
  const lines = openSimulatedLines({ leds: specs, consumer: 'ledd' }, (led, on) => changes.push([led, on]));
  return { lines, changes };
}

test('several LEDs: the initial levels, then any set is one call per chip', () => {
  const { lines, changes } = open();
  assert.equal(lines.size, 4);
  assert.deepEqual(changes, [
    [0, false],
    [1, true],
    [2, false],
    [3, false],
  ]);
  assert.equal(lines.location(1), 'simulated GPIO27 (active-low)');
  assert.equal(lines.location(3), 'simulated gpiochip0:3');
  changes.length = 0;

  lines.set(
    new Map([
      [0, true],
      [1, false],
      [2, true],
    ]),
  );
  assert.equal(lines.calls, 1, 'three LEDs of one chip: one call');
  lines.set(
    new Map([
      [0, false],
      [3, true],
    ]),
  );
  assert.equal(lines.calls, 3, 'two chips: one call each');
  assert.deepEqual(
    [0, 1, 2, 3].map((led) => lines.get(led)),
    [false, false, true, true],
  );
  assert.deepEqual(changes, [
    [0, true],
    [1, false],
    [2, true],
    [0, false],
    [3, true],
  ]);
  lines.release();
  assert.throws(() => lines.set(new Map([[0, true]])), /the GPIO lines were released/);
  lines.release();
});

test('a line given to two LEDs is refused, naming both; an LED that does not exist is a RangeError', () => {
  assert.throws(
    () => open([leds[0]!, { name: 'again', line: 'GPIO17', activeLow: false, initial: false }]),
    (error: unknown) =>
      error instanceof GpioError &&
      error.kind === 'conflict' &&
      error.message === 'LED again: simulated GPIO17 is also the line of LED red; give each LED a line of its own',
  );
  const { lines } = open();
  assert.throws(() => lines.set(new Map([[4, true]])), /there is no LED 4 \(4 configured\)/);
  assert.throws(() => lines.get(-1), RangeError);
});
