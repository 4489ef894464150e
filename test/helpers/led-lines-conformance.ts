// The LedLines contract (daemon/gpio/line.ts), as one suite every backend
// runs: the simulation here (test/daemon/led-lines-conformance.test.ts),
// node-libgpiod and ledd's libgpiod 2.x binding on gpio-sim chips in the VMs
// (test/platforms/guest/drive-lines.mjs imports this file compiled). Each
// check is reported by name; what a simulation cannot have (another consumer
// holding a line, a line name no chip has) is checked on real chips only.
import { GpioError, type BackendName, type LedLines, type LedLineSpec } from '../../daemon/gpio/line.js';

/** A backend under test, and how to see what its lines drive. */
export interface LedLinesSubject {
  backend: BackendName;
  /** Requests `leds` with consumer "ledd-test". */
  open(leds: LedLineSpec[]): Promise<LedLines>;
  /**
   * Four LEDs: a (initial on), b (active-low, initial off) and c (initial
   * off) on one chip, a by the line name GPIO17 and b by GPIO27; d
   * (active-low, initial on) alone on a second chip.
   */
  leds: readonly [LedLineSpec, LedLineSpec, LedLineSpec, LedLineSpec];
  /** LED e: a's line given another way (by chip and offset where there are chips). */
  sameLineAsA: LedLineSpec;
  /** What each of the four LEDs' lines is driven at now, "1" or "0" (after active-low). */
  physical(): string[];
  /** How location() describes b's line. */
  locationOfB: RegExp;
  /** A real chip: lines have holders another request can see, and names no chip has. */
  real: boolean;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  why: string;
}

/** The checks every backend passes, in the order they run. */
export const COMMON_CHECKS = [
  'lines_backend',
  'lines_initial',
  'lines_location',
  'lines_one_call_per_chip',
  'lines_set_all',
  'lines_get',
  'lines_set_two_one_call',
  'lines_set_two',
  'lines_get_unknown_led',
  'lines_set_after_release',
  'lines_release_twice',
  'lines_released',
  'lines_conflict_kind',
  'lines_conflict_message',
] as const;

/** What a real backend reports, in the order it runs them (drive-lines.mjs's output on chips that are free). */
export const LINES_CHECKS = [
  ...COMMON_CHECKS.slice(0, COMMON_CHECKS.indexOf('lines_get_unknown_led') + 1),
  'lines_held_by_consumer',
  ...COMMON_CHECKS.slice(COMMON_CHECKS.indexOf('lines_get_unknown_led') + 1),
  'lines_missing_names_led',
  'lines_refusals_left_nothing_held',
] as const;

export async function runLedLinesConformance(subject: LedLinesSubject): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const check = (name: string, ok: boolean, why: string): void => void results.push({ name, ok, why });
  const expectEqual = (name: string, expected: unknown, actual: unknown): void =>
    check(
      name,
      JSON.stringify(expected) === JSON.stringify(actual),
      `expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
    );
  const refusal = async (leds: LedLineSpec[]): Promise<{ kind: string; message: string }> => {
    try {
      const lines = await subject.open(leds);
      lines.release();
      return { kind: 'none', message: 'the lines were requested' };
    } catch (error) {
      return {
        kind: error instanceof GpioError ? error.kind : `not a GpioError: ${String(error)}`,
        message: (error as Error).message,
      };
    }
  };
  const thrown = (call: () => unknown): unknown => {
    try {
      call();
      return undefined;
    } catch (error) {
      return error;
    }
  };
  const leds = [...subject.leds];

  const lines = await subject.open(leds);
  expectEqual('lines_backend', subject.backend, lines.backend);
  expectEqual('lines_initial', ['1', '1', '0', '0'], subject.physical());
  check('lines_location', subject.locationOfB.test(lines.location(1)), lines.location(1));
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
  expectEqual('lines_set_all', ['0', '0', '1', '1'], subject.physical());
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
  expectEqual('lines_set_two', ['0', '1', '0', '1'], subject.physical());
  const unknown = thrown(() => lines.get(4));
  check('lines_get_unknown_led', unknown instanceof RangeError, `get(4) of 4 LEDs threw ${String(unknown)}`);
  if (subject.real) {
    const held = await refusal([{ name: 'x', line: 'GPIO27', activeLow: false, initial: false }]);
    check('lines_held_by_consumer', held.kind === 'busy' && /held by "ledd-test"/.test(held.message), held.message);
  }
  lines.release();
  const afterRelease = thrown(() => lines.set(new Map([[0, true]])));
  check(
    'lines_set_after_release',
    afterRelease instanceof GpioError && afterRelease.kind === 'io',
    `set() after release() threw ${String(afterRelease)}`,
  );
  const twice = thrown(() => lines.release());
  check('lines_release_twice', twice === undefined, `a second release() threw ${String(twice)}`);
  expectEqual('lines_released', 'none', (await refusal(leds)).kind);

  const conflict = await refusal([leds[0]!, subject.sameLineAsA]);
  expectEqual('lines_conflict_kind', 'conflict', conflict.kind);
  check('lines_conflict_message', /^LED e: .* is also the line of LED a;/.test(conflict.message), conflict.message);
  if (subject.real) {
    const missing = await refusal([leds[0]!, { name: 'f', line: 'GPIO99', activeLow: false, initial: false }]);
    check(
      'lines_missing_names_led',
      missing.kind === 'no-such-line' && /^LED f: no GPIO line is named GPIO99/.test(missing.message),
      missing.message,
    );
    expectEqual('lines_refusals_left_nothing_held', 'none', (await refusal(leds)).kind);
  }
  return results;
}
