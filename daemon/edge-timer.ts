// Typed interface of the edge timer addon (native/src/edge_timer/): a
// one-shot timerfd the event loop watches, armed with nanosecond precision.
import { createRequire } from 'node:module';
import path from 'node:path';

import { packageRootOf } from '../native/lib/package-root.js';

export interface EdgeTimer {
  /** Calls the callback once, `delayMs` (fractional) from now; arming again replaces the time. */
  arm(delayMs: number): void;
  /** No call until armed again. */
  disarm(): void;
  /** Gives the timerfd back; the timer cannot be armed again. */
  close(): void;
}

interface EdgeTimerAddon {
  EdgeTimer: new (callback: () => void) => EdgeTimer;
}

const addonPath = path.join(packageRootOf(import.meta.url), 'native/build/Release/edge_timer.node');
let addon: EdgeTimerAddon | undefined;

/** A new timer; throws, naming the file and what to do, when the addon is not built. */
export function createEdgeTimer(callback: () => void): EdgeTimer {
  try {
    addon ??= createRequire(import.meta.url)(addonPath) as EdgeTimerAddon;
  } catch (error) {
    const first = (error as Error).message.split('\n')[0];
    throw new Error(`the edge timer addon is not built (${addonPath}): ${first}. Run npm ci (or npm run build)`, {
      cause: error,
    });
  }
  return new addon.EdgeTimer(callback);
}
