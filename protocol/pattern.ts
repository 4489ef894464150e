// Patterns: what BLINK, HEARTBEAT and PATTERN requests ask ledd to play on its
// LEDs, as the kernel LED class's timer, heartbeat and pattern triggers do.
//
// On the wire, after the verb (durations are whole milliseconds):
//   BLINK on=MS off=MS [count=N] [then=on|off] [label=L]  count 0 (default): forever
//   HEARTBEAT [then=on|off] [label=L]
//   PATTERN L:MS,L:MS,... [repeat=N] [then=on|off] [label=L]
//                              L is 0 or 1, or one 0/1 per LED named (100:500:
//                              the first of three on); repeat -1 (default): forever
// A pattern plays its steps in order, cycle after cycle; a finite one ends in
// its `then` state (default off). A step of one level sets every LED the
// pattern plays on; a step of several levels sets each LED named in led= to
// its own, in that order, all in the same instant. label= is the name a
// client gives the pattern ("fast blink"), kept and reported by ledd; on the
// wire a space in it is written +.

export const PATTERN_NAMES = ['blink', 'heartbeat', 'pattern'] as const;
export type PatternName = (typeof PATTERN_NAMES)[number];

export interface PatternStep {
  /** One level for every LED, or one for each LED named, in order. */
  levels: boolean[];
  ms: number;
}

export interface PatternSpec {
  name: PatternName;
  steps: PatternStep[];
  /** Cycles to play; -1 forever. */
  repeat: number;
  /** The state a finite pattern ends in. */
  then: boolean;
  /** The name a client gave it ("fast blink"), reported with it. */
  label?: string;
}

export const MIN_STEP_MS = 10;
export const MAX_STEP_MS = 3_600_000;
export const MAX_STEPS = 16;
export const MAX_REPEAT = 1_000_000;
export const FOREVER = -1;
/** The most LEDs a step gives levels for (ledd's most LEDs). */
export const MAX_WIDTH = 32;
export const LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,31}$/;
export const LABEL_RULE = '1 to 32 letters, digits, spaces, ".", "_" or "-", starting with a letter or digit';

/** The kernel's heartbeat trigger at rest: two short flashes, then a pause (one beat a 1.26 s). */
export const HEARTBEAT_STEPS: readonly PatternStep[] = [
  { levels: [true], ms: 70 },
  { levels: [false], ms: 250 },
  { levels: [true], ms: 70 },
  { levels: [false], ms: 870 },
];

/** How many LEDs a step gives levels for: 1 (every LED alike) or one per LED named. */
export function widthOf(spec: PatternSpec): number {
  return spec.steps[0]?.levels.length ?? 1;
}

/** "101" for a step's levels. */
export const levelText = (levels: readonly boolean[]): string => levels.map((on) => (on ? '1' : '0')).join('');

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
  const width = widthOf(spec);
  if (width < 1 || width > MAX_WIDTH) return `a step gives 1 to ${MAX_WIDTH} levels, not ${width}`;
  for (const [index, step] of spec.steps.entries()) {
    if (step.levels.length !== width)
      return `step ${index + 1} gives ${step.levels.length} levels, step 1 ${width}: give every step one level for each LED`;
    const problem = stepProblem(`step ${index + 1}'s duration`, step.ms);
    if (problem) return problem;
  }
  if (spec.label !== undefined && !LABEL_PATTERN.test(spec.label))
    return `the label "${spec.label}" is not ${LABEL_RULE}`;
  if (!Number.isInteger(spec.repeat) || (spec.repeat !== FOREVER && (spec.repeat < 1 || spec.repeat > MAX_REPEAT)))
    return `the repeat count must be -1 (forever) or 1 to ${MAX_REPEAT}, not ${spec.repeat}`;
  return undefined;
}

export function blinkSpec(onMs: number, offMs: number, count: number, then: boolean): PatternSpec {
  return {
    name: 'blink',
    steps: [
      { levels: [true], ms: onMs },
      { levels: [false], ms: offMs },
    ],
    repeat: count === 0 ? FOREVER : count,
    then,
  };
}

