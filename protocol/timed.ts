// Timed states: a command that lasts a while, then gives way to what the LED
// would show had it never come (its steady level, or its pattern at the point
// the pattern's own schedule has reached by then).
//
// On the wire, after any ON, OFF, TOGGLE, BLINK, HEARTBEAT or PATTERN:
//   for=MS        the command lasts MS milliseconds (MIN_FOR_MS to MAX_FOR_MS)
// A timed command over a timed state plays until its own end, and then the
// earlier one until its end; a command without for= ends every timed state
// on its LEDs. A report of a timed LED carries when it ends and what follows:
//   until=EPOCH_MS after=AFTER                  the reply's fields for its first LED
//   ENTRY;EPOCH_MS;AFTER                         a leds= entry (see leds.ts)
//   AFTER = on | off | KIND[:LABEL]              KIND blink|heartbeat|pattern, LABEL as in leds=
import { formatLabel, LABEL_PATTERN, parseLabel, type PatternName, PATTERN_NAMES } from './pattern.js';

export const MIN_FOR_MS = 10;
/** A week: longer than any status light is meant to hold a passing state. */
export const MAX_FOR_MS = 604_800_000;
/** Timed states an LED holds at once, one over the other. */
export const MAX_TIMED_DEPTH = 8;

/** What an LED shows once its timed state ends. */
export interface AfterReport {
  kind: 'on' | 'off' | PatternName;
  label?: string;
}

export interface TimedReport {
  /** Epoch milliseconds when the timed state ends. */
  until: number;
  after: AfterReport;
}

export const FOR_RANGE = `a whole number of milliseconds from ${MIN_FOR_MS} to ${MAX_FOR_MS} (a week)`;

/** The problem with `ms` as a for= duration, or undefined. */
export function forProblem(ms: number): string | undefined {
  if (Number.isInteger(ms) && ms >= MIN_FOR_MS && ms <= MAX_FOR_MS) return undefined;
  return `for= must be ${FOR_RANGE}, not ${ms}`;
}

export function formatAfter(after: AfterReport): string {
  return after.label === undefined ? after.kind : `${after.kind}:${formatLabel(after.label)}`;
}

export function parseAfter(text: string): AfterReport | null {
  const [kind = '', labelText, extra] = text.split(':');
  const known = kind === 'on' || kind === 'off' || (PATTERN_NAMES as readonly string[]).includes(kind);
  if (!known || extra !== undefined) return null;
  if (labelText === undefined) return { kind: kind as AfterReport['kind'] };
  const label = parseLabel(labelText);
  if (kind === 'on' || kind === 'off' || !LABEL_PATTERN.test(label)) return null;
  return { kind: kind as AfterReport['kind'], label };
}

/** A leds= entry's timed suffix (";EPOCH_MS;AFTER"), or "" for an LED in no timed state. */
export function formatTimedSuffix(timed: TimedReport | undefined): string {
  return timed ? `;${timed.until};${formatAfter(timed.after)}` : '';
}

/** The suffix's parts after the entry (without the leading ";"), or null when they are not one. */
export function parseTimedSuffix(parts: readonly string[]): TimedReport | null {
  if (parts.length !== 2 || !/^\d{1,15}$/.test(parts[0]!)) return null;
  const after = parseAfter(parts[1]!);
  return after && { until: Number(parts[0]), after };
}

/** The until= and after= fields of the first LED concerned, as the reply's head carries them. */
export function timedFields(timed: TimedReport | undefined): Record<string, string> {
  return timed ? { until: String(timed.until), after: formatAfter(timed.after) } : {};
}

/** The fields back into a report; undefined when there are none (or they are not valid). */
export function timedOfFields(fields: Record<string, string>): TimedReport | undefined {
  if (fields.until === undefined || fields.after === undefined) return undefined;
  return parseTimedSuffix([fields.until, fields.after]) ?? undefined;
}
