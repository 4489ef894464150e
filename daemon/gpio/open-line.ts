// Chooses the backend named in the configuration. The simulated LED is used
// only when asked for, never as a silent fallback.
import type { BackendName, LedLine, LineSpec } from './line.js';
import { type LevelListener, SimulatedLine } from './sim-line.js';

export async function openLedLine(
  backend: BackendName,
  spec: LineSpec,
  onSimulatedChange: LevelListener,
): Promise<LedLine> {
  if (backend === 'sim') return new SimulatedLine(spec, onSimulatedChange);
  const { openLibgpiodLine } = await import('./libgpiod-line.js');
  return openLibgpiodLine(spec);
}
