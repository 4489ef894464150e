// What test/platforms/guest/drive-lines.mjs checks (each line of its output
// "NAME ok" or "NAME FAIL: why"), for the tests that judge its runs: the
// trixie VM (libgpiod 2.x) and the system VM (libgpiod 1.x).

/** With the chips free: the LedLines conformance suite, every check of it. */
export { LINES_CHECKS } from './led-lines-conformance.js';

/** With GPIO17 held by gpioset. */
export const LINES_BUSY_CHECKS = [
  'lines_busy_kind',
  'lines_busy_names_led_and_holder',
  'lines_busy_left_nothing_held',
] as const;

/** The checks in drive-lines.mjs's output: name to "ok" or "FAIL: why". */
export function driveLinesChecks(output: string | undefined): Map<string, string> {
  const checks = new Map<string, string>();
  for (const line of (output ?? '').split('\n')) {
    const match = /^(lines_[a-z_]+) (ok|FAIL: .*)$/.exec(line);
    if (match) checks.set(match[1]!, match[2]!);
  }
  return checks;
}
