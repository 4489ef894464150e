// Start-up: the saved state, the queue, the line, the LED and the daemon, in
// an order where nothing can call into a part not yet built. A failure at any
// step gives back what earlier steps took (the line, a queue created here)
// and is thrown for main to turn into its exit code.
import { QueueError, formatKey } from '../native/lib/index.js';
import type { Config } from './config.js';
import { Daemon } from './daemon.js';
import { GpioError, type LedLines, type LinesSpec } from './gpio/line.js';
import { singleLed } from './gpio/line-bank.js';
import type { LevelListener } from './gpio/sim-line.js';
import { openLedLines } from './gpio/open-line.js';
import { Led, type LedHooks } from './led.js';
import type { Logger } from './log/logger.js';
import { ownQueue, QueueOwnershipError } from './queue-owner.js';
import { createServiceNotifier } from './service-notifier.js';
import { DaemonExit } from './exit-codes.js';
import { StateFile, StateFileError, type StoredState } from './state-file.js';
import { describePattern } from '../protocol/pattern.js';

/** How the lines are opened: the backend's, or a test's. */
export type LinesOpener = (
  backend: Config['backend'],
  spec: LinesSpec,
  onSimulatedChange: LevelListener,
) => Promise<LedLines>;

/** What the LED starts with: a level, or a pattern to resume (from the state file). */
function startState(config: Config, stateFile: StateFile | null, log: Logger): StoredState {
  if (config.startState !== 'restore') return { on: config.startState === 'on' };
  if (stateFile === null) return { on: false };
  const stored = stateFile.read();
  if (stored.problem) log.warn(`${stored.problem}; starting with the LED ${stored.state?.on ? 'on' : 'off'}`);
  return stored.state ?? { on: false };
}

/** Builds a running daemon; the caller wires its signals and runs it. */
export async function startDaemon(config: Config, log: Logger, openLines: LinesOpener = openLedLines): Promise<Daemon> {
  const notifier = createServiceNotifier(process.env);
  const stateFile = config.stateFile === null ? null : new StateFile(config.stateFile);
  const restored = startState(config, stateFile, log);
  const initial = restored.pattern ? restored.pattern.spec.steps[0]!.on : restored.on;
  const { queue, adopted } = ownQueue({ key: config.key, mode: config.mode, gid: config.gid });
  log.info(
    { key: formatKey(config.key), queueId: queue.id, adopted, mode: `0${config.mode.toString(8)}` },
    adopted ? 'adopted the queue this user created earlier' : 'created the queue',
  );

  let lines: LedLines | undefined;
  try {
    lines = await openLines(
      config.backend,
      { leds: [{ chip: config.chip, line: config.line, activeLow: config.activeLow, initial }], consumer: 'ledd' },
      (_led, on) => log.debug({ led: on ? 'ON' : 'OFF' }, `simulated LED is ${on ? 'ON' : 'OFF'}`),
    );
    const traceEdges = log.isLevelEnabled('debug');
    // The daemon is built before anything can play: a pattern's end or failure is reported to it.
    const hooks: LedHooks = {
      onPersistError: (error) =>
        log.error({ err: error }, `the LED changed but its state could not be saved: ${error.message}`),
      onPatternEnd: (spec, error) => daemon.patternEnded(spec, error),
      ...(traceEdges && {
        onEdge: (edge) =>
          log.debug({ ...edge, lateMs: edge.atMs - edge.dueMs, led: edge.on ? 'ON' : 'OFF' }, 'pattern step'),
      }),
    };
    const led = new Led(singleLed(lines, 0), stateFile, hooks);
    const housekeepingMs = Math.min(config.housekeepingSeconds * 1000, notifier.watchdogPingMs || Infinity);
    const daemon = new Daemon({ queue, led, log, notifier, exitState: config.exitState, housekeepingMs });
    if (restored.pattern) {
      // A line that fails on the resumed pattern's first level throws here, like one that cannot be opened.
      const resumed = led.play(restored.pattern.spec, restored.pattern.startedAt);
      const what = describePattern(restored.pattern.spec);
      log.info({ pattern: what, resumed }, resumed ? `resumed the ${what}` : `the ${what} ended while ledd was down`);
    }
    return daemon;
  } catch (error) {
    lines?.release();
    stateFile?.close();
    if (!adopted) queue.remove();
    throw error;
  }
}

/** The exit code for what stopped ledd from starting or running. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof StateFileError) return DaemonExit.stateFile;
  if (error instanceof GpioError) return DaemonExit.gpio;
  if (error instanceof QueueOwnershipError || error instanceof QueueError) return DaemonExit.queue;
  return DaemonExit.failure;
}
