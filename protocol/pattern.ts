// Patterns: what BLINK, HEARTBEAT and PATTERN requests ask ledd to play on the
// line, as the kernel LED class's timer, heartbeat and pattern triggers do.
//
// On the wire, after the verb (durations are whole milliseconds):
//   BLINK on=MS off=MS [count=N] [then=on|off]      count 0 (default): forever
//   HEARTBEAT [then=on|off]
//   PATTERN L:MS,L:MS,... [repeat=N] [then=on|off]  L is 0 or 1; repeat -1 (default): forever
// A pattern plays its steps in order, cycle after cycle; a finite one ends in
// its `then` state (default off).

export const PATTERN_NAMES = ['blink', 'heartbeat', 'pattern'] as const;
export type PatternName = (typeof PATTERN_NAMES)[number];

export interface PatternStep {
  on: boolean;
  ms: number;
}

export interface PatternSpec {
  name: PatternName;
  steps: PatternStep[];
  /** Cycles to play; -1 forever. */
  repeat: number;
  /** The state a finite pattern ends in. */
  then: boolean;
}

export const MIN_STEP_MS = 10;
export const MAX_STEP_MS = 3_600_000;
export const MAX_STEPS = 16;
export const MAX_REPEAT = 1_000_000;
export const FOREVER = -1;

/** The kernel's heartbeat trigger at rest: two short flashes, then a pause (one beat a 1.26 s). */
export const HEARTBEAT_STEPS: readonly PatternStep[] = [
  { on: true, ms: 70 },
  { on: false, ms: 250 },
  { on: true, ms: 70 },
  { on: false, ms: 870 },
];

export const PATTERN_VERBS = ['BLINK', 'HEARTBEAT', 'PATTERN'] as const;
export type PatternVerb = (typeof PATTERN_VERBS)[number];

/** The problem with `ms` as a step's duration, or undefined. */
export function stepProblem(what: string, ms: number): string | undefined {
  if (Number.isInteger(ms) && ms >= MIN_STEP_MS && ms <= MAX_STEP_MS) return undefined;
  return `${what} must be a whole number of milliseconds from ${MIN_STEP_MS} to ${MAX_STEP_MS}, not ${ms}`;
}

/** The problem with a spec, or undefined: what both sides check before it reaches the line. */
export function patternProblem(spec: PatternSpec): string | undefined {
  if (spec.steps.length < 1 || spec.steps.length > MAX_STEPS)
    return `a pattern has 1 to ${MAX_STEPS} steps, not ${spec.steps.length}`;
  for (const [index, step] of spec.steps.entries()) {
    const problem = stepProblem(`step ${index + 1}'s duration`, step.ms);
    if (problem) return problem;
  }
  if (!Number.isInteger(spec.repeat) || (spec.repeat !== FOREVER && (spec.repeat < 1 || spec.repeat > MAX_REPEAT)))
    return `the repeat count must be -1 (forever) or 1 to ${MAX_REPEAT}, not ${spec.repeat}`;
  return undefined;
}

export function blinkSpec(onMs: number, offMs: number, count: number, then: boolean): PatternSpec {
  return {
    name: 'blink',
    steps: [
      { on: true, ms: onMs },
      { on: false, ms: offMs },
    ],
    repeat: count === 0 ? FOREVER : count,
    then,
  };
}

export function heartbeatSpec(then = false): PatternSpec {
  return { name: 'heartbeat', steps: HEARTBEAT_STEPS.map((step) => ({ ...step })), repeat: FOREVER, then };
}

const onOff = (on: boolean): string => (on ? 'on' : 'off');

/** The words after the verb, as parsePatternWords reads them. */
export function formatPatternWords(spec: PatternSpec): string {
  const then = `then=${onOff(spec.then)}`;
  if (spec.name === 'heartbeat') return then;
  if (spec.name === 'blink') {
    const [on, off] = spec.steps;
    return `on=${on!.ms} off=${off!.ms} count=${spec.repeat === FOREVER ? 0 : spec.repeat} ${then}`;
  }
  return `${spec.steps.map((step) => `${step.on ? 1 : 0}:${step.ms}`).join(',')} repeat=${spec.repeat} ${then}`;
}

