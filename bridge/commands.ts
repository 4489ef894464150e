// Commands on an LED's set topic, as Home Assistant's MQTT light (JSON
// schema) sends them: {"state":"ON"}, {"state":"OFF"},
// {"state":"ON","effect":"heartbeat"}, {"state":"ON","flash":2}. Anyone who
// may publish on the topic can send anything, so every refusal says what was
// wrong and what is accepted.
import type { PatternSpec } from '../protocol/pattern.js';
import { forProblem } from '../protocol/timed.js';
import { EFFECT_NAMES, findEffect } from './effects.js';
import { type FlashLength, flashSpec } from './flash.js';
import type { FlashTimes } from './discovery.js';

/** Far above anything Home Assistant sends; larger payloads are not parsed at all. */
export const MAX_COMMAND_BYTES = 1024;

export type LedVerb = 'ON' | 'OFF' | 'BLINK' | 'HEARTBEAT' | 'PATTERN';

/** One request to ledd for the LED. */
export interface LedStep {
  verb: LedVerb;
  pattern?: PatternSpec;
  /** for=: the step lasts this long, then ledd puts back what the LED showed. */
  forMs?: number;
  /** The effect's name, for the state published while its pattern plays. */
  effect?: string;
}

/**
 * What a command asks of the LED, in order: a new state (ON, OFF, an
 * effect), a flash over what it shows, or both (OFF or an effect, then a
 * flash that falls back to it).
 */
export interface LedCommand {
  steps: LedStep[];
}

export type CommandParse = { ok: true; command: LedCommand } | { ok: false; problem: string };

const ACCEPTED =
  'send {"state":"ON"}, {"state":"OFF"}, {"state":"ON","effect":"NAME"} or {"state":"ON","flash":"short"}';

function flashLength(value: unknown, times: FlashTimes): { length: FlashLength; seconds: number } | string {
  const expected =
    `"flash" must be "short" (${times.flashTimeShort} s), "long" (${times.flashTimeLong} s) ` +
    'or a number of seconds, as Home Assistant sends flash_time_short or flash_time_long';
  if (typeof value === 'string') {
    const word = value.toLowerCase();
    if (word === 'short') return { length: 'short', seconds: times.flashTimeShort };
    if (word === 'long') return { length: 'long', seconds: times.flashTimeLong };
    return `${expected}, not "${value.slice(0, 20)}"`;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${expected}, not ${JSON.stringify(value)}`;
  const problem = forProblem(Math.round(value * 1000));
  if (problem) return `${expected}; ${value} s is not: ${problem}`;
  // Home Assistant sends the discovery's own times: name them as such.
  if (value === times.flashTimeShort) return { length: 'short', seconds: value };
  if (value === times.flashTimeLong) return { length: 'long', seconds: value };
  return { length: { seconds: value }, seconds: value };
}

export function parseCommand(payload: Buffer, times: FlashTimes): CommandParse {
  const fail = (problem: string): CommandParse => ({ ok: false, problem });
  if (payload.length > MAX_COMMAND_BYTES)
    return fail(`the command is ${payload.length} bytes, more than ${MAX_COMMAND_BYTES}; ${ACCEPTED}`);
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    const shown = payload
      .toString('utf8')
      .slice(0, 40)
      .replace(/[^\x20-\x7e]/g, '?');
    return fail(`"${shown}" is not JSON; ${ACCEPTED}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail(`the command is not a JSON object; ${ACCEPTED}`);
  const fields = value as Record<string, unknown>;
  const { state, effect } = fields;
  if (state !== undefined && typeof state !== 'string') return fail(`"state" must be "ON" or "OFF"; ${ACCEPTED}`);
  if (effect !== undefined && effect !== null && typeof effect !== 'string')
    return fail(`"effect" must be a string, one of ${EFFECT_NAMES.join(', ')}`);
  // The discovery says "transition": false, so Home Assistant never sends one: whoever did should know it did nothing.
  if (fields.transition !== undefined)
    return fail(
      '"transition" is not supported: the LED switches at once (the discovery config says "transition": false); ' +
        'send the command without it',
    );
  const level = state?.toUpperCase();
  if (level !== undefined && level !== 'ON' && level !== 'OFF')
    return fail(`"state":"${String(state).slice(0, 20)}" is not ON or OFF; ${ACCEPTED}`);

  const steps: LedStep[] = [];
  if (level === 'OFF') steps.push({ verb: 'OFF' });
  else if (typeof effect === 'string') {
    const found = findEffect(effect);
    if (!found) return fail(`the effect "${effect.slice(0, 40)}" is unknown; use one of ${EFFECT_NAMES.join(', ')}`);
    const pattern = { ...found.spec(), label: found.name };
    const verb = pattern.name === 'heartbeat' ? 'HEARTBEAT' : pattern.name === 'blink' ? 'BLINK' : 'PATTERN';
    steps.push({ verb, pattern, effect: found.name });
  }
  if (fields.flash !== undefined) {
    const flash = flashLength(fields.flash, times);
    if (typeof flash === 'string') return fail(flash);
    // {"state":"ON","flash":N} (Home Assistant's turn_on with flash) is the flash alone: it falls back to what the LED showed.
    steps.push({ verb: 'BLINK', pattern: flashSpec(flash.length), forMs: Math.round(flash.seconds * 1000) });
  } else if (level === undefined && steps.length === 0) {
    return fail(`the command has neither "state" nor "effect"; ${ACCEPTED}`);
  } else if (steps.length === 0) {
    steps.push({ verb: 'ON' });
  }
  return { ok: true, command: { steps } };
}
