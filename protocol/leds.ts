// Naming LEDs: which LEDs a request is for (led=), and how a reply or a
// change notice describes each LED (leds=). One ledd drives up to MAX_LEDS
// LEDs, each with a name; a request without led= is for the first LED
// configured, so a client that knows of one LED (the chapter's C program,
// ledctl without --led, the MQTT bridge) keeps working unchanged.
//
// On the wire:
//   led=NAME | led=NAME,NAME,... | led=*          after the verb, once
//   leds=ENTRY,ENTRY,...                         in a reply, one entry per LED concerned
//   ENTRY = NAME:ON|OFF[:KIND:CYCLES:THEN[:LABEL]][;UNTIL;AFTER]
//                                                KIND blink|heartbeat|pattern while one plays,
//                                                CYCLES left or "forever", THEN on|off, LABEL
//                                                the name a client gave it (a space written +);
//                                                UNTIL and AFTER for a timed state (timed.ts)
// The reply's head state (`<id> OK ON ...`) and its pattern=, cycles=, then=
// (and label=, until=, after=) fields are the first LED's of those concerned,
// as before there were several.
import { formatLabel, LABEL_PATTERN, parseLabel, type PatternName, PATTERN_NAMES } from './pattern.js';
import type { LedState, Reply } from './reply.js';
import { formatTimedSuffix, parseTimedSuffix, timedFields, timedOfFields, type TimedReport } from './timed.js';

export const MAX_LEDS = 32;
/** The LED's name when ledd is started without --led. */
export const DEFAULT_LED_NAME = 'led';
export const LED_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,15}$/;
export const LED_NAME_RULE = '1 to 16 lower-case letters, digits, "-" or "_", starting with a letter or digit';

/** Which LEDs a request is for. */
export type LedSelector = { kind: 'first' } | { kind: 'all' } | { kind: 'names'; names: string[] };

export type SelectorParse = { ok: true; selector: LedSelector } | { ok: false; problem: string };

/** led='s value: `*`, or names separated by commas, each once. */
export function parseLedSelector(text: string): SelectorParse {
  if (text === '*') return { ok: true, selector: { kind: 'all' } };
  const names = text.split(',');
  for (const [index, name] of names.entries()) {
    if (!LED_NAME_PATTERN.test(name))
      return { ok: false, problem: `led=${text}: "${name}" is not an LED name (${LED_NAME_RULE}), nor is it *` };
    if (names.indexOf(name) !== index) return { ok: false, problem: `led=${text} names ${name} twice` };
  }
  return { ok: true, selector: { kind: 'names', names } };
}

/** The led= word for a selector; empty for the first LED (no word at all). */
export function formatLedSelector(selector: LedSelector): string {
  if (selector.kind === 'first') return '';
  return `led=${selector.kind === 'all' ? '*' : selector.names.join(',')}`;
}

/** A pattern as ledd reports it: what plays, how many cycles are left, and the level it ends in. */
export interface PatternReport {
  kind: PatternName;
  /** null: forever. */
  cyclesLeft: number | null;
  then: 'on' | 'off';
  /** The name the client that started it gave it. */
  label?: string;
}

/** One LED as replies, notices, `ledctl status --json` and `ledctl watch --json` describe it. */
export interface LedReport {
  name: string;
  state: LedState;
  pattern: PatternReport | null;
  /** A timed state: when it ends and what follows. */
  timed?: TimedReport;
}

function formatEntry(report: LedReport): string {
  const { pattern } = report;
  const label = pattern?.label === undefined ? '' : `:${formatLabel(pattern.label)}`;
  const tail = pattern ? `:${pattern.kind}:${pattern.cyclesLeft ?? 'forever'}:${pattern.then}${label}` : '';
  return `${report.name}:${report.state}${tail}${formatTimedSuffix(report.timed)}`;
}

/** leds='s value. */
export function formatLedReports(reports: readonly LedReport[]): string {
  return reports.map(formatEntry).join(',');
}

/** leds='s value back into reports; null when it is not one. */
export function parseLedReports(text: string): LedReport[] | null {
  const reports: LedReport[] = [];
  for (const entry of text.split(',')) {
    const [head = '', ...suffix] = entry.split(';');
    const timed = suffix.length === 0 ? undefined : parseTimedSuffix(suffix);
    if (timed === null) return null;
    const timedPart = timed && { timed };
    const [name = '', state, kind, cycles, then, labelText, extra] = head.split(':');
    if (!LED_NAME_PATTERN.test(name) || (state !== 'ON' && state !== 'OFF') || extra !== undefined) return null;
    if (kind === undefined) {
      reports.push({ name, state, pattern: null, ...timedPart });
      continue;
    }
    const known = (PATTERN_NAMES as readonly string[]).includes(kind);
    const cyclesLeft = cycles === 'forever' ? null : /^\d{1,7}$/.test(cycles ?? '') ? Number(cycles) : NaN;
    if (!known || Number.isNaN(cyclesLeft) || (then !== 'on' && then !== 'off')) return null;
    const label = labelText === undefined ? undefined : parseLabel(labelText);
    if (label !== undefined && !LABEL_PATTERN.test(label)) return null;
    reports.push({
      name,
      state,
      pattern: { kind: kind as PatternName, cyclesLeft, then, ...(label !== undefined && { label }) },
      ...timedPart,
    });
  }
  return reports;
}

/**
 * The LEDs an OK reply or notice describes: its leds= when it has one; else
 * ledd's one unnamed LED, described by the head state and pattern= cycles= then=.
 */
export function ledReportsOf(reply: Extract<Reply, { ok: true }>): LedReport[] {
  const listed = reply.fields.leds === undefined ? null : parseLedReports(reply.fields.leds);
  if (listed) return listed;
  const { pattern, cycles, then, label } = reply.fields;
  const known = pattern !== undefined && (PATTERN_NAMES as readonly string[]).includes(pattern);
  const timed = timedOfFields(reply.fields);
  return [
    {
      name: DEFAULT_LED_NAME,
      state: reply.state,
      pattern: known
        ? {
            kind: pattern as PatternName,
            cyclesLeft: cycles === 'forever' || cycles === undefined ? null : Number(cycles),
            then: then === 'on' ? 'on' : 'off',
            ...(label !== undefined && { label: parseLabel(label) }),
          }
        : null,
      ...(timed && { timed }),
    },
  ];
}

/**
 * The pattern= cycles= then= fields of one LED (the first concerned), as
 * replies carried them before leds=, and its until= after= in a timed state.
 */
export function patternFields(report: LedReport): Record<string, string> {
  const { pattern } = report;
  if (!pattern) return timedFields(report.timed);
  return {
    pattern: pattern.kind,
    cycles: pattern.cyclesLeft === null ? 'forever' : String(pattern.cyclesLeft),
    then: pattern.then,
    ...(pattern.label !== undefined && { label: formatLabel(pattern.label) }),
    ...timedFields(report.timed),
  };
}

/** An LED in ledctl's JSON (status --json, watch --json, list --json): the one shape everywhere. */
export function ledJson(report: LedReport, line?: string): Record<string, unknown> {
  return {
    name: report.name,
    led: report.state.toLowerCase(),
    pattern: report.pattern && {
      name: report.pattern.kind,
      cyclesLeft: report.pattern.cyclesLeft,
      then: report.pattern.then,
      ...(report.pattern.label !== undefined && { label: report.pattern.label }),
    },
    timed: report.timed ? { until: new Date(report.timed.until).toISOString(), after: report.timed.after } : null,
    ...(line !== undefined && { line }),
  };
}
