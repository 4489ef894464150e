// The effects Home Assistant offers for the LED, each one of ledd's patterns.
import { type PatternName, type PatternSpec, blinkSpec, heartbeatSpec } from '../protocol/pattern.js';

export interface Effect {
  name: string;
  spec: () => PatternSpec;
}

export const EFFECTS: readonly Effect[] = [
  { name: 'blink', spec: () => blinkSpec(500, 500, 0, false) },
  { name: 'fast blink', spec: () => blinkSpec(100, 100, 0, false) },
  { name: 'slow blink', spec: () => blinkSpec(1000, 1000, 0, false) },
  { name: 'heartbeat', spec: () => heartbeatSpec(false) },
  // Three short flashes, then steadily on: a finite pattern that ends by itself.
  { name: 'flash', spec: () => blinkSpec(150, 150, 3, true) },
];

export const EFFECT_NAMES: readonly string[] = EFFECTS.map((effect) => effect.name);

export function findEffect(name: string): Effect | undefined {
  return EFFECTS.find((effect) => effect.name === name.toLowerCase());
}

/**
 * The effect to publish for a pattern ledd reports. ledd names only the kind of
 * pattern (blink, heartbeat, pattern), so the effect the bridge last asked for
 * is kept while a pattern of its kind plays; any other pattern (one started by
 * ledctl, say) is published under its kind's name.
 */
export function effectFor(pattern: PatternName | undefined, lastAsked: string | undefined): string | null {
  if (pattern === undefined) return null;
  const asked = lastAsked === undefined ? undefined : findEffect(lastAsked);
  if (asked && asked.spec().name === pattern) return asked.name;
  return pattern;
}
