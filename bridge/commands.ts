// Commands on the set topic, as Home Assistant's MQTT light (JSON schema)
// sends them: {"state":"ON"}, {"state":"OFF"}, {"state":"ON","effect":"heartbeat"}.
// Anyone who may publish on the topic can send anything, so every refusal
// says what was wrong and what is accepted.
import type { PatternSpec } from '../protocol/pattern.js';
import { EFFECT_NAMES, findEffect } from './effects.js';

/** Far above anything Home Assistant sends; larger payloads are not parsed at all. */
export const MAX_COMMAND_BYTES = 1024;

export interface LedCommand {
  verb: 'ON' | 'OFF' | 'BLINK' | 'HEARTBEAT' | 'PATTERN';
  pattern?: PatternSpec;
  /** The effect's name, for the state published while its pattern plays. */
  effect?: string;
}

export type CommandParse = { ok: true; command: LedCommand } | { ok: false; problem: string };

const ACCEPTED = 'send {"state":"ON"}, {"state":"OFF"} or {"state":"ON","effect":"NAME"}';

export function parseCommand(payload: Buffer): CommandParse {
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
  const { state, effect } = value as Record<string, unknown>;
  if (state !== undefined && typeof state !== 'string') return fail(`"state" must be "ON" or "OFF"; ${ACCEPTED}`);
  if (effect !== undefined && effect !== null && typeof effect !== 'string')
    return fail(`"effect" must be a string, one of ${EFFECT_NAMES.join(', ')}`);
  const level = state?.toUpperCase();
  if (level !== undefined && level !== 'ON' && level !== 'OFF')
    return fail(`"state":"${String(state).slice(0, 20)}" is not ON or OFF; ${ACCEPTED}`);
  if (level === 'OFF') return { ok: true, command: { verb: 'OFF' } };
  if (typeof effect === 'string') {
    const found = findEffect(effect);
    if (!found) return fail(`the effect "${effect.slice(0, 40)}" is unknown; use one of ${EFFECT_NAMES.join(', ')}`);
    const pattern = { ...found.spec(), label: found.name };
    const verb = pattern.name === 'heartbeat' ? 'HEARTBEAT' : pattern.name === 'blink' ? 'BLINK' : 'PATTERN';
    return { ok: true, command: { verb, pattern, effect: found.name } };
  }
  if (level === undefined) return fail(`the command has neither "state" nor "effect"; ${ACCEPTED}`);
  // Brightness, transition and the like are not the LED's to honour: ON is ON.
  return { ok: true, command: { verb: 'ON' } };
}
