// The effects Home Assistant offers for the LED, each one of ledd's patterns.
import { type PatternName, type PatternSpec, blinkSpec, heartbeatSpec } from '../protocol/pattern.js';

export interface Effect {
  name: string;
  spec: () => PatternSpec;
}

/** Each effect's pattern carries the effect's name as its label (see effectFor). */
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
 * The effect to publish for a pattern ledd reports. The bridge starts each
 * effect with its name as the pattern's label, which ledd keeps and reports,
 * so the name survives a restart of the bridge or of ledd. A pattern without
 * a label of an effect (one started by ledctl, say, or by a ledd from before
 * labels) keeps the effect the bridge last asked for while a pattern of its
 * kind plays, else is published under its kind's name.
 */
export function effectFor(
  pattern: PatternName | undefined,
  lastAsked: string | undefined,
  label?: string,
): string | null {
  if (pattern === undefined) return null;
  const labelled = label === undefined ? undefined : findEffect(label);
  if (labelled) return labelled.name;
  const asked = lastAsked === undefined ? undefined : findEffect(lastAsked);
  if (asked && asked.spec().name === pattern) return asked.name;
  return pattern;
}
