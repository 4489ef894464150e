// ledctl blink, heartbeat and pattern: their options as a pattern request.
// Durations: `200ms`, `1.5s`; a bare number is seconds for --on and --off
// (as gpiozero's LED.blink takes them) and milliseconds inside a pattern SPEC
// (as the kernel's pattern trigger takes them).
import {
  FOREVER,
  LABEL_PATTERN,
  LABEL_RULE,
  MAX_REPEAT,
  type PatternSpec,
  blinkSpec,
  heartbeatSpec,
  patternProblem,
  stepProblem,
} from '../protocol/pattern.js';
import { options } from './options.js';

export type PatternCommand = 'blink' | 'heartbeat' | 'pattern';

/** A bad value: the message names it. */
export class PatternUsageError extends Error {}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s)?$/;

/** Milliseconds of "200ms", "1.5s", or a bare number in `bareUnit`. */
export function parseDuration(what: string, text: string, bareUnit: 'ms' | 's'): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new PatternUsageError(`${what}: "${text}" is not a duration; give e.g. 200ms or 1.5s`);
  const ms = Number(match[1]) * ((match[2] ?? bareUnit) === 's' ? 1000 : 1);
  if (!Number.isInteger(ms)) throw new PatternUsageError(`${what}: "${text}" is not a whole number of milliseconds`);
  const problem = stepProblem(what, ms);
  if (problem) throw new PatternUsageError(`${problem} ("${text}")`);
  return ms;
}

function parseCount(what: string, text: string, min: number): number {
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || value < min || value > MAX_REPEAT) {
    const lowest = min === FOREVER ? '-1 (forever)' : String(min);
    throw new PatternUsageError(`${what}: "${text}" is not a whole number from ${lowest} to ${MAX_REPEAT}`);
  }
  return value;
}

function parseThen(text: string): boolean {
  const lower = text.toLowerCase();
  if (lower !== 'on' && lower !== 'off') throw new PatternUsageError(`--then: "${text}" is not on or off`);
  return lower === 'on';
}

/** "1 200 0 800" (or "1:200,0:800"): level/duration pairs; a level is 0 or 1, or one 0/1 per LED ("100 500"). */
function parseSteps(spec: string): PatternSpec['steps'] {
  const words = spec
    .trim()
    .split(/[\s,:]+/)
    .filter(Boolean);
  if (words.length === 0 || words.length % 2 !== 0) {
    throw new PatternUsageError(`pattern: "${spec}" is not LEVEL DURATION pairs, e.g. "1 200 0 800"`);
  }
  const steps: PatternSpec['steps'] = [];
  for (let index = 0; index < words.length; index += 2) {
    const level = words[index]!;
    if (!/^[01]{1,32}$/.test(level)) {
      throw new PatternUsageError(
        `pattern: level "${level}" (step ${index / 2 + 1}) is not 0 or 1, nor one 0/1 for each LED (e.g. 100)`,
      );
    }
    steps.push({
      levels: [...level].map((digit) => digit === '1'),
      ms: parseDuration(`pattern step ${index / 2 + 1}`, words[index + 1]!, 'ms'),
    });
  }
  return steps;
}

export interface PatternFlags {
  on?: string;
  off?: string;
  count?: string;
  repeat?: string;
  then?: string;
  label?: string;
}

/** The pattern a blink, heartbeat or pattern command asks for; PatternUsageError for a bad value. */
export function patternRequest(command: PatternCommand, words: readonly string[], flags: PatternFlags): PatternSpec {
  const only = (allowed: (keyof PatternFlags)[]): void => {
    const extra = (Object.keys(flags) as (keyof PatternFlags)[]).find((name) => !allowed.includes(name));
    if (extra) throw new PatternUsageError(`--${extra} does not go with ${command}`);
  };
  const then = parseThen(flags.then ?? options.then.default);
  let spec: PatternSpec;
  if (command === 'blink') {
    only(['on', 'off', 'count', 'then', 'label']);
    if (words.length > 0) throw new PatternUsageError(`blink takes options, not "${words.join(' ')}"`);
    const onMs = parseDuration('--on', flags.on ?? options.on.default, 's');
    const offMs = parseDuration('--off', flags.off ?? options.off.default, 's');
    const count = flags.count === undefined ? 0 : parseCount('--count', flags.count, 1);
    spec = blinkSpec(onMs, offMs, count, then);
  } else if (command === 'heartbeat') {
    only(['then', 'label']);
    if (words.length > 0) throw new PatternUsageError(`heartbeat takes no arguments, not "${words.join(' ')}"`);
    spec = heartbeatSpec(then);
  } else {
    only(['repeat', 'then', 'label']);
    if (words.length === 0)
      throw new PatternUsageError('pattern needs a SPEC: LEVEL DURATION pairs, e.g. "1 200 0 800"');
    const repeat = parseCount('--repeat', flags.repeat ?? options.repeat.default, FOREVER);
    if (repeat === 0) throw new PatternUsageError('--repeat: "0" plays nothing; give -1 (forever) or 1 and up');
    spec = { name: 'pattern', steps: parseSteps(words.join(' ')), repeat, then };
  }
  if (flags.label !== undefined) {
    if (!LABEL_PATTERN.test(flags.label)) throw new PatternUsageError(`--label: "${flags.label}" is not ${LABEL_RULE}`);
    spec.label = flags.label;
  }
  const problem = patternProblem(spec);
  if (problem) throw new PatternUsageError(`${command}: ${problem}`);
  return spec;
}
