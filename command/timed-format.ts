// How ledctl shows a timed state: when it ends and what the LED shows then.
import type { TimedReport } from '../protocol/timed.js';

/** "12:00:05 UTC (4.2 s left), then blink" */
export function timedText(timed: TimedReport, now = Date.now()): string {
  const at = new Date(timed.until).toISOString().slice(11, 19);
  const left = Math.max(0, (timed.until - now) / 1000);
  const { after } = timed;
  const labelled = after.label !== undefined && after.label !== after.kind;
  const then = labelled ? `"${after.label}" (${after.kind})` : after.kind;
  return `until ${at} UTC (${left < 10 ? left.toFixed(1) : Math.round(left)} s left), then ${then}`;
}