export function heartbeatSpec(then = false): PatternSpec {
  return { name: 'heartbeat', steps: HEARTBEAT_STEPS.map((step) => ({ ...step })), repeat: FOREVER, then };
}

const onOff = (on: boolean): string => (on ? 'on' : 'off');

/** A label on the wire: a space is +. */
export const formatLabel = (label: string): string => label.replace(/ /g, '+');
export const parseLabel = (text: string): string => text.replace(/\+/g, ' ');

/** The words after the verb, as parsePatternWords reads them. */
export function formatPatternWords(spec: PatternSpec): string {
  const then = `then=${onOff(spec.then)}${spec.label === undefined ? '' : ` label=${formatLabel(spec.label)}`}`;
  if (spec.name === 'heartbeat') return then;
  if (spec.name === 'blink') {
    const [on, off] = spec.steps;
    return `on=${on!.ms} off=${off!.ms} count=${spec.repeat === FOREVER ? 0 : spec.repeat} ${then}`;
  }
  return `${spec.steps.map((step) => `${levelText(step.levels)}:${step.ms}`).join(',')} repeat=${spec.repeat} ${then}`;
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
  const allowed = {
    BLINK: ['on', 'off', 'count', 'then', 'label'],
    HEARTBEAT: ['then', 'label'],
    PATTERN: ['repeat', 'then', 'label'],
  }[verb];
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
  const labelText = options.get('label');
  const label = labelText === undefined ? undefined : parseLabel(labelText);
  if (label !== undefined && !LABEL_PATTERN.test(label))
    return fail(`label=${labelText} is not ${LABEL_RULE} (a space written +)`);

  let spec: PatternSpec;
  if (verb === 'PATTERN') {
    if (positional.length !== 1)
      return fail('PATTERN takes one list of steps, LEVEL:MS,LEVEL:MS,... (e.g. 1:200,0:800)');
    const steps: PatternStep[] = [];
    for (const text of positional[0]!.split(',')) {
      const step = /^([01]{1,32}):(\d{1,10})$/.exec(text);
      if (!step)
        return fail(`step "${text}" is not LEVEL:MS with LEVEL 0 or 1, or one 0/1 per LED (e.g. 1:200, 100:200)`);
      steps.push({ levels: [...step[1]!].map((digit) => digit === '1'), ms: Number(step[2]) });
    }
    const repeat = integer('repeat', FOREVER);
    if (typeof repeat === 'string') return fail(repeat);
    spec = { name: 'pattern', steps, repeat, then };
  } else {
    if (positional.length > 0) return fail(`unexpected "${positional[0]}" after ${verb}`);
    if (verb === 'HEARTBEAT')
      return { ok: true, spec: { ...heartbeatSpec(then), ...(label !== undefined && { label }) } };
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
  if (label !== undefined) spec.label = label;
  const problem = patternProblem(spec);
  return problem ? fail(problem) : { ok: true, spec };
}

/** "blink 500ms on, 500ms off, forever" (or "fast blink (blink 100ms on, ...)") for logs and status. */
export function describePattern(spec: PatternSpec): string {
  const what = describeKind(spec);
  return spec.label === undefined || spec.label === spec.name ? what : `"${spec.label}" (${what})`;
}

function describeKind(spec: PatternSpec): string {
  const times = spec.repeat === FOREVER ? 'forever' : `${spec.repeat} time${spec.repeat === 1 ? '' : 's'}`;
  if (spec.name === 'blink') return `blink ${spec.steps[0]!.ms}ms on, ${spec.steps[1]!.ms}ms off, ${times}`;
  if (spec.name === 'heartbeat') return 'heartbeat';
  return `pattern ${spec.steps.map((step) => `${levelText(step.levels)}:${step.ms}`).join(',')}, ${times}`;
}
