// The LedLines conformance suite (test/helpers/led-lines-conformance.ts) on
// the simulated backend; the VMs run the same suite on node-libgpiod and
// ledd's libgpiod 2.x binding against gpio-sim chips.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { LedLineSpec } from '../../daemon/gpio/line.js';
import { openSimulatedLines } from '../../daemon/gpio/sim-line.js';
import { COMMON_CHECKS, runLedLinesConformance } from '../helpers/led-lines-conformance.js';

test('LedLines conformance: the simulated backend', async (t) => {
  const leds: [LedLineSpec, LedLineSpec, LedLineSpec, LedLineSpec] = [
    { name: 'a', line: 'GPIO17', activeLow: false, initial: true },
    { name: 'b', line: 'GPIO27', activeLow: true, initial: false },
    { name: 'c', chip: 'sim', line: 22, activeLow: false, initial: false },
    { name: 'd', chip: 'decoy', line: 3, activeLow: true, initial: true },
  ];
  // The simulation reports logical levels; a line's level is that, inverted for an active-low LED.
  // The suite's first request is of the four LEDs; the later ones are refusals and re-requests.
  const logical: boolean[] = [];
  let requests = 0;
  const results = await runLedLinesConformance({
    backend: 'sim',
    open: async (specs) => {
      const first = requests++ === 0;
      return openSimulatedLines({ leds: specs, consumer: 'ledd-test' }, (led, on) => {
        if (first) logical[led] = on;
      });
    },
    leds,
    sameLineAsA: { name: 'e', line: 'GPIO17', activeLow: false, initial: false },
    physical: () => leds.map((led, index) => (logical[index] !== led.activeLow ? '1' : '0')),
    locationOfB: /^simulated GPIO27 \(active-low\)$/,
    real: false,
  });
  assert.deepEqual(
    results.map((result) => result.name),
    [...COMMON_CHECKS],
    'every check common to all backends ran, in order',
  );
  for (const result of results) await t.test(result.name, () => assert.ok(result.ok, result.why));
});