export type PatternParse = { ok: true; spec: PatternSpec } | { ok: false; problem: string };

const INTEGER = /^-?\d{1,10}$/;

/** A pattern request's words after the verb (reply= and id= already taken out). */
export function parsePatternWords(verb: PatternVerb, words: readonly string[]): PatternParse {
  const fail = (problem: string): PatternParse => ({ ok: false, problem });
  const options = new Map<string, string>();
  const positional: string[] = [];
  for (const word of words) {
    const at = word.indexOf('=');
    if (at === -1) positional.push(word);
    else options.set(word.slice(0, at).toLowerCase(), word.slice(at + 1));
  }
  const allowed = { BLINK: ['on', 'off', 'count', 'then'], HEARTBEAT: ['then'], PATTERN: ['repeat', 'then'] }[verb];
  const unknown = [...options.keys()].find((name) => !allowed.includes(name));
  if (unknown !== undefined)
    return fail(`${verb} takes ${allowed.map((name) => `${name}=`).join(', ')}, not ${unknown}=`);
  const integer = (name: string, fallback: number): number | string => {
    const text = options.get(name);
    if (text === undefined) return fallback;
    return INTEGER.test(text) ? Number(text) : `${name}=${text} is not a whole number`;
  };
  const thenText = (options.get('then') ?? 'off').toLowerCase();
  if (thenText !== 'on' && thenText !== 'off') return fail(`then=${options.get('then')} is not on or off`);
  const then = thenText === 'on';

  let spec: PatternSpec;
  if (verb === 'PATTERN') {
    if (positional.length !== 1)
      return fail('PATTERN takes one list of steps, LEVEL:MS,LEVEL:MS,... (e.g. 1:200,0:800)');
    const steps: PatternStep[] = [];
    for (const text of positional[0]!.split(',')) {
      const step = /^([01]):(\d{1,10})$/.exec(text);
      if (!step) return fail(`step "${text}" is not LEVEL:MS with LEVEL 0 or 1 (e.g. 1:200)`);
      steps.push({ on: step[1] === '1', ms: Number(step[2]) });
    }
    const repeat = integer('repeat', FOREVER);
    if (typeof repeat === 'string') return fail(repeat);
    spec = { name: 'pattern', steps, repeat, then };
  } else {
    if (positional.length > 0) return fail(`unexpected "${positional[0]}" after ${verb}`);
    if (verb === 'HEARTBEAT') return { ok: true, spec: heartbeatSpec(then) };
    const onMs = integer('on', 500);
    const offMs = integer('off', 500);
    const count = integer('count', 0);
    for (const value of [onMs, offMs, count]) if (typeof value === 'string') return fail(value);
    if ((count as number) < 0 || (count as number) > MAX_REPEAT)
      return fail(`count=${count} must be 0 (forever) to ${MAX_REPEAT}`);
    const onProblem = stepProblem('on=', onMs as number) ?? stepProblem('off=', offMs as number);
    if (onProblem) return fail(onProblem);
    spec = blinkSpec(onMs as number, offMs as number, count as number, then);
  }
  const problem = patternProblem(spec);
  return problem ? fail(problem) : { ok: true, spec };
}

/** "blink 500ms on, 500ms off, forever" and the like, for logs and status. */
export function describePattern(spec: PatternSpec): string {
  const times = spec.repeat === FOREVER ? 'forever' : `${spec.repeat} time${spec.repeat === 1 ? '' : 's'}`;
  if (spec.name === 'blink') return `blink ${spec.steps[0]!.ms}ms on, ${spec.steps[1]!.ms}ms off, ${times}`;
  if (spec.name === 'heartbeat') return 'heartbeat';
  return `pattern ${spec.steps.map((step) => `${step.on ? 1 : 0}:${step.ms}`).join(',')}, ${times}`;
}
