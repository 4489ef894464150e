// Home Assistant's flash: a blink that lasts flash_time_short or
// flash_time_long seconds (for=), after which ledd puts back what the LED
// showed. A flash is an alert, not a new state: while one plays, the state
// published is what the LED returns to (ledd reports it as the timed
// state's after=).
import type { LedReport } from '../protocol/leds.js';
import { blinkSpec, type PatternSpec } from '../protocol/pattern.js';

/** Two flashes a second: four in a two-second flash, quick enough to catch the eye. */
const FLASH_ON_MS = 250;
const FLASH_OFF_MS = 250;

export type FlashLength = 'short' | 'long' | { seconds: number };

/** The label ledd keeps with the flash's blink, which tells it from any other pattern. */
export function flashLabel(length: FlashLength): string {
  return typeof length === 'string' ? `flash ${length}` : `flash ${length.seconds}s`;
}

const FLASH_LABEL = /^flash (short|long|\d+(\.\d+)?s)$/;

export function isFlashLabel(label: string | undefined): boolean {
  return label !== undefined && FLASH_LABEL.test(label);
}

export function flashSpec(length: FlashLength): PatternSpec {
  return { ...blinkSpec(FLASH_ON_MS, FLASH_OFF_MS, 0, false), label: flashLabel(length) };
}

/** What to publish for an LED: during the bridge's flash, what the LED returns to; else what it shows. */
export function shownReport(report: LedReport): LedReport {
  const { timed, pattern } = report;
  if (!timed || !isFlashLabel(pattern?.label)) return report;
  const { kind, label } = timed.after;
  if (kind === 'on' || kind === 'off') return { name: report.name, state: kind === 'on' ? 'ON' : 'OFF', pattern: null };
  return {
    name: report.name,
    state: 'ON',
    pattern: { kind, cyclesLeft: null, then: 'off', ...(label !== undefined && { label }) },
  };
}
