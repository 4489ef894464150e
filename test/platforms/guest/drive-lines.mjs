// Guest check (run by gpio-backend.sh and ledd-system.sh in the gpio-sim VM):
// the LedLines conformance suite (test/helpers/led-lines-conformance.ts, the
// one the simulated backend runs on the host) on a real libgpiod backend:
// several LEDs' lines, one request and one library call per chip, the
// refusals.
//   node drive-lines.mjs BACKEND            the suite
//   node drive-lines.mjs BACKEND busy       GPIO17 is held by gpioset: the refusal names LED a and it
// Prints "NAME ok" or "NAME FAIL: why" per check; exit 0 when all passed.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [backend, mode = 'cycle'] = process.argv.slice(2);
const repo = process.env.LEDD_REPO;
const { openLedLines } = await import(path.join(repo, 'dist/daemon/gpio/open-line.js'));
const { runLedLinesConformance } = await import(path.join(repo, 'dist/test/helpers/led-lines-conformance.js'));

const configfs = '/sys/kernel/config/gpio-sim';
/** The value a consumer drives on line `offset` of the gpio-sim device configured as `device`. */
function simValue(device, offset) {
  const platform = readFileSync(`${configfs}/${device}/dev_name`, 'utf8').trim();
  const chip = readFileSync(`${configfs}/${device}/bank0/chip_name`, 'utf8').trim();
  return readFileSync(`/sys/devices/platform/${platform}/${chip}/sim_gpio${offset}/value`, 'utf8').trim();
}

let failures = 0;
function check(name, ok, why) {
  if (ok) console.log(`${name} ok`);
  else {
    failures++;
    console.log(`${name} FAIL: ${why}`);
  }
}
function expectEqual(name, expected, actual) {
  check(
    name,
    JSON.stringify(expected) === JSON.stringify(actual),
    `expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
  );
}
async function refusal(leds) {
  try {
    const lines = await openLedLines(backend, { leds, consumer: 'ledd-test' }, () => undefined);
    lines.release();
    return { kind: 'none', message: 'the lines were requested' };
  } catch (error) {
    return { kind: error.kind, message: error.message };
  }
}

// a, b, c on the Pi-5-like chip (b active-low: a chip of mixed polarity), d on the decoy chip (active-low alone).
const leds = [
  { name: 'a', line: 'GPIO17', activeLow: false, initial: true },
  { name: 'b', line: 'GPIO27', activeLow: true, initial: false },
  { name: 'c', chip: 'pinctrl-rp1', line: 22, activeLow: false, initial: false },
  { name: 'd', chip: 'decoy', line: 3, activeLow: true, initial: true },
];
const physical = () => [simValue('ledd', 17), simValue('ledd', 27), simValue('ledd', 22), simValue('decoy', 3)];

if (mode === 'busy') {
  const { kind, message } = await refusal(leds);
  expectEqual('lines_busy_kind', 'busy', kind);
  check(
    'lines_busy_names_led_and_holder',
    /^LED a: GPIO17 on gpiochip\d+ line 17 is busy: it is held by "gpioset"/.test(message),
    message,
  );
  const again = await refusal(leds.filter((led) => led.name !== 'a'));
  expectEqual('lines_busy_left_nothing_held', 'none', again.kind);
} else {
  const results = await runLedLinesConformance({
    backend,
    open: (specs) => openLedLines(backend, { leds: specs, consumer: 'ledd-test' }, () => undefined),
    leds,
    sameLineAsA: { name: 'e', chip: 'pinctrl-rp1', line: 17, activeLow: false, initial: false },
    physical,
    locationOfB: /^GPIO27 on gpiochip\d+ line 27$/,
    real: true,
  });
  for (const { name, ok, why } of results) check(name, ok, why);
}
console.log(`drive-lines: ${failures} failed`);
process.exitCode = failures === 0 ? 0 : 1;
