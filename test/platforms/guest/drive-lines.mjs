// Guest check (run by gpio-backend.sh and ledd-system.sh in the gpio-sim VM):
// ledd's GPIO layer requests several LEDs' lines, one request per chip, and
// sets them with one library call per chip, on the real libgpiod backend.
//   node drive-lines.mjs BACKEND            the cycle below
//   node drive-lines.mjs BACKEND busy       GPIO17 is held by gpioset: the refusal names LED a and it
// Prints "NAME ok" or "NAME FAIL: why" per check; exit 0 when all passed.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [backend, mode = 'cycle'] = process.argv.slice(2);
const repo = process.env.LEDD_REPO;
const { openLedLines } = await import(path.join(repo, 'dist/daemon/gpio/open-line.js'));

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
  const lines = await openLedLines(backend, { leds, consumer: 'ledd-test' }, () => undefined);
  expectEqual('lines_backend', backend, lines.backend);
  expectEqual('lines_initial', ['1', '1', '0', '0'], physical());
  check('lines_location', /^GPIO27 on gpiochip\d+ line 27$/.test(lines.location(1)), lines.location(1));
  const before = lines.calls;
  lines.set(
    new Map([
      [0, false],
      [1, true],
      [2, true],
      [3, false],
    ]),
  );
  expectEqual('lines_one_call_per_chip', 2, lines.calls - before);
  expectEqual('lines_set_all', ['0', '0', '1', '1'], physical());
  expectEqual(
    'lines_get',
    [false, true, true, false],
    [0, 1, 2, 3].map((led) => lines.get(led)),
  );
  lines.set(
    new Map([
      [1, false],
      [2, false],
    ]),
  );
  expectEqual('lines_set_two_one_call', 3, lines.calls - before);
  expectEqual('lines_set_two', ['0', '1', '0', '1'], physical());
  const held = await refusal([{ name: 'x', line: 'GPIO27', activeLow: false, initial: false }]);
  check('lines_held_by_consumer', held.kind === 'busy' && /held by "ledd-test"/.test(held.message), held.message);
  lines.release();
  const released = await refusal(leds);
  expectEqual('lines_released', 'none', released.kind);
  const twice = await refusal([
    leds[0],
    { name: 'e', chip: 'pinctrl-rp1', line: 17, activeLow: false, initial: false },
  ]);
  expectEqual('lines_conflict_kind', 'conflict', twice.kind);
  check(
    'lines_conflict_message',
    /^LED e: GPIO17 on gpiochip\d+ line 17 is also the line of LED a;/.test(twice.message),
    twice.message,
  );
  const missing = await refusal([leds[0], { name: 'f', line: 'GPIO99', activeLow: false, initial: false }]);
  check(
    'lines_missing_names_led',
    missing.kind === 'no-such-line' && /^LED f: no GPIO line is named GPIO99/.test(missing.message),
    missing.message,
  );
  const after = await refusal(leds);
  expectEqual('lines_refusals_left_nothing_held', 'none', after.kind);
}
console.log(`drive-lines: ${failures} failed`);
process.exitCode = failures === 0 ? 0 : 1;
