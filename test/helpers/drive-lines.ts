// What test/platforms/guest/drive-lines.mjs checks, in order (each line of its
// output "NAME ok" or "NAME FAIL: why"), for the tests that judge its runs:
// the trixie VM (libgpiod 2.x) and the system VM (libgpiod 1.x).

/** With the chips free: the requests, the levels, one call per chip, the refusals. */
export const LINES_CHECKS = [
  'lines_backend',
  'lines_initial',
  'lines_location',
  'lines_one_call_per_chip',
  'lines_set_all',
  'lines_get',
  'lines_set_two_one_call',
  'lines_set_two',
  'lines_held_by_consumer',
  'lines_released',
  'lines_conflict_kind',
  'lines_conflict_message',
  'lines_missing_names_led',
  'lines_refusals_left_nothing_held',
] as const;

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
