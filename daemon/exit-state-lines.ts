// The clean-up's GPIO part: drive each LED's line to the exit state and let it
// go. Each line is requested on its own, so that a line another program took
// after ledd stopped (gpioset, a second daemon) is that program's: it is named
// in a warning and left to its holder, and every other LED is still driven.
import { GpioError, type LedLines, type LedLineSpec } from './gpio/line.js';

export interface ExitStateOutcome {
  /** "red: GPIO17 on gpiochip0 line 17", one for each LED driven. */
  driven: string[];
  /** The refusals of lines held by another program (kind 'busy'). */
  held: GpioError[];
  /** Every other failure; the clean-up failed when this is not empty. */
  failed: unknown[];
}

export type OpenOneLed = (spec: LedLineSpec) => Promise<LedLines>;

export async function driveToExitState(specs: readonly LedLineSpec[], open: OpenOneLed): Promise<ExitStateOutcome> {
  const outcome: ExitStateOutcome = { driven: [], held: [], failed: [] };
  for (const spec of specs) {
    let lines: LedLines;
    try {
      lines = await open(spec);
    } catch (error) {
      if (error instanceof GpioError && error.kind === 'busy') {
        outcome.held.push(error);
        continue;
      }
      outcome.failed.push(error);
      // No binding for one LED is no binding for any: one line says so.
      if (error instanceof GpioError && error.kind === 'unavailable') break;
      continue;
    }
    const location = lines.location(0);
    lines.release();
    outcome.driven.push(spec.name === undefined ? location : `${spec.name}: ${location}`);
  }
  return outcome;
}
